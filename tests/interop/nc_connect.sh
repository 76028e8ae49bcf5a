#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop with OpenBSD nc, in a network namespace this script creates
# (only 192.0.2.0/24): nc listens and `tether connect` dials (data both
# ways, tether's FIN at the end of its input: a half-close, nc's follows);
# nc dials `tether connect --listen` (nc half-closes first, -N); nc through
# `tether serve --echo`. Each side's bytes compared, each exit status 0.
# Needs root, /dev/net/tun, ip, nc (OpenBSD: -N), ss.
# Usage: nc_connect.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip nc ss timeout
nc -h 2>&1 | grep -q -- "-N" || skip "nc is not OpenBSD netcat (no -N)"
tt_interop_setup nc
tap="ttn$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24
head -c 300000 /dev/urandom >"$dir/a"
head -c 200000 /dev/urandom >"$dir/b"
fail=0
T="--tap $tap --addr 192.0.2.2/24"

# 1. nc listens, tether dials; tether's input ends first.
ip netns exec "$ns" timeout 60 nc -l -N 192.0.2.1 6001 <"$dir/b" >"$dir/nc1.out" &
ncpid=$!
tt_interop_until tt_interop_listening 6001 || { echo "FAIL: nc did not listen"; exit 1; }
ip netns exec "$ns" timeout 60 "$TETHER" connect 192.0.2.1:6001 $T <"$dir/a" >"$dir/t1.out" \
    2>"$dir/t1.err"
rc=$?
wait "$ncpid"
ncrc=$?
[ "$rc" -eq 0 ] && [ "$ncrc" -eq 0 ] && cmp -s "$dir/a" "$dir/nc1.out" && cmp -s "$dir/b" "$dir/t1.out" ||
    { echo "FAIL: nc -l <- tether connect: exits $rc/$ncrc or bytes differ"; cat "$dir/t1.err"; fail=1; }

# 2. tether listens, nc dials and half-closes first (-N).
ip netns exec "$ns" timeout 60 "$TETHER" connect --listen 6002 $T <"$dir/a" >"$dir/t2.out" \
    2>"$dir/t2.err" &
tpid=$!
sleep 1
NS timeout 60 nc -N 192.0.2.2 6002 <"$dir/b" >"$dir/nc2.out"
ncrc=$?
wait "$tpid"
rc=$?
[ "$rc" -eq 0 ] && [ "$ncrc" -eq 0 ] && cmp -s "$dir/b" "$dir/t2.out" && cmp -s "$dir/a" "$dir/nc2.out" ||
    { echo "FAIL: tether connect --listen <- nc: exits $rc/$ncrc or bytes differ"; cat "$dir/t2.err"; fail=1; }

# 3. nc through tether serve --echo.
ip netns exec "$ns" timeout 60 "$TETHER" serve --echo $T >"$dir/s.out" 2>&1 &
spid=$!
tt_interop_wait_log "TCP echo" "$dir/s.out" "$spid"
NS timeout 60 nc -N 192.0.2.2 7 <"$dir/a" >"$dir/nc3.out"
ncrc=$?
[ "$ncrc" -eq 0 ] && cmp -s "$dir/a" "$dir/nc3.out" ||
    { echo "FAIL: nc -> serve --echo: exit $ncrc or echo differs"; fail=1; }
tt_interop_signal INT tether
wait "$spid"

[ "$fail" -eq 0 ] || exit 1
echo "PASS: nc_connect (nc -l <- connect, connect --listen <- nc -N, nc -> serve --echo)"
