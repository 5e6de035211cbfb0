#!/usr/bin/env bash
# Installs Keel's .deb into a clean Debian root and checks it as an operator would: the binary
# runs from /usr/bin, the config is /etc/keel/config.yaml, /var/lib/keel belongs to the keel user
# with mode 0750, the server starts as that user and answers /health, the unit passes
# `systemd-analyze verify`, and purge removes the config but keeps the data unless asked.
# Too slow for the normal suite (debootstrap downloads a base system): run it by hand or in a
# nightly job. Needs root, debootstrap and the Debian mirror.
#   scripts/test-deb-install.sh [build-dir]      (default: build, the release preset)
# KEEL_DEB_ROOT_CACHE=<file.tar> keeps the debootstrapped root between runs.
set -euo pipefail

build="${1:-build}"
[ "$(id -u)" = 0 ] || { echo "test-deb-install: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "test-deb-install: install debootstrap" >&2; exit 2; }
[ -f "$build/CPackConfig.cmake" ] || { echo "test-deb-install: no $build/CPackConfig.cmake (configure and build keel first)" >&2; exit 2; }

work="$(mktemp -d /tmp/keel-deb-install.XXXXXX)"
root="$work/root"
cleanup() {
    [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null || true
    mountpoint -q "$root/proc" && umount "$root/proc" || true
    rm -rf "$work"
}
trap cleanup EXIT
start=$(date +%s)
step() { echo "[$(( $(date +%s) - start ))s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }
in_root() { chroot "$root" "$@"; }

step "building the .deb"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$work/pkg" >/dev/null
deb="$(ls "$work"/pkg/keel_*.deb)"

if [ -n "${KEEL_DEB_ROOT_CACHE:-}" ] && [ -f "$KEEL_DEB_ROOT_CACHE" ]; then
    step "unpacking the cached Debian root"
    mkdir -p "$root" && tar -xf "$KEEL_DEB_ROOT_CACHE" -C "$root"
else
    step "debootstrap bookworm (minbase)"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
    [ -n "${KEEL_DEB_ROOT_CACHE:-}" ] && tar -cf "$KEEL_DEB_ROOT_CACHE" -C "$root" .
fi
mount -t proc proc "$root/proc"
# No service may start inside the root (and none can: there is no init).
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"

step "apt-get install ./keel.deb (and systemd, for systemd-analyze)"
cp "$deb" "$root/tmp/keel.deb"
in_root apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends /tmp/keel.deb systemd >"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log"; fail "apt-get install"; }

step "checking the installed files"
in_root /usr/bin/keel version >/dev/null || fail "/usr/bin/keel does not run"
in_root id keel >/dev/null || fail "no keel user"
[ "$(in_root stat -c '%a %U %G' /var/lib/keel)" = "750 keel keel" ] || fail "/var/lib/keel is $(in_root stat -c '%a %U %G' /var/lib/keel)"
[ "$(in_root stat -c '%a %U %G' /etc/keel/config.yaml)" = "640 root keel" ] || fail "/etc/keel/config.yaml is $(in_root stat -c '%a %U %G' /etc/keel/config.yaml)"
in_root /usr/bin/keel configtest -c /etc/keel/config.yaml || fail "configtest of the installed config"
in_root systemd-analyze verify /usr/lib/systemd/system/keel.service || fail "systemd-analyze verify"

step "keel serve as the keel user (the unit's ExecStart), /health"
port=$(( 20000 + RANDOM % 20000 ))
mport=$(( port + 1 ))
# Numeric ids: the host's user database is not the root's.
chroot --userspec="$(in_root id -u keel):$(in_root id -g keel)" "$root" env KEEL_DATA_DIR=/var/lib/keel KEEL_LISTEN_ADDR=127.0.0.1:$port \
    KEEL_METRICS_LISTEN_ADDR=127.0.0.1:$mport KEEL_DERP_URLS= /usr/bin/keel serve -c /etc/keel/config.yaml >"$work/serve.log" 2>&1 &
server_pid=$!
healthy=0
for _ in $(seq 1 100); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null; then
        printf 'GET /health HTTP/1.0\r\n\r\n' >&3
        head -n 1 <&3 | grep -q ' 200' && healthy=1
        exec 3<&-
        [ "$healthy" = 1 ] && break
    fi
    sleep 0.1
done
[ "$healthy" = 1 ] || { cat "$work/serve.log"; fail "/health did not answer 200"; }
kill "$server_pid"; wait "$server_pid" || true; server_pid=
[ "$(in_root stat -c '%U' /var/lib/keel/db.sqlite)" = keel ] || fail "the database is not owned by keel"
[ "$(in_root stat -c '%a' /var/lib/keel/noise_private.key)" = 600 ] || fail "the Noise key is not 0600"

step "dpkg --purge keeps the data"
in_root dpkg --purge keel >/dev/null 2>&1
[ ! -e "$root/usr/bin/keel" ] || fail "/usr/bin/keel left after purge"
[ ! -e "$root/etc/keel" ] || fail "/etc/keel left after purge"
[ -f "$root/var/lib/keel/db.sqlite" ] || fail "purge removed the database"

step "KEEL_PURGE_DATA=yes dpkg --purge removes it"
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -qq --no-install-recommends /tmp/keel.deb >/dev/null 2>&1
[ -f "$root/var/lib/keel/db.sqlite" ] || fail "reinstall lost the kept database"
in_root env KEEL_PURGE_DATA=yes dpkg --purge keel >/dev/null 2>&1
[ ! -e "$root/var/lib/keel" ] || fail "/var/lib/keel left after KEEL_PURGE_DATA=yes purge"

step "all package checks passed"
