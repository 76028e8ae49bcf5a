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

#endif
