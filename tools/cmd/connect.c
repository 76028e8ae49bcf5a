/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tether connect HOST:PORT: a TCP client on a TAP or TUN device, in the way
 * of `nc`: stdin goes to the connection, the connection to stdout, both
 * binary-safe and flow-controlled (stdin is read only when the send buffer
 * takes more, the connection only when stdout took what was read). EOF on
 * stdin becomes shutdown(write); the command ends with status 0 once the
 * peer's FIN is read and our own FIN is acknowledged, or with status 1 and a
 * message on an RST, a timeout or an I/O error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tether/tether.h>

#include "cli.h"
#include "port.h"

static const char connect_help[] =
    "usage: tether connect (HOST:PORT | --listen PORT) (--tap NAME | --tun NAME | --udp L:H:P)\n"
    "                      --addr A.B.C.D/N [options]\n"
    "\n"
    "  HOST:PORT         the server, as A.B.C.D:PORT\n"
    "  --listen PORT     the other role: wait for one connection on PORT, then the "
    "same\n" TT_CLI_IFACE_HELP
    "  --verbose         print the connection's state changes and a summary on stderr\n"
    "  --help            this text\n"
    "\n"
    "Copies stdin to the connection and the connection to stdout. EOF on stdin sends\n"
    "our FIN (a half-close: the peer's data still comes). Exit status by how it ended:\n"
    "0 both sides closed (the peer's FIN read, ours acknowledged), 1 a local error or a\n"
    "signal, 2 bad arguments, 3 the connection could not be made (refused, unreachable,\n"
    "timed out), 4 the peer reset it, 5 it timed out once established.\n";

/* Exit statuses beyond the shared ones (see the help). */
#define CONNECT_EXIT_NOCONN 3
#define CONNECT_EXIT_RESET 4
#define CONNECT_EXIT_TIMEOUT 5

#define CONN_BUF 65536

struct client {
    struct tt_cli_host h;
    uint32_t raddr;
    uint16_t rport;
    int have_target;
    unsigned long listen_port; /* --listen PORT; 0 = connect */
    struct tt_tcp *l;
    struct tt_tcp *t;
    int connected, in_eof, shut, peer_eof;
    int err, os_err; /* a TT_E* code, or an errno value with err = 1 */
    const char *why; /* the failure message, when err */
    size_t in_off, in_len, out_off, out_len;
    uint64_t sent, received;
    tt_time started;
    uint8_t in[CONN_BUF], out[CONN_BUF];
};

static int connect_target(struct client *c, const char *arg)
{
    const char *colon = strrchr(arg, ':');
    char ip[16];
    unsigned long port;
    if (c->have_target)
        return tt_cli_usage_error("connect", "unexpected argument '%s' (one HOST:PORT only)", arg);
    if (!colon || (size_t)(colon - arg) >= sizeof ip)
        return tt_cli_usage_error("connect", "bad target '%s' (want A.B.C.D:PORT)", arg);
    memcpy(ip, arg, (size_t)(colon - arg));
    ip[colon - arg] = 0;
    if (tt_cli_parse_ipv4(ip, &c->raddr) != 0 || c->raddr == 0 || c->raddr >> 28 >= 14)
        return tt_cli_usage_error("connect", "bad address in target '%s' (want A.B.C.D:PORT)", arg);
    if (tt_cli_parse_uint(colon + 1, 1, 65535, &port) != 0)
        return tt_cli_usage_error("connect", "bad port in target '%s' (1..65535)", arg);
    c->rport = (uint16_t)port;
    c->have_target = 1;
    return 0;
}

static int connect_option(void *ctx, const char *opt, const char *val)
{
    struct client *c = ctx;
    if (!opt)
        return connect_target(c, val);
    if (!strcmp(opt, "--listen")) {
        if (tt_cli_parse_uint(val, 1, 65535, &c->listen_port) != 0)
            return tt_cli_usage_error("connect", "bad --listen port '%s' (1..65535)", val);
        return 0;
    }
    int rc = tt_cli_host_option(&c->h, opt, val);
    return rc >= 0 ? rc : tt_cli_usage_error("connect", "unknown option '%s'", opt);
}

static int connect_parse(int argc, char **argv, struct client *c, int *help)
{
    c->h.cmd = "connect";
    c->h.mtu = 1500;
    struct tt_cli_optspec specs[TT_CLI_HOST_NSPECS + 1];
    memcpy(specs, tt_cli_host_specs, sizeof tt_cli_host_specs);
    specs[TT_CLI_HOST_NSPECS] = (struct tt_cli_optspec){"--listen", TT_CLI_VALUE};
    int rc = tt_cli_parse("connect", argc, argv, specs, sizeof specs / sizeof specs[0],
                          connect_option, c, help);
    if (rc != 0 || *help)
        return rc;
    if (c->have_target && c->listen_port)
        return tt_cli_usage_error("connect", "give HOST:PORT or --listen PORT, not both");
    if (!c->have_target && !c->listen_port)
        return tt_cli_usage_error("connect", "HOST:PORT is required (or --listen PORT)");
    return tt_cli_host_check(&c->h);
}

static void client_fail(struct client *c, int err, const char *what)
{
    if (!c->err) {
        c->err = err;
        c->why = what;
    }
}

static void client_fail_os(struct client *c, const char *what)
{
    if (!c->err) {
        c->os_err = errno;
        client_fail(c, 1, what);
    }
}

/* stdin -> the connection. */
static int pump_in(struct client *c, tt_time now)
{
    int progress = 0;
    if (c->in_len == 0 && !c->in_eof) {
        ssize_t n = read(0, c->in, sizeof c->in);
        if (n > 0) {
            c->in_off = 0;
            c->in_len = (size_t)n;
            progress = 1;
        } else if (n == 0) {
            c->in_eof = 1;
        } else if (errno != EAGAIN && errno != EINTR) {
            client_fail_os(c, "reading stdin");
            return 0;
        }
    }
    if (c->in_len) {
        long n = tt_tcp_send(c->t, c->in + c->in_off, c->in_len, now);
        if (n > 0) {
            c->in_off += (size_t)n;
            c->in_len -= (size_t)n;
            c->sent += (uint64_t)n;
            progress = 1;
        } else if (n != TT_EAGAIN) {
            client_fail(c, (int)n, "sending");
        }
    }
    if (c->in_eof && c->in_len == 0 && !c->shut) {
        int rc = tt_tcp_shutdown(c->t, TT_SHUT_WR, now);
        if (rc != 0)
            client_fail(c, rc, "shutdown");
        c->shut = 1;
        progress = 1;
    }
    return progress;
}

/* The connection -> stdout. */
static int pump_out(struct client *c, tt_time now)
{
    int progress = 0;
    if (c->out_len == 0 && !c->peer_eof) {
        long n = tt_tcp_recv(c->t, c->out, sizeof c->out, now);
        if (n > 0) {
            c->out_off = 0;
            c->out_len = (size_t)n;
            c->received += (uint64_t)n;
            progress = 1;
        } else if (n == 0) {
            c->peer_eof = 1;
            progress = 1;
        } else if (n != TT_EAGAIN) {
            client_fail(c, (int)n, "receiving");
        }
    }
    while (c->out_len) {
        ssize_t n = write(1, c->out + c->out_off, c->out_len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN)
                client_fail_os(c, "writing stdout");
            break;
        }
        c->out_off += (size_t)n;
        c->out_len -= (size_t)n;
        progress = 1;
    }
    return progress;
}

static tt_time client_tick(void *ctx, tt_time now)
{
    struct client *c = ctx;
    if (!c->t) {
        /* --listen: one connection, then no listener (a second SYN is refused). */
        if (tt_tcp_accept(c->l, &c->t, now) != 0)
            return TT_TIME_NEVER;
        tt_tcp_close(c->l, now);
        c->l = NULL;
        c->started = now;
        if (c->h.verbose) {
            char ipbuf[16];
            struct tt_addr ra;
            tt_tcp_remote(c->t, &ra, &c->rport);
            c->raddr = ra.v4;
            fprintf(stderr, "tether connect: accepted from %s:%u\n",
                    tt_cli_fmt_ipv4(c->raddr, ipbuf), (unsigned)c->rport);
        }
    }
    unsigned ev = tt_tcp_events(c->t);
    if (!c->connected) {
        if (ev & TT_TCP_EV_ERROR) {
            client_fail(c, tt_tcp_error(c->t), "connecting");
            return 0;
        }
        if (!(ev & TT_TCP_EV_CONNECTED))
            return TT_TIME_NEVER;
        c->connected = 1;
        if (c->h.verbose)
            fprintf(stderr, "tether connect: connected after %.3f ms\n",
                    (double)(now - c->started) / 1000.0);
    }
    for (int round = 0; round < 64 && !c->err; round++) {
        int progress = pump_in(c, now);
        progress |= pump_out(c, now);
        if (!progress)
            break;
    }
    if (c->err)
        return 0;
    /* Done: everything written out, the peer's FIN read, and our FIN sent and
     * acknowledged (TIME-WAIT after an active close, CLOSED after a passive). */
    int st = tt_tcp_state(c->t);
    if (c->peer_eof && c->out_len == 0 && c->shut && (st == TT_TIME_WAIT || st == TT_CLOSED)) {
        if (tt_tcp_error(c->t))
            client_fail(c, tt_tcp_error(c->t), "closing");
        return 0;
    }
    return TT_TIME_NEVER;
}

static size_t client_watch(void *ctx, struct tt_port_watch *w, size_t cap)
{
    struct client *c = ctx;
    size_t n = 0;
    if (cap < 2)
        return 0;
    if (c->connected && !c->in_eof && c->in_len == 0)
        w[n++] = (struct tt_port_watch){.fd = 0, .want = TT_PORT_WANT_READ};
    if (c->out_len)
        w[n++] = (struct tt_port_watch){.fd = 1, .want = TT_PORT_WANT_WRITE};
    return n;
}

static int client_start(struct client *c)
{
    tt_time now = tt_port_now();
    c->started = now;
    if (c->listen_port) {
        int rc = tt_tcp_open(c->h.s, &c->l);
        if (rc == 0) {
            tt_tcp_setopt(c->l, TT_TCP_OPT_SNDBUF, 4 << 20);
            tt_tcp_setopt(c->l, TT_TCP_OPT_RCVBUF, 4 << 20);
            rc = tt_tcp_bind(c->l, TT_ADDR_ANY, (uint16_t)c->listen_port);
        }
        if (rc == 0)
            rc = tt_tcp_listen(c->l, 1, now);
        if (rc != 0) {
            fprintf(stderr, "tether connect: cannot listen on port %lu: %s\n", c->listen_port,
                    tt_strerror(rc));
            return TT_CLI_EXIT_FAIL;
        }
        return 0;
    }
    int rc = tt_tcp_open(c->h.s, &c->t);
    if (rc == 0) {
        /* Bulk transfers want Linux-sized buffers: the defaults are Linux's
         * initial values, which its autotuning grows and ours does not. */
        tt_tcp_setopt(c->t, TT_TCP_OPT_SNDBUF, 4 << 20);
        tt_tcp_setopt(c->t, TT_TCP_OPT_RCVBUF, 4 << 20);
        rc = tt_tcp_connect(c->t, TT_ADDR_V4(c->raddr), c->rport, now);
    }
    if (rc != 0 && rc != TT_EINPROGRESS) {
        fprintf(stderr, "tether connect: cannot connect: %s\n", tt_strerror(rc));
        return TT_CLI_EXIT_FAIL;
    }
    return 0;
}

/* SIGINT/SIGTERM: let the connection go with a FIN (or a reset when data
 * is left unread); the host waits for it to be acknowledged. */
static void client_stop(void *ctx, tt_time now)
{
    struct client *c = ctx;
    if (c->l)
        tt_tcp_close(c->l, now);
    if (c->t)
        tt_tcp_close(c->t, now);
    c->l = c->t = NULL;
}

static void client_summary(struct client *c)
{
    struct tt_tcp_info ti;
    tt_tcp_info(c->t, &ti);
    double secs = (double)(tt_port_now() - c->started) / 1e6;
    fprintf(stderr,
            "tether connect: %llu bytes sent, %llu received in %.3f s; "
            "%u retransmitted segments\n",
            (unsigned long long)c->sent, (unsigned long long)c->received, secs,
            (unsigned)ti.total_retrans);
    tt_cli_host_print_rexmits(stderr, &c->h);
    fprintf(stderr, "tether connect: counters:\n");
    tt_cli_print_counters(stderr, tt_stack_counters(c->h.s));
}

static int client_report(struct client *c, int sig)
{
    char ipbuf[16];
    if (c->h.verbose && sig >= 0 && c->t)
        client_summary(c);
    if (sig > 0) {
        fprintf(stderr, "tether connect: interrupted by signal %d\n", sig);
        return TT_CLI_EXIT_FAIL;
    }
    if (sig < 0)
        return TT_CLI_EXIT_FAIL;
    if (c->err) {
        fprintf(stderr, "tether connect: %s %s:%u: %s\n", c->why, tt_cli_fmt_ipv4(c->raddr, ipbuf),
                (unsigned)c->rport, c->os_err ? strerror(c->os_err) : tt_strerror(c->err));
        if (c->os_err)
            return TT_CLI_EXIT_FAIL;
        if (!c->connected)
            return CONNECT_EXIT_NOCONN;
        return c->err == TT_ECONNRESET  ? CONNECT_EXIT_RESET
               : c->err == TT_ETIMEDOUT ? CONNECT_EXIT_TIMEOUT
                                        : TT_CLI_EXIT_FAIL;
    }
    return TT_CLI_EXIT_OK;
}

/* stdin and stdout non-blocking for the run, as they were afterwards. */
static void set_nonblock(int fd, int on, int *saved)
{
    if (on) {
        *saved = fcntl(fd, F_GETFL);
        if (*saved >= 0)
            fcntl(fd, F_SETFL, *saved | O_NONBLOCK);
    } else if (*saved >= 0) {
        fcntl(fd, F_SETFL, *saved);
    }
}

int tt_cmd_connect(int argc, char **argv)
{
    struct client *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "tether connect: out of memory\n");
        return TT_CLI_EXIT_FAIL;
    }
    int help = 0, rc = connect_parse(argc, argv, c, &help);
    if (rc != 0 || help) {
        if (help)
            fputs(connect_help, stdout);
        free(c);
        return rc;
    }
    signal(SIGPIPE, SIG_IGN); /* a closed stdout is an EPIPE, reported */
    rc = TT_CLI_EXIT_FAIL;
    if (tt_cli_host_open(&c->h) == 0 && client_start(c) == 0) {
        int fl_in, fl_out;
        set_nonblock(0, 1, &fl_in);
        set_nonblock(1, 1, &fl_out);
        struct tt_port_hooks hooks = {.on_tick = client_tick, .watch = client_watch, .ctx = c};
        c->h.on_stop = client_stop;
        c->h.stop_ctx = c;
        int sig = tt_cli_host_run(&c->h, &hooks);
        set_nonblock(0, 0, &fl_in);
        set_nonblock(1, 0, &fl_out);
        rc = client_report(c, sig);
    }
    tt_cli_host_close(&c->h);
    free(c);
    return rc;
}
