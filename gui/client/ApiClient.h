#pragma once

#include "ApiEndpoint.h"
#include "ApiReply.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace keel::gui {

class ApiCall;

// The asynchronous admin API client of Keel Manager. Every call returns at once; the callback runs
// later on the caller's thread, and not at all when `context` is gone by then.
class ApiClient : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const ApiReply&)>;

    explicit ApiClient(const ApiEndpoint& endpoint, QObject* parent = nullptr);

    const ApiEndpoint& endpoint() const { return m_endpoint; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void call(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body, QObject* context, Callback done);
    void get(const QString& pathAndQuery, QObject* context, Callback done) { call("GET", pathAndQuery, {}, context, std::move(done)); }
    // A long-lived GET whose body arrives piece by piece (the event stream); the caller owns the call.
    ApiCall* openStream(const QString& pathAndQuery, const QByteArray& lastEventId = {});

private:
    ApiEndpoint m_endpoint;
    int m_timeoutMs = 15000;
};

} // namespace keel::gui
