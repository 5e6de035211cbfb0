#include "acme/AcmeCache.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (::chmod(QFile::encodeName(m_dir).constData(), 0700) != 0) {
        *error = QStringLiteral("cannot set mode 0700 on tls_letsencrypt_cache_dir %1: %2").arg(m_dir, QString::fromLocal8Bit(std::strerror(errno)));
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
    // open(2) with mode 0600 rather than QSaveFile: the bytes must never exist under a wider mode.
    const QByteArray target = QFile::encodeName(path(name));
    const QByteArray temp = target + ".tmp";
    ::unlink(temp.constData());
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    qsizetype written = 0;
    while (ok && written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        written += ok ? n : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    const int savedErrno = errno;
    if (fd >= 0)
        ::close(fd);
    ok = ok && ::rename(temp.constData(), target.constData()) == 0;
    if (!ok) {
        *error = QStringLiteral("cannot write %1: %2").arg(path(name), QString::fromLocal8Bit(std::strerror(savedErrno ? savedErrno : errno)));
        ::unlink(temp.constData());
    }
    return ok;
}

} // namespace keel::acme
