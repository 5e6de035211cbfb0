#include "control/SetDnsRequest.h"

#include "crypto/Keys.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace keel::control {

std::optional<SetDnsRequest> SetDnsRequest::parse(const QByteArray& body, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("invalid SetDNSRequest JSON");
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    const auto text = [&o](const char* key, QString* out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return true;
        if (!v.isString())
            return false;
        *out = v.toString();
        return true;
    };
    SetDnsRequest r;
    if (!text("NodeKey", &r.nodeKey) || !text("Name", &r.name) || !text("Type", &r.type) || !text("Value", &r.value)
        || !(o.value(QLatin1String("Version")).isUndefined() || o.value(QLatin1String("Version")).isDouble())) {
        *error = QStringLiteral("invalid SetDNSRequest JSON: a field has the wrong type");
        return std::nullopt;
    }
    r.version = o.value(QLatin1String("Version")).toInt();
    std::optional<crypto::NodePublic> key;
    if (!r.nodeKey.isEmpty()) {
        key = crypto::NodePublic::parse(r.nodeKey);
        if (!key) {
            *error = QStringLiteral("invalid SetDNSRequest JSON: NodeKey is not a node key");
            return std::nullopt;
        }
    }
    // The order of Tailscale's test server, so the same body gets the same answer.
    if (r.type != QLatin1String("TXT")) {
        *error = QStringLiteral("only TXT records are supported");
        return std::nullopt;
    }
    if (r.name.isEmpty() || r.value.isEmpty()) {
        *error = QStringLiteral("missing name or value");
        return std::nullopt;
    }
    if (!key || key->isZero()) {
        *error = QStringLiteral("missing node key");
        return std::nullopt;
    }
    r.nodeKey = key->toString();
    return r;
}

QString SetDnsRequest::challengedDomain(const QString& name)
{
    static const QString prefix = QStringLiteral("_acme-challenge.");
    if (!name.startsWith(prefix))
        return {};
    QString domain = name.mid(prefix.size());
    if (domain.endsWith(QLatin1Char('.')))
        domain.chop(1);
    return domain;
}

} // namespace keel::control
