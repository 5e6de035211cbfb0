#!/usr/bin/env bash
# Cross-builds Keel for Windows against the prefix of build-prefix.sh, runs its test suite under
# Wine, and makes the installers.
#
#   scripts/windows/build-keel.sh [configure] [build] [smoke] [test] [package] [screenshot] [-- ctest args]
#
# Without arguments: all six, in order. The build tree is ${KEEL_WIN_BUILD:-build-win} in the
# checkout; the Wine prefix and the results live in ${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}.
#   configure  Keel Manager only when the prefix has Qt Widgets (KEEL_WIN_GUI=ON/OFF overrides), so
#              `keel` and the console suites build as soon as build-prefix.sh's non-GUI stages are
#              done; run configure again once the GUI stages are (objects already built stay).
#   build      `keel` first, then everything (KEEL_WIN_TARGETS="a b" for just those); ccache as the
#              compiler launcher, lld as the linker (much faster than ld.bfd on PE; KEEL_WIN_LD=bfd).
#   test       ctest under Wine (console tests; GUI tests on the minimal platform), with
#              a per-suite summary in <build>/wine-results.txt; arguments after `--` go to ctest
#   smoke      keel.exe under Wine: --help, serve on loopback, /health and /key with curl, the CLI
#              over the admin named pipe, Ctrl+C
#   package    cpack -G "NSIS;ZIP" (keel-<v>-win64.exe, .zip) and the MSI (make-msi.sh, wixl)
#   screenshot Keel Manager under Wine on Xvfb, into docs/images/keel-manager-wine.png
# KEEL_WIN_OPT sets the optimisation (default -O2 in a new tree; -O1 compiles faster for a test
# build); a reconfigure without it keeps the tree's level.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}"
prefix="$cache/prefix"
build="${KEEL_WIN_BUILD:-$root/build-win}"
jobs="${KEEL_WIN_JOBS:-$(nproc)}"
shared="${KEEL_SHARED_DIR:-}"

log() { printf '%s [build-keel] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { log "error: $*"; exit 1; }

[ -d "$prefix/lib/cmake/Qt6" ] || die "no Qt in $prefix: run scripts/windows/build-prefix.sh first"

# Wine: a private prefix, no debug chatter, and the DLL directories on its PATH so the test
# executables find Qt, OpenSSL... and the MinGW runtime without copying them.
winpath() { printf 'Z:%s' "$(echo "$1" | tr / '\\')"; }
setup_wine() {
    export WINEPREFIX="$cache/wine"
    export WINEDEBUG=-all
    export WINEDLLOVERRIDES="mscoree,mshtml=" # no Mono/Gecko install dialogs
    local gccdir
    gccdir="$(ls -d /usr/lib/gcc/x86_64-w64-mingw32/*-posix | head -1)"
    export WINEPATH="$(winpath "$prefix/bin");$(winpath "$gccdir");$(winpath /usr/x86_64-w64-mingw32/lib)"
    export QT_PLUGIN_PATH="$(winpath "$prefix/plugins")"
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        log "creating the Wine prefix $WINEPREFIX"
        wineboot --init >/dev/null 2>&1 || true
        wineserver -w || true
    fi
}

do_configure() {
    local gui="${KEEL_WIN_GUI:-}" ld="${KEEL_WIN_LD:-lld}"
    if [ -z "$gui" ]; then
        gui=OFF
        [ -f "$prefix/lib/cmake/Qt6Widgets/Qt6WidgetsConfig.cmake" ] && [ -d "$prefix/lib/cmake/Qt6Charts" ] \
            && [ -d "$prefix/lib/cmake/Qt6Keychain" ] && gui=ON
    fi
    command -v "ld.$ld" >/dev/null || ld=bfd
    # The optimisation level is set when the tree is first configured or KEEL_WIN_OPT is given: a
    # reconfigure (say, for Keel Manager once the GUI stages are built) keeps the tree's own, so
    # it does not recompile everything at another level.
    local opt=()
    if [ -n "${KEEL_WIN_OPT:-}" ] || [ ! -f "$build/CMakeCache.txt" ]; then
        opt=(-DCMAKE_CXX_FLAGS_RELEASE="${KEEL_WIN_OPT:--O2} -DNDEBUG")
    fi
    # The same for the shared/ directory (test data): KEEL_SHARED_DIR, else the tree's, else ../shared.
    local shared_arg=()
    if [ -n "$shared" ] || [ ! -f "$build/CMakeCache.txt" ]; then
        shared_arg=(-DKEEL_SHARED_DIR="${shared:-$root/../shared}")
    fi
    log "Keel Manager: $gui; linker: $ld"
    cmake -G Ninja -S "$root" -B "$build" \
        -DCMAKE_TOOLCHAIN_FILE="$here/mingw-w64-x86_64.cmake" -DKEEL_WIN_PREFIX="$prefix" \
        -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release "${opt[@]}" \
        -DCMAKE_EXE_LINKER_FLAGS="-fuse-ld=$ld" -DCMAKE_SHARED_LINKER_FLAGS="-fuse-ld=$ld" \
        -DQT_HOST_PATH=/usr -DQT_HOST_PATH_CMAKE_DIR=/usr/lib/x86_64-linux-gnu/cmake \
        "${shared_arg[@]}" -DKEEL_BUILD_BENCH=OFF -DKEEL_WERROR=ON -DKEEL_BUILD_GUI="$gui" \
        -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON
    # (installing and cpack then take what is built, and do not first build every test)
}

do_build() {
    if [ -n "${KEEL_WIN_TARGETS:-}" ]; then
        # shellcheck disable=SC2086
        cmake --build "$build" -j"$jobs" --target $KEEL_WIN_TARGETS
        return
    fi
    cmake --build "$build" -j"$jobs" --target keel
    cmake --build "$build" -j"$jobs"
}

do_test() {
    setup_wine
    local out="$build/wine-ctest.log"
    log "ctest under Wine (log: $out)"
    # Wine cannot emulate everything (see docs/install-windows.md); the run goes on past failures.
    # Each test's own environment (cmake/KeelTesting.cmake) picks the Qt platform and temp dir.
    (cd "$build" && ctest -j"$jobs" --timeout 300 --output-on-failure "${ctest_args[@]}" >"$out" 2>&1) || true
    grep -E '^ *[0-9]+/[0-9]+ Test +#' "$out" | sed -E 's/^ *[0-9]+\/[0-9]+ Test +#[0-9]+: //' >"$build/wine-results.txt" || true
    grep -E 'tests passed|tests failed' "$out" | tee -a "$build/wine-results.txt"
}

# keel.exe itself under Wine: --help, a server on loopback (HTTP from Linux with curl), the CLI
# over the admin named pipe, Ctrl+C (Wine turns SIGINT into the console's Ctrl+C event). Each check
# prints ok/FAIL; the server's log is <build>/wine-smoke/serve.log.
do_smoke() {
    setup_wine
    local exe="$build/daemon/keel.exe" dir port fail=0 pid i
    dir="$build/wine-smoke"
    rm -rf "$dir" && mkdir -p "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fail=1; fi; }
    printf '%s\n' "server_url: http://127.0.0.1:$port" "listen_addr: 127.0.0.1:$port" \
        "metrics_listen_addr: 127.0.0.1:0" "noise:" "  private_key_path: noise_private.key" \
        "prefixes:" "  v4: 100.64.0.0/10" "  v6: fd7a:115c:a1e0::/48" \
        "database:" "  type: sqlite" "  sqlite:" "    path: db.sqlite" "unix_socket: keel.sock" \
        "derp:" "  urls: []" "dns:" "  magic_dns: true" "  base_domain: tailnet.test" \
        "  nameservers:" "    global: [1.1.1.1]" >"$dir/config.yaml"
    check "keel.exe --help lists serve" 'wine "$exe" --help 2>&1 | tr -d "\r" | grep -q "^ *serve"'
    check "keel.exe version" 'wine "$exe" version 2>&1 | grep -q "[0-9]\.[0-9]"'
    check "keel.exe configtest accepts the config" 'wine "$exe" configtest -c "$dir/config.yaml" >"$dir/configtest.log" 2>&1'
    (cd "$dir" && exec wine "$exe" serve -c "$dir/config.yaml" >"$dir/serve.log" 2>&1) &
    pid=$!
    for i in $(seq 1 120); do
        curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
        sleep 0.5
    done
    check "GET /health from Linux" 'curl -fsS "http://127.0.0.1:$port/health" | grep -q pass'
    check "GET /key (the Noise public key)" 'curl -fsS "http://127.0.0.1:$port/key?v=88" | grep -q "mkey:"'
    check "admin named pipe: keel users create" 'wine "$exe" users create smoke-user -c "$dir/config.yaml" >"$dir/cli.log" 2>&1'
    check "admin named pipe: keel users list shows it" 'wine "$exe" users list -c "$dir/config.yaml" 2>&1 | grep -q smoke-user'
    check "admin named pipe: keel nodes list" 'wine "$exe" nodes list -c "$dir/config.yaml" >>"$dir/cli.log" 2>&1'
    check "database and Noise key created" '[ -s "$dir/db.sqlite" ] && [ -s "$dir/noise_private.key" ]'
    kill -INT "$pid" 2>/dev/null || true
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    check "Ctrl+C (SIGINT under Wine) stops the server" '! kill -0 "$pid" 2>/dev/null'
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "--- serve.log (last lines)"
    tr -d '\r' <"$dir/serve.log" | tail -8
    return $fail
}

do_package() {
    (cd "$build" && cpack -G "NSIS;ZIP")
    "$here/make-msi.sh" "$build"
    ls -la "$build"/keel-*-win64.* 2>/dev/null
}

do_screenshot() {
    # Keel Manager in a Wine desktop on a private Xvfb, populated (see screenshot-wine.sh).
    "$here/screenshot-wine.sh" "$build" "$root/docs/images/keel-manager-wine.png"
}

steps=()
ctest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --) shift; ctest_args=("$@"); break ;;
        *) steps+=("$1"); shift ;;
    esac
done
[ ${#steps[@]} -gt 0 ] || steps=(configure build smoke test package screenshot)
for s in "${steps[@]}"; do
    declare -F "do_$s" >/dev/null || die "unknown step '$s' (configure build smoke test package screenshot)"
    start=$(date +%s)
    log "$s"
    "do_$s"
    log "$s: done in $(( $(date +%s) - start ))s"
done
