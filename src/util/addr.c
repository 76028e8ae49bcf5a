/* SPDX-License-Identifier: BSD-2-Clause */
/* Text forms of struct tt_addr (include/tether/addr.h): pure, freestanding. */
#include "tether/addr.h"

#include "tether/errors.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* A dotted quad from s[0..n): 0 and *v, or -1. */
static int parse_quad(const char *s, size_t n, uint32_t *v)
{
    uint32_t acc = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part) {
            if (i >= n || s[i] != '.')
                return -1;
            i++;
        }
        size_t start = i;
        uint32_t x = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - start < 4) {
            x = x * 10 + (uint32_t)(s[i] - '0');
            i++;
        }
        if (i == start || i - start > 3 || x > 255 || (i - start > 1 && s[start] == '0'))
            return -1;
        acc = acc << 8 | x;
    }
    if (i != n)
        return -1;
    *v = acc;
    return 0;
}

/* RFC 4291 §2.2 text from s[0..n): 0 and b, or -1. */
static int parse_v6(const char *s, size_t n, uint8_t b[16])
{
    uint8_t out[16] = {0};
    int ngroups = 0, gap = -1; /* group index where "::" stands */
    size_t i = 0;
    if (n >= 2 && s[0] == ':' && s[1] == ':') {
        gap = 0;
        i = 2;
        if (i == n)
            goto done;
    } else if (n >= 1 && s[0] == ':') {
        return -1;
    }
    for (;;) {
        /* one group, or a trailing dotted quad */
        size_t start = i;
        uint32_t x = 0;
        while (i < n && hexval(s[i]) >= 0 && i - start < 5) {
            x = x << 4 | (uint32_t)hexval(s[i]);
            i++;
        }
        if (i < n && s[i] == '.') {
            uint32_t q;
            if (ngroups > 6 || parse_quad(s + start, n - start, &q) < 0)
                return -1;
            out[ngroups * 2] = (uint8_t)(q >> 24);
            out[ngroups * 2 + 1] = (uint8_t)(q >> 16);
            out[ngroups * 2 + 2] = (uint8_t)(q >> 8);
            out[ngroups * 2 + 3] = (uint8_t)q;
            ngroups += 2;
            break;
        }
        if (i == start || i - start > 4 || ngroups >= 8)
            return -1;
        out[ngroups * 2] = (uint8_t)(x >> 8);
        out[ngroups * 2 + 1] = (uint8_t)x;
        ngroups++;
        if (i == n)
            break;
        if (s[i] != ':')
            return -1;
        i++;
        if (i < n && s[i] == ':') {
            if (gap >= 0)
                return -1;
            gap = ngroups;
            i++;
            if (i == n)
                break;
        } else if (i == n) {
            return -1; /* a trailing single ':' */
        }
    }
done:
    if (gap < 0) {
        if (ngroups != 8)
            return -1;
    } else {
        if (ngroups > 7)
            return -1;
        /* move the groups after the gap to the end */
        int tail = ngroups - gap;
        for (int k = tail - 1; k >= 0; k--) {
            int from = (gap + k) * 2, to = (8 - tail + k) * 2;
            out[to] = out[from];
            out[to + 1] = out[from + 1];
            if (from != to)
                out[from] = out[from + 1] = 0;
        }
    }
    for (int k = 0; k < 16; k++)
        b[k] = out[k];
    return 0;
}

static size_t slen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int parse_n(const char *s, size_t n, struct tt_addr *out)
{
    uint32_t v4;
    uint8_t v6[16];
    if (parse_quad(s, n, &v4) == 0) {
        *out = TT_ADDR_V4(v4);
        return 0;
    }
    if (parse_v6(s, n, v6) == 0) {
        *out = tt_addr_v6(v6);
        return 0;
    }
    return TT_EINVAL;
}

int tt_addr_parse(const char *s, struct tt_addr *out)
{
    if (!s || !out)
        return TT_EINVAL;
    return parse_n(s, slen(s), out);
}

int tt_addr_parse_port(const char *s, struct tt_addr *out, uint16_t *port)
{
    if (!s || !out || !port)
        return TT_EINVAL;
    size_t n = slen(s), colon;
    struct tt_addr a;
    if (n && s[0] == '[') {
        size_t close = 1;
        while (close < n && s[close] != ']')
            close++;
        if (close >= n || close + 1 >= n || s[close + 1] != ':')
            return TT_EINVAL;
        if (parse_n(s + 1, close - 1, &a) < 0 || a.family != TT_AF_INET6)
            return TT_EINVAL;
        colon = close + 1;
    } else {
        colon = 0;
        for (size_t i = 0; i < n; i++)
            if (s[i] == ':') {
                if (colon)
                    return TT_EINVAL; /* an IPv6 address needs brackets */
                colon = i;
            }
        if (!colon || parse_n(s, colon, &a) < 0 || a.family != TT_AF_INET)
            return TT_EINVAL;
    }
    uint32_t p = 0;
    size_t i = colon + 1;
    if (i == n || n - i > 5)
        return TT_EINVAL;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return TT_EINVAL;
        p = p * 10 + (uint32_t)(s[i] - '0');
    }
    if (p > 65535)
        return TT_EINVAL;
    *out = a;
    *port = (uint16_t)p;
    return 0;
}

/* A bounded writer: counts everything, stores what fits. */
struct wbuf {
    char *b;
    size_t n, len;
};

static void put(struct wbuf *w, char c)
{
    if (w->len + 1 < w->n)
        w->b[w->len] = c;
    w->len++;
}

static void put_dec(struct wbuf *w, uint32_t v)
{
    char t[10];
    int k = 0;
    do {
        t[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k)
        put(w, t[--k]);
}

static void put_hex(struct wbuf *w, uint32_t v)
{
    static const char hx[] = "0123456789abcdef";
    int started = 0;
    for (int sh = 12; sh >= 0; sh -= 4) {
        uint32_t d = (v >> sh) & 0xf;
        if (d || started || sh == 0) {
            put(w, hx[d]);
            started = 1;
        }
    }
}

static void put_quad(struct wbuf *w, uint32_t v)
{
    for (int sh = 24; sh >= 0; sh -= 8) {
        put_dec(w, (v >> sh) & 0xff);
        if (sh)
            put(w, '.');
    }
}

static void put_addr(struct wbuf *w, struct tt_addr a)
{
    if (a.family == TT_AF_INET) {
        put_quad(w, a.v4);
        return;
    }
    if (a.family != TT_AF_INET6) {
        put(w, '*');
        return;
    }
    uint32_t g[8];
    for (int k = 0; k < 8; k++)
        g[k] = (uint32_t)a.v6[2 * k] << 8 | a.v6[2 * k + 1];
    int mapped = !g[0] && !g[1] && !g[2] && !g[3] && !g[4] && g[5] == 0xffff;
    int ng = mapped ? 6 : 8;
    /* RFC 5952 §4.2: the longest run of >= 2 zero groups, the first when tied */
    int best = -1, bestlen = 1;
    for (int k = 0; k < ng;) {
        if (g[k]) {
            k++;
            continue;
        }
        int e = k;
        while (e < ng && !g[e])
            e++;
        if (e - k > bestlen) {
            best = k;
            bestlen = e - k;
        }
        k = e;
    }
    for (int k = 0; k < ng; k++) {
        if (k == best) {
            put(w, ':');
            put(w, ':');
            k += bestlen - 1;
            continue;
        }
        if (k && k != best + bestlen)
            put(w, ':');
        put_hex(w, g[k]);
    }
    if (mapped) {
        if (best < 0 || best + bestlen != 6)
            put(w, ':');
        put_quad(w, (uint32_t)g[6] << 16 | g[7]);
    }
}

static size_t finish(struct wbuf *w)
{
    if (w->n)
        w->b[w->len < w->n ? w->len : w->n - 1] = 0;
    return w->len;
}

size_t tt_addr_format(struct tt_addr a, char *buf, size_t n)
{
    struct wbuf w = {buf, buf ? n : 0, 0};
    put_addr(&w, a);
    return finish(&w);
}

size_t tt_addr_format_port(struct tt_addr a, uint16_t port, char *buf, size_t n)
{
    struct wbuf w = {buf, buf ? n : 0, 0};
    if (a.family == TT_AF_INET6)
        put(&w, '[');
    put_addr(&w, a);
    if (a.family == TT_AF_INET6)
        put(&w, ']');
    put(&w, ':');
    put_dec(&w, port);
    return finish(&w);
}
