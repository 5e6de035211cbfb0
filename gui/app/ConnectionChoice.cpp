#include "ConnectionChoice.h"

#include <QCoreApplication>
#include <QSettings>

namespace keel::gui {

ConnectionChoice ConnectionChoice::load()
{
    QSettings s;
    ConnectionChoice c;
    const QString mode = s.value(QStringLiteral("connection/mode")).toString();
    c.mode = mode == QLatin1String("this-computer") ? Mode::ThisComputer
           : mode == QLatin1String("local-daemon")  ? Mode::LocalDaemon
           : mode == QLatin1String("remote")        ? Mode::Remote
                                                    : Mode::None;
    c.configPath = s.value(QStringLiteral("connection/config")).toString();
    c.socketPath = s.value(QStringLiteral("connection/socket")).toString();
    c.url = s.value(QStringLiteral("connection/url")).toUrl();
    c.insecure = s.value(QStringLiteral("connection/insecure")).toBool();
    return c;
}

void ConnectionChoice::save() const
{
    QSettings s;
    const char* mode = this->mode == Mode::ThisComputer ? "this-computer"
                     : this->mode == Mode::LocalDaemon  ? "local-daemon"
                     : this->mode == Mode::Remote       ? "remote"
                                                        : "";
    s.setValue(QStringLiteral("connection/mode"), QLatin1String(mode));
    s.setValue(QStringLiteral("connection/config"), configPath);
    s.setValue(QStringLiteral("connection/socket"), socketPath);
    s.setValue(QStringLiteral("connection/url"), url);
    s.setValue(QStringLiteral("connection/insecure"), insecure);
}

QString ConnectionChoice::describe() const
{
    switch (mode) {
    case Mode::ThisComputer: return QCoreApplication::translate("keel::gui::ConnectionChoice", "Server on this computer");
    case Mode::LocalDaemon: return QCoreApplication::translate("keel::gui::ConnectionChoice", "Keel daemon at %1").arg(socketPath);
    case Mode::Remote: return url.toString(QUrl::RemoveUserInfo);
    case Mode::None: break;
    }
    return {};
}

} // namespace keel::gui
