#include "CacophonyFile.h"

#include "TestHex.h"

#include <QMap>
#include <QRegularExpression>

namespace keel::test {

namespace {

struct Pending {
    CacophonyVector vector;
    QMap<int, QByteArray> payloads;
    QMap<int, QByteArray> ciphertexts;
};

bool finish(Pending& p, QList<CacophonyVector>& out, QString* error)
{
    const QList<int> indices = p.ciphertexts.keys();
    for (int i = 0; i < indices.size(); ++i) {
        if (indices[i] != i || !p.payloads.contains(i)) {
            if (error)
                *error = QStringLiteral("vector at line %1: message %2 is missing or incomplete").arg(p.vector.firstLine).arg(i);
            return false;
        }
        p.vector.messages.append({p.payloads.value(i), p.ciphertexts.value(i)});
    }
    if (p.payloads.size() != p.ciphertexts.size()) {
        if (error)
            *error = QStringLiteral("vector at line %1: a payload has no ciphertext").arg(p.vector.firstLine);
        return false;
    }
    if (p.vector.initStatic.isEmpty() || p.vector.respStatic.isEmpty() || p.vector.initEphemeral.isEmpty()
        || p.vector.respEphemeral.isEmpty()) {
        if (error)
            *error = QStringLiteral("vector at line %1: a key is missing").arg(p.vector.firstLine);
        return false;
    }
    out.append(p.vector);
    return true;
}

} // namespace

std::optional<QList<CacophonyVector>> CacophonyFile::parse(const QByteArray& text, QString* error)
{
    static const QRegularExpression msgKey(QStringLiteral("^msg_(\\d+)_(payload|ciphertext)$"));
    QList<CacophonyVector> out;
    std::optional<Pending> current;
    const QList<QByteArray> lines = text.split('\n');
    for (int n = 0; n < lines.size(); ++n) {
        const QString line = QString::fromUtf8(lines[n]).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            if (error)
                *error = QStringLiteral("line %1: expected key=value").arg(n + 1);
            return std::nullopt;
        }
        const QString key = line.left(eq);
        const QString value = line.mid(eq + 1);
        if (key == QLatin1String("handshake")) {
            if (current && !finish(*current, out, error))
                return std::nullopt;
            current.emplace();
            current->vector.protocolName = value;
            current->vector.firstLine = n + 1;
            continue;
        }
        if (!current) {
            if (error)
                *error = QStringLiteral("line %1: %2 before any handshake= line").arg(n + 1).arg(key);
            return std::nullopt;
        }
        if (key == QLatin1String("name") || key == QLatin1String("protocol_name"))
            continue;
        QString hexError;
        const std::optional<QByteArray> bytes = strictHex(value, &hexError);
        if (!bytes) {
            if (error)
                *error = QStringLiteral("line %1: %2: %3").arg(n + 1).arg(key, hexError);
            return std::nullopt;
        }
        CacophonyVector& v = current->vector;
        const QRegularExpressionMatch m = msgKey.match(key);
        if (m.hasMatch()) {
            const int index = m.captured(1).toInt();
            (m.captured(2) == QLatin1String("payload") ? current->payloads : current->ciphertexts).insert(index, *bytes);
        } else if (key == QLatin1String("init_static")) {
            v.initStatic = *bytes;
        } else if (key == QLatin1String("resp_static")) {
            v.respStatic = *bytes;
        } else if (key == QLatin1String("gen_init_ephemeral") || key == QLatin1String("init_ephemeral")) {
            v.initEphemeral = *bytes;
        } else if (key == QLatin1String("gen_resp_ephemeral") || key == QLatin1String("resp_ephemeral")) {
            v.respEphemeral = *bytes;
        } else if (key == QLatin1String("init_remote_static")) {
            v.initRemoteStatic = *bytes;
        } else if (key == QLatin1String("prologue") || key == QLatin1String("init_prologue")) {
            v.prologue = *bytes;
        } else if (key == QLatin1String("handshake_hash")) {
            v.handshakeHash = *bytes;
        }
    }
    if (current && !finish(*current, out, error))
        return std::nullopt;
    return out;
}

} // namespace keel::test
