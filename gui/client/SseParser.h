#pragma once

#include "ServerEvent.h"

#include <QByteArray>
#include <QList>

namespace keel::gui {

// Splits a text/event-stream body into events (the WHATWG server-sent events format: `id:`,
// `event:`, `data:` lines, a blank line ends an event, `:` starts a comment such as keep-alives).
class SseParser
{
public:
    // Returns the events completed by `bytes`; an event whose data is not a JSON object is dropped.
    QList<ServerEvent> feed(const QByteArray& bytes);
    // Bytes seen since the last event or comment (a keep-alive counts): the stream is alive.
    bool sawComment() { return std::exchange(m_sawComment, false); }

private:
    QByteArray m_buffer;
    QByteArray m_id, m_event, m_data;
    bool m_sawComment = false;
};

} // namespace keel::gui
