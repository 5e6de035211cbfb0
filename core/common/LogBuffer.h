#pragma once

#include <QList>
#include <QMap>
#include <QMutex>
#include <QRecursiveMutex>
#include <QString>

#include <functional>

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
// (qBittorrent's Logger). Readers read from the last id they saw; a live reader (the log stream)
// subscribes to be told that there is more.
class LogBuffer
{
public:
    explicit LogBuffer(int capacity = 2000);

    static LogBuffer& instance();

    void append(QtMsgType type, const QString& category, const QString& message, qint64 msecsSinceEpoch);
    // Records with id > afterId, oldest first.
    QList<LogRecord> since(qint64 afterId) const;
    qint64 lastId() const;

    // `wake` runs after each append, on the appending thread, and must only schedule work (post an
    // event): it may run on any thread, and again from within itself if it logs. After
    // unsubscribe() returns, it no longer runs.
    int subscribe(std::function<void()> wake);
    void unsubscribe(int id);

private:
    mutable QMutex m_mutex;
    QList<LogRecord> m_ring;  // circular once full
    int m_capacity;
    int m_head = 0;           // index of the oldest record when full
    qint64 m_nextId = 1;
    QRecursiveMutex m_wakeMutex; // held while the wake functions run
    QMap<int, std::function<void()>> m_wake;
    int m_nextSubscription = 1;
};

} // namespace keel::log
