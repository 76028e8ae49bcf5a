/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Explicit Congestion Notification for TCP (RFC 3168 §6.1), as Linux's
 * tcp_ecn settings: 0 off, 1 ask for it on connect and accept it, 2 (the
 * default) accept it when a peer asks but never ask. Negotiated, the sender
 * marks new data ECT(0); a receiver that sees CE echoes ECE on every ACK
 * until a segment with CWR arrives; an ECE is a congestion event, taken once
 * per window of data (cc.c, like a loss but with nothing to resend), and
 * the next new data carries CWR.
 *
 * Not done: ECN through SYN cookies (Linux hides the bit in the timestamp;
 * a cookie connection goes without ECN), and ECN on SYN-ACKs (RFC 8311
 * experiments).
 */
#include "tcp/tcp_int.h"

#define IP_ECT0 0x02u /* RFC 3168 §5: the ECN field, low two bits of TOS */
#define IP_CE 0x03u

/* The flags of our SYN (RFC 3168 §6.1.1: ECE and CWR ask for ECN). Linux
 * (tcp_ecn_fallback) leaves them off a retransmitted SYN, in case a
 * middlebox drops ECN SYNs; the answer to the first may still come. */
uint8_t tt__ecn_syn_flags(const struct tt_tcp *t, int rexmit)
{
    return (t->ecn & TT__ECN_OK) && !rexmit ? TT_TCP_ECE | TT_TCP_CWR : 0;
}

/* SYN-SENT: ECN holds when the SYN-ACK has ECE without CWR (§6.1.1); a SYN
 * without ACK (simultaneous open) ends it. */
void tt__ecn_synack(struct tt_tcp *t, const struct tt_tcp_hdr *h)
{
    uint8_t f = h->flags;
    if (!(f & TT_TCP_ACK) || !(f & TT_TCP_ECE) || (f & TT_TCP_CWR))
        t->ecn = 0;
}

/* LISTEN: 1 when the SYN asks for ECN (ECE and CWR both set) and we answer. */
int tt__ecn_syn_ok(const struct tt_stack *s, const struct tt_tcp_hdr *h)
{
    return s->cfg.tcp.ecn && (h->flags & (TT_TCP_ECE | TT_TCP_CWR)) == (TT_TCP_ECE | TT_TCP_CWR);
}

/*
 * A segment of a synchronized connection on its way out: ECE while the
 * receiver owes the echo (any ACK); on new data (not a retransmission, not a
 * window probe: §6.1.5-6.1.6 MUST NOT) ECT(0), and CWR once after a
 * reduction (§6.1.2). Returns the ECN field for IP.
 */
uint8_t tt__ecn_out(struct tt_tcp *t, struct tt_tcp_hdr *h, uint32_t len, int rexmit)
{
    if (!(t->ecn & TT__ECN_OK) || (h->flags & (TT_TCP_SYN | TT_TCP_RST)))
        return 0;
    if ((t->ecn & TT__ECN_ECE) && (h->flags & TT_TCP_ACK))
        h->flags |= TT_TCP_ECE;
    if (!len || rexmit)
        return 0;
    if (t->ecn & TT__ECN_CWR) {
        h->flags |= TT_TCP_CWR;
        t->ecn &= (uint8_t)~TT__ECN_CWR;
    }
    return IP_ECT0;
}

/* Receiver (§6.1.3): CWR ends the echo, CE (on data) starts it, and the ACK
 * carrying it goes at once (Linux enters quick-ACK mode on CE). */
void tt__ecn_rcv(struct tt_tcp *t, const struct tt__seg *sg)
{
    if (!(t->ecn & TT__ECN_OK))
        return;
    if (sg->h.flags & TT_TCP_CWR)
        t->ecn &= (uint8_t)~TT__ECN_ECE;
    if ((sg->ecn & IP_CE) == IP_CE && sg->dlen) {
        t->ecn |= TT__ECN_ECE;
        t->ack_force = 1;
    }
}

/*
 * Sender (§6.1.2): an ACK with ECE is a congestion event, at most once per
 * window: ssthresh from the module (cc.c saves for undo), then Linux's CWR
 * state, in which PRR takes cwnd down to ssthresh over the next round trip
 * (recovery.c tt__recovery_enter_cwr; RFC 3168 halves cwnd at once, Linux
 * does not), and CWR on the next new data. Not while loss recovery, CWR or
 * an RTO's repair already reduced the window (Linux: ca_state < CWR), and
 * not again before the data sent until now is acknowledged. `acked` is what
 * this ACK acknowledged cumulatively, PRR's first DeliveredData.
 */
void tt__ecn_ack(struct tt_tcp *t, const struct tt__seg *sg, uint32_t acked, tt_time now)
{
    if (!(t->ecn & TT__ECN_OK) || !(sg->h.flags & TT_TCP_ECE) || (sg->h.flags & TT_TCP_SYN))
        return;
    if (t->in_recovery || t->ca_state >= TT__CA_CWR ||
        ((t->ecn & TT__ECN_WND) && tt_seq_lt(t->snd_una, t->ecn_high)))
        return;
    t->ecn |= TT__ECN_CWR | TT__ECN_WND;
    t->ecn_high = t->snd_max;
    tt__recovery_enter_cwr(t, acked, acked > 0, now);
}
