#!/usr/bin/env bash
# Takes a picture of every Keel Manager view with a small populated tailnet, under Xvfb (a real X
# server), into docs/images/. Needs a build with keel, keel-manager and keel-sim, and xvfb-run
# (scripts/setup.sh --test installs it).
#   scripts/screenshots.sh [build-dir]      (default: build-ci)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build-ci}" && pwd)
keel="$build/daemon/keel"
manager="$build/gui/keel-manager"
sim="$build/bench/sim/keel-sim"
for tool in "$keel" "$manager" "$sim"; do
    [ -x "$tool" ] || { echo "screenshots: $tool is missing; build keel, keel-manager and keel-sim first" >&2; exit 1; }
done
command -v xvfb-run >/dev/null || { echo "screenshots: xvfb-run is missing (scripts/setup.sh --test)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stun_port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/config.yaml" <<YAML
server_url: http://127.0.0.1:$port
listen_addr: 127.0.0.1:$port
metrics_listen_addr: ""
data_dir: $tmp
noise:
  private_key_path: $tmp/noise_private.key
prefixes:
  v4: 100.64.0.0/10
  v6: fd7a:115c:a1e0::/48
database:
  type: sqlite
  sqlite:
    path: $tmp/db.sqlite
derp:
  urls: []
  server:
    enabled: true
    region_id: 901
    region_code: home
    region_name: Home relay
    private_key_path: $tmp/derp_private.key
    stun_listen_addr: 127.0.0.1:$stun_port
policy:
  mode: database
dns:
  magic_dns: true
  base_domain: tailnet.example
  override_local_dns: false
  nameservers:
    global: [9.9.9.9]
  extra_records:
    - {name: grafana.tailnet.example, type: A, value: 100.64.0.3}
    - {name: nas.tailnet.example, type: AAAA, value: "fd7a:115c:a1e0::5"}
unix_socket: $tmp/keel.sock
YAML
export HOME="$tmp" KEEL_DERP_URLS="" XDG_CONFIG_HOME="$tmp/xdg"
mkdir -p "$root/docs/images"
# Keel Manager runs the server itself ("this computer"), so the log view has the server's log; the
# tailnet is populated through the CLI and keel-sim while it waits to take the pictures.
KEEL_MANAGER_SCREENSHOT_DELAY_MS=9000 xvfb-run -a -s "-screen 0 1280x860x24" \
    "$manager" --this-computer -c "$tmp/config.yaml" --screenshots "$root/docs/images" > "$tmp/manager.log" 2>&1 &
manager_pid=$!
pids+=($!)
for _ in $(seq 100); do [ -S "$tmp/keel.sock" ] && break; sleep 0.1; done
[ -S "$tmp/keel.sock" ] || { echo "screenshots: the server did not start:" >&2; cat "$tmp/manager.log" >&2; exit 1; }
# The relay on a plain-http loopback server is only for the pictures: its warning is expected.
cli() { "$keel" -c "$tmp/config.yaml" "$@" 2> >(grep -v "needs server_url to use https" >&2); }

cli users create alice >/dev/null
cli users create bob >/dev/null
key=$(cli preauthkeys create --user alice --reusable --expiration 1h -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cli preauthkeys create --user bob --expiration 24h >/dev/null
# Two policies, so the editor's history has an earlier one to compare with.
cli policy set --file /dev/stdin >/dev/null <<'POLICY' || true
{"acls": [{"action": "accept", "src": ["*"], "dst": ["*:*"]}]}
POLICY
cli policy set --file /dev/stdin >/dev/null <<'POLICY' || true
{
  // Alice's devices reach everything; Bob's reach only the web servers.
  "groups": {"group:admins": ["alice@"]},
  "acls": [
    {"action": "accept", "src": ["group:admins"], "dst": ["*:*"]},
    {"action": "accept", "src": ["bob@"], "dst": ["alice@:80,443"]},
  ],
}
POLICY
# Six nodes, and one device that waits for approval (Pending approvals).
"$sim" --server "127.0.0.1:$port" --authkey "$key" --nodes 6 --hold 60 --pending new-laptop > "$tmp/sim.log" 2>&1 &
pids+=($!)
wait "$manager_pid" || { echo "screenshots: keel-manager failed:" >&2; cat "$tmp/manager.log" >&2; exit 1; }
ls -1 "$root/docs/images"
