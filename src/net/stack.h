/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stack's private shape, shared by net/ and tcp/. Module states (ARP,
 * reassembly, TCP) are opaque pointers owned by their modules, so that each
 * module's layout is its own business.
 */
#ifndef TT_NET_STACK_H
#define TT_NET_STACK_H

#include <stddef.h>
#include <stdint.h>

#include <tether/stack.h>
#include <tether/rng.h>

struct tt__arp;   /* net/arp.c */
struct tt__frag;  /* net/ipv4_frag.c */
struct tt__tcp;   /* tcp/ */
struct tt__ip6;   /* net/ipv6.c: per-interface IPv6 state */
struct tt__ndp;   /* net/ndp.c: the neighbor cache */
struct tt__frag6; /* net/ipv6_frag.c */

/* Buckets of per-destination IP ID counters (RFC 7739 §5.3): destinations
 * that share one see each other's rate, so enough that few do. */
#define TT__IPID_BUCKETS 256

struct tt__iface {
    int used;
    struct tt_iface_config cfg; /* copy; cfg.link.mtu normalised (0 -> 1500) */
    uint32_t netmask;           /* from prefix_len */
};

struct tt_stack {
    struct tt_config cfg;
    struct tt_counters ctr;
    tt_trace_fn trace_fn;
    void *trace_ctx;
    size_t mem_in_use;
    struct tt_rng rng; /* seeded from cfg.secret: deterministic per config */
    /* IPv4 identification (ipv4.c ip_ident): keyed per-destination counters
     * for datagrams that may fragment, a keyed hash of a counter for atomic ones. */
    uint64_t ipid_key[2];
    uint32_t ipid_seq;
    uint64_t ipid_pool; /* unused 16-bit IDs of the last hash, ipid_left of them */
    uint32_t ipid_left;
    uint16_t ipid_ctr[TT__IPID_BUCKETS];
    int niface;
    struct tt__iface iface[TT_MAX_IFACES];
    struct tt__arp *arp;
    struct tt__frag *frag;
    struct tt__tcp *tcp;
    struct tt__ip6 *ip6;
    struct tt__ndp *ndp;
    struct tt__frag6 *frag6;
    /* ICMP error rate limit: token bucket (RFC 1812 §4.3.2.8 style, Linux icmp_ratelimit). */
    uint32_t icmp_tokens;
    tt_time icmp_last;
    /* Scratch frame buffer for output: the stack is single-threaded and never
     * re-entered from transmit, so one buffer serves every send. */
    uint8_t txbuf[TT_FRAME_MAX];
};

/* Allocation through the host's hooks, with accounting and cfg.mem_limit.
 * Returns NULL on failure (the caller counts and recovers). */
void *tt__alloc(struct tt_stack *s, size_t size);
void *tt__calloc(struct tt_stack *s, size_t size);
void tt__free(struct tt_stack *s, void *p, size_t size);

/* Emit a trace event if a hook is set (ev->now must be filled). */
void tt__trace(struct tt_stack *s, const struct tt_trace_event *ev);

/* Count a drop under `why` and trace it (frame may be NULL). */
void tt__drop(struct tt_stack *s, enum tt_drop_reason why, int iface, const uint8_t *frame,
              size_t len, tt_time now);

/* ---- IPv4 service for upper layers (net/ipv4.c) ---- */

struct tt_route {
    int iface;        /* outgoing interface */
    uint32_t src;     /* the interface address, used as source */
    uint32_t nexthop; /* destination itself when on-link, else the gateway */
    uint32_t mtu;     /* the interface MTU */
};

/* Choose the route to dst: the on-link interface with the longest prefix,
 * else the first interface with a gateway. TT_ENETUNREACH when none. */
int tt__ip_route(const struct tt_stack *s, uint32_t dst, struct tt_route *r);

/* 1 when addr is one of the stack's interface addresses. */
int tt__ip_is_local(const struct tt_stack *s, uint32_t addr);

struct tt_ip_out {
    uint32_t src, dst; /* src 0 = the route's source */
    uint8_t proto;
    uint8_t ttl; /* 0 = cfg.ip_default_ttl */
    uint8_t tos;
    uint8_t df; /* set DF; without it, datagrams over the MTU are fragmented */
};

/*
 * Send one datagram: route, IPv4 header, fragmentation when allowed, then ARP
 * resolution (queueing while it resolves) and the link. `payload` is copied
 * before return. Returns 0 when sent or queued; TT_ENETUNREACH, TT_EMSGSIZE
 * (DF and too big), TT_ENOBUFS (ARP queue full), TT_ENOMEM, or the link's
 * error. Each failure is also counted as a drop.
 */
int tt__ip_output(struct tt_stack *s, const struct tt_ip_out *o, const uint8_t *payload, size_t len,
                  tt_time now);

/* ---- IPv6 service for upper layers (net/ipv6.c); addresses 16 bytes, network order ---- */

struct tt_route6 {
    int iface;
    uint8_t src[16];     /* the source address selected for dst */
    uint8_t nexthop[16]; /* dst itself when on-link, else the default router */
    uint32_t mtu;        /* the interface's IPv6 MTU (RA MTU option, else link) */
};

/* Route dst: link-local and multicast destinations on the first IPv6
 * interface, others by on-link prefix, then default router. TT_ENETUNREACH
 * when none, or when no usable (non-tentative) source exists. */
int tt__ip6_route(const struct tt_stack *s, const uint8_t dst[16], struct tt_route6 *r);

struct tt_ip6_out {
    uint8_t src[16], dst[16]; /* src all-zero = the route's source */
    uint8_t proto;
    uint8_t hop_limit; /* 0 = the interface's current hop limit */
    uint8_t tclass;
    uint32_t flow;
};

/*
 * Send one packet: route, header, fragmentation (RFC 8200 §4.5) when larger
 * than the MTU, then neighbor resolution (queueing while it resolves) and the
 * link. `payload` is copied before return and must not point into s->txbuf.
 * Returns 0 when sent or queued; TT_ENETUNREACH, TT_EMSGSIZE, TT_ENOBUFS,
 * TT_ENOMEM or the link's error, each also counted as a drop.
 */
int tt__ip6_output(struct tt_stack *s, const struct tt_ip6_out *o, const uint8_t *payload,
                   size_t len, tt_time now);

/* Send an ICMPv6 echo request to dst. 0, or as tt__ip6_output. */
int tt__ip6_ping(struct tt_stack *s, const uint8_t dst[16], uint16_t id, uint16_t seq,
                 const void *data, size_t len, tt_time now);

/* The interface's link-local address when it has passed DAD (1), else 0. */
int tt__ip6_linklocal(const struct tt_stack *s, int iface, uint8_t out[16]);

/* ---- what IPv4 hands up to TCP (implemented in tcp/) ---- */

/* An ICMP error about a datagram we sent, reduced to what TCP needs. */
struct tt_icmp_err {
    uint8_t type, code;
    uint16_t mtu;          /* next-hop MTU for frag-needed (RFC 1191), else 0 */
    uint32_t src, dst;     /* of the original datagram: src is ours */
    uint16_t sport, dport; /* from the quoted transport header */
    uint32_t seq;          /* quoted TCP sequence number */
};

int tt__tcp_init(struct tt_stack *s);
void tt__tcp_fini(struct tt_stack *s);
/* A TCP segment (header + payload, len bytes) for one of our addresses;
 * ecn is the datagram's ECN field (RFC 3168 §5, the low bits of TOS). */
void tt__tcp_input(struct tt_stack *s, int iface, uint32_t src, uint32_t dst, uint8_t ecn,
                   const uint8_t *seg, size_t len, tt_time now);
void tt__tcp_icmp_error(struct tt_stack *s, const struct tt_icmp_err *e, tt_time now);
/* Run due TCP timers; return TCP's next deadline. */
tt_time tt__tcp_poll(struct tt_stack *s, tt_time now);

#endif
