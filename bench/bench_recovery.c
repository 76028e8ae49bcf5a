/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loss recovery and congestion control on the virtual clock: bulk flows from
 * stack A to stack B through one bottleneck (link/memlink: a serialisation
 * rate, a drop-tail queue of one bandwidth-delay product, a base delay, and
 * random or bursty loss or reordering on the data direction), one JSON line
 * per cell. Every figure comes from the link's own view (flowmon.h), not from
 * the stack's counters, except the retransmission causes and the RTO count,
 * which come from the sender's trace.
 *
 * Cells: loss {0, 0.1, 1, 3, 5 %} x RTT {1, 20, 100 ms} x {reno, cubic} x
 * SACK {on, off}; pure reordering (10 % of the data frames delayed by a
 * uniform extra in (0, RTT/4]); bursty loss; a receiver whose window shrinks
 * (a box on the ACK path cuts the advertised window to 4 segments for one RTT
 * in every five, so the right edge moves left: RFC 9293 §3.8.6.2.1); a
 * receiver that reneges (every 5 RTTs it drops the out-of-order data it holds
 * and has SACKed, through the stack's tt_tcp_renege() test hook); 2 and 4
 * flows sharing the bottleneck, started 1 s apart.
 *
 * Figures: goodput as a fraction of the payload capacity (rate x payload per
 * full frame / frame length x (1 - loss)); retransmission efficiency =
 * bytes retransmitted / bytes the link dropped (1.0 is perfect); spurious
 * retransmissions (segments whose every byte the link had delivered); RTO
 * events; Jain's index over the flows' bytes while all of them ran. A cell
 * with a target says "pass": true/false; one without, null.
 *
 * Usage: bench_recovery [--bytes N] [--rate-mbit R] [--seed S] [--only SUBSTR]
 *                       [--limit SECONDS]   (virtual time per cell, default 1200)
 *                       [--trace]   (cwnd changes and retransmissions on stderr)
 *                       [--trace-segs]   (the same, and every segment the sender
 *                                         sends or receives, with its SACK blocks)
 * The default (32 MiB per flow, 10 Mbit/s, seed 1) takes some 10 s of CPU.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "bench.h"
#include "flowmon.h"
#include "sim.h"

#define PORT 5001
#define CHUNK 65536
#define STAGGER TT_SEC(1) /* between the starts of competing flows */

struct opts {
    uint64_t bytes; /* per flow */
    uint64_t rate;  /* bottleneck, bytes per second */
    uint64_t seed;
    const char *only; /* run only cells whose name contains this */
    tt_time limit;    /* virtual time per cell */
    int trace;        /* --trace: cwnd changes and retransmissions on stderr; 2: --trace-segs */
};

enum rcv_mode { RCV_NORMAL, RCV_SHRINK, RCV_RENEGE };

struct cell {
    char name[64];
    const char *kind; /* loss, reorder, burst, shrink, renege, flows */
    double loss;      /* fraction of data frames lost */
    double burst;     /* mean loss burst length; 0 = independent losses */
    unsigned rtt_ms;
    const char *cc;
    int sack;
    double reorder; /* fraction of data frames held back */
    int nflows;
    enum rcv_mode rcv;
};

struct app { /* one flow as the applications see it */
    struct tt_tcp *snd, *rcv;
    uint16_t port;
    uint64_t sent, rcvd, gen_base, mark0, mark1;
    tt_time start, done;
    int bad; /* received bytes differ from what was sent */
    uint8_t gen[CHUNK];
};

struct run {
    const struct cell *c;
    const struct opts *o;
    struct tt_sim *sim;
    struct tt_stack *a, *b;
    struct tt_memlink *ml;
    int iface_a;
    struct flowmon mon;
    struct app *app;
    int started, done, marked0, marked1;
    uint64_t causes[8], rto_events;
    uint32_t rto_last[FM_MAX_FLOWS + 1];
    uint8_t rto_seen[FM_MAX_FLOWS + 1];
    tt_time t0, last_progress, stall_max;
    uint64_t rewritten, renege_events, renege_bytes;
    tt_time next_renege;
};

/* The payload byte at offset x of every flow. */
static uint8_t pattern(uint64_t x)
{
    return (uint8_t)(((x >> 3) * 0x9E3779B97F4A7C15ull) >> ((x & 7) * 8));
}

static void fill(uint8_t *buf, uint64_t off, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = pattern(off + i);
}

/* The congestion control of a cell, by its Linux name: unavailable (-1)
 * while the stack has no module of that name. */
static int cc_select(struct tt_config *cfg, const char *name)
{
    int id = tt_tcp_cc_by_name(name);
    if (id < 0)
        return -1;
    cfg->tcp.congestion_control = (uint8_t)id;
    return 0;
}

/* ---- hooks ---- */

static void on_trace(void *ctx, const struct tt_trace_event *ev)
{
    struct run *r = ctx;
    if (r->o->trace && ev->kind == TT_TRACE_TCP_CWND)
        fprintf(stderr, "%.6f conn %u cwnd %u ssthresh %u\n", (double)ev->now / 1e6,
                (unsigned)ev->conn_id, (unsigned)ev->cwnd, (unsigned)ev->ssthresh);
    if (r->o->trace && ev->kind == TT_TRACE_TCP_RETRANSMIT)
        fprintf(stderr, "%.6f conn %u retransmit seq %u len %u cause %d\n", (double)ev->now / 1e6,
                (unsigned)ev->conn_id, (unsigned)ev->seg.seq, (unsigned)ev->seg.len,
                (int)ev->cause);
    if (r->o->trace > 1 && (ev->kind == TT_TRACE_TCP_SEG_OUT || ev->kind == TT_TRACE_TCP_SEG_IN)) {
        /* --trace-segs: every segment the sender sends or takes in, with
         * its SACK blocks (the raw material for "why did this RTO fire"). */
        fprintf(stderr, "%.6f conn %u %s seq %u len %u ack %u", (double)ev->now / 1e6,
                (unsigned)ev->conn_id, ev->kind == TT_TRACE_TCP_SEG_OUT ? "out" : "in",
                (unsigned)ev->seg.seq, (unsigned)ev->seg.len, (unsigned)ev->seg.ack);
        for (unsigned k = 0; k < ev->seg.nsack && k < 4; k++)
            fprintf(stderr, " sack %u-%u", (unsigned)ev->seg.sack[k][0],
                    (unsigned)ev->seg.sack[k][1]);
        fputc('\n', stderr);
    }
    if (ev->kind != TT_TRACE_TCP_RETRANSMIT || (unsigned)ev->cause >= 8)
        return;
    r->causes[ev->cause]++;
    if (ev->cause != TT_REXMIT_RTO || ev->conn_id > FM_MAX_FLOWS)
        return;
    /* One RTO event per timer expiry: the retransmission that goes back to
     * (or repeats) an earlier sequence number, not those continuing after it. */
    uint32_t id = ev->conn_id;
    if (!r->rto_seen[id] || (int32_t)(ev->seg.seq - r->rto_last[id]) <= 0)
        r->rto_events++;
    r->rto_seen[id] = 1;
    r->rto_last[id] = ev->seg.seq;
}

static int shrinking(const struct run *r, tt_time now)
{
    tt_time rtt = TT_MSEC(r->c->rtt_ms), period = 5 * rtt;
    return now > r->t0 && (now - r->t0) % period >= period - rtt;
}

/* RFC 1624 incremental checksum update for one 16-bit field. */
static void set_wnd(uint8_t *tcp, uint16_t old, uint16_t w)
{
    uint32_t sum = (uint16_t) ~(tcp[16] << 8 | tcp[17]);
    sum += (uint16_t)~old;
    sum += w;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t c = (uint16_t)~sum;
    tcp[14] = (uint8_t)(w >> 8);
    tcp[15] = (uint8_t)w;
    tcp[16] = (uint8_t)(c >> 8);
    tcp[17] = (uint8_t)c;
}

/* Frames arriving at the sender: the window shrinker, then the monitor. */
static void on_rx_a(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct run *r = ctx;
    uint8_t buf[2048];
    const uint8_t *f = frame;
    struct fm_seg s;
    if (fm_parse(frame, len, &s) == 0) {
        struct fm_flow *fl = fm_flow(&r->mon, s.dport, 0);
        if (r->c->rcv == RCV_SHRINK && fl && !(s.flags & TT_TCP_SYN) && len <= sizeof buf &&
            shrinking(r, now)) {
            uint32_t w = (4u * 1448u) >> fl->ws;
            if (w < s.wnd) {
                memcpy(buf, frame, len);
                set_wnd(buf + s.tcp_off, s.wnd, (uint16_t)w);
                s.wnd = (uint16_t)w;
                f = buf;
                r->rewritten++;
            }
        }
        fm_ack(&r->mon, &s);
    }
    tt_stack_input(r->a, r->iface_a, f, len, now);
}

/* ---- the network ---- */

static void link_config(const struct run *r, struct tt_memlink_config *lc)
{
    const struct cell *c = r->c;
    tt_memlink_config_default(lc);
    lc->seed = r->o->seed;
    tt_time owd = TT_USEC(c->rtt_ms * 500u);
    struct tt_memlink_faults *d = &lc->faults[TT_MEMLINK_A_TO_B];
    d->delay = owd;
    d->rate_bytes_per_sec = r->o->rate;
    /* A drop-tail queue of one bandwidth-delay product (16 frames at least). */
    uint64_t bdp = r->o->rate * c->rtt_ms / 1000 / 1514;
    d->queue_frames = bdp < 16 ? 16 : (uint32_t)bdp;
    d->loss = c->loss;
    d->loss_burst = c->burst;
    d->reorder = c->reorder;
    d->reorder_delay = TT_USEC(c->rtt_ms * 250u);
    d->reorder_spread = 1;
    lc->faults[TT_MEMLINK_B_TO_A].delay = owd;
}

static int build(struct run *r)
{
    struct tt_config cfg[2];
    struct tt_memlink_config lc;
    if (tt_sim_create(r->o->seed, &r->sim) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        tt_sim_config_default(r->sim, i, &cfg[i]);
        cfg[i].tcp.sack = (uint8_t)r->c->sack;
        if (cc_select(&cfg[i], r->c->cc) != 0)
            return -1;
    }
    link_config(r, &lc);
    if (tt_sim_add_stack(r->sim, &cfg[0], &r->a) < 0 ||
        tt_sim_add_stack(r->sim, &cfg[1], &r->b) < 0 || tt_sim_add_link(r->sim, &lc, &r->ml) < 0)
        return -1;
    static const uint8_t mac_a[6] = TT_SIM_MAC_A, mac_b[6] = TT_SIM_MAC_B;
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.prefix_len = 24;
    memcpy(ic.mac, mac_a, 6);
    ic.addr = TT_SIM_ADDR_A;
    r->iface_a = tt_sim_attach(r->sim, r->ml, TT_MEMLINK_A, r->a, &ic);
    memcpy(ic.mac, mac_b, 6);
    ic.addr = TT_SIM_ADDR_B;
    if (r->iface_a < 0 || tt_sim_attach(r->sim, r->ml, TT_MEMLINK_B, r->b, &ic) < 0)
        return -1;
    tt_memlink_set_fate_hook(r->ml, fm_fate, &r->mon);
    tt_memlink_set_rx(r->ml, TT_MEMLINK_A, on_rx_a, r); /* after attach: replaces the sim's */
    tt_stack_set_trace(r->a, on_trace, r);
    return 0;
}

static void big_bufs(struct tt_tcp *t)
{
    tt_tcp_setopt(t, TT_TCP_OPT_SNDBUF, 4 << 20);
    tt_tcp_setopt(t, TT_TCP_OPT_RCVBUF, 4 << 20);
}

/* ---- the applications ---- */

static void app_send(struct run *r, struct app *p, tt_time now)
{
    uint64_t total = r->o->bytes;
    while (p->sent < total) {
        if (p->sent - p->gen_base >= CHUNK / 2 || p->sent == 0) {
            p->gen_base = p->sent;
            fill(p->gen, p->gen_base, CHUNK);
        }
        size_t off = (size_t)(p->sent - p->gen_base), n = CHUNK - off;
        if (n > total - p->sent)
            n = (size_t)(total - p->sent);
        long k = tt_tcp_send(p->snd, p->gen + off, n, now);
        if (k <= 0)
            break;
        p->sent += (uint64_t)k;
    }
}

static void app_recv(struct run *r, struct app *p, tt_time now)
{
    static uint8_t in[CHUNK], want[CHUNK];
    long k;
    while (p->rcv && (k = tt_tcp_recv(p->rcv, in, sizeof in, now)) > 0) {
        fill(want, p->rcvd, (size_t)k);
        p->bad |= memcmp(in, want, (size_t)k) != 0;
        p->rcvd += (uint64_t)k;
        if (now - r->last_progress > r->stall_max)
            r->stall_max = now - r->last_progress;
        r->last_progress = now;
    }
    if (p->rcvd >= r->o->bytes && !p->done) {
        p->done = now;
        r->done++;
    }
}

static void accept_all(struct run *r, struct tt_tcp *l, tt_time now)
{
    struct tt_tcp *t;
    while (tt_tcp_accept(l, &t, now) == 0) {
        uint16_t port;
        tt_tcp_remote(t, NULL, &port);
        for (int i = 0; i < r->c->nflows; i++)
            if (r->app[i].port == port)
                r->app[i].rcv = t;
    }
}

/* Start the flows whose time has come; snapshot the bytes for Jain's index. */
static void start_flows(struct run *r, tt_time now)
{
    int n = r->c->nflows;
    for (int i = r->started; i < n && now >= r->app[i].start; i = ++r->started) {
        struct app *p = &r->app[i];
        tt_tcp_open(r->a, &p->snd);
        big_bufs(p->snd);
        tt_tcp_connect(p->snd, TT_SIM_ADDR_B, PORT, now);
        tt_tcp_local(p->snd, NULL, &p->port);
    }
    if (!r->marked0 && r->started == n) {
        for (int i = 0; i < n; i++)
            r->app[i].mark0 = r->app[i].rcvd;
        r->marked0 = 1;
    }
    if (r->marked0 && !r->marked1 && r->done > 0) {
        for (int i = 0; i < n; i++)
            r->app[i].mark1 = r->app[i].rcvd;
        r->marked1 = 1;
    }
}

static void renege(struct run *r, tt_time now)
{
    if (r->c->rcv != RCV_RENEGE || now < r->next_renege)
        return;
    r->next_renege = now + 5 * TT_MSEC(r->c->rtt_ms);
    for (int i = 0; i < r->c->nflows; i++) {
        long n = r->app[i].rcv ? tt_tcp_renege(r->app[i].rcv) : 0;
        r->renege_events += n > 0;
        r->renege_bytes += (uint64_t)n;
    }
}

/* Run the transfer; 0 when every flow finished in time. */
static int transfer(struct run *r)
{
    struct tt_tcp *l;
    tt_time now = tt_sim_now(r->sim);
    r->t0 = r->last_progress = now;
    r->next_renege = now + 5 * TT_MSEC(r->c->rtt_ms);
    for (int i = 0; i < r->c->nflows; i++)
        r->app[i].start = now + (tt_time)i * STAGGER;
    tt_tcp_open(r->b, &l);
    big_bufs(l);
    tt_tcp_bind(l, TT_ADDR_ANY, PORT);
    tt_tcp_listen(l, r->c->nflows, now);
    tt_time deadline = now + r->o->limit;
    while (r->done < r->c->nflows) {
        now = tt_sim_now(r->sim);
        start_flows(r, now);
        accept_all(r, l, now);
        for (int i = 0; i < r->started; i++) {
            app_send(r, &r->app[i], now);
            app_recv(r, &r->app[i], now);
        }
        renege(r, now);
        if (r->done == r->c->nflows)
            break;
        if (now > deadline || tt_sim_step(r->sim) == TT_TIME_NEVER)
            return -1;
    }
    start_flows(r, tt_sim_now(r->sim)); /* the last snapshot */
    return 0;
}

/* ---- figures ---- */

struct figures {
    int completed, bad;
    double secs, goodput_frac, efficiency, jain, spur_frac;
    uint64_t rcvd, data_segs, retx_segs, retx_bytes, spur_segs, drop_segs, drop_bytes;
    uint64_t beyond_new, beyond_retx;
    uint64_t stack_retx_bytes; /* what the sender's tcp_info says, for comparison */
};

static double jain(const struct run *r)
{
    double s = 0, s2 = 0;
    int n = r->c->nflows;
    for (int i = 0; i < n; i++) {
        double x = (double)(r->app[i].mark1 - r->app[i].mark0);
        s += x;
        s2 += x * x;
    }
    return s2 > 0 ? s * s / (n * s2) : 0;
}

static void figures(const struct run *r, int completed, struct figures *g)
{
    memset(g, 0, sizeof *g);
    tt_time first = TT_TIME_NEVER, last = 0;
    for (int i = 0; i < r->c->nflows; i++) {
        const struct fm_flow *fl = fm_flow((struct flowmon *)&r->mon, r->app[i].port, 0);
        const struct app *p = &r->app[i];
        g->rcvd += p->rcvd;
        g->bad |= p->bad;
        if (p->snd) {
            struct tt_tcp_info ti;
            tt_tcp_info(p->snd, &ti);
            g->stack_retx_bytes += ti.bytes_retrans;
        }
        last = (p->done ? p->done : tt_sim_now(r->sim)) > last
                   ? (p->done ? p->done : tt_sim_now(r->sim))
                   : last;
        if (!fl)
            continue;
        first = fl->data_segs && fl->first_data < first ? fl->first_data : first;
        g->data_segs += fl->data_segs;
        g->retx_segs += fl->retx_segs;
        g->retx_bytes += fl->retx_bytes;
        g->spur_segs += fl->spur_segs;
        g->drop_segs += fl->drop_segs;
        g->drop_bytes += fl->drop_bytes;
        g->beyond_new += fl->beyond_new;
        g->beyond_retx += fl->beyond_retx;
    }
    g->completed = completed;
    g->secs = first < last ? (double)(last - first) / 1e6 : 0;
    double cap = (double)r->o->rate * (1.0 - r->c->loss);
    if (r->mon.full_frame)
        cap = cap * r->mon.full_payload / (double)r->mon.full_frame;
    g->goodput_frac = g->secs > 0 ? (double)g->rcvd / g->secs / cap : 0;
    g->efficiency = g->drop_bytes ? (double)g->retx_bytes / (double)g->drop_bytes : NAN;
    g->spur_frac = g->data_segs ? (double)g->spur_segs / (double)g->data_segs : 0;
    g->jain = r->c->nflows > 1 ? jain(r) : NAN;
}

/* ---- targets (issue 11) and output ---- */

struct verdict {
    int pass; /* -1: no target applies */
    char targets[160], missed[160];
};

static void target(struct verdict *v, const char *name, int ok)
{
    size_t n = strlen(v->targets);
    snprintf(v->targets + n, sizeof v->targets - n, "%s%s", n ? ", " : "", name);
    if (v->pass < 0)
        v->pass = 1;
    if (!ok) {
        n = strlen(v->missed);
        snprintf(v->missed + n, sizeof v->missed - n, "%s%s", n ? ", " : "", name);
        v->pass = 0;
    }
}

static void judge(const struct cell *c, const struct figures *g, struct verdict *v)
{
    memset(v, 0, sizeof *v);
    v->pass = -1;
    int kind_loss = strcmp(c->kind, "loss") == 0;
    if (kind_loss && c->sack && c->loss >= 0.01)
        target(v, "efficiency<=1.05", g->drop_bytes && g->efficiency <= 1.05);
    if (kind_loss && c->loss == 0)
        target(v, "goodput>=0.95", g->goodput_frac >= 0.95);
    if (strcmp(c->kind, "reorder") == 0)
        target(v, "spurious<1%", g->spur_frac < 0.01);
    if (strcmp(c->kind, "flows") == 0 && c->nflows == 2 && strcmp(c->cc, "cubic") == 0)
        target(v, "jain>=0.95", g->jain >= 0.95);
    if (c->rcv == RCV_SHRINK)
        target(v, "nothing new beyond the right edge", g->beyond_new == 0);
    if (v->pass >= 0 || c->rcv != RCV_NORMAL)
        target(v, "completed", g->completed);
    if (g->bad)
        target(v, "data intact", 0);
}

static void print_num(const char *key, double x)
{
    if (isnan(x))
        printf(",\"%s\":null", key);
    else
        printf(",\"%s\":%.4g", key, x);
}

static void print_head(const struct cell *c, const struct opts *o)
{
    printf("{\"bench\":\"recovery\",\"cell\":\"%s\",\"kind\":\"%s\",\"cc\":\"%s\",\"sack\":%s,"
           "\"loss_pct\":%g,\"burst\":%g,\"reorder_pct\":%g,\"rtt_ms\":%u,\"flows\":%d,"
           "\"rate_mbit\":%g,\"bytes_per_flow\":%llu",
           c->name, c->kind, c->cc, c->sack ? "true" : "false", c->loss * 100, c->burst,
           c->reorder * 100, c->rtt_ms, c->nflows, (double)o->rate * 8 / 1e6,
           (unsigned long long)o->bytes);
}

static void print_cell(const struct run *r, const struct figures *g, const struct verdict *v)
{
    print_head(r->c, r->o);
    printf(",\"completed\":%s,\"intact\":%s", g->completed ? "true" : "false",
           g->bad ? "false" : "true");
    print_num("secs", g->secs);
    print_num("goodput_frac", g->goodput_frac);
    print_num("efficiency", g->efficiency);
    printf(",\"retx_segs\":%llu,\"retx_bytes\":%llu,\"dropped_segs\":%llu,\"dropped_bytes\":%llu,"
           "\"spurious_segs\":%llu,\"data_segs\":%llu,\"rto\":%llu",
           (unsigned long long)g->retx_segs, (unsigned long long)g->retx_bytes,
           (unsigned long long)g->drop_segs, (unsigned long long)g->drop_bytes,
           (unsigned long long)g->spur_segs, (unsigned long long)g->data_segs,
           (unsigned long long)r->rto_events);
    printf(",\"causes\":{\"rto\":%llu,\"fast\":%llu,\"sack\":%llu,\"rack\":%llu,\"tlp\":%llu}",
           (unsigned long long)r->causes[TT_REXMIT_RTO],
           (unsigned long long)r->causes[TT_REXMIT_FAST],
           (unsigned long long)r->causes[TT_REXMIT_SACK],
           (unsigned long long)r->causes[TT_REXMIT_RACK],
           (unsigned long long)r->causes[TT_REXMIT_TLP]);
    printf(",\"stack_retx_bytes\":%llu,\"stall_ms\":%.1f", (unsigned long long)g->stack_retx_bytes,
           (double)r->stall_max / 1e3);
    if (r->c->nflows > 1)
        print_num("jain", g->jain);
    if (r->c->rcv == RCV_SHRINK)
        printf(",\"acks_rewritten\":%llu,\"beyond_edge_new\":%llu,\"beyond_edge_retx\":%llu",
               (unsigned long long)r->rewritten, (unsigned long long)g->beyond_new,
               (unsigned long long)g->beyond_retx);
    if (r->c->rcv == RCV_RENEGE) {
        printf(",\"renege_events\":%llu,\"reneged_bytes\":%llu",
               (unsigned long long)r->renege_events, (unsigned long long)r->renege_bytes);
        /* What had to go again: dropped by the link or by the receiver. */
        uint64_t lost = g->drop_bytes + r->renege_bytes;
        print_num("efficiency_with_reneged", lost ? (double)g->retx_bytes / (double)lost : NAN);
    }
    printf(",\"targets\":\"%s\"", v->targets);
    if (v->pass < 0)
        printf(",\"pass\":null}\n");
    else if (v->pass)
        printf(",\"pass\":true}\n");
    else
        printf(",\"pass\":false,\"missed\":\"%s\"}\n", v->missed);
    fflush(stdout);
}

/* Run one cell and print its line; returns its verdict's pass (-1, 0, 1). */
static int run_cell(const struct cell *c, const struct opts *o)
{
    struct tt_config probe;
    tt_config_default(&probe);
    if (cc_select(&probe, c->cc) != 0) {
        print_head(c, o);
        printf(",\"status\":\"cc unavailable\",\"pass\":null}\n");
        return -1;
    }
    struct run *r = calloc(1, sizeof *r);
    if (!r)
        bench_die("out of memory");
    r->c = c;
    r->o = o;
    r->app = calloc((size_t)c->nflows, sizeof *r->app);
    if (!r->app || build(r) != 0)
        bench_die("cannot build the simulation");
    int completed = transfer(r) == 0;
    struct figures g;
    struct verdict v;
    figures(r, completed, &g);
    judge(c, &g, &v);
    print_cell(r, &g, &v);
    tt_sim_destroy(r->sim);
    fm_free(&r->mon);
    free(r->app);
    free(r);
    return v.pass;
}

/* ---- the cells ---- */

static const char *const ccs[] = {"reno", "cubic"};

static struct cell *add(struct cell *v, int *n, const char *kind, double loss, unsigned rtt, int cc,
                        int sack)
{
    struct cell *c = &v[(*n)++];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->loss = loss;
    c->rtt_ms = rtt;
    c->cc = ccs[cc];
    c->sack = sack;
    c->nflows = 1;
    return c;
}

static void name(struct cell *c)
{
    char what[32];
    if (strcmp(c->kind, "loss") == 0)
        snprintf(what, sizeof what, "loss%g", c->loss * 100);
    else if (strcmp(c->kind, "burst") == 0)
        snprintf(what, sizeof what, "burst%gx%g", c->loss * 100, c->burst);
    else if (strcmp(c->kind, "renege") == 0)
        snprintf(what, sizeof what, "renege_loss%g", c->loss * 100);
    else if (strcmp(c->kind, "flows") == 0)
        snprintf(what, sizeof what, "flows%d", c->nflows);
    else
        snprintf(what, sizeof what, "%s", c->kind);
    snprintf(c->name, sizeof c->name, "%s_rtt%u_%s_%s", what, c->rtt_ms, c->cc,
             c->sack ? "sack" : "nosack");
}

static int cells(struct cell *v)
{
    static const double losses[] = {0, 0.001, 0.01, 0.03, 0.05};
    static const unsigned rtts[] = {1, 20, 100};
    int n = 0;
    for (int cc = 0; cc < 2; cc++)
        for (int sack = 1; sack >= 0; sack--)
            for (int ri = 0; ri < 3; ri++)
                for (int li = 0; li < 5; li++)
                    add(v, &n, "loss", losses[li], rtts[ri], cc, sack);
    for (int cc = 0; cc < 2; cc++)
        for (int sack = 1; sack >= 0; sack--)
            for (int ri = 0; ri < 3; ri++)
                add(v, &n, "reorder", 0, rtts[ri], cc, sack)->reorder = 0.10;
    for (int cc = 0; cc < 2; cc++) {
        add(v, &n, "burst", 0.01, 20, cc, 1)->burst = 4;
        add(v, &n, "burst", 0.03, 20, cc, 1)->burst = 4;
        add(v, &n, "shrink", 0, 20, cc, 1)->rcv = RCV_SHRINK;
        add(v, &n, "renege", 0.01, 20, cc, 1)->rcv = RCV_RENEGE;
        add(v, &n, "flows", 0, 20, cc, 1)->nflows = 2;
        add(v, &n, "flows", 0, 20, cc, 1)->nflows = 4;
    }
    for (int i = 0; i < n; i++)
        name(&v[i]);
    return n;
}

static uint64_t num(const char *s, const char *what)
{
    char *end;
    double x = strtod(s, &end);
    if (end == s || x < 0)
        bench_die(what);
    if (*end == 'K' || *end == 'k')
        x *= 1024;
    else if (*end == 'M' || *end == 'm')
        x *= 1024 * 1024;
    return (uint64_t)x;
}

static void parse(int argc, char **argv, struct opts *o)
{
    o->bytes = 32u << 20;
    o->rate = 10000000 / 8;
    o->seed = 1;
    o->limit = TT_SEC(1200);
    for (int i = 1; i < argc; i += 2) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--trace") == 0 || strcmp(a, "--trace-segs") == 0) {
            o->trace = a[7] ? 2 : 1;
            i--;
            continue;
        }
        if (!val)
            bench_die("usage: bench_recovery [--bytes N[K|M]] [--rate-mbit R] [--seed S] "
                      "[--only SUBSTR] [--limit SECONDS] [--trace] [--trace-segs]");
        if (strcmp(a, "--bytes") == 0)
            o->bytes = num(val, "bad --bytes");
        else if (strcmp(a, "--rate-mbit") == 0)
            o->rate = (uint64_t)(strtod(val, NULL) * 1e6 / 8);
        else if (strcmp(a, "--seed") == 0)
            o->seed = num(val, "bad --seed");
        else if (strcmp(a, "--only") == 0)
            o->only = val;
        else if (strcmp(a, "--limit") == 0)
            o->limit = TT_SEC(num(val, "bad --limit"));
        else
            bench_die("unknown option (see the comment at the top of bench_recovery.c)");
    }
    if (!o->bytes || o->rate < 1000)
        bench_die("--bytes and --rate-mbit must be positive");
}

int main(int argc, char **argv)
{
    struct opts o = {0};
    parse(argc, argv, &o);
    static struct cell v[128];
    int n = cells(v), ran = 0, passed = 0, failed = 0, none = 0;
    double t0 = bench_cpu_now();
    for (int i = 0; i < n; i++) {
        if (o.only && !strstr(v[i].name, o.only))
            continue;
        int p = run_cell(&v[i], &o);
        ran++;
        passed += p == 1;
        failed += p == 0;
        none += p < 0;
    }
    printf("{\"bench\":\"recovery\",\"summary\":true,\"cells\":%d,\"passed\":%d,\"failed\":%d,"
           "\"no_target\":%d,\"cpu_s\":%.2f}\n",
           ran, passed, failed, none, bench_cpu_now() - t0);
    return 0;
}
