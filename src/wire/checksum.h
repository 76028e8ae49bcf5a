/* SPDX-License-Identifier: BSD-2-Clause */
/* The Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
#ifndef TT_WIRE_CHECKSUM_H
#define TT_WIRE_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/*
 * Add `len` bytes at `data` to a running one's-complement sum, as big-endian
 * 16-bit words. Pieces may be chained; every piece but the last must have an
 * even length. Start with sum = 0 (or a pseudo-header sum).
 */
uint32_t tt__cksum_add(uint32_t sum, const void *data, size_t len);

/* Fold a running sum to 16 bits and complement it: the value to put on the wire
 * (host order). A buffer that includes a correct checksum folds to 0. */
uint16_t tt__cksum_fold(uint32_t sum);

/* tt__cksum(hdr, 20), for the IPv4 header without options: straight-line. */
uint16_t tt__cksum_hdr20(const void *hdr);

/* tt__cksum_fold(tt__cksum_add(0, data, len)). */
uint16_t tt__cksum(const void *data, size_t len);

/* The TCP/UDP pseudo-header sum (RFC 9293 §3.1): addresses host order. */
uint32_t tt__cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4len);

/* The IPv6 upper-layer pseudo-header sum (RFC 8200 §8.1): 16-byte addresses
 * in network order, the upper-layer length (32 bits) and the next header. */
uint32_t tt__cksum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                           uint32_t l4len);

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'), for a 16-bit field changing from
 * `old` to `new_`. All values host order. */
uint16_t tt__cksum_update16(uint16_t cksum, uint16_t old, uint16_t new_);
/* The same for a 32-bit field (an address, a sequence number). */
uint16_t tt__cksum_update32(uint16_t cksum, uint32_t old, uint32_t new_);

#endif
