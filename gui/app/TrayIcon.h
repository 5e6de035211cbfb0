#pragma once

#include <QObject>

class QMenu;
class QSystemTrayIcon;

namespace keel::gui {

// The tray icon of "this computer" mode: shows that the server runs (and whether the window is
// connected to it), brings the window back, quits; and the desktop notifications (a device asks to
// join). Where the platform has no tray, notifications fall back to flashing the window.
class TrayIcon : public QObject
{
    Q_OBJECT

public:
    explicit TrayIcon(QObject* parent = nullptr);
    ~TrayIcon() override;

    static bool isAvailable();
    void show();
    void setStatus(const QString& text);
    void notify(const QString& title, const QString& message);

Q_SIGNALS:
    void showWindowRequested();
    void quitRequested();

private:
    QSystemTrayIcon* m_tray = nullptr;
    QMenu* m_menu = nullptr;
};

} // namespace keel::gui
