#pragma once

#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

namespace keel::cli {

// -o/--output: "" (human), json (indented), json-line (one line), yaml. Machine formats print the
// admin API's objects unchanged, so jq scripts written against the API work on the CLI too.
enum class Format { Human, Json, JsonLine, Yaml };

bool parseFormat(const QString& text, Format* format, QString* error);

QString toJson(const QJsonValue& value, bool indented);
QString toYaml(const QJsonValue& value);
// Aligned columns with a header row, like Headscale's tables (plain text, no colours).
QString table(const QStringList& headers, const QList<QStringList>& rows);

// Prints `value` in a machine format, or `human` for the human one. Always ends with a newline.
void printResult(Format format, const QJsonValue& value, const QString& human);
// Errors go to stderr: "Error: ..." for humans, {"error": "..."} in machine formats.
void printError(Format format, const QString& message);
// Timestamps for humans: "2006-01-02 15:04:05" (Headscale's layout), in UTC; "" for null.
// "yes" when an RFC 3339 expiration lies in the past, "no" otherwise (also when there is none).
QString expiredText(const QJsonValue& rfc3339);
QString humanTime(const QJsonValue& rfc3339);

} // namespace keel::cli
