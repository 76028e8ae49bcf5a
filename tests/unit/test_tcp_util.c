/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TCP module's data structures: the timer heap (util/timer.h), the hash
 * table (util/hash.h) and the chunked byte queue (tcp/bufq.c), each against a
 * trivially correct model on seeded random operations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <tether/rng.h>

#include "tcp/tcp_int.h"
#include "tcp_fixture.h"
#include "util/hash.h"
#include "util/timer.h"

#define NT 500

/* Random set/remove/pop against an array model: pops come out in order and
 * exactly the due ones. */
static void test_timer_heap_model(void **st)
{
    (void)st;
    struct tt__theap h;
    tt__theap_init(&h);
    static struct tt__tnode n[NT];
    static tt_time when[NT]; /* model: TT_TIME_NEVER = not queued */
    memset(n, 0, sizeof n);
    for (int i = 0; i < NT; i++)
        when[i] = TT_TIME_NEVER;
    struct tt_rng r;
    tt_rng_seed(&r, 42);
    tt_time now = 0;
    for (int step = 0; step < 20000; step++) {
        int i = (int)tt_rng_below(&r, NT);
        switch (tt_rng_below(&r, 4)) {
        case 0:
        case 1: {
            tt_time w = now + tt_rng_below(&r, 1000);
            tt__theap_set(&h, &n[i], w);
            when[i] = w;
            break;
        }
        case 2:
            tt__theap_remove(&h, &n[i]);
            when[i] = TT_TIME_NEVER;
            break;
        default: {
            now += tt_rng_below(&r, 50);
            tt_time last = 0;
            struct tt__tnode *x;
            while ((x = tt__theap_pop_due(&h, now)) != NULL) {
                int k = (int)(x - n);
                assert_true(when[k] <= now);
                assert_true(when[k] >= last);
                last = when[k];
                when[k] = TT_TIME_NEVER;
            }
            tt_time min = TT_TIME_NEVER;
            size_t count = 0;
            for (int k = 0; k < NT; k++) {
                if (when[k] != TT_TIME_NEVER) {
                    count++;
                    if (when[k] < min)
                        min = when[k];
                }
            }
            assert_true(min > now);
            assert_int_equal(tt__theap_next(&h), min);
            assert_int_equal(h.count, count);
        }
        }
    }
}

struct item {
    struct tt__hnode hn;
    uint32_t key;
};

static void test_hash_table(void **st)
{
    (void)st;
    struct tt__htable t;
    struct tt__hnode **b = malloc(4 * sizeof *b);
    tt__htable_init(&t, b, 4);
    static struct item it[1000];
    const uint64_t key[2] = {1, 2};
    for (uint32_t i = 0; i < 1000; i++) {
        it[i].key = i;
        uint64_t h = tt__hash_tuple(key, &FX_US, (uint16_t)i, &FX_PEER, 80);
        tt__htable_insert(&t, &it[i].hn, h);
        if (t.count >= t.nbuckets) {
            struct tt__hnode **nb = malloc(t.nbuckets * 2 * sizeof *nb);
            free(tt__htable_rehash(&t, nb, t.nbuckets * 2));
        }
    }
    assert_int_equal(t.count, 1000);
    assert_int_equal(t.nbuckets, 1024);
    for (uint32_t i = 0; i < 1000; i += 2)
        tt__htable_remove(&t, &it[i].hn);
    for (uint32_t i = 0; i < 1000; i++) {
        uint64_t h = tt__hash_tuple(key, &FX_US, (uint16_t)i, &FX_PEER, 80);
        struct tt__hnode *n = tt__htable_first(&t, h);
        if (i % 2) {
            assert_ptr_equal(n, &it[i].hn);
            assert_null(tt__htable_next(n, h));
        } else {
            assert_null(n);
        }
    }
    /* Keyed: another key gives other hashes for the same tuple. */
    const uint64_t key2[2] = {3, 4};
    const struct tt_addr a1 = TT_ADDR_V4(1), a3 = TT_ADDR_V4(3);
    assert_int_not_equal(tt__hash_tuple(key, &a1, 2, &a3, 4), tt__hash_tuple(key2, &a1, 2, &a3, 4));
    free(t.bucket);
}

/* The byte queue against a flat buffer; memory goes back when empty. */
static void test_bufq_model(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    struct tt__bufq q;
    memset(&q, 0, sizeof q);
    size_t base = tt_stack_mem_in_use(f.s);
    static uint8_t model[1 << 16], tmp[1 << 14];
    size_t mlen = 0;
    struct tt_rng r;
    tt_rng_seed(&r, 7);
    uint8_t next = 0;
    for (int step = 0; step < 3000; step++) {
        if (tt_rng_below(&r, 2) && mlen < sizeof model - sizeof tmp) {
            size_t n = tt_rng_below(&r, 5000);
            for (size_t i = 0; i < n; i++)
                tmp[i] = next++;
            assert_int_equal(tt__bufq_append(f.s, &q, tmp, n), n);
            memcpy(model + mlen, tmp, n);
            mlen += n;
        } else {
            size_t n = mlen ? tt_rng_below(&r, mlen + 1) : 0;
            tt__bufq_drop(f.s, &q, n);
            memmove(model, model + n, mlen - n);
            mlen -= n;
        }
        assert_int_equal(q.len, mlen);
        if (mlen) {
            size_t off = tt_rng_below(&r, mlen);
            size_t n = tt_rng_below(&r, mlen - off + 1);
            if (n > sizeof tmp)
                n = sizeof tmp;
            tt__bufq_copy(&q, off, tmp, n);
            assert_memory_equal(tmp, model + off, n);
        }
    }
    tt__bufq_clear(f.s, &q);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    assert_null(q.head);
    fx_fini(&f);
}

/*
 * The read cursor: a sender's pattern of reads, segment after segment from
 * where the last one ended, mixed with retransmissions from any earlier
 * offset, drops from the head (ACKs: inside a chunk, whole chunks, the
 * cursor's own chunk), appends, and reads that end on a chunk boundary. Every
 * read is checked against the flat model.
 */
static void test_bufq_cursor(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    struct tt__bufq q;
    memset(&q, 0, sizeof q);
    static uint8_t model[1 << 17], tmp[1 << 14];
    size_t mlen = 0, rd = 0; /* rd: the next new byte to "send" */
    struct tt_rng r;
    tt_rng_seed(&r, 793);
    uint8_t next = 0;
    for (int step = 0; step < 20000; step++) {
        unsigned op = tt_rng_below(&r, 10);
        if (op < 2 && mlen < sizeof model - sizeof tmp) {
            size_t n = tt_rng_below(&r, 6000);
            for (size_t i = 0; i < n; i++)
                tmp[i] = next++;
            assert_int_equal(tt__bufq_append(f.s, &q, tmp, n), n);
            memcpy(model + mlen, tmp, n);
            mlen += n;
        } else if (op < 6 && rd < mlen) {
            /* The next segment: 1448 B, or up to the next chunk boundary. */
            size_t n = tt_rng_below(&r, 2) ? 1448 : TT__CHUNK_DATA - (rd + 7) % TT__CHUNK_DATA;
            if (n > mlen - rd)
                n = mlen - rd;
            tt__bufq_copy(&q, rd, tmp, n);
            assert_memory_equal(tmp, model + rd, n);
            rd += n;
        } else if (op < 8 && rd) {
            /* A retransmission from anywhere already sent. */
            size_t off = tt_rng_below(&r, rd), n = tt_rng_below(&r, 3000);
            if (n > mlen - off)
                n = mlen - off;
            tt__bufq_copy(&q, off, tmp, n);
            assert_memory_equal(tmp, model + off, n);
        } else {
            /* An ACK: drop up to what was sent (sometimes all of it). */
            size_t n = tt_rng_below(&r, 4) ? tt_rng_below(&r, rd + 1) : rd;
            tt__bufq_drop(f.s, &q, n);
            memmove(model, model + n, mlen - n);
            mlen -= n;
            rd -= n;
        }
        assert_int_equal(q.len, mlen);
    }
    tt__bufq_clear(f.s, &q);
    assert_null(q.head);
    assert_null(q.cur);
    fx_fini(&f);
}

/*
 * The chunk cache: emptied chunks are kept while other queues hold data, at
 * most cfg.tcp.chunk_cache of them and never more than the queues hold, and
 * all go back to the allocator when every queue is empty.
 */
static void test_bufq_chunk_cache(void **st)
{
    (void)st;
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.chunk_cache = 4;
    struct fx f;
    fx_init(&f, &cfg);
    struct tt__bufq a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    static uint8_t data[10 * TT__CHUNK_DATA];
    size_t base = tt_stack_mem_in_use(f.s), ch = sizeof(struct tt__chunk);
    assert_int_equal(tt__bufq_append(f.s, &a, data, sizeof data), sizeof data);
    assert_int_equal(tt__bufq_append(f.s, &b, data, 3 * TT__CHUNK_DATA), 3 * TT__CHUNK_DATA);
    assert_int_equal(tt_stack_mem_in_use(f.s), base + 13 * ch);
    /* a empties: 10 chunks freed, 3 kept (no more than b's 3). */
    tt__bufq_clear(f.s, &a);
    assert_int_equal(tt_stack_mem_in_use(f.s), base + 6 * ch);
    /* Drawn back without the allocator. */
    assert_int_equal(tt__bufq_append(f.s, &a, data, 3 * TT__CHUNK_DATA), 3 * TT__CHUNK_DATA);
    assert_int_equal(tt_stack_mem_in_use(f.s), base + 6 * ch);
    /* a at 6 chunks, b at 10, then a empties: the cap keeps 4 of its 6. */
    assert_int_equal(tt__bufq_append(f.s, &a, data, 3 * TT__CHUNK_DATA), 3 * TT__CHUNK_DATA);
    assert_int_equal(tt__bufq_append(f.s, &b, data, 7 * TT__CHUNK_DATA), 7 * TT__CHUNK_DATA);
    tt__bufq_clear(f.s, &a);
    assert_int_equal(tt_stack_mem_in_use(f.s), base + 14 * ch);
    /* Every queue empty: nothing kept. */
    tt__bufq_clear(f.s, &b);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    /* chunk_cache 0: nothing is ever kept. */
    f.s->cfg.tcp.chunk_cache = 0;
    assert_int_equal(tt__bufq_append(f.s, &a, data, sizeof data), sizeof data);
    assert_int_equal(tt__bufq_append(f.s, &b, data, 1), 1);
    tt__bufq_clear(f.s, &a);
    assert_int_equal(tt_stack_mem_in_use(f.s), base + ch);
    tt__bufq_clear(f.s, &b);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timer_heap_model), cmocka_unit_test(test_hash_table),
        cmocka_unit_test(test_bufq_model),       cmocka_unit_test(test_bufq_cursor),
        cmocka_unit_test(test_bufq_chunk_cache),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
