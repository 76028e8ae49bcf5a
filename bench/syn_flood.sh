#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# SYN flood against `tether serve --echo` while Linux clients connect: in a
# network namespace of its own, tether on a TUN device (192.0.2.2, the
# kernel's end 192.0.2.1), bench/synflood_gen sends raw SYNs from random
# sources in 192.0.2.128-254 at RATE per second while CLIENTS Linux clients
# connect, send BYTES, read them back and close. One JSON line: the SYN rate
# asked and reached, the clients' success share (target >= 0.99), tether's
# SYN-cookie counters. Needs root and /dev/net/tun; exits 77 without.
# Usage: syn_flood.sh TETHER SYNFLOOD_GEN [RATE] [CLIENTS] [SECONDS] [BYTES]
set -u
TETHER=${1:?usage: syn_flood.sh TETHER SYNFLOOD_GEN [RATE CLIENTS SECONDS BYTES]}
GEN=${2:?}
rate=${3:-100000} n=${4:-1000} secs=${5:-20} bytes=${6:-1000}
# shellcheck source=SCRIPTDIR/../tests/support/interop.sh
source "$(dirname "$0")/../tests/support/interop.sh"
tt_interop_require ip
tt_interop_setup synflood
tun="tts$$"
tun=${tun:0:15}
tt_interop_dev tun "$tun" 192.0.2.1/24
ip netns exec "$ns" "$TETHER" serve --tun "$tun" --addr 192.0.2.2/24 --echo >"$dir/serve.out" 2>&1 &
spid=$!
tt_interop_wait_log serving "$dir/serve.out" "$spid" || { echo "FAIL: serve did not start"; cat "$dir/serve.out"; exit 1; }
# The kernel must not answer tether's SYN-ACKs to the spoofed sources with RSTs
# (they are not its addresses; without forwarding it drops them).
ip netns exec "$ns" "$GEN" flood 192.0.2.2 7 "$rate" "$secs" >"$dir/flood.out" 2>&1 &
fpid=$!
sleep 1
ip netns exec "$ns" "$GEN" clients 192.0.2.2 7 "$n" "$bytes" >"$dir/clients.out" 2>&1
wait "$fpid"
kill -INT "$spid"
wait "$spid"
sent=$(awk '$1 == "sent" { print $2 }' "$dir/flood.out")
reached=$(awk '$1 == "sent" { print $4 }' "$dir/flood.out")
ok=$(awk '$1 == "clients" { print $4 }' "$dir/clients.out")
ctr() { awk -v k="$1" '$1 == k { print $2 }' "$dir/serve.out"; }
cs=$(ctr tcp_syncookies_sent) cr=$(ctr tcp_syncookies_recv) po=$(ctr tcp_passive_opens)
share=$(awk -v o="${ok:-0}" -v n="$n" 'BEGIN { printf "%.4f", o / n }')
printf '{"bench":"syn_flood","syn_rate_asked":%s,"syn_sent":%s,"syn_rate_reached":%s,"seconds":%s,"clients":%s,"clients_ok":%s,"success_share":%s,"target_share":0.99,"syncookies_sent":%s,"syncookies_recv":%s,"passive_opens":%s}\n' \
    "$rate" "${sent:-0}" "${reached:-0}" "$secs" "$n" "${ok:-0}" "$share" "${cs:-0}" "${cr:-0}" "${po:-0}"
