#include "control/MapSessionFraming.h"

#include <QString>

#include <zstd.h>

namespace keel::control {

namespace {
// Tailscale's test server refuses more; nothing sane comes near it.
constexpr quint32 kMaxMessage = 256u << 20;
}

QByteArray MapSessionFraming::frame(const QByteArray& json, bool zstd)
{
    QByteArray body;
    if (zstd) {
        // One-shot compression at a low level: independent frames with the content size recorded,
        // like the Go encoder's single-segment mode.
        body.resize(qsizetype(ZSTD_compressBound(size_t(json.size()))));
        const size_t n = ZSTD_compress(body.data(), size_t(body.size()), json.constData(), size_t(json.size()), 1);
        if (ZSTD_isError(n))
            return {};
        body.resize(qsizetype(n));
    } else {
        body = json;
    }
    const quint32 len = quint32(body.size());
    QByteArray out;
    out.reserve(body.size() + 4);
    for (int i = 0; i < 4; ++i)
        out.append(char((len >> (8 * i)) & 0xff));
    out.append(body);
    return out;
}

std::optional<QByteArray> MapSessionFraming::takeMessage(QByteArray& buffer, bool zstd, QString* error)
{
    if (buffer.size() < 4)
        return std::nullopt;
    quint32 len = 0;
    for (int i = 0; i < 4; ++i)
        len |= quint32(quint8(buffer[i])) << (8 * i);
    if (len > kMaxMessage) {
        *error = QStringLiteral("map message too large (%1 bytes)").arg(len);
        return std::nullopt;
    }
    if (quint32(buffer.size() - 4) < len)
        return std::nullopt;
    QByteArray body = buffer.mid(4, qsizetype(len));
    buffer.remove(0, qsizetype(len) + 4);
    if (!zstd)
        return body;
    const unsigned long long size = ZSTD_getFrameContentSize(body.constData(), size_t(body.size()));
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN || size > kMaxMessage) {
        *error = QStringLiteral("map message is not a zstd frame with a known size");
        return std::nullopt;
    }
    QByteArray out(qsizetype(size), Qt::Uninitialized);
    const size_t n = ZSTD_decompress(out.data(), size_t(out.size()), body.constData(), size_t(body.size()));
    if (ZSTD_isError(n) || n != size) {
        *error = QStringLiteral("corrupt zstd frame: %1").arg(QString::fromLatin1(ZSTD_getErrorName(n)));
        return std::nullopt;
    }
    return out;
}

} // namespace keel::control
