#pragma once

#include <QDateTime>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <optional>

namespace keel::store {

// How Headscale (GORM on SQLite or PostgreSQL) wrote its values, decoded into Keel's forms.
namespace HeadscaleImportValues {

// A datetime column: a QDateTime (PostgreSQL) or text such as "2023-01-20 15:24:32.036023546+00:00"
// (SQLite). NULL, empty, unparsable and Go's zero time ("0001-01-01 ...") give nullopt: Headscale
// before 0.29 wrote the zero time for "never".
std::optional<QDateTime> time(const QVariant& v);

// A boolean column: 0/1, "true"/"false", or a real boolean.
bool boolean(const QVariant& v);

// A JSON array of strings (tags, endpoints, routes). NULL, "", "null" -> empty. nullopt when the
// text is not such an array.
std::optional<QStringList> stringList(const QVariant& v);

// "mkey:<64 hex>" from either that or the bare hex Headscale 0.22 stored; nullopt when malformed.
// `marker` is "mkey:", "nodekey:" or "discokey:".
std::optional<QString> key(const QVariant& v, const QString& marker);

// Headscale 0.22 kept a node's addresses in one column, "100.64.0.1,fd7a:115c:a1e0::1" (or a JSON
// array in some older builds).
QStringList addresses(const QVariant& v);

// A DNS label from a host name, as Headscale derived given names: lower case, [a-z0-9-], <= 63.
QString dnsLabel(const QString& hostname);

} // namespace HeadscaleImportValues

} // namespace keel::store
