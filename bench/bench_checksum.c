/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internet checksum throughput (RFC 1071) on 64 B, 1500 B and 64 KiB buffers,
 * at an aligned and an odd address, against a byte-by-byte reference for
 * scale. Each figure is the median of 7 timed runs of --mib MiB (256) each;
 * under callgrind, the instructions per byte at 1500 B and 64 KiB instead
 * of times. Prints one JSON line, e.g. {"bench":"checksum","gbps_64":..}.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether/rng.h>

#include "bench.h"
#include "wire/checksum.h"

#define RUNS 7

static uint64_t MIB = 256; /* the option: MiB summed per timed run */

static volatile uint32_t sink; /* keeps the sums from being optimised away */

/* The plain definition: 16-bit big-endian words one at a time. */
static uint32_t naive_sum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < len; i += 2) {
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
        s = (s & 0xffff) + (s >> 16);
    }
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    return (s & 0xffff) + (s >> 16);
}

/* Median throughput in Gbit/s of summing `len` bytes at `p`, repeatedly. */
static double measure(const uint8_t *p, size_t len, int naive)
{
    /* Read through a volatile pointer: the compiler cannot prove two calls
     * see the same bytes, so it cannot hoist a sum out of the loop. */
    const uint8_t *volatile vp = p;
    size_t iters = (size_t)(MIB << 20) / len;
    double gbps[RUNS];

    if (naive)
        iters /= 8; /* the reference is slow: keep the run short */
    if (iters == 0)
        iters = 1;
    for (int r = 0; r < RUNS; r++) {
        uint32_t acc = 0;
        double t0 = bench_wall_now(), dt;
        for (size_t i = 0; i < iters; i++)
            acc += naive ? naive_sum(vp, len) : tt__cksum_add(0, vp, len);
        dt = bench_wall_now() - t0;
        sink += acc;
        gbps[r] = dt > 0 ? (double)(iters * len) * 8.0 / dt / 1e9 : 0.0;
    }
    return bench_median(gbps, RUNS);
}

/* Instructions per byte of tt__cksum_add over `len` bytes at p (callgrind). */
static double instr_per_byte(const uint8_t *p, size_t len)
{
    const uint8_t *volatile vp = p;
    size_t iters = ((size_t)1 << 24) / len + 1;
    uint32_t acc = 0;
    bench_instr_begin();
    for (size_t i = 0; i < iters; i++)
        acc += tt__cksum_add(0, vp, len);
    double n = bench_instr_end();
    sink += acc;
    return n / (double)(iters * len);
}

int main(int argc, char **argv)
{
    const struct bench_opt opts[] = {{"mib", &MIB, NULL}, {NULL, NULL, NULL}};
    bench_options(argc, argv, opts);
    if (MIB < 1 || MIB > 65536)
        bench_die("bad options");
    static const size_t sizes[] = {64, 1500, 65536};
    uint8_t *buf = malloc(65536 + 64);
    struct tt_rng r;

    if (buf == NULL)
        return 1;
    tt_rng_seed(&r, 1071);
    for (size_t i = 0; i < 65536 + 64; i++)
        buf[i] = (uint8_t)tt_rng_next(&r);
    /* malloc returns 16-aligned memory: buf is aligned, buf + 1 is odd. */
    printf("{\"bench\":\"checksum\"");
    if (bench_under_callgrind()) {
        printf(",\"instr_per_byte_1500\":%.3f", instr_per_byte(buf, 1500));
        printf(",\"instr_per_byte_65536\":%.3f", instr_per_byte(buf, 65536));
        printf(",\"instr_per_byte_1500_misaligned\":%.3f}\n", instr_per_byte(buf + 1, 1500));
        free(buf);
        return 0;
    }
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        printf(",\"gbps_%zu\":%.2f", sizes[k], measure(buf, sizes[k], 0));
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++)
        printf(",\"gbps_%zu_misaligned\":%.2f", sizes[k], measure(buf + 1, sizes[k], 0));
    printf(",\"naive_gbps_1500\":%.2f", measure(buf, 1500, 1));
    printf(",\"runs\":%d}\n", RUNS);
    free(buf);
    return 0;
}
