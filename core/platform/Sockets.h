#pragma once

#include <QtGlobal>

namespace keel::platform {

// Writes to a connected, non-blocking TCP socket now, bypassing Qt's write buffer. Returns the
// bytes written (possibly fewer than asked), or -1 when nothing could be written (would block,
// peer gone): the caller queues the rest through Qt. Never raises SIGPIPE.
qint64 sendNow(qintptr socketDescriptor, const char* data, qint64 size);

// Copies what a connected, non-blocking TCP socket has received, without consuming it (the TLS
// listener reads a ClientHello's ALPN before the TLS stack sees the bytes). Returns the bytes
// copied, 0 when the peer closed, -1 when nothing is there yet (would block), -2 on an error.
qint64 peekNow(qintptr socketDescriptor, char* buffer, qint64 size);

// Closes a socket descriptor Qt never took over (an accepted connection that is refused).
void closeSocket(qintptr socketDescriptor);

} // namespace keel::platform
