/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The send side on crafted segments: segmentation and PSH, Nagle, no-delay
 * and cork, sender SWS avoidance, buffer limits (TT_EAGAIN, never a loss),
 * RFC 6298 retransmission with backoff and Karn's rule, Linux's time-based
 * retries2 and the user timeout, NewReno (slow start, fast retransmit, RFC
 * 6582 partial and full ACKs), the persist timer and the info counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint8_t pattern[65536];

static void fill(void)
{
    for (unsigned k = 0; k < sizeof pattern; k++)
        pattern[k] = (uint8_t)(k * 131 + (k >> 8));
}

/* The peer acks `ack` (relative to our ISS+1) with window w. */
static void ack_rel(struct fx *f, uint32_t rel, uint16_t w)
{
    fx_inject(f, TT_TCP_ACK, f->pseq, f->pack + rel, w, NULL, 0, NULL);
}

/* Pop a data segment and check its relative offset, length, flags, bytes. */
static void expect_data(struct fx *f, uint32_t rel, uint32_t len, uint8_t flags)
{
    struct fx_seg *g = fx_pop(f);
    fx_expect(g, flags, f->pack + rel, f->pseq);
    assert_int_equal(g->dlen, len);
    assert_memory_equal(g->data, pattern + rel, len);
}

/* Segmentation to the MSS; PSH only on the segment that ends a write. */
static void test_segmentation_psh(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_send(f.t, pattern, 3000, f.now), 3000);
    expect_data(&f, 0, 1460, TT_TCP_ACK);
    expect_data(&f, 1460, 1460, TT_TCP_ACK);
    /* The 80-byte tail is short and data is in flight but no short segment
     * is: Minshall's Nagle lets it go, with PSH (end of the write). */
    expect_data(&f, 2920, 80, TT_TCP_ACK | TT_TCP_PSH);
    fx_assert_none(&f);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Nagle (Linux/Minshall): a second short segment waits while the first is
 * unacknowledged; the ACK releases it. No-delay sends at once. */
static void test_nagle_nodelay(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_send(f.t, pattern, 100, f.now), 100);
    expect_data(&f, 0, 100, TT_TCP_ACK | TT_TCP_PSH);
    assert_int_equal(tt_tcp_send(f.t, pattern + 100, 100, f.now), 100);
    assert_int_equal(tt_tcp_send(f.t, pattern + 200, 100, f.now), 100);
    fx_assert_none(&f);
    fx_advance(&f, TT_MSEC(10));
    ack_rel(&f, 100, 65535);
    expect_data(&f, 100, 200, TT_TCP_ACK | TT_TCP_PSH); /* both writes, coalesced */
    fx_assert_none(&f);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1), 0);
    assert_int_equal(tt_tcp_send(f.t, pattern + 300, 10, f.now), 10);
    expect_data(&f, 300, 10, TT_TCP_ACK | TT_TCP_PSH);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Cork: only full segments; the short tail goes one RTO later when nothing
 * is in flight (Linux's probe timer), or at once when cork is cleared. */
static void test_cork(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    int v = -1;
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CORK, 1), 0);
    assert_int_equal(tt_tcp_getopt(f.t, TT_TCP_OPT_CORK, &v), 0);
    assert_int_equal(v, 1);
    assert_int_equal(tt_tcp_send(f.t, pattern, 40, f.now), 40);
    fx_assert_none(&f);
    tt_time rto = fx_info(&f).rto;
    assert_int_equal(rto, TT_MSEC(200) + 1); /* handshake RTT ~0 (SRTT 1 us) + the floor */
    fx_advance(&f, rto - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_data(&f, 0, 40, TT_TCP_ACK | TT_TCP_PSH);
    ack_rel(&f, 40, 65535);
    /* 1500 bytes corked: one full segment now, 40 held; uncork pushes them
     * at the next poll. */
    assert_int_equal(tt_tcp_send(f.t, pattern + 40, 1500, f.now), 1500);
    expect_data(&f, 40, 1460, TT_TCP_ACK);
    fx_assert_none(&f);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CORK, 0), 0);
    fx_advance(&f, 0);
    expect_data(&f, 1500, 40, TT_TCP_ACK | TT_TCP_PSH);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* TT_TCP_SEND_MORE (Linux MSG_MORE) corks one send's push, even with
 * no-delay: a plain send pushes what it held; an ACK releases (no PSH). */
static void test_send_more(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send_flags(f.t, pattern, 10, 0x80, f.now), TT_EINVAL);
    assert_int_equal(tt_tcp_send_flags(f.t, pattern, 40, TT_TCP_SEND_MORE, f.now), 40);
    fx_assert_none(&f);
    assert_int_equal(tt_tcp_send(f.t, pattern + 40, 10, f.now), 10);
    expect_data(&f, 0, 50, TT_TCP_ACK | TT_TCP_PSH);
    ack_rel(&f, 50, 65535);
    assert_int_equal(tt_tcp_send_flags(f.t, pattern + 50, 1500, TT_TCP_SEND_MORE, f.now), 1500);
    expect_data(&f, 50, 1460, TT_TCP_ACK); /* the full segment, not pushed */
    fx_assert_none(&f);
    ack_rel(&f, 1510, 65535);
    expect_data(&f, 1510, 40, TT_TCP_ACK); /* released by the ACK, still not pushed */
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* RFC 9293 §3.8.6.2.1: a window-limited segment smaller than half the
 * largest window seen waits; the persist timer forces it out. */
static void test_sender_sws(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f); /* max window seen: 65535 */
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    ack_rel(&f, 0, 1000); /* the peer's window shrinks to 1000 (< 65535/2) */
    assert_int_equal(tt_tcp_send(f.t, pattern, 3000, f.now), 3000);
    fx_assert_none(&f); /* 1000 < Fs * max(SND.WND): held */
    fx_advance(&f, TT_MSEC(200) + 1);
    /* Forced by the persist timer, with PSH (as Linux's tcp_write_wakeup). */
    expect_data(&f, 0, 1000, TT_TCP_ACK | TT_TCP_PSH);
    fx_assert_none(&f);
    ack_rel(&f, 1000, 40000);
    expect_data(&f, 1000, 1460, TT_TCP_ACK);
    expect_data(&f, 2460, 540, TT_TCP_ACK | TT_TCP_PSH);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Send buffer and stack-wide limits: short counts, then TT_EAGAIN; memory
 * goes back as data is acknowledged; an idle connection holds none. */
static void test_buffer_limits(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.mem_max = 3 * 2048;
    struct fx f;
    fx_init(&f, &c);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 5000), 0);
    /* Three chunks of 2040 bytes fit under mem_max. */
    assert_int_equal(tt_tcp_send(f.t, pattern, 8000, f.now), 5000);
    assert_int_equal(tt_tcp_send(f.t, pattern, 10, f.now), TT_EAGAIN);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.buf_bytes, 3 * 2048);
    for (int k = 0; k < 4; k++)
        (void)fx_pop(&f);
    ack_rel(&f, 5000, 65535);
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.buf_bytes, 0);
    tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 100000);
    assert_int_equal(tt_tcp_send(f.t, pattern, 8000, f.now), 3 * 2040);
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_CONNECTED);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* RFC 6298: RTO from samples, doubling backoff (§5.5), Karn's rule (no
 * sample from a retransmitted segment), the retransmission re-reads the
 * queue from SND.UNA, one segment (cwnd = 1 SMSS, RFC 5681 §3.1). */
static void test_rto_backoff_karn(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, pattern, 1000, f.now), 1000);
    expect_data(&f, 0, 1000, TT_TCP_ACK | TT_TCP_PSH);
    fx_advance(&f, TT_MSEC(50));
    ack_rel(&f, 1000, 65535);
    struct tt_tcp_info i = fx_info(&f);
    /* Handshake sample 0 (SRTT 1 us), then 50 ms: SRTT = (7 + 50000) / 8. */
    assert_int_equal(i.rtt, 6250);
    assert_int_equal(i.rttvar, 12499);
    assert_int_equal(i.rto, 6250 + 200000);
    assert_int_equal(tt_tcp_send(f.t, pattern + 1000, 3000, f.now), 3000);
    for (int k = 0; k < 3; k++)
        (void)fx_pop(&f);
    tt_time t0 = f.now;
    fx_advance(&f, 206250 - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_data(&f, 1000, 1460, TT_TCP_ACK);
    assert_int_equal(f.out[f.rd - 1].at - t0, 206250);
    fx_assert_none(&f);
    fx_advance(&f, 2 * 206250 - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_data(&f, 1000, 1460, TT_TCP_ACK); /* backed off: 2 RTO later */
    i = fx_info(&f);
    assert_int_equal(i.backoff, 2);
    assert_int_equal(i.retransmits, 2);
    assert_int_equal(i.rto, 4 * 206250);
    /* The retransmission is acknowledged: Karn's rule, no sample. */
    fx_advance(&f, TT_MSEC(30));
    ack_rel(&f, 2460, 65535);
    i = fx_info(&f);
    assert_int_equal(i.rtt, 6250);
    assert_int_equal(i.retransmits, 0);
    /* Going on from the new SND.UNA by offset: cwnd grew from 1 to 2 SMSS. */
    expect_data(&f, 2460, 1460, TT_TCP_ACK);
    expect_data(&f, 3920, 80, TT_TCP_ACK | TT_TCP_PSH);
    fx_assert_none(&f);
    fx_advance(&f, TT_MSEC(30));
    ack_rel(&f, 4000, 65535);
    i = fx_info(&f);
    assert_int_equal(i.bytes_sent, 4000);
    assert_int_equal(i.bytes_acked, 4000);
    assert_int_equal(i.bytes_retrans, 2 * 1460 + 1540);
    assert_int_equal(i.total_retrans, 4);
    assert_int_equal(tt_stack_counters(f.s)->tcp_retrans_segs, 4);
    assert_int_equal(i.unacked, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Linux tcp_retries2 is a time (tcp_model_timeout): 3 retransmissions from
 * a 200 ms RTO take (2^4 - 1) * 200 ms = 3 s, then TT_ETIMEDOUT. */
static void test_retries2_time(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.retries2 = 3;
    struct fx f;
    fx_init(&f, &c);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_send(f.t, pattern, 100, f.now), 100);
    tt_time t0 = f.now, r = fx_info(&f).rto; /* 200 ms + 1 us */
    (void)fx_pop(&f);
    fx_advance(&f, 15 * r - 1);
    assert_int_equal(fx_pending(&f), 3); /* at 0.2, 0.6 and 1.4 s */
    assert_int_equal(f.out[f.rd].at - t0, r);
    assert_int_equal(f.out[f.rd + 1].at - t0, 3 * r);
    assert_int_equal(f.out[f.rd + 2].at - t0, 7 * r);
    f.rd += 3;
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_advance(&f, 1);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    assert_int_equal(tt_tcp_send(f.t, "x", 1, f.now), TT_ETIMEDOUT);
    fx_assert_none(&f); /* no RST: the peer is unreachable anyway (Linux) */
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* RFC 5482-style user timeout: the RTO is clamped so that the connection
 * fails exactly when the timeout runs out. */
static void test_user_timeout(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_USER_TIMEOUT, 1000), 0);
    assert_int_equal(tt_tcp_send(f.t, pattern, 100, f.now), 100);
    (void)fx_pop(&f);
    fx_advance(&f, TT_MSEC(1000) - 1);
    assert_int_equal(fx_pending(&f), 2); /* 0.2 and 0.6 s */
    f.rd += 2;
    fx_advance(&f, 1);
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* IW10 (RFC 6928) and Linux slow start: cwnd grows by the segments acked. */
static void test_slow_start(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(fx_info(&f).snd_cwnd, 10);
    assert_int_equal(tt_tcp_send(f.t, pattern, 60000, f.now), 60000);
    assert_int_equal(fx_pending(&f), 10);
    f.rd += 10;
    fx_advance(&f, TT_MSEC(20));
    for (uint32_t k = 1; k <= 10; k++) {
        ack_rel(&f, k * 1460, 65535);
        assert_int_equal(fx_pending(&f), 2); /* one for the ACKed, one for growth */
        f.rd += 2;
    }
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.snd_cwnd, 20);
    assert_int_equal(i.snd_ssthresh, 0x7fffffff);
    assert_int_equal(i.unacked, 20);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Three duplicate ACKs: fast retransmit, ssthresh = FlightSize / 2, cwnd
 * inflated (RFC 5681 §3.2); a partial ACK retransmits the next hole; the
 * full ACK ends recovery with cwnd = min(ssthresh, max(flight, SMSS) + SMSS)
 * (RFC 6582 §3.2). A fourth duplicate inflates by one SMSS. */
static void test_fast_retransmit_newreno(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    /* Reno's numbers (RFC 5681 ssthresh = FlightSize / 2); CUBIC's β is
     * tested in test_tcp_cc.c. */
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CONGESTION, TT_TCP_CC_RENO), 0);
    tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, pattern, 14600, f.now), 14600);
    f.rd += 10;
    fx_advance(&f, TT_MSEC(20));
    ack_rel(&f, 1460, 65535);
    fx_assert_none(&f); /* nothing more to send */
    ack_rel(&f, 1460, 65535);
    ack_rel(&f, 1460, 65535);
    fx_assert_none(&f);
    ack_rel(&f, 1460, 65535);
    expect_data(&f, 1460, 1460, TT_TCP_ACK); /* fast retransmit */
    fx_assert_none(&f);
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.snd_ssthresh, 13140 / 2 / 1460);
    assert_int_equal(i.snd_cwnd, (6570 + 3 * 1460) / 1460);
    ack_rel(&f, 1460, 65535);
    assert_int_equal(fx_info(&f).snd_cwnd, (6570 + 4 * 1460) / 1460);
    /* Partial ACK: segments 2 and 3 arrived, 4 did not. */
    ack_rel(&f, 4380, 65535);
    expect_data(&f, 4380, 1460, TT_TCP_ACK);
    fx_assert_none(&f);
    ack_rel(&f, 14600, 65535);
    i = fx_info(&f);
    assert_int_equal(i.snd_cwnd, 2);
    assert_int_equal(i.total_retrans, 2);
    assert_int_equal(tt_stack_counters(f.s)->tcp_retrans_segs, 2);
    /* The next three duplicates after recovery, for old data, do not
     * start another (nothing in flight). */
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Zero window (RFC 9293 §3.8.6.1): probes <SEQ=SND.UNA-1> one RTO after,
 * re-armed from each answer with backoff; data as soon as it opens. */
static void test_persist(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    ack_rel(&f, 0, 0);
    assert_int_equal(tt_tcp_send(f.t, pattern, 500, f.now), 500);
    fx_assert_none(&f);
    tt_time r = fx_info(&f).rto;
    fx_advance(&f, r - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack - 1, f.pseq);
    assert_int_equal(g->dlen, 0);
    assert_int_equal(fx_info(&f).probes, 1);
    fx_advance(&f, TT_MSEC(100));
    ack_rel(&f, 0, 0); /* answered, still shut */
    assert_int_equal(fx_info(&f).probes, 0);
    fx_advance(&f, 2 * r - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack - 1, f.pseq);
    fx_advance(&f, TT_MSEC(10));
    ack_rel(&f, 0, 1000);
    expect_data(&f, 0, 500, TT_TCP_ACK | TT_TCP_PSH);
    fx_assert_none(&f);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

int main(void)
{
    fill();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_segmentation_psh),
        cmocka_unit_test(test_nagle_nodelay),
        cmocka_unit_test(test_cork),
        cmocka_unit_test(test_send_more),
        cmocka_unit_test(test_sender_sws),
        cmocka_unit_test(test_buffer_limits),
        cmocka_unit_test(test_rto_backoff_karn),
        cmocka_unit_test(test_retries2_time),
        cmocka_unit_test(test_user_timeout),
        cmocka_unit_test(test_slow_start),
        cmocka_unit_test(test_fast_retransmit_newreno),
        cmocka_unit_test(test_persist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
