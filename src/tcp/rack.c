/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RACK-TLP (RFC 8985), on by default as in Linux (tcp_recovery = 1,
 * tcp_early_retrans = 3).
 *
 * RACK (§6): a segment is deemed lost when a segment sent after it has been
 * delivered and more than RACK.rtt + reo_wnd has passed since it was sent.
 * The reordering window is min_RTT / 4 times a multiplier that D-SACKs raise
 * (§6.2 step 4), capped at SRTT, and zero while no reordering was seen and
 * either recovery is running or as many segments as the duplicate threshold
 * (3) are SACKed: RFC 6675's duplicate-ACK rule kept beside RACK, as Linux
 * does (tcp_rack_reo_wnd).
 *
 * TLP (§7): when the tail of a flight may be lost, a probe goes out after
 * PTO = 2 * SRTT (+ 200 ms with one segment in flight, for a delayed ACK;
 * + 2 ms otherwise, Linux's timer slack), never later than the RTO: one new
 * segment if the window allows, else the last segment sent (with the FIN
 * when closing). Its ACK lets SACK recovery repair the tail instead of an
 * RTO.
 */
#include "tcp/tcp_int.h"

#define TT__RACK_SLACK TT_MSEC(2) /* Linux TCP_TIMEOUT_MIN at HZ 1000 */

static int sent_after(tt_time t1, tt_seq s1, tt_time t2, tt_seq s2)
{
    return t1 > t2 || (t1 == t2 && tt_seq_gt(s1, s2));
}

/* RFC 8985 §6.2 step 2: update RACK from a delivered transmission. */
void tt__rack_delivered(struct tt_tcp *t, const struct tt__sb_rec *r, const struct tt__sb_ack *a)
{
    tt_time rtt = a->now > r->xmit ? a->now - r->xmit : 0;
    if (r->flags & TT__SB_EVER) {
        /* A retransmitted segment: the ACK may be for the first copy.
         * Skip when the RTT is under min_RTT, or the echo predates this
         * transmission. */
        if (rtt < t->min_rtt)
            return;
        if (a->tsecr && t->ts_ok && (int32_t)(a->tsecr - tt__tcp_ts_now(t->ts_off, r->xmit)) < 0)
            return;
    }
    t->rack_rtt = rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
    if (sent_after(r->xmit, r->r, t->rack_xmit, t->rack_end)) {
        t->rack_xmit = r->xmit;
        t->rack_end = r->r;
    }
}

uint32_t tt__rack_reo_wnd(const struct tt_tcp *t)
{
    if (!t->rack_reord) {
        if (t->ca_state >= TT__CA_RECOVERY)
            return 0;
        uint32_t mss = tt__tcp_mss(t);
        if (t->sacked_out >= t->reordering * mss)
            return 0;
    }
    uint64_t w = (uint64_t)(t->min_rtt / 4) * (t->reo_steps ? t->reo_steps : 1);
    if (w > t->srtt)
        w = t->srtt;
    return (uint32_t)w;
}

/* §6.2 step 4: a D-SACK widens the window, once per round trip. */
void tt__rack_dsack(struct tt_tcp *t)
{
    if (t->dsack_round.v && tt_seq_lt(t->snd_una, t->dsack_round))
        return;
    if (t->reo_steps < 255)
        t->reo_steps = (uint8_t)((t->reo_steps ? t->reo_steps : 1) + 1);
    t->reo_persist = 16;
    t->dsack_round = t->snd_max;
    if (!t->dsack_round.v)
        t->dsack_round.v = 1;
}

/* §6.2 step 5 (RACK_detect_loss) with the timer of §6.3. */
uint32_t tt__rack_detect(struct tt_tcp *t, tt_time now)
{
    struct tt__sb *sb = t->sb;
    if (!sb || t->s->cfg.tcp.rack_off || t->rack_xmit == 0)
        return 0;
    uint32_t reo = tt__rack_reo_wnd(t), lost = 0;
    tt_time wait = 0;
    for (unsigned i = 0; i < sb->n; i++) {
        struct tt__sb_rec *r = &sb->rec[i];
        if ((r->flags & TT__SB_SACKED) ||
            ((r->flags & TT__SB_LOST) && !(r->flags & TT__SB_RETRANS)))
            continue;
        if (!sent_after(t->rack_xmit, t->rack_end, r->xmit, r->r))
            continue;
        tt_time due = r->xmit + t->rack_rtt + reo;
        if (due <= now) {
            lost += (uint32_t)tt_seq_diff(r->r, r->l);
            tt__sb_mark_lost(t, r);
        } else if (due - now > wait) {
            wait = due - now;
        }
    }
    t->t_reo = wait ? now + wait + TT__RACK_SLACK : TT_TIME_NEVER;
    return lost;
}

/* §7.2: schedule a probe when the tail of the flight may need one. */
void tt__tlp_arm(struct tt_tcp *t, tt_time now)
{
    t->t_tlp = TT_TIME_NEVER;
    if (t->s->cfg.tcp.tlp_off || !t->sack_ok || t->tlp_active ||
        (t->ca_state != TT__CA_OPEN && t->ca_state != TT__CA_DISORDER) ||
        tt_seq_eq(t->snd_una, t->snd_max) || t->persist || t->t_rexmit == TT_TIME_NEVER)
        return;
    tt_time pto = TT_SEC(1);
    if (t->srtt) {
        uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
        pto = 2 * t->srtt + (flight <= tt__tcp_mss(t) + 1 ? t->s->cfg.tcp.rto_min : TT__RACK_SLACK);
    }
    /* Never later than the RTO; at the RTO's time, the probe goes instead
     * (Linux keeps one timer for both; timers.c runs the probe first). */
    tt_time at = now + pto;
    t->t_tlp = at < t->t_rexmit ? at : t->t_rexmit;
}

int tt__tlp_ack(struct tt_tcp *t, const struct tt__sb_ack *a)
{
    if (!t->tlp_active)
        return 0;
    if (a->dsack && tt_seq_le(a->dsack_r, t->tlp_end) && t->tlp_rexmit) {
        t->tlp_active = 0; /* the probe was a needless copy: nothing was lost */
        return 0;
    }
    if (tt_seq_lt(t->snd_una, t->tlp_end))
        return 0;
    t->tlp_active = 0;
    /* §7.4.2: the probe's ACK came without a D-SACK for a retransmitted
     * probe: it repaired a loss, so congestion control must respond. */
    return t->tlp_rexmit && !a->dsack;
}

/* §7.3: the probe timer fired. */
void tt__tlp_fire(struct tt_tcp *t, tt_time now)
{
    if (tt_seq_eq(t->snd_una, t->snd_max) || t->tlp_active ||
        (t->ca_state != TT__CA_OPEN && t->ca_state != TT__CA_DISORDER))
        return;
    t->tlp_rexmit = 0;
    if (!tt__tcp_output_probe(t, now)) {
        /* No new data can go: the last segment sent, with the FIN if it
         * was sent (the FIN is the probe when closing). */
        uint32_t sent = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
        if (sent > t->sndq.len)
            sent = (uint32_t)t->sndq.len;
        uint32_t mss = tt__tcp_mss(t);
        uint32_t back = sent % mss ? sent % mss : (sent ? mss : 0);
        int fin_sent = t->fin_queued && tt_seq_gt(t->snd_max, tt_seq_add(t->snd_una, sent));
        if (fin_sent && t->fin_alone)
            back = 0; /* the last segment was the FIN alone */
        tt__tcp_retransmit(t, tt_seq_add(t->snd_una, sent - back), back, TT_REXMIT_TLP, now);
        t->tlp_rexmit = 1;
    }
    t->tlp_active = 1;
    t->tlp_end = t->snd_max;
    if (t->tlp_rexmit) {
        /* An echo older than the probe times the lost ACK's wait, not the
         * path: ack.c skips it, as after an RTO. */
        t->ts_rto = tt__tcp_ts_now(t->ts_off, now);
        t->ts_rto_set = 1;
    }
    /* The RTO restarts from the probe (Linux tcp_rearm_rto). */
    t->t_rexmit = now + t->rto;
    tt__tcb_arm(t);
}
