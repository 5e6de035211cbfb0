#include "backup/ExportJson.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace keel::store {

namespace {

QJsonValue time(const QDateTime& t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODateWithMs)) : QJsonValue();
}

QJsonValue optTime(const std::optional<QDateTime>& t)
{
    return t ? time(*t) : QJsonValue();
}

QJsonValue optId(const std::optional<qint64>& id)
{
    return id ? QJsonValue(*id) : QJsonValue();
}

QJsonObject secret(const StoredSecret& s)
{
    return {{QStringLiteral("hashScheme"), s.scheme}, {QStringLiteral("hash"), QString::fromLatin1(s.value)}};
}

// Reads members of untrusted JSON objects, remembering the first problem and where it was.
class Reader
{
public:
    bool failed() const { return !m_error.isEmpty(); }
    const QString& error() const { return m_error; }

    void fail(const QString& where, const QString& what)
    {
        if (m_error.isEmpty())
            m_error = where.isEmpty() ? what : QStringLiteral("%1: %2").arg(where, what);
    }

    QJsonValue member(const QJsonObject& o, const QString& where, const char* key, bool required = true)
    {
        const QString k = QLatin1String(key);
        if (!o.contains(k)) {
            if (required)
                fail(where, QStringLiteral("missing \"%1\"").arg(k));
            return QJsonValue(QJsonValue::Undefined);
        }
        return o.value(k);
    }

    QString string(const QJsonObject& o, const QString& where, const char* key)
    {
        const QJsonValue v = member(o, where, key);
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected a string"));
            return {};
        }
        return v.toString();
    }

    // A text field later versions added: "" when absent.
    QString optString(const QJsonObject& o, const QString& where, const char* key)
    {
        return o.contains(QLatin1String(key)) ? string(o, where, key) : QString();
    }

    // A field later versions added: absent in older exports, then `absent`.
    bool optBoolean(const QJsonObject& o, const QString& where, const char* key, bool absent)
    {
        return o.contains(QLatin1String(key)) ? boolean(o, where, key) : absent;
    }

    bool boolean(const QJsonObject& o, const QString& where, const char* key)
    {
        const QJsonValue v = member(o, where, key);
        if (v.isUndefined())
            return false;
        if (!v.isBool())
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected true or false"));
        return v.toBool();
    }

    std::optional<qint64> optInteger(const QJsonObject& o, const QString& where, const char* key)
    {
        const QJsonValue v = member(o, where, key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        const double d = v.toDouble();
        // Integers beyond 2^53 do not survive a double; ids that large are not ours anyway.
        if (!v.isDouble() || d != std::floor(d) || d < 1 || d > 9007199254740992.0) {
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected a positive integer"));
            return std::nullopt;
        }
        return qint64(d);
    }

    qint64 id(const QJsonObject& o, const QString& where, const char* key = "id")
    {
        const std::optional<qint64> v = optInteger(o, where, key);
        if (!v && !failed())
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("must not be null"));
        return v.value_or(0);
    }

    std::optional<QDateTime> optTime(const QJsonObject& o, const QString& where, const char* key)
    {
        const QJsonValue v = member(o, where, key);
        if (v.isUndefined() || v.isNull())
            return std::nullopt;
        QDateTime t;
        if (v.isString())
            t = QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
        if (!t.isValid()) {
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected an RFC 3339 time"));
            return std::nullopt;
        }
        return t.toUTC();
    }

    QDateTime time(const QJsonObject& o, const QString& where, const char* key)
    {
        const std::optional<QDateTime> t = optTime(o, where, key);
        if (!t && !failed())
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("must not be null"));
        return t.value_or(QDateTime());
    }

    QStringList strings(const QJsonObject& o, const QString& where, const char* key)
    {
        const QJsonValue v = member(o, where, key);
        if (v.isUndefined())
            return {};
        QStringList out;
        if (!v.isArray()) {
            fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected an array of strings"));
            return out;
        }
        for (const QJsonValue& e : v.toArray()) {
            if (!e.isString()) {
                fail(where + QLatin1Char('.') + QLatin1String(key), QStringLiteral("expected an array of strings"));
                return {};
            }
            out << e.toString();
        }
        return out;
    }

    StoredSecret secret(const QJsonObject& o, const QString& where)
    {
        StoredSecret s;
        s.scheme = string(o, where, "hashScheme");
        s.value = string(o, where, "hash").toLatin1();
        return s;
    }

    // The array `key` of the root, each element an object, handed to `read` with its place.
    template<class F>
    void objects(const QJsonObject& root, const char* key, F&& read)
    {
        const QJsonValue v = member(root, QString(), key);
        if (v.isUndefined())
            return;
        if (!v.isArray()) {
            fail(QLatin1String(key), QStringLiteral("expected an array"));
            return;
        }
        const QJsonArray a = v.toArray();
        for (qsizetype i = 0; i < a.size() && !failed(); ++i) {
            const QString where = QStringLiteral("%1[%2]").arg(QLatin1String(key)).arg(i);
            if (!a.at(i).isObject()) {
                fail(where, QStringLiteral("expected an object"));
                return;
            }
            read(a.at(i).toObject(), where);
        }
    }

private:
    QString m_error;
};

} // namespace

QByteArray ExportJson::serialize(const ExportDocument& doc)
{
    QJsonArray users;
    for (const User& u : doc.users)
        users.append(QJsonObject{{QStringLiteral("id"), u.id},
                                 {QStringLiteral("name"), u.name},
                                 {QStringLiteral("displayName"), u.displayName},
                                 {QStringLiteral("email"), u.email},
                                 {QStringLiteral("providerId"), u.providerId},
                                 {QStringLiteral("provider"), u.provider},
                                 {QStringLiteral("profilePicUrl"), u.profilePicUrl},
                                 {QStringLiteral("providerGroups"), QJsonArray::fromStringList(u.providerGroups)},
                                 {QStringLiteral("createdAt"), time(u.createdAt)},
                                 {QStringLiteral("updatedAt"), time(u.updatedAt)}});
    QJsonArray paks;
    for (const ExportedPreAuthKey& k : doc.preAuthKeys) {
        QJsonObject o = secret(k.secret);
        o.insert(QStringLiteral("id"), k.key.id);
        o.insert(QStringLiteral("prefix"), k.key.prefix);
        o.insert(QStringLiteral("userId"), optId(k.key.userId));
        o.insert(QStringLiteral("reusable"), k.key.reusable);
        o.insert(QStringLiteral("ephemeral"), k.key.ephemeral);
        o.insert(QStringLiteral("used"), k.key.used);
        o.insert(QStringLiteral("preApproved"), k.key.preApproved);
        o.insert(QStringLiteral("expiration"), optTime(k.key.expiration));
        o.insert(QStringLiteral("createdAt"), time(k.key.createdAt));
        o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(k.key.tags));
        paks.append(o);
    }
    QJsonArray nodes;
    for (const Node& n : doc.nodes)
        nodes.append(QJsonObject{{QStringLiteral("id"), n.id},
                                 {QStringLiteral("machineKey"), n.machineKey},
                                 {QStringLiteral("nodeKey"), n.nodeKey},
                                 {QStringLiteral("discoKey"), n.discoKey},
                                 {QStringLiteral("nlKey"), n.nlKey},
                                 {QStringLiteral("ipv4"), n.ipv4},
                                 {QStringLiteral("ipv6"), n.ipv6},
                                 {QStringLiteral("hostname"), n.hostname},
                                 {QStringLiteral("givenName"), n.givenName},
                                 {QStringLiteral("userId"), optId(n.userId)},
                                 {QStringLiteral("tags"), QJsonArray::fromStringList(n.tags)},
                                 // Raw text, not parsed: kept byte for byte whatever the client sent.
                                 {QStringLiteral("hostinfo"), QString::fromUtf8(n.hostinfoJson)},
                                 {QStringLiteral("endpoints"), QJsonArray::fromStringList(n.endpoints)},
                                 {QStringLiteral("announcedRoutes"), QJsonArray::fromStringList(n.announcedRoutes)},
                                 {QStringLiteral("approvedRoutes"), QJsonArray::fromStringList(n.approvedRoutes)},
                                 {QStringLiteral("expiry"), optTime(n.expiry)},
                                 {QStringLiteral("lastSeen"), optTime(n.lastSeen)},
                                 {QStringLiteral("ephemeral"), n.ephemeral},
                                 {QStringLiteral("authorized"), n.authorized},
                                 {QStringLiteral("registerMethod"), n.registerMethod},
                                 {QStringLiteral("authKeyId"), optId(n.authKeyId)},
                                 {QStringLiteral("createdAt"), time(n.createdAt)},
                                 {QStringLiteral("updatedAt"), time(n.updatedAt)}});
    QJsonArray apiKeys;
    for (const ExportedApiKey& k : doc.apiKeys) {
        QJsonObject o = secret(k.secret);
        o.insert(QStringLiteral("id"), k.key.id);
        o.insert(QStringLiteral("prefix"), k.key.prefix);
        o.insert(QStringLiteral("expiration"), optTime(k.key.expiration));
        o.insert(QStringLiteral("createdAt"), time(k.key.createdAt));
        o.insert(QStringLiteral("lastSeen"), optTime(k.key.lastSeen));
        apiKeys.append(o);
    }
    QJsonArray oauthClients;
    for (const ExportedOAuthClient& c : doc.oauthClients) {
        QJsonObject o = secret(c.secret);
        o.insert(QStringLiteral("id"), c.client.id);
        o.insert(QStringLiteral("clientId"), c.client.clientId);
        o.insert(QStringLiteral("description"), c.client.description);
        o.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(c.client.scopes));
        o.insert(QStringLiteral("tags"), QJsonArray::fromStringList(c.client.tags));
        o.insert(QStringLiteral("createdAt"), time(c.client.createdAt));
        o.insert(QStringLiteral("lastUsed"), optTime(c.client.lastUsed));
        oauthClients.append(o);
    }
    QJsonArray policies;
    for (const ExportedPolicy& p : doc.policies)
        policies.append(QJsonObject{{QStringLiteral("id"), p.id},
                                    {QStringLiteral("text"), p.text},
                                    {QStringLiteral("updatedAt"), time(p.updatedAt)},
                                    {QStringLiteral("actor"), p.actor},
                                    {QStringLiteral("note"), p.note}});
    QJsonArray audit;
    for (const AuditEntry& e : doc.auditLog)
        audit.append(QJsonObject{{QStringLiteral("time"), time(e.time)},
                                 {QStringLiteral("actor"), e.actor},
                                 {QStringLiteral("action"), e.action},
                                 {QStringLiteral("target"), e.target},
                                 {QStringLiteral("detail"), e.detail}});
    QJsonObject state;
    for (auto it = doc.state.cbegin(); it != doc.state.cend(); ++it)
        state.insert(it.key(), QString::fromLatin1(it.value().toBase64()));

    const QJsonObject root{{QStringLiteral("format"), QLatin1String(FormatName)},
                           {QStringLiteral("formatVersion"), ExportDocument::FormatVersion},
                           {QStringLiteral("schemaVersion"), doc.schemaVersion},
                           {QStringLiteral("source"), doc.source},
                           {QStringLiteral("exportedAt"), time(doc.exportedAt)},
                           {QStringLiteral("users"), users},
                           {QStringLiteral("preAuthKeys"), paks},
                           {QStringLiteral("nodes"), nodes},
                           {QStringLiteral("apiKeys"), apiKeys},
                           {QStringLiteral("oauthClients"), oauthClients},
                           {QStringLiteral("policies"), policies},
                           {QStringLiteral("auditLog"), audit},
                           {QStringLiteral("state"), state}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<ExportDocument> ExportJson::parse(const QByteArray& json)
{
    QJsonParseError pe{};
    const QJsonDocument d = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Error::invalid(QStringLiteral("not valid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString()));
    if (!d.isObject())
        return Error::invalid(QStringLiteral("not a Keel export: the document is not a JSON object"));
    const QJsonObject root = d.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(FormatName))
        return Error::invalid(QStringLiteral("not a Keel export: \"format\" is not \"%1\"").arg(QLatin1String(FormatName)));
    const QJsonValue version = root.value(QStringLiteral("formatVersion"));
    if (!version.isDouble() || version.toDouble() != ExportDocument::FormatVersion)
        return Error::invalid(QStringLiteral("unsupported export format version %1 (this Keel reads version %2)")
                                  .arg(version.toVariant().toString())
                                  .arg(ExportDocument::FormatVersion));

    Reader r;
    ExportDocument doc;
    doc.schemaVersion = root.value(QStringLiteral("schemaVersion")).toInt();
    doc.source = root.value(QStringLiteral("source")).toString();
    if (root.contains(QStringLiteral("exportedAt"))) // informative only
        doc.exportedAt = r.optTime(root, QString(), "exportedAt").value_or(QDateTime());

    r.objects(root, "users", [&](const QJsonObject& o, const QString& where) {
        User u;
        u.id = r.id(o, where);
        u.name = r.string(o, where, "name");
        u.displayName = r.string(o, where, "displayName");
        u.email = r.string(o, where, "email");
        u.providerId = r.string(o, where, "providerId");
        u.provider = r.string(o, where, "provider");
        u.profilePicUrl = r.string(o, where, "profilePicUrl");
        if (o.contains(QStringLiteral("providerGroups"))) // absent in exports before OIDC logins
            u.providerGroups = r.strings(o, where, "providerGroups");
        u.createdAt = r.time(o, where, "createdAt");
        u.updatedAt = r.time(o, where, "updatedAt");
        doc.users << u;
    });
    r.objects(root, "preAuthKeys", [&](const QJsonObject& o, const QString& where) {
        ExportedPreAuthKey k;
        k.key.id = r.id(o, where);
        k.key.prefix = r.string(o, where, "prefix");
        k.key.userId = r.optInteger(o, where, "userId");
        k.key.reusable = r.boolean(o, where, "reusable");
        k.key.ephemeral = r.boolean(o, where, "ephemeral");
        k.key.used = r.boolean(o, where, "used");
        k.key.preApproved = r.optBoolean(o, where, "preApproved", false);
        k.key.expiration = r.optTime(o, where, "expiration");
        k.key.createdAt = r.time(o, where, "createdAt");
        k.key.tags = r.strings(o, where, "tags");
        k.secret = r.secret(o, where);
        if (k.secret.scheme == QLatin1String("plain"))
            k.key.legacyKey = QString::fromLatin1(k.secret.value);
        doc.preAuthKeys << k;
    });
    r.objects(root, "nodes", [&](const QJsonObject& o, const QString& where) {
        Node n;
        n.id = r.id(o, where);
        n.machineKey = r.string(o, where, "machineKey");
        n.nodeKey = r.string(o, where, "nodeKey");
        n.discoKey = r.string(o, where, "discoKey");
        n.nlKey = r.string(o, where, "nlKey");
        n.ipv4 = r.string(o, where, "ipv4");
        n.ipv6 = r.string(o, where, "ipv6");
        n.hostname = r.string(o, where, "hostname");
        n.givenName = r.string(o, where, "givenName");
        n.userId = r.optInteger(o, where, "userId");
        n.tags = r.strings(o, where, "tags");
        n.hostinfoJson = r.string(o, where, "hostinfo").toUtf8();
        n.endpoints = r.strings(o, where, "endpoints");
        n.announcedRoutes = r.strings(o, where, "announcedRoutes");
        n.approvedRoutes = r.strings(o, where, "approvedRoutes");
        n.expiry = r.optTime(o, where, "expiry");
        n.lastSeen = r.optTime(o, where, "lastSeen");
        n.ephemeral = r.boolean(o, where, "ephemeral");
        n.authorized = r.optBoolean(o, where, "authorized", true); // before device approval: all were
        n.registerMethod = r.string(o, where, "registerMethod");
        n.authKeyId = r.optInteger(o, where, "authKeyId");
        n.createdAt = r.time(o, where, "createdAt");
        n.updatedAt = r.time(o, where, "updatedAt");
        doc.nodes << n;
    });
    r.objects(root, "apiKeys", [&](const QJsonObject& o, const QString& where) {
        ExportedApiKey k;
        k.key.id = r.id(o, where);
        k.key.prefix = r.string(o, where, "prefix");
        k.key.expiration = r.optTime(o, where, "expiration");
        k.key.createdAt = r.time(o, where, "createdAt");
        k.key.lastSeen = r.optTime(o, where, "lastSeen");
        k.secret = r.secret(o, where);
        doc.apiKeys << k;
    });
    r.objects(root, "policies", [&](const QJsonObject& o, const QString& where) {
        ExportedPolicy p;
        p.id = r.id(o, where);
        p.text = r.string(o, where, "text");
        p.updatedAt = r.time(o, where, "updatedAt");
        p.actor = r.optString(o, where, "actor");
        p.note = r.optString(o, where, "note");
        doc.policies << p;
    });
    if (root.contains(QStringLiteral("oauthClients")))
        r.objects(root, "oauthClients", [&](const QJsonObject& o, const QString& where) {
            ExportedOAuthClient c;
            c.client.id = r.id(o, where);
            c.client.clientId = r.string(o, where, "clientId");
            c.client.description = r.string(o, where, "description");
            c.client.scopes = r.strings(o, where, "scopes");
            c.client.tags = r.strings(o, where, "tags");
            c.client.createdAt = r.time(o, where, "createdAt");
            c.client.lastUsed = r.optTime(o, where, "lastUsed");
            c.secret = r.secret(o, where);
            doc.oauthClients << c;
        });
    if (root.contains(QStringLiteral("auditLog")))
        r.objects(root, "auditLog", [&](const QJsonObject& o, const QString& where) {
            AuditEntry e;
            e.time = r.time(o, where, "time");
            e.actor = r.string(o, where, "actor");
            e.action = r.string(o, where, "action");
            e.target = r.string(o, where, "target");
            e.detail = r.string(o, where, "detail");
            if (e.action.isEmpty() && !r.failed())
                r.fail(where + QStringLiteral(".action"), QStringLiteral("must not be empty"));
            doc.auditLog << e;
        });
    const QJsonValue state = r.member(root, QString(), "state");
    if (!state.isUndefined() && !state.isObject())
        r.fail(QStringLiteral("state"), QStringLiteral("expected an object"));
    const QJsonObject so = state.toObject();
    for (auto it = so.begin(); it != so.end() && !r.failed(); ++it) {
        const QByteArray b64 = it.value().toString().toLatin1();
        const auto decoded = QByteArray::fromBase64Encoding(b64, QByteArray::AbortOnBase64DecodingErrors);
        if (!it.value().isString() || !decoded)
            r.fail(QStringLiteral("state.%1").arg(it.key()), QStringLiteral("expected a base64 string"));
        else
            doc.state.insert(it.key(), *decoded);
    }
    if (r.failed())
        return Error::invalid(r.error());
    return doc;
}

} // namespace keel::store
