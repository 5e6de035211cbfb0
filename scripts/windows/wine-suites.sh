#!/usr/bin/env bash
# Runs cross-built test suites under Wine one at a time, each with the environment, working
# directory and timeout ctest would give it, and Qt Test's result written to a file (under Wine
# its console output does not reach ctest's log). Prints one line per suite and keeps the files.
#
#   scripts/windows/wine-suites.sh [-b BUILD_DIR] [suite...]   (default: every suite built)
#
# KEEL_WINE_TEST_ARGS: more arguments for Qt Test (say, one test function); WINEDEBUG is kept when
# set (default -all), its output goes to <suite>.stderr.
# Results: <build>/wine-results/<suite>.txt (Qt Test's plain-text log) and .stderr; the summary in
# <build>/wine-results/summary.txt. A suite's line: PASS/FAIL with Qt Test's totals, CRASH (no
# totals: the process died), TIMEOUT, or SKIP (registered as not-on-windows, with its reason).
# A test registered with its own arguments (the fuzz replays, policy_compat_corpus: not Qt Test)
# runs with them, its output in <suite>.txt, and passes or fails by its exit status (rc=N).
# Exit status 1 when any suite failed, crashed or timed out.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${KEEL_WIN_CACHE:-$HOME/.cache/keel-win}"
prefix="$cache/prefix"
build="$root/build-win"
if [ "${1:-}" = -b ]; then build="$(cd "$2" && pwd)"; shift 2; fi
out="$build/wine-results"
mkdir -p "$out"

winpath() { printf 'Z:%s' "$(echo "$1" | tr / '\\')"; }
export WINEPREFIX="${KEEL_WIN_WINEPREFIX:-$cache/wine}" WINEDEBUG="${WINEDEBUG:--all}" WINEDLLOVERRIDES="mscoree,mshtml="
gccdir="$(ls -d /usr/lib/gcc/x86_64-w64-mingw32/*-posix | head -1)"
export WINEPATH="$(winpath "$prefix/bin");$(winpath "$gccdir");$(winpath /usr/x86_64-w64-mingw32/lib)"
export QT_PLUGIN_PATH="$(winpath "$prefix/plugins")"
[ -f "$WINEPREFIX/system.reg" ] || { wineboot --init >/dev/null 2>&1 || true; wineserver -w || true; }

# name, exe-or-skip-reason, workdir, timeout, env (\x1f-separated), args (\x1f-separated, empty for
# a Qt Test suite), from ctest itself; fields separated by \x1e (not a tab: `read` would merge
# empty fields).
(cd "$build" && ctest --show-only=json-v1) | python3 -c '
import json, sys
for t in json.load(sys.stdin)["tests"]:
    props = {p["name"]: p["value"] for p in t.get("properties", [])}
    cmd = t.get("command") or []
    exe = next((c for c in cmd if c.endswith(".exe")), "")
    if not exe:
        if any("SKIP on Windows" in c for c in cmd):
            exe = "SKIP:" + " ".join(cmd).split("SKIP on Windows: ", 1)[1]
        else:
            continue  # not a suite (a CMake-script check such as test_testkit_not_in_keel)
    args = cmd[cmd.index(exe) + 1:] if exe in cmd else []
    print("\x1e".join([t["name"], exe, props.get("WORKING_DIRECTORY", ""), str(int(props.get("TIMEOUT", 300))),
                     "\x1f".join(props.get("ENVIRONMENT", [])), "\x1f".join(args)]))
' >"$out/tests.tsv"

want=("$@")
selected() {
    [ ${#want[@]} -eq 0 ] && return 0
    local w
    for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
    return 1
}

summary="$out/summary.txt"
: >"$summary"
bad=0
while IFS=$'\x1e' read -r name exe wd timeout envs args; do
    selected "$name" || continue
    if [[ "$exe" == SKIP:* ]]; then
        printf '%-28s SKIP    %s\n' "$name" "${exe#SKIP:}" | tee -a "$summary"
        continue
    fi
    if [ ! -f "$exe" ]; then
        [ ${#want[@]} -gt 0 ] && printf '%-28s NOTBUILT\n' "$name" | tee -a "$summary"
        continue
    fi
    env_args=()
    IFS=$'\x1f' read -r -a env_args <<<"$envs"
    txt="$out/$name.txt"
    rm -f "$txt"
    start=$(date +%s)
    rc=0
    if [ -n "$args" ]; then
        # Not Qt Test: the registered arguments, the exit status is the verdict.
        own_args=()
        IFS=$'\x1f' read -r -a own_args <<<"$args"
        (cd "${wd:-$(dirname "$exe")}" && env "${env_args[@]}" timeout -k 10 "$timeout" \
            wine "$exe" "${own_args[@]}" </dev/null >"$txt" 2>"$out/$name.stderr") || rc=$?
        totals="rc=$rc"
    else
        (cd "${wd:-$(dirname "$exe")}" && env "${env_args[@]}" timeout -k 10 "$timeout" \
            wine "$exe" -o "$(winpath "$txt"),txt" ${KEEL_WINE_TEST_ARGS:-} </dev/null >/dev/null 2>"$out/$name.stderr") || rc=$?
        totals="$(tr -d '\r' <"$txt" 2>/dev/null | grep -E '^Totals:' | tail -1 || true)"
    fi
    secs=$(( $(date +%s) - start ))
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        verdict=TIMEOUT
    elif [ -z "$totals" ]; then
        verdict=CRASH
    elif [ "$rc" = 0 ]; then
        verdict=PASS
    else
        verdict=FAIL
    fi
    [ "$verdict" = PASS ] || bad=1
    printf '%-28s %-7s %4ss  %s\n' "$name" "$verdict" "$secs" "${totals#Totals: }" | tee -a "$summary"
    if [ "$verdict" != PASS ]; then
        # The failing functions (or, for a crash, the last one that started) for the summary.
        tr -d '\r' <"$txt" 2>/dev/null | grep -E '^(FAIL!|XPASS)' | head -5 | sed 's/^/      /' | tee -a "$summary"
        [ "$verdict" = CRASH ] && tr -d '\r' <"$txt" 2>/dev/null | grep -E '^(PASS|SKIP|QWARN|QDEBUG)' | tail -1 \
            | sed 's/^/      last: /' | tee -a "$summary"
    fi
    # Stop whatever the suite left behind in this Wine prefix before the next one.
    wineserver -k 2>/dev/null || true
done <"$out/tests.tsv"
exit $bad
