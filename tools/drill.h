/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * tether drill: an interpreter of the packetdrill script language that drives
 * a tether stack on the virtual clock.
 *
 * The pieces, each in its own file:
 *   drill_lex.c    tokens (numbers, words, punctuation, raw text pieces)
 *   drill_parse.c  the script AST below, with errors that name the line
 *   drill_fmt.c    packets and events printed back in packetdrill notation
 *   drill_expr.c   the %{ }% assertion language (a small Python subset)
 *   drill_run.c    the runner: a stack, injected and captured segments
 *   drill_cmd.c    `tether drill` itself
 *
 * The language subset is the one described in
 * ../shared/conformance/README.md ("The script language the interpreter must
 * support"). The AST is plain data: every string is owned by the script and
 * freed by tt_drill_script_free().
 */
#ifndef TETHER_TOOLS_DRILL_H
#define TETHER_TOOLS_DRILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- Syscall arguments ---------------------------------------------------------- */

enum tt_drill_arg_kind {
    TT_DRILL_ARG_INT,      /* 42, 0x2, -1 */
    TT_DRILL_ARG_WORD,     /* SOCK_STREAM, NULL, O_RDWR */
    TT_DRILL_ARG_STRING,   /* "192.0.2.1" */
    TT_DRILL_ARG_ELLIPSIS, /* ... */
    TT_DRILL_ARG_LIST,     /* [a, b]: items */
    TT_DRILL_ARG_STRUCT,   /* {f=v, ...}: items are FIELDs */
    TT_DRILL_ARG_FIELD,    /* name[(count)]=value: text, count (may be NULL), value */
    TT_DRILL_ARG_CALL,     /* htons(8080): text, items */
    TT_DRILL_ARG_OR,       /* a|b|c: items */
};

struct tt_drill_arg {
    enum tt_drill_arg_kind kind;
    int64_t ival;
    char *text;
    struct tt_drill_arg **items;
    size_t nitems;
    struct tt_drill_arg *count, *value; /* FIELD */
};

/* ---- Time specs ------------------------------------------------------------------ */

enum tt_drill_time_kind {
    TT_DRILL_TIME_NONE,     /* no time given (init or cleanup command) */
    TT_DRILL_TIME_ABSOLUTE, /* 1.25 */
    TT_DRILL_TIME_RELATIVE, /* +0.1 */
    TT_DRILL_TIME_ANY,      /* * */
};

enum tt_drill_end_kind {
    TT_DRILL_END_NONE,
    TT_DRILL_END_RANGE, /* a~b: the event may happen anywhere in [a, b] */
    TT_DRILL_END_BLOCK, /* t...e: a blocking call starts at t, returns at e */
};

struct tt_drill_time {
    enum tt_drill_time_kind kind;
    int64_t usec; /* absolute, or offset from the anchor */
    enum tt_drill_end_kind end_kind;
    bool end_relative; /* e counts from the same anchor as the start */
    int64_t end_usec;
};

/* ---- Packets ----------------------------------------------------------------------- */

/* Flag bits: the TCP header bits (trace.h values) plus AE in bit 8. */
#define TT_DRILL_FLAG_AE 0x100

enum tt_drill_opt_kind {
    TT_DRILL_OPT_EOL,
    TT_DRILL_OPT_NOP,
    TT_DRILL_OPT_MSS,    /* v1 */
    TT_DRILL_OPT_WSCALE, /* v1 */
    TT_DRILL_OPT_SACKOK,
    TT_DRILL_OPT_SACK,  /* nsack blocks */
    TT_DRILL_OPT_TS,    /* v1 = val, v2 = ecr */
    TT_DRILL_OPT_FO,    /* cookie (may be empty) */
    TT_DRILL_OPT_FOEXP, /* cookie (may be empty) */
    TT_DRILL_OPT_MD5,   /* cookie holds the 16-byte digest */
};

#define TT_DRILL_MAX_SACK 4
#define TT_DRILL_MAX_COOKIE 32
#define TT_DRILL_MAX_OPTS 20

struct tt_drill_opt {
    enum tt_drill_opt_kind kind;
    uint32_t v1, v2;
    uint8_t nsack;
    uint32_t sack[TT_DRILL_MAX_SACK][2];
    uint8_t cookie_len;
    uint8_t cookie[TT_DRILL_MAX_COOKIE];
};

enum tt_drill_proto { TT_DRILL_PROTO_TCP, TT_DRILL_PROTO_ICMP, TT_DRILL_PROTO_UDP };

enum tt_drill_ecn {
    TT_DRILL_ECN_UNSPEC,
    TT_DRILL_ECN_NOECN,
    TT_DRILL_ECN_ECT0,
    TT_DRILL_ECN_ECT1,
    TT_DRILL_ECN_CE
};

struct tt_drill_packet {
    char dir; /* '<' injected, '>' expected from the stack */
    enum tt_drill_proto proto;
    enum tt_drill_ecn ecn;
    bool has_tos, has_ttl;
    uint8_t tos, ttl;
    bool has_ports;
    uint16_t sport, dport;
    uint16_t flags;    /* TT_TCP_* | TT_DRILL_FLAG_AE */
    uint32_t seq, len; /* start:end(len), end = seq + len */
    bool has_ack, has_win, has_urg;
    uint32_t ack, win, urg;
    bool opts_given; /* <...> or <list> present */
    bool opts_any;   /* <...>: options not checked */
    uint8_t nopts;
    struct tt_drill_opt opts[TT_DRILL_MAX_OPTS];
    /* ICMP: type and code words, mtu; UDP: len. */
    char *icmp_type, *icmp_code;
    uint32_t icmp_mtu;
};

/* ---- Syscalls ----------------------------------------------------------------------- */

struct tt_drill_syscall {
    char *name;
    struct tt_drill_arg **args;
    size_t nargs;
    int64_t ret;
    char *errno_name; /* when ret is -1; NULL otherwise */
    char *note;       /* the free text in parentheses after the result, or NULL */
};

/* ---- Events and scripts ----------------------------------------------------------------- */

enum tt_drill_event_kind {
    TT_DRILL_EV_PACKET,
    TT_DRILL_EV_SYSCALL,
    TT_DRILL_EV_COMMAND, /* `shell command`: text */
    TT_DRILL_EV_CODE,    /* %{ python }%: text */
};

struct tt_drill_event {
    enum tt_drill_event_kind kind;
    int line;
    struct tt_drill_time time;
    struct tt_drill_packet pkt;
    struct tt_drill_syscall sc;
    char *text;
};

struct tt_drill_option {
    char *name;  /* without the leading "--" */
    char *value; /* NULL for a bare flag */
    int line;
};

struct tt_drill_script {
    char *name;
    struct tt_drill_option *opts;
    size_t nopts;
    struct tt_drill_event *ev;
    size_t nev;
};

/* A -D NAME=VALUE definition, substituted when NAME is lexed as a word. */
struct tt_drill_define {
    const char *name;
    const char *value;
};

/*
 * Parse `len` bytes of script text. `name` labels errors. On success returns 0
 * and *out owns a script (free with tt_drill_script_free). On failure returns -1
 * and writes "name:LINE: message" to err (always NUL-terminated when errlen > 0).
 */
int tt_drill_parse(const char *text, size_t len, const char *name,
                   const struct tt_drill_define *defs, size_t ndefs, struct tt_drill_script **out,
                   char *err, size_t errlen);

/* Read and parse a file; errors as for tt_drill_parse (I/O errors included). */
int tt_drill_parse_file(const char *path, const struct tt_drill_define *defs, size_t ndefs,
                        struct tt_drill_script **out, char *err, size_t errlen);

void tt_drill_script_free(struct tt_drill_script *s);

/* ---- Printing in packetdrill notation (drill_fmt.c) ---------------------------------- */

/* "> P. 1:1001(1000) ack 1 win 257 <nop,nop,TS val 100 ecr 0>"; returns strlen. */
size_t tt_drill_format_packet(const struct tt_drill_packet *p, char *buf, size_t len);
/* "write(4, ..., 1000) = 1000" or "read(4, ..., 10) = -1 EAGAIN"; returns strlen. */
size_t tt_drill_format_syscall(const struct tt_drill_syscall *sc, char *buf, size_t len);
/* One argument as written. */
size_t tt_drill_format_arg(const struct tt_drill_arg *a, char *buf, size_t len);
/* The flags word: "S.", "P.", "F.", ".", "-". */
const char *tt_drill_format_flags(uint16_t flags, char buf[12]);

/* ---- %{ }% assertions (drill_expr.c) ------------------------------------------------ */

/* Resolve a name (tcpi_snd_cwnd, ...) to a value; false when unknown. */
typedef bool (*tt_drill_lookup_fn)(void *ctx, const char *name, int64_t *value);

#define TT_DRILL_CODE_OK 0
#define TT_DRILL_CODE_FAILED 1      /* an assert was false: msg says which */
#define TT_DRILL_CODE_UNSUPPORTED 2 /* outside the supported subset, or unknown name */

/*
 * Run one %{ }% block. print() output goes to print_to (NULL: discarded).
 * Returns TT_DRILL_CODE_*; msg (NUL-terminated when msglen > 0) explains.
 */
int tt_drill_code_run(const char *code, size_t len, tt_drill_lookup_fn lookup, void *ctx,
                      FILE *print_to, char *msg, size_t msglen);

/* ---- The lexer (used by the parser; exposed for tests) ---------------------------- */

enum tt_drill_tok_kind {
    TT_DRILL_TOK_EOF,
    TT_DRILL_TOK_INT,      /* ival; usec holds the value as seconds */
    TT_DRILL_TOK_FLOAT,    /* usec: the value in microseconds (exact) */
    TT_DRILL_TOK_WORD,     /* identifiers, and hex strings such as cookies */
    TT_DRILL_TOK_STRING,   /* "...": text without quotes */
    TT_DRILL_TOK_COMMAND,  /* `...`: text without backticks */
    TT_DRILL_TOK_CODE,     /* %{...}%: text inside */
    TT_DRILL_TOK_OPTION,   /* --name[=value] up to the end of line: text without "--" */
    TT_DRILL_TOK_ELLIPSIS, /* ... */
    TT_DRILL_TOK_PUNCT,    /* one of < > ( ) [ ] { } , : = | + - ~ . * ; & */
    TT_DRILL_TOK_ERROR,    /* text holds the message */
};

struct tt_drill_token {
    enum tt_drill_tok_kind kind;
    int line;
    const char *text; /* points into the source (or into a define, or the message) */
    size_t len;
    int64_t ival;
    int64_t usec;
    char punct;
};

struct tt_drill_lexer {
    const char *p, *end;
    int line;
    bool line_start; /* nothing but blanks seen on this line so far */
    const struct tt_drill_define *defs;
    size_t ndefs;
    char msg[128];
};

void tt_drill_lex_init(struct tt_drill_lexer *lx, const char *text, size_t len,
                       const struct tt_drill_define *defs, size_t ndefs);
/* The next token; EOF forever at the end. */
struct tt_drill_token tt_drill_lex_next(struct tt_drill_lexer *lx);
/* Raw text up to the ')' that closes an already consumed '(' (nesting counted);
 * the ')' is consumed. Returns false at end of input. */
bool tt_drill_lex_raw_paren(struct tt_drill_lexer *lx, const char **text, size_t *len);

#endif
