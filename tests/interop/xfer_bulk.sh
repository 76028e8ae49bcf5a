#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop, bulk transfers: `tether connect` against socat listeners over
# a TAP device, inside a network namespace this script creates (only
# 192.0.2.0/24; nothing leaves it). Each way (Linux -> tether, tether ->
# Linux): 256 MiB on a clean link, then 64 MiB with nftables dropping 1 % and
# then 5 % of the Linux side's outgoing packets (data one way, ACKs the
# other). Every run is compared by SHA-256 and its throughput printed.
# With TT_XFER_MODE=sendloss (xfer_sendloss.sh), instead: 64 MiB tether ->
# Linux with 1 % and 5 % of the Linux side's *incoming* packets dropped, i.e.
# tether's own data lost, which exercises tether's loss recovery; each run has
# TT_XFER_LIMIT seconds (120), and a run over the limit is a failure: a
# regression in loss recovery must turn the suite red, never skip.
# The TAP gets gso_max_segs 1 so that Linux hands nftables wire-sized packets:
# otherwise the output hook sees 64 KiB GSO bursts and "1 %" drops whole bursts.
# TT_XFER_CLEAN_MIB and TT_XFER_LOSSY_MIB override the sizes (manual runs only).
# Needs root, /dev/net/tun, ip, ss, nft, socat, sha256sum; exits 77 without.
# Usage: xfer_bulk.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip ss nft socat sha256sum timeout bc
CLEAN=${TT_XFER_CLEAN_MIB:-256}
LOSSY=${TT_XFER_LOSSY_MIB:-64}
MODE=${TT_XFER_MODE:-bulk}
LIMIT=${TT_XFER_LIMIT:-300}
[ "$MODE" = sendloss ] && LIMIT=${TT_XFER_LIMIT:-120} && CLEAN=$LOSSY

tt_interop_setup xfer
tap="txb$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24
NS ip link set dev "$tap" gso_max_segs 1 || skip "ip cannot set gso_max_segs"

head -c "$((CLEAN << 20))" /dev/urandom >"$dir/data" || { echo "FAIL: no test data"; exit 1; }
head -c "$((LOSSY << 20))" "$dir/data" >"$dir/data.lossy"
sum_clean=$(sha256sum <"$dir/data" | cut -d' ' -f1)
sum_lossy=$(sha256sum <"$dir/data.lossy" | cut -d' ' -f1)
fail=0
port=6000

# loss HOOK PCT: replace the rule that drops PCT % of what Linux sends on the
# TAP (HOOK output) or of what it receives from it (HOOK input: tether's own
# packets are lost, so that tether's loss recovery is exercised as well).
loss() {
    NS nft delete table inet tt_loss 2>/dev/null
    [ "$2" -eq 0 ] && return
    local dev=oifname
    [ "$1" = input ] && dev=iifname
    NS nft -f - <<EOF
table inet tt_loss {
    chain c {
        type filter hook $1 priority 0;
        $dev "$tap" numgen random mod 100 < $2 counter drop;
    }
}
EOF
}
dropped() { NS nft list table inet tt_loss 2>/dev/null | sed -n 's/.*counter packets \([0-9]*\).*/\1/p'; }

# run DIRECTION FILE SUM MIB LABEL: one transfer, checked and timed.
run() {
    local dir_=$1 file=$2 want=$3 mib=$4 label=$5 got rc s e secs rate
    port=$((port + 1))
    if [ "$dir_" = in ]; then # Linux -> tether
        ip netns exec "$ns" timeout 300 socat -u "FILE:$file" \
            "TCP-LISTEN:$port,bind=192.0.2.1,reuseaddr" 2>"$dir/socat.err" &
    else
        ip netns exec "$ns" timeout 300 socat -u "TCP-LISTEN:$port,bind=192.0.2.1,reuseaddr" - \
            2>"$dir/socat.err" | sha256sum | cut -d' ' -f1 >"$dir/sum.linux" &
    fi
    tt_interop_until tt_interop_listening "$port"
    s=$(date +%s.%N)
    if [ "$dir_" = in ]; then
        ip netns exec "$ns" timeout "$LIMIT" "$TETHER" connect "192.0.2.1:$port" --tap "$tap" \
            --addr 192.0.2.2/24 --verbose </dev/null 2>"$dir/tether.err" |
            sha256sum | cut -d' ' -f1 >"$dir/sum.tether"
        rc=${PIPESTATUS[0]}
    else
        ip netns exec "$ns" timeout "$LIMIT" "$TETHER" connect "192.0.2.1:$port" --tap "$tap" \
            --addr 192.0.2.2/24 --verbose <"$file" >/dev/null 2>"$dir/tether.err"
        rc=$?
    fi
    e=$(date +%s.%N)
    # tether gave up or was stopped: socat would wait on
    [ "$rc" -ne 0 ] && tt_interop_signal TERM socat
    wait
    if [ "$dir_" = in ]; then got=$(cat "$dir/sum.tether"); else got=$(cat "$dir/sum.linux"); fi
    secs=$(echo "$e - $s" | bc)
    rate=$(echo "scale=1; $mib / $secs" | bc)
    local what="$label, $( [ "$dir_" = in ] && echo "Linux -> tether" || echo "tether -> Linux")"
    local line
    line=$(printf '%-44s %4d MiB in %7.2f s = %6.1f MiB/s; %s packets dropped, %s' "$what" \
        "$mib" "$secs" "$rate" "$(dropped | grep . || echo 0)" \
        "$(grep -o '[0-9]* retransmitted segments' "$dir/tether.err" | sed 's/ segments/ by tether/')")
    echo "$line"
    grep "retransmissions:" "$dir/tether.err" | sed 's/^tether connect: /    /'
    if [ "$rc" -eq 124 ]; then
        echo "FAIL: $what: not done in ${LIMIT}s (tether connect stopped by timeout)"
        cat "$dir/tether.err" "$dir/socat.err"
        fail=1
    elif [ "$rc" -ne 0 ] || [ "$got" != "$want" ]; then
        echo "FAIL: $what: tether connect exited $rc; SHA-256 $got, want $want"
        cat "$dir/tether.err" "$dir/socat.err"
        fail=1
    fi
}

if [ "$MODE" = sendloss ]; then
    for pct in 1 5; do
        loss input $pct
        run out "$dir/data.lossy" "$sum_lossy" "$LOSSY" "$pct % Linux in (tether's data)"
    done
    n=2
else
    loss output 0
    run in "$dir/data" "$sum_clean" "$CLEAN" "clean"
    run out "$dir/data" "$sum_clean" "$CLEAN" "clean"
    for pct in 1 5; do
        loss output $pct
        run in "$dir/data.lossy" "$sum_lossy" "$LOSSY" "$pct % Linux out (data)"
        loss output $pct # a fresh counter for the other direction
        run out "$dir/data.lossy" "$sum_lossy" "$LOSSY" "$pct % Linux out (ACKs)"
    done
    n=6
fi
loss output 0

secs=$(tt_interop_secs)
[ "$fail" -eq 0 ] && echo "PASS: xfer_$MODE ($n transfers, SHA-256 equal; ${secs}s in all)"
exit "$fail"
