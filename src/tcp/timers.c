/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Timers: retransmission with RFC 6298 estimation and backoff (SYN, SYN-ACK,
 * data and FIN) with Linux's time-based give-up (tcp_retries2) and the
 * user timeout (RFC 5482), TIME-WAIT (2 MSL), the orphaned FIN-WAIT-2
 * timeout, the persist timer (zero-window probes, release of held data),
 * keepalive (RFC 1122 §4.2.3.6) and the delayed ACK. Every control block has one heap node whose
 * deadline is the earliest of its individual deadlines.
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
    uint32_t r32 = r == 0 ? 1 : r > UINT32_MAX ? UINT32_MAX : (uint32_t)r;
    if (t->min_rtt == 0 || r32 < t->min_rtt)
        t->min_rtt = r32;
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

/* Linux tcp_model_timeout: how long `boundary` retransmissions take with
 * an RTO starting at rto_min and doubling up to rto_max. retries2 = 15 gives
 * 924.6 s, the "about 15 minutes" of RFC 1122 §4.2.3.5 R2. */
static tt_time model_timeout(const struct tt_tcp_config *c, uint32_t boundary)
{
    tt_time base = c->rto_min ? c->rto_min : 1;
    uint32_t thresh = 0;
    while (thresh < 40 && (base << (thresh + 1)) <= c->rto_max)
        thresh++;
    if (boundary <= thresh)
        return (((tt_time)2 << boundary) - 1) * base;
    return (((tt_time)2 << thresh) - 1) * base + (tt_time)(boundary - thresh) * c->rto_max;
}

/* The time the current retransmission episode may last. */
static tt_time give_up_after(const struct tt_tcp *t)
{
    return t->user_timeout ? t->user_timeout
                           : model_timeout(&t->s->cfg.tcp, t->s->cfg.tcp.retries2);
}

/* RFC 6298 §5.1: start the timer when a segment is sent and it is not
 * running. With a user timeout, never sleep past it (Linux
 * tcp_clamp_rto_to_user_timeout). */
void tt__tcp_rexmit_arm(struct tt_tcp *t, tt_time now)
{
    if (t->t_rexmit == TT_TIME_NEVER || t->persist) {
        t->persist = 0;
        t->t_rexmit = now + t->rto;
        if (t->user_timeout && t->retries && t->state >= TT_ESTABLISHED) {
            tt_time end = t->rexmit_start + t->user_timeout;
            if (end < t->t_rexmit)
                t->t_rexmit = end > now ? end : now + 1;
        }
        tt__tcb_arm(t);
    }
}

static tt_time persist_when(const struct tt_tcp *t)
{
    tt_time d = t->rto << (t->pbackoff > 20 ? 20 : t->pbackoff);
    return d > t->s->cfg.tcp.rto_max ? t->s->cfg.tcp.rto_max : d;
}

/* RFC 9293 §3.8.6.1 (MUST-36): probe a zero window; first one RTO after it
 * closed, then with exponential backoff (Linux tcp_probe0_when). */
void tt__tcp_persist_arm(struct tt_tcp *t, tt_time now)
{
    if (t->persist || t->t_rexmit != TT_TIME_NEVER)
        return;
    t->persist = 1;
    t->t_rexmit = now + persist_when(t);
    tt__tcb_arm(t);
}

/* A probe was answered and the window is still shut: the next probe is one
 * backed-off interval after this answer (Linux tcp_ack_probe). */
static void persist_rearm(struct tt_tcp *t, tt_time now)
{
    t->t_rexmit = now + persist_when(t);
    tt__tcb_arm(t);
}

void tt__tcp_keepalive_arm(struct tt_tcp *t, tt_time now)
{
    (void)now;
    if (!t->keepalive || t->state < TT_ESTABLISHED || t->state == TT_TIME_WAIT) {
        t->t_keep = TT_TIME_NEVER;
    } else {
        t->t_keep = t->last_rcv + t->keep_idle;
        t->probes = 0;
    }
    tt__tcb_arm(t);
}

void tt__tcp_delack_arm(struct tt_tcp *t, tt_time now)
{
    /* Linux TCP_DELACK_MIN: 40 ms (RFC 9293 §3.8.6.3 MUST-40: < 0.5 s). */
    if (t->t_delack == TT_TIME_NEVER) {
        t->t_delack = now + t->s->cfg.tcp.delack_min;
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
    if (t->state == TT_SYN_SENT)
        tt__tfo_timeout(t, t->retries >= t->s->cfg.tcp.syn_retries, now);
    if (t->retries >= t->s->cfg.tcp.syn_retries) {
        give_up(t, now);
        return;
    }
    t->retries++;
    backoff(t);
    t->snd_nxt = t->iss;
    tt__tcp_output(t, now);
}

static void persist_fire(struct tt_tcp *t, tt_time now)
{
    if (t->snd_wnd) {
        /* Held data (cork, SWS) with nothing in flight: send it now. */
        t->persist = 0;
        t->pbackoff = 0;
        tt__tcp_output_force(t, now);
        return;
    }
    /* Linux gives up after retries2 unanswered probes (tcp_probe_timer). */
    if (t->probes >= t->s->cfg.tcp.retries2 ||
        (t->user_timeout && t->last_ack_recv && now - t->last_ack_recv >= t->user_timeout)) {
        give_up(t, now);
        return;
    }
    tt__tcp_send_probe(t, now);
    t->probes++;
    if (t->pbackoff < 30)
        t->pbackoff++;
    persist_rearm(t, now);
}

void tt__tcp_persist_answered(struct tt_tcp *t, tt_time now)
{
    if (!t->persist)
        return;
    if (t->snd_wnd) {
        t->persist = 0;
        t->pbackoff = 0;
        t->t_rexmit = TT_TIME_NEVER;
        tt__tcb_arm(t);
    } else {
        persist_rearm(t, now);
    }
}

static void rto_data(struct tt_tcp *t, tt_time now)
{
    if (t->persist) {
        persist_fire(t, now);
        return;
    }
    if (tt_seq_eq(t->snd_una, t->snd_max))
        return;
    if (t->retries == 0) {
        t->rexmit_start = now - t->rto; /* about when the head was sent */
    } else if (now - t->rexmit_start >= give_up_after(t)) {
        give_up(t, now);
        return;
    }
    t->retries++;
    /* The echo of what is sent from here on is at least this (ack.c). */
    t->ts_rto = tt__tcp_ts_now(t->ts_off, now);
    t->ts_rto_set = 1;
    /* RFC 5681 §3.1 eq. 4 and cwnd = LW through the ops table; RFC 6582 §4:
     * recovery ends and "recover" moves to the highest sequence sent. As
     * Linux (tcp_enter_loss), ssthresh is set by the first timeout of an
     * episode only, not again by its backed-off repeats (CUBIC would take
     * 0.7 of the 1-SMSS loss window) nor inside a recovery or CWR episode
     * that already reduced it. */
    int fresh = t->retries == 1 && !t->in_recovery && t->ca_state != TT__CA_RECOVERY &&
                t->ca_state != TT__CA_CWR;
    tt__cc_rto(t, fresh, now);
    tt__recovery_on_rto(t, now);
    t->in_recovery = 0;
    t->dupacks = 0;
    t->recover = t->snd_max;
    backoff(t);
    /* Go back to SND.UNA: the send queue is re-read by offset, one segment
     * now (cwnd = 1 SMSS), more as ACKs open cwnd. */
    t->snd_nxt = t->snd_una;
    t->t_rexmit = TT_TIME_NEVER;
    tt__tcp_output(t, now);
}

/* RFC 1122 §4.2.3.6: after keep_idle without a segment, probe every
 * keep_intvl; keep_cnt unanswered probes (or the user timeout) end the
 * connection with an RST and TT_ETIMEDOUT (Linux tcp_keepalive_timer). */
static void keepalive_fire(struct tt_tcp *t, tt_time now)
{
    if (!t->keepalive || t->state < TT_ESTABLISHED || t->state == TT_TIME_WAIT)
        return;
    if (!tt_seq_eq(t->snd_una, t->snd_max) || t->sndq.len) {
        /* Data outstanding: the retransmission timer watches the peer. */
        t->t_keep = now + t->keep_idle;
        return;
    }
    tt_time idle = now - t->last_rcv;
    if (idle < t->keep_idle) {
        t->t_keep = t->last_rcv + t->keep_idle;
        return;
    }
    if ((t->user_timeout && t->probes && idle >= t->user_timeout) || t->probes >= t->keep_cnt) {
        tt__tcp_send_rst_tcb(t, now);
        tt__tcb_closed(t, TT_ETIMEDOUT, now);
        return;
    }
    tt__tcp_send_probe(t, now);
    t->probes++;
    t->t_keep = now + t->keep_intvl;
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
    if ((t->t_reo <= now || t->t_tlp <= now) && t->t_tlp <= t->t_rexmit) {
        tt__recovery_timer(t, now); /* a probe due with the RTO goes instead of it */
        if (t->state == TT_CLOSED)
            return;
    }
    if (t->t_rexmit <= now) {
        t->t_rexmit = TT_TIME_NEVER;
        /* Our SYN unacknowledged (also after a close in SYN-RECEIVED): the
         * handshake's retransmission and retry count. */
        if (t->state < TT_ESTABLISHED || tt_seq_eq(t->snd_una, t->iss))
            rto_handshake(t, now);
        else
            rto_data(t, now);
        if (t->state == TT_CLOSED)
            return;
    }
    if (t->t_reo <= now || t->t_tlp <= now) {
        tt__recovery_timer(t, now);
        if (t->state == TT_CLOSED)
            return;
    }
    if (t->t_push <= now) {
        t->t_push = TT_TIME_NEVER;
        tt__tcp_output(t, now);
    }
    if (t->t_delack <= now) {
        t->t_delack = TT_TIME_NEVER;
        t->ack_now = 1;
        tt__tcp_output(t, now);
    }
    if (t->t_keep <= now) {
        t->t_keep = TT_TIME_NEVER;
        keepalive_fire(t, now);
        if (t->state == TT_CLOSED)
            return;
    }
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
