#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# docs/ladder-demo.svg is what the command in docs/ladder-demo.args draws
# today, the README and docs/ladder.md show that command, and
# docs/ladder-demo.png is a PNG of the SVG's size (its pixels depend on the
# Chromium build, so they are not compared). `make doc-images` redraws both.
set -u
tether=${1:?usage: doc_images.sh /path/to/tether}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
args=$(cat "$root/docs/ladder-demo.args")
for doc in README.md docs/ladder.md; do
  grep -qF "tether demo $args --svg" "$root/$doc" || fail "$doc does not show 'tether demo $args --svg ...'"
done
# shellcheck disable=SC2086
"$tether" demo $args --svg "$tmp/now.svg" >/dev/null || fail "tether demo $args"
cmp -s "$tmp/now.svg" "$root/docs/ladder-demo.svg" ||
  fail "docs/ladder-demo.svg is stale: 'make doc-images' redraws it (and the PNG); diff:
$(diff "$root/docs/ladder-demo.svg" "$tmp/now.svg" | head -20)"
png=$root/docs/ladder-demo.png
[ "$(head -c 8 "$png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "ladder-demo.png is not a PNG"
w=$(od -An -tu1 -j16 -N4 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
h=$(od -An -tu1 -j20 -N4 "$png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
sw=$(sed -n 's/.*<svg [^>]*width="\([0-9]*\)".*/\1/p' "$tmp/now.svg" | head -1)
sh=$(sed -n 's/.*<svg [^>]*height="\([0-9]*\)".*/\1/p' "$tmp/now.svg" | head -1)
[ "$w" = "$sw" ] && [ "$h" = "$sh" ] ||
  fail "ladder-demo.png is ${w}x${h}, the SVG ${sw}x${sh}: 'make doc-images' redraws it"
[ "$(stat -c %s "$png")" -gt 40000 ] ||
  fail "ladder-demo.png looks blank"
echo "doc images: current (${w}x${h})"
