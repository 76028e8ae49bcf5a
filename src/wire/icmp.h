/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMPv4 (RFC 792): parse and emit. */
#ifndef TT_WIRE_ICMP_H
#define TT_WIRE_ICMP_H

#include <stddef.h>
#include <stdint.h>

#include <tether/counters.h>

#define TT_ICMP_ECHO_REPLY 0
#define TT_ICMP_DEST_UNREACH 3
#define TT_ICMP_SOURCE_QUENCH 4
#define TT_ICMP_ECHO 8
#define TT_ICMP_TIME_EXCEEDED 11
#define TT_ICMP_PARAM_PROBLEM 12
/* Destination-unreachable codes. */
#define TT_ICMP_NET_UNREACH 0
#define TT_ICMP_HOST_UNREACH 1
#define TT_ICMP_PROTO_UNREACH 2
#define TT_ICMP_PORT_UNREACH 3
#define TT_ICMP_FRAG_NEEDED 4
#define TT_ICMP_HDR_LEN 8

struct tt_icmp_hdr {
    uint8_t type, code;
    uint16_t cksum;
    uint32_t rest;          /* bytes 4..7: echo id<<16|seq, or unused|next-hop MTU */
    const uint8_t *payload; /* points into the parsed buffer */
    size_t payload_len;
};

/* Returns 8, or TT_EINVAL with *why = ICMP_TRUNCATED or ICMP_BAD_CHECKSUM
 * (the checksum covers the whole message, len bytes). */
int tt__icmp_parse(const uint8_t *buf, size_t len, struct tt_icmp_hdr *h, enum tt_drop_reason *why);

/* Emit header + h->payload (payload_len bytes) with the checksum computed.
 * Returns the total length, or TT_EINVAL when cap is too small. */
int tt__icmp_emit(const struct tt_icmp_hdr *h, uint8_t *buf, size_t cap);

static inline uint16_t tt__icmp_echo_id(const struct tt_icmp_hdr *h)
{
    return (uint16_t)(h->rest >> 16);
}
static inline uint16_t tt__icmp_echo_seq(const struct tt_icmp_hdr *h)
{
    return (uint16_t)(h->rest & 0xffff);
}
static inline uint16_t tt__icmp_mtu(const struct tt_icmp_hdr *h)
{
    return (uint16_t)(h->rest & 0xffff); /* RFC 1191 §4 */
}

#endif
