/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Passive opens (RFC 9293 §3.10.7.2): a listener keeps half-open connections
 * in a compact SYN queue (struct tt__synreq, apart from full control blocks,
 * as FreeBSD's syncache and Linux's request sockets do), retransmits their
 * SYN-ACKs with backoff, and turns the final ACK into a full connection on the
 * accept queue. A full backlog drops the SYN and counts it (Linux
 * ListenOverflows/ListenDrops). When the SYN queue is full and
 * cfg.tcp.syncookies is on, the SYN is answered with a SYN cookie instead
 * (RFC 4987 §3.6) and nothing is kept until the final ACK proves it.
 */
#include <string.h>

#include "tcp/tcp_int.h"
#include "util/siphash.h"

static uint64_t req_hash(const struct tt_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                         uint16_t rport)
{
    return tt__tcp_tuple_hash(s, laddr, lport, raddr, rport);
}

#define HN_REQ(n) ((struct tt__synreq *)((char *)(n)-offsetof(struct tt__synreq, hn)))

struct tt__synreq *tt__synreq_lookup(struct tt_stack *s, uint32_t laddr, uint16_t lport,
                                     uint32_t raddr, uint16_t rport)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint64_t h = req_hash(s, laddr, lport, raddr, rport);
    for (struct tt__hnode *n = tt__htable_first(&m->synq, h); n; n = tt__htable_next(n, h)) {
        struct tt__synreq *r = HN_REQ(n);
        if (r->laddr == laddr && r->lport == lport && r->raddr == raddr && r->rport == rport)
            return r;
    }
    return NULL;
}

/*
 * A half-open entry is no control block, but the ladder and the tests should
 * see it enter SYN-RECEIVED when its SYN-ACK leaves, not when the final ACK
 * makes the connection: its state changes are traced with the serial the
 * connection will get (r->id, drawn at the SYN) and no handle (conn NULL).
 */
static void req_trace_state(struct tt_stack *s, uint32_t id, int os, int ns, tt_time now)
{
    if (!s->trace_fn)
        return;
    struct tt_trace_event ev;
    tt__tcb_event(&ev, TT_TRACE_TCP_STATE, NULL, id, now);
    ev.old_state = os;
    ev.new_state = ns;
    tt__trace(s, &ev);
}

/* Forget a half-open entry; `ns` is the state it goes to for the trace
 * (TT_LISTEN after an RST, TT_CLOSED when abandoned), or -1 for none
 * (promoted to a control block, or stack teardown). */
static void req_free(struct tt_stack *s, struct tt__synreq *r, int ns, tt_time now)
{
    if (ns >= 0)
        req_trace_state(s, r->id, TT_SYN_RECEIVED, ns, now);
    struct tt__tcp *m = tt__tcpm(s);
    struct tt_tcp *l = r->listener;
    tt__htable_remove(&m->synq, &r->hn);
    tt__theap_remove(&m->timers, &r->tm.node);
    if (r->prev)
        r->prev->next = r->next;
    else
        l->synq = r->next;
    if (r->next)
        r->next->prev = r->prev;
    l->synq_len--;
    m->synq_total--;
    tt__free(s, r, sizeof *r);
}

static void drop_seg(struct tt_stack *s, struct tt__seg *sg, uint32_t id, enum tt_drop_reason why,
                     tt_time now)
{
    tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_IN, NULL, id, sg->src, sg->dst, &sg->h, sg->dlen, 0, why,
                      TT_REXMIT_NONE, now);
    tt__drop(s, why, sg->iface, sg->raw, sg->raw_len, now);
}

static void req_fill(struct tt_tcp *l, struct tt__synreq *r, struct tt__seg *sg, uint32_t iss_hint,
                     tt_time now)
{
    struct tt_stack *s = l->s;
    const struct tt_tcp_config *c = &s->cfg.tcp;
    const struct tt_tcp_opts *o = &sg->h.opt;
    r->tm.kind = TT__TK_SYNREQ;
    r->listener = l;
    r->id = ++tt__tcpm(s)->next_id;
    r->laddr = sg->dst;
    r->raddr = sg->src;
    r->lport = sg->h.dport;
    r->rport = sg->h.sport;
    r->irs = sg->seq;
    r->iss = iss_hint ? tt_seq_make(iss_hint)
                      : tt__tcp_isn(s, r->laddr, r->lport, r->raddr, r->rport, now);
    r->has_peer_mss = o->has_mss && o->mss;
    r->peer_mss = r->has_peer_mss ? o->mss : 536;
    r->adv_mss = tt__tcp_adv_mss(s, r->raddr, l->user_mss);
    r->peer_wnd = sg->h.wnd;
    /* The SYN-ACK mirrors what the SYN offered (conformance README 1d.2). */
    r->ws_ok = c->window_scaling && o->has_ws;
    r->snd_ws = r->ws_ok ? (o->ws > 14 ? 14 : o->ws) : 0;
    r->rcv_ws = r->ws_ok ? tt__tcp_wscale_for(l->rcvbuf_set ? l->rcvbuf : c->rmem_max) : 0;
    r->ts_ok = c->timestamps && o->has_ts;
    r->ts_recent = o->ts_val;
    r->ts_off = tt__tcp_ts_offset(s, r->laddr, r->lport, r->raddr, r->rport);
    r->sack_ok = c->sack && o->sack_ok;
    r->ecn_ok = (uint8_t)tt__ecn_syn_ok(s, &sg->h);
    r->sent_at = now;
}

/* ---- SYN cookies (RFC 4987 §3.6) ---- */

/*
 * The cookie is our ISN: bits 31-27 the low five bits of a 64-second counter,
 * bits 26-24 an index into cookie_mss[] (the largest entry not above the
 * peer's MSS), bits 23-0 a SipHash, keyed by the stack secret, of the 4-tuple,
 * the peer's ISN, the full counter and the index. The final ACK acknowledges
 * cookie + 1; it is valid for the current and the previous counter value (64
 * to 128 s, Linux allows about two minutes).
 *
 * Window scale and SACK-permitted cannot ride in 32 bits beside that; as
 * Linux does, they ride in the low 6 bits of our SYN-ACK's TSval (bit 5 SACK,
 * bit 4 window scaling, bits 3-0 the peer's shift), which the final ACK
 * echoes in TSecr. A SYN without timestamps loses them: the connection then
 * runs without window scaling and SACK. Cookies are checked for every bare
 * ACK that reaches a listener; Linux checks only after a recent overflow.
 */
#define COOKIE_PERIOD TT_SEC(64)
#define COOKIE_TS_BITS 6
static const uint16_t cookie_mss[8] = {216, 536, 1024, 1220, 1300, 1400, 1440, 1460};

static uint32_t cookie_hash(const struct tt_stack *s, const struct tt__seg *sg, uint32_t irs,
                            uint32_t count, unsigned idx)
{
    /* The tuple as the peer's SYN carried it: dst is ours. */
    uint64_t k[2] = {s->cfg.secret[0] ^ 0x636f6f6b6965ull,
                     s->cfg.secret[1] + 0x636f6f6b6965ull * 0x9e3779b97f4a7c15ull};
    uint8_t b[21];
    uint32_t w[5] = {sg->dst, sg->src, (uint32_t)sg->h.dport << 16 | sg->h.sport, irs, count};
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 4; j++)
            b[i * 4 + j] = (uint8_t)(w[i] >> (24 - 8 * j));
    b[20] = (uint8_t)idx;
    return (uint32_t)tt__siphash(k, b, sizeof b) & 0xffffff;
}

/* The ISN for a SYN, cookie-encoded. */
static uint32_t cookie_make(const struct tt_stack *s, const struct tt__seg *sg, uint16_t peer_mss,
                            tt_time now)
{
    unsigned idx = 0;
    while (idx < 7 && cookie_mss[idx + 1] <= peer_mss)
        idx++;
    uint32_t count = (uint32_t)(now / COOKIE_PERIOD);
    return (count & 31) << 27 | idx << 24 | cookie_hash(s, sg, sg->seq.v, count, idx);
}

/* The final ACK: 0 and the MSS index when it acknowledges a cookie we could
 * have sent for this tuple lately, -1 otherwise. */
static int cookie_check(const struct tt_stack *s, const struct tt__seg *sg, tt_time now,
                        unsigned *idx)
{
    uint32_t cookie = sg->ack.v - 1, irs = sg->seq.v - 1;
    uint32_t count = (uint32_t)(now / COOKIE_PERIOD);
    *idx = cookie >> 24 & 7;
    for (uint32_t age = 0; age < 2 && age <= count; age++) {
        uint32_t c = count - age;
        if ((c & 31) == cookie >> 27 && cookie_hash(s, sg, irs, c, *idx) == (cookie & 0xffffff))
            return 0;
    }
    return -1;
}

/* The options the SYN offered, in TSval's low bits; never later than the
 * clock, so that our next TSvals do not go backwards (RFC 7323 §5.3). */
static uint32_t cookie_tsval(const struct tt__synreq *r, tt_time now)
{
    uint32_t ts = tt__tcp_ts_now(r->ts_off, now);
    uint32_t opts = (r->sack_ok ? 0x20u : 0) | (r->ws_ok ? 0x10u | r->snd_ws : 0);
    uint32_t v = (ts & ~(uint32_t)0x3f) | opts;
    if ((int32_t)(v - ts) > 0)
        v -= 1u << COOKIE_TS_BITS;
    return v;
}

/* The SYN queue is full: answer with a cookie and keep nothing. */
static void cookie_send(struct tt_tcp *l, struct tt__seg *sg, tt_time now)
{
    struct tt_stack *s = l->s;
    struct tt__synreq r;
    memset(&r, 0, sizeof r);
    req_fill(l, &r, sg, 1, now);
    tt__tcpm(s)->next_id--; /* nothing lives on: no serial is spent */
    r.id = 0;
    r.iss = tt_seq_make(cookie_make(s, sg, r.peer_mss, now));
    if (r.ts_ok) { /* output stamps ts_now(ts_off): shift the offset to our value */
        r.ts_off = cookie_tsval(&r, now) - tt__tcp_ts_now(0, now);
    } else {
        /* Nothing would bring window scaling and SACK back: do not offer
         * them, or each side would read the other's windows differently. */
        r.ws_ok = r.sack_ok = 0;
        r.snd_ws = r.rcv_ws = 0;
    }
    r.ecn_ok = 0; /* the cookie keeps no ECN bit (ecn.c) */
    s->ctr.tcp_syncookies_sent++;
    tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_IN, NULL, 0, sg->src, sg->dst, &sg->h, sg->dlen, 1, 0,
                      TT_REXMIT_NONE, now);
    tt__tcp_send_synack_req(s, &r, 0, now);
}

static struct tt_tcp *req_promote(struct tt__synreq *r, struct tt__seg *sg, int traced,
                                  tt_time now);
static int tfo_syn(struct tt_tcp *l, struct tt__seg *sg, uint8_t *fo_reply, tt_time now);

/* A valid cookie ACK: rebuild the half-open entry it stands for, then as if
 * it had been queued (RFC 4987 §3.6: the connection is created only now). */
static struct tt_tcp *cookie_promote(struct tt_tcp *l, struct tt__seg *sg, unsigned idx,
                                     tt_time now)
{
    struct tt_stack *s = l->s;
    const struct tt_tcp_config *c = &s->cfg.tcp;
    const struct tt_tcp_opts *o = &sg->h.opt;
    struct tt__synreq r;
    memset(&r, 0, sizeof r);
    r.listener = l;
    r.id = ++tt__tcpm(s)->next_id;
    r.laddr = sg->dst;
    r.raddr = sg->src;
    r.lport = sg->h.dport;
    r.rport = sg->h.sport;
    r.irs = tt_seq_add(sg->seq, (uint32_t)-1);
    r.iss = tt_seq_add(sg->ack, (uint32_t)-1);
    r.has_peer_mss = 1;
    r.peer_mss = cookie_mss[idx];
    r.adv_mss = tt__tcp_adv_mss(s, r.raddr, l->user_mss);
    r.retries = 1; /* no handshake RTT sample: the SYN-ACK time is not kept */
    if (c->timestamps && o->has_ts) {
        uint32_t bits = o->ts_ecr;
        r.ts_ok = 1;
        r.ts_recent = o->ts_val;
        r.ts_off = tt__tcp_ts_offset(s, r.laddr, r.lport, r.raddr, r.rport);
        r.sack_ok = c->sack && (bits & 0x20);
        r.ws_ok = c->window_scaling && (bits & 0x10);
        r.snd_ws = r.ws_ok ? (uint8_t)((bits & 15) > 14 ? 14 : bits & 15) : 0;
        r.rcv_ws = r.ws_ok ? tt__tcp_wscale_for(l->rcvbuf_set ? l->rcvbuf : c->rmem_max) : 0;
    }
    return req_promote(&r, sg, 0, now);
}

/* LISTEN, an ACK without SYN or RST: a SYN cookie, else an RST. */
static void listen_ack(struct tt_tcp *l, struct tt__seg *sg, tt_time now)
{
    struct tt_stack *s = l->s;
    unsigned idx;
    int cookie = s->cfg.tcp.syncookies && !(sg->h.flags & (TT_TCP_SYN | TT_TCP_RST));
    if (!cookie || cookie_check(s, sg, now, &idx) != 0) {
        if (cookie)
            s->ctr.tcp_syncookies_failed++;
        drop_seg(s, sg, l->id, TT_DROP_TCP_BAD_ACK, now);
        tt__tcp_reply_rst(s, sg, now);
        return;
    }
    if (l->aq_len >= l->backlog) {
        drop_seg(s, sg, l->id, TT_DROP_TCP_LISTEN_OVERFLOW, now);
        return;
    }
    struct tt_tcp *c = cookie_promote(l, sg, idx, now);
    if (!c) {
        drop_seg(s, sg, 0, TT_DROP_TCP_NOMEM, now);
        return;
    }
    s->ctr.tcp_syncookies_recv++;
    tt__tcp_input_tcb(c, sg, now);
    tt__tcb_notify(l, TT_TCP_EV_ACCEPTABLE | TT_TCP_EV_READABLE);
}

/* LISTEN, third check: a SYN. Also the entry for a SYN that ends a TIME-WAIT. */
void tt__tcp_listen_syn(struct tt_tcp *l, struct tt__seg *sg, uint32_t iss_hint, tt_time now)
{
    struct tt_stack *s = l->s;
    struct tt__tcp *m = tt__tcpm(s);
    if (l->aq_len >= l->backlog) {
        /* Accept queue full: a cookie would only make one more connection
         * the application cannot take (Linux drops here too). */
        drop_seg(s, sg, 0, TT_DROP_TCP_LISTEN_OVERFLOW, now);
        return;
    }
    if (l->synq_len >= l->backlog || m->synq_total >= s->cfg.tcp.max_syn_backlog) {
        if (s->cfg.tcp.syncookies && !iss_hint)
            cookie_send(l, sg, now);
        else
            drop_seg(s, sg, 0, TT_DROP_TCP_LISTEN_OVERFLOW, now);
        return;
    }
    uint8_t fo_reply = 0;
    if (tfo_syn(l, sg, &fo_reply, now))
        return;
    struct tt__synreq *r = tt__calloc(s, sizeof *r);
    if (!r) {
        drop_seg(s, sg, 0, TT_DROP_TCP_NOMEM, now);
        return;
    }
    req_fill(l, r, sg, iss_hint, now);
    r->fo_reply = fo_reply;
    if (m->synq.count >= m->synq.nbuckets) {
        size_t n = m->synq.nbuckets * 2;
        struct tt__hnode **b = tt__alloc(s, n * sizeof *b);
        if (b)
            tt__free(s, tt__htable_rehash(&m->synq, b, n), (n / 2) * sizeof *b);
    }
    tt__htable_insert(&m->synq, &r->hn, req_hash(s, r->laddr, r->lport, r->raddr, r->rport));
    r->next = l->synq;
    if (l->synq)
        l->synq->prev = r;
    l->synq = r;
    l->synq_len++;
    m->synq_total++;
    tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_IN, NULL, r->id, sg->src, sg->dst, &sg->h, sg->dlen, 1, 0,
                      TT_REXMIT_NONE, now);
    req_trace_state(s, r->id, TT_LISTEN, TT_SYN_RECEIVED, now);
    tt__tcp_send_synack_req(s, r, 0, now);
    tt__theap_set(&m->timers, &r->tm.node, now + s->cfg.tcp.rto_initial);
}

/* RFC 9293 §3.10.7.2, in order: RST ignored; ACK answered by
 * <SEQ=SEG.ACK><CTL=RST>; SYN queued; anything else dropped. */
void tt__tcp_listen_input(struct tt_tcp *l, struct tt__seg *sg, tt_time now)
{
    uint8_t f = sg->h.flags;
    if (f & TT_TCP_RST) {
        drop_seg(l->s, sg, l->id, TT_DROP_TCP_BAD_FLAGS, now);
        return;
    }
    if (f & TT_TCP_ACK) {
        listen_ack(l, sg, now);
        return;
    }
    if (f & TT_TCP_SYN) {
        tt__tcp_listen_syn(l, sg, 0, now);
        return;
    }
    drop_seg(l->s, sg, l->id, TT_DROP_TCP_BAD_FLAGS, now);
}

/* The final ACK: a full control block, ESTABLISHED, on the listener's accept
 * queue. `traced`: LISTEN -> SYN-RECEIVED was traced at the SYN-ACK (a queued
 * entry); a cookie's connection walks both edges now. */
/* A control block with what the SYN-queue entry knows. */
static struct tt_tcp *req_tcb(struct tt__synreq *r, tt_time now)
{
    struct tt_tcp *l = r->listener;
    struct tt_tcp *c = tt__tcb_new(l->s, r->id, now);
    if (!c)
        return NULL;
    c->laddr = r->laddr;
    c->raddr = r->raddr;
    c->lport = r->lport;
    c->rport = r->rport;
    c->iss = r->iss;
    c->irs = r->irs;
    c->snd_una = c->snd_nxt = c->snd_max = tt_seq_add(r->iss, 1);
    c->rcv_nxt = tt_seq_add(r->irs, 1);
    c->sndbuf = l->sndbuf;
    c->rcvbuf = l->rcvbuf;
    c->rcvbuf_set = l->rcvbuf_set;
    uint32_t w = c->rcvbuf > 65535 ? 65535 : c->rcvbuf;
    c->rcv_adv = tt_seq_add(c->rcv_nxt, w);
    c->ws_ok = r->ws_ok;
    c->snd_ws = r->snd_ws;
    c->rcv_ws = r->rcv_ws;
    c->ts_ok = r->ts_ok;
    c->ts_recent = r->ts_recent;
    c->ts_off = r->ts_off;
    c->sack_ok = r->sack_ok;
    c->ecn = r->ecn_ok ? TT__ECN_OK : 0;
    c->peer_mss = r->peer_mss;
    c->adv_mss = r->adv_mss;
    c->user_mss = l->user_mss;
    c->cc_id = l->cc_id; /* Linux: the child keeps the listener's TCP_CONGESTION */
    tt__tcb_set_mss(c);
    c->nodelay = l->nodelay;
    c->keepalive = l->keepalive;
    c->linger = l->linger;
    c->notsent_lowat = l->notsent_lowat;
    c->fin_timeout = l->fin_timeout;
    c->user_timeout = l->user_timeout;
    return c;
}

/* Put a new child on l's accept queue. */
static void aq_link(struct tt_tcp *l, struct tt_tcp *c)
{
    tt__tcb_hash(c);
    c->parent = l;
    if (l->aq_tail)
        l->aq_tail->aq_next = c;
    else
        l->aq_head = c;
    l->aq_tail = c;
    l->aq_len++;
    l->s->ctr.tcp_passive_opens++;
}

static struct tt_tcp *req_promote(struct tt__synreq *r, struct tt__seg *sg, int traced, tt_time now)
{
    struct tt_tcp *l = r->listener;
    struct tt_tcp *c = req_tcb(r, now);
    if (!c)
        return NULL;
    c->snd_wnd = (uint32_t)sg->h.wnd << c->snd_ws;
    c->max_snd_wnd = c->snd_wnd;
    c->snd_wl1 = sg->seq;
    c->snd_wl2 = sg->ack;
    if (r->retries == 0)
        tt__tcp_rtt_sample(c, now - r->sent_at); /* Karn: an unretransmitted SYN-ACK */
    c->connected_once = 1;
    if (traced) {
        c->state = TT_SYN_RECEIVED; /* already traced under this id */
    } else {
        c->state = TT_LISTEN; /* a clone of the listener, for the ladder's sake */
        tt__tcb_set_state(c, TT_SYN_RECEIVED, now);
    }
    tt__tcb_set_state(c, TT_ESTABLISHED, now);
    aq_link(l, c);
    return c;
}

/* ---- TCP Fast Open, the server (RFC 7413 §4.2.2) ---- */

/* The fast-open queue: children made from SYN data whose handshake is not
 * complete yet, counted on the accept queue (Linux counts them until the
 * final ACK, accepted or not: here an accepted one no longer counts). */
static uint32_t tfo_pending(const struct tt_tcp *l)
{
    uint32_t n = 0;
    for (const struct tt_tcp *c = l->aq_head; c; c = c->aq_next)
        n += c->tfo_child && c->state == TT_SYN_RECEIVED;
    return n;
}

static uint32_t tfo_qmax(const struct tt_tcp *l)
{
    uint32_t bits = l->s->cfg.tcp.fastopen;
    if (!(bits & TT_TFO_SERVER))
        return 0;
    if (l->tfo_qlen)
        return l->tfo_qlen;
    return bits & TT_TFO_SERVER_ALL ? l->backlog : 0;
}

/*
 * A child from a SYN whose data is taken (RFC 7413 §4.2.2): SYN-RECEIVED, on
 * the accept queue at once, the data readable, the SYN-ACK acknowledging it
 * (RCV.NXT past the data). The final ACK makes it ESTABLISHED as in a
 * simultaneous open (input.c). A FIN in the SYN is not taken: the peer sends
 * it again. NULL without memory.
 */
static struct tt_tcp *tfo_child(struct tt_tcp *l, struct tt__seg *sg, uint8_t fo_reply, tt_time now)
{
    struct tt_stack *s = l->s;
    struct tt__synreq r;
    memset(&r, 0, sizeof r);
    req_fill(l, &r, sg, 0, now);
    struct tt_tcp *c = req_tcb(&r, now);
    if (!c) {
        tt__tcpm(s)->next_id--;
        return NULL;
    }
    c->snd_una = c->snd_nxt = c->snd_max = c->iss;
    c->snd_wnd = sg->h.wnd; /* RFC 7323 §2.2: a SYN's window is never scaled */
    c->max_snd_wnd = c->snd_wnd;
    c->snd_wl1 = sg->seq;
    c->snd_wl2 = c->iss;
    c->tfo_child = 1;
    c->fo_form = fo_reply; /* a cookie accepted under the backup key: a fresh one */
    c->fo_len = fo_reply ? TT__TFO_COOKIE_LEN : 0;
    if (fo_reply)
        tt__tfo_cookie(s, c->raddr, c->laddr, c->fo_cookie);
    c->rtt_time = now;
    tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_IN, NULL, c->id, sg->src, sg->dst, &sg->h, sg->dlen, 1, 0,
                      TT_REXMIT_NONE, now);
    c->state = TT_LISTEN; /* a clone of the listener, for the ladder's sake */
    tt__tcb_set_state(c, TT_SYN_RECEIVED, now);
    aq_link(l, c);
    size_t n = sg->dlen ? tt__bufq_append(s, &c->rcvq, sg->data, sg->dlen) : 0;
    c->rcv_nxt = tt_seq_add(c->rcv_nxt, (uint32_t)n);
    c->bytes_received += n;
    c->syn_data_acked = n > 0;
    if (n)
        c->last_data_recv = now;
    uint32_t w = c->rcvbuf > 65535 ? 65535 : c->rcvbuf;
    c->rcv_adv = tt_seq_add(c->rcv_nxt, w);
    s->ctr.tcp_fastopen_passive++;
    tt__tcp_output(c, now); /* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
    tt__tcb_notify(l, TT_TCP_EV_ACCEPTABLE | TT_TCP_EV_READABLE);
    if (n)
        tt__tcb_notify(c, TT_TCP_EV_READABLE);
    return c;
}

/*
 * A SYN at a Fast Open listener (Linux tcp_try_fastopen). 1 when a child
 * took it; 0 for the normal handshake, *fo_reply then the form in which
 * the SYN-ACK carries a cookie (a request, or a cookie that did not check:
 * RFC 7413 §4.2.2 fallback, the SYN's data not acknowledged), or 0.
 */
static int tfo_syn(struct tt_tcp *l, struct tt__seg *sg, uint8_t *fo_reply, tt_time now)
{
    struct tt_stack *s = l->s;
    const struct tt_tcp_opts *o = &sg->h.opt;
    uint32_t qmax = tfo_qmax(l);
    *fo_reply = 0;
    if (qmax == 0 || (!o->has_fo && sg->dlen == 0))
        return 0;
    if (o->has_fo && o->fo_len == 0)
        s->ctr.tcp_fastopen_cookie_reqd++;
    if (tfo_pending(l) >= qmax) {
        s->ctr.tcp_fastopen_listen_overflow++; /* no cookie either (Linux foc->len = -1) */
        return 0;
    }
    if (s->cfg.tcp.fastopen & TT_TFO_SERVER_NO_COOKIE || l->tfo_no_cookie) {
        if (sg->dlen || o->has_fo)
            return tfo_child(l, sg, 0, now) != NULL;
        return 0;
    }
    if (!o->has_fo)
        return 0;
    if (o->fo_len) {
        int k = tt__tfo_cookie_check(s, sg->src, sg->dst, o->fo_cookie, o->fo_len);
        if (k) {
            if (tfo_child(l, sg, k == 2 ? o->has_fo : 0, now))
                return 1;
        }
        s->ctr.tcp_fastopen_passive_fail++;
    }
    *fo_reply = o->has_fo; /* answer in the form asked (Linux foc->exp) */
    return 0;
}

/*
 * A segment for a half-open connection (SYN-RECEIVED of a passive open,
 * RFC 9293 §3.10.7.4 with Linux's request-socket choices).
 */
void tt__tcp_synreq_input(struct tt__synreq *r, struct tt__seg *sg, tt_time now)
{
    struct tt_stack *s = r->listener->s;
    uint8_t f = sg->h.flags;
    tt_seq rcv_nxt = tt_seq_add(r->irs, 1);
    uint32_t wnd = r->listener->rcvbuf > 65535 ? 65535 : r->listener->rcvbuf;
    int in_window = tt_seq_in(sg->seq, rcv_nxt, tt_seq_add(rcv_nxt, wnd));
    if (f & TT_TCP_RST) {
        /* Second check: an in-window RST returns the connection to LISTEN,
         * i.e. forgets the half-open entry. */
        if (!in_window) {
            drop_seg(s, sg, r->id, TT_DROP_TCP_RST_INVALID, now);
            return;
        }
        tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_IN, NULL, r->id, sg->src, sg->dst, &sg->h, sg->dlen,
                          1, 0, TT_REXMIT_NONE, now);
        s->ctr.tcp_attempt_fails++;
        req_free(s, r, TT_LISTEN, now); /* §3.10.7.4: back to LISTEN */
        return;
    }
    if (f & TT_TCP_SYN) {
        /* The peer retransmitted its SYN: answer with the SYN-ACK again. */
        if (!(f & TT_TCP_ACK) && tt_seq_eq(sg->seq, r->irs)) {
            drop_seg(s, sg, r->id, TT_DROP_TCP_OUT_OF_WINDOW, now);
            tt__tcp_send_synack_req(s, r, 1, now);
            return;
        }
        drop_seg(s, sg, r->id, TT_DROP_TCP_SYN_IN_SYNC, now);
        return;
    }
    if (!(f & TT_TCP_ACK)) {
        drop_seg(s, sg, r->id, TT_DROP_TCP_BAD_FLAGS, now);
        return;
    }
    if (!tt_seq_eq(sg->ack, tt_seq_add(r->iss, 1))) {
        /* Fifth check, SYN-RECEIVED: an unacceptable ACK gets <SEQ=SEG.ACK><CTL=RST>. */
        drop_seg(s, sg, r->id, TT_DROP_TCP_BAD_ACK, now);
        tt__tcp_reply_rst(s, sg, now);
        return;
    }
    if (!in_window && !(sg->len == 0 && tt_seq_eq(sg->seq, rcv_nxt))) {
        drop_seg(s, sg, r->id, TT_DROP_TCP_OUT_OF_WINDOW, now);
        return;
    }
    struct tt_tcp *l = r->listener;
    if (l->aq_len >= l->backlog) {
        /* Accept queue full: ignore the ACK (Linux tcp_abort_on_overflow=0);
         * the SYN-ACK retransmission will draw another. */
        drop_seg(s, sg, r->id, TT_DROP_TCP_LISTEN_OVERFLOW, now);
        return;
    }
    struct tt_tcp *c = req_promote(r, sg, 1, now);
    if (!c) {
        drop_seg(s, sg, r->id, TT_DROP_TCP_NOMEM, now);
        return;
    }
    req_free(s, r, -1, now);
    /* The rest of the segment (data, FIN) is processed as in ESTABLISHED. */
    tt__tcp_input_tcb(c, sg, now);
    tt__tcb_notify(l, TT_TCP_EV_ACCEPTABLE | TT_TCP_EV_READABLE);
}

/* SYN-ACK retransmission: rto_initial doubled each time, synack_retries times. */
void tt__synreq_timer(struct tt__synreq *r, tt_time now)
{
    struct tt_stack *s = r->listener->s;
    const struct tt_tcp_config *c = &s->cfg.tcp;
    if (r->retries >= c->synack_retries) {
        s->ctr.tcp_attempt_fails++;
        req_free(s, r, TT_CLOSED, now);
        return;
    }
    r->retries++;
    tt__tcp_send_synack_req(s, r, 1, now);
    tt_time rto = c->rto_initial << r->retries;
    if (rto > c->rto_max)
        rto = c->rto_max;
    tt__theap_set(&tt__tcpm(s)->timers, &r->tm.node, now + rto);
}

void tt__listen_unlink_child(struct tt_tcp *c)
{
    struct tt_tcp *l = c->parent, **p = &l->aq_head, *prev = NULL;
    while (*p && *p != c) {
        prev = *p;
        p = &(*p)->aq_next;
    }
    if (*p) {
        *p = c->aq_next;
        if (l->aq_tail == c)
            l->aq_tail = prev;
        l->aq_len--;
    }
    c->aq_next = NULL;
    c->parent = NULL;
}

/* The listener closes: half-open entries vanish, and every connection still
 * waiting to be accepted is reset (Linux inet_csk_listen_stop). */
void tt__listen_flush(struct tt_tcp *l, tt_time now)
{
    while (l->synq)
        req_free(l->s, l->synq, TT_CLOSED, now);
    while (l->aq_head) {
        struct tt_tcp *c = l->aq_head;
        if (c->state >= TT_ESTABLISHED && c->state != TT_TIME_WAIT)
            tt__tcp_send_rst_tcb(c, now);
        tt__tcb_closed(c, TT_ECONNABORTED, now); /* unlinks it from the queue */
    }
}

/* Free the SYN queue without a word on the wire (stack teardown). */
void tt__listen_free_quiet(struct tt_tcp *l)
{
    while (l->synq)
        req_free(l->s, l->synq, -1, 0);
}
