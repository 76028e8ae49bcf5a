/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packetdrill parser: script text to the AST of drill.h. A recursive
 * descent over the token stream with one token of lookahead. Statements are
 * not line-based (a call may span lines); each event starts with a time spec,
 * which is what ends the previous one. The first error stops the parse and is
 * reported as "name:LINE: message".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "tether/trace.h"

struct parser {
    struct tt_drill_lexer lx;
    struct tt_drill_token tok; /* the lookahead */
    bool have_tok;
    const char *name;
    char *err;
    size_t errlen;
    bool failed;
};

static bool fail(struct parser *ps, int line, const char *fmt, ...)
{
    if (ps->failed)
        return false;
    ps->failed = true;
    if (ps->errlen == 0)
        return false;
    int n = snprintf(ps->err, ps->errlen, "%s:%d: ", ps->name, line);
    if (n >= 0 && (size_t)n < ps->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static struct tt_drill_token *peek(struct parser *ps)
{
    if (!ps->have_tok) {
        ps->tok = tt_drill_lex_next(&ps->lx);
        ps->have_tok = true;
        /* A lexer error is the first and best message. */
        if (ps->tok.kind == TT_DRILL_TOK_ERROR)
            fail(ps, ps->tok.line, "%.*s", (int)ps->tok.len, ps->tok.text);
    }
    return &ps->tok;
}

static struct tt_drill_token next(struct parser *ps)
{
    peek(ps);
    ps->have_tok = false;
    return ps->tok;
}

static bool is_punct(struct parser *ps, char c)
{
    struct tt_drill_token *t = peek(ps);
    return t->kind == TT_DRILL_TOK_PUNCT && t->punct == c;
}

static bool accept_punct(struct parser *ps, char c)
{
    if (!is_punct(ps, c))
        return false;
    next(ps);
    return true;
}

static bool is_word(struct parser *ps, const char *w)
{
    struct tt_drill_token *t = peek(ps);
    return t->kind == TT_DRILL_TOK_WORD && t->len == strlen(w) && memcmp(t->text, w, t->len) == 0;
}

/* A short rendering of the lookahead for error messages. */
static const char *describe(struct parser *ps, char *buf, size_t len)
{
    struct tt_drill_token *t = peek(ps);
    if (t->kind == TT_DRILL_TOK_EOF)
        return "end of file";
    if (t->kind == TT_DRILL_TOK_ERROR)
        snprintf(buf, len, "%.*s", (int)t->len, t->text);
    else
        snprintf(buf, len, "'%.*s'", (int)(t->len > 40 ? 40 : t->len), t->text);
    return buf;
}

static bool expect_punct(struct parser *ps, char c, const char *where)
{
    if (accept_punct(ps, c))
        return true;
    char b[64];
    return fail(ps, peek(ps)->line, "expected '%c' %s, got %s", c, where,
                describe(ps, b, sizeof b));
}

static char *dup_text(const char *s, size_t n)
{
    char *r = malloc(n + 1);
    if (r == NULL)
        abort(); /* a host tool: out of memory while parsing is fatal */
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

/* An unsigned integer that must fit `max`. */
static bool parse_uint(struct parser *ps, uint64_t max, const char *what, uint32_t *out)
{
    struct tt_drill_token t = next(ps);
    if (t.kind != TT_DRILL_TOK_INT) {
        ps->tok = t;
        ps->have_tok = true;
        char b[64];
        return fail(ps, t.line, "expected %s, got %s", what, describe(ps, b, sizeof b));
    }
    if ((uint64_t)t.ival > max)
        return fail(ps, t.line, "%s %lld out of range (max %llu)", what, (long long)t.ival,
                    (unsigned long long)max);
    *out = (uint32_t)t.ival;
    return true;
}

/* ---- syscall arguments ---- */

static struct tt_drill_arg *new_arg(enum tt_drill_arg_kind kind)
{
    struct tt_drill_arg *a = calloc(1, sizeof(*a));
    if (a == NULL)
        abort();
    a->kind = kind;
    return a;
}

static void push_item(struct tt_drill_arg *a, struct tt_drill_arg *item)
{
    struct tt_drill_arg **v = realloc(a->items, (a->nitems + 1) * sizeof(*v));
    if (v == NULL)
        abort();
    a->items = v;
    a->items[a->nitems++] = item;
}

static void free_arg(struct tt_drill_arg *a)
{
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->nitems; i++)
        free_arg(a->items[i]);
    free(a->items);
    free_arg(a->count);
    free_arg(a->value);
    free(a->text);
    free(a);
}

static struct tt_drill_arg *parse_expr(struct parser *ps, int depth);

/* Items separated by ',' up to `close`; each parsed by parse_expr or as a field. */
static bool parse_items(struct parser *ps, struct tt_drill_arg *a, char close, bool fields,
                        int depth)
{
    if (accept_punct(ps, close))
        return true;
    for (;;) {
        struct tt_drill_arg *item = parse_expr(ps, depth + 1);
        if (item == NULL)
            return false;
        push_item(a, item);
        /* In { }, "name=value" and "name(count)=value" are fields. */
        if (fields && is_punct(ps, '=') &&
            (item->kind == TT_DRILL_ARG_WORD ||
             (item->kind == TT_DRILL_ARG_CALL && item->nitems == 1))) {
            next(ps);
            if (item->kind == TT_DRILL_ARG_CALL) {
                item->count = item->items[0];
                free(item->items);
                item->items = NULL;
                item->nitems = 0;
            }
            item->kind = TT_DRILL_ARG_FIELD;
            item->value = parse_expr(ps, depth + 1);
            if (item->value == NULL)
                return false;
        }
        if (accept_punct(ps, close))
            return true;
        if (!expect_punct(ps, ',', "between items"))
            return false;
    }
}

static struct tt_drill_arg *parse_term(struct parser *ps, int depth)
{
    struct tt_drill_token t = next(ps);
    struct tt_drill_arg *a = NULL;
    bool neg = false;
    if (depth > 32) {
        fail(ps, t.line, "arguments nested too deeply");
        return NULL;
    }
    if (t.kind == TT_DRILL_TOK_PUNCT && t.punct == '-') {
        neg = true;
        t = next(ps);
        if (t.kind != TT_DRILL_TOK_INT) {
            fail(ps, t.line, "expected a number after '-'");
            return NULL;
        }
    }
    switch (t.kind) {
    case TT_DRILL_TOK_INT:
        a = new_arg(TT_DRILL_ARG_INT);
        a->ival = neg ? -t.ival : t.ival;
        return a;
    case TT_DRILL_TOK_STRING:
        a = new_arg(TT_DRILL_ARG_STRING);
        a->text = dup_text(t.text, t.len);
        return a;
    case TT_DRILL_TOK_ELLIPSIS:
        return new_arg(TT_DRILL_ARG_ELLIPSIS);
    case TT_DRILL_TOK_WORD:
        a = new_arg(TT_DRILL_ARG_WORD);
        a->text = dup_text(t.text, t.len);
        if (accept_punct(ps, '(')) {
            a->kind = TT_DRILL_ARG_CALL;
            if (!parse_items(ps, a, ')', false, depth))
                goto bad;
        }
        return a;
    case TT_DRILL_TOK_PUNCT:
        if (t.punct == '[' || t.punct == '{') {
            a = new_arg(t.punct == '[' ? TT_DRILL_ARG_LIST : TT_DRILL_ARG_STRUCT);
            if (!parse_items(ps, a, t.punct == '[' ? ']' : '}', t.punct == '{', depth))
                goto bad;
            return a;
        }
        break;
    default:
        break;
    }
    ps->tok = t;
    ps->have_tok = true;
    char b[64];
    fail(ps, t.line, "expected an argument, got %s", describe(ps, b, sizeof b));
    return NULL;
bad:
    free_arg(a);
    return NULL;
}

static struct tt_drill_arg *parse_expr(struct parser *ps, int depth)
{
    struct tt_drill_arg *first = parse_term(ps, depth);
    if (first == NULL || !is_punct(ps, '|'))
        return first;
    struct tt_drill_arg * or = new_arg(TT_DRILL_ARG_OR);
    push_item(or, first);
    while (accept_punct(ps, '|')) {
        struct tt_drill_arg *b = parse_term(ps, depth);
        if (b == NULL) {
            free_arg(or);
            return NULL;
        }
        push_item(or, b);
    }
    return or ;
}

/* name(args) = ret [ERRNO] [(free text)] */
static bool parse_syscall(struct parser *ps, struct tt_drill_syscall *sc)
{
    struct tt_drill_token t = next(ps);
    sc->name = dup_text(t.text, t.len);
    if (!expect_punct(ps, '(', "after the syscall name"))
        return false;
    struct tt_drill_arg holder = {.kind = TT_DRILL_ARG_CALL};
    bool ok = parse_items(ps, &holder, ')', false, 0);
    sc->args = holder.items;
    sc->nargs = holder.nitems;
    if (!ok || !expect_punct(ps, '=', "after the syscall arguments"))
        return false;
    bool neg = accept_punct(ps, '-');
    t = next(ps);
    if (t.kind != TT_DRILL_TOK_INT)
        return fail(ps, t.line, "expected the syscall's integer result");
    sc->ret = neg ? -t.ival : t.ival;
    if (peek(ps)->kind == TT_DRILL_TOK_WORD) {
        t = next(ps);
        sc->errno_name = dup_text(t.text, t.len);
    }
    if (accept_punct(ps, '(')) {
        const char *txt;
        size_t len;
        if (!tt_drill_lex_raw_paren(&ps->lx, &txt, &len))
            return fail(ps, t.line, "unterminated '(' after the syscall result");
        sc->note = dup_text(txt, len);
    }
    /* "= -1" alone: the call must fail, with any errno (packetdrill). */
    return true;
}

/* ---- packets ---- */

static bool parse_flags(struct parser *ps, struct tt_drill_packet *p)
{
    struct tt_drill_token *t = peek(ps);
    if (t->kind == TT_DRILL_TOK_PUNCT && (t->punct == '-' || t->punct == '.')) {
        p->flags = t->punct == '.' ? TT_TCP_ACK : 0;
        next(ps);
        return true;
    }
    if (t->kind != TT_DRILL_TOK_WORD) {
        char b[64];
        return fail(ps, t->line, "expected TCP flags, got %s", describe(ps, b, sizeof b));
    }
    struct tt_drill_token w = next(ps);
    for (size_t i = 0; i < w.len; i++) {
        const char *fl = "FSRPUEWA";
        const uint16_t bit[] = {TT_TCP_FIN, TT_TCP_SYN, TT_TCP_RST, TT_TCP_PSH,
                                TT_TCP_URG, TT_TCP_ECE, TT_TCP_CWR, TT_DRILL_FLAG_AE};
        const char *f = strchr(fl, w.text[i]);
        if (f == NULL)
            return fail(ps, w.line, "unknown TCP flag '%c' in '%.*s'", w.text[i], (int)w.len,
                        w.text);
        p->flags |= bit[f - fl];
    }
    if (accept_punct(ps, '.'))
        p->flags |= TT_TCP_ACK;
    return true;
}

/* start:end(len) */
static bool parse_seq(struct parser *ps, struct tt_drill_packet *p)
{
    uint32_t start = 0, end = 0, len = 0;
    if (!parse_uint(ps, UINT32_MAX, "the start sequence number", &start) ||
        !expect_punct(ps, ':', "in start:end(len)") ||
        !parse_uint(ps, UINT32_MAX, "the end sequence number", &end) ||
        !expect_punct(ps, '(', "in start:end(len)") ||
        !parse_uint(ps, 65535, "the payload length", &len) ||
        !expect_punct(ps, ')', "in start:end(len)"))
        return false;
    if ((uint32_t)(start + len) != end)
        return fail(ps, ps->tok.line, "inconsistent %u:%u(%u): end must be start + len", start, end,
                    len);
    p->seq = start;
    p->len = len;
    return true;
}

/* A hex cookie or digest, as a WORD or INT token; absent before ',' or '>'. */
static bool parse_cookie(struct parser *ps, struct tt_drill_opt *o)
{
    struct tt_drill_token *t = peek(ps);
    if (t->kind != TT_DRILL_TOK_WORD && t->kind != TT_DRILL_TOK_INT)
        return true;
    struct tt_drill_token c = next(ps);
    if (c.len % 2 != 0 || c.len / 2 > TT_DRILL_MAX_COOKIE)
        return fail(ps, c.line, "cookie '%.*s' must be an even number of hex digits (max %d)",
                    (int)c.len, c.text, TT_DRILL_MAX_COOKIE * 2);
    for (size_t i = 0; i < c.len; i += 2) {
        int hi = -1, lo = -1;
        const char *hex = "0123456789abcdef0123456789ABCDEF";
        const char *h = strchr(hex, c.text[i]), *l = strchr(hex, c.text[i + 1]);
        if (h != NULL && *h)
            hi = (int)((h - hex) % 16);
        if (l != NULL && *l)
            lo = (int)((l - hex) % 16);
        if (hi < 0 || lo < 0)
            return fail(ps, c.line, "bad hex in cookie '%.*s'", (int)c.len, c.text);
        o->cookie[o->cookie_len++] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

static bool parse_option(struct parser *ps, struct tt_drill_opt *o)
{
    struct tt_drill_token t = next(ps);
    if (t.kind != TT_DRILL_TOK_WORD)
        return fail(ps, t.line, "expected a TCP option name");
    ps->tok = t;
    ps->have_tok = true;
    if (is_word(ps, "nop") || is_word(ps, "eol") || is_word(ps, "sackOK")) {
        o->kind = is_word(ps, "nop")   ? TT_DRILL_OPT_NOP
                  : is_word(ps, "eol") ? TT_DRILL_OPT_EOL
                                       : TT_DRILL_OPT_SACKOK;
        next(ps);
        return true;
    }
    if (is_word(ps, "mss") || is_word(ps, "wscale")) {
        bool mss = is_word(ps, "mss");
        next(ps);
        o->kind = mss ? TT_DRILL_OPT_MSS : TT_DRILL_OPT_WSCALE;
        return parse_uint(ps, mss ? 65535 : 255, mss ? "the mss value" : "the wscale value",
                          &o->v1);
    }
    if (is_word(ps, "sack")) {
        next(ps);
        o->kind = TT_DRILL_OPT_SACK;
        while (peek(ps)->kind == TT_DRILL_TOK_INT) {
            if (o->nsack == TT_DRILL_MAX_SACK)
                return fail(ps, t.line, "more than %d SACK blocks", TT_DRILL_MAX_SACK);
            uint32_t *b = o->sack[o->nsack++];
            if (!parse_uint(ps, UINT32_MAX, "a SACK block start", &b[0]) ||
                !expect_punct(ps, ':', "in a SACK block") ||
                !parse_uint(ps, UINT32_MAX, "a SACK block end", &b[1]))
                return false;
        }
        return true;
    }
    if (is_word(ps, "TS")) {
        next(ps);
        o->kind = TT_DRILL_OPT_TS;
        if (!is_word(ps, "val"))
            return fail(ps, t.line, "expected 'val' after TS");
        next(ps);
        if (!parse_uint(ps, UINT32_MAX, "the TS val", &o->v1))
            return false;
        if (!is_word(ps, "ecr"))
            return fail(ps, t.line, "expected 'ecr' after the TS val");
        next(ps);
        return parse_uint(ps, UINT32_MAX, "the TS ecr", &o->v2);
    }
    if (is_word(ps, "FO") || is_word(ps, "FOEXP") || is_word(ps, "md5")) {
        o->kind = is_word(ps, "FO")    ? TT_DRILL_OPT_FO
                  : is_word(ps, "md5") ? TT_DRILL_OPT_MD5
                                       : TT_DRILL_OPT_FOEXP;
        next(ps);
        return parse_cookie(ps, o);
    }
    return fail(ps, t.line, "unknown TCP option '%.*s'", (int)t.len, t.text);
}

static bool parse_options(struct parser *ps, struct tt_drill_packet *p)
{
    p->opts_given = true;
    if (peek(ps)->kind == TT_DRILL_TOK_ELLIPSIS) {
        next(ps);
        p->opts_any = true;
        return expect_punct(ps, '>', "after <...");
    }
    if (accept_punct(ps, '>'))
        return true;
    for (;;) {
        if (p->nopts == TT_DRILL_MAX_OPTS)
            return fail(ps, peek(ps)->line, "more than %d TCP options", TT_DRILL_MAX_OPTS);
        if (!parse_option(ps, &p->opts[p->nopts++]))
            return false;
        if (accept_punct(ps, '>'))
            return true;
        if (!expect_punct(ps, ',', "between TCP options"))
            return false;
    }
}

/* [ect0] / [noecn] / (tos 0x4) / (ttl 64) before the TCP part. */
/* The rest of an ICMP line's quoted segment "[start:end(len)]" after the '['. */
static bool parse_echo(struct parser *ps, struct tt_drill_packet *p)
{
    struct tt_drill_packet q = {0};
    if (!parse_seq(ps, &q) || !expect_punct(ps, ']', "after the quoted segment"))
        return false;
    p->has_echo = true;
    p->echo_seq = q.seq;
    p->echo_len = q.len;
    return true;
}

static bool parse_ip_info(struct parser *ps, struct tt_drill_packet *p)
{
    if (accept_punct(ps, '[')) {
        if (peek(ps)->kind == TT_DRILL_TOK_INT)
            return parse_echo(ps, p);
        static const char *names[] = {"noecn", "ect0", "ect1", "ce", "ect01"};
        static const enum tt_drill_ecn vals[] = {TT_DRILL_ECN_NOECN, TT_DRILL_ECN_ECT0,
                                                 TT_DRILL_ECN_ECT1, TT_DRILL_ECN_CE,
                                                 TT_DRILL_ECN_ECT0};
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (is_word(ps, names[i])) {
                next(ps);
                p->ecn = vals[i];
                return expect_punct(ps, ']', "after the ECN codepoint");
            }
        }
        return fail(ps, peek(ps)->line, "unknown ECN codepoint in [ ]");
    }
    if (accept_punct(ps, '(')) {
        while (!accept_punct(ps, ')')) {
            uint32_t v;
            if (is_word(ps, "tos") || is_word(ps, "ttl")) {
                bool tos = is_word(ps, "tos");
                next(ps);
                if (!parse_uint(ps, 255, tos ? "the tos value" : "the ttl value", &v))
                    return false;
                if (tos) {
                    p->has_tos = true;
                    p->tos = (uint8_t)v;
                } else {
                    p->has_ttl = true;
                    p->ttl = (uint8_t)v;
                }
            } else {
                return fail(ps, peek(ps)->line, "unknown IP field in ( )");
            }
            accept_punct(ps, ',');
        }
    }
    return true;
}

static bool parse_icmp_udp(struct parser *ps, struct tt_drill_packet *p)
{
    bool icmp = is_word(ps, "icmp");
    struct tt_drill_token t = next(ps);
    if (!icmp) {
        p->proto = TT_DRILL_PROTO_UDP;
        return expect_punct(ps, '(', "after udp") &&
               parse_uint(ps, 65535, "the UDP length", &p->len) &&
               expect_punct(ps, ')', "after the UDP length");
    }
    p->proto = TT_DRILL_PROTO_ICMP;
    if (peek(ps)->kind != TT_DRILL_TOK_WORD)
        return fail(ps, t.line, "expected an ICMP type after icmp");
    t = next(ps);
    p->icmp_type = dup_text(t.text, t.len);
    if (peek(ps)->kind == TT_DRILL_TOK_WORD && !is_word(ps, "mtu")) {
        t = next(ps);
        p->icmp_code = dup_text(t.text, t.len);
    }
    if (is_word(ps, "mtu")) {
        next(ps);
        if (!parse_uint(ps, 65535, "the mtu", &p->icmp_mtu))
            return false;
    }
    if (accept_punct(ps, '['))
        return parse_echo(ps, p);
    return true;
}

static bool parse_packet(struct parser *ps, struct tt_drill_packet *p)
{
    p->dir = next(ps).punct;
    if (!parse_ip_info(ps, p))
        return false;
    if (peek(ps)->kind == TT_DRILL_TOK_INT) {
        uint32_t sp, dp;
        if (!parse_uint(ps, 65535, "the source port", &sp) ||
            !expect_punct(ps, '>', "between ports") ||
            !parse_uint(ps, 65535, "the destination port", &dp))
            return false;
        p->has_ports = true;
        p->sport = (uint16_t)sp;
        p->dport = (uint16_t)dp;
        accept_punct(ps, ':');
    }
    if (is_word(ps, "icmp") || is_word(ps, "udp"))
        return parse_icmp_udp(ps, p);
    if (!parse_flags(ps, p) || !parse_seq(ps, p))
        return false;
    for (;;) {
        if (is_word(ps, "ack") || is_word(ps, "win") || is_word(ps, "urg")) {
            char w = peek(ps)->text[0];
            next(ps);
            uint32_t v;
            if (!parse_uint(ps, w == 'a' ? UINT32_MAX : 65535, "a number", &v))
                return false;
            if (w == 'a') {
                p->has_ack = true;
                p->ack = v;
            } else if (w == 'w') {
                p->has_win = true;
                p->win = v;
            } else {
                p->has_urg = true;
                p->urg = v;
            }
        } else if (accept_punct(ps, '<')) {
            if (!parse_options(ps, p))
                return false;
            break;
        } else {
            break;
        }
    }
    if (p->dir == '<' && !p->has_win && p->proto == TT_DRILL_PROTO_TCP)
        return fail(ps, ps->tok.line, "an inbound packet needs 'win N'");
    return true;
}

/* ---- events ---- */

/* ['+'] NUMBER, in microseconds. */
static bool parse_instant(struct parser *ps, bool *relative, int64_t *usec)
{
    *relative = accept_punct(ps, '+');
    struct tt_drill_token t = next(ps);
    if (t.kind != TT_DRILL_TOK_INT && t.kind != TT_DRILL_TOK_FLOAT)
        return fail(ps, t.line, "expected a time");
    *usec = t.usec;
    return true;
}

static bool parse_time(struct parser *ps, struct tt_drill_time *tm)
{
    if (accept_punct(ps, '*')) {
        tm->kind = TT_DRILL_TIME_ANY;
        return true;
    }
    bool rel;
    if (!parse_instant(ps, &rel, &tm->usec))
        return false;
    tm->kind = rel ? TT_DRILL_TIME_RELATIVE : TT_DRILL_TIME_ABSOLUTE;
    if (accept_punct(ps, '~')) {
        tm->end_kind = TT_DRILL_END_RANGE;
        if (!parse_instant(ps, &tm->end_relative, &tm->end_usec))
            return false;
        if (tm->end_relative != rel)
            return fail(ps, ps->tok.line, "both ends of a~b must be absolute or relative");
    } else if (peek(ps)->kind == TT_DRILL_TOK_ELLIPSIS) {
        next(ps);
        tm->end_kind = TT_DRILL_END_BLOCK;
        bool erel;
        if (!parse_instant(ps, &erel, &tm->end_usec))
            return false;
        /* In "+t...e", e counts from the anchor of t, written with or without '+'. */
        tm->end_relative = rel;
    } else {
        return true;
    }
    if (tm->end_usec < tm->usec)
        return fail(ps, ps->tok.line, "time range ends before it starts");
    return true;
}

static struct tt_drill_event *push_event(struct tt_drill_script *s, int line)
{
    struct tt_drill_event *v = realloc(s->ev, (s->nev + 1) * sizeof(*v));
    if (v == NULL)
        abort();
    s->ev = v;
    memset(&v[s->nev], 0, sizeof(v[0]));
    v[s->nev].line = line;
    return &v[s->nev++];
}

static bool parse_option_line(struct parser *ps, struct tt_drill_script *s)
{
    struct tt_drill_token t = next(ps);
    struct tt_drill_option *v = realloc(s->opts, (s->nopts + 1) * sizeof(*v));
    if (v == NULL)
        abort();
    s->opts = v;
    struct tt_drill_option *o = &v[s->nopts++];
    const char *eq = memchr(t.text, '=', t.len);
    size_t nlen = eq ? (size_t)(eq - t.text) : t.len;
    o->name = dup_text(t.text, nlen);
    o->value = eq ? dup_text(eq + 1, t.len - nlen - 1) : NULL;
    o->line = t.line;
    if (s->nev > 0)
        return fail(ps, t.line, "option --%s after the first event", o->name);
    return true;
}

static bool parse_event(struct parser *ps, struct tt_drill_script *s)
{
    struct tt_drill_token *t = peek(ps);
    struct tt_drill_event *ev = push_event(s, t->line);
    if (t->kind != TT_DRILL_TOK_COMMAND && !parse_time(ps, &ev->time))
        return false;
    t = peek(ps);
    ev->line = t->line;
    if (t->kind == TT_DRILL_TOK_COMMAND || t->kind == TT_DRILL_TOK_CODE) {
        ev->kind = t->kind == TT_DRILL_TOK_COMMAND ? TT_DRILL_EV_COMMAND : TT_DRILL_EV_CODE;
        ev->text = dup_text(t->text, t->len);
        next(ps);
        return true;
    }
    if (t->kind == TT_DRILL_TOK_PUNCT && (t->punct == '<' || t->punct == '>')) {
        ev->kind = TT_DRILL_EV_PACKET;
        return parse_packet(ps, &ev->pkt);
    }
    if (t->kind == TT_DRILL_TOK_WORD) {
        ev->kind = TT_DRILL_EV_SYSCALL;
        return parse_syscall(ps, &ev->sc);
    }
    char b[64];
    return fail(ps, t->line, "expected a packet, a syscall, a `command` or %%{ code }%%, got %s",
                describe(ps, b, sizeof b));
}

int tt_drill_parse(const char *text, size_t len, const char *name,
                   const struct tt_drill_define *defs, size_t ndefs, struct tt_drill_script **out,
                   char *err, size_t errlen)
{
    struct parser ps = {.name = name ? name : "script", .err = err, .errlen = errlen};
    struct tt_drill_script *s = calloc(1, sizeof(*s));
    if (s == NULL)
        abort();
    s->name = dup_text(ps.name, strlen(ps.name));
    tt_drill_lex_init(&ps.lx, text, len, defs, ndefs);
    if (errlen > 0)
        err[0] = '\0';
    while (!ps.failed) {
        struct tt_drill_token *t = peek(&ps);
        if (t->kind == TT_DRILL_TOK_EOF)
            break;
        if (t->kind == TT_DRILL_TOK_ERROR)
            break;
        if (t->kind == TT_DRILL_TOK_OPTION)
            parse_option_line(&ps, s);
        else
            parse_event(&ps, s);
    }
    if (ps.failed) {
        tt_drill_script_free(s);
        *out = NULL;
        return -1;
    }
    *out = s;
    return 0;
}

int tt_drill_parse_file(const char *path, const struct tt_drill_define *defs, size_t ndefs,
                        struct tt_drill_script **out, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
    }
    bool ioerr = ferror(f) != 0;
    fclose(f);
    if (buf == NULL || ioerr) {
        free(buf);
        snprintf(err, errlen, "%s: read error", path);
        return -1;
    }
    int r = tt_drill_parse(buf, n, path, defs, ndefs, out, err, errlen);
    free(buf);
    return r;
}

void tt_drill_script_free(struct tt_drill_script *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nopts; i++) {
        free(s->opts[i].name);
        free(s->opts[i].value);
    }
    for (size_t i = 0; i < s->nev; i++) {
        struct tt_drill_event *e = &s->ev[i];
        free(e->text);
        free(e->pkt.icmp_type);
        free(e->pkt.icmp_code);
        free(e->sc.name);
        for (size_t j = 0; j < e->sc.nargs; j++)
            free_arg(e->sc.args[j]);
        free(e->sc.args);
        free(e->sc.errno_name);
        free(e->sc.note);
    }
    free(s->opts);
    free(s->ev);
    free(s->name);
    free(s);
}
