#include "derp/StunServer.h"

#include "common/Log.h"
#include "common/SourceRateLimiter.h"
#include "derp/StunPacket.h"
#include "http/HttpServer.h"
#include "platform/UdpSocket.h"

#include <QElapsedTimer>
#include <QSocketNotifier>
#include <QThread>


namespace keel::derp {

// The socket and everything it touches, on the STUN thread. A plain non-blocking socket with a
// level-triggered notifier: after a batch the notifier simply fires again on the next turn while
// datagrams wait, with no bookkeeping of "pending data" that a partial read could leave stale.
class StunServer::Worker : public QObject
{
public:
    explicit Worker(const Options& options)
        : m_options(options), m_limiter(options.perSourceRate, options.perSourceBurst, options.maxSources)
    {
        m_clock.start();
    }
    ~Worker() override { close(); }

    bool bind(const QHostAddress& address, quint16 port, QString* error)
    {
        if (!m_socket.bind(address, port, error))
            return false;
        m_notifier = std::make_unique<QSocketNotifier>(m_socket.descriptor(), QSocketNotifier::Read);
        connect(m_notifier.get(), &QSocketNotifier::activated, this, &Worker::readSome);
        return true;
    }
    void close()
    {
        m_notifier.reset();
        m_socket.close();
    }
    QHostAddress localAddress() const { return m_socket.localAddress(); }
    quint16 localPort() const { return m_socket.localPort(); }

    std::atomic<quint64> success{0}, notStun{0}, writeError{0}, ipv4{0}, ipv6{0}, rateLimited{0};

private:
    void readSome()
    {
        // At most one batch per activation: the (level-triggered) notifier comes back next turn.
        char buffer[2048];
        for (int i = 0; i < m_options.batch && m_socket.isOpen(); ++i) {
            platform::UdpSocket::Peer from;
            const qint64 n = m_socket.receive(buffer, sizeof(buffer), &from);
            if (n < 0)
                return; // drained (other errors: nothing to do for UDP but wait)
            answer(QByteArrayView(buffer, n), from);
        }
    }

    void answer(QByteArrayView datagram, const platform::UdpSocket::Peer& from)
    {
        const auto id = StunPacket::parseBindingRequest(datagram.toByteArray());
        if (!id) {
            ++notStun;
            return;
        }
        const QHostAddress& sender = from.address;
        const quint16 port = from.port;
        // A dual-stack socket shows IPv4 senders as ::ffff:a.b.c.d; answer them as IPv4.
        bool isV4 = false;
        const quint32 v4 = sender.toIPv4Address(&isV4);
        const QHostAddress source = isV4 ? QHostAddress(v4) : sender;
        if (!m_limiter.allow(source, m_clock.nsecsElapsed())) {
            ++rateLimited;
            return;
        }
        ++(isV4 ? ipv4 : ipv6);
        const QByteArray reply = StunPacket::bindingResponse(*id, source, port);
        if (m_socket.send(reply.constData(), reply.size(), from))
            ++success;
        else
            ++writeError;
    }

    Options m_options;
    platform::UdpSocket m_socket;
    std::unique_ptr<QSocketNotifier> m_notifier;
    // A spoofed-address flood fills the table: nobody new is answered until some bucket refills.
    common::SourceRateLimiter<QHostAddress> m_limiter;
    QElapsedTimer m_clock;
};

StunServer::StunServer(QObject* parent)
    : QObject(parent)
{
}

StunServer::~StunServer()
{
    stop();
}

bool StunServer::start(const QString& hostPort, QString* error)
{
    stop();
    QHostAddress address;
    quint16 port = 0;
    QString why;
    if (!http::HttpServer::parseHostPort(hostPort, &address, &port, error ? error : &why))
        return false;
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(QStringLiteral("keel-stun"));
    m_worker = new Worker(m_options);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
    bool ok = false;
    QMetaObject::invokeMethod(m_worker, [&] {
        ok = m_worker->bind(address, port, &why);
        if (ok) {
            m_port = m_worker->localPort();
            m_address = m_worker->localAddress();
        }
    }, Qt::BlockingQueuedConnection);
    if (!ok) {
        if (error)
            *error = QStringLiteral("STUN: cannot bind %1: %2").arg(hostPort, why);
        stop();
        return false;
    }
    qCInfo(lcDerp).noquote() << "STUN listening on" << m_address.toString() << m_port;
    return true;
}

void StunServer::stop()
{
    if (!m_thread)
        return;
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->close(); }, Qt::BlockingQueuedConnection);
    m_last = counters();
    m_thread->quit();
    m_thread->wait(); // the worker is deleted on the thread's way out (finished -> deleteLater)
    m_thread.reset();
    m_worker = nullptr;
    m_port = 0;
    m_address.clear();
}

StunServer::Counters StunServer::counters() const
{
    if (!m_worker)
        return m_last;
    return {m_worker->success.load(), m_worker->notStun.load(), m_worker->writeError.load(),
            m_worker->ipv4.load(), m_worker->ipv6.load(), m_worker->rateLimited.load()};
}

} // namespace keel::derp
