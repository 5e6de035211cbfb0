#include "crypto/Ts2021.h"

#include <algorithm>

namespace keel::crypto::ts2021 {

QByteArray prologue(quint16 version)
{
    return QByteArrayLiteral("Tailscale Control Protocol v") + QByteArray::number(version);
}

std::optional<QByteArray> decodeHandshakeHeader(QByteArrayView base64, QString* error)
{
    auto reject = [error](const QString& why) -> std::optional<QByteArray> {
        if (error)
            *error = QStringLiteral("invalid tailscale handshake header: %1").arg(why);
        return std::nullopt;
    };
    if (base64.isEmpty())
        return reject(QStringLiteral("empty"));
    // Go's base64.StdEncoding is strict: padded, standard alphabet only. Qt's decoder is more
    // lenient about padding, so check the shape first.
    if (base64.size() % 4 != 0)
        return reject(QStringLiteral("length %1 is not a multiple of 4").arg(base64.size()));
    for (qsizetype i = 0; i < base64.size(); ++i) {
        const char c = base64[i];
        const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
        const bool pad = c == '=' && i >= base64.size() - 2 && (i == base64.size() - 1 || base64[i + 1] == '=');
        if (!alpha && !pad)
            return reject(QStringLiteral("character %1 is not standard base64").arg(i));
    }
    QByteArray::FromBase64Result decoded =
        QByteArray::fromBase64Encoding(base64.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return reject(QStringLiteral("not base64"));
    return std::move(decoded.decoded);
}

QByteArray errorFrame(QByteArrayView text)
{
    const QByteArrayView cut = text.first(std::min<qsizetype>(text.size(), 0xffff));
    QByteArray frame;
    frame.reserve(kHeaderSize + cut.size());
    frame.append(char(kMsgError));
    frame.append(char((cut.size() >> 8) & 0xff));
    frame.append(char(cut.size() & 0xff));
    frame.append(cut);
    return frame;
}

} // namespace keel::crypto::ts2021
