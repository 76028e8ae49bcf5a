/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Resets and blind-attack defences on crafted segments: RSTs for segments to
 * no connection (RFC 9293 §3.10.7.1, Linux shape), RFC 5961 (RST exactly at
 * RCV.NXT, challenge ACKs for in-window RSTs, SYNs and bad ACKs, rate limit),
 * RFC 1337 in TIME-WAIT, a new SYN on a TIME-WAIT 4-tuple, and the sequence
 * acceptability test.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

/* No connection: with ACK -> <SEQ=SEG.ACK><CTL=RST>, win 0, no ACK flag;
 * without -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; never for an RST. */
static void test_closed_port_rst(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_inject_ports(&f, 5555, 81, TT_TCP_ACK, 100, 777, 1000, "abc", 3, NULL);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_RST, 777, 0);
    assert_int_equal(g->h.wnd, 0);
    assert_int_equal(g->h.sport, 81);
    assert_int_equal(g->h.dport, 5555);
    assert_int_equal(g->h.doff, 20);
    fx_inject_ports(&f, 5555, 81, TT_TCP_SYN, 100, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, 0, 101);
    fx_inject_ports(&f, 5555, 81, TT_TCP_SYN | TT_TCP_FIN, 100, 0, 1000, "xy", 2, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, 0, 104);
    fx_inject_ports(&f, 5555, 81, 0, 100, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, 0, 100);
    fx_inject_ports(&f, 5555, 81, TT_TCP_RST, 100, 0, 1000, NULL, 0, NULL);
    fx_inject_ports(&f, 5555, 81, TT_TCP_RST | TT_TCP_ACK, 100, 5, 1000, NULL, 0, NULL);
    fx_assert_none(&f);
    const struct tt_counters *c = tt_stack_counters(f.s);
    assert_int_equal(c->drops[TT_DROP_TCP_NO_SOCKET], 6);
    assert_int_equal(c->tcp_out_rsts, 4);
    fx_fini(&f);
}

/* RFC 5961 §3.2: RST at RCV.NXT resets; elsewhere in the window a challenge
 * ACK; outside the window nothing. */
static void test_rfc5961_rst(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_inject(&f, TT_TCP_RST, f.pseq + 100, 0, 0, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_inject(&f, TT_TCP_RST, f.pseq + 1000000, 0, 0, NULL, 0, NULL);
    fx_inject(&f, TT_TCP_RST, f.pseq - 1, 0, 0, NULL, 0, NULL);
    fx_assert_none(&f);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    const struct tt_counters *c = tt_stack_counters(f.s);
    assert_int_equal(c->tcp_challenge_acks, 1);
    assert_int_equal(c->drops[TT_DROP_TCP_RST_INVALID], 1);
    assert_int_equal(c->drops[TT_DROP_TCP_OUT_OF_WINDOW], 2);
    fx_inject(&f, TT_TCP_RST | TT_TCP_ACK, f.pseq, f.pack, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_ECONNRESET);
    assert_int_equal(c->tcp_estab_resets, 1);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* RFC 5961 §4: a SYN in a synchronized state earns a challenge ACK, in
 * window or not; the connection stays. */
static void test_rfc5961_syn(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    fx_inject(&f, TT_TCP_SYN, f.pseq + 5, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    fx_inject(&f, TT_TCP_SYN, f.pseq - 500, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_SYN_IN_SYNC], 1);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* RFC 5961 §5.2: SEG.ACK beyond SND.NXT or below SND.UNA - MAX.SND.WND is
 * dropped with a challenge ACK; data in it is not taken. */
static void test_rfc5961_ack_validation(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 10, 1000, "evil", 4, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_readable(f.t), 0);
    fx_advance(&f, TT_MSEC(500)); /* past the per-connection challenge-ACK gap */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack - 70000, 1000, "evil", 4, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_readable(f.t), 0);
    /* An old but acceptable ACK (a duplicate) carries data fine. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack - 10, 1000, "good", 4, NULL);
    assert_int_equal(tt_tcp_readable(f.t), 4);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_BAD_ACK], 2);
    assert_int_equal(tt_stack_counters(f.s)->tcp_challenge_acks, 2);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* RFC 5961 §7: challenge ACKs are limited per second stack-wide
 * (challenge_ack_limit, the budget drawn in [limit/2, 3*limit/2): here 3,
 * so 2 to 4) once the per-connection gap is off. */
static void test_challenge_ack_rate_limit(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.challenge_ack_limit = 3;
    c.tcp.invalid_ratelimit = 0;
    struct fx f;
    fx_init(&f, &c);
    fx_active_established(&f);
    for (int k = 0; k < 10; k++)
        fx_inject(&f, TT_TCP_SYN, f.pseq, 0, 1000, NULL, 0, NULL);
    int first = fx_pending(&f);
    assert_in_range(first, 2, 4);
    f.rd = f.nout;
    fx_advance(&f, TT_SEC(1));
    for (int k = 0; k < 10; k++)
        fx_inject(&f, TT_TCP_RST, f.pseq + 1, 0, 0, NULL, 0, NULL);
    int second = fx_pending(&f);
    assert_in_range(second, 2, 4);
    const struct tt_counters *ct = tt_stack_counters(f.s);
    assert_int_equal(ct->tcp_challenge_acks, (uint64_t)(first + second));
    assert_int_equal(ct->tcp_challenge_acks_limited, (uint64_t)(20 - first - second));
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    f.rd = f.nout;
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Sequence acceptability (§3.10.7.4): segments wholly outside the window get
 * an ACK and are dropped; partly old data is trimmed. */
static void test_seq_acceptability(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_inject(&f, TT_TCP_ACK, f.pseq - 10, f.pack, 1000, "0123456789", 10, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_readable(f.t), 0);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_OUT_OF_WINDOW], 1);
    fx_inject(&f, TT_TCP_ACK, f.pseq - 5, f.pack, 1000, "0123456789", 10, NULL);
    f.pseq += 5;
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    char b[16];
    assert_int_equal(tt_tcp_recv(f.t, b, sizeof b, f.now), 5);
    assert_memory_equal(b, "56789", 5);
    /* Far beyond the window: dropped with an ACK. */
    fx_inject(&f, TT_TCP_ACK, f.pseq + 200000, f.pack, 1000, "x", 1, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* TIME-WAIT and an RST at RCV.NXT: ends it (rfc1337 = 0, Linux default), or
 * is ignored (rfc1337 = 1). */
static void test_time_wait_rst_rfc1337(void **st)
{
    (void)st;
    for (int on = 0; on < 2; on++) {
        struct tt_config c;
        fx_config(&c);
        c.tcp.rfc1337 = (uint8_t)on;
        struct fx f;
        fx_init(&f, &c);
        fx_active_established(&f);
        fx_to_time_wait(&f);
        fx_inject(&f, TT_TCP_RST, f.pseq, 0, 0, NULL, 0, NULL);
        assert_int_equal(tt_tcp_state(f.t), on ? TT_TIME_WAIT : TT_CLOSED);
        fx_assert_none(&f);
        tt_tcp_close(f.t, f.now);
        fx_fini(&f);
    }
}

/* A new SYN on a TIME-WAIT 4-tuple with a higher sequence number opens a new
 * connection through the listener, ISS = old SND.NXT + 65537 (Linux); an old
 * one is answered with the TIME-WAIT's ACK. */
static void test_time_wait_new_syn(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    fx_to_time_wait(&f);
    uint32_t snd_nxt = f.pack;
    tt_tcp_close(f.t, f.now);
    f.t = NULL;
    fx_inject(&f, TT_TCP_SYN, f.pseq - 100, 0, 1000, NULL, 0, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, snd_nxt, f.pseq);
    fx_inject(&f, TT_TCP_SYN, f.pseq + 1000, 0, 1000, NULL, 0, NULL);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_SYN | TT_TCP_ACK, snd_nxt + 65537, f.pseq + 1001);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.time_wait, 0);
    assert_int_equal(ts.syn_queue, 1);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_closed_port_rst),
        cmocka_unit_test(test_rfc5961_rst),
        cmocka_unit_test(test_rfc5961_syn),
        cmocka_unit_test(test_rfc5961_ack_validation),
        cmocka_unit_test(test_challenge_ack_rate_limit),
        cmocka_unit_test(test_seq_acceptability),
        cmocka_unit_test(test_time_wait_rst_rfc1337),
        cmocka_unit_test(test_time_wait_new_syn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
