#pragma once

#include "policy/Policy.h"
#include "policy/Topology.h"

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
    // User names that exist (Headscale's namespaces). With it, the legacy form where a bare name
    // is an alias ("guest", "guest:*") or a group member is accepted as "guest@", with a
    // deprecation warning in Policy::warnings. Without it (the default) a bare name is a host.
    void setKnownUsers(const QStringList& names) { m_knownUsers = names; }
    // The tailnet's users (names and emails): a user alias that matches more than one of them is
    // rejected ("multiple users found"), as Headscale does at load.
    void setUsers(const QList<TopologyUser>& users);

    // A YAML policy (Headscale <= 0.22): same document, YAML syntax.
    std::optional<Policy> parseYaml(const QByteArray& yaml);
    // HuJSON or YAML by the file name's extension (.yaml/.yml), as Headscale chose. With no file
    // name (a policy sent over the API), by its content: see looksLikeYaml().
    std::optional<Policy> parseFile(const QByteArray& content, const QString& fileName);
    static bool looksLikeYaml(const QByteArray& content);

    // With setUsers(): the user references that match no user ("user not found: token
    // \"mallory@\""), from the last parse. Not parse errors (the user may be created later, and
    // Headscale accepts them), but a write or a check against the tailnet refuses them.
    const QStringList& unknownUsers() const { return m_unknownUsers; }

    // Every problem found, each saying what and where. One entry when decoding failed.
    const QStringList& errors() const { return m_errors; }
    // "parsing policy: ..." or "multiple errors:\n\t..." as Headscale/Tailscale render it.
    QString errorText() const;

private:
    void decode(const QJsonObject& doc, Policy& p);
    bool checkShape(const QJsonObject& doc); // JSON types per field; false (errors added) on a mismatch
    void validate(Policy& p);
    void validateTests(const Policy& p);
    void decodeAcl(const QJsonObject& o, int index, Policy& p);
    void decodeGrant(const QJsonObject& o, int index, Policy& p);
    void decodeSsh(const QJsonObject& o, int index, Policy& p);
    void decodeNodeAttr(const QJsonObject& o, int index, Policy& p);
    QList<Alias> aliases(const QJsonValue& v, const QString& where);
    void checkKnownKeys(const QJsonObject& o, const QStringList& known, const QString& where, bool allowHash = false);
    void error(const QString& message) { m_errors.append(message); }
    void checkReference(const Alias& a, const Policy& p, const QString& side);

    void checkDomain(const QString& domain, const QString& where);
    void upgradeLegacy(Policy& p);
    void checkUserReferences(const Policy& p);

    QStringList m_errors;
    QStringList m_tailnetDomains;
    QStringList m_knownUsers;
    QList<TopologyUser> m_users;
    QStringList m_unknownUsers;
    bool m_fatal = false;
};

} // namespace keel::policy
