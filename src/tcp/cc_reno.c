/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reno congestion control (RFC 5681 §3.1 slow start and congestion
 * avoidance, with appropriate byte counting, RFC 3465) behind struct
 * tt__cc_ops. The loss recovery around it (fast retransmit, NewReno partial
 * ACKs of RFC 6582, SACK recovery) is in ack.c and sets cwnd during recovery
 * through tt__cc_set_cwnd, so either side changes without the other.
 *
 * Growth follows Linux rather than RFC 5681's letter where the RFC allows:
 * slow start adds the bytes acknowledged without RFC 3465's L = 2*SMSS cap
 * (conformance README 1d.14), and cwnd grows only while it limits the sender
 * (cc.c, struct tt__cc_ack.limited).
 */
#include "tcp/tcp_int.h"

static void reno_init(struct tt_tcp *t)
{
    t->ccs.reno.acc = 0;
}

/* Slow start by bytes acked (RFC 3465 §2.2, without its L cap as Linux). */
uint32_t tt__cc_slow_start(struct tt_tcp *t, uint32_t acked)
{
    uint32_t room = t->ssthresh - t->cwnd;
    uint32_t add = acked < room ? acked : room;
    t->cwnd += add;
    return acked - add;
}

static void reno_on_ack(struct tt_tcp *t, const struct tt__cc_ack *a, tt_time now)
{
    (void)now;
    if (!a->limited || !a->acked)
        return;
    uint32_t acked = a->acked;
    if (t->cwnd < t->ssthresh) {
        acked = tt__cc_slow_start(t, acked);
        if (acked == 0)
            return;
    }
    /* Congestion avoidance (RFC 5681 §3.1, byte counting of RFC 3465 §2.1):
     * one SMSS per cwnd of bytes acknowledged. */
    t->ccs.reno.acc += acked;
    if (t->ccs.reno.acc >= t->cwnd) {
        t->ccs.reno.acc -= t->cwnd;
        t->cwnd += tt__tcp_mss(t);
    }
}

/* RFC 5681 §3.2 eq. 4 / RFC 6582 §3.2 step 2: ssthresh = max(FlightSize / 2,
 * 2 * SMSS). */
static void reno_on_loss(struct tt_tcp *t, tt_time now)
{
    (void)now;
    uint32_t flight = tt__tcp_flightsize(t);
    uint32_t two = 2u * tt__tcp_mss(t);
    t->ssthresh = flight / 2 > two ? flight / 2 : two;
    t->ccs.reno.acc = 0;
}

/* RFC 5681 §3.1: after an RTO, cwnd = LW = 1 SMSS (ssthresh: on_loss). */
static void reno_on_rto(struct tt_tcp *t, tt_time now)
{
    (void)now;
    t->cwnd = tt__tcp_mss(t);
    t->ccs.reno.acc = 0;
}

static void reno_on_undo(struct tt_tcp *t, tt_time now)
{
    (void)now;
    t->ccs.reno.acc = 0;
}

static void reno_on_idle(struct tt_tcp *t, tt_time idle, tt_time now)
{
    (void)t;
    (void)idle;
    (void)now;
}

static void reno_on_recovery_end(struct tt_tcp *t, tt_time now)
{
    (void)now;
    t->ccs.reno.acc = 0;
}

const struct tt__cc_ops tt__cc_reno = {
    .name = "reno",
    .init = reno_init,
    .on_ack = reno_on_ack,
    .on_loss = reno_on_loss,
    .on_rto = reno_on_rto,
    .on_undo = reno_on_undo,
    .on_idle = reno_on_idle,
    .on_recovery_end = reno_on_recovery_end,
};
