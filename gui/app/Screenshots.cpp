// ManagerApp::takeScreenshots: a picture of every view (scripts/screenshots.sh runs it under Xvfb).
#include "MainWindow.h"
#include "ManagerApp.h"

#include <QApplication>
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
    for (int page = 0; page < MainWindow::PageCount; ++page) {
        m_window->showPage(MainWindow::Page(page));
        // Let the view lay itself out and paint before the picture.
        for (int i = 0; i < 10; ++i) {
            QApplication::processEvents();
            QThread::msleep(50);
        }
        // The X server's picture of the window (what a user sees), else the widget's own rendering.
        QPixmap shot;
        if (QScreen* screen = m_window->screen(); screen && m_window->windowHandle())
            shot = screen->grabWindow(m_window->winId());
        if (shot.isNull() || shot.width() < 100)
            shot = m_window->grab();
        shot.save(dir.filePath(QStringLiteral("%1.png").arg(QLatin1String(names[page]))));
    }
    quit();
}

} // namespace keel::gui
