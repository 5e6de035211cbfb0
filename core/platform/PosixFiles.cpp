// POSIX: owner-only files through mode bits.
#include "platform/Files.h"

#include <QFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel::platform {

bool createOwnerOnlyFile(const QString& path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    return QFile::exists(path);
}

bool restrictToOwner(const QString& path)
{
    struct stat st = {};
    const QByteArray native = QFile::encodeName(path);
    if (::stat(native.constData(), &st) != 0)
        return false;
    return ::chmod(native.constData(), S_ISDIR(st.st_mode) ? 0700 : 0600) == 0;
}

bool accessibleByOthers(const QString& path)
{
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return false;
    return (st.st_mode & (S_IROTH | S_IWOTH)) != 0;
}

QString ownerOnlyHint()
{
    return QStringLiteral("run chmod 600 on it");
}

} // namespace keel::platform
