#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One TCP connection's throughput, side by side in one run: Linux -> tether
# and tether -> Linux through a TAP device (`tether connect` against socat),
# and Linux -> Linux over a veth pair between two namespaces (192.0.2.0/25 for
# the TAP, 192.0.2.128/25 for the veth pair), MIB MiB (512)
# each. Prints one JSON line (Gbit/s, wall clock, median of RUNS runs (1)).
# Everything happens inside namespaces this script creates and removes, with
# 192.0.2.0/24 only. Needs root, /dev/net/tun, ip, ss, socat, awk (exit 77
# without). Usage: bench/tap_throughput.sh /path/to/tether [MIB [RUNS]]
# (use a Release build: `make bench-build` makes build-bench/tether).
set -u
TETHER=${1:?usage: $0 /path/to/tether [MIB [RUNS]]}
MIB=${2:-512}
RUNS=${3:-1}
# shellcheck source=SCRIPTDIR/../tests/support/interop.sh
source "$(dirname "$0")/../tests/support/interop.sh"
tt_interop_require ip ss socat timeout awk
bytes=$((MIB << 20))

tt_interop_setup tput
ns2="${ns}_v"
trap 'tt_interop_cleanup; for p in $(ip netns pids "$ns2" 2>/dev/null); do kill -KILL "$p"; done; ip netns del "$ns2" 2>/dev/null' EXIT
tap="ttp$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/25
ip netns add "$ns2" || skip "cannot create a second namespace"
NS ip link add vA type veth peer name vB netns "$ns2" || skip "cannot create a veth pair"
NS ip addr add 192.0.2.129/25 dev vA
NS ip link set vA up
ip netns exec "$ns2" ip addr add 192.0.2.130/25 dev vB
ip netns exec "$ns2" ip link set vB up
ip netns exec "$ns2" ip link set lo up
port=7000

# gbps START END: Gbit/s for $bytes between two `date +%s.%N` stamps.
gbps() { awk -v b="$bytes" -v s="$1" -v e="$2" 'BEGIN {printf "%.2f\n", b * 8 / (e - s) / 1e9}'; }

# The socat listener ($1: "in" = it sends, else it receives) on $2:$port.
listen() {
    port=$((port + 1))
    if [ "$1" = in ]; then
        ip netns exec "$3" timeout 120 socat -u "EXEC:head -c $bytes /dev/zero" \
            "TCP-LISTEN:$port,bind=$2,reuseaddr" 2>/dev/null &
    else
        ip netns exec "$3" timeout 120 socat -u "TCP-LISTEN:$port,bind=$2,reuseaddr" \
            OPEN:/dev/null 2>/dev/null &
    fi
    tt_interop_until sh -c "ip netns exec $3 ss -Htln '( sport = :$port )' | grep -q ."
}

one_tether() {
    local s e
    listen "$1" 192.0.2.1 "$ns"
    s=$(date +%s.%N)
    if [ "$1" = in ]; then
        NS timeout 120 "$TETHER" connect "192.0.2.1:$port" --tap "$tap" --addr 192.0.2.2/25 \
            </dev/null >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    else
        head -c "$bytes" /dev/zero | NS timeout 120 "$TETHER" connect "192.0.2.1:$port" \
            --tap "$tap" --addr 192.0.2.2/25 >/dev/null 2>"$dir/err" || { cat "$dir/err" >&2; exit 1; }
    fi
    e=$(date +%s.%N)
    wait
    gbps "$s" "$e"
}

one_veth() {
    local s e
    listen out 192.0.2.130 "$ns2"
    s=$(date +%s.%N)
    head -c "$bytes" /dev/zero | NS timeout 120 socat -u - "TCP:192.0.2.130:$port" ||
        { echo "FAIL: veth transfer" >&2; exit 1; }
    wait
    e=$(date +%s.%N)
    gbps "$s" "$e"
}

median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

in_=$(for _ in $(seq "$RUNS"); do one_tether in; done | median)
out=$(for _ in $(seq "$RUNS"); do one_tether out; done | median)
veth=$(for _ in $(seq "$RUNS"); do one_veth; done | median)
printf '{"bench":"tap_throughput","mib":%d,"runs":%d,"linux_to_tether_gbps":%s,' "$MIB" "$RUNS" "$in_"
printf '"tether_to_linux_gbps":%s,"linux_to_linux_veth_gbps":%s}\n' "$out" "$veth"
