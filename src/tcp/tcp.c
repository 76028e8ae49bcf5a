/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP entry points for the IP layer: module setup, segment demultiplexing
 * (connection, then SYN queue, then listener, else CLOSED: RFC 9293
 * §3.10.7.1), ICMP errors (RFC 1122 §4.2.3.9, RFC 5927) and the timers.
 */
#include <string.h>

#include "tcp/tcp_int.h"
#include "wire/icmp.h"

#define TT__TCP_BUCKETS 64

int tt__tcp_init(struct tt_stack *s)
{
    struct tt__tcp *m = tt__calloc(s, sizeof *m);
    if (!m)
        return TT_ENOMEM;
    struct tt__hnode **b[3];
    for (int i = 0; i < 3; i++) {
        b[i] = tt__alloc(s, TT__TCP_BUCKETS * sizeof *b[i]);
        if (!b[i]) {
            while (i--)
                tt__free(s, b[i], TT__TCP_BUCKETS * sizeof *b[i]);
            tt__free(s, m, sizeof *m);
            return TT_ENOMEM;
        }
    }
    tt__htable_init(&m->conns, b[0], TT__TCP_BUCKETS);
    tt__htable_init(&m->listeners, b[1], TT__TCP_BUCKETS);
    tt__htable_init(&m->synq, b[2], TT__TCP_BUCKETS);
    tt__theap_init(&m->timers);
    m->hkey[0] = s->cfg.secret[0] ^ 0x686173682d6b6579ull;
    m->hkey[1] = s->cfg.secret[1] ^ 0x7463702d74757065ull;
    s->tcp = m;
    return 0;
}

void tt__tcp_fini(struct tt_stack *s)
{
    struct tt__tcp *m = s->tcp;
    if (!m)
        return;
    for (struct tt_tcp *t = m->all; t; t = t->all_next)
        if (t->state == TT_LISTEN)
            tt__listen_free_quiet(t);
    tt__tcb_free_all(s);
    tt__bufq_cache_free(s);
    tt__tfo_cache_free(s);
    tt__free(s, m->conns.bucket, m->conns.nbuckets * sizeof *m->conns.bucket);
    tt__free(s, m->listeners.bucket, m->listeners.nbuckets * sizeof *m->listeners.bucket);
    tt__free(s, m->synq.bucket, m->synq.nbuckets * sizeof *m->synq.bucket);
    tt__free(s, m, sizeof *m);
    s->tcp = NULL;
}

/* Parse and check one segment into *sg; 0, or the drop reason. */
static int parse(struct tt__seg *sg, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                 enum tt_drop_reason *why)
{
    int hl = tt__tcp_parse(seg, len, &sg->h, why);
    if (hl < 0)
        return -1;
    /* RFC 9293 §3.1 MUST-2/3: the checksum covers pseudo-header, header, data. */
    if (!tt__tcp_cksum_ok(src, dst, seg, len)) {
        *why = TT_DROP_TCP_BAD_CHECKSUM;
        return -1;
    }
    sg->src = src;
    sg->dst = dst;
    sg->data = seg + hl;
    sg->dlen = (uint32_t)(len - (size_t)hl);
    sg->seq = tt_seq_make(sg->h.seq);
    sg->ack = tt_seq_make(sg->h.ack);
    sg->len =
        sg->dlen + ((sg->h.flags & TT_TCP_SYN) ? 1u : 0u) + ((sg->h.flags & TT_TCP_FIN) ? 1u : 0u);
    sg->raw = seg;
    sg->raw_len = len;
    return 0;
}

void tt__tcp_input(struct tt_stack *s, int iface, uint32_t src, uint32_t dst, uint8_t ecn,
                   const uint8_t *seg, size_t len, tt_time now)
{
    struct tt__seg sg;
    enum tt_drop_reason why = TT_DROP_TCP_TRUNCATED;
    s->ctr.tcp_in_segs++;
    memset(&sg, 0, sizeof sg);
    sg.iface = iface;
    sg.ecn = ecn;
    if (parse(&sg, src, dst, seg, len, &why) < 0) {
        tt__drop(s, why, iface, seg, len, now);
        return;
    }
    uint16_t sport = sg.h.sport, dport = sg.h.dport;
    struct tt_tcp *t = tt__tcb_lookup(s, dst, dport, src, sport);
    struct tt__synreq *r;
    if (t) {
        tt__tcp_input_tcb(t, &sg, now);
    } else if ((r = tt__synreq_lookup(s, dst, dport, src, sport)) != NULL) {
        tt__tcp_synreq_input(r, &sg, now);
    } else if ((t = tt__listener_lookup(s, dst, dport)) != NULL) {
        tt__tcp_listen_input(t, &sg, now);
    } else {
        /* §3.10.7.1 CLOSED: drop, and answer with an RST unless it is one. */
        tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_IN, NULL, 0, src, dst, &sg.h, sg.dlen, 0,
                          TT_DROP_TCP_NO_SOCKET, TT_REXMIT_NONE, now);
        tt__drop(s, TT_DROP_TCP_NO_SOCKET, iface, seg, len, now);
        tt__tcp_reply_rst(s, &sg, now);
    }
    tt__tcb_reap(s, now);
}

/* RFC 1191 §7: the plateau table, for routers that quote no next-hop MTU. */
static const uint16_t pmtu_plateaus[] = {32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68};

static uint32_t path_mtu(const struct tt_tcp *t)
{
    struct tt_route r;
    if (t->pmtu)
        return t->pmtu;
    return tt__ip_route(t->s, t->raddr, &r) == 0 && r.mtu ? r.mtu : 576;
}

/*
 * "Fragmentation needed" (RFC 1191 §6.3, RFC 5927 §7): the path MTU only goes
 * down on an ICMP, never below cfg.pmtu_min (Linux min_pmtu: a forged 68
 * would make the connection send 28-byte segments); a path even narrower is
 * sent to without DF, as Linux locks such a route. What was sent in bigger
 * segments goes again at the new size.
 */
static void frag_needed(struct tt_tcp *t, uint32_t mtu, tt_time now)
{
    const struct tt_config *c = &t->s->cfg;
    uint32_t cur = path_mtu(t), floor = c->pmtu_min > 68 ? c->pmtu_min : 68;
    if (mtu == 0) { /* RFC 1191 §5: an old router; guess the next plateau down */
        for (size_t i = 0; i < sizeof pmtu_plateaus / sizeof pmtu_plateaus[0] && !mtu; i++)
            if (pmtu_plateaus[i] < cur)
                mtu = pmtu_plateaus[i];
    }
    int below = mtu < floor;
    if (below)
        mtu = floor;
    if (mtu >= cur)
        return;
    t->pmtu = (uint16_t)mtu;
    t->pmtu_nodf = (uint8_t)below;
    t->pmtu_expire = now + c->pmtu_expires;
    uint16_t mss = tt__tcb_mss_calc(t);
    if (t->state >= TT_ESTABLISHED && mss < t->snd_mss) {
        t->snd_mss = mss;
        t->snd_nxt = t->snd_una;
        tt__tcp_output(t, now);
    }
}

void tt__tcp_pmtu_age(struct tt_tcp *t, tt_time now)
{
    if (!t->pmtu || now < t->pmtu_expire)
        return;
    t->pmtu = 0;
    t->pmtu_nodf = 0;
    if (t->state >= TT_ESTABLISHED)
        t->snd_mss = tt__tcb_mss_calc(t);
}

/*
 * The error an ICMP message stands for, and whether it is hard: RFC 1122
 * §4.2.3.9 makes unreachable codes 0, 1 and 5, time exceeded and parameter
 * problem soft (MUST NOT abort), codes 2-4 hard; the later codes (RFC 1812
 * §5.2.7.1) follow Linux's icmp_err_convert table. 0 = not acted upon (source
 * quench is deprecated by RFC 6633; unknown codes).
 */
static int icmp_errno(uint8_t type, uint8_t code, int *hard)
{
    *hard = 0;
    if (type == TT_ICMP_TIME_EXCEEDED)
        return TT_EHOSTUNREACH;
    if (type == TT_ICMP_PARAM_PROBLEM)
        return TT_EPROTO;
    if (type != TT_ICMP_DEST_UNREACH || code > 15)
        return 0;
    static const uint16_t hard_codes = 1u << 2 | 1u << 3 | 1u << 6 | 1u << 7 | 1u << 8 | 1u << 9 |
                                       1u << 10 | 1u << 13 | 1u << 14 | 1u << 15;
    *hard = (hard_codes >> code) & 1;
    switch (code) {
    case TT_ICMP_PORT_UNREACH:
        return TT_ECONNREFUSED;
    case TT_ICMP_PROTO_UNREACH:
        return TT_EPROTO;
    case TT_ICMP_NET_UNREACH:
    case 6:
    case 8:
    case 9:
    case 11:
        return TT_ENETUNREACH;
    default:
        return TT_EHOSTUNREACH;
    }
}

/*
 * An ICMP error about a segment of ours (RFC 1122 §4.2.3.9, RFC 5927): code 4
 * (fragmentation needed) goes to path MTU discovery; the others are soft or
 * hard errors (icmp_errno), reported, and aborting only a connection still
 * opening.
 */
void tt__tcp_icmp_error(struct tt_stack *s, const struct tt_icmp_err *e, tt_time now)
{
    struct tt_tcp *t = tt__tcb_lookup(s, e->src, e->sport, e->dst, e->dport);
    /* RFC 5927 §4.1: the quoted sequence number must be one in flight,
     * SND.UNA =< SEG.SEQ < SND.NXT; anything else is forged or stale. */
    if (!t || t->state == TT_LISTEN || t->state == TT_CLOSED ||
        !tt_seq_in(tt_seq_make(e->seq), t->snd_una, t->snd_max)) {
        tt__drop(s, TT_DROP_ICMP_TCP_STALE, -1, NULL, 0, now);
        return;
    }
    if (e->type == TT_ICMP_DEST_UNREACH && e->code == TT_ICMP_FRAG_NEEDED) {
        frag_needed(t, e->mtu, now);
        return;
    }
    int hard, err = icmp_errno(e->type, e->code, &hard);
    if (!err)
        return;
    /* RFC 1122 §4.2.3.9: a hard error aborts a connection still opening (as
     * Linux does in SYN-SENT and SYN-RECEIVED); in a synchronized one RFC 5927
     * §4.2 treats it as soft, as Linux does without IP_RECVERR: an ICMP is
     * easy to forge and a live connection outlives a routing transient. A
     * soft error is reported, and replaces ETIMEDOUT if the connection dies. */
    tt__tfo_icmp(t, now); /* a SYN with data met an ICMP error: the path may refuse them */
    if (hard && t->state < TT_ESTABLISHED) {
        s->ctr.tcp_attempt_fails++;
        tt__tcb_closed(t, err, now);
        tt__tcb_reap(s, now);
        return;
    }
    t->soft_err = err;
    tt__tcb_notify(t, TT_TCP_EV_ERROR);
}

tt_time tt__tcp_poll(struct tt_stack *s, tt_time now)
{
    struct tt__tcp *m = s->tcp;
    if (!m)
        return TT_TIME_NEVER;
    struct tt__tnode *n;
    while ((n = tt__theap_pop_due(&m->timers, now)) != NULL) {
        tt__tcp_timer_fire(s, (struct tt__timer *)(void *)n, now);
        tt__tcb_reap(s, now);
    }
    return tt__theap_next(&m->timers);
}
