/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running the stack on its device for serve, connect and get: the trace
 * hook (--verbose lines, --stats' table of live connections), the capture
 * flushed every second, SIGUSR1 and exit statistics (--stats), and the
 * clean end: after a signal the application closes its connections, and
 * the stack keeps running until their FINs are acknowledged (or a limit).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "cli.h"
#include "pcap.h"
#include "port.h"

#define LINGER TT_SEC(2) /* at most this long for the FINs after a stop */

/* --stats: the connections alive, as the trace reports them. */
static void conns_add(struct tt_cli_host *h, const void *conn)
{
    if (h->nconns == h->conns_cap) {
        size_t cap = h->conns_cap ? h->conns_cap * 2 : 64;
        const void **p = realloc(h->conns, cap * sizeof *p);
        if (!p)
            return; /* not listed; the counters still count it */
        h->conns = p;
        h->conns_cap = cap;
    }
    h->conns[h->nconns++] = conn;
}

static void conns_del(struct tt_cli_host *h, const void *conn)
{
    for (size_t i = 0; i < h->nconns; i++)
        if (h->conns[i] == conn) {
            h->conns[i] = h->conns[--h->nconns];
            return;
        }
}

/* --verbose: one line per state change, as the trace reports it. The hook
 * must not call into the stack, so it prints the connection's serial only. */
void tt_cli_host_trace(void *ctx, const struct tt_trace_event *ev)
{
    struct tt_cli_host *h = ctx;
    if (ev->kind == TT_TRACE_TCP_RETRANSMIT && (unsigned)ev->cause < 8)
        h->rexmits[ev->cause]++;
    if (ev->kind == TT_TRACE_TCP_OPEN && h->stats)
        conns_add(h, ev->conn);
    if (ev->kind == TT_TRACE_TCP_CLOSE && h->stats)
        conns_del(h, ev->conn);
    if (!h->verbose)
        return;
    if (ev->kind == TT_TRACE_TCP_STATE)
        fprintf(stderr, "tether %s: conn %u %s -> %s\n", h->cmd, (unsigned)ev->conn_id,
                tt_tcp_state_name(ev->old_state), tt_tcp_state_name(ev->new_state));
    else if (ev->kind == TT_TRACE_TCP_CLOSE)
        fprintf(stderr, "tether %s: conn %u freed (%s)\n", h->cmd, (unsigned)ev->conn_id,
                ev->err ? tt_strerror(ev->err) : "normal end");
}

/* One line per connection in the way of `ss -ti`, then the counters. */
void tt_cli_host_print_stats(FILE *f, struct tt_cli_host *h, tt_time now)
{
    char la[16], ra[16];
    fprintf(f, "tether %s: %zu connections\n", h->cmd, h->nconns);
    for (size_t i = 0; i < h->nconns; i++) {
        const struct tt_tcp *t = h->conns[i];
        struct tt_tcp_info ti;
        struct tt_addr a, b;
        uint16_t p, q;
        tt_tcp_info_at(t, now, &ti);
        tt_tcp_local(t, &a, &p);
        tt_tcp_remote(t, &b, &q);
        fprintf(f,
                "  conn %u %-11s %s:%u -> %s:%u rtt:%.3f/%.3f rto:%.0f mss:%u cwnd:%u"
                " ssthresh:%u unacked:%u retrans:%u/%u bytes_sent:%llu bytes_acked:%llu"
                " bytes_received:%llu segs_out:%llu segs_in:%llu snd_wnd:%u rcv_wnd:%u\n",
                (unsigned)ti.conn_id, tt_tcp_state_name(ti.state), tt_cli_fmt_ipv4(a.v4, la),
                (unsigned)p, tt_cli_fmt_ipv4(b.v4, ra), (unsigned)q, (double)ti.rtt / 1000.0,
                (double)ti.rttvar / 1000.0, (double)ti.rto / 1000.0, (unsigned)ti.snd_mss,
                (unsigned)ti.snd_cwnd, (unsigned)ti.snd_ssthresh, (unsigned)ti.unacked,
                (unsigned)ti.retrans, (unsigned)ti.total_retrans, (unsigned long long)ti.bytes_sent,
                (unsigned long long)ti.bytes_acked, (unsigned long long)ti.bytes_received,
                (unsigned long long)ti.segs_out, (unsigned long long)ti.segs_in,
                (unsigned)ti.snd_wnd, (unsigned)ti.rcv_wnd);
    }
    fprintf(f, "tether %s: counters:\n", h->cmd);
    tt_cli_print_counters(f, tt_stack_counters(h->s));
    fflush(f);
}

/* The run loop has one hook context; the capture needs the host and the
 * application its own, so the hooks go through these trampolines. */
struct host_hooks {
    struct tt_cli_host *h;
    const struct tt_port_hooks *app;
    tt_time flushed;      /* the capture's last flush */
    tt_time linger_until; /* 0 while the application runs */
};

static void host_on_rx(void *ctx, size_t i, const uint8_t *frame, size_t len, tt_time now)
{
    const struct host_hooks *hh = ctx;
    (void)i;
    tt_pcap_write_rx(hh->h->pw, frame, len, now);
}

/* Connections the application has let go of that still have a FIN to
 * send or to see acknowledged (TIME-WAIT needs nothing more). */
static uint32_t closing(const struct tt_stack *s)
{
    struct tt_tcp_stats st;
    tt_tcp_stats(s, &st);
    return st.orphans > st.time_wait ? st.orphans - st.time_wait : 0;
}

static tt_time host_on_tick(void *ctx, tt_time now)
{
    struct host_hooks *hh = ctx;
    tt_time next = TT_TIME_NEVER;
    if (hh->h->pw) {
        /* --pcap is readable while the program runs and survives a kill
         * with at most a second missing. */
        if (now - hh->flushed >= TT_SEC(1)) {
            tt_pcap_writer_flush(hh->h->pw);
            hh->flushed = now;
        }
        next = hh->flushed + TT_SEC(1);
    }
    if (hh->linger_until) {
        if (now >= hh->linger_until || closing(hh->h->s) == 0)
            return 0;
        return hh->linger_until < next ? hh->linger_until : next;
    }
    if (hh->app && hh->app->on_tick) {
        tt_time a = hh->app->on_tick(hh->app->ctx, now);
        if (a == 0)
            return 0;
        next = a < next ? a : next;
    }
    return next;
}

static size_t host_watch(void *ctx, struct tt_port_watch *w, size_t cap)
{
    const struct host_hooks *hh = ctx;
    if (hh->linger_until || !hh->app || !hh->app->watch)
        return 0;
    return hh->app->watch(hh->app->ctx, w, cap);
}

static void host_on_info(void *ctx, tt_time now)
{
    struct host_hooks *hh = ctx;
    tt_cli_host_print_stats(stderr, hh->h, now);
}

int tt_cli_host_run(struct tt_cli_host *h, const struct tt_port_hooks *app)
{
    char err[256] = "";
    struct host_hooks hh = {.h = h, .app = app, .flushed = tt_port_now()};
    struct tt_port_hooks hooks = {
        .on_rx = h->pw ? host_on_rx : NULL,
        .on_tick = host_on_tick,
        .watch = host_watch,
        .on_info = h->stats ? host_on_info : NULL,
        .ctx = &hh,
    };
    int rc = tt_port_run(h->s, &h->devp, &h->iface, 1, &hooks, err, sizeof err);
    if (rc > 0 && h->on_stop) {
        /* A signal: the application closes what it holds (FINs queued). */
        h->on_stop(h->stop_ctx, tt_port_now());
    }
    if (rc >= 0 && closing(h->s)) {
        /* Run on until those FINs are acknowledged; a second signal ends it. */
        hh.linger_until = tt_port_now() + LINGER;
        int rc2 = tt_port_run(h->s, &h->devp, &h->iface, 1, &hooks, err, sizeof err);
        if (rc2 < 0)
            rc = rc2;
    }
    if (rc < 0)
        fprintf(stderr, "tether %s: %s\n", h->cmd, err);
    if (h->stats)
        tt_cli_host_print_stats(stderr, h, tt_port_now());
    if (h->pw)
        tt_pcap_writer_flush(h->pw);
    return rc;
}
