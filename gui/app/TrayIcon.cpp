#include "TrayIcon.h"

#include <QApplication>
#include <QMenu>
#include <QSystemTrayIcon>
#include <QWidget>

namespace keel::gui {

TrayIcon::TrayIcon(QObject* parent)
    : QObject(parent)
{
    if (!isAvailable())
        return;
    m_tray = new QSystemTrayIcon(QIcon(QStringLiteral(":/keel-manager.svg")), this);
    m_menu = new QMenu;
    m_menu->addAction(tr("Show Keel Manager"), this, &TrayIcon::showWindowRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("Stop the server and quit"), this, &TrayIcon::quitRequested);
    m_tray->setContextMenu(m_menu);
    connect(m_tray, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            Q_EMIT showWindowRequested();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, &TrayIcon::showWindowRequested);
}

TrayIcon::~TrayIcon()
{
    delete m_menu;
}

bool TrayIcon::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void TrayIcon::show()
{
    if (m_tray)
        m_tray->show();
}

void TrayIcon::setStatus(const QString& text)
{
    if (m_tray)
        m_tray->setToolTip(tr("Keel server: %1").arg(text));
}

void TrayIcon::notify(const QString& title, const QString& message)
{
    if (m_tray && m_tray->isVisible() && QSystemTrayIcon::supportsMessages()) {
        m_tray->showMessage(title, message, QSystemTrayIcon::Information, 10000);
        return;
    }
    for (QWidget* w : QApplication::topLevelWidgets())
        if (w->isVisible() && w->objectName() == QLatin1String("mainWindow"))
            QApplication::alert(w);
}

} // namespace keel::gui
