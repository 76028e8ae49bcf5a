#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Two tether processes over the --udp link (Ethernet frames in UDP datagrams
# on 127.0.0.1; no root, no device): `serve --http` and `get` (a 3 MB file
# by SHA-256, a 404's exit status 4), `serve --echo` and `connect` (stdin
# echoed back, half-close at end of input, exit 0), SIGINT's clean end
# (serve exits 0 with its report), --pcap readable by `tether ladder`, and
# connect --listen against connect (both ways, half-close; refused: exit 3).
# Usage: udp_link.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
command -v sha256sum >/dev/null || { echo "SKIP: sha256sum missing"; exit 77; }
dir=$(mktemp -d /tmp/tt_udp_link.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail=0
# stop PID: SIGINT to tether itself, the child of the `timeout` at PID (a
# signal to timeout is forwarded and timeout then dies of it: status 130).
stop() { local c; c=$(pgrep -P "$1"); kill -INT "${c:-$1}"; }
# wait_for PATTERN FILE: 10 s at most until FILE holds PATTERN (the other end is up).
wait_for() { for _ in $(seq 100); do grep -qs -- "$1" "$2" && return 0; sleep 0.1; done; return 1; }
# Two free UDP ports of our own, from the pid (other runs may be going on).
base=$((20000 + ($$ * 7) % 30000))
p1=$base p2=$((base + 1)) p3=$((base + 2)) p4=$((base + 3))

mkdir "$dir/www"
head -c 3000000 /dev/urandom >"$dir/www/big.bin"
timeout 60 "$TETHER" serve --udp "$p1:127.0.0.1:$p2" --addr 192.0.2.2/24 --http "$dir/www" \
    >"$dir/s.out" 2>"$dir/s.err" &
spid=$!
pids+=($spid)
wait_for "HTTP\|http on port" "$dir/s.out" || { echo "FAIL: serve --http did not start"; exit 1; }
timeout 60 "$TETHER" get http://192.0.2.2/big.bin -o "$dir/got" --udp "$p2:127.0.0.1:$p1" \
    --addr 192.0.2.1/24 --pcap "$dir/get.pcap" 2>"$dir/g.err"
rc=$?
[ "$rc" -eq 0 ] && cmp -s "$dir/got" "$dir/www/big.bin" ||
    { echo "FAIL: get over --udp: exit $rc or bytes differ"; cat "$dir/g.err" "$dir/s.err"; fail=1; }
"$TETHER" ladder "$dir/get.pcap" >"$dir/ladder" 2>&1 && grep -q "SYN" "$dir/ladder" ||
    { echo "FAIL: the capture of get does not draw"; head "$dir/ladder"; fail=1; }
timeout 60 "$TETHER" get http://192.0.2.2/nope -o "$dir/x" --udp "$p2:127.0.0.1:$p1" \
    --addr 192.0.2.1/24 2>"$dir/g.err"
rc=$?
[ "$rc" -eq 4 ] || { echo "FAIL: get of a 404: exit $rc, want 4"; cat "$dir/g.err"; fail=1; }
stop "$spid"
wait "$spid"
rc=$?
[ "$rc" -eq 0 ] && grep -q "^tether: http: 2 connections (0 open), 2 requests" "$dir/s.out" ||
    { echo "FAIL: serve after SIGINT: exit $rc"; cat "$dir/s.out"; fail=1; }

# Echo: stdin to the connection and back; our FIN at the end of input.
timeout 60 "$TETHER" serve --udp "$p3:127.0.0.1:$p4" --addr 192.0.2.2/24 --echo \
    >"$dir/e.out" 2>&1 &
epid=$!
pids+=($epid)
wait_for "TCP echo" "$dir/e.out" || { echo "FAIL: serve --echo did not start"; exit 1; }
head -c 200000 /dev/urandom >"$dir/in"
timeout 60 "$TETHER" connect 192.0.2.2:7 --udp "$p4:127.0.0.1:$p3" --addr 192.0.2.1/24 \
    <"$dir/in" >"$dir/out" 2>"$dir/c.err"
rc=$?
[ "$rc" -eq 0 ] && cmp -s "$dir/in" "$dir/out" ||
    { echo "FAIL: connect over --udp: exit $rc or echo differs"; cat "$dir/c.err"; fail=1; }
stop "$epid"
wait "$epid"

# connect --listen against connect: data both ways at once, each side's FIN
# at the end of its input (half-close), both exit 0 with the other's bytes.
head -c 100000 /dev/urandom >"$dir/a.in"
head -c 150000 /dev/urandom >"$dir/b.in"
timeout 60 "$TETHER" connect --listen 5000 --udp "$p3:127.0.0.1:$p4" --addr 192.0.2.2/24 \
    --verbose <"$dir/a.in" >"$dir/a.out" 2>"$dir/a.err" &
lpid=$!
pids+=($lpid)
wait_for "LISTEN" "$dir/a.err" || { echo "FAIL: connect --listen did not listen"; exit 1; }
timeout 60 "$TETHER" connect 192.0.2.2:5000 --udp "$p4:127.0.0.1:$p3" --addr 192.0.2.1/24 \
    <"$dir/b.in" >"$dir/b.out" 2>"$dir/b.err"
rc=$?
wait "$lpid"
lrc=$?
[ "$rc" -eq 0 ] && [ "$lrc" -eq 0 ] && cmp -s "$dir/a.in" "$dir/b.out" &&
    cmp -s "$dir/b.in" "$dir/a.out" ||
    { echo "FAIL: connect --listen: exits $lrc/$rc or bytes differ"; cat "$dir/a.err" "$dir/b.err"; fail=1; }
# Nobody listening: the handshake is refused, exit 3.
timeout 60 "$TETHER" serve --udp "$p3:127.0.0.1:$p4" --addr 192.0.2.2/24 >"$dir/r.out" 2>&1 &
rpid=$!
pids+=($rpid)
wait_for "serving" "$dir/r.out" || { echo "FAIL: serve did not start"; exit 1; }
timeout 60 "$TETHER" connect 192.0.2.2:5001 --udp "$p4:127.0.0.1:$p3" --addr 192.0.2.1/24 \
    </dev/null >/dev/null 2>"$dir/r.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "refused" "$dir/r.err" ||
    { echo "FAIL: refused: exit $rc, want 3"; cat "$dir/r.err"; fail=1; }
stop "$rpid"
wait "$rpid"

[ "$fail" -eq 0 ] || exit 1
echo "PASS: udp_link (get 3 MB, 404, echo 200 kB, clean SIGINT, connect --listen both ways, refused)"
