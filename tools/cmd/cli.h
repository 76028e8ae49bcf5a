/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared pieces of the `tether` command: the subcommand entry points and small
 * argument parsers.
 *
 * Adding a subcommand: write tools/cmd/<name>.c with
 *     int tt_cmd_<name>(int argc, char **argv);
 * (argv[0] is the subcommand name; return the exit status), declare it below,
 * and add one line to the table in tools/cmd/main.c. Usage errors print one line
 * through tt_cli_usage_error() and return TT_CLI_EXIT_USAGE.
 */
#ifndef TETHER_TOOLS_CLI_H
#define TETHER_TOOLS_CLI_H

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <tether/time.h>

#define TT_CLI_EXIT_OK 0
#define TT_CLI_EXIT_FAIL 1  /* a runtime failure (device, file, ...) */
#define TT_CLI_EXIT_USAGE 2 /* bad arguments */

/* The --help lines of the options that attach a stack to a TAP/TUN device
 * (serve and connect take the same ones). */
#define TT_CLI_IFACE_HELP                                                                          \
    "  --tap NAME        attach to the existing TAP device NAME (Ethernet frames)\n"               \
    "  --tun NAME        attach to the existing TUN device NAME (raw IPv4)\n"                      \
    "  --udp L:A.B.C.D:P a link over UDP instead of a device: Ethernet frames in datagrams\n"      \
    "                    from local port L to A.B.C.D:P (another tether's --udp); no root\n"       \
    "  --create          create the device when it does not exist (it then needs its\n"            \
    "                    address and `ip link set NAME up` on the kernel side)\n"                  \
    "  --addr A.B.C.D/N  the stack's address and prefix length (required)\n"                       \
    "  --gw A.B.C.D      default gateway\n"                                                        \
    "  --mac XX:..:XX    the stack's MAC on a TAP (default: random, locally administered)\n"       \
    "  --mtu N           interface MTU, 68..9000 (default 1500)\n"                                 \
    "  --pcap FILE       capture every frame sent and received to FILE (classic pcap,\n"           \
    "                    flushed every second and at exit)\n"                                      \
    "  --stats           connections (like ss -ti) and counters on SIGUSR1 and at exit\n"

/* Subcommands. Each returns the process exit status. */
int tt_cmd_serve(int argc, char **argv);   /* tools/cmd/serve.c */
int tt_cmd_demo(int argc, char **argv);    /* tools/cmd/demo.c */
int tt_cmd_ladder(int argc, char **argv);  /* tools/cmd/ladder.c */
int tt_cmd_drill(int argc, char **argv);   /* tools/cmd/drill.c */
int tt_cmd_simping(int argc, char **argv); /* tools/cmd/serve.c (hidden, for tests) */
int tt_cmd_connect(int argc, char **argv); /* tools/cmd/connect.c */
int tt_cmd_get(int argc, char **argv);     /* tools/cmd/get.c */

/*
 * Option parsing shared by serve and connect (tools/cmd/serve.c). Each option
 * is "--name value", "--name=value", or a flag; unknown options are refused
 * before any value is looked at. fn gets each option in order (val NULL for a
 * flag given without "=value"; opt NULL for a positional argument) and returns
 * 0 or a usage status. Returns 0 (with *help set for --help/-h) or a usage
 * status.
 */
#define TT_CLI_FLAG 0     /* no value */
#define TT_CLI_VALUE 1    /* a value, next argument or after '=' */
#define TT_CLI_OPTVALUE 2 /* a flag that may take "=value" */
struct tt_cli_optspec {
    const char *name;
    int kind; /* TT_CLI_FLAG, TT_CLI_VALUE, TT_CLI_OPTVALUE */
};
typedef int (*tt_cli_opt_fn)(void *ctx, const char *opt, const char *val);
int tt_cli_parse(const char *cmd, int argc, char **argv, const struct tt_cli_optspec *specs,
                 size_t nspecs, tt_cli_opt_fn fn, void *ctx, int *help);

/*
 * A stack on one TAP or TUN device, as serve and connect set it up
 * (tools/cmd/serve.c): the options first, then the running parts.
 */
struct tt_port_dev;
struct tt_pcap_writer;
struct tt_stack;
struct tt_cli_host {
    const char *dev; /* --tap / --tun NAME */
    int tun;         /* 1 for --tun */
    int have_addr, have_mac, verbose;
    int create;      /* --create: make the device when missing */
    int stats;       /* --stats: connections and counters on SIGUSR1 and at exit */
    const char *udp; /* --udp L:H:P, parsed below */
    unsigned long udp_local, udp_port;
    uint32_t udp_addr;
    uint32_t addr, gw;
    uint8_t prefix_len;
    uint8_t mac[6];
    unsigned long mtu;
    const char *pcap;
    /* Filled by tt_cli_host_open(). */
    struct tt_port_dev *devp;
    struct tt_pcap_writer *pw;
    struct tt_stack *s;
    int iface;
    const char *cmd;
    unsigned long rexmits[8]; /* --verbose: retransmissions by enum tt_rexmit_cause */
    /* Set by the command before tt_cli_host_run: after SIGINT/SIGTERM, close
     * every connection it holds (the host then waits for their FINs). */
    void (*on_stop)(void *ctx, tt_time now);
    void *stop_ctx;
    /* --stats: the live connections (struct tt_tcp *), from the trace. */
    const void **conns;
    size_t nconns, conns_cap;
};
/* The host options (--tap --tun --addr --gw --mac --mtu --pcap) and flags
 * (--verbose) as specs, for a command's own table. */
#define TT_CLI_HOST_NSPECS 11
extern const struct tt_cli_optspec tt_cli_host_specs[TT_CLI_HOST_NSPECS];
/* Handle one host option: 0, a usage status, or -1 when opt is not one. */
int tt_cli_host_option(struct tt_cli_host *h, const char *opt, const char *val);
/* After parsing: the required options are there. 0 or a usage status. */
int tt_cli_host_check(struct tt_cli_host *h);
/* Open the device, the capture, the stack and the interface; with --verbose,
 * print connection state changes on stderr. 0 or TT_CLI_EXIT_FAIL (message
 * printed). tt_cli_host_close() undoes it (also after a partial open). */
int tt_cli_host_open(struct tt_cli_host *h);
void tt_cli_host_close(struct tt_cli_host *h);
/* Run the stack until a signal or until app->on_tick returns 0 (tt_port_run;
 * app may be NULL; its on_rx is not used: the capture takes that hook), then
 * (after h->on_stop on a signal) until the connections let go of have their
 * FINs acknowledged, 2 s at most. The capture is flushed every second;
 * --stats prints on SIGUSR1 and at the end (tools/cmd/host_run.c). Returns
 * tt_port_run's value, its error message printed. */
struct tt_port_hooks;
int tt_cli_host_run(struct tt_cli_host *h, const struct tt_port_hooks *app);
/* The trace hook of the host (--verbose lines, --stats' connection list). */
struct tt_trace_event;
void tt_cli_host_trace(void *ctx, const struct tt_trace_event *ev);
/* --stats: one line per connection (like ss -ti), then the counters. */
void tt_cli_host_print_stats(FILE *f, struct tt_cli_host *h, tt_time now);
/* --verbose: print "retransmissions: rto N, fast N, ..." (tools/cmd/serve.c). */
void tt_cli_host_print_rexmits(FILE *f, const struct tt_cli_host *h);

struct tt_counters;
/* Print the non-zero counters of a stack, one per line, drops with their
 * reason name and description (tools/cmd/serve.c). */
void tt_cli_print_counters(FILE *f, const struct tt_counters *c);

/* serve --http DIR (tools/cmd/serve_http.c): the server, its tick on the
 * listening handle (accept, step every connection; returns the next
 * deadline), the exit report, and the close of every connection. */
struct tt_cli_http;
struct tt_tcp;
int tt_cli_http_open(struct tt_cli_http **out, const char *root, int verbose);
tt_time tt_cli_http_tick(struct tt_cli_http *h, struct tt_tcp *l, tt_time now);
void tt_cli_http_report(const struct tt_cli_http *h, FILE *f);
void tt_cli_http_stop(struct tt_cli_http *h, tt_time now); /* close the connections */
void tt_cli_http_close(struct tt_cli_http *h, tt_time now);

/* The helpers below are static inline so that every subcommand file can use
 * them without a shared .c file. */

/*
 * Print "tether <cmd>: <message>" and a hint to run `tether <cmd> --help` on
 * stderr; returns TT_CLI_EXIT_USAGE so callers can `return tt_cli_usage_error(...)`.
 */
static inline int tt_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int tt_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "tether %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (see tether %s --help)\n", cmd);
    return TT_CLI_EXIT_USAGE;
}

/* Parse a decimal unsigned integer in [lo, hi], nothing trailing. 0 or -1. */
static inline int tt_cli_parse_uint(const char *s, unsigned long lo, unsigned long hi,
                                    unsigned long *out)
{
    unsigned long v = 0;
    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        if (v > (ULONG_MAX - 9) / 10)
            return -1;
        v = v * 10 + (unsigned long)(*s - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* Parse a dotted-quad IPv4 address ("192.0.2.1", exactly four decimal parts
 * of 0..255, no leading zeros) into host order. 0 or -1. */
static inline int tt_cli_parse_ipv4(const char *s, uint32_t *addr)
{
    uint32_t a = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255 || (digits > 1 && s[-(int)digits] == '0'))
            return -1;
        a = a << 8 | v;
        if (part < 3 && *s++ != '.')
            return -1;
    }
    if (*s)
        return -1;
    *addr = a;
    return 0;
}

/* Parse "A.B.C.D/N" (N 0..32). 0, or -1 for a bad address, -2 for a bad or
 * missing prefix. */
static inline int tt_cli_parse_cidr(const char *s, uint32_t *addr, uint8_t *prefix_len)
{
    const char *slash = strchr(s, '/');
    char ip[16];
    unsigned long n;
    if (!slash)
        return -2;
    if ((size_t)(slash - s) >= sizeof ip)
        return -1;
    memcpy(ip, s, (size_t)(slash - s));
    ip[slash - s] = 0;
    if (tt_cli_parse_ipv4(ip, addr) != 0)
        return -1;
    if (tt_cli_parse_uint(slash + 1, 0, 32, &n) != 0)
        return -2;
    *prefix_len = (uint8_t)n;
    return 0;
}

static inline int tt_cli_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse "xx:xx:xx:xx:xx:xx" (hex, either case, '-' also accepted). 0 or -1. */
static inline int tt_cli_parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        int hi = tt_cli_hexval(s[0]), lo = hi < 0 ? -1 : tt_cli_hexval(s[1]);
        if (hi < 0 || lo < 0)
            return -1;
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
        if (i < 5 && *s != ':' && *s != '-')
            return -1;
        if (i < 5)
            s++;
    }
    return *s ? -1 : 0;
}

/* Parse "LOCAL_PORT:A.B.C.D:REMOTE_PORT" (--udp). 0 or -1. */
static inline int tt_cli_parse_udp(const char *s, unsigned long *lport, uint32_t *addr,
                                   unsigned long *rport)
{
    char buf[64], *a, *b;
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    a = strchr(buf, ':');
    b = a ? strrchr(buf, ':') : NULL;
    if (!a || b == a)
        return -1;
    *a++ = 0;
    *b++ = 0;
    if (tt_cli_parse_uint(buf, 1, 65535, lport) != 0 || tt_cli_parse_ipv4(a, addr) != 0 ||
        tt_cli_parse_uint(b, 1, 65535, rport) != 0)
        return -1;
    return 0;
}

/* Format a host-order IPv4 address into buf (16 bytes). Returns buf. */
static inline char *tt_cli_fmt_ipv4(uint32_t addr, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(addr >> 24), (unsigned)(addr >> 16 & 255),
             (unsigned)(addr >> 8 & 255), (unsigned)(addr & 255));
    return buf;
}

#endif
