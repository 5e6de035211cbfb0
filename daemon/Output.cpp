#include "Output.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cstdio>

namespace keel::cli {

bool parseFormat(const QString& text, Format* format, QString* error)
{
    if (text.isEmpty())
        *format = Format::Human;
    else if (text == QLatin1String("json"))
        *format = Format::Json;
    else if (text == QLatin1String("json-line"))
        *format = Format::JsonLine;
    else if (text == QLatin1String("yaml"))
        *format = Format::Yaml;
    else {
        *error = QStringLiteral("unknown output format '%1': use json, json-line or yaml").arg(text);
        return false;
    }
    return true;
}

QString toJson(const QJsonValue& value, bool indented)
{
    const auto mode = indented ? QJsonDocument::Indented : QJsonDocument::Compact;
    QByteArray bytes;
    if (value.isObject())
        bytes = QJsonDocument(value.toObject()).toJson(mode);
    else if (value.isArray())
        bytes = QJsonDocument(value.toArray()).toJson(mode);
    else  // a scalar: wrap and unwrap so Qt escapes it
        bytes = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact).mid(1).chopped(1);
    return QString::fromUtf8(bytes).trimmed();
}

namespace {

QString yamlScalar(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return toJson(v, false);
    case QJsonValue::String: {
        const QString s = v.toString();
        // Plain only when YAML would read it back as the same string.
        static const QRegularExpression plain(QStringLiteral("^[A-Za-z_/][A-Za-z0-9_./@+-]*$"));
        static const QStringList reserved{QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("null"),
                                          QStringLiteral("yes"), QStringLiteral("no"), QStringLiteral("on"), QStringLiteral("off"), QStringLiteral("~")};
        if (plain.match(s).hasMatch() && !reserved.contains(s.toLower()))
            return s;
        return toJson(v, false);  // a JSON string is a valid YAML double-quoted scalar
    }
    default:
        return {};
    }
}

void yamlInto(QString& out, const QJsonValue& v, int indent, bool inSequence)
{
    const QString pad(indent, QLatin1Char(' '));
    if (v.isObject()) {
        const QJsonObject obj = v.toObject();
        if (obj.isEmpty()) {
            out += QStringLiteral("{}\n");
            return;
        }
        bool first = true;
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            if (!(first && inSequence))
                out += pad;
            first = false;
            out += it.key() + QLatin1Char(':');
            const QJsonValue child = it.value();
            if ((child.isObject() && !child.toObject().isEmpty()) || (child.isArray() && !child.toArray().isEmpty())) {
                out += QLatin1Char('\n');
                yamlInto(out, child, indent + 2, false);
            } else {
                out += QLatin1Char(' ');
                yamlInto(out, child, 0, false);
            }
        }
    } else if (v.isArray()) {
        const QJsonArray arr = v.toArray();
        if (arr.isEmpty()) {
            out += QStringLiteral("[]\n");
            return;
        }
        for (const QJsonValue& item : arr) {
            out += pad + QStringLiteral("- ");
            yamlInto(out, item, indent + 2, true);
        }
    } else {
        out += yamlScalar(v) + QLatin1Char('\n');
    }
}

} // namespace

QString toYaml(const QJsonValue& value)
{
    QString out;
    yamlInto(out, value, 0, false);
    return out.trimmed();
}

QString table(const QStringList& headers, const QList<QStringList>& rows)
{
    QList<int> widths;
    for (const QString& h : headers)
        widths.append(h.size());
    for (const QStringList& row : rows)
        for (int i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = qMax(widths[i], row[i].size());
    const auto line = [&](const QStringList& cells) {
        QString l;
        for (int i = 0; i < headers.size(); ++i) {
            const QString cell = i < cells.size() ? cells[i] : QString();
            l += i + 1 < headers.size() ? cell.leftJustified(widths[i]) + QStringLiteral(" | ") : cell;
        }
        return l.trimmed() + QLatin1Char('\n');
    };
    QString out = line(headers);
    for (const QStringList& row : rows)
        out += line(row);
    return out.trimmed();
}

void printResult(Format format, const QJsonValue& value, const QString& human)
{
    QString text;
    switch (format) {
    case Format::Human: text = human; break;
    case Format::Json: text = toJson(value, true); break;
    case Format::JsonLine: text = toJson(value, false); break;
    case Format::Yaml: text = toYaml(value); break;
    }
    std::fputs(text.toUtf8().constData(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void printError(Format format, const QString& message)
{
    QString text;
    const QJsonObject obj{{QStringLiteral("error"), message}};
    switch (format) {
    case Format::Human: text = QStringLiteral("Error: ") + message; break;
    case Format::Json: text = toJson(obj, true); break;
    case Format::JsonLine: text = toJson(obj, false); break;
    case Format::Yaml: text = toYaml(obj); break;
    }
    std::fputs(text.toUtf8().constData(), stderr);
    std::fputc('\n', stderr);
}

QString expiredText(const QJsonValue& rfc3339)
{
    if (!rfc3339.isString())
        return QStringLiteral("no");
    const QDateTime t = QDateTime::fromString(rfc3339.toString(), Qt::ISODateWithMs);
    if (!t.isValid() || t.date().year() <= 1)
        return QStringLiteral("no");
    return t <= QDateTime::currentDateTimeUtc() ? QStringLiteral("yes") : QStringLiteral("no");
}

QString humanTime(const QJsonValue& rfc3339)
{
    if (!rfc3339.isString())
        return {};
    QDateTime t = QDateTime::fromString(rfc3339.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        return rfc3339.toString();
    if (t.date().year() <= 1)
        return {};
    return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace keel::cli
