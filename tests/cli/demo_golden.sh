# SPDX-License-Identifier: BSD-2-Clause
# `tether demo` for fixed scenarios and seeds against tests/golden/demo_*.txt
# (plain text: output piped, so no colour). TT_UPDATE_GOLDEN=1 rewrites them.
# Also: bad arguments give one line and exit 2; --svg is well-formed XML;
# --pcap is read by tshark with no malformed packet. Without xmllint or
# tshark (scripts/deps.sh installs both) the test skips whole.
set -u
TETHER=${1:?usage: demo_golden.sh /path/to/tether}
HERE=$(cd "$(dirname "$0")" && pwd)
GOLDEN=$HERE/../golden
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
for tool in xmllint tshark; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (scripts/deps.sh test)"; exit 77; }
done

check() { # name, args...
    name=$1; shift
    "$TETHER" demo "$@" >"$TMP/$name.txt" 2>"$TMP/$name.err" || fail "demo $* exited $?: $(cat "$TMP/$name.err")"
    if [ -n "${TT_UPDATE_GOLDEN:-}" ]; then cp "$TMP/$name.txt" "$GOLDEN/demo_$name.txt"; return; fi
    diff -u "$GOLDEN/demo_$name.txt" "$TMP/$name.txt" || fail "demo $* differs from demo_$name.txt"
    while IFS= read -r line; do
        [ ${#line} -le "${WIDTH:-80}" ] || fail "demo $* is wider than ${WIDTH:-80} columns: $line"
    done <"$TMP/$name.txt"
}

export LC_ALL=C.UTF-8
check client_close
# The first SYN waits in the ARP queue for 10 ms (one round trip of who-has):
# it is drawn when it leaves, and the summary says why the handshake starts late.
grep -q '^   10.000               │── SYN seq=0' "$TMP/client_close.txt" || fail "the SYN is not drawn when it left the ARP queue"
grep -q "the client's SYN waited 10.000 ms for ARP" "$TMP/client_close.txt" || fail "no ARP line in the summary"
grep -q 'handshake 10.000 ms' "$TMP/client_close.txt" || fail "the handshake should take one RTT once ARP is out of it"
check server_close --server-closes-first
check simultaneous_close --simultaneous-close
check simultaneous_open --simultaneous-open
# Each SYN,ACK answers the other's SYN: no timer fired, so no retransmission mark.
grep -q 'SYN,ACK ↻' "$TMP/simultaneous_open.txt" && fail "--simultaneous-open marks a SYN,ACK as retransmitted"
# Figure 7 of RFC 9293 §3.5: each SYN,ACK establishes its receiver (as on
# Linux); neither is dropped, and no extra ACKs follow.
grep -q 'dropped' "$TMP/simultaneous_open.txt" && fail "--simultaneous-open drops a segment"
check half_close --half-close
check reset --reset
check loss --loss 0.3 --seed 3
check bulk --bytes 200000
check explain --explain
# A RACK retransmission says why, in numbers (RFC 8985 §6.2).
"$TETHER" demo --bytes 200000 --loss 0.05 --seed 1 --explain 2>/dev/null | sed 's/│//g' | tr '\n' ' ' |
    tr -s ' ' | grep -q 'RACK, RFC 8985): it was sent [0-9.]* ms ago, more than the RTT' ||
    fail "demo --loss 0.05 --explain: no RACK reason"
# Times past 99999.999 ms widen the time column (and the lines) by as much.
WIDTH=81 check long_time --loss 0.5 --seed 2
grep -q '^1[0-9]\{5\}\.[0-9]\{3\} ' "$GOLDEN/demo_long_time.txt" || fail "demo_long_time.txt has no time past 100 s"
# Every ACK the client got answered a retransmission: no RTT sample, said so
# (not "RTT 0.000 ms").
WIDTH=81 check no_rtt --loss 0.5 --seed 5
grep -q 'no RTT measured' "$TMP/no_rtt.txt" || fail "--loss 0.5 --seed 5: no 'no RTT measured'"
grep -q 'RTT 0.000' "$TMP/no_rtt.txt" && fail "--loss 0.5 --seed 5 prints RTT 0.000 ms"
# No connection at all: the summary says so, and who gave up why.
WIDTH=81 check no_connection --loss 0.9 --seed 1
grep -q 'no connection' "$TMP/no_connection.txt" || fail "--loss 0.9 --seed 1: no 'no connection'"
grep -q 'TIME-WAIT' "$TMP/no_connection.txt" && fail "--loss 0.9 --seed 1 speaks of TIME-WAIT"

if grep -q $'\033' "$TMP/client_close.txt"; then fail "colour escapes in piped output"; fi
for args in "--bogus" "--loss" "--loss 2" "--loss x" "--bytes 0" "--rtt -1" "--seed"; do
    # shellcheck disable=SC2086
    "$TETHER" demo $args >/dev/null 2>"$TMP/err"
    [ $? -eq 2 ] || fail "'demo $args' should exit 2"
    [ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "'demo $args' should print one line"
done

"$TETHER" demo --svg "$TMP/d.svg" --pcap "$TMP/d.pcap" >/dev/null || fail "demo --svg --pcap"
xmllint --noout "$TMP/d.svg" || fail "SVG not well-formed"
n=$(tshark -r "$TMP/d.pcap" -Y tcp 2>/dev/null | wc -l)
[ "$n" -ge 10 ] || fail "tshark sees $n TCP packets in the demo capture"
bad=$(tshark -r "$TMP/d.pcap" -Y '_ws.malformed' 2>/dev/null | wc -l)
[ "$bad" -eq 0 ] || fail "tshark: $bad malformed packets"
"$TETHER" ladder "$TMP/d.pcap" >/dev/null || fail "tether ladder cannot read the demo capture"
echo ok
