#pragma once

#include "acme/AccountKey.h"
#include "acme/AcmeCache.h"
#include "acme/AcmeOrder.h"
#include "acme/ChallengeStore.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QSslKey>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace keel::acme {

class AcmeTransport;

// Keeps one hostname's certificate current: serves the cached one at start when it is still
// valid, obtains one when there is none, checks periodically and renews when a third of its
// lifetime remains, and tells the listener through certificateChanged(). When the CA cannot be
// reached or refuses, the cached certificate stays in force (a warning says so) and the run is
// retried later.
class AcmeManager : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString hostname;
        AcmeOrder::Challenge challenge = AcmeOrder::Challenge::Http01;
        QUrl directory;
        QString email;
        QString cacheDir;
        QList<QSslCertificate> extraCas;   // trusted for the CA's HTTPS besides the system's
        double renewWhenRemaining = 1.0 / 3.0;
        int checkIntervalMs = 12 * 3600 * 1000;
        int retryIntervalMs = 3600 * 1000;   // after a failed run while a certificate is served
        int firstRetryMs = 5 * 60 * 1000;    // without one: 5 min, doubling up to retryIntervalMs
    };

    explicit AcmeManager(Options options, QObject* parent = nullptr);
    ~AcmeManager() override;

    // Prepares the cache, loads or creates the account key, loads the cached certificate, then
    // starts the first check (asynchronous). False only for a local problem (the cache directory).
    bool start(QString* error);

    QList<QSslCertificate> chain() const { return m_chain; }
    QSslKey key() const { return m_key; }
    bool hasCertificate() const { return !m_chain.isEmpty() && !m_key.isNull(); }
    const ChallengeStore& challenges() const { return m_challenges; }
    const Options& options() const { return m_options; }
    QString lastError() const { return m_lastError; }

    // When the current certificate is due for renewal (invalid when there is none).
    QDateTime renewalTime() const;
    // Runs a check now (unless one is running): issues when there is no certificate or it is due.
    void check();

    // Reads KEEL_ACME_CA_BUNDLE (a PEM file); empty when unset. `error` is set when it is unreadable.
    static QList<QSslCertificate> caBundleFromEnvironment(QString* error);

signals:
    void certificateChanged();
    void issuanceFailed(const QString& error);

private:
    bool loadCached();
    void issue();
    void issued(const AcmeOrder::Result& result);
    void scheduleNext(int ms);
    bool install(const QByteArray& pem, const QString& source);

    Options m_options;
    AcmeCache m_cache;
    AccountKey m_accountKey;
    ChallengeStore m_challenges;
    std::unique_ptr<AcmeTransport> m_transport;
    std::unique_ptr<AcmeOrder> m_order;
    QTimer m_timer;
    QList<QSslCertificate> m_chain;
    QSslKey m_key;
    QString m_lastError;
    int m_failures = 0;   // failed runs in a row
};

} // namespace keel::acme
