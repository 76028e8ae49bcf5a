#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop: curl against `tether serve --http` over a TAP device, in a
# network namespace this script creates (only 192.0.2.0/24, nothing leaves
# it). Downloads of 0 B, 1 B, 1 MiB and $BIG_MIB MiB compared by SHA-256;
# 50 concurrent curls; several requests on one kept-alive connection; a
# Range request; HEAD; a 404; a malformed request gets 400 and the server
# keeps serving; HTTP/1.0: the server closes first (no TIME-WAIT on Linux);
# ping answers while the big download runs; then the small downloads again
# with nftables dropping 1 % and 5 % of the packets Linux receives.
# A failure prints the capture's path (kept) and the ladder of the failing
# connection (curl's local port is fixed per request for that).
# Needs root, /dev/net/tun, ip, ss, nft, curl, python3, sha256sum, ping.
# Usage: http_curl.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip ss nft curl python3 sha256sum ping timeout
tt_interop_setup http
# The big file: 64 MiB keeps the test near 15 s under ASan on a loaded
# 2-core machine (256 MiB, as xfer_bulk.sh moves, took 25 s at 10 MiB/s).
BIG_MIB=${TT_HTTP_BIG_MIB:-64}
tap="tth$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24

www="$dir/www"
mkdir -p "$www/sub"
: >"$www/empty.bin"
printf 'x' >"$www/one.bin"
head -c $((1 << 20)) /dev/urandom >"$www/1m.bin"
head -c $((BIG_MIB << 20)) /dev/urandom >"$www/big.bin"
printf '<p>hello</p>\n' >"$www/sub/index.html"

ip netns exec "$ns" timeout 600 "$TETHER" serve --tap "$tap" --addr 192.0.2.2/24 \
    --http "$www" --verbose --pcap "$dir/serve.pcap" >"$dir/out" 2>"$dir/err" &
pid=$!
tt_interop_wait_log "TCP http on port 80" "$dir/out" "$pid" ||
    { echo "FAIL: tether serve did not start:"; cat "$dir/out" "$dir/err"; exit 1; }

fail=0
port=41000
# failed WHAT: report it and remember the local port of the failing
# connection ($port, the last one used): its ladder is drawn at the end, from
# the capture tether closes on exit.
failed_ports=()
failed() {
    echo "FAIL: $*"
    fail=1
    failed_ports+=("$port")
}
# fetch NAME [CURL ARGS...]: GET http://192.0.2.2/NAME to $dir/got from a
# fresh local port (not in a subshell: $port must advance); the status code
# in $code, curl's exit status returned.
fetch() {
    local name=$1
    shift
    port=$((port + 1))
    code=$(NS timeout 300 curl -sS --local-port "$port" -o "$dir/got" -w '%{http_code}' \
        --max-time 280 "$@" "http://192.0.2.2/$name")
}
sum() { sha256sum <"$1" | cut -d' ' -f1; }
check_download() { # NAME LABEL
    fetch "$1" || { failed "$2: curl $1 exited with $? (code $code)"; return; }
    [ "$code" = 200 ] || { failed "$2: $1: status $code"; return; }
    [ "$(sum "$dir/got")" = "$(sum "$www/$1")" ] || failed "$2: $1: SHA-256 differs"
}

# 1. Downloads, by SHA-256.
for f in empty.bin one.bin 1m.bin; do check_download $f clean; done
t0=$(date +%s.%N)
( sleep 1; NS ping -c 20 -i 0.1 -W 2 192.0.2.2 >"$dir/ping" 2>&1 ) &
ping_job=$!
check_download big.bin clean
t1=$(date +%s.%N)
wait "$ping_job"
rate=$(echo "$BIG_MIB / ($t1 - $t0)" | bc -l 2>/dev/null | cut -c1-6)
echo "big.bin: $BIG_MIB MiB in $(echo "$t1 - $t0" | bc | cut -c1-6) s ($rate MiB/s)"
got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$dir/ping")
# A reply may drop when the device queue is full of data frames; most must come.
[ "${got:-0}" -ge 15 ] || failed "ping during the download: ${got:-0} of 20 replies"

# 2. 50 concurrent curls of the 1 MiB file.
want=$(sum "$www/1m.bin")
jobs=()
for i in $(seq 50); do
    ( NS timeout 120 curl -sS --max-time 100 "http://192.0.2.2/1m.bin" | sha256sum |
        cut -d' ' -f1 >"$dir/c$i" ) &
    jobs+=($!)
done
wait "${jobs[@]}"
bad=0
for i in $(seq 50); do [ "$(cat "$dir/c$i")" = "$want" ] || bad=$((bad + 1)); done
[ "$bad" -eq 0 ] || failed "concurrent: $bad of 50 downloads differ"

# 3. Keep-alive: five requests, one connection.
port=$((port + 1))
n=$(NS timeout 60 curl -sS --local-port "$port" -o /dev/null -o /dev/null -o /dev/null \
    -o /dev/null -o /dev/null -w '%{num_connects}\n' "http://192.0.2.2/one.bin" \
    "http://192.0.2.2/1m.bin" "http://192.0.2.2/sub/" "http://192.0.2.2/empty.bin" \
    "http://192.0.2.2/one.bin" | paste -sd' ')
[ "$n" = "1 0 0 0 0" ] || failed "keep-alive: connections per request '$n', want '1 0 0 0 0'"

# 4. Range, HEAD, 404, a directory's index.html.
fetch 1m.bin -r 1000-1999
[ "$code" = 206 ] && cmp -s "$dir/got" <(tail -c +1001 "$www/1m.bin" | head -c 1000) ||
    failed "range: status $code or bytes differ"
port=$((port + 1))
head_out=$(NS timeout 30 curl -sS --local-port "$port" -I "http://192.0.2.2/1m.bin" | tr -d '\r')
grep -q "^HTTP/1.1 200 OK$" <<<"$head_out" && grep -q "^Content-Length: 1048576$" <<<"$head_out" ||
    failed "HEAD: '$head_out'"
fetch nope.txt
[ "$code" = 404 ] || failed "404: got $code"
fetch sub/
[ "$code" = 200 ] && grep -q hello "$dir/got" || failed "index.html: status $code"
fetch %2e%2e/%2e%2e/etc/passwd --path-as-is
[ "$code" = 403 ] || failed "traversal: got $code"

# 5. A malformed request: 400, the connection closed, the server still serves.
cat >"$dir/bad.py" <<'EOF'
import socket, sys
s = socket.create_connection(("192.0.2.2", 80), timeout=20)
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nBad Field: y\r\n\r\n")
got = b""
while True:
    b = s.recv(4096)
    if not b:
        break
    got += b
print(got.split(b"\r\n")[0].decode())
EOF
line=$(NS timeout 30 python3 "$dir/bad.py")
[ "$line" = "HTTP/1.1 400 Bad Request" ] || failed "malformed request: '$line'"
check_download one.bin after-400

# 6. HTTP/1.0: the server closes first, so Linux shows no TIME-WAIT.
fetch one.bin --http1.0
[ "$code" = 200 ] || failed "HTTP/1.0: status $code"
sleep 0.3
tw=$(NS ss -Htan state time-wait "( sport = :$port )" | grep -c 192.0.2)
[ "$tw" -eq 0 ] || failed "HTTP/1.0: Linux in TIME-WAIT, the server should have closed first"
# HTTP/1.1: curl closes first (after the response), so Linux has the TIME-WAIT.
fetch one.bin
sleep 0.3
tw=$(NS ss -Htan state time-wait "( sport = :$port )" | grep -c 192.0.2)
[ "$tw" -eq 1 ] || failed "HTTP/1.1: no TIME-WAIT on Linux after curl closed first"

# 7. The downloads again with 1 % and 5 % of what Linux receives dropped.
for pct in 1 5; do
    NS nft -f - <<EOF || failed "nft"
table inet tt_loss {
    chain in { type filter hook input priority 0; ip saddr 192.0.2.2 numgen random mod 100 < $pct drop; }
}
EOF
    for f in empty.bin one.bin 1m.bin; do check_download $f "loss $pct %"; done
    NS nft delete table inet tt_loss
done

tt_interop_signal INT tether
wait "$pid"
rc=$?
[ "$rc" -eq 0 ] || failed "tether serve exited with $rc"
grep "http:" "$dir/out"
if [ "$fail" -ne 0 ]; then
    keep=$(mktemp /tmp/tt_http_fail.XXXXXX.pcap)
    cp "$dir/serve.pcap" "$keep"
    echo "capture kept: $keep"
    for p in "${failed_ports[@]}"; do
        echo "the ladder of the connection from port $p (tether ladder $keep --port $p):"
        "$TETHER" ladder "$keep" --port "$p" 2>&1 | head -80 | sed 's/^/  /'
    done
    echo "tether's report and the last 20 lines of its stderr:"
    cat "$dir/out"
    tail -20 "$dir/err"
    exit 1
fi
echo "PASS: http_curl ($(tt_interop_secs) s)"
