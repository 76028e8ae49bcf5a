#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Smoke test of bench_recovery (ctest bench_recovery_smoke): a few short cells
# run, every line is JSON with the fields the README table reads, the data
# arrived intact, and a second run with the same seed prints the same figures
# (the virtual clock is deterministic). No performance target is asserted.
# Usage: smoke_recovery.sh /path/to/bench_recovery
set -u
BENCH=${1:?usage: $0 /path/to/bench_recovery}
command -v jq >/dev/null 2>&1 || { echo "SKIP: jq is not installed"; exit 77; }
out=$(mktemp -d /tmp/tt_bench_smoke.XXXXXX)
trap 'rm -rf "$out"' EXIT
args=(--bytes 256K --limit 60 --only rtt20_reno_sack)
for i in 1 2; do
    "$BENCH" "${args[@]}" >"$out/run$i" || { echo "FAIL: bench_recovery exited $?"; exit 1; }
done
n=$(wc -l <"$out/run1")
[ "$n" -ge 8 ] || { echo "FAIL: $n lines, want at least 8"; cat "$out/run1"; exit 1; }
jq -e -s 'length > 0' "$out/run1" >/dev/null || { echo "FAIL: output is not JSON"; exit 1; }
# Every measured cell: the figures the tables use, present and of the right type.
bad=$(jq -r 'select(.summary != true and .status == null) |
    select((.goodput_frac|type) != "number" or (.completed|type) != "boolean" or
           (.rto|type) != "number" or (.spurious_segs|type) != "number" or
           .intact != true or (.pass|type) == "string") | .cell' "$out/run1")
[ -z "$bad" ] || { echo "FAIL: cells with missing figures or damaged data: $bad"; exit 1; }
jq -e -s 'map(select(.summary == true)) | length == 1' "$out/run1" >/dev/null ||
    { echo "FAIL: no summary line"; exit 1; }
if ! diff <(grep -v '"summary"' "$out/run1") <(grep -v '"summary"' "$out/run2") >/dev/null; then
    echo "FAIL: two runs with the same seed differ"
    exit 1
fi
echo "PASS: bench_recovery smoke ($n lines, replayed identically)"
