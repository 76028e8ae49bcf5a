/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Speed comes from RFC 1071 §2: the one's-complement sum is independent of
 * byte order (§2(B)) and may be computed in wider words and folded at the end
 * (§2(C), "parallel summation"). We load 64 bits at a time in host order,
 * accumulate their two 32-bit halves into 64-bit accumulators (no carries are
 * ever lost: each add is below 2^33, and we fold long before 2^31 adds), fold
 * to 16 bits, and swap the two bytes on a little-endian host to obtain the
 * sum of big-endian words. All of this is arithmetic modulo 0xffff, which is
 * what the one's-complement sum is.
 */
#include <string.h>

#include "wire/checksum.h"

/* At most this many bytes are summed before the accumulators are folded: 2^28
 * bytes are 2^25 64-bit loads, far below the 2^31 adds that could overflow. */
#define TT_CKSUM_CHUNK ((size_t)1 << 28)

static uint32_t fold64(uint64_t acc)
{
    /* 2^32 = 1 and 2^16 = 1 modulo 0xffff: fold the halves onto each other. */
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    return (uint32_t)acc;
}

static int host_is_little_endian(void)
{
    const uint16_t one = 1;
    uint8_t first;

    memcpy(&first, &one, 1); /* constant-folded by the compiler */
    return first == 1;
}

/* Sum of `len` bytes (len even or not: a trailing byte is summed as the low
 * byte in memory order) as host-order 16-bit words, folded to 16 bits. */
static uint32_t sum_host_order(const uint8_t *p, size_t len)
{
    uint64_t a0 = 0, a1 = 0;

    while (len >= 32) {
        uint64_t w[4];
        memcpy(w, p, sizeof w);
        a0 += (w[0] & 0xffffffffu) + (w[0] >> 32);
        a1 += (w[1] & 0xffffffffu) + (w[1] >> 32);
        a0 += (w[2] & 0xffffffffu) + (w[2] >> 32);
        a1 += (w[3] & 0xffffffffu) + (w[3] >> 32);
        p += 32;
        len -= 32;
    }
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        a0 += (w & 0xffffffffu) + (w >> 32);
        p += 8;
        len -= 8;
    }
    while (len >= 2) {
        uint16_t w;
        memcpy(&w, p, sizeof w);
        a1 += w;
        p += 2;
        len -= 2;
    }
    if (len) {
        /* RFC 1071 §4.1: an odd byte is padded with a zero byte after it. */
        uint8_t last[2] = {p[0], 0};
        uint16_t w;
        memcpy(&w, last, sizeof w);
        a1 += w;
    }
    return fold64(a0 + a1);
}

uint32_t tt__cksum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = sum;

    while (len > 0) {
        size_t n = len < TT_CKSUM_CHUNK ? len : TT_CKSUM_CHUNK;
        uint32_t s = sum_host_order(p, n);
        if (host_is_little_endian())
            s = ((s & 0xffu) << 8) | (s >> 8); /* RFC 1071 §2(B): swap once */
        acc += s;
        p += n;
        len -= n;
    }
    return fold64(acc);
}

uint16_t tt__cksum_fold(uint32_t sum)
{
    return (uint16_t)~fold64(sum);
}

uint16_t tt__cksum(const void *data, size_t len)
{
    return tt__cksum_fold(tt__cksum_add(0, data, len));
}

uint32_t tt__cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t l4len)
{
    /* RFC 9293 §3.1: source, destination, zero, PTCL, TCP length. */
    return (src >> 16) + (src & 0xffffu) + (dst >> 16) + (dst & 0xffffu) + proto + l4len;
}

uint16_t tt__cksum_update16(uint16_t cksum, uint16_t old, uint16_t new_)
{
    /* RFC 1624 §3, eqn. 3: HC' = ~(~HC + ~m + m'). Unlike eqn. 2, it never
     * yields 0xffff (-0) for a header whose sum is not zero (§3, §5). */
    uint32_t sum = (uint16_t)~cksum + (uint32_t)(uint16_t)~old + new_;
    return (uint16_t)~fold64(sum);
}

uint16_t tt__cksum_update32(uint16_t cksum, uint32_t old, uint32_t new_)
{
    uint32_t sum = (uint16_t)~cksum;

    sum += (uint16_t) ~(old >> 16);
    sum += (uint16_t) ~(old & 0xffffu);
    sum += new_ >> 16;
    sum += new_ & 0xffffu;
    return (uint16_t)~fold64(sum);
}
