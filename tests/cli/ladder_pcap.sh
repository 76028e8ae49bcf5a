# SPDX-License-Identifier: BSD-2-Clause
# `tether ladder FILE.pcap`: the committed capture (built byte by byte by
# tests/unit/test_ladder_pcap.c) drawn as the golden text, as well-formed SVG,
# with choices and errors, cut short, and as pcapng (editcap); tshark must read
# the same packets with no malformed packet and no checksum error.
set -u
TETHER=${1:?usage: ladder_pcap.sh /path/to/tether}
HERE=$(cd "$(dirname "$0")" && pwd)
GOLDEN=$HERE/../golden
PCAP=$GOLDEN/ladder_capture.pcap
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# Both tools are part of the check (scripts/deps.sh installs them): without
# one the test skips whole rather than pass with less checked.
for tool in xmllint tshark editcap; do
    command -v "$tool" >/dev/null || { echo "skipped: $tool is not installed (scripts/deps.sh test)"; exit 77; }
done

"$TETHER" ladder "$PCAP" --port 80 --svg "$TMP/l.svg" >"$TMP/out.txt" 2>"$TMP/err.txt" ||
    fail "ladder --port 80 exited $?: $(cat "$TMP/err.txt")"
diff -u "$GOLDEN/ladder_capture.txt" "$TMP/out.txt" || fail "text differs from golden"
grep -q '<svg' "$TMP/l.svg" || fail "no SVG written"
xmllint --noout "$TMP/l.svg" || fail "SVG is not well-formed"

# Piped output has no colour; --absolute shows raw numbers.
"$TETHER" ladder "$PCAP" --conn 1 --absolute >"$TMP/abs.txt" || fail "--conn 1 --absolute"
grep -q "seq=268435456 win=64240" "$TMP/abs.txt" || fail "absolute SYN sequence number missing"
if grep -q $'\033' "$TMP/abs.txt"; then fail "colour escape in piped output"; fi
"$TETHER" ladder "$PCAP" --conn 2 --explain >"$TMP/c2.txt" || fail "--conn 2"
grep -q "RST,ACK seq=0 ack=1" "$TMP/c2.txt" || fail "conn 2 RST row missing"
grep -q "aborts the connection" "$TMP/c2.txt" || fail "--explain sentence missing"

# Ambiguity and bad arguments: one clear message, exit 2.
"$TETHER" ladder "$PCAP" >/dev/null 2>"$TMP/amb.txt"
[ $? -eq 2 ] || fail "ambiguous capture should exit 2"
grep -q -- "--conn 2   192.0.2.1:40200 <-> 192.0.2.2:81" "$TMP/amb.txt" || fail "no list of connections"
for args in "" "--conn" "--conn x $PCAP" "--conn 1 --port 80 $PCAP" "--bogus $PCAP"; do
    # shellcheck disable=SC2086
    "$TETHER" ladder $args >/dev/null 2>&1
    [ $? -eq 2 ] || fail "'ladder $args' should exit 2"
done
"$TETHER" ladder "$TMP/missing.pcap" >/dev/null 2>&1
[ $? -eq 1 ] || fail "missing file should exit 1"

# A file cut inside its 8th record (630 bytes in): the 7 packets before are
# drawn, and the cut is reported; tshark reads the same 7.
head -c 640 "$PCAP" >"$TMP/cut.pcap"
"$TETHER" ladder "$TMP/cut.pcap" --port 80 >"$TMP/cut.txt" 2>"$TMP/cut.err" ||
    fail "a cut file should still be drawn: $(cat "$TMP/cut.err")"
grep -q "cut short (or damaged) at byte 630, in record 8; drawing the 7 records" "$TMP/cut.err" ||
    fail "no message about the cut: $(cat "$TMP/cut.err")"
grep -q "PSH,ACK ↻RTO seq=1:41" "$TMP/cut.txt" || fail "the cut file lost its 7th packet"
grep -q "cut short at byte 630" "$TMP/cut.txt" || fail "the ladder does not say where the file was cut"
[ "$(tshark -r "$TMP/cut.pcap" 2>/dev/null | wc -l)" -eq 7 ] || fail "tshark reads the cut file differently"

# pcapng as Wireshark's tools write it (editcap comes with tshark) draws the
# same ladder.
editcap -F pcapng "$PCAP" "$TMP/l.pcapng" || fail "editcap -F pcapng"
"$TETHER" ladder "$TMP/l.pcapng" --port 80 >"$TMP/ng.txt" || fail "ladder of a pcapng file"
diff -u "$GOLDEN/ladder_capture.txt" "$TMP/ng.txt" || fail "pcapng draws differently"
# A pcapng whose last block is cut short: the blocks before it are drawn, and
# the cut is reported where it is; tshark reads as many packets.
sz=$(stat -c %s "$TMP/l.pcapng")
head -c $((sz - 30)) "$TMP/l.pcapng" >"$TMP/cut.pcapng"
"$TETHER" ladder "$TMP/cut.pcapng" --port 80 >"$TMP/cutng.txt" 2>"$TMP/cutng.err" ||
    fail "a cut pcapng should still be drawn: $(cat "$TMP/cutng.err")"
grep -q "cut short (or damaged) at byte [0-9]*, in record 12; drawing the 11 records" "$TMP/cutng.err" ||
    fail "no message about the pcapng cut: $(cat "$TMP/cutng.err")"
grep -q "cut short at byte" "$TMP/cutng.txt" || fail "the pcapng ladder does not say where it was cut"
[ "$(tshark -r "$TMP/cut.pcapng" 2>/dev/null | wc -l)" -eq 11 ] || fail "tshark reads the cut pcapng differently"

n=$(tshark -r "$PCAP" 2>/dev/null | wc -l)
[ "$n" -eq 12 ] || fail "tshark reads $n packets, expected 12"
bad=$(tshark -r "$PCAP" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE \
    -Y '_ws.malformed || _ws.expert.severity >= error || tcp.checksum.status == 0 || ip.checksum.status == 0' \
    2>/dev/null | wc -l)
[ "$bad" -eq 0 ] || fail "tshark flags $bad packets"
echo "ok"
