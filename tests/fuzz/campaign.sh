#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# A long fuzzing campaign: each target of a fuzz build in turn, one process
# at the lowest priority (nice 19), for its share of the time, starting from
# the committed seeds and the campaign's own corpus; then one line per target
# (executions, coverage, crashes) in DIR/summary.txt. Crashes are kept as
# DIR/NAME-crash-*; copy each, once fixed, under tests/fuzz/regress/NAME/.
# Usage: campaign.sh BUILD_DIR OUT_DIR SECONDS_STATEFUL SECONDS_EACH_OTHER
set -u
build=${1:?usage: campaign.sh BUILD_DIR OUT_DIR SECONDS_STATEFUL SECONDS_OTHERS}
out=${2:?} long=${3:?} each=${4:?}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out/bin"
# Copies, so that rebuilding meanwhile does not pull the binary away.
cp "$build"/tests/fuzz_* "$out/bin/"
: >"$out/summary.txt"
for f in "$out"/bin/fuzz_*; do
    n=$(basename "$f")
    secs=$each
    [ "$n" = fuzz_tcp_conn ] && secs=$long
    mkdir -p "$out/$n"
    seeds=
    [ -d "$root/tests/fuzz/corpus/$n" ] && seeds=$root/tests/fuzz/corpus/$n
    [ "$n" = fuzz_drill_parse ] && seeds="$seeds $root/tests/conformance"
    dict=
    case $n in fuzz_wire_tcp | fuzz_stack_input | fuzz_tcp_conn) dict=-dict=$root/tests/fuzz/tcp_options.dict ;; esac
    maxlen=
    [ "$n" = fuzz_tcp_conn ] && maxlen=-max_len=2048
    nice -n 19 "$f" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 $dict $maxlen \
        -artifact_prefix="$out/$n-" "$out/$n" $seeds >"$out/$n.log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$n.log")
    cov=$(grep -o 'cov: [0-9]*' "$out/$n.log" | tail -1)
    crashes=$(ls "$out/$n"-crash-* "$out/$n"-leak-* "$out/$n"-timeout-* 2>/dev/null | wc -l)
    echo "$n seconds=$secs execs=${execs:-?} ${cov:-cov: ?} crashes=$crashes exit=$rc" >>"$out/summary.txt"
done
cat "$out/summary.txt"
