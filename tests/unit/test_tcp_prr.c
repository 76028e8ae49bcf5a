/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proportional Rate Reduction (RFC 6937, src/tcp/prr.c) and RFC 6675 pipe,
 * per ACK, in the RFC's own scenarios (§3.1): Reno (ssthresh = FlightSize
 * / 2), cwnd = FlightSize = 20 segments, bulk data, SACK. One ACK at a
 * time, each SACKing one more segment, and after each the segments sent
 * (new or retransmitted) and pipe are checked against the RFC's algorithm
 * worked by hand with Linux's RecoverFS (the cwnd before the reduction, 20).
 *
 *  - one loss: limited transmit sends 2 new segments, the third ACK the
 *    retransmission, then pipe > ssthresh and PRR sends in proportion
 *    ssthresh / RecoverFS = 1/2: one segment every other ACK;
 *  - 15 losses (segments 0-14): pipe falls far below ssthresh. On SACK-only
 *    ACKs (SND.UNA unmoved) Linux bounds the sending by the conservative
 *    bound (PRR-CRB, prr_delivered - prr_out: one segment per segment
 *    delivered); on an ACK that moves SND.UNA without new losses by
 *    PRR-SSRB (one segment more than was delivered: slow start in recovery).
 *
 * And RACK's reordering window (RFC 8985 §6.2): its growth by D-SACK, once
 * per round trip, its cap, and its decay after 16 recoveries.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp/tcp_int.h"
#include "tcp_fixture.h"

static uint8_t buf[1 << 20];

struct sent {
    int n, r; /* new and retransmitted segments */
};

/* SACK connection, Reno, cwnd 20 segments of mss 1000, 20 segments out,
 * the clock one RTT later. */
static uint32_t start_rtt(struct fx *f, tt_time rtt)
{
    struct tt_config c;
    fx_config(&c);
    c.tcp.init_cwnd = 20;
    c.tcp.wmem_default = 1 << 20;
    c.tcp.congestion_control = TT_TCP_CC_RENO;
    fx_init(f, &c);
    f->pport = FX_PEER_PORT;
    f->hs_rtt = rtt;
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1000;
    o.sack_ok = 1;
    fx_passive_established_with(f, &o);
    tt_tcp_setopt(f->t, TT_TCP_OPT_NODELAY, 1);
    uint32_t mss = fx_info(f).snd_mss;
    assert_int_equal(mss, 1000);
    assert_int_equal(tt_tcp_send(f->t, buf, 1000 * mss, f->now), (long)(1000 * mss));
    assert_int_equal(fx_pending(f), 20);
    f->rd = f->nout;
    f->now += rtt;
    return mss;
}

static uint32_t start(struct fx *f)
{
    return start_rtt(f, TT_MSEC(10));
}

/* The peer ACKs `ack` segments cumulatively and SACKs [l, r) (in segments);
 * a D-SACK of segment d first when d >= 0. */
static struct sent ack_dsack(struct fx *f, uint32_t mss, uint32_t ack, uint32_t l, uint32_t r,
                             int d)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    uint32_t base = f->iss + 1;
    if (d >= 0) {
        o.sack[o.nsack].left = base + (uint32_t)d * mss;
        o.sack[o.nsack++].right = base + (uint32_t)(d + 1) * mss;
    }
    if (r > l) {
        o.sack[o.nsack].left = base + l * mss;
        o.sack[o.nsack++].right = base + r * mss;
    }
    tt_seq max = f->t->snd_max;
    f->now += 100;
    fx_inject(f, TT_TCP_ACK, f->pseq, base + ack * mss, 65535, NULL, 0, &o);
    struct sent s = {0, 0};
    struct fx_seg *g;
    while ((g = fx_try_pop(f))) {
        if (!g->dlen)
            continue;
        if (tt_seq_ge(tt_seq_make(g->h.seq), max))
            s.n++;
        else
            s.r++;
    }
    f->nout = f->rd = 0; /* the capture FIFO starts over */
    return s;
}

static struct sent ack_sack(struct fx *f, uint32_t mss, uint32_t ack, uint32_t l, uint32_t r)
{
    return ack_dsack(f, mss, ack, l, r, -1);
}

static void finish(struct fx *f)
{
    tt_tcp_abort(f->t, f->now);
    fx_fini(f);
}

static uint32_t pipe_segs(const struct fx *f, uint32_t mss)
{
    return tt__recovery_in_flight(f->t) / mss;
}

/*
 * One loss (segment 0). ACK k SACKs segments 1..k. By hand, ssthresh 10,
 * RecoverFS 20, prr_delivered = k - 2 from ACK 3 on:
 *  ACK 1, 2: Disorder, limited transmit by pipe: one new segment each.
 *  ACK 3: three SACKed, segment 0 lost: recovery; CEIL(1 * 10 / 20) - 0 = 1:
 *         the retransmission.
 *  ACK k > 3, pipe > ssthresh: CEIL((k - 2) / 2) - prr_out: a new segment on
 *         every odd k.
 *  ACK 18: still proportional, CEIL(16 / 2) - 8 = 0.
 *  ACK 19: pipe is at ssthresh (10): MIN(ssthresh - pipe, limit) = 0.
 * (The figure of §3.1 ends with new segments on ACKs 18 and 19: its pipe
 * row reaches ssthresh sooner than RFC 6675's pipe does with the two
 * limited-transmit segments in flight; the algorithm as printed in §3,
 * worked through, gives the row above, and so do Linux's numbers.)
 * pipe after each ACK: outstanding - SACKed - lost + retransmitted.
 */
static void test_prr_one_loss(void **st)
{
    (void)st;
    struct fx f;
    uint32_t mss = start(&f);
    static const char want[] = "NNR.N.N.N.N.N.N.N..";
    static const uint8_t pipe[] = {20, 20, 19, 18, 18, 17, 17, 16, 16, 15,
                                   15, 14, 14, 13, 13, 12, 12, 11, 10};
    int prr_out = 0;
    for (uint32_t k = 1; k <= 19; k++) {
        struct sent s = ack_sack(&f, mss, 0, 1, k + 1);
        char c = s.r ? 'R' : s.n ? 'N' : '.';
        assert_int_equal(s.n + s.r, c == '.' ? 0 : 1);
        if (c != want[k - 1])
            fail_msg("ACK %u sent %c, RFC 6937 says %c", k, c, want[k - 1]);
        assert_int_equal(pipe_segs(&f, mss), pipe[k - 1]);
        if (k == 3) {
            assert_int_equal(fx_info(&f).ca_state, 3);
            assert_int_equal(f.t->ssthresh, 10 * mss);
        }
        if (k >= 3) {
            prr_out += s.n + s.r;
            assert_int_equal(f.t->prr_out, (uint32_t)prr_out * mss);
            assert_int_equal(f.t->prr_delivered, (k - 2) * mss);
        }
    }
    finish(&f);
}

/*
 * Fifteen losses (segments 0-14); ACKs 15-19 SACK segments 15..k.
 *  ACK 15, 16: one and two SACKed, RACK waits (reo_wnd) while fewer than 3
 *         are: limited transmit, one new segment each.
 *  ACK 17: 3 SACKed: 0-14 lost, recovery. pipe = 22 - 3 - 15 = 4 < 10:
 *         SND.UNA did not move, so the conservative bound:
 *         prr_delivered - prr_out = 1: one retransmission.
 *  ACK 18, 19: one each (CRB again).
 *  Then the peer ACKs segment 0 (the first retransmission) cumulatively:
 *         SND.UNA moves, nothing newly lost: PRR-SSRB,
 *         MAX(prr_delivered - prr_out, DeliveredData) + MSS = 2 segments.
 */
static void test_prr_burst_loss(void **st)
{
    (void)st;
    struct fx f;
    uint32_t mss = start(&f);
    struct sent s = ack_sack(&f, mss, 0, 15, 16);
    assert_int_equal(s.n, 1);
    s = ack_sack(&f, mss, 0, 15, 17);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.r, 0);
    s = ack_sack(&f, mss, 0, 15, 18);
    assert_int_equal(fx_info(&f).ca_state, 3);
    assert_int_equal(fx_info(&f).lost, 15);
    assert_int_equal(s.r, 1);
    assert_int_equal(s.n, 0);
    assert_int_equal(pipe_segs(&f, mss), 5);
    for (uint32_t k = 18; k <= 19; k++) {
        s = ack_sack(&f, mss, 0, 15, k + 1);
        assert_int_equal(s.r, 1);
        assert_int_equal(s.n, 0);
    }
    assert_int_equal(pipe_segs(&f, mss), 5); /* 22 - 5 SACKed - 15 lost + 3 rexmit */
    /* The retransmission of segment 0 arrives: SND.UNA moves by one. */
    s = ack_sack(&f, mss, 1, 15, 20);
    assert_int_equal(s.r, 2);
    assert_int_equal(pipe_segs(&f, mss), 6);
    finish(&f);
}

/* Segments from our ISS + 1 to SND.MAX. */
static uint32_t max_segs(const struct fx *f, uint32_t mss)
{
    return (uint32_t)tt_seq_diff(f->t->snd_max, tt_seq_add(tt_seq_make(f->iss), 1)) / mss;
}

/*
 * RFC 8985 §6.2 step 4: reo_wnd = min_RTT / 4 * reo_wnd_mult, at most SRTT.
 * A D-SACK raises the multiplier by one, at most once per round trip (a
 * second D-SACK before SND.UNA passes what was sent when the first came
 * changes nothing), and keeps it for 16 recoveries; the 16th recovery
 * without a D-SACK puts it back to 1.
 */
static void test_reo_wnd_dsack(void **st)
{
    (void)st;
    struct fx f;
    uint32_t mss = start_rtt(&f, TT_MSEC(40));
    (void)ack_sack(&f, mss, 4, 0, 0);
    assert_int_equal(f.t->min_rtt, TT_MSEC(40));
    uint32_t q = (uint32_t)(f.t->min_rtt / 4);
    assert_int_equal(tt__rack_reo_wnd(f.t), q);
    /* D-SACK of segment 1 (below the cumulative ACK): mult 2. */
    (void)ack_dsack(&f, mss, 5, 0, 0, 1);
    assert_int_equal(f.t->reo_steps, 2);
    assert_int_equal(f.t->reo_persist, 16);
    assert_int_equal(tt__rack_reo_wnd(f.t), 2 * q);
    uint32_t round = max_segs(&f, mss);
    /* Another in the same round trip: unchanged. */
    (void)ack_dsack(&f, mss, 6, 0, 0, 2);
    assert_int_equal(f.t->reo_steps, 2);
    /* The round over (SND.UNA at what SND.MAX was, one RTT later): the
     * next raises it. */
    f.now += TT_MSEC(40);
    (void)ack_sack(&f, mss, round, 0, 0);
    (void)ack_dsack(&f, mss, round, 0, 0, 3);
    assert_int_equal(f.t->reo_steps, 3);
    assert_int_equal(tt__rack_reo_wnd(f.t), 3 * q);
    /* Capped at SRTT (about min_RTT here): mult 5 would be 1.25 min_RTT. */
    for (int k = 0; k < 2; k++) {
        round = max_segs(&f, mss);
        f.now += TT_MSEC(40);
        (void)ack_sack(&f, mss, round, 0, 0);
        (void)ack_dsack(&f, mss, round, 0, 0, (int)round - 1);
    }
    assert_int_equal(f.t->reo_steps, 5);
    assert_int_equal(tt__rack_reo_wnd(f.t), (uint32_t)f.t->srtt);
    assert_true(f.t->srtt < 5 * q);
    /* Decay: 15 recoveries gone by without a D-SACK, the 16th resets. */
    f.t->reo_persist = 1;
    uint32_t una = (uint32_t)tt_seq_diff(f.t->snd_una, tt_seq_add(tt_seq_make(f.iss), 1)) / mss;
    assert_true(max_segs(&f, mss) >= una + 4);
    (void)ack_sack(&f, mss, una, una + 1, una + 4);
    assert_int_equal(fx_info(&f).ca_state, 3);
    assert_int_equal(f.t->reo_steps, 1);
    assert_int_equal(f.t->reo_persist, 0);
    finish(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prr_one_loss),
        cmocka_unit_test(test_prr_burst_loss),
        cmocka_unit_test(test_reo_wnd_dsack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
