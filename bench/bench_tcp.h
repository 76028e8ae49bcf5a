/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the connection benchmarks share: two stacks on a clean 100 µs link
 * with the whole port range and a deep SYN queue, opening many idle
 * connections, and the request/reply workloads. Each phase runs the virtual
 * clock for a fixed time rather than polling every handle after each event,
 * so the driver's own instructions stay small beside the stacks' (and each
 * phase checks that its work was done).
 */
#ifndef TETHER_BENCH_TCP_H
#define TETHER_BENCH_TCP_H

#include <stdint.h>
#include <string.h>

#include <tether/tether.h>

#include "bench.h"
#include "sim.h"

#define BENCH_PHASE TT_MSEC(1) /* ten RTTs of the 100 µs link */
#define BENCH_MSG 100          /* request and reply size */

struct bench_pair {
    struct tt_sim *sim;
    struct tt_stack *a, *b;
};

/* Two stacks on a clean 100 µs link, many ports and a deep SYN queue; ARP
 * resolved before anything is measured. */
static inline void bench_pair_build(struct bench_pair *p, uint64_t seed, uint32_t syn_backlog)
{
    /* The sim's default configs depend only on the seed: take them from a
     * throwaway sim, since tt_sim_pair_create wants them before it exists. */
    struct tt_sim *tmp;
    struct tt_config cfg[2];
    if (tt_sim_create(seed, &tmp) != 0)
        bench_die("sim");
    for (int i = 0; i < 2; i++) {
        tt_sim_config_default(tmp, i, &cfg[i]);
        cfg[i].tcp.ephemeral_lo = 1024;
        cfg[i].tcp.ephemeral_hi = 65535;
        cfg[i].tcp.max_syn_backlog = syn_backlog;
        cfg[i].tcp.max_connections = 4u << 20;
    }
    tt_sim_destroy(tmp);
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = lc.faults[1].delay = TT_USEC(100);
    struct tt_sim_pair_opts o = {.cfg_a = &cfg[0], .cfg_b = &cfg[1], .link = &lc, .seed = seed};
    struct tt_sim_pair sp;
    if (tt_sim_pair_create(&sp, &o) != 0)
        bench_die("pair");
    p->sim = sp.sim, p->a = sp.a, p->b = sp.b;
    tt_stack_ping(p->a, TT_SIM_ADDR_B, 1, 1, "w", 1, tt_sim_now(p->sim));
    tt_sim_run_for(p->sim, TT_MSEC(10));
}

static inline struct tt_tcp *bench_listen(struct bench_pair *p, uint16_t port, int backlog)
{
    struct tt_tcp *l;
    if (tt_tcp_open(p->b, &l) != 0 || tt_tcp_bind(l, TT_ADDR_ANY, port) != 0 ||
        tt_tcp_listen(l, backlog, tt_sim_now(p->sim)) != 0)
        bench_die("listen");
    return l;
}

/* Connect k clients cli[] to `port`; the accepted handles go to srv[]. */
static inline void bench_connect(struct bench_pair *p, struct tt_tcp *l, uint16_t port,
                                 struct tt_tcp **cli, struct tt_tcp **srv, int k)
{
    for (int i = 0; i < k; i++)
        if (tt_tcp_open(p->a, &cli[i]) != 0 ||
            tt_tcp_connect(cli[i], TT_SIM_ADDR_B, port, tt_sim_now(p->sim)) != TT_EINPROGRESS)
            bench_die("connect");
    int got = 0;
    tt_time limit = tt_sim_now(p->sim) + TT_SEC(10);
    while (got < k) {
        if (tt_sim_step(p->sim) == TT_TIME_NEVER || tt_sim_now(p->sim) > limit)
            bench_die("handshakes did not complete");
        while (got < k && tt_tcp_accept(l, &srv[got], tt_sim_now(p->sim)) == 0)
            got++;
    }
}

/* Open n idle connections to `port` in batches of `batch`. */
static inline void bench_open_idle(struct bench_pair *p, struct tt_tcp *l, uint16_t port,
                                   struct tt_tcp **cli, struct tt_tcp **srv, int n, int batch)
{
    for (int done = 0; done < n; done += batch)
        bench_connect(p, l, port, cli + done, srv + done, n - done < batch ? n - done : batch);
    /* Idle: delayed ACKs sent, nothing in flight. */
    tt_sim_run_for(p->sim, TT_SEC(1));
    for (int i = 0; i < n; i++)
        if (tt_tcp_state(cli[i]) != TT_ESTABLISHED || tt_tcp_state(srv[i]) != TT_ESTABLISHED)
            bench_die("not established");
}

/* n bytes of a message from t, exactly, or die. */
static inline void bench_recv_exact(struct tt_tcp *t, long n, tt_time now)
{
    uint8_t buf[BENCH_MSG];
    if (tt_tcp_recv(t, buf, sizeof buf, now) != n)
        bench_die("message not delivered within its phase");
}

/* A request of BENCH_MSG bytes from each cli[i] and a reply as long from
 * its srv[i], on k established connections. */
static inline void bench_req_reply(struct bench_pair *p, struct tt_tcp **cli, struct tt_tcp **srv,
                                   int k)
{
    static const uint8_t msg[BENCH_MSG];
    for (int i = 0; i < k; i++)
        if (tt_tcp_send(cli[i], msg, sizeof msg, tt_sim_now(p->sim)) != BENCH_MSG)
            bench_die("send request");
    tt_sim_run_for(p->sim, BENCH_PHASE);
    for (int i = 0; i < k; i++) {
        bench_recv_exact(srv[i], BENCH_MSG, tt_sim_now(p->sim));
        if (tt_tcp_send(srv[i], msg, sizeof msg, tt_sim_now(p->sim)) != BENCH_MSG)
            bench_die("send reply");
    }
    tt_sim_run_for(p->sim, BENCH_PHASE);
    for (int i = 0; i < k; i++)
        bench_recv_exact(cli[i], BENCH_MSG, tt_sim_now(p->sim));
}

/*
 * n connections to `port`, `batch` at a time: connect, a BENCH_MSG request,
 * a reply as long, the client's close, then the server's on end of stream;
 * at the end the clock runs past TIME-WAIT (60 s), so every control block
 * the connections made is freed again. cli and srv hold `batch` handles.
 */
static inline void bench_conn_cycles(struct bench_pair *p, struct tt_tcp *l, uint16_t port,
                                     struct tt_tcp **cli, struct tt_tcp **srv, int n, int batch)
{
    for (int done = 0; done < n; done += batch) {
        int k = n - done < batch ? n - done : batch;
        bench_connect(p, l, port, cli, srv, k);
        bench_req_reply(p, cli, srv, k);
        for (int i = 0; i < k; i++)
            tt_tcp_close(cli[i], tt_sim_now(p->sim));
        tt_sim_run_for(p->sim, BENCH_PHASE);
        for (int i = 0; i < k; i++) {
            bench_recv_exact(srv[i], 0, tt_sim_now(p->sim));
            tt_tcp_close(srv[i], tt_sim_now(p->sim));
        }
        tt_sim_run_for(p->sim, BENCH_PHASE);
    }
    tt_sim_run_for(p->sim, TT_SEC(61));
}

/* Die unless the client holds no control block and the server only its
 * listener, after `opened` connections. */
static inline void bench_check_all_closed(const struct bench_pair *p, uint64_t opened)
{
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(p->a, &sa);
    tt_tcp_stats(p->b, &sb);
    if (sa.handles != 0 || sb.handles != 1 || sa.opened != opened)
        bench_die("connections left behind");
}

/* Segments both stacks sent so far. */
static inline uint64_t bench_segs(const struct bench_pair *p)
{
    return tt_stack_counters(p->a)->tcp_out_segs + tt_stack_counters(p->b)->tcp_out_segs;
}

#endif
