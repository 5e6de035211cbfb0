#include "SseSubscription.h"

#include "ApiCall.h"
#include "ApiClient.h"

namespace keel::gui {

SseSubscription::SseSubscription(ApiClient& client, const QString& pathAndQuery, QObject* parent)
    : QObject(parent)
    , m_client(client)
    , m_path(pathAndQuery)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &SseSubscription::open);
    m_watchdog.setInterval(45000);
    connect(&m_watchdog, &QTimer::timeout, this, [this] {
        if (!m_sawData && !m_parser.sawComment())
            onFinished(tr("the stream went silent"));
        m_sawData = false;
    });
}

SseSubscription::~SseSubscription()
{
    stop();
}

void SseSubscription::start()
{
    m_running = true;
    open();
}

void SseSubscription::stop()
{
    m_running = false;
    m_retry.stop();
    m_watchdog.stop();
    dropCall();
}

void SseSubscription::open()
{
    if (!m_running)
        return;
    m_parser = SseParser();
    m_call = m_client.openStream(m_path);
    connect(m_call, &ApiCall::headReceived, this, [this](int status) {
        if (status != 200)
            return;   // finished() reports it
        m_failures = 0;
        m_sawData = true;
        m_watchdog.start();
        Q_EMIT opened();
    });
    connect(m_call, &ApiCall::bodyData, this, [this](const QByteArray& bytes) {
        m_sawData = true;
        const QList<ServerEvent> events = m_parser.feed(bytes);
        if (!events.isEmpty())
            Q_EMIT eventsReceived(events);
    });
    connect(m_call, &ApiCall::finished, this, [this](const ApiReply& reply) {
        if (reply.status == 404 || reply.status == 405) {
            stop();
            Q_EMIT unsupported();
            return;
        }
        onFinished(reply.status == 0 ? reply.transportError
                   : reply.ok()      ? tr("the server ended the stream")
                                     : reply.errorMessage());
    });
}

void SseSubscription::onFinished(const QString& error)
{
    dropCall();
    m_watchdog.stop();
    Q_EMIT closed(error);
    if (!m_running)
        return;
    ++m_failures;
    m_retry.start(qMin(10000, 1000 * m_failures));
}

void SseSubscription::dropCall()
{
    if (m_call) {
        m_call->disconnect(this);
        m_call->abort();
        m_call->deleteLater();
    }
}

} // namespace keel::gui
