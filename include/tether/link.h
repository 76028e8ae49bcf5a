/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The link interface: how a stack hands frames to a driver. A driver (TAP, TUN,
 * the in-memory link, a pcap tap) fills a struct tt_link and passes it to
 * tt_stack_add_iface(). Frames come back into the stack through
 * tt_stack_input().
 */
#ifndef TETHER_LINK_H
#define TETHER_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "time.h"

enum tt_framing {
    TT_FRAMING_ETHERNET = 0, /* Ethernet II frames: dst MAC, src MAC, EtherType (no FCS) */
    TT_FRAMING_RAW_IP = 1,   /* bare IPv4 datagrams (TUN, point-to-point) */
};

/*
 * Called by the stack for every frame it sends. `frame` is owned by the stack
 * and valid only for the duration of the call: a driver that queues must copy.
 * Return 0 when the frame was taken (or deliberately dropped, as a lossy link
 * does), a negative TT_E* code when the driver could not take it; the stack
 * counts the latter as LINK_TX_FAILED and never retries on its own.
 */
typedef int (*tt_link_transmit_fn)(void *ctx, const uint8_t *frame, size_t len, tt_time now);

struct tt_link {
    enum tt_framing framing;
    uint32_t mtu;                 /* largest IP datagram the link carries; 0 means 1500 */
    tt_link_transmit_fn transmit; /* required */
    void *ctx;                    /* passed back to transmit */
};

#define TT_ETH_HLEN 14
#define TT_ETH_ALEN 6
/* Largest frame a stack will emit or accept: Ethernet header plus a 1500-byte MTU
 * would be 1514; frames up to TT_FRAME_MAX are accepted so jumbo MTUs work. */
#define TT_FRAME_MAX (TT_ETH_HLEN + 9000)

#endif
