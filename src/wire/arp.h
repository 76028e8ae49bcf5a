/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP packets (RFC 826) for Ethernet/IPv4: parse and emit. */
#ifndef TT_WIRE_ARP_H
#define TT_WIRE_ARP_H

#include <stddef.h>
#include <stdint.h>

#define TT_ARP_LEN 28
#define TT_ARP_HTYPE_ETHER 1
#define TT_ARP_OP_REQUEST 1
#define TT_ARP_OP_REPLY 2

struct tt_arp_pkt {
    uint16_t htype, ptype; /* host order */
    uint8_t hlen, plen;
    uint16_t op;
    uint8_t sha[6];
    uint32_t spa; /* host order */
    uint8_t tha[6];
    uint32_t tpa;
};

/*
 * Returns 28 on success; TT_EINVAL when truncated (len < 8, or shorter than the
 * addresses its hlen/plen announce); TT_EOPNOTSUPP for any hardware/protocol
 * other than Ethernet (hlen 6) / IPv4 (0x0800, plen 4).
 */
int tt__arp_parse(const uint8_t *buf, size_t len, struct tt_arp_pkt *p);
/* Emits an Ethernet/IPv4 ARP packet (htype/ptype/hlen/plen are forced). Returns 28
 * or TT_EINVAL when cap < 28. */
int tt__arp_emit(const struct tt_arp_pkt *p, uint8_t *buf, size_t cap);

#endif
