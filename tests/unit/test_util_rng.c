/* SPDX-License-Identifier: BSD-2-Clause */
/* xoshiro256** seeded through splitmix64: golden outputs, ranges, bias. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tether/rng.h>

/*
 * Golden values, computed with an independent model of the published
 * algorithms (splitmix64; xoshiro256** by Blackman and Vigna). splitmix64's
 * first output from 0, 0xe220a8397b1dcdaf, is the well-known one.
 */
static void test_golden(void **state)
{
    static const uint64_t seed0_state[4] = {0xe220a8397b1dcdafull, 0x6e789e6aa1b965f4ull,
                                            0x06c45d188009454full, 0xf88bb8a8724c81ecull};
    static const uint64_t seed0[5] = {0x99ec5f36cb75f2b4ull, 0xbf6e1f784956452aull,
                                      0x1a5f849d4933e6e0ull, 0x6aa594f1262d2d2cull,
                                      0xbba5ad4a1f842e59ull};
    static const uint64_t seed42[5] = {0x15780b2e0c2ec716ull, 0x6104d9866d113a7eull,
                                       0xae17533239e499a1ull, 0xecb8ad4703b360a1ull,
                                       0xfde6dc7fe2ec5e64ull};
    static const uint64_t seed_dead[5] = {0xc5555444a74d7e83ull, 0x65c30d37b4b16e38ull,
                                          0x54f773200a4efa23ull, 0x429aed75fb958af7ull,
                                          0xfb0e1dd69c255b2eull};
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 0);
    assert_memory_equal(r.s, seed0_state, sizeof seed0_state);
    for (int i = 0; i < 5; i++)
        assert_int_equal(tt_rng_next(&r), seed0[i]);
    tt_rng_seed(&r, 42);
    for (int i = 0; i < 5; i++)
        assert_int_equal(tt_rng_next(&r), seed42[i]);
    tt_rng_seed(&r, 0xdeadbeef);
    for (int i = 0; i < 5; i++)
        assert_int_equal(tt_rng_next(&r), seed_dead[i]);
}

static void test_deterministic(void **state)
{
    struct tt_rng a, b;
    int differ = 0;

    (void)state;
    tt_rng_seed(&a, 12345);
    tt_rng_seed(&b, 12345);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(tt_rng_next(&a), tt_rng_next(&b));
    tt_rng_seed(&b, 12346);
    for (int i = 0; i < 100; i++)
        differ += tt_rng_next(&a) != tt_rng_next(&b);
    assert_int_equal(differ, 100);
    /* Re-seeding restarts the sequence. */
    tt_rng_seed(&a, 42);
    assert_int_equal(tt_rng_next(&a), 0x15780b2e0c2ec716ull);
}

static void test_below_ranges(void **state)
{
    static const uint64_t ns[] = {
        1, 2, 3, 7, 10, 1000, 65536, 0x7fffffffffffffffull, 0x8000000000000001ull, UINT64_MAX};
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 7);
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++)
        for (int i = 0; i < 2000; i++)
            assert_true(tt_rng_below(&r, ns[k]) < ns[k]);
    for (int i = 0; i < 100; i++)
        assert_int_equal(tt_rng_below(&r, 1), 0);
    assert_int_equal(tt_rng_below(&r, 0), 0); /* outside the contract, but defined */
}

/* Six faces, 60000 throws: every count near 10000 (chi-square with 5 degrees
 * of freedom, bound 20.5 = p 0.001; the seed is fixed, so no flakiness). */
static void test_below_uniform(void **state)
{
    unsigned count[6] = {0};
    struct tt_rng r;
    double chi = 0;

    (void)state;
    tt_rng_seed(&r, 6);
    for (int i = 0; i < 60000; i++)
        count[tt_rng_below(&r, 6)]++;
    for (int f = 0; f < 6; f++) {
        double d = (double)count[f] - 10000.0;
        chi += d * d / 10000.0;
    }
    assert_true(chi < 20.5);
}

/* With n = 0xaaaaaaaaaaaaaaab (about 2/3 of 2^64), a plain x % n would put
 * two thirds of the results below n/2: the top third of [0, 2^64) folds onto
 * [0, 2^64 - n), about n/2. Rejection keeps it an even split. */
static void test_below_unbiased(void **state)
{
    const uint64_t n = 0xaaaaaaaaaaaaaaabull;
    struct tt_rng r;
    int low = 0;

    (void)state;
    tt_rng_seed(&r, 99);
    for (int i = 0; i < 10000; i++)
        low += tt_rng_below(&r, n) < n / 2;
    assert_true(low > 4700 && low < 5300); /* a biased draw gives about 6667 */
}

static void test_unit(void **state)
{
    struct tt_rng r;
    double sum = 0, lo = 1, hi = 0;

    (void)state;
    tt_rng_seed(&r, 42);
    /* First output of seed 42, top 53 bits scaled by 2^-53. */
    assert_true(tt_rng_unit(&r) == (double)(0x15780b2e0c2ec716ull >> 11) / 9007199254740992.0);
    for (int i = 0; i < 100000; i++) {
        double u = tt_rng_unit(&r);
        assert_true(u >= 0.0 && u < 1.0);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    assert_true(sum / 100000 > 0.49 && sum / 100000 < 0.51);
    assert_true(lo < 0.001 && hi > 0.999);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),         cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_below_ranges),   cmocka_unit_test(test_below_uniform),
        cmocka_unit_test(test_below_unbiased), cmocka_unit_test(test_unit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
