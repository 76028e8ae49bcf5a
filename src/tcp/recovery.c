/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loss recovery: the one entry point of ack.c. A peer without SACK gets
 * NewReno (RFC 6582, newreno.c); for one that negotiated SACK, Linux's
 * state machine (Open, Disorder, Recovery, Loss) over:
 *  - the scoreboard (scoreboard.c, RFC 6675 §3-4): what is SACKed, lost,
 *    retransmitted; pipe;
 *  - RACK-TLP (rack.c, RFC 8985): which segments are lost, the probe;
 *  - PRR (prr.c, RFC 6937): how much is sent during recovery;
 *  - congestion control only through cc.c (tt__cc_loss, tt__cc_set_cwnd,
 *    tt__cc_ack, tt__cc_recovery_end): recovery never writes cwnd itself.
 *
 * Recovery starts when something is deemed lost (RFC 6675 §5 with RACK's
 * rule, which holds the duplicate-ACK threshold: reo_wnd is 0 once three
 * segments are SACKed without reordering seen), sets RecoveryPoint to
 * SND.MAX, and ends when SND.UNA reaches it (RFC 6675 §5, step "C"), with
 * cwnd = ssthresh (Linux tcp_end_cwnd_reduction).
 */
#include "tcp/tcp_int.h"

uint32_t tt__recovery_in_flight(const struct tt_tcp *t)
{
    if (!t->sack_ok || !t->sb || t->ca_state == TT__CA_LOSS)
        return (uint32_t)tt_seq_diff(t->snd_nxt, t->snd_una);
    return tt__sb_pipe(t);
}

void tt__recovery_sent(struct tt_tcp *t, tt_seq seq, uint32_t n, int rexmit, tt_time now)
{
    if (t->ca_state == TT__CA_RECOVERY || t->ca_state == TT__CA_CWR)
        t->prr_out += n; /* RFC 6937: every byte sent during the reduction */
    if (!t->sack_ok)
        return;
    tt__sb_sent(t, seq, n, rexmit, now);
    if (t->ca_state == TT__CA_RECOVERY && rexmit)
        tt__undo_sent(t, n);
}

/*
 * ECN's congestion event (RFC 3168 §6.1.2, ecn.c) as Linux takes it
 * (tcp_enter_cwr): ssthresh from the module, then the CWR state, in which
 * PRR (RFC 6937) brings cwnd down to ssthresh over one round trip, ACK by
 * ACK, instead of all at once; this ACK is the first.
 */
void tt__recovery_enter_cwr(struct tt_tcp *t, uint32_t delivered, int advanced, tt_time now)
{
    tt__cc_loss(t, now);
    tt__prr_start(t);
    t->ca_state = TT__CA_CWR;
    tt__prr_ack(t, delivered, 0, advanced, now);
}

/* An ACK in CWR: PRR until SND.UNA passes what was sent before the ECE
 * (ecn_high), then cwnd = ssthresh (Linux tcp_end_cwnd_reduction). Returns
 * 1 while the reduction goes on (no growth on this ACK). */
int tt__recovery_cwr_ack(struct tt_tcp *t, uint32_t delivered, int advanced, tt_time now)
{
    if (t->ca_state != TT__CA_CWR)
        return 0;
    if (!tt_seq_lt(t->snd_una, t->ecn_high)) {
        tt__cc_set_cwnd(t, t->ssthresh, now);
        tt__cc_recovery_end(t, now);
        t->ca_state = t->sacked_out ? TT__CA_DISORDER : TT__CA_OPEN;
        return 1;
    }
    tt__prr_ack(t, delivered, 0, advanced, now);
    return 1;
}

/* Linux tcp_check_sack_reordering: the reordering degree in segments. */
static void reordering_seen(struct tt_tcp *t, const struct tt__sb_ack *a)
{
    t->rack_reord = 1;
    uint32_t mss = tt__tcp_mss(t);
    if (!tt_seq_lt(a->reord_low, t->sack_high))
        return;
    uint32_t metric = (uint32_t)tt_seq_diff(t->sack_high, a->reord_low);
    if (metric > t->reordering * mss) {
        uint32_t r = (metric + mss - 1) / mss;
        t->reordering = r > 300 ? 300 : r; /* Linux tcp_max_reordering */
    }
}

static void enter_recovery(struct tt_tcp *t, tt_time now)
{
    int cwr = t->ca_state == TT__CA_CWR;
    t->recover = t->snd_max;
    t->ca_state = TT__CA_RECOVERY;
    t->rtt_active = 0;
    t->tlp_active = 0;
    t->t_tlp = TT_TIME_NEVER;
    if (t->reo_persist && --t->reo_persist == 0)
        t->reo_steps = 1; /* RFC 8985 §6.2 step 4: 16 recoveries without D-SACK */
    if (!cwr) {
        /* From CWR (an ECE) the window is being reduced already: no
         * second reduction, PRR goes on (Linux tcp_enter_recovery). */
        tt__cc_loss(t, now);
        tt__prr_start(t);
    }
    tt__undo_start(t);
}

static void exit_recovery(struct tt_tcp *t, tt_time now)
{
    tt__cc_set_cwnd(t, t->ssthresh, now);
    tt__cc_recovery_end(t, now);
    t->ca_state = t->sacked_out ? TT__CA_DISORDER : TT__CA_OPEN;
    t->dupacks = 0;
}

/* The TLP repaired a loss (RFC 8985 §7.4.2): one cwnd reduction. */
static void tlp_loss(struct tt_tcp *t, tt_time now)
{
    tt__cc_loss(t, now);
    tt__cc_set_cwnd(t, t->ssthresh, now);
    tt__cc_recovery_end(t, now);
}

void tt__recovery_on_ack(struct tt_tcp *t, const struct tt__seg *sg, struct tt__sb_ack *a,
                         const struct tt__ack_info *ai, tt_time now)
{
    if (!t->sack_ok) {
        tt__newreno_on_ack(t, sg, ai, now);
        return;
    }
    a->now = now;
    a->tsecr = t->ts_ok && sg->h.opt.has_ts ? sg->h.opt.ts_ecr : 0;
    a->reord_low = t->snd_max;
    tt__sb_cumack(t, sg->ack, a);
    tt__sb_sack(t, sg, a);
    t->sack_high = tt_seq_max(t->sack_high, t->snd_una);
    t->delivered += a->delivered;
    /* Congestion control's RTT sample: the ACK's own (timestamp echo or the
     * timed segment), else the scoreboard's, from the latest-sent segment
     * this ACK delivered that was never retransmitted (RFC 6298 §3, Karn):
     * without timestamps that is still one sample per ACK, as HyStart++
     * needs (RFC 9406 §4.2) and as Linux takes them (ca_rtt_us). */
    tt_time rtt = ai->rtt;
    if (!rtt && a->xmit_last && now > a->xmit_last && now - a->xmit_last < UINT32_MAX)
        rtt = now - a->xmit_last;
    if (a->reordered)
        reordering_seen(t, a);
    if (a->dsack)
        tt__rack_dsack(t);
    if (t->ca_state == TT__CA_LOSS && ai->advanced && tt__undo_eifel(t, a, now)) {
        tt__sb_unmark_lost(t);
        t->ca_state = t->sacked_out ? TT__CA_DISORDER : TT__CA_OPEN;
        return; /* the RTO was spurious: undone, go-back-N stopped */
    }
    if (t->ca_state == TT__CA_LOSS) {
        /* After an RTO, go-back-N runs (output.c) until RecoveryPoint. */
        if (!tt_seq_lt(t->snd_una, t->recover)) {
            t->ca_state = TT__CA_OPEN;
            t->dupacks = 0;
        }
        if (ai->advanced) {
            struct tt__cc_ack c = {.acked = ai->acked,
                                   .delivered = a->delivered,
                                   .rtt = (uint32_t)rtt,
                                   .in_flight = ai->in_flight};
            tt__cc_ack(t, &c, now);
        }
        return;
    }
    if (tt__tlp_ack(t, a))
        tlp_loss(t, now);
    if (tt__undo_dsack(t, a, now)) {
        /* Every retransmission of the episode was needless: the path
         * reordered. Recovery ends; what was deemed lost is not. */
        tt__sb_unmark_lost(t);
        t->rack_reord = 1;
        t->ca_state = t->sacked_out ? TT__CA_DISORDER : TT__CA_OPEN;
        tt__cc_recovery_end(t, now);
    }
    uint32_t lost = tt__rack_detect(t, now);
    if (t->ca_state == TT__CA_RECOVERY && !tt_seq_lt(t->snd_una, t->recover))
        exit_recovery(t, now);
    if (t->ca_state != TT__CA_RECOVERY) {
        if (t->lost_out) {
            enter_recovery(t, now);
        } else if (tt__recovery_cwr_ack(t, a->delivered, ai->advanced, now)) {
            /* ECN's reduction (CWR) runs its course: no growth */
        } else {
            t->ca_state = t->sacked_out ? TT__CA_DISORDER : TT__CA_OPEN;
            if (ai->advanced) {
                /* Growth counts what this ACK delivered cumulatively, not
                 * what was SACKed before (Linux: cwnd grows by the packets
                 * newly delivered). */
                uint32_t fresh = ai->acked > a->acked_sacked ? ai->acked - a->acked_sacked : 0;
                struct tt__cc_ack c = {.acked = fresh,
                                       .delivered = a->delivered,
                                       .rtt = (uint32_t)rtt,
                                       .in_flight = ai->in_flight};
                tt__cc_ack(t, &c, now);
            }
        }
    }
    if (t->ca_state == TT__CA_RECOVERY)
        tt__prr_ack(t, a->delivered, lost, ai->advanced, now);
    tt__tcb_arm(t);
}

void tt__recovery_on_rto(struct tt_tcp *t, tt_time now)
{
    (void)now;
    /* Eifel (RFC 3522) judges the first ACK after the first RTO of an
     * episode; the reduction it may undo is the one cc just saved. */
    t->eifel_armed = t->ca_state != TT__CA_LOSS && t->retries == 1;
    t->ca_state = TT__CA_LOSS;
    t->tlp_active = 0;
    t->t_tlp = t->t_reo = TT_TIME_NEVER;
    tt__sb_forget(t);
}

/* RFC 6675 §5 step (C) / NextSeg rule 1: retransmit what is deemed lost, in
 * sequence order, while pipe leaves room in cwnd. */
void tt__recovery_output(struct tt_tcp *t, tt_time now)
{
    if (!t->sack_ok || !t->sb || t->ca_state == TT__CA_LOSS || t->lost_out == 0)
        return;
    uint32_t mss = t->snd_mss ? t->snd_mss : tt__tcp_mss(t);
    for (int k = 0; k < 64; k++) {
        tt_seq seq;
        uint32_t n = tt__sb_next_lost(t, &seq, mss);
        if (n == 0)
            return;
        if (tt__recovery_in_flight(t) + n > t->cwnd)
            return;
        t->rack_age = now - tt__sb_xmit_at(t, seq);
        tt__tcp_retransmit(t, seq, n, t->rack_xmit ? TT_REXMIT_RACK : TT_REXMIT_SACK, now);
    }
}

void tt__recovery_timer(struct tt_tcp *t, tt_time now)
{
    if (t->t_reo <= now) {
        t->t_reo = TT_TIME_NEVER;
        /* RFC 8985 §6.3: the reordering window has passed. */
        uint32_t lost = tt__rack_detect(t, now);
        if (lost && t->ca_state != TT__CA_RECOVERY && t->ca_state != TT__CA_LOSS) {
            enter_recovery(t, now);
            tt__prr_ack(t, tt__tcp_mss(t), lost, 0, now); /* Linux counts one delivery */
        }
        if (lost)
            tt__tcp_output(t, now);
    }
    if (t->t_tlp <= now) {
        t->t_tlp = TT_TIME_NEVER;
        tt__tlp_fire(t, now);
    }
}
