/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP internals shared by the files of src/tcp/: the control block (struct
 * tt_tcp, RFC 9293 §3.3.1 names), the compact SYN-queue entry, the per-stack
 * TCP module state, and the functions each file offers the others.
 *
 *   tcb.c     control block life, set_state (the one transition function), lookup
 *   input.c   RFC 9293 §3.10.7 "SEGMENT ARRIVES", step by step
 *   output.c  the one place that builds and sends segments (RSTs included)
 *   user.c    the API calls of §3.10.1-3.10.6
 *   timers.c  retransmission (RFC 6298), SYN retries, TIME-WAIT, FIN-WAIT-2,
 *             persist (zero window), keepalive, delayed ACK
 *   ack.c     the ACK of data: RTT samples, the timer, into loss recovery
 *   rcv.c     segment text: in-order data, the out-of-order queue, delayed
 *             ACKs, window updates after a read, urgent data
 *   cc.c      the congestion-control layer: module choice, undo, tracing
 *   cc_reno.c RFC 5681 / RFC 3465 Reno behind struct tt__cc_ops
 *   cc_cubic.c RFC 9438 CUBIC (the default)
 *   cc_hystart.c RFC 9406 HyStart++, CUBIC's initial slow start
 *   listen.c  SYN queue, accept queue, backlog
 *   ecn.c     RFC 3168 ECN: negotiation, ECT/CE/ECE/CWR
 *   recovery.c loss recovery's entry point: SACK recovery over scoreboard.c,
 *             rack.c, prr.c, undo.c; newreno.c without SACK (RFC 6582, 3042)
 *   isn.c     RFC 6528 ISNs, RFC 6056 ephemeral ports
 *   bufq.c    chunked byte queues for send and receive data
 *   tcp.c     the entry points from IP: parse, checksum, demultiplex
 */
#ifndef TT_TCP_TCP_INT_H
#define TT_TCP_TCP_INT_H

#include <stddef.h>
#include <stdint.h>

#include <tether/tcp.h>

#include "net/stack.h"
#include "util/hash.h"
#include "util/seq.h"
#include "util/timer.h"
#include "wire/tcp.h"

/* ---- chunked byte queue (bufq.c) ---- */

#define TT__CHUNK_SIZE 2048
#define TT__CHUNK_DATA (TT__CHUNK_SIZE - sizeof(void *))

struct tt__chunk {
    struct tt__chunk *next;
    uint8_t data[TT__CHUNK_DATA];
};

/* Bytes in a chain of chunks; chunks come from tt__alloc on demand and go back
 * as soon as they are consumed, so an empty queue holds no memory. A read
 * cursor remembers the chunk where the last tt__bufq_copy ended, so that
 * reading the queue front to back (segments sent one after another) costs
 * O(bytes read), not O(offset) per read. */
struct tt__bufq {
    struct tt__chunk *head, *tail;
    struct tt__chunk *cur; /* chunk of the last read's end, or NULL */
    size_t len;            /* bytes queued */
    uint32_t cur_pos;      /* position of cur's first byte, counted from head's */
    uint16_t head_off;     /* bytes already consumed in head (< TT__CHUNK_DATA) */
    uint16_t tail_len;     /* bytes used in tail (<= TT__CHUNK_DATA) */
};

/* Append up to n bytes; returns the count taken (short when memory runs out
 * or the stack-wide buffer limit, cfg.tcp.mem_max, is reached). */
size_t tt__bufq_append(struct tt_stack *s, struct tt__bufq *q, const void *src, size_t n);
/* Copy n bytes starting `off` bytes into the queue (off + n <= len). Any
 * offset works (retransmissions); reading on from where the last copy ended,
 * or from a later offset, walks no chunk twice. */
void tt__bufq_copy(struct tt__bufq *q, size_t off, void *dst, size_t n);
/* Consume n bytes (n <= len) from the front, freeing emptied chunks. */
void tt__bufq_drop(struct tt_stack *s, struct tt__bufq *q, size_t n);
void tt__bufq_clear(struct tt_stack *s, struct tt__bufq *q);
/* Free the chunks kept for reuse (stack teardown). */
void tt__bufq_cache_free(struct tt_stack *s);

/* ---- out-of-order queue (rcv.c) ---- */

/* One piece of out-of-order data: [seq, seq + len), sorted by seq, never
 * overlapping another piece. Each piece is one chunk-sized allocation, so the
 * receive side draws from the same pool size as the byte queues. */
struct tt__ooo {
    struct tt__ooo *next;
    tt_seq seq;
    uint32_t len;
    uint8_t data[TT__CHUNK_SIZE - sizeof(void *) - 2 * sizeof(uint32_t)];
};
#define TT__OOO_CAP ((uint32_t)sizeof(((struct tt__ooo *)0)->data))

/* A SACK block we report: [l, r) held out of order (sack.c). */
struct tt__sack_blk {
    tt_seq l, r;
};
#define TT__SACK_BLOCKS 4

/* ---- congestion control (cc.c, cc_*.c) ---- */

/*
 * What one ACK tells the congestion controller (struct tt__cc_ops.on_ack).
 * Bytes, not segments; times in microseconds.
 */
struct tt__cc_ack {
    uint32_t acked;     /* bytes newly acknowledged cumulatively (SND.UNA moved) */
    uint32_t delivered; /* bytes newly delivered: acked plus newly SACKed */
    uint32_t rtt;       /* RTT sample this ACK gave, µs; 0 = none */
    uint32_t in_flight; /* bytes in flight before the ACK (pipe, or SND.MAX - SND.UNA) */
    uint8_t limited;    /* cwnd limited the sender in this window (may grow cwnd) */
};

/*
 * A congestion-control module. The core calls these only through the
 * tt__cc_* functions of cc.c, which save what undo restores and trace every
 * cwnd change; a module sets t->cwnd / t->ssthresh and its own state
 * (t->ccs), and never reads or writes the loss-recovery state. Every hook is
 * required (an empty function where a module has nothing to do).
 */
struct tt__cc_ops {
    const char *name; /* as Linux's TCP_CONGESTION names it */
    /* Reset the module's own state (t->ccs). cwnd and ssthresh are already
     * set (initial window, or the values in force when the module changes
     * on a live connection). */
    void (*init)(struct tt_tcp *t);
    /* New data acknowledged outside loss recovery: grow cwnd (when
     * a->limited), take the RTT sample (HyStart). */
    void (*on_ack)(struct tt_tcp *t, const struct tt__cc_ack *a, tt_time now);
    /* A loss event (fast retransmit entering recovery, or ECE once per
     * window): set ssthresh. cwnd during recovery is recovery's business
     * (tt__cc_set_cwnd). */
    void (*on_loss)(struct tt_tcp *t, tt_time now);
    /* The retransmission timer expired: set ssthresh and cwnd (loss window). */
    void (*on_rto)(struct tt_tcp *t, tt_time now);
    /* Recovery or an RTO was spurious: restore module state kept from before
     * the reduction (cc.c restores cwnd and ssthresh itself). */
    void (*on_undo)(struct tt_tcp *t, tt_time now);
    /* The first new data after nothing was in flight, idle µs after the
     * last data sent (cc.c applies the RFC 5681 §4.1 restart window). */
    void (*on_idle)(struct tt_tcp *t, tt_time idle, tt_time now);
    /* Loss recovery ended (the recovery point was acknowledged). */
    void (*on_recovery_end)(struct tt_tcp *t, tt_time now);
};

extern const struct tt__cc_ops tt__cc_reno, tt__cc_cubic;

/* Reno's state (cc_reno.c): bytes acked towards the next +1 SMSS. */
struct tt__cc_reno {
    uint32_t acc;
};

/* HyStart++'s state (cc_hystart.c, RFC 9406 §4.2 names), live only during
 * the initial slow start. */
struct tt__hyspp {
    tt_seq end;        /* windowEnd: the round ends when this is acked */
    uint32_t last_min; /* lastRoundMinRTT, µs (UINT32_MAX = infinity) */
    uint32_t cur_min;  /* currentRoundMinRTT */
    uint32_t base_min; /* cssBaselineMinRtt */
    uint32_t acc;      /* CSS: bytes not yet turned into cwnd (a quarter counts) */
};

/* Linux HyStart's state (cc_hystart.c; Ha and Rhee's names as Linux keeps
 * them), live only during the initial slow start. Times in µs, mod 2^32. */
struct tt__hystart {
    tt_seq end;           /* the round ends when SND.UNA passes this */
    uint32_t delay_min;   /* least RTT sample (UINT32_MAX = none) */
    uint32_t curr_rtt;    /* least RTT of this round's first 8 samples */
    uint32_t round_start; /* when this round began */
    uint32_t last_ack;    /* the latest ACK of the current train */
};

/* CUBIC's congestion-avoidance state (cc_cubic.c, RFC 9438 §4.1.2 names),
 * set up afresh at each epoch start, so it shares memory with HyStart++'s. */
struct tt__cubic_ca {
    uint32_t origin;    /* the curve's plateau: max(W_max, cwnd_epoch), bytes */
    uint32_t w_est;     /* W_est (§4.3), bytes */
    uint32_t k;         /* K (§4.2 Figure 2), ms */
    uint32_t acc;       /* bytes acked not yet turned into cwnd */
    uint32_t est_acc;   /* bytes acked not yet turned into W_est */
    uint32_t need;      /* bytes acked per +1 SMSS at the current rate */
    uint32_t last_calc; /* ms + 1 when `need` was computed; 0 = at the next ACK */
};

/* CUBIC with HyStart++: 40 bytes. cwnd_prior is t->prior_cwnd. HyStart++
 * runs only while ssthresh is infinite and no epoch has started; every path
 * that ends it (tt__hyspp_done) clears the epoch, so `ca` is rebuilt before
 * use. */
struct tt__cc_cubic {
    uint32_t w_max;       /* W_max, bytes; 0 = unknown (initial, after an RTO) */
    uint32_t epoch_start; /* t_epoch, ms + 1 (0 = no epoch: one starts at the next ACK) */
    union {
        struct tt__hyspp hs;    /* hs_state TT__HS_SS or TT__HS_CSS */
        struct tt__hystart hl;  /* hs_state TT__HS_LINUX */
        struct tt__cubic_ca ca; /* hs_state == TT__HS_DONE */
    };
    uint8_t hs_state;   /* TT__HS_* */
    uint8_t hs_samples; /* rttSampleCount (saturates at 255) */
    uint8_t hs_css_rounds;
};
enum { TT__HS_SS, TT__HS_CSS, TT__HS_DONE, TT__HS_LINUX }; /* tt__cc_cubic.hs_state */

/* The congestion-control part of the control block. */
union tt__cc_state {
    struct tt__cc_reno reno;
    struct tt__cc_cubic cubic;
};

/* The modules by TT_TCP_CC_* value (tether/tcp.h); NULL for unknown. */
const struct tt__cc_ops *tt__cc_module(unsigned id);
/* A connection becomes synchronized: initial window (RFC 6928), ssthresh
 * infinite, module init. */
void tt__cc_init(struct tt_tcp *t);
/* Switch module on a live connection (TT_TCP_OPT_CONGESTION): cwnd and
 * ssthresh stay, the new module starts from them. TT_EINVAL when unknown. */
int tt__cc_select(struct tt_tcp *t, unsigned id);
/* New data acknowledged outside recovery. */
void tt__cc_ack(struct tt_tcp *t, struct tt__cc_ack *a, tt_time now);
/* A loss event: saves cwnd/ssthresh for undo, then the module sets ssthresh. */
void tt__cc_loss(struct tt_tcp *t, tt_time now);
/* RTO. new_episode: this timeout starts a reduction (not a repeated RTO of
 * the same episode, nor one during a recovery that already reduced): save
 * for undo and let the module set ssthresh (on_loss). Then on_rto sets the
 * loss window. */
void tt__cc_rto(struct tt_tcp *t, int new_episode, tt_time now);
/* Undo the last reduction: cwnd = max(cwnd, prior cwnd), ssthresh =
 * max(ssthresh, prior ssthresh) (RFC 4015 §3.2 response; Linux
 * tcp_undo_cwnd_reduction), then the module's on_undo. No-op without one. */
void tt__cc_undo(struct tt_tcp *t, tt_time now);
/* Before sending new data with nothing in flight: RFC 5681 §4.1. */
void tt__cc_tx_start(struct tt_tcp *t, tt_time now);
void tt__cc_recovery_end(struct tt_tcp *t, tt_time now);
/* The one way loss recovery (NewReno inflation, PRR) sets cwnd; traced. */
void tt__cc_set_cwnd(struct tt_tcp *t, uint32_t cwnd, tt_time now);
/* A TT_TRACE_TCP_CWND event with the current cwnd/ssthresh. */
void tt__cc_trace(struct tt_tcp *t, tt_time now);
/* Slow start by bytes acked up to ssthresh (cc_reno.c, for every module):
 * returns the part of acked left over once cwnd reached ssthresh. */
uint32_t tt__cc_slow_start(struct tt_tcp *t, uint32_t acked);
/* HyStart++ or Linux HyStart (cc_hystart.c, cfg.tcp.hystart): start of the
 * initial slow start; one ACK in slow start, returning the bytes slow start
 * may add to cwnd. */
void tt__hyspp_init(struct tt_tcp *t);
/* End HyStart++ for good (loss, RTO, CSS done): congestion avoidance may
 * start an epoch. */
void tt__hyspp_done(struct tt_tcp *t);
uint32_t tt__hyspp_ack(struct tt_tcp *t, const struct tt__cc_ack *a, tt_time now);
/* CUBIC's arithmetic (cc_cubic.c), exposed for the unit tests: floor of
 * the cube root, and W_cubic(t) in bytes for t in ms since the epoch. */
uint32_t tt__icbrt64(uint64_t x);
uint32_t tt__cubic_w(const struct tt__cc_cubic *c, uint32_t t_ms, uint32_t mss);

struct tt__seg;

/* ---- loss recovery (recovery.c, scoreboard.c, rack.c, prr.c, newreno.c) ---- */

/* Linux's congestion-avoidance states (tcpi_ca_state), same numbers. */
enum tt__ca_state {
    TT__CA_OPEN = 0,     /* no loss suspected */
    TT__CA_DISORDER = 1, /* SACKs or duplicate ACKs seen, nothing deemed lost */
    TT__CA_CWR = 2,      /* cwnd being reduced by PRR without recovery (an ECE) */
    TT__CA_RECOVERY = 3, /* fast recovery (RFC 6675 / RFC 6582) with PRR */
    TT__CA_LOSS = 4,     /* after an RTO: go-back-N from SND.UNA */
};

/* Marks of a scoreboard record (scoreboard.c). */
#define TT__SB_SACKED 0x1  /* the peer holds it (SACK), not yet cumulatively acked */
#define TT__SB_LOST 0x2    /* deemed lost (RACK, RFC 6675 IsLost, RTO) */
#define TT__SB_RETRANS 0x4 /* retransmitted; that copy not deemed lost */
#define TT__SB_EVER 0x8    /* retransmitted at least once (RACK and reordering ignore it) */
#define TT__SB_DEFAULT 256 /* records per connection by default (cfg.tcp.sack_records) */

/* [l, r) sent at xmit with the same marks. */
struct tt__sb_rec {
    tt_seq l, r;
    tt_time xmit;
    uint8_t flags;
};

struct tt__sb {
    uint16_t n, cap;
    struct tt__sb_rec rec[];
};

/* What the scoreboard learnt from one ACK. */
struct tt__sb_ack {
    uint32_t delivered;    /* bytes newly delivered: acked (not SACKed before) + newly SACKed */
    uint32_t acked_sacked; /* bytes cumulatively acked that were SACKed before */
    uint32_t sacked;       /* bytes newly SACKed */
    uint32_t tsecr;        /* the ACK's timestamp echo (0 = none) */
    tt_time now;
    tt_time xmit_last; /* latest send time of a never-retransmitted record delivered (0 = none) */
    uint8_t dsack;     /* the first block was a D-SACK (RFC 2883) */
    uint8_t reordered; /* a never-retransmitted hole below the highest SACK was delivered */
    tt_seq dsack_l, dsack_r, reord_low;
};

void tt__sb_sent(struct tt_tcp *t, tt_seq seq, uint32_t n, int rexmit, tt_time now);
void tt__sb_cumack(struct tt_tcp *t, tt_seq ack, struct tt__sb_ack *a);
void tt__sb_sack(struct tt_tcp *t, const struct tt__seg *sg, struct tt__sb_ack *a);
/* An RTO: SACK marks forgotten (RFC 2018 §8), everything deemed lost. */
void tt__sb_forget(struct tt_tcp *t);
void tt__sb_free(struct tt_tcp *t);
uint32_t tt__sb_next_lost(const struct tt_tcp *t, tt_seq *seq, uint32_t max);
int tt__sb_sacked_at(const struct tt_tcp *t, tt_seq seq, tt_seq *end);
void tt__sb_mark_lost(struct tt_tcp *t, struct tt__sb_rec *r);
void tt__sb_unmark_lost(struct tt_tcp *t);
tt_time tt__sb_xmit_at(const struct tt_tcp *t, tt_seq seq);
uint32_t tt__sb_count(const struct tt_tcp *t, uint8_t flags);
uint32_t tt__sb_pipe(const struct tt_tcp *t);

/* rack.c (RFC 8985) */
void tt__rack_delivered(struct tt_tcp *t, const struct tt__sb_rec *r, const struct tt__sb_ack *a);
uint32_t tt__rack_reo_wnd(const struct tt_tcp *t);
/* Mark what RACK deems lost; arms the reordering timer. Returns bytes newly lost. */
uint32_t tt__rack_detect(struct tt_tcp *t, tt_time now);
void tt__rack_dsack(struct tt_tcp *t);
void tt__tlp_arm(struct tt_tcp *t, tt_time now);
void tt__tlp_fire(struct tt_tcp *t, tt_time now);
/* An ACK: ends a probe episode; returns 1 when the probe repaired a loss. */
int tt__tlp_ack(struct tt_tcp *t, const struct tt__sb_ack *a);

/* prr.c (RFC 6937) */
void tt__prr_start(struct tt_tcp *t);
void tt__prr_ack(struct tt_tcp *t, uint32_t delivered, uint32_t newly_lost, int una_advanced,
                 tt_time now);

/* undo.c (RFC 3708 D-SACK counting, RFC 3522 Eifel / RFC 4015) */
void tt__undo_start(struct tt_tcp *t);
void tt__undo_sent(struct tt_tcp *t, uint32_t n);
int tt__undo_dsack(struct tt_tcp *t, const struct tt__sb_ack *a, tt_time now);
int tt__undo_eifel(struct tt_tcp *t, const struct tt__sb_ack *a, tt_time now);

/* recovery.c: the one entry point of ack.c into loss recovery. */
struct tt__ack_info {
    uint32_t acked;     /* bytes of data newly acknowledged cumulatively */
    uint8_t advanced;   /* SND.UNA moved */
    uint8_t dup;        /* an RFC 5681 duplicate ACK */
    uint32_t in_flight; /* before the ACK */
    tt_time rtt;        /* RTT sample of the ACK, 0 = none */
};
void tt__recovery_on_ack(struct tt_tcp *t, const struct tt__seg *sg, struct tt__sb_ack *a,
                         const struct tt__ack_info *ai, tt_time now);
void tt__recovery_on_rto(struct tt_tcp *t, tt_time now);
/* A segment went out: scoreboard, PRR and TLP bookkeeping. */
void tt__recovery_sent(struct tt_tcp *t, tt_seq seq, uint32_t n, int rexmit, tt_time now);
/* Bytes in flight for the cwnd test: pipe with a scoreboard, else SND.NXT - SND.UNA. */
uint32_t tt__recovery_in_flight(const struct tt_tcp *t);
/* Retransmit what is deemed lost while cwnd allows (RFC 6675 NextSeg rule 1). */
void tt__recovery_output(struct tt_tcp *t, tt_time now);
/* The reordering or probe timer fired. */
void tt__recovery_timer(struct tt_tcp *t, tt_time now);
/* ECN's reduction through PRR (Linux's CWR state): enter it on an ECE;
 * on each later ACK tt__recovery_cwr_ack returns 1 while it goes on. */
void tt__recovery_enter_cwr(struct tt_tcp *t, uint32_t delivered, int advanced, tt_time now);
int tt__recovery_cwr_ack(struct tt_tcp *t, uint32_t delivered, int advanced, tt_time now);

/* newreno.c (RFC 6582, RFC 3042): recovery without SACK. An ACK of new
 * data or an RFC 5681 duplicate (ai->dup), from tt__recovery_on_ack. */
void tt__newreno_on_ack(struct tt_tcp *t, const struct tt__seg *sg, const struct tt__ack_info *ai,
                        tt_time now);
/* 0 when this ACK of new data must leave the retransmission timer alone
 * (cfg.tcp.newreno_impatient: a partial ACK after the first). */
int tt__newreno_rto_restart(const struct tt_tcp *t);
/* Bytes beyond cwnd that limited transmit lets new data use now. */
uint32_t tt__newreno_lt_room(const struct tt_tcp *t);

/* ---- timers: every object with deadlines embeds one heap node ---- */

enum tt__tkind { TT__TK_TCB = 1, TT__TK_SYNREQ = 2 };

struct tt__timer {
    struct tt__tnode node; /* first member: the owner is found by a cast */
    uint8_t kind;          /* enum tt__tkind */
};

/* ---- the control block ---- */

struct tt_tcp {
    struct tt__timer tm; /* first member (see struct tt__timer) */
    struct tt_stack *s;
    uint32_t id;
    enum tt_tcp_state state;

    /* The 4-tuple; in the connection table while hashed. */
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    struct tt__hnode hn;
    uint8_t hashed, listening_hashed;
    struct tt_tcp *all_prev, *all_next; /* every control block of the stack */

    /* Send sequence space (RFC 9293 §3.3.1). snd_max is the highest sequence
     * sent: after an RTO, snd_nxt goes back to snd_una and climbs again. */
    tt_seq iss, snd_una, snd_nxt, snd_max, snd_wl1, snd_wl2;
    uint32_t snd_wnd, max_snd_wnd;
    /* Receive sequence space. rcv_adv is the right edge we advertised (the
     * window never shrinks, RFC 9293 §3.8.6.2.2). */
    tt_seq irs, rcv_nxt, rcv_adv;

    /* Negotiated options. */
    uint8_t ws_ok, ts_ok, sack_ok;
    uint8_t ecn;     /* TT__ECN_* (ecn.c) */
    tt_seq ecn_high; /* TT__ECN_WND: no new ECE reduction before SND.UNA passes it */
    uint8_t snd_ws, rcv_ws;
    uint32_t ts_recent, ts_off;
    uint16_t peer_mss;   /* as received (536 when none) */
    uint16_t adv_mss;    /* what we advertise (MTU - 40, or TT_TCP_OPT_MAXSEG) */
    uint16_t user_mss;   /* TT_TCP_OPT_MAXSEG before connect/listen, 0 = none */
    uint16_t snd_mss;    /* effective: min(peer, ours, path MTU - 40) - timestamps */
    uint16_t pmtu;       /* learned path MTU (RFC 1191), 0 = none: the interface's */
    uint8_t pmtu_nodf;   /* the path is below cfg.pmtu_min: send without DF (Linux lock) */
    tt_time pmtu_expire; /* when pmtu is forgotten (cfg.pmtu_expires) */

    /* Queues: sndq starts at snd_una (after the SYN); rcvq holds in-order
     * data not yet read. */
    struct tt__bufq sndq, rcvq;
    uint32_t sndbuf, rcvbuf;

    /* RTT estimation (RFC 6298) and retransmission. */
    tt_time srtt, rttvar, rto;
    tt_seq rtt_seq;
    uint32_t min_rtt; /* µs: least RTT sample (Linux keeps a 5-minute window; tether all time) */
    tt_time rtt_time;
    uint8_t rtt_active;
    uint8_t ts_rto_set; /* ts_rto holds a value */
    uint32_t ts_rto;    /* our TSval when the latest RTO fired (ack.c rtt_sample) */
    uint8_t backoff, retries;
    uint32_t cwnd, ssthresh;
    uint32_t prior_cwnd, prior_ssthresh; /* before the last reduction (undo); 0 = none */
    tt_time rexmit_start;                /* first RTO of this episode (Linux retrans_stamp) */

    /* Congestion control and loss recovery (ack.c, cc_*.c). */
    union tt__cc_state ccs; /* the module's own state */
    uint32_t dupacks;       /* duplicate ACKs in a row (RFC 5681 §2) */
    uint32_t lt_bytes;      /* sent by limited transmit since the last new ACK */
    tt_seq sack_high;       /* highest SACK right edge seen (new SACK information) */
    tt_seq recover;         /* RFC 6582 "recover" */
    uint8_t in_recovery;    /* NewReno fast recovery in progress (newreno.c) */
    uint8_t nr_partials;    /* partial ACKs in this NewReno recovery (saturates) */
    uint32_t nr_ts;         /* our TSval on NewReno's fast retransmit (Eifel, newreno.c) */
    /* SACK-based recovery (scoreboard.c, rack.c, prr.c, recovery.c). */
    struct tt__sb *sb;                          /* NULL when nothing is outstanding */
    uint32_t sacked_out, lost_out, retrans_out; /* bytes with each mark */
    uint8_t ca_state;                           /* enum tt__ca_state */
    uint8_t rack_reord;                         /* RACK.reordering_seen */
    uint8_t reo_steps, reo_persist;             /* RACK.reo_wnd_mult, recoveries it lasts */
    uint8_t tlp_active, tlp_rexmit;             /* a probe is out (TLP.end_seq), and was a resend */
    uint8_t fin_alone;                          /* our FIN went in a segment of its own */
    tt_seq tlp_end, dsack_round;
    tt_time rack_xmit;   /* RACK.xmit_ts */
    tt_seq rack_end;     /* RACK.end_seq */
    uint32_t rack_rtt;   /* RACK.rtt, µs */
    tt_time rack_age;    /* how long ago the segment RACK resends now was sent (trace) */
    uint32_t reordering; /* Linux tp->reordering, segments (3) */
    uint32_t prr_delivered, prr_out; /* RFC 6937, bytes */
    uint64_t delivered;              /* bytes delivered ever (tcpi_delivered) */
    uint32_t rexmit_rto, rexmit_fast, rexmit_rack, rexmit_tlp; /* retransmissions by cause */
    uint32_t undo_retrans; /* retransmissions of the episode not yet D-SACKed (undo.c) */
    uint8_t undo_ok;       /* the episode may still be undone */
    uint8_t eifel_armed;   /* the next advancing ACK is tested by Eifel (RFC 3522) */
    uint32_t undos;        /* reductions undone (tcpi_undos) */
    uint8_t cwnd_limited;  /* cwnd stopped a send in this window (Linux rule) */
    uint8_t cc_id;         /* TT_TCP_CC_*: the module (tt__cc_module) */
    uint32_t max_flight;   /* most bytes in flight in this window */
    tt_seq flight_mark;    /* end of the window max_flight belongs to */

    /* Receive side (rcv.c): out-of-order queue, delayed ACKs, urgent data. */
    struct tt__ooo *ooo;
    uint32_t ooo_bytes, ooo_pieces;
    uint8_t ooo_fin; /* the FIN seen beyond a hole, at ooo_fin_seq */
    tt_seq ooo_fin_seq;
    struct tt__sack_blk sacks[TT__SACK_BLOCKS]; /* most recent first (RFC 2018 §4) */
    struct tt__sack_blk dsack;                  /* duplicate to report once (RFC 2883) */
    uint8_t nsacks, dsack_on;
    uint8_t quick;      /* quick-ACK mode: ACKs left to send at once */
    uint8_t ack_force;  /* the owed ACK may not wait (out-of-order event) */
    uint8_t pingpong;   /* interactive: ACKs wait for the delayed-ACK timer */
    uint8_t quick_init; /* quick-ACK credit granted at the first data */
    uint16_t rcv_mss;   /* estimate of the peer's segment size */
    tt_seq rcv_wup;     /* RCV.NXT when the last ACK went out */
    tt_seq rcv_up;      /* RCV.UP (RFC 9293 §3.8.5) */
    uint8_t urg_valid;  /* rcv_up has been set */
    /* Send side extras (output.c). */
    tt_seq snd_up;         /* SND.UP: urgent data ends before it */
    uint8_t snd_urg;       /* snd_up is set */
    tt_seq psh_seq;        /* end of the last pushed write: PSH falls at or before it */
    tt_seq snd_sml;        /* end of the last short segment sent (Nagle, Minshall) */
    uint8_t cork;          /* TT_TCP_OPT_CORK */
    uint8_t probes;        /* keepalive or persist probes unanswered */
    uint8_t pbackoff;      /* persist backoff (RTO << pbackoff) */
    uint8_t more;          /* the send in progress has TT_TCP_SEND_MORE (cork its push) */
    uint8_t lt_ok;         /* dupacks may open limited transmit (RFC 3042) */
    uint8_t chrono;        /* enum tt__chrono: what the sender waits on since chrono_at */
    tt_time ts_recent_age; /* when ts_recent was taken (RFC 7323 §5.5 24 days) */
    tt_time last_rcv;      /* any segment accepted (keepalive idle) */
    tt_time chack_last;    /* our last challenge ACK (per-connection limit, output.c) */
    uint8_t chack_sent;    /* chack_last holds a value */
    /* Deadlines (absolute; TT_TIME_NEVER when off). */
    tt_time t_rexmit, t_wait, t_delack, t_keep;
    tt_time t_reo, t_tlp; /* RACK reordering timer, tail loss probe (rack.c) */
    tt_time t_push;       /* 0 = push held data at the next poll (cork off, no-delay on) */

    /* What input owes output, and flags of the close. */
    uint8_t ack_now;    /* an ACK is owed */
    uint8_t fin_queued; /* the application asked for our FIN */
    uint8_t fin_rcvd;   /* the peer's FIN was accepted */
    uint8_t rd_shut;    /* shutdown(read) */
    uint8_t app_owned;  /* the application holds the handle */
    uint8_t reaping;    /* on the reap list: freed at the end of the entry point */
    uint8_t connected_once;
    uint8_t persist;    /* the next rexmit expiry is a zero-window probe */
    uint8_t fin_acked;  /* our FIN was acknowledged */
    uint8_t rcvbuf_set; /* TT_TCP_OPT_RCVBUF given: the window scale follows it */
    int err;            /* hard error, sticky */
    int soft_err;       /* ICMP during the handshake (RFC 1122 §4.2.3.9) */

    /* Options. */
    uint8_t nodelay, keepalive, reuseaddr;
    int linger;             /* -1 off, else seconds */
    uint32_t notsent_lowat; /* 0: cfg.notsent_lowat (TT_TCP_OPT_NOTSENT_LOWAT) */
    tt_time fin_timeout;    /* orphaned FIN-WAIT-2 */
    tt_time user_timeout;
    tt_time keep_idle, keep_intvl;
    uint32_t keep_cnt;

    /* TCP Fast Open (RFC 7413; fastopen.c). Client: tfo_connect/no_cookie
     * the options, tfo_req data may ride in the SYN (FASTOPEN_CONNECT or
     * tt_tcp_connect_send), tfo_syn what the SYN carries (enum below),
     * tfo_sent data went with it, tfo_defer the SYN waits for the first
     * write; fo_* the option to send. Server: tfo_qlen the listener's queue
     * limit (TT_TCP_OPT_FASTOPEN), tfo_child a child made from SYN data. */
    uint8_t tfo_connect, tfo_no_cookie, tfo_req, tfo_syn, tfo_sent, tfo_defer, tfo_child;
    uint8_t syn_data_acked; /* data of the SYN acknowledged / taken (TCPI_OPT_SYN_DATA) */
    uint8_t fo_form, fo_len;
    uint8_t fo_cookie[TT_TCP_FO_COOKIE_MAX];
    uint32_t tfo_qlen;

    /* Listener side (state LISTEN), and the child's link in the accept queue. */
    struct tt_tcp *aq_head, *aq_tail, *aq_next, *parent;
    struct tt__synreq *synq;
    uint32_t aq_len, synq_len, backlog;

    /* Events. */
    tt_tcp_event_fn ev_fn;
    void *ev_ctx;

    /* Statistics for tt_tcp_info. chrono_t: time spent in each chrono state. */
    tt_time chrono_at;
    tt_time chrono_t[3];
    uint32_t total_retrans;
    uint64_t bytes_sent, bytes_acked, bytes_received, bytes_retrans, segs_in, segs_out;
    tt_time last_data_recv, last_data_sent, last_ack_recv;
};

/* A half-open passive connection (LISTEN -> SYN-RECEIVED), kept apart from full
 * control blocks: about 120 bytes instead of a struct tt_tcp. */
struct tt__synreq {
    struct tt__timer tm; /* first member */
    struct tt__hnode hn;
    struct tt_tcp *listener;
    struct tt__synreq *next, *prev; /* the listener's list */
    uint32_t id;
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    tt_seq iss, irs;
    uint32_t ts_recent, ts_off;
    uint16_t peer_mss, adv_mss;
    uint16_t peer_wnd;
    uint8_t ws_ok, snd_ws, rcv_ws, ts_ok, sack_ok, has_peer_mss, ecn_ok;
    uint8_t retries;
    uint8_t fo_reply; /* the SYN-ACK carries our Fast Open cookie in this form */
    tt_time sent_at;  /* first SYN-ACK, for the handshake RTT sample */
};

/* ---- fastopen.c (RFC 7413) ---- */
#define TT__TFO_COOKIE_LEN 8
enum { TT__TFO_REQUEST = 1, TT__TFO_DATA, TT__TFO_DATA_NO_COOKIE };
#define TT__TFO_REQ_SENDTO 2 /* tfo_req: tt_tcp_connect_send, one SYN only */
/* A destination's cookie (the client's cache, RFC 7413 §4.1.3). */
struct tt__tfo_entry {
    uint32_t raddr;
    tt_time used, loss_at;
    uint16_t mss; /* the server's MSS, as RFC 7413 §4.1.3 suggests caching */
    uint8_t len, exp, syn_loss;
    uint8_t cookie[TT_TCP_FO_COOKIE_MAX];
};
void tt__tfo_cookie(const struct tt_stack *s, uint32_t client, uint32_t server,
                    uint8_t out[TT__TFO_COOKIE_LEN]);
/* 1 under the primary key, 2 under the backup, 0 not valid. */
int tt__tfo_cookie_check(const struct tt_stack *s, uint32_t client, uint32_t server,
                         const uint8_t *c, unsigned len);
void tt__tfo_connect(struct tt_tcp *t, tt_time now);
void tt__tfo_synack(struct tt_tcp *t, const struct tt_tcp_hdr *h, int data_acked, tt_time now);
void tt__tfo_timeout(struct tt_tcp *t, int expired, tt_time now);
void tt__tfo_icmp(struct tt_tcp *t, tt_time now);
void tt__tfo_cache_free(struct tt_stack *s);

/* Per-stack TCP state (stack->tcp). */
/* The last 4-tuple hashed for the tables, and its hash (tcb.c). */
struct tt__tuple_memo {
    uint64_t hash;
    uint32_t laddr, raddr;
    uint16_t lport, rport;
    int valid;
};

struct tt__tcp {
    struct tt__htable conns;     /* full control blocks by 4-tuple */
    struct tt__htable listeners; /* listeners by local port */
    struct tt__htable synq;      /* SYN-queue entries by 4-tuple */
    struct tt__theap timers;
    struct tt_tcp *all;  /* every control block */
    struct tt_tcp *reap; /* closed and unowned, freed at the end of the entry */
    uint64_t hkey[2];    /* hash-table key, derived from the stack secret */
    struct tt__tuple_memo hmemo;
    struct tt__chunk *chunk_free; /* emptied chunks kept for reuse (bufq.c) */
    uint32_t chunk_nfree;         /* chunks in chunk_free */
    uint32_t chunks_used;         /* chunks the byte queues hold */
    uint32_t next_id;
    uint32_t next_ephemeral; /* RFC 6056 algorithm 3 "next_ephemeral" */
    uint32_t synq_total;
    struct tt_tcp_stats st;
    tt_time chack_start;  /* stack-wide challenge-ACK budget (RFC 5961 §7): this second's */
    uint32_t chack_count; /* ACKs left in it (randomized, output.c) */
    uint8_t chack_drawn;
    struct tt__tfo_entry *tfo_cache; /* Fast Open cookies by destination (fastopen.c) */
    uint32_t tfo_n, tfo_cap;
    uint32_t tfo_bh_times; /* blackholes seen in a row (Linux tfo_active_disable_times) */
    tt_time tfo_bh_stamp;
    uint8_t payload[TT_FRAME_MAX]; /* output scratch: payload, then segment */
    uint8_t seg[TT_FRAME_MAX];
};

static inline struct tt__tcp *tt__tcpm(const struct tt_stack *s)
{
    return s->tcp;
}

/* A received segment, parsed once (input.c, listen.c). */
struct tt__seg {
    int iface;
    uint32_t src, dst;
    struct tt_tcp_hdr h;
    const uint8_t *data;
    uint32_t dlen;
    tt_seq seq, ack;
    uint32_t len; /* SEG.LEN: data + SYN + FIN */
    uint8_t ecn;  /* the IP header's ECN field (RFC 3168 §5) */
    const uint8_t *raw;
    size_t raw_len;
};

/* ---- tcb.c ---- */
/* The hash-table hash of a 4-tuple (SipHash-1-3 under hkey), remembered for
 * the next call with the same tuple. */
uint64_t tt__tcp_tuple_hash(const struct tt_stack *s, uint32_t laddr, uint16_t lport,
                            uint32_t raddr, uint16_t rport);
/* A new CLOSED control block; id 0 = the next serial. NULL when out of memory
 * or past max_connections. */
struct tt_tcp *tt__tcb_new(struct tt_stack *s, uint32_t id, tt_time now);
/* The one state-transition function: checks the edge against the legal-edge
 * table, emits TT_TRACE_TCP_STATE, keeps the stats. 0, or -1 (refused). */
int tt__tcb_set_state(struct tt_tcp *t, enum tt_tcp_state ns, tt_time now);
void tt__tcb_hash(struct tt_tcp *t);
void tt__tcb_unhash(struct tt_tcp *t);
struct tt_tcp *tt__tcb_lookup(struct tt_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                              uint16_t rport);
struct tt_tcp *tt__listener_lookup(struct tt_stack *s, uint32_t laddr, uint16_t lport);
/* Enter CLOSED for good with err (0 = normal end): queues dropped, timers off,
 * unhashed; freed at the end of the entry point if the application is gone. */
void tt__tcb_closed(struct tt_tcp *t, int err, tt_time now);
/* Free every closed unowned control block (end of each entry point). */
void tt__tcb_reap(struct tt_stack *s, tt_time now);
void tt__tcb_free_all(struct tt_stack *s);
void tt__tcb_notify(struct tt_tcp *t, unsigned ev);
/* Reprogram the heap node from the individual deadlines. */
void tt__tcb_arm(struct tt_tcp *t);
/* Negotiated options -> snd_mss, window scales. */
void tt__tcb_set_mss(struct tt_tcp *t);
/* The send MSS from the peer's, ours, the path MTU and the floors. */
uint16_t tt__tcb_mss_calc(const struct tt_tcp *t);
uint8_t tt__tcp_wscale_for(uint32_t rcvbuf_max);
/* The MSS we advertise towards raddr: the route MTU minus 40, or user_mss. */
uint16_t tt__tcp_adv_mss(const struct tt_stack *s, uint32_t raddr, uint16_t user_mss);
/* A connection-level trace event, zeroed but for kind, time, iface -1 and the
 * connection (t, or only the serial id when there is no control block yet). */
void tt__tcb_event(struct tt_trace_event *ev, enum tt_trace_kind kind, const struct tt_tcp *t,
                   uint32_t id, tt_time now);
void tt__tcb_trace_seg(struct tt_stack *s, enum tt_trace_kind kind, const struct tt_tcp *t,
                       uint32_t id, uint32_t saddr, uint32_t daddr, const struct tt_tcp_hdr *h,
                       uint32_t plen, int accepted, enum tt_drop_reason why,
                       enum tt_rexmit_cause cause, tt_time now);

/* ---- tcp.c ---- */
/* A learned path MTU past its time is forgotten (RFC 1191 §6.3). */
void tt__tcp_pmtu_age(struct tt_tcp *t, tt_time now);
/* Unsent bytes and the TCP_NOTSENT_LOWAT mark they are held under (status.c). */
uint32_t tt__tcp_notsent(const struct tt_tcp *t);
uint32_t tt__tcp_notsent_lowat(const struct tt_tcp *t);

/* ---- input.c ---- */
void tt__tcp_input_tcb(struct tt_tcp *t, struct tt__seg *sg, tt_time now);
int tt__tcp_seq_acceptable(const struct tt_tcp *t, const struct tt__seg *sg);

/* ---- output.c ---- */
/* Send what is owed: SYN, SYN-ACK, data, FIN, or an ACK. */
void tt__tcp_output(struct tt_tcp *t, tt_time now);
/* The same, lifting Nagle, cork and SWS holds (the persist timer). */
void tt__tcp_output_force(struct tt_tcp *t, tt_time now);
/* A bare ACK <SEQ=SND.NXT><ACK=RCV.NXT> now. */
void tt__tcp_send_ack(struct tt_tcp *t, tt_time now);
/* An RFC 5961 challenge ACK, subject to the per-connection and stack-wide limits. */
void tt__tcp_challenge_ack(struct tt_tcp *t, tt_time now);
/* An RST from a control block: <SEQ=SND.NXT><CTL=RST,ACK>. */
void tt__tcp_send_rst_tcb(struct tt_tcp *t, tt_time now);
/* The reply to a segment for no connection (RFC 9293 §3.10.7.1). */
void tt__tcp_reply_rst(struct tt_stack *s, const struct tt__seg *sg, tt_time now);
/* A SYN-ACK for a SYN-queue entry. */
void tt__tcp_send_synack_req(struct tt_stack *s, const struct tt__synreq *r, int rexmit,
                             tt_time now);
/* Our current window field and the side effect of advertising it. */
uint16_t tt__tcp_wnd_field(struct tt_tcp *t);
/* Retransmit up to one MSS from SND.UNA (fast retransmit, partial ACK). */
void tt__tcp_retransmit_head(struct tt_tcp *t, enum tt_rexmit_cause cause, tt_time now);
void tt__tcp_retransmit(struct tt_tcp *t, tt_seq seq, uint32_t n, enum tt_rexmit_cause cause,
                        tt_time now);
int tt__tcp_output_probe(struct tt_tcp *t, tt_time now);
/* A probe: <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK> (persist, keepalive). */
void tt__tcp_send_probe(struct tt_tcp *t, tt_time now);
/* Bytes queued but not sent yet. */
uint32_t tt__tcp_unsent(const struct tt_tcp *t);
/* Bytes of free receive buffer. */
uint32_t tt__tcp_rcv_space(const struct tt_tcp *t);
uint32_t tt__tcp_ts_now(uint32_t off, tt_time now);

/* ---- timers.c ---- */
void tt__tcp_timer_fire(struct tt_stack *s, struct tt__timer *tm, tt_time now);
void tt__tcp_rtt_sample(struct tt_tcp *t, tt_time rtt);
void tt__tcp_rexmit_arm(struct tt_tcp *t, tt_time now);
void tt__tcp_time_wait_enter(struct tt_tcp *t, tt_time now);
/* Start (or keep) the persist timer for a zero window. */
void tt__tcp_persist_arm(struct tt_tcp *t, tt_time now);
/* An ACK arrived while persisting: stop, or re-arm from now. */
void tt__tcp_persist_answered(struct tt_tcp *t, tt_time now);
/* Re-arm the keepalive timer from the last segment received. */
void tt__tcp_keepalive_arm(struct tt_tcp *t, tt_time now);
/* Schedule the delayed ACK. */
void tt__tcp_delack_arm(struct tt_tcp *t, tt_time now);

/* ---- ack.c ---- */
/* Fifth step for an acceptable ACK: new data acked, duplicate ACKs. */
void tt__tcp_ack_input(struct tt_tcp *t, struct tt__seg *sg, tt_time now);
/* The transmit side took a send decision: keep the cwnd-limited state. */
void tt__tcp_cwnd_track(struct tt_tcp *t, int cwnd_blocked);
/* SACK blocks of the receiver (sack.c): an out-of-order arrival at seq (now
 * held), RCV.NXT moved, a duplicate [seq, end) arrived; and the blocks for
 * the next ACK (at most room; the D-SACK is reported once). */
void tt__tcp_sack_ooo(struct tt_tcp *t, tt_seq seq);
void tt__tcp_sack_advance(struct tt_tcp *t);
void tt__tcp_sack_dup(struct tt_tcp *t, tt_seq seq, tt_seq end);
unsigned tt__tcp_sack_fill(struct tt_tcp *t, struct tt_tcp_sack_block *out, unsigned room);

/* The send MSS, 536 before one is known (RFC 9293 §3.7.1 default). */
static inline uint32_t tt__tcp_mss(const struct tt_tcp *t)
{
    return t->snd_mss ? t->snd_mss : 536;
}

/* The initial window in bytes: RFC 6928's 10 segments by default, counted in
 * full segments as Linux does. */
static inline uint32_t tt__tcp_iw(const struct tt_tcp *t)
{
    return (t->s->cfg.tcp.init_cwnd ? t->s->cfg.tcp.init_cwnd : 10) * tt__tcp_mss(t);
}

/* FlightSize for ssthresh (RFC 5681 eq. 4), without limited-transmit data (§3.2 step 2). */
uint32_t tt__tcp_flightsize(const struct tt_tcp *t);

/* Time accounting of the sender (status.c), Linux's "chrono" for tcp_info:
 * busy (data queued or in flight), limited by the peer's window, limited by
 * the send buffer. A higher kind takes over from a lower one. */
enum tt__chrono { TT__CHRONO_NONE, TT__CHRONO_BUSY, TT__CHRONO_RWND, TT__CHRONO_SNDBUF };
void tt__tcp_chrono_start(struct tt_tcp *t, enum tt__chrono kind, tt_time now);
/* After output: idle when nothing is queued or in flight; else rwnd-limited or not. */
void tt__tcp_chrono_update(struct tt_tcp *t, int rwnd_limited, tt_time now);

/* ---- rcv.c ---- */
/* Seventh step: place the text (in order, or in the out-of-order queue) and
 * decide on the ACK. Returns 1 when the FIN of the segment (or one kept
 * beyond a hole) is now in order. */
int tt__tcp_rcv_text(struct tt_tcp *t, struct tt__seg *sg, tt_time now);
/* Sixth step: the urgent pointer (RFC 9293 §3.8.5). */
void tt__tcp_rcv_urgent(struct tt_tcp *t, const struct tt__seg *sg);
/* After the application read: a window update if it matters. */
void tt__tcp_rcv_read(struct tt_tcp *t, tt_time now);
void tt__tcp_ooo_clear(struct tt_tcp *t);

/* ---- listen.c ---- */
void tt__tcp_listen_input(struct tt_tcp *l, struct tt__seg *sg, tt_time now);
void tt__tcp_synreq_input(struct tt__synreq *r, struct tt__seg *sg, tt_time now);
struct tt__synreq *tt__synreq_lookup(struct tt_stack *s, uint32_t laddr, uint16_t lport,
                                     uint32_t raddr, uint16_t rport);
void tt__synreq_timer(struct tt__synreq *r, tt_time now);
/* Take an unaccepted child off its listener's accept queue. */
void tt__listen_unlink_child(struct tt_tcp *c);
/* Drop every SYN-queue entry and reset every unaccepted child of l. */
void tt__listen_flush(struct tt_tcp *l, tt_time now);
void tt__listen_free_quiet(struct tt_tcp *l);
/* A new connection from a SYN: when iss_hint != 0 use it (TIME-WAIT reuse). */
void tt__tcp_listen_syn(struct tt_tcp *l, struct tt__seg *sg, uint32_t iss_hint, tt_time now);

/* ---- ecn.c (RFC 3168) ---- */
enum {
    TT__ECN_OK = 1,  /* negotiated (while SYN-SENT: asked for) */
    TT__ECN_ECE = 2, /* receiver: CE seen, ECE on every ACK until CWR */
    TT__ECN_CWR = 4, /* sender: CWR on the next new data */
    TT__ECN_WND = 8, /* sender: reduced for ECE, until SND.UNA passes ecn_high */
};
uint8_t tt__ecn_syn_flags(const struct tt_tcp *t, int rexmit);
void tt__ecn_synack(struct tt_tcp *t, const struct tt_tcp_hdr *h);
int tt__ecn_syn_ok(const struct tt_stack *s, const struct tt_tcp_hdr *h);
/* Flags on an outgoing segment; returns the IP ECN field. */
uint8_t tt__ecn_out(struct tt_tcp *t, struct tt_tcp_hdr *h, uint32_t len, int rexmit);
void tt__ecn_rcv(struct tt_tcp *t, const struct tt__seg *sg);
void tt__ecn_ack(struct tt_tcp *t, const struct tt__seg *sg, uint32_t acked, tt_time now);

/* ---- isn.c ---- */
tt_seq tt__tcp_isn(const struct tt_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                   uint16_t rport, tt_time now);
uint32_t tt__tcp_ts_offset(const struct tt_stack *s, uint32_t laddr, uint16_t lport, uint32_t raddr,
                           uint16_t rport);
/* RFC 6056 algorithm 3; 0 when every port is taken. */
uint16_t tt__tcp_ephemeral(struct tt_stack *s, uint32_t laddr, uint32_t raddr, uint16_t rport);

#endif
