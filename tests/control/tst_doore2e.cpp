// The door end to end (issue 11), against a real `keel serve`: pending registrations listed,
// approved and rejected over the CLI and the TCP API (the waiting client answered each time),
// device approval with `keel nodes approve`, live events over the unix socket (`keel events`) and
// over TCP with an API key (resumed from a sequence number), and the audit log of it all.
#include "ChildProcess.h"
#include "KeelProcess.h"

#include "admin/AdminClient.h"
#include "control/ControlClient.h"
#include "http/Http2ClientStream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace keel;

namespace {

// A request over the client's Noise channel whose answer may come later (a held follow-up).
struct Pending
{
    int status = 0;
    QByteArray body;
    bool done = false;
};

std::shared_ptr<Pending> post(control::ControlClient& client, const QByteArray& path, const QJsonObject& body)
{
    auto p = std::make_shared<Pending>();
    auto* s = client.request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [p](int st, const http::Http2Headers&) { p->status = st; });
    QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [p](const QByteArray& c) { p->body += c; });
    QObject::connect(s, &http::Http2ClientStream::finished, s, [p] { p->done = true; });
    QObject::connect(s, &http::Http2ClientStream::failed, s, [p] { p->done = true; });
    return p;
}

QJsonObject answer(const std::shared_ptr<Pending>& p)
{
    return QJsonDocument::fromJson(p->body).object();
}

QString nodeKey(char c)
{
    return QStringLiteral("nodekey:") + QString(64, QLatin1Char(c));
}

QJsonObject registerRequest(char c, const QString& hostname, const QString& authKey = {})
{
    QJsonObject r{{"Version", 115}, {"NodeKey", nodeKey(c)},
                  {"Hostinfo", QJsonObject{{"Hostname", hostname}, {"OS", "linux"}, {"IPNVersion", "1.82.5-t0"}}}};
    if (!authKey.isEmpty())
        r.insert("Auth", QJsonObject{{"AuthKey", authKey}});
    return r;
}

// Parses `data:` lines of a server-sent event stream.
QList<QJsonObject> sseEvents(const QByteArray& stream)
{
    QList<QJsonObject> out;
    for (const QByteArray& line : stream.split('\n'))
        if (line.startsWith("data: "))
            out << QJsonDocument::fromJson(line.mid(6)).object();
    return out;
}

QStringList typesOf(const QList<QJsonObject>& events)
{
    QStringList out;
    for (const QJsonObject& e : events)
        out << e["type"].toString();
    return out;
}

} // namespace

class TestDoorE2e : public QObject
{
    Q_OBJECT

private slots:
    void approvalsEventsAndAudit();
};

void TestDoorE2e::approvalsEventsAndAudit()
{
    test::KeelProcess keel;
    keel.writeConfig("node:\n  device_approval: true\n");
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));
    const QStringList c{QStringLiteral("-c"), keel.configPath()};
    QCOMPARE(keel.cli(c + QStringList{"users", "create", "alice"}).exitCode, 0);

    // A watcher on the unix socket, as an operator runs it.
    QProcess watcher;
    watcher.setProcessEnvironment(keel.environment());
    // From the first event of this server on: nothing can fall between start and connection.
    watcher.start(test::KeelProcess::keelBinary(), c + QStringList{"events", "--since", "0", "-o", "json-line"});
    QByteArray watched;
    QObject::connect(&watcher, &QProcess::readyReadStandardOutput, &watcher, [&] { watched += watcher.readAllStandardOutput(); });
    QVERIFY(watcher.waitForStarted());
    QCOMPARE(keel.cli(c + QStringList{"users", "create", "bob"}).exitCode, 0);
    QVERIFY2(QTest::qWaitFor([&] { return watched.contains("\"user.added\""); }, 10000), watched.constData());

    // An interactive registration waits; the CLI lists it and approves it.
    control::ControlClient m1(crypto::MachinePrivate::generate());
    m1.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return m1.state() == control::ControlClient::State::Connected; }, 15000));
    auto first = post(m1, "/machine/register", registerRequest('a', "laptop"));
    QVERIFY(QTest::qWaitFor([&] { return first->done; }, 10000));
    const QString url1 = answer(first)["AuthURL"].toString();
    QVERIFY2(!url1.isEmpty(), first->body.constData());
    const QString authId1 = url1.section(QLatin1Char('/'), -1);
    QJsonObject follow1 = registerRequest('a', "laptop");
    follow1.insert("Followup", url1);
    auto held1 = post(m1, "/machine/register", follow1);

    auto r = keel.cli(c + QStringList{"auth", "list", "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonArray pending = r.json().array();
    QCOMPARE(pending.size(), 1);
    QCOMPARE(pending[0]["authId"].toString(), authId1);
    QCOMPARE(pending[0]["hostname"].toString(), QString("laptop"));
    QCOMPARE(pending[0]["os"].toString(), QString("linux"));
    r = keel.cli(c + QStringList{"auth", "list"});
    QVERIFY2(r.out.contains(authId1.toUtf8()) && r.out.contains("laptop"), r.out.constData());
    QVERIFY(!held1->done);
    r = keel.cli(c + QStringList{"auth", "approve", "--auth-id", authId1});
    QVERIFY(r.exitCode != 0); // --user is required
    r = keel.cli(c + QStringList{"auth", "approve", "--auth-id", authId1, "--user", "alice"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(QTest::qWaitFor([&] { return held1->done; }, 10000));
    QCOMPARE(answer(held1)["MachineAuthorized"].toBool(), true); // an admin's approval is the device approval

    // A second machine is rejected over TCP with an API key; its waiting request is answered.
    const auto apiKey = keel.cli(c + QStringList{"apikeys", "create"});
    QCOMPARE(apiKey.exitCode, 0);
    const admin::AdminClient tcp = admin::AdminClient::forRemote(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(keel.port())),
                                                                 QString::fromUtf8(apiKey.out.trimmed()), false);
    control::ControlClient m2(crypto::MachinePrivate::generate());
    m2.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return m2.state() == control::ControlClient::State::Connected; }, 15000));
    auto second = post(m2, "/machine/register", registerRequest('b', "intruder"));
    QVERIFY(QTest::qWaitFor([&] { return second->done; }, 10000));
    const QString url2 = answer(second)["AuthURL"].toString();
    QJsonObject follow2 = registerRequest('b', "intruder");
    follow2.insert("Followup", url2);
    auto held2 = post(m2, "/machine/register", follow2);
    auto listed = tcp.get("/api/v1/auth/pending");
    QCOMPARE(listed.status, 200);
    QCOMPARE(listed.json()["registrations"].toArray().size(), 1);
    // Where the request came from, as a person reads it (not "::ffff:127.0.0.1").
    QCOMPARE(listed.json()["registrations"].toArray()[0].toObject()["sourceAddress"].toString(), QString("127.0.0.1"));
    auto rejected = tcp.call("POST", "/api/v1/auth/reject", {{"authId", url2.section(QLatin1Char('/'), -1)}});
    QVERIFY2(rejected.ok(), rejected.body.constData());
    QVERIFY(QTest::qWaitFor([&] { return held2->done; }, 10000));
    QCOMPARE(answer(held2)["Error"].toString(), QString("registration rejected by an administrator"));
    QVERIFY(tcp.get("/api/v1/auth/pending").json()["registrations"].toArray().isEmpty());

    // Device approval: a pre-auth-key node waits until `keel nodes approve`.
    const auto key = keel.cli(c + QStringList{"preauthkeys", "create", "-u", "1"});
    QCOMPARE(key.exitCode, 0);
    control::ControlClient m3(crypto::MachinePrivate::generate());
    m3.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
    QVERIFY(QTest::qWaitFor([&] { return m3.state() == control::ControlClient::State::Connected; }, 15000));
    auto third = post(m3, "/machine/register", registerRequest('c', "server", QString::fromUtf8(key.out.trimmed())));
    QVERIFY(QTest::qWaitFor([&] { return third->done; }, 10000));
    QCOMPARE(answer(third)["MachineAuthorized"].toBool(), false);
    r = keel.cli(c + QStringList{"nodes", "list", "-o", "json"});
    QJsonObject waiting;
    for (const QJsonValue& v : r.json().array())
        if (v["givenName"].toString() == "server")
            waiting = v.toObject();
    QCOMPARE(waiting["authorized"].toBool(true), false);
    r = keel.cli(c + QStringList{"nodes", "approve", "-i", waiting["id"].toString()});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QCOMPARE(tcp.get("/api/v1/node/" + waiting["id"].toString()).json()["node"].toObject()["authorized"].toBool(), true);

    // The CLI watcher saw all of it, in order, without a gap.
    QVERIFY2(QTest::qWaitFor([&] { return watched.contains("\"node.approve\""); }, 10000), watched.constData());
    test::askToStop(watcher);
    QVERIFY(watcher.waitForFinished(5000));
    watched += watcher.readAllStandardOutput();
    QList<QJsonObject> seen;
    for (const QByteArray& line : watched.split('\n'))
        if (!line.trimmed().isEmpty())
            seen << QJsonDocument::fromJson(line).object();
    QVERIFY(!seen.isEmpty());
    for (int i = 1; i < seen.size(); ++i)
        QCOMPARE(seen[i]["seq"].toInteger(), seen[i - 1]["seq"].toInteger() + 1);
    const QStringList types = typesOf(seen);
    for (const char* t : {"registration.pending", "node.added", "registration.approved", "registration.rejected",
                          "apikey.created", "preauthkey.created", "node.changed", "audit.entry"})
        QVERIFY2(types.contains(QLatin1String(t)), qPrintable(t + QStringLiteral(" missing from ") + types.join(' ')));
    QVERIFY(types.indexOf("registration.pending") < types.indexOf("registration.approved"));

    // Over TCP with the API key, resumed from before the first event: the same events again.
    QByteArray stream;
    const auto sse = tcp.stream("/api/v1/events?since=0", [&](const QByteArray& bytes) {
        stream += bytes;
        return sseEvents(stream).size() < seen.size();
    });
    QCOMPARE(sse.status, 200);
    const QList<QJsonObject> replayed = sseEvents(stream);
    QVERIFY(replayed.size() >= seen.size());
    QCOMPARE(replayed.first()["seq"].toInteger(), 1);
    const qint64 offset = seen.first()["seq"].toInteger() - 1;
    for (int i = 0; i < seen.size(); ++i)
        QCOMPARE(replayed[int(offset) + i]["type"].toString(), seen[i]["type"].toString());
    // Without the key: 401, as the rest of the API.
    const auto anonymous = admin::AdminClient::forRemote(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(keel.port())), {}, false)
                               .stream("/api/v1/events", [](const QByteArray&) { return false; });
    QCOMPARE(anonymous.status, 401);

    // The audit log names who did what.
    r = keel.cli(c + QStringList{"audit", "list", "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QStringList audit;
    for (const QJsonValue& v : r.json().array())
        audit << v["actor"].toString().section(QLatin1Char(':'), 0, 0) + ' ' + v["action"].toString();
    for (const char* line : {"unix user.create", "unix registration.approve", "unix apikey.create", "apikey registration.reject",
                             "preauthkey node.register", "unix node.approve"})
        QVERIFY2(audit.contains(QLatin1String(line)), qPrintable(audit.join(", ")));
    r = keel.cli(c + QStringList{"audit", "list", "--action", "registration.", "-o", "json"});
    QCOMPARE(r.json().array().size(), 2);
    keel.stop();
}

QTEST_GUILESS_MAIN(TestDoorE2e)
#include "tst_doore2e.moc"
