// The live DNS parts on a real file system and real processes: the extra-records file watcher
// (in-place writes, editor-style replacement, bad files) and the `exec` set-dns provider.
#include "dns/ExecDnsProvider.h"
#include "dns/ExtraRecordsWatcher.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace keel;

namespace {

int g_warnings = 0;
QtMessageHandler g_previous = nullptr;

void countWarnings(QtMsgType type, const QMessageLogContext& ctx, const QString& msg)
{
    if (type == QtWarningMsg && QByteArray(ctx.category ? ctx.category : "") == "keel.dns")
        ++g_warnings;
    if (g_previous)
        g_previous(type, ctx, msg);
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

QByteArray record(const char* name, const char* ip)
{
    return QByteArray(R"({"name":")") + name + R"(","type":"A","value":")" + ip + R"("})";
}

} // namespace

class TestDnsRuntime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { g_previous = qInstallMessageHandler(countWarnings); }
    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void missingOrBadFileRefusedAtStart()
    {
        QTemporaryDir dir;
        QString error;
        dns::ExtraRecordsWatcher missing(dir.filePath("nope.json"), 0);
        QVERIFY(!missing.load(&error));
        QVERIFY2(error.contains("nope.json"), qPrintable(error));
        writeFile(dir.filePath("bad.json"), "{not json");
        dns::ExtraRecordsWatcher bad(dir.filePath("bad.json"), 0);
        QVERIFY(!bad.load(&error));
        QVERIFY2(error.contains("bad.json") && error.contains("not JSON"), qPrintable(error));
        dns::ExtraRecordsWatcher isDir(dir.path(), 0);
        QVERIFY(!isDir.load(&error));
        QVERIFY2(error.contains("directory"), qPrintable(error));
    }

    void reloadsOnChangeKeepsLastGoodOnGarbage()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("extra.json");
        writeFile(path, "[" + record("a.example", "100.64.0.1") + "]");
        dns::ExtraRecordsWatcher w(path, 0); // no polling: the file system watcher alone
        QString error;
        QVERIFY2(w.load(&error), qPrintable(error));
        QCOMPARE(w.records().size(), 1);
        QSignalSpy changed(&w, &dns::ExtraRecordsWatcher::recordsChanged);

        // 1. Written in place.
        writeFile(path, "[" + record("a.example", "100.64.0.1") + "," + record("b.example", "100.64.0.2") + "]");
        QVERIFY(changed.wait(5000));
        QCOMPARE(w.records().size(), 2);
        QCOMPARE(w.records()[1]["name"].toString(), QString("b.example"));

        // 2. Replaced the way editors and config tools do it: write a temporary, rename over.
        const QString tmp = dir.filePath(".extra.json.tmp");
        writeFile(tmp, "[" + record("c.example", "100.64.0.3") + "]");
        QVERIFY(QFile::remove(path));
        QVERIFY(QFile::rename(tmp, path));
        QVERIFY(changed.wait(5000));
        QCOMPARE(w.records().size(), 1);
        QCOMPARE(w.records()[0]["name"].toString(), QString("c.example"));

        // 3. Garbage: the records stay, the reason is logged once however often it is checked.
        g_warnings = 0;
        writeFile(path, R"([{"name":"d.example","value":)");
        QTest::qWait(300);
        w.check();
        w.check();
        QCOMPARE(changed.size(), 2);
        QCOMPARE(w.records()[0]["name"].toString(), QString("c.example"));
        QCOMPARE(g_warnings, 1);

        // 4. An empty file (an editor mid-write) is ignored silently; same bytes, no signal.
        writeFile(path, "");
        w.check();
        QCOMPARE(w.records().size(), 1);
        QCOMPARE(g_warnings, 1);

        // 5. Fixed again: picked up; equal records rewritten with other bytes: no signal.
        writeFile(path, "[" + record("e.example", "100.64.0.5") + "]");
        QVERIFY(changed.wait(5000));
        QCOMPARE(w.records()[0]["name"].toString(), QString("e.example"));
        const int before = int(changed.size());
        writeFile(path, "[ " + record("e.example", "100.64.0.5") + " ]\n");
        QTest::qWait(300);
        w.check();
        QCOMPARE(int(changed.size()), before);
    }

    void periodicHashCheckCatchesWhatTheWatcherMisses()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("extra.json");
        writeFile(path, "[" + record("a.example", "100.64.0.1") + "]");
        dns::ExtraRecordsWatcher w(path, 100);
        QString error;
        QVERIFY(w.load(&error));
        QSignalSpy changed(&w, &dns::ExtraRecordsWatcher::recordsChanged);
        // Deleted and recreated a while later: the watch on the old inode is gone by then.
        QVERIFY(QFile::remove(path));
        QTest::qWait(250);
        QCOMPARE(w.records().size(), 1); // a missing file keeps the records
        writeFile(path, "[" + record("z.example", "100.64.0.26") + "]");
        QVERIFY(changed.wait(5000));
        QCOMPARE(w.records()[0]["name"].toString(), QString("z.example"));
    }

    void execProviderPublishes()
    {
        QTemporaryDir dir;
        const QString out = dir.filePath("published");
        const QString script = QStringLiteral("printf '%s|%s|%s|%s|%s' \"$KEEL_DNS_RECORD_NAME\" \"$KEEL_DNS_RECORD_TYPE\" "
                                              "\"$KEEL_DNS_RECORD_VALUE\" \"$KEEL_DNS_CERT_DOMAIN\" \"$KEEL_NODE_ID\" > \"$1\"");
        dns::ExecDnsProvider p({"/bin/sh", "-c", script, "hook", out}, 10000);
        QString result = "pending";
        p.publishTxt({"_acme-challenge.web.ts.example.com", "tok-123", "web.ts.example.com", 7}, [&](const QString& e) { result = e; });
        QVERIFY(QTest::qWaitFor([&] { return result != "pending"; }, 10000));
        QVERIFY2(result.isEmpty(), qPrintable(result));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("_acme-challenge.web.ts.example.com|TXT|tok-123|web.ts.example.com|7"));
    }

    void execProviderFailures()
    {
        QString result = "pending";
        auto run = [&](dns::ExecDnsProvider& p) {
            result = "pending";
            int calls = 0;
            p.publishTxt({"_acme-challenge.x.example", "v", "x.example", 1}, [&](const QString& e) {
                result = e;
                ++calls;
            });
            QVERIFY(QTest::qWaitFor([&] { return result != "pending"; }, 10000));
            QTest::qWait(50);
            QCOMPARE(calls, 1);
        };
        dns::ExecDnsProvider failing({"/bin/sh", "-c", "echo first >&2; echo 'zone example. is not ours' >&2; exit 3"}, 10000);
        run(failing);
        QVERIFY2(result.contains("status 3") && result.contains("zone example. is not ours"), qPrintable(result));

        dns::ExecDnsProvider missing({"/nonexistent/keel-dns-hook"}, 10000);
        run(missing);
        QVERIFY2(result.contains("cannot run /nonexistent/keel-dns-hook"), qPrintable(result));

        dns::ExecDnsProvider slow({"/bin/sh", "-c", "sleep 30"}, 300);
        QElapsedTimer t;
        t.start();
        run(slow);
        QVERIFY2(result.contains("did not finish"), qPrintable(result));
        QVERIFY(t.elapsed() < 5000);
    }
};

QTEST_GUILESS_MAIN(TestDnsRuntime)
#include "tst_dnsruntime.moc"
