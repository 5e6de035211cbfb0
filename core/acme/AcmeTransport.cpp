#include "acme/AcmeTransport.h"

#include "acme/AcmeLog.h"
#include "acme/Jws.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QSslConfiguration>

namespace keel::acme {

AcmeTransport::AcmeTransport(const QUrl& directory, const QList<QSslCertificate>& extraCas, QObject* parent)
    : QObject(parent)
    , m_directoryUrl(directory)
    , m_extraCas(extraCas)
{
}

QNetworkRequest AcmeTransport::request(const QUrl& url) const
{
    QNetworkRequest r(url);
    r.setTransferTimeout(kTimeoutMs);
    r.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("keel-acme"));
    if (!m_extraCas.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_extraCas);
        r.setSslConfiguration(tls);
    }
    return r;
}

AcmeReply AcmeTransport::reply(QNetworkReply* r, const QString& what)
{
    AcmeReply out;
    out.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    out.body = r->readAll();
    out.location = QString::fromUtf8(r->rawHeader("Location"));
    const QJsonDocument doc = QJsonDocument::fromJson(out.body);
    if (doc.isObject())
        out.json = doc.object();
    if (out.status == 0) {
        out.error = QStringLiteral("%1: %2").arg(what, r->errorString());
    } else if (out.status >= 400) {
        out.problemType = out.json.value(QStringLiteral("type")).toString();
        const QString detail = out.json.value(QStringLiteral("detail")).toString();
        out.error = QStringLiteral("%1: HTTP %2 %3%4").arg(what).arg(out.status).arg(out.problemType,
                                                                                    detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
    }
    return out;
}

void AcmeTransport::loadDirectory(std::function<void(const QString&)> done)
{
    if (!m_directory.isEmpty()) {
        done({});
        return;
    }
    QNetworkReply* r = m_nam.get(request(m_directoryUrl));
    connect(r, &QNetworkReply::finished, this, [this, r, done] {
        r->deleteLater();
        const AcmeReply a = reply(r, QStringLiteral("GET %1").arg(m_directoryUrl.toString()));
        if (!a.ok()) {
            done(a.error);
            return;
        }
        if (a.json.value(QStringLiteral("newNonce")).toString().isEmpty() || a.json.value(QStringLiteral("newOrder")).toString().isEmpty()) {
            done(QStringLiteral("%1 is not an ACME directory (no newNonce/newOrder)").arg(m_directoryUrl.toString()));
            return;
        }
        m_directory = a.json;
        done({});
    });
}

void AcmeTransport::withNonce(std::function<void(const QString&)> next)
{
    if (!m_nonce.isEmpty()) {
        next({});
        return;
    }
    const QString url = endpoint(QStringLiteral("newNonce"));
    QNetworkReply* r = m_nam.head(request(QUrl(url)));
    connect(r, &QNetworkReply::finished, this, [this, r, url, next] {
        r->deleteLater();
        const AcmeReply a = reply(r, QStringLiteral("HEAD %1").arg(url));
        m_nonce = r->rawHeader("Replay-Nonce");
        if (a.ok() && m_nonce.isEmpty())
            next(QStringLiteral("HEAD %1 gave no Replay-Nonce").arg(url));
        else
            next(a.error);
    });
}

void AcmeTransport::post(const QString& url, const QByteArray& payload, Done done, const QByteArray& accept)
{
    send(url, payload, accept, 0, std::move(done));
}

void AcmeTransport::send(const QString& url, const QByteArray& payload, const QByteArray& accept, int attempt, Done done)
{
    withNonce([this, url, payload, accept, attempt, done](const QString& error) {
        if (!error.isEmpty()) {
            AcmeReply failed;
            failed.error = error;
            done(failed);
            return;
        }
        const QByteArray body = Jws::sign(*m_key, url, m_nonce, m_kid, payload);
        m_nonce.clear();   // each nonce is good for one request
        QNetworkRequest req = request(QUrl(url));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/jose+json"));
        if (!accept.isEmpty())
            req.setRawHeader("Accept", accept);
        QNetworkReply* r = m_nam.post(req, body);
        connect(r, &QNetworkReply::finished, this, [this, r, url, payload, accept, attempt, done] {
            r->deleteLater();
            m_nonce = r->rawHeader("Replay-Nonce");
            const AcmeReply a = reply(r, QStringLiteral("POST %1").arg(url));
            if (a.problemType == QLatin1String("urn:ietf:params:acme:error:badNonce") && attempt < kMaxBadNonceRetries) {
                qCDebug(lcAcme) << "the CA refused a nonce as stale; retrying with a fresh one";
                send(url, payload, accept, attempt + 1, done);
                return;
            }
            done(a);
        });
    });
}

} // namespace keel::acme
