/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ladder as a self-contained SVG: client lifeline on the left, server on
 * the right, time going down along an axis. Each segment is an arrow from the
 * moment it was sent to the moment it arrived, so its slope shows the time in
 * flight; a lost segment stops half-way in a cross. State changes are boxes
 * beside their side's lifeline. Long runs of plain data and ACKs are one
 * shaded band, as in the terminal ladder. With --explain, the sentences go in
 * a notes column on the right.
 *
 * Vertical layout: every row gets a minimum height plus a share proportional
 * to the time elapsed since the row before, capped; silences of a gap row get
 * a fixed height and a break mark. A label sits on its arrow, at the middle
 * when that is free, else slid along the arrow; when no place on the arrow is
 * free of the labels above, its row moves down and the layout is redone
 * (place_labels), so no two labels overlap however busy the run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "ladder.h"

#define X_AXIS 84.0
#define X_CBOX 170.0
#define X_C 250.0
#define X_S 650.0
#define X_SBOX 730.0
#define X_NOTES 820.0
#define BOX_W 124.0
#define Y0 110.0
#define FLIGHT_PX 36.0 /* extra height for one one-way flight time */
#define MAX_EXTRA 80.0

static const char *const COL_ARROW[2] = {"#1f5fa8", "#c2571a"};
#define COL_LOST "#c0392b"
#define COL_REX "#7b3294"

static void xml_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '&')
            fputs("&amp;", out);
        else if (*s == '<')
            fputs("&lt;", out);
        else if (*s == '>')
            fputs("&gt;", out);
        else if (*s == '"')
            fputs("&quot;", out);
        else
            fputc(*s, out);
    }
}

static tt_time max_flight(const struct tt_ladder *l)
{
    tt_time f = 0;
    for (size_t i = 0; i < l->nseg; i++)
        if (l->seg[i].t_recv != TT_TIME_NEVER && l->seg[i].t_recv - l->seg[i].t_sent > f)
            f = l->seg[i].t_recv - l->seg[i].t_sent;
    return f;
}

static double row_height(const struct tt_ladder *l, const struct tt_ladder_row *r, int explain)
{
    double h = 26.0;
    if (r->kind == TT_LROW_SEG && (l->seg[r->seg].h.flags & TT_TCP_SYN))
        h += 10.0; /* the options line */
    if (r->kind == TT_LROW_SEG && l->seg[r->seg].lost)
        h += 34.0; /* room for the half arrow and its cross */
    if (r->kind == TT_LROW_RUN || r->kind == TT_LROW_GAP)
        h = 44.0;
    return explain && h < 44.0 ? 44.0 : h;
}

/* y of every row; returns the total height used. */
static double layout(const struct tt_ladder *l, const struct tt_ladder_row *rows, size_t n,
                     int explain, const double *bump, double *y)
{
    tt_time flight = max_flight(l);
    double scale = flight ? FLIGHT_PX / (double)flight : 0.0, cur = Y0;
    for (size_t i = 0; i < n; i++) {
        cur += bump[i];
        if (i > 0) {
            cur += row_height(l, &rows[i - 1], explain);
            if (rows[i].kind != TT_LROW_GAP && rows[i - 1].kind != TT_LROW_GAP &&
                rows[i].t > rows[i - 1].t_end) {
                double extra = scale * (double)(rows[i].t - rows[i - 1].t_end);
                cur += extra > MAX_EXTRA ? MAX_EXTRA : extra;
            }
        }
        y[i] = cur;
    }
    return cur + (n ? row_height(l, &rows[n - 1], explain) : 0.0);
}

/* Where time t falls on the page, at or after row `from`. */
static double time_y(const struct tt_ladder_row *rows, const double *y, size_t n, size_t from,
                     tt_time t)
{
    for (size_t k = from + 1; k < n; k++) {
        if (rows[k].t < t)
            continue;
        if (rows[k].t == t || rows[k - 1].t >= rows[k].t)
            return y[k];
        tt_time t0 = rows[k - 1].kind == TT_LROW_RUN ? rows[k - 1].t_end : rows[k - 1].t;
        if (t <= t0)
            return y[k - 1];
        double f = (double)(t - t0) / (double)(rows[k].t - t0);
        return y[k - 1] + f * (y[k] - y[k - 1]);
    }
    return y[n - 1] + 20.0;
}

static void state_box(FILE *out, int side, double y, enum tt_ladder_state st, int inferred)
{
    double cx = side == TT_LADDER_CLIENT ? X_CBOX : X_SBOX;
    double lx = side == TT_LADDER_CLIENT ? X_C : X_S;
    fprintf(out,
            "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#2e7d32\"/>\n"
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" rx=\"4\" "
            "class=\"state%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" class=\"stext\">",
            lx, y, cx - BOX_W / 2, y - 9, BOX_W, inferred ? " inferred" : "", cx, y + 4);
    xml_text(out, tt_ladder_state_name(st));
    fprintf(out, "%s</text>\n", inferred ? "?" : "");
}

static void cross(FILE *out, double x, double y)
{
    fprintf(out,
            "<path d=\"M%.1f %.1f l10 10 m0 -10 l-10 10\" stroke=\"" COL_LOST
            "\" stroke-width=\"3\"/>\n",
            x - 5, y - 5);
}

/* An arrow's ends on the page. */
struct arrow {
    double x0, y0, x1, y1;
};

static struct arrow arrow_of(const struct tt_ladder *l, const struct tt_ladder_row *rows,
                             const double *y, size_t n, size_t i)
{
    const struct tt_ladder_seg *s = &l->seg[rows[i].seg];
    struct arrow a = {s->from == TT_LADDER_CLIENT ? X_C : X_S, y[i],
                      s->from == TT_LADDER_CLIENT ? X_S : X_C, 0};
    if (s->t_recv != TT_TIME_NEVER)
        a.y1 = time_y(rows, y, n, i, s->t_recv);
    else /* where it would have arrived, drawn half-way */
        a.y1 = a.y0 + FLIGHT_PX + 20.0;
    if (a.y1 < a.y0 + 6.0)
        a.y1 = a.y0 + 6.0;
    if (s->lost) {
        a.x1 = (a.x0 + a.x1) / 2;
        a.y1 = (a.y0 + a.y1) / 2;
    }
    return a;
}

/* Where a label goes: the point it hangs from, its angle, its anchor (0
 * middle, 1 start, -1 end). */
struct spot {
    double x, y, ang;
    int anchor;
};

/* A label's two lines, as text. */
struct label {
    char main[200], sub[200];
    int has_sub;
};

static void label_of(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                     const struct tt_ladder_seg *s, struct label *lb)
{
    tt__ladder_label(l, o, s, 1000, lb->main, lb->sub, sizeof(lb->main));
    lb->has_sub = lb->sub[0] && (s->h.flags & TT_TCP_SYN || s->h.nsack || s->rejected);
}

/* The spot at fraction f of the way between the lifelines. */
static struct spot spot_at(const struct tt_ladder_seg *s, const struct arrow *a, double f)
{
    struct spot p;
    double ang = atan2(a->y1 - a->y0, a->x1 - a->x0) * 57.29577951308232;
    if (ang > 90.0 || ang < -90.0)
        ang += 180.0;
    p.ang = ang;
    p.anchor = 0;
    if (s->lost) {
        /* The label starts at the sender's lifeline and may run past the cross. */
        p.x = a->x0;
        p.y = a->y0;
        p.anchor = s->from == TT_LADDER_CLIENT ? 1 : -1;
        return p;
    }
    p.x = X_C + (X_S - X_C) * f;
    p.y = a->y0 + (a->y1 - a->y0) * (p.x - a->x0) / (a->x1 - a->x0);
    return p;
}

/* A rotated rectangle, corner by corner. */
struct quad {
    double x[4], y[4];
};

static size_t glyphs(const char *t)
{
    size_t n = 0;
    for (; *t; t++)
        n += ((unsigned char)*t & 0xc0) != 0x80; /* UTF-8: count lead bytes */
    return n;
}

/* The box one line of text fills (monospace, 0.6 em a glyph; one em high
 * above its baseline, which is dy below the spot). */
static struct quad line_box(const struct spot *p, const char *t, double em, double dy)
{
    double w = 0.6 * em * (double)glyphs(t);
    double x0 = p->anchor == 0 ? -w / 2 : p->anchor > 0 ? 8.0 : -8.0 - w;
    double lx[4] = {x0, x0 + w, x0 + w, x0}, ly[4] = {dy - em, dy - em, dy + 2, dy + 2};
    double r = p->ang / 57.29577951308232, c = cos(r), sn = sin(r);
    struct quad q;
    for (int k = 0; k < 4; k++) {
        q.x[k] = p->x + lx[k] * c - ly[k] * sn;
        q.y[k] = p->y + lx[k] * sn + ly[k] * c;
    }
    return q;
}

/* Separating-axis test for two convex quads. */
static int quads_meet(const struct quad *a, const struct quad *b)
{
    const struct quad *q[2] = {a, b};
    for (int which = 0; which < 2; which++)
        for (int k = 0; k < 4; k++) {
            int k2 = (k + 1) % 4;
            double nx = q[which]->y[k] - q[which]->y[k2], ny = q[which]->x[k2] - q[which]->x[k];
            double amin = 1e300, amax = -1e300, bmin = 1e300, bmax = -1e300;
            for (int j = 0; j < 4; j++) {
                double pa = nx * a->x[j] + ny * a->y[j], pb = nx * b->x[j] + ny * b->y[j];
                amin = pa < amin ? pa : amin;
                amax = pa > amax ? pa : amax;
                bmin = pb < bmin ? pb : bmin;
                bmax = pb > bmax ? pb : bmax;
            }
            if (amax <= bmin || bmax <= amin)
                return 0;
        }
    return 1;
}

/* A placed label: its two boxes (the second empty when it has one line). */
struct placed {
    struct quad q[2];
    int nq;
    double top, bottom;
};

static struct placed placed_of(const struct spot *p, const struct label *lb)
{
    struct placed r;
    r.q[0] = line_box(p, lb->main, 12.0, -5.0);
    r.nq = 1;
    if (lb->has_sub)
        r.q[r.nq++] = line_box(p, lb->sub, 10.0, 12.0);
    r.top = 1e300;
    r.bottom = -1e300;
    for (int i = 0; i < r.nq; i++)
        for (int k = 0; k < 4; k++) {
            r.top = r.q[i].y[k] < r.top ? r.q[i].y[k] : r.top;
            r.bottom = r.q[i].y[k] > r.bottom ? r.q[i].y[k] : r.bottom;
        }
    return r;
}

static int placed_meet(const struct placed *a, const struct placed *b)
{
    if (a->bottom <= b->top || b->bottom <= a->top)
        return 0;
    for (int i = 0; i < a->nq; i++)
        for (int j = 0; j < b->nq; j++)
            if (quads_meet(&a->q[i], &b->q[j]))
                return 1;
    return 0;
}

static void run_text(const struct tt_ladder_row *r, char *b, size_t cap);
static void gap_text(const struct tt_ladder_row *r, char *b, size_t cap);

/* The text of a band or gap row, level in the middle, as a placed label. */
static struct placed row_text_placed(const struct tt_ladder_row *r, double y, struct label *lb)
{
    struct spot p = {(X_C + X_S) / 2, y, 0.0, 0};
    if (r->kind == TT_LROW_RUN) {
        run_text(r, lb->main, sizeof lb->main);
        p.y += 8.0;
    } else {
        gap_text(r, lb->main, sizeof lb->main);
        p.y += 10.0;
    }
    lb->has_sub = 0;
    struct placed q;
    q.q[0] = line_box(&p, lb->main, 12.0, 0.0);
    q.nq = 1;
    q.top = q.bottom = q.q[0].y[0];
    for (int k = 0; k < 4; k++) {
        q.top = q.q[0].y[k] < q.top ? q.q[0].y[k] : q.top;
        q.bottom = q.q[0].y[k] > q.bottom ? q.q[0].y[k] : q.bottom;
    }
    return q;
}

static int meets_any(const struct placed *pl, size_t done)
{
    for (size_t j = 0; j < done; j++)
        if (placed_meet(&pl[j], &pl[done]))
            return 1;
    return 0;
}

/* Fractions of the way across tried in turn: the middle first. */
static const double SLIDE[] = {0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73};
#define NSLIDE (sizeof(SLIDE) / sizeof(SLIDE[0]))

/*
 * Lay the rows out and place every label: each on its arrow at the first
 * fraction of SLIDE where it meets no label placed before it. A label that
 * finds no such place moves its row down (bump) and the layout starts over;
 * 200 rounds (each moving every stuck row) are far more than a run needs.
 * Returns the page's height; spot[i] is row i's label (for segment rows).
 */
static double place_labels(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                           const struct tt_ladder_row *rows, size_t n, double *bump, double *y,
                           struct spot *spot, struct placed *pl, struct label *lb)
{
    for (size_t i = 0; i < n; i++)
        if (rows[i].kind == TT_LROW_SEG)
            label_of(l, o, &l->seg[rows[i].seg], &lb[i]);
    double h = 0;
    for (int round = 0; round < 200; round++) {
        h = layout(l, rows, n, o->explain, bump, y);
        size_t done = 0, stuck = 0;
        for (size_t i = 0; i < n; i++) {
            if (rows[i].kind != TT_LROW_SEG) {
                if (rows[i].kind != TT_LROW_RUN && rows[i].kind != TT_LROW_GAP)
                    continue;
                pl[done] = row_text_placed(&rows[i], y[i], &lb[i]);
                if (meets_any(pl, done)) {
                    bump[i] += 6.0;
                    stuck++;
                }
                done++;
                continue;
            }
            const struct tt_ladder_seg *s = &l->seg[rows[i].seg];
            struct arrow a = arrow_of(l, rows, y, n, i);
            size_t k;
            for (k = 0; k < NSLIDE; k++) {
                spot[i] = spot_at(s, &a, SLIDE[k]);
                pl[done] = placed_of(&spot[i], &lb[i]);
                if (!meets_any(pl, done))
                    break;
                if (s->lost)
                    k = NSLIDE - 1; /* a lost arrow's label has one place */
            }
            if (k == NSLIDE) {
                spot[i] = spot_at(s, &a, SLIDE[0]);
                pl[done] = placed_of(&spot[i], &lb[i]);
                bump[i] += 6.0;
                stuck++;
            }
            done++;
        }
        if (!stuck)
            break;
    }
    return h;
}

static void seg_arrow(FILE *out, const struct tt_ladder *l, const struct tt_ladder_row *rows,
                      const double *y, size_t n, size_t i, const struct spot *p,
                      const struct label *lb)
{
    const struct tt_ladder_seg *s = &l->seg[rows[i].seg];
    struct arrow a = arrow_of(l, rows, y, n, i);
    const char *col = s->lost ? COL_LOST : s->cause ? COL_REX : COL_ARROW[s->from];
    fprintf(out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"1.6\"%s%s/>\n",
            a.x0, a.y0, a.x1, a.y1, col, s->cause ? " stroke-dasharray=\"6 3\"" : "",
            s->lost   ? ""
            : s->from ? " marker-end=\"url(#hs)\""
                      : " marker-end=\"url(#hc)\"");
    if (s->lost)
        cross(out, a.x1, a.y1);
    const char *anchor = p->anchor > 0   ? " x=\"8\" style=\"text-anchor:start\""
                         : p->anchor < 0 ? " x=\"-8\" style=\"text-anchor:end\""
                                         : "";
    fprintf(out,
            "<text transform=\"translate(%.1f %.1f) rotate(%.2f)\" y=\"-5\"%s class=\"label\" "
            "fill=\"%s\">",
            p->x, p->y, p->ang, anchor, col);
    xml_text(out, lb->main);
    fputs("</text>\n", out);
    if (lb->has_sub) {
        fprintf(out,
                "<text transform=\"translate(%.1f %.1f) rotate(%.2f)\" y=\"12\"%s "
                "class=\"sub\">",
                p->x, p->y, p->ang, anchor);
        xml_text(out, lb->sub);
        fputs("</text>\n", out);
    }
}

/* A run band's text, e.g. "12 data → 17376 B, 6 ACK ← (summarised)". */
static void run_text(const struct tt_ladder_row *r, char *b, size_t cap)
{
    size_t k = 0;
    b[0] = 0;
    for (int side = 0, first = 1; side < 2; side++) {
        const char *dir = side ? "\u2190" : "\u2192";
        if (r->run_data[side] && k < cap) {
            k += (size_t)snprintf(b + k, cap - k, "%s%zu data %s %llu B", first ? "" : ", ",
                                  r->run_data[side], dir, (unsigned long long)r->run_bytes[side]);
            first = 0;
        }
        if (r->run_acks[side] && k < cap) {
            k += (size_t)snprintf(b + k, cap - k, "%s%zu ACK %s", first ? "" : ", ",
                                  r->run_acks[side], dir);
            first = 0;
        }
    }
    if (k < cap)
        snprintf(b + k, cap - k, " (summarised)");
}

static void run_band(FILE *out, const struct tt_ladder_row *r, double y)
{
    char b[200];
    run_text(r, b, sizeof b);
    fprintf(out,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"34\" class=\"run\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" class=\"runtext\">%s</text>\n",
            X_C + 6, y - 6, X_S - X_C - 12, (X_C + X_S) / 2, y + 8, b);
}

static void gap_text(const struct tt_ladder_row *r, char *b, size_t cap)
{
    char d[32];
    tt__ladder_fmt_dur(r->t_end - r->t, d, sizeof(d));
    snprintf(b, cap, "%s later", d);
}

static void gap_mark(FILE *out, const struct tt_ladder_row *r, double y)
{
    char d[64];
    gap_text(r, d, sizeof d);
    for (int k = 0; k < 3; k++) {
        double x = k == 0 ? X_AXIS : k == 1 ? X_C : X_S;
        fprintf(out,
                "<path d=\"M%.1f %.1f l-8 4 l16 6 l-8 4\" stroke=\"#888\" fill=\"white\" "
                "stroke-width=\"1.2\"/>\n",
                x, y - 2);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"gap\">%s</text>\n", (X_C + X_S) / 2, y + 10,
            d);
}

static void notes(FILE *out, const char *sentence, double y)
{
    /* Wrapped at about 56 characters, one tspan per line. */
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"note\">", X_NOTES, y - 4);
    const char *p = sentence;
    int line = 0;
    while (*p) {
        size_t n = strlen(p), cut = n;
        if (n > 56) {
            cut = 56;
            while (cut > 0 && p[cut] != ' ')
                cut--;
            if (cut == 0)
                cut = 56;
        }
        fprintf(out, "<tspan x=\"%.1f\" dy=\"%s\">", X_NOTES, line ? "13" : "0");
        char buf[64];
        memcpy(buf, p, cut);
        buf[cut] = 0;
        xml_text(out, buf);
        fputs("</tspan>", out);
        p += cut;
        while (*p == ' ')
            p++;
        line++;
    }
    fputs("</text>\n", out);
}

static void prologue(FILE *out, const struct tt_ladder *l, double width, double height)
{
    char ep[64];
    fprintf(out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans Mono, Menlo, Consolas, "
            "monospace\" font-size=\"12\">\n"
            "<title>TCP ladder diagram</title>\n<style>\n"
            ".state{fill:#e8f5e9;stroke:#2e7d32;stroke-width:1.2}\n"
            ".inferred{stroke-dasharray:4 2;fill:#f4f4f4}\n"
            ".stext{text-anchor:middle;font-weight:bold;fill:#1b5e20;font-size:11px}\n"
            ".label{text-anchor:middle}\n.sub{text-anchor:middle;fill:#666;font-size:10px}\n"
            ".axis{text-anchor:end;fill:#777;font-size:10px}\n"
            ".run{fill:#f0f0f0;stroke:#bbb;stroke-dasharray:3 3}\n"
            ".runtext{text-anchor:middle;fill:#333}\n"
            ".gap{text-anchor:middle;fill:#888;font-style:italic}\n"
            ".note{fill:#555;font-family:sans-serif;font-size:11px}\n"
            ".head{text-anchor:middle;font-weight:bold;font-size:14px}\n"
            "</style>\n<defs>\n",
            width, height, width, height);
    for (int side = 0; side < 2; side++)
        fprintf(out,
                "<marker id=\"%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
                "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">"
                "<path d=\"M0 0 L10 5 L0 10 z\" fill=\"%s\"/></marker>\n",
                side ? "hs" : "hc", COL_ARROW[side]);
    fprintf(out, "</defs>\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    for (int side = 0; side < 2; side++) {
        tt__ladder_endpoint(l, side, ep, sizeof(ep));
        fprintf(out, "<text x=\"%.1f\" y=\"28\" class=\"head\">%s</text>\n", side ? X_S : X_C,
                tt__ladder_side_name(side));
        fprintf(out, "<text x=\"%.1f\" y=\"44\" class=\"label\">", side ? X_S : X_C);
        xml_text(out, ep);
        fputs("</text>\n", out);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"44\" class=\"axis\">time (ms)</text>\n", X_AXIS + 6);
    if (l->inferred)
        fprintf(out,
                "<text x=\"%.1f\" y=\"62\" class=\"sub\">states inferred from the packets "
                "(dashed boxes)</text>\n",
                (X_C + X_S) / 2);
}

int tt_ladder_render_svg(const struct tt_ladder *l, const struct tt_ladder_opts *o, FILE *out)
{
    struct tt_ladder_opts def;
    struct tt_ladder_row *rows;
    size_t n;
    if (tt__ladder_begin(l, &o, &def, &rows, &n) != 0)
        return TT_ENOMEM;
    size_t m = n ? n : 1;
    double *y = malloc(m * sizeof(*y)), *bump = calloc(m, sizeof(*bump));
    struct spot *spot = malloc(m * sizeof(*spot));
    struct placed *pl = malloc(m * sizeof(*pl));
    struct label *lb = malloc(m * sizeof(*lb));
    if (!y || !bump || !spot || !pl || !lb) {
        free(y);
        free(bump);
        free(spot);
        free(pl);
        free(lb);
        free(rows);
        return TT_ENOMEM;
    }
    double bottom = place_labels(l, o, rows, n, bump, y, spot, pl, lb) + 30.0;
    double width = o->explain ? X_NOTES + 380.0 : X_SBOX + BOX_W / 2 + 20.0;
    prologue(out, l, width, bottom + 20.0);
    fprintf(out,
            "<line x1=\"%.1f\" y1=\"70\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>\n"
            "<line x1=\"%.1f\" y1=\"70\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#444\" "
            "stroke-width=\"2\"/>\n<line x1=\"%.1f\" y1=\"70\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#444\" stroke-width=\"2\"/>\n",
            X_AXIS, X_AXIS, bottom, X_C, X_C, bottom, X_S, X_S, bottom);
    enum tt_ladder_state init[2];
    tt__ladder_initial(l, init);
    for (int side = 0; side < 2; side++)
        if (init[side] != TT_LS_NONE)
            state_box(out, side, 80.0, init[side], l->inferred);
    tt_time t0 = tt__ladder_t0(l), last_t = TT_TIME_NEVER;
    for (size_t i = 0; i < n; i++) {
        const struct tt_ladder_row *r = &rows[i];
        if (r->kind != TT_LROW_GAP && r->t != last_t) {
            char ms[32];
            tt__ladder_fmt_ms(r->t, t0, ms, sizeof(ms));
            fprintf(out,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>"
                    "<text x=\"%.1f\" y=\"%.1f\" class=\"axis\">%s</text>\n",
                    X_AXIS - 3, y[i], X_AXIS + 3, y[i], X_AXIS - 6, y[i] + 3, ms);
            last_t = r->t;
        }
        if (r->kind == TT_LROW_SEG)
            seg_arrow(out, l, rows, y, n, i, &spot[i], &lb[i]);
        else if (r->kind == TT_LROW_RUN)
            run_band(out, r, y[i]);
        else if (r->kind == TT_LROW_GAP)
            gap_mark(out, r, y[i]);
        for (int side = 0; side < 2; side++)
            if (r->st[side] != TT_LS_NONE)
                state_box(out, side, y[i], r->st[side], l->inferred);
        if (o->explain) {
            char sentence[400];
            tt__ladder_explain(l, o, rows, i, sentence, sizeof(sentence));
            notes(out, sentence, y[i]);
        }
    }
    fputs("</svg>\n", out);
    free(y);
    free(bump);
    free(spot);
    free(pl);
    free(lb);
    free(rows);
    return ferror(out) ? TT_ENOSPC : 0;
}
