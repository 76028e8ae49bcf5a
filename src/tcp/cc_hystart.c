/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HyStart++ (RFC 9406), CUBIC's slow start (RFC 9438 §4.10 SHOULD): leave
 * slow start when the least RTT of a round rises by a threshold over the
 * last round's, first into Conservative Slow Start (CSS, a quarter of the
 * growth) for up to CSS_ROUNDS rounds, back to slow start if the RTT falls
 * again, else into congestion avoidance with ssthresh = cwnd.
 *
 * Chosen over Linux's HyStart (ACK trains plus delay, the default of Linux's
 * CUBIC): HyStart++ is the one standardised (RFC 9438 names it, Windows
 * ships it), it needs only RTT samples (no ACK-spacing measurement, which a
 * host that batches its input or runs on a virtual clock cannot take
 * faithfully), and its delay test is Linux's own delay test. Linux's
 * HyStart is here too (TT_TCP_HYSTART_LINUX, linux_hystart below); off
 * (TT_TCP_HYSTART_OFF) slow start is RFC 5681's.
 *
 * Used for the initial slow start only (§4.3 SHOULD): once ssthresh is set
 * the slow start ends there anyway. RTT samples come on every ACK: the
 * timestamp echo, or without timestamps the SACK scoreboard's send time of
 * the newest segment the ACK delivered, never a retransmitted one (Karn;
 * recovery.c). A peer with neither SACK nor timestamps gives one sample a
 * round (the timed segment), short of N_RTT_SAMPLE: slow start then ends
 * as RFC 5681's does.
 */
#include "tcp/tcp_int.h"

/* RFC 9406 §4.3 constants (RECOMMENDED values). */
#define MIN_RTT_THRESH 4000u  /* µs */
#define MAX_RTT_THRESH 16000u /* µs */
#define MIN_RTT_DIVISOR 8u
#define N_RTT_SAMPLE 8u
#define CSS_GROWTH_DIVISOR 4u
#define CSS_ROUNDS 5u

void tt__hyspp_init(struct tt_tcp *t)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint8_t mode = t->s->cfg.tcp.hystart;
    if ((mode != TT_TCP_HYSTART_PP && mode != TT_TCP_HYSTART_LINUX) || t->ssthresh != UINT32_MAX ||
        c->epoch_start) {
        tt__hyspp_done(t);
        return;
    }
    if (mode == TT_TCP_HYSTART_LINUX) {
        c->hl = (struct tt__hystart){.end = t->snd_nxt, .delay_min = UINT32_MAX};
        c->hl.curr_rtt = UINT32_MAX;
        c->hs_samples = 0;
        c->hs_state = TT__HS_LINUX;
        return;
    }
    c->hs = (struct tt__hyspp){.end = t->snd_nxt}; /* windowEnd = SND.NXT */
    c->hs.last_min = c->hs.cur_min = c->hs.base_min = UINT32_MAX;
    c->hs_samples = 0;
    c->hs_css_rounds = 0;
    c->hs_state = TT__HS_SS;
}

void tt__hyspp_done(struct tt_tcp *t)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    c->hs_state = TT__HS_DONE;
    c->epoch_start = 0;
    c->ca = (struct tt__cubic_ca){0};
}

/* §4.2: when windowEnd is acknowledged a round ends. */
static void round_end(struct tt_tcp *t)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    c->hs.end = t->snd_nxt;
    c->hs.last_min = c->hs.cur_min;
    c->hs.cur_min = UINT32_MAX;
    c->hs_samples = 0;
    if (c->hs_state == TT__HS_CSS && ++c->hs_css_rounds >= CSS_ROUNDS) {
        /* CSS_ROUNDS complete: congestion avoidance. */
        t->ssthresh = t->cwnd;
        tt__hyspp_done(t);
    }
}

/* Exit tests of §4.2 once the round has N_RTT_SAMPLE samples. */
static void delay_test(struct tt_tcp *t)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    if (c->hs_samples < N_RTT_SAMPLE || c->hs.cur_min == UINT32_MAX)
        return;
    if (c->hs_state == TT__HS_CSS) {
        if (c->hs.cur_min < c->hs.base_min) {
            /* The RTT fell again: the exit was spurious, resume slow start. */
            c->hs.base_min = UINT32_MAX;
            c->hs_state = TT__HS_SS;
        }
        return;
    }
    if (c->hs.last_min == UINT32_MAX)
        return;
    uint32_t thresh = c->hs.last_min / MIN_RTT_DIVISOR;
    thresh = thresh > MAX_RTT_THRESH ? MAX_RTT_THRESH : thresh;
    thresh = thresh < MIN_RTT_THRESH ? MIN_RTT_THRESH : thresh;
    if (c->hs.cur_min >= c->hs.last_min + thresh) {
        c->hs.base_min = c->hs.cur_min;
        c->hs_state = TT__HS_CSS;
        c->hs_css_rounds = 0; /* this partial round counts towards CSS_ROUNDS */
    }
}

/*
 * Linux's HyStart (the "older HyStart" of RFC 9406; cfg.tcp.hystart =
 * TT_TCP_HYSTART_LINUX), as Linux's CUBIC runs it by default, once cwnd has
 * 16 segments: slow start ends (ssthresh = cwnd) when the ACKs of a round
 * keep coming less than 2 ms apart for longer than half the least RTT (the
 * ACK train has reached the path's capacity; tether does not pace, so half,
 * as Linux without pacing), or when the least of a round's first 8 RTT
 * samples exceeds the least RTT seen by max(4 ms, min(RTT / 8, 16 ms)).
 */
#define HL_LOW_WINDOW 16u  /* segments (Linux hystart_low_window) */
#define HL_ACK_DELTA 2000u /* µs (Linux hystart_ack_delta_us) */
#define HL_MIN_SAMPLES 8u

static void linux_hystart(struct tt_tcp *t, uint32_t rtt, uint32_t now)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    struct tt__hystart *h = &c->hl;
    if (rtt && rtt < h->delay_min)
        h->delay_min = rtt;
    if (t->cwnd < HL_LOW_WINDOW * tt__tcp_mss(t))
        return;
    if (tt_seq_gt(t->snd_una, h->end)) { /* a new round */
        h->end = t->snd_nxt;
        h->round_start = h->last_ack = now;
        h->curr_rtt = UINT32_MAX;
        c->hs_samples = 0;
    }
    int found = 0;
    if (now - h->last_ack <= HL_ACK_DELTA) {
        h->last_ack = now;
        if (h->delay_min != UINT32_MAX && now - h->round_start > h->delay_min / 2)
            found = 1;
    }
    if (rtt && c->hs_samples < HL_MIN_SAMPLES) {
        if (rtt < h->curr_rtt)
            h->curr_rtt = rtt;
        c->hs_samples++;
    } else if (rtt && h->delay_min != UINT32_MAX) {
        uint32_t th = h->delay_min / MIN_RTT_DIVISOR;
        th = th > MAX_RTT_THRESH ? MAX_RTT_THRESH : th < MIN_RTT_THRESH ? MIN_RTT_THRESH : th;
        if (h->curr_rtt != UINT32_MAX && h->curr_rtt > h->delay_min + th)
            found = 1;
    }
    if (found) {
        t->ssthresh = t->cwnd;
        tt__hyspp_done(t);
    }
}

/*
 * One ACK in slow start: track the round's least RTT, run the tests, and
 * return how many of the acknowledged bytes slow start may add to cwnd:
 * all of them in slow start (L = infinity: Linux applies no per-ACK cap
 * either, conformance README 1d.14; cfg.tcp.hystart_limit sets L in
 * segments), a quarter in CSS.
 */
uint32_t tt__hyspp_ack(struct tt_tcp *t, const struct tt__cc_ack *a, tt_time now)
{
    struct tt__cc_cubic *c = &t->ccs.cubic;
    uint32_t n = a->acked;
    if (c->hs_state == TT__HS_LINUX)
        linux_hystart(t, a->rtt, (uint32_t)now);
    if (c->hs_state == TT__HS_DONE || c->hs_state == TT__HS_LINUX)
        return n;
    if (tt_seq_ge(t->snd_una, c->hs.end))
        round_end(t);
    if (c->hs_state == TT__HS_DONE)
        return n;
    /* The growth is decided before the tests, as in §4.2's order: the ACK
     * that ends slow start still grows cwnd as slow start does. */
    int css = c->hs_state == TT__HS_CSS;
    if (a->rtt) {
        if (a->rtt < c->hs.cur_min)
            c->hs.cur_min = a->rtt;
        if (c->hs_samples < UINT8_MAX)
            c->hs_samples++;
    }
    delay_test(t);
    uint32_t l = t->s->cfg.tcp.hystart_limit;
    if (l && n > l * tt__tcp_mss(t))
        n = l * tt__tcp_mss(t);
    if (!css)
        return n;
    /* CSS growth: min(N, L * SMSS) / CSS_GROWTH_DIVISOR; the remainder is
     * kept so that small ACKs still add up. */
    c->hs.acc += n;
    n = c->hs.acc / CSS_GROWTH_DIVISOR;
    c->hs.acc -= n * CSS_GROWTH_DIVISOR;
    return n;
}
