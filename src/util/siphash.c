/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SipHash-2-4, written from the algorithm in Aumasson and Bernstein, "SipHash:
 * a fast short-input PRF" (2012), §2: four 64-bit words of state initialised
 * from the key and four constants, two SipRounds per 8-byte message word, a
 * final word holding the length, and four rounds of finalisation.
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

/* Compression: c = 2 rounds per message word. */
static void sip_absorb(struct sip_state *s, uint64_t m)
{
    s->v3 ^= m;
    sip_round(s);
    sip_round(s);
    s->v0 ^= m;
}

uint64_t tt__siphash(const uint64_t key[2], const void *data, size_t len)
{
    const uint8_t *p = data;
    struct sip_state s;
    uint8_t tail[8] = {0};
    size_t rest = len % 8;

    /* The constants spell "somepseudorandomlygeneratedbytes". */
    s.v0 = key[0] ^ 0x736f6d6570736575ull;
    s.v1 = key[1] ^ 0x646f72616e646f6dull;
    s.v2 = key[0] ^ 0x6c7967656e657261ull;
    s.v3 = key[1] ^ 0x7465646279746573ull;
    for (size_t i = 0; i + 8 <= len; i += 8)
        sip_absorb(&s, load_le64(p + i));
    /* The last word: the remaining bytes, and len mod 256 in the top byte. */
    if (rest)
        memcpy(tail, p + (len - rest), rest);
    tail[7] = (uint8_t)len;
    sip_absorb(&s, load_le64(tail));
    /* Finalisation: d = 4 rounds. */
    s.v2 ^= 0xff;
    for (int i = 0; i < 4; i++)
        sip_round(&s);
    return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}
