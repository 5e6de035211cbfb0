#include "dns/ExtraRecords.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace keel::dns {

namespace {

// Go's encoding/json matches a key to a field case-insensitively; the last match wins.
QJsonValue field(const QJsonObject& o, QLatin1StringView name)
{
    QJsonValue found = QJsonValue::Undefined;
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key().compare(name, Qt::CaseInsensitive) == 0)
            found = it.value();
    return found;
}

} // namespace

ExtraRecords::Parsed ExtraRecords::parse(const QByteArray& bytes)
{
    Parsed out;
    if (bytes.trimmed().isEmpty() || bytes.trimmed() == "null") {
        out.status = Status::Empty;
        return out;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError) {
        out.error = QStringLiteral("not JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return out;
    }
    if (!doc.isArray()) {
        out.error = QStringLiteral("expected a JSON array of {\"name\", \"type\", \"value\"} records");
        return out;
    }
    // Records are kept apart until the whole file is read: a refused file yields none, not the
    // ones before the bad record (fuzz_dns_inputs found such a partial result).
    QJsonArray records;
    QSet<QString> seen;
    const QJsonArray in = doc.array();
    for (qsizetype i = 0; i < in.size(); ++i) {
        if (!in.at(i).isObject()) {
            out.error = QStringLiteral("record %1 is not an object").arg(i);
            return out;
        }
        const QJsonObject o = in.at(i).toObject();
        const QJsonValue name = field(o, QLatin1StringView("name"));
        const QJsonValue type = field(o, QLatin1StringView("type"));
        const QJsonValue value = field(o, QLatin1StringView("value"));
        // Headscale would accept a record without name or value and send it as "": garbage that
        // no client can use, so it is refused here with the record named.
        if (!name.isString() || name.toString().trimmed().isEmpty()) {
            out.error = QStringLiteral("record %1 has no \"name\" string").arg(i);
            return out;
        }
        if (!value.isString() || value.toString().trimmed().isEmpty()) {
            out.error = QStringLiteral("record %1 (%2) has no \"value\" string").arg(i).arg(name.toString());
            return out;
        }
        if (!type.isUndefined() && !type.isNull() && !type.isString()) {
            out.error = QStringLiteral("record %1 (%2): \"type\" must be a string").arg(i).arg(name.toString());
            return out;
        }
        QJsonObject rec{{QStringLiteral("name"), name.toString()}, {QStringLiteral("value"), value.toString()}};
        if (!type.toString().isEmpty())
            rec.insert(QStringLiteral("type"), type.toString());
        const QString key = rec.value(QStringLiteral("name")).toString() + QChar(0) + type.toString() + QChar(0)
            + rec.value(QStringLiteral("value")).toString();
        if (seen.contains(key))
            continue; // Headscale keeps a set
        seen.insert(key);
        records.append(rec);
    }
    out.records = records;
    out.status = Status::Ok;
    return out;
}

} // namespace keel::dns
