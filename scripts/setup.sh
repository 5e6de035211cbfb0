#!/usr/bin/env bash
# Installs every Debian package Keel needs to build, test and run. Idempotent: when everything is
# already there it only checks (well under a second) and installs nothing.
#   scripts/setup.sh            build + run dependencies
#   scripts/setup.sh --test     also what the test suite needs (PostgreSQL server, Xvfb, clang for fuzzing,
#                               Debian's STUN clients: coturn's turnutils_stunclient and stun-client,
#                               nginx for the reverse-proxy test, prometheus for promtool, pebble (an
#                               ACME CA with its DNS test server) and openssl for tests/acme, debootstrap
#                               for scripts/test-deb-install.sh, a D-Bus session bus and
#                               gnome-keyring for Keel Manager's keychain test, Node.js and the
#                               OpenID provider of tests/oidc from the npm registry)
set -euo pipefail

want_test=0
for arg in "$@"; do
    case "$arg" in
        --test) want_test=1 ;;
        -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
    esac
done

packages=(
    build-essential cmake ninja-build ccache pkg-config git
    qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
    qt6-httpserver-dev qt6-websockets-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qtkeychain-qt6-dev libqrencode-dev
    libssl-dev libsodium-dev libyaml-cpp-dev libnghttp2-dev libzstd-dev
)
if [ "$want_test" = 1 ]; then
    packages+=(postgresql postgresql-client xvfb xauth clang libclang-rt-14-dev coturn stun-client nginx prometheus debootstrap
              pebble openssl dbus-daemon dbus-bin gnome-keyring)
    # Node.js for the OIDC tests' provider; Debian's, unless a node (with its own npm) is already there.
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        packages+=(nodejs npm)
    fi
fi

# Waits (up to 10 minutes) while another process holds one of apt's or dpkg's locks. apt takes them
# with fcntl() write locks, which lockf() tests without waiting. Needs python3; without it apt's
# own DPkg::Lock::Timeout (below) still waits for the dpkg lock.
wait_for_apt_locks() {
    command -v python3 >/dev/null || return 0
    local said=0 waited=0
    while ! $sudo python3 - /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock <<'PY'
import fcntl, os, sys
for path in sys.argv[1:]:
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        continue
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        sys.exit(1)
    finally:
        os.close(fd)
PY
    do
        if [ "$said" = 0 ]; then echo "setup: another apt/dpkg job holds the package lock; waiting for it to finish"; said=1; fi
        sleep 3; waited=$((waited + 3))
        if [ "$waited" -ge 600 ]; then echo "setup: still locked after 10 minutes; giving up" >&2; return 1; fi
    done
}

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    # Another apt job (unattended-upgrades on a fresh machine, a second terminal) may hold the
    # package locks: wait for it, saying so, instead of failing at once.
    wait_for_apt_locks
    apt_wait=(-o DPkg::Lock::Timeout=600)
    $sudo apt-get "${apt_wait[@]}" update -qq
    $sudo apt-get "${apt_wait[@]}" install -y -qq --no-install-recommends "${missing[@]}"
    # coturn comes only for its STUN client. Its TURN daemon must not run: under sysvinit it stays
    # off (TURNSERVER_ENABLED is unset in /etc/default/coturn), but systemd would start it on
    # port 3478, Keel's STUN port. Only when we installed it just now: a deliberate coturn stays.
    if [[ " ${missing[*]} " == *" coturn "* ]] && [ -d /run/systemd/system ]; then
        $sudo systemctl disable --now coturn.service >/dev/null 2>&1 || true
    fi
    # Likewise nginx (port 80) and Prometheus (port 9090, Keel's metrics port): the tests start
    # their own nginx and only need promtool, so the daemons stay off.
    for svc in nginx prometheus; do
        if [[ " ${missing[*]} " == *" $svc "* ]] && [ -d /run/systemd/system ]; then
            $sudo systemctl disable --now "$svc.service" >/dev/null 2>&1 || true
        fi
    done
else
    echo "setup: all ${#packages[@]} packages present"
fi

# The real OpenID provider the OIDC tests run (tests/oidc/provider.mjs): npm's oidc-provider at the
# version pinned in tests/oidc/package-lock.json, installed beside it, never globally.
if [ "$want_test" = 1 ]; then
    oidc_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/oidc"
    if [ ! -f "$oidc_dir/node_modules/oidc-provider/package.json" ] \
        || [ "$oidc_dir/package-lock.json" -nt "$oidc_dir/node_modules/.package-lock.json" ]; then
        echo "setup: installing the OIDC test provider (npm ci in tests/oidc)"
        (cd "$oidc_dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
fi
