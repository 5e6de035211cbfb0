#pragma once

#include <QByteArray>
#include <QString>

namespace keel::acme {

// tls_letsencrypt_cache_dir: the account key and, per hostname, the certificate chain and its key.
// The directory is kept at 0700 and every file is written 0600 (to a temporary name, then renamed,
// so a crash never leaves half a key). Files: account.key (the account's P-256 key) and
// <hostname>.pem (the certificate's private key followed by its chain, in one file so the two
// always match).
class AcmeCache
{
public:
    explicit AcmeCache(QString dir) : m_dir(std::move(dir)) {}

    QString dir() const { return m_dir; }
    // Creates the directory (0700) or tightens an existing one.
    bool prepare(QString* error) const;

    QByteArray read(const QString& name) const;   // empty when absent or unreadable
    bool write(const QString& name, const QByteArray& data, QString* error) const;
    QString path(const QString& name) const;

    static QString accountKeyName() { return QStringLiteral("account.key"); }
    static QString certificateName(const QString& hostname) { return hostname.toLower() + QStringLiteral(".pem"); }

private:
    QString m_dir;
};

} // namespace keel::acme
