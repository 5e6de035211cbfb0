// Subnet routes, exit nodes and HA routers end to end through ControlService (real HTTP/2 sessions
// over an in-memory pipe, a real SQLite store): what peers see in AllowedIPs/PrimaryRoutes as
// routers advertise, get approved, fail over, come back, withdraw, and stop answering HA probes.
#include "StateControlHarness.h"

using namespace keel;
using keel::test::FakeMachine;
using keel::test::fakeKey;

namespace {

const QString kRoute = QStringLiteral("10.0.0.0/24");

QJsonObject hostinfo(int n, const QStringList& routes)
{
    QJsonObject hi{{"Hostname", QStringLiteral("node%1").arg(n)}, {"OS", "linux"}, {"IPNVersion", "1.82.5"}};
    if (!routes.isEmpty())
        hi.insert("RoutableIPs", QJsonArray::fromStringList(routes));
    return hi;
}

QJsonObject registerWithRoutes(int n, const QString& authKey, const QStringList& routes)
{
    QJsonObject r = test::registerRequest(n, authKey, QStringLiteral("node%1").arg(n));
    r.insert("Hostinfo", hostinfo(n, routes));
    return r;
}

QJsonObject mapWithRoutes(int n, const QStringList& routes, bool stream = true)
{
    QJsonObject r = test::mapRequest(n, stream, !stream);
    r.insert("Hostinfo", hostinfo(n, routes));
    return r;
}

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& x : v.toArray())
        out << x.toString();
    return out;
}

} // namespace

class TestRoutes : public QObject, protected test::TestBed
{
    Q_OBJECT

    std::unique_ptr<state::State> m_state;
    std::unique_ptr<control::ControlService> m_service;
    qint64 m_bob = 0;
    QString m_key;

    void start(int graceMs = 0)
    {
        QString error;
        m_state = state::State::load(*m_store, m_config, &error);
        QVERIFY2(m_state, qPrintable(error));
        control::MapperOptions mo = control::MapperOptions::fromConfig(m_config);
        control::ControlService::Options o;
        o.offlineGraceMs = graceMs;
        o.housekeepingMs = 0;
        o.batcher.delayMs = 0;
        o.haProbeIntervalMs = 0; // cycles are driven by the tests
        o.haProbeTimeoutMs = 60'000;
        m_service = std::make_unique<control::ControlService>(*m_state, mo, o);
        store::NewPreAuthKey k;
        k.userId = m_alice;
        k.reusable = true;
        m_key = m_store->createPreAuthKey(k)->fullKey;
    }

    // Registers machine n (advertising `routes`) and opens its map stream.
    std::shared_ptr<FakeMachine::Call> join(FakeMachine& m, int n, const QStringList& routes, const QString& key = {})
    {
        const QJsonObject r = m.registerNode(registerWithRoutes(n, key.isEmpty() ? m_key : key, routes));
        if (r.value("MachineAuthorized").toBool() != true)
            qWarning() << r;
        return open(m, n, routes);
    }
    std::shared_ptr<FakeMachine::Call> open(FakeMachine& m, int n, const QStringList& routes)
    {
        auto call = m.post("/machine/map", mapWithRoutes(n, routes));
        (void)QTest::qWaitFor([&] { return !call->messages.isEmpty(); }, 5000);
        return call;
    }
    qint64 idOf(int n) const { return m_state->snapshot()->nodeByKey(fakeKey("nodekey:", n))->node.id; }

    void approve(qint64 id, const QStringList& routes)
    {
        QVERIFY(m_state->setApprovedRoutes(id, routes, state::Actor::system()));
    }

    // The peer as `call`'s client currently has it.
    static QStringList allowed(const std::shared_ptr<FakeMachine::Call>& call, qint64 peer)
    {
        return strings(call->netmap.peers().value(peer).value("AllowedIPs"));
    }
    static QStringList primary(const std::shared_ptr<FakeMachine::Call>& call, qint64 peer)
    {
        return strings(call->netmap.peers().value(peer).value("PrimaryRoutes"));
    }
    static bool serves(const std::shared_ptr<FakeMachine::Call>& call, qint64 peer, const QString& route)
    {
        return allowed(call, peer).contains(route) && primary(call, peer).contains(route);
    }
    static bool waitFor(const std::function<bool()>& f, int ms = 5000) { return QTest::qWaitFor(f, ms); }

    // Answers every PingRequest `call` got after message `from` over Noise, as tailscaled does.
    int answerPings(FakeMachine& m, const std::shared_ptr<FakeMachine::Call>& call, qsizetype from)
    {
        int answered = 0;
        for (qsizetype i = from; i < call->messages.size(); ++i) {
            const QString url = call->messages[i]["PingRequest"].toObject()["URL"].toString();
            if (url.isEmpty())
                continue;
            const QUrl u(url);
            http::Http2ClientStream* s = m.client->request("HEAD", (u.path() + "?" + u.query()).toUtf8(), {});
            int status = 0;
            QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [&status](int st, const http::Http2Headers&) { status = st; });
            if (waitFor([&] { return status != 0; }) && status == 200)
                ++answered;
        }
        return answered;
    }

private Q_SLOTS:
    void init()
    {
        KEEL_OPEN_TEST_BED("sqlite");
        store::User u;
        u.name = "bob";
        m_bob = m_store->createUser(u)->id;
    }
    void cleanup()
    {
        m_service.reset();
        m_state.reset();
        closeBed();
    }

    void approvedRouteFailsOverAndIsWithdrawn()
    {
        start(200); // a short offline grace: failover within it plus one batch
        FakeMachine a(*m_service, 1), b(*m_service, 2), c(*m_service, 3);
        auto streamA = join(a, 1, {kRoute});
        auto streamC = join(c, 3, {});
        const qint64 idA = idOf(1), idC = idOf(3);
        QVERIFY(waitFor([&] { return streamC->netmap.peers().contains(idA); }));
        // Advertised but not approved: invisible to peers.
        QVERIFY(!allowed(streamC, idA).contains(kRoute));
        QVERIFY(!streamC->netmap.peers().value(idA).contains("PrimaryRoutes"));

        approve(idA, {kRoute});
        QVERIFY(waitFor([&] { return serves(streamC, idA, kRoute); }));
        QCOMPARE(allowed(streamC, idA), (QStringList{"10.0.0.0/24", "100.64.0.1/32", "fd7a:115c:a1e0::1/128"}));
        // The router sees its own route in its self node.
        QVERIFY(waitFor([&] { return strings(streamA->netmap.self()["PrimaryRoutes"]) == QStringList{kRoute}; }));

        // A second router for the same prefix: A stays primary, B carries no route yet.
        auto streamB = join(b, 2, {kRoute});
        const qint64 idB = idOf(2);
        approve(idB, {kRoute});
        QVERIFY(waitFor([&] { return streamC->netmap.peers().contains(idB); }));
        QTest::qWait(50);
        QVERIFY(serves(streamC, idA, kRoute));
        QVERIFY(!allowed(streamC, idB).contains(kRoute));
        // Co-router visibility: B sees that A is primary.
        QVERIFY(waitFor([&] { return serves(streamB, idA, kRoute); }));

        // A disconnects: after the grace period C is told that B serves the prefix, A no longer.
        QElapsedTimer t;
        t.start();
        streamA->stream->cancel();
        QVERIFY(waitFor([&] { return serves(streamC, idB, kRoute) && !allowed(streamC, idA).contains(kRoute); }));
        qInfo() << "failover reached the peer after" << t.elapsed() << "ms (grace 200 ms)";
        QVERIFY(t.elapsed() >= 150);
        QCOMPARE(m_state->snapshot()->primaries.value(kRoute), idB);

        // A comes back: B keeps the prefix (anti-flap).
        streamA = open(a, 1, {kRoute});
        QVERIFY(waitFor([&] { return m_service->isOnline(idA); }));
        QTest::qWait(100);
        QCOMPARE(m_state->snapshot()->primaries.value(kRoute), idB);
        QVERIFY(serves(streamC, idB, kRoute));
        QVERIFY(!allowed(streamC, idA).contains(kRoute));

        // B withdraws the route (a lite update without it): A takes over; then A withdraws too.
        auto lite = b.post("/machine/map", mapWithRoutes(2, {}, false));
        QVERIFY(waitFor([&] { return lite->done(); }));
        QVERIFY(waitFor([&] { return serves(streamC, idA, kRoute) && !allowed(streamC, idB).contains(kRoute); }));
        lite = a.post("/machine/map", mapWithRoutes(1, {}, false));
        QVERIFY(waitFor([&] { return lite->done(); }));
        QVERIFY(waitFor([&] { return !allowed(streamC, idA).contains(kRoute); }));
        QVERIFY(!streamC->netmap.peers().value(idA).contains("PrimaryRoutes"));
        QVERIFY(m_state->snapshot()->primaries.isEmpty());
        QVERIFY(idC > 0);
    }

    void exitNodeNeedsBothRoutes()
    {
        start();
        FakeMachine e(*m_service, 1), c(*m_service, 2);
        const QStringList exits{"0.0.0.0/0", "::/0"};
        auto streamE = join(e, 1, exits);
        auto streamC = join(c, 2, {});
        const qint64 idE = idOf(1);
        QVERIFY(waitFor([&] { return streamC->netmap.peers().contains(idE); }));
        approve(idE, {"0.0.0.0/0"});
        QTest::qWait(100);
        QVERIFY(!allowed(streamC, idE).contains("0.0.0.0/0")); // one of two: not an exit node
        approve(idE, exits);
        QVERIFY(waitFor([&] { return allowed(streamC, idE).contains("0.0.0.0/0") && allowed(streamC, idE).contains("::/0"); }));
        // Exit routes are not PrimaryRoutes.
        QVERIFY(!streamC->netmap.peers().value(idE).contains("PrimaryRoutes"));
        // The exit node lists them in its own AllowedIPs too.
        QVERIFY(waitFor([&] { return strings(streamE->netmap.self()["AllowedIPs"]).contains("::/0"); }));
    }

    void selfNodeFollowsItsOwnAnnouncedRoutes()
    {
        start();
        FakeMachine e(*m_service, 1);
        const QStringList exits{"0.0.0.0/0", "::/0"};
        auto streamE = join(e, 1, {});
        const qint64 idE = idOf(1);
        approve(idE, exits); // approved before the node announces anything
        QTest::qWait(100);
        QVERIFY(!strings(streamE->netmap.self()["AllowedIPs"]).contains("::/0"));
        // It starts announcing them. Exit routes take no part in the election, so nothing but the
        // Hostinfo change can tell the node that its own AllowedIPs grew.
        auto lite = e.post("/machine/map", mapWithRoutes(1, exits, false));
        QVERIFY(waitFor([&] { return lite->done(); }));
        QVERIFY(waitFor([&] { return strings(streamE->netmap.self()["AllowedIPs"]).contains("::/0"); }));
    }

    void aclHidesRoutesTheViewerCannotReach()
    {
        // Alice may reach 10.0.0.0/24, bob only 192.168.0.0/24; both reach everyone's nodes.
        m_config.policy.mode = "database";
        QVERIFY(m_store->setPolicy(R"({
            "acls":[{"action":"accept","src":["alice@"],"dst":["10.0.0.0/24:*","alice@:*","bob@:*"]},
                    {"action":"accept","src":["bob@"],"dst":["192.168.0.0/24:*","alice@:*","bob@:*"]}]})"));
        start();
        store::NewPreAuthKey k;
        k.userId = m_bob;
        k.reusable = true;
        const QString bobKey = m_store->createPreAuthKey(k)->fullKey;
        FakeMachine r(*m_service, 1), viewerAlice(*m_service, 2), viewerBob(*m_service, 3);
        auto streamR = join(r, 1, {kRoute, "192.168.0.0/24"});
        auto streamA = join(viewerAlice, 2, {});
        auto streamB = join(viewerBob, 3, {}, bobKey);
        const qint64 idR = idOf(1);
        approve(idR, {kRoute, "192.168.0.0/24"});
        QVERIFY(waitFor([&] { return primary(streamA, idR) == QStringList{kRoute}; }));
        QVERIFY(waitFor([&] { return primary(streamB, idR) == QStringList{"192.168.0.0/24"}; }));
        QVERIFY(!allowed(streamA, idR).contains("192.168.0.0/24"));
        QVERIFY(!allowed(streamB, idR).contains(kRoute));

        // A policy change that takes alice's route away reaches her without the router changing.
        QVERIFY(m_state->setPolicy(R"({
            "acls":[{"action":"accept","src":["alice@"],"dst":["alice@:*","bob@:*"]},
                    {"action":"accept","src":["bob@"],"dst":["192.168.0.0/24:*","alice@:*","bob@:*"]}]})", state::Actor::system()));
        QVERIFY(waitFor([&] { return streamA->netmap.peers().contains(idR) && primary(streamA, idR).isEmpty()
                                     && !allowed(streamA, idR).contains(kRoute); }));
        QCOMPARE(primary(streamB, idR), QStringList{"192.168.0.0/24"});
        QVERIFY(streamR->netmap.hasSelf());
    }

    void autoApproversApproveAndPersistAcrossRestart()
    {
        m_config.policy.mode = "database";
        QVERIFY(m_store->setPolicy(R"({"autoApprovers":{"routes":{"10.0.0.0/8":["alice@"]}},
            "acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})"));
        start();
        FakeMachine r(*m_service, 1), c(*m_service, 2);
        auto streamR = join(r, 1, {kRoute});
        auto streamC = join(c, 2, {});
        const qint64 idR = idOf(1);
        QVERIFY(waitFor([&] { return serves(streamC, idR, kRoute); }));
        QCOMPARE(m_store->nodeById(idR)->approvedRoutes, QStringList{kRoute});

        // A restart with the autoApprovers gone: the approval was stored, the route still served.
        m_service.reset();
        m_state.reset();
        QVERIFY(m_store->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})"));
        start();
        FakeMachine r2(*m_service, 1), c2(*m_service, 2);
        streamR = open(r2, 1, {kRoute});
        streamC = open(c2, 2, {});
        QVERIFY(waitFor([&] { return serves(streamC, idR, kRoute); }));
    }

    void silentRouterIsFailedOverByTheProber()
    {
        start();
        FakeMachine a(*m_service, 1), b(*m_service, 2), c(*m_service, 3);
        auto streamA = join(a, 1, {kRoute});
        auto streamB = join(b, 2, {kRoute});
        auto streamC = join(c, 3, {});
        const qint64 idA = idOf(1), idB = idOf(2);
        approve(idA, {kRoute});
        approve(idB, {kRoute});
        QVERIFY(waitFor([&] { return serves(streamC, idA, kRoute); }));
        QCOMPARE(control::HaProber::haRouters(*m_state->snapshot()), (QList<qint64>{idA, idB}));
        control::HaProber& prober = m_service->haProber();

        // Cycle 1: B answers, A (the primary) stays silent. A fresh stream's first miss is forgiven.
        qsizetype fromA = streamA->messages.size(), fromB = streamB->messages.size();
        prober.probeOnce();
        QVERIFY(waitFor([&] { return streamA->messages.size() > fromA && streamB->messages.size() > fromB; }));
        const QJsonObject ping = streamA->messages.last()["PingRequest"].toObject();
        QVERIFY(ping["URL"].toString().startsWith("https://ctrl.example.com/machine/ping-response?id="));
        QCOMPARE(ping["Log"].toBool(true), false);
        QCOMPARE(answerPings(b, streamB, fromB), 1);
        prober.finishCycle();
        QCOMPARE(m_state->snapshot()->primaries.value(kRoute), idA);
        QVERIFY(m_state->snapshot()->unhealthy.isEmpty());

        // Cycle 2, same streams: A misses again and is failed over; C is told.
        fromA = streamA->messages.size();
        fromB = streamB->messages.size();
        prober.probeOnce();
        QVERIFY(waitFor([&] { return streamB->messages.size() > fromB; }));
        QCOMPARE(answerPings(b, streamB, fromB), 1);
        QCOMPARE(prober.outstanding(), 1);
        prober.finishCycle();
        QVERIFY(m_state->snapshot()->unhealthy.contains(idA));
        QVERIFY(waitFor([&] { return serves(streamC, idB, kRoute) && !allowed(streamC, idA).contains(kRoute); }));

        // A answers a later probe: healthy again, but B keeps the prefix.
        fromA = streamA->messages.size();
        fromB = streamB->messages.size();
        prober.probeOnce();
        QVERIFY(waitFor([&] { return streamA->messages.size() > fromA && streamB->messages.size() > fromB; }));
        QCOMPARE(answerPings(a, streamA, fromA), 1);
        QCOMPARE(answerPings(b, streamB, fromB), 1);
        QVERIFY(!m_state->snapshot()->unhealthy.contains(idA));
        QCOMPARE(m_state->snapshot()->primaries.value(kRoute), idB);

        // Unknown and reused ping ids are refused.
        QCOMPARE(m_service->pingResponse("nope"), 404);
        QCOMPARE(m_service->pingResponse(""), 400);
    }
};

QTEST_GUILESS_MAIN(TestRoutes)
#include "tst_routes.moc"
