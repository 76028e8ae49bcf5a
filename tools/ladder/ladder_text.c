/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The terminal ladder, 80 columns:
 *
 *   cols 0-8    time in ms since the first event (wider when a time needs
 *               more than 9 columns: every line then moves right by as much)
 *   cols 10-22  the client's state changes
 *   col  24     the client's lifeline
 *   cols 25-64  arrows and their labels
 *   col  65     the server's lifeline
 *   cols 67-79  the server's state changes
 *
 * Each output line is composed in a grid of cells (one code point each, with
 * a colour), then written out with trailing blanks trimmed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "ladder.h"

#define W 80
#define TIME_W 9
#define CST 10
#define LL 24
#define RL 65
#define SST 67
#define MAIN_W 34 /* label room on an arrow */
#define SUB_W 38  /* room for the lines under an arrow */

enum color { C_NONE, C_CS, C_SC, C_LOST, C_STATE, C_DIM, C_REX, C_HEAD };

static const char *const sgr[] = {"0", "36", "33", "1;31", "1;32", "2", "1;35", "1"};

struct cell {
    char s[5];
    unsigned char color;
};

struct line {
    struct cell c[W];
    char time[24]; /* the time column, drawn by emit() in the pen's width */
};

/* Where and how lines are written: the stream, colours on or off, and the
 * columns the time needs beyond TIME_W. */
struct pen {
    FILE *out;
    int color;
    int extra;
};

static void clear(struct line *ln)
{
    for (int i = 0; i < W; i++) {
        ln->c[i].s[0] = ' ';
        ln->c[i].s[1] = 0;
        ln->c[i].color = C_NONE;
    }
    ln->time[0] = 0;
}

/* Put a UTF-8 string at `col`; returns the column after it. */
static int put(struct line *ln, int col, const char *s, enum color color)
{
    while (*s && col < W) {
        int n = 1;
        unsigned char b = (unsigned char)*s;
        if (b >= 0xf0)
            n = 4;
        else if (b >= 0xe0)
            n = 3;
        else if (b >= 0xc0)
            n = 2;
        if (col >= 0) {
            int k = 0;
            for (; k < n && s[k]; k++)
                ln->c[col].s[k] = s[k];
            ln->c[col].s[k] = 0;
            ln->c[col].color = (unsigned char)color;
        }
        for (int k = 0; k < n && *s; k++)
            s++;
        col++;
    }
    return col;
}

static void put_right(struct line *ln, int end_col, const char *s, enum color color)
{
    put(ln, end_col - (int)tt__ladder_utf8_width(s) + 1, s, color);
}

static void lifelines(struct line *ln, const char *glyph)
{
    put(ln, LL, glyph, C_DIM);
    put(ln, RL, glyph, C_DIM);
}

static void emit(const struct line *ln, const struct pen *pn)
{
    FILE *out = pn->out;
    int last = W - 1, first = 0;
    while (last >= 0 && ln->c[last].s[0] == ' ' && ln->c[last].s[1] == 0)
        last--;
    if (ln->time[0]) {
        int pad = TIME_W + pn->extra - (int)strlen(ln->time);
        fprintf(out, "%*s", pad > 0 ? pad : 0, "");
        if (pn->color)
            fprintf(out, "\033[%sm%s\033[0m", sgr[C_DIM], ln->time);
        else
            fputs(ln->time, out);
        first = TIME_W;
    } else if (last >= 0) {
        fprintf(out, "%*s", pn->extra, "");
    }
    unsigned char cur = C_NONE;
    for (int i = first; i <= last; i++) {
        if (pn->color && ln->c[i].color != cur) {
            if (cur != C_NONE)
                fputs("\033[0m", out);
            if (ln->c[i].color != C_NONE)
                fprintf(out, "\033[%sm", sgr[ln->c[i].color]);
            cur = ln->c[i].color;
        }
        fputs(ln->c[i].s, out);
    }
    if (pn->color && cur != C_NONE)
        fputs("\033[0m", out);
    fputc('\n', out);
}

static void put_time(struct line *ln, tt_time t, tt_time t0)
{
    tt__ladder_fmt_ms(t, t0, ln->time, sizeof(ln->time));
}

static void put_states(struct line *ln, const enum tt_ladder_state st[2])
{
    if (st[0] != TT_LS_NONE)
        put(ln, CST, tt_ladder_state_name(st[0]), C_STATE);
    if (st[1] != TT_LS_NONE)
        put(ln, SST, tt_ladder_state_name(st[1]), C_STATE);
}

/* Word-wrap `text` into lines of `width` columns under the arrows. */
static void wrapped(const char *text, int width, int right, enum color color, const struct pen *pn)
{
    const char *p = text;
    while (*p) {
        char buf[256];
        size_t n = 0, lastsp = 0, w = 0;
        while (p[n] && n < sizeof(buf) - 1) {
            if (((unsigned char)p[n] & 0xc0) != 0x80)
                w++;
            if (w > (size_t)width)
                break;
            if (p[n] == ' ')
                lastsp = n;
            n++;
        }
        if (p[n] && lastsp)
            n = lastsp;
        memcpy(buf, p, n);
        buf[n] = 0;
        struct line ln;
        clear(&ln);
        lifelines(&ln, "\u2502");
        if (right)
            put_right(&ln, RL - 3, buf, color);
        else
            put(&ln, LL + 3, buf, color);
        emit(&ln, pn);
        p += n;
        while (*p == ' ')
            p++;
    }
}

static void draw_arrow(struct line *ln, const struct tt_ladder_seg *s, const char *label)
{
    int lw = (int)tt__ladder_utf8_width(label), mid = (LL + RL) / 2;
    enum color c = s->lost ? C_LOST : s->cause ? C_REX : s->from ? C_SC : C_CS;
    if (s->from == TT_LADDER_CLIENT) {
        int end = RL - 1;
        if (s->lost) {
            end = LL + 4 + lw + 2 > mid ? LL + 4 + lw + 2 : mid;
            end = end > RL - 1 ? RL - 1 : end;
        }
        for (int x = LL + 1; x < end; x++)
            put(ln, x, "\u2500", c);
        put(ln, LL + 3, " ", c);
        int after = put(ln, LL + 4, label, c);
        put(ln, after, " ", c);
        put(ln, end, s->lost ? "\u2715" : "\u25b6", c);
        return;
    }
    int start = LL + 1, lstart = RL - 3 - lw;
    if (s->lost) {
        start = lstart - 2 < mid ? lstart - 2 : mid;
        start = start < LL + 1 ? LL + 1 : start;
    }
    for (int x = start + 1; x < RL; x++)
        put(ln, x, "\u2500", c);
    put(ln, lstart - 1, " ", c);
    put(ln, put(ln, lstart, label, c), " ", c);
    put(ln, start, s->lost ? "\u2715" : "\u25c0", c);
}

static void seg_row(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                    const struct tt_ladder_row *r, tt_time t0, const struct pen *pn)
{
    const struct tt_ladder_seg *s = &l->seg[r->seg];
    char main_buf[160], sub_buf[160];
    tt__ladder_label(l, o, s, MAIN_W, main_buf, sub_buf, sizeof(main_buf));
    struct line ln;
    clear(&ln);
    put_time(&ln, r->t, t0);
    put_states(&ln, r->st);
    lifelines(&ln, "\u2502");
    draw_arrow(&ln, s, main_buf);
    emit(&ln, pn);
    if (sub_buf[0])
        wrapped(sub_buf, SUB_W - 2, s->from == TT_LADDER_SERVER, C_DIM, pn);
}

static void run_row(const struct tt_ladder_row *r, tt_time t0, const struct pen *pn)
{
    static const char *const arrow[2] = {"\u25b6", "\u25c0"};
    char parts[4][64], text[200], d[32];
    int np = 0;
    for (int side = 0; side < 2; side++) {
        if (r->run_data[side])
            snprintf(parts[np++], sizeof(parts[0]), "%zu data %s %llu B", r->run_data[side],
                     arrow[side], (unsigned long long)r->run_bytes[side]);
        if (r->run_acks[side])
            snprintf(parts[np++], sizeof(parts[0]), "%zu ACK %s", r->run_acks[side], arrow[side]);
    }
    struct line ln;
    clear(&ln);
    put_time(&ln, r->t, t0);
    lifelines(&ln, "\u2502");
    text[0] = 0;
    for (int i = 0; i < np; i++) {
        if (i)
            strcat(text, ", ");
        strcat(text, parts[i]);
    }
    char framed[240];
    snprintf(framed, sizeof(framed), "\u2026 %s \u2026", text);
    put(&ln, (LL + RL + 1) / 2 - (int)tt__ladder_utf8_width(framed) / 2, framed, C_HEAD);
    emit(&ln, pn);
    clear(&ln);
    put_time(&ln, r->t_end, t0);
    lifelines(&ln, "\u2502");
    tt__ladder_fmt_dur(r->t_end - r->t, d, sizeof(d));
    snprintf(framed, sizeof(framed), "(%zu segments, %s)",
             r->run_data[0] + r->run_data[1] + r->run_acks[0] + r->run_acks[1], d);
    put(&ln, (LL + RL + 1) / 2 - (int)tt__ladder_utf8_width(framed) / 2, framed, C_DIM);
    emit(&ln, pn);
}

static void gap_row(const struct tt_ladder_row *r, const struct pen *pn)
{
    char d[32], text[64];
    tt__ladder_fmt_dur(r->t_end - r->t, d, sizeof(d));
    snprintf(text, sizeof(text), "\u00b7\u00b7\u00b7 %s later \u00b7\u00b7\u00b7", d);
    struct line ln;
    clear(&ln);
    lifelines(&ln, "\u250a");
    put(&ln, (LL + RL + 1) / 2 - (int)tt__ladder_utf8_width(text) / 2, text, C_DIM);
    emit(&ln, pn);
}

static void header(const struct tt_ladder *l, const struct pen *pn)
{
    char ep[64], b[96];
    struct line ln;
    clear(&ln);
    put_right(&ln, TIME_W - 1, "time ms", C_HEAD);
    tt__ladder_endpoint(l, TT_LADDER_CLIENT, ep, sizeof(ep));
    snprintf(b, sizeof(b), "client %s", ep);
    put(&ln, CST, b, C_HEAD);
    tt__ladder_endpoint(l, TT_LADDER_SERVER, ep, sizeof(ep));
    snprintf(b, sizeof(b), "server %s", ep);
    put_right(&ln, W - 1, b, C_HEAD);
    emit(&ln, pn);
    if (l->inferred) {
        clear(&ln);
        put(&ln, LL + 3, "(states inferred from the packets)", C_DIM);
        emit(&ln, pn);
    }
    enum tt_ladder_state init[2];
    tt__ladder_initial(l, init);
    clear(&ln);
    put_states(&ln, init);
    lifelines(&ln, "\u2502");
    emit(&ln, pn);
}

static void legend(const struct tt_ladder *l, const struct pen *pn)
{
    int lost = 0, rex = 0;
    for (size_t i = 0; i < l->nseg; i++) {
        lost |= l->seg[i].lost;
        rex |= l->seg[i].cause != TT_REXMIT_NONE;
    }
    struct line ln;
    if (lost || rex) {
        clear(&ln);
        put(&ln, 2,
            lost && rex ? "\u2715 lost on the link   \u21bb retransmission, with its cause"
            : lost      ? "\u2715 lost on the link"
                        : "\u21bb retransmission, with its cause",
            C_DIM);
        emit(&ln, pn);
    }
    if (l->truncated) {
        clear(&ln);
        put(&ln, 2, "(out of memory: some events are missing)", C_LOST);
        emit(&ln, pn);
    }
    if (l->cut_at) {
        char b[96];
        snprintf(b, sizeof b, "(the capture is cut short at byte %zu: what follows is missing)",
                 l->cut_at);
        clear(&ln);
        put(&ln, 2, b, C_LOST);
        emit(&ln, pn);
    }
}

/* Columns the longest time of the rows needs beyond TIME_W (a run row also
 * shows its end time). */
static int time_extra(const struct tt_ladder_row *rows, size_t n, tt_time t0)
{
    char b[24];
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].kind == TT_LROW_GAP)
            continue;
        tt__ladder_fmt_ms(rows[i].kind == TT_LROW_RUN ? rows[i].t_end : rows[i].t, t0, b,
                          sizeof(b));
        if ((int)strlen(b) > w)
            w = (int)strlen(b);
    }
    return w > TIME_W ? w - TIME_W : 0;
}

int tt_ladder_render_text(const struct tt_ladder *l, const struct tt_ladder_opts *o, FILE *out)
{
    struct tt_ladder_opts def;
    struct tt_ladder_row *rows;
    size_t n;
    if (tt__ladder_begin(l, &o, &def, &rows, &n) != 0)
        return TT_ENOMEM;
    tt_time t0 = tt__ladder_t0(l);
    struct pen pn = {out, o->color, time_extra(rows, n, t0)};
    header(l, &pn);
    for (size_t i = 0; i < n; i++) {
        const struct tt_ladder_row *r = &rows[i];
        struct line ln;
        switch (r->kind) {
        case TT_LROW_SEG:
            seg_row(l, o, r, t0, &pn);
            break;
        case TT_LROW_STATE:
            clear(&ln);
            put_time(&ln, r->t, t0);
            put_states(&ln, r->st);
            lifelines(&ln, "\u2502");
            emit(&ln, &pn);
            break;
        case TT_LROW_RUN:
            run_row(r, t0, &pn);
            break;
        case TT_LROW_GAP:
            gap_row(r, &pn);
            break;
        }
        if (o->explain) {
            char sentence[400];
            tt__ladder_explain(l, o, rows, i, sentence, sizeof(sentence));
            if (sentence[0])
                wrapped(sentence, SUB_W, 0, C_DIM, &pn);
        }
    }
    legend(l, &pn);
    free(rows);
    return ferror(out) ? TT_ENOSPC : 0;
}
