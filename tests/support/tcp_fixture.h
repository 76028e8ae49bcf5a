/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A TCP test fixture (STYLE.md rule 12): one stack on a raw-IP interface
 * (192.0.2.1/24) whose transmitted segments are captured and parsed, a
 * scripted peer at 192.0.2.2 whose segments are crafted and injected with
 * tt_stack_input, and an explicit virtual clock. Helpers build a connection
 * in a given state so that each test starts where its edge begins.
 *
 * Include after <cmocka.h>: the helpers assert with cmocka.
 */
#ifndef TT_TEST_TCP_FIXTURE_H
#define TT_TEST_TCP_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <tether/tcp.h>
#include <tether/tether.h>

#include "wire/tcp.h"

#define FX_US TT_IPV4(192, 0, 2, 1)
#define FX_PEER TT_IPV4(192, 0, 2, 2)
#define FX_PEER_PORT 40000
#define FX_PORT 8080
#define FX_PEER_ISS 1000u /* the peer's initial sequence number */
#define FX_MAXSEG 128
#define FX_MAXST 128

struct fx_seg {
    struct tt_tcp_hdr h;
    uint32_t src, dst;
    uint8_t df;  /* the IPv4 header's DF bit */
    uint8_t tos; /* and its TOS byte (ECN in the low two bits) */
    uint8_t data[2048];
    uint32_t dlen;
    tt_time at;
};

/* A counting malloc for a stack's allocator hooks: what is outstanding must
 * be 0 after tt_stack_destroy. */
struct fx_mem {
    size_t bytes, allocs;
};

struct fx {
    struct tt_stack *s;
    int iface;
    tt_time now;
    struct fx_mem mem; /* the test allocator */
    /* Captured segments, a FIFO. */
    struct fx_seg out[FX_MAXSEG];
    int nout, rd;
    /* State transitions seen through the trace hook, for this fixture's conns. */
    int st_old[FX_MAXST], st_new[FX_MAXST];
    uint32_t st_conn[FX_MAXST];
    int nst;
    int closes; /* TT_TRACE_TCP_CLOSE events */
    /* The connection under test and, for passive tests, its listener. */
    struct tt_tcp *t, *l;
    /* The scripted peer: next sequence number it sends, and what it acks. */
    uint32_t pseq, pack;
    uint16_t pport;
    /* Our ISS once known. */
    uint32_t iss;
    /* The handshake's round trip in fx_passive_established_with (default 0). */
    tt_time hs_rtt;
    /* The urgent pointer of the next injected segment (then reset to 0). */
    uint16_t next_urp;
    /* The IPv4 TOS byte of the next injected segment (then reset to 0). */
    uint8_t next_tos;
    /* The handshake helpers negotiate ECN (RFC 3168 §6.1.1): the active
     * open expects our SYN to ask (cfg.tcp.ecn = 1) and answers with ECE;
     * the passive one asks and expects ECE in the SYN-ACK. */
    uint8_t ecn_syn;
};

/* Create the stack; cfg NULL = defaults (timestamps off unless asked: see
 * fx_init_ts). The secret is fixed so runs replay. */
void fx_init(struct fx *f, const struct tt_config *cfg);
/* Destroy the stack and assert the allocator got everything back. */
void fx_fini(struct fx *f);
/* A default config with the fixture's allocator hooks filled later. */
void fx_config(struct tt_config *cfg);

/* Move the clock by dt and run the timers. */
void fx_advance(struct fx *f, tt_time dt);

/* Inject one segment from the peer (FX_PEER:pport -> FX_US:FX_PORT or the
 * connection's port). opt may be NULL. */
void fx_inject(struct fx *f, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t wnd,
               const void *data, uint32_t len, const struct tt_tcp_opts *opt);
/* The same with explicit ports. */
void fx_inject_ports(struct fx *f, uint16_t sport, uint16_t dport, uint8_t flags, uint32_t seq,
                     uint32_t ack, uint16_t wnd, const void *data, uint32_t len,
                     const struct tt_tcp_opts *opt);
/* Inject an ICMP-derived error as IP would deliver it. */
void fx_icmp(struct fx *f, uint8_t type, uint8_t code, uint32_t seq);

/* The next captured segment (asserts there is one) / NULL when none. */
struct fx_seg *fx_pop(struct fx *f);
struct fx_seg *fx_try_pop(struct fx *f);
int fx_pending(const struct fx *f);
void fx_assert_none(struct fx *f);

/* Assert the flags, seq and ack of a segment (ack checked only with ACK). */
void fx_expect(const struct fx_seg *g, uint8_t flags, uint32_t seq, uint32_t ack);

/* 1 when the transition old -> new was traced. */
int fx_saw(const struct fx *f, int old_state, int new_state);

/* ---- building a connection in a given state ---- */

/* Active open up to ESTABLISHED: connect, SYN-ACK from the peer (MSS 1460, no
 * other options), our ACK popped. */
void fx_active_established(struct fx *f);
/* Passive open up to ESTABLISHED: listen on FX_PORT, SYN, SYN-ACK popped,
 * ACK, accepted into f->t. */
void fx_passive_established(struct fx *f);
/* The same with the options of the peer's SYN (SACK-permitted, MSS...). */
void fx_passive_established_with(struct fx *f, const struct tt_tcp_opts *syn_opts);
/* From ESTABLISHED: tt_tcp_close, our FIN popped: FIN-WAIT-1. */
void fx_to_fin_wait_1(struct fx *f);
/* FIN-WAIT-1 + the peer's ACK of our FIN: FIN-WAIT-2. */
void fx_to_fin_wait_2(struct fx *f);
/* FIN-WAIT-2 + the peer's FIN, our ACK popped: TIME-WAIT. */
void fx_to_time_wait(struct fx *f);
/* ESTABLISHED + the peer's FIN, our delayed ACK 40 ms later popped: CLOSE-WAIT. */
void fx_to_close_wait(struct fx *f);
/* CLOSE-WAIT + tt_tcp_close, our FIN popped: LAST-ACK. */
void fx_to_last_ack(struct fx *f);

/* Our next sequence number as the peer sees it (SND.NXT). */
uint32_t fx_snd_nxt(const struct fx *f);

/* ---- two stacks over a memlink, on a virtual clock ---- */

struct tt_memlink;
struct tt_memlink_config;

struct fxp {
    struct tt_stack *a, *b; /* 192.0.2.1 and 192.0.2.2, Ethernet */
    struct tt_memlink *ml;
    int ia, ib; /* interface indexes */
    tt_time now;
    struct fx_mem mem_a, mem_b;                   /* each stack's allocator */
    int states_a[TT_TCP_NSTATES][TT_TCP_NSTATES]; /* transitions seen, by (old, new) */
    int states_b[TT_TCP_NSTATES][TT_TCP_NSTATES];
};

/* lc NULL = clean link with 1 ms one-way delay; ca/cb NULL = fx_config(). */
void fxp_init(struct fxp *p, const struct tt_memlink_config *lc, const struct tt_config *ca,
              const struct tt_config *cb);
/* Destroy both stacks and the link; assert every allocation came back. */
void fxp_fini(struct fxp *p);
/* Jump to the next event (a deadline or a frame), deliver, poll. Returns the
 * new time, or TT_TIME_NEVER when nothing is scheduled. */
tt_time fxp_step(struct fxp *p);
/* Run every event up to now + dt, then set the clock there. */
void fxp_run_for(struct fxp *p, tt_time dt);

/* The connection's TCP_INFO-like snapshot, by value. */
struct tt_tcp_info fx_info(const struct fx *f);

#endif
