#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: installs packages, configures and builds with
# warnings as errors and with AddressSanitizer, UndefinedBehaviorSanitizer and LeakSanitizer (the ci
# preset, build-ci/; cmake/KeelSanitizers.cmake gives every test the sanitizer options; with
# KEEL_SANITIZE=0 the unsanitized fast preset, build-fast/), starts a private PostgreSQL cluster on
# loopback for the storage tests, and
# runs ctest. Exits non-zero when anything fails. This is `make test` and what CI runs.
#
# It leaves the machine as it found it: the PostgreSQL cluster lives in a fresh directory under
# $TMPDIR and is stopped and deleted on exit (also on failure or Ctrl-C); every test keeps its files
# under <build>/test-tmp. Set KEEL_TEST_PG_DIR to keep (and reuse) a cluster of your own: it is then
# only stopped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

scripts/setup.sh --test

# The ci preset (warnings as errors, sanitized) in build-ci/; KEEL_SANITIZE=0 takes the fast preset
# in build-fast/ instead (no sanitizers: quicker, checks less). A tree configured otherwise is
# reconfigured.
preset=ci
sanitize=ON
if [ "${KEEL_SANITIZE:-1}" = 0 ]; then
    preset=fast
    sanitize=OFF
fi
build=${BUILD:-build-$preset}
case "$build" in /*) ;; *) build="$root/$build" ;; esac
if [ ! -f "$build/build.ninja" ] || ! grep -q '^KEEL_WERROR:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null \
    || ! grep -q "^KEEL_SANITIZE:BOOL=$sanitize" "$build/CMakeCache.txt" 2>/dev/null; then
    cmake --preset "$preset" -B "$build"
fi
cmake --build "$build" -j "$(nproc)"

# The storage suites run on SQLite and on a real PostgreSQL server; here they must not skip it.
pg_mode=stop
if [ -z "${KEEL_TEST_PG_DIR:-}" ]; then
    KEEL_TEST_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/keel-test-pg.XXXXXX")
    export KEEL_TEST_PG_DIR
    pg_mode=purge
fi
stop_postgres() {
    local status=$?
    # An absolute path: ctest runs in the build directory. A failure to stop is reported, and
    # turns a passing run into a failing one: a cluster left running is a defect of this script.
    if ! "$root/scripts/test-postgres.sh" "$pg_mode" >/dev/null; then
        echo "run-tests: could not $pg_mode the test PostgreSQL cluster in $KEEL_TEST_PG_DIR" >&2
        [ "$status" != 0 ] || status=1
    fi
    exit "$status"
}
trap stop_postgres EXIT
trap 'exit 130' INT TERM
eval "$(scripts/test-postgres.sh start)"
export KEEL_TEST_PG_REQUIRED=1

cd "$build"
ctest --output-on-failure -j 2 --timeout 600
