#pragma once

#include <QList>
#include <QString>
#include <optional>

namespace keel::policy {

struct PortRange {
    int first = 0;
    int last = 65535;
    friend bool operator==(const PortRange&, const PortRange&) = default;
    bool isAll() const { return first == 0 && last == 65535; }
};

// The port and protocol grammar of spec C.4.
class PortSpec {
public:
    // "*", "22", "80,443", "1000-2000". Error text is Tailscale's ("invalid first integer", ...).
    static std::optional<QList<PortRange>> parsePorts(const QString& text, QString* error);
    // "tcp", "TCP", "6", "" (=> empty list: the client default). Error for unknown names, 0, "*".
    static std::optional<QList<int>> parseProtocol(const QString& text, QString* error);
    // Only TCP, UDP, SCTP (or the default) may name specific ports.
    static bool supportsPorts(const QList<int>& protocols);
    // Client default when IPProto is empty: TCP, UDP, ICMPv4, ICMPv6.
    static QList<int> defaultProtocols() { return {6, 17, 1, 58}; }
};

} // namespace keel::policy
