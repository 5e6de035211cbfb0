#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: installs packages, configures and builds with
# warnings as errors, starts a private PostgreSQL cluster on loopback for the storage tests, and
# runs ctest. Exits non-zero when anything fails. This is `make test` and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test

build=${BUILD:-build-ci}
if [ ! -f "$build/build.ninja" ]; then
    cmake --preset ci -B "$build"
fi
cmake --build "$build" -j "$(nproc)"

# The storage suites run on SQLite and on a real PostgreSQL server; here they must not skip it.
eval "$(scripts/test-postgres.sh start)"
export KEEL_TEST_PG_REQUIRED=1
trap 'scripts/test-postgres.sh stop >/dev/null 2>&1 || true' EXIT

cd "$build"
ctest --output-on-failure -j 2 --timeout 600
