/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `tether demo`: two stacks in one process, client 192.0.2.1 and server
 * 192.0.2.2, joined by an in-memory link on a virtual clock. The client
 * connects, sends a request, the server answers, and the connection closes in
 * the order asked; the ladder diagram and a summary follow. Deterministic: the
 * same options give the same output, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tether/tcp.h>
#include <tether/tether.h>

#include "cli.h"
#include "ladder/ladder.h"
#include "sim.h"

#define SERVER_PORT 80
#define CLIENT_PORT 40112 /* used by --simultaneous-open only */
#define T_LIMIT TT_SEC(600)

enum close_order { CLIENT_FIRST, SERVER_FIRST, SIMULTANEOUS, HALF_CLOSE, RESET };

struct demo_opts {
    unsigned long bytes, rtt_ms, seed;
    double loss;
    enum close_order order;
    int sim_open;
    const char *svg, *pcap;
    struct tt_ladder_opts lo;
};

struct demo {
    struct demo_opts o;
    struct tt_sim *sim; /* owns the stacks and the link */
    struct tt_stack *st[2];
    struct tt_memlink *ml;
    struct tt_ladder lad;
    struct tt_tcp *listener, *c, *s; /* s: the server's connection */
    size_t req_len, reply_len, c_sent, s_got, s_sent, c_got;
    int c_closed, s_closed, s_eof, c_eof;
    tt_time rtt;
};

static int make_stack(struct demo *d, int side)
{
    struct tt_config cfg;
    tt_sim_config_default(d->sim, side, &cfg);
    /* A fixed secret (from the seed) makes ISNs and ports replay. */
    cfg.secret[0] = 0x7465746865720000ull ^ d->o.seed ^ (uint64_t)side;
    cfg.secret[1] = 0x64656d6f00000000ull + d->o.seed * 7919u + (uint64_t)side;
    int rc = tt_sim_add_stack(d->sim, &cfg, &d->st[side]);
    if (rc < 0)
        return rc;
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof(ic));
    uint8_t mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)(side + 1)};
    memcpy(ic.mac, mac, 6);
    ic.addr = TT_IPV4(192, 0, 2, side + 1);
    ic.prefix_len = 24;
    enum tt_memlink_end end = side == TT_LADDER_CLIENT ? TT_MEMLINK_A : TT_MEMLINK_B;
    rc = tt_sim_attach(d->sim, d->ml, end, d->st[side], &ic);
    if (rc < 0)
        return rc;
    tt_stack_set_trace(d->st[side], side ? tt_ladder_trace_server : tt_ladder_trace_client,
                       &d->lad);
    return 0;
}

static int setup(struct demo *d)
{
    int rc = tt_sim_create(d->o.seed, &d->sim);
    if (rc != 0)
        return rc;
    struct tt_memlink_config mc;
    tt_memlink_config_default(&mc);
    mc.seed = d->o.seed;
    for (int dir = 0; dir < 2; dir++) {
        mc.faults[dir].delay = TT_USEC(d->o.rtt_ms * 1000 / 2);
        mc.faults[dir].loss = d->o.loss;
    }
    rc = tt_sim_add_link(d->sim, &mc, &d->ml);
    if (rc < 0)
        return rc;
    tt_memlink_set_fate_hook(d->ml, tt_ladder_fate_hook, &d->lad);
    if ((rc = make_stack(d, 0)) != 0 || (rc = make_stack(d, 1)) != 0)
        return rc;
    /* The client's end, as the client sees it. */
    return d->o.pcap ? tt_sim_capture(d->sim, d->ml, TT_MEMLINK_A, d->o.pcap) : 0;
}

static void fill(char *buf, size_t n, size_t off, const char *text)
{
    size_t tl = strlen(text);
    for (size_t i = 0; i < n; i++)
        buf[i] = off + i < tl ? text[off + i] : (char)('a' + (off + i) % 26);
}

static const char REQUEST[] =
    "GET /hello HTTP/1.1\r\nHost: 192.0.2.2\r\nUser-Agent: tether-demo\r\n"
    "Connection: close\r\n\r\n";
static const char REPLY[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
                            "Connection: close\r\n\r\nhello from tether!\r\n";

/* The applications: what each side does whenever the clock moves. */
static void apps(struct demo *d)
{
    char buf[16384];
    tt_time now = tt_sim_now(d->sim);
    if (!d->s && d->listener && tt_tcp_accept(d->listener, &d->s, now) != 0)
        d->s = NULL;
    /* Client: send the request, read the reply. */
    if (d->c && !d->c_closed && d->c_sent < d->req_len) {
        size_t n = d->req_len - d->c_sent > sizeof(buf) ? sizeof(buf) : d->req_len - d->c_sent;
        fill(buf, n, d->c_sent, REQUEST);
        long k = tt_tcp_send(d->c, buf, n, now);
        if (k > 0)
            d->c_sent += (size_t)k;
        if (d->c_sent == d->req_len && d->o.order == HALF_CLOSE)
            tt_tcp_shutdown(d->c, TT_SHUT_WR, now);
    }
    long k;
    while (d->c && !d->c_closed && (k = tt_tcp_recv(d->c, buf, sizeof(buf), now)) > 0)
        d->c_got += (size_t)k;
    if (d->c && !d->c_closed && k == 0)
        d->c_eof = 1;
    /* Server: read the request, answer it. */
    while (d->s && !d->s_closed && (k = tt_tcp_recv(d->s, buf, sizeof(buf), now)) > 0)
        d->s_got += (size_t)k;
    if (d->s && !d->s_closed && k == 0)
        d->s_eof = 1;
    int req_done = d->s_got >= d->req_len && (d->o.order != HALF_CLOSE || d->s_eof);
    if (d->s && !d->s_closed && req_done && d->s_sent < d->reply_len) {
        k = tt_tcp_send(d->s, REPLY + d->s_sent, d->reply_len - d->s_sent, now);
        if (k > 0)
            d->s_sent += (size_t)k;
        if (d->s_sent == d->reply_len && d->o.order == SERVER_FIRST) {
            tt_tcp_close(d->s, now);
            d->s_closed = 1;
        }
    }
    int reply_done = d->c_got >= d->reply_len;
    if (d->c && !d->c_closed && reply_done) {
        struct tt_tcp_info ti;
        tt_tcp_info(d->c, &ti);
        d->rtt = ti.rtt;
        int go = d->o.order == CLIENT_FIRST || d->o.order == SIMULTANEOUS || d->o.order == RESET ||
                 d->c_eof;
        if (go) {
            if (d->o.order == RESET)
                tt_tcp_abort(d->c, now);
            else
                tt_tcp_close(d->c, now);
            d->c_closed = 1;
            if (d->o.order == SIMULTANEOUS && d->s && !d->s_closed) {
                tt_tcp_close(d->s, now);
                d->s_closed = 1;
            }
        }
    }
    if (d->s && !d->s_closed && d->s_sent == d->reply_len && (d->s_eof || tt_tcp_error(d->s))) {
        tt_tcp_close(d->s, now);
        d->s_closed = 1;
    }
}

static int open_conns(struct demo *d)
{
    tt_time now = tt_sim_now(d->sim);
    int rc;
    if (d->o.sim_open) {
        /* RFC 9293 §3.5 figure 7: both ends connect to each other at once. */
        if ((rc = tt_tcp_open(d->st[0], &d->c)) || (rc = tt_tcp_open(d->st[1], &d->s)))
            return rc;
        if ((rc = tt_tcp_bind(d->c, 0, CLIENT_PORT)) || (rc = tt_tcp_bind(d->s, 0, SERVER_PORT)))
            return rc;
        rc = tt_tcp_connect(d->c, TT_IPV4(192, 0, 2, 2), SERVER_PORT, now);
        if (rc != TT_EINPROGRESS && rc != 0)
            return rc;
        rc = tt_tcp_connect(d->s, TT_IPV4(192, 0, 2, 1), CLIENT_PORT, now);
        return rc == TT_EINPROGRESS ? 0 : rc;
    }
    if ((rc = tt_tcp_open(d->st[1], &d->listener)) || (rc = tt_tcp_bind(d->listener, 0, 80)) ||
        (rc = tt_tcp_listen(d->listener, 8, now)))
        return rc;
    if ((rc = tt_tcp_open(d->st[0], &d->c)))
        return rc;
    rc = tt_tcp_connect(d->c, TT_IPV4(192, 0, 2, 2), SERVER_PORT, now);
    return rc == TT_EINPROGRESS ? 0 : rc;
}

static const char *order_words(enum close_order o)
{
    switch (o) {
    case SERVER_FIRST:
        return "the server closed first, so the server waited in TIME-WAIT";
    case SIMULTANEOUS:
        return "both closed at once (simultaneous close): both waited in TIME-WAIT";
    case HALF_CLOSE:
        return "the client half-closed after its request and still read the reply";
    case RESET:
        return "the client aborted with an RST: no TIME-WAIT";
    default:
        return "the client closed first, so the client waited in TIME-WAIT";
    }
}

/* Did `side` ever reach ESTABLISHED? */
static int established(const struct tt_ladder *l, int side)
{
    for (size_t i = 0; i < l->nev; i++)
        if (l->ev[i].kind == TT_LEV_STATE && l->ev[i].side == side &&
            l->ev[i].new_state == TT_LS_ESTABLISHED)
            return 1;
    return 0;
}

/* SYNs `side` sent, and how many of them reached the other side. */
static size_t syns(const struct tt_ladder *l, int side, size_t *arrived)
{
    size_t n = 0;
    *arrived = 0;
    for (size_t i = 0; i < l->nseg; i++)
        if (l->seg[i].from == side && (l->seg[i].h.flags & TT_TCP_SYN)) {
            n++;
            *arrived += l->seg[i].t_recv != TT_TIME_NEVER;
        }
    return n;
}

static const char *times(size_t n)
{
    return n == 1 ? "once" : n == 2 ? "twice" : NULL;
}

/* The handshake never completed: who tried what, and who gave up why. */
static void no_connection(const struct demo *d, const char *total, FILE *out)
{
    size_t c_arr, s_arr, c_syn = syns(&d->lad, TT_LADDER_CLIENT, &c_arr),
                         s_syn = syns(&d->lad, TT_LADDER_SERVER, &s_arr);
    char cn[24], sn[24];
    snprintf(cn, sizeof cn, "%zu times", c_syn);
    snprintf(sn, sizeof sn, "%zu times", s_syn);
    fprintf(out, "\n  no connection: the client sent its SYN %s", times(c_syn) ? times(c_syn) : cn);
    if (s_syn)
        fprintf(out, ", the server answered %s\n  and %s of its SYN,ACKs reached the client",
                times(s_syn) ? times(s_syn) : sn, s_arr ? "some" : "none");
    else
        fprintf(out, " and no SYN,ACK came back");
    int err = d->c ? tt_tcp_error(d->c) : 0;
    if (err)
        fprintf(out, ";\n  the client gave up after %s: %s\n", total, tt_strerror(err));
    else
        fprintf(out, ";\n  the demo stopped after %s with the client still trying\n", total);
}

/* Segments that waited for ARP before they left: how long, and why. */
static void arp_words(const struct demo *d, FILE *out)
{
    for (int side = 0; side < 2; side++) {
        const struct tt_ladder_arp *a = &d->lad.arp[side];
        if (a->held_seg < 0)
            continue;
        const struct tt_ladder_seg *s = &d->lad.seg[a->held_seg];
        char held[32], who[24];
        tt__ladder_fmt_dur(a->held_max, held, sizeof held);
        uint32_t ip = d->lad.addr[!side];
        snprintf(who, sizeof who, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                 ip & 255);
        const char *name = (s->h.flags & TT_TCP_SYN) ? (s->h.flags & TT_TCP_ACK ? "SYN,ACK" : "SYN")
                           : (s->h.flags & TT_TCP_FIN) ? "FIN"
                           : (s->h.flags & TT_TCP_RST) ? "RST"
                                                       : "segment";
        fprintf(out,
                "  the %s's %s waited %s for ARP (RFC 826), until the %s\n"
                "  answered who-has %s; the ladder draws it when it left\n",
                tt__ladder_side_name(side), name, held, tt__ladder_side_name(!side), who);
    }
}

static void summary(const struct demo *d, FILE *out)
{
    struct tt_ladder_stats st;
    tt_ladder_stats(&d->lad, &st);
    char hs[32], rtt[32], total[32];
    tt__ladder_fmt_dur(st.handshake, hs, sizeof(hs));
    tt__ladder_fmt_dur(d->rtt, rtt, sizeof(rtt));
    tt__ladder_fmt_dur(st.t_last - st.t_first, total, sizeof(total));
    int connected = established(&d->lad, TT_LADDER_CLIENT);
    if (connected && d->rtt)
        fprintf(out, "\n  handshake %s \u00b7 request %zu B, reply %zu B \u00b7 RTT %s\n", hs,
                d->s_got, d->c_got, rtt);
    else if (connected)
        /* The stack took no sample: every ACK answered a retransmitted
         * segment (or echoed a timestamp from before a probe), whose timing
         * is ambiguous. */
        fprintf(out,
                "\n  handshake %s \u00b7 request %zu B, reply %zu B \u00b7 no RTT measured\n"
                "  (each ACK the client got answered a retransmission: Karn's rule,\n"
                "  RFC 6298 \u00a73, leaves such timings out)\n",
                hs, d->s_got, d->c_got);
    else
        no_connection(d, total, out);
    arp_words(d, out);
    fprintf(out, "  %zu segments, %zu retransmitted, %zu lost \u00b7 %s on the virtual clock\n",
            st.segs[0] + st.segs[1], st.rexmits[0] + st.rexmits[1], st.lost[0] + st.lost[1], total);
    if (connected)
        fprintf(out, "  %s\n", order_words(d->o.order));
}

static const char DEMO_HELP[] =
    "usage: tether demo [--bytes N] [--server-closes-first | --simultaneous-close |\n"
    "                   --half-close | --reset] [--simultaneous-open] [--loss P]\n"
    "                   [--seed S] [--rtt MS] [--svg FILE] [--pcap FILE] [--explain]\n"
    "                   [--absolute] [--color | --no-color]\n"
    "\n"
    "Two tether stacks in one process, client 192.0.2.1 and server 192.0.2.2 on an\n"
    "in-memory link with a virtual clock: the client connects to port 80, sends a\n"
    "request, the server answers, the connection closes; then the ladder diagram and a\n"
    "summary. The same options give the same output, byte for byte.\n"
    "\n"
    "What happens:\n"
    "  --bytes N              the client sends N bytes (1..100000000) instead of its\n"
    "                         small HTTP request\n"
    "  --server-closes-first  the server closes after its reply (it waits in TIME-WAIT)\n"
    "  --simultaneous-close   both close at the same instant\n"
    "  --half-close           the client shuts down its sending side after the request\n"
    "                         and still reads the reply\n"
    "  --reset                the client aborts with an RST instead of closing\n"
    "  (default: the client closes first once it has the reply)\n"
    "  --simultaneous-open    both ends connect to each other at once (no listener;\n"
    "                         client port 40112, RFC 9293 section 3.5 figure 7)\n"
    "\n"
    "The link:\n"
    "  --loss P               each frame is lost with probability P, 0 <= P < 1, in each\n"
    "                         direction (default 0)\n"
    "  --seed S               seeds the losses and the stacks' secrets (ISNs, ports);\n"
    "                         default 1\n"
    "  --rtt MS               round-trip time in ms, 0..10000 (default 10)\n"
    "\n"
    "Output:\n"
    "  --svg FILE             also write the ladder as a self-contained SVG\n"
    "  --pcap FILE            capture the client's end of the link (classic pcap)\n"
    "  --explain              a plain-language sentence under each row\n"
    "  --absolute             raw sequence numbers instead of relative ones\n"
    "  --color, --no-color    ANSI colours on or off (default: on when stdout is a\n"
    "                         terminal)\n"
    "  --help, -h             this text\n";

static int parse_args(int argc, char **argv, struct demo_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->rtt_ms = 10;
    o->seed = 1;
    tt_ladder_opts_default(&o->lo);
    o->lo.color = isatty(STDOUT_FILENO);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = !strcmp(a, "--bytes") || !strcmp(a, "--loss") || !strcmp(a, "--seed") ||
                    !strcmp(a, "--rtt") || !strcmp(a, "--svg") || !strcmp(a, "--pcap");
        if (takes && !v)
            return tt_cli_usage_error("demo", "%s needs a value", a);
        if (!strcmp(a, "--bytes")) {
            if (tt_cli_parse_uint(v, 1, 100000000, &o->bytes))
                return tt_cli_usage_error("demo", "--bytes wants 1..100000000, not '%s'", v);
        } else if (!strcmp(a, "--seed")) {
            if (tt_cli_parse_uint(v, 0, 0xffffffffu, &o->seed))
                return tt_cli_usage_error("demo", "--seed wants a number, not '%s'", v);
        } else if (!strcmp(a, "--rtt")) {
            if (tt_cli_parse_uint(v, 0, 10000, &o->rtt_ms))
                return tt_cli_usage_error("demo", "--rtt wants 0..10000 ms, not '%s'", v);
        } else if (!strcmp(a, "--loss")) {
            char *end;
            o->loss = strtod(v, &end);
            if (*end || end == v || !(o->loss >= 0.0 && o->loss < 1.0))
                return tt_cli_usage_error("demo", "--loss wants a probability in [0, 1), not '%s'",
                                          v);
        } else if (!strcmp(a, "--svg")) {
            o->svg = v;
        } else if (!strcmp(a, "--pcap")) {
            o->pcap = v;
        } else if (!strcmp(a, "--server-closes-first")) {
            o->order = SERVER_FIRST;
        } else if (!strcmp(a, "--simultaneous-close")) {
            o->order = SIMULTANEOUS;
        } else if (!strcmp(a, "--half-close")) {
            o->order = HALF_CLOSE;
        } else if (!strcmp(a, "--reset")) {
            o->order = RESET;
        } else if (!strcmp(a, "--simultaneous-open")) {
            o->sim_open = 1;
        } else if (!strcmp(a, "--explain")) {
            o->lo.explain = 1;
        } else if (!strcmp(a, "--absolute")) {
            o->lo.absolute = 1;
        } else if (!strcmp(a, "--color")) {
            o->lo.color = 1;
        } else if (!strcmp(a, "--no-color")) {
            o->lo.color = 0;
        } else {
            return tt_cli_usage_error("demo", "unknown option '%s'", a);
        }
        i += takes;
    }
    return 0;
}

static int finish(struct demo *d)
{
    int rc = tt_ladder_render_text(&d->lad, &d->o.lo, stdout);
    summary(d, stdout);
    if (rc == 0 && d->o.svg) {
        FILE *f = fopen(d->o.svg, "w");
        rc = f ? tt_ladder_render_svg(&d->lad, &d->o.lo, f) : TT_ENOENT;
        if (f && fclose(f) != 0 && rc == 0)
            rc = TT_ENOSPC;
        if (rc != 0)
            fprintf(stderr, "tether demo: cannot write %s\n", d->o.svg);
    }
    return rc;
}

int tt_cmd_demo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(DEMO_HELP, stdout);
            return TT_CLI_EXIT_OK;
        }
    struct demo *d = calloc(1, sizeof(*d));
    if (!d)
        return TT_CLI_EXIT_FAIL;
    int rc = parse_args(argc, argv, &d->o);
    if (rc != 0) {
        free(d);
        return rc;
    }
    tt_ladder_init(&d->lad);
    d->req_len = d->o.bytes ? d->o.bytes : strlen(REQUEST);
    d->reply_len = strlen(REPLY);
    rc = setup(d);
    if (rc == 0)
        rc = open_conns(d);
    if (rc != 0) {
        fprintf(stderr, "tether demo: setting up failed: %s\n", tt_strerror(rc));
    } else {
        /* The applications act at every instant the clock stops at, never
         * past T_LIMIT. The sim polls the stacks before it reads the link's
         * deadline, so a frame that a timer sends in the poll (a retransmitted
         * SYN) is delivered before the apps are run again. */
        do
            apps(d);
        while (tt_sim_next_event(d->sim) <= T_LIMIT && tt_sim_step(d->sim) != TT_TIME_NEVER);
        rc = finish(d);
    }
    tt_sim_destroy(d->sim);
    tt_ladder_free(&d->lad);
    free(d);
    return rc == 0 ? TT_CLI_EXIT_OK : TT_CLI_EXIT_FAIL;
}
