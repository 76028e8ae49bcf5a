/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bulk TCP throughput between two stacks on the virtual clock over a clean
 * memlink (100 µs one-way, no loss), both directions at once, with send and
 * receive buffers (so the window) of --buf bytes (4 MiB). The figure is CPU
 * time, not virtual time: how many MiB per second of CPU each direction moves
 * through both stacks (sender and receiver, the sim and the copies in and out
 * included), and how many segments per CPU second the two stacks emit; the
 * median of --runs runs (5) of --bytes per direction (32 MiB). Under callgrind
 * (bench/run.sh --instr) one run, and the instructions per byte delivered
 * (both directions, both stacks, everything included). Prints one JSON line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether/tether.h>

#include "bench.h"
#include "sim.h"

#define PORT 5001
#define CHUNK 65536

struct end {
    struct tt_tcp *t;
    uint64_t sent, rcvd;
};

static uint64_t BYTES = 32ull << 20, BUF = 4 << 20, RUNS = 5; /* the options */
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
    tt_tcp_setopt(t, TT_TCP_OPT_SNDBUF, (int)BUF);
    tt_tcp_setopt(t, TT_TCP_OPT_RCVBUF, (int)BUF);
}

static double segs_per_s[99]; /* per run */
static int nrun;

/* One run: returns CPU seconds and the instructions it took (-1 outside
 * callgrind); notes the segments both stacks sent per CPU second. */
static double run(uint64_t seed, double *instr)
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
    tt_tcp_bind(l, TT_ADDR_ANY, PORT);
    tt_tcp_listen(l, 1, tt_sim_now(p.sim));
    tt_tcp_open(p.a, &e[0].t);
    big_bufs(e[0].t);
    tt_tcp_connect(e[0].t, TT_SIM_ADDR_B, PORT, tt_sim_now(p.sim));
    while (tt_tcp_accept(l, &e[1].t, tt_sim_now(p.sim)) != 0)
        if (tt_sim_step(p.sim) == TT_TIME_NEVER)
            exit(1);
    uint64_t segs0 = tt_stack_counters(p.a)->tcp_out_segs + tt_stack_counters(p.b)->tcp_out_segs;
    bench_instr_begin();
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
    *instr = bench_instr_end();
    uint64_t segs =
        tt_stack_counters(p.a)->tcp_out_segs + tt_stack_counters(p.b)->tcp_out_segs - segs0;
    segs_per_s[nrun++] = (double)segs / cpu;
    tt_sim_pair_destroy(&p);
    return cpu;
}

int main(int argc, char **argv)
{
    const struct bench_opt opts[] = {
        {"bytes", &BYTES, NULL}, {"buf", &BUF, NULL}, {"runs", &RUNS, NULL}, {NULL, NULL, NULL}};
    bench_options(argc, argv, opts);
    if (BYTES == 0 || BUF < 4096 || BUF > (1u << 30))
        bench_die("bad options");
    for (size_t i = 0; i < CHUNK; i++)
        out_buf[i] = (uint8_t)(i * 131 + 7);
    double instr = -1, med = bench_runs(RUNS, run, &instr);
    double med_segs = bench_median(segs_per_s, nrun);
    double mib = (double)BYTES / (1 << 20);
    printf("{\"bench\":\"tcp_xfer\",\"bytes_per_direction\":%llu,\"buf\":%llu,\"runs\":%d,"
           "\"cpu_s_median\":%.4f,\"mib_per_cpu_s_per_direction\":%.1f,"
           "\"segments_per_cpu_s\":%.0f",
           (unsigned long long)BYTES, (unsigned long long)BUF, nrun, med, mib / med, med_segs);
    bench_print_instr("instr_per_byte", instr, 2.0 * (double)BYTES);
    printf("}\n");
    return 0;
}
