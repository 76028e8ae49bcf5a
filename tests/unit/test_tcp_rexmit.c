/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Retransmission corner cases found by the transfer sweep (docs/testing.md),
 * each replayed with crafted segments:
 *  - after an RTO pulls SND.NXT back to SND.UNA, a bare ACK still carries the
 *    highest sequence number sent (sweep seed 2442: both sides sent ACKs with
 *    an old sequence number, each dropped the other's as unacceptable, and
 *    the connection livelocked at the maximum RTO);
 *  - an RTO while the peer's window is shut still retransmits the head
 *    segment, so that a lost window update cannot stall the connection;
 *  - a fast retransmit resends only bytes that were sent (sweep seed 8491:
 *    it sent a full MSS of never-sent data past SND.MAX, the peer acked
 *    beyond SND.MAX, and every later ACK was dropped as unacceptable);
 *  - a small write right after a handshake whose SYN was retransmitted leaves
 *    at once: no cwnd, SWS or handshake timer holds it (`tether demo --loss
 *    0.3 --seed 3` showed it leaving at the backed-off SYN timer; the cause
 *    was the demo's event loop, this pins the stack's side);
 *  - after RTOs, an ACK whose TSecr is older than the latest RTO's
 *    retransmission is no RTT sample (grid point loss_20: the peer answered
 *    a duplicate with the echo of an earlier copy whose ACK was lost, a 5.5 s
 *    sample, and the RTO stayed at seconds).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint8_t pattern[8192];

static void fill(void)
{
    for (unsigned k = 0; k < sizeof pattern; k++)
        pattern[k] = (uint8_t)(k * 131 + (k >> 8));
}

/* Pop a data segment and check its offset (from our ISS + 1), length, bytes. */
static void expect_data(struct fx *f, uint32_t rel, uint32_t len)
{
    struct fx_seg *g = fx_pop(f);
    assert_true(g->h.flags & TT_TCP_ACK);
    assert_int_equal(g->h.seq, f->pack + rel);
    assert_int_equal(g->dlen, len);
    assert_memory_equal(g->data, pattern + rel, len);
}

/* Send 3000 bytes (1460 + 1460 + 80), lose them all, let the RTO fire once:
 * the head goes again, SND.NXT = ISS + 1 + 1460, SND.MAX = ISS + 1 + 3000. */
static void three_then_rto(struct fx *f)
{
    tt_tcp_setopt(f->t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f->t, pattern, 3000, f->now), 3000);
    expect_data(f, 0, 1460);
    expect_data(f, 1460, 1460);
    expect_data(f, 2920, 80);
    fx_advance(f, fx_info(f).rto);
    expect_data(f, 0, 1460);
    fx_assert_none(f);
    struct tt_tcp_info i = fx_info(f);
    assert_int_equal(i.snd_nxt, f->pack + 1460);
    assert_int_equal(i.backoff, 1);
}

/* RFC 9293 §3.10.7.4: our ACK is <SEQ=SND.NXT>, SND.NXT being the next new
 * sequence number; the peer holds all 3000 bytes, so anything lower would be
 * an old sequence number to it, and it would drop the ACK unread. */
static void test_ack_after_rto_carries_snd_max(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    three_then_rto(&f);
    /* Peer data, acking nothing new: the ACK we owe it goes bare (cwnd is
     * one segment and that one is in flight). */
    fx_inject(&f, TT_TCP_ACK | TT_TCP_PSH, f.pseq, f.pack, 65535, "hello", 5, NULL);
    f.pseq += 5;
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack + 3000, f.pseq);
    assert_int_equal(g->dlen, 0);
    fx_assert_none(&f);
    /* The peer's ACK of everything, sent in reply, is accepted. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 3000, 65535, NULL, 0, NULL);
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.snd_una, f.pack + 3000);
    assert_int_equal(i.snd_nxt, f.pack + 3000);
    assert_int_equal(i.unacked, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* The peer acks the head and shuts its window; the RTO of the rest must still
 * send something (Linux retransmits the head beyond the window): an RTO that
 * sends nothing leaves no timer running, and a lost window update would then
 * stall the connection for good. */
static void test_rto_into_zero_window(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, pattern, 3000, f.now), 3000);
    expect_data(&f, 0, 1460);
    expect_data(&f, 1460, 1460);
    expect_data(&f, 2920, 80);
    fx_advance(&f, TT_MSEC(10));
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 1460, 0, NULL, 0, NULL);
    fx_assert_none(&f);
    tt_time r = fx_info(&f).rto;
    fx_advance(&f, r - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_data(&f, 1460, 1460); /* the head, beyond the shut window */
    fx_assert_none(&f);
    assert_int_equal(fx_info(&f).backoff, 1);
    /* Unanswered (the window update was lost): again after 2 RTO. */
    fx_advance(&f, 2 * r - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_data(&f, 1460, 1460);
    /* The answer opens the window: the rest goes. */
    fx_advance(&f, TT_MSEC(10));
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 2920, 65535, NULL, 0, NULL);
    expect_data(&f, 2920, 80);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 3000, 65535, NULL, 0, NULL);
    assert_int_equal(fx_info(&f).unacked, 0);
    fx_assert_none(&f);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Ten 30-byte segments fill a 300-byte window, 2000 bytes wait behind it;
 * three duplicate ACKs retransmit the head: the 300 bytes sent, no more. */
static void test_fast_rexmit_only_sent_bytes(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 300, NULL, 0, NULL);
    for (uint32_t k = 0; k < 10; k++) {
        assert_int_equal(tt_tcp_send(f.t, pattern + 30 * k, 30, f.now), 30);
        expect_data(&f, 30 * k, 30);
    }
    assert_int_equal(tt_tcp_send(f.t, pattern + 300, 2000, f.now), 2000);
    fx_assert_none(&f);
    fx_advance(&f, TT_MSEC(10));
    for (int k = 0; k < 3; k++)
        fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 300, NULL, 0, NULL);
    expect_data(&f, 0, 300);
    fx_assert_none(&f);
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.snd_nxt, f.pack + 300);
    /* The full ACK of what was sent is accepted, the window opens: the rest. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 300, 65535, NULL, 0, NULL);
    assert_int_equal(fx_info(&f).snd_una, f.pack + 300);
    expect_data(&f, 300, 1460);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Lose the first SYN, complete the handshake on the retransmitted one, then
 * write 84 bytes: they leave at once, and no timer from the handshake fires
 * later (RFC 5681 §3.1 lets IW be one segment after a lost SYN: 84 bytes fit
 * either way). */
static void test_write_after_syn_rexmit(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now), TT_EINPROGRESS);
    f.iss = fx_pop(&f)->h.seq; /* lost */
    fx_advance(&f, TT_SEC(1));
    struct fx_seg *syn = fx_pop(&f);
    fx_expect(syn, TT_TCP_SYN, f.iss, 0);
    uint16_t lport;
    tt_tcp_local(f.t, NULL, &lport);
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    fx_advance(&f, TT_MSEC(10));
    fx_inject_ports(&f, FX_PEER_PORT, lport, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f.iss + 1, 65535,
                    NULL, 0, &o);
    f.pseq = FX_PEER_ISS + 1;
    f.pack = f.iss + 1;
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.iss + 1, FX_PEER_ISS + 1);
    assert_true(fx_info(&f).snd_cwnd >= 1);
    tt_time t_est = f.now;
    assert_int_equal(tt_tcp_send(f.t, pattern, 84, f.now), 84);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->at, t_est);
    assert_true(g->h.flags & TT_TCP_PSH);
    assert_int_equal(g->h.seq, f.pack);
    assert_int_equal(g->dlen, 84);
    assert_memory_equal(g->data, pattern, 84);
    fx_assert_none(&f);
    /* The peer acks it: nothing is left, and the old SYN timer (1 + 2 s) is
     * gone. */
    fx_advance(&f, TT_MSEC(10));
    fx_inject_ports(&f, FX_PEER_PORT, lport, TT_TCP_ACK, f.pseq, f.pack + 84, 65535, NULL, 0, NULL);
    fx_advance(&f, TT_SEC(3));
    fx_assert_none(&f);
    assert_int_equal(fx_info(&f).snd_una, f.pack + 84);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Timestamps on; data sent at tsv1, retransmitted by two RTOs (the second at
 * tsv3). An ACK echoing tsv1 acks the data but gives no RTT sample; one
 * echoing tsv3 does. */
static void ts_after_rto(int echo_latest)
{
    struct tt_config c;
    fx_config(&c);
    c.tcp.timestamps = 1;
    struct fx f;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, FX_PEER_PORT, f.now), TT_EINPROGRESS);
    struct fx_seg *syn = fx_pop(&f);
    f.iss = syn->h.seq;
    assert_true(syn->h.opt.has_ts);
    uint16_t lport;
    tt_tcp_local(f.t, NULL, &lport);
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    o.has_ts = 1;
    o.ts_val = 5000;
    o.ts_ecr = syn->h.opt.ts_val;
    fx_advance(&f, TT_MSEC(10));
    fx_inject_ports(&f, FX_PEER_PORT, lport, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f.iss + 1, 65535,
                    NULL, 0, &o);
    f.pseq = FX_PEER_ISS + 1;
    f.pack = f.iss + 1;
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_pop(&f);
    struct tt_tcp_info i0 = fx_info(&f);
    assert_int_equal(i0.rtt, TT_MSEC(10));
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, pattern, 100, f.now), 100);
    uint32_t tsv1 = fx_pop(&f)->h.opt.ts_val;
    fx_advance(&f, fx_info(&f).rto);
    fx_pop(&f);
    fx_advance(&f, fx_info(&f).rto);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.seq, f.pack);
    uint32_t tsv3 = g->h.opt.ts_val;
    assert_true(tsv3 - tsv1 >= 600u); /* two RTOs, 210 + 420 ms */
    tt_time rto_backed = fx_info(&f).rto;
    fx_advance(&f, TT_MSEC(10));
    o.has_mss = 0;
    o.ts_val = 9000;
    o.ts_ecr = echo_latest ? tsv3 : tsv1;
    fx_inject_ports(&f, FX_PEER_PORT, lport, TT_TCP_ACK, f.pseq, f.pack + 100, 65535, NULL, 0, &o);
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.snd_una, f.pack + 100);
    if (echo_latest) {
        /* A 10 ms sample: SRTT stays 10 ms, the RTO is back at its floor. */
        assert_int_equal(i.rtt, TT_MSEC(10));
        assert_true(i.rto < TT_MSEC(300));
    } else {
        /* No sample: SRTT as before, the RTO as backed off (RFC 6298 §5.7). */
        assert_int_equal(i.rtt, i0.rtt);
        assert_int_equal(i.rttvar, i0.rttvar);
        assert_int_equal(i.rto, rto_backed);
    }
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

static void test_ts_sample_after_rto(void **st)
{
    (void)st;
    ts_after_rto(0);
    ts_after_rto(1);
}

int main(void)
{
    fill();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ack_after_rto_carries_snd_max),
        cmocka_unit_test(test_rto_into_zero_window),
        cmocka_unit_test(test_fast_rexmit_only_sent_bytes),
        cmocka_unit_test(test_write_after_syn_rexmit),
        cmocka_unit_test(test_ts_sample_after_rto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
