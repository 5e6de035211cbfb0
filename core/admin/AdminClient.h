#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <memory>

class QIODevice;

namespace keel::admin {

// A small blocking client for the admin API, used by the CLI (and later by the GUI on a worker
// thread): HTTP/1.1 over the local unix socket, or over TCP/TLS to a remote server with an API key.
class AdminClient
{
public:
    struct Reply
    {
        int status = 0;           // 0 when the request never got an answer
        QByteArray body;
        QString transportError;   // set when status is 0

        bool ok() const { return status >= 200 && status < 300; }
        QJsonObject json() const;
        // What went wrong, for the user: the transport error, or the API's problem detail.
        QString errorMessage() const;
    };

    static AdminClient forUnixSocket(const QString& path, int timeoutMs = 5000);
    // `baseUrl` like "https://keel.example.com" or "http://127.0.0.1:8080".
    static AdminClient forRemote(const QUrl& baseUrl, const QString& apiKey, bool insecure, int timeoutMs = 5000);

    // `pathAndQuery` like "/api/v1/user?name=alice". A non-empty body is sent as JSON.
    Reply call(const QByteArray& method, const QString& pathAndQuery, const QJsonObject& body = {}) const;
    Reply get(const QString& pathAndQuery) const { return call("GET", pathAndQuery); }

    // A long-lived GET (GET /api/v1/events): connects, checks the status, then hands every chunk
    // of the body to `onBytes` as it arrives, with no deadline, until the server closes or
    // `onBytes` returns false. The Reply carries the status (and the body of an error answer).
    Reply stream(const QString& pathAndQuery, const std::function<bool(const QByteArray&)>& onBytes) const;

    QString describe() const;  // "unix socket /x/keel.sock" or "https://host:443"

private:
    AdminClient() = default;
    // A connected socket (unix or TCP/TLS), or null with *error set.
    std::unique_ptr<QIODevice> connectSocket(QString* error) const;
    QByteArray host() const;
    QString fullPath(const QString& pathAndQuery) const;

    QString m_socketPath;
    QUrl m_baseUrl;
    QString m_apiKey;
    bool m_insecure = false;
    int m_timeoutMs = 5000;
};

} // namespace keel::admin
