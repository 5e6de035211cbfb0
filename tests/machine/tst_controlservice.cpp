// Registration and map sessions through ControlService over real HTTP/2 sessions (in-memory pipe).
#include "StateControlHarness.h"
#include "TestPaths.h"

#include <QFile>

using namespace keel;
using keel::test::FakeMachine;
using keel::test::fakeKey;
using keel::test::mapRequest;
using keel::test::registerRequest;

class TestControlService : public QObject, protected test::TestBed
{
    Q_OBJECT

    std::unique_ptr<state::State> m_state;
    std::unique_ptr<control::ControlService> m_service;

    QString newKey(bool reusable = false, bool ephemeral = false, const QStringList& tags = {},
                   std::optional<QDateTime> expiration = std::nullopt)
    {
        store::NewPreAuthKey k;
        k.userId = m_alice;
        k.reusable = reusable;
        k.ephemeral = ephemeral;
        k.tags = tags;
        k.expiration = expiration;
        auto created = m_store->createPreAuthKey(k);
        return created ? created->fullKey : QString();
    }

    // `quickDelayMs` < 0: the batcher's default.
    void start(int batchDelayMs = 0, qint64 backlogLimit = 256 * 1024, int keepAliveMs = 50'000, int quickDelayMs = -1)
    {
        QString error;
        m_state = state::State::load(*m_store, m_config, &error);
        QVERIFY2(m_state, qPrintable(error));
        control::MapperOptions mo = control::MapperOptions::fromConfig(m_config);
        mo.derpMap = [] {
            return QJsonObject{{"Regions", QJsonObject{{"999", QJsonObject{{"RegionID", 999}, {"RegionCode", "keel"}}}}}};
        };
        control::ControlService::Options o;
        o.offlineGraceMs = 0;
        o.keepAliveMs = keepAliveMs;
        o.housekeepingMs = 0;
        o.batcher.delayMs = batchDelayMs;
        o.batcher.backlogLimitBytes = backlogLimit;
        if (quickDelayMs >= 0)
            o.batcher.quickDelayMs = quickDelayMs;
        m_service = std::make_unique<control::ControlService>(*m_state, mo, o);
    }

    // Registers machine `n` with a fresh reusable key and opens its map stream.
    // Whether every stream's netmap equals the truth: every other node, with its current endpoints.
    bool converged(const QList<std::shared_ptr<FakeMachine::Call>>& streams)
    {
        const auto s = m_state->snapshot();
        for (const auto& call : streams) {
            const qint64 self = call->netmap.self()["ID"].toInteger();
            if (!s->node(self))
                continue;
            QSet<qint64> want;
            for (auto it = s->nodes.cbegin(); it != s->nodes.cend(); ++it)
                if (it.key() != self)
                    want.insert(it.key());
            if (call->netmap.peerIds() != want)
                return false;
            for (qint64 id : want)
                if (call->netmap.peers()[id]["Endpoints"].toArray() != QJsonArray::fromStringList(s->node(id)->node.endpoints))
                    return false;
        }
        return true;
    }

    qint64 idOf(int n) const { return m_state->snapshot()->nodeByKey(fakeKey("nodekey:", n))->node.id; }

    std::shared_ptr<FakeMachine::Call> join(FakeMachine& m, int n, const QString& key)
    {
        const QJsonObject r = m.registerNode(registerRequest(n, key, QStringLiteral("node%1").arg(n)));
        if (r.value("MachineAuthorized").toBool() != true)
            qWarning() << r;
        auto call = m.post("/machine/map", mapRequest(n, true));
        (void)QTest::qWaitFor([&] { return !call->messages.isEmpty(); }, 5000);
        return call;
    }

private Q_SLOTS:
    void init() { KEEL_OPEN_TEST_BED("sqlite"); }
    void cleanup()
    {
        m_service.reset();
        m_state.reset();
        closeBed();
    }

    // A map request whose stream the client reset in the same read as the request reaches the
    // handler with an already inert response (Http2ServerSession defers dispatch): no session may
    // stay attached, nor the node online. The handler is called directly with such a response.
    void mapStreamResetInTheSameReadLeavesNoSession()
    {
        start();
        FakeMachine m(*m_service, 1);
        const QJsonObject r = m.registerNode(registerRequest(1, newKey(), QStringLiteral("node1")));
        QVERIFY2(r.value("MachineAuthorized").toBool(), qPrintable(QJsonDocument(r).toJson()));
        control::ControlContext context;
        context.machineKey = *crypto::MachinePublic::parse(m.machineKey());
        context.protocolVersion = 115;
        http::Http2Request request;
        request.method = "POST";
        request.path = "/machine/map";
        request.body = QJsonDocument(mapRequest(1, true)).toJson(QJsonDocument::Compact);
        m_service->serve(context, request, http::Http2Response());
        QVERIFY(!m_service->batcher().sessionOf(idOf(1)));
        QVERIFY(!m_service->isOnline(idOf(1)));
        // The node's next real stream works as usual.
        auto call = m.post("/machine/map", mapRequest(1, true));
        QVERIFY(QTest::qWaitFor([&] { return !call->messages.isEmpty(); }, 5000));
        QVERIFY(m_service->batcher().sessionOf(idOf(1)));
    }

    void preAuthKeyRegistersDurably()
    {
        start();
        FakeMachine m(*m_service, 1);
        const QJsonObject r = m.registerNode(registerRequest(1, newKey(), "web"));
        QCOMPARE(r["MachineAuthorized"].toBool(), true);
        QCOMPARE(r["NodeKeyExpired"].toBool(), false);
        QCOMPARE(r["User"].toObject()["ID"].toInteger(), m_alice);
        QCOMPARE(r["Login"].toObject()["LoginName"].toString(), QString("alice"));
        QVERIFY(!r.contains("NodeKeySignature") || r["NodeKeySignature"].isNull());
        // Durable before the answer left.
        auto stored = m_store->nodeByNodeKey(fakeKey("nodekey:", 1));
        QVERIFY(stored);
        QCOMPARE(stored->machineKey, m.machineKey());
        QCOMPARE(stored->registerMethod, QString("authkey"));
    }

    void badKeysGiveClientVisibleErrors()
    {
        start();
        FakeMachine m(*m_service, 1);
        QCOMPARE(m.registerNode(registerRequest(1, "hskey-auth-nope-nope", "a"))["Error"].toString(), QString("invalid authkey"));
        const QString expired = newKey(false, false, {}, Clock::now().addSecs(-10));
        QCOMPARE(m.registerNode(registerRequest(2, expired, "b"))["Error"].toString(), QString("authkey expired"));
        const QString once = newKey();
        QVERIFY(m.registerNode(registerRequest(3, once, "c"))["Error"].toString().isEmpty());
        FakeMachine other(*m_service, 2);
        QCOMPARE(other.registerNode(registerRequest(4, once, "d"))["Error"].toString(), QString("authkey already used"));
        int status = 0;
        m.registerNode(QJsonObject{{"NodeKey", "garbage"}}, &status);
        QCOMPARE(status, 400);
    }

    void singleUseKeyRaceHasOneWinner()
    {
        start();
        const QString key = newKey();
        std::vector<std::unique_ptr<FakeMachine>> machines;
        QList<std::shared_ptr<FakeMachine::Call>> calls;
        for (int i = 1; i <= 6; ++i) {
            machines.push_back(std::make_unique<FakeMachine>(*m_service, i));
            calls.append(machines.back()->post("/machine/register", registerRequest(i, key, QStringLiteral("n%1").arg(i))));
        }
        QVERIFY(QTest::qWaitFor([&] { return std::all_of(calls.begin(), calls.end(), [](auto& c) { return c->done(); }); }, 10000));
        int winners = 0;
        for (auto& c : calls)
            winners += c->json()["MachineAuthorized"].toBool() ? 1 : 0;
        QCOMPARE(winners, 1);
        QCOMPARE(m_store->listNodes()->size(), 1);
    }

    void reusableAndTaggedAndEphemeralKeys()
    {
        start();
        const QString reusable = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2), c(*m_service, 3);
        QVERIFY(a.registerNode(registerRequest(1, reusable, "a"))["MachineAuthorized"].toBool());
        QVERIFY(b.registerNode(registerRequest(2, reusable, "b"))["MachineAuthorized"].toBool());
        const QJsonObject t = c.registerNode(registerRequest(3, newKey(false, true, {"tag:server"}), "srv"));
        QCOMPARE(t["User"].toObject()["ID"].toInteger(), state::State::kTaggedDevicesId);
        QCOMPARE(t["Login"].toObject()["LoginName"].toString(), QString("tagged-devices"));
        const auto* n = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 3));
        QCOMPARE(n->node.tags, QStringList{"tag:server"});
        QVERIFY(!n->node.userId);
        QVERIFY(n->node.ephemeral);
        // --advertise-tags beyond the key's tags are refused.
        FakeMachine d(*m_service, 4);
        QJsonObject req = registerRequest(4, newKey(), "d");
        QJsonObject hi = req["Hostinfo"].toObject();
        hi.insert("RequestTags", QJsonArray{"tag:admin"});
        req.insert("Hostinfo", hi);
        QVERIFY(d.registerNode(req)["Error"].toString().contains("tag:admin"));
    }

    void reRegistrationLogoutAndExpiry()
    {
        start();
        FakeMachine m(*m_service, 1);
        const QString key = newKey();
        QVERIFY(m.registerNode(registerRequest(1, key, "web"))["MachineAuthorized"].toBool());
        // Restart of a container: same key again (spent by now) and same node key -> accepted.
        const QJsonObject again = m.registerNode(registerRequest(1, key, "web"));
        QVERIFY2(again["MachineAuthorized"].toBool(), qPrintable(QJsonDocument(again).toJson()));
        QCOMPARE(m_store->listNodes()->size(), 1);
        // Extending is refused.
        QJsonObject extend = registerRequest(1, QString(), "web");
        extend.insert("Expiry", "2099-01-01T00:00:00Z");
        const qint64 id = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 1))->node.id;
        QVERIFY(m_state->setExpiry(id, Clock::now().addDays(30)));
        QCOMPARE(m.registerNode(extend)["Error"].toString(), QString("extending key is not allowed"));
        // Logout: past expiry, even with the auth key in the request.
        QJsonObject logout = registerRequest(1, key, "web");
        logout.insert("Expiry", "1970-01-01T00:02:03Z");
        const QJsonObject out = m.registerNode(logout);
        QCOMPARE(out["NodeKeyExpired"].toBool(), true);
        QCOMPARE(*m_store->nodeById(id)->expiry, Clock::now()); // clamped to now, not 1970
        // The next routine login is told the key expired.
        QCOMPARE(m.registerNode(registerRequest(1, QString(), "web"))["NodeKeyExpired"].toBool(), true);
    }

    void nodeKeyServedOnlyToItsMachine()
    {
        start();
        FakeMachine owner(*m_service, 1), thief(*m_service, 2);
        QVERIFY(owner.registerNode(registerRequest(1, newKey(), "web"))["MachineAuthorized"].toBool());
        int status = 0;
        thief.registerNode(registerRequest(1, QString(), "web"), &status);
        QCOMPARE(status, 401);
        auto map = thief.post("/machine/map", mapRequest(1, true));
        QVERIFY(QTest::qWaitFor([&] { return map->done(); }, 5000));
        QCOMPARE(map->status, 404);
        QVERIFY(map->messages.isEmpty());
    }

    void interactiveRegistration()
    {
        start();
        FakeMachine m(*m_service, 1);
        const QJsonObject first = m.registerNode(registerRequest(1, QString(), "laptop"));
        const QString url = first["AuthURL"].toString();
        QVERIFY2(url.startsWith("https://ctrl.example.com/register/hskey-authreq-"), qPrintable(url));
        const QString authId = control::Registration::authIdFromUrl(url);
        QCOMPARE(authId.size(), 14 + 24);
        QVERIFY(control::ControlService::registerPage(authId).contains("keel nodes register --user USERNAME --key " + authId.toUtf8()));

        QJsonObject follow = registerRequest(1, QString(), "laptop");
        follow.insert("Followup", url);
        auto held = m.post("/machine/register", follow);
        QTest::qWait(50);
        QVERIFY(!held->done()); // held until approved
        QCOMPARE(m_service->registration().approve(authId, "nobody").error().kind, store::Error::NotFound);
        auto approved = m_service->registration().approve(authId, "alice");
        QVERIFY(approved);
        QVERIFY(QTest::qWaitFor([&] { return held->done(); }, 5000));
        QCOMPARE(held->json()["MachineAuthorized"].toBool(), true);
        QCOMPARE(m_store->nodeByNodeKey(fakeKey("nodekey:", 1))->registerMethod, QString("cli"));

        // Key rotation of the same machine keeps the node.
        QJsonObject rotate = registerRequest(2, QString(), "laptop");
        rotate.insert("OldNodeKey", fakeKey("nodekey:", 1));
        const QString url2 = m.registerNode(rotate)["AuthURL"].toString();
        QVERIFY(url2 != url);
        // The old key keeps working until the new one is authorised (seamless renewal).
        QVERIFY(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 1)));
        QVERIFY(m_service->registration().approve(control::Registration::authIdFromUrl(url2), "alice"));
        QCOMPARE(m_store->listNodes()->size(), 1);
        QCOMPARE(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id, approved->node.id);
        QVERIFY(!m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 1)));
    }

    void rejectedRegistrationIsAnswered()
    {
        start();
        FakeMachine m(*m_service, 1);
        const QString url = m.registerNode(registerRequest(1, QString(), "laptop"))["AuthURL"].toString();
        const QString authId = control::Registration::authIdFromUrl(url);
        const QJsonArray pending = m_service->registration().pendingJson();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0]["authId"].toString(), authId);
        QCOMPARE(pending[0]["hostname"].toString(), QString("laptop"));
        QVERIFY(pending[0]["machineKey"].toString().startsWith("mkey:"));
        QList<QString> events;
        m_state->events().subscribe([&](const state::Event& e) { events << e.type; });
        QJsonObject follow = registerRequest(1, QString(), "laptop");
        follow.insert("Followup", url);
        auto held = m.post("/machine/register", follow);
        QTest::qWait(20);
        QVERIFY(!held->done());
        QVERIFY(m_service->registration().reject(authId, state::Actor::of("unix:0")));
        // The waiting client gets its answer now, not a timeout.
        QVERIFY(QTest::qWaitFor([&] { return held->done(); }, 5000));
        QCOMPARE(held->json()["Error"].toString(), QString("registration rejected by an administrator"));
        QVERIFY(m_service->registration().pendingJson().isEmpty());
        // Its retry with the same link gets the same answer; nothing was registered.
        QCOMPARE(m.registerNode(follow)["Error"].toString(), QString("registration rejected by an administrator"));
        QVERIFY(m_store->listNodes()->isEmpty());
        QCOMPARE(m_service->registration().approve(authId, "alice").error().kind, store::Error::NotFound);
        QCOMPARE(events, (QList<QString>{"registration.rejected", "audit.entry"}));
        QCOMPARE(m_store->listAudit()->first().action, QString("registration.reject"));
    }

    void deviceApprovalKeepsNodeOutOfMaps()
    {
        m_config.node.deviceApproval = true;
        start();
        store::NewPreAuthKey k;
        k.userId = m_alice;
        k.reusable = true;
        k.preApproved = true;
        const QString preApproved = m_store->createPreAuthKey(k)->fullKey;
        FakeMachine a(*m_service, 1), b(*m_service, 2), c(*m_service, 3);
        auto sa = join(a, 1, preApproved);
        const qint64 idA = idOf(1);
        QCOMPARE(sa->netmap.self()["MachineAuthorized"].toBool(), true);
        // A plain key: b registers but waits, and is told so.
        const QJsonObject rb = b.registerNode(registerRequest(2, newKey(), "node2"));
        QCOMPARE(rb["MachineAuthorized"].toBool(), false);
        auto sb = b.post("/machine/map", mapRequest(2, true));
        QVERIFY(QTest::qWaitFor([&] { return !sb->messages.isEmpty(); }, 5000));
        const qint64 idB = idOf(2);
        QCOMPARE(sb->netmap.self()["MachineAuthorized"].toBool(), false);
        QVERIFY(sb->netmap.peerIds().isEmpty());
        // c (pre-approved) joins after b: once a has c, it would have had b too.
        auto sc = join(c, 3, preApproved);
        const qint64 idC = idOf(3);
        QVERIFY(QTest::qWaitFor([&] { return sa->netmap.peerIds().contains(idC); }, 5000));
        QCOMPARE(sa->netmap.peerIds(), QSet<qint64>{idC});
        QCOMPARE(sc->netmap.peerIds(), QSet<qint64>{idA});
        QVERIFY(sb->netmap.peerIds().isEmpty());

        const qsizetype seenA = sa->messages.size(), seenB = sb->messages.size(), seenC = sc->messages.size();
        QVERIFY(m_state->authorizeNode(idB, state::Actor::of("unix:0")));
        QVERIFY(QTest::qWaitFor([&] {
            return sa->netmap.peerIds() == (QSet<qint64>{idB, idC}) && sc->netmap.peerIds() == (QSet<qint64>{idA, idB})
                   && sb->netmap.peerIds() == (QSet<qint64>{idA, idC}) && sb->netmap.self()["MachineAuthorized"].toBool();
        }, 5000));
        // Only the approved node gets a full map; the others learn of it in a delta.
        const auto fullMaps = [](const QList<QJsonObject>& messages, qsizetype from) {
            return std::count_if(messages.cbegin() + from, messages.cend(), [](const QJsonObject& m) { return m.contains("Peers"); });
        };
        QVERIFY(fullMaps(sb->messages, seenB) >= 1);
        QCOMPARE(fullMaps(sa->messages, seenA), 0);
        QCOMPARE(fullMaps(sc->messages, seenC), 0);
    }

    void pendingRegistrationExpires()
    {
        start();
        FakeMachine m(*m_service, 1);
        const QString url = m.registerNode(registerRequest(1, QString(), "laptop"))["AuthURL"].toString();
        QJsonObject follow = registerRequest(1, QString(), "laptop");
        follow.insert("Followup", url);
        auto held = m.post("/machine/register", follow);
        QTest::qWait(20);
        m_clock->advance(m_config.tuning.registerCacheExpirationMs);
        m_service->housekeeping();
        QVERIFY(QTest::qWaitFor([&] { return held->done(); }, 5000));
        const QString fresh = held->json()["AuthURL"].toString();
        QVERIFY(!fresh.isEmpty());
        QVERIFY(fresh != url); // the same URL would make the client back off
        QCOMPARE(m_service->registration().approve(control::Registration::authIdFromUrl(url), "alice").error().kind,
                 store::Error::NotFound);
    }

    void firstMapIsComplete()
    {
        start();
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        join(a, 1, key);
        auto call = join(b, 2, key);
        QVERIFY(!call->messages.isEmpty());
        QCOMPARE(call->status, 200);
        const QJsonObject m = call->messages.first();
        const QJsonObject self = m["Node"].toObject();
        QCOMPARE(self["Name"].toString(), QString("node2.ts.example.com."));
        QCOMPARE(self["MachineAuthorized"].toBool(), true);
        QCOMPARE(self["Addresses"].toArray(), (QJsonArray{"100.64.0.2/32", "fd7a:115c:a1e0::2/128"}));
        QCOMPARE(self["AllowedIPs"].toArray(), self["Addresses"].toArray());
        QCOMPARE(self["StableID"].toString(), QString::number(self["ID"].toInteger()));
        QCOMPARE(self["DiscoKey"].toString(), fakeKey("discokey:", 2));
        QCOMPARE(self["Online"].toBool(), true);
        QCOMPARE(self["Cap"].toInt(), 115);
        const QJsonObject caps = self["CapMap"].toObject();
        QVERIFY(caps.contains("disable-captive-portal-detection"));
        QVERIFY(caps.contains("https://tailscale.com/cap/ssh"));
        QCOMPARE(caps["default-auto-update"].toArray(), QJsonArray{false});
        const QJsonArray peers = m["Peers"].toArray();
        QCOMPARE(peers.size(), 1);
        QCOMPARE(peers[0].toObject()["Name"].toString(), QString("node1.ts.example.com."));
        QVERIFY(!peers[0].toObject().contains("CapMap"));
        QCOMPARE(m["PacketFilter"].toArray(), control::Mapper::allowAllFilter());
        QCOMPARE(m["Domain"].toString(), QString("ts.example.com"));
        QCOMPARE(m["DERPMap"].toObject()["Regions"].toObject()["999"].toObject()["RegionCode"].toString(), QString("keel"));
        QCOMPARE(m["DNSConfig"].toObject()["Domains"].toArray(), QJsonArray{"ts.example.com"});
        QCOMPARE(m["DNSConfig"].toObject()["Proxied"].toBool(), true);
        QCOMPARE(m["UserProfiles"].toArray().size(), 1);
        QCOMPARE(m["UserProfiles"].toArray()[0].toObject()["LoginName"].toString(), QString("alice"));
        QCOMPARE(m["CollectServices"].toBool(), false);
        QCOMPARE(m["DefaultAutoUpdate"], QJsonValue(false)); // a JSON boolean (opt.Bool)
        QCOMPARE(m["Debug"].toObject()["DisableLogTail"].toBool(), true);
        QVERIFY(m["ControlTime"].toString().endsWith("Z"));
    }

    void joinReachesOthersAsOneDelta()
    {
        // Long enough that registration, stream start and the first report fall in one batch (no
        // quick first batch after the quiet period).
        start(300, 256 * 1024, 50'000, 300);
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto streamA = join(a, 1, key);
        QVERIFY(QTest::qWaitFor([&] { return streamA->messages.size() >= 1; }, 2000));
        const int before = int(streamA->messages.size());
        join(b, 2, key);
        QVERIFY(QTest::qWaitFor([&] { return streamA->messages.size() > before; }, 5000));
        QTest::qWait(400);
        // Added, came online and reported its disco key: coalesced into one message.
        QCOMPARE(streamA->messages.size(), before + 1);
        const QJsonObject delta = streamA->messages.last();
        QVERIFY(!delta.contains("Peers"));
        const QJsonArray changed = delta["PeersChanged"].toArray();
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0].toObject()["Key"].toString(), fakeKey("nodekey:", 2));
        QCOMPARE(changed[0].toObject()["Online"].toBool(), true);
        QCOMPARE(changed[0].toObject()["DiscoKey"].toString(), fakeKey("discokey:", 2));
        QVERIFY(!delta.contains("PeersChangedPatch")); // the whole node supersedes its patches
        QVERIFY(delta.contains("UserProfiles"));
    }

    void liteUpdatePatchesPeers()
    {
        start(5);
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto streamA = join(a, 1, key);
        auto streamB = join(b, 2, key);
        QVERIFY(QTest::qWaitFor([&] { return streamA->messages.size() >= 2; }, 5000));
        QTest::qWait(100); // let the join settle
        const int before = int(streamA->messages.size());
        QJsonObject lite = mapRequest(2, false, true);
        lite.insert("Endpoints", QJsonArray{"192.0.2.2:41641"});
        QJsonObject hi = lite["Hostinfo"].toObject();
        hi.insert("NetInfo", QJsonObject{{"PreferredDERP", 999}});
        lite.insert("Hostinfo", hi);
        auto liteCall = b.post("/machine/map", lite);
        QVERIFY(QTest::qWaitFor([&] { return liteCall->done(); }, 5000));
        QCOMPARE(liteCall->status, 200);
        QVERIFY(liteCall->body.isEmpty());
        QVERIFY(!streamB->done()); // the long-poll is undisturbed
        QVERIFY(QTest::qWaitFor([&] { return streamA->messages.size() > before; }, 5000));
        const QJsonArray patch = streamA->messages.last()["PeersChangedPatch"].toArray();
        QCOMPARE(patch.size(), 1);
        const QJsonObject p = patch[0].toObject();
        QCOMPARE(p["NodeID"].toInteger(), m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id);
        QCOMPARE(p["Endpoints"].toArray(), QJsonArray{"192.0.2.2:41641"});
        QCOMPARE(p["DERPRegion"].toInt(), 999);
    }

    void oneShotFetchAndUncompressed()
    {
        start();
        FakeMachine a(*m_service, 1);
        QVERIFY(a.registerNode(registerRequest(1, newKey(), "a"))["MachineAuthorized"].toBool());
        QJsonObject req = mapRequest(1, false);
        req.remove("Compress");
        auto call = a.post("/machine/map", req, false);
        QVERIFY(QTest::qWaitFor([&] { return call->done(); }, 5000));
        QCOMPARE(call->messages.size(), 1);
        QVERIFY(call->messages[0].contains("Node"));
        QVERIFY(call->finished);
    }

    void offlineAndEphemeralGc()
    {
        start(5);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto streamA = join(a, 1, newKey(true));
        auto streamB = join(b, 2, newKey(false, true));
        const qint64 idB = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id;
        QVERIFY(m_service->isOnline(idB));
        QVERIFY(QTest::qWaitFor([&] { return streamA->messages.size() >= 2; }, 5000));
        QTest::qWait(100);
        const int before = int(streamA->messages.size());
        streamB->stream->cancel();
        QVERIFY(QTest::qWaitFor([&] { return !m_service->isOnline(idB); }, 5000));
        QJsonObject patch;
        QVERIFY(QTest::qWaitFor([&] {
            for (qsizetype i = before; i < streamA->messages.size(); ++i)
                for (const QJsonValue& v : streamA->messages[i]["PeersChangedPatch"].toArray())
                    if (v.toObject()["NodeID"].toInteger() == idB)
                        patch = v.toObject();
            return !patch.isEmpty();
        }, 5000));
        QCOMPARE(patch["Online"].toBool(), false);
        QVERIFY(patch.contains("LastSeen"));
        m_clock->advance(m_config.node.ephemeralInactivityTimeoutMs);
        const int before2 = int(streamA->messages.size());
        m_service->housekeeping();
        QVERIFY(!m_state->snapshot()->node(idB));
        QVERIFY(QTest::qWaitFor([&] { return streamA->messages.size() > before2; }, 5000));
        QCOMPARE(streamA->messages.last()["PeersRemoved"].toArray(), QJsonArray{idB});
    }

    void deletingANodeEndsItsStream()
    {
        start(5);
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto streamA = join(a, 1, key);
        auto streamB = join(b, 2, key);
        const qint64 idB = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id;
        QVERIFY(m_state->deleteNode(idB, state::Actor::of("unix:0"))); // what the admin API does
        QVERIFY(QTest::qWaitFor([&] { return streamB->done(); }, 5000));
        QVERIFY(QTest::qWaitFor([&] {
            return !streamA->messages.isEmpty() && streamA->messages.last()["PeersRemoved"].toArray() == QJsonArray{idB};
        }, 5000));
    }

    void burstCoalescesToOneMessagePerNode()
    {
        start(50);
        const QString key = newKey(true);
        std::vector<std::unique_ptr<FakeMachine>> machines;
        QList<std::shared_ptr<FakeMachine::Call>> streams;
        for (int i = 1; i <= 5; ++i) {
            machines.push_back(std::make_unique<FakeMachine>(*m_service, i));
            streams.append(join(*machines.back(), i, key));
        }
        // Every node knows the other four before the burst, so no join message lands after
        // `before` is taken (a fixed pause alone is not enough on a busy machine).
        QVERIFY(QTest::qWaitFor([&] {
            for (auto& s : streams)
                if (s->netmap.peers().size() != 4)
                    return false;
            return true;
        }, 10000));
        QTest::qWait(150);
        QList<int> before;
        for (auto& s : streams)
            before << int(s->messages.size());
        // A burst: every node changes endpoints ten times.
        for (int round = 0; round < 10; ++round)
            for (int i = 1; i <= 5; ++i) {
                state::NodeReport r;
                r.endpoints = QStringList{QStringLiteral("192.0.2.%1:%2").arg(i).arg(1000 + round)};
                QVERIFY(m_state->applyReport(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", i))->node.id, r));
            }
        // Wait for the batch to reach everyone, then a moment more in which no second one may come.
        QVERIFY(QTest::qWaitFor([&] {
            for (int i = 0; i < 5; ++i)
                if (streams[i]->messages.size() < before[i] + 1)
                    return false;
            return true;
        }, 5000));
        QTest::qWait(200);
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(streams[i]->messages.size(), before[i] + 1);
            const QJsonArray patches = streams[i]->messages.last()["PeersChangedPatch"].toArray();
            QCOMPARE(patches.size(), 4);
            for (const QJsonValue& p : patches) // the latest value, never an intermediate one
                QVERIFY(p.toObject()["Endpoints"].toArray()[0].toString().endsWith(":1009"));
        }
    }

    void slowNodeGetsItsOwnBacklogAndConverges()
    {
        start(5, 1);
        const QString key = newKey(true);
        http::Http2ClientSession::Options small;
        small.streamWindowBytes = 300;
        small.connectionWindowBytes = 65535;
        std::vector<std::unique_ptr<FakeMachine>> machines;
        QList<std::shared_ptr<FakeMachine::Call>> streams;
        for (int i = 1; i <= 4; ++i) {
            machines.push_back(std::make_unique<FakeMachine>(*m_service, i, i == 4 ? small : http::Http2ClientSession::Options()));
            streams.append(join(*machines.back(), i, key));
        }
        QTest::qWait(100);
        FakeMachine& slow = *machines.back();
        slow.pause();
        const int fastBefore = int(streams[0]->messages.size());
        const int slowBefore = int(streams[3]->messages.size());
        for (int round = 0; round < 40; ++round) {
            for (int i = 1; i <= 3; ++i) {
                state::NodeReport r;
                r.endpoints = QStringList{QStringLiteral("198.51.100.%1:%2").arg(i).arg(2000 + round)};
                QVERIFY(m_state->applyReport(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", i))->node.id, r));
            }
            QTest::qWait(10);
        }
        // A node joins and one leaves while the slow node is stuck.
        machines.push_back(std::make_unique<FakeMachine>(*m_service, 5));
        streams.append(join(*machines.back(), 5, key));
        QVERIFY(m_state->deleteNode(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id));
        QVERIFY(m_service->batcher().sessionOf(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 4))->node.id)->backlogBytes() > 0);
        // Nobody else waited for it.
        QVERIFY(QTest::qWaitFor([&] { return converged({streams[0], streams[2], streams[4]}); }, 5000));
        QVERIFY(streams[0]->messages.size() > fastBefore + 20);
        slow.resume();
        QVERIFY(QTest::qWaitFor([&] { return converged({streams[3]}); }, 5000));
        // It got the same truth in far fewer messages: its backlog was coalesced.
        QVERIFY2(streams[3]->messages.size() - slowBefore < streams[0]->messages.size() - fastBefore,
                 qPrintable(QStringLiteral("slow %1, fast %2").arg(streams[3]->messages.size() - slowBefore).arg(streams[0]->messages.size() - fastBefore)));
    }

    void policyChangeUpdatesVisibilityAndFilters()
    {
        m_config.policy.mode = "database";
        start(5);
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2), c(*m_service, 3);
        auto sa = join(a, 1, key);
        auto sb = join(b, 2, key);
        c.registerNode(registerRequest(3, newKey(false, false, {"tag:db"}), "db"));
        auto sc = c.post("/machine/map", mapRequest(3, true));
        QVERIFY(QTest::qWaitFor([&] { return converged({sa, sb, sc}); }, 5000));
        QVERIFY(m_state->setPolicy(R"({"tagOwners":{"tag:db":["alice@"]},
            "acls":[{"action":"accept","src":["alice@"],"dst":["tag:db:5432"]}]})", state::Actor::system()));
        const qint64 db = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 3))->node.id;
        QVERIFY(QTest::qWaitFor([&] { return sa->netmap.peerIds() == QSet<qint64>{db}; }, 5000));
        QVERIFY(sa->netmap.packetFilter().isEmpty()); // nothing may reach alice's nodes now
        QVERIFY(QTest::qWaitFor([&] { return sc->netmap.peerIds().size() == 2; }, 5000));
        QCOMPARE(sc->netmap.packetFilter().size(), 1);
        QCOMPARE(sc->netmap.packetFilter()[0].toObject()["DstPorts"].toArray()[0].toObject()["Ports"].toObject()["First"].toInt(), 5432);
    }

    void keyExpiryReachesSelfAndPeers()
    {
        m_config.node.expiryMs = 3600'000;
        start(5);
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto sa = join(a, 1, key);
        auto sb = join(b, 2, key);
        QTest::qWait(100);
        m_clock->advance(3600'000);
        m_service->housekeeping();
        const qint64 idB = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id;
        QVERIFY(QTest::qWaitFor([&] { return sb->netmap.self()["Expired"].toBool(); }, 5000));
        QCOMPARE(sb->netmap.self()["MachineAuthorized"].toBool(), false);
        QVERIFY(QTest::qWaitFor([&] { return sa->netmap.peers()[idB].contains("KeyExpiry"); }, 5000));
        QCOMPARE(sa->netmap.peers()[idB]["KeyExpiry"].toString(), control::Mapper::goTime(*m_state->snapshot()->node(idB)->node.expiry));
    }

    void reRegisteredExpiredPeerIsWholeAgain()
    {
        // A peer a client saw with Expired=true comes back with a new key: a Key/KeyExpiry patch
        // would leave Expired (and MachineAuthorized=false) on the client, which then refuses to
        // send to it (magicsock errExpired). The whole node must be sent.
        m_config.node.expiryMs = 3600'000;
        start(5);
        const QString key = newKey(true);
        FakeMachine a(*m_service, 1), b(*m_service, 2);
        auto sa = join(a, 1, key);
        auto sb = join(b, 2, key);
        const qint64 idB = m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 2))->node.id;
        QVERIFY(QTest::qWaitFor([&] { return sa->netmap.peerIds().contains(idB); }, 5000));
        m_clock->advance(3600'000);
        m_service->housekeeping();
        // a reconnects while b is expired: its full map carries b as expired.
        auto sa2 = a.post("/machine/map", mapRequest(1, true));
        QVERIFY(QTest::qWaitFor([&] { return !sa2->messages.isEmpty(); }, 5000));
        QCOMPARE(sa2->netmap.peers()[idB]["Expired"].toBool(), true);
        QCOMPARE(sa2->netmap.peers()[idB]["MachineAuthorized"].toBool(), false);
        // b logs in again with a new node key (same Hostinfo, so only the expiry makes it whole).
        QJsonObject again = registerRequest(22, key, "node2");
        again.insert("OldNodeKey", fakeKey("nodekey:", 2));
        again.insert("Hostinfo", QJsonObject{{"Hostname", "node2"}, {"OS", "linux"}});
        const QJsonObject r = b.registerNode(again);
        QVERIFY2(r["MachineAuthorized"].toBool(), qPrintable(QJsonDocument(r).toJson()));
        QCOMPARE(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 22))->node.id, idB);
        QVERIFY(QTest::qWaitFor([&] { return sa2->netmap.peers()[idB]["Key"].toString() == fakeKey("nodekey:", 22); }, 5000));
        QCOMPARE(sa2->netmap.peers()[idB]["Expired"].toBool(), false);
        QCOMPARE(sa2->netmap.peers()[idB]["MachineAuthorized"].toBool(), true);
        bool whole = false;
        for (const QJsonObject& m : sa2->messages)
            for (const QJsonValue& v : m["PeersChanged"].toArray())
                whole = whole || v.toObject()["ID"].toInteger() == idB;
        QVERIFY(whole);
    }

    void fullMapIntoARunningStreamClearsSsh()
    {
        // SSHPolicy absent means "unchanged" to the client: a full map sent mid-stream after the
        // policy lost its ssh section must carry an empty one, or the old rules stay in force.
        m_config.policy.mode = "database";
        QVERIFY(m_store->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}],
            "ssh":[{"action":"accept","src":["autogroup:member"],"dst":["autogroup:self"],"users":["autogroup:nonroot"]}]})"));
        start(50);
        FakeMachine a(*m_service, 1);
        auto sa = join(a, 1, newKey());
        QVERIFY(!sa->messages.isEmpty());
        QVERIFY(!sa->messages.first()["SSHPolicy"].toObject()["rules"].toArray().isEmpty());
        const int before = int(sa->messages.size());
        // A policy change and a user change in one batch: the node gets one full map.
        QVERIFY(m_state->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})", state::Actor::system()));
        store::User carol;
        carol.name = "carol";
        QVERIFY(m_state->createUser(carol, state::Actor::system()));
        QVERIFY(QTest::qWaitFor([&] { return sa->messages.size() > before; }, 5000));
        const QJsonObject full = sa->messages.last();
        QVERIFY2(full.contains("Node") && full.contains("DERPMap"), "expected a full map");
        QVERIFY(full["SSHPolicy"].isObject());
        QCOMPARE(full["SSHPolicy"].toObject()["rules"].toArray().size(), 0);
    }

    void keepAlivesOnAnIdleStream()
    {
        start(5, 256 * 1024, 40);
        FakeMachine a(*m_service, 1);
        auto stream = join(a, 1, newKey());
        QVERIFY(QTest::qWaitFor([&] { return stream->netmap.keepAlives() >= 3; }, 5000));
        for (const QJsonObject& m : stream->messages)
            if (m.contains("KeepAlive"))
                QCOMPARE(m, (QJsonObject{{"KeepAlive", true}}));
        QVERIFY(!stream->done());
    }

    void advertiseTagsCheckedAgainstTagOwners()
    {
        m_config.policy.mode = "database";
        QVERIFY(m_store->setPolicy(R"({"tagOwners":{"tag:web":["alice@"],"tag:ops":["bob@"]},
            "acls":[{"action":"accept","src":["*"],"dst":["*:*"]}]})"));
        start();
        auto withTags = [](QJsonObject req, const QJsonArray& tags) {
            QJsonObject hi = req["Hostinfo"].toObject();
            hi.insert("RequestTags", tags);
            req.insert("Hostinfo", hi);
            return req;
        };
        FakeMachine a(*m_service, 1), b(*m_service, 2), c(*m_service, 3);
        const QJsonObject ok = a.registerNode(withTags(registerRequest(1, newKey(), "web"), {"tag:web"}));
        QVERIFY2(ok["MachineAuthorized"].toBool(), qPrintable(QJsonDocument(ok).toJson()));
        QCOMPARE(ok["User"].toObject()["ID"].toInteger(), state::State::kTaggedDevicesId);
        QCOMPARE(m_state->snapshot()->nodeByKey(fakeKey("nodekey:", 1))->node.tags, QStringList{"tag:web"});
        QCOMPARE(b.registerNode(withTags(registerRequest(2, newKey(), "ops"), {"tag:ops"}))["Error"].toString(),
                 QString("requested tags [tag:ops] are invalid or not permitted"));
        // Interactive: the approving user must own the tags.
        const QString url = c.registerNode(withTags(registerRequest(3, QString(), "x"), {"tag:ops"}))["AuthURL"].toString();
        const auto refused = m_service->registration().approve(control::Registration::authIdFromUrl(url), "alice");
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, store::Error::Invalid);
        QVERIFY(refused.error().message.contains("tag:ops"));
    }

    void realClientBodiesReplay_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("1.82.5") << "real-client-exchange/ts2021-session-1.82.5.json";
        QTest::newRow("1.96.5") << "real-client-exchange/ts2021-session-1.96.5.json";
    }
    void realClientBodiesReplay()
    {
        QFETCH(QString, file);
        start();
        QFile f(test::testdataPath(file));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject session = QJsonDocument::fromJson(f.readAll()).object();
        QList<QJsonObject> bodies;
        for (const QJsonValue& v : session["client_http2_frames_after_preface"].toArray()) {
            const QJsonObject fr = v.toObject();
            if (fr["type"].toString() == "DATA" && fr["body"].toString().startsWith("{\"Version\""))
                bodies << QJsonDocument::fromJson(fr["body"].toString().toUtf8()).object();
        }
        QVERIFY(bodies.size() >= 2);
        FakeMachine m(*m_service, 1);
        QJsonObject reg = bodies.takeFirst();
        QVERIFY(reg.contains("NLKey"));
        reg.insert("Auth", QJsonObject{{"AuthKey", newKey()}}); // the recorded key belonged to that server
        const QJsonObject r = m.registerNode(reg);
        QVERIFY2(r["MachineAuthorized"].toBool(), qPrintable(QJsonDocument(r).toJson()));
        std::shared_ptr<FakeMachine::Call> streamCall;
        for (const QJsonObject& body : bodies) {
            auto call = m.post("/machine/map", body);
            if (body["Stream"].toBool()) {
                streamCall = call;
                QVERIFY(QTest::qWaitFor([&] { return !call->messages.isEmpty(); }, 5000));
            } else {
                QVERIFY(QTest::qWaitFor([&] { return call->done(); }, 5000));
                QCOMPARE(call->status, 200);
            }
        }
        QVERIFY(streamCall);
        const QJsonObject first = streamCall->messages.first();
        QVERIFY(first["Node"].toObject()["MachineAuthorized"].toBool());
        QCOMPARE(first["Node"].toObject()["Key"].toString(), reg["NodeKey"].toString());
        const auto* node = m_state->snapshot()->nodeByKey(reg["NodeKey"].toString());
        QVERIFY(node);
        QVERIFY(!node->node.discoKey.isEmpty());
        QVERIFY(!node->node.hostinfoJson.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestControlService)
#include "tst_controlservice.moc"
