/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packetdrill lexer. Whitespace and newlines separate tokens and mean
 * nothing else (a sendmsg() call or a %{ }% block may span lines). Numbers
 * keep their exact value in microseconds so that ".005" is 5000 us, not a
 * rounded double. Three pieces are taken raw: `commands`, %{ code }% and the
 * free text after a syscall result, which the parser asks for explicitly.
 */
#include <string.h>

#include "drill.h"

void tt_drill_lex_init(struct tt_drill_lexer *lx, const char *text, size_t len,
                       const struct tt_drill_define *defs, size_t ndefs)
{
    memset(lx, 0, sizeof(*lx));
    lx->p = text;
    lx->end = text + len;
    lx->line = 1;
    lx->line_start = true;
    lx->defs = defs;
    lx->ndefs = ndefs;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool is_alnum(char c)
{
    return is_alpha(c) || is_digit(c);
}

static int hex_val(char c)
{
    if (is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static struct tt_drill_token error_tok(struct tt_drill_lexer *lx, const char *msg)
{
    struct tt_drill_token t = {.kind = TT_DRILL_TOK_ERROR, .line = lx->line};
    size_t n = strlen(msg);
    if (n >= sizeof(lx->msg))
        n = sizeof(lx->msg) - 1;
    memcpy(lx->msg, msg, n);
    lx->msg[n] = '\0';
    t.text = lx->msg;
    t.len = n;
    return t;
}

/* Skip blanks and comments, counting lines. Returns false on an unclosed comment. */
static bool skip_space(struct tt_drill_lexer *lx)
{
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n') {
            lx->line++;
            lx->line_start = true;
            lx->p++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            lx->p++;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '/') {
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
        } else if (c == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
            lx->p += 2;
            for (;;) {
                if (lx->p + 1 >= lx->end)
                    return false;
                if (lx->p[0] == '*' && lx->p[1] == '/')
                    break;
                if (*lx->p == '\n')
                    lx->line++;
                lx->p++;
            }
            lx->p += 2;
        } else {
            return true;
        }
    }
    return true;
}

/* Raw text between `open` (already consumed) and the two-byte or one-byte close. */
static struct tt_drill_token lex_raw(struct tt_drill_lexer *lx, enum tt_drill_tok_kind kind,
                                     const char *close, const char *what)
{
    struct tt_drill_token t = {.kind = kind, .line = lx->line};
    size_t clen = strlen(close);
    const char *start = lx->p;
    while (lx->p + clen <= lx->end && memcmp(lx->p, close, clen) != 0) {
        if (*lx->p == '\n')
            lx->line++;
        lx->p++;
    }
    if (lx->p + clen > lx->end) {
        lx->p = lx->end;
        return error_tok(lx, what);
    }
    t.text = start;
    t.len = (size_t)(lx->p - start);
    lx->p += clen;
    return t;
}

/* Exact decimal: integer part and up to six fraction digits, in microseconds. */
static struct tt_drill_token lex_number(struct tt_drill_lexer *lx)
{
    struct tt_drill_token t = {.kind = TT_DRILL_TOK_INT, .line = lx->line, .text = lx->p};
    const char *p = lx->p;
    uint64_t v = 0;
    bool overflow = false;
    if (p + 1 < lx->end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && p + 2 < lx->end &&
        hex_val(p[2]) >= 0) {
        p += 2;
        while (p < lx->end && hex_val(*p) >= 0) {
            overflow |= v > (UINT64_MAX >> 4);
            v = (v << 4) | (uint64_t)hex_val(*p++);
        }
    } else {
        while (p < lx->end && is_digit(*p)) {
            overflow |= v > (UINT64_MAX - 9) / 10;
            v = v * 10 + (uint64_t)(*p++ - '0');
        }
        /* A '.' belongs to the number unless it starts "..." (as in "+0...0.1"). */
        if (p < lx->end && *p == '.' && !(p + 1 < lx->end && p[1] == '.')) {
            uint64_t frac = 0, scale = 1000000;
            p++;
            t.kind = TT_DRILL_TOK_FLOAT;
            while (p < lx->end && is_digit(*p)) {
                if (scale > 1) {
                    scale /= 10;
                    frac += (uint64_t)(*p - '0') * scale;
                }
                p++;
            }
            overflow |= v > (uint64_t)INT64_MAX / 1000000;
            t.usec = (int64_t)(v * 1000000 + frac);
        }
    }
    /* Digits running into letters ("3021b9d8...") make a word: a hex cookie. */
    if (p < lx->end && is_alnum(*p)) {
        while (p < lx->end && is_alnum(*p))
            p++;
        t.kind = TT_DRILL_TOK_WORD;
    } else if (overflow || v > (uint64_t)INT64_MAX) {
        lx->p = p;
        return error_tok(lx, "number too large");
    }
    if (t.kind == TT_DRILL_TOK_INT) {
        t.ival = (int64_t)v;
        t.usec = v > (uint64_t)INT64_MAX / 1000000 ? INT64_MAX : (int64_t)v * 1000000;
    }
    t.len = (size_t)(p - lx->p);
    lx->p = p;
    return t;
}

/* Replace a defined word by its value (lexed as a number when it is one). */
static struct tt_drill_token substitute(struct tt_drill_lexer *lx, struct tt_drill_token t)
{
    for (size_t i = 0; i < lx->ndefs; i++) {
        const char *n = lx->defs[i].name;
        if (strlen(n) == t.len && memcmp(n, t.text, t.len) == 0) {
            struct tt_drill_lexer sub;
            const char *v = lx->defs[i].value;
            tt_drill_lex_init(&sub, v, strlen(v), NULL, 0);
            struct tt_drill_token r = tt_drill_lex_next(&sub);
            if (r.kind == TT_DRILL_TOK_INT || r.kind == TT_DRILL_TOK_FLOAT ||
                (r.kind == TT_DRILL_TOK_WORD && r.len == strlen(v))) {
                r.line = t.line;
                return r;
            }
            t.text = v;
            t.len = strlen(v);
            return t;
        }
    }
    return t;
}

static struct tt_drill_token lex_string(struct tt_drill_lexer *lx)
{
    struct tt_drill_token t = {.kind = TT_DRILL_TOK_STRING, .line = lx->line};
    const char *start = ++lx->p;
    while (lx->p < lx->end && *lx->p != '"' && *lx->p != '\n') {
        if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\n')
            lx->p++;
        lx->p++;
    }
    if (lx->p >= lx->end || *lx->p != '"')
        return error_tok(lx, "unterminated string");
    t.text = start;
    t.len = (size_t)(lx->p - start);
    lx->p++;
    return t;
}

struct tt_drill_token tt_drill_lex_next(struct tt_drill_lexer *lx)
{
    if (!skip_space(lx))
        return error_tok(lx, "unterminated /* comment");
    struct tt_drill_token t = {.kind = TT_DRILL_TOK_EOF, .line = lx->line, .text = lx->p};
    bool line_start = lx->line_start;
    lx->line_start = false;
    if (lx->p >= lx->end)
        return t;
    char c = *lx->p;
    char n = lx->p + 1 < lx->end ? lx->p[1] : '\0';
    char n2 = lx->p + 2 < lx->end ? lx->p[2] : '\0';
    if (line_start && c == '-' && n == '-' && is_alpha(n2)) {
        const char *start = lx->p + 2;
        while (lx->p < lx->end && *lx->p != '\n' && *lx->p != '\r')
            lx->p++;
        const char *e = lx->p;
        while (e > start && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        t.kind = TT_DRILL_TOK_OPTION;
        t.text = start;
        t.len = (size_t)(e - start);
        return t;
    }
    if (is_digit(c) || (c == '.' && is_digit(n)))
        return lex_number(lx);
    if (is_alpha(c)) {
        while (lx->p < lx->end && is_alnum(*lx->p))
            lx->p++;
        t.kind = TT_DRILL_TOK_WORD;
        t.len = (size_t)(lx->p - t.text);
        return substitute(lx, t);
    }
    if (c == '.' && n == '.' && n2 == '.') {
        lx->p += 3;
        t.kind = TT_DRILL_TOK_ELLIPSIS;
        t.len = 3;
        return t;
    }
    if (c == '"')
        return lex_string(lx);
    if (c == '`') {
        lx->p++;
        return lex_raw(lx, TT_DRILL_TOK_COMMAND, "`", "unterminated ` command");
    }
    if (c == '%' && n == '{') {
        lx->p += 2;
        return lex_raw(lx, TT_DRILL_TOK_CODE, "}%", "unterminated %{ code block");
    }
    if (strchr("<>()[]{},:=|+-~.*;&", c) != NULL) {
        lx->p++;
        t.kind = TT_DRILL_TOK_PUNCT;
        t.punct = c;
        t.len = 1;
        return t;
    }
    lx->p++;
    return error_tok(lx, "unexpected character");
}

bool tt_drill_lex_raw_paren(struct tt_drill_lexer *lx, const char **text, size_t *len)
{
    int depth = 1;
    const char *start = lx->p;
    while (lx->p < lx->end) {
        char c = *lx->p;
        if (c == '\n')
            lx->line++;
        if (c == '(')
            depth++;
        if (c == ')' && --depth == 0) {
            *text = start;
            *len = (size_t)(lx->p - start);
            lx->p++;
            return true;
        }
        lx->p++;
    }
    return false;
}
