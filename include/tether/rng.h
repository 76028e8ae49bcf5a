/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small deterministic PRNG (xoshiro256** seeded through splitmix64). Not for
 * secrets: ISNs and ports use SipHash with the stack secret. Used for jitter,
 * fault injection and anything that must replay from a seed.
 */
#ifndef TETHER_RNG_H
#define TETHER_RNG_H

#include <stdint.h>

struct tt_rng {
    uint64_t s[4];
};

void tt_rng_seed(struct tt_rng *r, uint64_t seed);
uint64_t tt_rng_next(struct tt_rng *r);
/* Uniform in [0, n), n > 0 (unbiased). */
uint64_t tt_rng_below(struct tt_rng *r, uint64_t n);
/* Uniform double in [0, 1). */
double tt_rng_unit(struct tt_rng *r);

#endif
