#include "crypto/PrivateKeyFile.h"

#include "common/Log.h"
#include "platform/Files.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>

namespace keel::crypto {

namespace {

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

// Upper bound on what we read: a valid file is 72 bytes plus whitespace.
constexpr qint64 kMaxKeyFileSize = 4096;

} // namespace

std::optional<MachinePrivate> readPrivateKeyFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.exists()) {
        setError(error, QStringLiteral("private key file %1 does not exist").arg(path));
        return std::nullopt;
    }
    if (platform::accessibleByOthers(path)) {
        setError(error, QStringLiteral("private key file %1 is accessible by other users; %2")
                            .arg(path, platform::ownerOnlyHint()));
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("cannot read private key file %1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    QByteArray content = file.read(kMaxKeyFileSize + 1);
    if (content.size() > kMaxKeyFileSize) {
        sodium_memzero(content.data(), size_t(content.size()));
        setError(error, QStringLiteral("private key file %1 is too large to be a key").arg(path));
        return std::nullopt;
    }
    QString text = QString::fromLatin1(content.trimmed());
    sodium_memzero(content.data(), size_t(content.size()));
    if (!text.startsWith(QLatin1String(privateKeyPrefix)))
        text.prepend(QLatin1String(privateKeyPrefix)); // legacy bare-hex file
    QString parseError;
    std::optional<MachinePrivate> key = MachinePrivate::parse(text, &parseError);
    // QString has no secure wipe; overwrite the characters we own.
    text.fill(QLatin1Char('0'));
    if (!key) {
        setError(error, QStringLiteral("private key file %1 is malformed: %2").arg(path, parseError));
        return std::nullopt;
    }
    if (key->isZero()) {
        setError(error, QStringLiteral("private key file %1 holds the all-zero key").arg(path));
        return std::nullopt;
    }
    return key;
}

bool writePrivateKeyFile(const QString& path, const MachinePrivate& key, QString* error)
{
    QFile file(path);
    // NewOnly + explicit permissions: the file is created 0600 atomically and never overwritten.
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, QFileDevice::ReadOwner | QFileDevice::WriteOwner)) {
        setError(error, QStringLiteral("cannot create private key file %1: %2").arg(path, file.errorString()));
        return false;
    }
    QByteArray text = key.toString().toLatin1();
    const bool ok = file.write(text) == text.size() && file.flush();
    sodium_memzero(text.data(), size_t(text.size()));
    if (!ok) {
        setError(error, QStringLiteral("cannot write private key file %1: %2").arg(path, file.errorString()));
        file.close();
        file.remove();
        return false;
    }
    return true;
}

std::optional<MachinePrivate> loadOrCreatePrivateKeyFile(const QString& path, QString* error)
{
    const QFileInfo info(path);
    if (info.exists() || info.isSymLink())
        return readPrivateKeyFile(path, error);

    if (!QDir().mkpath(info.absolutePath())) {
        setError(error, QStringLiteral("cannot create the directory of private key file %1").arg(path));
        return std::nullopt;
    }
    MachinePrivate key = MachinePrivate::generate();
    if (!writePrivateKeyFile(path, key, error))
        return std::nullopt;
    qCInfo(lcNoise).noquote() << "created a new server Noise key in" << path;
    return key;
}

} // namespace keel::crypto
