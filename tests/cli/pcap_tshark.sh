#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Captures written by tether must read cleanly in Wireshark's dissectors: no
# malformed packets, no bad IPv4/ICMP/TCP checksums, no expert warnings or
# errors. Captures: simulated pings (Ethernet and raw IP, fragmented and not)
# and the TCP demo. Usage: pcap_tshark.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
if ! command -v tshark >/dev/null 2>&1; then
    echo "SKIP: tshark is not installed"
    exit 77
fi
dir=$(mktemp -d /tmp/tt_pcap_tshark.XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail=0
ts() { tshark -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE "$@" 2>/dev/null; }

# check FILE EXPECTED_FRAMES EXPECTED_REPLIES(-1: not counted)
check() {
    local f=$1 want=$2 replies=$3 n bad expert r
    n=$(ts -r "$f" | wc -l)
    if [ "$n" -ne "$want" ]; then
        echo "FAIL: $f: $n frames, expected $want"; fail=1
    fi
    bad=$(ts -r "$f" -Y '_ws.malformed || ip.checksum.status == "Bad" || icmp.checksum.status == "Bad" || tcp.checksum.status == "Bad"' | wc -l)
    if [ "$bad" -ne 0 ]; then
        echo "FAIL: $f: $bad malformed or bad-checksum frames"; fail=1
    fi
    expert=$(ts -r "$f" -q -z expert)
    if grep -Eq '^(Errors|Warnings) \(' <<<"$expert"; then
        echo "FAIL: $f: expert info has warnings or errors:"; echo "$expert"; fail=1
    fi
    if [ "$replies" -ge 0 ]; then
        r=$(ts -r "$f" -Y 'icmp.type == 0' | wc -l)
        if [ "$r" -ne "$replies" ]; then
            echo "FAIL: $f: $r echo replies, expected $replies"; fail=1
        fi
    fi
}

"$TETHER" sim-ping --pcap "$dir/eth.pcap" --count 3 --size 56 >/dev/null || { echo "FAIL: sim-ping eth"; fail=1; }
check "$dir/eth.pcap" 8 3          # ARP request + reply, 3 x (request, reply)
"$TETHER" sim-ping --pcap "$dir/frag.pcap" --count 3 --size 4000 >/dev/null || { echo "FAIL: sim-ping frag"; fail=1; }
check "$dir/frag.pcap" 20 3        # ARP x2, 3 x (3 fragments each way)
"$TETHER" sim-ping --raw --pcap "$dir/raw.pcap" --count 2 --size 3000 >/dev/null || { echo "FAIL: sim-ping raw"; fail=1; }
check "$dir/raw.pcap" 12 2         # 2 x (3 fragments each way), no ARP
if "$TETHER" demo --pcap "$dir/demo.pcap" >/dev/null 2>&1; then
    n=$(ts -r "$dir/demo.pcap" -Y tcp | wc -l)
    check "$dir/demo.pcap" "$(ts -r "$dir/demo.pcap" | wc -l)" -1
    [ "$n" -ge 6 ] || { echo "FAIL: demo capture has only $n TCP segments"; fail=1; }
else
    echo "FAIL: tether demo --pcap did not run"; fail=1
fi

# The check must be able to fail: break the IPv4 header checksum of the first
# fragment (its TTL, at byte 24 + 2*(16+42) + 16 + 14 + 8 = 178) in a copy.
cp "$dir/frag.pcap" "$dir/broken.pcap"
printf '\001' | dd of="$dir/broken.pcap" bs=1 seek=178 conv=notrunc status=none
bad=$(ts -r "$dir/broken.pcap" -Y 'ip.checksum.status == "Bad"' | wc -l)
if [ "$bad" -ne 1 ]; then
    echo "FAIL: a corrupted IPv4 checksum went unnoticed ($bad bad frames)"; fail=1
fi

[ "$fail" -eq 0 ] && echo "PASS: pcap_tshark"
exit "$fail"
