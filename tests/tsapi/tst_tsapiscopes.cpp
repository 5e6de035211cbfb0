// Scopes (Tailscale's names, read implied by write, "all", the older names) and the access token
// (signed, expiring, bound to its key).
#include "tsapi/AccessToken.h"
#include "tsapi/Scopes.h"

#include <QTest>
#include <QTimeZone>

using namespace keel::tsapi;

class TestTsApiScopes : public QObject
{
    Q_OBJECT

private slots:
    void writeImpliesReadNotTheOtherWay()
    {
        QVERIFY(Scopes::allows({QStringLiteral("devices:core")}, QStringLiteral("devices:core:read")));
        QVERIFY(Scopes::allows({QStringLiteral("devices:core")}, QStringLiteral("devices:core")));
        QVERIFY(!Scopes::allows({QStringLiteral("devices:core:read")}, QStringLiteral("devices:core")));
        // Core is not routes.
        QVERIFY(!Scopes::allows({QStringLiteral("devices:core")}, QStringLiteral("devices:routes:read")));
        QVERIFY(!Scopes::allows({QStringLiteral("dns:read")}, QStringLiteral("users:read")));
        QVERIFY(!Scopes::allows({}, QStringLiteral("dns:read")));
    }

    void allAndAllRead()
    {
        QVERIFY(Scopes::allows({QStringLiteral("all")}, QStringLiteral("policy_file")));
        QVERIFY(Scopes::allows({QStringLiteral("all:read")}, QStringLiteral("policy_file:read")));
        QVERIFY(!Scopes::allows({QStringLiteral("all:read")}, QStringLiteral("policy_file")));
    }

    void olderNames()
    {
        QVERIFY(Scopes::allows({QStringLiteral("devices")}, QStringLiteral("auth_keys")));
        QVERIFY(Scopes::allows({QStringLiteral("devices")}, QStringLiteral("devices:routes")));
        QVERIFY(Scopes::allows({QStringLiteral("devices:read")}, QStringLiteral("devices:core:read")));
        QVERIFY(!Scopes::allows({QStringLiteral("devices:read")}, QStringLiteral("devices:core")));
        QVERIFY(Scopes::allows({QStringLiteral("acl:read")}, QStringLiteral("policy_file:read")));
        QVERIFY(!Scopes::allows({QStringLiteral("acl:read")}, QStringLiteral("policy_file")));
        QVERIFY(Scopes::allows({QStringLiteral("routes")}, QStringLiteral("devices:routes")));
    }

    void parsingAndValidation()
    {
        QCOMPARE(Scopes::parse(QStringLiteral(" dns:read, users:read  dns:read ")), (QStringList{QStringLiteral("dns:read"), QStringLiteral("users:read")}));
        QCOMPARE(Scopes::firstUnknown({QStringLiteral("dns"), QStringLiteral("dns:write")}), QStringLiteral("dns:write"));
        QVERIFY(Scopes::firstUnknown(Scopes::known()).isEmpty());
        QVERIFY(Scopes::needsTags({QStringLiteral("auth_keys")}));
        QVERIFY(Scopes::needsTags({QStringLiteral("devices")}));
        QVERIFY(!Scopes::needsTags({QStringLiteral("devices:core:read"), QStringLiteral("dns")}));
    }

    void tokenRoundTripAndExpiry()
    {
        const QByteArray key(32, 'k');
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
        AccessToken t;
        t.clientRowId = 7;
        t.scopes = {QStringLiteral("dns:read"), QStringLiteral("users:read")};
        t.expires = now.addSecs(AccessToken::LifetimeSecs);
        const QString text = t.sign(key);
        QVERIFY(AccessToken::looksLikeToken(text));
        const auto back = AccessToken::verify(text, key, now.addSecs(3599));
        QVERIFY(back);
        QCOMPARE(back->clientRowId, 7);
        QCOMPARE(back->scopes, t.scopes);
        QCOMPARE(back->expires, t.expires);
        QVERIFY(!AccessToken::verify(text, key, now.addSecs(3600)));
        QVERIFY(!AccessToken::verify(text, QByteArray(32, 'x'), now));
        QVERIFY(!AccessToken::verify(text, QByteArray(), now));
    }

    void tamperedTokenRefused()
    {
        const QByteArray key(32, 'k');
        const QDateTime now = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
        AccessToken t;
        t.clientRowId = 7;
        t.scopes = {QStringLiteral("dns:read")};
        t.expires = now.addSecs(60);
        const QString text = t.sign(key);
        // Another token's payload with this one's signature: a wider scope must not verify.
        AccessToken wider = t;
        wider.scopes = {QStringLiteral("all")};
        const QString other = wider.sign(QByteArray(32, 'z'));
        const QString spliced = other.left(other.indexOf(QLatin1Char('.'))) + text.mid(text.indexOf(QLatin1Char('.')));
        QVERIFY(!AccessToken::verify(spliced, key, now));
        QString flipped = text;
        flipped[12] = flipped[12] == QLatin1Char('A') ? QLatin1Char('B') : QLatin1Char('A');
        QVERIFY(!AccessToken::verify(flipped, key, now));
        QVERIFY(!AccessToken::verify(QStringLiteral("keel-oauth-garbage"), key, now));
    }
};

QTEST_GUILESS_MAIN(TestTsApiScopes)
#include "tst_tsapiscopes.moc"
