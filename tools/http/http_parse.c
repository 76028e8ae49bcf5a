/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTTP/1.1 message-head parser: pure, stateless, reads only buf[0..len).
 * Each step takes a cursor and returns the new position, or a negative code;
 * running out of bytes anywhere is TT_HTTP_EPARTIAL, so that a truncated valid
 * head is never mistaken for a bad one, and a bad byte is refused as soon as
 * it is seen, not when the head is complete.
 */
#include <stddef.h>
#include <string.h>

#include "http.h"

/* RFC 9110 §5.6.2: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-"
 * / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA. */
static int is_tchar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return 1;
    return c && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

/* RFC 9110 §5.5: field-vchar = VCHAR / obs-text, plus SP and HTAB inside. */
static int is_field_char(unsigned char c)
{
    return c == ' ' || c == '\t' || (c > 0x20 && c != 0x7f);
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* A line end at p: CRLF or a bare LF (RFC 9112 §2.2 lets a recipient take LF
 * alone). Returns the position after it, EPARTIAL, or EBAD for a CR that is
 * not followed by LF (§2.2: a bare CR is refused). 0 when no line end is here. */
static long line_end(const char *b, size_t len, size_t p)
{
    if (p >= len)
        return TT_HTTP_EPARTIAL;
    if (b[p] == '\n')
        return (long)p + 1;
    if (b[p] != '\r')
        return 0;
    if (p + 1 >= len)
        return TT_HTTP_EPARTIAL;
    return b[p + 1] == '\n' ? (long)p + 2 : TT_HTTP_EBAD;
}

/* "HTTP/" DIGIT "." DIGIT at p (RFC 9112 §2.3). Case-sensitive. */
static long parse_version(const char *b, size_t len, size_t p, int *major, int *minor)
{
    static const char name[] = "HTTP/";
    for (size_t i = 0; i < 5; i++, p++) {
        if (p >= len)
            return TT_HTTP_EPARTIAL;
        if (b[p] != name[i])
            return TT_HTTP_EBAD;
    }
    for (int k = 0; k < 3; k++, p++) {
        if (p >= len)
            return TT_HTTP_EPARTIAL;
        unsigned char c = (unsigned char)b[p];
        if (k == 1 ? c != '.' : (c < '0' || c > '9'))
            return TT_HTTP_EBAD;
        if (k == 0)
            *major = c - '0';
        else if (k == 2)
            *minor = c - '0';
    }
    return (long)p;
}

/* One field line at p (RFC 9112 §5): field-name ":" OWS field-value OWS. */
static long parse_field(const char *b, size_t len, size_t p, struct tt_http_header *h)
{
    size_t start = p;
    while (p < len && is_tchar((unsigned char)b[p]))
        p++;
    if (p >= len)
        return TT_HTTP_EPARTIAL;
    /* §5.1: no whitespace between name and colon (MUST reject with 400); and
     * §5.2: a line starting with whitespace is obsolete folding, refused. */
    if (b[p] != ':' || p == start)
        return TT_HTTP_EBAD;
    h->name = b + start;
    h->name_len = p - start;
    p++;
    while (p < len && (b[p] == ' ' || b[p] == '\t'))
        p++;
    size_t vstart = p, vend = p;
    for (;; p++) {
        long e = line_end(b, len, p);
        if (e < 0)
            return e;
        if (e > 0) {
            h->value = b + vstart;
            h->value_len = vend - vstart;
            return e;
        }
        if (!is_field_char((unsigned char)b[p]))
            return TT_HTTP_EBAD; /* NUL, CR alone, other controls */
        if (b[p] != ' ' && b[p] != '\t')
            vend = p + 1;
    }
}

/* The fields up to the empty line. Returns the position after it. Past `max`
 * fields the rest is still checked, so that a truncated head still reads as
 * partial and a bad byte as bad; the overflow is reported once it is whole. */
static long parse_fields(const char *b, size_t len, size_t p, struct tt_http_header *hs, size_t max,
                         size_t *n)
{
    struct tt_http_header scratch;
    int overflow = 0;
    *n = 0;
    for (;;) {
        long e = line_end(b, len, p);
        if (e < 0)
            return e;
        if (e > 0)
            return overflow ? TT_HTTP_ETOOMANY : e;
        overflow |= *n >= max;
        long q = parse_field(b, len, p, overflow ? &scratch : &hs[*n]);
        if (q < 0)
            return q;
        if (!overflow)
            (*n)++;
        p = (size_t)q;
    }
}

int tt_http_parse_request(const char *buf, size_t len, struct tt_http_request *req)
{
    size_t p = 0;
    req->num_headers = 0;
    /* §2.2: a server SHOULD ignore at least one empty line before the
     * request line; any number are skipped (each costs the client bytes that
     * count against the head limit). */
    for (;;) {
        long e = line_end(buf, len, p);
        if (e < 0)
            return (int)e;
        if (e == 0)
            break;
        p = (size_t)e;
    }
    /* §3: method SP request-target SP HTTP-version; exactly one SP each. */
    size_t m = p;
    while (p < len && is_tchar((unsigned char)buf[p]))
        p++;
    if (p >= len)
        return TT_HTTP_EPARTIAL;
    if (buf[p] != ' ' || p == m)
        return TT_HTTP_EBAD;
    req->method = buf + m;
    req->method_len = p - m;
    size_t t = ++p;
    while (p < len && (unsigned char)buf[p] > 0x20 && buf[p] != 0x7f)
        p++;
    if (p >= len)
        return TT_HTTP_EPARTIAL;
    if (buf[p] != ' ' || p == t)
        return TT_HTTP_EBAD;
    req->target = buf + t;
    req->target_len = p - t;
    long q = parse_version(buf, len, p + 1, &req->major, &req->minor);
    if (q < 0)
        return (int)q;
    long e = line_end(buf, len, (size_t)q);
    if (e <= 0)
        return e < 0 ? (int)e : TT_HTTP_EBAD;
    q = parse_fields(buf, len, (size_t)e, req->headers, req->max_headers, &req->num_headers);
    if (q < 0)
        return (int)q;
    /* Only now, with the head well-formed: a version we do not speak (505,
     * RFC 9110 §15.6.6). HTTP/0.9 has no version field, so it is malformed. */
    if (req->major != 1)
        return TT_HTTP_EVERSION;
    return q > (long)0x7fffffff ? TT_HTTP_EBAD : (int)q;
}

int tt_http_parse_response(const char *buf, size_t len, struct tt_http_response *resp)
{
    resp->num_headers = 0;
    long p = parse_version(buf, len, 0, &resp->major, &resp->minor);
    if (p < 0)
        return (int)p;
    /* RFC 9112 §4: HTTP-version SP status-code SP [ reason-phrase ]. */
    size_t i = (size_t)p;
    int status = 0;
    for (int k = 0; k < 5; k++, i++) {
        if (i >= len)
            return TT_HTTP_EPARTIAL;
        unsigned char c = (unsigned char)buf[i];
        if (k == 0 || k == 4) {
            /* A missing reason's SP is tolerated (some servers omit it). */
            if (k == 4 && line_end(buf, len, i) != 0)
                break;
            if (c != ' ')
                return TT_HTTP_EBAD;
        } else if (c < '0' || c > '9') {
            return TT_HTTP_EBAD;
        } else {
            status = status * 10 + (c - '0');
        }
    }
    if (status < 100)
        return TT_HTTP_EBAD;
    resp->status = status;
    size_t r = i;
    for (;; i++) {
        long e = line_end(buf, len, i);
        if (e < 0)
            return (int)e;
        if (e > 0) {
            resp->reason = buf + r;
            resp->reason_len = i - r;
            p = e;
            break;
        }
        if (!is_field_char((unsigned char)buf[i]))
            return TT_HTTP_EBAD;
    }
    p = parse_fields(buf, len, (size_t)p, resp->headers, resp->max_headers, &resp->num_headers);
    if (p < 0)
        return (int)p;
    if (resp->major != 1)
        return TT_HTTP_EVERSION;
    return p > (long)0x7fffffff ? TT_HTTP_EBAD : (int)p;
}

static int name_eq(const char *a, size_t alen, const char *b)
{
    size_t blen = strlen(b);
    if (alen != blen)
        return 0;
    for (size_t i = 0; i < alen; i++)
        if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
            return 0;
    return 1;
}

const struct tt_http_header *tt_http_find(const struct tt_http_header *h, size_t n,
                                          const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (name_eq(h[i].name, h[i].name_len, name))
            return &h[i];
    return NULL;
}

int tt_http_has_token(const char *v, size_t len, const char *token)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
            i++;
        size_t s = i;
        while (i < len && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        if (e > s && name_eq(v + s, e - s, token))
            return 1;
    }
    return 0;
}

/* 1*DIGIT at v[*i], at most 2^62; advances *i. 0 or TT_HTTP_EBAD. */
static int parse_u62(const char *v, size_t len, size_t *i, uint64_t *out)
{
    uint64_t x = 0;
    size_t s = *i;
    while (*i < len && v[*i] >= '0' && v[*i] <= '9') {
        if (x > (UINT64_C(1) << 62) / 10)
            return TT_HTTP_EBAD;
        x = x * 10 + (uint64_t)(v[*i] - '0');
        (*i)++;
    }
    if (*i == s || x > (UINT64_C(1) << 62))
        return TT_HTTP_EBAD;
    *out = x;
    return 0;
}

int tt_http_content_length(const char *v, size_t len, uint64_t *out)
{
    size_t i = 0;
    int have = 0;
    uint64_t first = 0;
    for (;;) {
        uint64_t x;
        if (parse_u62(v, len, &i, &x) != 0 || (have && x != first))
            return TT_HTTP_EBAD;
        first = x;
        have = 1;
        while (i < len && (v[i] == ' ' || v[i] == '\t'))
            i++;
        if (i == len)
            break;
        if (v[i] != ',')
            return TT_HTTP_EBAD;
        i++;
        while (i < len && (v[i] == ' ' || v[i] == '\t'))
            i++;
    }
    *out = first;
    return 0;
}

int tt_http_parse_range(const char *v, size_t len, uint64_t size, uint64_t *first, uint64_t *last)
{
    /* RFC 9110 §14.1.1: range-unit is case-insensitive. */
    if (len < 6 || !name_eq(v, 6, "bytes="))
        return 0;
    size_t i = 6;
    uint64_t a = 0, b = 0;
    int have_a = 0, have_b = 0;
    if (i < len && v[i] >= '0' && v[i] <= '9') {
        if (parse_u62(v, len, &i, &a) != 0)
            return 0;
        have_a = 1;
    }
    if (i >= len || v[i] != '-')
        return 0;
    i++;
    if (i < len && v[i] >= '0' && v[i] <= '9') {
        if (parse_u62(v, len, &i, &b) != 0)
            return 0;
        have_b = 1;
    }
    if (i != len || (!have_a && !have_b) || (have_a && have_b && b < a))
        return 0; /* several ranges, trailing bytes, or invalid: ignored (§14.2) */
    if (!have_a) {
        /* suffix-range "-n": the last n bytes (§14.1.2). */
        if (b == 0 || size == 0)
            return -1;
        *first = b >= size ? 0 : size - b;
        *last = size - 1;
        return 1;
    }
    if (a >= size)
        return -1;
    *first = a;
    *last = have_b && b < size ? b : size - 1;
    return 1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A finished segment out[seg..o): "." and ".." are refused, raw or decoded,
 * rather than resolved, so that no target can name a file above the root. */
static int bad_segment(const char *out, size_t seg, size_t o)
{
    size_t n = o - seg;
    return (n == 1 && out[seg] == '.') || (n == 2 && out[seg] == '.' && out[seg + 1] == '.');
}

int tt_http_target_path(const char *target, size_t len, char *out, size_t cap)
{
    size_t i = 0;
    /* RFC 9112 §3.2.2: a server MUST accept the absolute form. */
    if (len >= 7 && name_eq(target, 7, "http://")) {
        i = 7;
        while (i < len && target[i] != '/' && target[i] != '?')
            i++;
        if (i == len || target[i] != '/') {
            if (cap < 2)
                return TT_HTTP_ETOOMANY;
            out[0] = '/';
            out[1] = 0;
            return 1;
        }
    }
    if (i >= len || target[i] != '/')
        return TT_HTTP_EBAD; /* authority-form, asterisk-form: not for files */
    size_t o = 0, seg = 0;
    for (; i < len && target[i] != '?' && target[i] != '#'; i++) {
        unsigned char c = (unsigned char)target[i];
        if (c == '/') {
            if (o > 0 && bad_segment(out, seg, o))
                return TT_HTTP_EFORBIDDEN;
            if (o > 0 && o == seg)
                continue; /* "//" collapses */
            if (o + 2 > cap)
                return TT_HTTP_ETOOMANY;
            out[o++] = '/';
            seg = o;
            continue;
        }
        if (c == '%') {
            int hi = i + 2 < len ? hexval((unsigned char)target[i + 1]) : -1;
            int lo = hi < 0 ? -1 : hexval((unsigned char)target[i + 2]);
            if (hi < 0 || lo < 0)
                return TT_HTTP_EBAD;
            c = (unsigned char)(hi << 4 | lo);
            i += 2;
            /* An encoded NUL would cut the file name short; an encoded slash
             * would join segments that the check above saw apart. */
            if (c == 0 || c == '/')
                return TT_HTTP_EFORBIDDEN;
        }
        if (c == '\\')
            return TT_HTTP_EFORBIDDEN; /* not a separator on Linux; refused anyway */
        if (o + 2 > cap)
            return TT_HTTP_ETOOMANY;
        out[o++] = (char)c;
    }
    if (bad_segment(out, seg, o))
        return TT_HTTP_EFORBIDDEN;
    out[o] = 0;
    return (int)o;
}

const char *tt_http_content_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {"html", "text/html; charset=utf-8"},
        {"htm", "text/html; charset=utf-8"},
        {"txt", "text/plain; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"json", "application/json"},
        {"xml", "application/xml"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"webp", "image/webp"},
        {"ico", "image/vnd.microsoft.icon"},
        {"pdf", "application/pdf"},
        {"gz", "application/gzip"},
        {"tar", "application/x-tar"},
        {"zip", "application/zip"},
        {"pcap", "application/vnd.tcpdump.pcap"},
        {"wasm", "application/wasm"},
        {"mp4", "video/mp4"},
        {"md", "text/markdown; charset=utf-8"},
        {"c", "text/plain; charset=utf-8"},
        {"h", "text/plain; charset=utf-8"},
    };
    const char *slash = strrchr(name, '/');
    const char *dot = strrchr(slash ? slash : name, '.');
    if (dot && dot[1])
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (name_eq(dot + 1, strlen(dot + 1), types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

const char *tt_http_reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 416:
        return "Range Not Satisfiable";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "";
    }
}
