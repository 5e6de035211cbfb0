#pragma once

#include <QByteArray>
#include <QIODevice>

namespace keel::http {

// Writes `bytes` to a plain (not TLS) connected QTcpSocket straight into the kernel when Qt holds
// nothing unsent for it, and hands Qt only what the kernel did not take (or everything, on any
// other device or on an error, which Qt then reports as usual). Why: QAbstractSocket copies a
// small write into a 32 KiB chunk of its write buffer and keeps that chunk for the socket's whole
// life, which was the largest single cost of an idle map stream (control.md 9; issue 4's memory
// per node). Byte order is kept: nothing bypasses data Qt still has queued.
void writeDirect(QIODevice* device, const QByteArray& bytes);

// Bytes written to `socket` that have not reached the kernel yet: Qt's write buffer plus, for a
// QSslSocket, what still waits to be encrypted. 0 for a null device. For backpressure and write
// deadlines (the DERP server's connections and the DERP client).
qint64 unsentBytes(const QIODevice* socket);

} // namespace keel::http
