#include "backup/HeadscaleImportValues.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace keel::store::HeadscaleImportValues {

std::optional<QDateTime> time(const QVariant& v)
{
    if (v.isNull() || !v.isValid())
        return std::nullopt;
    QDateTime t;
    if (v.metaType() == QMetaType::fromType<QDateTime>()) {
        t = v.toDateTime();
    } else {
        // Go's layouts: "2006-01-02 15:04:05.999999999-07:00", RFC 3339, and time.String()'s
        // "2006-01-02 15:04:05.999 +0000 UTC".
        static const QRegularExpression re(QStringLiteral(
            R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?(?:\s+\w+)?$)"));
        const QRegularExpressionMatch m = re.match(v.toString().trimmed());
        if (!m.hasMatch())
            return std::nullopt;
        const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
        const int ms = m.captured(7).isEmpty() ? 0 : (m.captured(7) + QStringLiteral("00")).left(3).toInt();
        const QTime clock(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt(), ms);
        if (!date.isValid() || !clock.isValid())
            return std::nullopt;
        int offsetSecs = 0;
        const QString zone = m.captured(8);
        if (!zone.isEmpty() && zone != QLatin1String("Z")) {
            const QString digits = QString(zone).remove(QLatin1Char(':'));
            offsetSecs = (digits.mid(1, 2).toInt() * 3600 + digits.mid(3, 2).toInt() * 60)
                * (zone.startsWith(QLatin1Char('-')) ? -1 : 1);
        }
        t = QDateTime(date, clock, Qt::UTC).addSecs(-offsetSecs);
    }
    if (!t.isValid() || t.date().year() < 1900)
        return std::nullopt;
    return t.toUTC();
}

bool boolean(const QVariant& v)
{
    if (v.isNull())
        return false;
    const QString s = v.toString().trimmed().toLower();
    return s == QLatin1String("1") || s == QLatin1String("true") || s == QLatin1String("t");
}

std::optional<QStringList> stringList(const QVariant& v)
{
    const QByteArray text = v.toByteArray().trimmed();
    if (v.isNull() || text.isEmpty() || text == "null")
        return QStringList();
    QJsonParseError pe{};
    const QJsonDocument d = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError || !d.isArray())
        return std::nullopt;
    QStringList out;
    for (const QJsonValue& e : d.array()) {
        if (!e.isString())
            return std::nullopt;
        out << e.toString();
    }
    return out;
}

std::optional<QString> key(const QVariant& v, const QString& marker)
{
    QString s = v.toString().trimmed();
    if (s.startsWith(marker))
        s = s.mid(marker.size());
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex.match(s).hasMatch())
        return std::nullopt;
    return marker + s;
}

QStringList addresses(const QVariant& v)
{
    const QString s = v.toString().trimmed();
    if (s.startsWith(QLatin1Char('[')))
        return stringList(v).value_or(QStringList());
    QStringList out;
    for (const QString& part : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
        out << part.trimmed();
    return out;
}

QString dnsLabel(const QString& hostname)
{
    QString out;
    for (const QChar c : hostname.toLower()) {
        if ((c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('0') && c <= QLatin1Char('9')))
            out += c;
        else if (!out.endsWith(QLatin1Char('-')))
            out += QLatin1Char('-');
    }
    while (out.startsWith(QLatin1Char('-')))
        out.remove(0, 1);
    out = out.left(63);
    while (out.endsWith(QLatin1Char('-')))
        out.chop(1);
    return out;
}

} // namespace keel::store::HeadscaleImportValues
