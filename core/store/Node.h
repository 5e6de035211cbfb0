#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <optional>

namespace keel::store {

// Everything the control protocol keeps about a node (control.md 3, 4.7, 7, 8, 9).
// Keys are kept in their text forms (mkey:/nodekey:/discokey:/nlpub:) so the store needs no crypto.
struct Node
{
    qint64 id = 0;
    QString machineKey;
    QString nodeKey;            // unique
    QString discoKey;           // empty until the first MapRequest
    QString nlKey;              // tailnet-lock key from RegisterRequest.NLKey
    QString ipv4;               // unique when set
    QString ipv6;               // unique when set
    QString hostname;           // Hostinfo.Hostname as reported
    QString givenName;          // DNS label, unique
    std::optional<qint64> userId; // owner; absent for tagged nodes
    QStringList tags;           // "tag:x"; non-empty means the node is tagged
    QByteArray hostinfoJson;    // raw Hostinfo JSON (forward-compatible)
    QStringList endpoints;      // "ip:port"
    QStringList announcedRoutes; // Hostinfo.RoutableIPs
    QStringList approvedRoutes;
    std::optional<QDateTime> expiry;   // node key expiry; absent = never
    std::optional<QDateTime> lastSeen; // absent = never seen online
    bool ephemeral = false;
    QString registerMethod;     // "authkey", "cli", "oidc" or ""
    std::optional<qint64> authKeyId; // the pre-auth key used to register (cleared if that key is deleted)
    // Device approval (node.device_approval): false while the node waits for an admin. Such a
    // node is told MachineAuthorized=false and no peer sees it.
    bool authorized = true;
    QDateTime createdAt;
    QDateTime updatedAt;
};

} // namespace keel::store
