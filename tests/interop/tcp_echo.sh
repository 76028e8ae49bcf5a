#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop: Linux TCP clients talk to `tether serve --echo` over TAP
# devices, inside a network namespace this script creates (only 192.0.2.0/24,
# nothing leaves it). Every byte echoed is compared, with each close order:
#   linux-first   Linux sends, shuts down its side, reads the echo to EOF:
#                 Linux ends in TIME-WAIT (ss), tether goes CLOSE-WAIT ->
#                 LAST-ACK -> CLOSED (its --verbose trace);
#   tether-first  tether (--close-first=N) closes after echoing N bytes: tether
#                 ends in TIME-WAIT (trace and exit report), Linux does not;
#   both          simultaneous close: nftables holds back the FINs of both sides
#                 until both have sent one, so each side's FIN crosses the
#                 other's: CLOSING -> TIME-WAIT on the tether side, and TIME-WAIT
#                 on both sides;
# plus four concurrent linux-first clients and one through socat.
# Needs root, /dev/net/tun, ip, ss, nft, socat, python3 and tshark; exits 77 without.
# Usage: tcp_echo.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip ss nft socat python3 timeout tshark
tt_interop_setup echo
tapa="tea$$"; tapa=${tapa:0:15}
tapb="teb$$"; tapb=${tapb:0:15}
pids=()

# Two persistent TAPs, configured before tether attaches: A (192.0.2.0/28)
# for a plain echo server, B (192.0.2.16/28) for one that closes first.
tt_interop_dev tap "$tapa" 192.0.2.1/28
tt_interop_dev tap "$tapb" 192.0.2.17/28
N=100000 # bytes per client; tether-first servers close after echoing N
# Not through NS: a function would run in a subshell and $! would be its pid.
ip netns exec "$ns" timeout 120 "$TETHER" serve --tap "$tapa" --addr 192.0.2.2/28 --echo \
    --verbose --pcap "$dir/a.pcap" >"$dir/a.out" 2>"$dir/a.err" &
pids+=($!)
ip netns exec "$ns" timeout 120 "$TETHER" serve --tap "$tapb" --addr 192.0.2.18/28 --echo \
    --port 7 --close-first=$N --verbose >"$dir/b.out" 2>"$dir/b.err" &
pids+=($!)
tt_interop_wait_log "TCP echo" "$dir/a.out" "${pids[0]}"
tt_interop_wait_log "TCP echo" "$dir/b.out" "${pids[1]}"
for x in a b; do
    grep -q "^tether: TCP echo on port 7$" "$dir/$x.out" ||
        { echo "FAIL: tether serve $x did not start:"; cat "$dir/$x.out" "$dir/$x.err"; exit 1; }
done

# The Linux client: connect from a given port, send N random bytes, close as
# the mode says, read the echo to EOF, compare.
cat >"$dir/client.py" <<'EOF'
import os, socket, subprocess, sys, time
mode, host, sport, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
data = os.urandom(n)
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.settimeout(20)
s.bind(("0.0.0.0", sport))
s.connect((host, 7))
s.sendall(data)
if mode == "linux-first":
    s.shutdown(socket.SHUT_WR)
elif mode == "both":
    time.sleep(0.3)                # tether has echoed and sent its (held) FIN
    s.shutdown(socket.SHUT_WR)     # ours is held too
    time.sleep(0.3)
    subprocess.run(["nft", "delete", "table", "inet", "tt_hold"], check=True)
got = bytearray()
while True:
    b = s.recv(65536)
    if not b:
        break
    got += b
s.close()
if bytes(got) != data:
    print(f"{mode} :{sport}: echo differs: sent {len(data)}, got {len(got)}")
    sys.exit(1)
print(f"{mode} :{sport}: {len(got)} bytes echoed")
EOF
client() { ip netns exec "$ns" timeout 30 python3 "$dir/client.py" "$@"; }
fail=0
tw() { NS ss -Htan state time-wait "( sport = :$1 )" | grep -c "192.0.2"; }
# The tether trace of the connection accepted from port $2 in file $1.
conn_trace() {
    local id
    id=$(sed -n "s/^tether serve: conn \([0-9]*\) accepted from .*:$2\$/\1/p" "$1")
    [ -n "$id" ] && grep "^tether serve: conn $id " "$1" | sed "s/^tether serve: conn $id /conn /"
}

# 1. Linux closes first; four concurrent clients; one through socat.
client linux-first 192.0.2.2 40001 $N || fail=1
for p in 40011 40012 40013 40014; do client linux-first 192.0.2.2 $p $N & done
for p in 40011 40012 40013 40014; do wait -n || fail=1; done
head -c 30000 /dev/urandom >"$dir/socat.in"
NS timeout 20 socat -t 10 - TCP:192.0.2.2:7,sourceport=40021 <"$dir/socat.in" \
    >"$dir/socat.out" || { echo "FAIL: socat exited with $?"; fail=1; }
cmp -s "$dir/socat.in" "$dir/socat.out" || { echo "FAIL: socat echo differs"; fail=1; }
for p in 40001 40011 40012 40013 40014 40021; do
    [ "$(tw $p)" -eq 1 ] || { echo "FAIL: linux-first :$p: no TIME-WAIT in ss"; fail=1; }
done
want="conn ESTABLISHED -> CLOSE-WAIT|conn CLOSE-WAIT -> LAST-ACK|conn LAST-ACK -> CLOSED"
got=$(conn_trace "$dir/a.err" 40001 | grep -- "->" | grep -v "SYN-RECEIVED" | paste -sd'|')
[ "$got" = "$want" ] || { echo "FAIL: linux-first: tether trace '$got', want '$want'"; fail=1; }

# 2. tether closes first.
client tether-first 192.0.2.18 40002 $N || fail=1
[ "$(tw 40002)" -eq 0 ] || { echo "FAIL: tether-first: Linux shows TIME-WAIT"; fail=1; }
# Linux may ACK our FIN alone (FIN-WAIT-2 on the way) or with its own FIN.
want1="conn ESTABLISHED -> FIN-WAIT-1|conn FIN-WAIT-1 -> FIN-WAIT-2|conn FIN-WAIT-2 -> TIME-WAIT"
want2="conn ESTABLISHED -> FIN-WAIT-1|conn FIN-WAIT-1 -> TIME-WAIT"
got=$(conn_trace "$dir/b.err" 40002 | grep -- "->" | grep -v "SYN-RECEIVED" | paste -sd'|')
[ "$got" = "$want1" ] || [ "$got" = "$want2" ] ||
    { echo "FAIL: tether-first: tether trace '$got', want '$want1' or '$want2'"; fail=1; }

# 3. Both at once: hold every FIN of port 40003, either way, until the client
# has shut down its side too (it deletes the table then).
NS nft -f - <<EOF || { echo "FAIL: nft"; fail=1; }
table inet tt_hold {
    chain out { type filter hook output priority 0; tcp sport 40003 tcp flags & fin == fin drop; }
    chain in { type filter hook input priority 0; tcp dport 40003 tcp flags & fin == fin drop; }
}
EOF
client both 192.0.2.18 40003 $N || fail=1
[ "$(tw 40003)" -eq 1 ] || { echo "FAIL: both: no TIME-WAIT in ss on the Linux side"; fail=1; }
got=$(conn_trace "$dir/b.err" 40003 | grep -- "->" | grep -v "SYN-RECEIVED" | paste -sd'|')
want="conn ESTABLISHED -> FIN-WAIT-1|conn FIN-WAIT-1 -> CLOSING|conn CLOSING -> TIME-WAIT"
[ "$got" = "$want" ] || { echo "FAIL: both: tether trace '$got', want '$want'"; fail=1; }

# Stop the servers; their reports must show every connection finished.
tt_interop_signal INT tether
for p in "${pids[@]}"; do wait "$p" || { echo "FAIL: tether serve exited with $?"; fail=1; }; done
pids=()
grep -q "^tether: echo on port 7: 6 accepted, 6 finished, 0 failed, 0 open; 0 in TIME-WAIT$" \
    "$dir/a.out" || { echo "FAIL: server A report:"; cat "$dir/a.out"; fail=1; }
grep -q "^tether: echo on port 7: 2 accepted, 2 finished, 0 failed, 0 open; 2 in TIME-WAIT$" \
    "$dir/b.out" || { echo "FAIL: server B report:"; cat "$dir/b.out"; fail=1; }
n=$(tshark -r "$dir/a.pcap" -Y 'tcp.flags.fin == 1' 2>/dev/null | wc -l)
[ "$n" -ge 12 ] || { echo "FAIL: capture A holds $n FINs, expected >= 12"; fail=1; }
secs=$(tt_interop_secs)
if [ "$fail" -eq 0 ]; then
    echo "PASS: tcp_echo (linux-first x6 incl. 4 concurrent and socat, tether-first, both;" \
        "$N bytes each; ${secs}s)"
else
    echo "--- server A stderr"; cat "$dir/a.err"; echo "--- server B stderr"; cat "$dir/b.err"
fi
exit "$fail"
