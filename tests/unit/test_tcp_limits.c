/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Limits of the timers that no other test reaches: the RTO upper bound
 * (rto_max, RFC 6298 §2.5), the persist timer giving up (Linux
 * tcp_probe_timer after retries2 probes), and PAWS forgetting a TS.Recent
 * idle for more than 24 days (RFC 7323 §5.5).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

/* Retransmissions back off by doubling until rto_max, then stay at it. */
static void rto_capped(tt_time rto_max, int retries2)
{
    struct tt_config c;
    fx_config(&c);
    c.tcp.rto_max = rto_max;
    c.tcp.retries2 = (uint32_t)retries2;
    struct fx f;
    fx_init(&f, &c);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_send(f.t, "abc", 3, f.now), 3);
    tt_time last = fx_pop(&f)->at, maxgap = 0, prev = 0;
    int n = 0, capped = 0;
    while (tt_tcp_state(f.t) == TT_ESTABLISHED && n < 64) {
        fx_advance(&f, TT_SEC(1));
        struct fx_seg *g;
        while ((g = fx_try_pop(&f)) != NULL) {
            fx_expect(g, TT_TCP_ACK | TT_TCP_PSH, f.pack, f.pseq);
            tt_time gap = g->at - last;
            assert_true(gap <= rto_max);
            assert_true(gap >= prev); /* never shrinks */
            capped += gap == rto_max;
            maxgap = gap > maxgap ? gap : maxgap;
            prev = gap;
            last = g->at;
            n++;
        }
        f.rd = f.nout = 0;
    }
    assert_int_equal(maxgap, rto_max);
    assert_true(capped >= 2);
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

static void test_rto_upper_bound(void **st)
{
    (void)st;
    rto_capped(TT_SEC(120), 15); /* Linux: 200 ms doubling to 120 s, ~924 s in all */
    rto_capped(TT_SEC(2), 8);
}

/* A zero window that is never reopened and probes that are never answered:
 * after retries2 probes the connection gives up with ETIMEDOUT. */
static void test_persist_gives_up(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.retries2 = 4;
    struct fx f;
    fx_init(&f, &c);
    fx_active_established(&f);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_send(f.t, "abcdef", 6, f.now), 6);
    fx_assert_none(&f);
    int probes = 0;
    for (int k = 0; k < 200 && tt_tcp_state(f.t) == TT_ESTABLISHED; k++) {
        fx_advance(&f, TT_SEC(1));
        struct fx_seg *g;
        while ((g = fx_try_pop(&f)) != NULL) {
            fx_expect(g, TT_TCP_ACK, f.pack - 1, f.pseq);
            probes++;
        }
        f.rd = f.nout = 0;
    }
    assert_int_equal(probes, 4);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* ESTABLISHED with timestamps; the peer's TS.Recent is 5000. */
static void ts_established(struct fx *f)
{
    struct tt_config c;
    fx_config(&c);
    c.tcp.timestamps = 1;
    fx_init(f, &c);
    assert_int_equal(tt_tcp_open(f->s, &f->t), 0);
    assert_int_equal(tt_tcp_connect(f->t, FX_PEER, f->pport, f->now), TT_EINPROGRESS);
    struct fx_seg *syn = fx_pop(f);
    f->iss = syn->h.seq;
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_ts = 1;
    o.ts_val = 5000;
    o.ts_ecr = syn->h.opt.ts_val;
    fx_inject(f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f->iss + 1, 65535, NULL, 0, &o);
    assert_int_equal(tt_tcp_state(f->t), TT_ESTABLISHED);
    fx_pop(f);
    f->pseq = FX_PEER_ISS + 1;
    f->pack = f->iss + 1;
}

static void old_ts_data(struct fx *f)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_ts = 1;
    o.ts_val = 4000; /* older than TS.Recent */
    fx_inject(f, TT_TCP_ACK, f->pseq, f->pack, 65535, "data", 4, &o);
}

/* RFC 7323 §5.5: an old TSval is a PAWS drop (with an ACK) while TS.Recent
 * is younger than 24 days; past that it is taken as the new TS.Recent. */
static void test_paws_24_days(void **st)
{
    (void)st;
    struct fx f;
    ts_established(&f);
    fx_advance(&f, TT_SEC((tt_time)24 * 86400) - TT_SEC(1));
    old_ts_data(&f);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_readable(f.t), 0);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_PAWS], 1);
    tt_tcp_abort(f.t, f.now);
    f.rd = f.nout;
    fx_fini(&f);

    ts_established(&f);
    fx_advance(&f, TT_SEC((tt_time)24 * 86400) + TT_SEC(1));
    old_ts_data(&f);
    assert_int_equal(tt_tcp_readable(f.t), 4);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_PAWS], 0);
    tt_tcp_abort(f.t, f.now);
    f.rd = f.nout;
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rto_upper_bound),
        cmocka_unit_test(test_persist_gives_up),
        cmocka_unit_test(test_paws_24_days),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
