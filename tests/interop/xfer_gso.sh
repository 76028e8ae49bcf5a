#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Linux interop, the TAP's offloads (IFF_VNET_HDR): 32 MiB Linux -> tether
# and 32 MiB tether -> Linux through a TAP left with Linux's defaults, so
# the kernel hands tether TCP super-frames (TSO, up to 64 KiB per read) and
# frames with their checksum left to complete. Passes when both transfers
# arrive SHA-256 equal, and the kernel's packet count on the TAP shows that
# super-frames were sent (fewer packets than the segments tether took in).
# Needs root, /dev/net/tun, ip, ss, socat, sha256sum; exits 77 without.
# Usage: xfer_gso.sh /path/to/tether
set -u
TETHER=${1:?usage: $0 /path/to/tether}
# shellcheck source=SCRIPTDIR/../support/interop.sh
source "$(dirname "$0")/../support/interop.sh"
tt_interop_require ip ss socat sha256sum timeout
tt_interop_setup gso
tap="txg$$"; tap=${tap:0:15}
tt_interop_dev tap "$tap" 192.0.2.1/24
head -c $((32 << 20)) /dev/urandom >"$dir/data" || { echo "FAIL: no test data"; exit 1; }
want=$(sha256sum <"$dir/data" | cut -d' ' -f1)
fail=0

# Linux -> tether: count what the kernel sent on the TAP against the frames
# tether's stack took in.
tx0=$(NS cat "/sys/class/net/$tap/statistics/tx_packets")
NS timeout 60 socat -u "FILE:$dir/data" "TCP-LISTEN:7001,bind=192.0.2.1,reuseaddr" 2>/dev/null &
tt_interop_until tt_interop_listening 7001
got=$(NS timeout 60 "$TETHER" connect 192.0.2.1:7001 --tap "$tap" --addr 192.0.2.2/24 --verbose \
    </dev/null 2>"$dir/err" | sha256sum | cut -d' ' -f1)
wait
tx=$(( $(NS cat "/sys/class/net/$tap/statistics/tx_packets") - tx0 ))
frames=$(sed -n 's/^ *link_in_frames *\([0-9]*\).*/\1/p' "$dir/err")
echo "Linux -> tether: the kernel sent $tx packets, tether took in ${frames:-?} frames"
[ "$got" = "$want" ] || { echo "FAIL: Linux -> tether: SHA-256 $got, want $want"; cat "$dir/err"; fail=1; }
if [ -z "$frames" ] || [ "$tx" -ge "$frames" ]; then
    echo "FAIL: no super-frames: $tx packets from the kernel for ${frames:-?} frames"
    fail=1
fi

# tether -> Linux: partial checksums never come back this way; the data must.
NS timeout 60 socat -u "TCP-LISTEN:7002,bind=192.0.2.1,reuseaddr" - 2>/dev/null |
    sha256sum | cut -d' ' -f1 >"$dir/sum" &
tt_interop_until tt_interop_listening 7002
NS timeout 60 "$TETHER" connect 192.0.2.1:7002 --tap "$tap" --addr 192.0.2.2/24 \
    <"$dir/data" >/dev/null 2>"$dir/err" || { echo "FAIL: tether -> Linux"; cat "$dir/err"; fail=1; }
wait
got=$(cat "$dir/sum")
[ "$got" = "$want" ] || { echo "FAIL: tether -> Linux: SHA-256 $got, want $want"; fail=1; }
[ "$fail" -eq 0 ] && echo "PASS: xfer_gso (2 transfers of 32 MiB, SHA-256 equal; $(tt_interop_secs)s)"
exit "$fail"
