/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tether get URL [-o FILE]: download one http:// URL over a stack on a TAP
 * or TUN device (tools/http's client), following redirects, with a progress
 * bar on a terminal and plain lines otherwise; the exit status says how it
 * ended.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tether/tether.h>

#include "cli.h"
#include "http/http.h"
#include "port.h"

/* Exit statuses, by outcome. */
#define GET_EXIT_CONN 3     /* the connection failed: refused, unreachable, timed out, reset */
#define GET_EXIT_HTTP 4     /* the server answered with an error status (4xx, 5xx) */
#define GET_EXIT_PROTO 5    /* a malformed response, or the body was cut short */
#define GET_EXIT_REDIRECT 6 /* too many redirects, or one that cannot be followed */

static const char get_help[] =
    "usage: tether get URL (--tap NAME | --tun NAME) --addr A.B.C.D/N [options]\n"
    "\n"
    "  URL               http://A.B.C.D[:PORT]/path (an IPv4 literal: there is no resolver)\n"
    "  -o, --output FILE write the body to FILE (default: standard output)\n"
    "  --max-redirects N follow at most N redirects (default 10; 0: none)\n" TT_CLI_IFACE_HELP
    "  --verbose         print the connection's state changes and the response head\n"
    "  --help            this text\n"
    "\n"
    "Progress goes to stderr: a bar with bytes, rate and ETA on a terminal, plain lines\n"
    "otherwise. The body is written only for a 2xx response. Exit status: 0 done,\n"
    "1 a local failure (device, file), 2 bad arguments, 3 the connection failed (refused,\n"
    "unreachable, timed out, reset), 4 an error status from the server (4xx, 5xx),\n"
    "5 a malformed response or a body cut short, 6 too many redirects.\n";

struct get {
    struct tt_cli_host h;
    struct tt_http_url url;
    const char *url_arg, *out_path;
    unsigned long max_redirects, redirects;
    struct tt_http_client *c;
    FILE *out;
    int status, exit, tty;
    char location[2048];
    int64_t length;
    uint64_t got;
    tt_time started, last_progress;
    char reason[64];
};

static int get_option(void *ctx, const char *opt, const char *val)
{
    struct get *g = ctx;
    if (!opt) {
        if (g->url_arg)
            return tt_cli_usage_error("get", "unexpected argument '%s' (one URL only)", val);
        g->url_arg = val;
        int rc = tt_http_parse_url(val, &g->url);
        if (rc == TT_HTTP_EVERSION)
            return tt_cli_usage_error("get", "cannot fetch '%s': http:// to an IPv4 address only",
                                      val);
        if (rc != 0)
            return tt_cli_usage_error("get", "bad URL '%s' (want http://A.B.C.D[:PORT]/path)", val);
        return 0;
    }
    if (!strcmp(opt, "-o") || !strcmp(opt, "--output")) {
        if (!*val)
            return tt_cli_usage_error("get", "empty output file name");
        g->out_path = val;
        return 0;
    }
    if (!strcmp(opt, "--max-redirects")) {
        if (tt_cli_parse_uint(val, 0, 100, &g->max_redirects) != 0)
            return tt_cli_usage_error("get", "bad --max-redirects '%s' (0..100)", val);
        return 0;
    }
    int rc = tt_cli_host_option(&g->h, opt, val);
    return rc >= 0 ? rc : tt_cli_usage_error("get", "unknown option '%s'", opt);
}

static int get_parse(int argc, char **argv, struct get *g, int *help)
{
    struct tt_cli_optspec specs[TT_CLI_HOST_NSPECS + 2];
    memcpy(specs, tt_cli_host_specs, sizeof tt_cli_host_specs);
    specs[TT_CLI_HOST_NSPECS] = (struct tt_cli_optspec){"--output", TT_CLI_VALUE};
    specs[TT_CLI_HOST_NSPECS + 1] = (struct tt_cli_optspec){"--max-redirects", TT_CLI_VALUE};
    g->h.cmd = "get";
    g->h.mtu = 1500;
    g->max_redirects = 10;
    /* tt_cli_parse takes "--name" options; "-o" is spelled out here. */
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-o"))
            argv[i] = "--output";
    int rc =
        tt_cli_parse("get", argc, argv, specs, sizeof specs / sizeof specs[0], get_option, g, help);
    if (rc != 0 || *help)
        return rc;
    if (!g->url_arg)
        return tt_cli_usage_error("get", "URL is required");
    return tt_cli_host_check(&g->h);
}

static void fmt_bytes(char *buf, size_t cap, double b)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (b >= 1024 && u < 4) {
        b /= 1024;
        u++;
    }
    snprintf(buf, cap, u ? "%.1f %s" : "%.0f %s", b, units[u]);
}

/* The progress display: a bar on a terminal (at most every 100 ms), a plain
 * line every second otherwise; `final` prints the last one. */
static void progress(struct get *g, tt_time now, int final)
{
    if (!final && now - g->last_progress < (g->tty ? TT_MSEC(100) : TT_SEC(1)))
        return;
    g->last_progress = now;
    double secs = (double)(now - g->started) / 1e6;
    double rate = secs > 0 ? (double)g->got / secs : 0;
    char got[32], total[32], r[32], eta[32] = "";
    fmt_bytes(got, sizeof got, (double)g->got);
    fmt_bytes(total, sizeof total, (double)g->length);
    fmt_bytes(r, sizeof r, rate);
    if (g->length > 0 && rate > 0 && !final)
        snprintf(eta, sizeof eta, "  ETA %.0f s", ((double)g->length - (double)g->got) / rate);
    if (!g->tty) {
        if (g->length >= 0)
            fprintf(stderr, "tether get: %llu of %lld bytes (%s of %s), %s/s\n",
                    (unsigned long long)g->got, (long long)g->length, got, total, r);
        else
            fprintf(stderr, "tether get: %llu bytes (%s), %s/s\n", (unsigned long long)g->got, got,
                    r);
        return;
    }
    char bar[31];
    int pct = g->length > 0 ? (int)(100.0 * (double)g->got / (double)g->length) : final ? 100 : 0;
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '=' : i == fill ? '>' : ' ';
    bar[30] = 0;
    if (g->length >= 0)
        fprintf(stderr, "\r%3d%% [%s] %s of %s  %s/s%s\033[K", pct, bar, got, total, r, eta);
    else
        fprintf(stderr, "\r[%s] %s  %s/s\033[K", bar, got, r);
    if (final)
        fputc('\n', stderr);
}

static void on_head(void *ctx, const struct tt_http_response *rs, int64_t length)
{
    struct get *g = ctx;
    g->status = rs->status;
    g->length = length;
    snprintf(g->reason, sizeof g->reason, "%.*s", (int)rs->reason_len, rs->reason);
    const struct tt_http_header *loc = tt_http_find(rs->headers, rs->num_headers, "Location");
    g->location[0] = 0;
    if (loc && loc->value_len < sizeof g->location)
        snprintf(g->location, sizeof g->location, "%.*s", (int)loc->value_len, loc->value);
    if (g->h.verbose)
        for (size_t i = 0; i < rs->num_headers; i++)
            fprintf(stderr, "tether get: < %.*s: %.*s\n", (int)rs->headers[i].name_len,
                    rs->headers[i].name, (int)rs->headers[i].value_len, rs->headers[i].value);
    fprintf(stderr, "tether get: %d %s%s", rs->status, g->reason, length >= 0 ? ", " : "\n");
    if (length >= 0)
        fprintf(stderr, "%lld bytes\n", (long long)length);
    if (rs->status < 200 || rs->status >= 300)
        return;
    g->out = g->out_path ? fopen(g->out_path, "wb") : stdout;
    if (!g->out)
        fprintf(stderr, "tether get: cannot create %s: %s\n", g->out_path, strerror(errno));
}

static int on_body(void *ctx, const void *data, size_t len)
{
    struct get *g = ctx;
    if (g->status < 200 || g->status >= 300)
        return 0; /* an error page or a redirect's body: not saved */
    if (!g->out || fwrite(data, 1, len, g->out) != len)
        return -1;
    g->got += len;
    progress(g, tt_port_now(), 0);
    return 0;
}

static int exit_for_error(int rc)
{
    if (rc == TT_HTTP_EBAD || rc == TT_HTTP_EPARTIAL || rc == TT_HTTP_EVERSION)
        return GET_EXIT_PROTO;
    return GET_EXIT_CONN;
}

static int start(struct get *g, tt_time now)
{
    struct tt_http_client_cb cb = {.head = on_head, .body = on_body, .ctx = g};
    char ipbuf[16];
    g->status = 0;
    g->got = 0;
    g->length = -1;
    g->started = g->last_progress = now;
    fprintf(stderr, "tether get: GET http://%s:%u%s\n", tt_cli_fmt_ipv4(g->url.addr, ipbuf),
            (unsigned)g->url.port, g->url.path);
    int rc = tt_http_client_start(g->h.s, &g->url, &cb, now, &g->c);
    if (rc != 0) {
        fprintf(stderr, "tether get: cannot connect: %s\n", tt_strerror(rc));
        g->exit = GET_EXIT_CONN;
        return -1;
    }
    return 0;
}

/* A response is complete: done, or a redirect to follow. */
static int finished(struct get *g, tt_time now)
{
    int st = g->status;
    if (st >= 200 && st < 300) {
        progress(g, now, 1);
        if (g->out && g->out != stdout && fclose(g->out) != 0) {
            fprintf(stderr, "tether get: writing %s: %s\n", g->out_path, strerror(errno));
            g->exit = TT_CLI_EXIT_FAIL;
        }
        g->out = NULL;
        return 0;
    }
    int redirect = st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
    if (!redirect) {
        g->exit = GET_EXIT_HTTP;
        return 0;
    }
    struct tt_http_url next;
    if (!g->location[0] || g->redirects >= g->max_redirects ||
        tt_http_resolve(&g->url, g->location, strlen(g->location), &next) != 0) {
        fprintf(stderr, "tether get: not following %s%s\n",
                g->location[0] ? g->location : "a redirect without Location",
                g->redirects >= g->max_redirects ? " (too many redirects)" : "");
        g->exit = GET_EXIT_REDIRECT;
        return 0;
    }
    g->redirects++;
    g->url = next;
    tt_http_client_free(g->c, now);
    g->c = NULL;
    return start(g, now) == 0;
}

static tt_time get_tick(void *ctx, tt_time now)
{
    struct get *g = ctx;
    int rc = tt_http_client_step(g->c, now);
    if (rc == 1)
        return now + TT_SEC(1); /* the progress line, even while nothing arrives */
    if (rc < 0) {
        if (g->tty && g->got)
            fputc('\n', stderr);
        fprintf(stderr, "tether get: %s after %llu body bytes\n",
                rc == TT_HTTP_EPARTIAL   ? "the connection closed before the response ended"
                : rc == TT_HTTP_EBAD     ? "malformed response (or the output failed)"
                : rc == TT_HTTP_EVERSION ? "the response is not HTTP/1.x"
                                         : tt_strerror(rc),
                (unsigned long long)g->got);
        g->exit = g->out == NULL && g->status >= 200 && g->status < 300 ? TT_CLI_EXIT_FAIL
                                                                        : exit_for_error(rc);
        return 0;
    }
    if (finished(g, now))
        return now;
    tt_http_client_free(g->c, now);
    g->c = NULL;
    return 0;
}

int tt_cmd_get(int argc, char **argv)
{
    struct get *g = calloc(1, sizeof *g);
    if (!g) {
        fprintf(stderr, "tether get: out of memory\n");
        return TT_CLI_EXIT_FAIL;
    }
    int help = 0, rc = get_parse(argc, argv, g, &help);
    if (rc != 0 || help) {
        if (help)
            fputs(get_help, stdout);
        free(g);
        return rc;
    }
    g->tty = isatty(2);
    rc = TT_CLI_EXIT_FAIL;
    if (tt_cli_host_open(&g->h) == 0 && start(g, tt_port_now()) == 0) {
        struct tt_port_hooks hooks = {.on_tick = get_tick, .ctx = g};
        int sig = tt_cli_host_run(&g->h, &hooks);
        if (sig > 0) {
            fprintf(stderr, "tether get: interrupted by signal %d\n", sig);
            g->exit = TT_CLI_EXIT_FAIL;
        }
        rc = sig < 0 ? TT_CLI_EXIT_FAIL : g->exit;
    } else if (g->exit) {
        rc = g->exit;
    }
    if (g->out && g->out != stdout)
        fclose(g->out);
    tt_http_client_free(g->c, tt_port_now());
    tt_cli_host_close(&g->h);
    free(g);
    return rc;
}
