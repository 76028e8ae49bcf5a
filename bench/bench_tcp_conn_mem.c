/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory per connection, measured through tt_stack_mem_in_use (every byte the
 * stack holds comes through its allocator): bytes per idle ESTABLISHED
 * connection on the client and on the server side, per listening socket, per
 * TIME-WAIT connection, and the totals for 100,000 established idle
 * connections between one pair of stacks, with the CPU time it took to open
 * them. Hash-table growth is included, amortised over the connections.
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

#define SMALL 10000 /* connections for the per-connection figures */
#define LISTENERS 1000
#define BIG 100000
#define BATCH 2000

struct pair {
    struct tt_sim *sim;
    struct tt_stack *a, *b;
};

/* Two stacks on a clean 100 µs link, many ports and a deep SYN queue; ARP
 * resolved before anything is measured. */
static void pair_build(struct pair *p, uint64_t seed)
{
    if (tt_sim_create(seed, &p->sim) != 0)
        bench_die("sim");
    struct tt_stack **st[2] = {&p->a, &p->b};
    for (int i = 0; i < 2; i++) {
        struct tt_config cfg;
        tt_sim_config_default(p->sim, i, &cfg);
        cfg.tcp.ephemeral_lo = 1024;
        cfg.tcp.ephemeral_hi = 65535;
        cfg.tcp.max_syn_backlog = 2 * BATCH;
        if (tt_sim_add_stack(p->sim, &cfg, st[i]) < 0)
            bench_die("stack");
    }
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = lc.faults[1].delay = TT_USEC(100);
    struct tt_memlink *ml;
    if (tt_sim_add_link(p->sim, &lc, &ml) < 0)
        bench_die("link");
    static const uint8_t macs[2][6] = {TT_SIM_MAC_A, TT_SIM_MAC_B};
    static const uint32_t addrs[2] = {TT_SIM_ADDR_A, TT_SIM_ADDR_B};
    for (int i = 0; i < 2; i++) {
        struct tt_iface_config ic;
        memset(&ic, 0, sizeof ic);
        memcpy(ic.mac, macs[i], 6);
        ic.addr = addrs[i];
        ic.prefix_len = 24;
        if (tt_sim_attach(p->sim, ml, i ? TT_MEMLINK_B : TT_MEMLINK_A, *st[i], &ic) < 0)
            bench_die("attach");
    }
    tt_stack_ping(p->a, TT_SIM_ADDR_B, 1, 1, "w", 1, tt_sim_now(p->sim));
    tt_sim_run_for(p->sim, TT_MSEC(10));
}

static struct tt_tcp *listen_on(struct pair *p, uint16_t port, int backlog)
{
    struct tt_tcp *l;
    if (tt_tcp_open(p->b, &l) != 0 || tt_tcp_bind(l, 0, port) != 0 ||
        tt_tcp_listen(l, backlog, tt_sim_now(p->sim)) != 0)
        bench_die("listen");
    return l;
}

/* Open n connections to `port` in batches; accepted handles go to srv. */
static void open_many(struct pair *p, struct tt_tcp *l, uint16_t port, struct tt_tcp **cli,
                      struct tt_tcp **srv, int n)
{
    for (int done = 0; done < n;) {
        int k = n - done < BATCH ? n - done : BATCH;
        for (int i = 0; i < k; i++) {
            if (tt_tcp_open(p->a, &cli[done + i]) != 0)
                bench_die("open");
            if (tt_tcp_connect(cli[done + i], TT_SIM_ADDR_B, port, tt_sim_now(p->sim)) !=
                TT_EINPROGRESS)
                bench_die("connect");
        }
        int got = 0;
        tt_time limit = tt_sim_now(p->sim) + TT_SEC(10);
        while (got < k) {
            if (tt_sim_step(p->sim) == TT_TIME_NEVER || tt_sim_now(p->sim) > limit)
                bench_die("handshakes did not complete");
            while (got < k && tt_tcp_accept(l, &srv[done + got], tt_sim_now(p->sim)) == 0)
                got++;
        }
        done += k;
    }
    /* Idle: delayed ACKs sent, nothing in flight. */
    tt_sim_run_for(p->sim, TT_SEC(1));
    for (int i = 0; i < n; i++)
        if (tt_tcp_state(cli[i]) != TT_ESTABLISHED || tt_tcp_state(srv[i]) != TT_ESTABLISHED)
            bench_die("not established");
}

static struct tt_tcp *cli[BIG], *srv[BIG], *lis[LISTENERS];

int main(void)
{
    struct pair p;
    pair_build(&p, 1);
    size_t base_a = tt_stack_mem_in_use(p.a), base_b = tt_stack_mem_in_use(p.b);

    /* Listening sockets. */
    for (int i = 0; i < LISTENERS; i++)
        lis[i] = listen_on(&p, (uint16_t)(10000 + i), 16);
    double per_listen = (double)(tt_stack_mem_in_use(p.b) - base_b) / LISTENERS;
    for (int i = 0; i < LISTENERS; i++)
        tt_tcp_close(lis[i], tt_sim_now(p.sim));
    tt_sim_run_for(p.sim, TT_MSEC(1));

    /* Established, idle. */
    struct tt_tcp *l = listen_on(&p, 80, BATCH);
    size_t b0 = tt_stack_mem_in_use(p.b);
    open_many(&p, l, 80, cli, srv, SMALL);
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
    if (sa.time_wait != SMALL)
        bench_die("not all in TIME-WAIT");
    double per_tw = (double)(tt_stack_mem_in_use(p.a) - base_a) / SMALL;
    tt_tcp_close(l, tt_sim_now(p.sim));
    tt_sim_destroy(p.sim);

    /* 100,000 established idle connections, over two server ports. */
    pair_build(&p, 2);
    base_a = tt_stack_mem_in_use(p.a);
    base_b = tt_stack_mem_in_use(p.b);
    struct tt_tcp *l1 = listen_on(&p, 5001, BATCH), *l2 = listen_on(&p, 5002, BATCH);
    double t0 = bench_cpu_now();
    open_many(&p, l1, 5001, cli, srv, BIG / 2);
    open_many(&p, l2, 5002, cli + BIG / 2, srv + BIG / 2, BIG / 2);
    double open_s = bench_cpu_now() - t0;
    size_t big_a = tt_stack_mem_in_use(p.a) - base_a, big_b = tt_stack_mem_in_use(p.b) - base_b;
    tt_sim_destroy(p.sim);

    printf("{\"bench\":\"tcp_conn_mem\",\"established_client_bytes\":%.0f,"
           "\"established_server_bytes\":%.0f,\"listener_bytes\":%.0f,\"time_wait_bytes\":%.0f,"
           "\"conns_100k\":%d,\"conns_100k_client_bytes\":%zu,\"conns_100k_server_bytes\":%zu,"
           "\"conns_100k_bytes_per_conn_both_ends\":%.0f,\"conns_100k_open_cpu_s\":%.3f,"
           "\"conns_100k_opened_per_cpu_s\":%.0f}\n",
           per_cli, per_srv, per_listen, per_tw, BIG, big_a, big_b, (double)(big_a + big_b) / BIG,
           open_s, BIG / open_s);
    return 0;
}
