#!/usr/bin/env bash
# A picture of the cross-built Keel Manager running under Wine: keel-manager.exe --this-computer
# in a Wine virtual desktop on a private Xvfb, its server populated with keel.exe's CLI (over the
# admin named pipe) and, when there is a Linux keel-sim, six simulated nodes over loopback TCP. The
# whole X screen is captured (`import -window root`), so the picture shows the window as Wine draws
# it, not Qt's own rendering.
#
#   scripts/windows/screenshot-wine.sh [BUILD_DIR] [PNG]
#     (defaults: build-win, docs/images/keel-manager-wine.png; KEEL_SIM=<Linux keel-sim> for nodes,
#      default build-ci/bench/sim/keel-sim when it exists)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build-win}" && pwd)"
png="${2:-$root/docs/images/keel-manager-wine.png}"
cache="${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}"
prefix="$cache/prefix"
manager="$build/gui/keel-manager.exe"
keel="$build/daemon/keel.exe"
sim="${KEEL_SIM:-$root/build-ci/bench/sim/keel-sim}"
for f in "$manager" "$keel"; do [ -f "$f" ] || { echo "screenshot-wine: $f is missing" >&2; exit 1; }; done

winpath() { printf 'Z:%s' "$(echo "$1" | tr / '\\')"; }
tmp="$(mktemp -d /tmp/keel-screenshot-wine.XXXXXX)"
export WINEPREFIX="$tmp/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
gccdir="$(ls -d /usr/lib/gcc/x86_64-w64-mingw32/*-posix | head -1)"
export WINEPATH="$(winpath "$prefix/bin");$(winpath "$gccdir");$(winpath /usr/x86_64-w64-mingw32/lib)"
export QT_PLUGIN_PATH="$(winpath "$prefix/plugins")"
xvfb_pid=""
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wineserver -k 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
    wait 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT

# A private X server on the first free display number.
display=99
while [ -e "/tmp/.X$display-lock" ] || [ -e "/tmp/.X11-unix/X$display" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1280x820x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display"
for _ in $(seq 50); do [ -e "/tmp/.X11-unix/X$display" ] && break; sleep 0.1; done

wineboot --init >/dev/null 2>&1 || true
wineserver -w || true

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
w="$(winpath "$tmp")"
cat >"$tmp/config.yaml" <<YAML
server_url: http://127.0.0.1:$port
listen_addr: 127.0.0.1:$port
metrics_listen_addr: ""
data_dir: $w
noise:
  private_key_path: $w\\noise_private.key
prefixes:
  v4: 100.64.0.0/10
  v6: fd7a:115c:a1e0::/48
database:
  type: sqlite
  sqlite:
    path: $w\\db.sqlite
derp:
  urls: []
policy:
  mode: database
dns:
  magic_dns: true
  base_domain: tailnet.example
  override_local_dns: false
  nameservers:
    global: [9.9.9.9]
unix_socket: $w\\keel.sock
YAML
config="$w\\config.yaml"

# The window in a Wine desktop as large as the screen (Wine draws the frame and title bar there).
wine explorer "/desktop=Keel,1280x820" "$(winpath "$manager")" --this-computer -c "$config" >"$tmp/manager.log" 2>&1 &
pids+=($!)
for _ in $(seq 240); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
if ! curl -fsS "http://127.0.0.1:$port/health" >/dev/null; then
    echo "screenshot-wine: the in-process server did not start; the screen is in ${png%.png}-failed.png" >&2
    import -window root -display "$DISPLAY" "${png%.png}-failed.png" || true
    tr -d '\r' <"$tmp/manager.log" | tail -20 >&2
    exit 1
fi

cli() { wine "$keel" -c "$config" "$@" 2>/dev/null | tr -d '\r'; }
cli users create alice >/dev/null
cli users create bob >/dev/null
key=$(cli preauthkeys create --user alice --reusable --expiration 1h -o json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cli preauthkeys create --user bob --expiration 24h >/dev/null
printf '%s\n' '{' '  // Alice reaches everything; Bob only the web servers.' '  "groups": {"group:admins": ["alice@"]},' \
    '  "acls": [' '    {"action": "accept", "src": ["group:admins"], "dst": ["*:*"]},' \
    '    {"action": "accept", "src": ["bob@"], "dst": ["alice@:80,443"]},' '  ],' '}' >"$tmp/policy.hujson"
cli policy set --file "$w\\policy.hujson" >/dev/null || true
if [ -x "$sim" ]; then
    "$sim" --server "127.0.0.1:$port" --authkey "$key" --nodes 6 --hold 60 --pending new-laptop >"$tmp/sim.log" 2>&1 &
    pids+=($!)
else
    echo "screenshot-wine: no keel-sim at $sim: the picture shows no nodes" >&2
fi
sleep "${KEEL_SCREENSHOT_WAIT:-20}"
mkdir -p "$(dirname "$png")"
# 256 colours keep a GUI picture small without visible loss.
import -window root -display "$DISPLAY" "$tmp/shot.png"
convert "$tmp/shot.png" -colors 256 PNG8:"$png"
ls -la "$png"
