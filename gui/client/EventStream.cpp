#include "EventStream.h"

#include "ApiCall.h"
#include "ApiClient.h"

namespace keel::gui {

EventStream::EventStream(ApiClient& client, QObject* parent)
    : QObject(parent)
    , m_client(client)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &EventStream::open);
    m_watchdog.setInterval(45000);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        if (!m_sawData && !m_parser.sawComment())
            onFinished(tr("the event stream went silent"));
        m_sawData = false;
    });
}

EventStream::~EventStream()
{
    stop();
}

void EventStream::start()
{
    m_running = true;
    open();
}

void EventStream::stop()
{
    m_running = false;
    m_retry.stop();
    m_watchdog.stop();
    if (m_call) {
        m_call->disconnect(this);
        m_call->abort();
        m_call->deleteLater();
    }
    setConnected(false);
}

void EventStream::open()
{
    if (!m_running)
        return;
    m_parser = SseParser();
    // Live events only (no `since`): every (re)connection re-reads the lists anyway, and a replay
    // of older events after that read would put stale objects back.
    m_call = m_client.openStream(QStringLiteral("/api/v1/events"));
    connect(m_call, &ApiCall::headReceived, this, &EventStream::onHead);
    connect(m_call, &ApiCall::bodyData, this, &EventStream::onData);
    connect(m_call, &ApiCall::finished, this, [this](const ApiReply& reply) {
        if (reply.status == 404 || reply.status == 405) {
            stop();
            Q_EMIT unsupported();
            return;
        }
        onFinished(reply.status == 0 ? reply.transportError
                   : reply.ok()      ? tr("the server ended the event stream")
                                     : reply.errorMessage());
    });
}

void EventStream::onHead(int status)
{
    if (status != 200)
        return;   // finished() reports it
    m_failures = 0;
    m_sawData = true;
    m_watchdog.start();
    setConnected(true);
    // Subscribed first, then read the lists: nothing falls between the two. Also after a break:
    // what changed while we were away (a restart sets every node offline) is cheaper to re-read
    // than to reason about.
    Q_EMIT resyncNeeded();
}

void EventStream::onData(const QByteArray& bytes)
{
    m_sawData = true;
    for (const ServerEvent& event : m_parser.feed(bytes)) {
        const bool newEpoch = !m_epoch.isEmpty() && !event.epoch.isEmpty() && event.epoch != m_epoch;
        if (!event.epoch.isEmpty())
            m_epoch = event.epoch;
        if (event.seq > 0)
            m_lastSeq = event.seq;
        else if (m_lastSeq < 0)
            m_lastSeq = 0;
        if (event.type == QLatin1String("resync") || newEpoch) {
            Q_EMIT resyncNeeded();
            if (event.type == QLatin1String("resync"))
                continue;
        }
        Q_EMIT eventReceived(event);
    }
    if (m_lastSeq < 0)
        m_lastSeq = 0;
}

void EventStream::onFinished(const QString& error)
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->abort();
        m_call->deleteLater();
    }
    m_watchdog.stop();
    setConnected(false, error);
    if (!m_running)
        return;
    ++m_failures;
    m_retry.start(qMin(10000, 1000 * m_failures));
}

void EventStream::setConnected(bool on, const QString& error)
{
    if (m_connected == on && on)
        return;
    const bool changed = m_connected != on;
    m_connected = on;
    if (changed || !error.isEmpty())
        Q_EMIT connectedChanged(on, error);
}

} // namespace keel::gui
