#include "server/DeferredResponse.h"

#include <QAbstractSocket>
#include <QLocalSocket>
#include <QPointer>

namespace keel::server {

http::HttpResponse deferredResponse(std::function<void(Respond)> start)
{
    http::HttpResponse r;
    r.status = 200;
    r.rawUpgrade = true;
    r.upgrade = [start = std::move(start)](QIODevice* socket, const QByteArray&) {
        QPointer<QIODevice> guard(socket);
        if (auto* tcp = qobject_cast<QAbstractSocket*>(socket))
            QObject::connect(tcp, &QAbstractSocket::disconnected, tcp, &QObject::deleteLater);
        else if (auto* local = qobject_cast<QLocalSocket*>(socket))
            QObject::connect(local, &QLocalSocket::disconnected, local, &QObject::deleteLater);
        auto answered = std::make_shared<bool>(false);
        start([guard, answered](const http::HttpResponse& response) {
            if (*answered || !guard)
                return;
            *answered = true;
            guard->write(response.serialize(false));
            if (auto* tcp = qobject_cast<QAbstractSocket*>(guard.data())) {
                if (tcp->state() == QAbstractSocket::UnconnectedState)
                    tcp->deleteLater();
                else
                    tcp->disconnectFromHost(); // flushes first; `disconnected` deletes it
            }
            else if (auto* local = qobject_cast<QLocalSocket*>(guard.data()))
                local->disconnectFromServer();
            else
                guard->deleteLater();
        });
    };
    return r;
}

} // namespace keel::server
