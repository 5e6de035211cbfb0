#include "control/ControlCall.h"

#include "control/ControlClient.h"
#include "http/Http2ClientStream.h"

#include <QJsonDocument>
#include <QTest>

namespace keel::test {

int callAndWait(control::ControlClient& client, const QByteArray& method, const QByteArray& path, const QJsonObject& body,
                QByteArray* reply, bool waitForEnd)
{
    int status = 0;
    bool done = false;
    auto* s = client.request(method, path, body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact));
    // The handlers write into this frame: `scope` disconnects them when it returns, since a stream
    // left open (a map stream) goes on receiving after that.
    QObject scope;
    QObject::connect(s, &http::Http2ClientStream::headersReceived, &scope, [&](int st, const http::Http2Headers&) { status = st; });
    QObject::connect(s, &http::Http2ClientStream::dataReceived, &scope, [&](const QByteArray& c) { if (reply) *reply += c; });
    QObject::connect(s, &http::Http2ClientStream::finished, &scope, [&] { done = true; });
    QObject::connect(s, &http::Http2ClientStream::failed, &scope, [&] { done = true; });
    (void)QTest::qWaitFor([&] { return waitForEnd ? done : (status != 0 && (!reply || reply->size() > 4)); }, 15000);
    return status;
}

} // namespace keel::test
