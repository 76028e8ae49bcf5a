/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTTP/1.1 download client over one tether TCP handle: URL parsing and
 * Location resolution, one GET with Connection: close, the response head,
 * and the body framed by Content-Length, chunked coding (RFC 9112 §7.1) or
 * the close (§6.3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "http.h"

#define HEAD_MAX 16384
#define MAX_FIELDS 64

/* Body framing. */
enum framing { BY_LENGTH, BY_CHUNKS, BY_CLOSE };
/* Where the chunked decoder is. */
enum chunk_state { CH_SIZE, CH_EXT, CH_SIZE_LF, CH_DATA, CH_DATA_CR, CH_DATA_LF, CH_TRAILER };

struct tt_http_client {
    struct tt_tcp *t;
    struct tt_http_client_cb cb;
    char req[2300];
    size_t req_len, req_off;
    int have_head, done, peer_eof;
    enum framing framing;
    uint64_t left; /* BY_LENGTH: bytes to come; BY_CHUNKS: of this chunk */
    enum chunk_state cs;
    int chunk_digits;
    size_t trailer_line; /* bytes of the current trailer line */
    size_t head_len;
    char head[HEAD_MAX];
};

static int parse_host_port(const char *s, size_t n, struct tt_http_url *u)
{
    const char *colon = memchr(s, ':', n);
    size_t hl = colon ? (size_t)(colon - s) : n;
    char ip[16];
    if (hl == 0 || n >= sizeof u->host)
        return TT_HTTP_EBAD;
    memcpy(u->host, s, n);
    u->host[n] = 0;
    u->port = 80;
    if (colon) {
        unsigned long p = 0;
        size_t i = hl + 1;
        if (i == n)
            return TT_HTTP_EBAD;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9' || (p = p * 10 + (unsigned long)(s[i] - '0')) > 65535)
                return TT_HTTP_EBAD;
        }
        if (p == 0)
            return TT_HTTP_EBAD;
        u->port = (uint16_t)p;
    }
    if (hl >= sizeof ip)
        return TT_HTTP_EVERSION; /* a name: no resolver here */
    memcpy(ip, s, hl);
    ip[hl] = 0;
    /* Dotted quad, four decimal parts 0..255. */
    uint32_t a = 0;
    const char *p = ip;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            v = v * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255)
            return TT_HTTP_EVERSION;
        a = a << 8 | v;
        if (part < 3 && *p++ != '.')
            return TT_HTTP_EVERSION;
    }
    if (*p)
        return TT_HTTP_EVERSION;
    u->addr = a;
    return 0;
}

/* The path: as given, or "/" when empty; no spaces or controls. */
static int set_path(struct tt_http_url *u, const char *p, size_t n)
{
    if (n == 0) {
        strcpy(u->path, "/");
        return 0;
    }
    if (n >= sizeof u->path)
        return TT_HTTP_EBAD;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f)
            return TT_HTTP_EBAD;
    memcpy(u->path, p, n);
    u->path[n] = 0;
    if (u->path[0] == '?') { /* "http://h?q" */
        if (n + 1 >= sizeof u->path)
            return TT_HTTP_EBAD;
        memmove(u->path + 1, u->path, n + 1);
        u->path[0] = '/';
    }
    return 0;
}

static int parse_url_n(const char *url, size_t len, struct tt_http_url *u)
{
    const char *scheme_end = memchr(url, ':', len);
    if (!scheme_end || (size_t)(scheme_end - url) + 3 > len || memcmp(scheme_end, "://", 3) != 0)
        return TT_HTTP_EBAD;
    if (scheme_end - url != 4 || strncasecmp(url, "http", 4) != 0)
        return TT_HTTP_EVERSION;
    const char *h = scheme_end + 3, *end = url + len;
    const char *slash = h;
    while (slash < end && *slash != '/' && *slash != '?' && *slash != '#')
        slash++;
    int rc = parse_host_port(h, (size_t)(slash - h), u);
    if (rc != 0)
        return rc;
    const char *frag = memchr(slash, '#', (size_t)(end - slash)); /* not sent (RFC 9110 §4.2.4) */
    return set_path(u, slash, (size_t)((frag ? frag : end) - slash));
}

int tt_http_parse_url(const char *url, struct tt_http_url *u)
{
    return parse_url_n(url, strlen(url), u);
}

int tt_http_resolve(const struct tt_http_url *base, const char *loc, size_t len,
                    struct tt_http_url *out)
{
    if (memchr(loc, ':', len) && len > 3) {
        const char *c = memchr(loc, ':', len);
        const char *q = memchr(loc, '/', len);
        if (!q || c < q)
            return parse_url_n(loc, len, out); /* has a scheme */
    }
    *out = *base;
    const char *frag = memchr(loc, '#', len);
    if (frag)
        len = (size_t)(frag - loc);
    if (len >= 2 && loc[0] == '/' && loc[1] == '/')
        return TT_HTTP_EBAD; /* network-path reference: not followed */
    if (len && loc[0] == '/')
        return set_path(out, loc, len);
    /* Relative: replace the last segment of the base path (RFC 3986 §5.2.3). */
    char merged[sizeof out->path];
    const char *q = strchr(base->path, '?');
    size_t blen = q ? (size_t)(q - base->path) : strlen(base->path);
    while (blen > 0 && base->path[blen - 1] != '/')
        blen--;
    if (blen + len >= sizeof merged)
        return TT_HTTP_EBAD;
    memcpy(merged, base->path, blen);
    memcpy(merged + blen, loc, len);
    return set_path(out, merged, blen + len);
}

int tt_http_client_start(struct tt_stack *s, const struct tt_http_url *u,
                         const struct tt_http_client_cb *cb, tt_time now,
                         struct tt_http_client **out)
{
    struct tt_http_client *c = calloc(1, sizeof *c);
    if (!c)
        return TT_ENOMEM;
    c->cb = *cb;
    int n = snprintf(c->req, sizeof c->req,
                     "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: tether/%s\r\nAccept: */*\r\n"
                     "Connection: close\r\n\r\n",
                     u->path, u->host, TETHER_VERSION);
    if (n < 0 || (size_t)n >= sizeof c->req) {
        free(c);
        return TT_EINVAL;
    }
    c->req_len = (size_t)n;
    int rc = tt_tcp_open(s, &c->t);
    if (rc == 0) {
        /* Bulk downloads want a Linux-sized receive window (see connect). */
        tt_tcp_setopt(c->t, TT_TCP_OPT_RCVBUF, 4 << 20);
        rc = tt_tcp_connect(c->t, TT_ADDR_V4(u->addr), u->port, now);
    }
    if (rc != 0 && rc != TT_EINPROGRESS) {
        if (c->t)
            tt_tcp_close(c->t, now);
        free(c);
        return rc;
    }
    *out = c;
    return 0;
}

void tt_http_client_free(struct tt_http_client *c, tt_time now)
{
    if (!c)
        return;
    tt_tcp_close(c->t, now);
    free(c);
}

/* Deliver body bytes; -1 when the callback refuses them. */
static int deliver(struct tt_http_client *c, const char *p, size_t n)
{
    return n && c->cb.body && c->cb.body(c->cb.ctx, p, n) != 0 ? -1 : 0;
}

/* Decode chunked bytes (RFC 9112 §7.1). Returns 0, 1 at the end, or a code. */
static int dechunk(struct tt_http_client *c, const char *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char ch = (unsigned char)p[i];
        switch (c->cs) {
        case CH_SIZE: {
            int v = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (v >= 0) {
                if (++c->chunk_digits > 15)
                    return TT_HTTP_EBAD;
                c->left = c->left * 16 + (uint64_t)v;
            } else if (c->chunk_digits == 0) {
                return TT_HTTP_EBAD;
            } else if (ch == '\r') {
                c->cs = CH_SIZE_LF;
            } else if (ch == '\n') {
                c->cs = c->left ? CH_DATA : CH_TRAILER;
            } else {
                c->cs = CH_EXT; /* chunk extensions are ignored (§7.1.1) */
            }
            i++;
            break;
        }
        case CH_EXT:
            if (ch == '\n')
                c->cs = c->left ? CH_DATA : CH_TRAILER;
            i++;
            break;
        case CH_SIZE_LF:
            if (ch != '\n')
                return TT_HTTP_EBAD;
            c->cs = c->left ? CH_DATA : CH_TRAILER;
            c->trailer_line = 0;
            i++;
            break;
        case CH_DATA: {
            size_t k = c->left < n - i ? (size_t)c->left : n - i;
            if (deliver(c, p + i, k) != 0)
                return TT_HTTP_EBAD;
            c->left -= k;
            i += k;
            if (!c->left)
                c->cs = CH_DATA_CR;
            break;
        }
        case CH_DATA_CR:
        case CH_DATA_LF:
            if (ch == '\r' && c->cs == CH_DATA_CR) {
                c->cs = CH_DATA_LF;
            } else if (ch == '\n') {
                c->cs = CH_SIZE;
                c->chunk_digits = 0;
            } else {
                return TT_HTTP_EBAD;
            }
            i++;
            break;
        case CH_TRAILER: /* trailer fields up to an empty line (§7.1.2) */
            if (ch == '\n') {
                if (c->trailer_line == 0)
                    return 1;
                c->trailer_line = 0;
            } else if (ch != '\r') {
                c->trailer_line++;
            }
            i++;
            break;
        }
    }
    return 0;
}

/* Body bytes as they come. Returns 0, 1 when the body is complete, or a code. */
static int body_bytes(struct tt_http_client *c, const char *p, size_t n)
{
    if (c->framing == BY_CHUNKS)
        return dechunk(c, p, n);
    if (c->framing == BY_CLOSE)
        return deliver(c, p, n) != 0 ? TT_HTTP_EBAD : 0;
    size_t k = c->left < n ? (size_t)c->left : n;
    if (deliver(c, p, k) != 0)
        return TT_HTTP_EBAD;
    c->left -= k;
    return c->left == 0;
}

/* The head is complete in c->head (n bytes of it). */
static int on_head(struct tt_http_client *c, const struct tt_http_response *rs, size_t n)
{
    const struct tt_http_header *te =
        tt_http_find(rs->headers, rs->num_headers, "Transfer-Encoding");
    const struct tt_http_header *cl = tt_http_find(rs->headers, rs->num_headers, "Content-Length");
    int64_t length = -1;
    /* RFC 9112 §6.3: 1xx, 204 and 304 have no body; then Transfer-Encoding
     * (chunked last) wins over Content-Length; then the length; else the
     * body runs to the close. */
    if (rs->status == 204 || rs->status == 304) {
        c->framing = BY_LENGTH;
        c->left = 0;
        length = 0;
    } else if (te) {
        if (!tt_http_has_token(te->value, te->value_len, "chunked"))
            return TT_HTTP_EBAD;
        c->framing = BY_CHUNKS;
    } else if (cl) {
        uint64_t v;
        if (tt_http_content_length(cl->value, cl->value_len, &v) != 0)
            return TT_HTTP_EBAD;
        c->framing = BY_LENGTH;
        c->left = v;
        length = (int64_t)v;
    } else {
        c->framing = BY_CLOSE;
    }
    c->have_head = 1;
    if (c->cb.head)
        c->cb.head(c->cb.ctx, rs, length);
    int rc = c->framing == BY_LENGTH && c->left == 0 ? 1 : 0;
    if (rc == 0 && c->head_len > n)
        rc = body_bytes(c, c->head + n, c->head_len - n);
    c->head_len = 0;
    return rc;
}

/* Parse what the head buffer holds; 1xx responses are dropped (§15.2). */
static int try_head(struct tt_http_client *c)
{
    for (;;) {
        struct tt_http_header f[MAX_FIELDS];
        struct tt_http_response rs = {.headers = f, .max_headers = MAX_FIELDS};
        int n = tt_http_parse_response(c->head, c->head_len, &rs);
        if (n == TT_HTTP_EPARTIAL)
            return c->head_len == sizeof c->head ? TT_HTTP_EBAD : 0;
        if (n < 0)
            return n == TT_HTTP_ETOOMANY ? TT_HTTP_EBAD : n;
        if (rs.status >= 200)
            return on_head(c, &rs, (size_t)n);
        memmove(c->head, c->head + n, c->head_len - (size_t)n);
        c->head_len -= (size_t)n;
    }
}

static int read_some(struct tt_http_client *c, tt_time now)
{
    char buf[65536];
    char *dst = c->have_head ? buf : c->head + c->head_len;
    size_t cap = c->have_head ? sizeof buf : sizeof c->head - c->head_len;
    long n = tt_tcp_recv(c->t, dst, cap, now);
    if (n == TT_EAGAIN)
        return 2;
    if (n < 0)
        return (int)n;
    if (n == 0) {
        c->peer_eof = 1;
        if (c->have_head && c->framing == BY_CLOSE)
            return 1;
        return TT_HTTP_EPARTIAL; /* closed before the head or the body ended */
    }
    if (c->have_head)
        return body_bytes(c, buf, (size_t)n);
    c->head_len += (size_t)n;
    return try_head(c);
}

int tt_http_client_step(struct tt_http_client *c, tt_time now)
{
    if (c->done)
        return 0;
    unsigned ev = tt_tcp_events(c->t);
    if (ev & TT_TCP_EV_ERROR && !(ev & TT_TCP_EV_READABLE))
        return tt_tcp_error(c->t);
    if (!(ev & TT_TCP_EV_CONNECTED) && tt_tcp_state(c->t) < TT_ESTABLISHED) {
        /* Still connecting, or the handshake failed (RST, timeout, ICMP). */
        int e = tt_tcp_state(c->t) == TT_CLOSED ? tt_tcp_error(c->t) : 0;
        return e ? e : 1;
    }
    while (c->req_off < c->req_len) {
        long n = tt_tcp_send(c->t, c->req + c->req_off, c->req_len - c->req_off, now);
        if (n == TT_EAGAIN)
            break;
        if (n < 0)
            return (int)n;
        c->req_off += (size_t)n;
    }
    for (int round = 0; round < 256; round++) {
        int rc = read_some(c, now);
        if (rc == 2)
            return 1;
        if (rc < 0)
            return rc;
        if (rc == 1) {
            c->done = 1;
            return 0;
        }
    }
    return 1;
}
