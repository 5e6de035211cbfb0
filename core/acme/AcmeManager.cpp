#include "acme/AcmeManager.h"

#include "acme/AcmeLog.h"
#include "acme/AcmeTransport.h"

#include <QFile>

namespace keel::acme {

namespace {

// The first PEM block of `kind` ("PRIVATE KEY", "EC PRIVATE KEY") in `pem`.
QByteArray pemBlock(const QByteArray& pem, const QByteArray& kind)
{
    const QByteArray begin = "-----BEGIN " + kind + "-----";
    const QByteArray end = "-----END " + kind + "-----";
    const qsizetype from = pem.indexOf(begin);
    const qsizetype to = from < 0 ? -1 : pem.indexOf(end, from);
    return to < 0 ? QByteArray() : pem.mid(from, to + end.size() - from) + '\n';
}

QString describe(const QSslCertificate& c)
{
    return QStringLiteral("serial %1, valid until %2").arg(QString::fromLatin1(c.serialNumber()), c.expiryDate().toUTC().toString(Qt::ISODate));
}

} // namespace

AcmeManager::AcmeManager(Options options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_cache(m_options.cacheDir)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &AcmeManager::check);
}

AcmeManager::~AcmeManager() = default;

QList<QSslCertificate> AcmeManager::caBundleFromEnvironment(QString* error)
{
    const QString path = qEnvironmentVariable("KEEL_ACME_CA_BUNDLE");
    if (path.isEmpty())
        return {};
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read KEEL_ACME_CA_BUNDLE %1: %2").arg(path, f.errorString());
        return {};
    }
    const QList<QSslCertificate> cas = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
    if (cas.isEmpty())
        *error = QStringLiteral("KEEL_ACME_CA_BUNDLE %1 holds no PEM certificate").arg(path);
    return cas;
}

bool AcmeManager::start(QString* error)
{
    if (!m_cache.prepare(error))
        return false;
    m_accountKey = AccountKey::fromPem(m_cache.read(AcmeCache::accountKeyName()));
    if (m_accountKey.isNull()) {
        m_accountKey = AccountKey::generate();
        if (!m_cache.write(AcmeCache::accountKeyName(), m_accountKey.toPem(), error))
            return false;
        qCInfo(lcAcme).noquote() << "created a new ACME account key in" << m_cache.path(AcmeCache::accountKeyName());
    }
    m_transport = std::make_unique<AcmeTransport>(m_options.directory, m_options.extraCas);
    if (loadCached())
        qCInfo(lcAcme).noquote() << "serving the cached certificate for" << m_options.hostname << "(" + describe(m_chain.first()) + ")";
    else
        qCInfo(lcAcme).noquote() << "no usable cached certificate for" << m_options.hostname << "in" << m_cache.dir()
                                 << "; asking" << m_options.directory.toString() << "for one";
    QTimer::singleShot(0, this, &AcmeManager::check);
    return true;
}

bool AcmeManager::loadCached()
{
    const QByteArray pem = m_cache.read(AcmeCache::certificateName(m_options.hostname));
    if (pem.isEmpty())
        return false;
    return install(pem, QStringLiteral("cache"));
}

bool AcmeManager::install(const QByteArray& pem, const QString& source)
{
    const QList<QSslCertificate> chain = QSslCertificate::fromData(pem, QSsl::Pem);
    QByteArray keyPem = pemBlock(pem, "PRIVATE KEY");
    if (keyPem.isEmpty())
        keyPem = pemBlock(pem, "EC PRIVATE KEY");
    const QSslKey key(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull()) {
        qCWarning(lcAcme).noquote() << "the certificate from the" << source << "is unreadable; ignoring it";
        return false;
    }
    if (chain.first().expiryDate() <= QDateTime::currentDateTimeUtc()) {
        qCWarning(lcAcme).noquote() << "the certificate from the" << source << "expired on"
                                    << chain.first().expiryDate().toUTC().toString(Qt::ISODate) << "; not serving it";
        return false;
    }
    m_chain = chain;
    m_key = key;
    return true;
}

QDateTime AcmeManager::renewalTime() const
{
    if (m_chain.isEmpty())
        return {};
    const QDateTime from = m_chain.first().effectiveDate();
    const QDateTime to = m_chain.first().expiryDate();
    const qint64 lifetime = from.msecsTo(to);
    return to.addMSecs(-qint64(double(lifetime) * m_options.renewWhenRemaining));
}

void AcmeManager::check()
{
    if (m_order)
        return;
    if (hasCertificate() && QDateTime::currentDateTimeUtc() < renewalTime()) {
        const qint64 untilRenewal = QDateTime::currentDateTimeUtc().msecsTo(renewalTime());
        qCDebug(lcAcme) << "certificate for" << m_options.hostname << "is current; renewal due" << renewalTime().toString(Qt::ISODate);
        scheduleNext(int(std::min<qint64>(untilRenewal + 1, m_options.checkIntervalMs)));
        return;
    }
    if (hasCertificate())
        qCInfo(lcAcme).noquote() << "the certificate for" << m_options.hostname << "is due for renewal ("
                                    + describe(m_chain.first()) + "); renewing";
    issue();
}

void AcmeManager::issue()
{
    AcmeOrder::Request request{m_options.hostname, m_options.challenge, m_options.email};
    m_order = std::make_unique<AcmeOrder>(*m_transport, m_accountKey, m_challenges, request);
    qCInfo(lcAcme).noquote() << "requesting a certificate for" << m_options.hostname << "from" << m_options.directory.toString()
                             << "by" << (m_options.challenge == AcmeOrder::Challenge::Http01 ? "HTTP-01" : "TLS-ALPN-01");
    m_order->start([this](const AcmeOrder::Result& result) {
        // The order may not be destroyed inside its own callback.
        QTimer::singleShot(0, this, [this, result] {
            m_order.reset();
            issued(result);
        });
    });
}

void AcmeManager::issued(const AcmeOrder::Result& result)
{
    if (!result.error.isEmpty()) {
        m_lastError = result.error;
        if (hasCertificate())
            qCWarning(lcAcme).noquote() << "could not obtain a certificate for" << m_options.hostname << ":" << result.error
                                        << "- still serving the cached one (" + describe(m_chain.first()) + "); retrying later";
        else
            qCWarning(lcAcme).noquote() << "could not obtain a certificate for" << m_options.hostname << ":" << result.error
                                        << "- HTTPS has no certificate to serve yet; retrying later";
        emit issuanceFailed(result.error);
        // Without a certificate HTTPS is down: try again sooner, but not so often that the CA's
        // limit on failed validations (Let's Encrypt: 5 an hour) is reached.
        const qint64 backoff = qint64(m_options.firstRetryMs) << std::min(m_failures, 16);
        ++m_failures;
        scheduleNext(hasCertificate() ? m_options.retryIntervalMs : int(std::min<qint64>(backoff, m_options.retryIntervalMs)));
        return;
    }
    m_failures = 0;
    const QByteArray pem = result.keyPem + result.chainPem;
    QString error;
    if (!install(pem, QStringLiteral("CA"))) {
        m_lastError = QStringLiteral("the CA's certificate could not be used");
        emit issuanceFailed(m_lastError);
        scheduleNext(m_options.retryIntervalMs);
        return;
    }
    if (!m_cache.write(AcmeCache::certificateName(m_options.hostname), pem, &error))
        qCWarning(lcAcme).noquote() << "obtained a certificate but cannot cache it:" << error;
    m_lastError.clear();
    qCInfo(lcAcme).noquote() << "obtained a certificate for" << m_options.hostname << "(" + describe(m_chain.first()) + "), now serving it; renewal due"
                             << renewalTime().toUTC().toString(Qt::ISODate);
    emit certificateChanged();
    check();
}

void AcmeManager::scheduleNext(int ms)
{
    m_timer.start(std::max(ms, 0));
}

} // namespace keel::acme
