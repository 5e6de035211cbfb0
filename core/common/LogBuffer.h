#pragma once

#include <QList>
#include <QMutex>
#include <QString>

namespace keel::log {

struct LogRecord
{
    qint64 id = 0;          // increasing, never reused within a process
    qint64 msecsSinceEpoch = 0;
    QtMsgType type = QtInfoMsg;
    QString category;
    QString message;
};

// The last N log records in memory, for the admin API's log endpoint and the GUI's log pane
// (qBittorrent's Logger). Readers poll with the last id they saw.
class LogBuffer
{
public:
    explicit LogBuffer(int capacity = 2000);

    static LogBuffer& instance();

    void append(QtMsgType type, const QString& category, const QString& message, qint64 msecsSinceEpoch);
    // Records with id > afterId, oldest first.
    QList<LogRecord> since(qint64 afterId) const;
    qint64 lastId() const;

private:
    mutable QMutex m_mutex;
    QList<LogRecord> m_ring;  // circular once full
    int m_capacity;
    int m_head = 0;           // index of the oldest record when full
    qint64 m_nextId = 1;
};

} // namespace keel::log
