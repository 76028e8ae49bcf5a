#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop: `tether connect` (stdin to the connection, the connection to
# stdout) talks to Linux listeners over a TAP device, inside a network
# namespace this script creates (only 192.0.2.0/24; nothing leaves it). Data
# goes both ways and is compared byte for byte, with each close order:
#   tether-first  tether's stdin ends first: tether sends its FIN, the Linux
#                 server reads to EOF, answers and closes; tether ends in
#                 TIME-WAIT (its trace), Linux shows none; stdout is a slow pipe
#                 (flow control towards stdout);
#   linux-first   the Linux server sends and closes before tether's stdin ends;
#                 Linux ends in TIME-WAIT (ss), tether CLOSE-WAIT -> LAST-ACK;
#   socat         a socat listener exchanging files both ways at once;
#   refused       no listener: "connection refused", exit 3;
#   reset         the server aborts (SO_LINGER 0): "reset", exit 4;
#   tun           the same stack over a TUN device (raw IPv4), tether -> Linux.
# Needs root, /dev/net/tun, ip, ss, socat and python3; exits 77 without.
# Usage: tcp_connect.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip ss socat python3 timeout cmp
tt_interop_setup connect
tap="tec$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24

# The Linux server: accept one connection on port $2 and act out mode $1.
cat >"$dir/server.py" <<'EOF'
import socket, struct, sys, time
mode, port, outfile, infile = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("192.0.2.1", port))
ls.listen(1)
open(outfile + ".ready", "w").close()
ls.settimeout(20)
s, _ = ls.accept()
s.settimeout(20)
reply = open(infile, "rb").read()
def read_all():
    got = bytearray()
    while True:
        b = s.recv(65536)
        if not b:
            return got
        got += b
if mode == "reset":
    s.recv(1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    sys.exit(0)
if mode == "tether-first":    # read to EOF, then answer and close
    got = read_all()
    s.sendall(reply)
else:                         # linux-first: answer and close our side first
    s.sendall(reply)
    s.shutdown(socket.SHUT_WR)
    got = read_all()
s.close()
open(outfile, "wb").write(got)
EOF
server() { # mode port: start the server in the background, wait until it listens
    ip netns exec "$ns" timeout 40 python3 "$dir/server.py" "$1" "$2" "$dir/srv.$1" \
        "$dir/reply" 2>"$dir/srv.$1.err" &
    tt_interop_until test -e "$dir/srv.$1.ready"
}
tconnect() { # target, then tether connect's stdin/stdout as redirected by the caller
    ip netns exec "$ns" timeout 40 "$TETHER" connect "$1" --tap "$tap" \
        --addr 192.0.2.2/24 --mac 02:00:00:00:00:02 --verbose
}
head -c 1000000 /dev/urandom >"$dir/data"
head -c 700000 /dev/urandom >"$dir/reply"
fail=0

# 1. tether first; stdout through a pipe that starts reading a second late.
server tether-first 5001
tconnect 192.0.2.1:5001 <"$dir/data" 2>"$dir/c1.err" | { sleep 1; cat >"$dir/c1.out"; }
rc=${PIPESTATUS[0]}
wait
[ "$rc" -eq 0 ] || { echo "FAIL: tether-first: connect exited $rc"; cat "$dir/c1.err"; fail=1; }
cmp -s "$dir/data" "$dir/srv.tether-first" || { echo "FAIL: tether-first: server got other bytes"; fail=1; }
cmp -s "$dir/reply" "$dir/c1.out" || { echo "FAIL: tether-first: stdout differs"; fail=1; }
grep -q "conn [0-9]* FIN-WAIT-[12] -> TIME-WAIT" "$dir/c1.err" ||
    { echo "FAIL: tether-first: no TIME-WAIT in tether's trace"; cat "$dir/c1.err"; fail=1; }
[ "$(NS ss -Htan state time-wait "( sport = :5001 )" | wc -l)" -eq 0 ] ||
    { echo "FAIL: tether-first: Linux shows TIME-WAIT"; fail=1; }

# 2. Linux first: tether's stdin stays open until the server has closed.
server linux-first 5002
{ sleep 1; cat "$dir/data"; } | tconnect 192.0.2.1:5002 >"$dir/c2.out" 2>"$dir/c2.err"
rc=${PIPESTATUS[1]}
wait
[ "$rc" -eq 0 ] || { echo "FAIL: linux-first: connect exited $rc"; cat "$dir/c2.err"; fail=1; }
cmp -s "$dir/data" "$dir/srv.linux-first" || { echo "FAIL: linux-first: server got other bytes"; fail=1; }
cmp -s "$dir/reply" "$dir/c2.out" || { echo "FAIL: linux-first: stdout differs"; fail=1; }
grep -q "conn [0-9]* CLOSE-WAIT -> LAST-ACK" "$dir/c2.err" &&
    grep -q "conn [0-9]* LAST-ACK -> CLOSED" "$dir/c2.err" ||
    { echo "FAIL: linux-first: tether did not close passively"; cat "$dir/c2.err"; fail=1; }
[ "$(NS ss -Htan state time-wait "( sport = :5002 )" | wc -l)" -eq 1 ] ||
    { echo "FAIL: linux-first: no TIME-WAIT on the Linux side"; fail=1; }

# 3. socat as the listener, files both ways at once.
ip netns exec "$ns" timeout 40 socat -t 10 TCP-LISTEN:5003,bind=192.0.2.1,reuseaddr - \
    <"$dir/reply" >"$dir/srv.socat" 2>"$dir/socat.err" &
tt_interop_until tt_interop_listening 5003
tconnect 192.0.2.1:5003 <"$dir/data" >"$dir/c3.out" 2>"$dir/c3.err"
rc=$?
wait
[ "$rc" -eq 0 ] || { echo "FAIL: socat: connect exited $rc"; cat "$dir/c3.err"; fail=1; }
cmp -s "$dir/data" "$dir/srv.socat" || { echo "FAIL: socat: server got other bytes"; fail=1; }
cmp -s "$dir/reply" "$dir/c3.out" || { echo "FAIL: socat: stdout differs"; fail=1; }

# 4. Refused: nobody listens on 5999.
tconnect 192.0.2.1:5999 </dev/null >/dev/null 2>"$dir/c4.err"
rc=$?
[ "$rc" -eq 3 ] && grep -q "^tether connect: connecting 192.0.2.1:5999: .*refused" "$dir/c4.err" ||
    { echo "FAIL: refused: exit $rc"; cat "$dir/c4.err"; fail=1; }

# 5. Reset by the server after the first byte; tether's stdin stays open.
server reset 5004
{ echo x; sleep 3; } | tconnect 192.0.2.1:5004 >/dev/null 2>"$dir/c5.err"
rc=${PIPESTATUS[1]}
wait
[ "$rc" -eq 4 ] && grep -q "^tether connect: .* 192.0.2.1:5004: .*reset" "$dir/c5.err" ||
    { echo "FAIL: reset: exit $rc"; cat "$dir/c5.err"; fail=1; }

# 6. Over TUN (raw IPv4, point-to-point), tether -> Linux.
tun="tuc$$"; tun=${tun:0:15}
tt_interop_dev tun "$tun" 192.0.2.5 peer 192.0.2.6
ip netns exec "$ns" timeout 40 socat -u TCP-LISTEN:5005,bind=192.0.2.5,reuseaddr - \
    >"$dir/srv.tun" 2>"$dir/socat6.err" &
tt_interop_until tt_interop_listening 5005
ip netns exec "$ns" timeout 40 "$TETHER" connect 192.0.2.5:5005 --tun "$tun" \
    --addr 192.0.2.6/30 <"$dir/data" >/dev/null 2>"$dir/c6.err"
rc=$?
wait
[ "$rc" -eq 0 ] || { echo "FAIL: tun: connect exited $rc"; cat "$dir/c6.err"; fail=1; }
cmp -s "$dir/data" "$dir/srv.tun" || { echo "FAIL: tun: server got other bytes"; fail=1; }

secs=$(tt_interop_secs)
[ "$fail" -eq 0 ] && echo "PASS: tcp_connect (tether-first, linux-first, socat; 1000000 bytes" \
    "out, 700000 in each; refused; reset; TUN; ${secs}s)"
exit "$fail"
