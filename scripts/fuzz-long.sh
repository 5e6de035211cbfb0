#!/usr/bin/env bash
# The long fuzz runs of issue 16: every libFuzzer target (build-fuzz, `cmake --preset fuzz`) for
# RUNS executions or SECS seconds, whichever comes first (default 10,000,000 / 1,800), at the
# lowest priority (nice 19, in its own session whose autogroup is set to nice 19, so it takes only
# CPU that nobody else wants). Each target starts from its kept seeds (fuzz/<area>/seeds) in a work
# corpus under OUT; what it finds goes to OUT/<target>/ (crash-*, timeout-*, oom-*).
#
#   scripts/fuzz-long.sh [target ...]        # default: every target in build-fuzz/fuzz/*/
#   BUILD=build-fuzz OUT=/tmp/keel-fuzz RUNS=10000000 SECS=1800 JOBS=1 scripts/fuzz-long.sh
#   LEAKS=1 scripts/fuzz-long.sh fuzz_stun   # also LeakSanitizer after each input that leaked
#
# Prints one line per target and writes OUT/summary.tsv: target, executions, seconds, exec/s,
# coverage (libFuzzer's cov: edges and ft: features at the end), corpus size, crashes, exit status.
# NICE (default 19) is the priority of the fuzzers and of their autogroup: 19 takes only idle CPU,
# so on a busy machine a 30-minute run may get little; NICE=0 takes a fair share (one core per job).
# Exits non-zero when any target found a crash. A crashing input belongs in the target's seeds/
# once fixed (the replay test then keeps it fixed).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build-fuzz}
out=${OUT:-/tmp/keel-fuzz-long}
runs=${RUNS:-10000000}
secs=${SECS:-1800}
jobs=${JOBS:-1}
mkdir -p "$out"

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(find "$build/fuzz" -mindepth 2 -maxdepth 2 -type f -name 'fuzz_*' -perm -u+x -printf '%f\n' | sort)
fi
[ "${#targets[@]}" -gt 0 ] || { echo "fuzz-long: no targets in $build/fuzz (cmake --preset fuzz && cmake --build build-fuzz)" >&2; exit 2; }

run_one() {
    local t=$1 bin area dir start end rc execs cov ft corpus crashes
    bin=$(find "$build/fuzz" -mindepth 2 -maxdepth 2 -type f -name "$t" | head -1)
    [ -x "$bin" ] || { echo "$t: not built" >&2; return 2; }
    area=$(basename "$(dirname "$bin")")
    dir="$out/$t"
    mkdir -p "$dir/corpus"
    [ -d "$root/fuzz/$area/seeds" ] && cp -n "$root/fuzz/$area/seeds/"* "$dir/corpus/" 2>/dev/null
    start=$(date +%s)
    # Qt's own messages would fill the log at millions of inputs; libFuzzer's go to stderr.
    QT_LOGGING_RULES='*=false' QT_QPA_PLATFORM=offscreen LC_ALL=C.UTF-8 \
    ASAN_OPTIONS=detect_leaks=${LEAKS:-0}:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        nice -n "${NICE:-19}" "$bin" -runs="$runs" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 \
        -print_final_stats=1 -close_fd_mask=1 -artifact_prefix="$dir/" "$dir/corpus" > "$dir/log" 2>&1
    rc=$?
    end=$(date +%s)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
    ft=$(grep -o 'ft: [0-9]*' "$dir/log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "$dir/corpus" -type f | wc -l)
    crashes=$(find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
    local secs_used=$((end - start)) rate=0
    [ "$secs_used" -gt 0 ] && [ -n "$execs" ] && rate=$((execs / secs_used))
    printf '%s\t%s\t%s\t%s\tcov=%s ft=%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "$secs_used" "$rate" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes" "$rc" | tee -a "$out/summary.tsv"
    [ "$crashes" = 0 ]
}

# The fuzzers run in a session of their own, and that session's autogroup gets nice 19 too: with
# autogroups the kernel shares the CPU between sessions first, so a process nice alone would still
# take a full share from the builds next to it.
if [ -z "${KEEL_FUZZ_LONG_INNER:-}" ]; then
    export KEEL_FUZZ_LONG_INNER=1 BUILD="$build" OUT="$out" RUNS="$runs" SECS="$secs" JOBS="$jobs" NICE="${NICE:-19}"
    exec setsid -w bash -c 'echo "$NICE" > /proc/$$/autogroup 2>/dev/null; exec "$0" "$@"' "$0" "${targets[@]}"
fi

printf 'target\texecutions\tseconds\texec/s\tcoverage\tcorpus\tcrashes\texit\n' >> "$out/summary.tsv"
failed=0
running=0
for t in "${targets[@]}"; do
    run_one "$t" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait -n || failed=1
        running=$((running - 1))
    fi
done
while [ "$running" -gt 0 ]; do
    wait -n || failed=1
    running=$((running - 1))
done
exit $failed
