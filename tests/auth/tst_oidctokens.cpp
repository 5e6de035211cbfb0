// The OIDC building blocks without a network: JWK import, ID token verification (signatures made
// here with OpenSSL keys generated per run), claims and the provider identifier, the access rules,
// and the login sessions (single use, expiry, PKCE).
#include "auth/IdTokenVerifier.h"
#include "auth/JsonWebKey.h"
#include "auth/Jwt.h"
#include "auth/OidcClaims.h"
#include "auth/OidcSessions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

using namespace keel::auth;

namespace {

struct TestKey
{
    EVP_PKEY* key = nullptr;
    QString kid;
    bool ec = false;
    ~TestKey() { EVP_PKEY_free(key); }

    QByteArray b64(const QByteArray& raw) const { return Jwt::base64UrlEncode(raw); }
    QByteArray bn(const char* name) const
    {
        BIGNUM* b = nullptr;
        EVP_PKEY_get_bn_param(key, name, &b);
        QByteArray out(BN_num_bytes(b), Qt::Uninitialized);
        BN_bn2bin(b, reinterpret_cast<unsigned char*>(out.data()));
        BN_free(b);
        return out;
    }
    QJsonObject jwk() const
    {
        if (!ec)
            return {{"kty", "RSA"}, {"kid", kid}, {"use", "sig"}, {"n", QString(b64(bn(OSSL_PKEY_PARAM_RSA_N)))},
                    {"e", QString(b64(bn(OSSL_PKEY_PARAM_RSA_E)))}};
        unsigned char point[65];
        size_t len = 0;
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &len);
        const QByteArray p(reinterpret_cast<const char*>(point), int(len));
        return {{"kty", "EC"}, {"kid", kid}, {"crv", "P-256"}, {"x", QString(b64(p.mid(1, 32)))}, {"y", QString(b64(p.mid(33, 32)))}};
    }
    QByteArray sign(const QJsonObject& payload, QJsonObject header = {}) const
    {
        if (!header.contains("alg"))
            header["alg"] = ec ? "ES256" : "RS256";
        if (!header.contains("kid"))
            header["kid"] = kid;
        const QByteArray input = b64(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
            + b64(QJsonDocument(payload).toJson(QJsonDocument::Compact));
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        size_t len = 0;
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(input.constData()), size_t(input.size()));
        QByteArray sig(int(len), Qt::Uninitialized);
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, reinterpret_cast<const unsigned char*>(input.constData()), size_t(input.size()));
        sig.resize(int(len));
        EVP_MD_CTX_free(ctx);
        if (ec) { // DER -> r||s
            const unsigned char* p = reinterpret_cast<const unsigned char*>(sig.constData());
            ECDSA_SIG* s = d2i_ECDSA_SIG(nullptr, &p, long(sig.size()));
            QByteArray raw(64, '\0');
            BN_bn2binpad(ECDSA_SIG_get0_r(s), reinterpret_cast<unsigned char*>(raw.data()), 32);
            BN_bn2binpad(ECDSA_SIG_get0_s(s), reinterpret_cast<unsigned char*>(raw.data()) + 32, 32);
            ECDSA_SIG_free(s);
            sig = raw;
        }
        return input + '.' + b64(sig);
    }
};

std::unique_ptr<TestKey> rsaKey(const QString& kid)
{
    auto k = std::make_unique<TestKey>();
    k->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048));
    k->kid = kid;
    return k;
}

std::unique_ptr<TestKey> ecKey(const QString& kid)
{
    auto k = std::make_unique<TestKey>();
    k->key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    k->kid = kid;
    k->ec = true;
    return k;
}

const QString kIssuer = QStringLiteral("https://id.example.com");
const QDateTime kNow = QDateTime(QDate(2026, 12, 6), QTime(12, 0), Qt::UTC);

QJsonObject claims(qint64 iatOffset = 0, qint64 expOffset = 3600)
{
    const qint64 now = kNow.toSecsSinceEpoch();
    return {{"iss", kIssuer}, {"sub", "user-1"}, {"aud", "keel"}, {"nonce", "n-123"},
            {"iat", double(now + iatOffset)}, {"exp", double(now + expOffset)}, {"email", "alice@example.com"}};
}

IdTokenVerifier::Expectations expect()
{
    return {kIssuer, QStringLiteral("keel"), QStringLiteral("n-123"), kNow, 60};
}

} // namespace

class TestOidcTokens : public QObject
{
    Q_OBJECT

private slots:
    void verifiesRs256AndEs256()
    {
        auto rsa = rsaKey("r1");
        auto ec = ecKey("e1");
        const JsonWebKeySet keys = JsonWebKeySet::fromJson({{"keys", QJsonArray{rsa->jwk(), ec->jwk(), QJsonObject{{"kty", "oct"}, {"k", "abc"}}}}});
        QCOMPARE(keys.size(), 2); // the symmetric key is skipped
        for (const TestKey* k : {rsa.get(), ec.get()}) {
            const auto r = IdTokenVerifier::verify(k->sign(claims()), keys, expect());
            QVERIFY2(r.ok(), qPrintable(r.message));
            QCOMPARE(r.claims["email"].toString(), QString("alice@example.com"));
            QCOMPARE(r.expiry, kNow.addSecs(3600));
        }
    }

    void refusesBadTokens_data()
    {
        QTest::addColumn<int>("failure");
        QTest::addColumn<QString>("mutation");
        using F = IdTokenVerifier::Failure;
        QTest::newRow("wrong issuer") << int(F::WrongIssuer) << "iss";
        QTest::newRow("wrong audience") << int(F::WrongAudience) << "aud";
        QTest::newRow("foreign azp") << int(F::WrongAudience) << "azp";
        QTest::newRow("expired") << int(F::Expired) << "exp";
        QTest::newRow("issued in the future") << int(F::IssuedInFuture) << "iat";
        QTest::newRow("wrong nonce") << int(F::WrongNonce) << "nonce";
        QTest::newRow("no nonce") << int(F::WrongNonce) << "nononce";
        QTest::newRow("bad signature") << int(F::BadSignature) << "sig";
        QTest::newRow("unknown kid") << int(F::UnknownKey) << "kid";
        QTest::newRow("alg none") << int(F::UnsupportedAlgorithm) << "none";
        QTest::newRow("HS256 with a public key") << int(F::UnsupportedAlgorithm) << "hs256";
        QTest::newRow("RSA key claimed as ES256") << int(F::UnknownKey) << "algswap";
        QTest::newRow("garbage") << int(F::Malformed) << "garbage";
        // Found by fuzz_oidc: a date beyond any QDateTime overflowed the conversion to milliseconds.
        QTest::newRow("exp beyond any date") << int(F::Malformed) << "hugeexp";
        QTest::newRow("iat beyond any date") << int(F::Malformed) << "hugeiat";
    }
    void refusesBadTokens()
    {
        QFETCH(int, failure);
        QFETCH(QString, mutation);
        auto rsa = rsaKey("r1");
        const JsonWebKeySet keys = JsonWebKeySet::fromJson({{"keys", QJsonArray{rsa->jwk()}}});
        QJsonObject c = claims();
        QJsonObject header;
        if (mutation == "iss") c["iss"] = "https://evil.example.com";
        if (mutation == "aud") c["aud"] = QJsonArray{"other"};
        if (mutation == "azp") { c["aud"] = QJsonArray{"keel", "other"}; c["azp"] = "other"; }
        if (mutation == "exp") c = claims(-7200, -61);
        if (mutation == "iat") c = claims(120, 3600);
        if (mutation == "hugeexp") c["exp"] = 1.8e78;
        if (mutation == "hugeiat") c["iat"] = -1.8e78;
        if (mutation == "nonce") c["nonce"] = "n-999";
        if (mutation == "nononce") c.remove("nonce");
        if (mutation == "kid") header["kid"] = "r2";
        if (mutation == "none") header["alg"] = "none";
        if (mutation == "hs256") header["alg"] = "HS256";
        if (mutation == "algswap") header["alg"] = "ES256";
        QByteArray token = rsa->sign(c, header);
        if (mutation == "sig") {
            QByteArray sig = *Jwt::base64UrlDecode(token.mid(token.lastIndexOf('.') + 1));
            sig[10] = char(sig[10] ^ 0x01);
            token = token.left(token.lastIndexOf('.') + 1) + Jwt::base64UrlEncode(sig);
        }
        if (mutation == "garbage") token = "a.b";
        const auto r = IdTokenVerifier::verify(token, keys, expect());
        QCOMPARE(int(r.failure), failure);
        QVERIFY(!r.message.isEmpty());
    }

    void skewIsAllowed()
    {
        auto ec = ecKey("e1");
        const JsonWebKeySet keys = JsonWebKeySet::fromJson({{"keys", QJsonArray{ec->jwk()}}});
        // Expired 30 s ago and issued 30 s "in the future": within the 60 s skew.
        QVERIFY(IdTokenVerifier::verify(ec->sign(claims(30, -30)), keys, expect()).ok());
        // Without a kid the only key of the right type is used.
        QJsonObject c = claims();
        QByteArray noKid = ec->sign(c, {{"alg", "ES256"}, {"kid", QJsonValue()}});
        QVERIFY(IdTokenVerifier::verify(noKid, keys, expect()).ok());
    }

    void rejectsShortRsaAndBadEcKeys()
    {
        QString error;
        QVERIFY(!JsonWebKey::fromJson({{"kty", "RSA"}, {"n", "AQAB"}, {"e", "AQAB"}}, &error));
        QVERIFY(error.contains("short"));
        QVERIFY(!JsonWebKey::fromJson({{"kty", "EC"}, {"crv", "P-521"}, {"x", "AA"}, {"y", "AA"}}, &error));
        QVERIFY(!JsonWebKey::fromJson({{"kty", "EC"}, {"crv", "P-256"}, {"x", QString(QByteArray(43, 'A'))}, {"y", QString(QByteArray(43, 'A'))}}, &error));
    }

    void identifierMatchesHeadscale_data()
    {
        QTest::addColumn<QString>("iss");
        QTest::addColumn<QString>("sub");
        QTest::addColumn<QString>("expected");
        QTest::newRow("url") << "https://id.example.com" << "abc" << "https://id.example.com/abc";
        QTest::newRow("trailing slash") << "https://id.example.com/" << "/abc" << "https://id.example.com/abc";
        QTest::newRow("path issuer") << "https://id.example.com/realms/main" << "u-1" << "https://id.example.com/realms/main/u-1";
        QTest::newRow("scheme case") << "HTTPS://id.example.com" << "u" << "https://id.example.com/u";
        QTest::newRow("double slashes") << "https://id.example.com//x" << "//u " << "https://id.example.com/x/u";
        QTest::newRow("dot-dot stays") << "https://id.example.com" << ".." << "https://id.example.com/..";
        QTest::newRow("not a url") << "oidc" << "sub" << "oidc/sub";
        QTest::newRow("no issuer") << "" << "sub" << "/sub";
        QTest::newRow("no subject") << "https://id.example.com" << "" << "https://id.example.com";
        QTest::newRow("nothing") << "" << "" << "";
    }
    void identifierMatchesHeadscale()
    {
        QFETCH(QString, iss);
        QFETCH(QString, sub);
        QFETCH(QString, expected);
        OidcClaims c;
        c.iss = iss;
        c.sub = sub;
        QCOMPARE(c.identifier(), expected);
    }

    void claimsAreLenientAndUserInfoMerges()
    {
        OidcClaims c = OidcClaims::fromJson({{"sub", "u"}, {"email", "a@x.org"}, {"email_verified", "true"}, {"groups", "solo"}});
        QVERIFY(c.emailVerified);
        QCOMPARE(c.groups, QStringList{"solo"});
        QVERIFY(!c.mergeUserInfo({{"sub", "other"}, {"email", "evil@x.org"}}));
        QCOMPARE(c.email, QString("a@x.org"));
        QVERIFY(c.mergeUserInfo({{"sub", "u"}, {"name", "Alice"}, {"groups", QJsonArray{"eng", "ops"}}, {"email", ""}}));
        QCOMPARE(c.name, QString("Alice"));
        QCOMPARE(c.email, QString("a@x.org")); // an empty value does not erase
        QCOMPARE(c.groups, (QStringList{"eng", "ops"}));
    }

    void accessRulesInHeadscaleOrder()
    {
        OidcAccessRules rules;
        OidcClaims c;
        c.email = "bob@example.com";
        c.emailVerified = true;
        c.groups = {"eng"};
        QVERIFY(rules.refusal(c).isEmpty());
        rules.allowedGroups = {"ops"};
        QVERIFY(rules.refusal(c).contains("allowed_groups"));
        rules.allowedGroups = {"eng"};
        rules.allowedDomains = {"example.org"};
        QVERIFY(rules.refusal(c).contains("allowed_domains"));
        rules.allowedDomains = {"example.com"};
        QVERIFY(rules.refusal(c).isEmpty());
        rules.allowedUsers = {"alice@example.com"};
        QVERIFY(rules.refusal(c).contains("allowed_users"));
        rules.allowedUsers = {"bob@example.com"};
        QVERIFY(rules.refusal(c).isEmpty());
        c.emailVerified = false;
        QVERIFY(rules.refusal(c).contains("not verified"));
        rules.emailVerifiedRequired = false;
        QVERIFY(rules.refusal(c).isEmpty());
        // Without email rules an unverified address is no reason to refuse.
        rules = {};
        QVERIFY(rules.refusal(c).isEmpty());
    }

    void sessionsAreSingleUseAndExpire()
    {
        OidcSessions s(1000, 3);
        const QString state = s.beginLogin("auth-1", "nonce", "verifier", kNow);
        QVERIFY(s.takeLogin(state, kNow.addMSecs(10)));
        QVERIFY(!s.takeLogin(state, kNow.addMSecs(10))); // replay
        const QString late = s.beginLogin("auth-2", "n", "", kNow);
        QVERIFY(!s.takeLogin(late, kNow.addMSecs(1000)));
        // Bounded: the oldest entries go first.
        const QString first = s.beginLogin("a", "n", "", kNow);
        for (int i = 1; i <= 3; ++i)
            s.beginLogin("b", "n", "", kNow.addMSecs(i));
        QVERIFY(s.loginCount() <= 3);
        QVERIFY(!s.takeLogin(first, kNow.addMSecs(5)));

        OidcSessions::Confirmation c{"auth-9", 7, std::nullopt, kNow};
        const QString token = s.beginConfirmation(c);
        QVERIFY(!s.takeConfirmation("auth-9", token + "x", kNow));
        QVERIFY(!s.takeConfirmation("auth-8", token, kNow));
        const auto got = s.takeConfirmation("auth-9", token, kNow);
        QVERIFY(got);
        QCOMPARE(got->userId, qint64(7));
        QVERIFY(!s.takeConfirmation("auth-9", token, kNow));
    }

    void pkceS256MatchesRfc7636()
    {
        // RFC 7636 appendix B.
        QCOMPARE(OidcSessions::codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "S256"),
                 QString("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
        QCOMPARE(OidcSessions::codeChallenge("abc", "plain"), QString("abc"));
        QVERIFY(OidcSessions::randomToken() != OidcSessions::randomToken());
        QCOMPARE(OidcSessions::randomToken().size(), 43);
    }
};

QTEST_GUILESS_MAIN(TestOidcTokens)
#include "tst_oidctokens.moc"
