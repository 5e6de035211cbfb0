#include "policy/HuJson.h"

#include <QJsonParseError>

namespace keel::policy {

namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void fail(const QByteArray& input, qsizetype offset, const QString& what, HuJson::Error* error)
{
    if (!error)
        return;
    HuJson::position(input, offset, &error->line, &error->column);
    error->message = QStringLiteral("line %1, column %2: %3").arg(error->line).arg(error->column).arg(what);
}

} // namespace

void HuJson::position(const QByteArray& input, qsizetype offset, int* line, int* column)
{
    int l = 1;
    int c = 1;
    for (qsizetype i = 0; i < offset && i < input.size(); ++i) {
        if (input[i] == '\n') {
            ++l;
            c = 1;
        } else {
            ++c;
        }
    }
    *line = l;
    *column = c;
}

QByteArray HuJson::standardize(const QByteArray& input, Error* error)
{
    QByteArray out = input;
    // Offset of the last comma seen outside strings that has only whitespace/comments after it so
    // far; a '}' or ']' that follows it makes it a trailing comma.
    qsizetype pendingComma = -1;
    const qsizetype n = out.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = out[i];
        if (c == '"') {
            pendingComma = -1;
            qsizetype j = i + 1;
            for (; j < n; ++j) {
                if (out[j] == '\\') {
                    ++j;
                    continue;
                }
                if (out[j] == '"' || out[j] == '\n')
                    break;
            }
            if (j >= n || out[j] != '"') {
                fail(input, i, QStringLiteral("unterminated string"), error);
                return {};
            }
            i = j;
            continue;
        }
        if (c == '/' && i + 1 < n && out[i + 1] == '/') {
            qsizetype j = i;
            while (j < n && out[j] != '\n')
                out[j++] = ' ';
            i = j - 1;
            continue;
        }
        if (c == '/' && i + 1 < n && out[i + 1] == '*') {
            const qsizetype end = out.indexOf("*/", i + 2);
            if (end < 0) {
                fail(input, i, QStringLiteral("unterminated block comment"), error);
                return {};
            }
            for (qsizetype j = i; j < end + 2; ++j)
                if (out[j] != '\n')
                    out[j] = ' ';
            i = end + 1;
            continue;
        }
        if (c == ',') {
            pendingComma = i;
            continue;
        }
        if ((c == '}' || c == ']') && pendingComma >= 0) {
            out[pendingComma] = ' ';
            pendingComma = -1;
            continue;
        }
        if (!isSpace(c))
            pendingComma = -1;
    }
    return out;
}

QJsonDocument HuJson::parse(const QByteArray& input, Error* error)
{
    const QByteArray plain = standardize(input, error);
    if (plain.isEmpty() && !input.isEmpty())
        return {};
    QJsonParseError pe;
    QJsonDocument doc = QJsonDocument::fromJson(plain, &pe);
    if (pe.error != QJsonParseError::NoError) {
        fail(input, pe.offset, pe.errorString(), error);
        return {};
    }
    if (!doc.isObject()) {
        fail(input, 0, QStringLiteral("policy must be a JSON object"), error);
        return {};
    }
    return doc;
}

} // namespace keel::policy
