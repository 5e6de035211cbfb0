#pragma once

#include <QMutex>
#include <QString>
#include <QWaitCondition>

class QThread;

namespace keel::store {

// Whether the PostgreSQL host answers at all, decided without holding the caller for long.
//
// A reconnect that the host refuses is cheap, but a host that drops packets (a dead network, a
// firewall: a black hole) costs libpq's whole connect_timeout on the calling thread, and the
// caller is often the control thread, which every node's map stream waits on. So before opening a
// connection the store asks here first: a plain TCP connect to host:port, waited on for at most
// checkMs. An answer (accepted, or refused: the host is there) lets libpq go ahead. Silence marks
// the host silent: from then on answers() says no at once, and a thread of its own tries the host
// again every second until it answers.
//
// Only for a TCP host name or address: a unix socket directory (or libpq's default, no host) and
// libpq's host lists always "answer" here and are left to libpq.
class HostReachability
{
public:
    HostReachability(QString host, int port, int checkMs = 1000);
    ~HostReachability();   // stops the background prober (waits for its current attempt)

    // False (and why) when the host is known to be silent, or was silent for checkMs just now.
    bool answers(QString* why = nullptr);

    // Whether this host can be checked this way (see the class comment).
    static bool applies(const QString& host);

private:
    enum class Probe { Answered, Silent };
    Probe probe(int waitMs) const;
    void startProber();     // with m_mutex held
    void proberLoop();

    const QString m_host;
    const int m_port;
    const int m_checkMs;

    QMutex m_mutex;
    QWaitCondition m_wake;
    bool m_silent = false;
    bool m_stopping = false;
    bool m_proberRunning = false;
    QThread* m_prober = nullptr;
};

} // namespace keel::store
