/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private seams between the files of net/: the link and Ethernet helpers
 * (stack.c), ARP (arp.c), IPv4 input and delivery (ipv4.c), reassembly
 * (ipv4_frag.c) and ICMP (icmp.c). Nothing outside net/ includes this; the
 * services other layers use are in stack.h.
 *
 * Frame building: every output path builds its frame in s->txbuf, with the
 * IPv4 datagram (or ARP packet) at TT__NET_L3 so that an Ethernet header can be
 * put in front without a copy. A raw-IP interface sends from TT__NET_L3.
 */
#ifndef TT_NET_NET_H
#define TT_NET_NET_H

#include <stddef.h>
#include <stdint.h>

#include "net/stack.h"
#include "wire/ipv4.h"
#include "wire/ipv6.h"

/* Offset of the network-layer packet inside s->txbuf. */
#define TT__NET_L3 TT_ETH_HLEN

static inline tt_time tt__time_min(tt_time a, tt_time b)
{
    return a < b ? a : b;
}

/* ---- stack.c ---- */

/* Hand a complete frame to the interface's transmit: counts link_out_frames and
 * traces FRAME_OUT on success, counts LINK_TX_FAILED on failure (and returns
 * the driver's error). */
int tt__link_send(struct tt_stack *s, int iface, const uint8_t *frame, size_t len, tt_time now);

/* Put an Ethernet header in front of the `len` bytes already at
 * s->txbuf + TT__NET_L3 and send the frame. */
int tt__eth_send(struct tt_stack *s, int iface, const uint8_t dst[6], uint16_t type, size_t len,
                 tt_time now);

/* 1 when addr is the directed (subnet) broadcast of interface `iface`. */
int tt__ip_is_subnet_bcast(const struct tt_stack *s, int iface, uint32_t addr);

/* ---- netq.c: the two lists both IP versions keep ---- */

/*
 * Packets waiting for a link-layer address (ARP for IPv4, NDP for IPv6):
 * copies of the network-layer packet, oldest first, at most `limit`.
 */
struct tt__pendq_pkt {
    struct tt__pendq_pkt *next;
    size_t len;
    uint8_t data[];
};
struct tt__pendq {
    struct tt__pendq_pkt *head, *tail;
    uint32_t n;
};
/* Append a copy of the packet at s->txbuf + TT__NET_L3 (len bytes). When the
 * queue holds `limit` already the new packet is dropped as `full`
 * (TT_ENOBUFS); TT_ENOMEM when no memory. 0 when queued. */
int tt__pendq_push(struct tt_stack *s, struct tt__pendq *q, uint32_t limit,
                   enum tt_drop_reason full, int iface, size_t len, tt_time now);
/* Free every packet, each counted as dropped for `why` unless now is
 * TT_TIME_NEVER (the stack is going away). */
void tt__pendq_drop_all(struct tt_stack *s, struct tt__pendq *q, enum tt_drop_reason why, int iface,
                        tt_time now);
/* The address is known: send every packet, oldest first, in an Ethernet
 * frame of `type` to `mac`. */
void tt__pendq_flush(struct tt_stack *s, struct tt__pendq *q, int iface, const uint8_t mac[6],
                     uint16_t type, tt_time now);

/* A datagram's fragments while it is reassembled (IPv4 and IPv6): pieces
 * sorted by offset, none overlapping. */
struct tt__frag_piece {
    struct tt__frag_piece *next;
    uint16_t off, len;
    uint8_t data[];
};
/* Where [off, end) goes in the list at *head: the link to insert at, or NULL
 * with *dup set (an exact duplicate of a piece held) or clear (an overlap). */
struct tt__frag_piece **tt__frag_place(struct tt__frag_piece **head, uint32_t off, uint32_t end,
                                       const uint8_t *data, int *dup);
/* Free every piece of the list; returns the bytes given back (headers
 * included, as they were counted when held). */
size_t tt__frag_free_all(struct tt_stack *s, struct tt__frag_piece *p);
/* Copy each piece to dst + its offset. */
void tt__frag_copy_out(const struct tt__frag_piece *p, uint8_t *dst);

/* ---- arp.c (RFC 826, RFC 1122 §2.3.2) ---- */

int tt__arp_init(struct tt_stack *s);
void tt__arp_fini(struct tt_stack *s);
/* One ARP packet (the Ethernet payload) received on `iface`. */
void tt__arp_input(struct tt_stack *s, int iface, const uint8_t *pkt, size_t len, tt_time now);
/*
 * Send the IPv4 datagram at s->txbuf + TT__NET_L3 (len bytes) to `nexthop`
 * over Ethernet interface `iface`: at once when the address is resolved, else
 * a copy waits in the entry's queue while ARP resolves. Returns 0 when sent or
 * queued, TT_ENOBUFS (queue or cache full), TT_ENOMEM, or the link's error.
 */
int tt__arp_output(struct tt_stack *s, int iface, uint32_t nexthop, size_t len, tt_time now);
/* Retransmit due requests, give up on exhausted ones; next deadline. */
tt_time tt__arp_poll(struct tt_stack *s, tt_time now);
/* Broadcast a gratuitous ARP (RFC 5227 announcement) for iface's address. */
void tt__arp_announce(struct tt_stack *s, int iface, tt_time now);

/* ---- ipv4.c ---- */

/* One IPv4 datagram received on `iface`; l2_bcast is 1 when it came in a
 * link-layer broadcast frame (RFC 1122 §3.2.2: no ICMP error for those). */
void tt__ip_input(struct tt_stack *s, int iface, const uint8_t *pkt, size_t len, int l2_bcast,
                  tt_time now);
/* A whole datagram (after reassembly when it was fragmented): h parsed from
 * dgram, dgram holds h->total_len bytes. Hands it to ICMP or TCP, or answers
 * protocol unreachable. */
void tt__ip_deliver(struct tt_stack *s, int iface, const struct tt_ipv4_hdr *h,
                    const uint8_t *dgram, int l2_bcast, tt_time now);

/* ---- ipv4_frag.c (RFC 791 §3.2, RFC 1122 §3.3.2, RFC 815) ---- */

int tt__frag_init(struct tt_stack *s);
void tt__frag_fini(struct tt_stack *s);
/* One fragment (h parsed from pkt, which holds h->total_len bytes). Delivers
 * the datagram through tt__ip_deliver when it completes. */
void tt__frag_input(struct tt_stack *s, int iface, const struct tt_ipv4_hdr *h, const uint8_t *pkt,
                    int l2_bcast, tt_time now);
/* Expire timed-out datagrams; next deadline. */
tt_time tt__frag_poll(struct tt_stack *s, tt_time now);

/* ---- icmp.c (RFC 792, RFC 1122 §3.2.2) ---- */

/* An ICMP message for us (h is the IPv4 header it came in, msg the ICMP bytes). */
void tt__icmp_input(struct tt_stack *s, int iface, const struct tt_ipv4_hdr *h, const uint8_t *msg,
                    size_t len, tt_time now);
/*
 * Send an ICMP error about the datagram `orig` (olen bytes from its header on;
 * only the header and 8 data bytes are quoted). Applies RFC 1122 §3.2.2's
 * MUST NOTs (errors about errors, broadcasts, non-first fragments, sources
 * that are not one host) and the rate limit. `rest` is bytes 4..7 of the
 * message (0, or the next-hop MTU for frag-needed).
 */
void tt__icmp_send_error(struct tt_stack *s, uint8_t type, uint8_t code, uint32_t rest,
                         const uint8_t *orig, size_t olen, int l2_bcast, tt_time now);

/* ---- IPv6 (ipv6.c, ndp.c): per-interface state ---- */

enum tt__addr6_state { TT__A6_NONE = 0, TT__A6_TENTATIVE, TT__A6_PREFERRED, TT__A6_DUPLICATE };

/* One address of an interface, with its DAD progress (RFC 4862 §5.4). */
struct tt__addr6 {
    uint8_t state;
    uint8_t plen;
    uint8_t a[16];
    uint32_t dad_sent;
    tt_time dad_deadline;
};

#define TT__A6_LL 0     /* the link-local address (SLAAC from the MAC) */
#define TT__A6_GLOBAL 1 /* one global address (SLAAC from an RA prefix) */
#define TT__A6_N 2

struct tt__ip6_if {
    uint8_t on;
    uint8_t hop_limit; /* RA cur hop limit, else cfg.ip6_hop_limit */
    uint32_t mtu;      /* RA MTU option, else the link MTU */
    struct tt__addr6 addr[TT__A6_N];
    /* RFC 4861 §6.3.4: one default router and one on-link prefix. */
    uint8_t router[16];
    tt_time router_expires; /* 0: no router */
    uint8_t prefix[16];
    uint8_t prefix_len;
    tt_time prefix_expires; /* 0: no prefix */
};

struct tt__ip6 {
    struct tt__ip6_if ifs[TT_MAX_IFACES];
    uint32_t frag_id;      /* RFC 7739: from a keyed start, per stack */
    uint32_t icmp6_tokens; /* RFC 4443 §2.4 (f) token bucket */
    tt_time icmp6_last;
};

/* ---- icmp.c: the shared error token bucket ---- */

/* Take a token from the bucket (*tokens, *last) refilled at one per
 * cfg.icmp_ratelimit up to cfg.icmp_burst; 0 when empty. */
int tt__icmp_token(const struct tt_stack *s, uint32_t *tokens, tt_time *last, tt_time now);

/* ---- ipv6.c ---- */

int tt__ip6_init(struct tt_stack *s);
void tt__ip6_fini(struct tt_stack *s);
/* One IPv6 packet received on `iface`; l2_mcast when the frame was multicast. */
void tt__ip6_input(struct tt_stack *s, int iface, const uint8_t *pkt, size_t len, int l2_mcast,
                   tt_time now);
/* 1 when a is an address of iface (any state when tentative_ok). */
int tt__ip6_is_mine(const struct tt_stack *s, int iface, const uint8_t a[16], int tentative_ok);
/* Send the ICMPv6 message msg (len bytes, checksum filled here) from src to
 * dst on iface with hop limit hl, directly (no routing: NDP uses it). */
int tt__ip6_send_raw(struct tt_stack *s, int iface, const uint8_t src[16], const uint8_t dst[16],
                     uint8_t hl, uint8_t *msg, size_t len, tt_time now);
/* Frame the packet at txbuf + TT__NET_L3 for iface towards nexthop
 * (multicast: its group MAC; unicast: through the neighbor cache). */
int tt__ip6_xmit(struct tt_stack *s, int iface, const uint8_t nexthop[16], size_t len, tt_time now);
/* Send an ICMPv6 error about pkt (len bytes from its header), RFC 4443 §2.4. */
void tt__icmp6_send_error(struct tt_stack *s, int iface, uint8_t type, uint8_t code, uint32_t rest,
                          const uint8_t *pkt, size_t len, int l2_mcast, int mcast_ok, tt_time now);

/* The packet pkt (len bytes) from offset off on, whose next header there is
 * `next`: walk what remains of the chain and hand the upper layer on. */
void tt__ip6_deliver(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h, const uint8_t *pkt,
                     size_t len, size_t off, uint8_t next, int l2_mcast, tt_time now);

/* ---- ipv6_frag.c (RFC 8200 §4.5, RFC 5722) ---- */

int tt__frag6_init(struct tt_stack *s);
void tt__frag6_fini(struct tt_stack *s);
/* A fragment: x is the walk that stopped at its fragment header. */
void tt__frag6_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h, const uint8_t *pkt,
                     size_t len, const struct tt_ipv6_ext *x, int l2_mcast, tt_time now);
tt_time tt__frag6_poll(struct tt_stack *s, tt_time now);

/* ---- ndp.c (RFC 4861, RFC 4862) ---- */

/* Neighbor cache states (RFC 4861 §7.3.2). */
enum tt__nd_state {
    TT__ND_FREE = 0,
    TT__ND_INCOMPLETE,
    TT__ND_REACHABLE,
    TT__ND_STALE,
    TT__ND_DELAY,
    TT__ND_PROBE
};

/* The state of the entry for (iface, ip) at `now` (TT__ND_FREE: none). */
int tt__ndp_state(struct tt_stack *s, int iface, const uint8_t ip[16], tt_time now);

int tt__ndp_init(struct tt_stack *s);
void tt__ndp_fini(struct tt_stack *s);
/* The IPv6 packet at txbuf + TT__NET_L3 to unicast nexthop on iface: at once
 * when the neighbor is known, else queued while NDP resolves. */
int tt__ndp_output(struct tt_stack *s, int iface, const uint8_t nexthop[16], size_t len,
                   tt_time now);
/* An NDP message (RS, RA, NS, NA) in an IPv6 packet with header h. */
void tt__ndp_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h, const uint8_t *msg,
                   size_t len, tt_time now);
/* Start IPv6 on an interface that came up: link-local address, DAD. */
void tt__ndp_iface_up(struct tt_stack *s, int iface, tt_time now);
/* Timers: solicitations, DAD, expiries; next deadline. */
tt_time tt__ndp_poll(struct tt_stack *s, tt_time now);

#endif
