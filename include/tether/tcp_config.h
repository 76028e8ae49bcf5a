/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP settings, part of struct tt_config. Defaults follow Linux (the values its
 * conformance scripts assume); tt_config_default() fills them.
 */
#ifndef TETHER_TCP_CONFIG_H
#define TETHER_TCP_CONFIG_H

#include <stdint.h>

#include "time.h"

/* Congestion-control modules (cfg.tcp.congestion_control, TT_TCP_OPT_CONGESTION). */
enum tt_tcp_cc {
    TT_TCP_CC_RENO = 1,  /* "reno": RFC 5681 with RFC 3465 byte counting */
    TT_TCP_CC_CUBIC = 2, /* "cubic": RFC 9438, the default (as Linux) */
};

/* Slow start of CUBIC (cfg.tcp.hystart). */
enum tt_tcp_hystart {
    TT_TCP_HYSTART_OFF = 0,   /* RFC 5681 slow start */
    TT_TCP_HYSTART_PP = 1,    /* HyStart++, RFC 9406 (the default) */
    TT_TCP_HYSTART_LINUX = 2, /* Linux's HyStart: ACK train and delay (Ha and Rhee) */
};

/* cfg.tcp.fastopen bits, as Linux's tcp_fastopen sysctl. */
#define TT_TFO_CLIENT 0x1             /* send a cookie request / SYN data when asked to */
#define TT_TFO_SERVER 0x2             /* listeners with TT_TCP_OPT_FASTOPEN take SYN data */
#define TT_TFO_CLIENT_NO_COOKIE 0x4   /* SYN data without any cookie option */
#define TT_TFO_SERVER_NO_COOKIE 0x200 /* take SYN data without a cookie */
#define TT_TFO_SERVER_ALL 0x400       /* every listener, its queue the backlog */

struct tt_tcp_config {
    uint32_t max_connections;      /* 1048576: control blocks a stack may hold */
    uint32_t syn_retries;          /* 6 SYN retransmissions before ETIMEDOUT (tcp_syn_retries) */
    uint32_t synack_retries;       /* 5 (tcp_synack_retries) */
    uint32_t retries2;             /* 15 data retransmissions before giving up (tcp_retries2) */
    tt_time rto_initial;           /* 1 s (RFC 6298 §2.1) */
    tt_time rto_min;               /* 200 ms (Linux TCP_RTO_MIN) */
    tt_time rto_max;               /* 120 s (Linux TCP_RTO_MAX) */
    tt_time msl2;                  /* 60 s TIME-WAIT (Linux TCP_TIMEWAIT_LEN) */
    tt_time fin_timeout;           /* 60 s orphaned FIN-WAIT-2 (tcp_fin_timeout) */
    tt_time delack_min;            /* 40 ms (Linux TCP_DELACK_MIN): the delayed-ACK timer */
    uint32_t rmem_default;         /* 131072 receive buffer (tcp_rmem[1]) */
    uint32_t rmem_max;             /* 6291456 (tcp_rmem[2]); sets the window scale */
    uint32_t wmem_default;         /* 16384 send buffer (tcp_wmem[1]) */
    uint32_t wmem_max;             /* 4194304 (tcp_wmem[2]) */
    uint32_t init_cwnd;            /* 10 segments (RFC 6928) */
    uint8_t congestion_control;    /* TT_TCP_CC_CUBIC: each new connection's module
                                      (tcp_congestion_control) */
    uint16_t cubic_beta;           /* 717: β_cubic in 1/1024 (RFC 9438 §4.6 0.7; Linux
                                      beta) */
    uint8_t cubic_fast_conv;       /* 1: fast convergence (RFC 9438 §4.7; Linux
                                      fast_convergence) */
    uint8_t cubic_friendliness;    /* 1: the Reno-friendly region (RFC 9438 §4.3; Linux
                                      tcp_friendliness) */
    uint8_t hystart;               /* TT_TCP_HYSTART_PP: CUBIC's initial slow start */
    uint8_t hystart_limit;         /* 0: HyStart++'s L in segments per ACK, 0 = no cap
                                      (RFC 9406 §4.3 L = infinity; Linux has no cap) */
    uint8_t slow_start_after_idle; /* 1: cwnd restarts after an idle RTO (RFC 5681 §4.1;
                                      tcp_slow_start_after_idle) */
    uint32_t min_tso_segs;         /* 2: least segments in a burst (tcp_min_tso_segs); only
                                      where PSH falls depends on it (output.c burst_bytes) */
    uint8_t sack;                  /* 1: offer SACK (tcp_sack) */
    uint8_t timestamps;            /* 1: offer timestamps (tcp_timestamps) */
    uint8_t window_scaling;        /* 1 (tcp_window_scaling) */
    uint8_t rfc1337;               /* 0: an RST in TIME-WAIT ends it (tcp_rfc1337) */
    uint8_t ecn;                   /* 2: RFC 3168 ECN as Linux tcp_ecn: 0 off, 1 ask on
                                      connect and accept, 2 accept when asked, never ask */
    uint32_t challenge_ack_limit;  /* 1000 per second stack-wide, the budget drawn at random in
                                      [limit/2, 3*limit/2) each second (tcp_challenge_ack_limit as
                                      Linux 4.7-5.x; 6.x disables it); 0 = no stack-wide limit */
    tt_time invalid_ratelimit;     /* 500 ms: least gap between two challenge ACKs of one
                                      connection (tcp_invalid_ratelimit) */
    uint16_t min_snd_mss;          /* 48: a peer's smaller MSS is raised to it (tcp_min_snd_mss,
                                      CVE-2019-11479: tiny segments cost a byte of memory and
                                      CPU per byte sent) */
    uint16_t ephemeral_lo;         /* 32768 (ip_local_port_range) */
    uint16_t ephemeral_hi;         /* 60999 */
    uint32_t max_syn_backlog;      /* 4096 half-open connections per stack (tcp_max_syn_backlog) */
    uint8_t syncookies;            /* 1: cookies when the SYN queue overflows (tcp_syncookies) */
    uint32_t fastopen;             /* 0x1: TCP Fast Open (RFC 7413) as Linux tcp_fastopen bits:
                                      0x1 client, 0x2 server, 0x4 client sends SYN data
                                      without a cookie, 0x200 server takes SYN data without
                                      a cookie, 0x400 every listener (queue = backlog)
                                      without TT_TCP_OPT_FASTOPEN */
    uint64_t fastopen_key[4];      /* 0: derived from secret. [0..1] the primary key (cookies
                                      made and checked), [2..3] the backup (checked only, for
                                      rotation; all 0 = none): tcp_fastopen_key */
    uint32_t fastopen_blackhole;   /* 0 s (off, Linux 5.14+): after a SYN with data times out,
                                      active Fast Open is off for this long, doubled at each
                                      repeat up to 64x (tcp_fastopen_blackhole_timeout_sec) */
    uint32_t fastopen_cache;       /* 64: destinations whose cookie a client remembers (Linux
                                      keeps them in tcp_metrics); the oldest goes first */
    uint32_t notsent_lowat;        /* UINT32_MAX: writable while fewer unsent bytes than this
                                      are queued (tcp_notsent_lowat; TT_TCP_OPT_NOTSENT_LOWAT) */
    tt_time keepalive_time;        /* 7200 s (tcp_keepalive_time) */
    tt_time keepalive_intvl;       /* 75 s (tcp_keepalive_intvl) */
    uint32_t keepalive_probes;     /* 9 (tcp_keepalive_probes) */
    size_t mem_max;                /* 0 = unlimited: bytes of send, receive and out-of-order
                                      buffers the whole stack may hold (Linux tcp_mem); a
                                      writer then gets TT_EAGAIN, a segment is dropped */
    uint32_t ofo_max;              /* 0 = a whole window: pieces (2 KiB chunks, one segment
                                      each) for the receive buffer's worth of segments of
                                      the peer's size (536 bytes at least), within twice the
                                      buffer in memory; else bytes of
                                      chunks (at least 8) one connection may hold out of order */
    uint32_t sack_records;         /* 0 = 256: scoreboard records per connection (each a run of
                                      SACKed, lost or in-flight bytes); bounds memory and CPU
                                      against any SACK pattern */
    uint8_t rack_off;              /* 0 = RACK time-based loss detection on (RFC 8985, Linux
                                      tcp_recovery=1); 1 = RFC 6675 duplicate-ACK rule only */
    uint8_t tlp_off;               /* 0 = tail loss probes on (RFC 8985 §7, tcp_early_retrans=3) */
    uint8_t newreno_impatient;     /* 0: without SACK, every partial ACK restarts the RTO timer
                                      (Linux; RFC 3782 §4 Slow-but-Steady); 1: only the first
                                      (RFC 6582 §3.2 step 3, Impatient) */
    uint32_t chunk_cache;          /* 1024: emptied 2 KiB send/receive chunks the stack keeps
                                      for reuse instead of freeing them (2 MiB), never more than
                                      its queues hold, so with every queue empty none; 0 = off */
    uint32_t isn_test;             /* 0 = RFC 6528 ISNs; else every ISN is this value (tests of
                                      sequence-number wrap only: never in production) */
};

#endif
