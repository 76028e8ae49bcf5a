/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RFC 9293 §3.10.7 "SEGMENT ARRIVES" for a connection, one function per step
 * in the RFC's order. CLOSED (§3.10.7.1) is in tcp.c, LISTEN (§3.10.7.2) in
 * listen.c; SYN-SENT (§3.10.7.3) and the other states (§3.10.7.4) are here.
 *
 * Each step returns CONT (go on to the next step), DONE (the segment was
 * used; stop) or DROP (the segment was rejected and counted; stop).
 */
#include <string.h>

#include "tcp/tcp_int.h"

enum { DROP = -1, DONE = 0, CONT = 1 };

static int reject(struct tt_tcp *t, struct tt__seg *sg, enum tt_drop_reason why, tt_time now)
{
    tt__tcb_trace_seg(t->s, TT_TRACE_TCP_SEG_IN, t, 0, sg->src, sg->dst, &sg->h, sg->dlen, 0, why,
                      TT_REXMIT_NONE, now);
    tt__drop(t->s, why, sg->iface, sg->raw, sg->raw_len, now);
    return DROP;
}

static void accepted(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    tt__tcb_trace_seg(t->s, TT_TRACE_TCP_SEG_IN, t, 0, sg->src, sg->dst, &sg->h, sg->dlen, 1, 0,
                      TT_REXMIT_NONE, now);
}

/* RFC 7323 §2.3, §3.2, RFC 2018, RFC 9293 §3.7.1: what the peer's SYN
 * offered, intersected with what we offer. */
static void take_syn_options(struct tt_tcp *t, const struct tt_tcp_hdr *h)
{
    t->peer_mss = h->opt.has_mss && h->opt.mss ? h->opt.mss : 536;
    t->ws_ok = t->ws_ok && h->opt.has_ws;
    if (t->ws_ok) {
        t->snd_ws = h->opt.ws > 14 ? 14 : h->opt.ws; /* RFC 7323 §2.3: clamp at 14 */
    } else {
        t->snd_ws = 0;
        t->rcv_ws = 0;
    }
    t->ts_ok = t->ts_ok && h->opt.has_ts;
    if (t->ts_ok)
        t->ts_recent = h->opt.ts_val;
    t->sack_ok = t->sack_ok && h->opt.sack_ok;
    tt__tcb_set_mss(t);
}

/* ---- §3.10.7.3 SYN-SENT ---- */

static void syn_sent(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    uint8_t f = sg->h.flags;
    /* First: the ACK bit. SEG.ACK =< ISS or > SND.NXT is unacceptable: send
     * <SEQ=SEG.ACK><CTL=RST> (unless RST) and drop. */
    if ((f & TT_TCP_ACK) && (tt_seq_le(sg->ack, t->iss) || tt_seq_gt(sg->ack, t->snd_max))) {
        if (!(f & TT_TCP_RST))
            tt__tcp_reply_rst(t->s, sg, now);
        reject(t, sg, TT_DROP_TCP_BAD_ACK, now);
        return;
    }
    /* Second: the RST bit. With an acceptable ACK the connection was refused
     * (RFC 5961 §3.2 accepts it in SYN-SENT when it acks our SYN); without
     * an ACK, drop it. */
    if (f & TT_TCP_RST) {
        if (!(f & TT_TCP_ACK)) {
            reject(t, sg, TT_DROP_TCP_BAD_FLAGS, now);
            return;
        }
        accepted(t, sg, now);
        t->s->ctr.tcp_attempt_fails++;
        tt__tcb_closed(t, TT_ECONNREFUSED, now);
        return;
    }
    /* Fourth: the SYN bit (the third, security, is not implemented). */
    if (!(f & TT_TCP_SYN)) {
        reject(t, sg, TT_DROP_TCP_BAD_FLAGS, now);
        return;
    }
    accepted(t, sg, now);
    t->irs = sg->seq;
    t->rcv_nxt = tt_seq_add(sg->seq, 1);
    take_syn_options(t, &sg->h);
    tt__ecn_synack(t, &sg->h);
    /* Our SYN's window was offered from RCV.NXT = 0: move its right edge to
     * the real sequence space now that IRS is known. */
    uint32_t w0 = tt__tcp_rcv_space(t);
    t->rcv_adv = tt_seq_add(t->rcv_nxt, w0 > 65535 ? 65535 : w0);
    t->snd_wnd = sg->h.wnd; /* RFC 7323 §2.2: the SYN's window is never scaled */
    t->max_snd_wnd = t->snd_wnd;
    t->snd_wl1 = sg->seq;
    t->snd_wl2 = sg->ack;
    t->ack_now = 1;
    if (f & TT_TCP_ACK) {
        /* Our SYN is acknowledged: ESTABLISHED, and <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>.
         * RFC 7413 §4.2.2: data sent with the SYN and not acknowledged goes
         * again as ordinary data (the server fell back, or a retransmitted
         * SYN went without it). */
        tt_seq syn_end = tt_seq_add(t->iss, 1);
        int data_acked = tt_seq_gt(sg->ack, syn_end);
        if (data_acked) {
            uint32_t k = (uint32_t)tt_seq_diff(sg->ack, syn_end);
            tt__bufq_drop(t->s, &t->sndq, k);
            t->bytes_acked += k;
        }
        t->snd_una = sg->ack;
        if (tt_seq_lt(sg->ack, t->snd_max))
            t->snd_nxt = t->snd_max = sg->ack;
        tt__tfo_synack(t, &sg->h, data_acked, now);
        if (t->retries == 0)
            tt__tcp_rtt_sample(t, now - t->rtt_time); /* Karn: only an unretransmitted SYN */
        t->retries = 0;
        t->backoff = 0;
        t->t_rexmit = TT_TIME_NEVER;
        t->connected_once = 1;
        t->last_rcv = now;
        t->ts_recent_age = now;
        tt__tcb_set_state(t, TT_ESTABLISHED, now);
        tt__tcb_notify(t, TT_TCP_EV_CONNECTED | TT_TCP_EV_WRITABLE);
        return;
    }
    /* Simultaneous open: SYN-RECEIVED, and <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. */
    t->snd_nxt = t->iss;
    t->t_rexmit = TT_TIME_NEVER;
    tt__tcb_set_state(t, TT_SYN_RECEIVED, now);
}

/* ---- §3.10.7.4 the other states ---- */

/* The receive window for the acceptability test: what we advertised. */
static uint32_t rcv_wnd(const struct tt_tcp *t)
{
    return tt_seq_gt(t->rcv_adv, t->rcv_nxt) ? (uint32_t)tt_seq_diff(t->rcv_adv, t->rcv_nxt) : 0;
}

/* The four cases of the acceptability table in §3.10.7.4. */
int tt__tcp_seq_acceptable(const struct tt_tcp *t, const struct tt__seg *sg)
{
    uint32_t wnd = rcv_wnd(t);
    tt_seq end = tt_seq_add(t->rcv_nxt, wnd);
    if (sg->len == 0) {
        if (wnd == 0)
            return tt_seq_eq(sg->seq, t->rcv_nxt);
        return tt_seq_in(sg->seq, t->rcv_nxt, end);
    }
    if (wnd == 0)
        return 0;
    return tt_seq_in(sg->seq, t->rcv_nxt, end) ||
           tt_seq_in(tt_seq_add(sg->seq, sg->len - 1), t->rcv_nxt, end);
}

/*
 * Simultaneous open, RFC 9293 §3.5 figure 7 line 6: in SYN-RECEIVED (a
 * control block is there only after SYN-SENT; passive opens wait in the
 * listener) the peer's own SYN,ACK <SEQ=IRS><ACK=SND.NXT> establishes. Read
 * literally, §3.10.7.4's acceptability test refuses it (SEG.SEQ = IRS lies
 * below RCV.NXT), so each side would drop the other's SYN,ACK and finish only
 * on the ACK sent in reply, a round trip later than the figure. Linux accepts
 * it (tcp_validate_incoming, "simultaneous connect"); so do we: the SYN is
 * trimmed off as already received, and the fifth step takes its ACK. Returns
 * whether it was that SYN,ACK.
 */
static int simopen_synack(struct tt_tcp *t, struct tt__seg *sg)
{
    if (t->state != TT_SYN_RECEIVED ||
        (sg->h.flags & (TT_TCP_SYN | TT_TCP_ACK | TT_TCP_RST | TT_TCP_FIN)) !=
            (TT_TCP_SYN | TT_TCP_ACK) ||
        sg->dlen || !tt_seq_eq(tt_seq_add(sg->seq, 1), t->rcv_nxt) ||
        !tt_seq_eq(sg->ack, t->snd_max))
        return 0;
    sg->h.flags &= (uint8_t)~TT_TCP_SYN;
    sg->seq = t->rcv_nxt;
    sg->len = 0;
    return 1;
}

/* First: check the sequence number, then trim the segment to the window. */
static int step1_seq(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (!tt__tcp_seq_acceptable(t, sg)) {
        /* Unacceptable: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> unless RST. In
         * TIME-WAIT an ACK-bearing one restarts the 2 MSL wait, as Linux
         * does for a retransmitted FIN. */
        if (!(sg->h.flags & TT_TCP_RST)) {
            /* Duplicate data: Linux also enters quick-ACK mode. RFC 2883:
             * the ACK reports it as a D-SACK block. */
            if (sg->dlen && t->quick < 2)
                t->quick = 2;
            if (sg->dlen && tt_seq_le(tt_seq_add(sg->seq, sg->dlen), t->rcv_nxt))
                tt__tcp_sack_dup(t, sg->seq, tt_seq_add(sg->seq, sg->dlen));
            tt__tcp_send_ack(t, now);
            if (t->state == TT_TIME_WAIT && (sg->h.flags & TT_TCP_ACK))
                tt__tcp_time_wait_enter(t, now);
        }
        return reject(t, sg, TT_DROP_TCP_OUT_OF_WINDOW, now);
    }
    if (tt_seq_lt(sg->seq, t->rcv_nxt)) {
        uint32_t d = (uint32_t)tt_seq_diff(t->rcv_nxt, sg->seq);
        if (sg->h.flags & TT_TCP_SYN) {
            sg->h.flags &= (uint8_t)~TT_TCP_SYN;
            d--;
        }
        if (d > sg->dlen)
            d = sg->dlen;
        if (d)
            tt__tcp_sack_dup(t, sg->seq, tt_seq_add(sg->seq, d)); /* RFC 2883 §4.1.1 */
        sg->data += d;
        sg->dlen -= d;
        sg->seq = t->rcv_nxt;
    }
    uint32_t room = rcv_wnd(t) - (uint32_t)tt_seq_diff(sg->seq, t->rcv_nxt);
    if (sg->dlen > room) {
        sg->dlen = room;
        sg->h.flags &= (uint8_t)~TT_TCP_FIN; /* the FIN lies beyond the window */
    }
    /* RFC 7323 §4.3 (2): TS.Recent follows a segment with SEG.TSval >=
     * TS.Recent and SEG.SEQ =< Last.ACK.sent (RCV.NXT when we last ACKed). */
    if (t->ts_ok && sg->h.opt.has_ts && tt_seq_le(sg->seq, t->rcv_wup) &&
        (int32_t)(sg->h.opt.ts_val - t->ts_recent) >= 0) {
        t->ts_recent = sg->h.opt.ts_val;
        t->ts_recent_age = now;
    }
    return CONT;
}

/*
 * RFC 7323 §5.3 R1-R3, before the sequence check: PAWS. A segment (not an
 * RST, §5.3 and Linux) whose SEG.TSval is older than TS.Recent is a stale
 * duplicate from an earlier incarnation of the sequence space: ACK it and
 * drop it. §5.5: a TS.Recent idle for more than 24 days is no longer valid.
 */
static int step0_paws(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (!t->ts_ok || !sg->h.opt.has_ts || (sg->h.flags & TT_TCP_RST))
        return CONT;
    if ((int32_t)(sg->h.opt.ts_val - t->ts_recent) >= 0)
        return CONT;
    if (now - t->ts_recent_age > TT_SEC((tt_time)24 * 86400)) {
        t->ts_recent = sg->h.opt.ts_val;
        t->ts_recent_age = now;
        return CONT;
    }
    tt__tcp_send_ack(t, now);
    return reject(t, sg, TT_DROP_TCP_PAWS, now);
}

/* Second: the RST bit (RFC 5961 §3.2: it resets only at exactly RCV.NXT;
 * elsewhere in the window it earns a challenge ACK). */
static int step2_rst(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (!(sg->h.flags & TT_TCP_RST))
        return CONT;
    if (!tt_seq_eq(sg->seq, t->rcv_nxt)) {
        tt__tcp_challenge_ack(t, now);
        return reject(t, sg, TT_DROP_TCP_RST_INVALID, now);
    }
    if (t->state == TT_TIME_WAIT && t->s->cfg.tcp.rfc1337) {
        /* RFC 1337 §3 "TIME-WAIT assassination": ignore RSTs in TIME-WAIT. */
        return reject(t, sg, TT_DROP_TCP_CLOSED_STATE, now);
    }
    accepted(t, sg, now);
    switch (t->state) {
    case TT_SYN_RECEIVED: /* from an active open: the connection was refused */
        t->s->ctr.tcp_attempt_fails++;
        tt__tcb_closed(t, TT_ECONNREFUSED, now);
        break;
    case TT_ESTABLISHED:
    case TT_CLOSE_WAIT:
        t->s->ctr.tcp_estab_resets++;
        /* fall through */
    case TT_FIN_WAIT_1:
    case TT_FIN_WAIT_2:
        tt__tcb_closed(t, TT_ECONNRESET, now);
        break;
    default: /* CLOSING, LAST-ACK, TIME-WAIT: the connection just ends */
        tt__tcb_closed(t, 0, now);
        break;
    }
    return DONE;
}

/* Fourth: the SYN bit. RFC 5961 §4.2 (RFC 9293 §3.10.7.4 MUST-60 may be
 * replaced by it): a SYN in a synchronized state earns a challenge ACK. */
static int step4_syn(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (!(sg->h.flags & TT_TCP_SYN))
        return CONT;
    tt__tcp_challenge_ack(t, now);
    return reject(t, sg, TT_DROP_TCP_SYN_IN_SYNC, now);
}

/* Will step 8 see this segment's FIN (in order, after its data)? */
static int fin_in_order(const struct tt_tcp *t, const struct tt__seg *sg)
{
    return (sg->h.flags & TT_TCP_FIN) && tt_seq_eq(sg->seq, t->rcv_nxt);
}

/* Fifth: the ACK field. */
static int step5_ack(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if (!(sg->h.flags & TT_TCP_ACK))
        return reject(t, sg, TT_DROP_TCP_BAD_FLAGS, now);
    if (t->state == TT_SYN_RECEIVED) {
        /* SND.UNA < SEG.ACK =< SND.NXT: ESTABLISHED; else <SEQ=SEG.ACK><CTL=RST>. */
        if (!tt_seq_gt(sg->ack, t->snd_una) || tt_seq_gt(sg->ack, t->snd_max)) {
            tt__tcp_reply_rst(t->s, sg, now);
            return reject(t, sg, TT_DROP_TCP_BAD_ACK, now);
        }
        t->snd_una = sg->ack;
        t->snd_wnd = (uint32_t)sg->h.wnd << t->snd_ws;
        t->max_snd_wnd = t->snd_wnd;
        t->snd_wl1 = sg->seq;
        t->snd_wl2 = sg->ack;
        t->retries = 0;
        t->t_rexmit = TT_TIME_NEVER;
        t->connected_once = 1;
        tt__tcb_set_state(t, TT_ESTABLISHED, now);
        tt__tcb_notify(t, TT_TCP_EV_CONNECTED | TT_TCP_EV_WRITABLE);
    }
    /* RFC 5961 §5.2: acceptable when SND.UNA - MAX.SND.WND =< SEG.ACK =< SND.NXT;
     * anything else is dropped with a (rate-limited) challenge ACK. */
    tt_seq oldest = tt_seq_add(t->snd_una, (uint32_t)0 - t->max_snd_wnd);
    if (tt_seq_gt(sg->ack, t->snd_max) || tt_seq_lt(sg->ack, oldest)) {
        tt__tcp_challenge_ack(t, now);
        return reject(t, sg, TT_DROP_TCP_BAD_ACK, now);
    }
    tt_seq una_before = t->snd_una;
    tt__tcp_ack_input(t, sg, now);
    tt__ecn_ack(t, sg, (uint32_t)tt_seq_diff(t->snd_una, una_before), now); /* RFC 3168 §6.1.2 */
    if (tt_seq_gt(t->snd_una, una_before))
        t->soft_err = 0; /* data got through: an earlier ICMP is stale (Linux) */
    /* Window update (MUST-20): only from a segment newer than the last one used. */
    if (tt_seq_ge(sg->ack, una_before) &&
        (tt_seq_lt(t->snd_wl1, sg->seq) ||
         (tt_seq_eq(t->snd_wl1, sg->seq) && tt_seq_le(t->snd_wl2, sg->ack)))) {
        t->snd_wnd = (uint32_t)sg->h.wnd << t->snd_ws;
        if (t->snd_wnd > t->max_snd_wnd)
            t->max_snd_wnd = t->snd_wnd;
        t->snd_wl1 = sg->seq;
        t->snd_wl2 = sg->ack;
    }
    t->probes = 0;
    tt__tcp_persist_answered(t, now);
    switch (t->state) {
    case TT_FIN_WAIT_1:
        /* Our FIN acked: FIN-WAIT-2, unless this segment also carries the
         * peer's FIN, which takes FIN-WAIT-1 straight to TIME-WAIT (step 8). */
        if (t->fin_acked && !fin_in_order(t, sg)) {
            tt__tcb_set_state(t, TT_FIN_WAIT_2, now);
            if (!t->app_owned) {
                t->t_wait = now + t->fin_timeout;
                tt__tcb_arm(t);
            }
        }
        break;
    case TT_CLOSING:
        if (t->fin_acked) {
            tt__tcb_set_state(t, TT_TIME_WAIT, now);
            tt__tcp_time_wait_enter(t, now);
        }
        break;
    case TT_LAST_ACK:
        if (t->fin_acked) {
            accepted(t, sg, now);
            tt__tcb_closed(t, 0, now);
            return DONE;
        }
        break;
    default:
        break;
    }
    return CONT;
}

/*
 * Between the fifth and seventh steps: new data for a connection the
 * application has closed (FIN-WAIT-1/2 after close or shutdown(read)) can
 * never be read. RFC 9293 §3.6.1 and RFC 1122 §4.2.2.13 have such a
 * connection answer with RST, as Linux does (tcp_rcv_state_process,
 * "abort on data"): <SEQ=SEG.ACK><CTL=RST>, and the connection is gone.
 */
static int data_after_close(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    if ((t->state != TT_FIN_WAIT_1 && t->state != TT_FIN_WAIT_2) || sg->dlen == 0 ||
        (t->app_owned && !t->rd_shut) || !tt_seq_gt(tt_seq_add(sg->seq, sg->dlen), t->rcv_nxt))
        return CONT;
    accepted(t, sg, now);
    tt__tcp_reply_rst(t->s, sg, now);
    tt__tcb_closed(t, TT_ECONNRESET, now);
    return DONE;
}

/* Eighth: the FIN bit. */
static void step8_fin(struct tt_tcp *t, int fin_now, tt_time now)
{
    if (!fin_now)
        return;
    if (t->fin_rcvd) {
        /* A retransmitted FIN in TIME-WAIT restarts the 2 MSL wait. */
        t->ack_now = 1;
        if (t->state == TT_TIME_WAIT)
            tt__tcp_time_wait_enter(t, now);
        return;
    }
    t->rcv_nxt = tt_seq_add(t->rcv_nxt, 1);
    t->fin_rcvd = 1;
    t->ack_now = 1;
    switch (t->state) {
    case TT_SYN_RECEIVED:
    case TT_ESTABLISHED:
        /* Linux: the peer is done; its FIN's ACK waits for the delayed-ACK
         * timer (40 ms), unless more than a segment is unacknowledged,
         * in case our reply or FIN can carry it (conformance README 1d.12;
         * tcp_basic_server.pkt: a bare FIN after ACKed data waits too). */
        t->pingpong = 1;
        if (!t->ack_force &&
            (uint32_t)tt_seq_diff(t->rcv_nxt, t->rcv_wup) <= (uint32_t)t->rcv_mss + 1u) {
            t->ack_now = 0;
            tt__tcp_delack_arm(t, now);
        }
        tt__tcb_set_state(t, TT_CLOSE_WAIT, now);
        break;
    case TT_FIN_WAIT_1:
        if (t->fin_acked) {
            tt__tcb_set_state(t, TT_TIME_WAIT, now);
            tt__tcp_time_wait_enter(t, now);
        } else {
            tt__tcb_set_state(t, TT_CLOSING, now);
        }
        break;
    case TT_FIN_WAIT_2:
        tt__tcb_set_state(t, TT_TIME_WAIT, now);
        tt__tcp_time_wait_enter(t, now);
        break;
    default:
        break;
    }
    tt__tcb_notify(t, TT_TCP_EV_READABLE | TT_TCP_EV_RDHUP);
}

/*
 * TIME-WAIT and a new SYN for the same 4-tuple, as Linux does (RFC 1122
 * §4.2.2.13 allows it; RFC 6191 with timestamps): a SYN whose sequence number
 * is beyond RCV.NXT, or whose timestamp is newer than TS.Recent, ends the
 * TIME-WAIT and opens a new connection through the listener, with an ISS
 * above anything the old one used (SND.NXT + 65537). Returns 1 when taken.
 */
static int time_wait_syn(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    uint8_t f = sg->h.flags;
    if (!(f & TT_TCP_SYN) || (f & (TT_TCP_RST | TT_TCP_ACK)))
        return 0;
    int newer = tt_seq_gt(sg->seq, t->rcv_nxt) ||
                (t->ts_ok && sg->h.opt.has_ts && (int32_t)(sg->h.opt.ts_val - t->ts_recent) > 0);
    struct tt_tcp *l = tt__listener_lookup(t->s, t->laddr, t->lport);
    if (!newer || !l)
        return 0;
    uint32_t iss = tt_seq_add(t->snd_max, 65535 + 2).v;
    tt__tcb_closed(t, 0, now);
    tt__tcp_listen_syn(l, sg, iss ? iss : 1, now);
    return 1;
}

void tt__tcp_input_tcb(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    t->segs_in++;
    if (t->state == TT_SYN_SENT) {
        syn_sent(t, sg, now);
    } else if (t->state == TT_TIME_WAIT && time_wait_syn(t, sg, now)) {
        return;
    } else {
        if (!t->ts_recent_age)
            t->ts_recent_age = now;
        int r = step0_paws(t, sg, now), synack = r == CONT && simopen_synack(t, sg);
        if (r == CONT)
            r = step1_seq(t, sg, now);
        if (r == CONT)
            r = step2_rst(t, sg, now);
        /* Third: security and precedence are not implemented (RFC 9293 §3.10.7.4
         * lets a TCP without them skip the step). */
        if (r == CONT)
            r = step4_syn(t, sg, now);
        if (r == CONT)
            r = step5_ack(t, sg, now);
        if (synack && t->state == TT_ESTABLISHED) {
            t->snd_wnd = sg->h.wnd; /* RFC 7323 §2.2: a SYN's window is never scaled */
            t->max_snd_wnd = t->snd_wnd;
        }
        if (r == CONT)
            r = data_after_close(t, sg, now);
        if (r == CONT) {
            accepted(t, sg, now);
            t->last_rcv = now;
            tt__ecn_rcv(t, sg);                         /* RFC 3168 §6.1.3: CE, CWR */
            tt__tcp_rcv_urgent(t, sg);                  /* sixth */
            int fin_now = tt__tcp_rcv_text(t, sg, now); /* seventh */
            step8_fin(t, fin_now, now);
        }
    }
    if (t->state == TT_CLOSED)
        return;
    if (t->keepalive && t->t_keep == TT_TIME_NEVER)
        tt__tcp_keepalive_arm(t, now);
    tt__tcp_output(t, now);
}
