#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `tether serve` rejects each bad argument with exit status 2 and a one-line
# message naming the problem, before touching any device. Also checks the
# command's dispatch (help, version, unknown command).
# Usage: serve_args.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
fail=0

# expect STATUS PATTERN ARGS...: run tether ARGS, check status and stderr.
expect() {
    local want=$1 pat=$2 out rc lines
    shift 2
    out=$("$TETHER" "$@" 2>&1 >/dev/null)
    rc=$?
    lines=$(printf '%s\n' "$out" | grep -c .)
    if [ "$rc" -ne "$want" ]; then
        echo "FAIL: tether $* -> status $rc, expected $want ($out)"; fail=1
    elif ! grep -q -- "$pat" <<<"$out"; then
        echo "FAIL: tether $* -> message '$out' lacks '$pat'"; fail=1
    elif [ "$want" -eq 2 ] && [ "$lines" -ne 1 ]; then
        echo "FAIL: tether $* -> $lines lines of message, expected one"; fail=1
    fi
}

T="--tap tt_none0"
expect 2 "unknown option '--bogus'" serve $T --addr 192.0.2.2/24 --bogus 1
expect 2 "unknown option '--bogus'" serve --bogus
expect 2 "--addr A.B.C.D/N is required" serve $T
expect 2 "one of --tap NAME or --tun NAME is required" serve --addr 192.0.2.2/24
expect 2 "bad address in --addr '192.0.2.256/24'" serve $T --addr 192.0.2.256/24
expect 2 "bad address in --addr 'foo/24'" serve $T --addr foo/24
expect 2 "bad address in --addr '192.0.2/24'" serve $T --addr 192.0.2/24
expect 2 "bad or missing prefix length in --addr '192.0.2.2/33'" serve $T --addr 192.0.2.2/33
expect 2 "bad or missing prefix length in --addr '192.0.2.2'" serve $T --addr 192.0.2.2
expect 2 "bad or missing prefix length in --addr '192.0.2.2/x'" serve $T --addr 192.0.2.2/x
expect 2 "is not a unicast address" serve $T --addr 224.0.0.1/24
expect 2 "give only one of --tap and --tun" serve --tap a --tun b --addr 192.0.2.2/24
expect 2 "give only one of --tap and --tun" serve --tap a --tap b --addr 192.0.2.2/24
expect 2 "bad MAC 'zz:00:00:00:00:01'" serve $T --addr 192.0.2.2/24 --mac zz:00:00:00:00:01
expect 2 "bad MAC '02:00:00:00:01'" serve $T --addr 192.0.2.2/24 --mac 02:00:00:00:01
expect 2 "bad MAC '02:00:00:00:00:01:07'" serve $T --addr 192.0.2.2/24 --mac 02:00:00:00:00:01:07
expect 2 "is multicast" serve $T --addr 192.0.2.2/24 --mac 01:00:5e:00:00:01
expect 2 "--mac applies to --tap only" serve --tun t0 --addr 192.0.2.2/24 --mac 02:00:00:00:00:01
expect 2 "MTU '67' out of range" serve $T --addr 192.0.2.2/24 --mtu 67
expect 2 "MTU '9001' out of range" serve $T --addr 192.0.2.2/24 --mtu 9001
expect 2 "MTU '1500x' out of range" serve $T --addr 192.0.2.2/24 --mtu 1500x
expect 2 "MTU '' out of range" serve $T --addr 192.0.2.2/24 --mtu=
expect 2 "bad gateway address '192.0.2'" serve $T --addr 192.0.2.2/24 --gw 192.0.2
expect 2 "bad device name" serve --tap waytoolongdevicename --addr 192.0.2.2/24
expect 2 "option '--addr' needs a value" serve $T --addr
expect 2 "unexpected argument 'extra'" serve $T --addr 192.0.2.2/24 extra
expect 2 "empty --pcap file name" serve $T --addr 192.0.2.2/24 --pcap=
# The TCP service options.
A="$T --addr 192.0.2.2/24"
expect 2 "give only one of --echo, --discard, --source and --http" serve $A --echo --discard
expect 2 "give only one of --echo, --discard, --source and --http" serve $A --source 10 --echo
expect 2 "bad byte count 'x' for --source" serve $A --source x
expect 2 "bad byte count '-1' for --source" serve $A --source -1
expect 2 "bad byte count '' for --source" serve $A --source=
expect 2 "port '0' out of range" serve $A --echo --port 0
expect 2 "port '65536' out of range" serve $A --echo --port 65536
expect 2 "port '7x' out of range" serve $A --echo --port 7x
expect 2 "--port and --close-first need a service" serve $A --port 7
expect 2 "--port and --close-first need a service" serve $A --close-first
expect 2 "--close-first applies to --echo only" serve $A --discard --close-first
expect 2 "bad byte count '0' for --close-first" serve $A --echo --close-first=0
expect 2 "bad byte count 'x' for --close-first" serve $A --echo --close-first=x
expect 2 "option '--echo' takes no value" serve $A --echo=1
expect 2 "option '--verbose' takes no value" serve $A --verbose=yes
expect 2 "option '--port' needs a value" serve $A --echo --port
expect 2 "give only one of --echo, --discard, --source and --http" serve $A --http /tmp --echo
expect 2 "empty --http directory" serve $A --http=
expect 2 "option '--create' takes no value" serve $A --create=1
# A missing device is an error naming the fix, not a new device (status 1).
expect 1 "no tap device tt_none0: create and configure it first.*or give --create" serve $A --echo
expect 1 "no tun device tt_none0" serve --tun tt_none0 --addr 192.0.2.2/24
expect 1 "--http /nonexistent/dir: No such file" serve $A --http /nonexistent/dir
expect 1 "--http /etc/passwd: Not a directory" serve $A --http /etc/passwd
expect 2 "unknown command 'nosuch'" nosuch
"$TETHER" >/dev/null 2>&1; rc=$?
[ "$rc" -eq 2 ] || { echo "FAIL: no command -> status $rc, expected 2"; fail=1; }

# Success paths that touch no device.
out=$("$TETHER" serve --help) && grep -q -- "--tap NAME" <<<"$out" || { echo "FAIL: serve --help"; fail=1; }
grep -q -- "--close-first" <<<"$out" || { echo "FAIL: serve --help lacks --close-first"; fail=1; }
out=$("$TETHER" --help) && grep -q "serve" <<<"$out" || { echo "FAIL: --help"; fail=1; }
grep -q "sim-ping" <<<"$out" && { echo "FAIL: hidden sim-ping listed in --help"; fail=1; }
out=$("$TETHER" version) && grep -Eq '^tether [0-9]+\.[0-9]+\.[0-9]+$' <<<"$out" || { echo "FAIL: version"; fail=1; }

[ "$fail" -eq 0 ] && echo "PASS: serve_args"
exit "$fail"
