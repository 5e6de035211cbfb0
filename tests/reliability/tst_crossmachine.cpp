// A machine acts only on its own node, over real ts2021 sessions (Noise + HTTP/2) to a real
// `keel serve`: a second machine that knows node A's public node key (every peer of A does)
// cannot open A's map stream, cannot register A's key as its own, cannot re-key A's node through
// OldNodeKey, and cannot publish DNS records for it; A keeps its node and its stream throughout.
#include "Fleet.h"
#include "KeelProcess.h"

#include "control/ControlClient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using keel::test::Fleet;
using keel::test::KeelProcess;

namespace {

struct Reply
{
    int status = 0;
    QByteArray body;
    QString error;
};

// One request over the thief's own session; a map stream is read for a few seconds at most.
Reply call(keel::control::ControlClient& client, const QByteArray& path, const QJsonObject& body)
{
    Reply r;
    bool done = false;
    auto* stream = client.request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
    QObject::connect(stream, &keel::http::Http2ClientStream::dataReceived, [&](const QByteArray& c) { r.body += c; });
    QObject::connect(stream, &keel::http::Http2ClientStream::headersReceived, [&](int status) { r.status = status; });
    QObject::connect(stream, &keel::http::Http2ClientStream::finished, [&] { done = true; });
    QObject::connect(stream, &keel::http::Http2ClientStream::failed, [&](quint32, const QString& e) { r.error = e; done = true; });
    if (!QTest::qWaitFor([&] { return done || (r.status == 200 && path == "/machine/map" && !r.body.isEmpty()); }, 20000))
        r.error = QStringLiteral("no answer");
    return r;
}

} // namespace

class TestCrossMachine : public QObject
{
    Q_OBJECT

private slots:
    void aMachineActsOnlyOnItsOwnNode()
    {
        KeelProcess keel;
        keel.writeConfig();
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        QCOMPARE(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto key = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"),
                                                  QStringLiteral("1"), QStringLiteral("--reusable")});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        const QString authKey = QString::fromUtf8(key.out.trimmed());
        Fleet fleet(authKey, keel.port());
        fleet.launch(2, 2);
        QString why;
        QVERIFY2(QTest::qWaitFor([&] { return fleet.converged(1, &why) && fleet.acknowledged().size() == 2; }, 60000), qPrintable(why));
        keel::sim::SimNode* a = fleet.nodes().first();
        const QString victim = a->nodeKey();

        keel::control::ControlClient thief(keel::crypto::MachinePrivate::generate());
        bool up = false;
        QObject::connect(&thief, &keel::control::ControlClient::connected, [&] { up = true; });
        thief.connectToServer(QStringLiteral("127.0.0.1"), keel.port());
        QVERIFY(QTest::qWaitFor([&] { return up; }, 20000));
        const QString fresh = keel::crypto::NodePrivate::generate().publicKey().toString();
        const QString disco = keel::crypto::DiscoPrivate::generate().publicKey().toString();

        // The map stream of A's node: it does not exist for this machine.
        const Reply map = call(thief, "/machine/map", {{QStringLiteral("Version"), 115}, {QStringLiteral("NodeKey"), victim},
                                                       {QStringLiteral("DiscoKey"), disco}, {QStringLiteral("Stream"), true},
                                                       {QStringLiteral("Compress"), QString()}});
        QVERIFY2(map.status == 404 || map.status == 401 || map.status == 403, qPrintable(QStringLiteral("%1 %2").arg(map.status).arg(QString::fromUtf8(map.body))));
        QVERIFY2(!map.body.contains("Peers") && !map.body.contains(victim.toUtf8()), map.body.constData());

        // A's node key as its own, with a valid auth key: refused, A's node untouched.
        const auto reg = [&](const QString& nodeKey, const QString& oldNodeKey) {
            QJsonObject body{{QStringLiteral("Version"), 115}, {QStringLiteral("NodeKey"), nodeKey},
                             {QStringLiteral("Auth"), QJsonObject{{QStringLiteral("AuthKey"), authKey}}},
                             {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), QStringLiteral("thief")}}}};
            if (!oldNodeKey.isEmpty())
                body.insert(QStringLiteral("OldNodeKey"), oldNodeKey);
            return call(thief, "/machine/register", body);
        };
        const Reply same = reg(victim, QString());
        QVERIFY2(!QJsonDocument::fromJson(same.body).object().value(QStringLiteral("MachineAuthorized")).toBool(),
                 qPrintable(QStringLiteral("%1 %2").arg(same.status).arg(QString::fromUtf8(same.body))));

        // OldNodeKey = A's key: a rotation is only for the machine that holds the node. The thief
        // may get a node of its own, never A's.
        const Reply rotate = reg(fresh, victim);
        QVERIFY2(rotate.error.isEmpty(), qPrintable(rotate.error));

        // set-dns for A's node: refused (403 with a DNS provider, 501 without one).
        const Reply dns = call(thief, "/machine/set-dns", {{QStringLiteral("Version"), 115}, {QStringLiteral("NodeKey"), victim},
                                                           {QStringLiteral("Name"), QStringLiteral("_acme-challenge.sim-1.tailnet.test")},
                                                           {QStringLiteral("Type"), QStringLiteral("TXT")}, {QStringLiteral("Value"), QStringLiteral("x")}});
        QVERIFY2(dns.status >= 400, qPrintable(QStringLiteral("%1 %2").arg(dns.status).arg(QString::fromUtf8(dns.body))));

        // A still holds its node (same machine, same key, same id) and its stream.
        const auto listed = keel.cli(c + QStringList{QStringLiteral("nodes"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(listed.exitCode == 0, listed.err.constData());
        const auto byKey = keel::test::nodesByKey(listed.json().array());
        QVERIFY2(byKey.contains(victim), listed.out.constData());
        QCOMPARE(byKey.value(victim).value(QStringLiteral("machineKey")).toString(), a->machineKey());
        QCOMPARE(qint64(byKey.value(victim).value(QStringLiteral("id")).toVariant().toLongLong()), a->nodeId());
        QVERIFY(!byKey.contains(fresh) || byKey.value(fresh).value(QStringLiteral("id")).toVariant().toLongLong() != a->nodeId());
        QVERIFY2(!a->failed(), qPrintable(a->error()));
    }
};

QTEST_GUILESS_MAIN(TestCrossMachine)
#include "tst_crossmachine.moc"
