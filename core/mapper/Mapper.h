#pragma once

#include "mapper/KnownPeers.h"
#include "mapper/MapMessage.h"
#include "mapper/MapperOptions.h"
#include "mapper/MapperPolicy.h"
#include "mapper/PendingChanges.h"
#include "state/Snapshot.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

#include <memory>

namespace keel::control {

// Turns a state snapshot into MapResponse JSON (control.md 4.5-4.7, 4.11), field names and value
// shapes exactly as tailcfg encodes them (section 0.2): every MapResponse a node gets (full map,
// delta, ping) is built here. Stateless apart from a cache of the compiled policy for the latest
// snapshot and of serialized peers; what one client knows is passed in (KnownPeers).
class Mapper
{
public:
    explicit Mapper(MapperOptions options);

    const MapperOptions& options() const { return m_options; }

    // The first, complete MapResponse of a stream, with the peers spliced in as cached bytes.
    // `peerIds` receives the peers it lists, ascending.
    MapMessage fullMessage(const state::SnapshotPtr& s, qint64 nodeId, QList<qint64>* peerIds = nullptr);
    // The same as a tree (tests, one-shot requests). `peerIds` receives the peers it lists.
    QJsonObject fullMap(const state::SnapshotPtr& s, qint64 nodeId, QSet<qint64>* peerIds = nullptr);

    // The messages of a map stream (MapperUpdates.cpp); the batcher decides to whom and when.
    // A full map for a stream whose client knows `known`; `running`: the stream already had its
    // first map, so the message also clears what a full map cannot replace (an emptied netmap
    // needs PeersRemoved, a dropped SSH policy an empty one). `known` becomes what the client
    // knows after it. Empty when the node is gone.
    MapMessage fullUpdate(const state::SnapshotPtr& s, qint64 nodeId, KnownPeers& known, bool running);
    // The delta that tells `nodeId` about `pending` (PeersChanged/Removed/ChangedPatch, its own
    // Node, filters, SSH, DNSConfig), or an empty message when there is nothing to say. `known`
    // becomes what the client knows after it.
    MapMessage delta(const state::SnapshotPtr& s, qint64 nodeId, KnownPeers& known, const PendingChanges& pending);
    // A MapResponse holding only a PingRequest the client answers with HEAD `url` (the HA prober).
    static QJsonObject pingRequest(const QString& url);

    // tailcfg.Node of `n` (self: with CapMap; peers: as a viewer that may reach every route sees
    // it, shared by all viewers).
    QJsonObject nodeJson(const state::SnapshotPtr& s, const state::LiveNode& n, bool self);
    // The peer `n` as `viewerId` sees it: nodeJson, with AllowedIPs/PrimaryRoutes reduced to the
    // routes the viewer may use when the peer carries routes and a policy is in force.
    QJsonObject peerJson(const state::SnapshotPtr& s, qint64 viewerId, const state::LiveNode& n);
    // Headscale's RoutesForPeer (control.md 7.3): the peer's primary subnet routes and exit routes
    // the viewer's rules reach, plus co-router visibility. Sorted as AllowedIPs are.
    QStringList routesForPeer(const state::SnapshotPtr& s, qint64 viewerId, const store::Node& peer);
    // peerJson of `n` for `viewerId` as compact JSON, serialized once per version of the node and shared by
    // every viewer whenever the peer looks the same to all (no routes to reduce).
    QByteArray peerBytes(const state::SnapshotPtr& s, qint64 viewerId, const state::LiveNode& n);
    // tailcfg.PeerChange with the fields named by a state::Change field mask.
    QJsonObject peerChange(const state::LiveNode& n, unsigned fields) const;
    // Whether `peerId` is in `nodeId`'s netmap.
    bool isVisible(const state::SnapshotPtr& s, qint64 nodeId, qint64 peerId);
    // Every peer `nodeId` sees, ascending.
    QList<qint64> visiblePeers(const state::SnapshotPtr& s, qint64 nodeId);
    QJsonArray packetFilter(const state::SnapshotPtr& s, qint64 nodeId);
    // `keel policy explain`: can src reach dst (node names or addresses) on port/proto, by which
    // rule. nullopt when either names no node.
    std::optional<QJsonObject> explain(const state::SnapshotPtr& s, const QString& src, const QString& dst, int port, int proto);
    // SSHPolicy, or an empty object when the policy has no ssh section.
    QJsonObject sshPolicy(const state::SnapshotPtr& s, qint64 nodeId);
    // SSH check mode: the checkPeriod (seconds, 0 = "always") of the first check rule covering
    // src -> dst under the policy of `s`; nullopt when none does (or there is no policy).
    std::optional<qint64> sshCheckPeriodSeconds(const state::SnapshotPtr& s, qint64 srcId, qint64 dstId);
    // One UserProfile per distinct owner of the given nodes, sorted by ID.
    QJsonArray userProfiles(const state::SnapshotPtr& s, const QList<qint64>& nodeIds) const;

    // The DNSConfig `n` receives: the shared one plus NextDNS parameters and CertDomains.
    QJsonObject dnsConfig(const state::SnapshotPtr& s, const state::LiveNode& n);
    // Replaces the shared DNSConfig (extra records reloaded, config reloaded).
    void setDnsConfig(const QJsonObject& shared);
    // Whether set-dns works, so CertDomains are sent (a DNS provider is configured).
    void setCertDomains(bool on) { m_options.certDomains = on; }
    // The name a node may get a certificate for (its FQDN without the dot), or empty.
    QString certDomain(const state::LiveNode& n) const;
    // Whether a node's DNSConfig depends on the node (NextDNS resolvers, CertDomains), so a change
    // of the node itself (name, hostname, nodeAttrs) must re-send it.
    bool dnsIsPerNode() const { return m_dnsPerNode || m_options.certDomains; }

    // Drops what is cached about a deleted node.
    void forget(qint64 nodeId) { m_peerCache.remove(nodeId); }

    // Go's time.Time text (RFC 3339, UTC).
    static QString goTime(const QDateTime& t);
    static QJsonArray allowAllFilter();

private:
    MapperPolicy* policyFor(const state::SnapshotPtr& s);
    QJsonObject selfCapMap(const state::SnapshotPtr& s, const state::LiveNode& n);
    static qint64 ownerOf(const store::Node& n);

    QJsonObject buildNode(const state::SnapshotPtr& s, const state::LiveNode& n, bool self, bool expired);
    // The routes in `n`'s own AllowedIPs: for itself (reduced by its rules, exit routes kept) or
    // for every viewer (unreduced).
    QStringList nodeRoutes(const state::SnapshotPtr& s, const store::Node& n, bool self);
    // Whether a peer's AllowedIPs depend on the viewer (it serves routes and a policy is set).
    bool routesPerViewer(const state::SnapshotPtr& s, qint64 nodeId);
    // Via grants: the router a viewer steered to `tags` uses for `route` (0 when none serves it).
    static qint64 viaPrimary(const state::SnapshotPtr& s, const QString& route, const QStringList& tags);
    static bool carriesAny(const store::Node& n, const QStringList& tags);
    static void setRoutes(QJsonObject& node, const QStringList& addresses, const QStringList& routes);

    MapperOptions m_options;
    bool m_dnsPerNode = false;
    std::unique_ptr<MapperPolicy> m_policy;
    // A peer's Node JSON is the same for every viewer: built once per version of the node (the
    // snapshot replaces a LiveNode whenever it changes; holding it keeps the address unique) and of
    // its primary routes (elected per snapshot, not part of the LiveNode). Per-viewer route
    // reduction (peerJson) starts from it.
    struct CachedPeer
    {
        std::shared_ptr<const state::LiveNode> node;
        bool expired = false;
        QStringList primaries;
        QJsonObject json;
        QByteArray bytes; // json, serialized (on first use)
    };
    // The cache entry of `live` for snapshot `s`, rebuilt if stale; null when `live` is not the
    // snapshot's current version of the node (not cached).
    CachedPeer* cachedPeer(const state::SnapshotPtr& s, const state::LiveNode& live);
    QHash<qint64, CachedPeer> m_peerCache;
};

} // namespace keel::control
