#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `tether connect` rejects each bad argument with exit status 2 and a one-line
# message naming the problem, before touching any device; --help works.
# Usage: connect_args.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
fail=0

# expect PATTERN ARGS...: tether ARGS exits 2 with one line of stderr holding PATTERN.
expect() {
    local pat=$1 out rc lines
    shift
    out=$("$TETHER" connect "$@" 2>&1 </dev/null >/dev/null)
    rc=$?
    lines=$(printf '%s\n' "$out" | grep -c .)
    if [ "$rc" -ne 2 ]; then
        echo "FAIL: tether connect $* -> status $rc, expected 2 ($out)"; fail=1
    elif ! grep -q -- "$pat" <<<"$out"; then
        echo "FAIL: tether connect $* -> message '$out' lacks '$pat'"; fail=1
    elif [ "$lines" -ne 1 ]; then
        echo "FAIL: tether connect $* -> $lines lines of message, expected one"; fail=1
    fi
}

D="--tap tt_none0 --addr 192.0.2.2/24"
expect "HOST:PORT is required" $D
expect "bad target '192.0.2.1' (want A.B.C.D:PORT)" 192.0.2.1 $D
expect "bad address in target '192.0.2:7'" 192.0.2:7 $D
expect "bad address in target 'example.org:80'" example.org:80 $D
expect "bad address in target '0.0.0.0:7'" 0.0.0.0:7 $D
expect "bad address in target '224.0.0.1:7'" 224.0.0.1:7 $D
expect "bad port in target '192.0.2.1:0'" 192.0.2.1:0 $D
expect "bad port in target '192.0.2.1:65536'" 192.0.2.1:65536 $D
expect "bad port in target '192.0.2.1:'" 192.0.2.1: $D
expect "bad port in target '192.0.2.1:7x'" 192.0.2.1:7x $D
expect "unexpected argument '192.0.2.3:7' (one HOST:PORT only)" 192.0.2.1:7 192.0.2.3:7 $D
expect "unknown option '--echo'" 192.0.2.1:7 $D --echo
expect "unknown option '--bogus'" --bogus 192.0.2.1:7
expect "one of --tap NAME or --tun NAME is required" 192.0.2.1:7 --addr 192.0.2.2/24
expect "--addr A.B.C.D/N is required" 192.0.2.1:7 --tap tt_none0
expect "give only one of --tap and --tun" 192.0.2.1:7 $D --tun t1
expect "bad address in --addr '192.0.2.300/24'" 192.0.2.1:7 --tap t0 --addr 192.0.2.300/24
expect "bad or missing prefix length in --addr '192.0.2.2'" 192.0.2.1:7 --tap t0 --addr 192.0.2.2
expect "bad gateway address 'x'" 192.0.2.1:7 $D --gw x
expect "MTU '10' out of range" 192.0.2.1:7 $D --mtu 10
expect "--mac applies to --tap only" 192.0.2.1:7 --tun t0 --addr 192.0.2.2/24 --mac 02:00:00:00:00:01
expect "empty --pcap file name" 192.0.2.1:7 $D --pcap=
expect "option '--gw' needs a value" 192.0.2.1:7 $D --gw
expect "option '--verbose' takes no value" 192.0.2.1:7 $D --verbose=1
expect "bad device name" 192.0.2.1:7 --tap waytoolongdevicename --addr 192.0.2.2/24

out=$("$TETHER" connect --help) && grep -q -- "HOST:PORT" <<<"$out" ||
    { echo "FAIL: connect --help"; fail=1; }
out=$("$TETHER" --help) && grep -q "^  connect " <<<"$out" || { echo "FAIL: --help lacks connect"; fail=1; }

[ "$fail" -eq 0 ] && echo "PASS: connect_args (25 bad-argument cases, help)"
exit "$fail"
