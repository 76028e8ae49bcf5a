/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ACK of our data (RFC 9293 §3.10.7.4 fifth step, "SND.UNA < SEG.ACK =<
 * SND.NXT"): free what is acknowledged, take RTT samples (RFC 6298 with
 * Karn's rule, RFC 7323 §4 timestamps), restart the retransmission timer,
 * and hand every ACK of data and every duplicate to loss recovery through
 * its one entry point (recovery.c tt__recovery_on_ack: SACK recovery, or
 * NewReno in newreno.c for a peer without SACK).
 */
#include "tcp/tcp_int.h"

void tt__tcp_cwnd_track(struct tt_tcp *t, int cwnd_blocked)
{
    uint32_t flight = (uint32_t)tt_seq_diff(t->snd_nxt, t->snd_una);
    if (tt_seq_ge(t->snd_una, t->flight_mark)) {
        /* A new window (one RTT of data) starts: Linux tcp_cwnd_validate. */
        t->max_flight = flight;
        t->cwnd_limited = (uint8_t)cwnd_blocked;
        t->flight_mark = t->snd_max;
        return;
    }
    if (flight > t->max_flight)
        t->max_flight = flight;
    t->cwnd_limited |= (uint8_t)cwnd_blocked;
}

/*
 * RTT (RFC 6298 §3): the timed segment when it was not retransmitted (Karn's
 * rule, §3 last paragraph); else the timestamp echo, which names the very
 * transmission acknowledged (RFC 7323 §4), as Linux falls back to it.
 */
static tt_time rtt_sample(struct tt_tcp *t, const struct tt__seg *sg, tt_time now)
{
    if (t->rtt_active && tt_seq_gt(sg->ack, t->rtt_seq)) {
        t->rtt_active = 0;
        tt__tcp_rtt_sample(t, now - t->rtt_time);
        return now - t->rtt_time;
    }
    if (t->ts_ok && sg->h.opt.has_ts && sg->h.opt.ts_ecr) {
        /* An echo older than the latest RTO's retransmission times a
         * transmission whose ACK was lost: the peer re-sent that old echo
         * when a later copy arrived as a duplicate (RFC 7323 §4.3 keeps
         * TS.Recent from the segment that advanced RCV.NXT). Such a sample
         * spans the backed-off timeouts, not the path (RFC 6298 §3 asks
         * for samples of the path's round trip), and would hold the RTO
         * at seconds. */
        if (t->ts_rto_set && (int32_t)(sg->h.opt.ts_ecr - t->ts_rto) < 0)
            return 0;
        uint32_t ms = tt__tcp_ts_now(t->ts_off, now) - sg->h.opt.ts_ecr;
        if (ms >= 0x7fffffffu)
            return 0;
        if (!t->rtt_active)
            tt__tcp_rtt_sample(t, (tt_time)ms * 1000);
        /* Every echo times the path for congestion control (HyStart++
         * needs a sample per ACK, RFC 9406 §4.2), even while a timed
         * segment keeps the RTO estimator at one sample per RTT. */
        return (tt_time)ms * 1000;
    }
    return 0;
}

/* Free what the ACK covers: our SYN (a close in SYN-RECEIVED), data, FIN. */
static uint32_t take_acked(struct tt_tcp *t, tt_seq ack)
{
    uint32_t acked = (uint32_t)tt_seq_diff(ack, t->snd_una);
    if (tt_seq_eq(t->snd_una, t->iss)) {
        acked--;
        t->snd_una = tt_seq_add(t->iss, 1);
        t->connected_once = 1;
    }
    tt_seq fin_seq = tt_seq_add(t->snd_una, (uint32_t)t->sndq.len);
    if (t->fin_queued && tt_seq_gt(ack, fin_seq)) {
        t->fin_acked = 1;
        acked--;
    }
    if (acked > t->sndq.len)
        acked = (uint32_t)t->sndq.len;
    tt__bufq_drop(t->s, &t->sndq, acked);
    t->bytes_acked += acked;
    t->snd_una = ack;
    if (tt_seq_lt(t->snd_nxt, t->snd_una))
        t->snd_nxt = t->snd_una;
    if (t->snd_urg && tt_seq_ge(t->snd_una, t->snd_up))
        t->snd_urg = 0; /* the urgent data is delivered: leave urgent mode */
    return acked;
}

static void new_ack(struct tt_tcp *t, const struct tt__seg *sg, tt_time now)
{
    tt_seq una = t->snd_una;
    struct tt__cc_ack a = {.in_flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una)};
    uint32_t acked = take_acked(t, sg->ack);
    t->lt_bytes = 0;
    tt_time rtt = rtt_sample(t, sg, now);
    t->retries = 0;
    t->rexmit_start = 0;
    t->probes = 0;
    struct tt__sb_ack sa = {0};
    struct tt__ack_info ai = {.acked = acked,
                              .advanced = tt_seq_gt(t->snd_una, una),
                              .in_flight = a.in_flight,
                              .rtt = rtt > 0 && rtt < UINT32_MAX ? rtt : 0};
    if (t->sack_ok)
        t->dupacks = 0;
    tt_time rexmit = t->t_rexmit;
    tt__recovery_on_ack(t, sg, &sa, &ai, now);
    /* RFC 6298 §5.2-5.3: stop the timer when everything is acknowledged,
     * else restart it. */
    t->t_rexmit = tt_seq_eq(t->snd_una, t->snd_max) ? TT_TIME_NEVER : now + t->rto;
    if (!t->sack_ok && !tt__newreno_rto_restart(t))
        t->t_rexmit = rexmit; /* RFC 6582 §3.2 step 3, Impatient: only the first partial ACK */
    tt_seq sacked_end;
    if (t->sack_ok && tt__sb_sacked_at(t, t->snd_una, &sacked_end)) {
        /* The ACK points into SACKed data: the receiver reneged (RFC 2018
         * §8). As Linux (tcp_check_sack_reneging), the timeout comes after
         * max(SRTT / 2, 10 ms) instead of an RTO; it forgets the SACK marks
         * and sends again from SND.UNA (RFC 6675 §5.1). */
        tt_time d = t->srtt / 2 > TT_MSEC(10) ? t->srtt / 2 : TT_MSEC(10);
        t->t_rexmit = now + d;
    }
    t->persist = 0;
    tt__tlp_arm(t, now); /* RFC 8985 §7.2: on an ACK, the probe is rescheduled */
    t->last_ack_recv = now;
    if (acked)
        tt__tcb_notify(t, TT_TCP_EV_WRITABLE);
}

/* RFC 5681 §2 "duplicate acknowledgment": nothing new acked, no data, no
 * SYN/FIN, the same window, and data outstanding. */
static int is_dupack(const struct tt_tcp *t, const struct tt__seg *sg)
{
    return tt_seq_eq(sg->ack, t->snd_una) && sg->dlen == 0 &&
           !(sg->h.flags & (TT_TCP_SYN | TT_TCP_FIN)) &&
           ((uint32_t)sg->h.wnd << t->snd_ws) == t->snd_wnd && !tt_seq_eq(t->snd_una, t->snd_max);
}

void tt__tcp_ack_input(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (tt_seq_gt(sg->ack, t->snd_una)) {
        new_ack(t, sg, now);
    } else if (t->sack_ok && !tt_seq_eq(t->snd_una, t->snd_max) &&
               (tt_seq_eq(sg->ack, t->snd_una) || sg->h.opt.nsack)) {
        /* SACK recovery (recovery.c) reads every ACK at SND.UNA: its
         * blocks count even on a segment that is no RFC 5681 duplicate,
         * and on an ACK below SND.UNA (a reordered ACK), as Linux's. */
        struct tt__sb_ack sa = {0};
        struct tt__ack_info ai = {.dup = (uint8_t)is_dupack(t, sg),
                                  .in_flight = tt__recovery_in_flight(t)};
        if (ai.dup)
            t->dupacks++;
        tt__recovery_on_ack(t, sg, &sa, &ai, now);
    } else if (is_dupack(t, sg)) {
        /* Without SACK: NewReno (newreno.c), through the same entry point. */
        struct tt__sb_ack sa = {0};
        struct tt__ack_info ai = {.dup = 1, .in_flight = tt__recovery_in_flight(t)};
        tt__recovery_on_ack(t, sg, &sa, &ai, now);
    }
}
