/* SPDX-License-Identifier: BSD-2-Clause */
/* The fixed-pool allocator: classes, reuse, exhaustion, splitting, accounting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tether/alloc.h>
#include <tether/rng.h>

#define POOL (64 * 1024)
static _Alignas(64) uint8_t pool[POOL + 64];

static struct tt_fixed_allocator fa;
static struct tt_allocator hooks;

static int setup(void **state)
{
    (void)state;
    tt_fixed_allocator_init(&fa, pool, POOL);
    hooks = tt_fixed_allocator_hooks(&fa);
    return 0;
}

static void *A(size_t n)
{
    return hooks.alloc(hooks.ctx, n);
}

static void F(void *p, size_t n)
{
    hooks.free(hooks.ctx, p, n);
}

static void test_classes_and_accounting(void **state)
{
    (void)state;
    assert_ptr_equal(hooks.ctx, &fa);
    uint8_t *a = A(1), *b = A(16), *c = A(17), *d = A(0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    /* Carved in order from the start of the pool, each rounded to its class. */
    assert_ptr_equal(a, pool);
    assert_ptr_equal(b, pool + 16);
    assert_ptr_equal(c, pool + 32);
    assert_ptr_equal(d, pool + 64);
    assert_int_equal(fa.in_use, 16 + 16 + 32 + 16);
    assert_int_equal(fa.high_water, 80);
    assert_ptr_equal(fa.brk, pool + 80);
    uint8_t *e = A(1000); /* class 1024 */
    assert_ptr_equal(e, pool + 80);
    assert_int_equal(fa.in_use, 80 + 1024);
    F(e, 1000);
    F(c, 17);
    assert_int_equal(fa.in_use, 48);
    assert_int_equal(fa.high_water, 1104); /* the peak stays */
    /* Freed blocks come back first, by class (LIFO within a class). */
    assert_ptr_equal(A(20), c);
    assert_ptr_equal(A(513), e);
    F(a, 1);
    F(b, 16);
    assert_ptr_equal(A(3), b);
    assert_ptr_equal(A(3), a);
    assert_int_equal(fa.in_use, 16 + 16 + 32 + 16 + 1024);
}

static void test_alignment(void **state)
{
    struct tt_fixed_allocator f2;
    struct tt_allocator h2;

    (void)state;
    /* A pool that starts off-alignment is aligned to 16 first. */
    tt_fixed_allocator_init(&f2, pool + 3, 4000); /* the 20 blocks below take 1712 */
    h2 = tt_fixed_allocator_hooks(&f2);
    assert_ptr_equal(f2.base, pool + 16);
    for (int i = 0; i < 20; i++) {
        void *p = h2.alloc(h2.ctx, (size_t)i * 7 + 1);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
    }
    /* A pool too small for any block, and an empty one. */
    tt_fixed_allocator_init(&f2, pool + 1, 20);
    h2 = tt_fixed_allocator_hooks(&f2);
    assert_null(h2.alloc(h2.ctx, 1));
    tt_fixed_allocator_init(&f2, NULL, 0);
    h2 = tt_fixed_allocator_hooks(&f2);
    assert_null(h2.alloc(h2.ctx, 1));
    h2.free(h2.ctx, pool, 16); /* ignored */
}

/* Exhaustion is NULL, not a crash; freeing makes room again. */
static void test_exhaustion(void **state)
{
    void *blk[64];
    int n = 0;

    (void)state;
    while (n < 64 && (blk[n] = A(4096)) != NULL)
        n++;
    assert_int_equal(n, POOL / 4096);
    assert_null(A(4096));
    assert_null(A(16)); /* brk is at the end, no free block anywhere */
    assert_int_equal(fa.in_use, POOL);
    assert_int_equal(fa.high_water, POOL);
    /* Larger than the largest class (8 MiB), or than the pool. */
    assert_null(A((size_t)8 << 20 | 1));
    assert_null(A(SIZE_MAX));
    for (int i = 0; i < n; i++)
        F(blk[i], 4096);
    assert_int_equal(fa.in_use, 0);
    assert_int_equal(fa.high_water, POOL);
    assert_non_null(A(4096));
}

/* With brk exhausted, a free larger block is split (halves down to the class
 * asked for); a 4 KiB block serves exactly 256 blocks of 16 bytes. */
static void test_split_larger(void **state)
{
    void *blk[16];
    uint8_t *small[300];
    int n = 0;

    (void)state;
    for (int i = 0; i < 16; i++)
        assert_non_null(blk[i] = A(4096));
    F(blk[5], 4096);
    while (n < 300 && (small[n] = A(16)) != NULL) {
        assert_true(small[n] >= (uint8_t *)blk[5] && small[n] < (uint8_t *)blk[5] + 4096);
        n++;
    }
    assert_int_equal(n, 256);
    assert_int_equal(fa.in_use, POOL);
    assert_ptr_equal(small[0], blk[5]); /* the first half is kept at each step */
    /* Distinct blocks: fill each, then check none was overwritten. */
    for (int i = 0; i < n; i++)
        memset(small[i], i, 16);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < 16; j++)
            assert_int_equal(small[i][j], (uint8_t)i);
}

/* Foreign pointers and NULL are ignored on free. */
static void test_free_foreign(void **state)
{
    static uint8_t other[64];
    void *p;

    (void)state;
    p = A(32);
    assert_non_null(p);
    F(NULL, 32);
    F(other, 32);
    F(pool + POOL - 32, 32); /* inside the pool but never handed out */
    assert_int_equal(fa.in_use, 32);
    assert_ptr_equal(A(32), pool + 32); /* nothing bogus joined the free list */
}

/* Random allocations and frees: blocks never overlap (each keeps its fill)
 * and in_use is always the sum of the live blocks' classes. */
static void test_random_stress(void **state)
{
    struct {
        uint8_t *p;
        size_t n;
        uint8_t fill;
    } live[256];
    size_t nlive = 0, expect = 0;
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 2024);
    for (int it = 0; it < 20000; it++) {
        if (nlive < 256 && (nlive == 0 || tt_rng_below(&r, 100) < 55)) {
            size_t n = 1 + tt_rng_below(&r, tt_rng_below(&r, 2) ? 64 : 3000);
            uint8_t *p = A(n);
            if (p == NULL)
                continue;
            size_t cls = 16;
            while (cls < n)
                cls *= 2;
            assert_true(p >= pool && p + cls <= pool + POOL);
            live[nlive].p = p;
            live[nlive].n = n;
            live[nlive].fill = (uint8_t)it;
            memset(p, (uint8_t)it, n);
            nlive++;
            expect += cls;
        } else {
            size_t k = tt_rng_below(&r, nlive), cls = 16;
            for (size_t j = 0; j < live[k].n; j++)
                assert_int_equal(live[k].p[j], live[k].fill);
            while (cls < live[k].n)
                cls *= 2;
            F(live[k].p, live[k].n);
            expect -= cls;
            live[k] = live[--nlive];
        }
        assert_int_equal(fa.in_use, expect);
        assert_true(fa.high_water >= fa.in_use);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_classes_and_accounting, setup),
        cmocka_unit_test_setup(test_alignment, setup),
        cmocka_unit_test_setup(test_exhaustion, setup),
        cmocka_unit_test_setup(test_split_larger, setup),
        cmocka_unit_test_setup(test_free_foreign, setup),
        cmocka_unit_test_setup(test_random_stress, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
