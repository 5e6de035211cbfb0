#pragma once

#include <QObject>

#include <atomic>

class QIODevice;

namespace keel::log {
struct LogRecord;
}

namespace keel::admin {

class SseChannel;

// One GET /api/v1/logs watcher: writes the records of the server's in-memory log ring
// (common/LogBuffer, bounded) after `since`, then every new record as it is logged, as
// server-sent events (`id: N`, `event: log`, `data: {"id","epoch","time","level","module","message"}`),
// and a keep-alive comment every 15 s. Ends when the client goes away or stops reading (more than
// kMaxBacklogBytes pending). Deletes itself. The log never carries secrets (keys are logged by
// prefix only), so the records are sent as they are.
class LogStream : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 kMaxBacklogBytes = 4 * 1024 * 1024;

    // `since`: the last record id the client has (0: send the whole ring; -1: live records only).
    // `parent`: what the stream must not outlive (the admin API that opened it).
    LogStream(QIODevice* socket, qint64 since, int keepAliveMs = 15'000, QObject* parent = nullptr);
    ~LogStream() override;

    static QByteArray format(const log::LogRecord& record);
    static QString levelName(int type);
    // This process's log epoch (record ids restart with a new one).
    static QString epoch();

private:
    void drain();
    void finish();

    SseChannel* m_channel;
    int m_subscription = 0;
    qint64 m_lastSent = 0;
    std::atomic<bool> m_scheduled{false};
};

} // namespace keel::admin
