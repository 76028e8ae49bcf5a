# SPDX-License-Identifier: BSD-2-Clause
# No two labels of a ladder SVG overlap, in quiet and in busy runs (a bulk
# transfer under loss, a simultaneous open, retransmission storms): every
# text's box, rotated as drawn, is checked against every other's
# (svg_overlap.py). Skipped (77) without python3.
set -u
TETHER=${1:?usage: ladder_svg_labels.sh /path/to/tether}
HERE=$(cd "$(dirname "$0")" && pwd)
command -v python3 >/dev/null || { echo "skipped: python3 is not installed"; exit 77; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
n=0
while read -r args; do
    # shellcheck disable=SC2086
    "$TETHER" demo $args --svg "$TMP/d.svg" >/dev/null || fail "demo $args --svg"
    python3 "$HERE/svg_overlap.py" "$TMP/d.svg" >"$TMP/out" || fail "demo $args: $(head -5 "$TMP/out")"
    n=$((n + 1))
done <<'RUNS'
--loss 0
--loss 0.3 --seed 3
--simultaneous-open
--simultaneous-close
--loss 0.5 --seed 2
--loss 0.9 --seed 1
--bytes 30000 --loss 0.2 --seed 4
--bytes 200000 --loss 0.05 --seed 1
--bytes 200000 --loss 0.1 --seed 7 --explain
RUNS
# The checker itself sees an overlap when there is one.
cat >"$TMP/bad.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg"><text transform="translate(450 100) rotate(5)" y="-5" class="label">ACK seq=1 ack=1 win=1024</text><text transform="translate(450 108) rotate(-5)" y="-5" class="label">PSH,ACK seq=1:85 ack=1</text></svg>
SVG
python3 "$HERE/svg_overlap.py" "$TMP/bad.svg" >/dev/null && fail "svg_overlap.py misses an overlap"
echo "ok ($n runs)"
