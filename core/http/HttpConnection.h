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
    };

    HttpConnection(QIODevice* socket, Transport transport, const QHostAddress& peer, const Router& router,
                   const Options& options, QObject* parent = nullptr);
    ~HttpConnection() override;

signals:
    void finished();

private:
    void onReadyRead();
    void processBuffered();
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
    qint64 m_peerUid = -1;
    bool m_closing = false;
    bool m_finished = false;
};

} // namespace keel::http
