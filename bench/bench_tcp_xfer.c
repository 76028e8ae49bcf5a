/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bulk TCP throughput between two stacks on the virtual clock over a clean
 * memlink (100 µs one-way, no loss), both directions at once, 4 MiB buffers.
 * The figure is CPU time, not virtual time: how many MiB per second of CPU
 * each direction moves through both stacks (sender and receiver, the sim and
 * the copies in and out included), and how many segments per CPU second the
 * two stacks emit. Median of 5 runs. Prints one JSON line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether/tether.h>

#include "bench.h"
#include "sim.h"

#define RUNS 5
#define BYTES (32ull << 20) /* per direction per run */
#define PORT 5001
#define CHUNK 65536

struct end {
    struct tt_tcp *t;
    uint64_t sent, rcvd;
};

static uint8_t out_buf[CHUNK], in_buf[CHUNK];

static void pump(struct end *e, tt_time now)
{
    while (e->sent < BYTES) {
        size_t n = BYTES - e->sent < CHUNK ? (size_t)(BYTES - e->sent) : CHUNK;
        long k = tt_tcp_send(e->t, out_buf, n, now);
        if (k <= 0)
            break;
        e->sent += (uint64_t)k;
    }
    long k;
    while ((k = tt_tcp_recv(e->t, in_buf, sizeof in_buf, now)) > 0)
        e->rcvd += (uint64_t)k;
}

static int done(const struct end *e)
{
    return e[0].rcvd == BYTES && e[1].rcvd == BYTES;
}

static void big_bufs(struct tt_tcp *t)
{
    tt_tcp_setopt(t, TT_TCP_OPT_SNDBUF, 4 << 20);
    tt_tcp_setopt(t, TT_TCP_OPT_RCVBUF, 4 << 20);
}

/* One run: returns CPU seconds, and the segments both stacks sent. */
static double run(uint64_t seed, uint64_t *segs)
{
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = lc.faults[1].delay = TT_USEC(100);
    struct tt_sim_pair_opts o = {.link = &lc, .seed = seed};
    struct tt_sim_pair p;
    if (tt_sim_pair_create(&p, &o) != 0)
        exit(1);
    struct tt_tcp *l;
    struct end e[2];
    memset(e, 0, sizeof e);
    tt_tcp_open(p.b, &l);
    big_bufs(l);
    tt_tcp_bind(l, 0, PORT);
    tt_tcp_listen(l, 1, tt_sim_now(p.sim));
    tt_tcp_open(p.a, &e[0].t);
    big_bufs(e[0].t);
    tt_tcp_connect(e[0].t, TT_SIM_ADDR_B, PORT, tt_sim_now(p.sim));
    while (tt_tcp_accept(l, &e[1].t, tt_sim_now(p.sim)) != 0)
        if (tt_sim_step(p.sim) == TT_TIME_NEVER)
            exit(1);
    uint64_t segs0 = tt_stack_counters(p.a)->tcp_out_segs + tt_stack_counters(p.b)->tcp_out_segs;
    double t0 = bench_cpu_now();
    tt_time limit = tt_sim_now(p.sim) + TT_SEC(3600);
    while (!done(e)) {
        pump(&e[0], tt_sim_now(p.sim));
        pump(&e[1], tt_sim_now(p.sim));
        if (done(e))
            break;
        if (tt_sim_step(p.sim) == TT_TIME_NEVER || tt_sim_now(p.sim) > limit) {
            fprintf(stderr, "bench_tcp_xfer: transfer stalled\n");
            exit(1);
        }
    }
    double cpu = bench_cpu_now() - t0;
    *segs = tt_stack_counters(p.a)->tcp_out_segs + tt_stack_counters(p.b)->tcp_out_segs - segs0;
    tt_sim_pair_destroy(&p);
    return cpu;
}

int main(void)
{
    for (size_t i = 0; i < CHUNK; i++)
        out_buf[i] = (uint8_t)(i * 131 + 7);
    double cpu[RUNS], segs_s[RUNS];
    for (int i = 0; i < RUNS; i++) {
        uint64_t segs;
        cpu[i] = run((uint64_t)i + 1, &segs);
        segs_s[i] = (double)segs / cpu[i];
    }
    double med = bench_median(cpu, RUNS), med_segs = bench_median(segs_s, RUNS);
    double mib = (double)BYTES / (1 << 20);
    printf("{\"bench\":\"tcp_xfer\",\"bytes_per_direction\":%llu,\"runs\":%d,"
           "\"cpu_s_median\":%.4f,\"mib_per_cpu_s_per_direction\":%.1f,"
           "\"segments_per_cpu_s\":%.0f}\n",
           (unsigned long long)BYTES, RUNS, med, mib / med, med_segs);
    return 0;
}
