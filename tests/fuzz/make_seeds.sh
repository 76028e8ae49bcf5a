#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Write the committed seed corpus of the stateful fuzzer (tests/fuzz/corpus/
# fuzz_tcp_conn/): each seed a sequence of 16-byte steps (opcode, side,
# arguments; tests/fuzz/fuzz_tcp_conn.c) that drives a connection through a
# handshake, data both ways, loss and retransmission, crafted segments and a
# close, so that fuzzing starts from deep states. Usage: make_seeds.sh [DIR]
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
