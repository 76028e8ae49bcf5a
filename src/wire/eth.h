/* SPDX-License-Identifier: BSD-2-Clause */
/* Ethernet II header: parse and emit. */
#ifndef TT_WIRE_ETH_H
#define TT_WIRE_ETH_H

#include <stddef.h>
#include <stdint.h>

#define TT_ETHERTYPE_IPV4 0x0800
#define TT_ETHERTYPE_ARP 0x0806
#define TT_ETHERTYPE_IPV6 0x86dd

struct tt_eth_hdr {
    uint8_t dst[6];
    uint8_t src[6];
    uint16_t type; /* host order */
};

/* Returns 14 (header length) or TT_EINVAL when len < 14. */
int tt__eth_parse(const uint8_t *buf, size_t len, struct tt_eth_hdr *h);
/* Returns 14 or TT_EINVAL when cap < 14. */
int tt__eth_emit(const struct tt_eth_hdr *h, uint8_t *buf, size_t cap);

static inline int tt__mac_is_broadcast(const uint8_t m[6])
{
    return (m[0] & m[1] & m[2] & m[3] & m[4] & m[5]) == 0xff;
}
static inline int tt__mac_is_multicast(const uint8_t m[6])
{
    return m[0] & 1; /* includes broadcast */
}

#endif
