#include "SseParser.h"

#include <QJsonDocument>

namespace keel::gui {

QList<ServerEvent> SseParser::feed(const QByteArray& bytes)
{
    QList<ServerEvent> out;
    m_buffer += bytes;
    int lineEnd;
    while ((lineEnd = m_buffer.indexOf('\n')) >= 0) {
        QByteArray line = m_buffer.left(lineEnd);
        m_buffer.remove(0, lineEnd + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            if (!m_data.isEmpty()) {
                const QJsonObject data = QJsonDocument::fromJson(m_data).object();
                if (!data.isEmpty()) {
                    ServerEvent e;
                    e.type = QString::fromUtf8(m_event.isEmpty() ? "message" : m_event);
                    if (const QString t = data.value(QStringLiteral("type")).toString(); !t.isEmpty() && m_event.isEmpty())
                        e.type = t;
                    e.seq = m_id.isEmpty() ? data.value(QStringLiteral("seq")).toInteger() : m_id.toLongLong();
                    e.epoch = data.value(QStringLiteral("epoch")).toString();
                    e.data = data;
                    out.append(e);
                }
            }
            m_id.clear();
            m_event.clear();
            m_data.clear();
            continue;
        }
        if (line.startsWith(':')) {
            m_sawComment = true;
            continue;
        }
        const int colon = line.indexOf(':');
        const QByteArray field = colon < 0 ? line : line.left(colon);
        QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (field == "id")
            m_id = value;
        else if (field == "event")
            m_event = value;
        else if (field == "data")
            m_data += (m_data.isEmpty() ? QByteArray() : QByteArray("\n")) + value;
    }
    return out;
}

} // namespace keel::gui
