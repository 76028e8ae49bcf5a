# SPDX-License-Identifier: BSD-2-Clause
# The demo's SVG, rendered by headless Chromium, is a real picture: a PNG of
# the asked size, large and varied enough to hold the diagram. Skipped (77)
# without chromium.
set -u
TETHER=${1:?usage: ladder_svg_render.sh /path/to/tether}
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "skip: chromium not installed"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$TETHER" demo --loss 0.3 --seed 3 --svg "$TMP/d.svg" >/dev/null || fail "demo --svg"
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$TMP/profile" \
    --screenshot="$TMP/d.png" --window-size=1000,1400 "$TMP/d.svg" >/dev/null 2>&1
[ -s "$TMP/d.png" ] || fail "no PNG rendered"
# PNG signature, then IHDR width and height (big-endian at offsets 16 and 20).
[ "$(head -c 8 "$TMP/d.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "not a PNG"
w=$(od -An -tu1 -j16 -N4 "$TMP/d.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
h=$(od -An -tu1 -j20 -N4 "$TMP/d.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
[ "$w" -eq 1000 ] && [ "$h" -eq 1400 ] || fail "PNG is ${w}x${h}, expected 1000x1400"
# A blank page compresses to a few kB; the diagram (text, arrows, boxes) does not.
size=$(stat -c %s "$TMP/d.png")
[ "$size" -gt 40000 ] || fail "PNG is only $size bytes: the diagram did not render"
echo "ok (${w}x${h}, $size bytes)"
