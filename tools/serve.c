/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tether serve: attach a stack to a TAP (Ethernet) or TUN (raw IP) device and
 * run until interrupted, answering ARP and ping; print the counters at exit.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <tether/tether.h>

#include "cli.h"
#include "pcap.h"
#include "port.h"
#include "sim.h"

static const char serve_help[] =
    "usage: tether serve (--tap NAME | --tun NAME) --addr A.B.C.D/N [options]\n"
    "\n"
    "  --tap NAME        attach to TAP device NAME (Ethernet frames; created if missing)\n"
    "  --tun NAME        attach to TUN device NAME (raw IPv4)\n"
    "  --addr A.B.C.D/N  the stack's address and prefix length (required)\n"
    "  --gw A.B.C.D      default gateway\n"
    "  --mac XX:..:XX    the stack's MAC on a TAP (default: random, locally administered)\n"
    "  --mtu N           interface MTU, 68..9000 (default 1500)\n"
    "  --pcap FILE       capture every frame sent and received to FILE (classic pcap)\n"
    "  --help            this text\n"
    "\n"
    "Runs until SIGINT or SIGTERM, then prints the non-zero counters.\n";

struct serve_opts {
    const char *dev;
    enum tt_port_dev_kind kind;
    int have_addr, have_mac;
    uint32_t addr, gw;
    uint8_t prefix_len;
    uint8_t mac[6];
    unsigned long mtu;
    const char *pcap;
    /* TCP services (--echo, --port N, ...) are added here, in `known` in
     * serve_parse() and in serve_option(). */
};

/* Handle one option with its value; returns 0 or a usage error status. */
static int serve_option(struct serve_opts *o, const char *opt, const char *val)
{
    char ipbuf[16];
    if (!strcmp(opt, "--tap") || !strcmp(opt, "--tun")) {
        if (o->dev)
            return tt_cli_usage_error("serve", "give only one of --tap and --tun");
        if (!*val || strlen(val) > 15 || strchr(val, '/'))
            return tt_cli_usage_error("serve", "bad device name '%s' (1 to 15 characters)", val);
        o->dev = val;
        o->kind = !strcmp(opt, "--tap") ? TT_PORT_TAP : TT_PORT_TUN;
    } else if (!strcmp(opt, "--addr")) {
        int rc = tt_cli_parse_cidr(val, &o->addr, &o->prefix_len);
        if (rc == -1)
            return tt_cli_usage_error("serve", "bad address in --addr '%s'", val);
        if (rc == -2)
            return tt_cli_usage_error(
                "serve", "bad or missing prefix length in --addr '%s' (want /0 to /32)", val);
        if (o->addr == 0 || o->addr >> 28 >= 14) /* 0.0.0.0, multicast, class E */
            return tt_cli_usage_error("serve", "--addr %s is not a unicast address",
                                      tt_cli_fmt_ipv4(o->addr, ipbuf));
        o->have_addr = 1;
    } else if (!strcmp(opt, "--gw")) {
        if (tt_cli_parse_ipv4(val, &o->gw) != 0 || o->gw == 0)
            return tt_cli_usage_error("serve", "bad gateway address '%s'", val);
    } else if (!strcmp(opt, "--mac")) {
        if (tt_cli_parse_mac(val, o->mac) != 0)
            return tt_cli_usage_error("serve", "bad MAC '%s' (want xx:xx:xx:xx:xx:xx)", val);
        if (o->mac[0] & 1)
            return tt_cli_usage_error("serve", "MAC '%s' is multicast", val);
        o->have_mac = 1;
    } else if (!strcmp(opt, "--mtu")) {
        if (tt_cli_parse_uint(val, 68, 9000, &o->mtu) != 0)
            return tt_cli_usage_error("serve", "MTU '%s' out of range (68..9000)", val);
    } else if (!strcmp(opt, "--pcap")) {
        if (!*val)
            return tt_cli_usage_error("serve", "empty --pcap file name");
        o->pcap = val;
    } else {
        return tt_cli_usage_error("serve", "unknown option '%s'", opt);
    }
    return 0;
}

static int serve_parse(int argc, char **argv, struct serve_opts *o, int *help)
{
    memset(o, 0, sizeof *o);
    o->mtu = 1500;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
            *help = 1;
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0)
            return tt_cli_usage_error("serve", "unexpected argument '%s'", arg);
        static const char *const known[] = {"--tap", "--tun", "--addr", "--gw",
                                            "--mac", "--mtu", "--pcap"};
        size_t namelen = strcspn(arg, "=");
        int is_known = 0;
        for (size_t k = 0; k < sizeof known / sizeof known[0]; k++)
            if (strlen(known[k]) == namelen && !strncmp(arg, known[k], namelen))
                is_known = 1;
        if (!is_known)
            return tt_cli_usage_error("serve", "unknown option '%.*s'", (int)namelen, arg);
        char opt[32];
        const char *val;
        const char *eq = strchr(arg, '=');
        if (eq) { /* --opt=value */
            size_t n = (size_t)(eq - arg);
            if (n >= sizeof opt)
                return tt_cli_usage_error("serve", "unknown option '%s'", arg);
            memcpy(opt, arg, n);
            opt[n] = 0;
            val = eq + 1;
        } else {
            if (strlen(arg) >= sizeof opt)
                return tt_cli_usage_error("serve", "unknown option '%s'", arg);
            strcpy(opt, arg);
            if (i + 1 >= argc)
                return tt_cli_usage_error("serve", "option '%s' needs a value", arg);
            val = argv[++i];
        }
        int rc = serve_option(o, opt, val);
        if (rc != 0)
            return rc;
    }
    if (!o->dev)
        return tt_cli_usage_error("serve", "one of --tap NAME or --tun NAME is required");
    if (!o->have_addr)
        return tt_cli_usage_error("serve", "--addr A.B.C.D/N is required");
    if (o->have_mac && o->kind == TT_PORT_TUN)
        return tt_cli_usage_error("serve", "--mac applies to --tap only");
    return 0;
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
    COUNTER(link_in_frames),   COUNTER(link_out_frames),    COUNTER(arp_in),
    COUNTER(arp_requests_out), COUNTER(arp_replies_out),    COUNTER(arp_resolved),
    COUNTER(ip_in_receives),   COUNTER(ip_in_delivers),     COUNTER(ip_out_requests),
    COUNTER(ip_reasm_reqds),   COUNTER(ip_reasm_oks),       COUNTER(ip_reasm_fails),
    COUNTER(icmp_in_msgs),     COUNTER(icmp_in_echos),      COUNTER(icmp_in_errors_delivered),
    COUNTER(icmp_out_msgs),    COUNTER(icmp_out_echo_reps), COUNTER(icmp_out_dest_unreachs),
    COUNTER(tcp_active_opens), COUNTER(tcp_passive_opens),  COUNTER(tcp_attempt_fails),
    COUNTER(tcp_estab_resets), COUNTER(tcp_in_segs),        COUNTER(tcp_out_segs),
    COUNTER(tcp_retrans_segs), COUNTER(tcp_out_rsts),       COUNTER(tcp_challenge_acks),
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

/* ---- running ---- */

static void serve_on_rx(void *ctx, size_t i, const uint8_t *frame, size_t len, tt_time now)
{
    (void)i;
    tt_pcap_write_rx(ctx, frame, len, now);
}

static int serve_run(const struct serve_opts *o, struct tt_stack *s, struct tt_port_dev *dev,
                     struct tt_pcap_writer *pw)
{
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link = tt_port_dev_link(dev, (uint32_t)o->mtu);
    if (pw)
        ic.link = tt_pcap_wrap(pw, &ic.link);
    if (o->have_mac)
        memcpy(ic.mac, o->mac, 6);
    else
        tt_port_random_mac(ic.mac);
    ic.addr = o->addr;
    ic.prefix_len = o->prefix_len;
    ic.gateway = o->gw;
    int iface = tt_stack_add_iface(s, &ic);
    if (iface < 0) {
        fprintf(stderr, "tether serve: cannot add the interface: %s\n", tt_strerror(iface));
        return TT_CLI_EXIT_FAIL;
    }
    char ipbuf[16], err[256] = "";
    printf("tether: serving %s/%u on %s %s\n", tt_cli_fmt_ipv4(o->addr, ipbuf),
           (unsigned)o->prefix_len, o->kind == TT_PORT_TAP ? "tap" : "tun", tt_port_dev_name(dev));
    fflush(stdout);
    struct tt_port_hooks hooks = {.on_rx = pw ? serve_on_rx : NULL, .ctx = pw};
    int rc = tt_port_run(s, &dev, &iface, 1, &hooks, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "tether serve: %s\n", err);
        return TT_CLI_EXIT_FAIL;
    }
    printf("tether: stopped (signal %d); counters:\n", rc);
    tt_cli_print_counters(stdout, tt_stack_counters(s));
    fflush(stdout);
    return TT_CLI_EXIT_OK;
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
    char err[256] = "";
    struct tt_port_dev *dev = NULL;
    struct tt_pcap_writer *pw = NULL;
    struct tt_stack *s = NULL;
    struct tt_config cfg;
    if (tt_port_config_default(&cfg) != 0)
        fprintf(stderr, "tether serve: warning: no random source; the secret is zero\n");
    if (tt_port_dev_open(o.kind, o.dev, &dev, err, sizeof err) != 0) {
        fprintf(stderr, "tether serve: cannot open %s %s: %s\n",
                o.kind == TT_PORT_TAP ? "tap" : "tun", o.dev, err);
        return TT_CLI_EXIT_FAIL;
    }
    rc = TT_CLI_EXIT_FAIL;
    if (o.pcap) {
        if (tt_pcap_writer_open(
                o.pcap, o.kind == TT_PORT_TAP ? TT_PCAP_LINKTYPE_ETHERNET : TT_PCAP_LINKTYPE_RAW,
                &pw) != 0) {
            perror(o.pcap);
            fprintf(stderr, "tether serve: cannot create the capture file %s\n", o.pcap);
            goto out;
        }
        tt_pcap_writer_set_time_offset(pw, tt_port_wall_offset());
    }
    int e = tt_stack_create(&cfg, &s);
    if (e != 0) {
        fprintf(stderr, "tether serve: cannot create the stack: %s\n", tt_strerror(e));
        goto out;
    }
    rc = serve_run(&o, s, dev, pw);
out:
    tt_stack_destroy(s);
    tt_pcap_writer_close(pw);
    tt_port_dev_close(dev);
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
