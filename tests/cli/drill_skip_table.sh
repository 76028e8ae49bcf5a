#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# `tether drill --table` lists skipped scripts apart from the failures, after
# a "# skipped" line, each with the syscall, option or symbol it lacked; the
# PASS and FAIL rows come first and the totals count the skips on their own.
set -u
tether=${1:?usage: drill_skip_table.sh /path/to/tether}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
open='0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0'
printf '%s\n+0 splice(3, NULL, 4, NULL, 10, 0) = 10\n' "$open" >"$tmp/a-splice.pkt"
printf '%s\n+0 setsockopt(3, SOL_SOCKET, SO_BOGUSOPT, [1], 4) = 0\n' "$open" >"$tmp/b-symbol.pkt"
printf '%s\n+0 close(3) = -1 EBADF\n' "$open" >"$tmp/c-fail.pkt"
printf '%s\n+0 close(3) = 0\n' "$open" >"$tmp/d-pass.pkt"
out=$("$tether" drill --table "$tmp")
rc=$?
fail=0
err() { echo "FAIL: $*"; fail=1; }
[ "$rc" -eq 1 ] || err "exit status $rc, expected 1"
mark=$(grep -n '^# skipped' <<<"$out" | cut -d: -f1)
[ -n "$mark" ] || err "no '# skipped' line"
for f in c-fail d-pass; do
    n=$(grep -n "$f.pkt" <<<"$out" | cut -d: -f1)
    [ -n "$n" ] && [ -n "$mark" ] && [ "$n" -lt "$mark" ] || err "$f is not listed before the skips"
done
grep -q "^SKIP	.*a-splice.pkt	line 3: splice: this syscall is not supported" <<<"$out" ||
    err "the splice skip does not name the syscall"
grep -q "^SKIP	.*b-symbol.pkt	line 3: unknown symbol SO_BOGUSOPT" <<<"$out" ||
    err "the symbol skip does not name the symbol"
for f in a-splice b-symbol; do
    n=$(grep -n "$f.pkt" <<<"$out" | cut -d: -f1)
    [ -n "$n" ] && [ -n "$mark" ] && [ "$n" -gt "$mark" ] || err "$f is not listed after '# skipped'"
done
grep -qx "1 passed, 1 failed, 2 skipped" <<<"$out" || err "totals"
[ "$fail" -eq 0 ] || { echo "$out"; exit 1; }
echo "ok: skips listed apart"
