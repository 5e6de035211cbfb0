#include "acme/AcmeOrder.h"

#include "acme/AcmeLog.h"
#include "acme/CertificateRequest.h"
#include "acme/ChallengeStore.h"
#include "acme/TlsAlpnCertificate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace keel::acme {

namespace {

QByteArray json(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QString problemText(const QJsonObject& error)
{
    const QString detail = error.value(QStringLiteral("detail")).toString();
    const QString type = error.value(QStringLiteral("type")).toString();
    return detail.isEmpty() ? type : QStringLiteral("%1 (%2)").arg(detail, type);
}

} // namespace

AcmeOrder::AcmeOrder(AcmeTransport& transport, const AccountKey& accountKey, ChallengeStore& challenges, Request request,
                     QObject* parent)
    : QObject(parent)
    , m_transport(transport)
    , m_accountKey(accountKey)
    , m_challenges(challenges)
    , m_request(std::move(request))
{
}

AcmeOrder::~AcmeOrder()
{
    clearChallenge();
}

QString AcmeOrder::challengeType(Challenge c)
{
    return c == Challenge::Http01 ? QStringLiteral("http-01") : QStringLiteral("tls-alpn-01");
}

void AcmeOrder::start(Done done)
{
    m_done = std::move(done);
    m_transport.setKey(&m_accountKey);
    m_transport.loadDirectory([this](const QString& error) {
        if (!error.isEmpty())
            fail(QStringLiteral("cannot reach the ACME directory: %1").arg(error));
        else
            account();
    });
}

void AcmeOrder::account()
{
    if (!m_transport.kid().isEmpty()) {
        order();
        return;
    }
    QJsonObject payload{{QStringLiteral("termsOfServiceAgreed"), true}};
    if (!m_request.email.isEmpty())
        payload.insert(QStringLiteral("contact"), QJsonArray{QStringLiteral("mailto:") + m_request.email});
    m_transport.post(m_transport.endpoint(QStringLiteral("newAccount")), json(payload), [this](const AcmeReply& r) {
        if (!r.ok() || r.location.isEmpty()) {
            fail(QStringLiteral("account registration failed: %1").arg(r.ok() ? QStringLiteral("no account URL in the answer") : r.error));
            return;
        }
        m_transport.setKid(r.location);
        qCInfo(lcAcme).noquote() << (r.status == 201 ? "registered a new ACME account:" : "using the existing ACME account:") << r.location;
        order();
    });
}

void AcmeOrder::order()
{
    const QJsonObject payload{{QStringLiteral("identifiers"),
                               QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("dns")}, {QStringLiteral("value"), m_request.hostname}}}}};
    m_transport.post(m_transport.endpoint(QStringLiteral("newOrder")), json(payload), [this](const AcmeReply& r) {
        if (!r.ok()) {
            fail(QStringLiteral("the CA refused the order for %1: %2").arg(m_request.hostname, r.error));
            return;
        }
        m_orderUrl = r.location;
        m_finalizeUrl = r.json.value(QStringLiteral("finalize")).toString();
        for (const QJsonValue& v : r.json.value(QStringLiteral("authorizations")).toArray())
            m_authorizations << v.toString();
        qCInfo(lcAcme).noquote() << "order for" << m_request.hostname << "created:" << m_orderUrl;
        nextAuthorization();
    });
}

void AcmeOrder::nextAuthorization()
{
    if (m_authorizations.isEmpty()) {
        finalize();
        return;
    }
    const QString url = m_authorizations.takeFirst();
    m_transport.post(url, QByteArray(), [this, url](const AcmeReply& r) {
        if (!r.ok()) {
            fail(QStringLiteral("cannot read the authorization: %1").arg(r.error));
            return;
        }
        const QString status = r.json.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("valid")) {
            qCInfo(lcAcme).noquote() << "authorization for" << m_request.hostname << "is still valid; no challenge needed";
            nextAuthorization();
        } else if (status == QLatin1String("pending")) {
            answer(url, r.json);
        } else {
            fail(QStringLiteral("the authorization for %1 is %2").arg(m_request.hostname, status));
        }
    });
}

void AcmeOrder::answer(const QString& authzUrl, const QJsonObject& authz)
{
    const QString wanted = challengeType(m_request.challenge);
    QJsonObject challenge;
    for (const QJsonValue& v : authz.value(QStringLiteral("challenges")).toArray())
        if (v.toObject().value(QStringLiteral("type")).toString() == wanted)
            challenge = v.toObject();
    if (challenge.isEmpty()) {
        fail(QStringLiteral("the CA offers no %1 challenge for %2").arg(wanted, m_request.hostname));
        return;
    }
    m_token = challenge.value(QStringLiteral("token")).toString().toLatin1();
    const QByteArray keyAuthorization = m_token + '.' + m_accountKey.thumbprint();
    if (m_request.challenge == Challenge::Http01)
        m_challenges.setHttp01(m_token, keyAuthorization);
    else
        m_challenges.setTlsAlpn(m_request.hostname, TlsAlpnCertificate::make(m_request.hostname, keyAuthorization));
    qCInfo(lcAcme).noquote() << "answering the" << wanted << "challenge for" << m_request.hostname;
    m_transport.post(challenge.value(QStringLiteral("url")).toString(), QByteArrayLiteral("{}"), [this, authzUrl](const AcmeReply& r) {
        if (!r.ok())
            fail(QStringLiteral("the CA refused the challenge response: %1").arg(r.error));
        else
            pollAuthorization(authzUrl, 0);
    });
}

int AcmeOrder::retryAfterMs(const AcmeReply&) const
{
    // Retry-After is not exposed by AcmeReply; a fixed short interval suits both pebble and
    // Let's Encrypt, whose validations take seconds.
    return kPollIntervalMs;
}

void AcmeOrder::pollAuthorization(const QString& authzUrl, int polls)
{
    m_transport.post(authzUrl, QByteArray(), [this, authzUrl, polls](const AcmeReply& r) {
        if (!r.ok()) {
            fail(QStringLiteral("cannot read the authorization: %1").arg(r.error));
            return;
        }
        const QString status = r.json.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("valid")) {
            qCInfo(lcAcme).noquote() << "the CA validated" << m_request.hostname << "by" << challengeType(m_request.challenge);
            clearChallenge();
            nextAuthorization();
            return;
        }
        if (status != QLatin1String("pending") || polls >= kMaxPolls) {
            QString why = status == QLatin1String("pending") ? QStringLiteral("still pending after %1 checks").arg(polls) : status;
            for (const QJsonValue& v : r.json.value(QStringLiteral("challenges")).toArray())
                if (v.toObject().contains(QStringLiteral("error")))
                    why += QStringLiteral(": ") + problemText(v.toObject().value(QStringLiteral("error")).toObject());
            fail(QStringLiteral("the CA could not validate %1 by %2: %3").arg(m_request.hostname, challengeType(m_request.challenge), why));
            return;
        }
        QTimer::singleShot(retryAfterMs(r), this, [this, authzUrl, polls] { pollAuthorization(authzUrl, polls + 1); });
    });
}

void AcmeOrder::finalize()
{
    m_certificateKey = AccountKey::generate();
    const QByteArray csr = CertificateRequest::der(m_request.hostname, m_certificateKey);
    if (csr.isEmpty()) {
        fail(QStringLiteral("cannot build the certificate request"));
        return;
    }
    const QJsonObject payload{{QStringLiteral("csr"), QString::fromLatin1(base64Url(csr))}};
    m_transport.post(m_finalizeUrl, json(payload), [this](const AcmeReply& r) {
        if (!r.ok()) {
            fail(QStringLiteral("the CA refused to finalize the order: %1").arg(r.error));
            return;
        }
        qCInfo(lcAcme) << "order finalized; waiting for the certificate";
        pollOrder(0);
    });
}

void AcmeOrder::pollOrder(int polls)
{
    m_transport.post(m_orderUrl, QByteArray(), [this, polls](const AcmeReply& r) {
        if (!r.ok()) {
            fail(QStringLiteral("cannot read the order: %1").arg(r.error));
            return;
        }
        const QString status = r.json.value(QStringLiteral("status")).toString();
        if (status == QLatin1String("valid")) {
            download(r.json.value(QStringLiteral("certificate")).toString());
        } else if (status == QLatin1String("processing") && polls < kMaxPolls) {
            QTimer::singleShot(retryAfterMs(r), this, [this, polls] { pollOrder(polls + 1); });
        } else {
            const QJsonObject error = r.json.value(QStringLiteral("error")).toObject();
            fail(QStringLiteral("the order ended %1%2").arg(status, error.isEmpty() ? QString() : QStringLiteral(": ") + problemText(error)));
        }
    });
}

void AcmeOrder::download(const QString& certificateUrl)
{
    m_transport.post(certificateUrl, QByteArray(), [this](const AcmeReply& r) {
        if (!r.ok() || !r.body.contains("-----BEGIN CERTIFICATE-----")) {
            fail(QStringLiteral("cannot download the certificate: %1").arg(r.ok() ? QStringLiteral("the answer holds no PEM certificate") : r.error));
            return;
        }
        m_finished = true;
        m_done(Result{{}, r.body, m_certificateKey.toPem()});
    }, QByteArrayLiteral("application/pem-certificate-chain"));
}

void AcmeOrder::clearChallenge()
{
    if (m_token.isEmpty())
        return;
    m_challenges.removeHttp01(m_token);
    m_challenges.removeTlsAlpn(m_request.hostname);
    m_token.clear();
}

void AcmeOrder::fail(const QString& error)
{
    if (m_finished)
        return;
    m_finished = true;
    clearChallenge();
    m_done(Result{error, {}, {}});
}

} // namespace keel::acme
