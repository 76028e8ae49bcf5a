/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loss recovery for a peer without SACK: fast retransmit on the third
 * duplicate ACK (RFC 5681 §3.2), NewReno fast recovery with partial ACKs
 * (RFC 6582 §3.2), and limited transmit on the first two duplicates (RFC
 * 3042). Reached through recovery.c's entry point (tt__recovery_on_ack) as
 * SACK recovery is; the sender (output.c) asks tt__newreno_lt_room how far
 * beyond cwnd a duplicate ACK lets new data go.
 *
 * cwnd and ssthresh change only through the congestion-control layer: the
 * module sets ssthresh (tt__cc_loss), and recovery's own inflation and
 * deflation (RFC 6582 steps 3-5) go through tt__cc_set_cwnd.
 *
 * The retransmission timer: Linux restarts it on every ACK of new data, the
 * "Slow-but-Steady" variant (RFC 3782 §4); cfg.tcp.newreno_impatient = 1
 * takes RFC 6582 §3.2 step 3 to the letter ("for the first partial ACK that
 * arrives during fast recovery, also reset the retransmit timer"), the
 * "Impatient" variant, so that a window with many losses ends in an RTO and
 * go-back-N instead of one hole repaired per round trip.
 *
 * Reordering, as Linux handles it for a peer without SACK: the duplicate
 * threshold is tp->reordering (3 at first), and a fast retransmit found
 * spurious is undone and raises it. With timestamps the first ACK that
 * moves SND.UNA after the fast retransmit says which copy arrived (Eifel
 * detection, RFC 3522 §3.2; Linux tcp_packet_delayed): an echo older than
 * the retransmission's TSval acknowledges the original, delayed, not lost.
 * Then the reduction is undone (RFC 4015 §3.2, through tt__cc_undo),
 * recovery ends, and the threshold becomes the duplicates that came before
 * the original (at most 300, Linux tcp_max_reordering). Limited transmit
 * keeps the ACK clock below a raised threshold: one new segment per
 * duplicate until it is reached (Linux's in_flight counts each duplicate as
 * a segment gone).
 */
#include "tcp/tcp_int.h"

/* RFC 6582 §3.2 step 3: full ACK; returns with recovery over. */
static void full_ack(struct tt_tcp *t, tt_time now)
{
    /* Option 1: cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS), which
     * avoids a burst when little is in flight. */
    uint32_t mss = tt__tcp_mss(t);
    uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    uint32_t w = (flight > mss ? flight : mss) + mss;
    tt__cc_set_cwnd(t, w < t->ssthresh ? w : t->ssthresh, now);
    t->in_recovery = 0;
    t->dupacks = 0;
    tt__cc_recovery_end(t, now);
}

/* RFC 6582 §3.2 step 3: partial ACK. The first unacknowledged segment is
 * lost too: resend it, deflate cwnd by what was acked, add back one SMSS
 * when that was at least one SMSS ("partial window deflation"). */
static void partial_ack(struct tt_tcp *t, uint32_t acked, tt_time now)
{
    uint32_t mss = tt__tcp_mss(t);
    if (t->nr_partials < UINT8_MAX)
        t->nr_partials++;
    tt__tcp_retransmit_head(t, TT_REXMIT_FAST, now);
    uint32_t w = t->cwnd - (acked < t->cwnd ? acked : t->cwnd - mss);
    if (acked >= mss)
        w += mss;
    tt__cc_set_cwnd(t, w < mss ? mss : w, now);
}

/* The duplicate-ACK threshold (RFC 5681 §3.2's 3, raised by reordering). */
static uint32_t dupthresh(const struct tt_tcp *t)
{
    return t->reordering > 3 ? t->reordering : 3;
}

static void dupack(struct tt_tcp *t, tt_time now)
{
    uint32_t mss = tt__tcp_mss(t);
    t->dupacks++;
    /* RFC 3042 §2: dupacks 1 and 2 open limited transmit (tt__newreno_lt_room). */
    t->lt_ok = 1;
    if (t->in_recovery) {
        /* RFC 5681 §3.2 step 4 (RFC 6582 step 3 keeps it): each further
         * duplicate inflates cwnd by one SMSS (a segment left the
         * network), which may let new data out. */
        tt__cc_set_cwnd(t, t->cwnd + mss, now);
        return;
    }
    /* RFC 6582 §3.2 step 2: only when the ACK covers more than "recover",
     * so that one window of losses makes one reduction. */
    if (t->dupacks != dupthresh(t) || !tt_seq_gt(t->snd_una, t->recover))
        return;
    t->recover = t->snd_max;
    t->in_recovery = 1;
    t->nr_partials = 0;
    if (t->ca_state == TT__CA_CWR)
        t->ca_state = TT__CA_OPEN; /* reduced already for an ECE: not again */
    else
        tt__cc_loss(t, now);
    t->rtt_active = 0;                         /* Karn */
    t->nr_ts = tt__tcp_ts_now(t->ts_off, now); /* the TSval of the retransmission */
    tt__tcp_retransmit_head(t, TT_REXMIT_FAST, now);
    /* RFC 5681 §3.2 step 3: inflate by the 3 segments gone */
    tt__cc_set_cwnd(t, t->ssthresh + 3u * mss, now);
}

/* RFC 3522 §3.2 on the first ACK of new data in recovery: 1 when it
 * acknowledges the original transmission (its echo predates the fast
 * retransmit), and then the recovery is undone. */
static int spurious(struct tt_tcp *t, const struct tt__seg *sg, tt_time now)
{
    if (t->nr_partials || !t->ts_ok || !sg->h.opt.has_ts || !sg->h.opt.ts_ecr ||
        (int32_t)(sg->h.opt.ts_ecr - t->nr_ts) >= 0)
        return 0;
    uint32_t r = t->dupacks + 1;
    if (r > t->reordering)
        t->reordering = r > 300 ? 300 : r;
    t->undos++;
    tt__cc_undo(t, now);
    t->in_recovery = 0;
    t->dupacks = 0;
    /* RFC 6582 §3.2 step 2 keeps a window to one reduction; this one is
     * undone, so the next duplicates may start a recovery at once. */
    t->recover = tt_seq_add(t->snd_una, (uint32_t)-1);
    return 1;
}

void tt__newreno_on_ack(struct tt_tcp *t, const struct tt__seg *sg, const struct tt__ack_info *ai,
                        tt_time now)
{
    if (ai->dup) {
        dupack(t, now);
        return;
    }
    if (t->in_recovery && spurious(t, sg, now))
        return;
    if (t->in_recovery) {
        if (tt_seq_ge(t->snd_una, t->recover))
            full_ack(t, now);
        else
            partial_ack(t, ai->acked, now);
        return;
    }
    t->dupacks = 0;
    if (t->ca_state == TT__CA_LOSS && !tt_seq_lt(t->snd_una, t->recover))
        t->ca_state = TT__CA_OPEN; /* the window of the RTO is repaired */
    if (tt__recovery_cwr_ack(t, ai->acked, 1, now))
        return; /* ECN's reduction (CWR) runs its course: no growth */
    struct tt__cc_ack a = {.acked = ai->acked,
                           .delivered = ai->acked,
                           .rtt = (uint32_t)ai->rtt,
                           .in_flight = ai->in_flight};
    tt__cc_ack(t, &a, now);
}

int tt__newreno_rto_restart(const struct tt_tcp *t)
{
    return !t->s->cfg.tcp.newreno_impatient || !t->in_recovery || t->nr_partials <= 1;
}

/*
 * RFC 3042 §2 (RFC 5681 §3.2 SHOULD): on each duplicate ACK below the
 * threshold (the first two at 3) one new segment may go beyond cwnd,
 * within the peer's window; cwnd itself is unchanged. Not in recovery, not
 * for a retransmission.
 */
uint32_t tt__newreno_lt_room(const struct tt_tcp *t)
{
    if (t->in_recovery || !t->dupacks || t->dupacks >= dupthresh(t) || !t->lt_ok)
        return 0;
    return t->dupacks * t->snd_mss;
}

/* RFC 5681 eq. (4) FlightSize for ssthresh, without what limited transmit
 * sent beyond cwnd: RFC 3042 §2 / RFC 5681 §3.2 step 2 ("MUST NOT include
 * the amount of data ... transmitted using limited transmit"). */
uint32_t tt__tcp_flightsize(const struct tt_tcp *t)
{
    uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    return flight > t->lt_bytes ? flight - t->lt_bytes : 0;
}
