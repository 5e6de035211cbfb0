#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

class QIODevice;

namespace keel::admin {

// The connection half of a server-sent-events response (GET /api/v1/events, /api/v1/logs): takes
// the socket after the response head, discards what the client sends, writes a keep-alive
// comment every keepAliveMs, and ends the stream when the client goes away or stops reading
// (more than maxBacklogBytes unsent). What is written, and from where, is the owner's business.
class SseChannel : public QObject
{
    Q_OBJECT
public:
    SseChannel(QIODevice* socket, qint64 maxBacklogBytes, int keepAliveMs, QObject* parent);

    // Writes without copying into Qt's buffer when it can; ends the stream instead when the
    // client's backlog is over the bound. Nothing after the end.
    void write(const QByteArray& bytes);
    // Closes the connection; `ended` follows once.
    void close();
    bool isOpen() const { return !m_ended; }

signals:
    // Once, for any reason; `overrun`: the client did not read fast enough.
    void ended(bool overrun);

private:
    void finish(bool overrun);

    QPointer<QIODevice> m_socket;
    qint64 m_maxBacklog;
    QTimer m_keepAlive;
    bool m_ended = false;
};

} // namespace keel::admin
