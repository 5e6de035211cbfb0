#!/usr/bin/env bash
# Installs the real Windows packages (build-keel.sh package: keel-<v>-win64.exe and .msi) under
# Wine, each in a throw-away Wine prefix under /tmp, checks what they did, uninstalls them and
# checks that too. Not part of `make test` (needs the cross build). Prints ok/FAIL per check and
# what Wine cannot show; exit 1 on a failed check.
#
#   scripts/windows/installer-wine.sh [BUILD_DIR]     (default: build-win)
#
# No WINEPATH is set: the installed tree must carry every DLL it needs. The service the NSIS
# installer starts listens on the example config's 127.0.0.1:8080 and 127.0.0.1:9090 (loopback);
# the script stops it and the Wine prefix (wineserver -k) before it ends.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:-$root/build-win}" && pwd)"
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
nsis="$build/keel-${version:-0.1.0}-win64.exe"
msi="$build/keel-${version:-0.1.0}-win64.msi"
for f in "$nsis" "$msi"; do
    [ -f "$f" ] || { echo "installer-wine: $f is missing (scripts/windows/build-keel.sh package)" >&2; exit 2; }
done

export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono/Gecko install dialogs
unset WINEPATH QT_PLUGIN_PATH
fail=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
note() { echo "--   $*"; }
serve_pid=""
logs="$build/installer-wine" # what is worth reading after a run: logs, leftovers
rm -rf "$logs" && mkdir -p "$logs"
cleanup() {
    [ -n "$serve_pid" ] && kill -KILL "$serve_pid" 2>/dev/null
    exec 8>&- # ends the keep-alive program
    if [ -n "${WINEPREFIX:-}" ] && [ -d "$WINEPREFIX" ]; then
        wineserver -k 2>/dev/null
        rm -rf "$WINEPREFIX"
    fi
}
trap cleanup EXIT

new_prefix() {
    cleanup
    WINEPREFIX="$(mktemp -d /tmp/keel-installer-wine.XXXXXX)"
    export WINEPREFIX
    wineboot --init >/dev/null 2>&1
    wineserver -w
    drive_c="$WINEPREFIX/drive_c"
    inst="$drive_c/Program Files/Keel"
    data="$drive_c/ProgramData/Keel"
    menu="$drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Keel"
    # Wine ends its services when the last ordinary program exits (a Windows machine keeps them):
    # one program that waits on a pipe keeps this Wine session, and so the service, alive.
    mkfifo "$WINEPREFIX/keepalive"
    wine cmd /c pause <"$WINEPREFIX/keepalive" >/dev/null 2>&1 &
    exec 8>"$WINEPREFIX/keepalive"
}
# Files left under a directory (empty folders aside).
files_left() { [ -d "$1" ] && find "$1" -type f | sed "s|^$1/||" | head -20 | tr '\n' ' '; }
# A Windows program of the installed tree, with Wine's console noise removed.
win() { wine "$@" 2>&1 | tr -d '\r' | grep -v -e '^it looks like wine32' -e 'multiarch needs' -e 'dpkg --add-arch' -e 'wine32:i386'; }
keel() { win 'C:\Program Files\Keel\bin\keel.exe' "$@"; }
# The DLLs the installed programs and plugins import that are neither shipped beside them nor
# Windows' own (Wine's system32): none may be missing. (Windows does not search plugins\ folders.)
missing_imports() {
    local bin="$1" sys="$drive_c/windows/system32" f dll missing=""
    while IFS= read -r -d '' f; do
        for dll in $(x86_64-w64-mingw32-objdump -p "$f" | sed -n 's/^\tDLL Name: //p'); do
            case "$dll" in api-ms-*|ext-ms-*) continue ;; esac
            [ -n "$(find "$bin" -maxdepth 1 -iname "$dll" -print -quit)" ] && continue
            [ -n "$(find "$sys" -maxdepth 1 -iname "$dll" -print -quit)" ] && continue
            missing="$missing $(basename "$f"):$dll"
        done
    done < <(find "$bin" \( -name '*.exe' -o -name '*.dll' \) -print0)
    [ -z "$missing" ] || echo "     missing:$missing"
    [ -z "$missing" ]
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port_free() { python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }

# The ACL Wine keeps for a file it set one on (SetSecurityInfo stores the security descriptor in
# the xattr user.wine.sd): "protected" when inheritance is cut, then each allow/deny entry's SID.
# Prints "none" when Wine has no stored descriptor (it then derives one from the Unix mode).
acl_of() {
    python3 - "$1" <<'EOF'
import os, struct, sys
try:
    raw = os.getxattr(sys.argv[1], "user.wine.sd")
except OSError:
    print("none"); sys.exit()
sd = raw[2:]  # revision and resource-manager bits, then Wine's security_descriptor
control, owner_len, group_len, sacl_len, dacl_len = struct.unpack_from("<5I", sd, 0)
def sid(b, o):
    rev, n = b[o], b[o + 1]
    auth = int.from_bytes(b[o + 2:o + 8], "big")
    subs = struct.unpack_from("<%dI" % n, b, o + 8)
    return "S-%d-%d" % (rev, auth) + "".join("-%d" % s for s in subs)
names = {"S-1-5-18": "SYSTEM", "S-1-5-32-544": "Administrators", "S-1-1-0": "Everyone", "S-1-5-32-545": "Users",
         "S-1-5-11": "Authenticated Users", "S-1-3-0": "CREATOR OWNER"}
off = 20
owner = sid(sd, off) if owner_len else "-"
off += owner_len + group_len + sacl_len
out = ["owner=" + names.get(owner, owner)]
if control & 0x1000:
    out.append("protected")
if dacl_len:
    count = struct.unpack_from("<H", sd, off + 4)[0]
    p = off + 8
    for _ in range(count):
        kind, flags, size, mask = struct.unpack_from("<BBHI", sd, p)
        s = sid(sd, p + 8)
        out.append("%s:%s:0x%x" % ("allow" if kind == 0 else "deny" if kind == 1 else "type%d" % kind,
                                   "owner" if s == owner else names.get(s, s), mask))
        p += size
print(" ".join(out))
EOF
}

echo "== NSIS: $(basename "$nsis") ($(du -h "$nsis" | cut -f1)), silent install (/S) in a new Wine prefix"
new_prefix
for p in 8080 9090; do port_free $p || note "127.0.0.1:$p is in use here: the service the installer starts cannot listen"; done
win "$nsis" /S >/dev/null
check "keel.exe and keel-manager.exe in Program Files\\Keel\\bin" '[ -f "$inst/bin/keel.exe" ] && [ -f "$inst/bin/keel-manager.exe" ]'
check "Qt, OpenSSL and MinGW runtime DLLs beside them" '[ -f "$inst/bin/Qt6Core.dll" ] && [ -f "$inst/bin/Qt6Widgets.dll" ] && [ -f "$inst/bin/libssl-3-x64.dll" ] && [ -f "$inst/bin/libstdc++-6.dll" ]'
check "Qt plugins (windows platform, SQLite driver, TLS, style)" '[ -f "$inst/bin/platforms/qwindows.dll" ] && [ -f "$inst/bin/sqldrivers/qsqlite.dll" ] && [ -f "$inst/bin/tls/qschannelbackend.dll" ] && [ -f "$inst/bin/styles/qwindowsvistastyle.dll" ]'
check "Start menu entry for Keel Manager" '[ -f "$menu/Keel Manager.lnk" ]'
check "every DLL keel.exe, keel-manager.exe and the plugins import is in bin\\ or Windows' own" 'missing_imports "$inst/bin"'
check "uninstaller and its Add/Remove Programs entry" '[ -f "$inst/Uninstall.exe" ] && win reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Keel" | grep -q UninstallString'
check "keel.exe version runs from Program Files (no WINEPATH: the DLLs shipped suffice)" 'keel version | grep -q "[0-9]\.[0-9]"'
note "keel.exe version: $(keel version | head -1)"
check "data directory ProgramData\\Keel created" '[ -d "$data" ]'
check "config.yaml written there by keel config init, data paths in ProgramData\\Keel" 'grep -q "ProgramData.Keel.db.sqlite" "$data/config.yaml"'
check "the written config passes keel configtest" 'keel configtest -c "C:\\ProgramData\\Keel\\config.yaml" >/dev/null'
note "data directory ACL: the installer sets it with icacls, a stub in Wine 8 (\"dummy icacls, not performing ACL manipulations\"): not verifiable here; Wine shows: $(acl_of "$data")"

echo "== the service the installer offered (silent install: yes)"
state="$(keel service status | tail -1)"
note "keel service status: $state"
check "service Keel registered: keel.exe service run -c C:\\ProgramData\\Keel\\config.yaml" 'win reg query "HKLM\\System\\CurrentControlSet\\Services\\Keel" | grep -qi "ImagePath.*keel.exe.* service run -c C:.ProgramData.Keel.config.yaml"'
for i in $(seq 1 40); do curl -fsS http://127.0.0.1:8080/health >/dev/null 2>&1 && break; sleep 0.5; done
check "the service answers GET /health on 127.0.0.1:8080" 'curl -fsS http://127.0.0.1:8080/health | grep -q pass'
check "it created its database and Noise key in ProgramData\\Keel" '[ -s "$data/db.sqlite" ] && [ -s "$data/noise_private.key" ]'
note "Noise key's ACL: Wine stored $(acl_of "$data/noise_private.key") (it keeps no ACL here: it derives one from the Unix mode, $(stat -c %a "$data/noise_private.key" 2>/dev/null)); the owner-only ACL is checked by test_platform's own calls, not here"
check "keel service stop" 'keel service stop >/dev/null && sleep 2 && ! curl -fsS http://127.0.0.1:8080/health >/dev/null 2>&1'
cp "$data"/keel.log "$drive_c"/users/Public/Keel/keel.log "$logs/" 2>/dev/null

echo "== keel.exe serve from a console, on another loopback port, with the installed config"
port="$(free_port)"
(cd "$drive_c" && exec env KEEL_LISTEN_ADDR="127.0.0.1:$port" KEEL_SERVER_URL="http://127.0.0.1:$port" KEEL_METRICS_LISTEN_ADDR="" \
    wine 'C:\Program Files\Keel\bin\keel.exe' serve -c 'C:\ProgramData\Keel\config.yaml' >"$logs/serve.log" 2>&1) &
serve_pid=$!
for i in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
check "keel.exe serve answers /health and /key on 127.0.0.1:$port" 'curl -fsS "http://127.0.0.1:$port/health" | grep -q pass && curl -fsS "http://127.0.0.1:$port/key?v=88" | grep -q mkey:'
check "the CLI reaches it over the admin named pipe (keel users create/list)" 'keel users create wine-user -c "C:\\ProgramData\\Keel\\config.yaml" >/dev/null && keel users list -c "C:\\ProgramData\\Keel\\config.yaml" | grep -q wine-user'
kill -INT "$serve_pid" 2>/dev/null
for i in $(seq 1 40); do kill -0 "$serve_pid" 2>/dev/null || break; sleep 0.5; done
check "Ctrl+C stops it" '! kill -0 "$serve_pid" 2>/dev/null'
kill -KILL "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; serve_pid=""

echo "== NSIS uninstall (Uninstall.exe /S)"
win "$inst/Uninstall.exe" /S >/dev/null
# The NSIS uninstaller copies itself to %TEMP% and runs from there: wait for the files to go.
for i in $(seq 1 60); do [ -e "$inst/bin/keel.exe" ] || break; sleep 1; done
sleep 2
left="$(files_left "$inst")"
[ -n "$left" ] && echo "     left in Program Files\\Keel: $left"
check "Program Files\\Keel removed" '[ ! -e "$inst" ]'
check "Start menu entry removed" '[ ! -e "$menu" ]'
check "Add/Remove Programs entry removed" '! win reg query "HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Keel" | grep -q UninstallString'
check "service Keel removed" '! win reg query "HKLM\\System\\CurrentControlSet\\Services\\Keel" | grep -qi ImagePath'
check "data directory kept (config, database, keys)" '[ -f "$data/config.yaml" ] && [ -f "$data/db.sqlite" ]'

echo "== MSI: $(basename "$msi") ($(du -h "$msi" | cut -f1)), msiexec /i /qn in a new Wine prefix"
new_prefix
timeout 300 wine msiexec /i "$(printf 'Z:%s' "$(echo "$msi" | tr / '\\')")" /qn >/dev/null 2>&1
check "keel.exe and keel-manager.exe in Program Files\\Keel\\bin" '[ -f "$inst/bin/keel.exe" ] && [ -f "$inst/bin/keel-manager.exe" ]'
check "Qt plugins and DLLs (same tree as the NSIS installer)" '[ -f "$inst/bin/platforms/qwindows.dll" ] && [ -f "$inst/bin/Qt6Core.dll" ]'
# (the MSI has ALLUSERS=1; Wine's msiexec still puts the shortcut in the user's Start menu)
usermenu="$drive_c/users/$(id -un)/AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Keel"
check "Start menu entry for Keel Manager" '[ -f "$menu/Keel Manager.lnk" ] || [ -f "$usermenu/Keel Manager.lnk" ]'
[ -f "$usermenu/Keel Manager.lnk" ] && note "the shortcut is in the user's Start menu, not the all-users one (ALLUSERS=1 is in the MSI: Wine's msiexec)"
check "keel.exe version runs from Program Files" 'keel version | grep -q "[0-9]\.[0-9]"'
check "no service and no data directory (wixl has no custom actions: docs/install-windows.md)" '! win reg query "HKLM\\System\\CurrentControlSet\\Services\\Keel" | grep -qi ImagePath && [ ! -e "$data" ]'
timeout 300 wine msiexec /x "$(printf 'Z:%s' "$(echo "$msi" | tr / '\\')")" /qn >/dev/null 2>&1
left="$(files_left "$inst")"
[ -n "$left" ] && echo "     left in Program Files\\Keel: $left"
check "msiexec /x removes every file in Program Files\\Keel" '[ -z "$left" ]'
[ -d "$inst" ] && note "empty folders left: $(cd "$inst" && find . -mindepth 1 -type d | tr '\n' ' ') (Wine's msiexec)"
check "and the Start menu entry" '[ ! -e "$menu/Keel Manager.lnk" ] && [ ! -e "$usermenu/Keel Manager.lnk" ]'
exit $fail
