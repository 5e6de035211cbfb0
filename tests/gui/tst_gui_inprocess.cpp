// Keel Manager against a real server in this process (ServerHost), driven through its widgets.
#include "GuiTestBase.h"
#include "InteractiveNode.h"

#include "model/NodeModel.h"
#include "model/PendingModel.h"
#include "model/PreAuthKeyModel.h"
#include "model/UserModel.h"
#include "view/NodesPage.h"
#include "view/PendingPage.h"
#include "view/PolicyPage.h"
#include "view/SecretDialog.h"
#include "view/UsersPage.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>

using namespace keel;

class TestGuiInProcess : public test::GuiTestBase
{
    Q_OBJECT

    QString createUser(const QString& name)
    {
        m_controller->createUser(name, {}, {});
        QString id;
        (void)QTest::qWaitFor([&] {
            for (const QJsonObject& u : m_session->users().rows())
                if (gui::json::text(u, "name") == name)
                    id = gui::json::text(u, "id");
            return !id.isEmpty();
        }, 15000);
        return id;
    }

    void setPolicyText(const QString& text)
    {
        m_window->policyPage()->editor()->setPlainText(text);
        QVERIFY(QTest::qWaitFor([this] { return !m_window->policyPage()->isChecking(); }, 15000));
    }

private Q_SLOTS:
    void initTestCase() { startAll(); }
    void cleanupTestCase() { stopAll(); }

    void interactiveRegistrationIsApprovedFromPendingView()
    {
        QVERIFY(!createUser(QStringLiteral("alice")).isEmpty());
        m_window->showPage(gui::MainWindow::Pending);
        test::InteractiveNode node(QStringLiteral("laptop"));
        node.start(m_host->httpPort());
        QVERIFY2(QTest::qWaitFor([&] { return !node.authUrl().isEmpty() || !node.error().isEmpty(); }, 15000), "no AuthURL");
        QVERIFY2(node.error().isEmpty(), qPrintable(node.error()));

        // It shows up under Pending approvals (event stream, or the re-read without one).
        gui::PendingPage* page = m_window->pendingPage();
        QVERIFY2(QTest::qWaitFor([&] { return page->table()->model()->rowCount() == 1; }, 15000), "the registration never appeared");
        QCOMPARE(page->table()->model()->index(0, 0).data().toString(), QStringLiteral("laptop"));
        QVERIFY(!page->approveButton()->isEnabled());   // nothing selected yet
        page->table()->selectRow(0);
        page->userBox()->setCurrentText(QStringLiteral("alice"));
        QVERIFY(page->approveButton()->isEnabled());
        QTest::mouseClick(page->approveButton(), Qt::LeftButton);

        // The device is told, joins, opens its map stream and appears online in the Nodes table.
        QVERIFY2(QTest::qWaitFor([&] { return node.authorized(); }, 15000), qPrintable(node.error()));
        QVERIFY(QTest::qWaitFor([&] { return page->table()->model()->rowCount() == 0; }, 15000));
        m_window->showPage(gui::MainWindow::Nodes);
        QTableView* nodes = m_window->nodesPage()->table();
        QVERIFY2(QTest::qWaitFor([&] {
            const QModelIndexList hits = nodes->model()->match(nodes->model()->index(0, gui::NodeModel::Name), Qt::DisplayRole, QStringLiteral("laptop"));
            return !hits.isEmpty() && nodes->model()->index(hits.first().row(), gui::NodeModel::Status).data().toString() == QStringLiteral("Online");
        }, 20000), "the node never showed up online");
        const QModelIndexList hits = nodes->model()->match(nodes->model()->index(0, gui::NodeModel::Name), Qt::DisplayRole, QStringLiteral("laptop"));
        QCOMPARE(nodes->model()->index(hits.first().row(), gui::NodeModel::Owner).data().toString(), QStringLiteral("alice"));
    }

    void policyErrorIsMarkedAndCannotBeSaved()
    {
        m_window->showPage(gui::MainWindow::Policy);
        gui::PolicyPage* page = m_window->policyPage();
        const QString before = m_session->policyText();
        // Line 4 lacks the comma after its value.
        setPolicyText(QStringLiteral("{\n  // who may reach what\n  \"hosts\": {\n    \"db\": \"100.64.0.9\"\n    \"web\": \"100.64.0.10\"\n  },\n}\n"));
        QCOMPARE(page->markedProblem().line, 5);
        QVERIFY(!page->saveButton()->isEnabled());
        QVERIFY2(page->statusLabel()->text().startsWith(QStringLiteral("Line 5")), qPrintable(page->statusLabel()->text()));
        QVERIFY(!page->editor()->extraSelections().isEmpty());
        page->save();   // refused
        QTest::qWait(300);
        QCOMPARE(m_session->policyText(), before);

        // A meaning error: an undefined group, marked where it is used (line 4).
        setPolicyText(QStringLiteral("{\n  \"acls\": [\n    {\"action\": \"accept\",\n     \"src\": [\"group:nobody\"], \"dst\": [\"*:*\"]},\n  ],\n}\n"));
        QCOMPARE(page->markedProblem().line, 4);
        QVERIFY(!page->saveButton()->isEnabled());
    }

    void failingPolicyTestBlocksSaving()
    {
        gui::PolicyPage* page = m_window->policyPage();
        const QString before = m_session->policyText();
        const QString policy = QStringLiteral(
            "{\n  \"hosts\": {\"a\": \"100.64.0.1\", \"b\": \"100.64.0.2\"},\n"
            "  \"acls\": [{\"action\": \"accept\", \"src\": [\"a\"], \"dst\": [\"b:22\"]}],\n"
            "  \"tests\": [{\"src\": \"a\", \"accept\": [\"b:%1\"]}],\n}\n");
        setPolicyText(policy.arg(80));   // the test wants port 80, the rule allows 22 only
        QVERIFY2(page->statusLabel()->text().contains(QStringLiteral("test")), qPrintable(page->statusLabel()->text()));
        QVERIFY(!page->saveButton()->isEnabled());
        page->save();
        QTest::qWait(300);
        QCOMPARE(m_session->policyText(), before);

        // With the test passing, it saves and becomes the policy in force.
        setPolicyText(policy.arg(22));
        QVERIFY2(page->saveButton()->isEnabled(), qPrintable(page->statusLabel()->text()));
        QTest::mouseClick(page->saveButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return m_session->policyText() == policy.arg(22); }, 15000));
    }

    void newPreAuthKeyIsShownOnce()
    {
        m_window->showPage(gui::MainWindow::Users);
        gui::UsersPage* page = m_window->usersPage();
        page->setLoginServer(m_config.serverUrl);
        QSignalSpy shown(page, &gui::UsersPage::secretShown);
        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("newPreAuthKeyButton")), Qt::LeftButton);
        auto* dialog = page->findChild<QDialog*>(QStringLiteral("newPreAuthKeyDialog"));
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QComboBox*>(QStringLiteral("keyUser"))->currentText(), QStringLiteral("alice"));
        QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 15000));
        auto* secret = shown.first().first().value<gui::SecretDialog*>();
        QVERIFY(secret);
        const QString key = secret->secret();
        QVERIFY2(key.startsWith(QStringLiteral("hskey-auth-")), qPrintable(key));
        QCOMPARE(secret->command(), QStringLiteral("tailscale up --login-server=%1 --authkey=%2").arg(m_config.serverUrl, key));
        QVERIFY(secret->hasQrCode());
        // The list never holds the secret: only its displayable prefix.
        QVERIFY(QTest::qWaitFor([&] { return m_session->preAuthKeys().rowCount() >= 1; }, 15000));
        for (const QJsonObject& k : m_session->preAuthKeys().rows())
            QVERIFY(gui::json::text(k, "key") != key);
        secret->close();
    }
};

QTEST_MAIN(TestGuiInProcess)
#include "tst_gui_inprocess.moc"
