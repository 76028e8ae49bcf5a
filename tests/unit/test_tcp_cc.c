/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Congestion control on the virtual clock: CUBIC (RFC 9438) against its
 * formulas (the integer cube root, W_cubic(t) = C(t-K)^3 + W_max, the window
 * after a loss with β = 0.7, fast convergence, growth along the curve, the
 * Reno-friendly region), HyStart++'s exit (RFC 9406), Reno's byte counting
 * (RFC 3465), and the choice of module per stack and per connection.
 *
 * The window tests drive the module through cc.c on a real connection, one
 * ACK at a time at explicit times, so every number is reproducible; the
 * models they compare against are the RFCs' formulas in floating point (the
 * test may use it, the stack does not).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>

#include "tcp/tcp_int.h"
#include "tcp_fixture.h"

#define MSS 1460u

/* A connection in ESTABLISHED with the given module and cwnd/ssthresh. */
static void conn(struct fx *f, const struct tt_config *cfg, int cc, uint32_t cwnd,
                 uint32_t ssthresh)
{
    fx_init(f, cfg);
    fx_active_established(f);
    assert_int_equal(tt_tcp_setopt(f->t, TT_TCP_OPT_CONGESTION, cc), 0);
    f->t->cwnd = cwnd;
    f->t->ssthresh = ssthresh;
    f->t->srtt = TT_MSEC(100);
}

static void done(struct fx *f)
{
    tt_tcp_abort(f->t, f->now);
    fx_fini(f);
}

/* One ACK of n bytes outside recovery, with an RTT sample (µs, 0 = none),
 * the sender being cwnd-limited. */
static void ack(struct tt_tcp *t, uint32_t n, uint32_t rtt, tt_time now)
{
    struct tt__cc_ack a = {.acked = n, .delivered = n, .rtt = rtt};
    t->cwnd_limited = 1;
    t->snd_una = tt_seq_add(t->snd_una, n);
    if (tt_seq_gt(t->snd_una, t->snd_nxt))
        t->snd_nxt = t->snd_una;
    tt__cc_ack(t, &a, now);
}

/* floor(cbrt(x)) exactly, at cubes and one below them, up to 2^64 - 1. */
static void test_icbrt(void **st)
{
    (void)st;
    assert_int_equal(tt__icbrt64(0), 0);
    assert_int_equal(tt__icbrt64(7), 1);
    assert_int_equal(tt__icbrt64(8), 2);
    for (uint64_t r = 2; r < 2642245u; r = r * 3 / 2 + 1) {
        assert_int_equal(tt__icbrt64(r * r * r), r);
        assert_int_equal(tt__icbrt64(r * r * r - 1), r - 1);
    }
    assert_int_equal(tt__icbrt64(UINT64_MAX), 2642245u); /* 2642245^3 < 2^64 < 2642246^3 */
}

/* RFC 9438 Figure 1 in segments, t and K in seconds. */
static double w_cubic(double t, double k, double wmax)
{
    return 0.4 * (t - k) * (t - k) * (t - k) + wmax;
}

/*
 * A loss at cwnd = 100 segments: ssthresh = 70 (β = 0.7, §4.6), W_max = 100,
 * and once congestion avoidance starts at cwnd = 70, K = cbrt(30 / 0.4) s
 * (Figure 2) and W_cubic(t) is the RFC's curve at every t checked.
 */
static void test_cubic_curve(void **st)
{
    (void)st;
    struct fx f;
    conn(&f, NULL, TT_TCP_CC_CUBIC, 100 * MSS, UINT32_MAX);
    struct tt_tcp *t = f.t;
    tt__cc_loss(t, f.now);
    assert_int_equal(t->ssthresh, 70 * MSS);
    assert_int_equal(t->ccs.cubic.w_max, 100 * MSS);
    assert_int_equal(t->cwnd, 100 * MSS); /* recovery sets cwnd, not the module */
    tt__cc_set_cwnd(t, t->ssthresh, f.now);
    ack(t, MSS, 0, f.now); /* the epoch starts */
    double k = cbrt(30 / 0.4);
    assert_true(fabs(t->ccs.cubic.ca.k / 1000.0 - k) < 0.001);
    const double ts[] = {0, 0.5, 1, 2, 3, 4, k, 5, 6, 8, 10};
    for (unsigned i = 0; i < sizeof ts / sizeof ts[0]; i++) {
        double want = w_cubic(ts[i], t->ccs.cubic.ca.k / 1000.0, 100) * MSS;
        uint32_t got = tt__cubic_w(&t->ccs.cubic, (uint32_t)(ts[i] * 1000 + 0.5), MSS);
        assert_true(fabs(got - want) < 0.01 * MSS + 1);
    }
    done(&f);
}

/* Drive congestion avoidance for `secs` of virtual time at the given RTT:
 * per RTT one ACK per segment of cwnd, spread evenly; returns cwnd at the
 * end, and calls back at every checkpoint. */
static void drive(struct fx *f, tt_time rtt, double secs,
                  void (*check)(struct fx *, double, void *), void *ctx)
{
    struct tt_tcp *t = f->t;
    tt_time start = f->now, end = start + (tt_time)(secs * 1e6);
    while (f->now < end) {
        uint32_t n = t->cwnd / MSS;
        for (uint32_t i = 0; i < n && f->now < end; i++) {
            f->now += rtt / n;
            ack(t, MSS, (uint32_t)rtt, f->now);
            if (check)
                check(f, (double)(f->now - start) / 1e6, ctx);
        }
    }
}

struct curve_ctx {
    double k, wmax, next;
    unsigned checked;
};

static void check_curve(struct fx *f, double t, void *p)
{
    struct curve_ctx *c = p;
    if (t < c->next)
        return;
    double want = w_cubic(t, c->k, c->wmax);
    double got = (double)f->t->cwnd / MSS;
    /* cwnd reaches W_cubic(t + RTT) within the RTT after: a few segments
     * and 1 % of slack around the curve. */
    assert_true(fabs(got - want) <= 3 + 0.01 * want);
    c->checked++;
    c->next += 1.0;
}

/* After a loss at 1000 segments (RTT 100 ms), cwnd follows RFC 9438's curve
 * through the concave region, the plateau at W_max and into the convex one. */
static void test_cubic_growth(void **st)
{
    (void)st;
    struct fx f;
    conn(&f, NULL, TT_TCP_CC_CUBIC, 1000 * MSS, UINT32_MAX);
    struct tt_tcp *t = f.t;
    tt__cc_loss(t, f.now);
    tt__cc_set_cwnd(t, t->ssthresh, f.now);
    tt__cc_recovery_end(t, f.now);
    struct curve_ctx c = {.k = cbrt(300 / 0.4), .wmax = 1000, .next = 0.5};
    drive(&f, TT_MSEC(100), 13, check_curve, &c);
    assert_int_equal(c.checked, 13);   /* 0.5 s .. 12.5 s */
    assert_true(t->cwnd > 1000 * MSS); /* convex region reached */
    done(&f);
}

struct est_ctx {
    double w_est, prior;
};

static void step_est(struct fx *f, double t, void *p)
{
    (void)t;
    struct est_ctx *e = p;
    double alpha = e->w_est < e->prior ? 3 * (1 - 0.7) / (1 + 0.7) : 1;
    e->w_est += alpha / ((double)f->t->cwnd / MSS); /* §4.3 Figure 4, one segment acked */
}

/*
 * At a short RTT (1 ms) Reno grows faster than the curve: cwnd follows W_est
 * (RFC 9438 §4.3, α = 3(1-β)/(1+β) until W_est reaches cwnd_prior, then 1).
 * Without the Reno-friendly region it stays near W_cubic(t).
 */
static void test_reno_friendly(void **st)
{
    (void)st;
    uint32_t cw[2];
    for (int friendly = 1; friendly >= 0; friendly--) {
        struct tt_config cfg;
        fx_config(&cfg);
        cfg.tcp.cubic_friendliness = (uint8_t)friendly;
        struct fx f;
        conn(&f, &cfg, TT_TCP_CC_CUBIC, 20 * MSS, UINT32_MAX);
        f.t->srtt = TT_MSEC(1);
        tt__cc_loss(f.t, f.now);
        tt__cc_set_cwnd(f.t, f.t->ssthresh, f.now);
        struct est_ctx e = {.w_est = (double)f.t->ssthresh / MSS, .prior = 20};
        drive(&f, TT_MSEC(1), 0.2, friendly ? step_est : NULL, &e);
        cw[friendly] = f.t->cwnd / MSS;
        if (friendly) {
            /* W_est after 200 RTTs: about 14 + 6 + 190 segments. */
            assert_true(e.w_est > 150);
            assert_true(fabs(cw[1] - e.w_est) <= 2 + 0.05 * e.w_est);
        } else {
            double k = cbrt((20.0 - 14) / 0.4);
            assert_true(fabs(cw[0] - w_cubic(0.2, k, 20)) <= 2);
        }
        done(&f);
    }
    assert_true(cw[1] > 4 * cw[0]);
}

/* The window after losses, on the wire: three duplicate ACKs at cwnd = IW
 * (10 segments) set ssthresh = 7 (β = 0.7); a second loss below W_max
 * shrinks W_max by fast convergence (§4.7); an RTO leaves cwnd = 1 SMSS,
 * ssthresh from β and W_max forgotten (§4.8); undo restores (§4.9). */
static void test_cubic_loss(void **st)
{
    (void)st;
    static uint8_t data[14600];
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    int v = 0;
    assert_int_equal(tt_tcp_getopt(f.t, TT_TCP_OPT_CONGESTION, &v), 0);
    assert_int_equal(v, TT_TCP_CC_CUBIC); /* the default */
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, data, sizeof data, f.now), (long)sizeof data);
    f.rd += 10;
    fx_advance(&f, TT_MSEC(20));
    for (int i = 0; i < 4; i++)
        fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + MSS, 65535, NULL, 0, NULL);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack + MSS, f.pseq); /* fast retransmit */
    /* The first ACK grew cwnd to 11 segments (slow start): 11 * 0.7. */
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.snd_ssthresh, 7);
    assert_int_equal(f.t->ccs.cubic.w_max, 11 * MSS);
    struct tt_tcp *t = f.t;
    /* Undo: cwnd and ssthresh as before the loss (ssthresh was infinite). */
    tt__cc_undo(t, f.now);
    assert_int_equal(t->ssthresh, UINT32_MAX);
    assert_true(t->cwnd >= 11 * MSS);
    tt__cc_undo(t, f.now); /* nothing saved any more: no-op */
    assert_int_equal(t->ssthresh, UINT32_MAX);
    /* Fast convergence: a loss at 7 segments, below W_max = 10. */
    t->cwnd = 7 * MSS;
    tt__cc_loss(t, f.now);
    assert_int_equal(t->ccs.cubic.w_max, 7 * MSS * (1024 + 717) / 2048);
    assert_int_equal(t->ssthresh, 4 * MSS); /* 7 * 0.7, whole segments as Linux */
    /* RTO: cwnd = 1 SMSS, W_max forgotten, ssthresh = 0.7 * 10. */
    t->cwnd = 10 * MSS;
    tt__cc_rto(t, 1, f.now);
    assert_int_equal(t->cwnd, MSS);
    assert_int_equal(t->ssthresh, 7 * MSS);
    assert_int_equal(t->ccs.cubic.w_max, 0);
    done(&f);

    /* Without fast convergence W_max is the cwnd at the loss. */
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.cubic_fast_conv = 0;
    conn(&f, &cfg, TT_TCP_CC_CUBIC, 10 * MSS, UINT32_MAX);
    tt__cc_loss(f.t, f.now);
    f.t->cwnd = 7 * MSS;
    tt__cc_loss(f.t, f.now);
    assert_int_equal(f.t->ccs.cubic.w_max, 7 * MSS);
    done(&f);
}

/* Repeated RTOs of one episode keep the ssthresh of the first (Linux
 * tcp_enter_loss): CUBIC's 0.7 of the 1-SMSS loss window would be 2. */
static void test_rto_repeat(void **st)
{
    (void)st;
    static uint8_t data[10 * MSS];
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, data, sizeof data, f.now), (long)sizeof data);
    f.rd += 10;
    fx_advance(&f, fx_info(&f).rto);
    fx_pop(&f); /* the first retransmission */
    assert_int_equal(fx_info(&f).snd_ssthresh, 7);
    assert_int_equal(fx_info(&f).snd_cwnd, 1);
    fx_advance(&f, fx_info(&f).rto);
    fx_pop(&f); /* the second, backed off */
    assert_int_equal(fx_info(&f).snd_ssthresh, 7);
    assert_int_equal(fx_info(&f).snd_cwnd, 1);
    done(&f);
}

/* Slow start ACK by ACK, one per segment, the sender keeping cwnd in
 * flight, every RTT sample `rtt` µs; stops before the ACK that would begin
 * round n + 1 (HyStart++'s rounds, RFC 9406 §4.2), or when slow start
 * ended. Returns the rounds completed. */
static int rounds(struct fx *f, int n, uint32_t rtt)
{
    struct tt_tcp *t = f->t;
    struct tt__cc_cubic *c = &t->ccs.cubic;
    int r = 0, acked = 0;
    while (t->cwnd < t->ssthresh) {
        if (tt_seq_ge(tt_seq_add(t->snd_una, MSS), c->hs.end) && acked && ++r == n)
            break;
        f->now += rtt / (t->cwnd / MSS);
        ack(t, MSS, rtt, f->now);
        t->snd_nxt = tt_seq_add(t->snd_una, t->cwnd);
        acked = 1;
    }
    return r;
}

/* The initial slow start begins with cwnd in flight. */
static void start_ss(struct fx *f)
{
    f->t->snd_nxt = tt_seq_add(f->t->snd_una, f->t->cwnd);
    tt__hyspp_init(f->t);
}

/*
 * HyStart++ (RFC 9406 §4.2): at a steady RTT slow start doubles cwnd per
 * round; a round whose least RTT is up by max(4 ms, min(RTT/8, 16 ms))
 * enters CSS (a quarter of the growth), and CSS_ROUNDS = 5 rounds of it
 * (the partial first one included) end slow start with ssthresh = cwnd. A
 * rise under the threshold does nothing; an RTT back below the baseline
 * resumes slow start.
 */
static void test_hystart_exit(void **st)
{
    (void)st;
    struct fx f;
    conn(&f, NULL, TT_TCP_CC_CUBIC, 10 * MSS, UINT32_MAX);
    struct tt__cc_cubic *c = &f.t->ccs.cubic;
    start_ss(&f);
    assert_int_equal(c->hs_state, TT__HS_SS);
    assert_int_equal(rounds(&f, 3, 100000), 3);
    uint32_t w = f.t->cwnd;
    assert_true(w >= 60 * MSS); /* about 10 * 2^3 */
    rounds(&f, 1, 103000);      /* +3 ms < MIN_RTT_THRESH */
    assert_int_equal(c->hs_state, TT__HS_SS);
    assert_true(f.t->cwnd >= 2 * w - MSS);
    w = f.t->cwnd;
    rounds(&f, 1, 120000); /* +17 ms >= 103 / 8 = 12.9 ms */
    assert_int_equal(c->hs_state, TT__HS_CSS);
    assert_int_equal(c->hs.base_min, 120000);
    /* 8 ACKs of slow start (the 8th sample decides), the rest a quarter. */
    uint32_t segs = w / MSS;
    assert_true(f.t->cwnd >= w + 8 * MSS + (segs - 9) * MSS / 4);
    assert_true(f.t->cwnd <= w + 8 * MSS + (segs + 1) * MSS / 4);
    assert_int_equal(f.t->ssthresh, UINT32_MAX);
    w = f.t->cwnd;
    assert_int_equal(rounds(&f, 10, 120000), 4); /* the 5th CSS round ends it */
    assert_int_equal(c->hs_state, TT__HS_DONE);
    assert_int_equal(f.t->ssthresh, f.t->cwnd);
    /* CSS grows by about 1/4 per round, not 2x: 4 rounds < 1.25^4 * 1.1. */
    assert_true(f.t->cwnd < (uint32_t)(w * 2.7));
    assert_true(f.t->cwnd > (uint32_t)(w * 2.0));
    done(&f);

    /* Spurious: the RTT falls back below the CSS baseline. */
    conn(&f, NULL, TT_TCP_CC_CUBIC, 10 * MSS, UINT32_MAX);
    c = &f.t->ccs.cubic;
    start_ss(&f);
    rounds(&f, 2, 100000);
    rounds(&f, 1, 120000);
    assert_int_equal(c->hs_state, TT__HS_CSS);
    rounds(&f, 1, 100000);
    assert_int_equal(c->hs_state, TT__HS_SS);
    assert_int_equal(f.t->ssthresh, UINT32_MAX);
    done(&f);

    /* cfg.tcp.hystart = TT_TCP_HYSTART_OFF: RFC 5681 slow start regardless. */
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.hystart = TT_TCP_HYSTART_OFF;
    conn(&f, &cfg, TT_TCP_CC_CUBIC, 10 * MSS, UINT32_MAX);
    start_ss(&f);
    assert_int_equal(f.t->ccs.cubic.hs_state, TT__HS_DONE);
    for (int i = 0; i < 310; i++)
        ack(f.t, MSS, i < 30 ? 100000 : 150000, f.now += 1000);
    assert_int_equal(f.t->cwnd, 320 * MSS);
    assert_int_equal(f.t->ssthresh, UINT32_MAX);
    done(&f);
}

/* On the wire with timestamps: every ACK's echo is an RTT sample for
 * HyStart++ (RFC 9406 §4.2 needs 8 a round), although the RTO estimator
 * times one segment per RTT and new data keeps re-arming that timer. */
static void test_hystart_samples(void **st)
{
    (void)st;
    static uint8_t data[30 * 1448];
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    f.t->ts_ok = 1; /* as if negotiated: our segments carry TSval from here on */
    f.t->snd_mss -= 12;
    uint32_t m = f.t->snd_mss;
    tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(f.t->ccs.cubic.hs_state, TT__HS_SS);
    assert_int_equal(tt_tcp_send(f.t, data, sizeof data, f.now), (long)sizeof data);
    uint32_t tsval[10];
    for (int i = 0; i < 10; i++) {
        struct fx_seg *g = fx_pop(&f);
        assert_true(g->h.opt.has_ts);
        tsval[i] = g->h.opt.ts_val;
    }
    fx_advance(&f, TT_MSEC(50));
    for (int i = 0; i < 9; i++) {
        struct tt_tcp_opts o = {.has_ts = 1, .ts_val = 7, .ts_ecr = tsval[i]};
        fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + (uint32_t)(i + 1) * m, 65535, NULL, 0, &o);
        f.rd = f.nout; /* what the ACK released (new data, re-timed) */
        assert_true(f.t->rtt_active);
    }
    assert_int_equal(f.t->ccs.cubic.hs_samples, 9);
    assert_int_equal(f.t->ccs.cubic.hs.cur_min, 50000);
    done(&f);
}

/* Without timestamps (a SACK peer), every ACK still times the path for
 * HyStart++ (RFC 9406 §4.2): the scoreboard's send time of the newest
 * segment the ACK delivered, never a retransmitted one (RFC 6298 §3 Karn).
 * Before, only the one timed segment per round gave a sample, a round
 * never had N_RTT_SAMPLE = 8 of them, and slow start could not end early. */
static void test_hystart_samples_no_ts(void **st)
{
    (void)st;
    static uint8_t data[30 * 1460];
    struct fx f;
    fx_init(&f, NULL);
    f.pport = FX_PEER_PORT;
    struct tt_tcp_opts syn = {.has_mss = 1, .mss = 1460, .sack_ok = 1};
    fx_passive_established_with(&f, &syn);
    assert_false(f.t->ts_ok);
    assert_true(f.t->sack_ok);
    uint32_t m = f.t->snd_mss;
    tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(f.t->ccs.cubic.hs_state, TT__HS_SS);
    assert_int_equal(tt_tcp_send(f.t, data, sizeof data, f.now), (long)sizeof data);
    f.rd = f.nout;
    fx_advance(&f, TT_MSEC(50));
    uint32_t base = f.iss + 1;
    for (int i = 0; i < 9; i++) {
        fx_inject(&f, TT_TCP_ACK, f.pseq, base + (uint32_t)(i + 1) * m, 65535, NULL, 0, NULL);
        f.rd = f.nout;
        f.now += 100;
    }
    assert_int_equal(f.t->ccs.cubic.hs_samples, 9);
    assert_int_equal(f.t->ccs.cubic.hs.cur_min, 50000);
    done(&f);
}

/* Slow start ACK by ACK every `gap` µs (0: spread over the RTT, cwnd's
 * ACKs per RTT), each with an RTT sample of rtt(i) µs, the sender keeping
 * cwnd in flight; stops when slow start ends or after n ACKs. Returns the
 * ACKs taken. */
static int acks(struct fx *f, int n, tt_time gap, uint32_t (*rtt)(int))
{
    struct tt_tcp *t = f->t;
    int i = 0;
    for (; i < n && t->cwnd < t->ssthresh; i++) {
        f->now += gap ? gap : rtt(i) / (t->cwnd / MSS);
        ack(t, MSS, rtt(i), f->now);
        t->snd_nxt = tt_seq_add(t->snd_una, t->cwnd);
    }
    return i;
}

static uint32_t rtt_100(int i)
{
    (void)i;
    return 100000;
}

static uint32_t rtt_rise(int i)
{
    return i < 40 ? 100000 : 120000;
}

/*
 * Linux's HyStart (cfg.tcp.hystart = TT_TCP_HYSTART_LINUX): from 16 segments
 * on, ACKs of one round coming < 2 ms apart for longer than half the least
 * RTT end slow start (the ACK train); spaced ACKs whose RTT rose by more
 * than max(4 ms, RTT/8) end it too (the delay test); below 16 nothing does.
 */
static void test_hystart_linux(void **st)
{
    (void)st;
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.hystart = TT_TCP_HYSTART_LINUX;
    struct fx f;
    conn(&f, &cfg, TT_TCP_CC_CUBIC, 16 * MSS, UINT32_MAX);
    start_ss(&f);
    assert_int_equal(f.t->ccs.cubic.hs_state, TT__HS_LINUX);
    /* ACKs spread over a 100 ms RTT: rounds of 16 and 32 segments space
     * them more than 2 ms apart; in the round that starts at 64 they come
     * 1.6 ms apart or less, and 50 ms into it slow start ends. */
    int n = acks(&f, 1000, 0, rtt_100);
    assert_int_equal(f.t->ccs.cubic.hs_state, TT__HS_DONE);
    assert_int_equal(f.t->ssthresh, f.t->cwnd);
    assert_true(n > 16 + 32 + 25 && n < 16 + 32 + 64);
    assert_true(f.t->cwnd > 64 * MSS + 25 * MSS && f.t->cwnd < 128 * MSS);
    done(&f);

    /* Spaced 5 ms apart (no train): the delay test after the RTT rises. */
    conn(&f, &cfg, TT_TCP_CC_CUBIC, 16 * MSS, UINT32_MAX);
    start_ss(&f);
    n = acks(&f, 1000, 5000, rtt_rise);
    assert_true(n > 40 && n <= 40 + 16 + 9); /* within the round after the rise */
    assert_int_equal(f.t->ssthresh, f.t->cwnd);
    done(&f);

    /* Below 16 segments the train ends nothing. */
    conn(&f, &cfg, TT_TCP_CC_CUBIC, 4 * MSS, UINT32_MAX);
    start_ss(&f);
    assert_int_equal(acks(&f, 11, 1000, rtt_100), 11);
    assert_int_equal(f.t->cwnd, 15 * MSS);
    assert_int_equal(f.t->ssthresh, UINT32_MAX);
    done(&f);
}

/* RFC 3465 appropriate byte counting (Reno): slow start adds the bytes an
 * ACK covers (2 segments at once: +2 SMSS, no L cap as Linux); congestion
 * avoidance adds one SMSS per cwnd of bytes, however small the ACKs. */
static void test_reno_abc(void **st)
{
    (void)st;
    struct fx f;
    conn(&f, NULL, TT_TCP_CC_RENO, 10 * MSS, UINT32_MAX);
    ack(f.t, 2 * MSS, 0, f.now);
    assert_int_equal(f.t->cwnd, 12 * MSS);
    ack(f.t, 5 * MSS, 0, f.now);
    assert_int_equal(f.t->cwnd, 17 * MSS);
    f.t->ssthresh = f.t->cwnd = 10 * MSS;
    for (int i = 0; i < 99; i++)
        ack(f.t, MSS / 10, 0, f.now); /* 99 ACKs of 146 bytes: 14454 < cwnd */
    assert_int_equal(f.t->cwnd, 10 * MSS);
    ack(f.t, MSS / 10, 0, f.now);
    assert_int_equal(f.t->cwnd, 11 * MSS);
    /* Not cwnd-limited: no growth (RFC 7661's concern; Linux). */
    struct tt__cc_ack a = {.acked = 20 * MSS, .delivered = 20 * MSS};
    f.t->cwnd_limited = 0;
    tt__cc_ack(f.t, &a, f.now);
    assert_int_equal(f.t->cwnd, 11 * MSS);
    /* Reno's reduction: ssthresh = max(FlightSize / 2, 2 SMSS). */
    f.t->snd_max = tt_seq_add(f.t->snd_una, 8 * MSS);
    tt__cc_loss(f.t, f.now);
    assert_int_equal(f.t->ssthresh, 4 * MSS);
    f.t->snd_max = f.t->snd_una;
    done(&f);
}

/* The module per stack (cfg.tcp.congestion_control) and per connection
 * (TT_TCP_OPT_CONGESTION, any time; a child takes its listener's). */
static void test_select(void **st)
{
    (void)st;
    assert_string_equal(tt_tcp_cc_name(TT_TCP_CC_CUBIC), "cubic");
    assert_string_equal(tt_tcp_cc_name(TT_TCP_CC_RENO), "reno");
    assert_null(tt_tcp_cc_name(0));
    assert_null(tt_tcp_cc_name(99));
    assert_int_equal(tt_tcp_cc_by_name("reno"), TT_TCP_CC_RENO);
    assert_int_equal(tt_tcp_cc_by_name("cubic"), TT_TCP_CC_CUBIC);
    assert_int_equal(tt_tcp_cc_by_name("bbr"), TT_EINVAL);
    assert_int_equal(tt_tcp_cc_by_name("cubi"), TT_EINVAL);

    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.congestion_control = TT_TCP_CC_RENO;
    struct fx f;
    fx_init(&f, &cfg);
    fx_active_established(&f);
    int v = 0;
    tt_tcp_getopt(f.t, TT_TCP_OPT_CONGESTION, &v);
    assert_int_equal(v, TT_TCP_CC_RENO);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CONGESTION, 0), TT_EINVAL);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CONGESTION, 77), TT_EINVAL);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CONGESTION, -1), TT_EINVAL);
    /* A live switch keeps the window and starts the module from it. */
    f.t->cwnd = 33 * MSS;
    f.t->ssthresh = 20 * MSS;
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_CONGESTION, TT_TCP_CC_CUBIC), 0);
    tt_tcp_getopt(f.t, TT_TCP_OPT_CONGESTION, &v);
    assert_int_equal(v, TT_TCP_CC_CUBIC);
    assert_int_equal(f.t->cwnd, 33 * MSS);
    assert_int_equal(f.t->ccs.cubic.hs_state, TT__HS_DONE); /* ssthresh known */
    tt__cc_loss(f.t, f.now);
    assert_int_equal(f.t->ssthresh, 33 * 717 / 1024 * MSS);
    done(&f);

    /* A listener switched to reno under the cubic default: its next child
     * is reno (Linux: a child keeps the listener's TCP_CONGESTION). */
    fx_init(&f, NULL);
    fx_passive_established(&f);
    tt_tcp_getopt(f.t, TT_TCP_OPT_CONGESTION, &v);
    assert_int_equal(v, TT_TCP_CC_CUBIC);
    assert_int_equal(tt_tcp_setopt(f.l, TT_TCP_OPT_CONGESTION, TT_TCP_CC_RENO), 0);
    struct tt_tcp_opts o = {.has_mss = 1, .mss = 1460};
    uint16_t port = (uint16_t)(f.pport + 1);
    fx_inject_ports(&f, port, FX_PORT, TT_TCP_SYN, 5000, 0, 65535, NULL, 0, &o);
    struct fx_seg *sa = fx_pop(&f);
    fx_inject_ports(&f, port, FX_PORT, TT_TCP_ACK, 5001, sa->h.seq + 1, 65535, NULL, 0, NULL);
    struct tt_tcp *child;
    assert_int_equal(tt_tcp_accept(f.l, &child, f.now), 0);
    tt_tcp_getopt(child, TT_TCP_OPT_CONGESTION, &v);
    assert_int_equal(v, TT_TCP_CC_RENO);
    tt_tcp_abort(child, f.now);
    tt_tcp_abort(f.l, f.now);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_icbrt),
        cmocka_unit_test(test_cubic_curve),
        cmocka_unit_test(test_cubic_growth),
        cmocka_unit_test(test_reno_friendly),
        cmocka_unit_test(test_cubic_loss),
        cmocka_unit_test(test_hystart_exit),
        cmocka_unit_test(test_hystart_linux),
        cmocka_unit_test(test_hystart_samples),
        cmocka_unit_test(test_hystart_samples_no_ts),
        cmocka_unit_test(test_reno_abc),
        cmocka_unit_test(test_rto_repeat),
        cmocka_unit_test(test_select),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
