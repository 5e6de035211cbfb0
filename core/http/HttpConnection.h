#pragma once

#include "http/HttpRequestParser.h"
#include "http/HttpResponse.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace keel::http {

class Router;

// One HTTP/1.1 connection (TCP, TLS or unix socket): reads requests, dispatches them through the
// Router, writes responses, keeps the connection alive between requests, and hands the socket over
// when a handler upgrades it. Deletes itself when done.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        HttpRequestParser::Limits limits;
        int idleTimeoutMs = 60'000;     // between requests on a kept-alive connection
        int headerTimeoutMs = 30'000;   // a request must arrive whole within this
        // Backpressure: with more than `writeHighWater` bytes of responses unsent (a peer that
        // pipelines requests and reads nothing) no further request is read or served until the
        // backlog is under `writeLowWater`; a peer that takes nothing for `writeStallTimeoutMs`,
        // or does not take the last response within `finalFlushMs` of a close, is cut off.
        qint64 writeHighWater = 256 << 10;
        qint64 writeLowWater = 64 << 10;
        qint64 readChunk = 64 << 10;    // also the socket's read buffer: the kernel holds the rest
        int requestsPerSlice = 32;      // then other connections get the event loop
        int writeStallTimeoutMs = 30'000;
        int finalFlushMs = 10'000;
    };

    HttpConnection(QIODevice* socket, Transport transport, const QHostAddress& peer, const Router& router,
                   const Options& options, QObject* parent = nullptr);
    ~HttpConnection() override;

    // Closes at once, unsent bytes and all (the server needs the descriptor); finished() follows
    // before this returns.
    void abandon() { abortNow(); }

signals:
    void finished();

private:
    void onReadyRead();
    void processBuffered();
    void onBytesWritten();
    void abortNow();
    void handOver(const HttpResponse& response);
    static void recordMetrics(const HttpRequest& request, int status, qint64 nanoseconds);
    void fail(int status, const QString& message);
    void closeAfterWrite();
    void finish();

    QPointer<QIODevice> m_socket;
    Transport m_transport;
    QHostAddress m_peer;
    const Router& m_router;
    Options m_options;
    HttpRequestParser m_parser;
    QTimer m_timer;
    QTimer m_stallTimer; // a paused reader that takes nothing, or a final flush that never ends
    bool m_paused = false;
    bool m_sliceQueued = false;
    qint64 m_peerUid = -1;
    bool m_closing = false;
    bool m_finished = false;
};

} // namespace keel::http
