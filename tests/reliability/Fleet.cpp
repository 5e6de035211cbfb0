#include "Fleet.h"

#include "control/ControlClient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace keel::test {

Fleet::Fleet(const QString& authKey, quint16 port, QObject* parent)
    : QObject(parent)
    , m_authKey(authKey)
    , m_port(port)
{
    m_redial.setInterval(1000);
    m_redial.callOnTimeout(this, [this] {
        for (sim::SimNode* n : std::as_const(m_nodes))
            if (n->failed())
                n->reconnect(QStringLiteral("127.0.0.1"), m_port);
    });
}

void Fleet::launch(int count, int concurrency)
{
    m_concurrency = qMax(1, concurrency);
    m_stopped = false;
    for (int i = 0; i < count; ++i) {
        auto* node = new sim::SimNode(m_nodes.size() + 1, m_authKey, this);
        node->setFullParse(false);   // the peer set is exact either way, and O(N) per node is enough
        m_nodes << node;
        m_queue << node;
        // Registration answered (either way): the slot is free for the next one.
        const auto settle = [this](sim::SimNode* n) {
            if (!n->property("inFlight").toBool())
                return;
            n->setProperty("inFlight", false);
            --m_inFlight;
            startNext();
        };
        connect(node, &sim::SimNode::registered, this, settle);
        connect(node, &sim::SimNode::failedSignal, this, settle);
        connect(node, &sim::SimNode::firstMap, this, [this](sim::SimNode* n) {
            if (!m_addresses.contains(n->nodeKey()))
                m_addresses.insert(n->nodeKey(), bareAddresses(n->selfAddresses()));
        });
    }
    for (int i = 0; i < m_concurrency; ++i)
        startNext();
}

void Fleet::startNext()
{
    while (!m_stopped && m_inFlight < m_concurrency && !m_queue.isEmpty()) {
        sim::SimNode* node = m_queue.takeFirst();
        node->setProperty("inFlight", true);
        ++m_inFlight;
        node->start(QStringLiteral("127.0.0.1"), m_port, std::nullopt);
    }
}

QList<sim::SimNode*> Fleet::acknowledged() const
{
    QList<sim::SimNode*> out;
    for (sim::SimNode* n : m_nodes)
        if (n->isRegistered())
            out << n;
    return out;
}

void Fleet::reconnectAll(quint16 port)
{
    m_port = port;
    m_queue.clear();
    m_inFlight = 0;
    m_stopped = true;   // reconnecting is all at once, not a new burst
    for (sim::SimNode* n : std::as_const(m_nodes)) {
        n->setProperty("inFlight", false);
        n->reconnect(QStringLiteral("127.0.0.1"), port);
    }
    m_redial.start();
}

bool Fleet::converged(qint64 peers, QString* why) const
{
    for (sim::SimNode* n : m_nodes) {
        if (!n->isRegistered()) {
            if (m_redial.isActive()) {   // after reconnectAll every node must be in
                if (why)
                    *why = QStringLiteral("node %1 not registered yet (%2)").arg(n->index()).arg(n->error());
                return false;
            }
            continue;
        }
        if (n->failed() || !n->view().hasSelf() || n->view().size() != peers) {
            if (why)
                *why = QStringLiteral("node %1: %2 peers of %3%4")
                           .arg(n->index())
                           .arg(n->view().size())
                           .arg(peers)
                           .arg(n->failed() ? QStringLiteral(", ") + n->error() : QString());
            return false;
        }
    }
    return true;
}

QHash<QString, QJsonObject> nodesByKey(const QJsonArray& list)
{
    QHash<QString, QJsonObject> out;
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        out.insert(o.value(QStringLiteral("nodeKey")).toString(), o);
    }
    return out;
}

QStringList bareAddresses(const QStringList& prefixes)
{
    QStringList out;
    for (const QString& p : prefixes)
        out << p.section(QLatin1Char('/'), 0, 0);
    out.sort();
    return out;
}

QStringList sortedAddresses(const QJsonObject& node)
{
    QStringList out;
    for (const QJsonValue& a : node.value(QStringLiteral("ipAddresses")).toArray())
        out << a.toString();
    out.sort();
    return out;
}

// One registration from a brand-new machine, answered or failed.
Answer registerOnce(quint16 port, const QString& authKey)
{
    const auto machine = crypto::MachinePrivate::generate();
    const auto node = crypto::NodePrivate::generate();
    control::ControlClient client(machine);
    Answer answer;
    bool done = false;
    QObject::connect(&client, &control::ControlClient::failed, [&](const QString& e) { answer.error = e; done = true; });
    QObject::connect(&client, &control::ControlClient::connected, [&] {
        const QJsonObject body{{QStringLiteral("Version"), 115},
                               {QStringLiteral("NodeKey"), node.publicKey().toString()},
                               {QStringLiteral("Auth"), QJsonObject{{QStringLiteral("AuthKey"), authKey}}},
                               {QStringLiteral("Hostinfo"), QJsonObject{{QStringLiteral("Hostname"), QStringLiteral("outage")}}}};
        auto* stream = client.request("POST", "/machine/register", QJsonDocument(body).toJson(QJsonDocument::Compact));
        QObject::connect(stream, &http::Http2ClientStream::dataReceived, [&](const QByteArray& c) { answer.body += c; });
        QObject::connect(stream, &http::Http2ClientStream::finished, [&, stream] { answer.status = stream->status(); done = true; });
        QObject::connect(stream, &http::Http2ClientStream::failed, [&](quint32, const QString& e) { answer.error = e; done = true; });
    });
    client.connectToServer(QStringLiteral("127.0.0.1"), port);
    if (!QTest::qWaitFor([&] { return done; }, 60000))
        answer.error = QStringLiteral("no answer in 60 s");
    return answer;
}

bool authorized(const Answer& a)
{
    return a.status == 200 && QJsonDocument::fromJson(a.body).object().value(QStringLiteral("MachineAuthorized")).toBool();
}

} // namespace keel::test
