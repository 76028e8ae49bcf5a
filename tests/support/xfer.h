/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A reusable transfer driver: two stacks over a memlink on the virtual clock
 * (link/sim.h), one connection, random data both directions at once, and the
 * evidence that every byte arrived exactly once, in order, uncorrupted.
 *
 * Stack A (192.0.2.1) connects to a listener on stack B (192.0.2.2). Each
 * side writes its stream (bytes derived from the seed and the direction, so
 * any offset can be recomputed), reads the peer's stream with a seeded read
 * pattern (random read sizes, optionally a pause: the reader stops for a
 * while so that the window closes), checks every byte against the expected
 * stream as it arrives, and keeps a 64-bit FNV-1a hash of what it sent and of
 * what it received; the hashes are compared at the end, beside the lengths.
 * Then each side closes in the configured order, TIME-WAIT runs out, the
 * listener is closed, and both stacks must be back to the memory they held
 * before the connection (tt_stack_mem_in_use).
 *
 * The faults are off during a short warm-up (one ping each way resolves ARP)
 * and switched on just before the connect, so that the test is about TCP.
 *
 * Everything is deterministic: the same struct xfer_cfg gives the same run,
 * bit for bit. A failure fills xfer_result.msg with the reason, the seed and
 * the whole config, so that it can be replayed (docs/testing.md).
 *
 * Only the public API is used (include/tether, link/sim.h, link/memlink.h).
 */
#ifndef TT_TEST_XFER_H
#define TT_TEST_XFER_H

#include <stddef.h>
#include <stdint.h>

#include <tether/tcp.h>
#include <tether/tether.h>

#include "memlink.h"

/* Who sends the first FIN. The other side finishes writing, reads the EOF,
 * then closes (a half-closed connection carries data the other way). */
enum xfer_close {
    XFER_CLOSE_A_FIRST = 0, /* A shuts down writing as soon as its data is queued */
    XFER_CLOSE_B_FIRST,
    XFER_CLOSE_BOTH, /* both as soon as their own data is queued */
    XFER_CLOSE_COUNT
};

struct xfer_side {
    uint64_t bytes;       /* to send to the peer */
    uint32_t sndbuf;      /* TT_TCP_OPT_SNDBUF; 0 = default */
    uint32_t rcvbuf;      /* TT_TCP_OPT_RCVBUF; 0 = default */
    uint32_t write_max;   /* bytes per tt_tcp_send call, 1..write_max (random); 0 = 65536 */
    uint32_t read_max;    /* bytes per tt_tcp_recv call, 1..read_max (random); 0 = 65536 */
    uint64_t pause_after; /* the reader stops once it has read this many bytes ... */
    tt_time pause_for;    /* ... for this long (0 = never pauses) */
    uint32_t isn;         /* cfg.tcp.isn_test of this side's stack (0 = RFC 6528) */
    uint8_t nodelay;      /* TT_TCP_OPT_NODELAY */
};

typedef void (*xfer_fate_fn)(void *ctx, const struct tt_memlink_fate_event *ev);

struct xfer_cfg {
    const char *name;              /* for messages */
    uint64_t seed;                 /* sim, link, data and read patterns */
    struct tt_memlink_config link; /* faults applied after the warm-up */
    struct xfer_side a, b;         /* a connects, b listens */
    enum xfer_close close;
    tt_time time_limit; /* virtual µs from the connect to both sides closed */
    xfer_fate_fn fate;  /* optional memlink fate hook (during the transfer) */
    void *fate_ctx;
};

struct xfer_result {
    int ok;
    char msg[2048];             /* the failure, with the replay line; empty when ok */
    tt_time elapsed;            /* virtual µs from the connect to both sides closed */
    uint64_t sent[2];           /* bytes sent by A, by B */
    uint64_t rcvd[2];           /* bytes received by A, by B */
    uint64_t hash_sent[2];      /* FNV-1a of what A, B sent */
    uint64_t hash_rcvd[2];      /* FNV-1a of what A, B received */
    uint64_t zero_window_seen;  /* times a sender found the peer's window at 0 */
    uint32_t max_snd_wnd[2];    /* A, B: the largest peer window seen once established */
    uint32_t max_inflight[2];   /* A, B: the most bytes seen in flight (SND.NXT - SND.UNA) */
    struct tt_tcp_info info[2]; /* A, B: snapshot at end of stream */
    struct tt_counters ctr[2];  /* A, B: stack counters at the end */
    struct tt_memlink_counters link[2]; /* per direction, at the end */
};

/* Defaults: clean Ethernet link, 64 KiB each way, A closes first, 60 s limit. */
void xfer_config_default(struct xfer_cfg *c, uint64_t seed);

/* Run one transfer. Returns 0 when everything held (r->ok = 1), -1 otherwise
 * (r->msg says why and how to replay). */
int xfer_run(const struct xfer_cfg *c, struct xfer_result *r);

/* ---- for cmocka tests ---- */

/* A grid point: `bytes` each way, 5 ms one-way delay added to the faults (the
 * same both ways; f NULL = none), both sides close at once, 8 KiB reads,
 * 16 KiB writes. */
void xfer_grid_config(struct xfer_cfg *c, const char *name, uint64_t seed, uint64_t bytes,
                      const struct tt_memlink_faults *f);

/* xfer_run, then fail the current cmocka test with r->msg unless it held;
 * prints one info line (virtual time, retransmissions) when it did. */
void xfer_run_or_fail(const struct xfer_cfg *c, struct xfer_result *r);

/* One line describing the config (seed, faults, sides): the replay recipe. */
void xfer_describe(const struct xfer_cfg *c, char *buf, size_t n);

/* The byte at `off` of the stream of direction `dir` (0: A to B) for `seed`. */
uint8_t xfer_stream_byte(uint64_t seed, int dir, uint64_t off);

#endif
