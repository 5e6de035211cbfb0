#include "common/LogBuffer.h"

#include <QMutexLocker>

namespace keel::log {

LogBuffer::LogBuffer(int capacity)
    : m_capacity(qMax(1, capacity))
{
    m_ring.reserve(m_capacity);
}

LogBuffer& LogBuffer::instance()
{
    static LogBuffer buffer;
    return buffer;
}

void LogBuffer::append(QtMsgType type, const QString& category, const QString& message, qint64 msecsSinceEpoch)
{
    {
        QMutexLocker lock(&m_mutex);
        LogRecord record{m_nextId++, msecsSinceEpoch, type, category, message};
        if (m_ring.size() < m_capacity) {
            m_ring.append(std::move(record));
        } else {
            m_ring[m_head] = std::move(record);
            m_head = (m_head + 1) % m_capacity;
        }
    }
    QMutexLocker wakeLock(&m_wakeMutex);
    for (const auto& wake : std::as_const(m_wake))
        wake();
}

int LogBuffer::subscribe(std::function<void()> wake)
{
    QMutexLocker lock(&m_wakeMutex);
    const int id = m_nextSubscription++;
    m_wake.insert(id, std::move(wake));
    return id;
}

void LogBuffer::unsubscribe(int id)
{
    QMutexLocker lock(&m_wakeMutex);
    m_wake.remove(id);
}

QList<LogRecord> LogBuffer::since(qint64 afterId) const
{
    QMutexLocker lock(&m_mutex);
    QList<LogRecord> out;
    const int n = m_ring.size();
    for (int i = 0; i < n; ++i) {
        const LogRecord& r = m_ring[(m_head + i) % n];
        if (r.id > afterId)
            out.append(r);
    }
    return out;
}

qint64 LogBuffer::lastId() const
{
    QMutexLocker lock(&m_mutex);
    return m_nextId - 1;
}

} // namespace keel::log
