#include "server/MetricsCollector.h"

#include "derp/DerpStats.h"
#include "state/Snapshot.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QRegularExpression>

namespace keel::server {

namespace {

void family(QByteArray& out, const char* name, const char* type, const char* help)
{
    out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void sample(QByteArray& out, const char* name, double value, const QByteArray& labels = {})
{
    out += QByteArray(name) + (labels.isEmpty() ? QByteArray() : '{' + labels + '}') + ' ' + QByteArray::number(value, 'g', 17) + '\n';
}

// A family with one unlabelled sample: the name is written once.
void single(QByteArray& out, const char* name, const char* type, const char* help, double value)
{
    family(out, name, type, help);
    sample(out, name, value);
}

// A label value in the text format: backslash, quote and newline escaped.
QByteArray escaped(QByteArray v)
{
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    return v;
}

QByteArray osLabel(const QString& os)
{
    // Hostinfo.OS is a short fixed word ("linux", "windows", "macOS", "iOS", "android", ...);
    // bound what a client can invent.
    const QString clean = os.trimmed().left(32);
    return clean.isEmpty() ? QByteArrayLiteral("unknown") : escaped(clean.toUtf8());
}

void renderNodes(QByteArray& out, const MetricsCollector::Sources& src)
{
    qint64 total = 0, online = 0;
    QMap<QByteArray, qint64> byOs, byVersion;
    if (src.snapshot) {
        for (const auto& live : src.snapshot->nodes) {
            ++total;
            if (src.isOnline ? src.isOnline(live->node.id) : live->online)
                ++online;
            const QJsonObject hostinfo = QJsonDocument::fromJson(live->node.hostinfoJson).object();
            ++byOs[osLabel(hostinfo.value(QStringLiteral("OS")).toString())];
            ++byVersion[MetricsCollector::versionBucket(hostinfo.value(QStringLiteral("IPNVersion")).toString())];
        }
    }
    single(out, "keel_nodes", "gauge", "Registered nodes.", double(total));
    single(out, "keel_nodes_online", "gauge", "Nodes with an open map stream.", double(online));
    family(out, "keel_nodes_by_os", "gauge", "Registered nodes by operating system (Hostinfo.OS).");
    for (auto it = byOs.cbegin(); it != byOs.cend(); ++it)
        sample(out, "keel_nodes_by_os", double(it.value()), "os=\"" + it.key() + '"');
    family(out, "keel_nodes_by_client_version", "gauge", "Registered nodes by Tailscale client version (major.minor).");
    for (auto it = byVersion.cbegin(); it != byVersion.cend(); ++it)
        sample(out, "keel_nodes_by_client_version", double(it.value()), "version=\"" + it.key() + '"');
    single(out, "keel_map_sessions", "gauge", "Open map streams (long-polls) the batcher serves.", double(src.mapSessions));
}

void renderDerp(QByteArray& out, const derp::DerpStats& d)
{
    single(out, "keel_derp_clients", "gauge", "Clients connected to the embedded DERP server.", double(d.currentConnections));
    single(out, "keel_derp_home_clients", "gauge", "Connected DERP clients that use this server as their home.", double(d.homeConnections));
    single(out, "keel_derp_accepts_total", "counter", "DERP connections accepted.", double(d.acceptedConnections));
    single(out, "keel_derp_rejects_total", "counter", "DERP connections refused (failed handshake or client verification).", double(d.rejectedConnections));
    single(out, "keel_derp_websocket_accepts_total", "counter", "DERP connections accepted over WebSocket.", double(d.webSocketConnections));
    single(out, "keel_derp_packets_received_total", "counter", "Packets DERP clients and mesh peers sent to this server.", double(d.packetsReceived));
    single(out, "keel_derp_received_bytes_total", "counter", "Payload bytes DERP clients and mesh peers sent to this server.", double(d.bytesReceived));
    single(out, "keel_derp_packets_delivered_total", "counter", "Packets delivered to locally connected DERP clients.", double(d.packetsDelivered));
    single(out, "keel_derp_delivered_bytes_total", "counter", "Payload bytes delivered to locally connected DERP clients.", double(d.bytesDelivered));
    single(out, "keel_derp_packets_forwarded_total", "counter", "Packets handed to a mesh peer for a client connected there.", double(d.packetsForwarded));
    family(out, "keel_derp_packets_dropped_total", "counter", "Packets the DERP server could not deliver, by reason.");
    for (int r = 0; r < int(derp::DropReason::Count); ++r)
        sample(out, "keel_derp_packets_dropped_total", double(d.packetsDropped[size_t(r)]),
               "reason=\"" + derp::dropReasonName(derp::DropReason(r)).toUtf8() + '"');
    single(out, "keel_derp_rate_limit_waits_total", "counter", "Frames a DERP client had to wait for under the per-client rate limit.", double(d.rateLimitWaits));
}

} // namespace

QByteArray MetricsCollector::versionBucket(const QString& ipnVersion)
{
    static const QRegularExpression re(QStringLiteral("^(\\d{1,3})\\.(\\d{1,4})(?:\\D|$)"));
    const QRegularExpressionMatch m = re.match(ipnVersion);
    if (!m.hasMatch())
        return QByteArrayLiteral("unknown");
    return QByteArray::number(m.captured(1).toInt()) + '.' + QByteArray::number(m.captured(2).toInt());
}

QByteArray MetricsCollector::render(const Sources& src)
{
    QByteArray out;
    renderNodes(out, src);
    if (src.derp)
        renderDerp(out, *src.derp);
    if (src.stun) {
        family(out, "keel_stun_requests_total", "counter", "STUN packets received, by result.");
        sample(out, "keel_stun_requests_total", double(src.stunSuccess), "result=\"success\"");
        sample(out, "keel_stun_requests_total", double(src.stunNotStun), "result=\"not_stun\"");
        sample(out, "keel_stun_requests_total", double(src.stunWriteError), "result=\"write_error\"");
    }
    return out;
}

} // namespace keel::server
