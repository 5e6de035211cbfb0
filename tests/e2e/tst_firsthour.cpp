// What a new operator meets in the first hour, through the real `keel` binary: a missing or
// partial config file, a CLI with no server, usage mistakes, the page at `/`, REST errors, and
// the policy commands on a tailnet with nodes (real Noise clients from keel-sim).
#include "KeelProcess.h"

#include "sim/SimNode.h"
#include "admin/AdminClient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QTcpServer>
#include <QTest>

using keel::admin::AdminClient;
using keel::test::KeelProcess;

namespace {

void writeFile(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

QProcessEnvironment vars(std::initializer_list<std::pair<const char*, QString>> list)
{
    QProcessEnvironment e;
    for (const auto& [k, v] : list)
        e.insert(QLatin1String(k), v);
    return e;
}

// A path without its drive letter: a test under Wine gets its temp dir as a Linux path (TMPDIR,
// which Windows resolves on the current drive) and its data directory on drive Z:.
QString withoutDrive(const QString& path)
{
    return path.size() > 1 && path.at(1) == QLatin1Char(':') ? path.mid(2) : path;
}

} // namespace

class TestFirstHour : public QObject
{
    Q_OBJECT

private slots:
    void testsStayInTheirTemporaryDirectory()
    {
        // keel_add_test points HOME, the XDG directories and KEEL_DATA_DIR into the test's own
        // directory: as root, Keel's default data directory is otherwise /var/lib/keel.
        const QString tmp = withoutDrive(QDir(qEnvironmentVariable("TMPDIR")).canonicalPath());
        QVERIFY(!tmp.isEmpty());
#ifdef Q_OS_WIN
        // Windows programs find their directories through the shell, not HOME or XDG_* (which Wine
        // does not even pass on): Keel's data directory is the one that matters there.
        const char* const checked[] = {"KEEL_DATA_DIR"};
#else
        const char* const checked[] = {"HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "KEEL_DATA_DIR"};
#endif
        for (const char* var : checked) {
            const QString dir = withoutDrive(QDir::cleanPath(QDir(qEnvironmentVariable(var)).absolutePath()));
            QVERIFY2((dir + QLatin1Char('/')).startsWith(tmp + QLatin1Char('/')), qPrintable(QStringLiteral("%1=%2 is outside %3").arg(QLatin1String(var), dir, tmp)));
        }
        // And a server started by a test keeps its data in the test's directory, whatever its config.
        KeelProcess keel;
        QCOMPARE(keel.environment().value(QStringLiteral("KEEL_DATA_DIR")), keel.dir());
    }

    void configtestOnAMissingFileSaysHowToMakeOne()
    {
        KeelProcess keel;
        const QString path = keel.dir() + QStringLiteral("/etc/config.yaml");
        auto r = keel.cli({QStringLiteral("configtest"), QStringLiteral("-c"), path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("does not exist"), r.err.constData());
        QVERIFY2(r.err.contains("keel config init " + path.toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("Error: " + path.toUtf8() + ": 1 error, 0 warnings"), r.err.constData());   // not "the embedded default"

        // What it says to run works, refuses to overwrite, and writes a file configtest accepts.
        r = keel.cli({QStringLiteral("config"), QStringLiteral("init"), path});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile written(path);
        QVERIFY(written.open(QIODevice::ReadOnly));
        const QByteArray text = written.readAll();
        written.close();   // an open file cannot be replaced on Windows (--force below)
        QVERIFY(text.contains("server_url:"));
        QVERIFY(text.contains("# "));   // the commented example, not a bare dump
        QVERIFY2(!text.contains(": /var/lib/keel"), "the data paths follow this user's data directory");
        r = keel.cli({QStringLiteral("config"), QStringLiteral("init"), path});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("already exists") && r.err.contains("--force"), r.err.constData());
        r = keel.cli({QStringLiteral("config"), QStringLiteral("init"), path, QStringLiteral("--force")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = keel.cli({QStringLiteral("configtest"), QStringLiteral("-c"), path});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void aOneLineConfigRunsOnKeelsDefaults()
    {
        // listen_addr alone (plus the metrics port, to stay off shared ports): no DNS settings
        // needed, and the admin socket is keel.sock in the data directory, not Headscale's.
        KeelProcess keel;
        const quint16 port = KeelProcess::freePort();
        writeFile(keel.configPath(), "listen_addr: 127.0.0.1:" + QByteArray::number(port) + "\nmetrics_listen_addr: \"\"\n");
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        // Plain `keel users list` (the file is ./config.yaml, a place Keel looks) finds the server.
        const auto listed = keel.cli({QStringLiteral("users"), QStringLiteral("list")});
        QVERIFY2(listed.exitCode == 0, listed.err.constData());
        QVERIFY(keel.adminEndpointAnswers());   // keel.sock in the data directory, not Headscale's path
        // The first start names the fix for the empty DERP map.
        QVERIFY2(keel.serverLog().contains("derp.server.enabled: true"), keel.serverLog().constData());
    }

    void aTakenPortSaysWhatToDo()
    {
        QTcpServer squatter;
        QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
        KeelProcess keel;
        writeFile(keel.configPath(), "listen_addr: 127.0.0.1:" + QByteArray::number(squatter.serverPort()) + "\nmetrics_listen_addr: \"\"\n");
        QString error;
        QVERIFY(!keel.start(true, &error));
        QVERIFY2(error.contains("another program, or another Keel, listens there"), qPrintable(error));
    }

    void aCliWithNoServerSaysSo()
    {
        KeelProcess keel;
        keel.writeConfig();
        const auto r = keel.cli({QStringLiteral("-c"), keel.configPath(), QStringLiteral("users"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no Keel server is running at " + keel.socketPath().toUtf8()), r.err.constData());
        QVERIFY2(!r.err.contains("Invalid name"), r.err.constData());
    }

    void serviceVerbsSayTheyAreWindowsOnly()
    {
#ifdef Q_OS_WIN
        QSKIP("on Windows these verbs manage the real service control manager");
#else
        KeelProcess keel;
        for (const char* verb : {"install", "start", "stop", "uninstall", "status", "run"}) {
            const auto r = keel.cli({QStringLiteral("service"), QString::fromLatin1(verb)});
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains("exists only on Windows") && r.err.contains("keel serve"), r.err.constData());
        }
        const auto help = keel.cli({QStringLiteral("service"), QStringLiteral("--help")});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.out.contains("install") && help.out.contains("uninstall"), help.out.constData());
#endif
    }

    void typosAreCaught()
    {
        KeelProcess keel;
        keel.writeConfig("databse:\n  type: postgres\n");
        auto r = keel.cli({QStringLiteral("configtest"), QStringLiteral("-c"), keel.configPath()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("databse: unknown key (hint: did you mean \"database\"?)"), r.err.constData());
        keel.writeConfig();
        r = keel.cli({QStringLiteral("configtest"), QStringLiteral("-c"), keel.configPath()}, vars({{"KEEL_LISTEN_ADR", QStringLiteral("x")}}));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains("KEEL_LISTEN_ADR: warning: sets nothing, ignored; did you mean KEEL_LISTEN_ADDR?"), r.err.constData());
    }

    void usageErrorsPointTheRightWay()
    {
        KeelProcess keel;
        auto r = keel.cli({QStringLiteral("nodes"), QStringLiteral("delete"), QStringLiteral("99999")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("(did you mean -i 99999?)"), r.err.constData());
        QVERIFY2(r.err.contains("Run 'keel nodes delete --help' for usage."), r.err.constData());
        r = keel.cli({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("-dash")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("NAME cannot start with '-'"), r.err.constData());
        r = keel.cli({QStringLiteral("--version")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.out.trimmed(), keel.cli({QStringLiteral("version")}).out.trimmed());
    }

    void aServerAnswersClearly()
    {
        KeelProcess keel;
        keel.writeConfig();
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};

        // User names start with a letter (Headscale's rule), so `--user 123` is always an id.
        auto r = keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("123")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("must start with a letter"), r.err.constData());
        QVERIFY(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode == 0);

        // --expiration 0: in the config 0 means never; a key cannot be made that way.
        r = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"), QStringLiteral("1"),
                                     QStringLiteral("--expiration"), QStringLiteral("0")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--expiration 0 is refused"), r.err.constData());
        QVERIFY(keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"), QStringLiteral("1")}).exitCode == 0);
        r = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("list")});
        QVERIFY2(r.out.contains("Expired") && r.out.contains(" no "), r.out.constData());

        // `GET /`: what this is and how to join, with nothing loaded from elsewhere.
        const auto http = AdminClient::forRemote(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(keel.port())), {}, false);
        const auto page = http.get(QStringLiteral("/"));
        QCOMPARE(page.status, 200);
        QVERIFY2(page.body.contains("tailscale up --login-server=http://127.0.0.1:" + QByteArray::number(keel.port())), page.body.constData());
        QVERIFY(!page.body.contains("<script") && !page.body.contains("src=") && !page.body.contains("<link"));

        // REST: a non-numeric id is a 400 in both Headscale error shapes.
        const auto local = AdminClient::forUnixSocket(keel.socketPath());
        const auto bad = local.get(QStringLiteral("/api/v1/node/abc"));
        QCOMPARE(bad.status, 400);
        QCOMPARE(bad.json().value(QStringLiteral("code")).toInt(), 3);
        QVERIFY(bad.json().value(QStringLiteral("message")).toString().contains(QStringLiteral("'abc'")));
        QCOMPARE(bad.json().value(QStringLiteral("detail")), bad.json().value(QStringLiteral("message")));

        // The remote CLI with Headscale's bare host:port means https; against this plain-HTTP
        // server it fails at once, saying to write http://.
        r = keel.cli(c + QStringList{QStringLiteral("apikeys"), QStringLiteral("create")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString apiKey = QString::fromUtf8(r.out.trimmed());
        QElapsedTimer timer;
        timer.start();
        r = keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("list")},
                     vars({{"KEEL_CLI_ADDRESS", QStringLiteral("127.0.0.1:%1").arg(keel.port())}, {"KEEL_CLI_API_KEY", apiKey}}));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("write http://127.0.0.1:"), r.err.constData());
        QVERIFY2(timer.elapsed() < 4000, qPrintable(QString::number(timer.elapsed())));
        r = keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("list")},
                     vars({{"KEEL_CLI_ADDRESS", QStringLiteral("http://127.0.0.1:%1").arg(keel.port())}, {"KEEL_CLI_API_KEY", apiKey}}));
        QVERIFY2(r.exitCode == 0 && r.out.contains("alice"), r.err.constData());
    }

    void policyCommandsOnARealTailnet()
    {
        KeelProcess keel;
        const QString policyPath = keel.dir() + QStringLiteral("/policy.hujson");
        const QByteArray policy = R"({
  "hosts": {"db-host": "100.64.0.2"},
  "tagOwners": {"tag:db": ["alice@"]},
  "acls": [{"action": "accept", "src": ["alice@"], "dst": ["tag:db:5432"]}]
})";
        writeFile(policyPath, policy);
        keel.writeConfig("policy:\n  mode: file\n  path: policy.hujson\n");
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        const auto cli = [&](QStringList args) { return keel.cli(c + args); };
        QCOMPARE(cli({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("alice")}).exitCode, 0);
        const auto userKey = cli({QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"), QStringLiteral("1")});
        const auto tagKey = cli({QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("--tags"), QStringLiteral("tag:db")});
        QVERIFY2(userKey.exitCode == 0 && tagKey.exitCode == 0, (userKey.err + tagKey.err).constData());
        keel::sim::SimNode laptop(1, QString::fromUtf8(userKey.out.trimmed()));
        keel::sim::SimNode db(2, QString::fromUtf8(tagKey.out.trimmed()));
        laptop.start(QStringLiteral("127.0.0.1"), keel.port(), std::nullopt);
        QVERIFY(QTest::qWaitFor([&] { return laptop.netmap().hasSelf() || laptop.failed(); }, 20000));
        db.start(QStringLiteral("127.0.0.1"), keel.port(), std::nullopt);
        QVERIFY(QTest::qWaitFor([&] { return db.netmap().hasSelf() || db.failed(); }, 20000));
        QVERIFY2(!laptop.failed() && !db.failed(), qPrintable(laptop.error() + db.error()));

        // explain takes users, tags and host aliases, says it once, and names the protocol.
        auto r = cli({QStringLiteral("policy"), QStringLiteral("explain"), QStringLiteral("--src"), QStringLiteral("alice@"),
                      QStringLiteral("--dst"), QStringLiteral("tag:db"), QStringLiteral("--port"), QStringLiteral("5432")});
        QVERIFY2(r.exitCode == 0, (r.out + r.err).constData());
        QCOMPARE(r.out.trimmed(), QByteArray("sim-1 may reach sim-2 on port 5432/tcp, allowed by acls[0]"));
        r = cli({QStringLiteral("policy"), QStringLiteral("explain"), QStringLiteral("-s"), QStringLiteral("sim-1"), QStringLiteral("-d"),
                 QStringLiteral("db-host"), QStringLiteral("-p"), QStringLiteral("22")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.contains("port 22/tcp"), r.out.constData());
        r = cli({QStringLiteral("policy"), QStringLiteral("explain"), QStringLiteral("-s"), QStringLiteral("laptop"), QStringLiteral("-d"),
                 QStringLiteral("sim-2"), QStringLiteral("-p"), QStringLiteral("22")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("--src 'laptop' names no node") && !r.err.contains("--dst"), r.err.constData());
        // -f: a policy not yet applied.
        writeFile(keel.dir() + QStringLiteral("/wide.hujson"), R"({"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]})");
        r = cli({QStringLiteral("policy"), QStringLiteral("explain"), QStringLiteral("-f"), keel.dir() + QStringLiteral("/wide.hujson"),
                 QStringLiteral("-s"), QStringLiteral("sim-1"), QStringLiteral("-d"), QStringLiteral("sim-2"), QStringLiteral("-p"), QStringLiteral("22")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("allowed by acls[0]"), (r.out + r.err).constData());

        // check: a YAML file against the running server.
        const QString yaml = keel.dir() + QStringLiteral("/policy.yaml");
        writeFile(yaml, "tagOwners:\n  tag:db: [\"alice@\"]\nacls:\n  - action: accept\n    src: [\"alice@\"]\n    dst: [\"tag:db:5432\"]\n");
        r = cli({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("-f"), yaml});
        QVERIFY2(r.exitCode == 0 && r.out.contains("the running server"), (r.out + r.err).constData());
        // An unknown user and an empty file fail, whichever way the file is checked.
        const QString mallory = keel.dir() + QStringLiteral("/mallory.hujson");
        writeFile(mallory, "{\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"mallory@\"], \"dst\": [\"*:*\"]}\n  ]\n}\n");
        const QString empty = keel.dir() + QStringLiteral("/empty.hujson");
        writeFile(empty, "\n");
        r = cli({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("-f"), mallory});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(mallory.toUtf8() + ":3: user not found: token \"mallory@\""), r.err.constData());
        QVERIFY2(r.err.contains("(checked against the running server"), r.err.constData());
        QCOMPARE(cli({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("-f"), empty}).exitCode, 1);

        // The watcher: a refused edit is said once, not again for every other file in the directory.
        {
            QFile m(mallory);
            QVERIFY(m.open(QIODevice::ReadOnly));
            writeFile(policyPath, m.readAll());
        }
        QTRY_VERIFY_WITH_TIMEOUT(keel.serverLog().contains("not applied, keeping the current policy: user not found"), 10000);
        const qsizetype refusals = keel.serverLog().count("not applied");
        writeFile(keel.dir() + QStringLiteral("/unrelated.txt"), "x");
        writeFile(keel.dir() + QStringLiteral("/unrelated.txt"), "y");
        QTest::qWait(1000);   // the watcher's debounce is 300 ms: give it time to (wrongly) log
        QCOMPARE(keel.serverLog().count("not applied"), refusals);
        // `policy get` shows the policy in force, and says that the file differs.
        r = cli({QStringLiteral("policy"), QStringLiteral("get")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("db-host") && !r.out.contains("mallory"), (r.out + r.err).constData());
        QVERIFY2(r.err.contains("the file " + policyPath.toUtf8() + " differs"), r.err.constData());

        // With the server stopped, the database is the tailnet: the same answers.
        keel.stop();
        r = cli({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("-f"), mallory});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("user not found: token \"mallory@\"") && r.err.contains("checked against the database"), r.err.constData());
        QVERIFY2(!r.err.contains("keel.store"), r.err.constData());
        QCOMPARE(cli({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("-f"), empty}).exitCode, 1);
        QCOMPARE(cli({QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("--offline"), QStringLiteral("-f"), empty}).exitCode, 1);
    }
};

QTEST_GUILESS_MAIN(TestFirstHour)
#include "tst_firsthour.moc"
