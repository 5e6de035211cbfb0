#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

namespace keel::log {

// Keeps a flood of similar log lines from filling the disk: a client that can make the server log
// a line (an unknown DERP key, a reset map stream, an oversized body) must not control how much
// is written. Messages are grouped by category, level and shape (the text with every word that
// contains a digit - addresses, keys, ids, counts - replaced by '#'). Each group may write
// `burst` lines per `windowMs`; the rest are counted, and when the window has passed one summary
// line says how many were suppressed, with the last of them as an example.
//
// Pure logic with the time passed in; the process-wide message handler (Log.cpp) owns one and
// calls it under a lock.
class LogRateLimiter
{
public:
    struct Options
    {
        int burst = 20;
        qint64 windowMs = 10'000;
        int maxGroups = 4096; // beyond this, groups whose window has passed are forgotten first
    };

    LogRateLimiter();
    explicit LogRateLimiter(const Options& options);

    // True when the line may be written now.
    bool admit(const char* category, int level, const QString& message, qint64 nowMs);

    struct Summary
    {
        QString category;
        int level = 0;
        QString text; // "… 990 similar messages suppressed in the last 10 s (last: ...)"
    };
    // Summaries of groups whose window has passed with lines suppressed; each is returned once.
    QList<Summary> takeDue(qint64 nowMs);
    // Every pending summary, whatever the time (at exit).
    QList<Summary> takeAll();

    static QString shape(const QString& message);

private:
    struct Group
    {
        QString category;
        int level = 0;
        qint64 windowStart = 0;
        int written = 0;
        qint64 suppressed = 0;
        QString lastSuppressed;
    };
    static Summary summarize(const Group& group, qint64 nowMs);
    void prune(qint64 nowMs);

    Options m_options;
    QHash<QString, Group> m_groups;
    qint64 m_lastSweepMs = 0;
};

} // namespace keel::log
