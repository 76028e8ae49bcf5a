/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NewReno for a peer without SACK (src/tcp/newreno.c), on crafted segments
 * with Reno's numbers (ssthresh = FlightSize / 2, RFC 5681 eq. 4):
 *  - limited transmit (RFC 3042 §2): the first two duplicates each let one
 *    new segment go beyond cwnd, the third does not;
 *  - a partial ACK (RFC 6582 §3.2 step 3) retransmits the next hole and
 *    deflates cwnd by what it acked, plus one SMSS back;
 *  - the full ACK ends recovery with cwnd = min(ssthresh, max(FlightSize,
 *    SMSS) + SMSS), both sides of the min;
 *  - the retransmission timer: restarted by every partial ACK by default
 *    (Linux), by the first one only with cfg.tcp.newreno_impatient (RFC 6582
 *    §3.2 step 3), so that the RTO then fires from that first restart;
 *  - reordering with timestamps: a fast retransmit whose first new ACK
 *    echoes a TSval older than the retransmission's was spurious (Eifel,
 *    RFC 3522 §3.2): undone (RFC 4015), and the duplicate threshold raised
 *    to the duplicates seen, as Linux's tp->reordering; a true loss (the
 *    echo of the retransmission) is not undone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp/tcp_int.h"
#include "tcp_fixture.h"

#define MSS 1460u

static uint8_t pattern[65536];

static void fill(void)
{
    for (unsigned k = 0; k < sizeof pattern; k++)
        pattern[k] = (uint8_t)(k * 131 + (k >> 8));
}

static void ack_rel(struct fx *f, uint32_t rel)
{
    fx_inject(f, TT_TCP_ACK, f->pseq, f->pack + rel, 65535, NULL, 0, NULL);
}

static void expect_data(struct fx *f, uint32_t rel, uint32_t len)
{
    struct fx_seg *g = fx_pop(f);
    g->h.flags &= (uint8_t)~TT_TCP_PSH; /* where PSH falls is test_tcp_send's */
    fx_expect(g, TT_TCP_ACK, f->pack + rel, f->pseq);
    assert_int_equal(g->dlen, len);
    assert_memory_equal(g->data, pattern + rel, len);
}

/* ESTABLISHED without SACK, Reno, `bytes` written; the first 10 segments
 * (the initial window) popped unseen. */
static void start(struct fx *f, int impatient, uint32_t bytes)
{
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.newreno_impatient = (uint8_t)impatient;
    fx_init(f, &cfg);
    fx_active_established(f);
    assert_int_equal(tt_tcp_setopt(f->t, TT_TCP_OPT_CONGESTION, TT_TCP_CC_RENO), 0);
    tt_tcp_setopt(f->t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f->t, TT_TCP_OPT_NODELAY, 1);
    assert_false(f->t->sack_ok);
    assert_int_equal(tt_tcp_send(f->t, pattern, bytes, f->now), (int)bytes);
    assert_int_equal(fx_pending(f), 10);
    f->rd += 10;
    fx_advance(f, TT_MSEC(20));
}

static void finish(struct fx *f)
{
    tt_tcp_abort(f->t, f->now);
    fx_fini(f);
}

/* Segment 0 arrived, segment 1 (offset 1460) was lost: three duplicates
 * at 1460. What growth and limited transmit send is skipped; the fast
 * retransmit is left for the caller to check. */
static void enter(struct fx *f)
{
    for (int k = 0; k < 3; k++) {
        ack_rel(f, MSS);
        f->rd = f->nout;
    }
    ack_rel(f, MSS);
}

/* RFC 3042: dupacks 1 and 2 each send one new segment beyond cwnd; the
 * third is the fast retransmit, with no new data; FlightSize for ssthresh
 * leaves the two limited-transmit segments out (RFC 5681 §3.2 step 2). */
static void test_limited_transmit(void **st)
{
    (void)st;
    struct fx f;
    start(&f, 0, 30 * MSS);
    ack_rel(&f, MSS); /* slow start: cwnd 11, two new segments (10, 11) */
    expect_data(&f, 10 * MSS, MSS);
    expect_data(&f, 11 * MSS, MSS);
    fx_assert_none(&f);
    ack_rel(&f, MSS);
    expect_data(&f, 12 * MSS, MSS);
    fx_assert_none(&f);
    assert_int_equal(f.t->cwnd, 11 * MSS);
    ack_rel(&f, MSS);
    expect_data(&f, 13 * MSS, MSS);
    fx_assert_none(&f);
    ack_rel(&f, MSS);
    expect_data(&f, MSS, MSS); /* fast retransmit, nothing new */
    fx_assert_none(&f);
    /* FlightSize 13 segments at the third duplicate, less the 2 of limited
     * transmit: 11 segments, ssthresh 5.5. */
    assert_int_equal(f.t->ssthresh, 11 * MSS / 2);
    assert_int_equal(f.t->cwnd, 11 * MSS / 2 + 3 * MSS);
    assert_true(f.t->in_recovery);
    finish(&f);
}

/* Partial ACK: segments 1 and 4 lost. The ACK at 4 (acking 3 segments)
 * retransmits segment 4 and sets cwnd = cwnd - 3 SMSS + SMSS; recovery
 * goes on. */
static void test_partial_ack(void **st)
{
    (void)st;
    struct fx f;
    start(&f, 0, 10 * MSS);
    enter(&f);
    expect_data(&f, MSS, MSS);
    fx_assert_none(&f);
    uint32_t ssthresh = 9 * MSS / 2; /* FlightSize 9 segments after the first ACK */
    assert_int_equal(f.t->ssthresh, ssthresh);
    assert_int_equal(f.t->cwnd, ssthresh + 3 * MSS);
    ack_rel(&f, MSS); /* a fourth duplicate inflates by one SMSS */
    assert_int_equal(f.t->cwnd, ssthresh + 4 * MSS);
    fx_assert_none(&f); /* nothing new to send */
    ack_rel(&f, 4 * MSS);
    expect_data(&f, 4 * MSS, MSS); /* the next hole, at once */
    fx_assert_none(&f);
    assert_int_equal(f.t->cwnd, ssthresh + 4 * MSS - 3 * MSS + MSS);
    assert_true(f.t->in_recovery);
    assert_int_equal(fx_info(&f).total_retrans, 2);
    /* A partial ACK of less than one SMSS: deflated by it, nothing added. */
    uint32_t w = f.t->cwnd;
    ack_rel(&f, 4 * MSS + 100);
    expect_data(&f, 4 * MSS + 100, MSS);
    assert_int_equal(f.t->cwnd, w - 100);
    finish(&f);
}

/* Full ACK, both sides of min(ssthresh, max(FlightSize, SMSS) + SMSS):
 * with nothing left in flight cwnd is 2 SMSS; with more data in flight
 * than ssthresh, cwnd is ssthresh. Recovery ends either way, and three
 * duplicates for data sent before "recover" start no new recovery. */
static void test_full_ack(void **st)
{
    (void)st;
    struct fx f;
    start(&f, 0, 10 * MSS);
    enter(&f);
    f.rd = f.nout;
    ack_rel(&f, 10 * MSS);
    assert_false(f.t->in_recovery);
    assert_int_equal(f.t->cwnd, 2 * MSS);
    assert_int_equal(f.t->dupacks, 0);
    finish(&f);

    start(&f, 0, 40 * MSS);
    enter(&f);
    f.rd = f.nout;
    /* Inflation by later duplicates lets new data out beyond "recover". */
    for (int k = 0; k < 20; k++)
        ack_rel(&f, MSS);
    assert_true(fx_pending(&f) > 0);
    f.rd = f.nout;
    tt_seq recover = f.t->recover;
    uint32_t ssthresh = f.t->ssthresh;
    assert_true(tt_seq_gt(f.t->snd_max, recover));
    ack_rel(&f, (uint32_t)tt_seq_diff(recover, tt_seq_add(f.t->iss, 1)));
    assert_false(f.t->in_recovery);
    uint32_t flight = (uint32_t)tt_seq_diff(f.t->snd_max, f.t->snd_una);
    assert_true(flight + MSS > ssthresh);
    assert_int_equal(f.t->cwnd, ssthresh);
    finish(&f);
}

/* Three losses (segments 1, 3, 5). Default: each partial ACK restarts the
 * timer. Impatient: the first partial ACK restarts it, the second leaves it,
 * and the RTO fires one RTO after that first partial ACK. */
static void partials(struct fx *f, tt_time *first, tt_time *second)
{
    enter(f);
    expect_data(f, MSS, MSS);
    fx_advance(f, TT_MSEC(10));
    ack_rel(f, 3 * MSS);
    expect_data(f, 3 * MSS, MSS);
    *first = f->t->t_rexmit;
    fx_advance(f, TT_MSEC(10));
    ack_rel(f, 5 * MSS);
    expect_data(f, 5 * MSS, MSS);
    *second = f->t->t_rexmit;
    fx_assert_none(f);
    assert_true(f->t->in_recovery);
}

static void test_impatient_rto(void **st)
{
    (void)st;
    struct fx f;
    tt_time first, second;
    start(&f, 0, 10 * MSS);
    partials(&f, &first, &second);
    assert_int_equal(first, f.now - TT_MSEC(10) + f.t->rto);
    assert_int_equal(second, f.now + f.t->rto); /* Slow-but-Steady: restarted */
    finish(&f);

    start(&f, 1, 10 * MSS);
    partials(&f, &first, &second);
    assert_int_equal(first, f.now - TT_MSEC(10) + f.t->rto);
    assert_int_equal(second, first); /* Impatient: left running */
    fx_advance(&f, first - f.now - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_data(&f, 5 * MSS, MSS); /* the RTO: go-back-N from SND.UNA */
    assert_int_equal(fx_info(&f).backoff, 1);
    assert_false(f.t->in_recovery);
    finish(&f);
}

#define TSMSS (MSS - 12u)

/* As start(), with timestamps as if negotiated: our segments carry TSval
 * (the fixture's handshake has none); TSvals of the 10 segments kept. */
static void start_ts(struct fx *f, uint32_t *tsval)
{
    struct tt_config cfg;
    fx_config(&cfg);
    fx_init(f, &cfg);
    fx_active_established(f);
    assert_int_equal(tt_tcp_setopt(f->t, TT_TCP_OPT_CONGESTION, TT_TCP_CC_RENO), 0);
    tt_tcp_setopt(f->t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f->t, TT_TCP_OPT_NODELAY, 1);
    f->t->ts_ok = 1;
    f->t->snd_mss = TSMSS; /* the 12 bytes of TSopt come off the MSS */
    assert_int_equal(tt_tcp_send(f->t, pattern, 40 * TSMSS, f->now), (int)(40 * TSMSS));
    for (int k = 0; k < 10; k++) {
        struct fx_seg *g = fx_pop(f);
        assert_true(g->h.opt.has_ts);
        tsval[k] = g->h.opt.ts_val;
    }
    fx_advance(f, TT_MSEC(20));
}

static void ack_ts(struct fx *f, uint32_t rel, uint32_t ecr)
{
    struct tt_tcp_opts o = {.has_ts = 1, .ts_val = 7, .ts_ecr = ecr};
    fx_inject(f, TT_TCP_ACK, f->pseq, f->pack + rel, 65535, NULL, 0, &o);
}

/* Segment 1 delayed behind three others: three duplicates (echoing segment
 * 0's TSval), the fast retransmit, then the original arrives and the ACK
 * echoes its TSval, older than the retransmission's: undone. */
static void test_reordering_undo(void **st)
{
    (void)st;
    struct fx f;
    uint32_t ts[10];
    start_ts(&f, ts);
    ack_ts(&f, TSMSS, ts[0]);
    uint32_t cwnd = f.t->cwnd;
    f.rd = f.nout;
    for (int k = 0; k < 2; k++)
        ack_ts(&f, TSMSS, ts[0]);
    f.rd = f.nout; /* limited transmit */
    fx_advance(&f, TT_MSEC(1));
    ack_ts(&f, TSMSS, ts[0]);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.seq, f.pack + TSMSS); /* the fast retransmit */
    uint32_t rexmit_ts = g->h.opt.ts_val;
    assert_true(rexmit_ts != ts[1]);
    f.rd = f.nout;
    assert_true(f.t->in_recovery);
    assert_true(f.t->cwnd < cwnd);
    /* The original of segment 1 arrives: the ACK of 1-4 echoes its TSval. */
    ack_ts(&f, 5 * TSMSS, ts[1]);
    assert_false(f.t->in_recovery);
    assert_true(f.t->cwnd >= cwnd);
    assert_int_equal(f.t->ssthresh, UINT32_MAX); /* back to slow start's */
    assert_int_equal(fx_info(&f).undos, 1);
    assert_int_equal(f.t->reordering, 4);
    f.rd = f.nout;
    /* The threshold is 4 now: three duplicates send new data (limited
     * transmit, the ACK clock kept), the fourth retransmits. */
    for (int k = 0; k < 3; k++) {
        ack_ts(&f, 5 * TSMSS, ts[5]);
        g = fx_pop(&f);
        assert_true(tt_seq_ge(tt_seq_make(g->h.seq), tt_seq_make(f.pack + 10 * TSMSS)));
        f.rd = f.nout;
    }
    assert_false(f.t->in_recovery);
    ack_ts(&f, 5 * TSMSS, ts[5]);
    assert_true(f.t->in_recovery);
    expect_data(&f, 5 * TSMSS, TSMSS);
    finish(&f);
}

/* A true loss: the ACK after the fast retransmit echoes the retransmission's
 * TSval (the receiver took TS.Recent from it): no undo. */
static void test_loss_not_undone(void **st)
{
    (void)st;
    struct fx f;
    uint32_t ts[10];
    start_ts(&f, ts);
    for (int k = 0; k < 3; k++) {
        ack_ts(&f, TSMSS, ts[0]);
        f.rd = f.nout;
    }
    fx_advance(&f, TT_MSEC(1));
    ack_ts(&f, TSMSS, ts[0]);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.seq, f.pack + TSMSS);
    uint32_t rexmit_ts = g->h.opt.ts_val;
    f.rd = f.nout;
    ack_ts(&f, 10 * TSMSS, rexmit_ts);
    assert_int_equal(fx_info(&f).undos, 0);
    assert_int_equal(f.t->reordering, 3);
    assert_true(f.t->ssthresh < UINT32_MAX);
    finish(&f);
}

int main(void)
{
    fill();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limited_transmit), cmocka_unit_test(test_partial_ack),
        cmocka_unit_test(test_full_ack),         cmocka_unit_test(test_impatient_rto),
        cmocka_unit_test(test_reordering_undo),  cmocka_unit_test(test_loss_not_undone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
