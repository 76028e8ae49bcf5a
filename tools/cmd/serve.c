/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tether serve: attach a stack to a TAP (Ethernet) or TUN (raw IP) device and
 * run until interrupted, answering ARP and ping, and optionally a TCP service
 * (echo, discard, or a byte source) on one port; print the counters at exit.
 * Also the pieces serve shares with tether connect: option parsing and the
 * stack-on-a-device setup (struct tt_cli_host).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "cli.h"
#include "pcap.h"
#include "port.h"
#include "sim.h"

static const char serve_help[] =
    "usage: tether serve (--tap NAME | --tun NAME) --addr A.B.C.D/N [options]\n"
    "\n" TT_CLI_IFACE_HELP
    "  --verbose         print each TCP connection's state changes on stderr\n"
    "\n"
    "A TCP service on one port (any number of connections):\n"
    "  --echo            send back every byte received (port 7 by default)\n"
    "  --discard         read and drop everything (port 9 by default)\n"
    "  --source BYTES    send BYTES to each client, then close (port 19 by default); the\n"
    "                    stream is 16-byte lines \"%015u\\n\" holding their own offset\n"
    "  --port N          the service's port, 1..65535\n"
    "  --http DIR        a static-file HTTP/1.1 server for DIR (port 80 by default): GET,\n"
    "                    HEAD, keep-alive, Range; index.html or a listing for a folder\n"
    "  --close-first[=N] echo: close our side first, after echoing N bytes (default: after\n"
    "                    the first read), then read and drop until the peer's FIN\n"
    "  A connection is closed once the peer has closed and everything is sent.\n"
    "  --help            this text\n"
    "\n"
    "Runs until SIGINT or SIGTERM, then prints the non-zero counters.\n";

/* ---- option parsing, shared with connect ---- */

int tt_cli_parse(const char *cmd, int argc, char **argv, const struct tt_cli_optspec *specs,
                 size_t nspecs, tt_cli_opt_fn fn, void *ctx, int *help)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help = 1;
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
            int rc = fn(ctx, NULL, arg);
            if (rc != 0)
                return rc;
            continue;
        }
        size_t namelen = strcspn(arg, "=");
        const struct tt_cli_optspec *sp = NULL;
        for (size_t k = 0; k < nspecs; k++)
            if (strlen(specs[k].name) == namelen && !strncmp(arg, specs[k].name, namelen))
                sp = &specs[k];
        if (!sp)
            return tt_cli_usage_error(cmd, "unknown option '%.*s'", (int)namelen, arg);
        const char *val = arg[namelen] == '=' ? arg + namelen + 1 : NULL;
        if (sp->kind == TT_CLI_FLAG && val)
            return tt_cli_usage_error(cmd, "option '%s' takes no value", sp->name);
        if (sp->kind == TT_CLI_VALUE && !val) {
            if (i + 1 >= argc)
                return tt_cli_usage_error(cmd, "option '%s' needs a value", arg);
            val = argv[++i];
        }
        int rc = fn(ctx, sp->name, val);
        if (rc != 0)
            return rc;
    }
    return 0;
}

const struct tt_cli_optspec tt_cli_host_specs[TT_CLI_HOST_NSPECS] = {
    {"--tap", TT_CLI_VALUE},  {"--tun", TT_CLI_VALUE},    {"--addr", TT_CLI_VALUE},
    {"--gw", TT_CLI_VALUE},   {"--mac", TT_CLI_VALUE},    {"--mtu", TT_CLI_VALUE},
    {"--pcap", TT_CLI_VALUE}, {"--verbose", TT_CLI_FLAG}, {"--create", TT_CLI_FLAG},
    {"--stats", TT_CLI_FLAG}, {"--udp", TT_CLI_VALUE},
};

int tt_cli_host_option(struct tt_cli_host *h, const char *opt, const char *val)
{
    char ipbuf[16];
    const char *cmd = h->cmd;
    if (!strcmp(opt, "--tap") || !strcmp(opt, "--tun")) {
        if (h->dev)
            return tt_cli_usage_error(cmd, "give only one of --tap and --tun");
        if (h->udp)
            return tt_cli_usage_error(cmd, "give only one of --tap, --tun and --udp");
        if (!*val || strlen(val) > 15 || strchr(val, '/'))
            return tt_cli_usage_error(cmd, "bad device name '%s' (1 to 15 characters)", val);
        h->dev = val;
        h->tun = !strcmp(opt, "--tun");
    } else if (!strcmp(opt, "--udp")) {
        if (h->dev || h->udp)
            return tt_cli_usage_error(cmd, "give only one of --tap, --tun and --udp");
        if (tt_cli_parse_udp(val, &h->udp_local, &h->udp_addr, &h->udp_port) != 0)
            return tt_cli_usage_error(
                cmd, "bad --udp '%s' (want LOCAL_PORT:REMOTE_A.B.C.D:REMOTE_PORT)", val);
        h->udp = val;
    } else if (!strcmp(opt, "--addr")) {
        int rc = tt_cli_parse_cidr(val, &h->addr, &h->prefix_len);
        if (rc == -1)
            return tt_cli_usage_error(cmd, "bad address in --addr '%s'", val);
        if (rc == -2)
            return tt_cli_usage_error(
                cmd, "bad or missing prefix length in --addr '%s' (want /0 to /32)", val);
        if (h->addr == 0 || h->addr >> 28 >= 14) /* 0.0.0.0, multicast, class E */
            return tt_cli_usage_error(cmd, "--addr %s is not a unicast address",
                                      tt_cli_fmt_ipv4(h->addr, ipbuf));
        h->have_addr = 1;
    } else if (!strcmp(opt, "--gw")) {
        if (tt_cli_parse_ipv4(val, &h->gw) != 0 || h->gw == 0)
            return tt_cli_usage_error(cmd, "bad gateway address '%s'", val);
    } else if (!strcmp(opt, "--mac")) {
        if (tt_cli_parse_mac(val, h->mac) != 0)
            return tt_cli_usage_error(cmd, "bad MAC '%s' (want xx:xx:xx:xx:xx:xx)", val);
        if (h->mac[0] & 1)
            return tt_cli_usage_error(cmd, "MAC '%s' is multicast", val);
        h->have_mac = 1;
    } else if (!strcmp(opt, "--mtu")) {
        if (tt_cli_parse_uint(val, 68, 9000, &h->mtu) != 0)
            return tt_cli_usage_error(cmd, "MTU '%s' out of range (68..9000)", val);
    } else if (!strcmp(opt, "--pcap")) {
        if (!*val)
            return tt_cli_usage_error(cmd, "empty --pcap file name");
        h->pcap = val;
    } else if (!strcmp(opt, "--verbose")) {
        h->verbose = 1;
    } else if (!strcmp(opt, "--create")) {
        h->create = 1;
    } else if (!strcmp(opt, "--stats")) {
        h->stats = 1;
    } else {
        return -1;
    }
    return 0;
}

int tt_cli_host_check(struct tt_cli_host *h)
{
    if (!h->dev && !h->udp)
        return tt_cli_usage_error(h->cmd, "one of --tap NAME or --tun NAME is required (or --udp)");
    if (!h->have_addr)
        return tt_cli_usage_error(h->cmd, "--addr A.B.C.D/N is required");
    if (h->have_mac && h->tun)
        return tt_cli_usage_error(h->cmd, "--mac applies to --tap only");
    return 0;
}

/* ---- the stack on a device ---- */

void tt_cli_host_print_rexmits(FILE *f, const struct tt_cli_host *h)
{
    static const char *const names[8] = {"none", "rto", "fast", "sack", "rack", "tlp", "syn", "?"};
    fprintf(f, "tether %s: retransmissions:", h->cmd);
    for (int i = 1; i < 8; i++)
        fprintf(f, "%s %s %lu", i > 1 ? "," : "", names[i], h->rexmits[i]);
    fputc('\n', f);
}

static int host_iface(struct tt_cli_host *h)
{
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link = tt_port_dev_link(h->devp, (uint32_t)h->mtu);
    if (h->pw)
        ic.link = tt_pcap_wrap(h->pw, &ic.link);
    if (h->have_mac)
        memcpy(ic.mac, h->mac, 6);
    else
        tt_port_random_mac(ic.mac);
    ic.addr = h->addr;
    ic.prefix_len = h->prefix_len;
    ic.gateway = h->gw;
    h->iface = tt_stack_add_iface(h->s, &ic);
    if (h->iface < 0) {
        fprintf(stderr, "tether %s: cannot add the interface: %s\n", h->cmd, tt_strerror(h->iface));
        return TT_CLI_EXIT_FAIL;
    }
    tt_stack_iface_up(h->s, h->iface, tt_port_now());
    return 0;
}

/* The device is open: the capture, the stack and the interface. */
static int host_setup(struct tt_cli_host *h, const struct tt_config *cfg)
{
    if (h->pcap) {
        if (tt_pcap_writer_open(h->pcap, h->tun ? TT_PCAP_LINKTYPE_RAW : TT_PCAP_LINKTYPE_ETHERNET,
                                &h->pw) != 0) {
            perror(h->pcap);
            fprintf(stderr, "tether %s: cannot create the capture file %s\n", h->cmd, h->pcap);
            return TT_CLI_EXIT_FAIL;
        }
        tt_pcap_writer_set_time_offset(h->pw, tt_port_wall_offset());
    }
    int e = tt_stack_create(cfg, &h->s);
    if (e != 0) {
        fprintf(stderr, "tether %s: cannot create the stack: %s\n", h->cmd, tt_strerror(e));
        return TT_CLI_EXIT_FAIL;
    }
    if (h->verbose || h->stats)
        tt_stack_set_trace(h->s, tt_cli_host_trace, h);
    return host_iface(h);
}

int tt_cli_host_open(struct tt_cli_host *h)
{
    char err[256] = "";
    struct tt_config cfg;
    const char *kind = h->tun ? "tun" : "tap";
    if (tt_port_config_default(&cfg) != 0)
        fprintf(stderr, "tether %s: warning: no random source; the secret is zero\n", h->cmd);
    if (h->udp) {
        if (tt_port_udp_open((uint16_t)h->udp_local, h->udp_addr, (uint16_t)h->udp_port, &h->devp,
                             err, sizeof err) != 0) {
            fprintf(stderr, "tether %s: --udp %s: %s\n", h->cmd, h->udp, err);
            return TT_CLI_EXIT_FAIL;
        }
        return host_setup(h, &cfg);
    }
    int rc = tt_port_dev_open(h->tun ? TT_PORT_TUN : TT_PORT_TAP, h->dev,
                              h->create ? TT_PORT_DEV_CREATE : 0, &h->devp, err, sizeof err);
    if (rc == TT_ENOENT && !h->create && tt_port_dev_exists(h->dev) == 0) {
        /* Attaching is the default: a typo must not create a new device
         * that nothing is configured on. */
        fprintf(stderr,
                "tether %s: no %s device %s: create and configure it first (ip tuntap add dev "
                "%s mode %s; ip addr add ... dev %s; ip link set %s up), or give --create\n",
                h->cmd, kind, h->dev, h->dev, kind, h->dev, h->dev);
        return TT_CLI_EXIT_FAIL;
    }
    if (rc != 0) {
        fprintf(stderr, "tether %s: cannot open %s %s: %s\n", h->cmd, kind, h->dev, err);
        return TT_CLI_EXIT_FAIL;
    }
    return host_setup(h, &cfg);
}

void tt_cli_host_close(struct tt_cli_host *h)
{
    tt_stack_destroy(h->s);
    tt_pcap_writer_close(h->pw);
    free(h->conns);
    h->conns = NULL;
    h->nconns = h->conns_cap = 0;
    tt_port_dev_close(h->devp);
    h->s = NULL;
    h->pw = NULL;
    h->devp = NULL;
}

/* ---- counters ---- */

#define COUNTER(f)                                                                                 \
    {                                                                                              \
#f, offsetof(struct tt_counters, f)                                                        \
    }
static const struct {
    const char *name;
    size_t off;
} counter_fields[] = {
    COUNTER(link_in_frames),
    COUNTER(link_out_frames),
    COUNTER(arp_in),
    COUNTER(arp_requests_out),
    COUNTER(arp_replies_out),
    COUNTER(arp_resolved),
    COUNTER(ip_in_receives),
    COUNTER(ip_in_delivers),
    COUNTER(ip_out_requests),
    COUNTER(ip_reasm_reqds),
    COUNTER(ip_reasm_oks),
    COUNTER(ip_reasm_fails),
    COUNTER(icmp_in_msgs),
    COUNTER(icmp_in_echos),
    COUNTER(icmp_in_errors_delivered),
    COUNTER(icmp_out_msgs),
    COUNTER(icmp_out_echo_reps),
    COUNTER(icmp_out_dest_unreachs),
    COUNTER(tcp_active_opens),
    COUNTER(tcp_passive_opens),
    COUNTER(tcp_attempt_fails),
    COUNTER(tcp_estab_resets),
    COUNTER(tcp_in_segs),
    COUNTER(tcp_out_segs),
    COUNTER(tcp_retrans_segs),
    COUNTER(tcp_out_rsts),
    COUNTER(tcp_challenge_acks),
    COUNTER(tcp_syncookies_sent),
    COUNTER(tcp_syncookies_recv),
    COUNTER(tcp_syncookies_failed),
    COUNTER(tcp_fastopen_passive),
    COUNTER(tcp_fastopen_passive_fail),
    COUNTER(tcp_fastopen_listen_overflow),
    COUNTER(tcp_fastopen_cookie_reqd),
    COUNTER(tcp_fastopen_active),
    COUNTER(tcp_fastopen_active_fail),
    COUNTER(tcp_fastopen_blackhole),
};

void tt_cli_print_counters(FILE *f, const struct tt_counters *c)
{
    for (size_t i = 0; i < sizeof counter_fields / sizeof counter_fields[0]; i++) {
        uint64_t v;
        memcpy(&v, (const char *)c + counter_fields[i].off, sizeof v);
        if (v)
            fprintf(f, "  %-26s %llu\n", counter_fields[i].name, (unsigned long long)v);
    }
    for (int r = 0; r < TT_DROP_COUNT; r++)
        if (c->drops[r])
            fprintf(f, "  drop %-21s %llu  (%s)\n", tt_drop_reason_name((enum tt_drop_reason)r),
                    (unsigned long long)c->drops[r], tt_drop_reason_desc((enum tt_drop_reason)r));
}

/* ---- tether serve's own options ---- */

enum serve_svc { SVC_NONE = 0, SVC_ECHO, SVC_DISCARD, SVC_SOURCE, SVC_HTTP };

struct serve_opts {
    struct tt_cli_host h;
    enum serve_svc svc;
    unsigned long port;        /* 0 = the service's default */
    unsigned long long source; /* --source BYTES */
    long long close_first;     /* -1 off; 0 after the first read; N bytes */
    const char *http_root;     /* --http DIR */
};

static const struct tt_cli_optspec serve_specs[] = {
    {"--tap", TT_CLI_VALUE},
    {"--tun", TT_CLI_VALUE},
    {"--addr", TT_CLI_VALUE},
    {"--gw", TT_CLI_VALUE},
    {"--mac", TT_CLI_VALUE},
    {"--mtu", TT_CLI_VALUE},
    {"--pcap", TT_CLI_VALUE},
    {"--verbose", TT_CLI_FLAG},
    {"--echo", TT_CLI_FLAG},
    {"--discard", TT_CLI_FLAG},
    {"--source", TT_CLI_VALUE},
    {"--port", TT_CLI_VALUE},
    {"--close-first", TT_CLI_OPTVALUE},
    {"--http", TT_CLI_VALUE},
    {"--create", TT_CLI_FLAG},
    {"--stats", TT_CLI_FLAG},
    {"--udp", TT_CLI_VALUE},
};

static int serve_svc_set(struct serve_opts *o, enum serve_svc svc)
{
    if (o->svc != SVC_NONE && o->svc != svc)
        return tt_cli_usage_error("serve",
                                  "give only one of --echo, --discard, --source and --http");
    o->svc = svc;
    return 0;
}

static int serve_option(void *ctx, const char *opt, const char *val)
{
    struct serve_opts *o = ctx;
    unsigned long v;
    if (!opt)
        return tt_cli_usage_error("serve", "unexpected argument '%s'", val);
    int rc = tt_cli_host_option(&o->h, opt, val);
    if (rc >= 0)
        return rc;
    if (!strcmp(opt, "--echo"))
        return serve_svc_set(o, SVC_ECHO);
    if (!strcmp(opt, "--discard"))
        return serve_svc_set(o, SVC_DISCARD);
    if (!strcmp(opt, "--source")) {
        char *end;
        if (!*val || *val < '0' || *val > '9' || (o->source = strtoull(val, &end, 10), *end) ||
            o->source > (1ull << 50))
            return tt_cli_usage_error("serve", "bad byte count '%s' for --source", val);
        return serve_svc_set(o, SVC_SOURCE);
    }
    if (!strcmp(opt, "--http")) {
        if (!*val)
            return tt_cli_usage_error("serve", "empty --http directory");
        o->http_root = val;
        return serve_svc_set(o, SVC_HTTP);
    }
    if (!strcmp(opt, "--port")) {
        if (tt_cli_parse_uint(val, 1, 65535, &o->port) != 0)
            return tt_cli_usage_error("serve", "port '%s' out of range (1..65535)", val);
        return 0;
    }
    /* --close-first[=N] */
    if (!val) {
        o->close_first = 0;
    } else {
        if (tt_cli_parse_uint(val, 1, 1ul << 30, &v) != 0)
            return tt_cli_usage_error("serve", "bad byte count '%s' for --close-first", val);
        o->close_first = (long long)v;
    }
    return 0;
}

static int serve_parse(int argc, char **argv, struct serve_opts *o, int *help)
{
    memset(o, 0, sizeof *o);
    o->h.cmd = "serve";
    o->h.mtu = 1500;
    o->close_first = -1;
    int rc = tt_cli_parse("serve", argc, argv, serve_specs,
                          sizeof serve_specs / sizeof serve_specs[0], serve_option, o, help);
    if (rc != 0 || *help)
        return rc;
    rc = tt_cli_host_check(&o->h);
    if (rc != 0)
        return rc;
    if (o->svc == SVC_NONE && (o->port || o->close_first >= 0))
        return tt_cli_usage_error("serve", "--port and --close-first need a service (--echo, "
                                           "--discard, --source or --http)");
    if (o->close_first >= 0 && o->svc != SVC_ECHO)
        return tt_cli_usage_error("serve", "--close-first applies to --echo only");
    if (!o->port)
        o->port = o->svc == SVC_ECHO ? 7 : o->svc == SVC_DISCARD ? 9 : o->svc == SVC_HTTP ? 80 : 19;
    return 0;
}

/* ---- the TCP service ---- */

#define SERVE_BUF 65536

struct sconn {
    struct sconn *next;
    struct tt_tcp *t;
    uint64_t in, out; /* bytes received, bytes sent */
    size_t off, len;  /* bytes of buf waiting to be sent */
    int eof, shut;    /* the peer's FIN read; our FIN queued */
    uint8_t buf[SERVE_BUF];
};

struct server {
    const struct serve_opts *o;
    struct tt_tcp *l;
    struct sconn *conns;
    uint64_t accepted, finished, failed;
    struct tt_cli_http *http; /* --http */
};

/* --source: 16-byte lines "%015llu\n", each holding its own stream offset, so
 * a shell can rebuild it (seq -f %015.0f 0 16 N) and a misplaced byte shows. */
static void source_fill(uint8_t *p, uint64_t off, size_t n)
{
    while (n > 0) {
        char line[24];
        uint64_t start = off & ~(uint64_t)15;
        snprintf(line, sizeof line, "%015llu\n", (unsigned long long)start);
        size_t from = (size_t)(off - start), k = 16 - from < n ? 16 - from : n;
        memcpy(p, line + from, k);
        p += k;
        off += k;
        n -= k;
    }
}

static int conn_wants_fin(const struct serve_opts *o, const struct sconn *c)
{
    if (c->eof)
        return 1; /* the peer closed and everything is echoed: close our side */
    if (o->svc == SVC_SOURCE)
        return c->out >= o->source;
    if (o->svc == SVC_ECHO && o->close_first >= 0)
        return o->close_first == 0 ? c->in > 0 : c->in >= (uint64_t)o->close_first;
    return 0;
}

static int conn_end(struct server *sv, struct sconn *c, int err, tt_time now)
{
    if (sv->o->h.verbose)
        fprintf(stderr, "tether serve: conn %u %s: %llu bytes in, %llu out\n",
                (unsigned)tt_tcp_id(c->t), err ? tt_strerror(err) : "done",
                (unsigned long long)c->in, (unsigned long long)c->out);
    if (err)
        sv->failed++;
    else
        sv->finished++;
    tt_tcp_close(c->t, now);
    return 1;
}

/* One step of a connection: send what is pending, queue our FIN when due,
 * read when the buffer is free (so that a slow reader closes our window).
 * Returns 1 when the connection is done and closed. */
static int conn_step(struct server *sv, struct sconn *c, int *progress, tt_time now)
{
    const struct serve_opts *o = sv->o;
    if (o->svc == SVC_SOURCE && c->len == 0 && c->out < o->source) {
        uint64_t left = o->source - c->out;
        c->off = 0;
        c->len = left < SERVE_BUF ? (size_t)left : SERVE_BUF;
        source_fill(c->buf, c->out, c->len);
    }
    if (c->len) {
        long n = tt_tcp_send(c->t, c->buf + c->off, c->len, now);
        if (n < 0 && n != TT_EAGAIN)
            return conn_end(sv, c, (int)n, now);
        if (n > 0) {
            c->off += (size_t)n;
            c->len -= (size_t)n;
            c->out += (uint64_t)n;
            *progress = 1;
        }
    }
    if (!c->shut && c->len == 0 && conn_wants_fin(o, c)) {
        tt_tcp_shutdown(c->t, TT_SHUT_WR, now);
        c->shut = 1;
        *progress = 1;
    }
    if (!c->eof && c->len == 0) {
        size_t cap = SERVE_BUF;
        if (o->svc == SVC_ECHO && !c->shut && o->close_first > 0 &&
            (uint64_t)o->close_first - c->in < cap)
            cap = (size_t)((uint64_t)o->close_first - c->in);
        long n = tt_tcp_recv(c->t, c->buf, cap, now);
        if (n < 0 && n != TT_EAGAIN)
            return conn_end(sv, c, (int)n, now);
        if (n >= 0)
            *progress = 1;
        if (n == 0)
            c->eof = 1;
        if (n > 0) {
            c->in += (uint64_t)n;
            if (o->svc == SVC_ECHO && !c->shut) {
                c->off = 0;
                c->len = (size_t)n;
            }
        }
    }
    if (c->eof && c->shut && c->len == 0)
        return conn_end(sv, c, 0, now);
    return 0;
}

static void serve_accept(struct server *sv, tt_time now)
{
    struct tt_tcp *t;
    while (tt_tcp_accept(sv->l, &t, now) == 0) {
        struct sconn *c = calloc(1, sizeof *c);
        if (!c) {
            tt_tcp_abort(t, now);
            continue;
        }
        c->t = t;
        c->next = sv->conns;
        sv->conns = c;
        sv->accepted++;
        if (sv->o->h.verbose) {
            uint32_t a;
            uint16_t p;
            char ipbuf[16];
            tt_tcp_remote(t, &a, &p);
            fprintf(stderr, "tether serve: conn %u accepted from %s:%u\n", (unsigned)tt_tcp_id(t),
                    tt_cli_fmt_ipv4(a, ipbuf), (unsigned)p);
        }
    }
}

static tt_time serve_tick(void *ctx, tt_time now)
{
    struct server *sv = ctx;
    if (sv->http)
        return sv->l ? tt_cli_http_tick(sv->http, sv->l, now) : TT_TIME_NEVER;
    serve_accept(sv, now);
    for (struct sconn **pp = &sv->conns; *pp;) {
        struct sconn *c = *pp;
        int done = 0, progress = 1;
        for (int round = 0; round < 64 && progress && !done; round++) {
            progress = 0;
            done = conn_step(sv, c, &progress, now);
        }
        if (done) {
            *pp = c->next;
            free(c);
        } else {
            pp = &c->next;
        }
    }
    return TT_TIME_NEVER;
}

static int serve_listen(struct server *sv, struct tt_stack *s)
{
    int rc = tt_tcp_open(s, &sv->l);
    if (rc == 0)
        rc = tt_tcp_bind(sv->l, 0, (uint16_t)sv->o->port);
    if (rc == 0)
        rc = tt_tcp_listen(sv->l, 128, tt_port_now());
    if (rc != 0)
        fprintf(stderr, "tether serve: cannot listen on port %lu: %s\n", sv->o->port,
                tt_strerror(rc));
    return rc;
}

static void serve_report(const struct server *sv, struct tt_stack *s, int sig)
{
    static const char *const names[] = {"", "echo", "discard", "source", "http"};
    printf("tether: stopped (signal %d); counters:\n", sig);
    tt_cli_print_counters(stdout, tt_stack_counters(s));
    if (sv->o->svc != SVC_NONE && sv->o->svc != SVC_HTTP) {
        struct tt_tcp_stats st;
        tt_tcp_stats(s, &st);
        printf("tether: %s on port %lu: %llu accepted, %llu finished, %llu failed, %llu open;"
               " %u in TIME-WAIT\n",
               names[sv->o->svc], sv->o->port, (unsigned long long)sv->accepted,
               (unsigned long long)sv->finished, (unsigned long long)sv->failed,
               (unsigned long long)(sv->accepted - sv->finished - sv->failed),
               (unsigned)st.time_wait);
    }
    if (sv->http)
        tt_cli_http_report(sv->http, stdout);
    if (sv->o->h.verbose)
        tt_cli_host_print_rexmits(stdout, &sv->o->h);
}

/* SIGINT/SIGTERM: stop listening and close every connection (FINs queued;
 * the host waits for them to be acknowledged). */
static void serve_stop(void *ctx, tt_time now)
{
    struct server *sv = ctx;
    if (sv->l)
        tt_tcp_close(sv->l, now);
    sv->l = NULL;
    if (sv->http)
        tt_cli_http_stop(sv->http, now);
    while (sv->conns) {
        struct sconn *c = sv->conns;
        sv->conns = c->next;
        tt_tcp_close(c->t, now);
        free(c);
    }
}

int tt_cmd_serve(int argc, char **argv)
{
    struct serve_opts o;
    int help = 0;
    int rc = serve_parse(argc, argv, &o, &help);
    if (rc != 0)
        return rc;
    if (help) {
        fputs(serve_help, stdout);
        return TT_CLI_EXIT_OK;
    }
    struct server sv = {.o = &o};
    rc = TT_CLI_EXIT_FAIL;
    if (o.svc == SVC_HTTP && tt_cli_http_open(&sv.http, o.http_root, o.h.verbose) != 0)
        goto out;
    if (tt_cli_host_open(&o.h) != 0)
        goto out;
    if (o.svc != SVC_NONE && serve_listen(&sv, o.h.s) != 0)
        goto out;
    char ipbuf[16];
    printf("tether: serving %s/%u on %s %s\n", tt_cli_fmt_ipv4(o.h.addr, ipbuf),
           (unsigned)o.h.prefix_len,
           o.h.udp   ? "udp link"
           : o.h.tun ? "tun"
                     : "tap",
           tt_port_dev_name(o.h.devp));
    if (o.svc != SVC_NONE)
        printf("tether: TCP %s on port %lu\n",
               o.svc == SVC_ECHO      ? "echo"
               : o.svc == SVC_DISCARD ? "discard"
               : o.svc == SVC_HTTP    ? "http"
                                      : "source",
               o.port);
    fflush(stdout);
    struct tt_port_hooks hooks = {.on_tick = serve_tick, .ctx = &sv};
    o.h.on_stop = serve_stop;
    o.h.stop_ctx = &sv;
    int sig = tt_cli_host_run(&o.h, o.svc != SVC_NONE ? &hooks : NULL);
    if (sig >= 0) {
        serve_report(&sv, o.h.s, sig);
        rc = TT_CLI_EXIT_OK;
    }
    fflush(stdout);
out:
    tt_cli_http_close(sv.http, tt_port_now());
    while (sv.conns) {
        struct sconn *c = sv.conns;
        sv.conns = c->next;
        free(c);
    }
    tt_cli_host_close(&o.h);
    return rc;
}

/* ---- tether sim-ping (hidden): a capture of a simulated ping exchange ---- */

/*
 * `tether sim-ping --pcap FILE [--count N] [--size BYTES] [--raw]`: two stacks
 * on a 1 ms memlink, N pings from 192.0.2.1 to 192.0.2.2 of BYTES each (large
 * sizes fragment), captured at 192.0.2.1. Exists so that tests can check a
 * capture with external tools (tshark); prints the replies received.
 */
int tt_cmd_simping(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long count = 3, size = 56;
    int raw = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--raw")) {
            raw = 1;
            continue;
        }
        if (!v)
            return tt_cli_usage_error("sim-ping", "bad or incomplete option '%s'", a);
        i++;
        if (!strcmp(a, "--pcap"))
            path = v;
        else if (!strcmp(a, "--count") && tt_cli_parse_uint(v, 1, 1000, &count) == 0)
            continue;
        else if (!strcmp(a, "--size") && tt_cli_parse_uint(v, 0, 65507 - 8, &size) == 0)
            continue;
        else
            return tt_cli_usage_error("sim-ping", "bad option '%s %s'", a, v);
    }
    if (!path)
        return tt_cli_usage_error("sim-ping", "--pcap FILE is required");
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.framing = raw ? TT_FRAMING_RAW_IP : TT_FRAMING_ETHERNET;
    lc.faults[0].delay = lc.faults[1].delay = TT_MSEC(1);
    struct tt_sim_pair_opts o = {.link = &lc, .seed = 1};
    struct tt_sim_pair p;
    if (tt_sim_pair_create(&p, &o) != 0 || tt_sim_capture(p.sim, p.link, TT_MEMLINK_A, path) != 0) {
        fprintf(stderr, "tether sim-ping: cannot set up the simulation or create %s\n", path);
        tt_sim_pair_destroy(&p);
        return TT_CLI_EXIT_FAIL;
    }
    static uint8_t data[65507];
    for (size_t i = 0; i < size; i++)
        data[i] = (uint8_t)i;
    for (unsigned long k = 0; k < count; k++) {
        tt_stack_ping(p.a, TT_SIM_ADDR_B, 0x7474, (uint16_t)(k + 1), data, size, tt_sim_now(p.sim));
        tt_sim_run_for(p.sim, TT_MSEC(100));
    }
    uint64_t replies = tt_stack_counters(p.a)->icmp_in_msgs;
    printf("tether sim-ping: %lu sent, %llu replies\n", count, (unsigned long long)replies);
    tt_sim_pair_destroy(&p);
    return replies == count ? TT_CLI_EXIT_OK : TT_CLI_EXIT_FAIL;
}
