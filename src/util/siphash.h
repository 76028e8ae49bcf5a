/* SPDX-License-Identifier: BSD-2-Clause */
/* SipHash-2-4 (Aumasson and Bernstein), keyed 64-bit hash of short inputs. */
#ifndef TT_UTIL_SIPHASH_H
#define TT_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

/* key: two 64-bit words (k0, k1), as in the reference: k0 = little-endian bytes 0..7. */
uint64_t tt__siphash(const uint64_t key[2], const void *data, size_t len);

#endif
