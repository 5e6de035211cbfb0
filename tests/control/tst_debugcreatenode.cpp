// `keel debug create-node` (Headscale's verb, flags as in its cmd/headscale/cli/debug.go: --name,
// --user/-u, --key/-k, --route/-r repeated): against a real `keel serve`, the made-up machine waits
// as a pending registration that `keel auth list` shows, and `keel auth register` turns it into a
// node with the routes it announces. Bad input is refused with a sentence and changes nothing.
#include "KeelProcess.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace keel;

class TestDebugCreateNode : public QObject
{
    Q_OBJECT

private slots:
    void createThenRegister();
};

void TestDebugCreateNode::createThenRegister()
{
    test::KeelProcess keel;
    keel.writeConfig();
    QString error;
    QVERIFY2(keel.start(true, &error), qPrintable(error + '\n' + keel.serverLog()));
    const QStringList c{QStringLiteral("-c"), keel.configPath()};
    QCOMPARE(keel.cli(c + QStringList{"users", "create", "alice"}).exitCode, 0);
    const QString key = QStringLiteral("hskey-authreq-0123456789abcdef01234567");

    auto r = keel.cli(c + QStringList{"debug", "create-node", "--name", "testbox", "-u", "alice", "-k", key,
                                      "-r", "10.1.2.0/24", "--route", "192.168.7.9/24,fd00:1::/64", "-o", "json"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject made = r.json().object();
    QCOMPARE(made["authId"].toString(), key);
    QCOMPARE(made["hostname"].toString(), QString("testbox"));
    QCOMPARE(made["os"].toString(), QString("TestOS"));
    QCOMPARE(made["routes"].toArray(), (QJsonArray{"10.1.2.0/24", "192.168.7.0/24", "fd00:1::/64"}));

    // Waiting like any interactive registration; the same id twice is a conflict.
    r = keel.cli(c + QStringList{"auth", "list", "-o", "json"});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.json().array().size(), 1);
    QCOMPARE(r.json().array().at(0).toObject().value("authId").toString(), key);
    r = keel.cli(c + QStringList{"debug", "create-node", "--name", "again", "-u", "alice", "-k", key});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("already pending"), r.err.constData());

    // Refusals: each says why.
    r = keel.cli(c + QStringList{"debug", "create-node", "--name", "x", "-u", "alice", "-k", "hskey-authreq-short"});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("24 characters"), r.err.constData());
    r = keel.cli(c + QStringList{"debug", "create-node", "--name", "x", "-u", "nobody", "-k", "hskey-authreq-aaaaaaaaaaaaaaaaaaaaaaaa"});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("user nobody not found"), r.err.constData());
    r = keel.cli(c + QStringList{"debug", "create-node", "--name", "x", "-u", "alice", "-k", "hskey-authreq-aaaaaaaaaaaaaaaaaaaaaaaa",
                                 "-r", "10.0.0.0/33"});
    QVERIFY(r.exitCode != 0);
    QVERIFY2(r.err.contains("not an IP prefix"), r.err.constData());
    r = keel.cli(c + QStringList{"debug", "create-node", "-u", "alice", "-k", "hskey-authreq-aaaaaaaaaaaaaaaaaaaaaaaa"});
    QVERIFY(r.exitCode != 0); // --name is required
    QCOMPARE(keel.cli(c + QStringList{"auth", "list", "-o", "json"}).json().array().size(), 1);

    // Registered through the ordinary verb: a node of alice's announcing those routes.
    r = keel.cli(c + QStringList{"auth", "register", "--auth-id", key, "--user", "alice"});
    QVERIFY2(r.exitCode == 0, r.err.constData());
    r = keel.cli(c + QStringList{"nodes", "list", "-o", "json"});
    QCOMPARE(r.exitCode, 0);
    const QJsonArray nodes = r.json().array();
    QCOMPARE(nodes.size(), 1);
    QCOMPARE(nodes[0]["name"].toString(), QString("testbox"));
    QCOMPARE(nodes[0]["user"]["name"].toString(), QString("alice"));
    QCOMPARE(nodes[0]["os"].toString(), QString("TestOS"));
    QStringList announced;
    for (const QJsonValue& v : nodes[0]["availableRoutes"].toArray())
        announced << v.toString();
    announced.sort();
    QCOMPARE(announced, (QStringList{"10.1.2.0/24", "192.168.7.0/24", "fd00:1::/64"}));
    QVERIFY(keel.cli(c + QStringList{"auth", "list", "-o", "json"}).json().array().isEmpty());
    r = keel.cli(c + QStringList{"audit", "list", "-o", "json"});
    QVERIFY2(r.out.contains("registration.debug-create"), r.out.constData());
}

QTEST_GUILESS_MAIN(TestDebugCreateNode)
#include "tst_debugcreatenode.moc"
