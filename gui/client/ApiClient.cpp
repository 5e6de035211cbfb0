#include "ApiClient.h"

#include "ApiCall.h"

#include <QJsonDocument>
#include <QPointer>

namespace keel::gui {

ApiClient::ApiClient(const ApiEndpoint& endpoint, QObject* parent)
    : QObject(parent)
    , m_endpoint(endpoint)
{
}

void ApiClient::call(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body, QObject* context, Callback done)
{
    const QByteArray payload = body.isEmpty() && method != "POST" && method != "PUT" ? QByteArray()
                                                                                     : QJsonDocument(body).toJson(QJsonDocument::Compact);
    auto* call = new ApiCall(m_endpoint, method, pathAndQuery, payload, this);
    QPointer<QObject> guard(context);
    const bool hadContext = context != nullptr;
    connect(call, &ApiCall::finished, this, [call, guard, hadContext, done](const ApiReply& reply) {
        call->deleteLater();
        if (done && (!hadContext || guard))
            done(reply);
    });
    call->start(m_timeoutMs);
}

ApiCall* ApiClient::openStream(const QString& pathAndQuery, const QByteArray& lastEventId)
{
    auto* call = new ApiCall(m_endpoint, "GET", pathAndQuery, {}, this);
    call->setStreaming(true);
    if (!lastEventId.isEmpty())
        call->setExtraHeader("Last-Event-ID", lastEventId);
    call->start(m_timeoutMs);   // the deadline covers the head only; it stops once the stream is open
    return call;
}

} // namespace keel::gui
