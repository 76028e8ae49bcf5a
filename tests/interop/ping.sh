#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop: the kernel pings `tether serve` over a TAP device, inside a
# network namespace this script creates (nothing leaves it). 20 of 20 echo
# requests must be answered, and large pings (fragmented both ways) too.
# Needs root, /dev/net/tun, ip, ping and tshark; exits 77 (skip) without them.
# Usage: ping.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip ping tshark
tt_interop_setup ping
tap="ttp$$"
tap=${tap:0:15}

# Not through NS: a function would run in a subshell and $! would be its pid.
ip netns exec "$ns" "$TETHER" serve --tap "$tap" --create --addr 192.0.2.2/24 \
    --mac 02:00:00:00:00:02 --pcap "$dir/serve.pcap" >"$dir/out" 2>"$dir/err" &
pid=$!
tt_interop_wait_log serving "$dir/out" "$pid"
if ! grep -q "^tether: serving 192.0.2.2/24 on tap $tap\$" "$dir/out"; then
    echo "FAIL: tether serve did not start:"; cat "$dir/out" "$dir/err"; exit 1
fi
NS ip addr add 192.0.2.1/24 dev "$tap"
NS ip link set "$tap" up

fail=0
out=$(NS ping -c 20 -i 0.2 -W 2 192.0.2.2 2>&1)
if ! grep -q " 20 received" <<<"$out"; then
    echo "FAIL: ping 20 x 56 bytes:"; echo "$out"; fail=1
fi
out=$(NS ping -c 3 -i 0.2 -W 2 -s 4000 192.0.2.2 2>&1)
if ! grep -q " 3 received" <<<"$out"; then
    echo "FAIL: ping 3 x 4000 bytes (fragmented):"; echo "$out"; fail=1
fi
grep -q "4008 bytes from 192.0.2.2" <<<"$out" || { echo "FAIL: no full-size reply"; fail=1; }

# Signal tether itself (ip netns exec may or may not have exec'd it).
tt_interop_signal INT tether
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || { echo "FAIL: tether serve exited with $rc"; cat "$dir/err"; fail=1; }
grep -q "^tether: stopped (signal 2)" "$dir/out" || { echo "FAIL: no clean stop"; cat "$dir/out"; fail=1; }
reps=$(awk '$1 == "icmp_out_echo_reps" { print $2 }' "$dir/out")
[ "${reps:-0}" -ge 23 ] || { echo "FAIL: icmp_out_echo_reps=${reps:-0}, expected >= 23"; cat "$dir/out"; fail=1; }
reasm=$(awk '$1 == "ip_reasm_oks" { print $2 }' "$dir/out")
[ "${reasm:-0}" -ge 3 ] || { echo "FAIL: ip_reasm_oks=${reasm:-0}, expected >= 3"; fail=1; }
[ -s "$dir/serve.pcap" ] || { echo "FAIL: empty capture"; fail=1; }
n=$(tshark -r "$dir/serve.pcap" -Y 'icmp.type == 0' 2>/dev/null | wc -l)
[ "$n" -ge 23 ] || { echo "FAIL: capture holds $n echo replies, expected >= 23"; fail=1; }
# The same over TUN (raw IPv4, point-to-point: no ARP), in the same namespace.
tun="ttu$$"
tun=${tun:0:15}
ip netns exec "$ns" "$TETHER" serve --tun "$tun" --create --addr 192.0.2.6/30 >"$dir/out2" 2>&1 &
pid=$!
tt_interop_wait_log serving "$dir/out2" "$pid"
if grep -q "^tether: serving 192.0.2.6/30 on tun $tun\$" "$dir/out2"; then
    NS ip addr add 192.0.2.5 peer 192.0.2.6 dev "$tun"
    NS ip link set "$tun" up
    out=$(NS ping -c 5 -i 0.2 -W 2 192.0.2.6 2>&1)
    grep -q " 5 received" <<<"$out" || { echo "FAIL: ping over TUN:"; echo "$out"; fail=1; }
    out=$(NS ping -c 2 -i 0.2 -W 2 -s 3000 192.0.2.6 2>&1)
    grep -q " 2 received" <<<"$out" || { echo "FAIL: fragmented ping over TUN:"; echo "$out"; fail=1; }
    tt_interop_signal TERM tether
    wait "$pid" || { echo "FAIL: tether serve --tun exited with $?"; fail=1; }
    grep -q "^tether: stopped (signal 15)" "$dir/out2" || { echo "FAIL: TUN: no clean stop"; fail=1; }
else
    echo "FAIL: tether serve --tun did not start:"; cat "$dir/out2"; fail=1
fi

[ "$fail" -eq 0 ] && echo "PASS: ping (TAP 20/20, fragmented 3/3; TUN 5/5, fragmented 2/2)" &&
    cat "$dir/out" "$dir/out2"
exit "$fail"
