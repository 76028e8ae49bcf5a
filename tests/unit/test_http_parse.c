/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The HTTP/1.1 head parser (tools/http): requests and responses, every
 * prefix of a valid head is partial, hostile bytes right before a guard
 * page, oversized heads; Content-Length, Range, target paths, media types.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "guard_page.h"
#include "http/http.h"

#define NF 16

static int parse_req(const char *s, size_t len, struct tt_http_request *rq,
                     struct tt_http_header *f, size_t nf)
{
    memset(rq, 0, sizeof *rq);
    rq->headers = f;
    rq->max_headers = nf;
    return tt_http_parse_request(s, len, rq);
}

static int parse_str(const char *s)
{
    struct tt_http_header f[NF];
    struct tt_http_request rq;
    return parse_req(s, strlen(s), &rq, f, NF);
}

static void test_request_basic(void **state)
{
    static const char r[] = "GET /a/b.txt?x=1 HTTP/1.1\r\nHost: 192.0.2.2\r\n"
                            "User-Agent:curl/8.0 \r\nAccept: */*\r\n\r\nBODY";
    struct tt_http_header f[NF];
    struct tt_http_request rq;
    (void)state;
    int n = parse_req(r, sizeof r - 1, &rq, f, NF);
    assert_int_equal(n, (int)(sizeof r - 1 - 4));
    assert_int_equal(rq.method_len, 3);
    assert_memory_equal(rq.method, "GET", 3);
    assert_int_equal(rq.target_len, strlen("/a/b.txt?x=1"));
    assert_memory_equal(rq.target, "/a/b.txt?x=1", rq.target_len);
    assert_int_equal(rq.major, 1);
    assert_int_equal(rq.minor, 1);
    assert_int_equal(rq.num_headers, 3);
    const struct tt_http_header *h = tt_http_find(f, rq.num_headers, "user-agent");
    assert_non_null(h);
    assert_int_equal(h->value_len, strlen("curl/8.0")); /* OWS trimmed both sides */
    assert_memory_equal(h->value, "curl/8.0", h->value_len);
    assert_null(tt_http_find(f, rq.num_headers, "Range"));
}

static void test_request_forms(void **state)
{
    (void)state;
    /* Bare LF line ends (RFC 9112 §2.2), leading empty lines, HTTP/1.0. */
    assert_int_equal(parse_str("GET / HTTP/1.0\n\n"), 16);
    assert_int_equal(parse_str("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"), 31);
    /* An empty field value is fine. */
    assert_true(parse_str("GET / HTTP/1.1\r\nHost:\r\n\r\n") > 0);
    /* Versions: 505 for other majors once the head is well-formed. */
    assert_int_equal(parse_str("GET / HTTP/2.0\r\n\r\n"), TT_HTTP_EVERSION);
    assert_int_equal(parse_str("GET / HTTP/0.9\r\n\r\n"), TT_HTTP_EVERSION);
    assert_int_equal(parse_str("GET / HTTP/3.0\r\nHost: x\r\n"), TT_HTTP_EPARTIAL);
    /* Malformed. */
    static const char *const bad[] = {
        "GET /\r\n\r\n",                           /* HTTP/0.9 */
        "GET  / HTTP/1.1\r\n\r\n",                 /* two spaces */
        "GET / HTTP/1.1 \r\n\r\n",                 /* trailing space */
        "GET / http/1.1\r\n\r\n",                  /* case */
        "GET / HTTP/1.10\r\n\r\n",                 /* two digits */
        "GET / HTTP/11\r\n\r\n",                   /* no dot */
        "G(T / HTTP/1.1\r\n\r\n",                  /* not a token */
        " GET / HTTP/1.1\r\n\r\n",                 /* leading space */
        "GET / HTTP/1.1\r\nHost : x\r\n\r\n",      /* space before colon, §5.1 */
        "GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n", /* obs-fold, §5.2 */
        "GET / HTTP/1.1\r\n: x\r\n\r\n",           /* empty name */
        "GET / HTTP/1.1\r\nHost x\r\n\r\n",        /* no colon */
        "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",       /* bare CR */
        "GET / HTTP/1.1\rX",                       /* bare CR after the version */
        "GET /\x7f HTTP/1.1\r\n\r\n",              /* DEL in the target */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = parse_str(bad[i]);
        if (rc != TT_HTTP_EBAD)
            fail_msg("case %zu: got %d", i, rc);
    }
    /* NUL and other controls inside a value. */
    static const char nul[] = "GET / HTTP/1.1\r\nA: b\0c\r\n\r\n";
    struct tt_http_header f[NF];
    struct tt_http_request rq;
    assert_int_equal(parse_req(nul, sizeof nul - 1, &rq, f, NF), TT_HTTP_EBAD);
}

static void test_too_many_fields(void **state)
{
    static const char r[] = "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n";
    struct tt_http_header f[2];
    struct tt_http_request rq;
    (void)state;
    assert_int_equal(parse_req(r, sizeof r - 1, &rq, f, 2), TT_HTTP_ETOOMANY);
    /* Truncated, the overflow is still only partial; a bad byte is still bad. */
    assert_int_equal(parse_req(r, sizeof r - 3, &rq, f, 2), TT_HTTP_EPARTIAL);
    static const char bad[] = "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc : 3\r\n\r\n";
    assert_int_equal(parse_req(bad, sizeof bad - 1, &rq, f, 2), TT_HTTP_EBAD);
    struct tt_http_header f3[3];
    assert_int_equal(parse_req(r, sizeof r - 1, &rq, f3, 3), (int)(sizeof r - 1));
}

/* Every prefix of a valid head is EPARTIAL, read right before a guard page
 * (a read past the end faults), and the whole head parses to its length. */
static void test_prefixes_guard_page(void **state)
{
    static const char *const heads[] = {
        "GET /index.html HTTP/1.1\r\nHost: 192.0.2.2\r\nRange: bytes=0-9\r\n\r\n",
        "\r\nHEAD / HTTP/1.0\nConnection: close\n\n",
        "GET / HTTP/2.0\r\nHost: x\r\n\r\n",
    };
    static const char *const resps[] = {
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
        "HTTP/1.0 301 Moved Permanently\r\nLocation: /a/\r\n\r\n",
        "HTTP/1.1 204\r\n\r\n",
    };
    struct tt_guard g;
    struct tt_http_header f[NF];
    (void)state;
    assert_int_equal(tt_guard_init(&g, 4096), 0);
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(heads[k]);
        for (size_t i = 0; i < len; i++) {
            struct tt_http_request rq;
            const char *p = (const char *)tt_guard_place(&g, heads[k], i);
            assert_int_equal(parse_req(p, i, &rq, f, NF), TT_HTTP_EPARTIAL);
        }
        struct tt_http_request rq;
        const char *p = (const char *)tt_guard_place(&g, heads[k], len);
        int rc = parse_req(p, len, &rq, f, NF);
        assert_int_equal(rc, k == 2 ? TT_HTTP_EVERSION : (int)len);
    }
    for (size_t k = 0; k < 3; k++) {
        size_t len = strlen(resps[k]);
        for (size_t i = 0; i <= len; i++) {
            struct tt_http_response rs = {.headers = f, .max_headers = NF};
            const char *p = (const char *)tt_guard_place(&g, resps[k], i);
            int rc = tt_http_parse_response(p, i, &rs);
            assert_int_equal(rc, i < len ? TT_HTTP_EPARTIAL : (int)len);
        }
    }
    /* Every byte value at every position of a short head: never a read past
     * the end, never a length beyond the input. */
    char buf[40];
    static const char base[] = "GET /x HTTP/1.1\r\nA: b\r\n\r\n";
    for (size_t pos = 0; pos < sizeof base - 1; pos++) {
        for (int c = 0; c < 256; c++) {
            memcpy(buf, base, sizeof base - 1);
            buf[pos] = (char)c;
            for (size_t cut = pos + 1; cut <= sizeof base - 1; cut += 7) {
                struct tt_http_request rq;
                const char *p = (const char *)tt_guard_place(&g, buf, cut);
                int rc = parse_req(p, cut, &rq, f, NF);
                assert_true(rc <= (int)cut);
                assert_true(rc != 0);
            }
        }
    }
    tt_guard_release(&g);
}

/* A head of 1 MiB: many fields, a long target, a long value. */
static void test_oversized(void **state)
{
    static char big[1 << 20];
    struct tt_http_header f[NF];
    struct tt_http_request rq;
    (void)state;
    size_t n = (size_t)snprintf(big, sizeof big, "GET /");
    memset(big + n, 'a', 500000);
    n += 500000;
    n += (size_t)snprintf(big + n, sizeof big - n, " HTTP/1.1\r\nX: ");
    memset(big + n, 'b', 400000);
    n += 400000;
    memcpy(big + n, "\r\n", 2);
    n += 2;
    while (n + 8 < sizeof big) {
        memcpy(big + n, "a: b\r\n", 6);
        n += 6;
    }
    assert_int_equal(parse_req(big, n, &rq, f, NF), TT_HTTP_EPARTIAL);
    memcpy(big + n, "\r\n", 2);
    assert_int_equal(parse_req(big, n + 2, &rq, f, NF), TT_HTTP_ETOOMANY);
    struct tt_http_header *many = test_malloc(sizeof *many * 200000);
    assert_int_equal(parse_req(big, n + 2, &rq, many, 200000), (int)(n + 2));
    assert_int_equal(rq.target_len, 500001);
    test_free(many);
}

static void test_response(void **state)
{
    static const char r[] = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-9/100\r\n"
                            "Content-Length: 10\r\n\r\n0123456789";
    struct tt_http_header f[NF];
    struct tt_http_response rs = {.headers = f, .max_headers = NF};
    (void)state;
    int n = tt_http_parse_response(r, sizeof r - 1, &rs);
    assert_int_equal(n, (int)(sizeof r - 1 - 10));
    assert_int_equal(rs.status, 206);
    assert_int_equal(rs.reason_len, strlen("Partial Content"));
    assert_int_equal(rs.num_headers, 2);
    static const char *const bad[] = {"HTTP/1.1 20 OK\r\n\r\n",      "HTTP/1.1 2000 OK\r\n\r\n",
                                      "HTTP/1.1  200 OK\r\n\r\n",    "HTTP/1.1 099 x\r\n\r\n",
                                      "HTTP/1.1 200 O\x01K\r\n\r\n", "ICY 200 OK\r\n\r\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rs.num_headers = 0;
        if (tt_http_parse_response(bad[i], strlen(bad[i]), &rs) != TT_HTTP_EBAD)
            fail_msg("case %zu", i);
    }
    assert_int_equal(tt_http_parse_response("HTTP/2 200\r\n\r\n", 14, &rs), TT_HTTP_EBAD);
}

static void test_tokens_length(void **state)
{
    uint64_t v;
    (void)state;
    assert_true(tt_http_has_token("keep-alive, Close", 17, "close"));
    assert_false(tt_http_has_token("closed", 6, "close"));
    assert_true(tt_http_has_token(" ,chunked ", 10, "chunked"));
    assert_int_equal(tt_http_content_length("0", 1, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(tt_http_content_length("268435456", 9, &v), 0);
    assert_int_equal(v, 268435456);
    assert_int_equal(tt_http_content_length("5, 5", 4, &v), 0);
    assert_int_equal(v, 5);
    assert_int_equal(tt_http_content_length("5, 6", 4, &v), TT_HTTP_EBAD);
    assert_int_equal(tt_http_content_length("", 0, &v), TT_HTTP_EBAD);
    assert_int_equal(tt_http_content_length("-1", 2, &v), TT_HTTP_EBAD);
    assert_int_equal(tt_http_content_length("1x", 2, &v), TT_HTTP_EBAD);
    assert_int_equal(tt_http_content_length("99999999999999999999", 20, &v), TT_HTTP_EBAD);
}

static int range(const char *v, uint64_t size, uint64_t *a, uint64_t *b)
{
    return tt_http_parse_range(v, strlen(v), size, a, b);
}

static void test_range(void **state)
{
    uint64_t a, b;
    (void)state;
    assert_int_equal(range("bytes=0-9", 100, &a, &b), 1);
    assert_true(a == 0 && b == 9);
    assert_int_equal(range("bytes=90-", 100, &a, &b), 1);
    assert_true(a == 90 && b == 99);
    assert_int_equal(range("bytes=90-500", 100, &a, &b), 1);
    assert_true(a == 90 && b == 99);
    assert_int_equal(range("Bytes=-10", 100, &a, &b), 1);
    assert_true(a == 90 && b == 99);
    assert_int_equal(range("bytes=-1000", 100, &a, &b), 1);
    assert_true(a == 0 && b == 99);
    assert_int_equal(range("bytes=100-", 100, &a, &b), -1);
    assert_int_equal(range("bytes=-0", 100, &a, &b), -1);
    assert_int_equal(range("bytes=0-", 0, &a, &b), -1);
    assert_int_equal(range("bytes=5-1", 100, &a, &b), 0);
    assert_int_equal(range("bytes=0-1,5-6", 100, &a, &b), 0);
    assert_int_equal(range("items=0-1", 100, &a, &b), 0);
    assert_int_equal(range("bytes=-", 100, &a, &b), 0);
    assert_int_equal(range("bytes=", 100, &a, &b), 0);
}

static int path(const char *t, char *out, size_t cap)
{
    return tt_http_target_path(t, strlen(t), out, cap);
}

static void test_target_path(void **state)
{
    char out[64];
    (void)state;
    assert_int_equal(path("/", out, sizeof out), 1);
    assert_string_equal(out, "/");
    assert_true(path("/a//b/?q=/../x", out, sizeof out) > 0);
    assert_string_equal(out, "/a/b/");
    assert_true(path("/a%20b/c%2Ed", out, sizeof out) > 0);
    assert_string_equal(out, "/a b/c.d");
    assert_true(path("http://192.0.2.2:80/x/y", out, sizeof out) > 0);
    assert_string_equal(out, "/x/y");
    assert_true(path("http://192.0.2.2", out, sizeof out) > 0);
    assert_string_equal(out, "/");
    assert_true(path("/..a/.b/", out, sizeof out) > 0);
    assert_string_equal(out, "/..a/.b/");
    /* Traversal, raw and encoded. */
    static const char *const forbidden[] = {
        "/..",  "/../etc/passwd", "/a/../../b",  "/%2e%2e/x", "/%2E%2e",   "/.%2e/",
        "/./a", "/a/.",           "/a%2f..%2fb", "/a%00.txt", "/a\\..\\b", "/x/%2e%2E/%2e%2e/etc",
    };
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++)
        if (path(forbidden[i], out, sizeof out) != TT_HTTP_EFORBIDDEN)
            fail_msg("'%s' not refused", forbidden[i]);
    assert_int_equal(path("*", out, sizeof out), TT_HTTP_EBAD);
    assert_int_equal(path("a/b", out, sizeof out), TT_HTTP_EBAD);
    assert_int_equal(path("/%zz", out, sizeof out), TT_HTTP_EBAD);
    assert_int_equal(path("/%2", out, sizeof out), TT_HTTP_EBAD);
    assert_int_equal(path("/0123456789", out, 8), TT_HTTP_ETOOMANY);
    assert_int_equal(path("/012345", out, 8), 7); /* with its NUL, exactly 8 */
}

static void test_types(void **state)
{
    (void)state;
    assert_string_equal(tt_http_content_type("/a/index.HTML"), "text/html; charset=utf-8");
    assert_string_equal(tt_http_content_type("x.png"), "image/png");
    assert_string_equal(tt_http_content_type("/d.png/file"), "application/octet-stream");
    assert_string_equal(tt_http_content_type("noext"), "application/octet-stream");
    assert_string_equal(tt_http_content_type("trailing."), "application/octet-stream");
    assert_string_equal(tt_http_reason(505), "HTTP Version Not Supported");
    assert_string_equal(tt_http_reason(299), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_basic),   cmocka_unit_test(test_request_forms),
        cmocka_unit_test(test_too_many_fields), cmocka_unit_test(test_prefixes_guard_page),
        cmocka_unit_test(test_oversized),       cmocka_unit_test(test_response),
        cmocka_unit_test(test_tokens_length),   cmocka_unit_test(test_range),
        cmocka_unit_test(test_target_path),     cmocka_unit_test(test_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
