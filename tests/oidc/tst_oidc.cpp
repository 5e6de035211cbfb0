// OpenID Connect login end to end: a real `keel serve`, a real OpenID provider (npm oidc-provider
// on Node.js, tests/oidc/provider.mjs), a browser that follows redirects and fills in the
// provider's forms, and a machine speaking ts2021 to Keel as tailscaled does.
#include "KeelProcess.h"
#include "OidcBrowser.h"
#include "OidcFixture.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QUrlQuery>

using namespace keel;
using namespace keel::test;

namespace {

QJsonObject account(const QString& email, bool verified, const QStringList& groups, const QString& name = {})
{
    QJsonObject a{{"email", email}, {"email_verified", verified}, {"groups", QJsonArray::fromStringList(groups)},
                  {"picture", "https://pics.example.com/" + email.section('@', 0, 0) + ".png"}};
    a["name"] = name.isEmpty() ? email.section('@', 0, 0) : name;
    a["preferred_username"] = email.section('@', 0, 0);
    return a;
}

QJsonObject accounts()
{
    return {{"alice", account("alice@example.com", true, {"eng"}, "Alice Example")},
            {"bob", account("bob@example.com", true, {"sales"}, "Bob Example")},
            {"carol", account("carol@other.org", true, {"eng"})},
            {"erin", account("erin@example.com", false, {"eng"})},
            {"frank", account("frank@example.com", true, {"eng"})},
            {"gina", account("gina@example.com", true, {"sales"})}};
}

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out << x.toString();
    return out;
}

} // namespace

class TestOidc : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<ProviderProcess> m_provider;
    std::unique_ptr<KeelProcess> m_keel;

    QString serverUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_keel->port()); }

    QByteArray oidcConfig(const QByteArray& more = {}) const
    {
        QFile secret(m_keel->dir() + "/oidc_secret");
        secret.open(QIODevice::WriteOnly);
        secret.write("s3cret\n");
        secret.close();
        return "oidc:\n  issuer: " + m_provider->issuer().toUtf8() + "\n  client_id: keel\n"
               "  client_secret_path: " + secret.fileName().toUtf8() + "\n"
               "  scope: [openid, profile, email, groups]\n" + more;
    }

    // Starts the provider (one confidential client for this Keel) and Keel configured for it.
    bool startAll(const QByteArray& moreOidc = {}, const QString& alg = "RS256", const QByteArray& policy = {})
    {
        QString why;
        if (ProviderProcess::scriptDir(&why).isEmpty()) {
            qWarning().noquote() << why;
            return false;
        }
        m_provider = std::make_unique<ProviderProcess>();
        m_keel = std::make_unique<KeelProcess>();
        const QJsonArray clients{QJsonObject{{"client_id", "keel"}, {"client_secret", "s3cret"},
                                             {"redirect_uris", QJsonArray{serverUrl() + "/oidc/callback"}},
                                             {"grant_types", QJsonArray{"authorization_code"}}, {"response_types", QJsonArray{"code"}},
                                             {"id_token_signed_response_alg", alg}}};
        if (!m_provider->start(clients, accounts(), &why)) {
            qWarning().noquote() << why;
            return false;
        }
        QByteArray more;
        if (!policy.isEmpty()) {
            QFile file(m_keel->dir() + "/policy.hujson");
            file.open(QIODevice::WriteOnly);
            file.write(policy);
            more = "policy:\n  mode: file\n  path: " + file.fileName().toUtf8() + "\n";
        }
        m_keel->writeConfig(oidcConfig(moreOidc) + more);
        if (!m_keel->start(true, &why)) {
            qWarning().noquote() << why;
            return false;
        }
        return true;
    }

    QJsonArray cliJson(const QStringList& args)
    {
        const auto r = m_keel->cli(QStringList{"-c", m_keel->configPath(), "-o", "json"} + args);
        const QJsonDocument d = r.json();
        return d.isArray() ? d.array() : QJsonArray{d.object()};
    }
    QJsonArray users() { return cliJson({"users", "list"}); }
    QJsonArray nodes() { return cliJson({"nodes", "list"}); }

    // The whole login of `who` for machine `m`: AuthURL, browser, confirmation, follow-up answer.
    QJsonObject registerAs(TestMachine& m, OidcBrowser& browser, const QString& who, bool withOldKey = false)
    {
        const QString url = m.startLogin(nullptr, withOldKey);
        if (url.isEmpty())
            return {};
        auto held = m.followup(url, withOldKey);
        const auto login = browser.login(QUrl(url), who);
        if (login.page.status != 200 || !login.page.body.contains("Confirm machine registration")) {
            qWarning().noquote() << "no confirmation page:" << login.page.status << login.page.body << m_keel->serverLog();
            return {};
        }
        const auto done = browser.confirm(login.page);
        if (done.status != 200) {
            qWarning().noquote() << "confirmation failed:" << done.status << done.body;
            return {};
        }
        (void)QTest::qWaitFor([held] { return held->done; }, 10000);
        return held->json();
    }

    void checkNothingRegistered(const std::shared_ptr<TestMachine::Call>& held)
    {
        QTest::qWait(100);
        QVERIFY(!held->done);
        QCOMPARE(nodes().size(), 0);
        QVERIFY(OidcBrowser().get(QUrl(serverUrl() + "/health")).status == 200); // still up
    }

private slots:
    void cleanup()
    {
        if (QTest::currentTestFailed() && m_keel)
            qWarning().noquote() << "keel log:\n" << m_keel->serverLog() << "\nprovider log:\n" << (m_provider ? m_provider->log() : QByteArray());
        m_keel.reset();
        m_provider.reset();
    }

    void firstLoginConfirmsBeforeRegistering();
    void returningUserGetsFreshClaims();
    void reauthAfterExpiryKeepsTheNode();
    void newUserOnAKnownMachine();
    void refusals_data();
    void refusals();
    void badTokens_data();
    void badTokens();
    void replayedStateIsRefused();
    void keyRotationAtTheProvider();
    void providerDown();
    void providerGroupsInThePolicy();
    void configtestSaysWhatIsInForce();
    void sshCheckIsApprovedByTheSourceOwnerOnly();
};

void TestOidc::firstLoginConfirmsBeforeRegistering()
{
    QVERIFY(startAll());
    TestMachine m("laptop");
    QVERIFY(m.connect(m_keel->port()));
    const QString url = m.startLogin();
    QVERIFY2(url.startsWith(serverUrl() + "/register/hskey-authreq-"), qPrintable(url));
    auto held = m.followup(url);

    // The redirect is built from server_url, whatever Host the request names (a reverse proxy).
    OidcBrowser probe;
    const auto redirect = probe.get(QUrl(url), {{"Host", "evil.example.net"}});
    QCOMPARE(redirect.status, 302);
    const QUrl authorize = redirect.next();
    QVERIFY2(authorize.toString().startsWith(m_provider->issuer() + "/auth?"), redirect.location.constData());
    const QUrlQuery q(authorize);
    QCOMPARE(q.queryItemValue("redirect_uri", QUrl::FullyDecoded), serverUrl() + "/oidc/callback");
    QCOMPARE(q.queryItemValue("code_challenge_method"), QString("S256"));
    QCOMPARE(int(q.queryItemValue("code_challenge").size()), 43);
    QVERIFY(q.queryItemValue("nonce").size() >= 43 && q.queryItemValue("state").size() >= 43);
    QCOMPARE(q.queryItemValue("scope", QUrl::FullyDecoded), QString("openid profile email groups"));

    OidcBrowser alice;
    const auto login = alice.login(QUrl(url), "alice");
    QCOMPARE(login.page.status, 200);
    QVERIFY2(login.page.body.contains("Confirm machine registration"), login.page.body.constData());
    QVERIFY(login.page.body.contains("Alice Example (alice@example.com)"));
    QVERIFY(login.page.body.contains("laptop"));
    QTest::qWait(100);
    QVERIFY(!held->done); // nothing registered before the person confirms
    QCOMPARE(nodes().size(), 0);

    // CSRF: the form posted from another browser (no cookie), or with a wrong token, does nothing.
    OidcBrowser mallory;
    const auto forged = mallory.confirm(login.page);
    QCOMPARE(forged.status, 403);
    QVERIFY(forged.body.contains("did not come from the browser that logged in"));
    auto form = OidcBrowser::findForm(login.page.body, login.page.url);
    QVERIFY(form);
    QUrlQuery wrong;
    wrong.addQueryItem("csrf_token", form->fields.queryItemValue("csrf_token") + "x");
    QCOMPARE(alice.post(form->action, wrong).status, 403);
    QVERIFY(!held->done);

    const auto done = alice.confirm(login.page);
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("laptop is now registered to"), done.body.constData());
    QVERIFY(QTest::qWaitFor([held] { return held->done; }, 10000));
    const QJsonObject reply = held->json();
    QCOMPARE(reply["MachineAuthorized"].toBool(), true);
    QCOMPARE(reply["Login"]["LoginName"].toString(), QString("alice@example.com"));
    QCOMPARE(reply["User"]["DisplayName"].toString(), QString("Alice Example"));
    QCOMPARE(alice.confirm(login.page).status, 403); // the confirmation is single use

    const QJsonArray u = users();
    QCOMPARE(u.size(), 1);
    QCOMPARE(u.at(0)["name"].toString(), QString("alice"));
    QCOMPARE(u.at(0)["provider"].toString(), QString("oidc"));
    QCOMPARE(u.at(0)["providerId"].toString(), m_provider->issuer() + "/alice");
    QCOMPARE(u.at(0)["email"].toString(), QString("alice@example.com"));
    QCOMPARE(u.at(0)["profilePicUrl"].toString(), QString("https://pics.example.com/alice.png"));
    QCOMPARE(strings(u.at(0)["providerGroups"]), QStringList{"eng"});
    const QJsonArray n = nodes();
    QCOMPARE(n.size(), 1);
    QCOMPARE(n.at(0)["registerMethod"].toString(), QString("REGISTER_METHOD_OIDC"));
    QCOMPARE(n.at(0)["user"]["name"].toString(), QString("alice"));
    QVERIFY(m_keel->serverLog().contains("OIDC: node"));
}

void TestOidc::returningUserGetsFreshClaims()
{
    QVERIFY(startAll());
    OidcBrowser alice;
    TestMachine laptop("laptop"), desktop("desktop");
    QVERIFY(laptop.connect(m_keel->port()) && desktop.connect(m_keel->port()));
    QCOMPARE(registerAs(laptop, alice, "alice")["MachineAuthorized"].toBool(), true);
    const qint64 id = users().at(0)["id"].toString().toLongLong();

    QJsonObject changed = accounts()["alice"].toObject();
    changed["name"] = "Alice Renamed";
    changed["groups"] = QJsonArray{"eng", "ops"};
    changed["picture"] = "https://pics.example.com/new.png";
    QVERIFY(m_provider->setAccount("alice", changed));
    QCOMPARE(registerAs(desktop, alice, "alice")["MachineAuthorized"].toBool(), true);
    const QJsonArray u = users();
    QCOMPARE(u.size(), 1); // the same user, matched by issuer + subject
    QCOMPARE(u.at(0)["id"].toString().toLongLong(), id);
    QCOMPARE(u.at(0)["displayName"].toString(), QString("Alice Renamed"));
    QCOMPARE(u.at(0)["profilePicUrl"].toString(), QString("https://pics.example.com/new.png"));
    QCOMPARE(strings(u.at(0)["providerGroups"]), (QStringList{"eng", "ops"}));
    QCOMPARE(nodes().size(), 2);
    const auto table = m_keel->cli({"-c", m_keel->configPath(), "users", "list"});
    QVERIFY2(table.out.contains("Provider groups") && table.out.contains("eng, ops"), table.out.constData());
}

void TestOidc::reauthAfterExpiryKeepsTheNode()
{
    QVERIFY(startAll("  use_expiry_from_token: true\n"));
    OidcBrowser alice;
    TestMachine m("laptop");
    QVERIFY(m.connect(m_keel->port()));
    QCOMPARE(registerAs(m, alice, "alice")["MachineAuthorized"].toBool(), true);
    QJsonArray n = nodes();
    const QString id = n.at(0)["id"].toString();
    // use_expiry_from_token: the node expires with the ID token (the provider's is one hour).
    const QDateTime expiry = QDateTime::fromString(n.at(0)["expiry"].toString(), Qt::ISODateWithMs);
    QVERIFY2(expiry > QDateTime::currentDateTimeUtc().addSecs(3000) && expiry < QDateTime::currentDateTimeUtc().addSecs(3700),
             qPrintable(n.at(0)["expiry"].toString()));

    QCOMPARE(m_keel->cli({"-c", m_keel->configPath(), "nodes", "expire", "-i", id}).exitCode, 0);
    QVERIFY(nodes().at(0)["expired"].toBool() || QDateTime::fromString(nodes().at(0)["expiry"].toString(), Qt::ISODateWithMs) <= QDateTime::currentDateTimeUtc());
    m.rotateNodeKey(); // tailscaled logs in again with a new node key and names the old one
    const QJsonObject again = registerAs(m, alice, "alice", true);
    QCOMPARE(again["MachineAuthorized"].toBool(), true);
    QCOMPARE(again["NodeKeyExpired"].toBool(), false);
    n = nodes();
    QCOMPARE(n.size(), 1);
    QCOMPARE(n.at(0)["id"].toString(), id);
    QCOMPARE(n.at(0)["nodeKey"].toString(), m.nodeKey());
    QVERIFY(QDateTime::fromString(n.at(0)["expiry"].toString(), Qt::ISODateWithMs) > QDateTime::currentDateTimeUtc().addSecs(3000));
}

void TestOidc::newUserOnAKnownMachine()
{
    QVERIFY(startAll());
    TestMachine m("shared-pc");
    QVERIFY(m.connect(m_keel->port()));
    OidcBrowser alice, bob;
    QCOMPARE(registerAs(m, alice, "alice").value("Login")["LoginName"].toString(), QString("alice@example.com"));
    m.rotateNodeKey(); // `tailscale login` as someone else
    const QJsonObject reply = registerAs(m, bob, "bob", true);
    QCOMPARE(reply["MachineAuthorized"].toBool(), true);
    QCOMPARE(reply["Login"]["LoginName"].toString(), QString("bob@example.com"));
    bool bobOwnsIt = false;
    for (const QJsonValue& n : nodes())
        bobOwnsIt = bobOwnsIt || (n["machineKey"].toString() == m.machineKey() && n["user"]["name"].toString() == "bob" && n["nodeKey"].toString() == m.nodeKey());
    QVERIFY(bobOwnsIt);
    QCOMPARE(users().size(), 2);
}

void TestOidc::refusals_data()
{
    QTest::addColumn<QString>("who");
    QTest::addColumn<QString>("why");
    QTest::newRow("group") << "gina" << "oidc.allowed_groups";
    QTest::newRow("domain") << "carol" << "oidc.allowed_domains";
    QTest::newRow("user") << "frank" << "oidc.allowed_users";
    QTest::newRow("unverified email") << "erin" << "is not verified";
}

void TestOidc::refusals()
{
    QFETCH(QString, who);
    QFETCH(QString, why);
    QVERIFY(startAll("  allowed_groups: [eng]\n  allowed_domains: [example.com]\n"
                     "  allowed_users: [alice@example.com, erin@example.com, gina@example.com]\n"));
    TestMachine m("laptop");
    QVERIFY(m.connect(m_keel->port()));
    const QString url = m.startLogin();
    auto held = m.followup(url);
    const auto login = OidcBrowser().login(QUrl(url), who);
    QCOMPARE(login.page.status, 403);
    QVERIFY2(login.page.body.contains("Login refused") && login.page.body.contains(why.toUtf8()), login.page.body.constData());
    QVERIFY(login.page.body.contains("Nothing was registered"));
    checkNothingRegistered(held);
    QCOMPARE(users().size(), 0); // refused before any user is made
    QVERIFY(m_keel->serverLog().contains(why.toUtf8()));
    // The same machine may still be registered by someone allowed.
    OidcBrowser alice;
    const auto ok = alice.login(QUrl(url), "alice");
    QVERIFY2(ok.page.body.contains("Confirm machine registration"), ok.page.body.constData());
}

void TestOidc::badTokens_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("message");
    QTest::newRow("wrong issuer") << "wrong-issuer" << "not by the configured issuer";
    QTest::newRow("bad signature") << "bad-signature" << "signature does not verify";
    QTest::newRow("expired") << "expired" << "the ID token expired at";
    QTest::newRow("wrong nonce") << "wrong-nonce" << "nonce does not match";
}

void TestOidc::badTokens()
{
    QFETCH(QString, mode);
    QFETCH(QString, message);
    QVERIFY(startAll());
    TestMachine m("laptop");
    QVERIFY(m.connect(m_keel->port()));
    const QString url = m.startLogin();
    auto held = m.followup(url);
    QVERIFY(m_provider->tamperNextToken(mode));
    const auto login = OidcBrowser().login(QUrl(url), "alice");
    QCOMPARE(login.page.status, 403);
    QVERIFY2(login.page.body.contains("could not be verified") && login.page.body.contains(message.toUtf8()), login.page.body.constData());
    checkNothingRegistered(held);
    QCOMPARE(users().size(), 0);
}

void TestOidc::replayedStateIsRefused()
{
    QVERIFY(startAll());
    TestMachine m("laptop");
    QVERIFY(m.connect(m_keel->port()));
    const QString url = m.startLogin();
    auto held = m.followup(url);
    OidcBrowser alice;
    const auto login = alice.login(QUrl(url), "alice", true);
    QVERIFY(login.callbackUrl.isValid());
    QCOMPARE(QUrlQuery(login.callbackUrl).queryItemValue("iss", QUrl::FullyDecoded), m_provider->issuer());
    const auto first = alice.get(login.callbackUrl);
    QCOMPARE(first.status, 200);
    QVERIFY(first.body.contains("Confirm machine registration"));
    const auto replay = alice.get(login.callbackUrl);
    QCOMPARE(replay.status, 400);
    QVERIFY2(replay.body.contains("already completed"), replay.body.constData());
    QCOMPARE(alice.get(QUrl(serverUrl() + "/oidc/callback?code=x&state=forged")).status, 400);
    QCOMPARE(alice.get(QUrl(serverUrl() + "/oidc/callback?state=x")).status, 400);
    QVERIFY(!held->done);
}

void TestOidc::keyRotationAtTheProvider()
{
    QVERIFY(startAll({}, "ES256"));
    const int fetchedAtStart = m_provider->jwksFetches();
    QVERIFY(fetchedAtStart >= 1);
    TestMachine a("a"), b("b"), c("c");
    QVERIFY(a.connect(m_keel->port()) && b.connect(m_keel->port()) && c.connect(m_keel->port()));
    OidcBrowser alice;
    QCOMPARE(registerAs(a, alice, "alice")["MachineAuthorized"].toBool(), true);
    QCOMPARE(m_provider->jwksFetches(), fetchedAtStart); // cached keys served the first login

    QString error;
    QVERIFY2(m_provider->restart(&error), qPrintable(error)); // new keys, new kids
    QCOMPARE(m_provider->jwksFetches(), 0);
    OidcBrowser bob;
    QCOMPARE(registerAs(b, bob, "bob")["MachineAuthorized"].toBool(), true);
    QCOMPARE(m_provider->jwksFetches(), 1); // the unknown kid made Keel fetch the new set once
    QVERIFY(m_keel->serverLog().contains("refetching the provider's keys"));

    // A token signed by a key the provider never published, right after: refused, and the key
    // set is not downloaded again (refetches are rate-bounded).
    const QString url = c.startLogin();
    auto held = c.followup(url);
    QVERIFY(m_provider->tamperNextToken("unknown-key"));
    const auto login = OidcBrowser().login(QUrl(url), "gina");
    QCOMPARE(login.page.status, 403);
    QVERIFY2(login.page.body.contains("no RS256 key with id"), login.page.body.constData());
    QCOMPARE(m_provider->jwksFetches(), 1);
    QVERIFY(!held->done);
}

void TestOidc::providerDown()
{
    QVERIFY(startAll());
    TestMachine m("laptop");
    QVERIFY(m.connect(m_keel->port()));
    const QString url = m.startLogin();
    auto held = m.followup(url);
    OidcBrowser alice;
    const auto login = alice.login(QUrl(url), "alice", true);
    QVERIFY(login.callbackUrl.isValid());
    m_provider->stop();
    const auto page = alice.get(login.callbackUrl);
    QCOMPARE(page.status, 502);
    QVERIFY2(page.body.contains("could not complete the login with the identity provider"), page.body.constData());
    checkNothingRegistered(held);
    QVERIFY(m_keel->serverLog().contains("the token endpoint"));

    // Starting while the provider is down: refused by default, as Headscale does ...
    m_keel->stop();
    QString error;
    QVERIFY(!m_keel->start(true, &error));
    QVERIFY2(error.contains("OpenID discovery") && error.contains("only_start_if_oidc_is_available"), qPrintable(error));
    // ... and with only_start_if_oidc_is_available: false the server runs and the login page says why.
    m_keel = std::make_unique<KeelProcess>();
    m_keel->writeConfig(oidcConfig("  only_start_if_oidc_is_available: false\n"));
    QVERIFY2(m_keel->start(true, &error), qPrintable(error));
    TestMachine late("late");
    QVERIFY(late.connect(m_keel->port()));
    const auto unavailable = OidcBrowser().get(QUrl(late.startLogin()));
    QCOMPARE(unavailable.status, 502);
    QVERIFY(unavailable.body.contains("Identity provider unavailable"));
    QCOMPARE(OidcBrowser().get(QUrl(serverUrl() + "/health")).status, 200);
}

void TestOidc::providerGroupsInThePolicy()
{
    QVERIFY(startAll({}, "RS256", R"({
  // Provider groups have their own prefix: no "group:" here could ever be confused with them.
  "acls": [{"action": "accept", "src": ["oidcgroup:eng"], "dst": ["*:22"]}]
})"));
    TestMachine a("alice-pc"), b("bob-pc");
    QVERIFY(a.connect(m_keel->port()) && b.connect(m_keel->port()));
    OidcBrowser alice, bob;
    QCOMPARE(registerAs(a, alice, "alice")["MachineAuthorized"].toBool(), true);
    QCOMPARE(registerAs(b, bob, "bob")["MachineAuthorized"].toBool(), true);

    const auto explain = [this](const QString& src, const QString& dst) {
        const auto r = m_keel->cli({"-c", m_keel->configPath(), "-o", "json", "policy", "explain", "--src", src, "--dst", dst, "--port", "22"});
        return r.json().object();
    };
    const auto aliceAddress = [this] {
        for (const QJsonValue& n : nodes())
            if (n["user"]["name"].toString() == "alice")
                return n["ipAddresses"].toArray().at(0).toString();
        return QString();
    };
    const auto filterAllows = [](const QJsonObject& map, const QString& src) {
        for (const QJsonValue& rule : map["PacketFilter"].toArray())
            for (const QJsonValue& s : rule["SrcIPs"].toArray())
                if (s.toString() == src || s.toString() == src + "/32")
                    return true;
        return false;
    };
    QVERIFY(QTest::qWaitFor([&] { return explain("alice-pc", "bob-pc")["allowed"].toBool(); }, 10000));
    QJsonObject answer = explain("alice-pc", "bob-pc");
    QCOMPARE(strings(answer["srcProviderGroups"]), QStringList{"eng"});
    QVERIFY(answer["reason"].toString().contains("provider groups eng"));
    QCOMPARE(explain("bob-pc", "alice-pc")["allowed"].toBool(), false);
    const QString address = aliceAddress();
    QVERIFY(!address.isEmpty());
    QVERIFY2(filterAllows(b.fetchMap(), address), qPrintable(QJsonDocument(b.fetchMap()["PacketFilter"].toArray()).toJson()));

    // Alice leaves eng at the provider; her next login (a re-login of her machine) brings it in.
    QJsonObject moved = accounts()["alice"].toObject();
    moved["groups"] = QJsonArray{"sales"};
    QVERIFY(m_provider->setAccount("alice", moved));
    a.rotateNodeKey();
    QCOMPARE(registerAs(a, alice, "alice", true)["MachineAuthorized"].toBool(), true);
    answer = explain("alice-pc", "bob-pc");
    QCOMPARE(answer["allowed"].toBool(), false);
    QCOMPARE(strings(answer["srcProviderGroups"]), QStringList{"sales"});
    QVERIFY(!filterAllows(b.fetchMap(), address));
}

void TestOidc::configtestSaysWhatIsInForce()
{
    QString why;
    if (ProviderProcess::scriptDir(&why).isEmpty())
        QFAIL(qPrintable(why));
    m_keel = std::make_unique<KeelProcess>();
    m_provider = std::make_unique<ProviderProcess>();
    m_keel->writeConfig(oidcConfig("  pkce:\n    method: plain\n  allowed_groups: [eng]\n  expiry: 30d\n"));
    auto r = m_keel->cli({"-c", m_keel->configPath(), "configtest"});
    QCOMPARE(r.exitCode, 0);
    const QByteArray all = r.out + r.err;
    QVERIFY2(all.contains("oidc: on; issuer " + m_provider->issuer().toUtf8() + ", client_id keel"), all.constData());
    QVERIFY(all.contains("read from " + m_keel->dir().toUtf8() + "/oidc_secret"));
    QVERIFY(all.contains("oidc.pkce: plain"));
    QVERIFY(all.contains("allowed_groups: eng"));
    QVERIFY(all.contains(serverUrl().toUtf8() + "/oidc/callback"));
    QVERIFY2(all.contains("deprecated key, its value is used as \"node.expiry\""), all.constData()); // oidc.expiry's replacement
    QVERIFY(all.contains("node expiry: node.expiry, 2592000 s"));
    QVERIFY(!all.contains("s3cret"));

    m_keel->writeConfig("oidc:\n  issuer: http://sso.example.com\n  client_id: keel\n  client_secret: x\n");
    r = m_keel->cli({"-c", m_keel->configPath(), "configtest"});
    QVERIFY(r.exitCode != 0);
    QVERIFY2((r.out + r.err).contains("must use https"), (r.out + r.err).constData());
}

// Tailscale SSH check mode with OIDC: the check's page sends the person through the provider, and
// only the owner of the connection's source node may approve it (Headscale 0.29's rule).
void TestOidc::sshCheckIsApprovedByTheSourceOwnerOnly()
{
    QVERIFY(startAll({}, "RS256", R"({"ssh": [{"action": "check", "src": ["autogroup:member"], "dst": ["autogroup:self"],
                                      "users": ["root"], "checkPeriod": "2h"}]})"));
    TestMachine laptop("laptop"), server("server");
    QVERIFY(laptop.connect(m_keel->port()) && server.connect(m_keel->port()));
    OidcBrowser alice;
    QCOMPARE(registerAs(laptop, alice, "alice")["MachineAuthorized"].toBool(), true);
    QCOMPARE(registerAs(server, alice, "alice")["MachineAuthorized"].toBool(), true);
    QString src, dst;
    for (const QJsonValue& n : nodes())
        (n["name"].toString() == "laptop" ? src : dst) = n["id"].toVariant().toString();
    QVERIFY(!src.isEmpty() && !dst.isEmpty());

    // The SSH server node asks control as tailssh does, then holds on the URL it is given.
    auto first = server.get(QStringLiteral("/machine/ssh/action/%1/to/%2?local_user=root").arg(src, dst).toUtf8());
    QVERIFY(QTest::qWaitFor([first] { return first->done; }, 10000));
    QCOMPARE(first->status, 200);
    const QString hold = first->json()["holdAndDelegate"].toString();
    const QString authId = QUrlQuery(QUrl(hold)).queryItemValue("auth_id");
    const QString authUrl = serverUrl() + "/auth/" + authId;
    QVERIFY2(first->json()["message"].toString().contains(authUrl), first->body.constData());
    const QUrl holdUrl(hold);
    auto held = server.get((holdUrl.path() + "?" + holdUrl.query(QUrl::FullyEncoded)).toUtf8());

    // Bob logs in fine, but the connection is not his: refused, and the check still waits.
    OidcBrowser bob;
    const auto refused = bob.login(QUrl(authUrl), "bob");
    QCOMPARE(refused.page.status, 403);
    QVERIFY2(refused.page.body.contains("Not your connection") && refused.page.body.contains("belongs to alice"),
             refused.page.body.constData());
    QTest::qWait(100);
    QVERIFY(!held->done);

    // Alice (already signed in at the provider) confirms on Keel's page; a forged post does nothing.
    const auto login = alice.login(QUrl(authUrl), "alice");
    QCOMPARE(login.page.status, 200);
    QVERIFY2(login.page.body.contains("Confirm SSH connection") && login.page.body.contains("laptop")
                 && login.page.body.contains("server"), login.page.body.constData());
    QVERIFY(!held->done);
    OidcBrowser mallory;
    QCOMPARE(mallory.confirm(login.page).status, 403);
    const auto done = alice.confirm(login.page);
    QCOMPARE(done.status, 200);
    QVERIFY2(done.body.contains("SSH session authorized"), done.body.constData());
    QVERIFY(QTest::qWaitFor([held] { return held->done; }, 10000));
    QCOMPARE(held->json()["accept"].toBool(), true);

    // Remembered (and listed) as alice's own approval; the next connection goes straight in.
    bool listed = false;
    for (const QJsonValue& e : cliJson({"auth", "list"}))
        listed = listed || (e["kind"].toString() == "sshApproval" && e["approvedBy"].toString() == "oidc:alice"
                            && e["srcNodeId"].toString() == src && e["dstNodeId"].toString() == dst);
    QVERIFY(listed);
    auto again = server.get(QStringLiteral("/machine/ssh/action/%1/to/%2?local_user=root").arg(src, dst).toUtf8());
    QVERIFY(QTest::qWaitFor([again] { return again->done; }, 10000));
    QCOMPARE(again->json()["accept"].toBool(), true);
}

QTEST_GUILESS_MAIN(TestOidc)
#include "tst_oidc.moc"
