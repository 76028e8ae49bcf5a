/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The control block: creation, the one state-transition function, the
 * connection and listener tables, and the end of a connection's life.
 */
#include <string.h>

#include "tcp/tcp_int.h"

static const char *const state_names[TT_TCP_NSTATES] = {
    "CLOSED",     "LISTEN",     "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
    "FIN-WAIT-2", "CLOSE-WAIT", "CLOSING",  "LAST-ACK",     "TIME-WAIT",
};

const char *tt_tcp_state_name(int state)
{
    return state >= 0 && state < TT_TCP_NSTATES ? state_names[state] : "?";
}

#define B(x) (1u << (x))
/*
 * The legal edges: RFC 9293 Figure 5, plus the edges its text adds (RST and
 * timeouts lead to CLOSED from every state; FIN-WAIT-1 goes straight to
 * TIME-WAIT when the FIN and the ACK of ours arrive together, §3.10.7.4 eighth
 * step). A passive child is created in LISTEN (a clone of its listener) and
 * walks LISTEN -> SYN-RECEIVED -> ESTABLISHED, so the ladder shows the edges.
 */
static const uint16_t legal[TT_TCP_NSTATES] = {
    [TT_CLOSED] = B(TT_LISTEN) | B(TT_SYN_SENT),
    [TT_LISTEN] = B(TT_SYN_RECEIVED) | B(TT_CLOSED),
    [TT_SYN_SENT] = B(TT_SYN_RECEIVED) | B(TT_ESTABLISHED) | B(TT_CLOSED),
    [TT_SYN_RECEIVED] = B(TT_ESTABLISHED) | B(TT_FIN_WAIT_1) | B(TT_CLOSED) | B(TT_LISTEN),
    [TT_ESTABLISHED] = B(TT_FIN_WAIT_1) | B(TT_CLOSE_WAIT) | B(TT_CLOSED),
    [TT_FIN_WAIT_1] = B(TT_FIN_WAIT_2) | B(TT_CLOSING) | B(TT_TIME_WAIT) | B(TT_CLOSED),
    [TT_FIN_WAIT_2] = B(TT_TIME_WAIT) | B(TT_CLOSED),
    [TT_CLOSE_WAIT] = B(TT_LAST_ACK) | B(TT_CLOSED),
    [TT_CLOSING] = B(TT_TIME_WAIT) | B(TT_CLOSED),
    [TT_LAST_ACK] = B(TT_CLOSED),
    [TT_TIME_WAIT] = B(TT_CLOSED),
};
#undef B

int tt__tcb_set_state(struct tt_tcp *t, enum tt_tcp_state ns, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(t->s);
    enum tt_tcp_state os = t->state;
    if (os == ns)
        return 0;
    if (!(legal[os] & (1u << ns))) {
        m->st.bad_transitions++;
        return -1;
    }
    t->state = ns;
    if (os == TT_TIME_WAIT)
        m->st.time_wait--;
    if (ns == TT_TIME_WAIT)
        m->st.time_wait++;
    if (!t->s->trace_fn)
        return 0; /* no hook: no event to build */
    struct tt_trace_event ev;
    tt__tcb_event(&ev, TT_TRACE_TCP_STATE, t, t->id, now);
    ev.old_state = (int)os;
    ev.new_state = (int)ns;
    tt__trace(t->s, &ev);
    return 0;
}

void tt__tcb_event(struct tt_trace_event *ev, enum tt_trace_kind kind, const struct tt_tcp *t,
                   uint32_t id, tt_time now)
{
    memset(ev, 0, sizeof *ev);
    ev->kind = kind;
    ev->now = now;
    ev->iface = -1;
    ev->conn = t;
    ev->conn_id = t ? t->id : id;
}

static void trace_life(struct tt_tcp *t, enum tt_trace_kind kind, int err, tt_time now)
{
    if (!t->s->trace_fn)
        return;
    struct tt_trace_event ev;
    tt__tcb_event(&ev, kind, t, t->id, now);
    ev.err = err;
    ev.seg.saddr = t->laddr;
    ev.seg.daddr = t->raddr;
    ev.seg.sport = t->lport;
    ev.seg.dport = t->rport;
    tt__trace(t->s, &ev);
}

uint8_t tt__tcp_wscale_for(uint32_t rcvbuf_max)
{
    /* Linux: W = clamp(ilog2(rmem_max) - 15, 0, 14) (RFC 7323 §2.3 caps 14). */
    uint32_t r = rcvbuf_max;
    int lg = -1;
    while (r) {
        lg++;
        r >>= 1;
    }
    int w = lg - 15;
    return (uint8_t)(w < 0 ? 0 : w > 14 ? 14 : w);
}

uint16_t tt__tcp_adv_mss(const struct tt_stack *s, uint32_t raddr, uint16_t user_mss)
{
    struct tt_route r;
    uint32_t mtu = tt__ip_route(s, raddr, &r) == 0 && r.mtu ? r.mtu : 576;
    uint32_t mss = mtu > 40 + 64 ? mtu - 40 : 64;
    if (user_mss && user_mss < mss)
        mss = user_mss;
    return (uint16_t)(mss > 65535 ? 65535 : mss);
}

struct tt_tcp *tt__tcb_new(struct tt_stack *s, uint32_t id, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(s);
    const struct tt_tcp_config *c = &s->cfg.tcp;
    if (m->st.handles >= c->max_connections)
        return NULL;
    struct tt_tcp *t = tt__calloc(s, sizeof *t);
    if (!t)
        return NULL;
    t->tm.kind = TT__TK_TCB;
    t->s = s;
    t->id = id ? id : ++m->next_id;
    t->state = TT_CLOSED;
    t->sndbuf = c->wmem_default;
    t->rcvbuf = c->rmem_default;
    t->rto = c->rto_initial;
    t->linger = -1;
    t->fin_timeout = c->fin_timeout;
    t->keep_idle = c->keepalive_time;
    t->keep_intvl = c->keepalive_intvl;
    t->keep_cnt = c->keepalive_probes;
    t->peer_mss = 536;
    t->cc_id = tt__cc_module(c->congestion_control) ? c->congestion_control : TT_TCP_CC_CUBIC;
    t->t_rexmit = t->t_wait = t->t_delack = t->t_keep = t->t_push = TT_TIME_NEVER;
    t->t_reo = t->t_tlp = TT_TIME_NEVER;
    t->reordering = 3; /* Linux tcp_reordering */
    t->reo_steps = 1;
    t->all_next = m->all;
    if (m->all)
        m->all->all_prev = t;
    m->all = t;
    m->st.handles++;
    m->st.opened++;
    trace_life(t, TT_TRACE_TCP_OPEN, 0, now);
    return t;
}

/*
 * A segment's tuple is looked up in the connection table, then the SYN queue,
 * then inserted: the last tuple hashed is remembered, so each segment's
 * 4-tuple is hashed once.
 */
uint64_t tt__tcp_tuple_hash(const struct tt_stack *s, uint32_t laddr, uint16_t lport,
                            uint32_t raddr, uint16_t rport)
{
    struct tt__tcp *m = tt__tcpm(s);
    struct tt__tuple_memo *c = &m->hmemo;
    if (c->valid && c->laddr == laddr && c->raddr == raddr && c->lport == lport &&
        c->rport == rport)
        return c->hash;
    c->hash = tt__hash_tuple_table(m->hkey, laddr, lport, raddr, rport);
    c->laddr = laddr, c->raddr = raddr, c->lport = lport, c->rport = rport;
    c->valid = 1;
    return c->hash;
}

/* Listeners are keyed by the local port alone (not remembered: the segment's
 * own tuple is wanted next). */
static uint64_t port_hash(const struct tt_stack *s, uint16_t lport)
{
    return tt__hash_tuple_table(tt__tcpm(s)->hkey, 0, lport, 0, 0);
}

/* Grow a table when it is fuller than one entry per bucket. Failure to grow
 * only lengthens chains. */
static void maybe_grow(struct tt_stack *s, struct tt__htable *h)
{
    if (h->count < h->nbuckets)
        return;
    size_t n = h->nbuckets * 2;
    struct tt__hnode **b = tt__alloc(s, n * sizeof *b);
    if (!b)
        return;
    struct tt__hnode **old = tt__htable_rehash(h, b, n);
    tt__free(s, old, (n / 2) * sizeof *old);
}

void tt__tcb_hash(struct tt_tcp *t)
{
    struct tt__tcp *m = tt__tcpm(t->s);
    if (t->state == TT_LISTEN) {
        maybe_grow(t->s, &m->listeners);
        tt__htable_insert(&m->listeners, &t->hn, port_hash(t->s, t->lport));
        t->listening_hashed = 1;
        return;
    }
    maybe_grow(t->s, &m->conns);
    tt__htable_insert(&m->conns, &t->hn,
                      tt__tcp_tuple_hash(t->s, t->laddr, t->lport, t->raddr, t->rport));
    t->hashed = 1;
}

void tt__tcb_unhash(struct tt_tcp *t)
{
    struct tt__tcp *m = tt__tcpm(t->s);
    if (t->hashed)
        tt__htable_remove(&m->conns, &t->hn);
    if (t->listening_hashed)
        tt__htable_remove(&m->listeners, &t->hn);
    t->hashed = t->listening_hashed = 0;
}

#define HN_TCB(n) ((struct tt_tcp *)((char *)(n)-offsetof(struct tt_tcp, hn)))

struct tt_tcp *tt__tcb_lookup(struct tt_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                              uint16_t rport)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint64_t h = tt__tcp_tuple_hash(s, laddr, lport, raddr, rport);
    for (struct tt__hnode *n = tt__htable_first(&m->conns, h); n; n = tt__htable_next(n, h)) {
        struct tt_tcp *t = HN_TCB(n);
        if (t->laddr == laddr && t->lport == lport && t->raddr == raddr && t->rport == rport)
            return t;
    }
    return NULL;
}

/* A listener bound to laddr exactly wins over one bound to any address. */
struct tt_tcp *tt__listener_lookup(struct tt_stack *s, uint32_t laddr, uint16_t lport)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint64_t h = port_hash(s, lport);
    struct tt_tcp *any = NULL;
    for (struct tt__hnode *n = tt__htable_first(&m->listeners, h); n; n = tt__htable_next(n, h)) {
        struct tt_tcp *t = HN_TCB(n);
        if (t->lport != lport)
            continue;
        if (t->laddr == laddr)
            return t;
        if (t->laddr == 0 || laddr == 0)
            any = t;
    }
    return any;
}

void tt__tcb_arm(struct tt_tcp *t)
{
    tt_time w = t->t_rexmit;
    if (t->t_wait < w)
        w = t->t_wait;
    if (t->t_delack < w)
        w = t->t_delack;
    if (t->t_keep < w)
        w = t->t_keep;
    if (t->t_push < w)
        w = t->t_push;
    if (t->t_reo < w)
        w = t->t_reo;
    if (t->t_tlp < w)
        w = t->t_tlp;
    tt__theap_set(&tt__tcpm(t->s)->timers, &t->tm.node, w);
}

void tt__tcb_notify(struct tt_tcp *t, unsigned ev)
{
    if (t->ev_fn && t->app_owned)
        t->ev_fn(t->ev_ctx, t, ev);
}

uint16_t tt__tcb_mss_calc(const struct tt_tcp *t)
{
    /* RFC 9293 §3.7.1 (MUST-14/15): the send MSS is the smaller of the peer's
     * (536 when it sent none, RFC 9293 §3.7.1 MUST-15) and ours, and of what
     * the path MTU allows (RFC 1191 §6.3). */
    uint32_t mss = t->peer_mss < t->adv_mss ? t->peer_mss : t->adv_mss;
    if (t->pmtu && t->pmtu > 40 && t->pmtu - 40u < mss)
        mss = t->pmtu - 40u;
    /* A peer's tiny MSS is raised to min_snd_mss (Linux tcp_min_snd_mss,
     * CVE-2019-11479): 1-byte segments would cost a header and a queue
     * entry per byte. */
    if (mss < t->s->cfg.tcp.min_snd_mss)
        mss = t->s->cfg.tcp.min_snd_mss;
    /* RFC 6691 and Linux take the timestamp option off it; some data always
     * fits, whatever the config says. */
    if (t->ts_ok)
        mss = mss > 12 + 8 ? mss - 12 : 8;
    return (uint16_t)(mss < 8 ? 8 : mss);
}

void tt__tcb_set_mss(struct tt_tcp *t)
{
    t->snd_mss = tt__tcb_mss_calc(t);
    /* The connection's sequence spaces are known by now: start loss
     * recovery and the ACK policy from them, and the initial window. */
    t->recover = t->iss;
    t->sack_high = t->iss; /* not 0: half of all ISNs made every block look old */
    t->flight_mark = t->snd_una;
    t->rcv_wup = t->rcv_nxt;
    t->psh_seq = t->snd_una;
    if (t->sndq.len && tt_seq_eq(t->snd_una, t->iss)) /* Fast Open data written before */
        t->psh_seq = tt_seq_add(t->iss, 1 + (uint32_t)t->sndq.len);
    t->snd_sml = t->snd_una;
    tt__cc_init(t);
}

void tt__tcb_closed(struct tt_tcp *t, int err, tt_time now)
{
    struct tt_stack *s = t->s;
    if (err && !t->err)
        t->err = err;
    if (t->state == TT_LISTEN)
        tt__listen_flush(t, now);
    tt__tcb_set_state(t, TT_CLOSED, now);
    tt__tcb_unhash(t);
    t->t_rexmit = t->t_wait = t->t_delack = t->t_keep = t->t_push = TT_TIME_NEVER;
    t->t_reo = t->t_tlp = TT_TIME_NEVER;
    tt__sb_free(t);
    tt__theap_remove(&tt__tcpm(s)->timers, &t->tm.node);
    tt__bufq_clear(s, &t->sndq);
    tt__tcp_ooo_clear(t);
    if (!t->app_owned || t->err)
        tt__bufq_clear(s, &t->rcvq);
    tt__tcb_notify(t, TT_TCP_EV_CLOSED | TT_TCP_EV_READABLE | TT_TCP_EV_WRITABLE |
                          (t->err ? TT_TCP_EV_ERROR : 0));
    if (t->parent)
        tt__listen_unlink_child(t);
    if (!t->app_owned && !t->reaping) {
        struct tt__tcp *m = tt__tcpm(s);
        t->reaping = 1;
        t->aq_next = m->reap;
        m->reap = t;
    }
}

static void tcb_free(struct tt_tcp *t, tt_time now)
{
    struct tt_stack *s = t->s;
    struct tt__tcp *m = tt__tcpm(s);
    tt__tcb_unhash(t);
    tt__theap_remove(&m->timers, &t->tm.node);
    tt__bufq_clear(s, &t->sndq);
    tt__bufq_clear(s, &t->rcvq);
    tt__tcp_ooo_clear(t);
    tt__sb_free(t);
    if (t->all_prev)
        t->all_prev->all_next = t->all_next;
    else
        m->all = t->all_next;
    if (t->all_next)
        t->all_next->all_prev = t->all_prev;
    trace_life(t, TT_TRACE_TCP_CLOSE, t->err, now);
    m->st.handles--;
    m->st.freed++;
    tt__free(s, t, sizeof *t);
}

void tt__tcb_reap(struct tt_stack *s, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(s);
    while (m->reap) {
        struct tt_tcp *t = m->reap;
        m->reap = t->aq_next;
        tcb_free(t, now);
    }
}

void tt__tcb_free_all(struct tt_stack *s)
{
    struct tt__tcp *m = tt__tcpm(s);
    m->reap = NULL;
    while (m->all) {
        struct tt_tcp *t = m->all;
        t->app_owned = 0;
        tcb_free(t, 0);
    }
}

void tt__tcb_trace_seg(struct tt_stack *s, enum tt_trace_kind kind, const struct tt_tcp *t,
                       uint32_t id, uint32_t saddr, uint32_t daddr, const struct tt_tcp_hdr *h,
                       uint32_t plen, int accepted, enum tt_drop_reason why,
                       enum tt_rexmit_cause cause, tt_time now)
{
    if (!s->trace_fn)
        return;
    struct tt_trace_event ev;
    tt__tcb_event(&ev, kind, t, id, now);
    ev.accepted = accepted;
    ev.drop = why;
    ev.cause = cause;
    if (cause == TT_REXMIT_RACK && t) {
        ev.rack_age = t->rack_age;
        ev.rack_rtt = t->rack_rtt;
        ev.reo_wnd = tt__rack_reo_wnd(t);
    }
    struct tt_trace_seg *g = &ev.seg;
    g->saddr = saddr;
    g->daddr = daddr;
    g->sport = h->sport;
    g->dport = h->dport;
    g->seq = h->seq;
    g->ack = h->ack;
    g->flags = h->flags;
    g->wnd = h->wnd;
    g->urp = h->urp;
    g->len = plen;
    g->has_mss = h->opt.has_mss;
    g->mss = h->opt.mss;
    g->has_wscale = h->opt.has_ws;
    g->wscale = h->opt.ws;
    g->sack_ok = h->opt.sack_ok;
    g->has_ts = h->opt.has_ts;
    g->ts_val = h->opt.ts_val;
    g->ts_ecr = h->opt.ts_ecr;
    g->nsack = h->opt.nsack > 4 ? 4 : h->opt.nsack;
    for (unsigned i = 0; i < g->nsack; i++) {
        g->sack[i][0] = h->opt.sack[i].left;
        g->sack[i][1] = h->opt.sack[i].right;
    }
    tt__trace(s, &ev);
}
