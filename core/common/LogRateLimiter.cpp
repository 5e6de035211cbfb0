#include "common/LogRateLimiter.h"

#include <algorithm>

namespace keel::log {

LogRateLimiter::LogRateLimiter()
    : LogRateLimiter(Options{})
{
}

LogRateLimiter::LogRateLimiter(const Options& options)
    : m_options(options)
{
}

QString LogRateLimiter::shape(const QString& message)
{
    // Bounded work per line, whatever its length: the shape only needs the start of the message.
    const QString head = message.left(240);
    QString out;
    out.reserve(head.size());
    qsizetype i = 0;
    while (i < head.size()) {
        if (head.at(i).isSpace()) {
            out += head.at(i++);
            continue;
        }
        const qsizetype start = i;
        bool digit = false;
        while (i < head.size() && !head.at(i).isSpace()) {
            digit = digit || head.at(i).isDigit();
            ++i;
        }
        if (digit)
            out += QLatin1Char('#');
        else
            out += QStringView(head).mid(start, i - start);
    }
    return out;
}

bool LogRateLimiter::admit(const char* category, int level, const QString& message, qint64 nowMs)
{
    const QString cat = QString::fromLatin1(category ? category : "default");
    const QString key = cat + QLatin1Char('\x1f') + QString::number(level) + QLatin1Char('\x1f') + shape(message);
    auto it = m_groups.find(key);
    if (it == m_groups.end()) {
        if (m_groups.size() >= m_options.maxGroups)
            prune(nowMs);
        if (m_groups.size() >= m_options.maxGroups)
            return true; // too many distinct shapes to track: write rather than lose lines
        it = m_groups.insert(key, Group{cat, level, nowMs, 0, 0, {}});
    }
    Group& g = *it;
    if (nowMs - g.windowStart >= m_options.windowMs && g.suppressed == 0) {
        g.windowStart = nowMs;
        g.written = 0;
    }
    if (g.written < m_options.burst && g.suppressed == 0) {
        ++g.written;
        return true;
    }
    ++g.suppressed;
    g.lastSuppressed = message.left(300);
    return false;
}

LogRateLimiter::Summary LogRateLimiter::summarize(const Group& g, qint64 nowMs)
{
    const qint64 seconds = std::max<qint64>(1, (nowMs - g.windowStart + 999) / 1000);
    return {g.category, g.level,
            QStringLiteral("\u2026 %1 similar messages suppressed in the last %2 s (last: %3)")
                .arg(g.suppressed)
                .arg(seconds)
                .arg(g.lastSuppressed)};
}

QList<LogRateLimiter::Summary> LogRateLimiter::takeDue(qint64 nowMs)
{
    QList<Summary> out;
    // A sweep costs one pass over the groups: at most one a second.
    if (nowMs - m_lastSweepMs < 1000)
        return out;
    m_lastSweepMs = nowMs;
    for (auto it = m_groups.begin(); it != m_groups.end(); ++it) {
        Group& g = *it;
        if (g.suppressed == 0 || nowMs - g.windowStart < m_options.windowMs)
            continue;
        out.append(summarize(g, nowMs));
        // A new window starts now; the group stays quiet until it fills again.
        g.windowStart = nowMs;
        g.written = 0;
        g.suppressed = 0;
        g.lastSuppressed.clear();
    }
    return out;
}

QList<LogRateLimiter::Summary> LogRateLimiter::takeAll()
{
    QList<Summary> out;
    for (Group& g : m_groups) {
        if (g.suppressed > 0)
            out.append(summarize(g, g.windowStart + m_options.windowMs));
        g.suppressed = 0;
    }
    return out;
}

void LogRateLimiter::prune(qint64 nowMs)
{
    for (auto it = m_groups.begin(); it != m_groups.end();) {
        if (it->suppressed == 0 && nowMs - it->windowStart >= m_options.windowMs)
            it = m_groups.erase(it);
        else
            ++it;
    }
}

} // namespace keel::log
