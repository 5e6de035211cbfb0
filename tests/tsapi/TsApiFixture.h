#pragma once

#include "TsApiClient.h"

#include "server/Server.h"

#include <QTemporaryDir>

#include <functional>
#include <memory>

// A real Keel server on loopback (SQLite in a temporary directory, policy.mode database, base
// domain example.test), an API key for it, and helpers to make OAuth clients, tokens and nodes.
class TsApiFixture
{
public:
    // `adjust` changes the configuration before the server starts.
    bool start(QString* error, const std::function<void(keel::config::Config&, const QString& dir)>& adjust = {});
    void stop();

    keel::server::Server& server() { return *m_server; }
    TsApiClient client() const { return TsApiClient(m_server->httpPort()); }
    // "Bearer <the API key>".
    QByteArray apiKey() const { return m_apiKey; }
    // Makes an OAuth client through /api/v1 (as `keel oauth-clients create` does); its secret.
    QString createClient(const QStringList& scopes, const QStringList& tags = {}, QJsonObject* reply = nullptr);
    // Trades a secret for "Bearer <access token>" (empty on failure).
    QByteArray token(const QString& secret, const QString& scope = {});
    qint64 userId(const QString& name);
    // A node owned by `user` (or tagged), announcing `routes`.
    qint64 addNode(int n, const QString& hostname, std::optional<qint64> user, const QStringList& tags = {}, const QStringList& routes = {});

private:
    QTemporaryDir m_dir;
    keel::config::Config m_config;
    std::unique_ptr<keel::server::Server> m_server;
    QByteArray m_apiKey;
};
