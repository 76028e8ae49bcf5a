/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * CUBIC congestion control (RFC 9438), the default module as in Linux, in
 * integer arithmetic only (embedded targets lack floating point): windows in
 * bytes, times in milliseconds, C = 0.4 segments/s^3, β = 717/1024 (Linux's
 * 0.7), K by an integer cube root. Slow start uses HyStart++ (RFC 9406) for
 * the initial slow start (RFC 9438 §4.10 SHOULD; cc_hystart.c) when
 * cfg.tcp.hystart is TT_TCP_HYSTART_PP (the default), Linux's HyStart with
 * TT_TCP_HYSTART_LINUX, plain RFC 5681 slow start with TT_TCP_HYSTART_OFF.
 *
 * Where RFC 9438 leaves room this follows Linux's defaults: ssthresh is
 * computed from cwnd (not FlightSize; §4.6 allows it when cwnd grows only
 * while cwnd-limited, which cc.c enforces) in whole segments; fast
 * convergence on (§4.7); the Reno-friendly region on (§4.3); after an RTO
 * W_max is forgotten (§4.8: K = 0 from the cwnd at the start of congestion
 * avoidance); and while W_max is unknown cwnd grows at least one segment per
 * 20 acknowledged (Linux's 5 % per RTT floor).
 */
#include "tcp/tcp_int.h"

#define CUBIC_C_NUM 4u /* C = 4 / 10 segments per s^3 (RFC 9438 §5) */
#define CUBIC_C_DEN 10u
#define CUBIC_D_MAX (1u << 19) /* ms: |t - K| beyond 524 s is clamped (no overflow) */
#define CUBIC_UNKNOWN_CNT 20u  /* segments acked per +1 while W_max is unknown (Linux) */
#define CUBIC_RECALC_MS 32u    /* the rate holds this long while cwnd is unchanged (Linux HZ/32) */

static uint32_t beta(const struct tt_tcp *t)
{
    uint32_t b = t->s->cfg.tcp.cubic_beta;
    return b && b < 1024 ? b : 717;
}

static uint32_t ms_of(tt_time now)
{
    return (uint32_t)(now / 1000u) + 1u; /* + 1: 0 means "no epoch" */
}

/* floor(cbrt(x)) for 64-bit x, one bit of the root per step (three of x). */
uint32_t tt__icbrt64(uint64_t x)
{
    uint64_t y = 0;
    for (int s = 63; s >= 0; s -= 3) {
        y <<= 1;
        uint64_t b = 3 * y * (y + 1) + 1;
        if ((x >> s) >= b) {
            x -= b << s;
            y++;
        }
    }
    return (uint32_t)y;
}

/* C * d^3 in bytes, d in ms (RFC 9438 Figure 1, the cubic term):
 * C * mss * d^3 / 10^9, staged so that nothing overflows 64 bits. */
static uint64_t cube_bytes(uint32_t d, uint32_t mss)
{
    uint64_t dd = d < CUBIC_D_MAX ? d : CUBIC_D_MAX;
    uint64_t q = dd * dd * dd * CUBIC_C_NUM / 10000u; /* <= 2^46 */
    return q * mss / (CUBIC_C_DEN * 100000u);
}

/* W_cubic(t) of RFC 9438 Figure 1, t in ms since the epoch. */
uint32_t tt__cubic_w(const struct tt__cc_cubic *c, uint32_t t_ms, uint32_t mss)
{
    uint32_t d = t_ms > c->ca.k ? t_ms - c->ca.k : c->ca.k - t_ms;
    uint64_t delta = cube_bytes(d, mss);
    if (t_ms < c->ca.k)
        return delta >= c->ca.origin ? 0 : (uint32_t)(c->ca.origin - delta);
    uint64_t w = c->ca.origin + delta;
    return w > UINT32_MAX ? UINT32_MAX : (uint32_t)w;
}

static void cubic_init(struct tt_tcp *t)
{
    t->ccs.cubic = (struct tt__cc_cubic){0};
    tt__hyspp_init(t);
}

/* RFC 9438 §4.2: a congestion-avoidance stage starts. K = cbrt((W_max -
 * cwnd_epoch) / C) (Figure 2); with W_max unknown or below cwnd, K = 0
 * and the curve starts at cwnd (§4.8, §4.10). W_est = cwnd_epoch (§4.3). */
static void epoch_start(struct tt_tcp *t, tt_time now)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint32_t mss = tt__tcp_mss(t);
    c->epoch_start = ms_of(now);
    c->ca.acc = c->ca.est_acc = 0;
    c->ca.last_calc = 0;
    c->ca.w_est = t->cwnd;
    if (c->w_max <= t->cwnd) {
        c->ca.k = 0;
        c->ca.origin = t->cwnd;
        return;
    }
    /* K in ms = cbrt((W_max - cwnd) / mss / C * 10^9). */
    uint64_t x = (uint64_t)(c->w_max - t->cwnd) * (1000000000u / CUBIC_C_NUM * CUBIC_C_DEN) / mss;
    c->ca.k = tt__icbrt64(x);
    c->ca.origin = c->w_max;
}

/* RFC 9438 §4.3 Figure 4: W_est += α * segments_acked / cwnd, in whole
 * segments: one SMSS per cwnd/α bytes acked, α = 3(1 - β)/(1 + β), and
 * α = 1 once W_est reached cwnd_prior (the cwnd before the reduction). */
static void reno_friendly(struct tt_tcp *t)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint32_t b = beta(t), mss = tt__tcp_mss(t);
    uint64_t cw = t->cwnd ? t->cwnd : 1;
    if (c->ca.w_est < t->prior_cwnd) {
        /* α < 1 up to cwnd_prior: steps of cwnd / α bytes each. */
        uint64_t need = cw * (1024u + b) / (3u * (1024u - b));
        uint64_t steps = (t->prior_cwnd - c->ca.w_est + mss - 1) / mss;
        uint64_t n = c->ca.est_acc / need;
        n = n < steps ? n : steps;
        c->ca.w_est += (uint32_t)n * mss;
        c->ca.est_acc -= (uint32_t)(n * need);
        if (c->ca.w_est < t->prior_cwnd)
            return;
    }
    uint64_t n = c->ca.est_acc / cw;
    c->ca.w_est += (uint32_t)n * mss;
    c->ca.est_acc -= (uint32_t)(n * cw);
}

/* Bytes to acknowledge per SMSS of growth towards `target` within one RTT
 * (RFC 9438 §4.4-4.5: (target - cwnd) / cwnd per segment acked); UINT32_MAX
 * when cwnd is at or above it. */
static uint32_t need_for(const struct tt_tcp *t, uint32_t target)
{
    if (target <= t->cwnd)
        return UINT32_MAX;
    uint64_t n = (uint64_t)t->cwnd * tt__tcp_mss(t) / (target - t->cwnd);
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* The growth rate (c->ca.need) from the cubic curve and the Reno-friendly
 * estimate. */
static void cubic_rate(struct tt_tcp *t, tt_time now)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint32_t mss = tt__tcp_mss(t);
    uint32_t el = ms_of(now) - c->epoch_start;
    /* §4.2: target = W_cubic(t + RTT), within [cwnd, 1.5 cwnd]. */
    uint32_t target = tt__cubic_w(c, el + (uint32_t)(t->srtt / 1000u), mss);
    uint32_t hi = t->cwnd + t->cwnd / 2;
    c->ca.need = need_for(t, target < hi ? target : hi);
    if (c->w_max == 0 && c->ca.need > CUBIC_UNKNOWN_CNT * mss)
        c->ca.need = CUBIC_UNKNOWN_CNT * mss;
    if (t->s->cfg.tcp.cubic_friendliness) {
        /* §4.3: in the Reno-friendly region (W_cubic < W_est) cwnd follows
         * W_est; as Linux, it grows to W_est within one RTT rather than
         * jumping to it. */
        reno_friendly(t);
        uint32_t nf = need_for(t, c->ca.w_est);
        if (nf < c->ca.need)
            c->ca.need = nf;
    }
    if (c->ca.need < 2u * mss)
        c->ca.need = 2u * mss; /* at most 1.5 cwnd per RTT (§4.2 upper bound) */
    c->ca.last_calc = ms_of(now);
}

/*
 * Congestion avoidance on `acked` bytes (RFC 9438 §4.2-4.5). As Linux, the
 * rate is computed again only when cwnd changed or after 1/32 s (a curve
 * barely moves in between), and the bytes acked towards a step left over
 * when the step is taken are dropped; Linux's CUBIC numbers in the
 * conformance scripts follow from both. Unlike Linux the hold is at most one
 * smoothed RTT, so that on a short path the Reno-friendly growth (§4.3) does
 * not stall for 32 RTTs at a time.
 */
static void cubic_avoid(struct tt_tcp *t, uint32_t acked, tt_time now)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint32_t mss = tt__tcp_mss(t);
    if (!c->epoch_start)
        epoch_start(t, now);
    c->ca.est_acc += acked;
    uint32_t hold = (uint32_t)(t->srtt / 1000u);
    if (hold > CUBIC_RECALC_MS)
        hold = CUBIC_RECALC_MS;
    if (!c->ca.last_calc || ms_of(now) - c->ca.last_calc >= hold)
        cubic_rate(t, now);
    if (c->ca.acc >= c->ca.need) {
        c->ca.acc = 0;
        t->cwnd += mss;
        c->ca.last_calc = 0;
    }
    c->ca.acc += acked;
    if (c->ca.acc >= c->ca.need) {
        uint32_t n = c->ca.acc / c->ca.need;
        t->cwnd += n * mss;
        c->ca.acc -= n * c->ca.need;
        c->ca.last_calc = 0;
    }
}

static void cubic_on_ack(struct tt_tcp *t, const struct tt__cc_ack *a, tt_time now)
{
    uint32_t acked = a->acked;
    if (t->cwnd < t->ssthresh) {
        acked = tt__hyspp_ack(t, a, now);
        if (!a->limited || !acked)
            return;
        if (t->cwnd < t->ssthresh) {
            acked = tt__cc_slow_start(t, acked);
            if (!acked)
                return;
        }
    }
    if (a->limited && acked)
        cubic_avoid(t, acked, now);
}

/* RFC 9438 §4.6 and §4.7: W_max (reduced further under fast convergence),
 * then ssthresh = β * cwnd, at least 2 segments, in whole segments. */
static void cubic_on_loss(struct tt_tcp *t, tt_time now)
{
    (void)now;
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint32_t mss = tt__tcp_mss(t), b = beta(t);
    if (t->s->cfg.tcp.cubic_fast_conv && t->cwnd < c->w_max)
        c->w_max = (uint32_t)((uint64_t)t->cwnd * (1024u + b) / 2048u);
    else
        c->w_max = t->cwnd;
    uint32_t segs = (uint32_t)((uint64_t)(t->cwnd / mss) * b / 1024u);
    t->ssthresh = (segs > 2 ? segs : 2) * mss;
    tt__hyspp_done(t); /* RFC 9406 §4.2: loss ends HyStart++; a new epoch follows */
}

/* RFC 9438 §4.8: cwnd = 1 SMSS (RFC 5681); the next congestion avoidance
 * starts its curve at its own cwnd (K = 0), so W_max is forgotten. */
static void cubic_on_rto(struct tt_tcp *t, tt_time now)
{
    (void)now;
    struct tt__cc_cubic *c = &t->ccs.cubic;
    t->cwnd = tt__tcp_mss(t);
    c->w_max = 0;
    tt__hyspp_done(t);
}

/* RFC 9438 §4.9: the reduction was spurious. cc.c restored cwnd and
 * ssthresh; W_max goes back to the cwnd before the reduction, and a new
 * epoch starts from there (K follows from W_max and cwnd). */
static void cubic_on_undo(struct tt_tcp *t, tt_time now)
{
    (void)now;
    struct tt__cc_cubic *c = &t->ccs.cubic;
    if (c->w_max < t->cwnd)
        c->w_max = t->cwnd;
    c->epoch_start = 0;
}

/* RFC 9438 §4.2 / §5.8: t must not include application-limited periods; an
 * idle sender moves its epoch by the idle time (as Linux on TX_START). */
static void cubic_on_idle(struct tt_tcp *t, tt_time idle, tt_time now)
{
    (void)now;
    struct tt__cc_cubic *c = &t->ccs.cubic;
    if (c->epoch_start && idle >= 1000u)
        c->epoch_start += (uint32_t)(idle / 1000u);
    if (c->hs_state == TT__HS_DONE)
        c->ca.last_calc = 0; /* cwnd may restart (cc.c) */
}

static void cubic_on_recovery_end(struct tt_tcp *t, tt_time now)
{
    (void)now;
    if (t->ccs.cubic.hs_state == TT__HS_DONE)
        t->ccs.cubic.ca.acc = 0;
}

const struct tt__cc_ops tt__cc_cubic = {
    .name = "cubic",
    .init = cubic_init,
    .on_ack = cubic_on_ack,
    .on_loss = cubic_on_loss,
    .on_rto = cubic_on_rto,
    .on_undo = cubic_on_undo,
    .on_idle = cubic_on_idle,
    .on_recovery_end = cubic_on_recovery_end,
};
