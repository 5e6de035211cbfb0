#pragma once

#include "ApiEndpoint.h"
#include "ApiReply.h"
#include "HttpResponseParser.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QIODevice;

namespace keel::gui {

// One HTTP/1.1 exchange with the admin API over its own connection (unix socket, TCP or TLS),
// entirely event-driven: nothing here ever waits. In streaming mode the body is handed out as it
// arrives (bodyData) and the call only ends when the server closes or abort() is called.
class ApiCall : public QObject
{
    Q_OBJECT

public:
    ApiCall(const ApiEndpoint& endpoint, const QByteArray& method, const QString& pathAndQuery,
            const QByteArray& jsonBody, QObject* parent = nullptr);

    void setStreaming(bool on) { m_streaming = on; }
    void setExtraHeader(const QByteArray& name, const QByteArray& value) { m_extraHeaders += name + ": " + value + "\r\n"; }
    // timeoutMs == 0: no deadline (streams; their liveness is watched by the caller).
    void start(int timeoutMs);
    void abort();

Q_SIGNALS:
    void headReceived(int status);
    void bodyData(const QByteArray& bytes);   // streaming only
    void finished(const keel::gui::ApiReply& reply);

private:
    void onConnected();
    void onReadyRead();
    void onClosed();
    void finish(const QString& transportError = {});
    QByteArray requestBytes() const;

    ApiEndpoint m_endpoint;
    QByteArray m_method;
    QString m_path;
    QByteArray m_body;
    QByteArray m_extraHeaders;
    bool m_streaming = false;
    bool m_done = false;
    QIODevice* m_device = nullptr;
    HttpResponseParser m_parser;
    ApiReply m_reply;
    QTimer m_timeout;
};

} // namespace keel::gui
