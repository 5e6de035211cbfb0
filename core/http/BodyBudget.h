#pragma once

#include <QHash>
#include <QString>

namespace keel::http {

// Bytes of request bodies buffered in memory, counted per key (the client's address) across all
// the HTTP/2 sessions that share this object. A session asks before it buffers a chunk and gives
// the bytes back when the body is handed on or dropped; a key over its limit gets no more.
// One per listener, used on its thread only.
class BodyBudget
{
public:
    explicit BodyBudget(qint64 perKeyLimit) : m_limit(perKeyLimit) {}

    bool take(const QString& key, qint64 bytes)
    {
        qint64& used = m_used[key];
        if (used + bytes > m_limit) {
            if (used == 0)
                m_used.remove(key);
            return false;
        }
        used += bytes;
        return true;
    }
    void give(const QString& key, qint64 bytes)
    {
        auto it = m_used.find(key);
        if (it == m_used.end())
            return;
        *it -= bytes;
        if (*it <= 0)
            m_used.erase(it);
    }
    qint64 used(const QString& key) const { return m_used.value(key); }
    qint64 limit() const { return m_limit; }

private:
    qint64 m_limit;
    QHash<QString, qint64> m_used;
};

} // namespace keel::http
