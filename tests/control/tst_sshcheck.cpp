// Tailscale SSH check mode through a whole in-process Keel server: keel-sim nodes over real
// loopback sockets and Noise sessions ask /machine/ssh/action as tailscaled's ssh/tailssh does
// (first request, then the held follow-up on the holdAndDelegate URL), an admin decides through
// the REST API (`keel auth approve|reject`), and a MockClock moves time for the check period and
// the session's expiry.
#include "sim/SimNode.h"
#include "common/Clock.h"
#include "common/MockClock.h"
#include "machine/ControlService.h"
#include "server/Server.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUrlQuery>

using namespace keel;

namespace {

// One GET over a node's own Noise session, not waited for: the follow-up is a long poll.
struct Call
{
    int status = 0;
    QByteArray body;
    bool done = false;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

std::shared_ptr<Call> get(sim::SimNode* n, const QByteArray& path)
{
    auto call = std::make_shared<Call>();
    auto* s = n->client()->request("GET", path);
    QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [call](int st, const http::Http2Headers&) { call->status = st; });
    QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [call](const QByteArray& b) { call->body += b; });
    QObject::connect(s, &http::Http2ClientStream::finished, s, [call] { call->done = true; });
    QObject::connect(s, &http::Http2ClientStream::failed, s, [call](quint32, const QString&) { call->done = true; });
    return call;
}

// The path and query of a holdAndDelegate URL, the way tailscaled expands and fetches it.
QByteArray pathOf(const QString& url)
{
    const QUrl u(url);
    return (u.path() + QLatin1Char('?') + u.query(QUrl::FullyEncoded)).toUtf8();
}

} // namespace

class TestSshCheck : public QObject
{
    Q_OBJECT

    std::shared_ptr<MockClock> m_clock;
    std::unique_ptr<QTemporaryDir> m_tmp;
    std::unique_ptr<server::Server> m_server;
    QString m_apiKey;
    QList<sim::SimNode*> m_nodes;
    sim::SimNode* m_src = nullptr; // the SSH client's node
    sim::SimNode* m_dst = nullptr; // the SSH server node, which asks control

    void startServer(const QByteArray& policy)
    {
        config::Config c = config::Config::embeddedDefault(m_tmp->path());
        c.listenAddr = QStringLiteral("127.0.0.1:0");
        c.serverUrl = QStringLiteral("http://127.0.0.1");
        c.metricsListenAddr.clear();
        c.unixSocket.clear();
        c.tuning.batchChangeDelayMs = 20;
        c.derp.urls.clear();
        c.derp.paths.clear();
        c.policy.mode = QStringLiteral("database");
        m_server = std::make_unique<server::Server>(c);
        QString error;
        QVERIFY2(m_server->start(&error), qPrintable(error));
        store::User u;
        u.name = QStringLiteral("alice");
        auto user = m_server->store().createUser(u);
        QVERIFY(user);
        store::NewPreAuthKey k;
        k.userId = user->id;
        k.reusable = true;
        auto key = m_server->store().createPreAuthKey(k);
        QVERIFY(key);
        auto api = m_server->store().createApiKey(std::nullopt);
        QVERIFY(api);
        m_apiKey = api->fullKey;
        setPolicy(policy);
        for (int i = 1; i <= 2; ++i) {
            auto* n = new sim::SimNode(i, key->fullKey, this);
            m_nodes << n;
            n->start(QStringLiteral("127.0.0.1"), m_server->httpPort(), std::nullopt);
            QVERIFY2(QTest::qWaitFor([n] { return n->netmap().hasSelf() || n->failed(); }, 15000) && !n->failed(),
                     qPrintable(n->error()));
        }
        m_src = m_nodes[0];
        m_dst = m_nodes[1];
    }

    // `keel policy set`, over REST as the CLI does it.
    void setPolicy(const QByteArray& policy)
    {
        const auto [status, body] = rest("PUT", "/api/v1/policy", {{"policy", QString::fromUtf8(policy)}});
        QVERIFY2(status == 200, body.constData());
    }

    QByteArray actionPath(sim::SimNode* src, sim::SimNode* dst) const
    {
        return QStringLiteral("/machine/ssh/action/%1/to/%2?local_user=root").arg(src->nodeId()).arg(dst->nodeId()).toUtf8();
    }

    std::shared_ptr<Call> ask(const QByteArray& path, sim::SimNode* asker = nullptr)
    {
        auto call = get(asker ? asker : m_dst, path);
        (void)QTest::qWaitFor([call] { return call->done; }, 10000);
        return call;
    }

    // A REST call as `keel` makes it over TCP with an API key.
    std::pair<int, QByteArray> rest(const QByteArray& method, const QString& path, const QJsonObject& body = {})
    {
        QNetworkAccessManager nam;
        QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server->httpPort()).arg(path)));
        req.setRawHeader("Authorization", "Bearer " + m_apiKey.toUtf8());
        req.setHeader(QNetworkRequest::ContentTypeHeader, "application/json");
        const QByteArray data = QJsonDocument(body).toJson();
        QNetworkReply* r = method == "GET" ? nam.get(req) : method == "PUT" ? nam.put(req, data) : nam.post(req, data);
        (void)QTest::qWaitFor([r] { return r->isFinished(); }, 10000);
        const int status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray reply = r->readAll();
        delete r;
        return {status, reply};
    }

    // The first request: a new check session. Returns the follow-up URL.
    QString delegated()
    {
        auto first = ask(actionPath(m_src, m_dst));
        if (first->status != 200 || !first->json().contains("holdAndDelegate"))
            qWarning() << "first request:" << first->status << first->body;
        return first->json().value("holdAndDelegate").toString();
    }
    static QString authIdOf(const QString& holdUrl)
    {
        return QUrlQuery(QUrl(holdUrl)).queryItemValue(QStringLiteral("auth_id"));
    }

private Q_SLOTS:
    void init()
    {
        m_clock = std::make_shared<MockClock>(QDateTime::currentDateTimeUtc());
        Clock::install(m_clock);
        m_tmp = std::make_unique<QTemporaryDir>();
        QVERIFY(m_tmp->isValid());
    }
    void cleanup()
    {
        qDeleteAll(m_nodes);
        m_nodes.clear();
        m_server.reset();
        m_tmp.reset();
        Clock::install(nullptr);
    }

    void approvalIsHeldThenRememberedForTheCheckPeriod()
    {
        startServer(R"({"ssh":[{"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],
                                 "users":["root"],"checkPeriod":"1h"}]})");
        // The first request answers at once: hold, with the page the connecting user opens.
        auto first = ask(actionPath(m_src, m_dst));
        QCOMPARE(first->status, 200);
        const QJsonObject action = first->json();
        QVERIFY(!action.value("accept").toBool() && !action.value("reject").toBool());
        const QString hold = action.value("holdAndDelegate").toString();
        const QString authId = authIdOf(hold);
        QVERIFY2(authId.startsWith("hskey-authreq-"), qPrintable(hold));
        QVERIFY(hold.startsWith(QStringLiteral("http://127.0.0.1/machine/ssh/action/%1/to/%2?").arg(m_src->nodeId()).arg(m_dst->nodeId())));
        QCOMPARE(QUrlQuery(QUrl(hold)).queryItemValue("local_user"), QStringLiteral("root"));
        QVERIFY2(action.value("message").toString().contains("http://127.0.0.1/auth/" + authId), qPrintable(action.value("message").toString()));

        // The page behind the URL names the connection and the command that approves it.
        const auto [pageStatus, page] = rest("GET", "/auth/" + authId);
        QCOMPARE(pageStatus, 200);
        QVERIFY(page.contains("keel auth approve --auth-id " + authId.toUtf8()));
        QVERIFY(page.contains("as root"));
        QCOMPARE(rest("GET", "/auth/hskey-authreq-000000000000000000000000").first, 404);

        // The follow-up is a long poll: nothing comes back until someone decides.
        auto followup = get(m_dst, pathOf(hold));
        QTest::qWait(300);
        QVERIFY(!followup->done);
        const auto [st, reply] = rest("POST", "/api/v1/auth/approve", {{"authId", authId}});
        QCOMPARE(st, 200);
        QCOMPARE(QJsonDocument::fromJson(reply).object(), QJsonObject());
        QVERIFY(QTest::qWaitFor([followup] { return followup->done; }, 5000));
        QCOMPARE(followup->status, 200);
        QVERIFY(followup->json().value("accept").toBool());
        QVERIFY(followup->json().value("allowAgentForwarding").toBool());
        // The decision is in the audit log, with who made it.
        const auto [auditStatus, audit] = rest("GET", "/api/v1/audit?action=sshcheck.approve");
        QCOMPARE(auditStatus, 200);
        const QJsonArray entries = QJsonDocument::fromJson(audit).object().value("entries").toArray();
        QCOMPARE(entries.size(), 1);
        QVERIFY(entries[0].toObject().value("actor").toString().startsWith("apikey:"));
        QCOMPARE(entries[0].toObject().value("target").toString(), QStringLiteral("node:%1").arg(m_dst->nodeId()));
        // Decided once: a second verdict on the same id is refused.
        QCOMPARE(rest("POST", "/api/v1/auth/reject", {{"authId", authId}}).first, 404);

        // Within the check period the next connection is let in at once...
        m_clock->advance(59 * 60 * 1000);
        auto again = ask(actionPath(m_src, m_dst));
        QCOMPARE(again->status, 200);
        QVERIFY(again->json().value("accept").toBool());
        // ...and after it, checked again.
        m_clock->advance(2 * 60 * 1000);
        auto later = ask(actionPath(m_src, m_dst));
        QVERIFY(later->json().contains("holdAndDelegate"));
    }

    void refusalIsARefusal()
    {
        startServer(R"({"ssh":[{"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],"users":["root"]}]})");
        const QString hold = delegated();
        auto followup = get(m_dst, pathOf(hold));
        QTest::qWait(100);
        QCOMPARE(rest("POST", "/api/v1/auth/reject", {{"authId", authIdOf(hold)}}).first, 200);
        QVERIFY(QTest::qWaitFor([followup] { return followup->done; }, 5000));
        QCOMPARE(followup->status, 200);
        QVERIFY(followup->json().value("reject").toBool());
        QVERIFY(!followup->json().value("accept").toBool());
        QVERIFY(!followup->json().value("message").toString().isEmpty());
        // Nothing is remembered from a refusal: the next connection is checked again.
        QVERIFY(!delegated().isEmpty());
    }

    void verdictReachesAFollowupThatCameLate()
    {
        // tailscaled re-fetches the same URL when its long poll breaks; the verdict waits for it.
        startServer(R"({"ssh":[{"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],"users":["root"]}]})");
        const QString hold = delegated();
        QCOMPARE(rest("POST", "/api/v1/auth/approve", {{"authId", authIdOf(hold)}}).first, 200);
        auto followup = ask(pathOf(hold));
        QCOMPARE(followup->status, 200);
        QVERIFY(followup->json().value("accept").toBool());
        // Taken once: the same follow-up again starts a new check (the rule still applies).
        auto replay = ask(pathOf(hold));
        QVERIFY(replay->json().contains("holdAndDelegate"));
        QVERIFY(authIdOf(replay->json().value("holdAndDelegate").toString()) != authIdOf(hold));
    }

    void undecidedCheckExpires()
    {
        startServer(R"({"ssh":[{"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],"users":["root"]}]})");
        const QString hold = delegated();
        auto followup = get(m_dst, pathOf(hold));
        QTest::qWait(100);
        m_clock->advance(m_server->config().tuning.registerCacheExpirationMs - 1000);
        m_server->controlService()->housekeeping();
        QTest::qWait(100);
        QVERIFY(!followup->done);
        m_clock->advance(2000);
        m_server->controlService()->housekeeping();
        QVERIFY(QTest::qWaitFor([followup] { return followup->done; }, 5000));
        QCOMPARE(followup->status, 200);
        QVERIFY(followup->json().value("reject").toBool());
        QVERIFY(followup->json().value("message").toString().contains("in time"));
        // Gone: not an SSH check any more, and no registration by that id either (404, as Headscale).
        QCOMPARE(rest("POST", "/api/v1/auth/approve", {{"authId", authIdOf(hold)}}).first, 404);
        QCOMPARE(rest("POST", "/api/v1/auth/reject", {{"authId", authIdOf(hold)}}).first, 404);
    }

    void checkPeriodAlwaysRemembersNothing()
    {
        startServer(R"({"ssh":[{"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],
                                 "users":["root"],"checkPeriod":"always"}]})");
        const QString hold = delegated();
        QCOMPARE(rest("POST", "/api/v1/auth/approve", {{"authId", authIdOf(hold)}}).first, 200);
        QVERIFY(ask(pathOf(hold))->json().value("accept").toBool());
        QVERIFY(!delegated().isEmpty());
    }

    void onlyTheServerNodeAsksAndOnlyUnderACheckRule()
    {
        startServer(R"({"ssh":[{"action":"check","src":["autogroup:member"],"dst":["autogroup:self"],"users":["root"]}]})");
        // The source (or anyone else with a Noise session) may not ask about connections to dst.
        QCOMPARE(ask(actionPath(m_src, m_dst), m_src)->status, 401);
        QCOMPARE(ask("/machine/ssh/action/1/to/999999?local_user=root")->status, 404);
        QCOMPARE(ask("/machine/ssh/action/x/to/2")->status, 400);
        // A session answers only for its own pair.
        const QString hold = delegated();
        const QByteArray swapped = QStringLiteral("/machine/ssh/action/%1/to/%2?auth_id=%3")
                                       .arg(m_dst->nodeId()).arg(m_dst->nodeId()).arg(authIdOf(hold)).toUtf8();
        QCOMPARE(ask(swapped)->status, 401);
        // Not a pending check nor a registration: approve and reject say so.
        QCOMPARE(rest("POST", "/api/v1/auth/approve", {{"authId", "hskey-authreq-nothing"}}).first, 404);
        QCOMPARE(rest("POST", "/api/v1/auth/reject", {{"authId", "hskey-authreq-nothing"}}).first, 404);
        QCOMPARE(rest("POST", "/api/v1/auth/reject", {{"authId", ""}}).first, 400);

        // Under a policy with no check rule for the pair the answer is a refusal, not an error
        // (tailscaled retries errors for half an hour).
        setPolicy(R"({"ssh":[{"action":"accept","src":["autogroup:member"],"dst":["autogroup:self"],"users":["root"]}]})");
        auto refused = ask(actionPath(m_src, m_dst));
        QCOMPARE(refused->status, 200);
        QVERIFY(refused->json().value("reject").toBool());
        // So is the follow-up of the check that was waiting.
        QVERIFY(ask(pathOf(hold))->json().value("reject").toBool());
    }
};

QTEST_MAIN(TestSshCheck)
#include "tst_sshcheck.moc"
