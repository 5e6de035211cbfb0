#pragma once

#include "acme/AccountKey.h"
#include "acme/AcmeTransport.h"

#include <QObject>
#include <QStringList>

#include <functional>

namespace keel::acme {

class ChallengeStore;

// One certificate issuance, start to end (RFC 8555 7.3-7.4): account (created, or found again by
// its key), order, each authorization's challenge answered (HTTP-01 or TLS-ALPN-01 through the
// ChallengeStore) and polled, finalize with a CSR for a new certificate key, poll the order,
// download the chain. Each step is logged; the first failure ends the run with its reason.
class AcmeOrder : public QObject
{
public:
    enum class Challenge { Http01, TlsAlpn01 };
    struct Request
    {
        QString hostname;
        Challenge challenge = Challenge::Http01;
        QString email;   // optional contact
    };
    struct Result
    {
        QString error;          // empty on success
        QByteArray chainPem;    // leaf first
        QByteArray keyPem;      // the certificate's private key
    };
    using Done = std::function<void(const Result&)>;

    AcmeOrder(AcmeTransport& transport, const AccountKey& accountKey, ChallengeStore& challenges, Request request,
              QObject* parent = nullptr);
    ~AcmeOrder() override;

    void start(Done done);

    static constexpr int kMaxPolls = 60;
    static constexpr int kPollIntervalMs = 1000;

private:
    void account();
    void order();
    void nextAuthorization();
    void answer(const QString& authzUrl, const QJsonObject& authz);
    void pollAuthorization(const QString& authzUrl, int polls);
    void finalize();
    void pollOrder(int polls);
    void download(const QString& certificateUrl);
    void fail(const QString& error);
    void clearChallenge();
    int retryAfterMs(const AcmeReply& r) const;
    static QString challengeType(Challenge c);

    AcmeTransport& m_transport;
    const AccountKey& m_accountKey;
    ChallengeStore& m_challenges;
    Request m_request;
    Done m_done;
    QString m_orderUrl, m_finalizeUrl;
    QStringList m_authorizations;
    QByteArray m_token;
    AccountKey m_certificateKey;
    bool m_finished = false;
};

} // namespace keel::acme
