#pragma once

#include "policy/Alias.h"
#include "policy/IpSet.h"
#include "policy/PortSpec.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace keel::policy {

// The parsed, validated policy document (spec C.2). Plain data; PolicyParser builds it and the
// compilers read it.

struct AclDestination {
    Alias alias;
    QList<PortRange> ports;
};

struct AclRule {
    QList<Alias> src;
    QList<AclDestination> dst;
    QList<int> protocols; // empty = client default
};

struct GrantIp {
    QList<int> protocols; // empty = client default
    QList<PortRange> ports;
};

struct Grant {
    QList<Alias> src;
    QList<Alias> dst;
    QList<GrantIp> ip;
    QJsonObject app;  // capability name -> array of values
    QStringList via;  // tags
};

struct SshRule {
    QString action; // "accept" or "check"
    QList<Alias> src;
    QList<Alias> dst;
    QStringList users;
    QString checkPeriod;
    QStringList acceptEnv;
};

struct NodeAttr {
    QList<Alias> target;
    QStringList attrs;
    QJsonObject app;
    QList<IpPrefix> ipPool; // accepted and kept; not yet used by the allocator
};

struct AclTest {
    QString src;
    QString proto;
    QStringList accept;
    QStringList deny;
};

struct SshTest {
    QString src;
    QStringList dst;
    QStringList accept;
    QStringList deny;
    QStringList check;
};

struct Policy {
    bool empty = true; // no document at all: allow everything
    QMap<QString, QStringList> groups;
    QMap<QString, IpPrefix> hosts;
    QMap<QString, QList<Alias>> tagOwners;
    bool hasAcls = false;
    bool hasGrants = false;
    bool hasSsh = false;
    QList<AclRule> acls;
    QList<Grant> grants;
    QList<SshRule> ssh;
    QList<NodeAttr> nodeAttrs;
    QList<QPair<IpPrefix, QList<Alias>>> autoApproveRoutes;
    QList<Alias> autoApproveExitNode;
    QList<AclTest> tests;
    QList<SshTest> sshTests;
    bool randomizeClientPort = false;
    QStringList warnings; // deprecations (legacy namespace aliases, ...)
    QByteArray source;    // the document as written (what `policy get` shows), when known
};

} // namespace keel::policy
