#include "http/DirectWrite.h"

#include "platform/Sockets.h"

#include <QAbstractSocket>
#include <QSslSocket>

namespace keel::http {

void writeDirect(QIODevice* device, const QByteArray& bytes)
{
    if (!device || bytes.isEmpty())
        return;
    auto* tcp = qobject_cast<QAbstractSocket*>(device);
    // The descriptor is asked for each time: once Qt closes it, the number may belong to another
    // connection. A TLS socket's descriptor carries ciphertext: never written directly.
    const bool plain = tcp && tcp->socketType() == QAbstractSocket::TcpSocket && !tcp->inherits("QSslSocket")
        && tcp->state() == QAbstractSocket::ConnectedState && tcp->bytesToWrite() == 0;
    const qintptr fd = plain ? tcp->socketDescriptor() : -1;
    if (fd >= 0) {
        const qint64 n = platform::sendNow(fd, bytes.constData(), bytes.size());
        if (n == bytes.size())
            return;
        if (n > 0) {
            device->write(bytes.constData() + n, bytes.size() - n);
            return;
        }
    }
    device->write(bytes);
}

qint64 unsentBytes(const QIODevice* socket)
{
    if (!socket)
        return 0;
    qint64 pending = socket->bytesToWrite();
    if (const auto* ssl = qobject_cast<const QSslSocket*>(socket))
        pending += ssl->encryptedBytesToWrite();
    return pending;
}

} // namespace keel::http
