/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the link knows about the TCP flows crossing it, for bench_recovery.
 *
 * The memlink's fate hook tells, for every frame the sender transmits,
 * whether the link delivers it, loses it or drops it at the queue. From that
 * the monitor keeps, per flow (keyed by the sender's port), the byte ranges
 * the link has delivered or will deliver, the highest byte ever sent, and
 * counts: data segments, retransmitted segments and bytes (any payload below
 * the highest byte sent before), spurious retransmissions (retransmitted
 * bytes the link had already delivered, or will: the original was not lost),
 * and segments and bytes the link dropped. Sequence numbers are taken
 * relative to the flow's ISN, so a flow must move less than 4 GiB.
 *
 * On the way back (ACKs delivered to the sender) it learns the receiver's
 * window scale and the right edge of the window the sender was last told,
 * and counts segments sent beyond that edge.
 */
#ifndef TETHER_BENCH_FLOWMON_H
#define TETHER_BENCH_FLOWMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memlink.h"

/* ---- a set of disjoint byte ranges [lo, hi) ---- */

struct ivset {
    uint64_t (*v)[2];
    size_t n, cap;
};

/* The first range whose end is at or after x. */
static size_t ivset_find(const struct ivset *s, uint64_t x)
{
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (s->v[mid][1] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void ivset_add(struct ivset *s, uint64_t lo, uint64_t hi)
{
    size_t i = ivset_find(s, lo), j = i;
    while (j < s->n && s->v[j][0] <= hi) {
        lo = s->v[j][0] < lo ? s->v[j][0] : lo;
        hi = s->v[j][1] > hi ? s->v[j][1] : hi;
        j++;
    }
    if (j == i) { /* a new range at i */
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->v = realloc(s->v, s->cap * sizeof s->v[0]);
            if (!s->v)
                abort();
        }
        memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof s->v[0]);
        s->n++;
    } else if (j > i + 1) { /* ranges i..j-1 merge into i */
        memmove(s->v + i + 1, s->v + j, (s->n - j) * sizeof s->v[0]);
        s->n -= j - i - 1;
    }
    s->v[i][0] = lo;
    s->v[i][1] = hi;
}

/* Bytes of [lo, hi) inside the set. */
static uint64_t ivset_covered(const struct ivset *s, uint64_t lo, uint64_t hi)
{
    uint64_t n = 0;
    for (size_t i = ivset_find(s, lo + 1); i < s->n && s->v[i][0] < hi; i++) {
        uint64_t a = s->v[i][0] > lo ? s->v[i][0] : lo;
        uint64_t b = s->v[i][1] < hi ? s->v[i][1] : hi;
        if (b > a)
            n += b - a;
    }
    return n;
}

/* ---- frames ---- */

/* A TCP segment in an Ethernet + IPv4 frame, as far as the monitor needs. */
struct fm_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    int wscale;     /* -1: no window scale option */
    size_t tcp_off; /* offset of the TCP header in the frame */
    uint32_t len;   /* payload bytes */
};

static uint32_t fm_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int fm_parse(const uint8_t *f, size_t len, struct fm_seg *s)
{
    if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
        return -1;
    const uint8_t *ip = f + 14;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4, tot = (size_t)ip[2] << 8 | ip[3];
    if (ip[9] != 6 || ihl < 20 || tot > len - 14 || tot < ihl + 20)
        return -1;
    const uint8_t *t = ip + ihl;
    size_t thl = (size_t)(t[12] >> 4) * 4;
    if (thl < 20 || ihl + thl > tot)
        return -1;
    s->sport = (uint16_t)(t[0] << 8 | t[1]);
    s->dport = (uint16_t)(t[2] << 8 | t[3]);
    s->seq = fm_be32(t + 4);
    s->ack = fm_be32(t + 8);
    s->flags = t[13];
    s->wnd = (uint16_t)(t[14] << 8 | t[15]);
    s->tcp_off = 14 + ihl;
    s->len = (uint32_t)(tot - ihl - thl);
    s->wscale = -1;
    for (size_t o = 20; o < thl;) { /* options: only window scale matters */
        uint8_t kind = t[o];
        if (kind == 0)
            break;
        if (kind == 1 || o + 1 >= thl) {
            o++;
            continue;
        }
        if (kind == 3 && t[o + 1] == 3 && o + 2 < thl)
            s->wscale = t[o + 2];
        o += t[o + 1] ? t[o + 1] : 1;
    }
    return 0;
}

/* ---- flows ---- */

#define FM_MAX_FLOWS 8

struct fm_flow {
    uint16_t port; /* the sender's port; 0 = unused slot */
    uint32_t isn;
    uint64_t hi;        /* highest relative byte end ever sent */
    struct ivset got;   /* relative byte ranges the link delivered (or will) */
    tt_time first_data; /* when the first data segment was sent */
    uint64_t data_segs, data_bytes, retx_segs, retx_bytes, spur_segs, spur_bytes;
    uint64_t drop_segs, drop_bytes;
    /* The receiver's window as the sender knows it. */
    int ws;                           /* the receiver's window shift (0 without the option) */
    int have_edge;                    /* an ACK after the handshake has reached the sender */
    uint64_t edge;                    /* relative right edge of the window last advertised */
    uint64_t beyond_new, beyond_retx; /* segments ending past that edge */
};

struct flowmon {
    struct fm_flow f[FM_MAX_FLOWS];
    uint32_t full_payload; /* the largest payload seen, and its frame length */
    size_t full_frame;
};

static struct fm_flow *fm_flow(struct flowmon *m, uint16_t port, int create)
{
    for (int i = 0; i < FM_MAX_FLOWS; i++)
        if (m->f[i].port == port)
            return &m->f[i];
    for (int i = 0; create && i < FM_MAX_FLOWS; i++)
        if (m->f[i].port == 0) {
            m->f[i].port = port;
            return &m->f[i];
        }
    return NULL;
}

static uint64_t fm_rel(const struct fm_flow *fl, uint32_t seq)
{
    return (uint32_t)(seq - fl->isn - 1);
}

/* A data segment the sender transmitted, with its fate. */
static void fm_data(struct flowmon *m, struct fm_flow *fl, const struct fm_seg *s,
                    const struct tt_memlink_fate_event *ev)
{
    uint64_t lo = fm_rel(fl, s->seq), hi = lo + s->len;
    if (!fl->data_segs)
        fl->first_data = ev->sent;
    fl->data_segs++;
    fl->data_bytes += s->len;
    if (lo < fl->hi) { /* (part of) it was sent before */
        uint64_t rhi = hi < fl->hi ? hi : fl->hi, cov = ivset_covered(&fl->got, lo, rhi);
        fl->retx_segs++;
        fl->retx_bytes += rhi - lo;
        fl->spur_bytes += cov;
        fl->spur_segs += cov == rhi - lo;
    }
    if (fl->have_edge && hi > fl->edge) {
        if (lo < fl->hi)
            fl->beyond_retx++;
        else
            fl->beyond_new++;
    }
    fl->hi = hi > fl->hi ? hi : fl->hi;
    if (ev->fate == TT_MEMLINK_LOST || ev->fate == TT_MEMLINK_QUEUE_DROP) {
        fl->drop_segs++;
        fl->drop_bytes += s->len;
    } else if (ev->fate != TT_MEMLINK_DUPLICATED) {
        ivset_add(&fl->got, lo, hi);
    }
    if (s->len > m->full_payload) {
        m->full_payload = s->len;
        m->full_frame = ev->len;
    }
}

/* The memlink fate hook: watch the sender's direction (A to B). */
static void fm_fate(void *ctx, const struct tt_memlink_fate_event *ev)
{
    struct flowmon *m = ctx;
    struct fm_seg s;
    if (ev->dir != TT_MEMLINK_A_TO_B || fm_parse(ev->frame, ev->len, &s) != 0)
        return;
    struct fm_flow *fl = fm_flow(m, s.sport, (s.flags & 0x12) == 0x02);
    if (!fl)
        return;
    if ((s.flags & 0x12) == 0x02) {
        fl->isn = s.seq;
        return;
    }
    if (s.len)
        fm_data(m, fl, &s, ev);
}

/* A segment from the receiver reaching the sender (after any rewriting). */
static void fm_ack(struct flowmon *m, const struct fm_seg *s)
{
    struct fm_flow *fl = fm_flow(m, s->dport, 0);
    if (!fl || !(s->flags & 0x10))
        return;
    if (s->flags & 0x02) { /* SYN-ACK: the window scale; its window is unscaled */
        fl->ws = s->wscale < 0 ? 0 : s->wscale;
        return;
    }
    uint64_t edge = fm_rel(fl, s->ack) + ((uint64_t)s->wnd << fl->ws);
    fl->edge = edge;
    fl->have_edge = 1;
}

static void fm_free(struct flowmon *m)
{
    for (int i = 0; i < FM_MAX_FLOWS; i++)
        free(m->f[i].got.v);
}

#endif
