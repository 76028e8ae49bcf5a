/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 header (RFC 791): parse with full validation, emit without options. */
#ifndef TT_WIRE_IPV4_H
#define TT_WIRE_IPV4_H

#include <stddef.h>
#include <stdint.h>

#include <tether/counters.h>

#define TT_IPPROTO_ICMP 1
#define TT_IPPROTO_TCP 6
#define TT_IPPROTO_UDP 17
#define TT_IPV4_HLEN 20

struct tt_ipv4_hdr {
    uint8_t hlen; /* header length in bytes (20..60) */
    uint8_t tos;
    uint16_t total_len; /* header + payload */
    uint16_t id;
    uint8_t df, mf;    /* flags: don't fragment, more fragments */
    uint16_t frag_off; /* fragment offset in bytes (multiple of 8) */
    uint8_t ttl;
    uint8_t proto;
    uint16_t cksum;
    uint32_t src, dst; /* host order */
};

/*
 * Parse and validate (RFC 1122 §3.2.1.1-3.2.1.2): version 4, header length
 * >= 20 and within both len and total_len, total_len <= len (trailing link
 * padding is allowed and ignored), header checksum. Options are skipped.
 * Returns the header length, or TT_EINVAL with *why set to IP_TRUNCATED,
 * IP_BAD_VERSION, IP_BAD_HLEN, IP_BAD_LENGTH or IP_BAD_CHECKSUM.
 */
int tt__ipv4_parse(const uint8_t *buf, size_t len, struct tt_ipv4_hdr *h, enum tt_drop_reason *why);

/* Parse the quoted header inside an ICMP error: like tt__ipv4_parse but
 * without checksum or total-length checks (the quote is truncated). */
int tt__ipv4_parse_quoted(const uint8_t *buf, size_t len, struct tt_ipv4_hdr *h);

/* Emit a 20-byte header (h->hlen ignored; no options) with its checksum
 * computed. Returns 20 or TT_EINVAL when cap < 20. */
int tt__ipv4_emit(const struct tt_ipv4_hdr *h, uint8_t *buf, size_t cap);

static inline int tt__ipv4_is_multicast(uint32_t a)
{
    return (a >> 28) == 0xe;
}

#endif
