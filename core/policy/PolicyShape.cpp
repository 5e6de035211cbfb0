// PolicyParser::checkShape: the JSON types of the policy document. Tailscale (and Headscale)
// decode the policy into typed Go structs, so a value of the wrong type is an error, never a
// silent default: `"acls": {}` or `"src": "tag:a"` is rejected, not read as an empty list.
// `null` decodes to the zero value in Go and is accepted everywhere.
#include "policy/PolicyParser.h"

#include <QJsonArray>

namespace keel::policy {

namespace {

enum class T { String, Bool, Object, Strings, StringOrInt, Any };

QString typeName(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Array:
        return QStringLiteral("an array");
    case QJsonValue::Object:
        return QStringLiteral("an object");
    case QJsonValue::String:
        return QStringLiteral("a string");
    case QJsonValue::Double:
        return QStringLiteral("a number");
    case QJsonValue::Bool:
        return QStringLiteral("a boolean");
    default:
        return QStringLiteral("null");
    }
}

QString expected(T t)
{
    switch (t) {
    case T::String:
        return QStringLiteral("a string");
    case T::Bool:
        return QStringLiteral("a boolean");
    case T::Object:
        return QStringLiteral("an object");
    case T::Strings:
        return QStringLiteral("an array of strings");
    case T::StringOrInt:
        return QStringLiteral("a string or a protocol number");
    case T::Any:
        break;
    }
    return {};
}

// One field of an object and the type its value must have.
struct Field {
    const char* name;
    T type;
};

const Field kAclFields[] = {{"action", T::String}, {"src", T::Strings}, {"dst", T::Strings},
                            {"proto", T::StringOrInt}, {"users", T::Strings}, {"ports", T::Strings}};
const Field kGrantFields[] = {{"src", T::Strings}, {"dst", T::Strings}, {"ip", T::Strings},
                              {"app", T::Object}, {"via", T::Strings}, {"srcPosture", T::Strings}};
const Field kSshFields[] = {{"action", T::String}, {"src", T::Strings}, {"dst", T::Strings},
                            {"users", T::Strings}, {"checkPeriod", T::String}, {"acceptEnv", T::Strings}};
const Field kNodeAttrFields[] = {{"target", T::Strings}, {"attr", T::Strings}, {"app", T::Object}, {"ipPool", T::Strings}};
const Field kTestFields[] = {{"src", T::String}, {"proto", T::StringOrInt}, {"accept", T::Strings}, {"deny", T::Strings}};
const Field kSshTestFields[] = {{"src", T::String}, {"dst", T::Strings}, {"accept", T::Strings},
                                {"deny", T::Strings}, {"check", T::Strings}};

bool fits(const QJsonValue& v, T t)
{
    if (v.isNull() || v.isUndefined())
        return true;
    switch (t) {
    case T::String:
        return v.isString();
    case T::Bool:
        return v.isBool();
    case T::Object:
        return v.isObject();
    case T::StringOrInt:
        return v.isString() || (v.isDouble() && v.toDouble() == double(v.toInteger()));
    case T::Strings:
        if (!v.isArray())
            return false;
        for (const QJsonValue& item : v.toArray())
            if (!item.isString() && !item.isNull())
                return false;
        return true;
    case T::Any:
        return true;
    }
    return true;
}

QJsonValue member(const QJsonObject& o, const char* name)
{
    const QLatin1String key(name);
    for (auto it = o.begin(); it != o.end(); ++it)
        if (it.key().compare(key, Qt::CaseInsensitive) == 0)
            return it.value();
    return QJsonValue(QJsonValue::Undefined);
}

} // namespace

bool PolicyParser::checkShape(const QJsonObject& doc)
{
    const qsizetype before = m_errors.size();
    auto expect = [&](const QJsonValue& v, T t, const QString& where) {
        if (fits(v, t))
            return true;
        QString got = typeName(v);
        if (t == T::Strings && v.isArray())
            got = QStringLiteral("an array holding something other than strings");
        error(QStringLiteral("%1: expected %2, got %3").arg(where, expected(t), got));
        return false;
    };
    auto objects = [&](const char* list, const auto& fields) {
        const QJsonValue v = member(doc, list);
        if (v.isNull() || v.isUndefined())
            return;
        if (!v.isArray()) {
            error(QStringLiteral("%1: expected an array of objects, got %2").arg(QLatin1String(list), typeName(v)));
            return;
        }
        const QJsonArray items = v.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            const QString where = QStringLiteral("%1[%2]").arg(QLatin1String(list)).arg(i);
            if (!items[i].isObject()) {
                error(QStringLiteral("%1: expected an object, got %2").arg(where, typeName(items[i])));
                continue;
            }
            for (const Field& f : fields)
                expect(member(items[i].toObject(), f.name), f.type, where + QLatin1Char('.') + QLatin1String(f.name));
        }
    };
    // Group values keep their own check in decode (its message names the group).
    expect(member(doc, "groups"), T::Object, QStringLiteral("groups"));
    if (expect(member(doc, "hosts"), T::Object, QStringLiteral("hosts"))) {
        const QJsonObject hosts = member(doc, "hosts").toObject();
        for (auto it = hosts.begin(); it != hosts.end(); ++it)
            expect(it.value(), T::String, QStringLiteral("hosts[\"%1\"]").arg(it.key()));
    }
    if (expect(member(doc, "tagOwners"), T::Object, QStringLiteral("tagOwners"))) {
        const QJsonObject owners = member(doc, "tagOwners").toObject();
        for (auto it = owners.begin(); it != owners.end(); ++it)
            expect(it.value(), T::Strings, QStringLiteral("tagOwners[\"%1\"]").arg(it.key()));
    }
    if (expect(member(doc, "autoApprovers"), T::Object, QStringLiteral("autoApprovers"))) {
        const QJsonObject approvers = member(doc, "autoApprovers").toObject();
        if (expect(member(approvers, "routes"), T::Object, QStringLiteral("autoApprovers.routes"))) {
            const QJsonObject routes = member(approvers, "routes").toObject();
            for (auto it = routes.begin(); it != routes.end(); ++it)
                expect(it.value(), T::Strings, QStringLiteral("autoApprovers.routes[\"%1\"]").arg(it.key()));
        }
        expect(member(approvers, "exitNode"), T::Strings, QStringLiteral("autoApprovers.exitNode"));
    }
    objects("acls", kAclFields);
    objects("grants", kGrantFields);
    objects("ssh", kSshFields);
    objects("nodeAttrs", kNodeAttrFields);
    objects("tests", kTestFields);
    objects("sshTests", kSshTestFields);
    expect(member(doc, "randomizeClientPort"), T::Bool, QStringLiteral("randomizeClientPort"));
    return m_errors.size() == before;
}

} // namespace keel::policy
