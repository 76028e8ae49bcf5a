/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ladder diagram: a model of one TCP connection between a client (left)
 * and a server (right), recorded from the trace events of two stacks (or
 * inferred from a pcap), and its renderers: the terminal ladder and an SVG.
 *
 * The model is a list of events in the order they happened: a segment sent,
 * received, lost on the link, and each side's state changes. Everything is
 * copied in; nothing points back into a stack. Memory comes from malloc (this
 * is host code); running out of it marks the model truncated, never crashes.
 *
 * Typical use, with two stacks on a virtual clock:
 *
 *     struct tt_ladder l;
 *     tt_ladder_init(&l);
 *     tt_stack_set_trace(client, tt_ladder_trace_client, &l);
 *     tt_stack_set_trace(server, tt_ladder_trace_server, &l);
 *     tt_memlink_set_fate_hook(link, tt_ladder_fate_hook, &l);  (end A = client)
 *     ... run ...
 *     tt_ladder_render_text(&l, &opts, stdout);
 *     tt_ladder_free(&l);
 */
#ifndef TETHER_TOOLS_LADDER_H
#define TETHER_TOOLS_LADDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <tether/link.h>
#include <tether/time.h>
#include <tether/trace.h>

#define TT_LADDER_CLIENT 0
#define TT_LADDER_SERVER 1

/* The ladder's own state numbers, so that it does not depend on the order of
 * enum tt_tcp_state (tt_ladder_state_from_tcp maps them). */
enum tt_ladder_state {
    TT_LS_NONE = 0, /* unknown / no change */
    TT_LS_CLOSED,
    TT_LS_LISTEN,
    TT_LS_SYN_SENT,
    TT_LS_SYN_RECEIVED,
    TT_LS_ESTABLISHED,
    TT_LS_FIN_WAIT_1,
    TT_LS_FIN_WAIT_2,
    TT_LS_CLOSE_WAIT,
    TT_LS_CLOSING,
    TT_LS_LAST_ACK,
    TT_LS_TIME_WAIT,
    TT_LS_COUNT
};

/* "SYN-SENT" etc. (RFC 9293 spelling); "?" for TT_LS_NONE or out of range. */
const char *tt_ladder_state_name(enum tt_ladder_state s);
/* Map an enum tt_tcp_state value (trace .old_state/.new_state). */
enum tt_ladder_state tt_ladder_state_from_tcp(int tcp_state);

enum tt_ladder_ev_kind {
    TT_LEV_SEND,  /* .seg sent by .side */
    TT_LEV_RECV,  /* .seg reached .side (accepted or not: see the segment) */
    TT_LEV_LOST,  /* .seg, sent by .side, was lost on the link */
    TT_LEV_STATE, /* .side went from .old_state to .new_state */
};

struct tt_ladder_ev {
    enum tt_ladder_ev_kind kind;
    int side;
    tt_time t;
    size_t seg;
    enum tt_ladder_state old_state, new_state;
};

struct tt_ladder_seg {
    struct tt_trace_seg h; /* the header, absolute numbers */
    int from;              /* sending side */
    tt_time t_sent;
    tt_time t_recv; /* TT_TIME_NEVER until received */
    int lost;       /* the link lost it */
    int rejected;   /* the receiver dropped it: .drop says why */
    enum tt_drop_reason drop;
    enum tt_rexmit_cause cause; /* TT_REXMIT_NONE for a first transmission */
    tt_time rack_age;           /* cause RACK: sent this long ago (µs), 0 = unknown */
    uint32_t rack_rtt, reo_wnd; /* ... more than RACK.rtt + reo_wnd */
    int wired;                  /* the link has seen it (tt_ladder_frame_wire) */
    tt_time held;               /* how long it waited for ARP before it left (µs) */
};

/* ARP as the link saw it (in-memory link only): what explains a segment held
 * back until the neighbour's address was known. */
struct tt_ladder_arp {
    size_t requests, replies; /* ARP frames each side sent */
    tt_time first_request;    /* TT_TIME_NEVER: none */
    tt_time held_max;         /* the longest a segment of the side waited */
    long held_seg;            /* that segment (-1: none) */
};

struct tt_ladder {
    struct tt_ladder_ev *ev;
    size_t nev, cap_ev;
    struct tt_ladder_seg *seg;
    size_t nseg, cap_seg;
    int have_tuple;   /* addr/port known (set by the first segment) */
    uint32_t addr[2]; /* indexed by side */
    uint16_t port[2];
    uint32_t conn_id[2]; /* trace: the connection followed on each side (0: none yet) */
    enum tt_ladder_state init_state[2]; /* state before the first change */
    enum tt_ladder_state cur_state[2];
    enum tt_rexmit_cause pending_cause[2]; /* from TCP_RETRANSMIT, for the next SEND */
    tt_time pending_age[2];                /* RACK reason of that retransmission */
    uint32_t pending_rtt[2], pending_reo[2];
    int inferred;  /* states were inferred from packets (pcap) */
    int truncated; /* malloc failed: events are missing */
    size_t cut_at; /* pcap: the file is cut short (or damaged) at this byte offset; 0: whole */
    struct tt_ladder_arp arp[2]; /* indexed by side */
};

void tt_ladder_init(struct tt_ladder *l);

/*
 * The link put a frame from `side` on the wire at `now` (the in-memory link's
 * fate hook calls it for every frame). A TCP segment of the connection that
 * the trace recorded earlier (it waited in the ARP queue) is moved to the
 * moment it left, its wait kept in .held; an ARP frame is counted. Returns 1
 * when the frame was one of those.
 */
int tt_ladder_frame_wire(struct tt_ladder *l, int side, const uint8_t *frame, size_t len,
                         enum tt_framing framing, tt_time now);
void tt_ladder_free(struct tt_ladder *l);

/* ---- recording ---- */

/*
 * Feed one trace event from the stack playing `side`. The first segment sent
 * fixes the connection (4-tuple) followed; events of other connections are
 * ignored. Matches a received segment to the one sent by the other side.
 */
void tt_ladder_trace(struct tt_ladder *l, int side, const struct tt_trace_event *ev);
/* tt_trace_fn adaptors: ctx is the struct tt_ladder. */
void tt_ladder_trace_client(void *ctx, const struct tt_trace_event *ev);
void tt_ladder_trace_server(void *ctx, const struct tt_trace_event *ev);

/*
 * A memlink fate hook (tt_memlink_fate_fn) for a link whose end A is the
 * client: LOST and QUEUE_DROP frames are matched to the segment just sent.
 */
struct tt_memlink_fate_event;
void tt_ladder_fate_hook(void *ctx, const struct tt_memlink_fate_event *ev);

/* A frame sent by `side` was lost on the link at `now`. Returns 1 when it was
 * a TCP segment of the connection that matched a recorded segment, else 0. */
int tt_ladder_frame_lost(struct tt_ladder *l, int side, const uint8_t *frame, size_t len,
                         enum tt_framing framing, tt_time now);

/* Low-level recording (pcap inference and tests). Return the segment index,
 * or -1 (out of memory). */
long tt_ladder_send(struct tt_ladder *l, int side, const struct tt_trace_seg *h,
                    enum tt_rexmit_cause cause, tt_time now);
void tt_ladder_recv(struct tt_ladder *l, size_t seg, tt_time now);
void tt_ladder_lost(struct tt_ladder *l, size_t seg, tt_time now);
void tt_ladder_set_state(struct tt_ladder *l, int side, enum tt_ladder_state st, tt_time now);
/* Declare the states before the first change (LISTEN for a server, ...). */
void tt_ladder_set_initial(struct tt_ladder *l, enum tt_ladder_state client,
                           enum tt_ladder_state server);

/*
 * Parse an IPv4/TCP packet (Ethernet or raw IP framing, or a bare IPv4 packet
 * with TT_FRAMING_RAW_IP) into *out. Returns 0, or -1 when it is not a
 * well-formed IPv4 TCP segment. Bounds-checked; no checksum verification.
 */
int tt_ladder_parse_ip(const uint8_t *ip, size_t len, struct tt_trace_seg *out);
int tt_ladder_parse_frame(const uint8_t *frame, size_t len, enum tt_framing framing,
                          struct tt_trace_seg *out);

/*
 * Load one TCP connection from a capture (classic pcap or pcapng; Ethernet,
 * raw IP, Linux cooked SLL or SLL2, BSD loopback; VLAN tags, IPv4 options and
 * packets other than IPv4 TCP are passed over), inferring each side's states
 * from the packets (l->inferred is set). A file cut short keeps what it holds:
 * the cut is reported on `msgs` and in l->cut_at. With
 * conn (1-based, in order of first packet) or port (either end) non-zero,
 * pick that connection; with neither, the file must hold exactly one. 0, or
 * TT_EINVAL when no single connection matches (the list of connections is
 * printed to `msgs`), or the pcap reader's error (TT_ENOENT, TT_EPROTO, ...).
 */
int tt_ladder_load_pcap(const char *path, unsigned conn, unsigned port, struct tt_ladder *l,
                        FILE *msgs);

/* ---- rendering ---- */

struct tt_ladder_opts {
    int absolute; /* raw sequence numbers instead of relative ones */
    int explain;  /* a plain-language sentence under each row */
    int color;    /* ANSI colours (text only) */
    int max_run;  /* runs of plain data/ACK rows longer than this are summarised; 0 = 8 */
};

void tt_ladder_opts_default(struct tt_ladder_opts *o);

/* The terminal ladder, 80 columns. 0, or TT_ENOMEM / TT_ENOSPC (write error). */
int tt_ladder_render_text(const struct tt_ladder *l, const struct tt_ladder_opts *o, FILE *out);

/* A self-contained SVG document. 0, or TT_ENOMEM / TT_ENOSPC. */
int tt_ladder_render_svg(const struct tt_ladder *l, const struct tt_ladder_opts *o, FILE *out);

/* Totals for a summary line. */
struct tt_ladder_stats {
    size_t segs[2];    /* segments sent by each side */
    size_t rexmits[2]; /* of which retransmissions */
    size_t lost[2];    /* lost on the link */
    uint64_t bytes[2]; /* payload bytes sent, first transmissions only */
    tt_time t_first, t_last;
    tt_time handshake; /* client SYN sent to client's ACK of SYN-ACK sent; 0 if none */
    int closed_first;  /* side whose FIN went first, -1 if none */
    int reset;         /* an RST was sent */
};
void tt_ladder_stats(const struct tt_ladder *l, struct tt_ladder_stats *st);

/* ---- shared by the renderers (internal to tools/ladder/) ---- */

enum tt_ladder_row_kind {
    TT_LROW_SEG,   /* .seg; .st[side] a state entered at that moment (or NONE) */
    TT_LROW_STATE, /* .side entered .st[.side] */
    TT_LROW_RUN,   /* segments .first...last (indices into l->seg) summarised */
    TT_LROW_GAP,   /* nothing for .t_end - .t */
};

struct tt_ladder_row {
    enum tt_ladder_row_kind kind;
    tt_time t, t_end;
    size_t seg;
    int side;
    enum tt_ladder_state st[2];
    enum tt_ladder_state cur[2]; /* each side's state after this row */
    /* RUN: per direction (sending side) */
    size_t run_data[2], run_acks[2];
    uint64_t run_bytes[2];
    size_t first, last;
};

int tt__ladder_rows(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                    struct tt_ladder_row **rows, size_t *n);
/* What every renderer does first: a NULL *o becomes `def`, filled with the
 * defaults, then the rows as tt__ladder_rows (the caller frees *rows). 0 or
 * TT_ENOMEM. */
int tt__ladder_begin(const struct tt_ladder *l, const struct tt_ladder_opts **o,
                     struct tt_ladder_opts *def, struct tt_ladder_row **rows, size_t *n);
/* The states drawn in the heading; returns the index of the first event
 * that gets a row. */
size_t tt__ladder_initial(const struct tt_ladder *l, enum tt_ladder_state st[2]);
/* The base for relative numbers of what `side` sends (its ISN). */
uint32_t tt__ladder_base(const struct tt_ladder *l, int side);
/* Label tokens of a segment: main (on the arrow) and sub (below it); each
 * call writes NUL-terminated strings of at most `cap` bytes. `main_width` is
 * the room on the arrow in columns. */
void tt__ladder_label(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                      const struct tt_ladder_seg *s, int main_width, char *main_buf, char *sub_buf,
                      size_t cap);
/* One plain-language sentence for a row. */
void tt__ladder_explain(const struct tt_ladder *l, const struct tt_ladder_opts *o,
                        const struct tt_ladder_row *rows, size_t i, char *buf, size_t cap);
/* "12.345" milliseconds since t0, into buf. */
void tt__ladder_fmt_ms(tt_time t, tt_time t0, char *buf, size_t cap);
/* "1.500 s" from 1 s up, "12.345 ms" below. */
void tt__ladder_fmt_dur(tt_time dt, char *buf, size_t cap);
/* Display width of a UTF-8 string (code points; all single-width here). */
size_t tt__ladder_utf8_width(const char *s);
/* Time of the first event. */
tt_time tt__ladder_t0(const struct tt_ladder *l);
/* "client"/"server" */
const char *tt__ladder_side_name(int side);
/* "192.0.2.1:40112" for a side, "" when unknown. */
void tt__ladder_endpoint(const struct tt_ladder *l, int side, char *buf, size_t cap);
/* "192.0.2.1:40112" from a host-order address and a port. */
void tt__ladder_fmt_endpoint(uint32_t addr, uint16_t port, char *buf, size_t cap);

#endif
