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
 * Vertical layout: every row gets a minimum height (so that labels never
 * overlap) plus a share proportional to the time elapsed since the row
 * before, capped; silences of a gap row get a fixed height and a break mark.
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
                     int explain, double *y)
{
    tt_time flight = max_flight(l);
    double scale = flight ? FLIGHT_PX / (double)flight : 0.0, cur = Y0;
    for (size_t i = 0; i < n; i++) {
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

static void seg_arrow(FILE *out, const struct tt_ladder *l, const struct tt_ladder_opts *o,
                      const struct tt_ladder_row *rows, const double *y, size_t n, size_t i)
{
    const struct tt_ladder_seg *s = &l->seg[rows[i].seg];
    double x0 = s->from == TT_LADDER_CLIENT ? X_C : X_S;
    double x1 = s->from == TT_LADDER_CLIENT ? X_S : X_C;
    double y0 = y[i], y1;
    if (s->t_recv != TT_TIME_NEVER)
        y1 = time_y(rows, y, n, i, s->t_recv);
    else /* where it would have arrived, drawn half-way */
        y1 = y0 + FLIGHT_PX + 20.0;
    if (y1 < y0 + 6.0)
        y1 = y0 + 6.0;
    if (s->lost) {
        x1 = (x0 + x1) / 2;
        y1 = (y0 + y1) / 2;
    }
    const char *col = s->lost ? COL_LOST : s->cause ? COL_REX : COL_ARROW[s->from];
    fprintf(out,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            "stroke-width=\"1.6\"%s%s/>\n",
            x0, y0, x1, y1, col, s->cause ? " stroke-dasharray=\"6 3\"" : "",
            s->lost   ? ""
            : s->from ? " marker-end=\"url(#hs)\""
                      : " marker-end=\"url(#hc)\"");
    if (s->lost)
        cross(out, x1, y1);
    char main_buf[200], sub_buf[200];
    tt__ladder_label(l, o, s, 1000, main_buf, sub_buf, sizeof(main_buf));
    double mx = (X_C + X_S) / 2;
    double my = y0 + (y1 - y0) * (mx - x0) / (x1 - x0);
    double ang = atan2(y1 - y0, x1 - x0) * 57.29577951308232;
    if (ang > 90.0 || ang < -90.0)
        ang += 180.0;
    const char *anchor = "";
    if (s->lost) {
        /* The label starts at the sender's lifeline and may run past the cross. */
        mx = x0;
        my = y0;
        anchor = s->from == TT_LADDER_CLIENT ? " x=\"8\" style=\"text-anchor:start\""
                                             : " x=\"-8\" style=\"text-anchor:end\"";
    }
    fprintf(out,
            "<text transform=\"translate(%.1f %.1f) rotate(%.2f)\" y=\"-5\"%s class=\"label\" "
            "fill=\"%s\">",
            mx, my, ang, anchor, col);
    xml_text(out, main_buf);
    fputs("</text>\n", out);
    if (sub_buf[0] && (s->h.flags & TT_TCP_SYN || s->h.nsack || s->rejected)) {
        fprintf(out,
                "<text transform=\"translate(%.1f %.1f) rotate(%.2f)\" y=\"12\" "
                "class=\"sub\">",
                mx, my, ang);
        xml_text(out, sub_buf);
        fputs("</text>\n", out);
    }
}

static void run_band(FILE *out, const struct tt_ladder_row *r, double y)
{
    fprintf(out,
            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"34\" class=\"run\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" class=\"runtext\">",
            X_C + 6, y - 6, X_S - X_C - 12, (X_C + X_S) / 2, y + 8);
    for (int side = 0, first = 1; side < 2; side++) {
        const char *dir = side ? "\u2190" : "\u2192";
        if (r->run_data[side]) {
            fprintf(out, "%s%zu data %s %llu B", first ? "" : ", ", r->run_data[side], dir,
                    (unsigned long long)r->run_bytes[side]);
            first = 0;
        }
        if (r->run_acks[side]) {
            fprintf(out, "%s%zu ACK %s", first ? "" : ", ", r->run_acks[side], dir);
            first = 0;
        }
    }
    fputs(" (summarised)</text>\n", out);
}

static void gap_mark(FILE *out, const struct tt_ladder_row *r, double y)
{
    char d[32];
    tt__ladder_fmt_dur(r->t_end - r->t, d, sizeof(d));
    for (int k = 0; k < 3; k++) {
        double x = k == 0 ? X_AXIS : k == 1 ? X_C : X_S;
        fprintf(out,
                "<path d=\"M%.1f %.1f l-8 4 l16 6 l-8 4\" stroke=\"#888\" fill=\"white\" "
                "stroke-width=\"1.2\"/>\n",
                x, y - 2);
    }
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"gap\">%s later</text>\n", (X_C + X_S) / 2,
            y + 10, d);
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
    double *y = malloc((n ? n : 1) * sizeof(*y));
    if (!y) {
        free(rows);
        return TT_ENOMEM;
    }
    double bottom = layout(l, rows, n, o->explain, y) + 30.0;
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
            seg_arrow(out, l, o, rows, y, n, i);
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
    free(rows);
    return ferror(out) ? TT_ENOSPC : 0;
}
