#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tether against Linux on a lossy link (issue 11), side by side in one run.
# For each loss rate (1, 3, 5 %): 32 MiB tether -> Linux, Linux -> tether and
# Linux -> Linux, nftables dropping that share of the data segments (IPv4
# length > 100, numgen random) in transit, never on the sender's own output
# (Linux retries a segment its own output hook refused; that is no loss).
# Two namespaces: R holds the TAP that tether uses (192.0.2.129/25; tether is
# 192.0.2.130) and a veth to S (192.0.2.11/25 in R, 192.0.2.10/25 in S), and
# forwards between them.
#   tether -> Linux: receiver in R, drop on R's input from the TAP;
#   Linux -> tether: sender in S, drop in R's forward chain towards the TAP;
#   Linux -> Linux:  sender in S, receiver in R, drop on R's input from the veth.
# Offloads are off (ethtool on the veth, gso_max_segs 1 on the TAP), so one
# dropped packet is one segment. One JSON line per direction and loss rate:
# the tether case's goodput and, under "linux_linux", Linux -> Linux's (MiB/s
# of wall time), their ratio, the sender's retransmitted segments (tether:
# its own counter from `tether connect --verbose`; Linux: RetransSegs of
# /proc/net/snmp in the sender's namespace, what nstat reads), the
# retransmissions by cause under "causes" (tether: its own; a Linux sender:
# TcpExt TCPTimeouts, TCPLossProbes and TCPLostRetransmit, i.e. RTOs, tail
# loss probes and retransmissions found lost again), and the nftables drop
# counter of each run.
# Each case runs TT_LL_RUNS times (3) and reports its median run (by time),
# and "runs_secs" lists all of them: the machine is shared.
# Target (issue 11): tether's goodput >= Linux's at every loss rate.
# Only 192.0.2.0/24, only inside namespaces this script creates and removes.
# Needs root, /dev/net/tun, ip, nft, socat, ethtool, sha256sum.
# Usage: bench/linux_loss.sh /path/to/tether [MIB [LOSS...]]   (defaults: 32, 1 3 5)
# TT_LL_LIMIT: seconds per transfer (300). TT_LL_PCAP=FILE: tether -> Linux
# runs record the TAP's frames to FILE.LOSS (the last run's is kept).
set -u
TETHER=${1:?usage: $0 /path/to/tether [MIB [LOSS...]]}
MIB=${2:-32}
shift $(($# < 2 ? $# : 2))
LOSSES=${*:-1 3 5}
LIMIT=${TT_LL_LIMIT:-300}
RUNS=${TT_LL_RUNS:-3}
# shellcheck source=SCRIPTDIR/../tests/support/interop.sh
source "$(dirname "$0")/../tests/support/interop.sh"
tt_interop_require ip ss nft socat ethtool sha256sum timeout awk
tt_interop_setup lloss
nss="${ns}_s" # the Linux sender; $ns is R
ll_cleanup() {
    local p
    for p in $(ip netns pids "$nss" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    wait 2>/dev/null
    ip netns del "$nss" 2>/dev/null
    tt_interop_cleanup
}
trap ll_cleanup EXIT

tap="tll$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.129/25
NS ip link set dev "$tap" gso_max_segs 1 || skip "ip cannot set gso_max_segs"
ip netns add "$nss" || skip "cannot create the sender's namespace"
ip -n "$nss" link set lo up
ip -n "$nss" link add vs type veth peer name vr netns "$ns" || { echo "FAIL: no veth"; exit 1; }
ip -n "$nss" addr add 192.0.2.10/25 dev vs
NS ip addr add 192.0.2.11/25 dev vr
ip -n "$nss" link set vs up
NS ip link set vr up
ip -n "$nss" route add default via 192.0.2.11
NS sysctl -qw net.ipv4.ip_forward=1
offl=ok
ip netns exec "$nss" ethtool -K vs tso off gso off gro off >/dev/null 2>&1 || offl=partial
NS ethtool -K vr tso off gso off gro off >/dev/null 2>&1 || offl=partial

head -c "$((MIB << 20))" /dev/urandom >"$dir/data" || { echo "FAIL: no test data"; exit 1; }
want=$(sha256sum <"$dir/data" | cut -d' ' -f1)
port=7000

# drop NETNS HOOK DEV PCT: (re)place the rule dropping PCT % of the data
# segments crossing DEV at HOOK in NETNS (input: arriving on DEV; forward:
# leaving by DEV); the counter restarts.
drop() {
    local dev=iifname
    [ "$2" = forward ] && dev=oifname
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
# tcpext NETNS: "rto N, tlp N, lost_rexmit N", Linux's own counts so far
# (TcpExt TCPTimeouts, TCPLossProbes, TCPLostRetransmit of /proc/net/netstat).
tcpext() {
    ip netns exec "$1" awk '/^TcpExt:/ {
        if (!h) { for (i = 2; i <= NF; i++) n[$i] = i; h = 1; next }
        printf "%d %d %d", $n["TCPTimeouts"], $n["TCPLossProbes"], $n["TCPLostRetransmit"] }' \
        /proc/net/netstat
}
# ext_delta BEFORE AFTER: the causes string between two tcpext readings.
ext_delta() {
    awk -v a="$1" -v b="$2" 'BEGIN { split(a, x, " "); split(b, y, " ")
        printf "rto %d, tlp %d, lost_rexmit %d", y[1] - x[1], y[2] - x[2], y[3] - x[3] }'
}
now() { date +%s.%N; }
rate() { awk -v m="$MIB" -v s="$1" 'BEGIN { printf "%.3f", m / s }'; }

# One transfer; sets secs, ok, rx (retransmissions of the sender), drops.
tether_out() { # tether -> Linux
    port=$((port + 1))
    drop "$ns" input "$tap" "$1"
    NS timeout "$LIMIT" socat -u "TCP-LISTEN:$port,bind=192.0.2.129,reuseaddr" - 2>/dev/null |
        sha256sum | cut -d' ' -f1 >"$dir/sum" &
    tt_interop_until tt_interop_listening "$port"
    local s e rc
    s=$(now)
    NS timeout "$LIMIT" "$TETHER" connect "192.0.2.129:$port" --tap "$tap" \
        --addr 192.0.2.130/25 --verbose ${TT_LL_PCAP:+--pcap "$TT_LL_PCAP.$1"} \
        <"$dir/data" >/dev/null 2>"$dir/tether.err"
    rc=$?
    e=$(now)
    [ "$rc" -ne 0 ] && tt_interop_signal TERM socat
    wait
    secs=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }')
    ok=$([ "$rc" -eq 0 ] && [ "$(cat "$dir/sum")" = "$want" ] && echo true || echo false)
    rx=$(sed -n 's/.* \([0-9]*\) retransmitted segments.*/\1/p' "$dir/tether.err")
    causes=$(sed -n 's/.*retransmissions: //p' "$dir/tether.err")
    drops=$(dropped "$ns")
    undrop "$ns"
}

tether_in() { # Linux -> tether
    port=$((port + 1))
    drop "$ns" forward "$tap" "$1"
    local r0 s e rc p x0
    r0=$(retrans "$nss")
    x0=$(tcpext "$nss")
    ip netns exec "$nss" timeout "$LIMIT" socat -u "FILE:$dir/data" \
        "TCP-LISTEN:$port,bind=192.0.2.10,reuseaddr" 2>/dev/null &
    listening "$nss" "$port"
    s=$(now)
    NS timeout "$LIMIT" "$TETHER" connect "192.0.2.10:$port" --tap "$tap" --addr 192.0.2.130/25 \
        --gw 192.0.2.129 --verbose </dev/null 2>"$dir/tether.err" | sha256sum | cut -d' ' -f1 \
        >"$dir/sum"
    rc=${PIPESTATUS[0]}
    e=$(now)
    [ "$rc" -ne 0 ] && for p in $(ip netns pids "$nss" 2>/dev/null); do
        [ "$(cat "/proc/$p/comm" 2>/dev/null)" = socat ] && kill -TERM "$p" 2>/dev/null
    done
    wait
    secs=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }')
    ok=$([ "$rc" -eq 0 ] && [ "$(cat "$dir/sum")" = "$want" ] && echo true || echo false)
    rx=$(($(retrans "$nss") - r0))
    causes="linux: $(ext_delta "$x0" "$(tcpext "$nss")")"
    drops=$(dropped "$ns")
    undrop "$ns"
}

# listening NETNS PORT: wait (5 s at most) for a listener on PORT in NETNS.
listening() {
    local _
    for _ in $(seq 50); do
        ip netns exec "$1" ss -Htln "( sport = :$2 )" | grep -q . && return 0
        sleep 0.1
    done
    return 1
}

linux_linux() {
    port=$((port + 1))
    drop "$ns" input vr "$1"
    local r0 s e rc x0
    r0=$(retrans "$nss")
    x0=$(tcpext "$nss")
    NS timeout "$LIMIT" socat -u "TCP-LISTEN:$port,bind=192.0.2.11,reuseaddr" - 2>/dev/null |
        sha256sum | cut -d' ' -f1 >"$dir/sum" &
    tt_interop_until tt_interop_listening "$port"
    s=$(now)
    ip netns exec "$nss" timeout "$LIMIT" socat -u "FILE:$dir/data" "TCP:192.0.2.11:$port" 2>/dev/null
    rc=$?
    wait
    e=$(now)
    secs=$(awk -v a="$s" -v b="$e" 'BEGIN { printf "%.3f", b - a }')
    ok=$([ "$rc" -eq 0 ] && [ "$(cat "$dir/sum")" = "$want" ] && echo true || echo false)
    rx=$(($(retrans "$nss") - r0))
    causes="linux: $(ext_delta "$x0" "$(tcpext "$nss")")"
    drops=$(dropped "$ns")
    undrop "$ns"
}

# median FN PCT: run FN PCT $RUNS times; keep the median run's figures
# (secs ok rx drops causes) and every run's time in all_secs.
median() {
    local i
    : >"$dir/runs"
    for i in $(seq "$RUNS"); do
        "$1" "$2"
        echo "$secs|$ok|${rx:-null}|${drops:-0}|${causes:-}" >>"$dir/runs"
    done
    all_secs=$(cut -d'|' -f1 "$dir/runs" | paste -sd, -)
    IFS='|' read -r secs ok rx drops causes < <(sort -t'|' -k1,1g "$dir/runs" |
        sed -n "$(((RUNS + 1) / 2))p")
}

for pct in $LOSSES; do
    median linux_linux "$pct"
    l_secs=$secs l_ok=$ok l_rx=$rx l_drops=$drops l_all=$all_secs l_causes=$causes
    l_rate=$(rate "$l_secs")
    for way in out in; do
        if [ "$way" = out ]; then
            median tether_out "$pct"
            case='tether->linux'
        else
            median tether_in "$pct"
            case='linux->tether'
        fi
        t_rate=$(rate "$secs")
        ratio=$(awk -v a="$t_rate" -v b="$l_rate" 'BEGIN { printf "%.3f", a / b }')
        pass=$([ "$ok" = true ] && awk -v a="$t_rate" -v b="$l_rate" 'BEGIN { exit !(a >= b) }' &&
            echo true || echo false)
        printf '{"bench":"linux_loss","case":"%s","loss_pct":%s,"mib":%s,' "$case" "$pct" "$MIB"
        printf '"ok":%s,"secs":%s,"mib_s":%s,"sender":"%s","sender_retrans":%s,' \
            "$ok" "$secs" "$t_rate" "${case%%->*}" "${rx:-null}"
        printf '"causes":"%s","drops":%s,' "$causes" "${drops:-0}"
        printf '"runs_secs":[%s],' "$all_secs"
        printf '"linux_linux":{"ok":%s,"secs":%s,"mib_s":%s,"sender_retrans":%s,"causes":"%s",' \
            "$l_ok" "$l_secs" "$l_rate" "$l_rx" "$l_causes"
        printf '"drops":%s,' "${l_drops:-0}"
        printf '"runs_secs":[%s]},' "$l_all"
        printf '"ratio":%s,"veth_offloads_off":"%s","target":"mib_s>=linux_linux.mib_s",' \
            "$ratio" "$offl"
        printf '"pass":%s}\n' "$pass"
    done
done
