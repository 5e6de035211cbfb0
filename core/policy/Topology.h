#pragma once

#include "policy/IpSet.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace keel::policy {

// The engine's view of the tailnet, independent of the store: the corpus runner and the server
// both fill it in.
struct TopologyUser {
    qint64 id = 0;
    QString name;
    QString email;
    // Tailnet roles (Tailscale's user roles; Headscale has none): autogroup:admin matches admins
    // and the owner, autogroup:owner the owner.
    bool admin = false;
    bool owner = false;
    // Groups from the user's last OIDC login (`oidcgroup:<name>`).
    QStringList providerGroups;
    friend bool operator==(const TopologyUser&, const TopologyUser&) = default;
};

struct TopologyNode {
    qint64 id = 0;
    QString name;     // hostname / given name
    qint64 userId = 0; // owner; ignored when tagged
    QStringList tags;
    std::optional<IpAddress> ipv4;
    std::optional<IpAddress> ipv6;
    QList<IpPrefix> routableIps; // advertised (Hostinfo.RoutableIPs)
    QList<IpPrefix> approvedRoutes;

    bool isTagged() const { return !tags.isEmpty(); }
    IpSet addresses() const;
    QList<IpAddress> addressList() const;
    // Routes both advertised and approved, exit routes excluded.
    QList<IpPrefix> subnetRoutes() const;
    // An advertised exit route (0/0 or ::/0) is approved.
    bool isExitNode() const;
    friend bool operator==(const TopologyNode&, const TopologyNode&) = default;
};

struct Topology {
    QList<TopologyUser> users;
    QList<TopologyNode> nodes;

    const TopologyUser* user(qint64 id) const;
    // The corpus "topology" object: users [{id,name,email}], nodes {name: {...}}.
    static Topology fromJson(const QJsonObject& o);
};

} // namespace keel::policy
