/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The %{ }% assertion language: the small subset of Python that packetdrill
 * scripts write against a TCP_INFO snapshot, evaluated by tether itself (no
 * Python). Statements are separated by newlines or ';' (a backslash joins
 * lines, '#' starts a comment):
 *   assert EXPR [, MESSAGE]      NAME = EXPR      NAME += EXPR (-=, *=)
 *   print(EXPR, ...)             pass
 * Expressions: integers, 'strings', names, True/False, ( ), unary - + ~ not,
 * * / // % (and STRING % value), + -, << >>, &, ^, |, comparisons (chained:
 * a <= b <= c), and, or. Names come from the caller's lookup (tcpi_* of the
 * socket under test), from the Linux constants below, or from assignments.
 * Anything else is "unsupported", which the runner reports as a skip, not a
 * failure.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "drill.h"

/* Linux constants the scripts name (include/uapi/linux/tcp.h values). */
static const struct {
    const char *name;
    int64_t value;
} constants[] = {
    {"TCP_CA_Open", 0},
    {"TCP_CA_Disorder", 1},
    {"TCP_CA_CWR", 2},
    {"TCP_CA_Recovery", 3},
    {"TCP_CA_Loss", 4},
    {"TCP_ESTABLISHED", 1},
    {"TCP_SYN_SENT", 2},
    {"TCP_SYN_RECV", 3},
    {"TCP_FIN_WAIT1", 4},
    {"TCP_FIN_WAIT2", 5},
    {"TCP_TIME_WAIT", 6},
    {"TCP_CLOSE", 7},
    {"TCP_CLOSE_WAIT", 8},
    {"TCP_LAST_ACK", 9},
    {"TCP_LISTEN", 10},
    {"TCP_CLOSING", 11},
    {"TCPI_OPT_TIMESTAMPS", 1},
    {"TCPI_OPT_SACK", 2},
    {"TCPI_OPT_WSCALE", 4},
    {"TCPI_OPT_ECN", 8},
    {"TCPI_OPT_SYN_DATA", 32},
    {"TCPI_OPT_ECN_SEEN", 16},
    {"TCPI_OPT_SYN_DATA", 32},
    {"TCPI_OPT_USEC_TS", 64},
    {"True", 1},
    {"False", 0},
};

#define MAX_LOCALS 32
#define NAME_MAX_LEN 64
#define STR_MAX 160

struct value {
    bool is_str;
    int64_t i;
    char s[STR_MAX];
};

struct eval {
    const char *p, *end;
    int paren; /* newlines inside ( ) do not end a statement */
    tt_drill_lookup_fn lookup;
    void *ctx;
    FILE *print_to;
    int status; /* TT_DRILL_CODE_* */
    char *msg;
    size_t msglen;
    size_t nlocals;
    char local_names[MAX_LOCALS][NAME_MAX_LEN];
    int64_t local_vals[MAX_LOCALS];
};

static void set_status(struct eval *ev, int status, const char *fmt, ...)
{
    if (ev->status != TT_DRILL_CODE_OK)
        return;
    ev->status = status;
    if (ev->msglen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ev->msg, ev->msglen, fmt, ap);
        va_end(ap);
    }
}

static bool ok(const struct eval *ev)
{
    return ev->status == TT_DRILL_CODE_OK;
}

/* Skip blanks, comments and (inside parentheses, or escaped) newlines. */
static void skip(struct eval *ev)
{
    while (ev->p < ev->end) {
        char c = *ev->p;
        if (c == ' ' || c == '\t' || c == '\r')
            ev->p++;
        else if (c == '\\' && ev->p + 1 < ev->end && ev->p[1] == '\n')
            ev->p += 2;
        else if (c == '\\' && ev->p + 2 < ev->end && ev->p[1] == '\r' && ev->p[2] == '\n')
            ev->p += 3;
        else if (c == '#')
            while (ev->p < ev->end && *ev->p != '\n')
                ev->p++;
        else if (c == '\n' && ev->paren > 0)
            ev->p++;
        else
            break;
    }
}

static bool is_name_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_name_char(char c)
{
    return is_name_start(c) || (c >= '0' && c <= '9');
}

/* Accept the operator or keyword `s` at the cursor (keywords need a word boundary). */
static bool eat(struct eval *ev, const char *s)
{
    skip(ev);
    size_t n = strlen(s);
    if ((size_t)(ev->end - ev->p) < n || memcmp(ev->p, s, n) != 0)
        return false;
    if (is_name_start(s[0]) && ev->p + n < ev->end && is_name_char(ev->p[n]))
        return false;
    /* "<" must not eat the start of "<=" or "<<"; likewise for the others. */
    if (n == 1 && ev->p + 1 < ev->end && strchr("<>=!*/", s[0]) &&
        (ev->p[1] == '=' || (ev->p[1] == s[0] && s[0] != '=' && s[0] != '!')))
        return false;
    if (n == 1 && strchr("+-|&^%", s[0]) && ev->p + 1 < ev->end && ev->p[1] == '=')
        return false;
    ev->p += n;
    return true;
}

static bool at_statement_end(struct eval *ev)
{
    skip(ev);
    return ev->p >= ev->end || *ev->p == '\n' || *ev->p == ';';
}

static bool lookup_name(struct eval *ev, const char *name, int64_t *v)
{
    for (size_t i = 0; i < ev->nlocals; i++) {
        if (strcmp(ev->local_names[i], name) == 0) {
            *v = ev->local_vals[i];
            return true;
        }
    }
    if (ev->lookup != NULL && ev->lookup(ev->ctx, name, v))
        return true;
    for (size_t i = 0; i < sizeof(constants) / sizeof(constants[0]); i++) {
        if (strcmp(constants[i].name, name) == 0) {
            *v = constants[i].value;
            return true;
        }
    }
    return false;
}

static bool read_name(struct eval *ev, char name[NAME_MAX_LEN])
{
    skip(ev);
    size_t n = 0;
    if (ev->p >= ev->end || !is_name_start(*ev->p))
        return false;
    while (ev->p < ev->end && is_name_char(*ev->p)) {
        if (n + 1 < NAME_MAX_LEN)
            name[n++] = *ev->p;
        ev->p++;
    }
    name[n] = '\0';
    return true;
}

static struct value expr_or(struct eval *ev);

static struct value int_value(int64_t i)
{
    struct value v = {.i = i};
    return v;
}

static int64_t as_int(struct eval *ev, const struct value *v)
{
    if (v->is_str)
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "string used as a number");
    return v->i;
}

static struct value atom_string(struct eval *ev)
{
    struct value v = {.is_str = true};
    char q = *ev->p++;
    size_t n = 0;
    while (ev->p < ev->end && *ev->p != q && *ev->p != '\n') {
        if (n + 1 < STR_MAX)
            v.s[n++] = *ev->p;
        ev->p++;
    }
    if (ev->p >= ev->end || *ev->p != q)
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unterminated string");
    else
        ev->p++;
    v.s[n] = '\0';
    return v;
}

static struct value atom(struct eval *ev)
{
    skip(ev);
    if (ev->p >= ev->end) {
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "expression expected");
        return int_value(0);
    }
    char c = *ev->p;
    if (eat(ev, "(")) {
        ev->paren++;
        struct value v = expr_or(ev);
        if (!eat(ev, ")"))
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "')' expected");
        ev->paren--;
        return v;
    }
    if (c == '\'' || c == '"')
        return atom_string(ev);
    if (c >= '0' && c <= '9') {
        uint64_t v = 0;
        bool hex = c == '0' && ev->p + 1 < ev->end && (ev->p[1] == 'x' || ev->p[1] == 'X');
        if (hex)
            ev->p += 2;
        for (; ev->p < ev->end; ev->p++) {
            char d = *ev->p;
            int dv = d >= '0' && d <= '9'          ? d - '0'
                     : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10
                     : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10
                                                   : -1;
            if (dv < 0)
                break;
            v = v * (hex ? 16 : 10) + (uint64_t)dv;
        }
        if (ev->p < ev->end && (*ev->p == '.' || is_name_char(*ev->p)))
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unsupported number literal");
        return int_value((int64_t)v);
    }
    char name[NAME_MAX_LEN];
    if (read_name(ev, name)) {
        int64_t v = 0;
        skip(ev);
        if (ev->p < ev->end && (*ev->p == '(' || *ev->p == '[' || *ev->p == '.'))
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unsupported construct after '%s'", name);
        else if (!lookup_name(ev, name, &v))
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unknown name '%s'", name);
        return int_value(v);
    }
    set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unexpected '%c'", c);
    return int_value(0);
}

static struct value unary(struct eval *ev)
{
    if (eat(ev, "-")) {
        struct value v = unary(ev);
        return int_value((int64_t)(0 - (uint64_t)as_int(ev, &v)));
    }
    if (eat(ev, "+"))
        return unary(ev);
    if (eat(ev, "~")) {
        struct value v = unary(ev);
        return int_value(~as_int(ev, &v));
    }
    return atom(ev);
}

/* Python's % on a string: '%d' and '%s' with one value. */
static struct value format_string(struct eval *ev, const struct value *fmt, const struct value *arg)
{
    struct value r = {.is_str = true};
    size_t n = 0;
    for (const char *f = fmt->s; *f && n + 1 < STR_MAX; f++) {
        if (f[0] == '%' && (f[1] == 'd' || f[1] == 's' || f[1] == 'u')) {
            char tmp[STR_MAX];
            if (arg->is_str)
                snprintf(tmp, sizeof tmp, "%s", arg->s);
            else
                snprintf(tmp, sizeof tmp, "%" PRId64, arg->i);
            for (const char *t = tmp; *t && n + 1 < STR_MAX; t++)
                r.s[n++] = *t;
            f++;
        } else {
            r.s[n++] = *f;
        }
    }
    r.s[n] = '\0';
    (void)ev;
    return r;
}

static struct value term(struct eval *ev)
{
    struct value l = unary(ev);
    for (;;) {
        int op = eat(ev, "//")  ? 'd'
                 : eat(ev, "*") ? '*'
                 : eat(ev, "/") ? '/'
                 : eat(ev, "%") ? '%'
                                : 0;
        if (op == 0 || !ok(ev))
            return l;
        struct value r = unary(ev);
        if (op == '%' && l.is_str) {
            l = format_string(ev, &l, &r);
            continue;
        }
        int64_t a = as_int(ev, &l), b = as_int(ev, &r);
        if (op == '*') {
            l = int_value((int64_t)((uint64_t)a * (uint64_t)b));
            continue;
        }
        if (b == 0 || (a == INT64_MIN && b == -1)) {
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "division by zero");
            return l;
        }
        if (op == '/' && a % b != 0) {
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "true division (a float) is not supported");
            return l;
        }
        /* Python rounds // and % toward minus infinity. */
        int64_t q = a / b, m = a % b;
        if (m != 0 && ((m < 0) != (b < 0))) {
            q--;
            m += b;
        }
        l = int_value(op == '%' ? m : q);
    }
}

static struct value arith(struct eval *ev)
{
    struct value l = term(ev);
    for (;;) {
        int op = eat(ev, "+") ? '+' : eat(ev, "-") ? '-' : 0;
        if (op == 0 || !ok(ev))
            return l;
        struct value r = term(ev);
        uint64_t a = (uint64_t)as_int(ev, &l), b = (uint64_t)as_int(ev, &r);
        l = int_value((int64_t)(op == '+' ? a + b : a - b));
    }
}

static struct value shift(struct eval *ev)
{
    struct value l = arith(ev);
    for (;;) {
        int op = eat(ev, "<<") ? 'l' : eat(ev, ">>") ? 'r' : 0;
        if (op == 0 || !ok(ev))
            return l;
        struct value r = arith(ev);
        int64_t a = as_int(ev, &l), b = as_int(ev, &r);
        if (b < 0 || b > 62) {
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "shift count out of range");
            return l;
        }
        l = int_value(op == 'l' ? (int64_t)((uint64_t)a << b) : a >> b);
    }
}

/* &, ^ and | in Python's order of binding. */
static struct value bitwise(struct eval *ev, int level)
{
    static const char *ops[] = {"|", "^", "&"};
    struct value l = level == 2 ? shift(ev) : bitwise(ev, level + 1);
    while (ok(ev) && eat(ev, ops[level])) {
        struct value r = level == 2 ? shift(ev) : bitwise(ev, level + 1);
        int64_t a = as_int(ev, &l), b = as_int(ev, &r);
        l = int_value(level == 0 ? (a | b) : level == 1 ? (a ^ b) : (a & b));
    }
    return l;
}

static int comparison_op(struct eval *ev)
{
    return eat(ev, "==")   ? 'e'
           : eat(ev, "!=") ? 'n'
           : eat(ev, "<=") ? 'l'
           : eat(ev, ">=") ? 'g'
           : eat(ev, "<")  ? '<'
           : eat(ev, ">")  ? '>'
                           : 0;
}

/* a < b <= c means a < b and b <= c (Python's chained comparison). */
static struct value comparison(struct eval *ev)
{
    struct value l = bitwise(ev, 0);
    int op = comparison_op(ev);
    if (op == 0)
        return l;
    bool all = true;
    while (op != 0 && ok(ev)) {
        struct value r = bitwise(ev, 0);
        int64_t a = as_int(ev, &l), b = as_int(ev, &r);
        bool t = op == 'e'   ? a == b
                 : op == 'n' ? a != b
                 : op == 'l' ? a <= b
                 : op == 'g' ? a >= b
                 : op == '<' ? a < b
                             : a > b;
        all = all && t;
        l = r;
        op = comparison_op(ev);
    }
    return int_value(all);
}

static struct value expr_not(struct eval *ev)
{
    if (eat(ev, "not")) {
        struct value v = expr_not(ev);
        return int_value(as_int(ev, &v) == 0);
    }
    return comparison(ev);
}

static struct value expr_and(struct eval *ev)
{
    struct value l = expr_not(ev);
    while (ok(ev) && eat(ev, "and")) {
        struct value r = expr_not(ev);
        int64_t a = as_int(ev, &l);
        l = a == 0 ? int_value(a) : r;
    }
    return l;
}

static struct value expr_or(struct eval *ev)
{
    struct value l = expr_and(ev);
    while (ok(ev) && eat(ev, "or")) {
        struct value r = expr_and(ev);
        l = as_int(ev, &l) != 0 ? l : r;
    }
    return l;
}

static void value_text(const struct value *v, char *buf, size_t len)
{
    if (v->is_str)
        snprintf(buf, len, "%s", v->s);
    else
        snprintf(buf, len, "%" PRId64, v->i);
}

/* The source text of [from, to), trimmed, for failure messages. */
static void source_text(const char *from, const char *to, char *buf, size_t len)
{
    while (from < to && (*from == ' ' || *from == '\t'))
        from++;
    while (to > from && (to[-1] == ' ' || to[-1] == '\t' || to[-1] == '\n'))
        to--;
    snprintf(buf, len, "%.*s", (int)(to - from), from);
}

static void stmt_assert(struct eval *ev)
{
    const char *start = ev->p;
    struct value v = expr_or(ev);
    const char *stop = ev->p;
    struct value m = {.is_str = true};
    bool has_msg = false;
    if (ok(ev) && eat(ev, ",")) {
        m = expr_or(ev);
        has_msg = true;
    }
    if (!ok(ev) || as_int(ev, &v) != 0)
        return;
    char src[160], mt[STR_MAX];
    source_text(start, stop, src, sizeof src);
    value_text(&m, mt, sizeof mt);
    set_status(ev, TT_DRILL_CODE_FAILED, "assert %s failed%s%s", src, has_msg ? ": " : "",
               has_msg ? mt : "");
}

static void stmt_assign(struct eval *ev, const char *name, char op)
{
    struct value v = expr_or(ev);
    int64_t x = as_int(ev, &v), old = 0;
    if (!ok(ev))
        return;
    if (op != '=' && !lookup_name(ev, name, &old)) {
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unknown name '%s'", name);
        return;
    }
    if (op == '+')
        x = (int64_t)((uint64_t)old + (uint64_t)x);
    else if (op == '-')
        x = (int64_t)((uint64_t)old - (uint64_t)x);
    else if (op == '*')
        x = (int64_t)((uint64_t)old * (uint64_t)x);
    for (size_t i = 0; i < ev->nlocals; i++) {
        if (strcmp(ev->local_names[i], name) == 0) {
            ev->local_vals[i] = x;
            return;
        }
    }
    if (ev->nlocals == MAX_LOCALS) {
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "too many variables");
        return;
    }
    snprintf(ev->local_names[ev->nlocals], NAME_MAX_LEN, "%s", name);
    ev->local_vals[ev->nlocals++] = x;
}

static void stmt_print(struct eval *ev)
{
    if (!eat(ev, "(")) {
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "print needs parentheses");
        return;
    }
    ev->paren++;
    bool first = true;
    while (ok(ev) && !eat(ev, ")")) {
        if (!first && !eat(ev, ",")) {
            set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "',' expected in print()");
            break;
        }
        struct value v = expr_or(ev);
        char t[STR_MAX];
        value_text(&v, t, sizeof t);
        if (ok(ev) && ev->print_to != NULL)
            fprintf(ev->print_to, "%s%s", first ? "" : " ", t);
        first = false;
    }
    ev->paren--;
    if (ev->print_to != NULL)
        fputc('\n', ev->print_to);
}

static void statement(struct eval *ev)
{
    char name[NAME_MAX_LEN];
    const char *save = ev->p;
    if (eat(ev, "assert")) {
        stmt_assert(ev);
    } else if (eat(ev, "pass")) {
    } else if (eat(ev, "print")) {
        stmt_print(ev);
    } else if (read_name(ev, name)) {
        char op = eat(ev, "+=")   ? '+'
                  : eat(ev, "-=") ? '-'
                  : eat(ev, "*=") ? '*'
                  : eat(ev, "=")  ? '='
                                  : 0;
        if (op != 0) {
            stmt_assign(ev, name, op);
        } else {
            /* A bare expression statement: evaluated, result unused. */
            ev->p = save;
            expr_or(ev);
        }
    } else {
        expr_or(ev);
    }
    if (ok(ev) && !at_statement_end(ev))
        set_status(ev, TT_DRILL_CODE_UNSUPPORTED, "unexpected text '%.*s'",
                   (int)(ev->end - ev->p < 20 ? ev->end - ev->p : 20), ev->p);
}

int tt_drill_code_run(const char *code, size_t len, tt_drill_lookup_fn lookup, void *ctx,
                      FILE *print_to, char *msg, size_t msglen)
{
    struct eval ev = {.p = code,
                      .end = code + len,
                      .lookup = lookup,
                      .ctx = ctx,
                      .print_to = print_to,
                      .msg = msg,
                      .msglen = msglen};
    if (msglen > 0)
        msg[0] = '\0';
    while (ok(&ev)) {
        skip(&ev);
        while (ev.p < ev.end && (*ev.p == '\n' || *ev.p == ';')) {
            ev.p++;
            skip(&ev);
        }
        if (ev.p >= ev.end)
            break;
        statement(&ev);
    }
    return ev.status;
}
