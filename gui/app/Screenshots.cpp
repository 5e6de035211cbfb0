// ManagerApp::takeScreenshots: a picture of every view (scripts/screenshots.sh runs it under Xvfb).
#include "MainWindow.h"
#include "ManagerApp.h"

#include "view/DnsDerpPanel.h"
#include "view/NodesPage.h"
#include "view/PolicyHistoryPanel.h"
#include "view/PolicyPage.h"
#include "view/RoutesPage.h"

#include <QApplication>
#include <QTableView>
#include <QTreeWidget>
#include <QDir>
#include <QScreen>
#include <QTimer>
#include <QThread>
#include <QWindow>

namespace keel::gui {

void ManagerApp::takeScreenshots()
{
    if (!m_window)
        return;
    const QDir dir(m_options.screenshotDir);
    QDir().mkpath(dir.path());
    static const char* names[] = {"dashboard", "nodes", "pending", "users", "policy", "routes", "logs"};
    m_window->resize(1200, 760);
    const auto settle = [] {
        // Let the view lay itself out, ask the server what it needs, and paint before the picture.
        for (int i = 0; i < 20; ++i) {
            QApplication::processEvents();
            QThread::msleep(50);
        }
    };
    const auto take = [&](const QString& name) {
        settle();
        // The X server's picture of the window (what a user sees), else the widget's own rendering.
        QPixmap shot;
        if (QScreen* screen = m_window->screen(); screen && m_window->windowHandle())
            shot = screen->grabWindow(m_window->winId());
        if (shot.isNull() || shot.width() < 100)
            shot = m_window->grab();
        shot.save(dir.filePath(name + QStringLiteral(".png")));
    };
    for (int page = 0; page < MainWindow::PageCount; ++page) {
        m_window->showPage(MainWindow::Page(page));
        // A selection where the view has a detail: a node (what it can reach), an older policy
        // (its differences from the one in force).
        if (page == MainWindow::Nodes && m_window->nodesPage()->table()->model()->rowCount() > 0)
            m_window->nodesPage()->table()->selectRow(0);
        if (page == MainWindow::Policy) {
            QTreeWidget* history = m_window->policyPage()->history()->list();
            if (history->topLevelItemCount() > 1)
                history->setCurrentItem(history->topLevelItem(1));
        }
        take(QLatin1String(names[page]));
        if (page == MainWindow::Routes) {
            m_window->routesPage()->dnsDerp()->setCurrentIndex(1);   // the DERP map
            take(QStringLiteral("derp"));
            m_window->routesPage()->dnsDerp()->setCurrentIndex(0);
        }
    }
    quit();
}

} // namespace keel::gui
