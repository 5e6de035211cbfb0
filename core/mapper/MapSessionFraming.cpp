#include "mapper/MapSessionFraming.h"

#include <QString>
#include <QThreadStorage>

#include <zstd.h>

namespace keel::control {

namespace {
// Tailscale's test server refuses more; nothing sane comes near it.
constexpr quint32 kMaxMessage = 256u << 20;

// The zstd contexts are reused per thread: a fresh one per message costs more than compressing a
// small delta. Held in QThreadStorage (freed when the thread ends), not in thread_local: with
// MinGW-w64's runtime a thread_local that has a destructor corrupts the heap at thread exit.
struct ZstdContexts {
    ZSTD_CCtx* compress = nullptr;
    ZSTD_DCtx* decompress = nullptr;
    ZstdContexts() = default;
    ZstdContexts(const ZstdContexts&) = delete;
    ZstdContexts& operator=(const ZstdContexts&) = delete;
    ~ZstdContexts()
    {
        ZSTD_freeCCtx(compress);
        ZSTD_freeDCtx(decompress);
    }
};

ZstdContexts& threadContexts()
{
    // Never destroyed, as store::Connection's: a thread ending after static destructors ran
    // would otherwise lose its contexts instead of freeing them.
    static auto* storage = new QThreadStorage<ZstdContexts*>;
    if (!storage->hasLocalData())
        storage->setLocalData(new ZstdContexts);
    return *storage->localData();
}
} // namespace

QByteArray MapSessionFraming::frame(const QByteArray& json, bool zstd)
{
    QByteArray out;
    if (zstd) {
        // One-shot compression at a low level: independent frames with the content size recorded,
        // like the Go encoder's single-segment mode.
        ZstdContexts& cx = threadContexts();
        if (!cx.compress)
            cx.compress = ZSTD_createCCtx();
        out.resize(qsizetype(4 + ZSTD_compressBound(size_t(json.size()))));
        const size_t n = ZSTD_compressCCtx(cx.compress, out.data() + 4, size_t(out.size() - 4), json.constData(),
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
    ZstdContexts& cx = threadContexts();
    if (!cx.decompress)
        cx.decompress = ZSTD_createDCtx();
    const size_t n = ZSTD_decompressDCtx(cx.decompress, out.data(), size_t(out.size()), body.constData(), size_t(body.size()));
    if (ZSTD_isError(n) || n != size) {
        *error = QStringLiteral("corrupt zstd frame: %1").arg(QString::fromLatin1(ZSTD_getErrorName(n)));
        return std::nullopt;
    }
    return out;
}

} // namespace keel::control
