// Keel Manager's "connect to a server" mode against a real `keel serve` process: over its unix
// socket (no key) and over TCP with an API key made by `keel apikeys create`.
#include "KeelProcess.h"

#include "app/Controller.h"
#include "app/MainWindow.h"
#include "model/ServerSession.h"
#include "model/UserModel.h"
#include "model/LogModel.h"
#include "view/DashboardPage.h"
#include "view/DnsDerpPanel.h"
#include "view/LogsPage.h"
#include "view/RoutesPage.h"

#include <QLabel>

#include <QStandardPaths>
#include <QTest>

using namespace keel;

class TestGuiRemote : public QObject
{
    Q_OBJECT

    std::unique_ptr<test::KeelProcess> m_keel;

    static bool waitStatus(gui::ServerSession& s, gui::ServerSession::Status want, int ms = 20000)
    {
        return QTest::qWaitFor([&] { return s.status() == want; }, ms);
    }

    static bool hasUser(gui::ServerSession& s, const QString& name)
    {
        return s.users().names().contains(name);
    }

    void driveThroughWindow(const gui::ApiEndpoint& endpoint, const QString& newUser)
    {
        gui::ServerSession session(endpoint);
        gui::Controller controller(session);
        gui::MainWindow window(session, controller, endpoint.describe());
        window.show();
        session.start();
        QVERIFY2(waitStatus(session, gui::ServerSession::Status::Online), qPrintable(session.statusText()));
        QVERIFY(hasUser(session, QStringLiteral("carol")));   // made with the CLI before
        QCOMPARE(window.dashboardPage()->onlineText(), QStringLiteral("0 of 0"));
        // An action from the GUI reaches the daemon (the CLI sees it) and comes back into the list.
        controller.createUser(newUser, {}, {});
        QVERIFY2(QTest::qWaitFor([&] { return hasUser(session, newUser); }, 20000), qPrintable(session.statusText()));
        const auto listed = m_keel->cli({QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("-o"), QStringLiteral("json")});
        QVERIFY2(listed.out.contains(newUser.toUtf8()), listed.err.constData());

        // The daemon's own log, live, and its status (relay, DNS) come over the same connection.
        gui::LogModel* log = window.logsPage()->logModel();
        const auto logHas = [log](const QString& text) {
            for (int row = 0; row < log->rowCount(); ++row)
                if (log->index(row, gui::LogModel::Message).data().toString().contains(text))
                    return true;
            return false;
        };
        QVERIFY2(QTest::qWaitFor([&] { return logHas(QStringLiteral("listening on")); }, 20000), "the daemon's log never arrived");
        QVERIFY2(QTest::qWaitFor([&] { return logHas(QStringLiteral("user.create")); }, 20000), "no live log line for the new user");
        QVERIFY2(QTest::qWaitFor([&] { return window.dashboardPage()->relayText().contains(QStringLiteral("Embedded relay off")); }, 20000),
                 qPrintable(window.dashboardPage()->relayText()));
        QVERIFY(window.routesPage()->dnsDerp()->dnsSettings()->text().contains(QStringLiteral("MagicDNS")));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_keel = std::make_unique<test::KeelProcess>();
        m_keel->writeConfig();
        QString error;
        QVERIFY2(m_keel->start(true, &error), qPrintable(error));
        const auto made = m_keel->cli({QStringLiteral("users"), QStringLiteral("create"), QStringLiteral("carol")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
    }
    void cleanupTestCase() { m_keel.reset(); }

    void overUnixSocket()
    {
        gui::ApiEndpoint endpoint;
        endpoint.socketPath = m_keel->socketPath();
        driveThroughWindow(endpoint, QStringLiteral("dave"));
    }

    void overTcpWithApiKey()
    {
        const auto created = m_keel->cli({QStringLiteral("apikeys"), QStringLiteral("create")});
        QVERIFY2(created.exitCode == 0, created.err.constData());
        const QString key = QString::fromUtf8(created.out).trimmed().split(QLatin1Char('\n')).last().trimmed();
        QVERIFY2(!key.isEmpty(), created.out.constData());
        gui::ApiEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_keel->port()));
        endpoint.apiKey = key;
        driveThroughWindow(endpoint, QStringLiteral("erin"));
    }

    void windowSaysWhenServerIsAwayAndReconnects()
    {
        gui::ApiEndpoint endpoint;
        endpoint.socketPath = m_keel->socketPath();
        gui::ServerSession session(endpoint);
        gui::Controller controller(session);
        gui::MainWindow window(session, controller, endpoint.describe());
        window.show();
        session.start();
        QVERIFY2(waitStatus(session, gui::ServerSession::Status::Online), qPrintable(session.statusText()));
        QVERIFY(session.hasEventStream());
        QVERIFY(!window.banner()->isVisible());
        m_keel->stop();
        // The event stream breaks at once: the window says so without waiting for a timeout.
        QVERIFY2(waitStatus(session, gui::ServerSession::Status::Offline, 5000), qPrintable(session.statusText()));
        QVERIFY(window.banner()->isVisible());
        QString error;
        QVERIFY2(m_keel->start(true, &error), qPrintable(error));
        QVERIFY2(waitStatus(session, gui::ServerSession::Status::Online, 30000), qPrintable(session.statusText()));
        QVERIFY(!window.banner()->isVisible());
        QVERIFY(hasUser(session, QStringLiteral("carol")));
    }

    void wrongApiKeyIsReported()
    {
        gui::ApiEndpoint endpoint;
        endpoint.baseUrl = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_keel->port()));
        endpoint.apiKey = QStringLiteral("not-a-key");
        gui::ServerSession session(endpoint);
        session.start();
        QVERIFY2(waitStatus(session, gui::ServerSession::Status::Offline), qPrintable(session.statusText()));
        QVERIFY2(session.statusText().contains(QStringLiteral("Unauthorized")), qPrintable(session.statusText()));
        QCOMPARE(session.users().rowCount(), 0);
    }
};

QTEST_MAIN(TestGuiRemote)
#include "tst_gui_remote.moc"
