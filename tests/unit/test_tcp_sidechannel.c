/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Side channels an off-path attacker can read: the challenge-ACK count
 * (CVE-2016-5696: a stack-wide fixed limit tells a prober whether its
 * spoofed guess hit another connection's window).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

#define VICTIM_PORT 40000
#define PROBER_PORT 40001

/* A passive connection from FX_PEER:port; returns our ISS + 1 (what it acks). */
static uint32_t accept_from(struct fx *f, uint16_t port, struct tt_tcp **out)
{
    fx_inject_ports(f, port, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, NULL, 0, NULL);
    struct fx_seg *sa = fx_pop(f);
    uint32_t iss = sa->h.seq;
    fx_inject_ports(f, port, FX_PORT, TT_TCP_ACK, FX_PEER_ISS + 1, iss + 1, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_accept(f->l, out, f->now), 0);
    return iss + 1;
}

/*
 * One probe of the attack: a spoofed RST at the victim connection, in its
 * window (hit) or not (miss), then `n` in-window RSTs on the prober's own
 * connection. Returns the challenge ACKs the prober received.
 */
static int probe(struct fx *f, uint32_t prober_ack, int hit, int n)
{
    f->nout = f->rd = 0;
    uint32_t guess = hit ? FX_PEER_ISS + 1 + 100 : FX_PEER_ISS + 1 + 3000000;
    fx_inject_ports(f, VICTIM_PORT, FX_PORT, TT_TCP_RST, guess, 0, 0, NULL, 0, NULL);
    for (int k = 0; k < n; k++)
        fx_inject_ports(f, PROBER_PORT, FX_PORT, TT_TCP_RST, FX_PEER_ISS + 1 + 10 + (uint32_t)k, 0,
                        0, NULL, 0, NULL);
    int got = 0;
    struct fx_seg *g;
    while ((g = fx_try_pop(f)) != NULL)
        if (g->h.dport == PROBER_PORT && g->h.flags == TT_TCP_ACK && g->h.ack == FX_PEER_ISS + 1) {
            assert_int_equal(g->h.seq, prober_ack);
            got++;
        }
    return got;
}

static void setup(struct fx *f, const struct tt_config *c, struct tt_tcp **v, struct tt_tcp **p,
                  uint32_t *pack)
{
    fx_init(f, c);
    assert_int_equal(tt_tcp_open(f->s, &f->l), 0);
    assert_int_equal(tt_tcp_bind(f->l, TT_ADDR_ANY, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f->l, 16, f->now), 0);
    accept_from(f, VICTIM_PORT, v);
    *pack = accept_from(f, PROBER_PORT, p);
}

static void teardown(struct fx *f, struct tt_tcp *v, struct tt_tcp *p)
{
    assert_int_equal(tt_tcp_state(v), TT_ESTABLISHED);
    tt_tcp_abort(v, f->now);
    tt_tcp_abort(p, f->now);
    tt_tcp_close(f->l, f->now);
    f->nout = f->rd = 0;
    fx_fini(f);
}

/*
 * Defaults: each connection has its own limit (one challenge ACK per 500 ms),
 * so the prober's count is the same whether its guess hit or missed, trial
 * after trial: it learns nothing.
 */
static void test_prober_learns_nothing(void **st)
{
    (void)st;
    struct fx f;
    struct tt_tcp *v, *p;
    uint32_t pack;
    setup(&f, NULL, &v, &p, &pack);
    for (int trial = 0; trial < 20; trial++) {
        fx_advance(&f, TT_SEC(1));
        int miss = probe(&f, pack, 0, 50);
        fx_advance(&f, TT_SEC(1));
        int hit = probe(&f, pack, 1, 50);
        assert_int_equal(miss, 1);
        assert_int_equal(hit, 1);
    }
    /* The victim answered each hit with its own (one) challenge ACK. */
    const struct tt_counters *c = tt_stack_counters(f.s);
    assert_int_equal(c->tcp_challenge_acks, 20 + 40);
    assert_int_equal(c->tcp_challenge_acks_limited, 40 * 49);
    teardown(&f, v, p);
}

/*
 * With the per-connection limit off, only the stack-wide budget remains; it
 * is drawn at random each second in [limit/2, 3*limit/2), so the one ACK a
 * hit costs is lost in the noise: the counts of hits and misses overlap and
 * a miss alone takes several values (a fixed limit gives exactly `limit` for
 * a miss and `limit - 1` for a hit: the CVE-2016-5696 oracle).
 */
static void test_global_budget_randomized(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.invalid_ratelimit = 0;
    c.tcp.challenge_ack_limit = 20;
    struct fx f;
    struct tt_tcp *v, *p;
    uint32_t pack;
    setup(&f, &c, &v, &p, &pack);
    int miss_lo = 1000, miss_hi = -1, hit_lo = 1000, hit_hi = -1;
    for (int trial = 0; trial < 30; trial++) {
        fx_advance(&f, TT_SEC(1));
        int m = probe(&f, pack, 0, 60);
        fx_advance(&f, TT_SEC(1));
        int h = probe(&f, pack, 1, 60);
        assert_in_range(m, 10, 29);
        assert_in_range(h, 9, 28);
        miss_lo = m < miss_lo ? m : miss_lo;
        miss_hi = m > miss_hi ? m : miss_hi;
        hit_lo = h < hit_lo ? h : hit_lo;
        hit_hi = h > hit_hi ? h : hit_hi;
    }
    assert_true(miss_hi - miss_lo >= 5);
    assert_true(hit_lo <= miss_lo + 2 && hit_hi >= miss_hi - 2);
    teardown(&f, v, p);
}

/* One connection: the first challenge ACK goes out, the next within 500 ms
 * is held back, and one goes out again after it. */
static void test_per_connection_gap(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_inject(&f, TT_TCP_SYN, f.pseq, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    fx_advance(&f, TT_MSEC(499));
    fx_inject(&f, TT_TCP_SYN, f.pseq, 0, 1000, NULL, 0, NULL);
    fx_assert_none(&f);
    fx_advance(&f, TT_MSEC(1));
    fx_inject(&f, TT_TCP_SYN, f.pseq, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_stack_counters(f.s)->tcp_challenge_acks_limited, 1);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prober_learns_nothing),
        cmocka_unit_test(test_global_budget_randomized),
        cmocka_unit_test(test_per_connection_gap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
