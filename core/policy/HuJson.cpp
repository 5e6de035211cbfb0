#include "policy/HuJson.h"

#include <QJsonArray>
#include <QJsonParseError>
#include <QSet>

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

// The offset of the first object member whose name repeats an earlier one of the same object,
// with that name; -1 when none. `json` is well-formed plain JSON. Duplicate names are an error in
// Tailscale's JSON decoding (encoding/json/v2 and jsontext reject them unless told otherwise), so
// a repeated key can never silently replace an earlier rule list.
qsizetype duplicateKey(const QByteArray& json, QString* name)
{
    struct Level {
        bool object = false;
        bool expectKey = false;
        QSet<QString> keys;
    };
    QList<Level> stack;
    const qsizetype n = json.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = json[i];
        if (c == '{' || c == '[') {
            stack.append(Level{c == '{', c == '{', {}});
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
        } else if (c == ',') {
            if (!stack.isEmpty() && stack.last().object)
                stack.last().expectKey = true;
        } else if (c == '"') {
            qsizetype j = i + 1;
            for (; j < n && json[j] != '"'; ++j)
                if (json[j] == '\\')
                    ++j;
            if (!stack.isEmpty() && stack.last().object && stack.last().expectKey) {
                // Decode the literal (escapes included) to compare names as JSON does.
                const QJsonDocument d = QJsonDocument::fromJson("[" + json.mid(i, j - i + 1) + "]");
                const QString key = d.array().at(0).toString();
                if (stack.last().keys.contains(key)) {
                    *name = key;
                    return i;
                }
                stack.last().keys.insert(key);
                stack.last().expectKey = false;
            }
            i = j;
        }
    }
    return -1;
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
    char last = 0; // the last character outside comments and whitespace ('"' for a string)
    const qsizetype n = out.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = out[i];
        if (c == '"') {
            pendingComma = -1;
            last = c;
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
            // A comma follows a value; HuJSON only adds that the last one may trail ("[,]" and
            // "[1,,]" stay errors, as in tailscale/hujson).
            if (last == '[' || last == '{' || last == ',' || last == ':' || last == 0) {
                fail(input, i, QStringLiteral("unexpected comma"), error);
                return {};
            }
            pendingComma = i;
            last = c;
            continue;
        }
        if (!isSpace(c))
            last = c;
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
    QString name;
    if (const qsizetype at = duplicateKey(plain, &name); at >= 0) {
        fail(input, at, QStringLiteral("duplicate object member name \"%1\"").arg(name), error);
        return {};
    }
    return doc;
}

} // namespace keel::policy
