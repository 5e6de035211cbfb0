#!/usr/bin/env bash
# Runs keel-sim with N nodes against a fresh `keel serve` (its own temp data dir, SQLite, no DERP
# map) on this machine and prints the sim's figures. Usage:
#   bench/sim/bench.sh BUILD_DIR N [extra keel-sim args...]
# Environment: KEEL_BENCH_PORT (default 18480), KEEL_BENCH_WRAP (a command the server runs under,
# e.g. "heaptrack -o /tmp/keel.heaptrack"), KEEL_SIM_WRAP (the same for keel-sim), KEEL_BENCH_DELAY (tuning.batch_change_delay, default:
# the server's own default), KEEL_BENCH_POLICY (a policy file for the server).
set -euo pipefail
build=${1:?build dir}
nodes=${2:?nodes}
shift 2
port=${KEEL_BENCH_PORT:-18480}
dir=$(mktemp -d /tmp/keel-bench.XXXXXX)
trap 'kill ${server_pid:-} 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT
ulimit -n "$(ulimit -Hn)"

{
    echo "server_url: http://127.0.0.1:$port"
    echo "listen_addr: 127.0.0.1:$port"
    echo "metrics_listen_addr: ''"
    echo "data_dir: $dir"
    echo "unix_socket: $dir/keel.sock"
    echo "derp: {urls: [], paths: []}"
    echo "log: {level: warn}"
    echo "dns: {magic_dns: true, base_domain: sim.example.com, override_local_dns: false}"
    echo "prefixes: {v4: 100.64.0.0/10, v6: fd7a:115c:a1e0::/48}"
    [ -n "${KEEL_BENCH_DELAY:-}" ] && echo "tuning: {batch_change_delay: $KEEL_BENCH_DELAY}"
    if [ -n "${KEEL_BENCH_POLICY:-}" ]; then
        echo "policy: {mode: file, path: $KEEL_BENCH_POLICY}"
    fi
} >"$dir/config.yaml"

keel="$build/daemon/keel"
${KEEL_BENCH_WRAP:-} "$keel" -c "$dir/config.yaml" serve >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do
    [ -S "$dir/keel.sock" ] && break
    sleep 0.1
done
"$keel" -c "$dir/config.yaml" users create sim >/dev/null
key=$("$keel" -c "$dir/config.yaml" preauthkeys create --user sim --reusable --expiration 24h -o json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
# Under a wrapper (heaptrack, valgrind) the server's pid is the wrapper's child.
spid=$(pgrep -P "$server_pid" -f daemon/keel || echo "$server_pid")
if [ -n "${KEEL_BENCH_KILL_AT_RSS:-}" ]; then
    # For heap profiles: SIGKILL the server right after the sim sampled its RSS, while every
    # stream is still connected, so the profiler's "leaked" memory is the steady state.
    set +e
    ${KEEL_SIM_WRAP:-} "$build/bench/sim/keel-sim" --server "127.0.0.1:$port" --authkey "$key" --nodes "$nodes" \
        --server-pid "$spid" --timeout 60 "$@" | while IFS= read -r line; do
        echo "$line"
        case $line in "server RSS:"*) kill -KILL "$spid" ;; esac
    done
    exit 0
fi
${KEEL_SIM_WRAP:-} "$build/bench/sim/keel-sim" --server "127.0.0.1:$port" --authkey "$key" --nodes "$nodes" --server-pid "$spid" "$@"
rc=$?
# KEEL_BENCH_KILL=KILL ends the server without its shutdown, so a heap profiler's "leaked" report
# is what the server held with every stream connected.
kill -"${KEEL_BENCH_KILL:-INT}" "$spid" 2>/dev/null || true
sleep 1
exit $rc
