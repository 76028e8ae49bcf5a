/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Does a connection cost the same beside 64 idle connections as beside a
 * million? Two stacks on the virtual clock (clean 100 µs link) open N idle
 * established connections, N = 64, 1 k, 10 k, 100 k, 1 M up to --max-idle
 * (1 M), and at each N measure, beside them:
 *  - rr: a 100 B request and a 100 B reply on --requests (6,400) of the
 *    idle connections, 64 at a time, and
 *  - conn: --conns (6,400) new connections, 64 at a time: connect, 100 B
 *    request, 100 B reply, close, TIME-WAIT running out,
 * and the memory per idle established connection, both ends, everything the
 * stacks hold included (tt_stack_mem_in_use: control blocks, table entries,
 * timers). CPU µs per request and per connection; under callgrind
 * (bench/run.sh --instr) instructions instead. One JSON line, one entry
 * per N in each array.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_tcp.h"

#define BATCH 64
#define OPEN_BATCH 2000
#define PER_PORT 60000 /* idle connections per server port (64,512 client ports) */
#define MAX_PORTS 20
#define MAX_N (1 << 20) /* "--max-idle 1M" is fine */
#define RR_PORT 80

static uint64_t MAX_IDLE = MAX_N, CONNS = 6400, REQUESTS = 6400; /* the options */
static struct tt_tcp **cli, **srv;

struct point {
    int n;
    double mem, rr_us, conn_us, rr_instr, conn_instr;
};

static void measure(struct bench_pair *p, struct tt_tcp *l, int n, struct point *pt)
{
    struct tt_tcp *c[BATCH], *s[BATCH];
    pt->n = n;
    double t0 = bench_cpu_now();
    bench_instr_begin();
    /* Spread the requests over the idle connections, 64 neighbours at a time. */
    int step = n / BATCH ? n / BATCH : 1;
    for (int done = 0; done < (int)REQUESTS; done += BATCH) {
        int k = 0, base = (done / BATCH) % step;
        for (int i = base; i < n && k < BATCH; i += step, k++)
            c[k] = cli[i], s[k] = srv[i];
        bench_req_reply(p, c, s, k);
    }
    /* The ACKs of the replies (delayed ACK, 40 ms). */
    tt_sim_run_for(p->sim, TT_MSEC(50));
    pt->rr_instr = bench_instr_end();
    double t1 = bench_cpu_now();
    bench_instr_begin();
    bench_conn_cycles(p, l, RR_PORT, c, s, (int)CONNS, BATCH);
    pt->conn_instr = bench_instr_end();
    double t2 = bench_cpu_now();
    pt->rr_us = (t1 - t0) * 1e6 / (double)REQUESTS;
    pt->conn_us = (t2 - t1) * 1e6 / (double)CONNS;
}

static void print_array(const char *name, const struct point *pt, int k, int which)
{
    printf(",\"%s\":[", name);
    for (int i = 0; i < k; i++) {
        double v = which == 0   ? pt[i].n
                   : which == 1 ? pt[i].mem
                   : which == 2 ? pt[i].rr_us
                   : which == 3 ? pt[i].conn_us
                   : which == 4 ? pt[i].rr_instr / (double)REQUESTS
                                : pt[i].conn_instr / (double)CONNS;
        printf(which >= 2 && which <= 3 ? "%s%.2f" : "%s%.0f", i ? "," : "", v);
    }
    printf("]");
}

int main(int argc, char **argv)
{
    const struct bench_opt opts[] = {{"max-idle", &MAX_IDLE, NULL},
                                     {"conns", &CONNS, NULL},
                                     {"requests", &REQUESTS, NULL},
                                     {NULL, NULL, NULL}};
    bench_options(argc, argv, opts);
    if (MAX_IDLE < 64 || MAX_IDLE > MAX_N || CONNS < 1 || REQUESTS < 1)
        bench_die("bad options");
    cli = calloc(MAX_N, sizeof *cli);
    srv = calloc(MAX_N, sizeof *srv);
    if (!cli || !srv)
        bench_die("memory");
    struct bench_pair p;
    bench_pair_build(&p, 1, 2 * OPEN_BATCH);
    struct tt_tcp *rr = bench_listen(&p, RR_PORT, 1024), *idle[MAX_PORTS];
    size_t base = tt_stack_mem_in_use(p.a) + tt_stack_mem_in_use(p.b);
    static const int ns[] = {64, 1000, 10000, 100000, 1000000};
    struct point pt[5];
    int open = 0, k = 0;
    for (; k < 5 && ns[k] <= (int)MAX_IDLE; k++) {
        while (open < ns[k]) {
            int port = open / PER_PORT, room = (port + 1) * PER_PORT - open;
            int m = ns[k] - open < room ? ns[k] - open : room;
            if (open % PER_PORT == 0)
                idle[port] = bench_listen(&p, (uint16_t)(5001 + port), OPEN_BATCH);
            bench_open_idle(&p, idle[port], (uint16_t)(5001 + port), cli + open, srv + open, m,
                            OPEN_BATCH);
            open += m;
        }
        size_t mem = tt_stack_mem_in_use(p.a) + tt_stack_mem_in_use(p.b);
        pt[k].mem = (double)(mem - base) / open;
        measure(&p, rr, open, &pt[k]);
    }
    printf("{\"bench\":\"tcp_scale\",\"requests\":%llu,\"conns\":%llu",
           (unsigned long long)REQUESTS, (unsigned long long)CONNS);
    print_array("idle", pt, k, 0);
    print_array("bytes_per_idle_conn_both_ends", pt, k, 1);
    print_array("cpu_us_per_rr", pt, k, 2);
    print_array("cpu_us_per_conn", pt, k, 3);
    if (pt[0].rr_instr >= 0) {
        print_array("instr_per_rr", pt, k, 4);
        print_array("instr_per_conn", pt, k, 5);
    }
    printf("}\n");
    tt_sim_destroy(p.sim);
    free(cli);
    free(srv);
    return 0;
}
