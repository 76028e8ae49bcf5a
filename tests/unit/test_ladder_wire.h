/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tiny scripted "wire" for the ladder tests: it turns a script of sends and
 * state changes into the trace events two stacks would emit, delivering each
 * segment `delay` later as a SEG_IN on the other side. Header-only, included
 * by tests/unit/test_ladder_*.c.
 */
#ifndef TT_TEST_LADDER_WIRE_H
#define TT_TEST_LADDER_WIRE_H

#include <string.h>

#include <tether/stack.h>
#include <tether/tcp.h>

#include "ladder/ladder.h"

#define W_C TT_LADDER_CLIENT
#define W_S TT_LADDER_SERVER
#define W_ADDR_C TT_IPV4(192, 0, 2, 1)
#define W_ADDR_S TT_IPV4(192, 0, 2, 2)
#define W_PORT_C 40112
#define W_PORT_S 80
#define W_ISN_C 1000u
#define W_ISN_S 5000u

struct wire {
    struct tt_ladder *l;
    tt_time delay;
    struct {
        int to;
        struct tt_trace_seg h;
        tt_time at;
    } q[256];
    int n;
};

static inline void w_init(struct wire *w, struct tt_ladder *l, tt_time delay)
{
    memset(w, 0, sizeof(*w));
    w->l = l;
    w->delay = delay;
}

static inline void w_event(struct wire *w, int side, enum tt_trace_kind kind, tt_time t,
                           const struct tt_trace_seg *h, int cause)
{
    struct tt_trace_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = kind;
    ev.now = t;
    ev.conn_id = 1;
    ev.accepted = 1;
    ev.cause = (enum tt_rexmit_cause)cause;
    if (h)
        ev.seg = *h;
    tt_ladder_trace(w->l, side, &ev);
}

/* Deliver everything due at or before t, in arrival order. */
static inline void w_flush(struct wire *w, tt_time t)
{
    for (;;) {
        int best = -1;
        for (int i = 0; i < w->n; i++)
            if (w->q[i].at <= t && (best < 0 || w->q[i].at < w->q[best].at))
                best = i;
        if (best < 0)
            return;
        w_event(w, w->q[best].to, TT_TRACE_TCP_SEG_IN, w->q[best].at, &w->q[best].h, 0);
        w->q[best] = w->q[--w->n];
    }
}

static inline struct tt_trace_seg w_hdr(int side, uint8_t flags, uint32_t seq, uint32_t ack,
                                        uint32_t len)
{
    struct tt_trace_seg h;
    memset(&h, 0, sizeof(h));
    h.saddr = side == W_C ? W_ADDR_C : W_ADDR_S;
    h.daddr = side == W_C ? W_ADDR_S : W_ADDR_C;
    h.sport = side == W_C ? W_PORT_C : W_PORT_S;
    h.dport = side == W_C ? W_PORT_S : W_PORT_C;
    h.seq = seq;
    h.ack = ack;
    h.flags = flags;
    h.len = len;
    h.wnd = side == W_C ? 64240 : 65160;
    if (flags & TT_TCP_SYN) {
        h.has_mss = 1;
        h.mss = 1460;
        h.sack_ok = 1;
        h.has_wscale = 1;
        h.wscale = 7;
    }
    return h;
}

/* Send a segment; lost != 0 drops it on the wire; cause marks a retransmission. */
static inline void w_send_x(struct wire *w, int side, uint8_t flags, uint32_t seq, uint32_t ack,
                            uint32_t len, tt_time t, int lost, int cause)
{
    w_flush(w, t);
    struct tt_trace_seg h = w_hdr(side, flags, seq, ack, len);
    w_event(w, side, TT_TRACE_TCP_SEG_OUT, t, &h, cause);
    if (lost) {
        tt_ladder_lost(w->l, w->l->nseg - 1, t);
        return;
    }
    w->q[w->n].to = !side;
    w->q[w->n].h = h;
    w->q[w->n].at = t + w->delay;
    w->n++;
}

static inline void w_send(struct wire *w, int side, uint8_t flags, uint32_t seq, uint32_t ack,
                          uint32_t len, tt_time t)
{
    w_send_x(w, side, flags, seq, ack, len, t, 0, 0);
}

static inline void w_state(struct wire *w, int side, int old_state, int new_state, tt_time t)
{
    w_flush(w, t);
    struct tt_trace_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = TT_TRACE_TCP_STATE;
    ev.now = t;
    ev.conn_id = 1;
    ev.old_state = old_state;
    ev.new_state = new_state;
    tt_ladder_trace(w->l, side, &ev);
}

#define MS(x) TT_MSEC(x)
#define SA (TT_TCP_SYN | TT_TCP_ACK)
#define A TT_TCP_ACK
#define PA (TT_TCP_PSH | TT_TCP_ACK)
#define FA (TT_TCP_FIN | TT_TCP_ACK)

/* The three-way handshake, 5 ms each way, starting at t0 (ms). Ends at t0+15
 * with both sides ESTABLISHED. */
static inline void w_handshake(struct wire *w, tt_time t0)
{
    w_state(w, W_S, TT_CLOSED, TT_LISTEN, MS(t0));
    w_state(w, W_C, TT_CLOSED, TT_SYN_SENT, MS(t0));
    w_send(w, W_C, TT_TCP_SYN, W_ISN_C, 0, 0, MS(t0));
    w_state(w, W_S, TT_LISTEN, TT_SYN_RECEIVED, MS(t0 + 5));
    w_send(w, W_S, SA, W_ISN_S, W_ISN_C + 1, 0, MS(t0 + 5));
    w_state(w, W_C, TT_SYN_SENT, TT_ESTABLISHED, MS(t0 + 10));
    w_send(w, W_C, A, W_ISN_C + 1, W_ISN_S + 1, 0, MS(t0 + 10));
    w_state(w, W_S, TT_SYN_RECEIVED, TT_ESTABLISHED, MS(t0 + 15));
}

#endif
