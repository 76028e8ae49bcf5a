/* SPDX-License-Identifier: BSD-2-Clause */
/* The TCP test fixture; see tcp_fixture.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "tcp_fixture.h"

#include "memlink.h"
#include "net/stack.h"
#include "wire/ipv4.h"

static void *fx_mem_alloc(void *ctx, size_t size)
{
    struct fx_mem *m = ctx;
    void *p = malloc(size);
    if (p) {
        m->bytes += size;
        m->allocs++;
    }
    return p;
}

static void fx_mem_free(void *ctx, void *p, size_t size)
{
    struct fx_mem *m = ctx;
    m->bytes -= size;
    m->allocs--;
    free(p);
}

static void fx_mem_check(const struct fx_mem *m)
{
    assert_int_equal(m->bytes, 0);
    assert_int_equal(m->allocs, 0);
}

static int fx_tx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct fx *f = ctx;
    struct tt_ipv4_hdr ip;
    enum tt_drop_reason why;
    int hl = tt__ipv4_parse(frame, len, &ip, &why);
    assert_true(hl > 0);
    if (ip.proto != TT_IPPROTO_TCP)
        return 0;
    assert_true(f->nout < FX_MAXSEG);
    struct fx_seg *g = &f->out[f->nout];
    const uint8_t *seg = frame + hl;
    size_t slen = ip.total_len - (size_t)hl;
    assert_true(tt__tcp_cksum_ok(ip.src, ip.dst, seg, slen));
    int th = tt__tcp_parse(seg, slen, &g->h, &why);
    assert_true(th >= 20);
    g->src = ip.src;
    g->dst = ip.dst;
    g->df = ip.df;
    g->tos = ip.tos;
    g->dlen = (uint32_t)(slen - (size_t)th);
    assert_true(g->dlen <= sizeof g->data);
    memcpy(g->data, seg + th, g->dlen);
    g->at = now;
    f->nout++;
    return 0;
}

static void fx_trace(void *ctx, const struct tt_trace_event *ev)
{
    struct fx *f = ctx;
    if (ev->kind == TT_TRACE_TCP_STATE && f->nst < FX_MAXST) {
        f->st_old[f->nst] = ev->old_state;
        f->st_new[f->nst] = ev->new_state;
        f->st_conn[f->nst] = ev->conn_id;
        f->nst++;
    }
    if (ev->kind == TT_TRACE_TCP_CLOSE)
        f->closes++;
}

void fx_config(struct tt_config *cfg)
{
    tt_config_default(cfg);
    cfg->secret[0] = 0x0123456789abcdefull;
    cfg->secret[1] = 0xfedcba9876543210ull;
    cfg->tcp.timestamps = 0; /* most tests read simpler segments without */
}

void fx_init(struct fx *f, const struct tt_config *cfg)
{
    memset(f, 0, sizeof *f);
    struct tt_config c;
    if (cfg)
        c = *cfg;
    else
        fx_config(&c);
    c.allocator.alloc = fx_mem_alloc;
    c.allocator.free = fx_mem_free;
    c.allocator.ctx = &f->mem;
    assert_int_equal(tt_stack_create(&c, &f->s), 0);
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link.framing = TT_FRAMING_RAW_IP;
    ic.link.mtu = 1500;
    ic.link.transmit = fx_tx;
    ic.link.ctx = f;
    ic.addr = FX_US;
    ic.prefix_len = 24;
    f->iface = tt_stack_add_iface(f->s, &ic);
    assert_true(f->iface >= 0);
    tt_stack_set_trace(f->s, fx_trace, f);
    f->now = TT_SEC(1);
    f->pport = FX_PEER_PORT;
    f->pseq = FX_PEER_ISS;
}

void fx_fini(struct fx *f)
{
    struct tt_tcp_stats st;
    tt_tcp_stats(f->s, &st);
    tt_stack_destroy(f->s);
    fx_mem_check(&f->mem);
    assert_int_equal(st.bad_transitions, 0);
}

void fx_advance(struct fx *f, tt_time dt)
{
    tt_time target = f->now + dt;
    tt_time next = tt_stack_poll(f->s, f->now);
    while (next != TT_TIME_NEVER && next <= target) {
        f->now = next > f->now ? next : f->now + 1;
        next = tt_stack_poll(f->s, f->now);
    }
    f->now = target;
    tt_stack_poll(f->s, f->now);
}

void fx_inject_ports(struct fx *f, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                     uint32_t ack, uint16_t wnd, const void *data, uint32_t len,
                     const struct tt_tcp_opts *opt)
{
    struct tt_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = sport;
    h.dport = dport;
    h.seq = seq;
    h.ack = ack;
    h.flags = flags;
    h.wnd = wnd;
    h.urp = f->next_urp;
    f->next_urp = 0;
    if (opt)
        h.opt = *opt;
    uint8_t pkt[20 + 60 + 2048];
    assert_true(len <= 2048);
    int n = tt__tcp_emit(&h, data, len, FX_PEER.v4, FX_US.v4, pkt + 20, sizeof pkt - 20);
    assert_true(n > 0);
    struct tt_ipv4_hdr ip;
    memset(&ip, 0, sizeof ip);
    ip.total_len = (uint16_t)(20 + n);
    ip.ttl = 64;
    ip.proto = TT_IPPROTO_TCP;
    ip.src = FX_PEER.v4;
    ip.dst = FX_US.v4;
    ip.df = 1;
    ip.tos = f->next_tos;
    f->next_tos = 0;
    assert_int_equal(tt__ipv4_emit(&ip, pkt, 20), 20);
    assert_int_equal(tt_stack_input(f->s, f->iface, pkt, (size_t)(20 + n), f->now), 0);
}

void fx_inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
               const void *data, uint32_t len, const struct tt_tcp_opts *opt)
{
    uint16_t lport = FX_PORT;
    if (f->t)
        tt_tcp_local(f->t, NULL, &lport);
    fx_inject_ports(f, f->pport, lport, flags, seq, ack, wnd, data, len, opt);
}

void fx_icmp(struct fx *f, uint8_t type, uint8_t code, uint32_t seq)
{
    struct tt_icmp_err e;
    memset(&e, 0, sizeof e);
    e.type = type;
    e.code = code;
    e.src = FX_US;
    e.dst = FX_PEER;
    tt_tcp_local(f->t, NULL, &e.sport);
    e.dport = f->pport;
    e.seq = seq;
    tt__tcp_icmp_error(f->s, &e, f->now);
}

struct fx_seg *fx_try_pop(struct fx *f)
{
    if (f->rd >= f->nout)
        return NULL;
    return &f->out[f->rd++];
}

struct fx_seg *fx_pop(struct fx *f)
{
    struct fx_seg *g = fx_try_pop(f);
    assert_non_null(g);
    return g;
}

int fx_pending(const struct fx *f)
{
    return f->nout - f->rd;
}

void fx_assert_none(struct fx *f)
{
    if (fx_pending(f)) {
        struct fx_seg *g = fx_pop(f);
        fail_msg("unexpected segment flags %#x seq %u ack %u len %u", g->h.flags, g->h.seq,
                 g->h.ack, g->dlen);
    }
}

void fx_expect(const struct fx_seg *g, uint8_t flags, uint32_t seq, uint32_t ack)
{
    assert_int_equal(g->h.flags, flags);
    assert_int_equal(g->h.seq, seq);
    if (flags & TT_TCP_ACK)
        assert_int_equal(g->h.ack, ack);
}

int fx_saw(const struct fx *f, int o, int n)
{
    for (int i = 0; i < f->nst; i++)
        if (f->st_old[i] == o && f->st_new[i] == n)
            return 1;
    return 0;
}

uint32_t fx_snd_nxt(const struct fx *f)
{
    struct tt_tcp_info i;
    tt_tcp_info(f->t, &i);
    return i.snd_nxt;
}

void fx_active_established(struct fx *f)
{
    assert_int_equal(tt_tcp_open(f->s, &f->t), 0);
    assert_int_equal(tt_tcp_connect(f->t, FX_PEER, f->pport, f->now), TT_EINPROGRESS);
    struct fx_seg *syn = fx_pop(f);
    uint8_t ecn = f->ecn_syn ? TT_TCP_ECE : 0;
    assert_int_equal(syn->h.flags, TT_TCP_SYN | (ecn ? TT_TCP_ECE | TT_TCP_CWR : 0));
    f->iss = syn->h.seq;
    uint16_t lport;
    tt_tcp_local(f->t, NULL, &lport);
    /* The peer answers on the connection's ports. */
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    fx_inject_ports(f, f->pport, lport, TT_TCP_SYN | TT_TCP_ACK | ecn, FX_PEER_ISS, f->iss + 1,
                    65535, NULL, 0, &o);
    f->pseq = FX_PEER_ISS + 1;
    f->pack = f->iss + 1;
    assert_int_equal(tt_tcp_state(f->t), TT_ESTABLISHED);
    fx_expect(fx_pop(f), TT_TCP_ACK, f->iss + 1, FX_PEER_ISS + 1);
}

void fx_passive_established(struct fx *f)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    fx_passive_established_with(f, &o);
}

void fx_passive_established_with(struct fx *f, const struct tt_tcp_opts *syn_opts)
{
    assert_int_equal(tt_tcp_open(f->s, &f->l), 0);
    assert_int_equal(tt_tcp_bind(f->l, TT_ADDR_ANY, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f->l, 16, f->now), 0);
    uint8_t ecn = f->ecn_syn ? TT_TCP_ECE | TT_TCP_CWR : 0;
    fx_inject_ports(f, f->pport, FX_PORT, TT_TCP_SYN | ecn, FX_PEER_ISS, 0, 65535, NULL, 0,
                    syn_opts);
    struct fx_seg *sa = fx_pop(f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK | (ecn & TT_TCP_ECE), sa->h.seq, FX_PEER_ISS + 1);
    f->iss = sa->h.seq;
    f->now += f->hs_rtt;
    fx_inject_ports(f, f->pport, FX_PORT, TT_TCP_ACK, FX_PEER_ISS + 1, f->iss + 1, 65535, NULL, 0,
                    NULL);
    assert_int_equal(tt_tcp_accept(f->l, &f->t, f->now), 0);
    assert_int_equal(tt_tcp_state(f->t), TT_ESTABLISHED);
    f->pseq = FX_PEER_ISS + 1;
    f->pack = f->iss + 1;
}

void fx_to_fin_wait_1(struct fx *f)
{
    assert_int_equal(tt_tcp_shutdown(f->t, TT_SHUT_WR, f->now), 0);
    assert_int_equal(tt_tcp_state(f->t), TT_FIN_WAIT_1);
    fx_expect(fx_pop(f), TT_TCP_FIN | TT_TCP_ACK, f->pack, f->pseq);
}

void fx_to_fin_wait_2(struct fx *f)
{
    fx_to_fin_wait_1(f);
    f->pack++;
    fx_inject(f, TT_TCP_ACK, f->pseq, f->pack, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f->t), TT_FIN_WAIT_2);
    fx_assert_none(f);
}

void fx_to_time_wait(struct fx *f)
{
    fx_to_fin_wait_2(f);
    fx_inject(f, TT_TCP_FIN | TT_TCP_ACK, f->pseq, f->pack, 65535, NULL, 0, NULL);
    f->pseq++;
    assert_int_equal(tt_tcp_state(f->t), TT_TIME_WAIT);
    fx_expect(fx_pop(f), TT_TCP_ACK, f->pack, f->pseq);
}

void fx_to_close_wait(struct fx *f)
{
    fx_inject(f, TT_TCP_FIN | TT_TCP_ACK, f->pseq, f->pack, 65535, NULL, 0, NULL);
    f->pseq++;
    assert_int_equal(tt_tcp_state(f->t), TT_CLOSE_WAIT);
    /* Linux's delayed ACK of a FIN in ESTABLISHED (40 ms, README 1d.12). */
    fx_assert_none(f);
    fx_advance(f, TT_MSEC(40));
    fx_expect(fx_pop(f), TT_TCP_ACK, f->pack, f->pseq);
}

void fx_to_last_ack(struct fx *f)
{
    fx_to_close_wait(f);
    assert_int_equal(tt_tcp_shutdown(f->t, TT_SHUT_WR, f->now), 0);
    assert_int_equal(tt_tcp_state(f->t), TT_LAST_ACK);
    fx_expect(fx_pop(f), TT_TCP_FIN | TT_TCP_ACK, f->pack, f->pseq);
}

/* ---- two stacks ---- */

static void fxp_trace_a(void *ctx, const struct tt_trace_event *ev)
{
    struct fxp *p = ctx;
    if (ev->kind == TT_TRACE_TCP_STATE)
        p->states_a[ev->old_state][ev->new_state]++;
}

static void fxp_trace_b(void *ctx, const struct tt_trace_event *ev)
{
    struct fxp *p = ctx;
    if (ev->kind == TT_TRACE_TCP_STATE)
        p->states_b[ev->old_state][ev->new_state]++;
}

static void fxp_rx_a(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct fxp *p = ctx;
    tt_stack_input(p->a, p->ia, frame, len, now);
}

static void fxp_rx_b(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct fxp *p = ctx;
    tt_stack_input(p->b, p->ib, frame, len, now);
}

static struct tt_stack *fxp_stack(struct fxp *p, const struct tt_config *cfg, int b,
                                  enum tt_memlink_end end, int *iface)
{
    struct tt_config c;
    if (cfg)
        c = *cfg;
    else
        fx_config(&c);
    c.allocator.alloc = fx_mem_alloc;
    c.allocator.free = fx_mem_free;
    c.allocator.ctx = b ? &p->mem_b : &p->mem_a;
    c.secret[0] += (uint64_t)b;
    struct tt_stack *s;
    assert_int_equal(tt_stack_create(&c, &s), 0);
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link = tt_memlink_link(p->ml, end);
    uint8_t mac[6] = {2, 0, 0, 0, 0, (uint8_t)(1 + b)};
    memcpy(ic.mac, mac, 6);
    ic.addr = b ? FX_PEER : FX_US;
    ic.prefix_len = 24;
    *iface = tt_stack_add_iface(s, &ic);
    assert_true(*iface >= 0);
    tt_stack_set_trace(s, b ? fxp_trace_b : fxp_trace_a, p);
    return s;
}

void fxp_init(struct fxp *p, const struct tt_memlink_config *lc, const struct tt_config *ca,
              const struct tt_config *cb)
{
    memset(p, 0, sizeof *p);
    struct tt_memlink_config l;
    if (lc) {
        l = *lc;
    } else {
        tt_memlink_config_default(&l);
        l.faults[0].delay = l.faults[1].delay = TT_MSEC(1);
    }
    assert_int_equal(tt_memlink_create(&l, &p->ml), 0);
    p->a = fxp_stack(p, ca, 0, TT_MEMLINK_A, &p->ia);
    p->b = fxp_stack(p, cb, 1, TT_MEMLINK_B, &p->ib);
    tt_memlink_set_rx(p->ml, TT_MEMLINK_B, fxp_rx_b, p);
    tt_memlink_set_rx(p->ml, TT_MEMLINK_A, fxp_rx_a, p);
    p->now = TT_SEC(1);
}

void fxp_fini(struct fxp *p)
{
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(p->a, &sa);
    tt_tcp_stats(p->b, &sb);
    assert_int_equal(sa.bad_transitions, 0);
    assert_int_equal(sb.bad_transitions, 0);
    tt_stack_destroy(p->a);
    tt_stack_destroy(p->b);
    tt_memlink_destroy(p->ml);
    fx_mem_check(&p->mem_a);
    fx_mem_check(&p->mem_b);
}

tt_time fxp_step(struct fxp *p)
{
    tt_time na = tt_stack_poll(p->a, p->now);
    tt_time nb = tt_stack_poll(p->b, p->now);
    tt_time nl = tt_memlink_next_deadline(p->ml);
    tt_time next = na < nb ? na : nb;
    if (nl < next)
        next = nl;
    if (next == TT_TIME_NEVER)
        return TT_TIME_NEVER;
    if (next <= p->now)
        next = nl <= p->now ? p->now : p->now + 1;
    p->now = next;
    tt_memlink_deliver(p->ml, p->now);
    tt_stack_poll(p->a, p->now);
    tt_stack_poll(p->b, p->now);
    return p->now;
}

void fxp_run_for(struct fxp *p, tt_time dt)
{
    tt_time target = p->now + dt;
    for (;;) {
        tt_time na = tt_stack_poll(p->a, p->now);
        tt_time nb = tt_stack_poll(p->b, p->now);
        tt_time nl = tt_memlink_next_deadline(p->ml);
        tt_time next = na < nb ? na : nb;
        if (nl < next)
            next = nl;
        if (next == TT_TIME_NEVER || next > target)
            break;
        fxp_step(p);
    }
    p->now = target;
    tt_memlink_deliver(p->ml, p->now);
    tt_stack_poll(p->a, p->now);
    tt_stack_poll(p->b, p->now);
}

struct tt_tcp_info fx_info(const struct fx *f)
{
    struct tt_tcp_info i;
    tt_tcp_info(f->t, &i);
    return i;
}
