#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The pictures in the README and docs/ladder.md, drawn from the command the
# docs show:
#     tether demo --loss 0.3 --seed 3 --svg docs/ladder-demo.svg
# docs/ladder-demo.png is that SVG rendered by headless Chromium at its own
# size. `make doc-images` runs this; tests/cli/doc_images.sh checks that the
# committed SVG is what the command draws today (the PNG's pixels may differ
# between Chromium builds, so only its size is checked).
# Usage: scripts/doc_images.sh TETHER
set -euo pipefail
tether=${1:?usage: doc_images.sh /path/to/tether}
root=$(cd "$(dirname "$0")/.." && pwd)
chrome=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$chrome" ] || { echo "doc-images: chromium is needed (scripts/deps.sh test)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
"$tether" demo $(cat "$root/docs/ladder-demo.args") --svg "$tmp/ladder-demo.svg" >/dev/null
w=$(sed -n 's/.*<svg [^>]*width="\([0-9]*\)".*/\1/p' "$tmp/ladder-demo.svg" | head -1)
h=$(sed -n 's/.*<svg [^>]*height="\([0-9]*\)".*/\1/p' "$tmp/ladder-demo.svg" | head -1)
timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$tmp/profile" --screenshot="$tmp/ladder-demo.png" --window-size="$w,$h" \
    "$tmp/ladder-demo.svg" >/dev/null 2>&1
[ -s "$tmp/ladder-demo.png" ] || { echo "doc-images: chromium rendered nothing" >&2; exit 1; }
cp "$tmp/ladder-demo.svg" "$tmp/ladder-demo.png" "$root/docs/"
echo "doc-images: docs/ladder-demo.svg and docs/ladder-demo.png (${w}x${h}) redrawn"
