// libFuzzer target for what an OpenID login brings in from outside (issue 16): the provider's key
// set (JWKS), the ID token from its token endpoint (compact JWS: Jwt, IdTokenVerifier, OidcClaims,
// oidc.allowed_* rules, UserInfo merging) and the browser's callback to /oidc/callback (query,
// cookies) through OidcLogin's own route. The first byte picks the part, the rest is its input:
//   0  a JWKS document; every key it yields is asked to verify a fuzzed signature
//   1  a compact token, checked against the harness's real key set
//   2  "<header JSON>\n<payload JSON>": the harness signs it with its own P-256 key, so the claim
//      checks (iss, aud, azp, exp, iat, nonce) and the claim mapping run on fuzzed claims, not only
//      the signature check; the payload is also merged as a UserInfo answer
//   3  a callback query string; a "\n" may separate a Cookie header. The page shown for a refused
//      callback echoes the provider's error and issuer: it must never carry markup from the input.
#include "FuzzApp.h"
#include "auth/IdTokenVerifier.h"
#include "auth/JsonWebKey.h"
#include "auth/Jwt.h"
#include "auth/OidcClaims.h"
#include "http/Router.h"
#include "machine/Registration.h"
#include "server/OidcLogin.h"
#include "state/State.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace keel;

namespace {

const QString kIssuer = QStringLiteral("https://idp.example.com");

QByteArray bn(const EVP_PKEY* key, const char* param)
{
    BIGNUM* v = nullptr;
    if (!EVP_PKEY_get_bn_param(key, param, &v))
        qFatal("EVP_PKEY_get_bn_param");
    QByteArray out(32, '\0');
    BN_bn2binpad(v, reinterpret_cast<unsigned char*>(out.data()), 32);
    BN_free(v);
    return out;
}

struct World
{
    QTemporaryDir dir;
    std::shared_ptr<EVP_PKEY> key;
    auth::JsonWebKeySet keys;
    config::Config config;
    std::unique_ptr<store::Store> store;
    std::unique_ptr<state::State> state;
    std::unique_ptr<control::Registration> registration;
    std::unique_ptr<server::OidcLogin> login;
    http::Router router;

    World()
    {
        key.reset(EVP_EC_gen("P-256"), EVP_PKEY_free);
        if (!key)
            qFatal("EVP_EC_gen");
        const QJsonObject jwk{{QStringLiteral("kty"), QStringLiteral("EC")}, {QStringLiteral("crv"), QStringLiteral("P-256")},
                              {QStringLiteral("kid"), QStringLiteral("k1")}, {QStringLiteral("use"), QStringLiteral("sig")},
                              {QStringLiteral("x"), QString::fromLatin1(auth::Jwt::base64UrlEncode(bn(key.get(), OSSL_PKEY_PARAM_EC_PUB_X)))},
                              {QStringLiteral("y"), QString::fromLatin1(auth::Jwt::base64UrlEncode(bn(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y)))}};
        keys = auth::JsonWebKeySet::fromJson(QJsonObject{{QStringLiteral("keys"), QJsonArray{jwk}}});
        if (keys.size() != 1)
            qFatal("the harness's JWKS was not accepted");

        store::DatabaseOptions options;
        options.sqlitePath = dir.filePath(QStringLiteral("db.sqlite"));
        QString error;
        store = store::Store::open(options, &error);
        if (!store)
            qFatal("store: %s", qPrintable(error));
        config.serverUrl = QStringLiteral("https://ctrl.example.com");
        config.prefixes.v4 = QStringLiteral("100.64.0.0/10");
        config.oidc.issuer = kIssuer;
        config.oidc.clientId = QStringLiteral("keel");
        config.oidc.clientSecret = QStringLiteral("secret");
        config.oidc.allowedDomains = {QStringLiteral("example.com")};
        state = state::State::load(*store, config, &error);
        if (!state)
            qFatal("state: %s", qPrintable(error));
        registration = std::make_unique<control::Registration>(*state, config.serverUrl);
        // Never started: no discovery, so nothing here talks to a network.
        login = std::make_unique<server::OidcLogin>(config, *state, *registration);
        login->registerRoutes(router);
    }

    QByteArray sign(const QByteArray& signingInput) const
    {
        std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
        size_t len = 0;
        if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1
            || EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(signingInput.constData()), size_t(signingInput.size())) != 1)
            qFatal("sign");
        QByteArray der(qsizetype(len), '\0');
        if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, reinterpret_cast<const unsigned char*>(signingInput.constData()),
                           size_t(signingInput.size())) != 1)
            qFatal("sign");
        const unsigned char* p = reinterpret_cast<const unsigned char*>(der.constData());
        ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, long(len));
        QByteArray raw(64, '\0');
        BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
        BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
        ECDSA_SIG_free(sig);
        return raw;
    }
};

auth::IdTokenVerifier::Expectations expectations()
{
    // A fixed "now", so a replay gives the same verdicts on any day.
    return {kIssuer, QStringLiteral("keel"), QStringLiteral("nonce-1"), QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC), 60};
}

void useClaims(const auth::IdTokenVerifier::Result& r, const QJsonObject& userInfo)
{
    auth::OidcClaims claims = auth::OidcClaims::fromJson(r.ok() ? r.claims : userInfo);
    (void)claims.identifier();
    (void)claims.mergeUserInfo(userInfo);
    auth::OidcAccessRules rules;
    rules.allowedDomains = {QStringLiteral("example.com")};
    rules.allowedGroups = {QStringLiteral("admins")};
    (void)rules.refusal(claims);
    (void)auth::OidcClaims::cleanIdentifier(claims.iss + QLatin1Char('/') + claims.sub);
}

void fuzzKeySet(const QByteArray& input)
{
    QStringList skipped;
    const auth::JsonWebKeySet set = auth::JsonWebKeySet::fromJson(QJsonDocument::fromJson(input).object(), &skipped);
    for (const QString& kid : set.kids())
        for (const char* alg : {"RS256", "RS384", "RS512", "ES256", "ES384", "HS256", "none"})
            if (const auth::JsonWebKey* k = set.find(kid, QString::fromLatin1(alg)))
                (void)k->verify(QString::fromLatin1(alg), input.left(64), input.right(96));
}

void fuzzToken(const World& w, const QByteArray& input)
{
    QString error;
    (void)auth::Jwt::parse(input, &error);
    (void)auth::Jwt::base64UrlDecode(input);
    useClaims(auth::IdTokenVerifier::verify(input, w.keys, expectations()), {});
}

void fuzzSignedClaims(const World& w, const QByteArray& input)
{
    const qsizetype nl = input.indexOf('\n');
    const QByteArray header = nl < 0 ? QByteArrayLiteral("{\"alg\":\"ES256\",\"kid\":\"k1\"}") : input.left(nl);
    const QByteArray payload = nl < 0 ? input : input.mid(nl + 1);
    const QByteArray signingInput = auth::Jwt::base64UrlEncode(header) + '.' + auth::Jwt::base64UrlEncode(payload);
    const QByteArray token = signingInput + '.' + auth::Jwt::base64UrlEncode(w.sign(signingInput));
    useClaims(auth::IdTokenVerifier::verify(token, w.keys, expectations()), QJsonDocument::fromJson(payload).object());
}

void fuzzCallback(const World& w, const QByteArray& input)
{
    const qsizetype nl = input.indexOf('\n');
    http::HttpRequest request;
    request.method = "GET";
    request.version = "HTTP/1.1";
    request.target = "/oidc/callback?" + (nl < 0 ? input : input.left(nl));
    if (nl >= 0)
        request.headers.append({QByteArrayLiteral("Cookie"), input.mid(nl + 1)});
    const http::HttpResponse response = w.router.dispatch(request);
    // Refusal pages show what the provider said; markup from the query must arrive escaped.
    if (response.body.contains("<x-fuzz") || response.body.contains("<X-FUZZ"))
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)keel::fuzz::app("fuzz_oidc");
    const keel::fuzz::SettleOnReturn settleAtEnd;
    static World world;
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    switch (data[0] % 4) {
    case 0: fuzzKeySet(input); break;
    case 1: fuzzToken(world, input); break;
    case 2: fuzzSignedClaims(world, input); break;
    default: fuzzCallback(world, input); break;
    }
    return 0;
}
