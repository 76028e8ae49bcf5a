/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Trace events: the one window into a running stack. The ladder diagram, pcap
 * capture, statistics and tests are all built on these events. The host sets a
 * hook with tt_stack_set_trace(); the hook is called synchronously, must not
 * call back into the stack, and must copy anything it keeps: pointers inside an
 * event are valid only for the duration of the call.
 */
#ifndef TETHER_TRACE_H
#define TETHER_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "counters.h"
#include "time.h"

enum tt_trace_kind {
    TT_TRACE_FRAME_IN,       /* a frame arrived at an interface (before validation) */
    TT_TRACE_FRAME_OUT,      /* a frame was handed to the link's transmit */
    TT_TRACE_DROP,           /* a frame or segment was dropped: see .drop */
    TT_TRACE_TCP_SEG_IN,     /* a TCP segment reached a connection: .seg, .accepted/.drop */
    TT_TRACE_TCP_SEG_OUT,    /* a TCP segment was sent: .seg, .rexmit */
    TT_TRACE_TCP_STATE,      /* a connection changed state: .old_state -> .new_state */
    TT_TRACE_TCP_RETRANSMIT, /* a retransmission was decided: .cause, .seg */
    TT_TRACE_TCP_CWND,       /* the congestion window changed: .cwnd, .ssthresh */
    TT_TRACE_TCP_OPEN,       /* a connection object came to life (connect, accept) */
    TT_TRACE_TCP_CLOSE,      /* a connection object was freed; .err says why it ended */
};

enum tt_rexmit_cause {
    TT_REXMIT_NONE = 0,
    TT_REXMIT_RTO,  /* retransmission timer (RFC 6298) */
    TT_REXMIT_FAST, /* three duplicate ACKs (RFC 5681) */
    TT_REXMIT_SACK, /* SACK-based loss recovery (RFC 6675) */
    TT_REXMIT_RACK, /* RACK (RFC 8985) */
    TT_REXMIT_TLP,  /* tail loss probe (RFC 8985) */
    TT_REXMIT_SYN,  /* SYN or SYN-ACK retransmission */
};

/* TCP flag bits as on the wire. */
#define TT_TCP_FIN 0x01
#define TT_TCP_SYN 0x02
#define TT_TCP_RST 0x04
#define TT_TCP_PSH 0x08
#define TT_TCP_ACK 0x10
#define TT_TCP_URG 0x20
#define TT_TCP_ECE 0x40
#define TT_TCP_CWR 0x80

/* A TCP segment as the ladder needs it, in host order, absolute numbers. */
struct tt_trace_seg {
    struct tt_addr saddr, daddr; /* IPv4 or IPv6 */
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags; /* TT_TCP_* */
    uint16_t wnd;  /* the raw 16-bit field */
    uint16_t urp;
    uint32_t len; /* payload bytes */
    /* Options present (has_*) and their values. */
    uint8_t has_mss, has_wscale, sack_ok, has_ts;
    uint16_t mss;
    uint8_t wscale;
    uint32_t ts_val, ts_ecr;
    uint8_t nsack; /* SACK blocks, up to 4 */
    uint32_t sack[4][2];
};

struct tt_trace_event {
    enum tt_trace_kind kind;
    tt_time now;
    int iface;                /* interface index, -1 when not applicable */
    const void *conn;         /* TCP events: the connection handle (struct tt_tcp *) */
    uint32_t conn_id;         /* TCP events: a per-stack connection serial, from 1 */
    enum tt_drop_reason drop; /* DROP, and TCP_SEG_IN when !accepted */
    int accepted;             /* TCP_SEG_IN: 1 accepted, 0 dropped */
    const uint8_t *frame;     /* FRAME_IN, FRAME_OUT, DROP (may be NULL) */
    size_t frame_len;
    struct tt_trace_seg seg;    /* TCP_SEG_IN, TCP_SEG_OUT, TCP_RETRANSMIT */
    enum tt_rexmit_cause cause; /* TCP_RETRANSMIT, and TCP_SEG_OUT of a retransmission */
    int old_state, new_state;   /* TCP_STATE: enum tt_tcp_state values */
    uint32_t cwnd, ssthresh;    /* TCP_CWND: bytes */
    int err;                    /* TCP_CLOSE: 0 or the TT_E* the connection ended with */
    /* TCP_RETRANSMIT with cause RACK: the segment was sent rack_age µs ago,
     * more than rack_rtt + reo_wnd (RFC 8985 §6.2). */
    tt_time rack_age;
    uint32_t rack_rtt, reo_wnd;
};

typedef void (*tt_trace_fn)(void *ctx, const struct tt_trace_event *ev);

#endif
