/* SPDX-License-Identifier: BSD-2-Clause */
/* The in-memory link and its fault injector: exact timing, statistics, replay. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "memlink.h"

/* ---- recording helpers ---- */

#define MAXREC 50000

struct rec {
    size_t n;
    struct tt_memlink_fate_event ev[MAXREC];
    uint64_t hash; /* FNV-1a over fates, times, bits and bytes */
};

static void hash_bytes(struct rec *r, const void *p, size_t len)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < len; i++)
        r->hash = (r->hash ^ b[i]) * 0x100000001b3ULL;
}

static void on_fate(void *ctx, const struct tt_memlink_fate_event *ev)
{
    struct rec *r = ctx;
    if (r->n < MAXREC) {
        r->ev[r->n] = *ev;
        r->ev[r->n].frame = NULL;
        r->n++;
    }
    uint64_t w[5] = {ev->fate, ev->serial, ev->sent, ev->deliver_at, ev->bit};
    hash_bytes(r, w, sizeof w);
    hash_bytes(r, ev->frame, ev->len);
}

struct arrivals {
    size_t n;
    uint32_t id[MAXREC]; /* the first 4 payload bytes */
    tt_time at[MAXREC];
    size_t len[MAXREC];
    uint8_t first[MAXREC]; /* the byte at offset 20 */
};

static void on_rx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct arrivals *a = ctx;
    if (a->n < MAXREC && len >= 4) {
        memcpy(&a->id[a->n], frame, 4);
        a->at[a->n] = now;
        a->len[a->n] = len;
        a->first[a->n] = len > 20 ? frame[20] : 0;
        a->n++;
    }
}

static struct tt_memlink *make(const struct tt_memlink_faults *ab, uint64_t seed)
{
    struct tt_memlink_config c;
    tt_memlink_config_default(&c);
    c.seed = seed;
    if (ab)
        c.faults[TT_MEMLINK_A_TO_B] = *ab;
    struct tt_memlink *ml;
    assert_int_equal(tt_memlink_create(&c, &ml), 0);
    return ml;
}

/* Send n frames of `len` bytes from A, one every `gap` µs from t0; each
 * carries its index in the first 4 bytes. */
static void send_n(struct tt_memlink *ml, size_t n, size_t len, tt_time t0, tt_time gap)
{
    struct tt_link l = tt_memlink_link(ml, TT_MEMLINK_A);
    uint8_t buf[1514];
    memset(buf, 0x5a, sizeof buf);
    for (size_t i = 0; i < n; i++) {
        uint32_t id = (uint32_t)i;
        memcpy(buf, &id, 4);
        assert_int_equal(l.transmit(l.ctx, buf, len, t0 + i * gap), 0);
    }
}

/* A memlink with faults `f` from A to B, its fates recorded, after sending
 * n frames of len bytes, one every gap µs from 0. */
static struct rec *recorded(const struct tt_memlink_faults *f, uint64_t seed, size_t n, size_t len,
                            tt_time gap, struct tt_memlink **ml)
{
    *ml = make(f, seed);
    struct rec *r = calloc(1, sizeof *r);
    tt_memlink_set_fate_hook(*ml, on_fate, r);
    send_n(*ml, n, len, 0, gap);
    return r;
}

static uint64_t run_mixed(uint64_t seed)
{
    struct tt_memlink_faults f = {.loss = 0.1,
                                  .duplicate = 0.1,
                                  .reorder = 0.1,
                                  .reorder_delay = 3000,
                                  .corrupt = 0.05,
                                  .delay = 1000,
                                  .jitter = 400,
                                  .rate_bytes_per_sec = 10000000,
                                  .queue_frames = 20};
    struct tt_memlink *ml = make(&f, seed);
    struct rec *r = calloc(1, sizeof *r);
    r->hash = 0xcbf29ce484222325ULL;
    tt_memlink_set_fate_hook(ml, on_fate, r);
    send_n(ml, 3000, 200, 0, 15);
    uint64_t h = r->hash;
    assert_int_equal(r->n, 3000 + tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->duplicated);
    free(r);
    tt_memlink_destroy(ml);
    return h;
}

static void test_determinism(void **state)
{
    (void)state;
    uint64_t a = run_mixed(42), b = run_mixed(42), c = run_mixed(43);
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
}

static void test_loss_rate(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.loss = 0.25};
    struct tt_memlink *ml = make(&f, 7);
    struct arrivals *a = calloc(1, sizeof *a);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, on_rx, a);
    send_n(ml, 20000, 60, 0, 10);
    int delivered = tt_memlink_deliver(ml, TT_SEC(1)); /* before a->n is read */
    assert_int_equal(delivered, a->n);
    const struct tt_memlink_counters *c = tt_memlink_counters(ml, TT_MEMLINK_A_TO_B);
    /* Binomial(20000, 0.25): mean 5000, sd 61; allow 5 sd. */
    assert_in_range(c->lost, 5000 - 306, 5000 + 306);
    assert_int_equal(c->tx_frames, 20000);
    assert_int_equal(c->delivered + c->lost, 20000);
    assert_int_equal(a->n, c->delivered);
    /* The other direction is untouched. */
    assert_int_equal(tt_memlink_counters(ml, TT_MEMLINK_B_TO_A)->tx_frames, 0);
    free(a);
    tt_memlink_destroy(ml);
}

static void test_exact_delay(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.delay = TT_MSEC(10)};
    struct tt_memlink *ml = make(&f, 1);
    struct arrivals *a = calloc(1, sizeof *a);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, on_rx, a);
    assert_int_equal(tt_memlink_next_deadline(ml), TT_TIME_NEVER);
    send_n(ml, 1, 100, 1000, 0);
    assert_int_equal(tt_memlink_next_deadline(ml), 11000);
    assert_int_equal(tt_memlink_pending(ml, TT_MEMLINK_A_TO_B), 1);
    assert_int_equal(tt_memlink_deliver(ml, 10999), 0);
    assert_int_equal(tt_memlink_deliver(ml, 20000), 1);
    assert_int_equal(a->n, 1);
    assert_int_equal(a->at[0], 11000); /* its own delivery time, not the later now */
    assert_int_equal(a->len[0], 100);
    assert_int_equal(tt_memlink_next_deadline(ml), TT_TIME_NEVER);
    assert_int_equal(tt_memlink_pending(ml, TT_MEMLINK_A_TO_B), 0);
    free(a);
    tt_memlink_destroy(ml);
}

static void test_jitter_bounds(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.delay = 1000, .jitter = 500};
    struct tt_memlink *ml;
    struct rec *r = recorded(&f, 3, 5000, 60, 1, &ml);
    tt_time lo = TT_TIME_NEVER, hi = 0;
    for (size_t i = 0; i < r->n; i++) {
        tt_time d = r->ev[i].deliver_at - r->ev[i].sent;
        assert_in_range(d, 1000, 1500);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
    }
    assert_int_equal(r->n, 5000);
    assert_true(lo < 1010);
    assert_true(hi > 1490);
    free(r);
    tt_memlink_destroy(ml);
}

static void test_reordering(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.delay = 1000, .reorder = 0.2, .reorder_delay = 5000};
    struct tt_memlink *ml = make(&f, 5);
    struct arrivals *a = calloc(1, sizeof *a);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, on_rx, a);
    send_n(ml, 1000, 60, 0, 100);
    tt_memlink_deliver(ml, TT_SEC(10));
    assert_int_equal(a->n, 1000); /* nothing lost */
    size_t inversions = 0;
    for (size_t i = 1; i < a->n; i++) {
        if (a->id[i] < a->id[i - 1])
            inversions++;
        assert_true(a->at[i] >= a->at[i - 1]); /* delivered in time order */
    }
    const struct tt_memlink_counters *c = tt_memlink_counters(ml, TT_MEMLINK_A_TO_B);
    assert_in_range(c->reordered, 140, 260);
    assert_true(inversions > 100);
    free(a);
    tt_memlink_destroy(ml);
}

/* Bursty loss: the long-run rate stays `loss`, the losses come in runs of
 * loss_burst frames on average (Gilbert model). */
static void test_loss_burst(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.loss = 0.05, .loss_burst = 4.0};
    struct tt_memlink *ml;
    struct rec *r = recorded(&f, 11, 40000, 60, 10, &ml);
    size_t lost = 0, runs = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->ev[i].fate != TT_MEMLINK_LOST)
            continue;
        lost++;
        if (i == 0 || r->ev[i - 1].fate != TT_MEMLINK_LOST)
            runs++;
    }
    assert_int_equal(r->n, 40000);
    assert_int_equal(lost, tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->lost);
    /* 2000 expected; bursts make the count vary more than a binomial's. */
    assert_in_range(lost, 1600, 2400);
    assert_true(runs > 0);
    double mean = (double)lost / (double)runs;
    assert_true(mean > 3.2 && mean < 4.8);
    free(r);
    tt_memlink_destroy(ml);
}

/* reorder_spread: a held-back frame's extra delay is uniform in [1, reorder_delay]. */
static void test_reorder_spread(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {
        .delay = 1000, .reorder = 0.5, .reorder_delay = 4000, .reorder_spread = 1};
    struct tt_memlink *ml;
    struct rec *r = recorded(&f, 9, 4000, 60, 10, &ml);
    size_t held = 0, low = 0, high = 0;
    for (size_t i = 0; i < r->n; i++) {
        tt_time extra = r->ev[i].deliver_at - r->ev[i].sent - 1000;
        assert_true(extra <= 4000);
        held += extra > 0;
        low += extra > 0 && extra <= 1000;
        high += extra > 3000;
    }
    assert_int_equal(held, tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->reordered);
    assert_in_range(held, 1800, 2200);
    /* Each quarter of the range holds about a quarter of them. */
    assert_in_range(low, held / 4 - 120, held / 4 + 120);
    assert_in_range(high, held / 4 - 120, held / 4 + 120);
    free(r);
    tt_memlink_destroy(ml);
}

static void test_duplication(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.delay = 100, .duplicate = 1.0};
    struct tt_memlink *ml = make(&f, 9);
    struct arrivals *a = calloc(1, sizeof *a);
    struct rec *r = calloc(1, sizeof *r);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, on_rx, a);
    tt_memlink_set_fate_hook(ml, on_fate, r);
    send_n(ml, 50, 60, 0, 1000);
    tt_memlink_deliver(ml, TT_SEC(1));
    assert_int_equal(a->n, 100);
    for (size_t i = 0; i < 100; i += 2) { /* no jitter: copy right after original */
        assert_int_equal(a->id[i], i / 2);
        assert_int_equal(a->id[i + 1], i / 2);
    }
    assert_int_equal(r->n, 100);
    assert_int_equal(r->ev[0].fate, TT_MEMLINK_DELIVERED);
    assert_int_equal(r->ev[1].fate, TT_MEMLINK_DUPLICATED);
    assert_int_equal(r->ev[1].serial, 1);
    const struct tt_memlink_counters *c = tt_memlink_counters(ml, TT_MEMLINK_A_TO_B);
    assert_int_equal(c->duplicated, 50);
    assert_int_equal(c->delivered, 100);
    free(a);
    free(r);
    tt_memlink_destroy(ml);
}

struct corrupt_check {
    struct tt_memlink_fate_event last;
    uint8_t sent[256];
    size_t checked;
};

static void corrupt_fate(void *ctx, const struct tt_memlink_fate_event *ev)
{
    struct corrupt_check *cc = ctx;
    assert_int_equal(ev->fate, TT_MEMLINK_CORRUPTED);
    assert_int_equal(ev->len, 256);
    /* Exactly one bit differs, and it is the reported one. */
    size_t diff_bits = 0;
    for (size_t i = 0; i < ev->len; i++)
        diff_bits += (size_t)__builtin_popcount((unsigned)(ev->frame[i] ^ cc->sent[i]));
    assert_int_equal(diff_bits, 1);
    assert_int_not_equal(ev->frame[ev->bit / 8] & (0x80 >> (ev->bit % 8)),
                         cc->sent[ev->bit / 8] & (0x80 >> (ev->bit % 8)));
    cc->checked++;
}

static void test_corruption(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.corrupt = 1.0};
    struct tt_memlink *ml = make(&f, 11);
    struct corrupt_check *cc = calloc(1, sizeof *cc);
    for (size_t i = 0; i < sizeof cc->sent; i++)
        cc->sent[i] = (uint8_t)(i * 7);
    tt_memlink_set_fate_hook(ml, corrupt_fate, cc);
    struct tt_link l = tt_memlink_link(ml, TT_MEMLINK_A);
    for (int i = 0; i < 500; i++)
        assert_int_equal(l.transmit(l.ctx, cc->sent, sizeof cc->sent, (tt_time)i), 0);
    assert_int_equal(cc->checked, 500);
    assert_int_equal(tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->corrupted, 500);
    free(cc);
    tt_memlink_destroy(ml);
}

static void test_rate_limit(void **state)
{
    (void)state;
    /* 1,000,000 B/s: a 1000-byte frame takes exactly 1000 µs to serialise. */
    struct tt_memlink_faults f = {.rate_bytes_per_sec = 1000000, .delay = 500};
    struct tt_memlink *ml = make(&f, 1);
    struct arrivals *a = calloc(1, sizeof *a);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, on_rx, a);
    send_n(ml, 10, 1000, 100000, 0); /* a burst at t = 100 ms */
    tt_memlink_deliver(ml, TT_SEC(1));
    assert_int_equal(a->n, 10);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(a->at[i], 100000 + 1000 * (i + 1) + 500);
    /* After the link goes idle, a frame is not delayed by the old burst. */
    send_n(ml, 1, 500, 200000, 0);
    tt_memlink_deliver(ml, TT_SEC(1));
    assert_int_equal(a->at[10], 200000 + 500 + 500);
    free(a);
    tt_memlink_destroy(ml);
}

static void test_queue_limit(void **state)
{
    (void)state;
    struct tt_memlink_faults f = {.rate_bytes_per_sec = 1000000, .queue_frames = 5};
    struct tt_memlink *ml = make(&f, 1);
    struct arrivals *a = calloc(1, sizeof *a);
    struct rec *r = calloc(1, sizeof *r);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, on_rx, a);
    tt_memlink_set_fate_hook(ml, on_fate, r);
    send_n(ml, 10, 1000, 0, 0);
    const struct tt_memlink_counters *c = tt_memlink_counters(ml, TT_MEMLINK_A_TO_B);
    assert_int_equal(c->queue_drops, 5);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(r->ev[i].fate, i < 5 ? TT_MEMLINK_DELIVERED : TT_MEMLINK_QUEUE_DROP);
    /* At 2000 µs two frames have left the bottleneck: two more fit, not three. */
    send_n(ml, 3, 1000, 2000, 0);
    assert_int_equal(c->queue_drops, 6);
    tt_memlink_deliver(ml, TT_SEC(1));
    assert_int_equal(a->n, 7);
    assert_int_equal(a->id[0], 0);
    assert_int_equal(a->id[4], 4);
    assert_int_equal(a->at[6], 7000);
    tt_memlink_destroy(ml);

    /* The byte limit: 2500 bytes hold two 1000-byte frames. */
    f.queue_frames = 0;
    f.queue_bytes = 2500;
    ml = make(&f, 1);
    send_n(ml, 4, 1000, 0, 0);
    assert_int_equal(tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->queue_drops, 2);
    assert_int_equal(tt_memlink_pending(ml, TT_MEMLINK_A_TO_B), 2);
    free(a);
    free(r);
    tt_memlink_destroy(ml); /* frees the undelivered frames (ASan checks) */
}

static void test_hard_cap_and_errors(void **state)
{
    (void)state;
    struct tt_memlink_config c;
    tt_memlink_config_default(&c);
    c.faults[0].delay = TT_SEC(1);
    c.max_held_frames = 100;
    struct tt_memlink *ml;
    assert_int_equal(tt_memlink_create(&c, &ml), 0);
    send_n(ml, 150, 60, 0, 1);
    assert_int_equal(tt_memlink_pending(ml, TT_MEMLINK_A_TO_B), 100);
    assert_int_equal(tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->queue_drops, 50);
    struct tt_link l = tt_memlink_link(ml, TT_MEMLINK_A);
    uint8_t big[1515] = {0};
    assert_int_equal(l.transmit(l.ctx, big, 1515, 0), TT_EMSGSIZE);
    assert_int_equal(l.transmit(l.ctx, big, 1514, 0), 0);
    assert_int_equal(tt_memlink_counters(ml, TT_MEMLINK_A_TO_B)->rejected, 1);
    struct tt_memlink_faults bad = {.loss = 1.5};
    assert_int_equal(tt_memlink_set_faults(ml, TT_MEMLINK_A_TO_B, &bad), TT_EINVAL);
    tt_memlink_destroy(ml);

    c.faults[1].duplicate = -0.1;
    assert_int_equal(tt_memlink_create(&c, &ml), TT_EINVAL);
    assert_string_equal(tt_memlink_fate_name(TT_MEMLINK_QUEUE_DROP), "queue-drop");
    assert_null(tt_memlink_fate_name((enum tt_memlink_fate)99));
}

/* B answers every frame at once with a shorter one, until the frames run out:
 * the callback transmits during deliver, and both directions interleave. */
struct echo {
    struct tt_memlink *ml;
    size_t a_got, b_got;
};

static void echo_b(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct echo *e = ctx;
    e->b_got++;
    struct tt_link l = tt_memlink_link(e->ml, TT_MEMLINK_B);
    if (len > 1)
        l.transmit(l.ctx, frame, len - 1, now);
}

static void echo_a(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct echo *e = ctx;
    e->a_got++;
    struct tt_link l = tt_memlink_link(e->ml, TT_MEMLINK_A);
    if (len > 1)
        l.transmit(l.ctx, frame, len - 1, now);
}

static void test_reentrant_echo(void **state)
{
    (void)state;
    struct tt_memlink_config c;
    tt_memlink_config_default(&c);
    c.faults[0].delay = 10;
    c.faults[1].delay = 20;
    struct tt_memlink *ml;
    assert_int_equal(tt_memlink_create(&c, &ml), 0);
    struct echo e = {.ml = ml};
    tt_memlink_set_rx(ml, TT_MEMLINK_A, echo_a, &e);
    tt_memlink_set_rx(ml, TT_MEMLINK_B, echo_b, &e);
    uint8_t f[10] = {0};
    struct tt_link l = tt_memlink_link(ml, TT_MEMLINK_A);
    l.transmit(l.ctx, f, 10, 0);
    /* 10 frames in all (lengths 10..1): 5 reach B, 5 reach A, at 10, 30, 40,
     * 60, 70, 90, 100, 120, 130, 150. */
    assert_int_equal(tt_memlink_deliver(ml, 129), 8);
    assert_int_equal(tt_memlink_next_deadline(ml), 130);
    assert_int_equal(tt_memlink_deliver(ml, 1000), 2);
    assert_int_equal(e.b_got, 5);
    assert_int_equal(e.a_got, 5);
    tt_memlink_destroy(ml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_determinism),    cmocka_unit_test(test_loss_rate),
        cmocka_unit_test(test_exact_delay),    cmocka_unit_test(test_jitter_bounds),
        cmocka_unit_test(test_reordering),     cmocka_unit_test(test_duplication),
        cmocka_unit_test(test_corruption),     cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_queue_limit),    cmocka_unit_test(test_hard_cap_and_errors),
        cmocka_unit_test(test_reentrant_echo), cmocka_unit_test(test_loss_burst),
        cmocka_unit_test(test_reorder_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
