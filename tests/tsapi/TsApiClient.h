#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

// A small HTTP/1.1 client for the /api/v2 tests: one request per connection over loopback TCP,
// the event loop running while it waits (the server lives on the same thread).
struct TsAnswer
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray& name) const;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString message() const { return json().value(QStringLiteral("message")).toString(); }
};

class TsApiClient
{
public:
    explicit TsApiClient(quint16 port) : m_port(port) {}

    // `authorization`: the whole header value ("Bearer x", "Basic y"), or empty for none.
    TsAnswer call(const QByteArray& method, const QString& path, const QByteArray& authorization,
                  const QByteArray& body = {}, const QList<QPair<QByteArray, QByteArray>>& headers = {}) const;
    TsAnswer json(const QByteArray& method, const QString& path, const QByteArray& authorization, const QJsonObject& body) const;

private:
    quint16 m_port;
};
