/* SPDX-License-Identifier: BSD-2-Clause */
/* SipHash-2-4 (Aumasson and Bernstein), keyed 64-bit hash of short inputs;
 * SipHash-1-3 for hash tables. */
#ifndef TT_UTIL_SIPHASH_H
#define TT_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* key: two 64-bit words (k0, k1), as in the reference: k0 = little-endian bytes 0..7. */
uint64_t tt__siphash(const uint64_t key[2], const void *data, size_t len);

/* SipHash-1-3: for hash-table keys only (ISNs, ports, cookies: SipHash-2-4). */
uint64_t tt__siphash13(const uint64_t key[2], const void *data, size_t len);
/* tt__siphash13 of 12 bytes: w0 then w1, each little-endian. */
uint64_t tt__siphash13_12(const uint64_t key[2], uint64_t w0, uint32_t w1);

#endif
