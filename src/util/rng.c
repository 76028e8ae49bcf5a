/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * xoshiro256** (Blackman and Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), with its state filled by splitmix64 as the authors
 * recommend, so that any 64-bit seed (zero included) gives a good state.
 * Deterministic: the same seed replays the same sequence on every host.
 */
#include <tether/rng.h>

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* splitmix64: a Weyl sequence passed through a 64-bit finaliser. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void tt_rng_seed(struct tt_rng *r, uint64_t seed)
{
    uint64_t x = seed;

    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

uint64_t tt_rng_next(struct tt_rng *r)
{
    uint64_t *s = r->s;
    const uint64_t out = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

uint64_t tt_rng_below(struct tt_rng *r, uint64_t n)
{
    /* Reject the lowest 2^64 mod n values, so that the values kept form a
     * whole number of copies of [0, n): each residue is then equally likely.
     * At most half of the draws are rejected, on average far fewer. */
    uint64_t threshold, x;

    if (n == 0)
        return 0;            /* outside the contract; a defined answer beats a trap */
    threshold = (0 - n) % n; /* = 2^64 mod n */
    do {
        x = tt_rng_next(r);
    } while (x < threshold);
    return x % n;
}

double tt_rng_unit(struct tt_rng *r)
{
    /* The top 53 bits, scaled by 2^-53: every double in [0, 1) on that grid. */
    return (double)(tt_rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}
