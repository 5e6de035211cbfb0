#include "crypto/KeyText.h"

#include <cstring>

namespace keel::crypto::keytext {

namespace {

int hexValue(QChar c)
{
    const char16_t u = c.unicode();
    if (u >= u'0' && u <= u'9')
        return u - u'0';
    if (u >= u'a' && u <= u'f')
        return u - u'a' + 10;
    if (u >= u'A' && u <= u'F')
        return u - u'A' + 10;
    return -1;
}

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

} // namespace

QString format(const char* prefix, const unsigned char* raw, std::size_t size)
{
    static const char digits[] = "0123456789abcdef";
    QString out = QString::fromLatin1(prefix);
    out.reserve(out.size() + qsizetype(size) * 2);
    for (std::size_t i = 0; i < size; ++i) {
        out.append(QLatin1Char(digits[raw[i] >> 4]));
        out.append(QLatin1Char(digits[raw[i] & 0x0f]));
    }
    return out;
}

bool parseHex(QStringView hex, unsigned char* out, std::size_t size, QString* error)
{
    const qsizetype want = qsizetype(size) * 2;
    if (hex.size() != want) {
        setError(error, QStringLiteral("key hex has the wrong size: %1 hex digits, want %2").arg(hex.size()).arg(want));
        return false;
    }
    for (std::size_t i = 0; i < size; ++i) {
        const qsizetype pos = qsizetype(i) * 2;
        const int hi = hexValue(hex[pos]);
        const int lo = hexValue(hex[pos + 1]);
        if (hi < 0 || lo < 0) {
            const qsizetype bad = hi < 0 ? pos : pos + 1;
            setError(error, QStringLiteral("key hex has a non-hex character at position %1").arg(bad));
            return false;
        }
        out[i] = static_cast<unsigned char>((hi << 4) | lo);
    }
    return true;
}

bool parse(QStringView text, const char* prefix, unsigned char* out, std::size_t size, QString* error)
{
    const QLatin1String want(prefix);
    if (!text.startsWith(want)) {
        setError(error, QStringLiteral("key text does not start with \"%1\"").arg(want));
        return false;
    }
    QString hexError;
    if (!parseHex(text.mid(want.size()), out, size, &hexError)) {
        setError(error, QStringLiteral("invalid \"%1\" key: %2").arg(want, hexError));
        return false;
    }
    return true;
}

} // namespace keel::crypto::keytext
