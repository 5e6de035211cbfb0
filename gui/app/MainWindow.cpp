#include "MainWindow.h"

#include "KeelVersion.h"
#include "app/Controller.h"
#include "model/NodeModel.h"
#include "model/PendingModel.h"
#include "model/ServerSession.h"
#include "view/DashboardPage.h"
#include "view/LogsPage.h"
#include "view/NodesPage.h"
#include "view/PendingPage.h"
#include "view/PolicyPage.h"
#include "view/RoutesPage.h"
#include "view/TableSetup.h"
#include "view/UsersPage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace keel::gui {

MainWindow::MainWindow(ServerSession& session, Controller& controller, const QString& modeText, QWidget* parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_modeText(modeText)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Keel Manager"));
    setWindowIcon(QIcon(QStringLiteral(":/keel-manager.svg")));

    m_dashboard = new DashboardPage(session, this);
    m_nodes = new NodesPage(session, controller, this);
    m_pending = new PendingPage(session, controller, this);
    m_users = new UsersPage(session, controller, this);
    m_policy = new PolicyPage(session, controller, this);
    m_routes = new RoutesPage(session, controller, this);
    m_logs = new LogsPage(session, this);

    m_nav = new QListWidget(this);
    m_nav->setAccessibleName(tr("Views"));
    m_nav->setObjectName(QStringLiteral("navigation"));
    m_stack = new QStackedWidget(this);
    const QList<QPair<QString, QWidget*>> pages{{tr("Dashboard"), m_dashboard}, {tr("Nodes"), m_nodes},
                                                {tr("Pending approvals"), m_pending}, {tr("Users and keys"), m_users},
                                                {tr("Policy"), m_policy}, {tr("Routes, DNS and DERP"), m_routes},
                                                {tr("Logs and audit"), m_logs}};
    for (const auto& [title, page] : pages) {
        m_nav->addItem(title);
        m_stack->addWidget(page);
    }
    m_nav->setFixedWidth(m_nav->sizeHintForColumn(0) + 40);
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    m_banner = new QLabel(this);
    m_banner->setObjectName(QStringLiteral("connectionBanner"));
    m_banner->setWordWrap(true);
    m_banner->setMargin(8);
    m_banner->setAutoFillBackground(true);
    QPalette bp = m_banner->palette();
    bp.setColor(QPalette::Window, QColor(0xfc, 0xe8, 0xb2));
    bp.setColor(QPalette::WindowText, QColor(0x40, 0x30, 0x00));
    m_banner->setPalette(bp);
    m_banner->hide();

    auto* central = new QWidget(this);
    auto* outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_banner);
    auto* row = new QHBoxLayout;
    row->addWidget(m_nav);
    row->addWidget(m_stack, 1);
    outer->addLayout(row, 1);
    setCentralWidget(central);

    m_connection = new QLabel(this);
    statusBar()->addPermanentWidget(m_connection);
    buildMenus();

    connect(&session, &ServerSession::statusChanged, this, &MainWindow::updateConnection);
    connect(&controller, &Controller::succeeded, this, [this](const QString& message) { statusBar()->showMessage(message, 6000); });
    connect(&controller, &Controller::failed, this, [this](const QString& message) {
        statusBar()->showMessage(tr("Failed: %1").arg(message), 15000);
        // Not modal: the window stays live (events keep arriving) while the message is read.
        auto* box = new QMessageBox(QMessageBox::Warning, tr("Keel Manager"), message, QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    connect(&session.pending(), &PendingModel::changed, this, &MainWindow::updatePendingBadge);
    connect(&session.nodes(), &NodeModel::changed, this, &MainWindow::updatePendingBadge);

    QSettings settings;
    resize(1100, 720);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    restoreTableStates(this);
    m_nav->setCurrentRow(settings.value(QStringLiteral("window/page"), 0).toInt());
    updateConnection();
}

MainWindow::~MainWindow()
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/page"), m_nav->currentRow());
    saveTableStates(this);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&Server"));
    QAction* switchServer = file->addAction(tr("&Connect to another server…"), this, &MainWindow::switchServerRequested);
    switchServer->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction* refresh = file->addAction(tr("&Reload lists"), &m_session, &ServerSession::refresh);
    refresh->setShortcut(QKeySequence::Refresh);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &MainWindow::quitRequested);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < PageCount; ++i) {
        QAction* a = view->addAction(m_nav->item(i)->text(), this, [this, i] { showPage(Page(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* about = help->addAction(tr("&About Keel Manager"), this, &MainWindow::showAbout);
    about->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::showPage(Page page)
{
    m_nav->setCurrentRow(int(page));
}

MainWindow::Page MainWindow::currentPage() const
{
    return Page(m_stack->currentIndex());
}

void MainWindow::updateConnection()
{
    const auto status = m_session.status();
    const QString dot = status == ServerSession::Status::Online ? QStringLiteral("●") : QStringLiteral("○");
    m_connection->setText(QStringLiteral("%1 %2 · %3").arg(dot, m_modeText, m_session.statusText()));
    m_connection->setAccessibleName(tr("Connection: %1").arg(m_session.statusText()));
    const bool away = status == ServerSession::Status::Offline;
    m_banner->setVisible(away);
    if (away)
        m_banner->setText(tr("The server is not reachable. What you see may be out of date; Keel Manager reconnects by itself.\n%1")
                              .arg(m_session.statusText()));
    centralWidget()->findChild<QStackedWidget*>()->setEnabled(status == ServerSession::Status::Online);
}

void MainWindow::updatePendingBadge()
{
    int waiting = m_session.pending().rowCount();
    for (const QJsonObject& n : m_session.nodes().rows())
        waiting += NodeModel::isAuthorized(n) ? 0 : 1;
    m_nav->item(Pending)->setText(waiting > 0 ? tr("Pending approvals (%1)").arg(waiting) : tr("Pending approvals"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Keel Manager"),
                       tr("<h3>Keel Manager %1</h3><p>Manages a Keel server: the self-hosted coordination server for "
                          "Tailscale clients.</p><p>Built with Qt %2, running on Qt %3.</p><p>%4</p>")
                           .arg(QStringLiteral(KEEL_VERSION), QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion()),
                                m_modeText.toHtmlEscaped()));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (m_closeHides) {
        hide();
        event->ignore();
        return;
    }
    event->accept();
    Q_EMIT quitRequested();
}

} // namespace keel::gui
