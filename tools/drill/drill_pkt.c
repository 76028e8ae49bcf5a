/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packets between the script and the wire: inbound script lines encoded as
 * IPv4 datagrams (options in the script's exact order, payload zeros),
 * outbound datagrams decoded into the same struct, and the field-by-field
 * comparison of an expected line with what the stack sent. Sequence mapping
 * (script numbers to live ones) is the runner's job; this file is literal.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "tether/trace.h"
#include "wire/checksum.h"

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}

static uint32_t get16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) << 16 | get16(p + 2);
}

/* Options in order; returns their length padded to 4 with EOL, or -1 when > 40. */
static int encode_options(const struct tt_drill_packet *p, uint8_t *o)
{
    size_t n = 0;
    for (size_t i = 0; i < p->nopts; i++) {
        const struct tt_drill_opt *op = &p->opts[i];
        uint8_t tmp[48];
        size_t k = 0;
        switch (op->kind) {
        case TT_DRILL_OPT_EOL:
            tmp[k++] = 0;
            break;
        case TT_DRILL_OPT_NOP:
            tmp[k++] = 1;
            break;
        case TT_DRILL_OPT_MSS:
            tmp[k++] = 2, tmp[k++] = 4;
            put16(tmp + k, op->v1), k += 2;
            break;
        case TT_DRILL_OPT_WSCALE:
            tmp[k++] = 3, tmp[k++] = 3, tmp[k++] = (uint8_t)op->v1;
            break;
        case TT_DRILL_OPT_SACKOK:
            tmp[k++] = 4, tmp[k++] = 2;
            break;
        case TT_DRILL_OPT_SACK:
            tmp[k++] = 5, tmp[k++] = (uint8_t)(2 + 8 * op->nsack);
            for (size_t b = 0; b < op->nsack; b++) {
                put32(tmp + k, op->sack[b][0]);
                put32(tmp + k + 4, op->sack[b][1]);
                k += 8;
            }
            break;
        case TT_DRILL_OPT_TS:
            tmp[k++] = 8, tmp[k++] = 10;
            put32(tmp + k, op->v1);
            put32(tmp + k + 4, op->v2);
            k += 8;
            break;
        case TT_DRILL_OPT_FO: /* RFC 7413 kind 34 */
            tmp[k++] = 34, tmp[k++] = (uint8_t)(2 + op->cookie_len);
            memcpy(tmp + k, op->cookie, op->cookie_len), k += op->cookie_len;
            break;
        case TT_DRILL_OPT_FOEXP: /* experimental kind 254, magic 0xF989 */
            tmp[k++] = 254, tmp[k++] = (uint8_t)(4 + op->cookie_len);
            put16(tmp + k, 0xF989), k += 2;
            memcpy(tmp + k, op->cookie, op->cookie_len), k += op->cookie_len;
            break;
        case TT_DRILL_OPT_MD5: /* RFC 2385 kind 19 */
            tmp[k++] = 19, tmp[k++] = 18;
            memset(tmp + k, 0, 16);
            memcpy(tmp + k, op->cookie, op->cookie_len < 16 ? op->cookie_len : 16), k += 16;
            break;
        }
        if (n + k > 40)
            return -1;
        memcpy(o + n, tmp, k);
        n += k;
    }
    while (n % 4 != 0)
        o[n++] = 0;
    return (int)n;
}

int tt_drill_encode(const struct tt_drill_packet *p, uint32_t src, uint32_t dst, uint16_t sport,
                    uint16_t dport, uint8_t *buf, size_t cap)
{
    uint8_t opts[48];
    int olen = encode_options(p, opts);
    if (olen < 0)
        return -1;
    size_t thl = 20 + (size_t)olen, total = 20 + thl + p->len;
    if (total > cap || total > 65535)
        return -1;
    uint8_t *ip = buf, *tcp = buf + 20;
    memset(buf, 0, total);
    ip[0] = 0x45;
    ip[1] = (uint8_t)((p->has_tos ? p->tos : 0) & 0xfc);
    if (p->ecn == TT_DRILL_ECN_ECT0)
        ip[1] |= 2;
    else if (p->ecn == TT_DRILL_ECN_ECT1)
        ip[1] |= 1;
    else if (p->ecn == TT_DRILL_ECN_CE)
        ip[1] |= 3;
    put16(ip + 2, (uint32_t)total);
    put16(ip + 6, 0x4000); /* DF */
    ip[8] = p->has_ttl ? p->ttl : 64;
    ip[9] = 6;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, tt__cksum(ip, 20));
    put16(tcp, sport);
    put16(tcp + 2, dport);
    put32(tcp + 4, p->seq);
    put32(tcp + 8, p->has_ack ? p->ack : 0);
    tcp[12] = (uint8_t)((thl / 4) << 4) | (uint8_t)((p->flags & TT_DRILL_FLAG_AE) ? 1 : 0);
    tcp[13] = (uint8_t)p->flags;
    put16(tcp + 14, p->win);
    put16(tcp + 18, p->has_urg ? p->urg : 0);
    memcpy(tcp + 20, opts, (size_t)olen);
    uint32_t sum = tt__cksum_pseudo(src, dst, 6, (uint16_t)(thl + p->len));
    put16(tcp + 16, tt__cksum_fold(tt__cksum_add(sum, tcp, thl + p->len)));
    return (int)total;
}

/* packetdrill's ICMP type and code words (RFC 792, RFC 1812 §5.2.7.1). */
static const struct {
    const char *name;
    uint8_t type;
} icmp_types[] = {
    {"echo_reply", 0},   {"unreachable", 3},    {"source_quench", 4},      {"redirect", 5},
    {"echo_request", 8}, {"time_exceeded", 11}, {"parameter_problem", 12},
};

static const char *const unreach_codes[] = {
    "net_unreachable",
    "host_unreachable",
    "protocol_unreachable",
    "port_unreachable",
    "frag_needed",
    "source_route_failed",
    "net_unknown",
    "host_unknown",
    "source_host_isolated",
    "net_prohibited",
    "host_prohibited",
    "net_unreachable_for_tos",
    "host_unreachable_for_tos",
    "packet_filtered",
    "precedence_violation",
    "precedence_cutoff",
};

static bool icmp_code(uint8_t type, const char *name, uint8_t *code)
{
    static const char *const exceeded[] = {"ttl_exceeded", "fragment_reassembly_time_exceeded"};
    static const char *const redirect[] = {"redirect_net", "redirect_host", "redirect_tos_net",
                                           "redirect_tos_host"};
    const char *const *tab = NULL;
    size_t n = 0;
    if (type == 3)
        tab = unreach_codes, n = sizeof unreach_codes / sizeof unreach_codes[0];
    else if (type == 11)
        tab = exceeded, n = 2;
    else if (type == 5)
        tab = redirect, n = 4;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tab[i], name) == 0) {
            *code = (uint8_t)i;
            return true;
        }
    }
    char *end;
    unsigned long v = strtoul(name, &end, 0);
    if (*name && *end == '\0' && v < 256) {
        *code = (uint8_t)v;
        return true;
    }
    return false;
}

int tt_drill_encode_icmp(const struct tt_drill_packet *p, uint32_t src, uint32_t dst,
                         uint16_t qsport, uint16_t qdport, uint32_t qseq, uint8_t *buf, size_t cap,
                         char *why, size_t wl)
{
    int type = -1;
    for (size_t i = 0; i < sizeof icmp_types / sizeof icmp_types[0]; i++)
        if (p->icmp_type && strcmp(icmp_types[i].name, p->icmp_type) == 0)
            type = icmp_types[i].type;
    if (type < 0) {
        snprintf(why, wl, "unknown ICMP type %s", p->icmp_type ? p->icmp_type : "?");
        return -1;
    }
    uint8_t code = 0;
    if (p->icmp_code && !icmp_code((uint8_t)type, p->icmp_code, &code)) {
        snprintf(why, wl, "unknown ICMP code %s for %s", p->icmp_code, p->icmp_type);
        return -1;
    }
    /* Outer IP, 8 bytes of ICMP, the quoted IP header and 20 bytes of TCP
     * (RFC 1122 §3.2.2: at least the header and 8 bytes of the datagram). */
    size_t total = 20 + 8 + 20 + 20;
    if (total > cap) {
        snprintf(why, wl, "buffer too small");
        return -1;
    }
    memset(buf, 0, total);
    uint8_t *ip = buf, *icmp = buf + 20, *qip = icmp + 8, *qtcp = qip + 20;
    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)total);
    ip[8] = p->has_ttl ? p->ttl : 64;
    ip[9] = 1;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, tt__cksum(ip, 20));
    icmp[0] = (uint8_t)type;
    icmp[1] = code;
    if (type == 3 && code == 4)
        put16(icmp + 6, p->icmp_mtu); /* RFC 1191 §4: next-hop MTU */
    /* The quoted datagram went from us (dst) to the peer (src). */
    qip[0] = 0x45;
    put16(qip + 2, 20 + 20 + (p->has_echo ? p->echo_len : 0));
    put16(qip + 6, 0x4000);
    qip[8] = 64;
    qip[9] = 6;
    put32(qip + 12, dst);
    put32(qip + 16, src);
    put16(qip + 10, tt__cksum(qip, 20));
    put16(qtcp, qsport);
    put16(qtcp + 2, qdport);
    put32(qtcp + 4, qseq);
    qtcp[12] = 5 << 4;
    qtcp[13] = 0x10; /* ACK */
    put16(icmp + 2, tt__cksum(icmp, total - 20));
    return (int)total;
}

/* Walk the option bytes; false when malformed (a length past the header). */
static bool decode_options(const uint8_t *o, size_t len, struct tt_drill_packet *p)
{
    size_t i = 0;
    while (i < len && p->nopts < TT_DRILL_MAX_OPTS) {
        struct tt_drill_opt *op = &p->opts[p->nopts];
        memset(op, 0, sizeof(*op));
        uint8_t kind = o[i];
        if (kind == 0 || kind == 1) {
            op->kind = kind == 0 ? TT_DRILL_OPT_EOL : TT_DRILL_OPT_NOP;
            p->nopts++;
            i++;
            if (kind == 0)
                return true; /* EOL: the rest is padding */
            continue;
        }
        if (i + 1 >= len || o[i + 1] < 2 || i + o[i + 1] > len)
            return false;
        size_t ol = o[i + 1];
        const uint8_t *v = o + i + 2;
        if (kind == 2 && ol == 4) {
            op->kind = TT_DRILL_OPT_MSS, op->v1 = get16(v);
        } else if (kind == 3 && ol == 3) {
            op->kind = TT_DRILL_OPT_WSCALE, op->v1 = v[0];
        } else if (kind == 4 && ol == 2) {
            op->kind = TT_DRILL_OPT_SACKOK;
        } else if (kind == 5 && (ol - 2) % 8 == 0 && (ol - 2) / 8 <= TT_DRILL_MAX_SACK) {
            op->kind = TT_DRILL_OPT_SACK;
            for (size_t b = 0; b < (ol - 2) / 8; b++) {
                op->sack[b][0] = get32(v + 8 * b);
                op->sack[b][1] = get32(v + 8 * b + 4);
                op->nsack++;
            }
        } else if (kind == 8 && ol == 10) {
            op->kind = TT_DRILL_OPT_TS, op->v1 = get32(v), op->v2 = get32(v + 4);
        } else if (kind == 34 && ol - 2 <= TT_DRILL_MAX_COOKIE) {
            op->kind = TT_DRILL_OPT_FO, op->cookie_len = (uint8_t)(ol - 2);
            memcpy(op->cookie, v, ol - 2);
        } else if (kind == 19 && ol == 18) {
            op->kind = TT_DRILL_OPT_MD5, op->cookie_len = 16;
            memcpy(op->cookie, v, 16);
        } else {
            return false; /* nothing tether sends; report it as malformed */
        }
        p->nopts++;
        i += ol;
    }
    return i >= len;
}

int tt_drill_decode(const uint8_t *f, size_t len, struct tt_drill_live *out)
{
    memset(out, 0, sizeof(*out));
    if (len < 20 || (f[0] >> 4) != 4 || (f[0] & 15) < 5)
        return -1;
    size_t ihl = (size_t)(f[0] & 15) * 4, total = get16(f + 2);
    if (ihl > len || total < ihl || total > len || f[9] != 6)
        return -1;
    const uint8_t *t = f + ihl;
    size_t tlen = total - ihl;
    if (tlen < 20 || (size_t)(t[12] >> 4) * 4 < 20 || (size_t)(t[12] >> 4) * 4 > tlen)
        return -1;
    size_t thl = (size_t)(t[12] >> 4) * 4;
    struct tt_drill_packet *p = &out->pkt;
    out->saddr = get32(f + 12);
    out->daddr = get32(f + 16);
    p->dir = '>';
    p->proto = TT_DRILL_PROTO_TCP;
    p->has_tos = true;
    p->tos = f[1];
    p->has_ttl = true;
    p->ttl = f[8];
    p->has_ports = true;
    p->sport = (uint16_t)get16(t);
    p->dport = (uint16_t)get16(t + 2);
    p->seq = get32(t + 4);
    p->ack = get32(t + 8);
    p->flags = (uint16_t)(t[13] | ((t[12] & 1) ? TT_DRILL_FLAG_AE : 0));
    p->has_ack = (t[13] & TT_TCP_ACK) != 0;
    p->has_win = true;
    p->win = get16(t + 14);
    p->urg = get16(t + 18);
    p->has_urg = (t[13] & TT_TCP_URG) != 0 || p->urg != 0;
    p->len = (uint32_t)(tlen - thl);
    p->opts_given = thl > 20;
    out->opts_ok = decode_options(t + 20, thl - 20, p);
    out->payload_zero = true;
    for (size_t i = thl; i < tlen; i++)
        if (t[i] != 0)
            out->payload_zero = false;
    out->cksum_ok = tt__cksum(f, ihl) == 0 &&
                    tt__cksum_fold(tt__cksum_add(
                        tt__cksum_pseudo(out->saddr, out->daddr, 6, (uint16_t)tlen), t, tlen)) == 0;
    return 0;
}

static bool opt_equal(const struct tt_drill_opt *w, const struct tt_drill_opt *g, bool ts_vals,
                      char *why, size_t wl)
{
    if (w->kind != g->kind) {
        snprintf(why, wl, "option kinds differ");
        return false;
    }
    switch (w->kind) {
    case TT_DRILL_OPT_MSS:
    case TT_DRILL_OPT_WSCALE:
        if (w->v1 != g->v1) {
            snprintf(why, wl, "%s %" PRIu32 " expected, %" PRIu32 " sent",
                     w->kind == TT_DRILL_OPT_MSS ? "mss" : "wscale", w->v1, g->v1);
            return false;
        }
        return true;
    case TT_DRILL_OPT_SACK:
        if (w->nsack != g->nsack) {
            snprintf(why, wl, "%u SACK blocks expected, %u sent", w->nsack, g->nsack);
            return false;
        }
        for (size_t b = 0; b < w->nsack; b++) {
            if (w->sack[b][0] != g->sack[b][0] || w->sack[b][1] != g->sack[b][1]) {
                snprintf(why, wl, "SACK block %zu differs", b + 1);
                return false;
            }
        }
        return true;
    case TT_DRILL_OPT_TS:
        (void)ts_vals; /* TS val and ecr are checked by the runner (check_ts) */
        return true;
    case TT_DRILL_OPT_FO:
    case TT_DRILL_OPT_FOEXP:
    case TT_DRILL_OPT_MD5:
        if (w->cookie_len != g->cookie_len || memcmp(w->cookie, g->cookie, w->cookie_len) != 0) {
            snprintf(why, wl, "cookie differs");
            return false;
        }
        return true;
    default:
        return true;
    }
}

bool tt_drill_match(const struct tt_drill_packet *w, const struct tt_drill_packet *g, char *why,
                    size_t wl)
{
    char a[12], b[12];
    if (w->flags != g->flags) {
        snprintf(why, wl, "flags %s expected, %s sent", tt_drill_format_flags(w->flags, a),
                 tt_drill_format_flags(g->flags, b));
        return false;
    }
    if (w->seq != g->seq) {
        snprintf(why, wl, "seq %" PRIu32 " expected, %" PRIu32 " sent", w->seq, g->seq);
        return false;
    }
    if (w->len != g->len) {
        snprintf(why, wl, "length %" PRIu32 " expected, %" PRIu32 " sent", w->len, g->len);
        return false;
    }
    if ((w->flags & TT_TCP_ACK) && w->has_ack && w->ack != g->ack) {
        snprintf(why, wl, "ack %" PRIu32 " expected, %" PRIu32 " sent", w->ack, g->ack);
        return false;
    }
    if (w->has_win && w->win != g->win) {
        snprintf(why, wl, "win %" PRIu32 " expected, %" PRIu32 " sent", w->win, g->win);
        return false;
    }
    if (w->has_urg && w->urg != g->urg) {
        snprintf(why, wl, "urg %" PRIu32 " expected, %" PRIu32 " sent", w->urg, g->urg);
        return false;
    }
    if (w->opts_any)
        return true;
    /* No <...> at all on an outbound line: the segment must carry no options. */
    size_t wn = w->opts_given ? w->nopts : 0;
    if (wn != g->nopts) {
        snprintf(why, wl, "%zu TCP options expected, %u sent", wn, g->nopts);
        return false;
    }
    for (size_t i = 0; i < wn; i++) {
        char sub[96];
        if (!opt_equal(&w->opts[i], &g->opts[i], false, sub, sizeof sub)) {
            snprintf(why, wl, "option %zu: %s", i + 1, sub);
            return false;
        }
    }
    return true;
}
