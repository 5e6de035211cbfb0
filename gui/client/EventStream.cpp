#include "EventStream.h"

#include "ApiClient.h"

namespace keel::gui {

EventStream::EventStream(ApiClient& client, QObject* parent)
    : QObject(parent)
    , m_subscription(client, QStringLiteral("/api/v1/events"))
{
    connect(&m_subscription, &SseSubscription::opened, this, &EventStream::onOpened);
    connect(&m_subscription, &SseSubscription::eventsReceived, this, [this](const QList<ServerEvent>& events) {
        for (const ServerEvent& event : events)
            onEvent(event);
    });
    connect(&m_subscription, &SseSubscription::closed, this, [this](const QString& error) { setConnected(false, error); });
    connect(&m_subscription, &SseSubscription::unsupported, this, [this] {
        setConnected(false);
        Q_EMIT unsupported();
    });
}

EventStream::~EventStream()
{
    stop();
}

void EventStream::start()
{
    m_subscription.start();
}

void EventStream::stop()
{
    m_subscription.stop();
    setConnected(false);
}

void EventStream::onOpened()
{
    setConnected(true);
    // Subscribed first, then read the lists: nothing falls between the two. Also after a break:
    // what changed while we were away (a restart sets every node offline) is cheaper to re-read
    // than to reason about.
    Q_EMIT resyncNeeded();
}

void EventStream::onEvent(const ServerEvent& event)
{
    const bool newEpoch = !m_epoch.isEmpty() && !event.epoch.isEmpty() && event.epoch != m_epoch;
    if (!event.epoch.isEmpty())
        m_epoch = event.epoch;
    if (event.type == QLatin1String("resync") || newEpoch) {
        Q_EMIT resyncNeeded();
        if (event.type == QLatin1String("resync"))
            return;
    }
    Q_EMIT eventReceived(event);
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
