/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Opening a connection, on crafted segments (tests/support/tcp_fixture.h):
 * active and passive opens, SYN option layout, retransmission timing, refusal,
 * simultaneous open, backlog overflow, ICMP during the handshake.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"
#include "wire/icmp.h"

static struct tt_tcp_opts mss_opt(uint16_t mss)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = mss;
    return o;
}

/* CLOSED -> SYN-SENT: the SYN carries Linux's options in Linux's order. */
static void test_closed_to_syn_sent_options(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.timestamps = 1;
    struct fx f;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now), TT_EINPROGRESS);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_SENT);
    assert_true(fx_saw(&f, TT_CLOSED, TT_SYN_SENT));
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.flags, TT_TCP_SYN);
    assert_int_equal(g->h.doff, 40); /* mss 4, sackOK 2, TS 10, nop 1, wscale 3 */
    assert_true(g->h.opt.has_mss);
    assert_int_equal(g->h.opt.mss, 1460);
    assert_true(g->h.opt.sack_ok);
    assert_true(g->h.opt.has_ts);
    assert_int_equal(g->h.opt.ts_ecr, 0);
    assert_true(g->h.opt.has_ws);
    assert_int_equal(g->h.opt.ws, 7); /* ilog2(6 MiB) - 15 */
    assert_int_equal(g->h.wnd, 65535);
    assert_int_equal(g->dlen, 0);
    uint16_t lport;
    tt_tcp_local(f.t, NULL, &lport);
    assert_true(lport >= 32768 && lport <= 60999);
    assert_int_equal(tt_tcp_send(f.t, "x", 1, f.now), TT_EAGAIN);
    assert_int_equal(tt_tcp_recv(f.t, (char[4]){0}, 4, f.now), TT_EAGAIN);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now), TT_EALREADY);
    /* Option bytes as on the wire, after the 20-byte header. */
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* SYN-SENT -> ESTABLISHED on SYN,ACK: ACK sent, MSS min(peer, ours). */
static void test_syn_sent_to_established(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_true(fx_saw(&f, TT_SYN_SENT, TT_ESTABLISHED));
    assert_int_equal(tt_tcp_events(f.t) & (TT_TCP_EV_CONNECTED | TT_TCP_EV_WRITABLE),
                     TT_TCP_EV_CONNECTED | TT_TCP_EV_WRITABLE);
    struct tt_tcp_info i;
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.snd_mss, 1460);
    assert_int_equal(i.options, TT_TCPI_OPT_SACK * 0); /* peer offered nothing */
    assert_int_equal(i.snd_wnd, 65535);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now), TT_EISCONN);
    tt_tcp_abort(f.t, f.now);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, f.pack, f.pseq);
    fx_fini(&f);
}

/* MSS with timestamps: min(peer, ours) - 12; 536 when the peer sends none. */
static void test_mss_rules(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.timestamps = 1;
    struct fx f;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    struct fx_seg *syn = fx_pop(&f);
    struct tt_tcp_opts o = mss_opt(1000);
    o.has_ts = 1;
    o.ts_val = 777;
    o.sack_ok = 1;
    o.has_ws = 1;
    o.ws = 9;
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, syn->h.seq + 1, 1000, NULL, 0, &o);
    struct tt_tcp_info i;
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.snd_mss, 1000 - 12);
    assert_int_equal(i.options, TT_TCPI_OPT_TIMESTAMPS | TT_TCPI_OPT_SACK | TT_TCPI_OPT_WSCALE);
    assert_int_equal(i.snd_wscale, 9);
    assert_int_equal(i.rcv_wscale, 7);
    assert_int_equal(i.snd_wnd, 1000); /* the SYN-ACK's window is not scaled */
    int v;
    assert_int_equal(tt_tcp_getopt(f.t, TT_TCP_OPT_MAXSEG, &v), 0);
    assert_int_equal(v, 988);
    struct fx_seg *ack = fx_pop(&f);
    assert_true(ack->h.opt.has_ts);
    assert_int_equal(ack->h.opt.ts_ecr, 777);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);

    /* No MSS option from the peer: 536. */
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    syn = fx_pop(&f);
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, syn->h.seq + 1, 65535, NULL, 0, NULL);
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.snd_mss, 536);
    assert_int_equal(i.snd_wscale, 0);
    assert_int_equal(i.rcv_wscale, 0); /* no scaling unless both sides offer it */
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* SYN retransmitted at 1, 3, 7, 15, 31, 63 s (backoff 1, 2, 4, ...), then
 * ETIMEDOUT at 127 s after syn_retries = 6. */
static void test_syn_sent_timeout(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    tt_time t0 = f.now;
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    const tt_time at[] = {1, 3, 7, 15, 31, 63};
    for (int k = 0; k < 6; k++) {
        fx_advance(&f, t0 + TT_SEC(at[k]) - 1 - f.now);
        fx_assert_none(&f);
        fx_advance(&f, 1);
        struct fx_seg *g = fx_pop(&f);
        fx_expect(g, TT_TCP_SYN, iss, 0);
        assert_int_equal(g->at, t0 + TT_SEC(at[k]));
    }
    fx_advance(&f, t0 + TT_SEC(127) - 1 - f.now);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_SENT);
    fx_advance(&f, 1);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_true(fx_saw(&f, TT_SYN_SENT, TT_CLOSED));
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_ERROR);
    assert_int_equal(tt_tcp_send(f.t, "x", 1, f.now), TT_ETIMEDOUT);
    fx_assert_none(&f);
    assert_int_equal(tt_stack_counters(f.s)->tcp_attempt_fails, 1);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* SYN-SENT -> CLOSED on RST,ACK: ECONNREFUSED. An RST without ACK is ignored. */
static void test_syn_sent_rst_refused(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    fx_inject(&f, TT_TCP_RST, 0, 0, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_SENT);
    fx_inject(&f, TT_TCP_RST | TT_TCP_ACK, 0, iss + 5, 0, NULL, 0, NULL); /* bad ack */
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_SENT);
    fx_assert_none(&f); /* no RST for an RST */
    fx_inject(&f, TT_TCP_RST | TT_TCP_ACK, 0, iss + 1, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_ECONNREFUSED);
    assert_int_equal(tt_tcp_recv(f.t, (char[4]){0}, 4, f.now), TT_ECONNREFUSED);
    fx_assert_none(&f);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* SYN-SENT: an ACK of something we did not send draws <SEQ=SEG.ACK><CTL=RST>. */
static void test_syn_sent_bad_ack(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, iss + 7, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, iss + 7, 0);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_SENT);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* Simultaneous open: SYN-SENT -> SYN-RECEIVED on a bare SYN (SYN,ACK sent),
 * then SYN-RECEIVED -> ESTABLISHED on the ACK. */
static void test_simultaneous_open(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    struct tt_tcp_opts o = mss_opt(1200);
    fx_inject(&f, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, NULL, 0, &o);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_RECEIVED);
    assert_true(fx_saw(&f, TT_SYN_SENT, TT_SYN_RECEIVED));
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, iss, FX_PEER_ISS + 1);
    assert_int_equal(g->h.opt.mss, 1460);
    /* The SYN,ACK is retransmitted like the SYN. */
    fx_advance(&f, TT_SEC(1));
    fx_expect(fx_pop(&f), TT_TCP_SYN | TT_TCP_ACK, iss, FX_PEER_ISS + 1);
    /* RFC 9293 §3.5 figure 7 line 6 (and Linux): the peer's SYN,ACK
     * <SEQ=IRS><ACK=ISS+1> establishes, though its SEQ lies below RCV.NXT;
     * nothing is owed for it (its SYN was acknowledged already). Its
     * window is unscaled (RFC 7323 §2.2). */
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, iss + 1, 50000, NULL, 0, &o);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    assert_true(fx_saw(&f, TT_SYN_RECEIVED, TT_ESTABLISHED));
    fx_assert_none(&f);
    struct tt_tcp_info i;
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.snd_mss, 1200);
    assert_int_equal(i.snd_wnd, 50000);
    /* The peer's ACK of our SYN,ACK, when it comes, is an ordinary ACK. */
    fx_inject(&f, TT_TCP_ACK, FX_PEER_ISS + 1, iss + 1, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_assert_none(&f);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Simultaneous open, then RST in SYN-RECEIVED: refused (came from SYN-SENT). */
static void test_syn_received_rst(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    fx_pop(&f);
    fx_inject(&f, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, NULL, 0, NULL);
    fx_pop(&f);
    fx_inject(&f, TT_TCP_RST, FX_PEER_ISS + 1, 0, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_true(fx_saw(&f, TT_SYN_RECEIVED, TT_CLOSED));
    assert_int_equal(tt_tcp_error(f.t), TT_ECONNREFUSED);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* Simultaneous open, then close in SYN-RECEIVED: FIN-WAIT-1 with a FIN. */
static void test_syn_received_close(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    fx_inject(&f, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, NULL, 0, NULL);
    fx_pop(&f);
    assert_int_equal(tt_tcp_shutdown(f.t, TT_SHUT_WR, f.now), 0);
    assert_int_equal(tt_tcp_state(f.t), TT_FIN_WAIT_1);
    assert_true(fx_saw(&f, TT_SYN_RECEIVED, TT_FIN_WAIT_1));
    fx_assert_none(&f);
    /* The peer's ACK is lost: the RTO sends the SYN-ACK again (not a FIN
     * at ISS), twice, backing off. */
    fx_advance(&f, TT_SEC(1));
    fx_expect(fx_pop(&f), TT_TCP_SYN | TT_TCP_ACK, iss, FX_PEER_ISS + 1);
    fx_assert_none(&f);
    fx_advance(&f, TT_SEC(2));
    fx_expect(fx_pop(&f), TT_TCP_SYN | TT_TCP_ACK, iss, FX_PEER_ISS + 1);
    fx_assert_none(&f);
    /* The ACK of our SYN lets the FIN go, at ISS + 1. */
    fx_inject(&f, TT_TCP_ACK, FX_PEER_ISS + 1, iss + 1, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, iss + 1, FX_PEER_ISS + 1);
    assert_int_equal(tt_tcp_state(f.t), TT_FIN_WAIT_1);
    /* ...and its ACK ends the half: FIN-WAIT-2. */
    fx_inject(&f, TT_TCP_ACK, FX_PEER_ISS + 1, iss + 2, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_FIN_WAIT_2);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Closed in SYN-RECEIVED and the peer never answers: the SYN-ACK goes
 * syn_retries times, then the connection ends with ETIMEDOUT. */
static void test_syn_received_close_gives_up(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    fx_inject(&f, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, NULL, 0, NULL);
    fx_pop(&f);
    assert_int_equal(tt_tcp_shutdown(f.t, TT_SHUT_WR, f.now), 0);
    fx_advance(&f, TT_SEC(300));
    int synacks = 0;
    struct fx_seg *g;
    while ((g = fx_try_pop(&f)) != NULL) {
        fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, iss, FX_PEER_ISS + 1);
        synacks++;
    }
    assert_int_equal(synacks, 6);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* CLOSED -> LISTEN -> (SYN queue) -> ESTABLISHED; the SYN-ACK mirrors the SYN. */
static void test_passive_open(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.timestamps = 1;
    struct fx f;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    assert_int_equal(tt_tcp_bind(f.l, 0, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f.l, 4, f.now), 0);
    assert_true(fx_saw(&f, TT_CLOSED, TT_LISTEN));
    struct tt_tcp *c2;
    assert_int_equal(tt_tcp_accept(f.l, &c2, f.now), TT_EAGAIN);
    /* A packetdrill-style SYN: mss 1000, sackOK, nop nop nop, wscale 7. */
    struct tt_tcp_opts o = mss_opt(1000);
    o.sack_ok = 1;
    o.has_ws = 1;
    o.ws = 7;
    fx_inject(&f, TT_TCP_SYN, 0, 0, 32792, NULL, 0, &o);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, g->h.seq, 1);
    assert_int_equal(g->h.opt.mss, 1460);
    assert_true(g->h.opt.sack_ok);
    assert_false(g->h.opt.has_ts); /* mirrors: the SYN had no TS */
    assert_true(g->h.opt.has_ws);
    assert_int_equal(g->h.opt.ws, 7);
    assert_int_equal(g->h.doff, 32); /* mss, nop, nop, sackOK, nop, wscale */
    uint32_t iss = g->h.seq;
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.syn_queue, 1);
    assert_int_equal(ts.handles, 1); /* half-open entries are not control blocks */
    fx_inject(&f, TT_TCP_ACK, 1, iss + 1, 257, NULL, 0, NULL);
    assert_true(tt_tcp_events(f.l) & TT_TCP_EV_ACCEPTABLE);
    assert_int_equal(tt_tcp_accept(f.l, &f.t, f.now), 0);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    assert_true(fx_saw(&f, TT_LISTEN, TT_SYN_RECEIVED));
    assert_true(fx_saw(&f, TT_SYN_RECEIVED, TT_ESTABLISHED));
    struct tt_tcp_info i;
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.snd_wnd, 257u << 7);
    assert_int_equal(i.snd_mss, 1000);
    assert_int_equal(i.iss, iss);
    assert_int_equal(i.irs, 0);
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.syn_queue, 0);
    assert_int_equal(tt_stack_counters(f.s)->tcp_passive_opens, 1);
    uint32_t a;
    uint16_t p;
    tt_tcp_remote(f.t, &a, &p);
    assert_int_equal(a, FX_PEER);
    assert_int_equal(p, FX_PEER_PORT);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* SYN-ACK retransmitted at 1, 3, 7, 15, 31 s, then the entry is dropped. */
static void test_synack_retransmit(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    tt_time t0 = f.now;
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    tt_tcp_bind(f.l, 0, FX_PORT);
    tt_tcp_listen(f.l, 4, f.now);
    fx_inject(&f, TT_TCP_SYN, 5, 0, 65535, NULL, 0, NULL);
    uint32_t iss = fx_pop(&f)->h.seq;
    const tt_time at[] = {1, 3, 7, 15, 31};
    for (int k = 0; k < 5; k++) {
        fx_advance(&f, t0 + TT_SEC(at[k]) - f.now);
        struct fx_seg *g = fx_pop(&f);
        fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, iss, 6);
        assert_int_equal(g->at, t0 + TT_SEC(at[k]));
    }
    fx_advance(&f, TT_SEC(100));
    fx_assert_none(&f);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.syn_queue, 0);
    /* A retransmitted SYN is answered with the same SYN-ACK. */
    fx_inject(&f, TT_TCP_SYN, 5, 0, 65535, NULL, 0, NULL);
    iss = fx_pop(&f)->h.seq;
    fx_inject(&f, TT_TCP_SYN, 5, 0, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_SYN | TT_TCP_ACK, iss, 6);
    /* An in-window RST forgets it (SYN-RECEIVED -> LISTEN). */
    fx_inject(&f, TT_TCP_RST, 6, 0, 0, NULL, 0, NULL);
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.syn_queue, 0);
    fx_assert_none(&f);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* A full accept queue drops the SYN and counts it (Linux ListenOverflows). */
static void test_backlog_overflow(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    tt_tcp_bind(f.l, 0, FX_PORT);
    tt_tcp_listen(f.l, 2, f.now);
    for (uint16_t k = 0; k < 2; k++) {
        fx_inject_ports(&f, (uint16_t)(1000 + k), FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0,
                        NULL);
        uint32_t iss = fx_pop(&f)->h.seq;
        fx_inject_ports(&f, (uint16_t)(1000 + k), FX_PORT, TT_TCP_ACK, 101, iss + 1, 65535, NULL, 0,
                        NULL);
    }
    fx_inject_ports(&f, 1002, FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0, NULL);
    fx_assert_none(&f);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_LISTEN_OVERFLOW], 1);
    /* Accepting one makes room. */
    struct tt_tcp *c1;
    assert_int_equal(tt_tcp_accept(f.l, &c1, f.now), 0);
    fx_inject_ports(&f, 1002, FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0, NULL);
    struct fx_seg *sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, 101);
    /* Closing the listener resets the unaccepted connection. */
    tt_tcp_close(f.l, f.now);
    struct fx_seg *r = fx_pop(&f);
    assert_int_equal(r->h.flags, TT_TCP_RST | TT_TCP_ACK);
    assert_int_equal(r->h.dport, 1001);
    fx_assert_none(&f);
    tt_tcp_abort(c1, f.now);
    fx_fini(&f);
}

/* LISTEN: an ACK gets <SEQ=SEG.ACK><CTL=RST>; RST and flagless are ignored. */
static void test_listen_rst_rules(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    tt_tcp_bind(f.l, 0, FX_PORT);
    tt_tcp_listen(f.l, 4, f.now);
    fx_inject(&f, TT_TCP_ACK, 10, 4242, 100, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, 4242, 0);
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, 10, 4343, 100, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, 4343, 0);
    fx_inject(&f, TT_TCP_RST, 10, 0, 100, NULL, 0, NULL);
    fx_inject(&f, TT_TCP_RST | TT_TCP_SYN, 10, 0, 100, NULL, 0, NULL);
    fx_inject(&f, 0, 10, 0, 100, NULL, 0, NULL);
    fx_assert_none(&f);
    /* LISTEN -> CLOSED on close. */
    tt_tcp_close(f.l, f.now);
    assert_true(fx_saw(&f, TT_LISTEN, TT_CLOSED));
    fx_fini(&f);
}

/* SYN-SENT -> CLOSED on close: nothing sent; the late SYN-ACK draws an RST. */
static void test_syn_sent_close(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    uint16_t lport;
    tt_tcp_local(f.t, NULL, &lport);
    tt_tcp_close(f.t, f.now);
    f.t = NULL;
    assert_true(fx_saw(&f, TT_SYN_SENT, TT_CLOSED));
    fx_assert_none(&f);
    fx_inject_ports(&f, FX_PEER_PORT, lport, TT_TCP_SYN | TT_TCP_ACK, 9, iss + 1, 100, NULL, 0,
                    NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, iss + 1, 0);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.handles, 0);
    fx_fini(&f);
}

/* RFC 1122 §4.2.3.9: host unreachable during SYN-SENT is soft (reported, no
 * abort, and it replaces ETIMEDOUT at the end); port unreachable is hard. */
static void test_icmp_during_handshake(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    uint32_t iss = fx_pop(&f)->h.seq;
    fx_icmp(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_HOST_UNREACH, iss + 100); /* not ours: ignored */
    assert_int_equal(tt_tcp_error(f.t), 0);
    fx_icmp(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_HOST_UNREACH, iss);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_SENT);
    assert_int_equal(tt_tcp_error(f.t), TT_EHOSTUNREACH);
    fx_advance(&f, TT_SEC(200));
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_EHOSTUNREACH);
    tt_tcp_close(f.t, f.now);
    f.rd = f.nout;

    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now);
    iss = fx_pop(&f)->h.seq;
    fx_icmp(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_PORT_UNREACH, iss);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_ECONNREFUSED);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* RFC 6528 / RFC 6056: ISNs and ports are keyed, deterministic per secret,
 * and ports never collide with a live 4-tuple. */
static void test_isn_and_ports(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    struct tt_tcp *t[50];
    uint16_t ports[50];
    uint32_t isns[50];
    for (int k = 0; k < 50; k++) {
        assert_int_equal(tt_tcp_open(f.s, &t[k]), 0);
        assert_int_equal(tt_tcp_connect(t[k], FX_PEER, 80, f.now), TT_EINPROGRESS);
        tt_tcp_local(t[k], NULL, &ports[k]);
        isns[k] = fx_pop(&f)->h.seq;
        for (int j = 0; j < k; j++) {
            assert_int_not_equal(ports[j], ports[k]);
            assert_int_not_equal(isns[j], isns[k]);
        }
    }
    /* A fixed port already in use for this 4-tuple is refused. */
    struct tt_tcp *d;
    assert_int_equal(tt_tcp_open(f.s, &d), 0);
    assert_int_equal(tt_tcp_bind(d, 0, ports[3]), 0);
    assert_int_equal(tt_tcp_connect(d, FX_PEER, 80, f.now), TT_EADDRINUSE);
    assert_int_equal(tt_tcp_connect(d, FX_PEER, 81, f.now), TT_EINPROGRESS);
    tt_tcp_close(d, f.now);
    for (int k = 0; k < 50; k++)
        tt_tcp_close(t[k], f.now);
    /* Same secret, same first port and ISN. */
    fx_fini(&f);
    struct fx g;
    fx_init(&g, NULL);
    struct tt_tcp *u;
    g.now = f.now;
    assert_int_equal(tt_tcp_open(g.s, &u), 0);
    tt_tcp_connect(u, FX_PEER, 80, g.now);
    uint16_t p0;
    tt_tcp_local(u, NULL, &p0);
    assert_int_equal(p0, ports[0]);
    tt_tcp_close(u, g.now);
    fx_fini(&g);
}

/* API errors on the wrong states. */
static void test_api_errors(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    struct tt_tcp *t;
    char b[4];
    assert_int_equal(tt_tcp_open(f.s, &t), 0);
    assert_int_equal(tt_tcp_send(t, "x", 1, f.now), TT_ENOTCONN);
    assert_int_equal(tt_tcp_recv(t, b, 4, f.now), TT_ENOTCONN);
    assert_int_equal(tt_tcp_shutdown(t, TT_SHUT_WR, f.now), TT_ENOTCONN);
    assert_int_equal(tt_tcp_shutdown(t, 7, f.now), TT_EINVAL);
    assert_int_equal(tt_tcp_bind(t, TT_IPV4(192, 0, 2, 99), 1), TT_EADDRNOTAVAIL);
    assert_int_equal(tt_tcp_connect(t, TT_IPV4(198, 51, 100, 1), 80, f.now), TT_ENETUNREACH);
    assert_int_equal(tt_tcp_connect(t, FX_PEER, 0, f.now), TT_EINVAL);
    struct tt_tcp *c2;
    assert_int_equal(tt_tcp_accept(t, &c2, f.now), TT_EINVAL);
    assert_int_equal(tt_tcp_bind(t, 0, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(t, 1, f.now), 0);
    assert_int_equal(tt_tcp_connect(t, FX_PEER, 80, f.now), TT_EINVAL);
    assert_int_equal(tt_tcp_send(t, "x", 1, f.now), TT_ENOTCONN);
    struct tt_tcp *t2;
    assert_int_equal(tt_tcp_open(f.s, &t2), 0);
    assert_int_equal(tt_tcp_bind(t2, 0, FX_PORT), TT_EADDRINUSE);
    assert_int_equal(tt_tcp_setopt(t2, TT_TCP_OPT_KEEPCNT, 0), TT_EINVAL);
    assert_int_equal(tt_tcp_setopt(t2, TT_TCP_OPT_RCVBUF, 1 << 30), 0);
    int v;
    assert_int_equal(tt_tcp_getopt(t2, TT_TCP_OPT_RCVBUF, &v), 0);
    assert_int_equal(v, 6291456);
    assert_string_equal(tt_tcp_state_name(TT_SYN_RECEIVED), "SYN-RECEIVED");
    assert_string_equal(tt_tcp_state_name(99), "?");
    tt_tcp_close(t2, f.now);
    tt_tcp_close(t, f.now);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_to_syn_sent_options),
        cmocka_unit_test(test_syn_sent_to_established),
        cmocka_unit_test(test_mss_rules),
        cmocka_unit_test(test_syn_sent_timeout),
        cmocka_unit_test(test_syn_sent_rst_refused),
        cmocka_unit_test(test_syn_sent_bad_ack),
        cmocka_unit_test(test_simultaneous_open),
        cmocka_unit_test(test_syn_received_rst),
        cmocka_unit_test(test_syn_received_close),
        cmocka_unit_test(test_syn_received_close_gives_up),
        cmocka_unit_test(test_passive_open),
        cmocka_unit_test(test_synack_retransmit),
        cmocka_unit_test(test_backlog_overflow),
        cmocka_unit_test(test_listen_rst_rules),
        cmocka_unit_test(test_syn_sent_close),
        cmocka_unit_test(test_icmp_during_handshake),
        cmocka_unit_test(test_isn_and_ports),
        cmocka_unit_test(test_api_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
