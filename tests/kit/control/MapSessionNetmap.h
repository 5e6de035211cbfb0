#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <QSet>

namespace keel::control {

// The client's side of a map stream: applies MapResponses the way tailscaled does
// (control/controlclient/map.go, control.md 4.6) and keeps the resulting netmap. Used by tests and
// keel-sim to check that what a node was sent adds up to the truth.
class MapSessionNetmap
{
public:
    // Applies one message; returns false (with *error) if it breaks the protocol, e.g. a first
    // message without Node.
    bool apply(const QJsonObject& message, QString* error = nullptr);

    bool hasSelf() const { return !m_self.isEmpty(); }
    const QJsonObject& self() const { return m_self; }
    const QMap<qint64, QJsonObject>& peers() const { return m_peers; }
    QSet<qint64> peerIds() const;
    const QJsonObject& dnsConfig() const { return m_dns; }
    const QJsonObject& derpMap() const { return m_derp; }
    const QJsonArray& packetFilter() const { return m_filter; }
    // MapResponse.SSHPolicy as tailscaled keeps it (controlclient/map.go: null or absent keeps the
    // last one); empty until one arrives.
    const QJsonObject& sshPolicy() const { return m_sshPolicy; }
    const QMap<qint64, QJsonObject>& userProfiles() const { return m_profiles; }
    int messages() const { return m_messages; }
    int keepAlives() const { return m_keepAlives; }

private:
    QJsonObject m_self;
    QMap<qint64, QJsonObject> m_peers;
    QMap<qint64, QJsonObject> m_profiles;
    QJsonObject m_dns;
    QJsonObject m_derp;
    QJsonArray m_filter;
    QJsonObject m_sshPolicy;
    int m_messages = 0;
    int m_keepAlives = 0;
};

} // namespace keel::control
