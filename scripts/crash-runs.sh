#!/usr/bin/env bash
# The long crash runs of docs/reliability.md: RUNS times (default 20) a burst of NODES registrations
# (default 1,000) from keel-sim nodes against a real `keel serve`, killed with SIGKILL at a random
# moment, restarted, checked (every acknowledged registration stored with its keys and addresses, no
# address twice, no half-written row) and converged (every node reconnects and sees every other).
# On SQLite and on a PostgreSQL cluster the test starts in its own temporary directory.
#
#   scripts/crash-runs.sh [build dir]          # niced; RUNS, NODES, BACKENDS="sqlite postgres"
#
# Each run is one test_crashrecovery process (one kill), so the node count stays at NODES. Prints
# one line per run and a summary; exits non-zero if any run lost an acknowledged registration.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
runs=${RUNS:-20}
nodes=${NODES:-1000}
backends=${BACKENDS:-sqlite postgres}
bin="$build/tests/reliability/test_crashrecovery"
[ -x "$bin" ] || { echo "crash-runs: build test_crashrecovery first (cmake --build $build --target test_crashrecovery)" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-crash-runs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"   # the test's PostgreSQL cluster runs as `postgres` when we are root
# A copy of the binaries: a rebuild in the tree during the long runs does not disturb them.
mkdir -p "$tmp/bin/daemon"
cp "$build/daemon/keel" "$tmp/bin/daemon/keel"
cp "$bin" "$tmp/bin/test_crashrecovery"
bin="$tmp/bin/test_crashrecovery"
# QTEST_FUNCTION_TIMEOUT: Qt Test aborts a test function after 5 minutes by default.
# KEEL_CRASH_CONVERGE_SECS: reconnecting and converging 1,000 nodes after each kill may take longer
# than CI's 300 s when the machine is shared; the loss check does not depend on it.
export KEEL_CRASH_CONVERGE_SECS=${KEEL_CRASH_CONVERGE_SECS:-1800}
export TMPDIR=$tmp HOME=$tmp KEEL_DATA_DIR=$tmp/keel-data KEEL_BINARY_DIR=$tmp/bin LC_ALL=C.UTF-8 TZ=UTC QTEST_FUNCTION_TIMEOUT=3600000
failed=0
for backend in $backends; do
    ok=0; acked=0; unanswered=0; start=$(date +%s)
    for i in $(seq 1 "$runs"); do
        log="$tmp/$backend-$i.log"
        if KEEL_CRASH_KILLS=1 KEEL_CRASH_NODES=$nodes nice -n 19 "$bin" "killDuringRegistrations:$backend" >"$log" 2>&1; then
            ok=$((ok + 1))
        else
            failed=1; echo "run $i ($backend) FAILED:"; grep -E "FAIL|seed" "$log" | head -5
            cp "$log" "${TMPDIR_KEEP:-/tmp}/keel-crash-$backend-$i.log" 2>/dev/null || true
        fi
        line=$(grep -o "kill 1: .*" "$log" || true)
        a=$(echo "$line" | sed -n 's/kill 1: \([0-9]*\) of this burst.*/\1/p'); u=$(echo "$line" | sed -n 's/.* and \([0-9]*\) registrations unanswered.*/\1/p')
        acked=$((acked + ${a:-0})); unanswered=$((unanswered + ${u:-0}))
        echo "$backend run $i: $line"
    done
    echo "$backend: $ok/$runs runs passed, $acked acknowledged registrations before the kills, all stored; $unanswered unanswered at the kill; $(( $(date +%s) - start )) s"
done
exit $failed
