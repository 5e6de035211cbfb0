// Keel Manager's parts that need no server: the HTTP and event-stream parsers, the policy
// locator, the line diff, the QR code, the wizard's config.yaml.
#include "app/FirstRunWizard.h"
#include "client/HttpResponseParser.h"
#include "client/SseParser.h"
#include "config/ConfigLoader.h"
#include "platform/Files.h"
#include "UnderWine.h"
#include "view/LineDiff.h"
#include "view/PolicyLocator.h"
#include "view/QrCode.h"

#include <QTemporaryDir>
#include <QTest>

using namespace keel::gui;

class TestGuiParts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void httpParserHandlesChunksSplitAnywhere()
    {
        const QByteArray wire = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
        for (int step = 1; step <= 7; ++step) {
            HttpResponseParser p;
            QByteArray body;
            for (int i = 0; i < wire.size(); i += step)
                body += p.feed(wire.mid(i, step));
            QCOMPARE(p.status(), 200);
            QCOMPARE(body, QByteArray("hello, world"));
            QCOMPARE(p.state(), HttpResponseParser::State::Done);
            QCOMPARE(p.header("content-type"), QByteArray("text/event-stream"));
        }
    }

    void httpParserLengthAndClose()
    {
        HttpResponseParser sized;
        QCOMPARE(sized.feed("HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope, extra"), QByteArray("nope"));
        QCOMPARE(sized.state(), HttpResponseParser::State::Done);
        HttpResponseParser untilClose;
        QCOMPARE(untilClose.feed("HTTP/1.1 200 OK\r\n\r\nabc"), QByteArray("abc"));
        untilClose.closed();
        QCOMPARE(untilClose.state(), HttpResponseParser::State::Done);
        HttpResponseParser truncated;
        truncated.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
        truncated.closed();
        QCOMPARE(truncated.state(), HttpResponseParser::State::Failed);
        HttpResponseParser garbage;
        garbage.feed("SSH-2.0-OpenSSH\r\n\r\n");
        QCOMPARE(garbage.state(), HttpResponseParser::State::Failed);
    }

    void sseParserEventsCommentsAndSplits()
    {
        const QByteArray stream = ": keep-alive\n\nid: 7\nevent: node.changed\ndata: {\"seq\":7,\"type\":\"node.changed\",\"epoch\":\"e1\",\"node\":{\"id\":\"3\"}}\n\n"
                                  "id: 8\r\nevent: resync\r\ndata: {\"seq\":8,\"type\":\"resync\",\"epoch\":\"e1\"}\r\n\r\n";
        SseParser p;
        QList<ServerEvent> events;
        for (char c : stream)
            events += p.feed(QByteArray(1, c));
        QVERIFY(p.sawComment());
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[0].type, QStringLiteral("node.changed"));
        QCOMPARE(events[0].seq, 7);
        QCOMPARE(events[0].epoch, QStringLiteral("e1"));
        QCOMPARE(events[0].data.value(QStringLiteral("node")).toObject().value(QStringLiteral("id")).toString(), QStringLiteral("3"));
        QCOMPARE(events[1].type, QStringLiteral("resync"));
        QCOMPARE(events[1].seq, 8);
    }

    void policyLocatorFindsLines_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("line");
        QTest::newRow("missing comma") << QStringLiteral("{\n  \"hosts\": {\n    \"a\": \"100.64.0.1\"\n    \"b\": \"100.64.0.2\"\n  }\n}") << 4;
        QTest::newRow("undefined group") << QStringLiteral("{\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"group:x\"], \"dst\": [\"*:*\"]}\n  ]\n}") << 3;
        QTest::newRow("valid") << QStringLiteral("{\n  // comment\n  \"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]},],\n}") << 0;
    }
    void policyLocatorFindsLines()
    {
        QFETCH(QString, text);
        QFETCH(int, line);
        const PolicyProblem p = PolicyLocator::check(text, {});
        QCOMPARE(p.line, line);
        QCOMPARE(p.message.isEmpty(), line == 0);
    }

    void lineDiffShowsChanges()
    {
        const QStringList d = lineDiff(QStringLiteral("a\nb\nc\nd"), QStringLiteral("a\nB\nc\nd\ne"), 0);
        QCOMPARE(d, (QStringList{QStringLiteral("-b"), QStringLiteral("+B"), QStringLiteral("@@"), QStringLiteral("+e")}));
        QVERIFY(lineDiff(QStringLiteral("same"), QStringLiteral("same")).isEmpty());
    }

    void qrCodeIsSquareAndNotBlank()
    {
        const QImage image = qrCodeImage(QStringLiteral("tailscale up --login-server=https://keel.example.com --authkey=hskey-auth-x"), 3);
        QVERIFY(!image.isNull());
        QCOMPARE(image.width(), image.height());
        QCOMPARE(image.pixelColor(0, 0), QColor(Qt::white));   // quiet zone
        QCOMPARE(image.pixelColor(4 * 3, 4 * 3), QColor(Qt::black));   // a finder pattern's corner
    }

    void wizardWritesAConfigTheDaemonAccepts()
    {
        QTemporaryDir dir;
        FirstRunWizard::Answers a;
        a.serverUrl = QStringLiteral("https://keel.example.com");
        a.listenAddr = QStringLiteral("0.0.0.0:8080");
        a.dataDir = dir.filePath(QStringLiteral("data dir"));
        a.embeddedDerp = true;
        a.firstUser = QStringLiteral("alice");
        const QString path = dir.filePath(QStringLiteral(".keel/config.yaml"));
        QString error;
        QVERIFY2(FirstRunWizard::writeConfig(path, a, &error), qPrintable(error));
        const auto loaded = keel::config::ConfigLoader::loadFile(path, QProcessEnvironment());
        QVERIFY2(loaded.ok(), qPrintable(loaded.errors().value(0).message));
        QCOMPARE(loaded.config.serverUrl, a.serverUrl);
        QCOMPARE(loaded.config.policy.mode, QStringLiteral("database"));
        QCOMPARE(loaded.config.unixSocket, QDir(a.dataDir).filePath(QStringLiteral("keel.sock")));
        QVERIFY(loaded.config.derp.server.enabled);
#ifdef Q_OS_WIN
        // The ACL (Qt's permission bits do not describe it). Wine keeps no ACL: it turns the
        // owner-only one into a Unix mode that still lets the group read, and reads that back as
        // open to others, so this holds on Windows only.
        if (!keel::test::underWine())
            QVERIFY(!keel::platform::accessibleByOthers(path));
#else
        QCOMPARE(QFile::permissions(path) & (QFileDevice::ReadOther | QFileDevice::ReadGroup), QFileDevice::Permissions());
#endif
        // Bad answers are refused, and nothing is written.
        a.serverUrl = QStringLiteral("not a url");
        const QString other = dir.filePath(QStringLiteral("other.yaml"));
        QVERIFY(!FirstRunWizard::writeConfig(other, a, &error));
        QVERIFY(!QFile::exists(other));
    }
};

QTEST_MAIN(TestGuiParts)
#include "tst_gui_parts.moc"
