# SPDX-License-Identifier: BSD-2-Clause
"""Report pairs of text labels that overlap in a ladder SVG.

Each <text> is taken as the box its characters fill (monospace: 0.6 em per
character, one em high, above the baseline), rotated and translated as its
transform says; two labels overlap when their rotated boxes intersect
(separating-axis test on the two rectangles). Prints each overlapping pair and
exits 1 when there is one, 0 otherwise.
"""
import math
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
SIZES = {"label": 12.0, "sub": 10.0, "axis": 10.0, "stext": 11.0, "runtext": 12.0,
         "gap": 12.0, "note": 11.0, "head": 14.0}


def boxes(path):
    out = []
    for el in ET.parse(path).getroot().iter(NS + "text"):
        cls = el.get("class", "")
        if cls in ("note", "head"):
            continue
        s = "".join(el.itertext())
        if not s:
            continue
        size = SIZES.get(cls, 12.0)
        w = 0.6 * size * len(s)
        h = size
        tx = ty = ang = 0.0
        m = re.search(r"translate\(([-\d.]+) ([-\d.]+)\)", el.get("transform", ""))
        if m:
            tx, ty = float(m.group(1)), float(m.group(2))
        m = re.search(r"rotate\(([-\d.]+)\)", el.get("transform", ""))
        if m:
            ang = math.radians(float(m.group(1)))
        x = float(el.get("x", "0"))
        y = float(el.get("y", "0"))
        style = el.get("style", "")
        anchor = "middle" if cls in ("label", "sub", "stext", "runtext", "gap") else "start"
        if cls == "axis":
            anchor = "end"
        if "text-anchor:start" in style:
            anchor = "start"
        elif "text-anchor:end" in style:
            anchor = "end"
        x0 = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
        # Corners in the text's own frame (baseline at y, glyphs above it;
        # descenders ignored, a little slack on each side).
        loc = [(x0 + 1, y - h * 0.8), (x0 + w - 1, y - h * 0.8), (x0 + w - 1, y + h * 0.1),
               (x0 + 1, y + h * 0.1)]
        c, sn = math.cos(ang), math.sin(ang)
        pts = [(tx + px * c - py * sn, ty + px * sn + py * c) for px, py in loc]
        out.append((s, pts))
    return out


def overlap(a, b):
    for poly in (a, b):
        for i in range(4):
            x1, y1 = poly[i]
            x2, y2 = poly[(i + 1) % 4]
            nx, ny = y1 - y2, x2 - x1
            pa = [nx * x + ny * y for x, y in a]
            pb = [nx * x + ny * y for x, y in b]
            if max(pa) <= min(pb) or max(pb) <= min(pa):
                return False
    return True


def main():
    bx = boxes(sys.argv[1])
    bad = 0
    for i in range(len(bx)):
        for j in range(i + 1, len(bx)):
            if overlap(bx[i][1], bx[j][1]):
                bad += 1
                print("overlap: %r and %r" % (bx[i][0], bx[j][0]))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
