#pragma once

#include "acme/AccountKey.h"

#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>

namespace keel::acme {

// One answer from the CA. `error` is set for a transport failure or an HTTP error status, in words
// fit for the log ("POST .../new-order: 403 urn:ietf:params:acme:error:unauthorized: ...").
struct AcmeReply
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QString location;
    QString problemType;   // "urn:ietf:params:acme:error:..." of an error body
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// The HTTP side of RFC 8555 over QNetworkAccessManager, never blocking: the directory, a
// replay-nonce from each answer (or newNonce), and signed POSTs (JWS with `jwk` until the account
// URL is known, `kid` after). A badNonce refusal is retried with the nonce it carried (6.5).
class AcmeTransport : public QObject
{
public:
    using Done = std::function<void(const AcmeReply&)>;

    // `extraCas` are trusted in addition to the system's (a private or test CA's HTTPS).
    AcmeTransport(const QUrl& directory, const QList<QSslCertificate>& extraCas, QObject* parent = nullptr);

    void setKey(const AccountKey* key) { m_key = key; }
    void setKid(const QString& kid) { m_kid = kid; }
    QString kid() const { return m_kid; }

    // Fetches the directory once; `done` gets an error text or an empty string.
    void loadDirectory(std::function<void(const QString&)> done);
    // "newAccount", "newOrder", "newNonce", ... from the directory.
    QString endpoint(const QString& name) const { return m_directory.value(name).toString(); }

    // `payload` null: POST-as-GET. `accept` sets the Accept header (the certificate download).
    void post(const QString& url, const QByteArray& payload, Done done, const QByteArray& accept = {});

    static constexpr int kMaxBadNonceRetries = 10;
    static constexpr int kTimeoutMs = 30'000;

private:
    QNetworkRequest request(const QUrl& url) const;
    void withNonce(std::function<void(const QString&)> next);
    void send(const QString& url, const QByteArray& payload, const QByteArray& accept, int attempt, Done done);
    static AcmeReply reply(QNetworkReply* r, const QString& what);

    QNetworkAccessManager m_nam;
    QUrl m_directoryUrl;
    QList<QSslCertificate> m_extraCas;
    QJsonObject m_directory;
    const AccountKey* m_key = nullptr;
    QString m_kid;
    QByteArray m_nonce;
};

} // namespace keel::acme
