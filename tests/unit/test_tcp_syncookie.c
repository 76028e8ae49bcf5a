/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SYN cookies (RFC 4987 §3.6, src/tcp/listen.c), on crafted segments: a full
 * SYN queue answers with a cookie and keeps nothing; the final ACK that
 * acknowledges a valid cookie makes the connection; a wrong, foreign or
 * expired cookie draws an RST; the MSS comes back from its 3-bit index; the
 * window scale and SACK come back from the TSval echo, or are not offered at
 * all without timestamps; a full accept queue and syncookies = 0 still drop.
 * Also the trace of half-open entries (LISTEN -> SYN-RECEIVED at the SYN-ACK).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

#define T0 TT_SEC(1000) /* cookie counter 15 (64-second periods) */

static struct tt_tcp_opts syn_opts(uint16_t mss, int ws, int sack, int ts)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = mss != 0;
    o.mss = mss;
    o.has_ws = ws >= 0;
    o.ws = (uint8_t)(ws >= 0 ? ws : 0);
    o.sack_ok = (uint8_t)sack;
    o.has_ts = (uint8_t)ts;
    o.ts_val = ts ? 5000 : 0;
    return o;
}

/* A listener with backlog 1 whose SYN queue is full (port 1000 half-open). */
static void full_listener(struct fx *f, const struct tt_config *c)
{
    fx_init(f, c);
    f->now = T0;
    assert_int_equal(tt_tcp_open(f->s, &f->l), 0);
    assert_int_equal(tt_tcp_bind(f->l, TT_ADDR_ANY, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f->l, 1, f->now), 0);
    struct tt_tcp_opts o = syn_opts(1460, -1, 0, 0);
    fx_inject_ports(f, 1000, FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0, &o);
    struct fx_seg *g = fx_pop(f);
    fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, g->h.seq, 101);
    struct tt_tcp_stats st;
    tt_tcp_stats(f->s, &st);
    assert_int_equal(st.syn_queue, 1);
}

/* A SYN from port 2000 with options o; returns the cookie SYN-ACK. */
static struct fx_seg *cookie_syn(struct fx *f, const struct tt_tcp_opts *o)
{
    fx_inject_ports(f, 2000, FX_PORT, TT_TCP_SYN, 7000, 0, 65535, NULL, 0, o);
    struct fx_seg *g = fx_pop(f);
    fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, g->h.seq, 7001);
    return g;
}

static void finish(struct fx *f)
{
    tt_tcp_close(f->l, f->now);
    fx_fini(f);
}

/* The cookie SYN-ACK: counter and MSS index in the top byte, nothing kept. */
static void test_overflow_sends_cookie(void **st)
{
    (void)st;
    struct fx f;
    full_listener(&f, NULL);
    struct tt_tcp_opts o = syn_opts(1460, -1, 0, 0);
    struct fx_seg *g = cookie_syn(&f, &o);
    assert_int_equal(g->h.seq >> 27, 15);    /* 1000 s / 64 s */
    assert_int_equal(g->h.seq >> 24 & 7, 7); /* 1460 */
    assert_true(g->h.opt.has_mss);
    assert_int_equal(g->h.opt.mss, 1460);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_sent, 1);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.syn_queue, 1); /* still only port 1000 */
    assert_int_equal(ts.handles, 1);   /* the listener: no control block made */
    /* The same SYN again gets the same cookie (stateless). */
    uint32_t first = g->h.seq;
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_SYN, 7000, 0, 65535, NULL, 0, &o);
    assert_int_equal(fx_pop(&f)->h.seq, first);
    fx_assert_none(&f);
    finish(&f);
}

/* The final ACK with a valid cookie makes an ESTABLISHED connection, with the
 * data it carries. */
static void test_cookie_ack_establishes(void **st)
{
    (void)st;
    struct fx f;
    full_listener(&f, NULL);
    struct tt_tcp_opts o = syn_opts(1460, -1, 0, 0);
    uint32_t cookie = cookie_syn(&f, &o)->h.seq;
    fx_advance(&f, TT_MSEC(10));
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK | TT_TCP_PSH, 7001, cookie + 1, 65535, "hello", 5,
                    NULL);
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
    assert_int_equal(tt_tcp_state(c), TT_ESTABLISHED);
    assert_true(fx_saw(&f, TT_SYN_RECEIVED, TT_ESTABLISHED));
    uint16_t rport;
    tt_tcp_remote(c, NULL, &rport);
    assert_int_equal(rport, 2000);
    struct tt_tcp_info ti;
    tt_tcp_info(c, &ti);
    assert_int_equal(ti.iss, cookie);
    assert_int_equal(ti.irs, 7000);
    assert_int_equal(ti.snd_mss, 1460);
    assert_int_equal(ti.options, 0);
    char buf[8];
    assert_int_equal(tt_tcp_recv(c, buf, sizeof buf, f.now), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_recv, 1);
    assert_int_equal(tt_stack_counters(f.s)->tcp_passive_opens, 1);
    /* It sends like any connection. */
    assert_int_equal(tt_tcp_send(c, "abc", 3, f.now), 3);
    struct fx_seg *g = fx_pop(&f);
    while (g->dlen == 0)
        g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK | TT_TCP_PSH, cookie + 1, 7006);
    tt_tcp_abort(c, f.now);
    finish(&f);
}

/* A wrong cookie, or the right one from another port, draws <SEQ=SEG.ACK><RST>. */
static void test_bad_cookie_rst(void **st)
{
    (void)st;
    struct fx f;
    full_listener(&f, NULL);
    struct tt_tcp_opts o = syn_opts(1460, -1, 0, 0);
    uint32_t cookie = cookie_syn(&f, &o)->h.seq;
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 2, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, cookie + 2, 0);
    fx_inject_ports(&f, 2001, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, cookie + 1, 0);
    /* Another peer ISN: the hash covers it too. */
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7002, cookie + 1, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, cookie + 1, 0);
    /* The MSS index is covered as well: change it and the hash no longer matches. */
    uint32_t forged = (cookie & ~(7u << 24)) | 6u << 24;
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, forged + 1, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, forged + 1, 0);
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), TT_EAGAIN);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_failed, 4);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_recv, 0);
    finish(&f);
}

/* A cookie lives for the current and the previous 64-second period. */
static void test_cookie_expiry(void **st)
{
    (void)st;
    struct fx f;
    full_listener(&f, NULL);
    struct tt_tcp_opts o = syn_opts(1460, -1, 0, 0);
    uint32_t cookie = cookie_syn(&f, &o)->h.seq;
    f.now = TT_SEC(64 * 17); /* counter 17: two periods later */
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, cookie + 1, 0);
    f.now = TT_SEC(64 * 17) - 1; /* counter 16: the previous period still holds */
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 65535, NULL, 0, NULL);
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
    tt_tcp_abort(c, f.now);
    finish(&f);
}

/* The peer's MSS comes back as the largest table entry not above it. */
static void test_cookie_mss_index(void **st)
{
    (void)st;
    static const struct {
        uint16_t offered, idx, got;
    } cases[] = {{1460, 7, 1460}, {9000, 7, 1460}, {1300, 4, 1300}, {1439, 5, 1400},
                 {1000, 1, 536},  {536, 1, 536},   {300, 0, 216},   {0, 1, 536}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f;
        full_listener(&f, NULL);
        struct tt_tcp_opts o = syn_opts(cases[i].offered, -1, 0, 0);
        uint32_t cookie = cookie_syn(&f, &o)->h.seq;
        assert_int_equal(cookie >> 24 & 7, cases[i].idx);
        fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 65535, NULL, 0, NULL);
        struct tt_tcp *c;
        assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
        struct tt_tcp_info ti;
        tt_tcp_info(c, &ti);
        assert_int_equal(ti.snd_mss, cases[i].got);
        tt_tcp_abort(c, f.now);
        finish(&f);
    }
}

/* With timestamps, window scale and SACK ride in TSval's low 6 bits and come
 * back in TSecr; TSval never runs ahead of the clock. */
static void test_cookie_timestamps_carry_options(void **st)
{
    (void)st;
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.timestamps = 1;
    struct fx f;
    full_listener(&f, &cfg);
    struct tt_tcp_opts o = syn_opts(1460, 9, 1, 1);
    struct fx_seg *g = cookie_syn(&f, &o);
    uint32_t cookie = g->h.seq;
    assert_true(g->h.opt.has_ts && g->h.opt.has_ws && g->h.opt.sack_ok);
    assert_int_equal(g->h.opt.ws, 7); /* ours, from rmem_max */
    assert_int_equal(g->h.opt.ts_ecr, 5000);
    uint32_t tsval = g->h.opt.ts_val;
    assert_int_equal(tsval & 0x3f, 0x20 | 0x10 | 9);
    fx_advance(&f, TT_MSEC(5));
    struct tt_tcp_opts a;
    memset(&a, 0, sizeof a);
    a.has_ts = 1;
    a.ts_val = 5001;
    a.ts_ecr = tsval;
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 100, NULL, 0, &a);
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
    struct tt_tcp_info ti;
    tt_tcp_info(c, &ti);
    assert_int_equal(ti.options, TT_TCPI_OPT_TIMESTAMPS | TT_TCPI_OPT_SACK | TT_TCPI_OPT_WSCALE);
    assert_int_equal(ti.snd_wscale, 9);
    assert_int_equal(ti.rcv_wscale, 7);
    assert_int_equal(ti.snd_wnd, 100u << 9);
    assert_int_equal(ti.snd_mss, 1460 - 12);
    /* The connection's next TSval is not below the cookie's. */
    assert_int_equal(tt_tcp_send(c, "x", 1, f.now), 1);
    g = fx_pop(&f);
    while (g->dlen == 0)
        g = fx_pop(&f);
    assert_true(g->h.opt.has_ts);
    assert_true((int32_t)(g->h.opt.ts_val - tsval) >= 0);
    assert_int_equal(g->h.opt.ts_ecr, 5001);
    tt_tcp_abort(c, f.now);
    finish(&f);
}

/* Without timestamps the options could not come back: the cookie SYN-ACK
 * offers neither window scaling nor SACK, and the connection runs without. */
static void test_cookie_without_timestamps_drops_options(void **st)
{
    (void)st;
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.timestamps = 1;
    struct fx f;
    full_listener(&f, &cfg);
    struct tt_tcp_opts o = syn_opts(1460, 9, 1, 0);
    struct fx_seg *g = cookie_syn(&f, &o);
    uint32_t cookie = g->h.seq;
    assert_false(g->h.opt.has_ws);
    assert_false(g->h.opt.sack_ok);
    assert_false(g->h.opt.has_ts);
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 1000, NULL, 0, NULL);
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
    struct tt_tcp_info ti;
    tt_tcp_info(c, &ti);
    assert_int_equal(ti.options, 0);
    assert_int_equal(ti.snd_wnd, 1000);
    tt_tcp_abort(c, f.now);
    finish(&f);
}

/* A full accept queue drops even with cookies; syncookies = 0 drops the SYN
 * and answers a bare ACK with an RST, counting no cookie failure. */
static void test_no_cookie_cases(void **st)
{
    (void)st;
    struct fx f;
    full_listener(&f, NULL);
    fx_inject_ports(&f, 1000, FX_PORT, TT_TCP_ACK, 101, f.out[f.rd - 1].h.seq + 1, 65535, NULL, 0,
                    NULL); /* port 1000 completes: accept queue (backlog 1) full */
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_SYN, 7000, 0, 65535, NULL, 0, NULL);
    fx_assert_none(&f);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_sent, 0);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_LISTEN_OVERFLOW], 1);
    finish(&f);

    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.syncookies = 0;
    full_listener(&f, &cfg);
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_SYN, 7000, 0, 65535, NULL, 0, NULL);
    fx_assert_none(&f);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_LISTEN_OVERFLOW], 1);
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, 12345, 65535, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST, 12345, 0);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_sent, 0);
    assert_int_equal(tt_stack_counters(f.s)->tcp_syncookies_failed, 0);
    finish(&f);
}

/* The index of the traced edge old -> new for conn id (-1 when absent). */
static int edge(const struct fx *f, uint32_t id, int os, int ns)
{
    for (int i = 0; i < f->nst; i++)
        if (f->st_conn[i] == id && f->st_old[i] == os && f->st_new[i] == ns)
            return i;
    return -1;
}

/* A half-open entry traces LISTEN -> SYN-RECEIVED when its SYN-ACK leaves,
 * under the serial its connection gets; the final ACK adds only
 * SYN-RECEIVED -> ESTABLISHED; an RST returns it to LISTEN (RFC 9293
 * §3.10.7.4), SYN-ACK retries running out close it; a cookie connection walks
 * both edges when its ACK arrives. */
static void test_half_open_states_traced(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    assert_int_equal(tt_tcp_bind(f.l, TT_ADDR_ANY, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f.l, 2, f.now), 0);
    int before = f.nst;
    fx_inject_ports(&f, 3000, FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0, NULL);
    uint32_t iss = fx_pop(&f)->h.seq;
    assert_int_equal(f.nst, before + 1); /* traced by the time the SYN-ACK is out */
    uint32_t id = f.st_conn[before];
    assert_int_equal(f.st_old[before], TT_LISTEN);
    assert_int_equal(f.st_new[before], TT_SYN_RECEIVED);
    fx_advance(&f, TT_MSEC(5));
    fx_inject_ports(&f, 3000, FX_PORT, TT_TCP_ACK, 101, iss + 1, 65535, NULL, 0, NULL);
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
    assert_int_equal(tt_tcp_id(c), id);
    assert_int_equal(f.nst, before + 2);
    assert_int_equal(edge(&f, id, TT_SYN_RECEIVED, TT_ESTABLISHED), before + 1);
    tt_tcp_abort(c, f.now);

    /* RST: back to LISTEN. */
    fx_inject_ports(&f, 3001, FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0, NULL);
    fx_pop(&f);
    uint32_t id2 = f.st_conn[f.nst - 1];
    assert_true(edge(&f, id2, TT_LISTEN, TT_SYN_RECEIVED) >= 0);
    fx_inject_ports(&f, 3001, FX_PORT, TT_TCP_RST, 101, 0, 0, NULL, 0, NULL);
    assert_int_equal(edge(&f, id2, TT_SYN_RECEIVED, TT_LISTEN), f.nst - 1);

    /* SYN-ACK retries run out (1 + 2 + 4 + 8 + 16 s, then 32 s): CLOSED. */
    fx_inject_ports(&f, 3002, FX_PORT, TT_TCP_SYN, 100, 0, 65535, NULL, 0, NULL);
    uint32_t id3 = f.st_conn[f.nst - 1];
    fx_advance(&f, TT_SEC(62));
    assert_int_equal(edge(&f, id3, TT_SYN_RECEIVED, TT_CLOSED), -1);
    fx_advance(&f, TT_SEC(2));
    assert_int_equal(edge(&f, id3, TT_SYN_RECEIVED, TT_CLOSED), f.nst - 1);
    while (fx_try_pop(&f))
        ;
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.syn_queue, 0);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);

    /* A cookie connection: nothing traced at the SYN, both edges at the ACK. */
    full_listener(&f, NULL);
    before = f.nst;
    struct tt_tcp_opts o = syn_opts(1460, -1, 0, 0);
    uint32_t cookie = cookie_syn(&f, &o)->h.seq;
    assert_int_equal(f.nst, before);
    fx_inject_ports(&f, 2000, FX_PORT, TT_TCP_ACK, 7001, cookie + 1, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_accept(f.l, &c, f.now), 0);
    id = tt_tcp_id(c);
    assert_int_equal(edge(&f, id, TT_LISTEN, TT_SYN_RECEIVED), before);
    assert_int_equal(edge(&f, id, TT_SYN_RECEIVED, TT_ESTABLISHED), before + 1);
    tt_tcp_abort(c, f.now);
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overflow_sends_cookie),
        cmocka_unit_test(test_cookie_ack_establishes),
        cmocka_unit_test(test_bad_cookie_rst),
        cmocka_unit_test(test_cookie_expiry),
        cmocka_unit_test(test_cookie_mss_index),
        cmocka_unit_test(test_cookie_timestamps_carry_options),
        cmocka_unit_test(test_cookie_without_timestamps_drops_options),
        cmocka_unit_test(test_no_cookie_cases),
        cmocka_unit_test(test_half_open_states_traced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
