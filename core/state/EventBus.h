#pragma once

#include "state/Change.h"
#include "state/Event.h"

#include <QList>
#include <QMutex>

#include <deque>
#include <functional>

namespace keel::state {

// Numbers events, keeps the last `capacity` of them for watchers that reconnect, and hands each
// one to every subscriber, in order, on the thread that publishes (the State's thread).
//
// The bus also carries what each mutation changed for the map pipeline (ChangeList: which nodes,
// which fields), to change subscribers such as the batcher. Those are in-process only: they are
// neither numbered nor kept, and a mutation's changes reach them before its events.
//
// Sequence numbers start at 1 in every process and grow by exactly 1, so a watcher can tell a gap;
// the epoch (random, per process) tells it that numbers started over.
class EventBus
{
public:
    using Subscriber = std::function<void(const Event&)>;
    using ChangeSubscriber = std::function<void(const ChangeList&)>;

    explicit EventBus(int capacity = 10'000);
    // Tells every subscriber still there that the bus is going (their onGone), so none keeps a
    // reference to it: an in-process server can stop while watchers are connected.
    ~EventBus();
    EventBus(const EventBus&) = delete;
    EventBus& operator=(const EventBus&) = delete;

    Event publish(const QString& type, QJsonObject payload);
    // `onGone` runs when the bus is destroyed with this subscription still in place; the
    // subscription is void then (no unsubscribe needed, nor allowed).
    int subscribe(Subscriber fn, std::function<void()> onGone = {});
    // Unsubscribes either kind of subscription.
    void unsubscribe(int id);

    int subscribeChanges(ChangeSubscriber fn);
    void publishChanges(const ChangeList& changes);

    // The kept events with seq > `since`, oldest first. *complete is false when some events after
    // `since` are no longer kept (the watcher must resync); `since` = 0 asks for nothing old.
    QList<Event> since(quint64 since, bool* complete) const;
    quint64 lastSeq() const;
    QString epoch() const { return m_epoch; }
    int capacity() const { return m_capacity; }

private:
    const int m_capacity;
    const QString m_epoch;
    mutable QMutex m_mutex;  // the ring may be read from other threads (in-process GUI)
    std::deque<Event> m_ring;
    quint64 m_seq = 0;
    struct Subscription
    {
        int id;
        Subscriber deliver;
        std::function<void()> onGone;
    };
    QList<Subscription> m_subscribers;
    QList<std::pair<int, ChangeSubscriber>> m_changeSubscribers;  // publishing thread only
    int m_nextId = 1;
    std::deque<Event> m_queue;  // published, not yet delivered (publishing thread only)
    bool m_delivering = false;
};

} // namespace keel::state
