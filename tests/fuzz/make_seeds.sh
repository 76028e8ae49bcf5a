#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Write the committed seed corpora (tests/fuzz/corpus/NAME/). The stateful
# fuzzer's (fuzz_tcp_conn): each seed a sequence of 16-byte steps (opcode, side,
# arguments; tests/fuzz/fuzz_tcp_conn.c) that drives a connection through a
# handshake, data both ways, loss and retransmission, crafted segments and a
# close, so that fuzzing starts from deep states. The parsers': the frames of
# tests/golden/ladder_capture.pcap. fuzz_drill_parse reads tests/conformance/
# directly. Usage: make_seeds.sh [DIR of fuzz_tcp_conn's seeds]
set -eu
dir=${1:-$(cd "$(dirname "$0")" && pwd)/corpus/fuzz_tcp_conn}
mkdir -p "$dir"
step() { # op side a2 .. a15 (missing arguments are 0)
    local b=("$@")
    while [ ${#b[@]} -lt 16 ]; do b+=(0); done
    printf "$(printf '\\x%02x' "${b[@]:0:16}")"
}
handshake() { step 0 1; step 0 0; step 0 1; }
flush() { step 9 0; }
{ handshake; step 5 0 40; flush; step 6 1 200; step 5 1 10; flush; step 6 0 200
  step 7 0 0; flush; step 7 1 0; flush; step 4 2 100; flush; } >"$dir/handshake-data-close"
{ handshake; step 5 0 200; step 1 0; step 1 0; flush; step 4 0 30; flush; step 4 0 60; flush
  step 6 1 255; step 6 1 255; } >"$dir/loss-rto"
{ handshake; step 5 1 100; step 3 1; step 3 1; flush; step 6 0 255; step 4 0 5; flush; } >"$dir/reorder"
{ handshake; step 8 0 0x10 0 0 0 0 0xff 0xff 0 0 0 0 50; step 8 0 0x01 0 10 0 0 0 0 0 0 0 0 0
  step 8 1 0x04 0 100 0 0 0 0 0 0 0 0 0; step 8 1 0x02 0 0 0 0 0 0 0 0 0 0 0; flush
  step 4 2 50; flush; } >"$dir/crafted"
{ step 1 1; step 4 0 100; step 0 1; step 2 0; step 0 0; step 0 0; step 0 1; step 5 0 255
  step 8 1 0x18 0 0 0 0 0 0 0 0x08 1 2 100; flush; step 7 1 2; flush; step 4 2 200; } >"$dir/syn-loss-abort"
echo "seeds: $(ls "$dir" | wc -l) in $dir"

# The parsers' seeds: the frames of the committed capture (Ethernet), and
# their IPv4 and TCP parts; fuzz_stack_input's records wrap each frame (type
# byte 0: the Ethernet interface, then a 2-byte length).
corpus=$(dirname "$dir")
pcap=$(cd "$(dirname "$0")/../golden" && pwd)/ladder_capture.pcap
for t in fuzz_wire_eth fuzz_wire_ipv4 fuzz_wire_tcp fuzz_stack_input fuzz_wire_arp; do
    mkdir -p "$corpus/$t"
done
size=$(stat -c %s "$pcap")
off=24 k=0
while [ $((off + 16)) -le "$size" ]; do
    len=$(od -An -tu4 -j $((off + 8)) -N4 "$pcap" | tr -d ' ')
    frame=$(mktemp)
    dd if="$pcap" of="$frame" bs=1 skip=$((off + 16)) count="$len" status=none
    cp "$frame" "$corpus/fuzz_wire_eth/frame$k"
    tail -c +15 "$frame" >"$corpus/fuzz_wire_ipv4/dgram$k"
    tail -c +35 "$frame" >"$corpus/fuzz_wire_tcp/seg$k"
    { printf "$(printf '\\x00\\x%02x\\x%02x' $((len >> 8)) $((len & 255)))"; cat "$frame"; } \
        >"$corpus/fuzz_stack_input/rec$k"
    rm -f "$frame"
    off=$((off + 16 + len)) k=$((k + 1))
done
# An ARP request for 192.0.2.2 from 192.0.2.1 (RFC 826 layout).
printf '\x00\x01\x08\x00\x06\x04\x00\x01\x02\x00\x00\x00\x00\x01\xc0\x00\x02\x01\x00\x00\x00\x00\x00\x00\xc0\x00\x02\x02' \
    >"$corpus/fuzz_wire_arp/request"
echo "parser seeds: $k frames of $(basename "$pcap")"
