#include "store/HostReachability.h"

#include "common/Log.h"

#include <QMutexLocker>
#include <QTcpSocket>
#include <QThread>

namespace keel::store {

namespace {
// The prober's own attempts may wait longer than a caller's check: nobody waits on them.
constexpr int kProbeWaitMs = 3000;
constexpr int kProbeIntervalMs = 1000;
} // namespace

HostReachability::HostReachability(QString host, int port, int checkMs)
    : m_host(std::move(host))
    , m_port(port)
    , m_checkMs(checkMs)
{
}

HostReachability::~HostReachability()
{
    QThread* prober = nullptr;
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
        prober = m_prober;
        m_prober = nullptr;
    }
    if (prober) {
        prober->wait();
        delete prober;
    }
}

bool HostReachability::applies(const QString& host)
{
    return !host.isEmpty() && !host.startsWith(QLatin1Char('/')) && !host.contains(QLatin1Char(','))
        && !host.startsWith(QLatin1Char('@'));   // an abstract unix socket
}

bool HostReachability::answers(QString* why)
{
    const auto silentText = [this] {
        return QStringLiteral("the database host %1:%2 does not answer (no reply to a TCP connect; checking again every second)")
            .arg(m_host)
            .arg(m_port);
    };
    {
        QMutexLocker lock(&m_mutex);
        if (m_silent) {
            if (why)
                *why = silentText();
            return false;
        }
    }
    if (probe(m_checkMs) == Probe::Answered)
        return true;
    QMutexLocker lock(&m_mutex);
    if (!m_silent && !m_stopping) {
        m_silent = true;
        qCWarning(lcStore).noquote() << silentText();
        startProber();
    }
    if (why)
        *why = silentText();
    return false;
}

HostReachability::Probe HostReachability::probe(int waitMs) const
{
    QTcpSocket socket;
    socket.connectToHost(m_host, quint16(m_port));
    if (socket.waitForConnected(waitMs)) {
        socket.abort();
        return Probe::Answered;
    }
    // Refused, unreachable network, unknown name: the answer came at once, and libpq will fail as
    // quickly with its own (better) message. Only a connect still in progress is silence.
    const bool stillWaiting = socket.state() == QAbstractSocket::ConnectingState
        || socket.state() == QAbstractSocket::HostLookupState || socket.error() == QAbstractSocket::SocketTimeoutError;
    socket.abort();
    return stillWaiting ? Probe::Silent : Probe::Answered;
}

void HostReachability::startProber()
{
    if (m_proberRunning)
        return;
    if (m_prober) {
        m_prober->wait();   // it has left its loop (and the mutex) already
        delete m_prober;
    }
    m_proberRunning = true;
    m_prober = QThread::create([this] { proberLoop(); });
    m_prober->setObjectName(QStringLiteral("keel-db-probe"));
    m_prober->start(QThread::LowPriority);
}

void HostReachability::proberLoop()
{
    QMutexLocker lock(&m_mutex);
    while (!m_stopping) {
        m_wake.wait(&m_mutex, kProbeIntervalMs);
        if (m_stopping)
            break;
        lock.unlock();
        const Probe result = probe(kProbeWaitMs);
        lock.relock();
        if (result == Probe::Answered) {
            m_silent = false;
            qCInfo(lcStore).noquote() << QStringLiteral("the database host %1:%2 answers again").arg(m_host).arg(m_port);
            break;
        }
    }
    m_proberRunning = false;
}

} // namespace keel::store
