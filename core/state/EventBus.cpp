#include "state/EventBus.h"

#include "common/Clock.h"

#include <QRandomGenerator>

namespace keel::state {

namespace {

QString newEpoch()
{
    return QString::number(QRandomGenerator::system()->generate64(), 36);
}

} // namespace

QJsonObject Event::toJson() const
{
    QJsonObject o = payload;
    o.insert(QStringLiteral("seq"), qint64(seq));
    o.insert(QStringLiteral("type"), type);
    o.insert(QStringLiteral("time"), time.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("epoch"), epoch);
    return o;
}

EventBus::EventBus(int capacity)
    : m_capacity(qMax(1, capacity))
    , m_epoch(newEpoch())
{
}

EventBus::~EventBus()
{
    QList<Subscription> left;
    {
        QMutexLocker lock(&m_mutex);
        left.swap(m_subscribers);
    }
    for (const Subscription& s : std::as_const(left))
        if (s.onGone)
            s.onGone();
}

Event EventBus::publish(const QString& type, QJsonObject payload)
{
    Event copy;
    {
        QMutexLocker lock(&m_mutex);
        Event e;
        e.seq = ++m_seq;
        e.type = type;
        e.time = Clock::now();
        e.epoch = m_epoch;
        e.payload = std::move(payload);
        copy = e;
        m_ring.push_back(std::move(e));
        while (int(m_ring.size()) > m_capacity)
            m_ring.pop_front();
    }
    // Delivered outside the lock, and never nested: a subscriber that publishes (or an action
    // that emits several events) queues behind the event being delivered, so every subscriber
    // sees every event in sequence order.
    m_queue.push_back(copy);
    if (m_delivering)
        return copy;
    m_delivering = true;
    while (!m_queue.empty()) {
        const Event next = std::move(m_queue.front());
        m_queue.pop_front();
        QList<Subscriber> targets;
        {
            QMutexLocker lock(&m_mutex);
            for (const Subscription& s : std::as_const(m_subscribers))
                targets << s.deliver;
        }
        for (const Subscriber& fn : targets)
            fn(next);
    }
    m_delivering = false;
    return copy;
}

int EventBus::subscribe(Subscriber fn, std::function<void()> onGone)
{
    QMutexLocker lock(&m_mutex);
    const int id = m_nextId++;
    m_subscribers.append({id, std::move(fn), std::move(onGone)});
    return id;
}

void EventBus::unsubscribe(int id)
{
    QMutexLocker lock(&m_mutex);
    m_subscribers.removeIf([id](const Subscription& s) { return s.id == id; });
    m_changeSubscribers.removeIf([id](const auto& s) { return s.first == id; });
}

int EventBus::subscribeChanges(ChangeSubscriber fn)
{
    QMutexLocker lock(&m_mutex);
    const int id = m_nextId++;
    m_changeSubscribers.append({id, std::move(fn)});
    return id;
}

void EventBus::publishChanges(const ChangeList& changes)
{
    if (changes.isEmpty())
        return;
    QList<ChangeSubscriber> targets;
    {
        QMutexLocker lock(&m_mutex);
        for (const auto& s : std::as_const(m_changeSubscribers))
            targets << s.second;
    }
    for (const ChangeSubscriber& fn : targets)
        fn(changes);
}

QList<Event> EventBus::since(quint64 since, bool* complete) const
{
    QMutexLocker lock(&m_mutex);
    QList<Event> out;
    *complete = true;
    if (since >= m_seq)
        return out;
    const quint64 oldest = m_ring.empty() ? m_seq + 1 : m_ring.front().seq;
    if (since + 1 < oldest)
        *complete = false;
    for (const Event& e : m_ring)
        if (e.seq > since)
            out << e;
    return out;
}

quint64 EventBus::lastSeq() const
{
    QMutexLocker lock(&m_mutex);
    return m_seq;
}

} // namespace keel::state
