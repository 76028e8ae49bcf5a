/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTTP/1.1 for the tether command (RFC 9110 semantics, RFC 9112 syntax): a
 * pure parser, a static-file server and a download client, all over tether's
 * TCP handles. Applications are not the core: nothing here is in src/.
 *
 * The parser (http_parse.c) does no I/O and keeps no state between calls. It
 * points into the caller's buffer (nothing is copied), and returns the bytes
 * consumed, or a negative TT_HTTP_E* code; TT_HTTP_EPARTIAL means "a valid
 * prefix: call again with more bytes". It reads only buf[0..len).
 *
 * The server (http_server.c) serves one directory on a listening handle; the
 * client (http_get.c) is `tether get`.
 */
#ifndef TETHER_TOOLS_HTTP_H
#define TETHER_TOOLS_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <tether/time.h>

/* ---- the parser ---- */

#define TT_HTTP_EBAD (-1)       /* malformed: answer 400 and close */
#define TT_HTTP_EPARTIAL (-2)   /* a valid prefix; more bytes needed */
#define TT_HTTP_EVERSION (-3)   /* well-formed, but not HTTP/1.x: answer 505 */
#define TT_HTTP_ETOOMANY (-4)   /* more header fields than the caller's array holds (431) */
#define TT_HTTP_EFORBIDDEN (-5) /* a target that leaves the root ("..", "%2e%2e", NUL) */

struct tt_http_header {
    const char *name, *value; /* into the buffer; value without leading/trailing OWS */
    size_t name_len, value_len;
};

struct tt_http_request {
    const char *method, *target;
    size_t method_len, target_len;
    int major, minor;               /* HTTP/major.minor */
    struct tt_http_header *headers; /* the caller's array ... */
    size_t max_headers;             /* ... and its size (in) */
    size_t num_headers;             /* fields found (out) */
};

struct tt_http_response {
    int major, minor;
    int status; /* 100..999 */
    const char *reason;
    size_t reason_len;
    struct tt_http_header *headers;
    size_t max_headers, num_headers;
};

/*
 * Parse a request line and its header fields up to and including the empty
 * line (RFC 9112 §2-§5). Returns the bytes of the head (the body, if any,
 * follows), TT_HTTP_EPARTIAL, TT_HTTP_EBAD, TT_HTTP_EVERSION or
 * TT_HTTP_ETOOMANY. Empty lines before the request line are skipped (§2.2);
 * a bare LF ends a line as CRLF does (§2.2); whitespace before a field's
 * colon, obsolete line folding and control characters are refused (§5.1,
 * §5.2, RFC 9110 §5.5).
 */
int tt_http_parse_request(const char *buf, size_t len, struct tt_http_request *req);

/* The same for a status line and its fields (RFC 9112 §4). */
int tt_http_parse_response(const char *buf, size_t len, struct tt_http_response *resp);

/* The first field called `name` (case-insensitive), or NULL. */
const struct tt_http_header *tt_http_find(const struct tt_http_header *h, size_t n,
                                          const char *name);

/* 1 when the comma-separated list in (v, len) holds `token` (case-insensitive),
 * as Connection: close or Transfer-Encoding: chunked are written. */
int tt_http_has_token(const char *v, size_t len, const char *token);

/*
 * A Content-Length value (RFC 9110 §8.6): 1*DIGIT, at most 2^62. Repeated
 * identical values ("5, 5") are accepted as §8.6 allows. 0 or TT_HTTP_EBAD.
 */
int tt_http_content_length(const char *v, size_t len, uint64_t *out);

/*
 * A Range field against a representation of `size` bytes (RFC 9110 §14.2):
 * one byte range "bytes=a-b", "bytes=a-" or "bytes=-n". Returns 1 with the
 * inclusive [*first, *last] when satisfiable, 0 when the field is to be
 * ignored (another unit, several ranges, malformed: the server may send the
 * whole representation), or -1 when no byte of it exists (416).
 */
int tt_http_parse_range(const char *v, size_t len, uint64_t size, uint64_t *first, uint64_t *last);

/*
 * The path of a request target (origin-form "/a/b?q", or absolute-form
 * "http://host/a/b", RFC 9112 §3.2), percent-decoded into out (cap bytes,
 * NUL-terminated), the query dropped, "//" collapsed. Refuses
 * (TT_HTTP_EFORBIDDEN) any "." or ".." segment, raw or encoded, and an
 * encoded NUL; TT_HTTP_EBAD for another form or a bad escape; TT_HTTP_ETOOMANY
 * when out is too small. Returns the length of out, which starts with '/'.
 */
int tt_http_target_path(const char *target, size_t len, char *out, size_t cap);

/* The media type for a file name's extension ("application/octet-stream" otherwise). */
const char *tt_http_content_type(const char *name);

/* The reason phrase of a status code ("" for one not listed). */
const char *tt_http_reason(int status);

/* ---- the server ---- */

struct tt_stack;
struct tt_tcp;

struct tt_http_server_config {
    const char *root;      /* the directory served */
    size_t max_head;       /* request head limit, bytes (default 8192): 431 past it */
    tt_time idle_timeout;  /* close a connection idle this long (default 60 s) */
    unsigned max_requests; /* per connection (default 1000), then close */
    int no_listing;        /* 1: a directory without index.html is 403, not a listing */
    void (*log)(void *ctx, const char *line); /* one line per request; may be NULL */
    void *log_ctx;
};

struct tt_http_server;

/* Check the root (must be a directory) and fill defaults. 0 or a negative
 * TT_E* code with a message in err. */
int tt_http_server_create(const struct tt_http_server_config *cfg, struct tt_http_server **out,
                          char *err, size_t errlen);
void tt_http_server_destroy(struct tt_http_server *srv);

/* Per-connection state, one per accepted handle; owns the handle. */
struct tt_http_conn;
struct tt_http_conn *tt_http_conn_new(struct tt_http_server *srv, struct tt_tcp *t, tt_time now);

/*
 * Do what the connection can now: read and parse requests, send responses
 * (file bytes as the send buffer takes them), close as HTTP/1.x says.
 * Returns 1 while the connection lives (*deadline: when to call again at the
 * latest), 0 when it is finished (then tt_http_conn_free it).
 */
int tt_http_conn_step(struct tt_http_conn *c, tt_time now, tt_time *deadline);

/* Close the handle (gracefully when possible) and free. */
void tt_http_conn_free(struct tt_http_conn *c, tt_time now);

/* Server-wide counts for the exit report. */
struct tt_http_server_stats {
    uint64_t requests, responses[6]; /* responses by class: [2] = 2xx, ... [5] = 5xx */
    uint64_t body_bytes;
};
void tt_http_server_stats(const struct tt_http_server *srv, struct tt_http_server_stats *st);

/* ---- the client ---- */

/* An http:// URL with an IPv4 literal host (tether has no resolver). */
struct tt_http_url {
    uint32_t addr;   /* host order */
    uint16_t port;   /* 80 when not given */
    char host[64];   /* as written (the Host field) */
    char path[2048]; /* origin-form: starts with '/', query kept */
};

/*
 * Parse "http://A.B.C.D[:PORT][/path]". 0, TT_HTTP_EBAD (not such a URL), or
 * TT_HTTP_EVERSION for another scheme (https://) or a host that is a name.
 */
int tt_http_parse_url(const char *url, struct tt_http_url *u);

/* A Location value (absolute URL, "/absolute-path", or relative "x/y")
 * resolved against base (RFC 9110 §10.2.2, RFC 3986 §5.2 without dot
 * segments). 0 or the tt_http_parse_url codes. */
int tt_http_resolve(const struct tt_http_url *base, const char *loc, size_t len,
                    struct tt_http_url *out);

/* What the client reports as the response arrives. */
struct tt_http_client_cb {
    /* The final response head (1xx ones are skipped); length is the body's
     * Content-Length, or -1 when it runs to the close or is chunked. */
    void (*head)(void *ctx, const struct tt_http_response *rs, int64_t length);
    /* Body bytes in order; return 0, or -1 to stop (the step then fails with TT_HTTP_EBAD). */
    int (*body)(void *ctx, const void *data, size_t len);
    void *ctx;
};

struct tt_http_client;

/*
 * Open a connection to u and send "GET path HTTP/1.1" with Connection:
 * close. 0 or the tt_tcp_connect error (TT_ENETUNREACH, ...).
 */
int tt_http_client_start(struct tt_stack *s, const struct tt_http_url *u,
                         const struct tt_http_client_cb *cb, tt_time now,
                         struct tt_http_client **out);

/*
 * Make progress. 1 while running, 0 when the response is complete (body by
 * Content-Length, chunked, or up to the close), or negative: a connection
 * error (TT_ECONNREFUSED, TT_ETIMEDOUT, TT_ECONNRESET, ...), TT_HTTP_EBAD for
 * a malformed response, TT_HTTP_EPARTIAL when the connection ended before
 * the body did, TT_HTTP_EVERSION for a response that is not HTTP/1.x.
 */
int tt_http_client_step(struct tt_http_client *c, tt_time now);

/* Close the connection (gracefully when possible) and free. */
void tt_http_client_free(struct tt_http_client *c, tt_time now);

#endif
