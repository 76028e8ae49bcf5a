/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Connection churn: full TCP lifecycles per second of CPU between two stacks
 * on the virtual clock (clean 100 µs link): three-way handshake, accept, the
 * client's close, the server's close, and TIME-WAIT running out, in batches
 * of --batch (1,000) concurrent connections. Median of --runs (5) runs of
 * --conns (20,000) connections; under callgrind one run, and the instructions
 * per connection. Prints one JSON line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether/tether.h>

#include "bench_tcp.h"

#define PORT 80
#define MAX_BATCH 4096

static uint64_t RUNS = 5, CONNS = 20000, BATCH = 1000; /* the options */
static struct tt_tcp *cli[MAX_BATCH], *srv[MAX_BATCH];

static uint64_t segs;

static void batch(struct bench_pair *p, struct tt_tcp *l)
{
    bench_connect(p, l, PORT, cli, srv, (int)BATCH);
    for (int i = 0; i < (int)BATCH; i++)
        tt_tcp_close(cli[i], tt_sim_now(p->sim));
    tt_sim_run_for(p->sim, TT_MSEC(5));
    for (int i = 0; i < (int)BATCH; i++)
        tt_tcp_close(srv[i], tt_sim_now(p->sim));
    /* LAST-ACK ends on the server, TIME-WAIT (60 s) on the client. */
    tt_sim_run_for(p->sim, TT_SEC(61));
}

static double run(uint64_t seed, double *instr)
{
    struct bench_pair p;
    bench_pair_build(&p, seed, 4096);
    struct tt_tcp *l = bench_listen(&p, PORT, (int)BATCH);
    uint64_t s0 = bench_segs(&p);
    bench_instr_begin();
    double t0 = bench_cpu_now();
    for (uint64_t k = 0; k < CONNS / BATCH; k++)
        batch(&p, l);
    double cpu = bench_cpu_now() - t0;
    *instr = bench_instr_end();
    bench_check_all_closed(&p, CONNS);
    segs = bench_segs(&p) - s0;
    tt_sim_destroy(p.sim);
    return cpu;
}

int main(int argc, char **argv)
{
    const struct bench_opt opts[] = {{"conns", &CONNS, NULL},
                                     {"batch", &BATCH, NULL},
                                     {"runs", &RUNS, NULL},
                                     {NULL, NULL, NULL}};
    bench_options(argc, argv, opts);
    if (BATCH < 1 || BATCH > MAX_BATCH || CONNS % BATCH != 0)
        bench_die("bad options (--conns a multiple of --batch)");
    double instr = -1, med = bench_runs(RUNS, run, &instr);
    printf("{\"bench\":\"tcp_handshake\",\"connections\":%llu,\"batch\":%llu,"
           "\"cpu_s_median\":%.4f,\"conns_open_close_per_cpu_s\":%.0f,"
           "\"segments_per_conn\":%.1f",
           (unsigned long long)CONNS, (unsigned long long)BATCH, med, (double)CONNS / med,
           (double)segs / (double)CONNS);
    bench_print_instr("instr_per_conn", instr, (double)CONNS);
    printf("}\n");
    return 0;
}
