/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tether serve --http DIR: the static-file server of tools/http on the
 * service's listening handle; one tt_http_conn per accepted connection.
 */
#include <stdio.h>
#include <stdlib.h>

#include <tether/tether.h>

#include "cli.h"
#include "http/http.h"

struct hconn {
    struct hconn *next;
    struct tt_http_conn *c;
};

struct tt_cli_http {
    struct tt_http_server *srv;
    struct hconn *conns;
    uint64_t accepted, finished;
};

static void log_line(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "tether serve: %s\n", line);
}

int tt_cli_http_open(struct tt_cli_http **out, const char *root, int verbose)
{
    char err[512];
    struct tt_cli_http *h = calloc(1, sizeof *h);
    struct tt_http_server_config cfg = {.root = root, .log = verbose ? log_line : NULL};
    if (!h || tt_http_server_create(&cfg, &h->srv, err, sizeof err) != 0) {
        fprintf(stderr, "tether serve: --http %s\n", h ? err : "out of memory");
        free(h);
        return TT_CLI_EXIT_FAIL;
    }
    *out = h;
    return 0;
}

tt_time tt_cli_http_tick(struct tt_cli_http *h, struct tt_tcp *l, tt_time now)
{
    struct tt_tcp *t;
    while (tt_tcp_accept(l, &t, now) == 0) {
        struct hconn *hc = calloc(1, sizeof *hc);
        if (hc)
            hc->c = tt_http_conn_new(h->srv, t, now);
        if (!hc || !hc->c) {
            free(hc);
            tt_tcp_abort(t, now);
            continue;
        }
        /* Linux-sized send buffer for bulk downloads: the default is Linux's
         * initial value, which its autotuning grows and ours does not. */
        tt_tcp_setopt(t, TT_TCP_OPT_SNDBUF, 4 << 20);
        hc->next = h->conns;
        h->conns = hc;
        h->accepted++;
    }
    tt_time next = TT_TIME_NEVER;
    for (struct hconn **pp = &h->conns; *pp;) {
        struct hconn *hc = *pp;
        tt_time dl = TT_TIME_NEVER;
        if (tt_http_conn_step(hc->c, now, &dl)) {
            next = dl < next ? dl : next;
            pp = &hc->next;
            continue;
        }
        *pp = hc->next;
        tt_http_conn_free(hc->c, now);
        free(hc);
        h->finished++;
    }
    return next;
}

void tt_cli_http_report(const struct tt_cli_http *h, FILE *f)
{
    struct tt_http_server_stats st;
    tt_http_server_stats(h->srv, &st);
    fprintf(f,
            "tether: http: %llu connections (%llu open), %llu requests: %llu 2xx, %llu 3xx, "
            "%llu 4xx, %llu 5xx; %llu body bytes\n",
            (unsigned long long)h->accepted, (unsigned long long)(h->accepted - h->finished),
            (unsigned long long)st.requests, (unsigned long long)st.responses[2],
            (unsigned long long)st.responses[3], (unsigned long long)st.responses[4],
            (unsigned long long)st.responses[5], (unsigned long long)st.body_bytes);
}

void tt_cli_http_stop(struct tt_cli_http *h, tt_time now)
{
    while (h->conns) {
        struct hconn *hc = h->conns;
        h->conns = hc->next;
        tt_http_conn_free(hc->c, now);
        free(hc);
        h->finished++;
    }
}

void tt_cli_http_close(struct tt_cli_http *h, tt_time now)
{
    if (!h)
        return;
    tt_cli_http_stop(h, now);
    tt_http_server_destroy(h->srv);
    free(h);
}
