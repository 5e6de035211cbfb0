#include "mapper/MapSessionFraming.h"

#include <QString>

#include <memory>

#include <zstd.h>

namespace keel::control {

namespace {
// Tailscale's test server refuses more; nothing sane comes near it.
constexpr quint32 kMaxMessage = 256u << 20;
}

QByteArray MapSessionFraming::frame(const QByteArray& json, bool zstd)
{
    QByteArray out;
    if (zstd) {
        // One-shot compression at a low level: independent frames with the content size recorded,
        // like the Go encoder's single-segment mode. The context is reused (per thread): a fresh
        // one per message costs more than compressing a small delta.
        thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
        out.resize(qsizetype(4 + ZSTD_compressBound(size_t(json.size()))));
        const size_t n = ZSTD_compressCCtx(cctx.get(), out.data() + 4, size_t(out.size() - 4), json.constData(),
                                           size_t(json.size()), 1);
        if (ZSTD_isError(n))
            return {};
        out.resize(qsizetype(4 + n));
        out.squeeze(); // the frame may sit in a slow client's backlog for a while
    } else {
        out.reserve(json.size() + 4);
        out.resize(4);
        out.append(json);
    }
    const quint32 len = quint32(out.size() - 4);
    for (int i = 0; i < 4; ++i)
        out[i] = char((len >> (8 * i)) & 0xff);
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
    thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
    const size_t n = ZSTD_decompressDCtx(dctx.get(), out.data(), size_t(out.size()), body.constData(), size_t(body.size()));
    if (ZSTD_isError(n) || n != size) {
        *error = QStringLiteral("corrupt zstd frame: %1").arg(QString::fromLatin1(ZSTD_getErrorName(n)));
        return std::nullopt;
    }
    return out;
}

} // namespace keel::control
