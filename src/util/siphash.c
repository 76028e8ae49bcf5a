/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SipHash-2-4, written from the algorithm in Aumasson and Bernstein, "SipHash:
 * a fast short-input PRF" (2012), §2: four 64-bit words of state initialised
 * from the key and four constants, two SipRounds per 8-byte message word, a
 * final word holding the length, and four rounds of finalisation. SipHash-1-3
 * is the same with one and three rounds: the variant hash tables use (Rust's
 * HashMap, Linux's hsiphash), still keyed, so crafted keys cannot be made to
 * collide without the key, at about half the rounds.
 */
#include <string.h>

#include "util/siphash.h"

static uint64_t rotl(uint64_t x, int b)
{
    return (x << b) | (x >> (64 - b));
}

/* Little-endian load of 8 bytes (the paper reads message words that way). */
static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = (v << 8) | p[i];
    return v;
}

struct sip_state {
    uint64_t v0, v1, v2, v3;
};

static void sip_round(struct sip_state *s)
{
    s->v0 += s->v1;
    s->v1 = rotl(s->v1, 13);
    s->v1 ^= s->v0;
    s->v0 = rotl(s->v0, 32);
    s->v2 += s->v3;
    s->v3 = rotl(s->v3, 16);
    s->v3 ^= s->v2;
    s->v0 += s->v3;
    s->v3 = rotl(s->v3, 21);
    s->v3 ^= s->v0;
    s->v2 += s->v1;
    s->v1 = rotl(s->v1, 17);
    s->v1 ^= s->v2;
    s->v2 = rotl(s->v2, 32);
}

/* Compression: c rounds per message word (2 in SipHash-2-4). */
static void sip_absorb(struct sip_state *s, uint64_t m, int c)
{
    s->v3 ^= m;
    for (int i = 0; i < c; i++)
        sip_round(s);
    s->v0 ^= m;
}

static void sip_init(struct sip_state *s, const uint64_t key[2])
{
    /* The constants spell "somepseudorandomlygeneratedbytes". */
    s->v0 = key[0] ^ 0x736f6d6570736575ull;
    s->v1 = key[1] ^ 0x646f72616e646f6dull;
    s->v2 = key[0] ^ 0x6c7967656e657261ull;
    s->v3 = key[1] ^ 0x7465646279746573ull;
}

/* Finalisation: d rounds (4 in SipHash-2-4). */
static uint64_t sip_final(struct sip_state *s, int d)
{
    s->v2 ^= 0xff;
    for (int i = 0; i < d; i++)
        sip_round(s);
    return s->v0 ^ s->v1 ^ s->v2 ^ s->v3;
}

static uint64_t siphash_cd(const uint64_t key[2], const void *data, size_t len, int c, int d)
{
    const uint8_t *p = data;
    struct sip_state s;
    uint8_t tail[8] = {0};
    size_t rest = len % 8;

    sip_init(&s, key);
    for (size_t i = 0; i + 8 <= len; i += 8)
        sip_absorb(&s, load_le64(p + i), c);
    /* The last word: the remaining bytes, and len mod 256 in the top byte. */
    if (rest)
        memcpy(tail, p + (len - rest), rest);
    tail[7] = (uint8_t)len;
    sip_absorb(&s, load_le64(tail), c);
    return sip_final(&s, d);
}

uint64_t tt__siphash(const uint64_t key[2], const void *data, size_t len)
{
    return siphash_cd(key, data, len, 2, 4);
}

uint64_t tt__siphash13(const uint64_t key[2], const void *data, size_t len)
{
    return siphash_cd(key, data, len, 1, 3);
}

uint64_t tt__siphash13_12(const uint64_t key[2], uint64_t w0, uint32_t w1)
{
    /* The 12-byte message is w0's eight little-endian bytes, then w1's four:
     * one full word, then the last word with the length (12) on top. */
    struct sip_state s;
    sip_init(&s, key);
    sip_absorb(&s, w0, 1);
    sip_absorb(&s, (uint64_t)w1 | (uint64_t)12 << 56, 1);
    return sip_final(&s, 3);
}
