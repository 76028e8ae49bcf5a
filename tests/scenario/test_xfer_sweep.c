/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The randomized sweep: many small transfers, each seed choosing its own
 * faults, sizes, buffer sizes, read and write patterns, close order and ISNs
 * (sweep_config below), every one byte-exact both ways and every byte of
 * memory freed at the end (tests/support/xfer.h does the checking).
 *
 * Environment:
 *   TT_SWEEP_SEEDS  number of seeds (default 1000)
 *   TT_SWEEP_FIRST  first seed (default 1)
 *   TT_SWEEP_SCALE  multiplies the transfer sizes (default 1; `make soak` uses more)
 *   TT_SWEEP_VERBOSE=1 prints each seed's config before running it
 *
 * A failing seed is printed with its whole config; replay it alone with
 *   TT_SWEEP_FIRST=<seed> TT_SWEEP_SEEDS=1 TT_SWEEP_SCALE=<scale> ./test_xfer_sweep
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/rng.h>

#include "xfer.h"

#define MAX_REPORTED 20

static uint64_t env_u64(const char *name, uint64_t dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    unsigned long long x = strtoull(v, &end, 0);
    return *end ? dflt : (uint64_t)x;
}

static double chance(struct tt_rng *r)
{
    return tt_rng_unit(r);
}

/* One direction's faults: mostly mild, sometimes harsh, sometimes clean. */
static void pick_faults(struct tt_rng *r, struct tt_memlink_faults *f)
{
    static const double losses[] = {0, 0, 0.005, 0.01, 0.02, 0.05};
    memset(f, 0, sizeof *f);
    f->loss = losses[tt_rng_below(r, 6)];
    if (chance(r) < 0.2)
        f->duplicate = 0.02 + 0.1 * chance(r);
    if (chance(r) < 0.15) {
        f->reorder = 0.02 + 0.05 * chance(r);
        f->reorder_delay = TT_USEC(500 + tt_rng_below(r, 5000));
    }
    if (chance(r) < 0.15)
        f->corrupt = 0.01 + 0.04 * chance(r);
    f->delay = TT_USEC(tt_rng_below(r, 20000));
    if (chance(r) < 0.2)
        f->jitter = TT_USEC(tt_rng_below(r, 2000));
    if (chance(r) < 0.2) {
        f->rate_bytes_per_sec = 200000 + tt_rng_below(r, 5000000);
        f->queue_frames = chance(r) < 0.5 ? 0 : 8 + (uint32_t)tt_rng_below(r, 64);
    }
}

static uint32_t pick_buf(struct tt_rng *r)
{
    static const uint32_t bufs[] = {0, 0, 0, 4096, 8192, 16384, 65536, 262144, 1u << 20};
    return bufs[tt_rng_below(r, sizeof bufs / sizeof bufs[0])];
}

static void pick_side(struct tt_rng *r, struct xfer_side *s, uint64_t scale)
{
    /* Sizes: empty, tiny, or up to 48 KiB (times the scale). */
    uint64_t kind = tt_rng_below(r, 8);
    s->bytes = kind == 0 ? 0 : kind < 3 ? tt_rng_below(r, 2000) : tt_rng_below(r, 48 * 1024);
    s->bytes *= scale;
    s->sndbuf = pick_buf(r);
    s->rcvbuf = pick_buf(r);
    s->write_max = chance(r) < 0.2 ? 1 + (uint32_t)tt_rng_below(r, 100) : 0;
    s->read_max =
        chance(r) < 0.2 ? 1 + (uint32_t)tt_rng_below(r, 100) : 1 + (uint32_t)tt_rng_below(r, 65536);
    if (chance(r) < 0.15) {
        s->pause_after = tt_rng_below(r, s->bytes + 1);
        s->pause_for = TT_MSEC(1 + tt_rng_below(r, 3000));
    }
    if (chance(r) < 0.125)
        s->isn = 0xffffffffu - (uint32_t)tt_rng_below(r, 200000);
    s->nodelay = chance(r) < 0.5;
}

/* Everything a seed decides. */
static void sweep_config(struct xfer_cfg *c, uint64_t seed, uint64_t scale)
{
    struct tt_rng r;
    tt_rng_seed(&r, seed);
    xfer_config_default(c, seed);
    c->name = "sweep";
    for (int d = 0; d < 2; d++)
        pick_faults(&r, &c->link.faults[d]);
    if (chance(&r) < 0.5) /* often symmetric */
        c->link.faults[1] = c->link.faults[0];
    pick_side(&r, &c->a, scale);
    pick_side(&r, &c->b, scale);
    c->close = (enum xfer_close)tt_rng_below(&r, XFER_CLOSE_COUNT);
    /* Generous: this is about correctness, not speed. Virtual time costs
     * nothing; only a livelock or a stall hits this. */
    c->time_limit = TT_SEC(600) * scale;
}

static void test_sweep(void **st)
{
    (void)st;
    uint64_t first = env_u64("TT_SWEEP_FIRST", 1);
    uint64_t n = env_u64("TT_SWEEP_SEEDS", 1000);
    uint64_t scale = env_u64("TT_SWEEP_SCALE", 1);
    uint64_t verbose = env_u64("TT_SWEEP_VERBOSE", 0);
    if (scale == 0)
        scale = 1;
    uint64_t failures = 0, bytes = 0, retrans = 0, vtime = 0, first_bad = 0;
    static struct xfer_result r;
    for (uint64_t seed = first; seed < first + n; seed++) {
        struct xfer_cfg c;
        sweep_config(&c, seed, scale);
        if (verbose) {
            char line[1024];
            xfer_describe(&c, line, sizeof line);
            print_message("[   seed   ] %s\n", line);
        }
        if (xfer_run(&c, &r) != 0) {
            if (failures++ < MAX_REPORTED)
                print_error("seed %llu FAILED: %s\n  replay: TT_SWEEP_FIRST=%llu "
                            "TT_SWEEP_SEEDS=1 TT_SWEEP_SCALE=%llu ./test_xfer_sweep\n",
                            (unsigned long long)seed, r.msg, (unsigned long long)seed,
                            (unsigned long long)scale);
            if (failures == 1)
                first_bad = seed;
            continue;
        }
        bytes += r.rcvd[0] + r.rcvd[1];
        retrans += r.ctr[0].tcp_retrans_segs + r.ctr[1].tcp_retrans_segs;
        vtime += (uint64_t)r.elapsed;
    }
    print_message("[   info   ] sweep: seeds %llu..%llu scale %llu: %llu failed; %llu bytes "
                  "checked, %llu retransmissions, %.1f s virtual\n",
                  (unsigned long long)first, (unsigned long long)(first + n - 1),
                  (unsigned long long)scale, (unsigned long long)failures,
                  (unsigned long long)bytes, (unsigned long long)retrans, (double)vtime / 1e6);
    if (failures)
        fail_msg("%llu of %llu seeds failed (first: %llu)", (unsigned long long)failures,
                 (unsigned long long)n, (unsigned long long)first_bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
