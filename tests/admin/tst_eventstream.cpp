// An event watcher's stream against the bus it reads: events reach it as server-sent events, and
// when the bus goes first (an in-process server stopping with watchers connected) the stream ends
// instead of keeping a reference to a destroyed bus.
#include "admin/EventStream.h"
#include "state/EventBus.h"

#include <QBuffer>
#include <QPointer>
#include <QtTest>

#include <memory>

using namespace keel;

class TestEventStream : public QObject
{
    Q_OBJECT

private slots:
    void eventsArriveAsServerSentEvents()
    {
        state::EventBus bus;
        auto* socket = new QBuffer;
        QVERIFY(socket->open(QIODevice::ReadWrite));
        QPointer<admin::EventStream> stream = new admin::EventStream(socket, bus, std::nullopt, 60'000);
        bus.publish(QStringLiteral("node.added"), {{QStringLiteral("nodeId"), QStringLiteral("7")}});
        QVERIFY(socket->data().contains("id: 1\nevent: node.added\ndata: {"));
        delete stream.data();
    }

    void busGoingFirstEndsTheStream()
    {
        auto bus = std::make_unique<state::EventBus>();
        auto* socket = new QBuffer;
        QVERIFY(socket->open(QIODevice::ReadWrite));
        QPointer<admin::EventStream> stream = new admin::EventStream(socket, *bus, std::nullopt, 60'000);
        bus.reset();
        // The stream deletes itself (deleteLater) once told; before the fix it lived on, holding
        // a reference to the destroyed bus that its destructor would have used.
        QTRY_VERIFY_WITH_TIMEOUT(stream.isNull(), 5000);
    }
};

QTEST_GUILESS_MAIN(TestEventStream)
#include "tst_eventstream.moc"
