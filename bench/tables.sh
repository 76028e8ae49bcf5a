#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Markdown tables from the JSON lines of bench_recovery and linux_loss.sh (as
# in the README): bench/tables.sh < lines.jsonl. Needs jq.
set -eu
command -v jq >/dev/null || { echo "tables.sh: needs jq" >&2; exit 1; }
in=$(cat)
r3() { echo 'if . == null then "–" else (. * 1000 | round / 1000 | tostring) end'; }
# The loss grid: goodput (fraction of capacity) / retransmission efficiency.
if grep -q '"kind":"loss"' <<<"$in"; then
    echo "| cc | SACK | RTT | 0 % | 0.1 % | 1 % | 3 % | 5 % |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -rs "map(select(.kind == \"loss\")) | group_by([.cc, (.sack|not), .rtt_ms]) | .[] |
        \"| \(.[0].cc) | \(if .[0].sack then \"on\" else \"off\" end) | \(.[0].rtt_ms) ms | \" +
        (sort_by(.loss_pct) | map(
            if .status then .status
            else (.goodput_frac | $(r3)) + \" / \" + (.efficiency | $(r3)) +
                 (if .completed then \"\" else \" (unfinished)\" end) +
                 (if .pass == false then \" ✗\" elif .pass then \" ✓\" else \"\" end) end)
         | join(\" | \")) + \" |\"" <<<"$in"
    echo
    echo "| cell | goodput | efficiency | spurious / segments | RTOs | longest stall | Jain | targets |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -r "select(.kind != null and .kind != \"loss\") |
        if .status then \"| \(.cell) | \(.status) | | | | | | |\" else
        \"| \(.cell) | \(.goodput_frac | $(r3))\(if .completed then \"\" else \" (unfinished)\" end)\" +
        \" | \(.efficiency | $(r3)) | \(.spurious_segs) / \(.data_segs) | \(.rto) |\" +
        \" \(.stall_ms) ms | \(.jain | $(r3)) | \" +
        (if .pass == null then \"–\" elif .pass then \"✓ \" + .targets else \"✗ \" + .missed end) +
        \" |\" end" <<<"$in"
fi
if grep -q '"bench":"linux_loss"' <<<"$in"; then
    echo "| case | loss | tether case MiB/s | Linux → Linux MiB/s | ratio | retransmitted (tether case / Linux → Linux) | dropped (tether case / Linux → Linux) | target |"
    echo "|---|---|---|---|---|---|---|---|"
    jq -r 'select(.bench == "linux_loss") |
        "| \(.case) | \(.loss_pct) % | \(.mib_s)\(if .ok then "" else " (failed)" end) |" +
        " \(.linux_linux.mib_s) | \(.ratio) | \(.sender_retrans) (\(.sender)) / \(.linux_linux.sender_retrans) |" +
        " \(.drops) / \(.linux_linux.drops) | \(if .pass then "✓" else "✗" end) |"' <<<"$in"
fi
