#include "metrics/Instruments.h"

#include "metrics/Metrics.h"

namespace keel::metrics {

namespace {

// Latencies from 100 µs (a cached read) to 10 s (a stuck disk).
std::vector<double> fastBuckets()
{
    return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};
}

Registry& reg()
{
    return Registry::instance();
}

constexpr const char* kRegistrations = "keel_registrations_total";
constexpr const char* kRegistrationsHelp = "Node registration requests by method and outcome.";
constexpr const char* kMapResponses = "keel_map_responses_total";
constexpr const char* kMapResponsesHelp = "Map responses written to nodes' map streams, by kind.";
constexpr const char* kMapBytes = "keel_map_response_bytes_total";
constexpr const char* kMapBytesHelp = "Bytes of map responses written to nodes (framed, after compression), by kind.";
constexpr const char* kOidc = "keel_oidc_logins_total";
constexpr const char* kOidcHelp = "OpenID Connect logins by outcome.";
constexpr const char* kDb = "keel_database_operation_duration_seconds";
constexpr const char* kDbHelp = "Time spent in database operations, by operation.";

} // namespace

void Instruments::registerAll()
{
    for (const char* method : {"authkey", "interactive", "followup", "refresh", "logout"})
        for (const char* outcome : {"success", "pending", "rejected", "error"})
            reg().counter(kRegistrations, kRegistrationsHelp, {{"method", method}, {"outcome", outcome}});
    for (const char* kind : {"full", "delta", "keepalive"}) {
        reg().counter(kMapResponses, kMapResponsesHelp, {{"kind", kind}});
        reg().counter(kMapBytes, kMapBytesHelp, {{"kind", kind}});
    }
    batcherQueueDepth(0);
    reg().histogram("keel_batcher_flush_duration_seconds", "Time the batcher took to build and queue one round of map updates.",
                    fastBuckets());
    reg().counter("keel_batcher_flushes_total", "Batcher rounds that sent at least one map update.");
    reg().histogram("keel_policy_compile_duration_seconds", "Time spent compiling the policy into filter rules and peer visibility.",
                    fastBuckets());
    for (const char* op : {"read", "write"})
        reg().histogram(kDb, kDbHelp, fastBuckets(), {{"op", op}});
    reg().counter("keel_ha_primary_changes_total", "Changes of the primary node for a high-availability subnet route.");
    for (const char* outcome : {"success", "denied", "error"})
        reg().counter(kOidc, kOidcHelp, {{"outcome", outcome}});
}

void Instruments::registration(const QByteArray& method, const QByteArray& outcome)
{
    reg().counter(kRegistrations, kRegistrationsHelp, {{"method", method}, {"outcome", outcome}}).inc();
}

void Instruments::mapResponse(const QByteArray& kind, qint64 bytes)
{
    reg().counter(kMapResponses, kMapResponsesHelp, {{"kind", kind}}).inc();
    reg().counter(kMapBytes, kMapBytesHelp, {{"kind", kind}}).inc(double(bytes));
}

void Instruments::batcherQueueDepth(qint64 pendingChanges)
{
    reg().gauge("keel_batcher_pending_changes", "Node changes waiting for the batcher's next round.").set(double(pendingChanges));
}

void Instruments::batcherFlush(double seconds, int messages)
{
    reg().histogram("keel_batcher_flush_duration_seconds", "Time the batcher took to build and queue one round of map updates.",
                    fastBuckets())
        .observe(seconds);
    if (messages > 0)
        reg().counter("keel_batcher_flushes_total", "Batcher rounds that sent at least one map update.").inc();
}

void Instruments::policyCompile(double seconds)
{
    reg().histogram("keel_policy_compile_duration_seconds", "Time spent compiling the policy into filter rules and peer visibility.",
                    fastBuckets())
        .observe(seconds);
}

void Instruments::databaseOperation(const QByteArray& op, double seconds)
{
    reg().histogram(kDb, kDbHelp, fastBuckets(), {{"op", op}}).observe(seconds);
}

void Instruments::haPrimaryChange()
{
    reg().counter("keel_ha_primary_changes_total", "Changes of the primary node for a high-availability subnet route.").inc();
}

void Instruments::oidcLogin(const QByteArray& outcome)
{
    reg().counter(kOidc, kOidcHelp, {{"outcome", outcome}}).inc();
}

} // namespace keel::metrics
