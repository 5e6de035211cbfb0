#pragma once

#include "derp/DerpClient.h"
#include "derp/DerpServer.h"
#include "http/HttpServer.h"
#include "http/Router.h"

#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QUrl>

#include <memory>

namespace keel::derp::test {

// A DERP server on 127.0.0.1:<random> behind Keel's own HTTP listener, plain or TLS with a
// certificate made for the test by the openssl command-line tool.
class DerpFixture
{
public:
    DerpFixture();
    ~DerpFixture();

    // False (and `error`) when the listener cannot start or no certificate could be made.
    // With TLS the chain ends with the server's meta certificate (fast start) unless turned off.
    bool start(bool tls, QString* error, const DerpServer::Options& options = {});
    void setMetaCertificate(bool on) { m_metaCertificate = on; }
    // ws:// / wss:// instead of http:// / https:// for url() and connectClient().
    void setWebSocket(bool on) { m_webSocket = on; }
    QUrl url() const;
    DerpServer& server() { return *m_server; }
    quint16 port() const { return m_http->tcpPort(); }

    // A client that finished the handshake, or nullptr. Owned by the caller.
    std::unique_ptr<DerpClient> connectClient(const crypto::NodePrivate& key, const DerpClient::Options& options = {});
    // Raw bytes over a fresh TCP connection; returns everything read until the server closes it
    // or `timeoutMs` passes; `closed` tells which.
    QByteArray rawExchange(const QByteArray& request, int timeoutMs, bool* closed);

    static bool makeCertificate(const QString& dir, QSslConfiguration* tls, QString* error);

private:
    QTemporaryDir m_dir;
    http::Router m_router;
    std::unique_ptr<DerpServer> m_server;
    std::unique_ptr<http::HttpServer> m_http;
    bool m_tls = false;
    bool m_metaCertificate = true;
    bool m_webSocket = false;
};

} // namespace keel::derp::test
