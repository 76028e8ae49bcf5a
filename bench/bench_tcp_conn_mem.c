/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory per connection, measured through tt_stack_mem_in_use (every byte the
 * stack holds comes through its allocator): bytes per idle ESTABLISHED
 * connection on the client and on the server side, per listening socket, per
 * TIME-WAIT connection (over --conns connections, 10,000), and the totals for
 * --big (100,000) established idle connections between one pair of stacks, with the CPU time it
 * took to open them. Hash-table growth is included, amortised over the connections. Prints one JSON
 * line.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <tether/tether.h>

#include "bench_tcp.h"

#define LISTENERS 1000
#define BATCH 2000
#define MAX_BIG 120000 /* over two server ports */

/* The options: connections for the per-connection figures, and the big run. */
static uint64_t opt_small = 10000, opt_big = 100000;

static struct tt_tcp *cli[MAX_BIG], *srv[MAX_BIG], *lis[LISTENERS];

int main(int argc, char **argv)
{
    const struct bench_opt opts[] = {
        {"conns", &opt_small, NULL}, {"big", &opt_big, NULL}, {NULL, NULL, NULL}};
    bench_options(argc, argv, opts);
    if (opt_small < 1 || opt_small > MAX_BIG || opt_big < 2 || opt_big > MAX_BIG)
        bench_die("bad options");
    const int SMALL = (int)opt_small, BIG = (int)opt_big & ~1;
    struct bench_pair p;
    bench_pair_build(&p, 1, 2 * BATCH);
    size_t base_a = tt_stack_mem_in_use(p.a), base_b = tt_stack_mem_in_use(p.b);

    /* Listening sockets. */
    for (int i = 0; i < LISTENERS; i++)
        lis[i] = bench_listen(&p, (uint16_t)(10000 + i), 16);
    double per_listen = (double)(tt_stack_mem_in_use(p.b) - base_b) / LISTENERS;
    for (int i = 0; i < LISTENERS; i++)
        tt_tcp_close(lis[i], tt_sim_now(p.sim));
    tt_sim_run_for(p.sim, TT_MSEC(1));

    /* Established, idle. */
    struct tt_tcp *l = bench_listen(&p, 80, BATCH);
    size_t b0 = tt_stack_mem_in_use(p.b);
    bench_open_idle(&p, l, 80, cli, srv, SMALL, BATCH);
    double per_cli = (double)(tt_stack_mem_in_use(p.a) - base_a) / SMALL;
    double per_srv = (double)(tt_stack_mem_in_use(p.b) - b0) / SMALL;

    /* TIME-WAIT: the clients close first and keep it. */
    for (int i = 0; i < SMALL; i++)
        tt_tcp_close(cli[i], tt_sim_now(p.sim));
    tt_sim_run_for(p.sim, TT_MSEC(10));
    for (int i = 0; i < SMALL; i++)
        tt_tcp_close(srv[i], tt_sim_now(p.sim));
    tt_sim_run_for(p.sim, TT_SEC(1));
    struct tt_tcp_stats sa;
    tt_tcp_stats(p.a, &sa);
    if (sa.time_wait != (uint32_t)SMALL)
        bench_die("not all in TIME-WAIT");
    double per_tw = (double)(tt_stack_mem_in_use(p.a) - base_a) / SMALL;
    tt_tcp_close(l, tt_sim_now(p.sim));
    tt_sim_destroy(p.sim);

    /* 100,000 established idle connections, over two server ports. */
    bench_pair_build(&p, 2, 2 * BATCH);
    base_a = tt_stack_mem_in_use(p.a);
    base_b = tt_stack_mem_in_use(p.b);
    struct tt_tcp *l1 = bench_listen(&p, 5001, BATCH), *l2 = bench_listen(&p, 5002, BATCH);
    double t0 = bench_cpu_now();
    bench_open_idle(&p, l1, 5001, cli, srv, BIG / 2, BATCH);
    bench_open_idle(&p, l2, 5002, cli + BIG / 2, srv + BIG / 2, BIG / 2, BATCH);
    double open_s = bench_cpu_now() - t0;
    size_t big_a = tt_stack_mem_in_use(p.a) - base_a, big_b = tt_stack_mem_in_use(p.b) - base_b;
    tt_sim_destroy(p.sim);

    printf("{\"bench\":\"tcp_conn_mem\",\"established_client_bytes\":%.0f,"
           "\"established_server_bytes\":%.0f,\"listener_bytes\":%.0f,\"time_wait_bytes\":%.0f,"
           "\"big_conns\":%d,\"big_client_bytes\":%zu,\"big_server_bytes\":%zu,"
           "\"big_bytes_per_conn_both_ends\":%.0f,\"big_open_cpu_s\":%.3f,"
           "\"big_opened_per_cpu_s\":%.0f}\n",
           per_cli, per_srv, per_listen, per_tw, BIG, big_a, big_b, (double)(big_a + big_b) / BIG,
           open_s, BIG / open_s);
    return 0;
}
