/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From recorded events to rows, shared by both renderers: which segments and
 * state changes get a row, where time jumps, which runs of plain data and ACK
 * segments are summarised; and the words: segment labels and the sentences of
 * --explain.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "ladder.h"

#define KEEP_HEAD 3
#define KEEP_TAIL 2
#define GAP_MIN TT_MSEC(100)

const char *tt__ladder_side_name(int side)
{
    return side == TT_LADDER_CLIENT ? "client" : "server";
}

void tt__ladder_endpoint(const struct tt_ladder *l, int side, char *buf, size_t cap)
{
    if (!l->have_tuple) {
        snprintf(buf, cap, "%s", "");
        return;
    }
    tt__ladder_fmt_endpoint(l->addr[side], l->port[side], buf, cap);
}

void tt__ladder_fmt_endpoint(struct tt_addr a, uint16_t port, char *buf, size_t cap)
{
    tt_addr_format_port(a, port, buf, cap);
}

tt_time tt__ladder_t0(const struct tt_ladder *l)
{
    return l->nev ? l->ev[0].t : 0;
}

void tt__ladder_fmt_ms(tt_time t, tt_time t0, char *buf, size_t cap)
{
    tt_time d = t >= t0 ? t - t0 : 0;
    snprintf(buf, cap, "%llu.%03llu", (unsigned long long)(d / 1000),
             (unsigned long long)(d % 1000));
}

void tt__ladder_fmt_dur(tt_time dt, char *buf, size_t cap)
{
    if (dt >= TT_SEC(1))
        snprintf(buf, cap, "%llu.%03llu s", (unsigned long long)(dt / 1000000),
                 (unsigned long long)(dt % 1000000 / 1000));
    else
        snprintf(buf, cap, "%llu.%03llu ms", (unsigned long long)(dt / 1000),
                 (unsigned long long)(dt % 1000));
}

size_t tt__ladder_utf8_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

uint32_t tt__ladder_base(const struct tt_ladder *l, int side)
{
    for (size_t i = 0; i < l->nseg; i++)
        if (l->seg[i].from == side && (l->seg[i].h.flags & TT_TCP_SYN))
            return l->seg[i].h.seq;
    /* No SYN seen (a capture that starts mid-connection): count from the
     * first byte seen, as Wireshark does. */
    for (size_t i = 0; i < l->nseg; i++) {
        const struct tt_ladder_seg *s = &l->seg[i];
        if (s->from == side) /* a bare refusal (RST to a SYN) keeps its raw number */
            return (s->h.flags & TT_TCP_RST) ? 0 : s->h.seq - 1;
        if (s->h.flags & TT_TCP_ACK)
            return s->h.ack - 1;
    }
    return 0;
}

/* ---- rows ---- */

struct rowvec {
    struct tt_ladder_row *v;
    size_t n, cap;
};

static struct tt_ladder_row *push_row(struct rowvec *rv)
{
    if (rv->n == rv->cap) {
        size_t cap = rv->cap ? rv->cap * 2 : 64;
        struct tt_ladder_row *n = realloc(rv->v, cap * sizeof(*n));
        if (!n)
            return NULL;
        rv->v = n;
        rv->cap = cap;
    }
    struct tt_ladder_row *r = &rv->v[rv->n++];
    memset(r, 0, sizeof(*r));
    return r;
}

/* Three round trips of silence make a gap row (at least 100 ms). */
static tt_time gap_threshold(const struct tt_ladder *l)
{
    tt_time flight = 0;
    for (size_t i = 0; i < l->nseg; i++) {
        const struct tt_ladder_seg *s = &l->seg[i];
        if (s->t_recv != TT_TIME_NEVER && s->t_recv - s->t_sent > flight)
            flight = s->t_recv - s->t_sent;
    }
    return flight * 6 > GAP_MIN ? flight * 6 : GAP_MIN;
}

static void add_state(struct rowvec *rv, const struct tt_ladder_ev *e, enum tt_ladder_state cur[2])
{
    cur[e->side] = e->new_state;
    struct tt_ladder_row *r = push_row(rv);
    if (!r)
        return;
    r->kind = TT_LROW_STATE;
    r->t = r->t_end = e->t;
    r->side = e->side;
    r->st[e->side] = e->new_state;
    memcpy(r->cur, cur, sizeof(r->cur));
}

static void add_send(struct rowvec *rv, const struct tt_ladder_ev *e, enum tt_ladder_state cur[2])
{
    struct tt_ladder_row *last = rv->n ? &rv->v[rv->n - 1] : NULL;
    enum tt_ladder_state st = TT_LS_NONE;
    /* A change of the sender at this instant, just before: same row. */
    if (last && last->kind == TT_LROW_STATE && last->side == e->side && last->t == e->t) {
        st = last->st[e->side];
        rv->n--;
    }
    struct tt_ladder_row *r = push_row(rv);
    if (!r)
        return;
    r->kind = TT_LROW_SEG;
    r->t = r->t_end = e->t;
    r->side = e->side;
    r->seg = e->seg;
    r->st[e->side] = st;
    memcpy(r->cur, cur, sizeof(r->cur));
}

/* A change that no send of its side followed at the same instant goes on the
 * row of what that side sent just before, at that instant, if any (a stack
 * that traces the change after sending, e.g. FIN sent, then FIN-WAIT-1). */
static void merge_back(struct rowvec *rv)
{
    size_t out = 0;
    for (size_t i = 0; i < rv->n; i++) {
        struct tt_ladder_row *r = &rv->v[i];
        struct tt_ladder_row *prev = out ? &rv->v[out - 1] : NULL;
        if (r->kind == TT_LROW_STATE && prev && prev->kind == TT_LROW_SEG &&
            prev->side == r->side && prev->t == r->t && prev->st[r->side] == TT_LS_NONE) {
            prev->st[r->side] = r->st[r->side];
            prev->cur[r->side] = r->st[r->side];
            continue;
        }
        rv->v[out++] = *r;
    }
    rv->n = out;
}

static int plain_row(const struct tt_ladder *l, const struct tt_ladder_row *r)
{
    if (r->kind != TT_LROW_SEG || r->st[0] != TT_LS_NONE || r->st[1] != TT_LS_NONE)
        return 0;
    const struct tt_ladder_seg *s = &l->seg[r->seg];
    return !s->lost && !s->rejected && s->cause == TT_REXMIT_NONE &&
           !(s->h.flags & (TT_TCP_SYN | TT_TCP_FIN | TT_TCP_RST));
}

static void fill_run(const struct tt_ladder *l, const struct tt_ladder_row *from, size_t n,
                     struct tt_ladder_row *run)
{
    memset(run, 0, sizeof(*run));
    run->kind = TT_LROW_RUN;
    run->t = from[0].t;
    run->t_end = from[n - 1].t;
    run->first = from[0].seg;
    run->last = from[n - 1].seg;
    memcpy(run->cur, from[n - 1].cur, sizeof(run->cur));
    for (size_t k = 0; k < n; k++) {
        const struct tt_ladder_seg *s = &l->seg[from[k].seg];
        if (s->h.len) {
            run->run_data[s->from]++;
            run->run_bytes[s->from] += s->h.len;
        } else {
            run->run_acks[s->from]++;
        }
    }
}

/* Replace the middle of every long run of plain rows by one RUN row. */
static int summarise(const struct tt_ladder *l, size_t max_run, struct rowvec *rv)
{
    struct rowvec out = {0};
    size_t i = 0;
    while (i < rv->n) {
        size_t j = i;
        while (j < rv->n && plain_row(l, &rv->v[j]))
            j++;
        size_t len = j - i;
        if (len > max_run && len > KEEP_HEAD + KEEP_TAIL + 1) {
            for (size_t k = i; k < i + KEEP_HEAD; k++)
                if (push_row(&out))
                    out.v[out.n - 1] = rv->v[k];
            struct tt_ladder_row *run = push_row(&out);
            if (run)
                fill_run(l, &rv->v[i + KEEP_HEAD], len - KEEP_HEAD - KEEP_TAIL, run);
            for (size_t k = j - KEEP_TAIL; k < j; k++)
                if (push_row(&out))
                    out.v[out.n - 1] = rv->v[k];
            i = j;
            continue;
        }
        if (j == i)
            j = i + 1;
        for (size_t k = i; k < j; k++)
            if (push_row(&out))
                out.v[out.n - 1] = rv->v[k];
        i = j;
    }
    free(rv->v);
    *rv = out;
    return 0;
}

static void add_gaps(const struct tt_ladder *l, struct rowvec *rv)
{
    tt_time thr = gap_threshold(l);
    struct rowvec out = {0};
    for (size_t i = 0; i < rv->n; i++) {
        if (i > 0 && rv->v[i].t > rv->v[i - 1].t_end && rv->v[i].t - rv->v[i - 1].t_end >= thr) {
            struct tt_ladder_row *g = push_row(&out);
            if (g) {
                g->kind = TT_LROW_GAP;
                g->t = rv->v[i - 1].t_end;
                g->t_end = rv->v[i].t;
                memcpy(g->cur, rv->v[i - 1].cur, sizeof(g->cur));
            }
        }
        if (push_row(&out))
            out.v[out.n - 1] = rv->v[i];
    }
    free(rv->v);
    *rv = out;
}

size_t tt__ladder_initial(const struct tt_ladder *l, enum tt_ladder_state st[2])
{
    /* A passive open before anything else happened is where the server
     * starts: it goes in the heading, not in a row of its own. */
    size_t i = 0;
    st[0] = l->init_state[0];
    st[1] = l->init_state[1];
    while (i < l->nev && l->ev[i].kind == TT_LEV_STATE && l->ev[i].new_state == TT_LS_LISTEN)
        st[l->ev[i++].side] = TT_LS_LISTEN;
    return i;
}

int tt__ladder_rows(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                    struct tt_ladder_row **rows, size_t *n)
{
    struct rowvec rv = {0};
    enum tt_ladder_state cur[2];
    size_t i = tt__ladder_initial(l, cur);
    for (; i < l->nev; i++) {
        const struct tt_ladder_ev *e = &l->ev[i];
        if (e->kind == TT_LEV_STATE)
            add_state(&rv, e, cur);
        else if (e->kind == TT_LEV_SEND)
            add_send(&rv, e, cur);
    }
    merge_back(&rv);
    size_t max_run = o && o->max_run > 0 ? (size_t)o->max_run : 8;
    summarise(l, max_run, &rv);
    add_gaps(l, &rv);
    *rows = rv.v;
    *n = rv.n;
    return rv.n || !l->nev ? 0 : TT_ENOMEM;
}

void tt_ladder_opts_default(struct tt_ladder_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->max_run = 8;
}

int tt__ladder_begin(const struct tt_ladder *l, const struct tt_ladder_opts **o,
                     struct tt_ladder_opts *def, struct tt_ladder_row **rows, size_t *n)
{
    if (!*o) {
        tt_ladder_opts_default(def);
        *o = def;
    }
    return tt__ladder_rows(l, *o, rows, n) != 0 ? TT_ENOMEM : 0;
}

/* ---- labels ---- */

static const char *cause_tag(enum tt_rexmit_cause c)
{
    switch (c) {
    case TT_REXMIT_RTO:
        return "\u21bbRTO";
    case TT_REXMIT_FAST:
        return "\u21bbfast";
    case TT_REXMIT_SACK:
        return "\u21bbSACK";
    case TT_REXMIT_RACK:
        return "\u21bbRACK";
    case TT_REXMIT_TLP:
        return "\u21bbTLP";
    case TT_REXMIT_SYN:
        return "\u21bbSYN-RTO";
    default:
        return "\u21bb";
    }
}

static void flags_str(uint8_t f, char *buf, size_t cap)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } order[] = {{TT_TCP_SYN, "SYN"}, {TT_TCP_FIN, "FIN"}, {TT_TCP_RST, "RST"},
                 {TT_TCP_PSH, "PSH"}, {TT_TCP_ACK, "ACK"}, {TT_TCP_URG, "URG"},
                 {TT_TCP_ECE, "ECE"}, {TT_TCP_CWR, "CWR"}};
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (f & order[i].bit)
            n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, "%s%s", n ? "," : "",
                                  order[i].name);
    if (!n)
        snprintf(buf, cap, "none");
}

/* Append " tok" to buf if it fits in `width` columns; returns 1 if it did. */
static int append_tok(char *buf, size_t cap, const char *tok, size_t width)
{
    size_t w = tt__ladder_utf8_width(buf), tw = tt__ladder_utf8_width(tok);
    if ((w ? w + 1 : 0) + tw > width || strlen(buf) + strlen(tok) + 2 > cap)
        return 0;
    if (w)
        strcat(buf, " ");
    strcat(buf, tok);
    return 1;
}

static void syn_options(const struct tt_trace_seg *h, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = 0;
    if (h->has_mss)
        n += (size_t)snprintf(buf + n, cap - n, "mss=%u ", h->mss);
    if (h->sack_ok && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "sackOK ");
    if (h->has_ts && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "ts=%u/%u ", h->ts_val, h->ts_ecr);
    if (h->has_wscale && n < cap)
        n += (size_t)snprintf(buf + n, cap - n, "ws=%u ", h->wscale);
    if (n && n <= cap)
        buf[n - 1] = 0;
}

void tt__ladder_label(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                      const struct tt_ladder_seg *s, int main_width, char *main_buf, char *sub_buf,
                      size_t cap)
{
    const struct tt_trace_seg *h = &s->h;
    int abs = o && o->absolute;
    uint32_t sb = abs ? 0 : tt__ladder_base(l, s->from);
    uint32_t ab = abs ? 0 : tt__ladder_base(l, !s->from);
    char tok[6][64], opt[96];
    int nt = 0;
    flags_str(h->flags, tok[nt++], sizeof(tok[0]));
    if (s->cause != TT_REXMIT_NONE)
        snprintf(tok[nt++], sizeof(tok[0]), "%s", cause_tag(s->cause));
    if (h->len)
        snprintf(tok[nt++], sizeof(tok[0]), "seq=%u:%u", h->seq - sb, h->seq - sb + h->len);
    else
        snprintf(tok[nt++], sizeof(tok[0]), "seq=%u", h->seq - sb);
    int forced = nt; /* flags, retransmission mark and seq always go on the arrow */
    if (h->flags & TT_TCP_ACK)
        snprintf(tok[nt++], sizeof(tok[0]), "ack=%u", h->ack - ab);
    if (h->len)
        snprintf(tok[nt++], sizeof(tok[0]), "len=%u", h->len);
    snprintf(tok[nt++], sizeof(tok[0]), "win=%u", h->wnd);
    main_buf[0] = sub_buf[0] = 0;
    int spilled = 0;
    for (int i = 0; i < nt; i++) {
        if (i < forced) {
            append_tok(main_buf, cap, tok[i], 1000);
            continue;
        }
        /* What does not fit moves below the arrow, keeping the order. */
        if (!spilled && append_tok(main_buf, cap, tok[i], (size_t)main_width))
            continue;
        spilled = 1;
        append_tok(sub_buf, cap, tok[i], 1000);
    }
    if (h->flags & TT_TCP_SYN) {
        syn_options(h, opt, sizeof(opt));
        if (opt[0])
            append_tok(sub_buf, cap, opt, 1000);
    }
    for (int b = 0; b < h->nsack && b < 4; b++) {
        snprintf(opt, sizeof(opt), "sack=%u:%u", h->sack[b][0] - ab, h->sack[b][1] - ab);
        append_tok(sub_buf, cap, opt, 1000);
    }
    if (s->rejected) {
        const char *why = tt_drop_reason_name(s->drop);
        snprintf(opt, sizeof(opt), "(dropped: %s)", why ? why : "?");
        append_tok(sub_buf, cap, opt, 1000);
    }
}
