#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Run the benchmarks, one JSON line each. Usage:
#   bench/run.sh [--instr] [--short] [BUILD_DIR]   (BUILD_DIR: build-bench)
# Without --instr: times (CPU seconds, medians of several runs) at full sizes.
# --instr: each bench once under valgrind --tool=callgrind, which counts the
#   instructions of the measured part only (the figures of record: they
#   repeat exactly, where times on a shared machine do not); sizes are
#   shorter, since callgrind runs some 50 times slower.
# --short: the callgrind sizes without callgrind (a quick check).
set -euo pipefail
instr=0 short=0
while [ $# -gt 0 ]; do
  case "$1" in
    --instr) instr=1 short=1; shift ;;
    --short) short=1; shift ;;
    -*) echo "usage: $0 [--instr] [--short] [BUILD_DIR]" >&2; exit 2 ;;
    *) break ;;
  esac
done
b=${1:-build-bench}/bench
if [ "$instr" = 1 ] && ! command -v valgrind >/dev/null; then
  echo "bench: valgrind not found (scripts/deps.sh test installs it); times only: make bench" >&2
  exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name, then the arguments at full size, then at short size.
list() {
  echo "bench_checksum|--mib 256|--mib 1"
  echo "bench_tcp_xfer|--buf 4M --bytes 32M|--buf 4M --bytes 32M"
  echo "bench_tcp_xfer|--buf 256k --bytes 32M|--buf 256k --bytes 32M"
  echo "bench_tcp_rr|--conns 20000|--conns 1280"
  echo "bench_tcp_handshake|--conns 20000|--conns 2000"
  echo "bench_tcp_scale|--max-idle 1M|--max-idle 10k --conns 640 --requests 640"
  echo "bench_tcp_conn_mem|--conns 10000 --big 100000|--conns 2000 --big 10000"
}

list | while IFS='|' read -r name full shrt; do
  [ -x "$b/$name" ] || { echo "bench: $b/$name not built" >&2; exit 1; }
  args=$full
  [ "$short" = 1 ] && args=$shrt
  if [ "$instr" = 1 ]; then
    # shellcheck disable=SC2086
    TT_BENCH_CG="$tmp/cg.$name" valgrind --tool=callgrind --collect-atstart=no \
      --callgrind-out-file="$tmp/cg.$name" -q "$b/$name" $args
  else
    # shellcheck disable=SC2086
    "$b/$name" $args
  fi
done
