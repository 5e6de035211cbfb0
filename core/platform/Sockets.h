#pragma once

#include <QtGlobal>

namespace keel::platform {

// Writes to a connected, non-blocking TCP socket now, bypassing Qt's write buffer. Returns the
// bytes written (possibly fewer than asked), or -1 when nothing could be written (would block,
// peer gone): the caller queues the rest through Qt. Never raises SIGPIPE.
qint64 sendNow(qintptr socketDescriptor, const char* data, qint64 size);

} // namespace keel::platform
