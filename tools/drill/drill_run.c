/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The drill runner: one fresh stack per script on a raw-IP interface whose
 * transmit captures every datagram; the script's events run in order on the
 * virtual clock. Inbound lines are encoded and injected at their time;
 * outbound lines take the next captured datagram (several, merged, when the
 * stack cut smaller segments than a TSO burst), map it to script numbers and
 * compare; syscalls go to drill_sys.c; %{ }% to drill_expr.c.
 *
 * Timing follows packetdrill: "+t" counts from the actual time of the
 * previous event (from its script time when both are inbound packets), and
 * outbound times must fall within max(tolerance_usecs, 12.5 % of the gap).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "pcap.h"
#include "tether/tcp.h"
#include "tether/tether.h"

#define BASE tt__drill_clock(0)
#define ANY_WAIT ((int64_t)TT_SEC(600))

void tt_drill_cfg_default(struct tt_drill_cfg *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->tolerance_usecs = 4000;
    cfg->tolerance_permille = 125;
    cfg->local_ip = TT_IPV4(192, 0, 2, 2);
    cfg->remote_ip = TT_IPV4(192, 0, 2, 1);
    cfg->bind_port = 8080;
    cfg->connect_port = 8080;
    cfg->remote_port = 40000;
    cfg->seed = 1;
}

static bool parse_ip(const char *s, uint32_t *out)
{
    unsigned a, b, c, d;
    char extra;
    if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a > 255 || b > 255 || c > 255 ||
        d > 255)
        return false;
    *out = TT_IPV4(a, b, c, d);
    return true;
}

int tt_drill_apply_options(struct tt_drill_cfg *cfg, const struct tt_drill_script *s, char *msg,
                           size_t msglen)
{
    for (size_t i = 0; i < s->nopts; i++) {
        const struct tt_drill_option *o = &s->opts[i];
        const char *v = o->value ? o->value : "";
        char *end = NULL;
        long long n = strtoll(v, &end, 10);
        bool num = o->value != NULL && *v && *end == '\0' && n >= 0;
        if (strcmp(o->name, "tolerance_usecs") == 0 && num) {
            cfg->tolerance_usecs = n;
        } else if (strcmp(o->name, "tolerance_percent") == 0 && num) {
            cfg->tolerance_permille = (int)(n * 10);
        } else if (strcmp(o->name, "tcp_ts_tick_usecs") == 0 && num) {
            cfg->ts_tick_usecs = n;
        } else if (strcmp(o->name, "tcp_ts_ecr_scaled") == 0) {
            cfg->ts_ecr_scaled = true;
        } else if (strcmp(o->name, "strict_segments") == 0) {
            cfg->strict_segments = true;
        } else if (strcmp(o->name, "mss") == 0 && num) {
            cfg->gso_mss = (uint32_t)n;
        } else if (strcmp(o->name, "local_ip") == 0 && parse_ip(v, &cfg->local_ip)) {
        } else if (strcmp(o->name, "remote_ip") == 0 && parse_ip(v, &cfg->remote_ip)) {
        } else if (strcmp(o->name, "ip_version") == 0 && strcmp(v, "ipv4") == 0) {
        } else if (strcmp(o->name, "bind_port") == 0 && num && n < 65536) {
            cfg->bind_port = (uint16_t)n;
        } else if (strcmp(o->name, "connect_port") == 0 && num && n < 65536) {
            cfg->connect_port = (uint16_t)n;
        } else {
            snprintf(msg, msglen, "%s:%d: unsupported option --%s%s%s", s->name, o->line, o->name,
                     o->value ? "=" : "", v);
            return -1;
        }
    }
    return 0;
}

static void print_history(struct tt_drill_runner *r)
{
    if (r->report == NULL || r->nhistory == 0)
        return;
    fprintf(r->report, "  events leading up to it:\n");
    size_t first = r->nhistory > TT_DRILL_HISTORY ? r->nhistory - TT_DRILL_HISTORY : 0;
    for (size_t i = first; i < r->nhistory; i++)
        fprintf(r->report, "    %s\n", r->history[i % TT_DRILL_HISTORY]);
}

/* ---- the stack and its clock ---- */

static void *drill_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void drill_free(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)size;
    free(p);
}

static int transmit(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct tt_drill_runner *r = ctx;
    if (r->pcap)
        tt_pcap_write(r->pcap, now, frame, len);
    if (r->cap_count == TT_DRILL_MAX_CAPTURE)
        return 0; /* the script stopped reading: later datagrams are dropped */
    if (r->drop_egress)
        return 0; /* `tc qdisc ... pfifo limit 0`: the link drops what the stack sends */
    struct tt_drill_capture *c = &r->cap[(r->cap_head + r->cap_count) % TT_DRILL_MAX_CAPTURE];
    c->frame = malloc(len);
    if (c->frame == NULL)
        return TT_ENOMEM;
    memcpy(c->frame, frame, len);
    c->len = len;
    c->at = (int64_t)(now - BASE);
    r->cap_count++;
    return 0;
}

static void drop_capture(struct tt_drill_runner *r)
{
    free(r->cap[r->cap_head].frame);
    r->cap_head = (r->cap_head + 1) % TT_DRILL_MAX_CAPTURE;
    r->cap_count--;
}

/* The Linux profile of ../common/defaults.sh (README item 20), as tether config. */
static void profile_defaults(struct tt_config *c)
{
    c->tcp.rmem_default = 540000;
    c->tcp.rmem_max = 15u << 20; /* window scale 8 */
    c->tcp.wmem_default = 262144;
    c->tcp.wmem_max = 4u << 20;
    c->tcp.sack = 1;
    c->tcp.timestamps = 1;
    c->tcp.window_scaling = 1;
    c->tcp.slow_start_after_idle = 0;
    c->tcp.syn_retries = 6;
    c->tcp.synack_retries = 5;
}

static bool start_stack(struct tt_drill_runner *r, const struct tt_config *cfg, int line)
{
    int err = tt_stack_create(cfg, &r->stack);
    if (err < 0)
        return tt__drill_fail(r, line, TT_DRILL_FAIL, "stack creation failed: %s",
                              tt_strerror(err));
    struct tt_iface_config ic = {0};
    ic.link.framing = TT_FRAMING_RAW_IP;
    ic.link.mtu = r->link_mtu ? r->link_mtu : 1500;
    ic.link.transmit = transmit;
    ic.link.ctx = r;
    ic.addr = r->cfg.local_ip;
    ic.prefix_len = 24;
    /* packetdrill puts both ends on its tun device whatever the addresses
     * (--local_ip 192.168.0.1, --remote_ip 192.0.2.1): a remote off the /24
     * is reached through the link itself (raw IP: no next-hop to resolve). */
    if ((r->cfg.local_ip ^ r->cfg.remote_ip) >> 8 != 0)
        ic.gateway = r->cfg.remote_ip;
    r->iface = tt_stack_add_iface(r->stack, &ic);
    if (r->iface < 0)
        return tt__drill_fail(r, line, TT_DRILL_FAIL, "interface: %s", tt_strerror(r->iface));
    return true;
}

/* Run the stack and the blocked calls from one deadline to the next until
 * time t; with stop_on_capture, stop as soon as a datagram is captured. */
static void run_to(struct tt_drill_runner *r, int64_t t, bool stop_on_capture)
{
    for (long guard = 0; guard < 10000000; guard++) {
        if (stop_on_capture && r->cap_count > 0)
            break;
        tt_time d = tt_stack_poll(r->stack, tt__drill_clock(r->now));
        tt__drill_retry_pending(r);
        if (r->now >= t || (stop_on_capture && r->cap_count > 0))
            break;
        int64_t next = d == TT_TIME_NEVER ? t : (int64_t)(d - BASE);
        int64_t wake = tt__drill_next_wake(r);
        if (wake < next)
            next = wake;
        if (next <= r->now)
            next = r->now + 1;
        r->now = next > t ? t : next;
    }
}

void tt__drill_advance(struct tt_drill_runner *r, int64_t t)
{
    run_to(r, t, false);
}

/* Run time forward until a datagram is captured or `deadline` passes. */
static bool wait_capture(struct tt_drill_runner *r, int64_t deadline)
{
    run_to(r, deadline, true);
    return r->cap_count > 0;
}

/* ---- backtick commands: sysctls onto the config ---- */

/* One "net.ipv4.NAME=VALUE" (or /proc/sys/net/ipv4/NAME=VALUE) setting. */
static void apply_sysctl(struct tt_drill_runner *r, struct tt_config *c, const char *name,
                         const char *value)
{
    unsigned long a = 0, b = 0, d = 0;
    int n = sscanf(value, "%lu %lu %lu", &a, &b, &d);
    const char *state = "ignored (no tether equivalent)";
    if (r->stack != NULL) {
        state = "ignored (the stack is already running)";
    } else if (n >= 1 && strcmp(name, "tcp_timestamps") == 0) {
        c->tcp.timestamps = a != 0, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_sack") == 0) {
        c->tcp.sack = a != 0, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_window_scaling") == 0) {
        c->tcp.window_scaling = a != 0, state = "applied";
    } else if (n == 3 && strcmp(name, "tcp_rmem") == 0) {
        c->tcp.rmem_default = (uint32_t)b, c->tcp.rmem_max = (uint32_t)d, state = "applied";
    } else if (n == 3 && strcmp(name, "tcp_wmem") == 0) {
        c->tcp.wmem_default = (uint32_t)b, c->tcp.wmem_max = (uint32_t)d, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_syn_retries") == 0) {
        c->tcp.syn_retries = (uint32_t)a, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_synack_retries") == 0) {
        c->tcp.synack_retries = (uint32_t)a, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_fin_timeout") == 0) {
        c->tcp.fin_timeout = TT_SEC(a), state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_keepalive_time") == 0) {
        c->tcp.keepalive_time = TT_SEC(a), state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_keepalive_intvl") == 0) {
        c->tcp.keepalive_intvl = TT_SEC(a), state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_keepalive_probes") == 0) {
        c->tcp.keepalive_probes = (uint32_t)a, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_slow_start_after_idle") == 0) {
        c->tcp.slow_start_after_idle = a != 0, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_early_retrans") == 0) {
        c->tcp.tlp_off = a != 3 && a != 4, state = "applied"; /* 3, 4: TLP on */
    } else if (n >= 1 && strcmp(name, "tcp_recovery") == 0) {
        c->tcp.rack_off = (a & 1) == 0, state = "applied"; /* bit 0: RACK */
    } else if (n >= 1 && strcmp(name, "tcp_min_tso_segs") == 0) {
        c->tcp.min_tso_segs = (uint32_t)(a ? a : 1), state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_ecn") == 0) {
        c->tcp.ecn = (uint8_t)(a > 2 ? 2 : a), state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_rfc1337") == 0) {
        c->tcp.rfc1337 = a != 0, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_max_syn_backlog") == 0) {
        c->tcp.max_syn_backlog = (uint32_t)a, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_syncookies") == 0) {
        c->tcp.syncookies = (uint8_t)a, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_challenge_ack_limit") == 0) {
        /* Linux 6.x's default INT_MAX means no stack-wide limit: tether's 0. */
        c->tcp.challenge_ack_limit = a >= 2147483647 ? 0 : (uint32_t)a, state = "applied";
    } else if (strcmp(name, "tcp_congestion_control") == 0) {
        char cc[32] = "";
        int id = sscanf(value, "%31s", cc) == 1 ? tt_tcp_cc_by_name(cc) : TT_EINVAL;
        if (id > 0)
            c->tcp.congestion_control = (uint8_t)id, state = "applied";
        else
            state = "ignored (no such module in tether)";
    } else if (n >= 1 && strcmp(name, "tcp_min_snd_mss") == 0) {
        c->tcp.min_snd_mss = (uint16_t)a, state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_notsent_lowat") == 0) {
        c->tcp.notsent_lowat = a > UINT32_MAX ? UINT32_MAX : (uint32_t)a, state = "applied";
    } else if (strcmp(name, "tcp_fastopen") == 0) {
        /* Linux tcp_fastopen bits (0x1, 0x2, 0x4, 0x200, 0x400: tcp_config.h), hex or decimal. */
        c->tcp.fastopen = (uint32_t)strtoul(value, NULL, 0), state = "applied";
    } else if (n >= 1 && strcmp(name, "tcp_fastopen_blackhole_timeout_sec") == 0) {
        c->tcp.fastopen_blackhole = (uint32_t)a, state = "applied";
    } else if (strcmp(name, "tcp_fastopen_key") == 0) {
        /* "xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx[,backup]", as Linux writes it: our
         * cookie is no AES, so only the keys' identity carries over. */
        unsigned w[8];
        int k = sscanf(value, "%x-%x-%x-%x,%x-%x-%x-%x", &w[0], &w[1], &w[2], &w[3], &w[4], &w[5],
                       &w[6], &w[7]);
        if (k == 4 || k == 8) {
            for (int i = 0; i < 4; i++)
                c->tcp.fastopen_key[i] = 0;
            for (int i = 0; i < k; i++)
                c->tcp.fastopen_key[i / 2] |= (uint64_t)w[i] << (i % 2 ? 0 : 32);
            if (!(c->tcp.fastopen_key[0] | c->tcp.fastopen_key[1]))
                c->tcp.fastopen_key[1] = 1;
            state = "applied";
        }
    } else if (n >= 1 && strcmp(name, "tcp_invalid_ratelimit") == 0) {
        c->tcp.invalid_ratelimit = TT_MSEC(a), state = "applied";
    }
    tt__drill_note(r, "sysctl %s=%s: %s", name, value, state);
}

/* Settings in "a=b c=d" after a command word, each as net.ipv4.X or /proc/sys/net/ipv4/X. */
static void apply_settings(struct tt_drill_runner *r, struct tt_config *c, char *args)
{
    for (char *tok = strtok(args, " \t"); tok != NULL; tok = strtok(NULL, " \t")) {
        char *eq = strchr(tok, '=');
        if (eq == NULL || *tok == '-')
            continue;
        *eq = '\0';
        char *name = strrchr(tok, '/');
        name = name ? name + 1 : tok;
        if (strncmp(name, "net.ipv4.", 9) == 0)
            name += 9;
        char value[64];
        snprintf(value, sizeof value, "%s", eq + 1);
        for (char *q = value; *q; q++)
            if (*q == '"' || *q == '\'')
                *q = ' ';
        apply_sysctl(r, c, name, value);
    }
}

/* The number after `word` in a command line ("mtu lock 1200" skips "lock"). */
static bool word_value(const char *line, const char *word, unsigned long *v)
{
    size_t wl = strlen(word);
    for (const char *p = strstr(line, word); p; p = strstr(p + 1, word)) {
        if ((p != line && p[-1] != ' ') || (p[wl] != ' ' && p[wl] != '\t'))
            continue;
        const char *q = p + wl;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncmp(q, "lock ", 5) == 0)
            q += 5;
        char *end;
        *v = strtoul(q, &end, 10);
        return end != q;
    }
    return false;
}

/*
 * `ip route ...`, `tc qdisc ...`, `ethtool ...`: the shapes that change what
 * TCP does are modelled (a route's mtu is the link's MTU and initcwnd the
 * initial window, both before the stack starts; a pfifo of limit 0 drops every
 * datagram the stack sends, at any time, until the qdisc is replaced or
 * deleted); the rest is reported as ignored with the reason.
 */
static bool run_net_command(struct tt_drill_runner *r, struct tt_config *c, const char *line)
{
    unsigned long v;
    if (strncmp(line, "ip route", 8) == 0 || strncmp(line, "ip -4 route", 11) == 0) {
        bool any = false;
        if (word_value(line, "mtu", &v) && v >= 68 && v <= 65535) {
            if (r->stack == NULL)
                r->link_mtu = (uint32_t)v;
            tt__drill_note(r, "`%s`: mtu %lu %s", line, v,
                           r->stack ? "ignored (the stack is already running)"
                                    : "applied as the link's MTU");
            any = true;
        }
        if (word_value(line, "initcwnd", &v) && v > 0) {
            if (r->stack == NULL)
                c->tcp.init_cwnd = (uint32_t)v;
            tt__drill_note(r, "`%s`: initcwnd %lu %s", line, v,
                           r->stack ? "ignored (the stack is already running)"
                                    : "applied (cfg.tcp.init_cwnd)");
            any = true;
        }
        if (word_value(line, "advmss", &v) || word_value(line, "initrwnd", &v) || !any)
            tt__drill_note(r,
                           "`%s`: advmss, initrwnd and other route attributes ignored "
                           "(no per-route setting in tether)",
                           line);
        return true;
    }
    if (strncmp(line, "tc qdisc", 8) == 0) {
        bool del = strstr(line, " del") != NULL;
        bool drop = !del && strstr(line, "pfifo") && word_value(line, "limit", &v) && v == 0;
        r->drop_egress = drop;
        tt__drill_note(r, "`%s`: %s", line,
                       drop  ? "the link now drops every datagram the stack sends"
                       : del ? "qdisc removed: the link passes everything"
                             : "the link passes everything (pacing and shaping not modelled)");
        return true;
    }
    if (strncmp(line, "ethtool", 7) == 0) {
        tt__drill_note(r,
                       "`%s`: no-op (tether has no offloads; segments are merged to match "
                       "TSO lines)",
                       line);
        return true;
    }
    return false;
}

static void run_command(struct tt_drill_runner *r, struct tt_config *c, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return;
    /* Join backslash-continued lines, then take one line at a time. */
    for (char *q = copy; *q; q++)
        if (q[0] == '\\' && q[1] == '\n')
            q[0] = q[1] = ' ';
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n;", &save); line; line = strtok_r(NULL, "\n;", &save)) {
        while (*line == ' ' || *line == '\t')
            line++;
        if (*line == '\0')
            continue;
        if (strstr(line, "defaults.sh") || strstr(line, "packetdrill_setup.sh"))
            tt__drill_note(r, "`%s`: the Linux test profile (defaults.sh) is tether's base", line);
        else if (strstr(line, "sysctl_restore"))
            tt__drill_note(r, "`%s`: no-op (each script runs on a fresh stack)", line);
        else if (strstr(line, "set_sysctls.py"))
            apply_settings(r, c, strstr(line, "set_sysctls.py") + 14);
        else if (strncmp(line, "sysctl", 6) == 0)
            apply_settings(r, c, line + 6);
        else if (run_net_command(r, c, line))
            ;
        else
            tt__drill_note(r, "`%s`: ignored", line);
    }
    free(copy);
}

/* ---- packets ---- */

static bool ts_lookup(const struct tt_drill_runner *r, uint32_t script, uint32_t *live)
{
    for (size_t i = r->nts; i-- > 0;) {
        if (r->ts_script[i] == script) {
            *live = r->ts_live[i];
            return true;
        }
    }
    return false;
}

static void ts_record(struct tt_drill_runner *r, uint32_t script, uint32_t live)
{
    if (r->nts == 64) {
        memmove(r->ts_script, r->ts_script + 1, 63 * sizeof(uint32_t));
        memmove(r->ts_live, r->ts_live + 1, 63 * sizeof(uint32_t));
        r->nts--;
    }
    r->ts_script[r->nts] = script;
    r->ts_live[r->nts++] = live;
}

static void deliver(struct tt_drill_runner *r, const struct tt_drill_event *ev, const uint8_t *buf,
                    size_t len)
{
    char text[256];
    tt_drill_format_packet(&ev->pkt, text, sizeof text);
    tt__drill_note(r, "%s", text);
    if (r->pcap)
        tt_pcap_write(r->pcap, tt__drill_clock(r->now), buf, len);
    tt_stack_input(r->stack, r->iface, buf, len, tt__drill_clock(r->now));
    tt__drill_retry_pending(r);
}

/* An inbound ICMP error quoting a segment of ours: the one named by
 * [start:end(len)], else the last one sent (packetdrill's default echo). */
static bool inject_icmp(struct tt_drill_runner *r, const struct tt_drill_event *ev)
{
    const struct tt_drill_packet *p = &ev->pkt;
    uint32_t qseq = p->has_echo    ? p->echo_seq + (r->have_off ? r->local_off : 0)
                    : r->have_sent ? r->last_sent_seq
                                   : 0;
    uint8_t buf[128];
    char why[96];
    int len = tt_drill_encode_icmp(p, r->cfg.remote_ip, r->cfg.local_ip, r->live_local_port,
                                   r->live_remote_port, qseq, buf, sizeof buf, why, sizeof why);
    if (len < 0)
        return tt__drill_fail(r, ev->line, TT_DRILL_SKIP, "ICMP line: %s", why);
    deliver(r, ev, buf, (size_t)len);
    return true;
}

static bool inject(struct tt_drill_runner *r, const struct tt_drill_event *ev)
{
    struct tt_drill_packet p = ev->pkt;
    if (p.proto == TT_DRILL_PROTO_ICMP)
        return inject_icmp(r, ev);
    if (p.proto != TT_DRILL_PROTO_TCP)
        return tt__drill_fail(r, ev->line, TT_DRILL_SKIP, "inbound udp lines are not supported");
    if (p.has_ack && r->have_off)
        p.ack += r->local_off;
    for (size_t i = 0; i < p.nopts; i++) {
        struct tt_drill_opt *o = &p.opts[i];
        if (o->kind == TT_DRILL_OPT_SACK && r->have_off)
            for (size_t b = 0; b < o->nsack; b++)
                o->sack[b][0] += r->local_off, o->sack[b][1] += r->local_off;
        if (o->kind == TT_DRILL_OPT_TS && o->v2 != 0 && !r->cfg.ts_ecr_scaled) {
            uint32_t live;
            if (ts_lookup(r, o->v2, &live)) {
                o->v2 = live;
            } else if (r->nts > 0) {
                /* A val the stack never sent (a script guessing a later
                 * tick): packetdrill accepts it; script and live vals move
                 * together, so it maps by the offset of the last pair. */
                o->v2 += r->ts_live[r->nts - 1] - r->ts_script[r->nts - 1];
                tt__drill_note(r, "TS ecr %" PRIu32 " never sent: mapped by offset to %" PRIu32,
                               ev->pkt.opts[i].v2, o->v2);
            }
        }
    }
    uint16_t sport = p.has_ports ? p.sport : r->live_remote_port;
    uint16_t dport = p.has_ports ? p.dport : r->live_local_port;
    uint8_t buf[65536 + 64];
    int len = tt_drill_encode(&p, r->cfg.remote_ip, r->cfg.local_ip, sport, dport, buf, sizeof buf);
    if (len < 0)
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "cannot encode this packet");
    deliver(r, ev, buf, (size_t)len);
    return true;
}

/* Merge the captures that continue `g` (same instant, contiguous) until it
 * reaches the expected length: the header of the last, seq of the first. */
static void aggregate(struct tt_drill_runner *r, struct tt_drill_live *g, int64_t at,
                      uint32_t want_len)
{
    while (g->pkt.len < want_len && r->cap_count > 0) {
        const struct tt_drill_capture *c = &r->cap[r->cap_head];
        struct tt_drill_live n;
        if (c->at != at || tt_drill_decode(c->frame, c->len, &n) != 0 ||
            n.pkt.seq != g->pkt.seq + g->pkt.len || (n.pkt.flags & TT_TCP_SYN) ||
            g->pkt.len + n.pkt.len > 65535)
            break;
        uint32_t seq = g->pkt.seq, len = g->pkt.len + n.pkt.len;
        uint16_t cwr = g->pkt.flags & TT_TCP_CWR;
        bool zero = g->payload_zero && n.payload_zero;
        *g = n;
        g->pkt.seq = seq;
        g->pkt.len = len;
        g->pkt.flags = (uint16_t)((g->pkt.flags & ~TT_TCP_CWR) | cwr);
        g->payload_zero = zero;
        drop_capture(r);
    }
}

/* The sent packet in script numbers; records the ISN mapping on a SYN. */
static void to_script(struct tt_drill_runner *r, const struct tt_drill_packet *want,
                      struct tt_drill_live *g)
{
    if (g->pkt.flags & TT_TCP_SYN) {
        r->local_off = g->pkt.seq - want->seq;
        r->have_off = true;
        r->live_local_port = g->pkt.sport;
        r->live_remote_port = g->pkt.dport;
    }
    if (r->have_off)
        g->pkt.seq -= r->local_off;
    g->pkt.has_tos = g->pkt.has_ttl = false;
    g->pkt.has_ports = want->has_ports;
    g->pkt.has_win = want->has_win;
    g->pkt.has_urg = want->has_urg;
    g->pkt.opts_any = false;
}

static bool check_ts(struct tt_drill_runner *r, const struct tt_drill_event *ev,
                     const struct tt_drill_packet *w, const struct tt_drill_packet *g)
{
    for (size_t i = 0; i < w->nopts && i < g->nopts; i++) {
        if (w->opts[i].kind != TT_DRILL_OPT_TS || g->opts[i].kind != TT_DRILL_OPT_TS)
            continue;
        uint32_t sv = w->opts[i].v1, lv = g->opts[i].v1;
        /* The echo is the remote's TS val, which the script injects as
         * written: it must come back as written (packetdrill's "bad outbound
         * TCP timestamp ecr"). */
        if (!r->cfg.ts_ecr_scaled && w->opts[i].v2 != g->opts[i].v2)
            return tt__drill_fail(r, ev->line, TT_DRILL_FAIL,
                                  "TS ecr %" PRIu32 " expected, %" PRIu32 " sent", w->opts[i].v2,
                                  g->opts[i].v2);
        if (r->cfg.ts_tick_usecs > 0 && r->nts > 0) {
            /* Script vals advance one per tick like the live ones (README: TS mapping). */
            int64_t expect = (int64_t)r->ts_live[0] + ((int64_t)sv - (int64_t)r->ts_script[0]);
            int64_t slack = r->cfg.tolerance_usecs / r->cfg.ts_tick_usecs;
            int64_t diff = (int64_t)(int32_t)(lv - (uint32_t)expect);
            if (diff < -slack || diff > slack)
                return tt__drill_fail(r, ev->line, TT_DRILL_FAIL,
                                      "TS val %" PRIu32 " expected, %" PRIu32
                                      " sent (off by %" PRId64 " ticks)",
                                      sv, (uint32_t)(lv - (uint32_t)(expect - sv)), diff);
        }
        ts_record(r, sv, lv);
    }
    return true;
}

static int64_t tolerance(const struct tt_drill_runner *r, int64_t gap)
{
    int64_t pct = gap > 0 ? gap * r->cfg.tolerance_permille / 1000 : 0;
    return pct > r->cfg.tolerance_usecs ? pct : r->cfg.tolerance_usecs;
}

static bool expect_packet(struct tt_drill_runner *r, const struct tt_drill_event *ev, int64_t lo,
                          int64_t hi, bool any)
{
    char want[256], got[256], why[160];
    tt_drill_format_packet(&ev->pkt, want, sizeof want);
    if (!wait_capture(r, any ? r->now + ANY_WAIT : hi)) {
        tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "expected %s, nothing sent (waited until %.6f)",
                       want, (double)r->now / 1e6);
        return false;
    }
    struct tt_drill_capture *c = &r->cap[r->cap_head];
    int64_t at = c->at;
    struct tt_drill_live g;
    if (tt_drill_decode(c->frame, c->len, &g) != 0) {
        drop_capture(r);
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL,
                              "expected %s, stack sent a non-TCP datagram", want);
    }
    drop_capture(r);
    if (!r->cfg.strict_segments)
        aggregate(r, &g, at, ev->pkt.len);
    r->have_sent = true;
    r->last_sent_seq = g.pkt.seq; /* live: what an ICMP line quotes by default */
    to_script(r, &ev->pkt, &g);
    g.pkt.opts_given = g.pkt.nopts > 0 || (ev->pkt.opts_given && ev->pkt.nopts == 0);
    tt_drill_format_packet(&g.pkt, got, sizeof got);
    tt__drill_note(r, "%s", got);
    if (!g.opts_ok || !g.cksum_ok)
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "sent %s with %s", got,
                              g.cksum_ok ? "malformed options" : "a bad checksum");
    if (!tt_drill_match(&ev->pkt, &g.pkt, why, sizeof why)) {
        if (r->report)
            fprintf(r->report, "  script: %s\n  actual: %s  (at %.6f)\n", want, got,
                    (double)at / 1e6);
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "%s: expected %s, got %s", why, want,
                              got);
    }
    if (!g.payload_zero)
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "payload of %s is not the zeros written",
                              got);
    if (!any && (at < lo || at > hi))
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL,
                              "timing: %s expected in [%.6f, %.6f], sent at %.6f", want,
                              (double)lo / 1e6, (double)hi / 1e6, (double)at / 1e6);
    return check_ts(r, ev, &ev->pkt, &g.pkt);
}

/* ---- the event loop ---- */

static bool run_code(struct tt_drill_runner *r, const struct tt_drill_event *ev)
{
    char msg[300];
    int st = tt_drill_code_run(ev->text, strlen(ev->text), tt__drill_lookup, r, r->cfg.verbose, msg,
                               sizeof msg);
    tt__drill_note(r, "%%{%s}%%", ev->text);
    if (st == TT_DRILL_CODE_FAILED)
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "%s", msg);
    if (st == TT_DRILL_CODE_UNSUPPORTED)
        return tt__drill_fail(r, ev->line, TT_DRILL_SKIP, "%%{ }%% not supported: %s", msg);
    return true;
}

struct clock_state {
    int64_t anchor;      /* actual time of the previous event */
    int64_t prev_script; /* script time of the previous event */
    bool prev_inbound;
};

static bool run_event(struct tt_drill_runner *r, struct tt_config *cfg, struct clock_state *cs,
                      const struct tt_drill_event *ev)
{
    const struct tt_drill_time *tm = &ev->time;
    bool inbound = ev->kind == TT_DRILL_EV_PACKET && ev->pkt.dir == '<';
    int64_t base = inbound && cs->prev_inbound ? cs->prev_script : cs->anchor;
    int64_t t = tm->kind == TT_DRILL_TIME_ABSOLUTE   ? tm->usec
                : tm->kind == TT_DRILL_TIME_RELATIVE ? base + tm->usec
                                                     : cs->anchor;
    int64_t end = tm->end_kind == TT_DRILL_END_NONE ? t
                  : tm->end_relative                ? base + tm->end_usec
                                                    : tm->end_usec;
    bool any = tm->kind == TT_DRILL_TIME_ANY;
    if (ev->kind == TT_DRILL_EV_COMMAND && r->stack == NULL) {
        run_command(r, cfg, ev->text);
        return true;
    }
    if (r->stack == NULL && !start_stack(r, cfg, ev->line))
        return false;
    int64_t gap = t - cs->prev_script;
    cs->prev_inbound = inbound;
    if (ev->kind == TT_DRILL_EV_PACKET && ev->pkt.dir == '>') {
        int64_t tol = tolerance(r, gap);
        if (!expect_packet(r, ev, t - tol, end + tol, any))
            return false;
        cs->anchor = r->now;
        cs->prev_script = any ? r->now : t;
        return true;
    }
    if (t > r->now)
        tt__drill_advance(r, t);
    else
        tt__drill_advance(r, r->now);
    cs->anchor = any ? r->now : t < r->now ? r->now : t;
    cs->prev_script = t;
    switch (ev->kind) {
    case TT_DRILL_EV_PACKET:
        return inject(r, ev);
    case TT_DRILL_EV_SYSCALL:
        return tt__drill_syscall(r, ev, cs->anchor, tm->end_kind == TT_DRILL_END_BLOCK ? end : -1);
    case TT_DRILL_EV_COMMAND:
        run_command(r, cfg, ev->text);
        return true;
    case TT_DRILL_EV_CODE:
        return run_code(r, ev);
    }
    return true;
}

enum tt_drill_status tt_drill_run(const struct tt_drill_script *s, const struct tt_drill_cfg *cfg,
                                  FILE *report, struct tt_drill_result *res)
{
    struct tt_drill_runner *r = calloc(1, sizeof(*r));
    memset(res, 0, sizeof(*res));
    if (r == NULL) {
        snprintf(res->reason, sizeof res->reason, "out of memory");
        return res->status = TT_DRILL_FAIL;
    }
    r->script = s;
    r->cfg = *cfg;
    r->report = report;
    r->res = res;
    r->sut = -1;
    r->live_local_port = cfg->bind_port;
    r->live_remote_port = cfg->remote_port;
    if (cfg->pcap_path && tt_pcap_writer_open(cfg->pcap_path, TT_PCAP_LINKTYPE_RAW,
                                              (struct tt_pcap_writer **)&r->pcap) != 0)
        tt__drill_fail(r, 0, TT_DRILL_FAIL, "cannot write %s", cfg->pcap_path);
    struct tt_config tc;
    tt_config_default(&tc);
    tc.allocator.alloc = drill_alloc;
    tc.allocator.free = drill_free;
    tc.secret[0] = cfg->seed * 0x9e3779b97f4a7c15ull;
    tc.secret[1] = ~cfg->seed;
    profile_defaults(&tc);
    struct clock_state cs = {0};
    for (size_t i = 0; i < s->nev && !r->failed; i++)
        run_event(r, &tc, &cs, &s->ev[i]);
    if (!r->failed && r->stack != NULL) {
        /* Let blocked calls finish: nothing else will happen after the last line. */
        int64_t last = r->now;
        for (size_t i = 0; i < r->npending; i++)
            if (r->pending[i].end + (int64_t)TT_SEC(1) > last)
                last = r->pending[i].end + (int64_t)TT_SEC(1);
        tt__drill_advance(r, last);
        for (size_t i = 0; i < r->npending && !r->failed; i++)
            tt__drill_fail(r, r->pending[i].ev->line, TT_DRILL_FAIL,
                           "the blocking call never returned");
    }
    if (r->failed && report) {
        fprintf(report, "%s:%d: %s: %s\n", s->name, res->line,
                res->status == TT_DRILL_SKIP ? "skipped" : "error", res->reason);
        print_history(r);
    }
    if (r->stack) {
        tt__drill_close_all(r);
        tt_stack_destroy(r->stack);
    }
    while (r->cap_count > 0)
        drop_capture(r);
    if (r->pcap)
        tt_pcap_writer_close(r->pcap);
    enum tt_drill_status st = r->failed ? res->status : TT_DRILL_PASS;
    res->status = st;
    free(r);
    return st;
}
