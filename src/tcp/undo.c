/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Undo of spurious loss recovery and spurious RTOs, so that reordering and
 * delay spikes do not ratchet the window down. The window is put back
 * through the congestion-control layer (tt__cc_undo restores the cwnd and
 * ssthresh it saved at the reduction, and traces the cwnd change), never
 * written here.
 *
 *  - D-SACK counting (RFC 3708 §3, Linux undo_retrans): every retransmission
 *    of a recovery episode is counted; a D-SACK for a retransmitted range
 *    says the original arrived too. When every retransmission of the
 *    episode was so reported, nothing was lost: the reduction is undone
 *    and recovery ends.
 *  - Eifel detection (RFC 3522) with timestamps: the first ACK after an RTO
 *    that advances SND.UNA echoes a timestamp older than the retransmission,
 *    so it acknowledges the original: the RTO was spurious. Response (RFC
 *    4015 §3): the reduction is undone, and go-back-N stops: transmission
 *    resumes with new data from SND.MAX (what was sent is not resent).
 */
#include "tcp/tcp_int.h"

void tt__undo_start(struct tt_tcp *t)
{
    t->undo_retrans = 0;
    t->undo_ok = 1;
}

void tt__undo_sent(struct tt_tcp *t, uint32_t n)
{
    if (t->undo_ok)
        t->undo_retrans += (n + tt__tcp_mss(t) - 1) / tt__tcp_mss(t);
}

/* Mark the D-SACKed retransmissions; returns 1 when the episode is undone. */
int tt__undo_dsack(struct tt_tcp *t, const struct tt__sb_ack *a, tt_time now)
{
    if (!a->dsack || !t->undo_ok || t->undo_retrans == 0 || t->ca_state != TT__CA_RECOVERY)
        return 0;
    uint32_t mss = tt__tcp_mss(t);
    uint32_t segs = ((uint32_t)tt_seq_diff(a->dsack_r, a->dsack_l) + mss - 1) / mss;
    t->undo_retrans = segs >= t->undo_retrans ? 0 : t->undo_retrans - segs;
    if (t->undo_retrans)
        return 0;
    t->undo_ok = 0;
    t->undos++;
    tt__cc_undo(t, now);
    return 1;
}

/* RFC 3522 §3.2 on the first ACK after an RTO; returns 1 when undone. */
int tt__undo_eifel(struct tt_tcp *t, const struct tt__sb_ack *a, tt_time now)
{
    if (!t->eifel_armed)
        return 0;
    t->eifel_armed = 0;
    if (!t->ts_ok || !a->tsecr || !t->ts_rto_set || (int32_t)(a->tsecr - t->ts_rto) >= 0)
        return 0;
    t->undos++;
    tt__cc_undo(t, now);
    /* RFC 4015 §3.1: resume with new data; what is in flight stays so. */
    t->snd_nxt = t->snd_max;
    return 1;
}
