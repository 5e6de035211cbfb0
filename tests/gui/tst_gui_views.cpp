// Keel Manager's newer views against a real server in this process (ServerHost) with the embedded
// relay and STUN on: the policy history with its rollback, the peers a node can reach, the
// dashboard's relay figures, the DNS and DERP views, the live server log, and the window when the
// in-process server goes away and comes back.
#include "GuiTestBase.h"
#include "InteractiveNode.h"

#include "common/Log.h"
#include "model/AuditModel.h"
#include "model/LogModel.h"
#include "model/NodeModel.h"
#include "model/PendingModel.h"
#include "model/UserModel.h"
#include "view/DashboardPage.h"
#include "view/DnsDerpPanel.h"
#include "view/LogsPage.h"
#include "view/NodesPage.h"
#include "view/PolicyHistoryPanel.h"
#include "view/PolicyPage.h"
#include "view/RoutesPage.h"

#include <QLabel>
#include <QLoggingCategory>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTreeWidget>

using namespace keel;

Q_LOGGING_CATEGORY(lcViewsTest, "keel.viewstest")

class TestGuiViews : public test::GuiTestBase
{
    Q_OBJECT

    std::vector<std::unique_ptr<test::InteractiveNode>> m_nodes;
    quint16 m_stunPort = 0;
    QString m_policyA, m_policyB;

    bool userExists(const QString& name) { return m_session->users().names().contains(name); }

    // Registers a simulated device interactively and approves it for `user` from the controller.
    void join(const QString& hostname, const QString& user)
    {
        auto node = std::make_unique<test::InteractiveNode>(hostname);
        node->start(m_host->httpPort());
        QString authId;
        QVERIFY2(QTest::qWaitFor([&] {
            for (const QJsonObject& r : m_session->pending().rows())
                if (gui::json::text(r, "hostname") == hostname)
                    authId = gui::json::text(r, "authId");
            return !authId.isEmpty() || !node->error().isEmpty();
        }, 15000), "the registration never appeared");
        QVERIFY2(node->error().isEmpty(), qPrintable(node->error()));
        m_controller->approveRegistration(authId, user, {});
        QVERIFY2(QTest::qWaitFor([&] { return node->streaming(); }, 15000), qPrintable(node->error()));
        m_nodes.push_back(std::move(node));
    }

    QString nodeId(const QString& name)
    {
        for (const QJsonObject& n : m_session->nodes().rows())
            if (gui::NodeModel::displayName(n) == name)
                return gui::json::text(n, "id");
        return {};
    }

    bool savePolicy(const QString& text)
    {
        bool done = false;
        QString error;
        m_controller->setPolicy(text, [&](const QJsonObject&) { done = true; }, [&](const QString& e) { error = e; });
        if (!QTest::qWaitFor([&] { return done || !error.isEmpty(); }, 15000) || !error.isEmpty()) {
            qWarning() << "policy not saved:" << error;
            return false;
        }
        return QTest::qWaitFor([&] { return m_session->policyText() == text; }, 15000);
    }

private Q_SLOTS:
    void initTestCase()
    {
        log::install(log::Format::Text);   // the log ring the server's log endpoint reads
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        m_stunPort = probe.serverPort();   // a UDP port; free on TCP is a good guess on loopback
        probe.close();
        m_derpYaml = "derp:\n  urls: []\n  server:\n    enabled: true\n    region_id: 901\n    region_code: home\n"
                     "    private_key_path: %DIR%/derp_private.key\n    stun_listen_addr: 127.0.0.1:" + QByteArray::number(m_stunPort) + "\n";
        m_dnsYaml = "dns:\n  magic_dns: true\n  base_domain: tailnet.test\n  override_local_dns: false\n"
                    "  extra_records:\n    - name: grafana.tailnet.test\n      type: A\n      value: 100.64.0.9\n";
        startAll();
        m_controller->createUser(QStringLiteral("alice"), {}, {});
        m_controller->createUser(QStringLiteral("bob"), {}, {});
        QVERIFY(QTest::qWaitFor([&] { return userExists(QStringLiteral("alice")) && userExists(QStringLiteral("bob")); }, 15000));
        join(QStringLiteral("laptop"), QStringLiteral("alice"));
        join(QStringLiteral("server"), QStringLiteral("bob"));
    }
    void cleanupTestCase()
    {
        m_nodes.clear();
        stopAll();
    }

    void dashboardShowsRelayAndStun()
    {
        gui::DashboardPage* page = m_window->dashboardPage();
        QVERIFY2(QTest::qWaitFor([&] { return page->relayText().contains(QStringLiteral("region home")); }, 15000),
                 qPrintable(page->relayText()));
        QVERIFY2(page->relayText().contains(QStringLiteral("STUN on port %1").arg(m_stunPort)), qPrintable(page->relayText()));
        QVERIFY2(page->relayText().contains(QStringLiteral("clients connected: 0")), qPrintable(page->relayText()));
        // The simulated clients report a current version: none is listed as outdated.
        QVERIFY2(page->outdatedText().startsWith(QLatin1Char('0')), qPrintable(page->outdatedText()));
    }

    void dnsAndDerpViewsShowTheServersSettings()
    {
        gui::DnsDerpPanel* panel = m_window->routesPage()->dnsDerp();
        QVERIFY(QTest::qWaitFor([&] { return panel->extraRecords()->topLevelItemCount() == 1; }, 15000));
        QCOMPARE(panel->extraRecords()->topLevelItem(0)->text(0), QStringLiteral("grafana.tailnet.test"));
        QCOMPARE(panel->extraRecords()->topLevelItem(0)->text(2), QStringLiteral("100.64.0.9"));
        QVERIFY2(panel->dnsSettings()->text().contains(QStringLiteral("tailnet.test")), qPrintable(panel->dnsSettings()->text()));
        // The DERP map holds the embedded region (901, "home") with its relay node.
        QTreeWidgetItem* region = nullptr;
        for (int i = 0; i < panel->derpMap()->topLevelItemCount(); ++i)
            if (panel->derpMap()->topLevelItem(i)->text(1) == QLatin1String("home"))
                region = panel->derpMap()->topLevelItem(i);
        QVERIFY(region);
        QVERIFY(region->text(0).startsWith(QStringLiteral("901")));
        QCOMPARE(region->childCount(), 1);
        QCOMPARE(region->child(0)->text(3), QString::number(m_stunPort));
    }

    void nodeDetailShowsReachablePeers()
    {
        // alice's laptop may reach bob's server on 22 only; the server may reach nothing.
        m_policyA = QStringLiteral("{\"acls\": [{\"action\": \"accept\", \"src\": [\"*\"], \"dst\": [\"*:*\"]}]}\n");
        m_policyB = QStringLiteral("{\n  \"acls\": [\n    {\"action\": \"accept\", \"src\": [\"alice@\"], \"dst\": [\"bob@:22\"]},\n  ],\n}\n");
        QVERIFY(savePolicy(m_policyA));
        QVERIFY(savePolicy(m_policyB));
        m_window->showPage(gui::MainWindow::Nodes);
        gui::NodesPage* page = m_window->nodesPage();
        const QString laptop = nodeId(QStringLiteral("laptop")), server = nodeId(QStringLiteral("server"));
        QVERIFY(!laptop.isEmpty() && !server.isEmpty());
        page->selectNode(laptop);
        QVERIFY2(QTest::qWaitFor([&] { return page->reachableFor() == laptop && page->detailText().contains(QStringLiteral("ports 22")); }, 15000),
                 qPrintable(page->detailText()));
        QVERIFY(page->detailText().contains(QStringLiteral("server")));
        page->selectNode(server);
        QVERIFY2(QTest::qWaitFor([&] { return page->reachableFor() == server && page->detailText().contains(QStringLiteral("No other node")); }, 15000),
                 qPrintable(page->detailText()));
    }

    void policyHistoryDiffsAndRollsBack()
    {
        m_window->showPage(gui::MainWindow::Policy);
        gui::PolicyHistoryPanel* history = m_window->policyPage()->history();
        // Newest first: B (in force), then A.
        QVERIFY2(QTest::qWaitFor([&] { return history->list()->topLevelItemCount() >= 2; }, 15000), "no history");
        QTreeWidgetItem* newest = history->list()->topLevelItem(0);
        QVERIFY2(newest->text(2).startsWith(QStringLiteral("unix:")), qPrintable(newest->text(2)));   // who stored it
        history->list()->setCurrentItem(newest);
        QVERIFY(!history->rollbackButton()->isEnabled());   // it is the policy in force
        QTreeWidgetItem* older = history->list()->topLevelItem(1);
        const QString olderId = older->text(0);
        history->list()->setCurrentItem(older);
        QVERIFY(history->rollbackButton()->isEnabled());
        // The diff goes from the policy in force (B) to the selected one (A).
        QVERIFY2(history->diffView()->toPlainText().contains(QStringLiteral("-    {\"action\": \"accept\", \"src\": [\"alice@\"]")),
                 qPrintable(history->diffView()->toPlainText()));
        QVERIFY(history->diffView()->toPlainText().contains(QStringLiteral("+{\"acls\"")));

        const int before = history->entryCount();
        history->rollBackSelected(false);
        QVERIFY2(QTest::qWaitFor([&] { return m_session->policyText() == m_policyA; }, 15000), qPrintable(m_session->policyText()));
        QVERIFY(QTest::qWaitFor([&] { return history->entryCount() == before + 1; }, 15000));
        QCOMPARE(history->list()->topLevelItem(0)->text(3), QStringLiteral("in force (rollback to %1)").arg(olderId));
        // Audited like every change, and the laptop's reach follows the policy (all ports now).
        QVERIFY(QTest::qWaitFor([&] {
            for (const QJsonObject& e : m_session->audit().rows())
                if (gui::json::text(e, "action") == QLatin1String("policy.rollback"))
                    return true;
            return false;
        }, 15000));
    }

    void serverLogIsLive()
    {
        m_window->showPage(gui::MainWindow::Logs);
        gui::LogModel* log = m_window->logsPage()->logModel();
        QVERIFY(log);
        QVERIFY2(QTest::qWaitFor([&] { return log->isConnected() && log->rowCount() > 0; }, 15000), "no log lines");
        const auto has = [log](const QString& text) {
            for (int row = log->rowCount() - 1; row >= 0; --row)
                if (log->index(row, gui::LogModel::Message).data().toString().contains(text))
                    return true;
            return false;
        };
        // Lines from before the view connected are there (the server said where it listens) ...
        QVERIFY(has(QStringLiteral("listening on")));
        // ... and a new line arrives by itself, with its level and module.
        qCWarning(lcViewsTest) << "a line for the live log view";
        QVERIFY(QTest::qWaitFor([&] { return has(QStringLiteral("a line for the live log view")); }, 15000));
        const int last = log->rowCount() - 1;
        QVERIFY(has(QStringLiteral("a line for the live log view")));
        bool found = false;
        for (int row = last; row >= 0 && !found; --row)
            if (log->index(row, gui::LogModel::Message).data().toString().contains(QStringLiteral("a line for the live log view"))) {
                QCOMPARE(log->index(row, gui::LogModel::Level).data().toString(), QStringLiteral("warning"));
                QCOMPARE(log->index(row, gui::LogModel::Module).data().toString(), QStringLiteral("keel.viewstest"));
                found = true;
            }
        QVERIFY(found);
    }

    // Last: the in-process server stops and starts again; the window says so and reconnects.
    void windowSaysWhenInProcessServerIsAwayAndReconnects()
    {
        QVERIFY(!m_window->banner()->isVisible());
        m_nodes.clear();
        m_host->stop();
        QVERIFY2(QTest::qWaitFor([&] { return m_session->status() == gui::ServerSession::Status::Offline; }, 5000),
                 qPrintable(m_session->statusText()));
        QVERIFY(m_window->banner()->isVisible());
        restartHost();
        QVERIFY2(waitOnline(30000), qPrintable(m_session->statusText()));
        QVERIFY(!m_window->banner()->isVisible());
        QVERIFY(userExists(QStringLiteral("alice")));
        // The log view reconnected too, to the new server (a new epoch).
        QVERIFY(QTest::qWaitFor([&] { return m_window->logsPage()->logModel()->isConnected(); }, 15000));
    }
};

QTEST_MAIN(TestGuiViews)
#include "tst_gui_views.moc"
