#pragma once

#include "policy/IpSet.h"
#include "policy/PortSpec.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace keel::policy {

// tailcfg.NetPortRange: a destination (IP, CIDR, range or "*") and an inclusive port range.
struct NetPortRange {
    QString ip;
    IpSet set; // what `ip` covers, for reduction and visibility
    PortRange ports;
    friend bool operator==(const NetPortRange&, const NetPortRange&) = default;
};

// tailcfg.CapGrant: application capabilities granted towards `dsts`.
struct CapGrant {
    QList<IpPrefix> dsts;
    QJsonObject capMap;
    // False for the app part of a via grant: it makes peers, but no node's filter holds it. Not
    // sent: it steers per-node reduction only.
    bool delivered = true;
    friend bool operator==(const CapGrant&, const CapGrant&) = default;
};

// tailcfg.FilterRule. A rule has DstPorts or CapGrant, never both.
struct FilterRule {
    QStringList srcIps;
    IpSet srcSet;
    QList<NetPortRange> dstPorts;
    QList<int> ipProto; // empty: omitted (client default)
    QList<CapGrant> capGrants;

    friend bool operator==(const FilterRule&, const FilterRule&) = default;
    IpSet dstSet() const;
    QJsonObject toJson() const;
};

QJsonArray toJson(const QList<FilterRule>& rules);

} // namespace keel::policy
