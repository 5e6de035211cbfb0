#pragma once

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QStringList>

namespace keel::derp {

// GET /bootstrap-dns (Tailscale's derper; Headscale serves it with its embedded DERP): the
// addresses of the DERP map's host names, for clients whose own DNS is broken
// (tailscale/tailscale#1405). Answers {"host": ["ip", ...]}; `?q=NAME` narrows to one name of
// the map (only names of the map are answered: this is not an open resolver). The map's own
// IPv4/IPv6 fields and IP literals need no lookup; other names are resolved in the background
// when the map changes, so a request never waits on DNS.
class BootstrapDns : public QObject
{
    Q_OBJECT
public:
    explicit BootstrapDns(QObject* parent = nullptr);

    void update(const QJsonObject& derpMap);
    QJsonObject answer(const QString& query = {}) const;
    // Lookups still running (tests wait for 0).
    int pending() const { return m_pending; }

private:
    void add(const QString& name, const QString& address);

    QHash<QString, QStringList> m_addresses; // host name -> addresses, in the order found
    int m_generation = 0;                    // a newer map drops the answers of older lookups
    int m_pending = 0;
};

} // namespace keel::derp
