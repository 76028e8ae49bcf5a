/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Proportional Rate Reduction (RFC 6937): how much goes out during fast
 * recovery. While pipe is above ssthresh, sending follows the deliveries in
 * proportion ssthresh / RecoverFS; below it, PRR-SSRB (slow start reduction
 * bound, the RFC's and Linux's choice) lets pipe climb back to ssthresh by
 * at most one segment more than was delivered. RecoverFS is the cwnd at the
 * start of recovery, as Linux takes it (prior_cwnd).
 *
 * The result is a cwnd of pipe + sndcnt, set through the congestion-control
 * layer (tt__cc_set_cwnd: recovery never writes cwnd itself). Sends are whole
 * segments, as Linux counts them, so sndcnt is rounded up to segments.
 */
#include "tcp/tcp_int.h"

void tt__prr_start(struct tt_tcp *t)
{
    t->prr_delivered = 0;
    t->prr_out = 0;
}

void tt__prr_ack(struct tt_tcp *t, uint32_t delivered, uint32_t newly_lost, int una_advanced,
                 tt_time now)
{
    if (delivered == 0)
        return;
    uint32_t mss = tt__tcp_mss(t);
    uint32_t pipe = tt__recovery_in_flight(t);
    uint32_t recover_fs = t->prior_cwnd ? t->prior_cwnd : t->cwnd;
    int64_t sndcnt;
    t->prr_delivered += delivered;
    if (pipe > t->ssthresh) {
        /* RFC 6937 §3: sndcnt = CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out */
        uint64_t want = ((uint64_t)t->prr_delivered * t->ssthresh + recover_fs - 1) / recover_fs;
        want = (want + mss - 1) / mss * mss;
        sndcnt = (int64_t)want - t->prr_out;
    } else {
        /* PRR-SSRB: MAX(prr_delivered - prr_out, DeliveredData) + MSS on
         * an ACK that advanced SND.UNA without new losses (Linux's form),
         * never past ssthresh. */
        int64_t d = (int64_t)t->prr_delivered - t->prr_out;
        sndcnt = d > (int64_t)delivered ? d : (int64_t)delivered;
        if (una_advanced && !newly_lost)
            sndcnt += mss;
        int64_t room = (int64_t)t->ssthresh - pipe;
        if (sndcnt > room)
            sndcnt = room;
        sndcnt = (sndcnt + mss - 1) / mss * mss;
    }
    /* The fast retransmit itself always goes (RFC 6937 §3 "at least one"). */
    if (sndcnt < (t->prr_out ? 0 : (int64_t)mss))
        sndcnt = t->prr_out ? 0 : mss;
    if (sndcnt < 0)
        sndcnt = 0;
    tt__cc_set_cwnd(t, pipe + (uint32_t)sndcnt, now);
}
