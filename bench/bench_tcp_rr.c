/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Short connections between two stacks on the virtual clock (clean 100 µs
 * link), --batch (64) at a time: connect, a 100 B request, a 100 B reply,
 * close (the client first), TIME-WAIT running out. --conns (20,000) of them;
 * the median CPU time of --runs runs (5). Under callgrind (bench/run.sh
 * --instr): one run, and the instructions per connection, both stacks, the
 * link and the driver included. Prints one JSON line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_tcp.h"

#define PORT 80

static uint64_t CONNS = 20000, BATCH = 64, RUNS = 5; /* the options */

static uint64_t segs;

static double run(uint64_t seed, double *instr)
{
    struct tt_tcp *cli[1024], *srv[1024];
    struct bench_pair p;
    bench_pair_build(&p, seed, 4096);
    struct tt_tcp *l = bench_listen(&p, PORT, 1024);
    uint64_t s0 = bench_segs(&p);
    bench_instr_begin();
    double t0 = bench_cpu_now();
    bench_conn_cycles(&p, l, PORT, cli, srv, (int)CONNS, (int)BATCH);
    double cpu = bench_cpu_now() - t0;
    *instr = bench_instr_end();
    segs = bench_segs(&p) - s0;
    bench_check_all_closed(&p, CONNS);
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
    if (CONNS < 1 || CONNS > 1000000 || BATCH < 1 || BATCH > 1024)
        bench_die("bad options");
    double instr = -1, med = bench_runs(RUNS, run, &instr);
    printf("{\"bench\":\"tcp_rr\",\"connections\":%llu,\"batch\":%llu,\"request\":%d,"
           "\"reply\":%d,\"cpu_s_median\":%.4f,\"conns_per_cpu_s\":%.0f,"
           "\"segments_per_conn\":%.1f",
           (unsigned long long)CONNS, (unsigned long long)BATCH, BENCH_MSG, BENCH_MSG, med,
           (double)CONNS / med, (double)segs / (double)CONNS);
    bench_print_instr("instr_per_conn", instr, (double)CONNS);
    printf("}\n");
    return 0;
}
