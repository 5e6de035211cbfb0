#!/usr/bin/env bash
# What `keel serve` does when its PostgreSQL host stops answering in the middle of its life: packets
# dropped, not refused (a dead link, a firewall), then the host back. Not part of `make test`: it
# needs root (a private network namespace, `unshare -n`, holds PostgreSQL, Keel and the black hole,
# so nothing outside it is touched) and takes about a minute.
#
#   scripts/pg-blackhole.sh [build dir]       # default: build
#
# Inside the namespace PostgreSQL listens on 10.9.9.1, an address of one end of a veth pair. The
# black hole takes that address away and routes 10.9.9.1 out of the pair to an end that nobody
# answers from (a permanent neighbour entry, so not even ARP fails): every packet to the database,
# on the open connections and for new ones, is dropped silently. Prints, with timestamps, how long
# each admin command and GET /health took before, during and after the black hole.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
keel="$build/daemon/keel"
[ -x "$keel" ] || { echo "pg-blackhole: no $keel (cmake --build $build --target keel)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "pg-blackhole: needs root (unshare -n)" >&2; exit 2; }
if [ "${KEEL_BLACKHOLE_INSIDE:-}" != 1 ]; then
    exec env KEEL_BLACKHOLE_INSIDE=1 unshare -n "$0" "$build"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/keel-pg-blackhole.XXXXXX")
chmod 755 "$tmp"   # the cluster runs as `postgres`
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    KEEL_TEST_PG_DIR="$tmp/pg" "$root/scripts/test-postgres.sh" stop >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
say() { printf '%s %s\n' "$(date -u +%H:%M:%S.%3N)" "$*"; }

ip link set lo up
ip link add kb0 type veth peer name kb1
ip link set kb0 up
ip link set kb1 up
ip addr add 10.9.9.1/24 dev kb0

eval "$(KEEL_TEST_PG_DIR="$tmp/pg" KEEL_TEST_PG_LISTEN=10.9.9.1 "$root/scripts/test-postgres.sh" start 2>/dev/null | grep '^export')"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$tmp/config.yaml" <<EOF
server_url: http://127.0.0.1:$port
listen_addr: 127.0.0.1:$port
metrics_listen_addr: 127.0.0.1:$mport
unix_socket: $tmp/keel.sock
noise:
  private_key_path: $tmp/noise_private.key
prefixes:
  v4: 100.64.0.0/10
  v6: fd7a:115c:a1e0::/48
derp:
  urls: []
database:
  type: postgres
  postgres:
    host: $KEEL_TEST_PG_HOST
    port: $KEEL_TEST_PG_PORT
    name: $KEEL_TEST_PG_DB
    user: $KEEL_TEST_PG_USER
    pass: $KEEL_TEST_PG_PASSWORD
dns:
  magic_dns: true
  base_domain: tailnet.test
  nameservers:
    global: [1.1.1.1]
EOF
KEEL_DATA_DIR="$tmp" "$keel" serve -c "$tmp/config.yaml" >"$tmp/server.log" 2>&1 &
server=$!
for _ in $(seq 100); do [ -S "$tmp/keel.sock" ] && break; sleep 0.1; done
[ -S "$tmp/keel.sock" ] || { cat "$tmp/server.log"; exit 1; }

# One admin command (a write) and one GET /health, each timed; the answer's first line.
timed() {
    local start end out rc=0
    start=$(date +%s%N)
    out=$("$@" 2>&1) || rc=$?
    end=$(date +%s%N)
    printf '%6d ms  rc=%s  %s\n' $(( (end - start) / 1000000 )) "$rc" "$(echo "$out" | head -1 | cut -c1-110)"
}
n=0
create() { n=$((n + 1)); say "users create u$n: $(timed "$keel" -c "$tmp/config.yaml" users create "u$n")"; }
health() { say "GET /health:     $(timed curl -s -m 120 "http://127.0.0.1:$port/health")"; }

say "PostgreSQL at $KEEL_TEST_PG_HOST:$KEEL_TEST_PG_PORT, keel at 127.0.0.1:$port"
create; health

say "black hole: 10.9.9.1 no longer answers"
ip addr del 10.9.9.1/24 dev kb0
ip route add 10.9.9.0/24 dev kb0
ip neigh replace 10.9.9.1 lladdr "$(ip -o link show kb1 | grep -o "link/ether [0-9a-f:]*" | cut -d" " -f2)" dev kb0 nud permanent
# /health and a write at once: the first statement on each thread's connection meets the hole.
health & probe=$!; create; wait "$probe"
for _ in 1 2 3; do health; create; done

say "the host answers again"
ip neigh del 10.9.9.1 dev kb0 || true
ip route del 10.9.9.0/24 dev kb0 || true
ip addr add 10.9.9.1/24 dev kb0
for _ in 1 2 3 4 5; do create; health; sleep 1; done
say "server log (database lines):"
grep -iE "database|store" "$tmp/server.log" | cut -c1-160 | tail -15
