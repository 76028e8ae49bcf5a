#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tether against Linux on a lossy link (issue 11), side by side in one run.
# For each loss rate (1, 3, 5 %): 32 MiB tether -> Linux and Linux -> tether
# over a TAP in a network namespace, and Linux -> Linux over a veth pair
# between two other namespaces, with nftables dropping that share of the
# data segments (IPv4 length > 100, numgen random) on the receiving side's
# input (tether -> Linux, Linux -> Linux) or on Linux's output to the TAP
# (Linux -> tether). Offloads are off (ethtool on the veth, gso_max_segs 1 on
# the TAP) so that one dropped packet is one segment. One JSON line per
# direction and loss rate: both goodputs (MiB/s of wall time; the tether case
# and "linux_linux"), their ratio,
# the sender's retransmitted segments (tether: its own counter from
# `tether connect --verbose`; Linux: RetransSegs of /proc/net/snmp in the
# sender's namespace, what nstat reads), and the nftables drop counters.
# Target (issue 11): tether's goodput >= Linux's at every loss rate.
# Only 192.0.2.0/24, only inside namespaces this script creates and removes.
# Needs root, /dev/net/tun, ip, nft, socat, ethtool, bc, sha256sum.
# Usage: bench/linux_loss.sh /path/to/tether [MIB [LOSS...]]   (defaults: 32, 1 3 5)
# TT_LL_LIMIT: seconds per transfer (300).
set -u
TETHER=${1:?usage: $0 /path/to/tether [MIB [LOSS...]]}
MIB=${2:-32}
shift $(($# < 2 ? $# : 2))
LOSSES=${*:-1 3 5}
LIMIT=${TT_LL_LIMIT:-300}
# shellcheck source=SCRIPTDIR/../tests/support/interop.sh
source "$(dirname "$0")/../tests/support/interop.sh"
tt_interop_require ip ss nft socat ethtool bc sha256sum timeout
tt_interop_setup lloss
nss="${ns}_s" nsr="${ns}_r" # the Linux -> Linux pair
ll_cleanup() {
    local n p
    for n in "$nss" "$nsr"; do
        for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    done
    wait 2>/dev/null
    ip netns del "$nss" 2>/dev/null
    ip netns del "$nsr" 2>/dev/null
    tt_interop_cleanup
}
trap ll_cleanup EXIT

tap="tll$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24
NS ip link set dev "$tap" gso_max_segs 1 || skip "ip cannot set gso_max_segs"
ip netns add "$nss" && ip netns add "$nsr" || skip "cannot create the veth namespaces"
ip -n "$nss" link set lo up
ip -n "$nsr" link set lo up
ip -n "$nss" link add vs type veth peer name vr netns "$nsr" || { echo "FAIL: no veth"; exit 1; }
ip -n "$nss" addr add 192.0.2.10/24 dev vs
ip -n "$nsr" addr add 192.0.2.11/24 dev vr
ip -n "$nss" link set vs up
ip -n "$nsr" link set vr up
offl=ok
for pair in "$nss vs" "$nsr vr"; do
    set -- $pair
    ip netns exec "$1" ethtool -K "$2" tso off gso off gro off >/dev/null 2>&1 || offl=partial
done

head -c "$((MIB << 20))" /dev/urandom >"$dir/data" || { echo "FAIL: no test data"; exit 1; }
want=$(sha256sum <"$dir/data" | cut -d' ' -f1)
port=7000

# drop NETNS HOOK DEV PCT: (re)place the rule dropping PCT % of the data
# segments crossing DEV at HOOK (input or output) in NETNS; the counter restarts.
drop() {
    local dev=iifname
    [ "$2" = output ] && dev=oifname
    ip netns exec "$1" nft delete table inet tt_ll 2>/dev/null
    ip netns exec "$1" nft -f - <<EOF
table inet tt_ll {
    chain c {
        type filter hook $2 priority 0;
        $dev "$3" ip length > 100 numgen random mod 100 < $4 counter drop;
    }
}
EOF
}
dropped() {
    ip netns exec "$1" nft list table inet tt_ll 2>/dev/null |
        sed -n 's/.*counter packets \([0-9]*\).*/\1/p' | head -1
}
undrop() { ip netns exec "$1" nft delete table inet tt_ll 2>/dev/null; }
retrans() { ip netns exec "$1" awk '/^Tcp:/ { if (h) print $13; h = 1 }' /proc/net/snmp; }
now() { date +%s.%N; }
rate() { echo "scale=3; $MIB / ($2 - $1)" | bc; }

# One transfer; sets secs, ok, rx (retransmissions of the sender), drops.
tether_out() { # tether -> Linux
    port=$((port + 1))
    drop "$ns" input "$tap" "$1"
    NS timeout "$LIMIT" socat -u "TCP-LISTEN:$port,bind=192.0.2.1,reuseaddr" - 2>/dev/null |
        sha256sum | cut -d' ' -f1 >"$dir/sum" &
    tt_interop_until tt_interop_listening "$port"
    local s e rc
    s=$(now)
    NS timeout "$LIMIT" "$TETHER" connect "192.0.2.1:$port" --tap "$tap" --addr 192.0.2.2/24 \
        --verbose <"$dir/data" >/dev/null 2>"$dir/tether.err"
    rc=$?
    e=$(now)
    [ "$rc" -ne 0 ] && tt_interop_signal TERM socat
    wait
    secs=$(echo "$e - $s" | bc)
    ok=$([ "$rc" -eq 0 ] && [ "$(cat "$dir/sum")" = "$want" ] && echo true || echo false)
    rx=$(sed -n 's/.* \([0-9]*\) retransmitted segments.*/\1/p' "$dir/tether.err")
    causes=$(sed -n 's/.*retransmissions: //p' "$dir/tether.err")
    drops=$(dropped "$ns")
    undrop "$ns"
}

tether_in() { # Linux -> tether
    port=$((port + 1))
    drop "$ns" output "$tap" "$1"
    local r0 s e rc
    r0=$(retrans "$ns")
    ip netns exec "$ns" timeout "$LIMIT" socat -u "FILE:$dir/data" \
        "TCP-LISTEN:$port,bind=192.0.2.1,reuseaddr" 2>/dev/null &
    tt_interop_until tt_interop_listening "$port"
    s=$(now)
    NS timeout "$LIMIT" "$TETHER" connect "192.0.2.1:$port" --tap "$tap" --addr 192.0.2.2/24 \
        --verbose </dev/null 2>"$dir/tether.err" | sha256sum | cut -d' ' -f1 >"$dir/sum"
    rc=${PIPESTATUS[0]}
    e=$(now)
    [ "$rc" -ne 0 ] && tt_interop_signal TERM socat
    wait
    secs=$(echo "$e - $s" | bc)
    ok=$([ "$rc" -eq 0 ] && [ "$(cat "$dir/sum")" = "$want" ] && echo true || echo false)
    rx=$(($(retrans "$ns") - r0))
    causes=""
    drops=$(dropped "$ns")
    undrop "$ns"
}

linux_linux() {
    port=$((port + 1))
    drop "$nsr" input vr "$1"
    local r0 s e rc
    r0=$(retrans "$nss")
    ip netns exec "$nsr" timeout "$LIMIT" socat -u "TCP-LISTEN:$port,bind=192.0.2.11,reuseaddr" - \
        2>/dev/null | sha256sum | cut -d' ' -f1 >"$dir/sum" &
    local _
    for _ in $(seq 50); do
        ip netns exec "$nsr" ss -Htln "( sport = :$port )" | grep -q . && break
        sleep 0.1
    done
    s=$(now)
    ip netns exec "$nss" timeout "$LIMIT" socat -u "FILE:$dir/data" "TCP:192.0.2.11:$port" 2>/dev/null
    rc=$?
    wait
    e=$(now)
    secs=$(echo "$e - $s" | bc)
    ok=$([ "$rc" -eq 0 ] && [ "$(cat "$dir/sum")" = "$want" ] && echo true || echo false)
    rx=$(($(retrans "$nss") - r0))
    drops=$(dropped "$nsr")
    undrop "$nsr"
}

for pct in $LOSSES; do
    linux_linux "$pct"
    l_secs=$secs l_ok=$ok l_rx=$rx l_drops=$drops
    l_rate=$(rate 0 "$l_secs")
    for way in out in; do
        if [ "$way" = out ]; then
            tether_out "$pct"
            case='tether->linux'
        else
            tether_in "$pct"
            case='linux->tether'
        fi
        t_rate=$(rate 0 "$secs")
        ratio=$(echo "scale=3; $t_rate / $l_rate" | bc)
        pass=$([ "$ok" = true ] && [ "$(echo "$t_rate >= $l_rate" | bc)" -eq 1 ] && echo true ||
            echo false)
        printf '{"bench":"linux_loss","case":"%s","loss_pct":%s,"mib":%s,' "$case" "$pct" "$MIB"
        printf '"ok":%s,"secs":%s,"mib_s":%s,"sender":"%s","sender_retrans":%s,' \
            "$ok" "$secs" "$t_rate" "${case%%->*}" "${rx:-null}"
        printf '"tether_causes":"%s","drops":%s,' "$causes" "${drops:-0}"
        printf '"linux_linux":{"ok":%s,"secs":%s,"mib_s":%s,"sender_retrans":%s,"drops":%s},' \
            "$l_ok" "$l_secs" "$l_rate" "$l_rx" "${l_drops:-0}"
        printf '"ratio":%s,"veth_offloads_off":"%s","target":"mib_s>=linux_linux.mib_s",' \
            "$ratio" "$offl"
        printf '"pass":%s}\n' "$pass"
    done
done
