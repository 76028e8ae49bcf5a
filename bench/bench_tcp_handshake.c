/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Connection churn: full TCP lifecycles per second of CPU between two stacks
 * on the virtual clock (clean 100 µs link): three-way handshake, accept, the
 * client's close, the server's close, and TIME-WAIT running out, in batches
 * of 1,000 concurrent connections. Median of 5 runs of 20,000 connections.
 * Prints one JSON line.
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
#define CONNS 20000
#define BATCH 1000
#define PORT 80

static struct tt_tcp *cli[BATCH], *srv[BATCH];

static void batch(struct tt_sim_pair *p, struct tt_tcp *l)
{
    for (int i = 0; i < BATCH; i++)
        if (tt_tcp_open(p->a, &cli[i]) != 0 ||
            tt_tcp_connect(cli[i], TT_SIM_ADDR_B, PORT, tt_sim_now(p->sim)) != TT_EINPROGRESS)
            bench_die("connect");
    int got = 0;
    tt_time limit = tt_sim_now(p->sim) + TT_SEC(10);
    while (got < BATCH) {
        if (tt_sim_step(p->sim) == TT_TIME_NEVER || tt_sim_now(p->sim) > limit)
            bench_die("handshakes did not complete");
        while (got < BATCH && tt_tcp_accept(l, &srv[got], tt_sim_now(p->sim)) == 0)
            got++;
    }
    for (int i = 0; i < BATCH; i++)
        tt_tcp_close(cli[i], tt_sim_now(p->sim));
    tt_sim_run_for(p->sim, TT_MSEC(5));
    for (int i = 0; i < BATCH; i++)
        tt_tcp_close(srv[i], tt_sim_now(p->sim));
    /* LAST-ACK ends on the server, TIME-WAIT (60 s) on the client. */
    tt_sim_run_for(p->sim, TT_SEC(61));
}

static double run(uint64_t seed, uint64_t *segs)
{
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = lc.faults[1].delay = TT_USEC(100);
    struct tt_sim_pair_opts o = {.link = &lc, .seed = seed};
    struct tt_sim_pair p;
    if (tt_sim_pair_create(&p, &o) != 0)
        bench_die("pair");
    tt_stack_ping(p.a, TT_SIM_ADDR_B, 1, 1, "w", 1, tt_sim_now(p.sim));
    tt_sim_run_for(p.sim, TT_MSEC(10));
    struct tt_tcp *l;
    if (tt_tcp_open(p.b, &l) != 0 || tt_tcp_bind(l, 0, PORT) != 0 ||
        tt_tcp_listen(l, BATCH, tt_sim_now(p.sim)) != 0)
        bench_die("listen");
    double t0 = bench_cpu_now();
    for (int k = 0; k < CONNS / BATCH; k++)
        batch(&p, l);
    double cpu = bench_cpu_now() - t0;
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(p.a, &sa);
    tt_tcp_stats(p.b, &sb);
    if (sa.handles != 0 || sb.handles != 1 || sa.opened != CONNS)
        bench_die("connections left behind");
    *segs = tt_stack_counters(p.a)->tcp_out_segs + tt_stack_counters(p.b)->tcp_out_segs;
    tt_sim_pair_destroy(&p);
    return cpu;
}

int main(void)
{
    double cpu[RUNS];
    uint64_t segs = 0;
    for (int i = 0; i < RUNS; i++)
        cpu[i] = run((uint64_t)i + 1, &segs);
    double med = bench_median(cpu, RUNS);
    printf("{\"bench\":\"tcp_handshake\",\"connections\":%d,\"batch\":%d,\"runs\":%d,"
           "\"cpu_s_median\":%.4f,\"conns_open_close_per_cpu_s\":%.0f,"
           "\"segments_per_conn\":%.1f}\n",
           CONNS, BATCH, RUNS, med, CONNS / med, (double)segs / CONNS);
    return 0;
}
