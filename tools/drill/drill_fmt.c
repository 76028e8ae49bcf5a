/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packets, syscalls and arguments printed back in packetdrill's notation, so
 * that a failure reads like the script: "expected > P. 1:1001(1000) ack 1,
 * got > . 1:1001(1000) ack 1".
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drill.h"
#include "tether/trace.h"

struct out {
    char *buf;
    size_t len, pos;
};

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = o->pos < o->len ? o->len - o->pos : 0;
    int n = vsnprintf(room ? o->buf + o->pos : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->pos += (size_t)n;
}

static size_t finish(struct out *o)
{
    if (o->len > 0 && o->pos >= o->len)
        o->buf[o->len - 1] = '\0';
    return o->pos < o->len ? o->pos : (o->len ? o->len - 1 : 0);
}

const char *tt_drill_format_flags(uint16_t flags, char buf[12])
{
    size_t n = 0;
    static const struct {
        uint16_t bit;
        char c;
    } order[] = {{TT_TCP_SYN, 'S'}, {TT_TCP_FIN, 'F'},       {TT_TCP_RST, 'R'},
                 {TT_TCP_PSH, 'P'}, {TT_TCP_URG, 'U'},       {TT_TCP_ECE, 'E'},
                 {TT_TCP_CWR, 'W'}, {TT_DRILL_FLAG_AE, 'A'}, {TT_TCP_ACK, '.'}};
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (flags & order[i].bit)
            buf[n++] = order[i].c;
    if (n == 0)
        buf[n++] = '-';
    buf[n] = '\0';
    return buf;
}

static void put_cookie(struct out *o, const struct tt_drill_opt *op)
{
    if (op->cookie_len > 0)
        put(o, " ");
    for (size_t i = 0; i < op->cookie_len; i++)
        put(o, "%02x", op->cookie[i]);
}

static void put_option(struct out *o, const struct tt_drill_opt *op)
{
    switch (op->kind) {
    case TT_DRILL_OPT_EOL:
        put(o, "eol");
        break;
    case TT_DRILL_OPT_NOP:
        put(o, "nop");
        break;
    case TT_DRILL_OPT_MSS:
        put(o, "mss %" PRIu32, op->v1);
        break;
    case TT_DRILL_OPT_WSCALE:
        put(o, "wscale %" PRIu32, op->v1);
        break;
    case TT_DRILL_OPT_SACKOK:
        put(o, "sackOK");
        break;
    case TT_DRILL_OPT_SACK:
        put(o, "sack");
        for (size_t i = 0; i < op->nsack; i++)
            put(o, " %" PRIu32 ":%" PRIu32, op->sack[i][0], op->sack[i][1]);
        break;
    case TT_DRILL_OPT_TS:
        put(o, "TS val %" PRIu32 " ecr %" PRIu32, op->v1, op->v2);
        break;
    case TT_DRILL_OPT_FO:
        put(o, "FO");
        put_cookie(o, op);
        break;
    case TT_DRILL_OPT_FOEXP:
        put(o, "FOEXP");
        put_cookie(o, op);
        break;
    case TT_DRILL_OPT_MD5:
        put(o, "md5");
        put_cookie(o, op);
        break;
    }
}

static const char *ecn_name(enum tt_drill_ecn e)
{
    switch (e) {
    case TT_DRILL_ECN_NOECN:
        return "noecn";
    case TT_DRILL_ECN_ECT0:
        return "ect0";
    case TT_DRILL_ECN_ECT1:
        return "ect1";
    case TT_DRILL_ECN_CE:
        return "ce";
    default:
        return NULL;
    }
}

size_t tt_drill_format_packet(const struct tt_drill_packet *p, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    char fl[12];
    put(&o, "%c", p->dir);
    if (ecn_name(p->ecn))
        put(&o, " [%s]", ecn_name(p->ecn));
    if (p->has_tos || p->has_ttl) {
        put(&o, " (");
        if (p->has_tos)
            put(&o, "tos 0x%x%s", p->tos, p->has_ttl ? ", " : "");
        if (p->has_ttl)
            put(&o, "ttl %u", p->ttl);
        put(&o, ")");
    }
    if (p->has_ports)
        put(&o, " %u>%u", p->sport, p->dport);
    if (p->proto == TT_DRILL_PROTO_UDP) {
        put(&o, " udp (%" PRIu32 ")", p->len);
        return finish(&o);
    }
    if (p->proto == TT_DRILL_PROTO_ICMP) {
        put(&o, " icmp %s", p->icmp_type ? p->icmp_type : "?");
        if (p->icmp_code)
            put(&o, " %s", p->icmp_code);
        if (p->icmp_mtu)
            put(&o, " mtu %" PRIu32, p->icmp_mtu);
        if (p->has_echo)
            put(&o, " [%" PRIu32 ":%" PRIu32 "(%" PRIu32 ")]", p->echo_seq,
                p->echo_seq + p->echo_len, p->echo_len);
        return finish(&o);
    }
    put(&o, " %s %" PRIu32 ":%" PRIu32 "(%" PRIu32 ")", tt_drill_format_flags(p->flags, fl), p->seq,
        (uint32_t)(p->seq + p->len), p->len);
    if (p->has_ack)
        put(&o, " ack %" PRIu32, p->ack);
    if (p->has_win)
        put(&o, " win %" PRIu32, p->win);
    if (p->has_urg)
        put(&o, " urg %" PRIu32, p->urg);
    if (p->opts_any) {
        put(&o, " <...>");
    } else if (p->opts_given) {
        put(&o, " <");
        for (size_t i = 0; i < p->nopts; i++) {
            if (i > 0)
                put(&o, ",");
            put_option(&o, &p->opts[i]);
        }
        put(&o, ">");
    }
    return finish(&o);
}

static void put_arg(struct out *o, const struct tt_drill_arg *a, int depth)
{
    if (depth > 40) {
        put(o, "...");
        return;
    }
    switch (a->kind) {
    case TT_DRILL_ARG_INT:
        put(o, "%" PRId64, a->ival);
        break;
    case TT_DRILL_ARG_WORD:
        put(o, "%s", a->text);
        break;
    case TT_DRILL_ARG_STRING:
        put(o, "\"%s\"", a->text);
        break;
    case TT_DRILL_ARG_ELLIPSIS:
        put(o, "...");
        break;
    case TT_DRILL_ARG_FIELD:
        put(o, "%s", a->text);
        if (a->count) {
            put(o, "(");
            put_arg(o, a->count, depth + 1);
            put(o, ")");
        }
        put(o, "=");
        put_arg(o, a->value, depth + 1);
        break;
    case TT_DRILL_ARG_OR:
        for (size_t i = 0; i < a->nitems; i++) {
            if (i > 0)
                put(o, "|");
            put_arg(o, a->items[i], depth + 1);
        }
        break;
    case TT_DRILL_ARG_LIST:
    case TT_DRILL_ARG_STRUCT:
    case TT_DRILL_ARG_CALL: {
        const char *open = a->kind == TT_DRILL_ARG_LIST     ? "["
                           : a->kind == TT_DRILL_ARG_STRUCT ? "{"
                                                            : "(";
        const char *close = a->kind == TT_DRILL_ARG_LIST     ? "]"
                            : a->kind == TT_DRILL_ARG_STRUCT ? "}"
                                                             : ")";
        if (a->kind == TT_DRILL_ARG_CALL)
            put(o, "%s", a->text);
        put(o, "%s", open);
        for (size_t i = 0; i < a->nitems; i++) {
            if (i > 0)
                put(o, ", ");
            put_arg(o, a->items[i], depth + 1);
        }
        put(o, "%s", close);
        break;
    }
    }
}

size_t tt_drill_format_arg(const struct tt_drill_arg *a, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    put_arg(&o, a, 0);
    return finish(&o);
}

size_t tt_drill_format_syscall(const struct tt_drill_syscall *sc, char *buf, size_t len)
{
    struct out o = {buf, len, 0};
    put(&o, "%s(", sc->name);
    for (size_t i = 0; i < sc->nargs; i++) {
        if (i > 0)
            put(&o, ", ");
        put_arg(&o, sc->args[i], 0);
    }
    put(&o, ") = %" PRId64, sc->ret);
    if (sc->errno_name)
        put(&o, " %s", sc->errno_name);
    if (sc->note)
        put(&o, " (%s)", sc->note);
    return finish(&o);
}
