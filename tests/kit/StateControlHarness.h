#pragma once

#include "common/Clock.h"
#include "machine/ControlService.h"
#include "control/MapSessionNetmap.h"
#include "http/Http2ClientSession.h"
#include "http/Http2ClientStream.h"
#include "http/Http2ServerSession.h"
#include "mapper/MapSessionFraming.h"
#include "state/State.h"
#include "store/Store.h"
#include "TestBed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QTest>

#include <memory>

namespace keel::test {

inline QString fakeKey(const char* prefix, int n)
{
    return QString::fromLatin1(prefix) + QStringLiteral("%1").arg(n, 64, 10, QLatin1Char('0'));
}

// One HTTP/2 connection of one machine to the ControlService, over an in-memory pipe (the real
// http2 classes on both ends; only the Noise layer is left out, its seam is ControlContext).
class FakeMachine
{
public:
    FakeMachine(control::ControlService& service, int n, const http::Http2ClientSession::Options& clientOptions = {})
    {
        m_context.machineKey = *crypto::MachinePublic::parse(fakeKey("mkey:", n));
        m_context.protocolVersion = 115;
        QPointer<control::ControlService> svc(&service);
        const control::ControlContext ctx = m_context;
        server = std::make_unique<http::Http2ServerSession>([svc, ctx](const http::Http2Request& r, http::Http2Response resp) {
            if (svc)
                svc->serve(ctx, r, std::move(resp));
        });
        client = std::make_unique<http::Http2ClientSession>(clientOptions);
        pipe(client.get(), server.get(), nullptr);
        pipe(server.get(), client.get(), &m_held);
        server->start();
        client->start();
    }
    ~FakeMachine()
    {
        client.reset();
        server.reset();
    }
    QString machineKey() const { return m_context.machineKey.toString(); }

    // A stalled client: bytes from the server are held (so no WINDOW_UPDATE comes back either).
    void pause() { m_held.paused = true; }
    void resume()
    {
        m_held.paused = false;
        const QByteArray bytes = std::exchange(m_held.bytes, {});
        if (!bytes.isEmpty())
            client->feed(bytes);
    }

    // Everything one request got back.
    struct Call
    {
        int status = 0;
        QByteArray body;
        bool finished = false;
        bool failed = false;
        QByteArray buffer; // undecoded map bytes
        QList<QJsonObject> messages;
        control::MapSessionNetmap netmap;
        bool zstd = true;
        bool isMap = false;
        QPointer<http::Http2ClientStream> stream;
        bool done() const { return finished || failed; }
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    std::shared_ptr<Call> post(const QByteArray& path, const QJsonObject& body, bool zstd = true)
    {
        auto call = std::make_shared<Call>();
        call->zstd = zstd;
        call->isMap = path == "/machine/map";
        http::Http2ClientStream* s = client->request("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
        call->stream = s;
        QObject::connect(s, &http::Http2ClientStream::headersReceived, s, [call](int st, const http::Http2Headers&) { call->status = st; });
        QObject::connect(s, &http::Http2ClientStream::dataReceived, s, [call](const QByteArray& chunk) {
            call->body += chunk;
            if (!call->isMap)
                return;
            call->buffer += chunk;
            QString error;
            while (auto m = control::MapSessionFraming::takeMessage(call->buffer, call->zstd, &error))
            {
                call->messages.append(QJsonDocument::fromJson(*m).object());
                call->netmap.apply(call->messages.last());
            }
        });
        QObject::connect(s, &http::Http2ClientStream::finished, s, [call] { call->finished = true; });
        QObject::connect(s, &http::Http2ClientStream::failed, s, [call](quint32, const QString&) { call->failed = true; });
        return call;
    }

    QJsonObject registerNode(const QJsonObject& body, int* status = nullptr)
    {
        auto call = post("/machine/register", body);
        if (!QTest::qWaitFor([&] { return call->done(); }, 5000))
            return {{"timeout", true}};
        if (status)
            *status = call->status;
        return call->json();
    }

    std::unique_ptr<http::Http2ServerSession> server;
    std::unique_ptr<http::Http2ClientSession> client;

private:
    struct Held
    {
        bool paused = false;
        QByteArray bytes;
    };

    static void pipe(http::Http2Session* from, http::Http2Session* to, Held* held)
    {
        QPointer<http::Http2Session> target(to);
        QObject::connect(
            from, &http::Http2Session::outgoing, to,
            [target, held](const QByteArray& b) {
                if (held && held->paused)
                    held->bytes += b;
                else if (target)
                    target->feed(b);
            },
            Qt::QueuedConnection);
        QObject::connect(
            from, &http::Http2Session::closed, to, [target] { if (target) target->transportClosed(); }, Qt::QueuedConnection);
    }

    Held m_held;
    control::ControlContext m_context;
};

inline QJsonObject registerRequest(int node, const QString& authKey, const QString& hostname)
{
    QJsonObject r{{"Version", 115},
                  {"NodeKey", fakeKey("nodekey:", node)},
                  {"OldNodeKey", fakeKey("nodekey:", 0)},
                  {"NLKey", fakeKey("nlpub:", node)},
                  {"Expiry", "0001-01-01T00:00:00Z"},
                  {"Followup", ""},
                  {"Hostinfo", QJsonObject{{"Hostname", hostname}, {"OS", "linux"}, {"IPNVersion", "1.82.5"}}}};
    if (!authKey.isEmpty())
        r.insert("Auth", QJsonObject{{"AuthKey", authKey}});
    return r;
}

inline QJsonObject mapRequest(int node, bool stream, bool omitPeers = false)
{
    QJsonObject r{{"Version", 115},
                  {"Compress", "zstd"},
                  {"KeepAlive", true},
                  {"NodeKey", fakeKey("nodekey:", node)},
                  {"DiscoKey", fakeKey("discokey:", node)},
                  {"Stream", stream},
                  {"Hostinfo", QJsonObject{{"Hostname", QStringLiteral("node%1").arg(node)}, {"OS", "linux"}}}};
    if (omitPeers)
        r.insert("OmitPeers", true);
    return r;
}

} // namespace keel::test
