// "A node never learns a peer the policy does not grant" (issue 16), through a real `keel serve`
// with a policy file and simulated nodes (keel-sim: real ts2021 sessions, map streams applied as
// tailscaled applies them). Every map message every node receives is checked, not only the final
// netmap: a peer that appears for one message and goes again is a leak too.
//
// Policy: alice's nodes reach alice's; bob's reach carol's port 22. So alice's two nodes see each
// other, bob's see carol's and carol's see bob's (a node sees who may reach it), and nobody else
// sees anybody: not alice and bob/carol, not bob's two nodes each other, not carol's two. Then the
// policy grants alice -> bob and later takes it back; the other pairs stay invisible throughout.
#include "KeelProcess.h"

#include "sim/SimNode.h"

#include <QFile>
#include <QJsonObject>
#include <QTest>

using keel::test::KeelProcess;

namespace {

const QByteArray kBase = R"({"acls": [
  {"action": "accept", "src": ["alice@"], "dst": ["alice@:*"]},
  {"action": "accept", "src": ["bob@"], "dst": ["carol@:22"]}]})";
const QByteArray kAliceToBob = R"({"acls": [
  {"action": "accept", "src": ["alice@"], "dst": ["alice@:*", "bob@:*"]},
  {"action": "accept", "src": ["bob@"], "dst": ["carol@:22"]}]})";

struct Member
{
    keel::sim::SimNode* node;
    QString user;
};

} // namespace

class TestPolicyVisibility : public QObject
{
    Q_OBJECT

    QList<Member> m_members;
    QHash<QString, QString> m_userOfKey;         // node key -> user
    QSet<QPair<QString, QString>> m_allowed;     // (viewer user, peer user) that may be seen now
    QStringList m_violations;

    // Every message: each peer's user must be one the viewer may see under the policy in force.
    void check(const Member& m)
    {
        for (const QJsonObject& peer : m.node->netmap().peers()) {
            const QString peerUser = m_userOfKey.value(peer.value(QStringLiteral("Key")).toString(), QStringLiteral("?"));
            if (!m_allowed.contains({m.user, peerUser}))
                m_violations << QStringLiteral("%1's node %2 learned %3's node %4").arg(m.user).arg(m.node->index()).arg(peerUser,
                                                                                                                peer.value(QStringLiteral("Key")).toString());
        }
    }

    // True when every node's peers are exactly the other nodes of the users in `sees`.
    bool converged(const QHash<QString, QStringList>& sees, QString* why) const
    {
        for (const Member& m : m_members) {
            QSet<QString> want, got;
            for (const Member& o : m_members)
                if (o.node != m.node && sees.value(m.user).contains(o.user))
                    want.insert(o.node->nodeKey());
            for (const QJsonObject& peer : m.node->netmap().peers())
                got.insert(peer.value(QStringLiteral("Key")).toString());
            if (want != got || m.node->failed()) {
                *why = QStringLiteral("%1's node %2: %3 peers, want %4 %5").arg(m.user).arg(m.node->index()).arg(got.size()).arg(want.size()).arg(m.node->error());
                return false;
            }
        }
        return true;
    }

private slots:
    void aNodeNeverLearnsAPeerThePolicyDoesNotGrant()
    {
        KeelProcess keel;
        const QString path = keel.dir() + QStringLiteral("/policy.hujson");
        const auto write = [&path](const QByteArray& text) {
            QFile f(path + QStringLiteral(".new"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
            f.close();
            QFile::remove(path);
            QVERIFY(QFile::rename(path + QStringLiteral(".new"), path)); // one atomic change for the watcher
        };
        write(kBase);
        keel.writeConfig("policy:\n  mode: file\n  path: policy.hujson\n");
        QString error;
        QVERIFY2(keel.start(true, &error), qPrintable(error));
        const QStringList c{QStringLiteral("-c"), keel.configPath()};
        const QStringList users{QStringLiteral("alice"), QStringLiteral("bob"), QStringLiteral("carol")};
        m_allowed = {{QStringLiteral("alice"), QStringLiteral("alice")}, {QStringLiteral("bob"), QStringLiteral("carol")},
                     {QStringLiteral("carol"), QStringLiteral("bob")}};
        int index = 0;
        for (int u = 0; u < users.size(); ++u) {
            QCOMPARE(keel.cli(c + QStringList{QStringLiteral("users"), QStringLiteral("create"), users[u]}).exitCode, 0);
            const auto key = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"),
                                                      QString::number(u + 1), QStringLiteral("--reusable")});
            QVERIFY2(key.exitCode == 0, key.err.constData());
            for (int i = 0; i < 2; ++i) {
                auto* node = new keel::sim::SimNode(++index, QString::fromUtf8(key.out.trimmed()), this);
                m_members.append({node, users[u]});
                m_userOfKey.insert(node->nodeKey(), users[u]);
            }
        }
        for (const Member& m : std::as_const(m_members)) {
            connect(m.node, &keel::sim::SimNode::updated, this, [this, m] { check(m); });
            m.node->start(QStringLiteral("127.0.0.1"), keel.port(), std::nullopt);
        }
        QString why;
        const QHash<QString, QStringList> base{{QStringLiteral("alice"), {QStringLiteral("alice")}},
                                               {QStringLiteral("bob"), {QStringLiteral("carol")}},
                                               {QStringLiteral("carol"), {QStringLiteral("bob")}}};
        QVERIFY2(QTest::qWaitFor([&] { return converged(base, &why); }, 60000), qPrintable(why));
        QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QLatin1Char('\n'))));

        // alice -> bob granted: both sides learn each other (the check above is not blind).
        m_allowed.insert({QStringLiteral("alice"), QStringLiteral("bob")});
        m_allowed.insert({QStringLiteral("bob"), QStringLiteral("alice")});
        write(kAliceToBob);
        const QHash<QString, QStringList> granted{{QStringLiteral("alice"), {QStringLiteral("alice"), QStringLiteral("bob")}},
                                                  {QStringLiteral("bob"), {QStringLiteral("carol"), QStringLiteral("alice")}},
                                                  {QStringLiteral("carol"), {QStringLiteral("bob")}}};
        QVERIFY2(QTest::qWaitFor([&] { return converged(granted, &why); }, 60000), qPrintable(why));

        // Taken back: alice and bob lose each other again (the pairs stay allowed until then).
        write(kBase);
        QVERIFY2(QTest::qWaitFor([&] { return converged(base, &why); }, 60000), qPrintable(why));
        m_allowed.remove({QStringLiteral("alice"), QStringLiteral("bob")});
        m_allowed.remove({QStringLiteral("bob"), QStringLiteral("alice")});

        // A late joiner under the base policy: carol's third node sees bob's only.
        const auto key = keel.cli(c + QStringList{QStringLiteral("preauthkeys"), QStringLiteral("create"), QStringLiteral("-u"), QStringLiteral("3")});
        QVERIFY2(key.exitCode == 0, key.err.constData());
        auto* late = new keel::sim::SimNode(++index, QString::fromUtf8(key.out.trimmed()), this);
        m_members.append({late, QStringLiteral("carol")});
        m_userOfKey.insert(late->nodeKey(), QStringLiteral("carol"));
        const Member lateMember = m_members.last();
        connect(late, &keel::sim::SimNode::updated, this, [this, lateMember] { check(lateMember); });
        late->start(QStringLiteral("127.0.0.1"), keel.port(), std::nullopt);
        QVERIFY2(QTest::qWaitFor([&] { return converged(base, &why); }, 60000), qPrintable(why));
        QVERIFY2(m_violations.isEmpty(), qPrintable(m_violations.join(QLatin1Char('\n'))));
    }
};

QTEST_GUILESS_MAIN(TestPolicyVisibility)
#include "tst_policyvisibility.moc"
