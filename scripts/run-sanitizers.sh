#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (preset `asan`, build-asan/).
# Separate from `make test` because a sanitizer build of everything costs about as much again as
# the normal build on a 2-core machine; CI runs it as its own job (or nightly).
#
#   scripts/run-sanitizers.sh                 # build everything, run the whole suite
#   scripts/run-sanitizers.sh -R 'http|control'   # extra arguments go to ctest (a subset)
#
# Any ASan report or UBSan finding fails the test that caused it. Leak checking is off: Qt keeps
# process-lifetime singletons that LeakSanitizer reports at exit; the abuse tests bound memory
# themselves.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

build=${BUILD:-build-asan}
if [ ! -f "$build/build.ninja" ]; then
    cmake --preset asan -B "$build"
fi
cmake --build "$build" -j "$(nproc)"

eval "$(scripts/test-postgres.sh start)"
export KEEL_TEST_PG_REQUIRED=1
trap 'scripts/test-postgres.sh stop >/dev/null 2>&1 || true' EXIT

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

cd "$build"
# Sanitized code runs 2-5x slower: longer timeouts, same parallelism as `make test`.
ctest --output-on-failure -j 2 --timeout 1800 "$@"
