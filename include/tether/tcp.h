/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP handles: the application's side of RFC 9293 §3.10.1-3.10.6, shaped like
 * BSD sockets so that a packetdrill-style runner maps onto it one call for one.
 *
 * Every call is non-blocking and takes `now` (virtual or real microseconds, see
 * time.h). Calls return 0 or a count on success and a negative TT_E* code on
 * failure (errors.h). Each code is named after the errno value a socket call
 * would give in the same case (TT_EAGAIN where read() gives EAGAIN, ...), but
 * the numbers are tether's own, not errno's: compare with the TT_E* names.
 *
 * Ownership and lifetime:
 *  - tt_tcp_open() and tt_tcp_accept() hand the application a handle. The
 *    application owns its reference until it calls tt_tcp_close() or
 *    tt_tcp_abort(); after either call the pointer must not be used again.
 *  - The protocol may keep the control block alive after that (FIN-WAIT,
 *    CLOSING, LAST-ACK, TIME-WAIT continue without the application) and frees
 *    it exactly once, when both the application and the protocol are done.
 *  - A connection that fails (RST, timeout) while the application still holds
 *    it stays valid: every call then reports the error, state is TT_CLOSED,
 *    and the application still has to call tt_tcp_close().
 *  - tt_stack_destroy() frees every handle; pointers die with the stack.
 *
 * Readiness: tt_tcp_events() returns level-triggered TT_TCP_EV_* flags. The
 * optional event callback (tt_tcp_set_callback) is called synchronously from
 * inside the stack whenever new flags may have become true; it MUST NOT call
 * into the stack (record and act after the stack call returns).
 */
#ifndef TETHER_TCP_H
#define TETHER_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "stack.h"
#include "time.h"

struct tt_tcp;

/*
 * The eleven states of RFC 9293 §3.3.2, ordered so that "synchronized"
 * (§3.5.2, §3.10.7.4: ESTABLISHED and every later state) is a comparison:
 * state >= TT_ESTABLISHED.
 */
enum tt_tcp_state {
    TT_CLOSED = 0,
    TT_LISTEN,
    TT_SYN_SENT,
    TT_SYN_RECEIVED,
    TT_ESTABLISHED,
    TT_FIN_WAIT_1,
    TT_FIN_WAIT_2,
    TT_CLOSE_WAIT,
    TT_CLOSING,
    TT_LAST_ACK,
    TT_TIME_WAIT,
    TT_TCP_NSTATES
};

/* "CLOSED", "LISTEN", "SYN-SENT", ... as RFC 9293 writes them; "?" out of range. */
const char *tt_tcp_state_name(int state);

/* Readiness flags (level-triggered). */
#define TT_TCP_EV_READABLE 0x01   /* recv would not return TT_EAGAIN (data, EOF or error) */
#define TT_TCP_EV_WRITABLE 0x02   /* send would accept at least one byte (or fail) */
#define TT_TCP_EV_CONNECTED 0x04  /* the handshake completed (ESTABLISHED reached) */
#define TT_TCP_EV_ACCEPTABLE 0x08 /* a listener has a connection ready for accept */
#define TT_TCP_EV_ERROR 0x10      /* the connection failed: see tt_tcp_error() */
#define TT_TCP_EV_RDHUP 0x20      /* the peer's FIN was read (end of stream seen) */
#define TT_TCP_EV_CLOSED 0x40     /* the connection reached CLOSED */
#define TT_TCP_EV_URGENT 0x80     /* urgent data is ahead in the stream: see tt_tcp_urgent() */

typedef void (*tt_tcp_event_fn)(void *ctx, struct tt_tcp *t, unsigned events);

/*
 * Create an unbound, CLOSED handle. TT_ENOMEM when the allocator refuses or
 * max_connections is reached. *out is owned by the caller (see above).
 */
int tt_tcp_open(struct tt_stack *s, struct tt_tcp **out);

/*
 * Bind the local address (0 = any of ours) and port (0 = an ephemeral port
 * chosen at listen/connect). TT_EADDRNOTAVAIL for an address not ours,
 * TT_EADDRINUSE when a listener already uses the address and port (a
 * connection on them, TIME-WAIT included, does not stop a bind, whatever
 * TT_TCP_OPT_REUSEADDR says), TT_EINVAL when already bound or not CLOSED.
 */
int tt_tcp_bind(struct tt_tcp *t, uint32_t addr, uint16_t port);

/*
 * Passive open (RFC 9293 §3.10.1): CLOSED -> LISTEN. backlog bounds the
 * accept queue (completed connections not yet accepted); 0 means 1, values
 * above max_syn_backlog are clamped. A handle not bound gets an ephemeral
 * port. TT_EINVAL when not CLOSED (or already failed), TT_EADDRINUSE.
 */
int tt_tcp_listen(struct tt_tcp *t, int backlog, tt_time now);

/*
 * Take one established connection off a listener's accept queue.
 * TT_EAGAIN when none is ready, TT_EINVAL when t is not listening. *out is a
 * new handle owned by the caller.
 */
int tt_tcp_accept(struct tt_tcp *t, struct tt_tcp **out, tt_time now);

/*
 * Active open (RFC 9293 §3.10.1): sends a SYN and returns TT_EINPROGRESS;
 * TT_TCP_EV_CONNECTED (or EV_ERROR) reports the outcome. An unbound handle is
 * bound to the route's source address and an RFC 6056 ephemeral port.
 * Errors: TT_EISCONN (already connected), TT_EALREADY (connect in progress),
 * TT_ENETUNREACH (no route), TT_EADDRNOTAVAIL (no free port), TT_EADDRINUSE
 * (the 4-tuple is in use), TT_EINVAL (listening, or bad address/port),
 * TT_ENOMEM. The failure of the handshake is later reported by
 * tt_tcp_error(): TT_ECONNREFUSED (RST), TT_ETIMEDOUT (syn_retries ran out),
 * TT_EHOSTUNREACH / TT_ENETUNREACH (ICMP, RFC 1122 §4.2.3.9).
 */
int tt_tcp_connect(struct tt_tcp *t, uint32_t addr, uint16_t port, tt_time now);

/*
 * Connect with data in the SYN (RFC 7413; Linux sendto with MSG_FASTOPEN).
 * With a cookie for addr cached (or cfg.tcp.fastopen & TT_TFO_CLIENT_NO_COOKIE)
 * the SYN carries the data and the call returns the bytes taken; without one
 * the SYN asks for a cookie and the call returns TT_EINPROGRESS having taken
 * nothing (send again once connected). Data a server does not acknowledge
 * in its SYN-ACK is sent again after the handshake. Other errors as
 * tt_tcp_connect.
 */
long tt_tcp_connect_send(struct tt_tcp *t, uint32_t addr, uint16_t port, const void *buf,
                         size_t len, tt_time now);

/*
 * Fast Open server keys (Linux TCP_FASTOPEN_KEY / tcp_fastopen_key): cookies
 * are made under primary and accepted under it or backup (NULL: none), for
 * rotation. Each key is 16 bytes; stack-wide. 0 or TT_EINVAL.
 */
int tt_tcp_fastopen_key(struct tt_stack *s, const uint8_t primary[16], const uint8_t *backup);

/* The cookie this stack gives a client at `client` reaching it at `server`
 * (8 bytes into out; returns 8): packetdrill's TFO_COOKIE. */
int tt_tcp_fastopen_cookie(const struct tt_stack *s, uint32_t client, uint32_t server,
                           uint8_t out[8]);

/*
 * Queue up to len bytes (copied) for sending (RFC 9293 §3.10.2). Returns the
 * count taken (possibly short when the send buffer fills), TT_EAGAIN when the
 * buffer is full or the handshake has not completed, TT_EPIPE after our FIN
 * (shutdown(write) or close), TT_ENOTCONN when never connected, or the
 * connection's error (TT_ECONNRESET, TT_ETIMEDOUT, ...).
 */
long tt_tcp_send(struct tt_tcp *t, const void *buf, size_t len, tt_time now);

/*
 * Copy up to len received bytes out (RFC 9293 §3.10.3). Returns the count,
 * 0 at end of stream (the peer's FIN, or after shutdown(read)), TT_EAGAIN
 * when nothing is ready yet, TT_ENOTCONN when never connected, or the
 * connection's error (TT_ECONNRESET after an RST, ...).
 */
long tt_tcp_recv(struct tt_tcp *t, void *buf, size_t len, tt_time now);

/*
 * tt_tcp_recv with flags (Linux recv(2) semantics):
 *  - TT_TCP_RECV_PEEK: copy without consuming (MSG_PEEK); the window does not
 *    move and the next read returns the same bytes.
 *  - TT_TCP_RECV_WAITALL: all len bytes or nothing (MSG_WAITALL on a
 *    non-blocking call): TT_EAGAIN while fewer are queued, unless the stream
 *    ended or failed, when what is queued is returned.
 * If inq is not NULL it receives the bytes left readable after the call
 * (Linux TCP_INQ / TCP_CM_INQ: 1 when none are left but the stream has ended,
 * so a reader knows to read once more and see the end). TT_EINVAL for an
 * unknown flag.
 */
#define TT_TCP_RECV_PEEK 0x1
#define TT_TCP_RECV_WAITALL 0x2
long tt_tcp_recv_flags(struct tt_tcp *t, void *buf, size_t len, unsigned flags, size_t *inq,
                       tt_time now);

/*
 * Send with URGENT (RFC 9293 §3.8.5, §3.10.2): as tt_tcp_send, and the urgent
 * pointer marks the end of these bytes; segments up to there carry URG. The
 * data itself stays in the stream (there is no out-of-band byte).
 */
long tt_tcp_send_urgent(struct tt_tcp *t, const void *buf, size_t len, tt_time now);

/*
 * tt_tcp_send with flags:
 *  - TT_TCP_SEND_MORE: more data follows soon (Linux MSG_MORE). This send
 *    does not push: a short last segment is held as under TT_TCP_OPT_CORK,
 *    and nothing of it carries PSH. The hold ends with the next send without
 *    the flag, an ACK when no-delay is on, or the persist timer (about one
 *    RTO, at least 200 ms, with nothing in flight).
 *  - TT_TCP_SEND_URGENT: as tt_tcp_send_urgent.
 * Any other bit: TT_EINVAL, nothing queued.
 */
#define TT_TCP_SEND_MORE 0x1
#define TT_TCP_SEND_URGENT 0x2
long tt_tcp_send_flags(struct tt_tcp *t, const void *buf, size_t len, unsigned flags, tt_time now);

/*
 * Urgent data received (RFC 9293 MUST-31): the number of bytes from the next
 * byte recv would return up to the end of the urgent data (the peer's urgent
 * pointer), or 0 when no urgent data lies ahead. The urgent bytes are read
 * in line with tt_tcp_recv; TT_TCP_EV_URGENT is reported when a pointer
 * arrives ahead of what was read and no urgent data was pending.
 */
long tt_tcp_urgent(const struct tt_tcp *t);

/* Bytes readable now / bytes queued in the send buffer (unacked + unsent). */
size_t tt_tcp_readable(const struct tt_tcp *t);
size_t tt_tcp_unsent(const struct tt_tcp *t);

#define TT_SHUT_RD 0x1
#define TT_SHUT_WR 0x2
#define TT_SHUT_RDWR 0x3
/*
 * Half-close. TT_SHUT_WR queues a FIN after the data already queued and keeps
 * receiving; TT_SHUT_RD makes recv return 0 from now on and discards data
 * arriving later. TT_ENOTCONN when not connected, TT_EINVAL for bad `how`.
 */
int tt_tcp_shutdown(struct tt_tcp *t, int how, tt_time now);

/*
 * Release the application's reference (RFC 9293 §3.10.4). Graceful close: a
 * FIN after the queued data, then FIN-WAIT/TIME-WAIT without the
 * application. Sends an RST instead (RFC 2525 §2.17, as Linux does) when
 * received data is still unread, or when TT_TCP_OPT_LINGER is 0. A listener
 * resets the connections waiting in its accept queue. Always returns 0; the
 * handle is invalid afterwards.
 */
int tt_tcp_close(struct tt_tcp *t, tt_time now);

/*
 * Abort (RFC 9293 §3.10.5): send an RST when synchronized, drop every queue,
 * and release the application's reference. Always returns 0; the handle is
 * invalid afterwards.
 */
int tt_tcp_abort(struct tt_tcp *t, tt_time now);

/* Options, read and written as ints. */
enum tt_tcp_opt {
    TT_TCP_OPT_NODELAY = 1,  /* bool; default 0 (Nagle on) */
    TT_TCP_OPT_KEEPALIVE,    /* bool; default 0 */
    TT_TCP_OPT_KEEPIDLE,     /* seconds; default cfg.keepalive_time */
    TT_TCP_OPT_KEEPINTVL,    /* seconds; default cfg.keepalive_intvl */
    TT_TCP_OPT_KEEPCNT,      /* probes; default cfg.keepalive_probes */
    TT_TCP_OPT_LINGER,       /* -1 off (default); >= 0 seconds (0: close sends RST) */
    TT_TCP_OPT_SNDBUF,       /* bytes; default cfg.wmem_default, max cfg.wmem_max */
    TT_TCP_OPT_RCVBUF,       /* bytes; default cfg.rmem_default, max cfg.rmem_max */
    TT_TCP_OPT_MAXSEG,       /* set before connect/listen: MSS to advertise; get: the
                                send MSS (minus timestamps), as Linux TCP_MAXSEG */
    TT_TCP_OPT_REUSEADDR,    /* bool; default 0. Kept and reported (as SO_REUSEADDR)
                                for socket-shaped callers; bind does not read it */
    TT_TCP_OPT_LINGER2,      /* seconds of orphaned FIN-WAIT-2; default cfg.fin_timeout */
    TT_TCP_OPT_USER_TIMEOUT, /* milliseconds (RFC 5482 style); 0 = off (default) */
    TT_TCP_OPT_CORK,         /* bool; default 0. While set only full-sized segments are
                                sent; clearing it pushes what is held. Held data with
                                nothing in flight goes out after one RTO (as Linux) */
    TT_TCP_OPT_CONGESTION, /* enum tt_tcp_cc (tcp_config.h); default cfg.tcp.congestion_control. May
                              be set at any time (Linux TCP_CONGESTION); on a live connection the
                              new module starts from cwnd/ssthresh */
    TT_TCP_OPT_NOTSENT_LOWAT,    /* bytes; 0 (default) = cfg.tcp.notsent_lowat. Writable, and a send
                                    accepted, only while fewer bytes than this are queued but not
                                    yet sent (Linux TCP_NOTSENT_LOWAT; a send then takes what fits
                                    the send buffer); inherited by accepted connections */
    TT_TCP_OPT_FASTOPEN,         /* listener: the Fast Open queue limit (RFC 7413 §5.1;
                                    Linux TCP_FASTOPEN), 0 (default) = off unless
                                    cfg.tcp.fastopen has TT_TFO_SERVER_ALL; needs TT_TFO_SERVER */
    TT_TCP_OPT_FASTOPEN_CONNECT, /* bool, before connect (Linux TCP_FASTOPEN_CONNECT): with a
                                    cached cookie connect returns 0 at once and the first
                                    tt_tcp_send rides in the SYN */
    TT_TCP_OPT_FASTOPEN_NO_COOKIE, /* bool (Linux TCP_FASTOPEN_NO_COOKIE): a client sends SYN
                                      data without a cookie, a listener takes it so */
};

/* The module's name as Linux's TCP_CONGESTION spells it ("reno", "cubic"), or
 * NULL for an unknown value; and back (TT_EINVAL for an unknown name). */
const char *tt_tcp_cc_name(int cc);
int tt_tcp_cc_by_name(const char *name);

/* TT_EINVAL for an unknown option or a value out of range. */
int tt_tcp_setopt(struct tt_tcp *t, enum tt_tcp_opt opt, int value);
int tt_tcp_getopt(const struct tt_tcp *t, enum tt_tcp_opt opt, int *value);

/* The current state (enum tt_tcp_state). */
int tt_tcp_state(const struct tt_tcp *t);

/* The connection's error (0 while none; sticky once set: TT_ECONNRESET, ...).
 * A soft error (ICMP during the handshake) is reported while no hard one is. */
int tt_tcp_error(const struct tt_tcp *t);

/* Readiness: TT_TCP_EV_* flags true now. */
unsigned tt_tcp_events(const struct tt_tcp *t);

/* Set (fn NULL: clear) the event callback of this handle. */
void tt_tcp_set_callback(struct tt_tcp *t, tt_tcp_event_fn fn, void *ctx);

/* Local and remote addresses (host order); 0 where not known yet. */
void tt_tcp_local(const struct tt_tcp *t, uint32_t *addr, uint16_t *port);
void tt_tcp_remote(const struct tt_tcp *t, uint32_t *addr, uint16_t *port);

/* The per-stack serial of this connection (the trace events' conn_id). */
uint32_t tt_tcp_id(const struct tt_tcp *t);

/* Option bits of struct tt_tcp_info.options (Linux TCPI_OPT_*). */
#define TT_TCPI_OPT_TIMESTAMPS 0x1
#define TT_TCPI_OPT_SACK 0x2
#define TT_TCPI_OPT_WSCALE 0x4
#define TT_TCPI_OPT_ECN 0x8       /* ECN negotiated (RFC 3168) */
#define TT_TCPI_OPT_SYN_DATA 0x20 /* Fast Open: data in the SYN acknowledged (RFC 7413) */

/* A TCP_INFO-like snapshot. Times in microseconds. */
struct tt_tcp_info {
    uint8_t state;   /* enum tt_tcp_state */
    uint8_t options; /* TT_TCPI_OPT_* negotiated */
    uint8_t snd_wscale, rcv_wscale;
    uint8_t backoff;     /* RTO doublings in force */
    uint8_t probes;      /* keepalive or zero-window probes unanswered */
    uint8_t retransmits; /* consecutive RTO retransmissions of the head */
    uint32_t conn_id;
    tt_time rto, rtt, rttvar; /* rtt = smoothed RTT; 0 before a sample */
    uint32_t snd_mss, rcv_mss, adv_mss;
    uint32_t snd_cwnd;         /* segments, as Linux reports it */
    uint32_t snd_ssthresh;     /* segments */
    uint32_t snd_wnd, rcv_wnd; /* bytes */
    uint32_t unacked;          /* segments in flight */
    uint32_t retrans;          /* segments retransmitted and not yet acked */
    uint32_t total_retrans;
    uint64_t bytes_sent, bytes_acked, bytes_received, bytes_retrans;
    uint64_t segs_in, segs_out;
    tt_time last_data_recv, last_data_sent, last_ack_recv; /* absolute times; 0 = never */
    uint32_t snd_una, snd_nxt, rcv_nxt;                    /* absolute sequence numbers */
    uint32_t iss, irs;
    tt_time min_rtt; /* least RTT sample; 0 before one */
    /* Time the sender spent with data queued or in flight (busy), and the
     * parts of it held back by the peer's window or by the send buffer
     * (Linux tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited). */
    tt_time busy_time, rwnd_limited, sndbuf_limited;
    /* Loss recovery (Linux tcpi_ca_state, tcpi_lost, tcpi_sacked,
     * tcpi_reordering, tcpi_delivered, tcpi_delivery_rate): the state (0 Open,
     * 1 Disorder, 2 CWR, 3 Recovery, 4 Loss), segments deemed lost and SACKed
     * now, the reordering degree (segments, 3 until reordering is seen), the
     * RACK reordering window (µs), segments delivered ever, and the delivery
     * rate (bytes per second over the connection's busy time). */
    uint8_t ca_state;
    uint32_t lost, sacked, reordering;
    uint32_t reo_wnd;
    uint64_t delivered, delivery_rate;
    /* Retransmissions by cause (RTO, fast/SACK, RACK, TLP). */
    uint32_t rexmit_rto, rexmit_fast, rexmit_rack, rexmit_tlp;
    uint32_t undos; /* reductions undone as spurious (D-SACK, Eifel) */
};

/* Fill *info. Always succeeds for a valid handle. tt_tcp_info counts the
 * busy/limited periods that have ended; tt_tcp_info_at adds the one still
 * running at now. */
void tt_tcp_info(const struct tt_tcp *t, struct tt_tcp_info *info);
void tt_tcp_info_at(const struct tt_tcp *t, tt_time now, struct tt_tcp_info *info);

/*
 * Test hook, for benchmarks and tests of a sender's robustness: the receiver
 * reneges, i.e. drops all the out-of-order data it holds, SACKed or not
 * (RFC 2018 §8 allows it; Linux does it under memory pressure). Returns the
 * bytes dropped. Never needed by an application.
 */
long tt_tcp_renege(struct tt_tcp *t);

/* Stack-wide accounting for tests and tools. */
struct tt_tcp_stats {
    uint32_t handles;         /* control blocks alive (app-held or finishing) */
    uint32_t app_handles;     /* of which the application still holds */
    uint32_t orphans;         /* closed by the application, protocol still running */
    uint32_t time_wait;       /* in TIME-WAIT */
    uint32_t syn_queue;       /* half-open entries in SYN queues */
    uint64_t opened, freed;   /* control blocks ever created / freed */
    size_t buf_bytes;         /* bytes held in send and receive buffers */
    uint64_t bad_transitions; /* set_state refusals (always 0 unless a bug) */
};
void tt_tcp_stats(const struct tt_stack *s, struct tt_tcp_stats *st);

#endif
