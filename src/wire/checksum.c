/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Speed comes from RFC 1071 §2: the one's-complement sum is independent of
 * byte order (§2(B)) and may be computed in wider words and folded at the end
 * (§2(C), "parallel summation"). We add 64 bits at a time in host order,
 * counting the carries out of the top bit apart (end-around carries, added
 * back at the end), fold to 16 bits, and swap the two bytes on a
 * little-endian host to obtain the sum of big-endian words. All of this is arithmetic modulo
 * 0xffff, which is what the one's-complement sum is.
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
 * byte in memory order) as host-order 16-bit words, folded to 16 bits. The
 * main loop adds 64-bit words and counts the carries out of bit 63 apart
 * (2^64 = 1 modulo 0xffff: each carry is worth 1, RFC 1071 §2(C)); compilers
 * turn `acc += w; carry += acc < w` into add and add-with-carry, two
 * instructions per 8 bytes. 2^28 bytes at most per call: the carry count
 * stays below 2^25. */
static uint32_t sum_host_order(const uint8_t *p, size_t len)
{
    uint64_t acc = 0, carry = 0;

    while (len >= 32) {
        uint64_t w0, w1, w2, w3;
        memcpy(&w0, p, 8);
        memcpy(&w1, p + 8, 8);
        memcpy(&w2, p + 16, 8);
        memcpy(&w3, p + 24, 8);
        acc += w0;
        carry += acc < w0;
        acc += w1;
        carry += acc < w1;
        acc += w2;
        carry += acc < w2;
        acc += w3;
        carry += acc < w3;
        p += 32;
        len -= 32;
    }
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, sizeof w);
        acc += w;
        carry += acc < w;
        p += 8;
        len -= 8;
    }
    uint64_t tail = 0; /* below 2^34: cannot overflow */
    if (len >= 4) {
        uint32_t w;
        memcpy(&w, p, sizeof w);
        tail += w;
        p += 4;
        len -= 4;
    }
    if (len >= 2) {
        uint16_t w;
        memcpy(&w, p, sizeof w);
        tail += w;
        p += 2;
        len -= 2;
    }
    if (len) {
        /* RFC 1071 §4.1: an odd byte is padded with a zero byte after it. */
        uint8_t last[2] = {p[0], 0};
        uint16_t w;
        memcpy(&w, last, sizeof w);
        tail += w;
    }
    /* Each fold keeps a non-zero sum non-zero, so the result is 0 only for
     * all-zero data, as with a plain 16-bit sum. */
    return fold64((uint64_t)fold64(acc) + fold64(tail) + carry);
}

/* Host-order 16-bit sum to the big-endian one (RFC 1071 §2(B): swap once). */
static uint32_t to_net_order(uint32_t s)
{
    return host_is_little_endian() ? ((s & 0xffu) << 8) | (s >> 8) : s;
}

uint16_t tt__cksum_hdr20(const void *hdr)
{
    /* Five 32-bit loads, no loop: the IPv4 header without options. */
    uint32_t w[5];
    memcpy(w, hdr, sizeof w);
    uint64_t acc = (uint64_t)w[0] + w[1] + w[2] + w[3] + w[4];
    return (uint16_t)~to_net_order(fold64(acc));
}

uint32_t tt__cksum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = sum;

    while (len > 0) {
        size_t n = len < TT_CKSUM_CHUNK ? len : TT_CKSUM_CHUNK;
        acc += to_net_order(sum_host_order(p, n));
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

uint32_t tt__cksum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto,
                           uint32_t l4len)
{
    /* RFC 8200 §8.1: source, destination, upper-layer packet length (32
     * bits), three zero bytes, next header. Folded so that callers may add
     * a long message to it without overflow. */
    uint32_t sum = tt__cksum_add(0, src, 16);
    sum = tt__cksum_add(sum, dst, 16);
    sum += (l4len >> 16) + (l4len & 0xffffu) + proto;
    return (sum & 0xffffu) + (sum >> 16);
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
