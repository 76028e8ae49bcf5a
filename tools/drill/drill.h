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
 *   drill_pkt.c    packets encoded, decoded and compared
 *   drill_note.c   the runner's clock, first failure and recent history
 *   drill_sys.c    the syscalls of a script on the stack's API
 *   drill_run.c    the runner: a stack, injected and captured segments
 * (each uses only the ones above it); `tether drill` itself is
 * tools/cmd/drill.c.
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
    /* ICMP: the quoted segment of ours, [start:end(len)] (script numbers,
     * relative to our ISN); without it the runner quotes the last one sent. */
    bool has_echo;
    uint32_t echo_seq, echo_len;
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

/* ---- The runner (drill_run.c, drill_sys.c, drill_note.c, drill_pkt.c) ------------ */

struct tt_drill_cfg {
    int64_t tolerance_usecs; /* 4000 (--tolerance_usecs) */
    int tolerance_permille;  /* 125: 12.5 % of the gap to the previous event */
    int64_t ts_tick_usecs;   /* 0: TS val not checked (--tcp_ts_tick_usecs) */
    bool ts_ecr_scaled;      /* --tcp_ts_ecr_scaled */
    bool strict_segments;    /* --strict_segments: no aggregation */
    uint32_t gso_mss;        /* --mss (0: none) */
    uint32_t local_ip, remote_ip;
    uint16_t bind_port, connect_port, remote_port; /* 8080, 8080, 40000 */
    uint64_t seed;                                 /* stack secret: ISNs replay */
    FILE *verbose;                                 /* each event as it runs, or NULL */
    const char *pcap_path;                         /* record the run, or NULL */
};

/* The defaults above; script option lines override them (tt_drill_apply_options). */
void tt_drill_cfg_default(struct tt_drill_cfg *cfg);
/* Apply the script's --name=value lines. -1 with msg for an unknown or bad one. */
int tt_drill_apply_options(struct tt_drill_cfg *cfg, const struct tt_drill_script *s, char *msg,
                           size_t msglen);

enum tt_drill_status { TT_DRILL_PASS, TT_DRILL_FAIL, TT_DRILL_SKIP };

struct tt_drill_result {
    enum tt_drill_status status;
    int line;         /* the script line of the failure, 0 when none */
    char reason[512]; /* one line: why it failed (or was skipped) */
};

/*
 * Run a parsed script against a fresh stack. Failure details (the line, what
 * was expected and what the stack did, the recent events) go to `report`
 * (may be NULL); the one-line summary to *res. Returns res->status.
 */
enum tt_drill_status tt_drill_run(const struct tt_drill_script *s, const struct tt_drill_cfg *cfg,
                                  FILE *report, struct tt_drill_result *res);

/* A datagram the stack sent, decoded (drill_pkt.c). */
struct tt_drill_live {
    struct tt_drill_packet pkt; /* literal numbers, ports and options as on the wire */
    uint32_t saddr, daddr;
    bool opts_ok;      /* the option bytes parsed */
    bool payload_zero; /* the payload is all zeros, as scripts write */
    bool cksum_ok;     /* IP and TCP checksums verify */
};

/* Encode an inbound line as an IPv4 datagram, numbers as given. Length or -1. */
int tt_drill_encode(const struct tt_drill_packet *p, uint32_t src, uint32_t dst, uint16_t sport,
                    uint16_t dport, uint8_t *buf, size_t cap);
/*
 * Encode an inbound ICMP line as an IPv4 datagram from `src` to `dst` quoting
 * a TCP segment of ours (IP header and the first 20 bytes of TCP: dst -> src,
 * ports and sequence number as given). Length, or -1 for an unknown type or
 * code name (why says which).
 */
int tt_drill_encode_icmp(const struct tt_drill_packet *p, uint32_t src, uint32_t dst,
                         uint16_t qsport, uint16_t qdport, uint32_t qseq, uint8_t *buf, size_t cap,
                         char *why, size_t wl);
/* Decode an IPv4/TCP datagram: 0, or -1 when it is not one. */
int tt_drill_decode(const uint8_t *frame, size_t len, struct tt_drill_live *out);
/* Compare an expected line with a sent packet (both in script numbers): flags,
 * seq, length, ack, win and urg when given, options (kinds in order, values;
 * TS values are left to the caller). false with a reason in why. */
bool tt_drill_match(const struct tt_drill_packet *want, const struct tt_drill_packet *got,
                    char *why, size_t wl);

/* ---- Runner internals: drill_note.c (clock, fail, note), drill_sys.c, drill_run.c - */

struct tt_stack;
struct tt_tcp;

#define TT_DRILL_MAX_FDS 64
#define TT_DRILL_MAX_CAPTURE 512
#define TT_DRILL_MAX_PENDING 8
#define TT_DRILL_MAX_EPOLL 8
#define TT_DRILL_HISTORY 12

enum tt_drill_fd_kind { TT_DRILL_FD_FREE, TT_DRILL_FD_TCP, TT_DRILL_FD_EPOLL };

struct tt_drill_fd {
    enum tt_drill_fd_kind kind;
    struct tt_tcp *t;
    bool nonblock;
    bool listening;
    bool shut_wr;
    bool inq;           /* TCP_INQ set: recvmsg reports TCP_CM_INQ */
    int sndbuf, rcvbuf; /* as Linux reports: twice the value set (0: default) */
    int nwatch;         /* epoll: watched fds and their event masks */
    int watch_fd[TT_DRILL_MAX_EPOLL];
    uint32_t watch_ev[TT_DRILL_MAX_EPOLL];
};

struct tt_drill_capture {
    int64_t at; /* script time of the transmit, us */
    size_t len;
    uint8_t *frame;
};

/* A blocking call in progress (t...e): retried as the stack moves on. */
struct tt_drill_pending {
    const struct tt_drill_event *ev;
    int64_t start, end; /* script times */
    int64_t done_at;    /* -1 while blocked */
    int64_t result;     /* sum so far for writes */
    int64_t wake;       /* when a timeout (poll, epoll_wait) ends, or the expected end */
};

struct tt_drill_runner {
    const struct tt_drill_script *script;
    struct tt_drill_cfg cfg;
    FILE *report;
    struct tt_drill_result *res;
    struct tt_stack *stack;
    int iface;
    void *pcap;
    int64_t now; /* script time, us; the stack's clock is base + now */
    struct tt_drill_fd fds[TT_DRILL_MAX_FDS];
    int sut; /* the socket under test: the script fd last touched, -1 */
    struct tt_drill_capture cap[TT_DRILL_MAX_CAPTURE];
    size_t cap_head, cap_count;
    /* Sequence mapping: live local seq = script seq + local_off. */
    bool have_off;
    uint32_t local_off;
    uint16_t live_local_port, live_remote_port;
    bool have_sent;         /* a TCP segment was sent: last_sent_seq is its live seq */
    uint32_t last_sent_seq; /* what an ICMP line without [seq] quotes */
    /* Outbound TS vals seen: script val -> live val. */
    size_t nts;
    uint32_t ts_script[64], ts_live[64];
    struct tt_drill_pending pending[TT_DRILL_MAX_PENDING];
    size_t npending;
    char history[TT_DRILL_HISTORY][160];
    size_t nhistory;
    bool failed;
    uint32_t link_mtu; /* `ip route ... mtu N` before the stack starts (0: 1500) */
    bool drop_egress;  /* `tc qdisc ... pfifo limit 0`: transmits are dropped */
};

/* Advance the stack's clock to script time `t`, running timers. */
void tt__drill_advance(struct tt_drill_runner *r, int64_t t);
/* Record a failure at `line` (first one wins); returns false. */
bool tt__drill_fail(struct tt_drill_runner *r, int line, enum tt_drill_status st, const char *fmt,
                    ...) __attribute__((format(printf, 4, 5)));
/* Note an event in the recent history (and print it with --verbose). */
void tt__drill_note(struct tt_drill_runner *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The stack's clock for script time t. */
uint64_t tt__drill_clock(int64_t t);

/* Start a syscall event at r->now; may register a pending blocking call. */
bool tt__drill_syscall(struct tt_drill_runner *r, const struct tt_drill_event *ev, int64_t start,
                       int64_t end);
/* Retry blocked calls; those that finish are checked against their end time. */
void tt__drill_retry_pending(struct tt_drill_runner *r);
/* The earliest time after `now` at which a blocked call must be retried (INT64_MAX: none). */
int64_t tt__drill_next_wake(const struct tt_drill_runner *r);
/* Fill a tcpi_* value of the socket under test for %{ }%. */
bool tt__drill_lookup(void *ctx, const char *name, int64_t *value);
/* Free every handle of the run. */
void tt__drill_close_all(struct tt_drill_runner *r);

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
