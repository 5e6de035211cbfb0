#pragma once

#include <QHash>
#include <QHostAddress>
#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace keel::derp {

// Answers STUN Binding Requests on UDP (derp.server.stun_listen_addr), IPv4 and IPv6. Anything
// that is not a well-formed Binding Request is ignored silently, as derper does.
//
// STUN is unauthenticated and cheap to flood, so it never shares the control plane's thread: the
// socket lives on a thread of its own, reads at most `batch` datagrams before letting that
// thread's other events run, and answers each source address at most `perSourceRate` times a
// second (bursts of `perSourceBurst`). What a flood sends beyond that is read and dropped, or
// dropped by the kernel when the socket buffer is full; other senders are still answered.
class StunServer : public QObject
{
    Q_OBJECT

public:
    struct Counters
    {
        quint64 success = 0, notStun = 0, writeError = 0, ipv4 = 0, ipv6 = 0, rateLimited = 0;
    };
    struct Options
    {
        // A netcheck sends a few requests per region and address family every ~20 s; even many
        // clients behind one NAT stay far below this.
        double perSourceRate = 50;
        double perSourceBurst = 100;
        int batch = 256;
        int maxSources = 16'384; // tracked at once; refilled buckets are forgotten first
    };

    explicit StunServer(QObject* parent = nullptr);
    ~StunServer() override;

    void setOptions(const Options& options) { m_options = options; }

    // "0.0.0.0:3478", "[::]:3478", ":3478" (both families), "127.0.0.1:0" (tests).
    bool start(const QString& hostPort, QString* error);
    void stop();
    quint16 port() const { return m_port; }
    QHostAddress address() const { return m_address; }
    Counters counters() const;

private:
    class Worker;

    Options m_options;
    std::unique_ptr<QThread> m_thread;
    Worker* m_worker = nullptr; // lives on m_thread
    quint16 m_port = 0;
    QHostAddress m_address;
    Counters m_last; // what the worker counted, kept after stop()
};

} // namespace keel::derp
