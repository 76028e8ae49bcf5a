#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop: `tether get` downloads from a Linux HTTP server
# (python3 -m http.server) over a TAP and a TUN device, in a network
# namespace this script creates (only 192.0.2.0/24). Files of 0 B, 1 B,
# 1 MiB and 32 MiB compared by SHA-256; again with nftables dropping 1 % and
# 5 % of what Linux sends; a redirect followed (/sub -> /sub/); the exit
# status of a 404 (4), of a refused connection (3) and of a missing device (1).
# Needs root, /dev/net/tun, ip, nft, python3, sha256sum.
# Usage: http_get.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip nft python3 sha256sum timeout
tt_interop_setup get
tap="ttg$$"; tap=${tap:0:15}
tun="ttgu$$"; tun=${tun:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24
tt_interop_dev tun "$tun" 192.0.2.9 peer 192.0.2.10

www="$dir/www"
mkdir -p "$www/sub"
: >"$www/empty.bin"
printf 'x' >"$www/one.bin"
head -c $((1 << 20)) /dev/urandom >"$www/1m.bin"
head -c $((32 << 20)) /dev/urandom >"$www/32m.bin"
printf 'hi\n' >"$www/sub/index.html"
(cd "$www" && exec ip netns exec "$ns" python3 -m http.server 8000 --bind 0.0.0.0 \
    >"$dir/py.log" 2>&1) &
tt_interop_until tt_interop_listening 8000 || { echo "FAIL: http.server did not start"; exit 1; }

fail=0
# get DEV-OPTS URL-PATH: tether get to $dir/got; its exit status in $rc.
get() {
    local devopts=$1 path=$2 host=${3:-192.0.2.1}
    ip netns exec "$ns" timeout 120 "$TETHER" get "http://$host:8000/$path" -o "$dir/got" \
        $devopts --pcap "$dir/get.pcap" 2>"$dir/get.err"
    rc=$?
}
TAPOPTS="--tap $tap --addr 192.0.2.2/24"
TUNOPTS="--tun $tun --addr 192.0.2.10/30"
sum() { sha256sum <"$1" | cut -d' ' -f1; }
check() { # LABEL DEV-OPTS NAME [HOST]
    get "$2" "$3" "${4:-}"
    if [ "$rc" -ne 0 ] || [ "$(sum "$dir/got")" != "$(sum "$www/$3")" ]; then
        echo "FAIL: $1: $3: exit $rc or SHA-256 differs; tether get said:"
        sed 's/^/  /' "$dir/get.err"
        keep=$(mktemp /tmp/tt_get_fail.XXXXXX.pcap)
        cp "$dir/get.pcap" "$keep" && echo "  capture kept: $keep"
        "$TETHER" ladder "$keep" 2>&1 | head -60 | sed 's/^/  /'
        fail=1
    fi
}

for f in empty.bin one.bin 1m.bin 32m.bin; do check tap "$TAPOPTS" $f; done
grep -q "32m.bin" "$dir/py.log" || { echo "FAIL: http.server saw no request"; fail=1; }
grep -q "^tether get: 200 OK, 33554432 bytes$" "$dir/get.err" ||
    { echo "FAIL: no status line on stderr:"; cat "$dir/get.err"; fail=1; }
grep -q "tether get: 33554432 of 33554432 bytes" "$dir/get.err" ||
    { echo "FAIL: no plain progress line on stderr (not a terminal):"; cat "$dir/get.err"; fail=1; }
for f in one.bin 1m.bin; do check tun "$TUNOPTS" $f 192.0.2.9; done

# A redirect: http.server sends 301 to /sub/ for a folder without its slash.
get "$TAPOPTS" sub
[ "$rc" -eq 0 ] && grep -q "^hi$" "$dir/got" && grep -q "^tether get: 301" "$dir/get.err" ||
    { echo "FAIL: redirect: exit $rc:"; cat "$dir/get.err"; fail=1; }
get "$TAPOPTS" nope.bin
[ "$rc" -eq 4 ] || { echo "FAIL: 404: exit $rc, want 4"; cat "$dir/get.err"; fail=1; }
[ ! -e "$dir/got" ] || [ "$(sum "$dir/got")" = "$(sum "$www/sub/index.html")" ] ||
    { echo "FAIL: 404: the error page was written to the output"; fail=1; }
ip netns exec "$ns" timeout 60 "$TETHER" get http://192.0.2.1:1/ -o "$dir/x" $TAPOPTS \
    2>"$dir/get.err"
rc=$?
[ "$rc" -eq 3 ] || { echo "FAIL: refused: exit $rc, want 3"; cat "$dir/get.err"; fail=1; }
ip netns exec "$ns" "$TETHER" get http://192.0.2.1:8000/ --tap nosuch0 --addr 192.0.2.2/24 \
    2>"$dir/get.err"
rc=$?
[ "$rc" -eq 1 ] && grep -q "no tap device nosuch0" "$dir/get.err" ||
    { echo "FAIL: missing device: exit $rc"; cat "$dir/get.err"; fail=1; }

# Loss on the Linux side: drop 1 % and 5 % of what Linux sends to tether.
for pct in 1 5; do
    NS nft -f - <<EOF || { echo "FAIL: nft"; fail=1; }
table inet tt_loss {
    chain out { type filter hook output priority 0; ip daddr 192.0.2.2 numgen random mod 100 < $pct drop; }
}
EOF
    for f in one.bin 1m.bin 32m.bin; do check "loss $pct %" "$TAPOPTS" $f; done
    NS nft delete table inet tt_loss
done

[ "$fail" -eq 0 ] || exit 1
echo "PASS: http_get ($(tt_interop_secs) s)"
