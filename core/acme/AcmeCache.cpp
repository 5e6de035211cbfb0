#include "acme/AcmeCache.h"

#include "platform/Files.h"

#include <QDir>
#include <QFile>

#include <filesystem>
#include <system_error>

namespace keel::acme {

bool AcmeCache::prepare(QString* error) const
{
    if (m_dir.isEmpty()) {
        *error = QStringLiteral("tls_letsencrypt_cache_dir is empty");
        return false;
    }
    if (!QDir().mkpath(m_dir)) {
        *error = QStringLiteral("cannot create tls_letsencrypt_cache_dir %1").arg(m_dir);
        return false;
    }
    if (!platform::restrictToOwner(m_dir)) {
        *error = QStringLiteral("cannot make tls_letsencrypt_cache_dir %1 private to its owner").arg(m_dir);
        return false;
    }
    return true;
}

QString AcmeCache::path(const QString& name) const
{
    return QDir(m_dir).filePath(name);
}

QByteArray AcmeCache::read(const QString& name) const
{
    QFile f(path(name));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

bool AcmeCache::write(const QString& name, const QByteArray& data, QString* error) const
{
    // The temporary file is created owner-only before a byte is in it (not QSaveFile, whose file
    // starts with the umask's mode): a key never exists under a wider mode. Then it replaces the
    // old file in one rename.
    const QString target = path(name);
    const QString temp = target + QStringLiteral(".tmp");
    QFile::remove(temp);
    QFile f(temp);
    bool ok = platform::createOwnerOnlyFile(temp) && f.open(QIODevice::WriteOnly | QIODevice::Truncate)
              && f.write(data) == data.size() && f.flush();
    QString why = f.errorString();
    f.close();
    if (ok) {
        std::error_code ec;
        std::filesystem::rename(std::filesystem::path(temp.toStdU16String()), std::filesystem::path(target.toStdU16String()), ec);
        ok = !ec;
        if (ec)
            why = QString::fromStdString(ec.message());
    }
    if (!ok) {
        *error = QStringLiteral("cannot write %1: %2").arg(target, why);
        QFile::remove(temp);
    }
    return ok;
}

} // namespace keel::acme
