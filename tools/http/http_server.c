/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The static-file HTTP/1.1 server over tether TCP handles (RFC 9110, RFC
 * 9112): GET and HEAD, persistent connections and pipelining, single byte
 * ranges, directory index or listing. Each connection is a small state
 * machine stepped by the host's loop: read a request head, build the
 * response head, send the body as the send buffer takes it, then the next
 * pipelined request, or the close that HTTP asks for.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <tether/tether.h>

#include "http.h"
#include "http_int.h"

#define MAX_FIELDS 64
#define FILE_CHUNK 65536

struct tt_http_server {
    struct tt_http_server_config cfg;
    char root[PATH_MAX]; /* realpath of cfg.root */
    size_t root_len;
    struct tt_http_server_stats st;
};

struct tt_http_conn {
    struct tt_http_server *srv;
    struct tt_tcp *t;
    tt_time last_active;
    unsigned nreq;
    int peer_eof;     /* the client's FIN was read */
    int shut;         /* our FIN is queued */
    int close_after;  /* close once this response is sent */
    int sending;      /* a response is in progress */
    uint64_t discard; /* request body bytes still to skip */
    /* The response: head and generated body in `out`, then file bytes. */
    struct tt_http_buf out;
    size_t out_off;
    int fd;
    uint64_t file_off, file_left;
    uint8_t *chunk; /* file bytes read but not yet taken by the send buffer */
    size_t chunk_off, chunk_len;
    size_t in_len;
    char in[]; /* the request head buffer, srv->cfg.max_head bytes */
};

int tt_http_server_create(const struct tt_http_server_config *cfg, struct tt_http_server **out,
                          char *err, size_t errlen)
{
    struct stat sb;
    struct tt_http_server *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return TT_ENOMEM;
    }
    s->cfg = *cfg;
    if (!s->cfg.max_head)
        s->cfg.max_head = 8192;
    if (s->cfg.max_head < 256)
        s->cfg.max_head = 256;
    if (!s->cfg.idle_timeout)
        s->cfg.idle_timeout = TT_SEC(60);
    if (!s->cfg.max_requests)
        s->cfg.max_requests = 1000;
    /* The reason comes from the call that failed: sb is read only after a
     * successful stat (it was read uninitialised when realpath failed, so the
     * message depended on stack garbage). */
    int e = 0;
    if (!realpath(cfg->root, s->root))
        e = errno;
    else if (stat(s->root, &sb) != 0)
        e = errno;
    else if (!S_ISDIR(sb.st_mode))
        e = ENOTDIR;
    if (e) {
        snprintf(err, errlen, "%s: %s", cfg->root, strerror(e));
        free(s);
        return TT_ENOENT;
    }
    s->root_len = strlen(s->root);
    if (s->root_len == 1)
        s->root_len = 0; /* "/": every path is under it */
    *out = s;
    return 0;
}

void tt_http_server_destroy(struct tt_http_server *srv)
{
    free(srv);
}

void tt_http_server_stats(const struct tt_http_server *srv, struct tt_http_server_stats *st)
{
    *st = srv->st;
}

struct tt_http_conn *tt_http_conn_new(struct tt_http_server *srv, struct tt_tcp *t, tt_time now)
{
    struct tt_http_conn *c = calloc(1, sizeof *c + srv->cfg.max_head);
    if (!c)
        return NULL;
    c->srv = srv;
    c->t = t;
    c->fd = -1;
    c->last_active = now;
    return c;
}

static void response_reset(struct tt_http_conn *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    c->file_left = 0;
    c->chunk_off = c->chunk_len = 0;
    c->out.len = 0;
    c->out_off = 0;
    c->sending = 0;
}

void tt_http_conn_free(struct tt_http_conn *c, tt_time now)
{
    if (!c)
        return;
    response_reset(c);
    free(c->out.p);
    free(c->chunk);
    tt_tcp_close(c->t, now);
    free(c);
}

/* ---- building a response ---- */

/* The parts of a request the response depends on. */
struct req_info {
    const struct tt_http_request *rq;
    int head; /* HEAD: the same fields, no content (RFC 9110 §9.3.2) */
    const struct tt_http_header *range;
};

static void head_begin(struct tt_http_conn *c, int status)
{
    char date[64];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    /* RFC 9110 §5.6.7: IMF-fixdate; §6.6.1: an origin server with a clock
     * MUST send Date. */
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    c->out.len = 0;
    tt_http_buf_printf(&c->out, "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: tether\r\n", status,
                       tt_http_reason(status), date);
    c->srv->st.responses[status / 100 < 6 ? status / 100 : 0]++;
}

static void head_end(struct tt_http_conn *c)
{
    if (c->close_after)
        tt_http_buf_printf(&c->out, "Connection: close\r\n\r\n");
    else
        tt_http_buf_printf(&c->out, "\r\n");
}

/* A small text/html response: errors, redirects. */
static void simple_response(struct tt_http_conn *c, const struct req_info *ri, int status,
                            const char *extra)
{
    char body[256];
    int n = snprintf(body, sizeof body, "<!DOCTYPE html>\n<title>%d %s</title>\n<h1>%d %s</h1>\n",
                     status, tt_http_reason(status), status, tt_http_reason(status));
    head_begin(c, status);
    tt_http_buf_printf(&c->out,
                       "%sContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n",
                       extra ? extra : "", n);
    head_end(c);
    if (!ri || !ri->head)
        tt_http_buf_append(&c->out, body, (size_t)n);
    c->sending = 1;
}

static void log_request(struct tt_http_conn *c, const struct tt_http_request *rq, int status,
                        uint64_t bytes)
{
    char line[300];
    if (!c->srv->cfg.log)
        return;
    snprintf(line, sizeof line, "conn %u %.*s %.*s %d %llu", (unsigned)tt_tcp_id(c->t),
             rq ? (int)(rq->method_len > 16 ? 16 : rq->method_len) : 1, rq ? rq->method : "-",
             rq ? (int)(rq->target_len > 200 ? 200 : rq->target_len) : 1, rq ? rq->target : "-",
             status, (unsigned long long)bytes);
    c->srv->cfg.log(c->srv->cfg.log_ctx, line);
}

static void error_response(struct tt_http_conn *c, const struct req_info *ri, int status)
{
    simple_response(c, ri, status, status == 405 ? "Allow: GET, HEAD\r\n" : NULL);
    log_request(c, ri ? ri->rq : NULL, status, 0);
}

/* A file opened and checked: 200 or 206 with its bytes, or 416. */
static void file_response(struct tt_http_conn *c, const struct req_info *ri, int fd,
                          const struct stat *sb, const char *path)
{
    uint64_t size = (uint64_t)sb->st_size, first = 0, last = size ? size - 1 : 0;
    int status = 200, r = 0;
    /* RFC 9110 §14.2: Range applies to GET only; a server MAY ignore it. An
     * If-Range that is not evaluated here means the whole file (§13.1.5). */
    if (ri->range && !ri->head && !tt_http_find(ri->rq->headers, ri->rq->num_headers, "If-Range"))
        r = tt_http_parse_range(ri->range->value, ri->range->value_len, size, &first, &last);
    if (r < 0) {
        close(fd);
        head_begin(c, 416);
        tt_http_buf_printf(&c->out, "Content-Range: bytes */%llu\r\nContent-Length: 0\r\n",
                           (unsigned long long)size);
        head_end(c);
        c->sending = 1;
        log_request(c, ri->rq, 416, 0);
        return;
    }
    if (r > 0)
        status = 206;
    uint64_t len = size ? last - first + 1 : 0;
    char mod[64];
    struct tm tm;
    gmtime_r(&sb->st_mtime, &tm);
    strftime(mod, sizeof mod, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    head_begin(c, status);
    tt_http_buf_printf(&c->out,
                       "Content-Type: %s\r\nContent-Length: %llu\r\nLast-Modified: %s\r\n"
                       "Accept-Ranges: bytes\r\n",
                       tt_http_content_type(path), (unsigned long long)len, mod);
    if (status == 206)
        tt_http_buf_printf(&c->out, "Content-Range: bytes %llu-%llu/%llu\r\n",
                           (unsigned long long)first, (unsigned long long)last,
                           (unsigned long long)size);
    head_end(c);
    c->sending = 1;
    if (ri->head || len == 0) {
        close(fd);
    } else {
        c->fd = fd;
        c->file_off = first;
        c->file_left = len;
    }
    c->srv->st.body_bytes += ri->head ? 0 : len;
    log_request(c, ri->rq, status, ri->head ? 0 : len);
}

/* A directory: redirect to the slash form, index.html, a listing, or 403. */
static void dir_response(struct tt_http_conn *c, const struct req_info *ri, const char *full,
                         const char *path)
{
    char idx[PATH_MAX + 16], loc[PATH_MAX + 32];
    size_t plen = strlen(path);
    if (path[plen - 1] != '/') {
        /* RFC 9110 §15.4.2: relative references in the listing resolve
         * against the URL with the slash. */
        snprintf(loc, sizeof loc, "Location: %s/\r\n", path);
        simple_response(c, ri, 301, loc);
        log_request(c, ri->rq, 301, 0);
        return;
    }
    snprintf(idx, sizeof idx, "%s/index.html", full);
    struct stat sb;
    int fd = open(idx, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        file_response(c, ri, fd, &sb, idx);
        return;
    }
    if (fd >= 0)
        close(fd);
    if (c->srv->cfg.no_listing) {
        error_response(c, ri, 403);
        return;
    }
    struct tt_http_buf body = {0};
    if (tt_http_listing(&body, full, path) != 0) {
        free(body.p);
        error_response(c, ri, 403);
        return;
    }
    head_begin(c, 200);
    tt_http_buf_printf(&c->out, "Content-Type: text/html; charset=utf-8\r\nContent-Length: %zu\r\n",
                       body.len);
    head_end(c);
    if (!ri->head)
        tt_http_buf_append(&c->out, body.p, body.len);
    c->sending = 1;
    log_request(c, ri->rq, 200, ri->head ? 0 : body.len);
    free(body.p);
}

/* Map the target to a file under the root, refusing anything that leaves it
 * (a ".." segment, raw or encoded, is refused by the path parser; a symlink
 * that resolves outside the root is refused here). */
static void serve_target(struct tt_http_conn *c, const struct req_info *ri)
{
    char path[PATH_MAX], full[PATH_MAX * 2], real[PATH_MAX];
    const struct tt_http_request *rq = ri->rq;
    int n = tt_http_target_path(rq->target, rq->target_len, path, sizeof path);
    if (n < 0) {
        error_response(c, ri, n == TT_HTTP_EFORBIDDEN ? 403 : n == TT_HTTP_ETOOMANY ? 414 : 400);
        return;
    }
    snprintf(full, sizeof full, "%s%s", c->srv->root, path);
    if (!realpath(full, real)) {
        error_response(c, ri, errno == EACCES ? 403 : 404);
        return;
    }
    size_t rl = c->srv->root_len;
    if (strncmp(real, c->srv->root, rl) != 0 || (real[rl] != '/' && real[rl] != 0)) {
        error_response(c, ri, 403);
        return;
    }
    struct stat sb;
    if (stat(real, &sb) != 0) {
        error_response(c, ri, 404);
        return;
    }
    if (S_ISDIR(sb.st_mode)) {
        dir_response(c, ri, real, path);
        return;
    }
    int fd = S_ISREG(sb.st_mode) ? open(real, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        if (fd >= 0)
            close(fd);
        error_response(c, ri, fd < 0 && errno == ENOENT ? 404 : 403);
        return;
    }
    file_response(c, ri, fd, &sb, real);
}

static int method_is(const struct tt_http_request *rq, const char *m)
{
    return rq->method_len == strlen(m) && !memcmp(rq->method, m, rq->method_len);
}

/* Whether the connection persists after this response (RFC 9112 §9.3). */
static int wants_close(const struct tt_http_conn *c, const struct tt_http_request *rq)
{
    const struct tt_http_header *h = tt_http_find(rq->headers, rq->num_headers, "Connection");
    if (h && tt_http_has_token(h->value, h->value_len, "close"))
        return 1;
    if (rq->minor == 0) /* HTTP/1.0: only with keep-alive, which this server does not offer */
        return 1;
    return c->nreq >= c->srv->cfg.max_requests;
}

/* A whole request head of `n` bytes is in c->in. */
static void handle_request(struct tt_http_conn *c, struct tt_http_request *rq)
{
    struct req_info ri = {.rq = rq, .head = method_is(rq, "HEAD")};
    c->nreq++;
    c->srv->st.requests++;
    c->close_after = wants_close(c, rq);
    /* RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without
     * exactly one Host field. */
    const struct tt_http_header *host = tt_http_find(rq->headers, rq->num_headers, "Host");
    size_t hosts = 0;
    for (size_t i = 0; i < rq->num_headers; i++)
        hosts += tt_http_find(&rq->headers[i], 1, "Host") != NULL;
    /* §6.1: a Transfer-Encoding we would have to decode to find the next
     * request: refused, and the connection closed (§6.3). */
    const struct tt_http_header *te =
        tt_http_find(rq->headers, rq->num_headers, "Transfer-Encoding");
    const struct tt_http_header *cl = tt_http_find(rq->headers, rq->num_headers, "Content-Length");
    uint64_t body = 0;
    if ((rq->minor >= 1 && (!host || hosts > 1)) || te ||
        (cl && tt_http_content_length(cl->value, cl->value_len, &body) != 0)) {
        c->close_after = 1;
        error_response(c, &ri, te && host && hosts == 1 ? 501 : 400);
        return;
    }
    c->discard = body;
    ri.range = tt_http_find(rq->headers, rq->num_headers, "Range");
    if (method_is(rq, "GET") || ri.head)
        serve_target(c, &ri);
    else
        error_response(c, &ri, tt_http_known_method(rq->method, rq->method_len) ? 405 : 501);
}

/* ---- the connection's steps ---- */

/* Send what is pending of the response. 1 when something was taken. */
static int push_response(struct tt_http_conn *c, tt_time now)
{
    int progress = 0;
    while (c->out_off < c->out.len) {
        long n = tt_tcp_send(c->t, c->out.p + c->out_off, c->out.len - c->out_off, now);
        if (n <= 0)
            return n == TT_EAGAIN ? progress : -1;
        c->out_off += (size_t)n;
        progress = 1;
    }
    while (c->file_left || c->chunk_len) {
        if (c->chunk_len == 0) {
            if (!c->chunk && !(c->chunk = malloc(FILE_CHUNK)))
                return -1;
            size_t want = c->file_left < FILE_CHUNK ? (size_t)c->file_left : FILE_CHUNK;
            ssize_t r = pread(c->fd, c->chunk, want, (off_t)c->file_off);
            if (r <= 0)
                return -1; /* the file shrank or failed: the length sent is a lie, close */
            c->chunk_off = 0;
            c->chunk_len = (size_t)r;
            c->file_off += (uint64_t)r;
            c->file_left -= (uint64_t)r;
        }
        long n = tt_tcp_send(c->t, c->chunk + c->chunk_off, c->chunk_len, now);
        if (n <= 0)
            return n == TT_EAGAIN ? progress : -1;
        c->chunk_off += (size_t)n;
        c->chunk_len -= (size_t)n;
        progress = 1;
    }
    response_reset(c);
    return 1;
}

/* Read more of the request stream into c->in (or skip body bytes). 1 when
 * something came, 0 when nothing, -1 on a connection error. */
static int pull_request(struct tt_http_conn *c, tt_time now)
{
    size_t cap = c->srv->cfg.max_head;
    if (c->peer_eof || c->in_len >= cap)
        return 0;
    long n = tt_tcp_recv(c->t, c->in + c->in_len, cap - c->in_len, now);
    if (n == TT_EAGAIN)
        return 0;
    if (n < 0)
        return -1;
    if (n == 0)
        c->peer_eof = 1;
    c->in_len += (size_t)n;
    return 1;
}

/* Take the next request out of c->in when it is all there. 1 when a
 * response was started or the connection is to close. */
static int next_request(struct tt_http_conn *c)
{
    if (c->discard) {
        size_t k = c->discard < c->in_len ? (size_t)c->discard : c->in_len;
        memmove(c->in, c->in + k, c->in_len - k);
        c->in_len -= k;
        c->discard -= k;
        if (c->discard)
            return 0;
    }
    struct tt_http_header fields[MAX_FIELDS];
    struct tt_http_request rq = {.headers = fields, .max_headers = MAX_FIELDS};
    int n = c->in_len ? tt_http_parse_request(c->in, c->in_len, &rq) : TT_HTTP_EPARTIAL;
    if (n == TT_HTTP_EPARTIAL) {
        if (c->in_len < c->srv->cfg.max_head && !c->peer_eof)
            return 0;
        if (c->in_len == 0 || c->peer_eof) {
            c->close_after = 1; /* the client is done (or gave up mid-head) */
            return 1;
        }
        n = TT_HTTP_ETOOMANY; /* the head does not fit: 431 (RFC 6585 §5) */
    }
    if (n < 0) {
        c->close_after = 1;
        c->srv->st.requests++;
        error_response(c, NULL, n == TT_HTTP_EVERSION ? 505 : n == TT_HTTP_ETOOMANY ? 431 : 400);
        c->in_len = 0;
        return 1;
    }
    handle_request(c, &rq);
    /* The response is built: the parsed fields (pointers into c->in) are
     * no longer needed, and the next pipelined request moves up. */
    memmove(c->in, c->in + n, c->in_len - (size_t)n);
    c->in_len -= (size_t)n;
    return 1;
}

/* After our FIN: read and drop until the client's, so that its late bytes
 * do not turn the close into a reset. 1 when that is done. */
static int drain_after_fin(struct tt_http_conn *c, tt_time now)
{
    char sink[4096];
    for (;;) {
        long n = tt_tcp_recv(c->t, sink, sizeof sink, now);
        if (n == TT_EAGAIN)
            return 0;
        if (n <= 0)
            return 1;
    }
}

int tt_http_conn_step(struct tt_http_conn *c, tt_time now, tt_time *deadline)
{
    for (int round = 0; round < 64; round++) {
        int progress = 0;
        if (tt_tcp_error(c->t))
            return 0;
        if (c->shut) {
            if (drain_after_fin(c, now))
                return 0;
            break;
        }
        if (c->sending) {
            int r = push_response(c, now);
            if (r < 0)
                return 0;
            if (c->sending)
                break; /* the send buffer is full: wait for ACKs */
            progress = 1;
            if (c->close_after) {
                /* RFC 9112 §9.6: the server closes first after a response
                 * with "close" (HTTP/1.0's way), so it is the one that goes
                 * through TIME-WAIT. */
                tt_tcp_shutdown(c->t, TT_SHUT_WR, now);
                c->shut = 1;
                c->last_active = now;
                continue;
            }
        }
        int r = pull_request(c, now);
        if (r < 0)
            return 0;
        progress |= r;
        if (next_request(c)) {
            progress = 1;
            if (!c->sending && c->close_after)
                return 0; /* nothing to answer: close (the client closed first) */
        }
        if (progress)
            c->last_active = now;
        else
            break;
    }
    tt_time idle_end = c->last_active + c->srv->cfg.idle_timeout;
    if (now >= idle_end)
        return 0; /* idle (or a client that never finishes): close, RFC 9112 §9.5 */
    *deadline = idle_end;
    return 1;
}
