/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NewReno congestion control: RFC 5681 slow start and congestion avoidance,
 * with RFC 6582's ssthresh on loss, behind struct tt__cc_ops. Loss recovery
 * itself (fast retransmit, partial ACKs, cwnd inflation) is in ack.c, so a
 * later SACK/PRR recovery replaces that without touching this table, and a
 * CUBIC table replaces this one without touching recovery.
 *
 * Growth follows Linux rather than RFC 5681's letter where the RFC allows:
 * slow start adds the bytes acknowledged without the L = 2*SMSS cap of RFC 3465
 * (conformance README 1d.14), and cwnd grows only while it limits the sender.
 */
#include "tcp/tcp_int.h"

/* RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)) with the default of 10
 * segments; Linux counts it in packets, so 10 full segments. */
static void newreno_init(struct tt_tcp *t)
{
    t->cwnd = tt__tcp_iw(t);
    t->ssthresh = UINT32_MAX;
    t->cc_acc = 0;
}

/* Linux tcp_is_cwnd_limited: in slow start, cwnd < 2 * the most in flight in
 * this window; in congestion avoidance, cwnd actually stopped a send. An
 * application-limited sender does not inflate cwnd (RFC 7661's concern). */
static int cwnd_limited(const struct tt_tcp *t)
{
    if (t->cwnd < t->ssthresh)
        return t->cwnd < 2u * t->max_flight || t->cwnd_limited;
    return t->cwnd_limited;
}

static void newreno_on_ack(struct tt_tcp *t, uint32_t acked, tt_time now)
{
    (void)now;
    if (!cwnd_limited(t))
        return;
    uint32_t mss = tt__tcp_mss(t);
    if (t->cwnd < t->ssthresh) {
        /* RFC 5681 §3.1 slow start, by bytes acked (no L cap, as Linux). */
        uint32_t room = t->ssthresh - t->cwnd;
        uint32_t add = acked < room ? acked : room;
        t->cwnd += add;
        acked -= add;
        if (acked == 0)
            return;
    }
    /* Congestion avoidance (RFC 5681 §3.1, byte counting of RFC 3465 §2.1):
     * one SMSS per cwnd of bytes acknowledged. */
    t->cc_acc += acked;
    if (t->cc_acc >= t->cwnd) {
        t->cc_acc -= t->cwnd;
        t->cwnd += mss;
    }
}

/* RFC 5681 §3.2 eq. 4 / RFC 6582 §3.2 step 2: ssthresh = max(FlightSize / 2,
 * 2 * SMSS). */
static void newreno_on_congestion(struct tt_tcp *t, tt_time now)
{
    (void)now;
    uint32_t flight = tt__tcp_flightsize(t);
    uint32_t two = 2u * tt__tcp_mss(t);
    t->ssthresh = flight / 2 > two ? flight / 2 : two;
    t->cc_acc = 0;
}

/* RFC 5681 §3.1: after an RTO, ssthresh as above and cwnd = LW = 1 SMSS. */
static void newreno_on_rto(struct tt_tcp *t, tt_time now)
{
    newreno_on_congestion(t, now);
    t->cwnd = tt__tcp_mss(t);
}

static void newreno_event(struct tt_tcp *t, enum tt__cc_event ev, tt_time now)
{
    (void)now;
    if (ev == TT__CC_RECOVERY_END)
        t->cc_acc = 0;
}

const struct tt__cc_ops tt__cc_newreno = {
    .name = "newreno",
    .init = newreno_init,
    .on_ack = newreno_on_ack,
    .on_congestion = newreno_on_congestion,
    .on_rto = newreno_on_rto,
    .cwnd_event = newreno_event,
};
