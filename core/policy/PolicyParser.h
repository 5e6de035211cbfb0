#pragma once

#include "policy/Policy.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>
#include <optional>

namespace keel::policy {

// Turns a HuJSON policy document into a validated Policy (spec C.1-C.6, C.11). Decoding problems
// stop at the first one; validation problems are all collected.
class PolicyParser {
public:
    // Empty input (only whitespace) yields the "no policy" Policy (allow all).
    std::optional<Policy> parse(const QByteArray& hujson);
    std::optional<Policy> parse(const QJsonObject& document);

    // The domains associated with the tailnet (Tailscale's "associated domains"): `user:*@d` and
    // `localpart:*@d` must name one of them. Empty (the default): not checked, as Headscale does.
    void setTailnetDomains(const QStringList& domains) { m_tailnetDomains = domains; }

    // Every problem found, each saying what and where. One entry when decoding failed.
    const QStringList& errors() const { return m_errors; }
    // "parsing policy: ..." or "multiple errors:\n\t..." as Headscale/Tailscale render it.
    QString errorText() const;

private:
    void decode(const QJsonObject& doc, Policy& p);
    void validate(Policy& p);
    void decodeAcl(const QJsonObject& o, int index, Policy& p);
    void decodeGrant(const QJsonObject& o, int index, Policy& p);
    void decodeSsh(const QJsonObject& o, int index, Policy& p);
    void decodeNodeAttr(const QJsonObject& o, int index, Policy& p);
    QList<Alias> aliases(const QJsonValue& v, const QString& where);
    void checkKnownKeys(const QJsonObject& o, const QStringList& known, const QString& where, bool allowHash = false);
    void error(const QString& message) { m_errors.append(message); }
    void checkReference(const Alias& a, const Policy& p, const QString& side);

    void checkDomain(const QString& domain, const QString& where);

    QStringList m_errors;
    QStringList m_tailnetDomains;
    bool m_fatal = false;
};

} // namespace keel::policy
