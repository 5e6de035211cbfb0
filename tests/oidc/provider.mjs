// A real OpenID provider for Keel's tests: npm's oidc-provider on loopback, configured from a JSON
// file written by the test. Its own login and consent pages (devInteractions) are what the test's
// browser fills in. Each start generates new signing keys (RS256 and ES256), so restarting it is a
// key rotation. Two test-only endpoints:
//   POST /test/tamper?mode=M  the next token response carries a doctored ID token:
//     wrong-issuer | expired | wrong-nonce (re-signed with the real key), bad-signature (a flipped
//     signature byte), unknown-key (signed by a key that is not in the JWKS)
//   GET  /test/stats          {"jwks": number of JWKS downloads so far}
//   POST /test/account?login=L  body: JSON claims that replace that account's (e.g. new groups)
// Usage: node provider.mjs <config.json>; prints "listening <issuer>" when ready.
import fs from 'node:fs';
import Provider from 'oidc-provider';
import * as jose from 'jose';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const accounts = cfg.accounts; // login -> claims (sub = login)

async function signingKey(alg, kid) {
  const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid, alg, use: 'sig' };
}

const stamp = Date.now().toString(36);
const rsa = await signingKey('RS256', `rsa-${stamp}`);
const ec = await signingKey('ES256', `ec-${stamp}`);
const stranger = await signingKey('RS256', `unknown-${stamp}`); // never published

const provider = new Provider(cfg.issuer, {
  clients: cfg.clients,
  jwks: { keys: [rsa, ec] },
  cookies: { keys: ['keel-test-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username', 'picture'],
    groups: ['groups'],
  },
  scopes: ['openid', 'email', 'profile', 'groups'],
  pkce: { required: () => false, methods: ['S256', 'plain'] },
  features: { devInteractions: { enabled: true } },
  ttl: { IdToken: 3600, AccessToken: 3600, Session: 3600, Grant: 3600, Interaction: 600, AuthorizationCode: 60 },
  async findAccount(ctx, id) {
    if (!accounts[id]) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
  },
});

let tamper = null;
let jwksFetches = 0;

async function resign(token, change, key) {
  const [h, p] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = { ...JSON.parse(Buffer.from(p, 'base64url')), ...change };
  const priv = await jose.importJWK(key, key.alg);
  return new jose.CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ ...header, kid: key.kid, alg: key.alg })
    .sign(priv);
}

async function doctor(token) {
  const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url'));
  const own = header.alg === 'ES256' ? ec : rsa;
  const now = Math.floor(Date.now() / 1000);
  switch (tamper) {
    case 'wrong-issuer': return resign(token, { iss: 'http://127.0.0.1:1/not-the-issuer' }, own);
    case 'expired': return resign(token, { iat: now - 7200, exp: now - 3600 }, own);
    case 'wrong-nonce': return resign(token, { nonce: 'not-the-nonce' }, own);
    case 'unknown-key': return resign(token, {}, stranger);
    case 'bad-signature': {
      const parts = token.split('.');
      const sig = Buffer.from(parts[2], 'base64url');
      sig[sig.length >> 1] ^= 0x55;
      return `${parts[0]}.${parts[1]}.${sig.toString('base64url')}`;
    }
    default: return token;
  }
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

provider.use(async (ctx, next) => {
  if (ctx.path === '/test/tamper' && ctx.method === 'POST') {
    tamper = ctx.query.mode || null;
    ctx.body = { tamper };
    return;
  }
  if (ctx.path === '/test/stats') {
    ctx.body = { jwks: jwksFetches };
    return;
  }
  if (ctx.path === '/test/account' && ctx.method === 'POST') {
    accounts[ctx.query.login] = JSON.parse(await readBody(ctx.req));
    ctx.body = accounts[ctx.query.login];
    return;
  }
  if (ctx.path === '/jwks') jwksFetches += 1;
  await next();
  if (ctx.path === '/token' && tamper && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await doctor(ctx.body.id_token) };
    tamper = null;
  }
});

// Why a request was refused, in the log the test prints on failure.
for (const event of ['grant.error', 'authorization.error', 'userinfo.error', 'server_error']) {
  provider.on(event, (ctx, err) => console.error(`${event}: ${err.message} ${err.error_detail || ''}`));
}

provider.listen(cfg.port, '127.0.0.1', () => {
  console.log(`listening ${cfg.issuer}`);
});
