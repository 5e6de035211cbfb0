// Registration: `keel debug create-node` (Headscale's DebugCreateNode, POST /api/v1/debug/node):
// a pending interactive registration for a machine that does not exist, with random keys, which
// `keel auth register --auth-id <key> --user <user>` then turns into a node through State. Used to
// try policies, routes and the admin tools without running tailscaled. Part of Registration.
#include "machine/Registration.h"

#include "common/Clock.h"
#include "crypto/Keys.h"

#include <QHostAddress>
#include <QJsonDocument>

#include <algorithm>

namespace keel::control {

using store::Error;

namespace {

// The prefix's first address (host bits cleared), as tailscaled announces routes.
QHostAddress networkOf(const QHostAddress& address, int length)
{
    if (address.protocol() == QAbstractSocket::IPv4Protocol)
        return QHostAddress(length == 0 ? 0u : address.toIPv4Address() & (~0u << (32 - length)));
    Q_IPV6ADDR bytes = address.toIPv6Address();
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(length - i * 8, 0, 8);
        bytes[i] = quint8(bytes[i] & (keep == 0 ? 0 : 0xff << (8 - keep)));
    }
    return QHostAddress(bytes);
}

} // namespace

store::Result<QJsonObject> Registration::addDebugPending(const DebugNode& spec, const state::Actor& by)
{
    // Headscale's AuthID: the prefix and 24 more characters (38 in all).
    static const QString prefix = QStringLiteral("hskey-authreq-");
    if (!spec.authId.startsWith(prefix) || spec.authId.size() != prefix.size() + 24)
        return Error::invalid(QStringLiteral("the key must be a registration id: \"%1\" and 24 characters, like %2")
                                  .arg(prefix, newAuthId()));
    if (m_pending.contains(spec.authId))
        return Error::conflict(QStringLiteral("registration %1 is already pending").arg(spec.authId));
    if (spec.name.trimmed().isEmpty())
        return Error::invalid(QStringLiteral("the node needs a name"));
    const state::SnapshotPtr s = m_state.snapshot();
    bool userFound = false;
    for (const store::User& u : s->users)
        userFound = userFound || (u.name == spec.user && u.id != state::State::kTaggedDevicesId);
    if (!userFound)
        return Error::notFound(QStringLiteral("user %1 not found").arg(spec.user));
    QJsonArray routes;
    for (const QString& r : spec.routes) {
        const auto [address, length] = QHostAddress::parseSubnet(r.trimmed());
        if (address.isNull() || length < 0)
            return Error::invalid(QStringLiteral("route \"%1\" is not an IP prefix (e.g. 10.0.0.0/24)").arg(r));
        routes.append(QStringLiteral("%1/%2").arg(networkOf(address, length).toString()).arg(length));
    }
    RegistrationRequest r;
    r.version = 0;
    r.nodeKey = crypto::NodePrivate::generate().publicKey().toString();
    r.hostinfo = {{QStringLiteral("Hostname"), spec.name.trimmed()}, {QStringLiteral("OS"), QStringLiteral("TestOS")}};
    if (!routes.isEmpty())
        r.hostinfo.insert(QStringLiteral("RoutableIPs"), routes);
    r.hostinfoJson = QJsonDocument(r.hostinfo).toJson(QJsonDocument::Compact);
    const QString machineKey = crypto::MachinePrivate::generate().publicKey().toString();
    const Pending& p = *m_pending.insert(spec.authId, Pending{machineKey, QHostAddress(), r, Clock::now(), std::nullopt, {}});
    m_state.audit(by, QStringLiteral("registration.debug-create"), QStringLiteral("registration:%1").arg(spec.authId),
                  QStringLiteral("%1 for user %2").arg(spec.name.trimmed(), spec.user));
    QJsonObject out = describe(spec.authId, p);
    out.insert(QStringLiteral("user"), spec.user);
    out.insert(QStringLiteral("routes"), routes);
    out.insert(QStringLiteral("nodeKey"), r.nodeKey);
    return out;
}

} // namespace keel::control
