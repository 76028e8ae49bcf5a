/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ACK of our data (RFC 9293 §3.10.7.4 fifth step, "SND.UNA < SEG.ACK =<
 * SND.NXT"): free what is acknowledged, take RTT samples (RFC 6298 with
 * Karn's rule, RFC 7323 §4 timestamps), restart the retransmission timer,
 * and run loss recovery: fast retransmit on the third duplicate ACK (RFC 5681
 * §3.2) and NewReno fast recovery with partial ACKs (RFC 6582 §3.2). cwnd and
 * ssthresh are changed only through the congestion-control ops table, except
 * for recovery's own inflation and deflation (RFC 6582 steps 3-5).
 */
#include "tcp/tcp_int.h"

static void trace_cwnd(struct tt_tcp *t, tt_time now)
{
    if (!t->s->trace_fn)
        return;
    struct tt_trace_event ev;
    tt__tcb_event(&ev, TT_TRACE_TCP_CWND, t, t->id, now);
    ev.cwnd = t->cwnd;
    ev.ssthresh = t->ssthresh;
    tt__trace(t->s, &ev);
}

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
 * RFC 5681 §4.1: "if TCP has not sent data in an interval exceeding the
 * retransmission timeout, it SHOULD set cwnd to no more than RW before
 * beginning transmission", RW = min(IW, cwnd). As Linux (tcp_cwnd_restart),
 * cwnd halves once per RTO of idleness down to RW, and ssthresh keeps at
 * least 3/4 of the old cwnd. Off with slow_start_after_idle = 0.
 */
void tt__tcp_idle_restart(struct tt_tcp *t, tt_time now)
{
    if (!t->s->cfg.tcp.slow_start_after_idle || t->last_data_sent == 0 || t->rto == 0 ||
        now - t->last_data_sent <= t->rto)
        return;
    uint32_t iw = tt__tcp_iw(t);
    uint32_t rw = iw < t->cwnd ? iw : t->cwnd;
    uint32_t keep = (t->cwnd >> 1) + (t->cwnd >> 2);
    if (!t->in_recovery && t->ssthresh < keep)
        t->ssthresh = keep;
    uint32_t c = t->cwnd;
    for (tt_time idle = now - t->last_data_sent; idle > t->rto && c > rw; idle -= t->rto)
        c >>= 1;
    t->cwnd = c > rw ? c : rw;
    trace_cwnd(t, now);
}

/*
 * RTT (RFC 6298 §3): the timed segment when it was not retransmitted (Karn's
 * rule, §3 last paragraph); else the timestamp echo, which names the very
 * transmission acknowledged (RFC 7323 §4), as Linux falls back to it.
 */
static void rtt_sample(struct tt_tcp *t, const struct tt__seg *sg, tt_time now)
{
    if (t->rtt_active && tt_seq_gt(sg->ack, t->rtt_seq)) {
        t->rtt_active = 0;
        tt__tcp_rtt_sample(t, now - t->rtt_time);
        return;
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
            return;
        uint32_t ms = tt__tcp_ts_now(t->ts_off, now) - sg->h.opt.ts_ecr;
        if (ms < 0x7fffffffu && !t->rtt_active)
            tt__tcp_rtt_sample(t, (tt_time)ms * 1000);
    }
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

/* RFC 6582 §3.2 steps 3 (full ACK) and 5 (partial ACK). */
static void recovery_ack(struct tt_tcp *t, uint32_t acked, tt_time now)
{
    uint32_t mss = tt__tcp_mss(t);
    if (tt_seq_ge(t->snd_una, t->recover)) {
        /* Full ACK, step 3 option 1: cwnd = min(ssthresh, max(FlightSize,
         * SMSS) + SMSS), which avoids a burst when little is in flight. */
        uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
        uint32_t w = (flight > mss ? flight : mss) + mss;
        t->cwnd = w < t->ssthresh ? w : t->ssthresh;
        t->in_recovery = 0;
        t->dupacks = 0;
        t->cc->cwnd_event(t, TT__CC_RECOVERY_END, now);
        trace_cwnd(t, now);
        return;
    }
    /* Partial ACK: the first unacknowledged segment is lost too; resend it,
     * deflate cwnd by what was acked, add back one SMSS when that was at
     * least one SMSS ("partial window deflation"). */
    tt__tcp_retransmit_head(t, TT_REXMIT_FAST, now);
    t->cwnd -= acked < t->cwnd ? acked : t->cwnd - mss;
    if (acked >= mss)
        t->cwnd += mss;
    if (t->cwnd < mss)
        t->cwnd = mss;
}

uint32_t tt__tcp_flightsize(const struct tt_tcp *t)
{
    uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    return flight > t->lt_bytes ? flight - t->lt_bytes : 0;
}

static void new_ack(struct tt_tcp *t, const struct tt__seg *sg, tt_time now)
{
    uint32_t acked = take_acked(t, sg->ack);
    t->lt_bytes = 0;
    t->sack_high = tt_seq_max(t->sack_high, t->snd_una);
    rtt_sample(t, sg, now);
    t->retries = 0;
    t->rexmit_start = 0;
    t->probes = 0;
    if (t->in_recovery) {
        recovery_ack(t, acked, now);
    } else {
        t->dupacks = 0;
        uint32_t before = t->cwnd;
        if (acked)
            t->cc->on_ack(t, acked, now);
        if (t->cwnd != before)
            trace_cwnd(t, now);
    }
    /* RFC 6298 §5.2-5.3: stop the timer when everything is acknowledged,
     * else restart it. */
    t->t_rexmit = tt_seq_eq(t->snd_una, t->snd_max) ? TT_TIME_NEVER : now + t->rto;
    t->persist = 0;
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

/*
 * RFC 5681 §3.2 step 1: "a sender using SACK MUST NOT send new data unless
 * the incoming duplicate acknowledgment contains new SACK information";
 * here, a block reaching beyond every block seen before.
 */
static int new_sack_info(struct tt_tcp *t, const struct tt__seg *sg)
{
    int fresh = 0;
    for (unsigned k = 0; k < sg->h.opt.nsack; k++) {
        tt_seq right = {sg->h.opt.sack[k].right};
        if (!tt_seq_gt(right, t->snd_max) &&
            tt_seq_gt(right, tt_seq_max(t->sack_high, t->snd_una))) {
            t->sack_high = right;
            fresh = 1;
        }
    }
    return fresh;
}

static void dupack(struct tt_tcp *t, const struct tt__seg *sg, tt_time now)
{
    uint32_t mss = tt__tcp_mss(t);
    t->dupacks++;
    /* Dupacks 1 and 2 open limited transmit (output.c send_data). */
    t->lt_ok = (uint8_t)(!t->sack_ok || new_sack_info(t, sg));
    if (t->in_recovery) {
        /* RFC 6582 step 4: each further duplicate inflates cwnd by one SMSS
         * (a segment left the network), which may let new data out. */
        t->cwnd += mss;
        return;
    }
    /* RFC 6582 §3.2 step 2: only when the ACK covers more than "recover",
     * so that one window of losses makes one reduction. */
    if (t->dupacks != 3 || !tt_seq_gt(t->snd_una, t->recover))
        return;
    t->recover = t->snd_max;
    t->in_recovery = 1;
    t->cc->on_congestion(t, now);
    t->cc->cwnd_event(t, TT__CC_RECOVERY_START, now);
    t->rtt_active = 0; /* Karn */
    tt__tcp_retransmit_head(t, TT_REXMIT_FAST, now);
    t->cwnd = t->ssthresh + 3u * mss; /* step 3: inflate by the 3 segments gone */
    trace_cwnd(t, now);
}

void tt__tcp_ack_input(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (tt_seq_gt(sg->ack, t->snd_una))
        new_ack(t, sg, now);
    else if (is_dupack(t, sg))
        dupack(t, sg, now);
}
