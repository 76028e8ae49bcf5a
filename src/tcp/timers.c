/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timers: retransmission with RFC 6298 estimation and backoff (SYN, SYN-ACK,
 * data and FIN), TIME-WAIT (2 MSL), the orphaned FIN-WAIT-2 timeout, and the
 * zero-window probe. Every control block has one heap node whose deadline is
 * the earliest of its individual deadlines.
 */
#include "tcp/tcp_int.h"

static tt_time clamp_rto(const struct tt_stack *s, tt_time rto)
{
    const struct tt_tcp_config *c = &s->cfg.tcp;
    if (rto < c->rto_min)
        rto = c->rto_min;
    if (rto > c->rto_max)
        rto = c->rto_max;
    return rto;
}

/*
 * RFC 6298 §2.2-2.4: the first sample sets SRTT = R, RTTVAR = R/2; later ones
 * RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|, SRTT = 7/8 SRTT + 1/8 R. RTO = SRTT +
 * max(G, 4 RTTVAR) with Linux's floor: 4 RTTVAR is at least rto_min (200 ms),
 * so RTO is about RTT + 200 ms (conformance README 1d.9).
 */
void tt__tcp_rtt_sample(struct tt_tcp *t, tt_time r)
{
    if (t->srtt == 0) {
        t->srtt = r ? r : 1;
        t->rttvar = r / 2;
    } else {
        tt_time d = t->srtt > r ? t->srtt - r : r - t->srtt;
        t->rttvar = (3 * t->rttvar + d) / 4;
        t->srtt = (7 * t->srtt + r) / 8;
    }
    tt_time v = 4 * t->rttvar;
    if (v < t->s->cfg.tcp.rto_min)
        v = t->s->cfg.tcp.rto_min;
    t->rto = clamp_rto(t->s, t->srtt + v);
    t->backoff = 0;
}

/* RFC 6298 §5.1: start the timer when a segment is sent and it is not running. */
void tt__tcp_rexmit_arm(struct tt_tcp *t, tt_time now)
{
    if (t->t_rexmit == TT_TIME_NEVER || t->persist) {
        t->persist = 0;
        t->t_rexmit = now + t->rto;
        tt__tcb_arm(t);
    }
}

void tt__tcp_time_wait_enter(struct tt_tcp *t, tt_time now)
{
    /* RFC 9293 §3.10.7.4: 2 MSL, Linux's TCP_TIMEWAIT_LEN by default. */
    t->t_rexmit = TT_TIME_NEVER;
    t->t_wait = now + t->s->cfg.tcp.msl2;
    tt__tcb_arm(t);
}

static void backoff(struct tt_tcp *t)
{
    t->backoff++;
    t->rto = clamp_rto(t->s, t->rto * 2); /* RFC 6298 §5.5 */
    t->rtt_active = 0;                    /* Karn's rule: no sample across a retransmission */
}

/* The connection gave up: Linux reports a soft error seen meanwhile (an ICMP
 * unreachable) rather than the bare timeout. */
static void give_up(struct tt_tcp *t, tt_time now)
{
    if (t->state == TT_SYN_SENT || t->state == TT_SYN_RECEIVED)
        t->s->ctr.tcp_attempt_fails++;
    tt__tcb_closed(t, t->soft_err ? t->soft_err : TT_ETIMEDOUT, now);
}

/* Handshake: SYN (or SYN-ACK of a simultaneous open) again at 1, 2, 4, ... s;
 * syn_retries retransmissions, then TT_ETIMEDOUT (Linux tcp_syn_retries). */
static void rto_handshake(struct tt_tcp *t, tt_time now)
{
    if (t->retries >= t->s->cfg.tcp.syn_retries) {
        give_up(t, now);
        return;
    }
    t->retries++;
    backoff(t);
    t->snd_nxt = t->iss;
    tt__tcp_output(t, now);
}

static void rto_data(struct tt_tcp *t, tt_time now)
{
    if (t->persist) {
        /* Zero-window probe, Linux shape: an ACK with SEQ = SND.UNA - 1
         * (RFC 9293 §3.8.6.1 MUST-36 keeps probing; backoff as the RTO). */
        struct tt_stack *s = t->s;
        tt_seq save = t->snd_nxt;
        t->snd_nxt = tt_seq_add(t->snd_una, (uint32_t)-1);
        tt__tcp_send_ack(t, now);
        t->snd_nxt = save;
        (void)s;
        backoff(t);
        t->t_rexmit = now + t->rto;
        return;
    }
    if (tt_seq_eq(t->snd_una, t->snd_max))
        return;
    int expired = t->user_timeout && t->last_ack_recv && now - t->last_ack_recv >= t->user_timeout;
    if (t->retries >= t->s->cfg.tcp.retries2 || expired) {
        give_up(t, now);
        return;
    }
    t->retries++;
    backoff(t);
    /* RFC 5681 §3.1 eq. 4: ssthresh = max(FlightSize / 2, 2 SMSS); cwnd = 1 SMSS. */
    uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    t->ssthresh = flight / 2 > 2u * t->snd_mss ? flight / 2 : 2u * t->snd_mss;
    t->cwnd = t->snd_mss;
    /* Go back to SND.UNA: the send queue is re-read by offset. */
    t->snd_nxt = t->snd_una;
    t->t_rexmit = TT_TIME_NEVER;
    tt__tcp_output(t, now);
}

static void tcb_timer(struct tt_tcp *t, tt_time now)
{
    if (t->t_wait <= now) {
        /* TIME-WAIT ends (RFC 9293 §3.10.8), or the orphaned FIN-WAIT-2
         * times out (Linux tcp_fin_timeout): CLOSED without a segment. */
        t->t_wait = TT_TIME_NEVER;
        tt__tcb_closed(t, 0, now);
        return;
    }
    if (t->t_rexmit <= now) {
        t->t_rexmit = TT_TIME_NEVER;
        if (t->state == TT_SYN_SENT || t->state == TT_SYN_RECEIVED)
            rto_handshake(t, now);
        else
            rto_data(t, now);
        if (t->state == TT_CLOSED)
            return;
    }
    if (t->t_delack <= now) {
        t->t_delack = TT_TIME_NEVER;
        t->ack_now = 1;
        tt__tcp_output(t, now);
    }
    if (t->t_keep <= now)
        t->t_keep = TT_TIME_NEVER; /* keepalive: the data-transfer issue */
    tt__tcb_arm(t);
}

void tt__tcp_timer_fire(struct tt_stack *s, struct tt__timer *tm, tt_time now)
{
    (void)s;
    if (tm->kind == TT__TK_SYNREQ)
        tt__synreq_timer((struct tt__synreq *)(void *)tm, now);
    else
        tcb_timer((struct tt_tcp *)(void *)tm, now);
}
