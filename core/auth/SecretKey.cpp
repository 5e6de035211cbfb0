#include "auth/SecretKey.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace keel::auth {

namespace {

constexpr char Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool isLowerHex(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (!((u >= '0' && u <= '9') || (u >= 'a' && u <= 'f')))
            return false;
    }
    return true;
}

bool fail(QString* error, const QString& why)
{
    if (error)
        *error = why;
    return false;
}

} // namespace

QString SecretKey::marker(Kind kind)
{
    return kind == Kind::PreAuth ? QStringLiteral("hskey-auth-") : QStringLiteral("hskey-api-");
}

bool SecretKey::isUrlSafe(QStringView s)
{
    for (QChar c : s) {
        const char16_t u = c.unicode();
        const bool ok = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-'
            || u == '_';
        if (!ok)
            return false;
    }
    return true;
}

QString SecretKey::randomUrlSafe(int n)
{
    // 64 letters: each random byte's low 6 bits pick one uniformly (256 is a multiple of 64).
    QByteArray bytes(n, Qt::Uninitialized);
    if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), n) != 1)
        throw std::runtime_error("RAND_bytes failed");
    QString out;
    out.reserve(n);
    for (char b : std::as_const(bytes))
        out.append(QLatin1Char(Alphabet[static_cast<unsigned char>(b) & 63]));
    return out;
}

SecretKey SecretKey::generate(Kind kind)
{
    SecretKey k;
    k.kind = kind;
    k.format = Format::Modern;
    k.prefix = randomUrlSafe(PrefixLength);
    k.secret = randomUrlSafe(SecretLength).toLatin1();
    return k;
}

std::optional<SecretKey> SecretKey::parse(Kind kind, const QString& text, QString* error)
{
    SecretKey k;
    k.kind = kind;
    if (text.isEmpty()) {
        fail(error, QStringLiteral("empty key"));
        return std::nullopt;
    }
    const QString mark = marker(kind);
    if (text.startsWith(mark)) {
        // Fixed positions, not a split on '-': the alphabet itself contains '-'.
        const QStringView rest = QStringView(text).mid(mark.size());
        if (rest.size() != PrefixLength + 1 + SecretLength) {
            fail(error, QStringLiteral("key has the wrong length"));
            return std::nullopt;
        }
        if (rest.at(PrefixLength) != QLatin1Char('-')) {
            fail(error, QStringLiteral("key has no separator after its prefix"));
            return std::nullopt;
        }
        const QStringView prefix = rest.left(PrefixLength);
        const QStringView secret = rest.mid(PrefixLength + 1);
        if (!isUrlSafe(prefix) || !isUrlSafe(secret)) {
            fail(error, QStringLiteral("key contains characters outside [A-Za-z0-9_-]"));
            return std::nullopt;
        }
        k.format = Format::Modern;
        k.prefix = prefix.toString();
        k.secret = secret.toLatin1();
        return k;
    }

    if (kind == Kind::PreAuth) {
        // Headscale <= 0.26: 24 random bytes as lower-case hex, kept in plaintext.
        if (text.size() == LegacyPreAuthLength && isLowerHex(text)) {
            k.format = Format::LegacyPlain;
            k.secret = text.toLatin1();
            return k;
        }
        fail(error, QStringLiteral("not a pre-auth key"));
        return std::nullopt;
    }

    // Legacy API key: "<7 prefix>.<secret>".
    const qsizetype dot = text.indexOf(QLatin1Char('.'));
    if (dot != LegacyApiPrefixLength || dot + 1 >= text.size()) {
        fail(error, QStringLiteral("not an API key"));
        return std::nullopt;
    }
    const QStringView prefix = QStringView(text).left(dot);
    const QStringView secret = QStringView(text).mid(dot + 1);
    if (!isUrlSafe(prefix) || !isUrlSafe(secret)) {
        fail(error, QStringLiteral("key contains characters outside [A-Za-z0-9_-]"));
        return std::nullopt;
    }
    k.format = Format::LegacyDotted;
    k.prefix = prefix.toString();
    k.secret = secret.toLatin1();
    return k;
}

QString SecretKey::toString() const
{
    switch (format) {
    case Format::Modern:
        return marker(kind) + prefix + QLatin1Char('-') + QString::fromLatin1(secret);
    case Format::LegacyPlain:
        return QString::fromLatin1(secret);
    case Format::LegacyDotted:
        return prefix + QLatin1Char('.') + QString::fromLatin1(secret);
    }
    return {};
}

QString SecretKey::maskedPreAuth(const QString& prefix)
{
    return marker(Kind::PreAuth) + prefix + QStringLiteral("-***");
}

QString SecretKey::maskedApi(const QString& prefix)
{
    if (prefix.size() == LegacyApiPrefixLength)
        return prefix + QStringLiteral("***");
    return marker(Kind::Api) + prefix + QStringLiteral("-***");
}

} // namespace keel::auth
