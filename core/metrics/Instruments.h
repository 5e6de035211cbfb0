#pragma once

#include <QByteArray>

namespace keel::metrics {

// The event counters other modules bump at their boundaries: one call, no lookup kept by the
// caller, names and HELP texts in one place (docs/deployment.md lists them). Figures that are
// state rather than events (nodes, DERP clients, STUN) are read at scrape time by
// server/MetricsCollector instead, so no hot path pays for them.
class Instruments
{
public:
    // Creates every family with its known label sets at zero, so a fresh server already exposes
    // them (a dashboard shows 0, not "no data").
    static void registerAll();

    // method: authkey | interactive | followup | refresh | logout | oidc;
    // outcome: success | pending | rejected | error.
    static void registration(const QByteArray& method, const QByteArray& outcome);
    // kind: full | delta | keepalive; bytes as written (framed, compressed when the client asked).
    static void mapResponse(const QByteArray& kind, qint64 bytes);
    static void batcherQueueDepth(qint64 pendingChanges);
    static void batcherFlush(double seconds, int messages);
    static void policyCompile(double seconds);
    // op: a short fixed name ("read", "write", "transaction"): never SQL text.
    static void databaseOperation(const QByteArray& op, double seconds);
    static void haPrimaryChange();
    // outcome: success | denied | error (the OIDC login flow).
    static void oidcLogin(const QByteArray& outcome);
};

} // namespace keel::metrics
