#!/usr/bin/env bash
# The flood-N measurement of issue 16: with NODES simulated nodes connected (keel-sim: real
# ts2021 sessions and map streams) and a flood of N ts2021 handshakes per second from another
# loopback address (keel-flood from 127.0.0.2), does a new node's join still reach every node in
# under a second? N steps up through RATES; the answer is the largest N for which it held at that
# rate and at every lower one (a join that held again above a failure does not count).
#
#   bench/flood/flood-join.sh BUILD_DIR [NODES] [RATES]
#   bench/flood/flood-join.sh build 1000 "0 50 100 200 400 800 1600 3200"
#
# A join is timed from the moment the new node dials (its own handshake and registration, which
# compete with the flood, included) until the last of the NODES streams shows it. Each rate gets
# WARM seconds (default 5) of flood before the join. Environment: KEEL_BENCH_PORT (default 18490),
# LIMIT_MS (default 1000), STOP_AFTER (consecutive failures before stopping, default 2).
# N is the rate offered; each line also shows the rate the server completed (when it completes
# fewer, the flood is being limited or the flooder is starved of CPU: read both).
# Prints one line per rate and the verdict; the server's and the sim's logs stay in the printed
# directory when something fails.
set -euo pipefail
build=$(cd "${1:?build dir}" && pwd)
nodes=${2:-1000}
rates=${3:-0 50 100 200 400 800 1600 3200}
port=${KEEL_BENCH_PORT:-18490}
warm=${WARM:-5}
limit=${LIMIT_MS:-1000}
stop_after=${STOP_AFTER:-2}
keel="$build/daemon/keel"
sim="$build/bench/sim/keel-sim"
flood="$build/bench/flood/keel-flood"
for b in "$keel" "$sim" "$flood"; do
    [ -x "$b" ] || { echo "flood-join: $b is not built (cmake --build $build --target keel keel-sim keel-flood)" >&2; exit 2; }
done
dir=$(mktemp -d /tmp/keel-flood.XXXXXX)
keep=0
cleanup() {
    exec 3>&- 2>/dev/null || true
    [ -n "${flood_pid:-}" ] && kill "$flood_pid" 2>/dev/null
    [ -n "${sim_pid:-}" ] && kill "$sim_pid" 2>/dev/null
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null
    wait 2>/dev/null || true
    if [ "$keep" = 0 ]; then rm -rf "$dir"; else echo "logs kept in $dir"; fi
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)"

cat >"$dir/config.yaml" <<CONF
server_url: http://127.0.0.1:$port
listen_addr: 127.0.0.1:$port
metrics_listen_addr: ''
data_dir: $dir
unix_socket: $dir/keel.sock
derp: {urls: [], paths: []}
log: {level: warn}
dns: {magic_dns: true, base_domain: sim.example.com, override_local_dns: false}
prefixes: {v4: 100.64.0.0/10, v6: fd7a:115c:a1e0::/48}
CONF
"$keel" -c "$dir/config.yaml" serve >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 300); do [ -S "$dir/keel.sock" ] && break; sleep 0.1; done
"$keel" -c "$dir/config.yaml" users create sim >/dev/null
key=$("$keel" -c "$dir/config.yaml" preauthkeys create --user sim --reusable --expiration 24h -o json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

# keel-sim brings NODES nodes up, times one join, then one more join per line on its stdin.
mkfifo "$dir/joins"
"$sim" --server "127.0.0.1:$port" --authkey "$key" --nodes "$nodes" --server-pid "$server_pid" \
    --joins-on-stdin --timeout 3600 <"$dir/joins" >"$dir/sim.log" 2>&1 &
sim_pid=$!
exec 3>"$dir/joins"

# Waits until sim.log has `count` lines matching `pattern`; fails after `secs`.
wait_for() {
    local pattern=$1 count=$2 secs=$3
    for _ in $(seq $((secs * 10))); do
        [ "$(grep -c "$pattern" "$dir/sim.log" || true)" -ge "$count" ] && return 0
        kill -0 "$sim_pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
start=$(date +%s)
if ! wait_for '^ready for the next join' 1 3600; then
    keep=1; echo "flood-join: the $nodes nodes did not come up:"; tail -5 "$dir/sim.log"; exit 1
fi
grep -E '^(all|every view|join 1:)' "$dir/sim.log" | sed 's/^/  /'
echo "$nodes nodes connected after $(( $(date +%s) - start )) s; joins under floods of N handshakes/s from 127.0.0.2:"

best=-1; best_rate=-; failures=0; failed_once=0; joins=1
for n in $rates; do
    flood_pid=
    if [ "$n" -gt 0 ]; then
        "$flood" --server "127.0.0.1:$port" --from 127.0.0.2 --rate "$n" >"$dir/flood-$n.log" 2>&1 &
        flood_pid=$!
    fi
    sleep "$warm"
    echo >&3
    joins=$((joins + 1))
    if wait_for "^join $joins:" 1 120; then
        line=$(grep "^join $joins:" "$dir/sim.log")
        ms=$(echo "$line" | sed -n 's/.* \([0-9]*\) ms after it dialled.*/\1/p')
    else
        line="no join within 120 s"; ms=999999
    fi
    rate="-"
    if [ -n "$flood_pid" ]; then
        rate=$(tail -1 "$dir/flood-$n.log" | sed -n 's/.*(\([0-9]*\) completed\/s).*/\1/p')
        failed=$(tail -1 "$dir/flood-$n.log" | sed -n 's/.*failed \([0-9]*\),.*/\1/p')
        kill "$flood_pid" 2>/dev/null; wait "$flood_pid" 2>/dev/null || true
        flood_pid=
    fi
    verdict=held
    if [ "$ms" -ge "$limit" ]; then
        verdict="NOT held"; failures=$((failures + 1)); failed_once=1; keep=1
    else
        failures=0
        if [ "$failed_once" = 0 ] && [ "$n" -gt "$best" ]; then best=$n; best_rate=${rate:-?}; fi
    fi
    printf 'N=%-5s flood completed %s/s (failed %s): join reached all %s ms after dialling: %s\n' "$n" "${rate:-?}" "${failed:-0}" "$ms" "$verdict"
    [ "$failures" -ge "$stop_after" ] && break
    wait_for '^ready for the next join' "$joins" 60 || true
    sleep 2
done
if [ "$best" -ge 0 ]; then
    echo "largest N for which a join reached all $nodes nodes in under $limit ms (and at every lower N): $best handshakes/s offered ($best_rate/s completed)"
else
    echo "a join did not reach all $nodes nodes in under $limit ms even without a flood"
fi
