#include "state/State.h"
#include "TestBed.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace keel;
using state::Change;
using state::State;
using state::Actor;

namespace {

QString key(const char* prefix, int n)
{
    return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
}

QByteArray hostinfo(const QString& hostname, int derp = 0)
{
    QJsonObject hi{{"Hostname", hostname}, {"OS", "linux"}, {"IPNVersion", "1.82.5"}};
    if (derp)
        hi.insert("NetInfo", QJsonObject{{"PreferredDERP", derp}});
    return QJsonDocument(hi).toJson(QJsonDocument::Compact);
}

} // namespace

class TestState : public QObject, protected test::TestBed
{
    Q_OBJECT

    state::ChangeList m_changes;

    std::unique_ptr<State> loadState()
    {
        QString error;
        auto s = State::load(*m_store, m_config, &error);
        if (!s)
            qWarning() << error;
        else
            s->setChangeHandler([this](const state::ChangeList& c) { m_changes += c; });
        return s;
    }

    state::NewNode spec(int n, const QString& hostname)
    {
        state::NewNode s;
        s.machineKey = key("mkey:", n);
        s.nodeKey = key("nodekey:", n);
        s.hostinfoJson = hostinfo(hostname);
        s.userId = m_alice;
        s.registerMethod = "authkey";
        return s;
    }

private Q_SLOTS:
    void init()
    {
        KEEL_OPEN_TEST_BED("sqlite");
        m_changes.clear();
    }
    void cleanup() { closeBed(); }

    void loadsUsersAndTaggedIdentity()
    {
        auto s = loadState();
        QVERIFY(s);
        auto snap = s->snapshot();
        QVERIFY(snap->user(m_alice));
        QCOMPARE(snap->user(State::kTaggedDevicesId)->name, QString("tagged-devices"));
        QVERIFY(!snap->policy);
    }

    void createIsDurableAndVisible()
    {
        auto s = loadState();
        auto before = s->snapshot();
        auto r = s->createNode(spec(1, "Web Server"));
        QVERIFY2(r, qPrintable(r ? QString() : r.error().message));
        QCOMPARE(r->node.ipv4, QString("100.64.0.1"));
        QCOMPARE(r->node.ipv6, QString("fd7a:115c:a1e0::1"));
        QCOMPARE(r->node.givenName, QString("web-server"));
        // The old snapshot is immutable; the new one has the node.
        QVERIFY(!before->node(r->node.id));
        QVERIFY(s->snapshot()->nodeByKey(key("nodekey:", 1)));
        QCOMPARE(m_changes.size(), 1);
        QCOMPARE(m_changes[0].kind, Change::Kind::PeerAdded);
        // Already in the store before the snapshot was published.
        auto stored = m_store->nodeByNodeKey(key("nodekey:", 1));
        QVERIFY(stored);
        QCOMPARE(stored->ipv4, QString("100.64.0.1"));

        // A restart sees the same node.
        s.reset();
        auto again = loadState();
        QCOMPARE(again->snapshot()->nodes.size(), 1);
        QCOMPARE(again->snapshot()->node(r->node.id)->node.givenName, QString("web-server"));
    }

    void duplicateNodeKeyRejected()
    {
        auto s = loadState();
        QVERIFY(s->createNode(spec(1, "a")));
        auto again = s->createNode(spec(1, "b"));
        QVERIFY(!again);
        QCOMPARE(again.error().kind, store::Error::Conflict);
    }

    void uniqueLabels()
    {
        auto s = loadState();
        QCOMPARE(s->createNode(spec(1, "laptop"))->node.givenName, QString("laptop"));
        QCOMPARE(s->createNode(spec(2, "Laptop"))->node.givenName, QString("laptop-1"));
        QCOMPARE(s->createNode(spec(3, "laptop.local"))->node.givenName, QString("laptop-2"));
        QCOMPARE(s->createNode(spec(4, ""))->node.givenName, QString("node"));
    }

    void addressesNeverHandedOutTwiceAcrossRestart()
    {
        auto s = loadState();
        auto a = s->createNode(spec(1, "a"));
        auto b = s->createNode(spec(2, "b"));
        QVERIFY(s->deleteNode(b->node.id));
        s.reset();
        auto again = loadState();
        auto c = again->createNode(spec(3, "c"));
        QVERIFY(c);
        QVERIFY(c->node.ipv4 != a->node.ipv4);
        QVERIFY(c->node.ipv4 != b->node.ipv4); // the freed address is not reused before the prefix wraps
        QCOMPARE(c->node.ipv4, QString("100.64.0.3"));
    }

    void exhaustedPrefixIsAClearError()
    {
        m_config.prefixes.v4 = "100.64.0.0/30";
        m_config.prefixes.v6.clear();
        auto s = loadState();
        QVERIFY(s->createNode(spec(1, "a")));
        QVERIFY(s->createNode(spec(2, "b")));
        auto third = s->createNode(spec(3, "c"));
        QVERIFY(!third);
        QVERIFY2(third.error().message.contains("exhausted"), qPrintable(third.error().message));
        QCOMPARE(s->snapshot()->nodes.size(), 2);
    }

    void badPrefixFailsLoad()
    {
        m_config.prefixes.v4 = "100.64.0.0/99";
        QString error;
        QVERIFY(!State::load(*m_store, m_config, &error));
        QVERIFY(error.contains("prefix"));
    }

    void reportsMakePatchesOrFullChanges()
    {
        auto s = loadState();
        const qint64 id = s->createNode(spec(1, "web"))->node.id;
        m_changes.clear();
        state::NodeReport r;
        r.discoKey = key("discokey:", 7);
        r.endpoints = QStringList{"192.0.2.1:41641"};
        r.capVersion = 115;
        QVERIFY(s->applyReport(id, r));
        QCOMPARE(m_changes.size(), 1);
        QCOMPARE(m_changes[0].kind, Change::Kind::PeerPatch);
        QVERIFY(m_changes[0].fields & Change::Disco);
        QVERIFY(m_changes[0].fields & Change::Endpoints);
        QCOMPARE(m_store->nodeById(id)->discoKey, key("discokey:", 7));

        // The same report again changes nothing.
        m_changes.clear();
        QVERIFY(s->applyReport(id, r));
        QVERIFY(m_changes.isEmpty());

        // A DERP home change is a patch; NetInfo is kept when a later Hostinfo lacks it.
        state::NodeReport d;
        d.hostinfoJson = hostinfo("web", 900);
        QVERIFY(s->applyReport(id, d));
        QCOMPARE(m_changes.last().kind, Change::Kind::PeerPatch);
        QVERIFY(m_changes.last().fields & Change::Derp);
        state::NodeReport noNetInfo;
        noNetInfo.hostinfoJson = hostinfo("web");
        m_changes.clear();
        QVERIFY(s->applyReport(id, noNetInfo));
        QVERIFY(m_changes.isEmpty());
        const QJsonObject stored = QJsonDocument::fromJson(s->snapshot()->node(id)->node.hostinfoJson).object();
        QCOMPARE(stored["NetInfo"].toObject()["PreferredDERP"].toInt(), 900);

        // A new hostname renames the node (not admin-renamed) and is a full change.
        state::NodeReport renamed;
        renamed.hostinfoJson = hostinfo("db");
        QVERIFY(s->applyReport(id, renamed));
        QCOMPARE(m_changes.last().kind, Change::Kind::PeerChanged);
        QCOMPARE(s->snapshot()->node(id)->node.givenName, QString("db"));
        QCOMPARE(m_store->nodeById(id)->givenName, QString("db"));
    }

    void adminRenameSticks()
    {
        auto s = loadState();
        const qint64 id = s->createNode(spec(1, "web"))->node.id;
        const qint64 other = s->createNode(spec(2, "db"))->node.id;
        QVERIFY(!s->renameNode(id, "Bad Name"));
        QCOMPARE(s->renameNode(id, "db").error().kind, store::Error::Conflict);
        QVERIFY(s->renameNode(id, "frontend"));
        state::NodeReport r;
        r.hostinfoJson = hostinfo("web2");
        QVERIFY(s->applyReport(id, r));
        QCOMPARE(s->snapshot()->node(id)->node.givenName, QString("frontend"));
        QCOMPARE(s->snapshot()->node(other)->node.givenName, QString("db"));
    }

    void onlineAndLastSeen()
    {
        auto s = loadState();
        const qint64 id = s->createNode(spec(1, "web"))->node.id;
        s->setOnline(id, true);
        QVERIFY(s->snapshot()->node(id)->online);
        QVERIFY(s->snapshot()->node(id)->node.lastSeen);
        m_clock->advance(60'000);
        s->setOnline(id, false);
        const auto* n = s->snapshot()->node(id);
        QVERIFY(!n->online);
        QCOMPARE(*n->node.lastSeen, Clock::now());
        QCOMPARE(*m_store->nodeById(id)->lastSeen, Clock::now());
        QVERIFY(m_changes.last().fields & Change::Online);
    }

    void ephemeralCollectedAfterInactivity()
    {
        auto s = loadState();
        auto e = spec(1, "eph");
        e.ephemeral = true;
        const qint64 id = s->createNode(e)->node.id;
        const qint64 keep = s->createNode(spec(2, "keep"))->node.id;
        s->setOnline(id, true);
        m_clock->advance(600'000);
        QVERIFY(s->collectEphemeral().isEmpty()); // online: never collected
        s->setOnline(id, false);
        m_clock->advance(m_config.node.ephemeralInactivityTimeoutMs - 1000);
        QVERIFY(s->collectEphemeral().isEmpty());
        m_clock->advance(1000);
        QCOMPARE(s->collectEphemeral(), QList<qint64>{id});
        QVERIFY(!s->snapshot()->node(id));
        QVERIFY(!m_store->nodeById(id));
        QVERIFY(s->snapshot()->node(keep));
        QCOMPARE(m_changes.last().kind, Change::Kind::PeerRemoved);
    }

    void ephemeralScheduledAtStart()
    {
        auto s = loadState();
        auto e = spec(1, "eph");
        e.ephemeral = true;
        const qint64 id = s->createNode(e)->node.id;
        s.reset();
        auto again = loadState();
        m_clock->advance(m_config.node.ephemeralInactivityTimeoutMs);
        QCOMPARE(again->collectEphemeral(), QList<qint64>{id});
    }

    void expiryCheckReportsOnce()
    {
        m_config.node.expiryMs = 3600'000;
        auto s = loadState();
        const qint64 id = s->createNode(spec(1, "web"))->node.id;
        auto tagged = spec(2, "srv");
        tagged.tags = {"tag:server"};
        const qint64 tid = s->createNode(tagged)->node.id;
        QVERIFY(!s->snapshot()->node(tid)->node.expiry); // tagged nodes never expire
        QVERIFY(!s->snapshot()->node(tid)->node.userId);
        QVERIFY(s->checkExpiry().isEmpty());
        m_clock->advance(3600'000);
        QCOMPARE(s->checkExpiry(), QList<qint64>{id});
        QVERIFY(s->snapshot()->node(id)->isExpired(Clock::now()));
        QVERIFY(s->checkExpiry().isEmpty()); // reported once
    }

    void reauthRotatesKeyKeepsIdentity()
    {
        auto s = loadState();
        auto first = s->createNode(spec(1, "web"));
        m_changes.clear();
        auto r = s->reauthNode(first->node.id, key("nodekey:", 99), {}, std::nullopt, m_alice, {});
        QVERIFY(r);
        QCOMPARE(r->node.id, first->node.id);
        QCOMPARE(r->node.ipv4, first->node.ipv4);
        QCOMPARE(r->node.givenName, first->node.givenName);
        QVERIFY(!s->snapshot()->nodeByKey(key("nodekey:", 1)));
        QVERIFY(s->snapshot()->nodeByKey(key("nodekey:", 99)));
        QCOMPARE(m_changes.last().kind, Change::Kind::PeerPatch);
        QVERIFY(m_changes.last().fields & Change::Key);
    }

    void adminVerbs()
    {
        auto s = loadState();
        const qint64 id = s->createNode(spec(1, "web"))->node.id;
        QVERIFY(s->setTags(id, {"tag:web"}, Actor::of("unix:0")));
        QCOMPARE(s->snapshot()->node(id)->node.tags, QStringList{"tag:web"});
        QCOMPARE(m_store->nodeById(id)->tags, QStringList{"tag:web"});
        QVERIFY(s->deleteNode(id, Actor::of("unix:0")));
        QVERIFY(!s->snapshot()->node(id));
        QVERIFY(!m_store->nodeById(id));
        QCOMPARE(m_changes.last().kind, Change::Kind::PeerRemoved);
    }

    void policyFromDatabase()
    {
        m_config.policy.mode = "database";
        QVERIFY(m_store->setPolicy(R"({"acls":[{"action":"accept","src":["alice@"],"dst":["*:*"]}]})"));
        auto s = loadState();
        QVERIFY(s);
        QVERIFY(s->snapshot()->policy);
        QVERIFY(m_store->setPolicy(R"({"acls": [ {"action":"nope"} ]})"));
        QString error;
        QVERIFY(!s->reloadPolicy(&error));
        QVERIFY(!error.isEmpty());
        QVERIFY(s->snapshot()->policy); // the previous policy stays
    }

    void policyTestsGateEveryReload()
    {
        // tests and sshTests run on every reload against the tailnet as it is: a policy whose
        // tests fail is refused with the failing test named, and the policy in force stays.
        m_config.policy.mode = "database";
        const QByteArray good = R"({"acls":[{"action":"accept","src":["alice@"],"dst":["alice@:22"]}],
            "tests":[{"src":"alice@","accept":["alice@:22"],"deny":["alice@:80"]}]})";
        const QByteArray opensTooMuch = R"({"acls":[{"action":"accept","src":["alice@"],"dst":["alice@:*"]}],
            "tests":[{"src":"alice@","accept":["alice@:22"],"deny":["alice@:80"]}]})";
        QVERIFY(m_store->setPolicy(QString::fromUtf8(good)));
        auto s = loadState();
        QVERIFY(s);
        QVERIFY(s->createNode(spec(1, "laptop")));
        QString reloadError;
        QVERIFY2(s->reloadPolicy(&reloadError), qPrintable(reloadError));
        const auto inForce = s->snapshot()->policy;
        QVERIFY(inForce);
        QCOMPARE(s->checkPolicy(good), QString());

        QString summary;
        const QString problem = s->checkPolicy(opensTooMuch, {}, &summary);
        QVERIFY2(problem.startsWith(QLatin1String("test(s) failed:\n")), qPrintable(problem));
        QVERIFY2(problem.contains(QLatin1String("tests[0]: alice@ -> alice@:80")), qPrintable(problem));
        QVERIFY2(problem.contains(QLatin1String("expected DENIED, got ALLOWED")), qPrintable(problem));
        QCOMPARE(summary, QStringLiteral("1 user, 1 node"));

        QVERIFY(m_store->setPolicy(QString::fromUtf8(opensTooMuch)));
        QString error;
        QVERIFY(!s->reloadPolicy(&error));
        QCOMPARE(error, problem);
        QCOMPARE(s->snapshot()->policy, inForce);

        // An sshTests failure is refused the same way.
        const QByteArray sshFails = R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}],
            "sshTests":[{"src":"alice@","dst":["alice@"],"accept":["root"]}]})";
        const QString sshProblem = s->checkPolicy(sshFails);
        QVERIFY2(sshProblem.startsWith(QLatin1String("test(s) failed:\n")), qPrintable(sshProblem));
        QVERIFY2(sshProblem.contains(QLatin1String("sshTests[0]: alice@/root -> laptop: expected ALLOWED, got DENIED")), qPrintable(sshProblem));

        // autogroup:admin as a nodeAttrs target is accepted (Tailscale does) but matches nobody
        // here: no user roles. It loads, with a warning that says so.
        QVERIFY(m_store->setPolicy(R"({"acls":[{"action":"accept","src":["*"],"dst":["*:*"]}],
            "nodeAttrs":[{"target":["autogroup:admin"],"attr":["funnel"]}]})"));
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("nodeAttrs\\[0\\]: autogroup:admin matches no node: Keel has no user roles")));
        QVERIFY2(s->reloadPolicy(&error), qPrintable(error));
        QVERIFY(s->snapshot()->policy->nodeAttrs.size() == 1);
        QVERIFY(m_store->setPolicy(QString::fromUtf8(good)));
        QVERIFY2(s->reloadPolicy(&error), qPrintable(error));
        QVERIFY(m_store->setPolicy(QString::fromUtf8(opensTooMuch)));

        // At start-up failing tests only warn: a stored policy does not keep the server down.
        s.reset();
        auto restarted = loadState();
        QVERIFY(restarted);
        QVERIFY(restarted->snapshot()->policy);
        QCOMPARE(restarted->snapshot()->policy->acls.first().dst.first().ports.first().last, 65535);
    }
};

QTEST_GUILESS_MAIN(TestState)
#include "tst_state.moc"
