/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The static-file HTTP server (tools/http) on stack B of a simulated pair,
 * a raw-bytes client on stack A, on the virtual clock: GET, HEAD,
 * keep-alive, pipelining, Range, 404/403/400/431/505, HTTP/1.0 closing
 * first (the server's side in TIME-WAIT), directories, the idle timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tether/tether.h>

#include "http/http.h"
#include "sim.h"

#define MAXC 8

struct fx {
    struct tt_sim_pair p;
    struct tt_tcp *l;
    struct tt_http_server *srv;
    struct tt_http_conn *conns[MAXC];
    char root[64];
    char got[1 << 21];
    size_t got_len;
    int eof;
};

static void put_file(const char *dir, const char *name, const void *data, size_t len)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static int setup(void **state)
{
    struct fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    assert_int_equal(tt_sim_pair_create(&x->p, NULL), 0);
    strcpy(x->root, "/tmp/tt_http_test.XXXXXX");
    assert_non_null(mkdtemp(x->root));
    char sub[128], outside[128];
    put_file(x->root, "hello.txt", "hello, world\n", 13);
    put_file(x->root, "empty.bin", "", 0);
    static uint8_t big[1 << 20];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7 + (i >> 11));
    put_file(x->root, "big.bin", big, sizeof big);
    snprintf(sub, sizeof sub, "%s/dir", x->root);
    assert_int_equal(mkdir(sub, 0755), 0);
    put_file(sub, "a&b.txt", "x", 1);
    snprintf(sub, sizeof sub, "%s/site", x->root);
    assert_int_equal(mkdir(sub, 0755), 0);
    put_file(sub, "index.html", "<p>index</p>\n", 13);
    /* A symlink out of the root, and one that stays inside. */
    snprintf(outside, sizeof outside, "%s.outside", x->root);
    put_file("/tmp", outside + 5, "secret", 6);
    snprintf(sub, sizeof sub, "%s/escape", x->root);
    assert_int_equal(symlink(outside, sub), 0);
    snprintf(sub, sizeof sub, "%s/inside", x->root);
    assert_int_equal(symlink("hello.txt", sub), 0);

    struct tt_http_server_config cfg = {.root = x->root, .idle_timeout = TT_SEC(5)};
    char err[256];
    assert_int_equal(tt_http_server_create(&cfg, &x->srv, err, sizeof err), 0);
    tt_time now = tt_sim_now(x->p.sim);
    assert_int_equal(tt_tcp_open(x->p.b, &x->l), 0);
    assert_int_equal(tt_tcp_bind(x->l, TT_ADDR_ANY, 80), 0);
    assert_int_equal(tt_tcp_listen(x->l, 16, now), 0);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    struct fx *x = *state;
    char cmd[256];
    tt_time now = tt_sim_now(x->p.sim);
    for (int i = 0; i < MAXC; i++)
        tt_http_conn_free(x->conns[i], now);
    tt_http_server_destroy(x->srv);
    tt_sim_pair_destroy(&x->p);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s.outside'", x->root, x->root);
    assert_int_equal(system(cmd), 0);
    free(x);
    return 0;
}

/* The server's turn, as `tether serve` takes it after each step. */
static void server_turn(struct fx *x)
{
    tt_time now = tt_sim_now(x->p.sim), dl;
    struct tt_tcp *t;
    while (tt_tcp_accept(x->l, &t, now) == 0) {
        int i = 0;
        while (i < MAXC && x->conns[i])
            i++;
        assert_true(i < MAXC);
        x->conns[i] = tt_http_conn_new(x->srv, t, now);
        assert_non_null(x->conns[i]);
    }
    for (int i = 0; i < MAXC; i++)
        if (x->conns[i] && !tt_http_conn_step(x->conns[i], now, &dl)) {
            tt_http_conn_free(x->conns[i], now);
            x->conns[i] = NULL;
        }
}

/* Run for dt in 1 ms steps, the client reading everything into x->got. */
static void run(struct fx *x, struct tt_tcp *c, tt_time dt)
{
    tt_time end = tt_sim_now(x->p.sim) + dt;
    while (tt_sim_now(x->p.sim) < end) {
        tt_sim_run_for(x->p.sim, TT_MSEC(1));
        server_turn(x);
        if (!c)
            continue;
        for (;;) {
            long n = tt_tcp_recv(c, x->got + x->got_len, sizeof x->got - x->got_len,
                                 tt_sim_now(x->p.sim));
            if (n > 0)
                x->got_len += (size_t)n;
            if (n == 0)
                x->eof = 1;
            if (n <= 0)
                break;
        }
    }
}

static struct tt_tcp *client(struct fx *x)
{
    struct tt_tcp *c;
    assert_int_equal(tt_tcp_open(x->p.a, &c), 0);
    assert_int_equal(tt_tcp_connect(c, TT_SIM_ADDR_B, 80, tt_sim_now(x->p.sim)), TT_EINPROGRESS);
    x->got_len = 0;
    x->eof = 0;
    run(x, c, TT_MSEC(20));
    assert_int_equal(tt_tcp_state(c), TT_ESTABLISHED);
    return c;
}

static void send_str(struct fx *x, struct tt_tcp *c, const char *s)
{
    assert_int_equal(tt_tcp_send(c, s, strlen(s), tt_sim_now(x->p.sim)), (long)strlen(s));
}

/* The response starting at x->got + *off: its status, its body (length
 * from Content-Length; -1 when absent) and where the next one starts. */
static int response_at(struct fx *x, size_t *off, const char **body, long *body_len)
{
    struct tt_http_header f[32];
    struct tt_http_response rs = {.headers = f, .max_headers = 32};
    int n = tt_http_parse_response(x->got + *off, x->got_len - *off, &rs);
    if (n <= 0)
        fail_msg("no response at %zu (%d): '%.*s'", *off, n, (int)(x->got_len - *off),
                 x->got + *off);
    const struct tt_http_header *cl = tt_http_find(f, rs.num_headers, "Content-Length");
    uint64_t len = 0;
    *body_len = -1;
    if (cl && tt_http_content_length(cl->value, cl->value_len, &len) == 0)
        *body_len = (long)len;
    *body = x->got + *off + n;
    *off += (size_t)n;
    return rs.status;
}

/* One request on a fresh connection; the whole reply kept in x->got. */
static int get1(struct fx *x, const char *req, const char **body, long *blen)
{
    struct tt_tcp *c = client(x);
    send_str(x, c, req);
    run(x, c, TT_MSEC(500));
    size_t off = 0;
    int st = response_at(x, &off, body, blen);
    tt_tcp_close(c, tt_sim_now(x->p.sim));
    run(x, NULL, TT_MSEC(50));
    return st;
}

static int has_field(struct fx *x, const char *line)
{
    return memmem(x->got, x->got_len, line, strlen(line)) != NULL;
}

static void test_get_keepalive_pipelining(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    struct tt_tcp *c = client(x);
    send_str(x, c, "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n");
    run(x, c, TT_MSEC(100));
    size_t off = 0;
    assert_int_equal(response_at(x, &off, &body, &blen), 200);
    assert_int_equal(blen, 13);
    assert_memory_equal(body, "hello, world\n", 13);
    assert_true(has_field(x, "Content-Type: text/plain; charset=utf-8\r\n"));
    assert_false(x->eof); /* HTTP/1.1 persists */
    /* Three pipelined requests in one segment, answered in order. */
    x->got_len = 0;
    send_str(x, c,
             "GET /empty.bin HTTP/1.1\r\nHost: t\r\n\r\nHEAD /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n"
             "GET /inside HTTP/1.1\r\nHost: t\r\n\r\n");
    run(x, c, TT_MSEC(100));
    off = 0;
    assert_int_equal(response_at(x, &off, &body, &blen), 200);
    assert_int_equal(blen, 0);
    assert_int_equal(response_at(x, &off, &body, &blen), 200);
    assert_int_equal(blen, 13); /* HEAD: the length of what GET would send, no body */
    assert_int_equal(response_at(x, &off, &body, &blen), 200);
    assert_memory_equal(body, "hello, world\n", 13); /* a symlink inside the root */
    assert_int_equal(off + 13, x->got_len);
    assert_false(x->eof);
    /* The client closes first: the server follows, the client waits in TIME-WAIT. */
    tt_tcp_close(c, tt_sim_now(x->p.sim));
    run(x, NULL, TT_MSEC(100));
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(x->p.a, &sa);
    tt_tcp_stats(x->p.b, &sb);
    assert_int_equal(sa.time_wait, 1);
    assert_int_equal(sb.time_wait, 0);
    assert_int_equal(sb.app_handles, 1); /* only the listener */
}

static void test_big_file_and_range(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    assert_int_equal(get1(x, "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n", &body, &blen), 200);
    assert_int_equal(blen, 1 << 20);
    assert_int_equal(x->got + x->got_len - body, 1 << 20);
    for (size_t i = 0; i < (1u << 20); i += 4093)
        assert_int_equal((uint8_t)body[i], (uint8_t)(i * 7 + (i >> 11)));
    assert_int_equal(
        get1(x, "GET /big.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=1000-1009\r\n\r\n", &body, &blen),
        206);
    assert_int_equal(blen, 10);
    assert_true(has_field(x, "Content-Range: bytes 1000-1009/1048576\r\n"));
    assert_int_equal((uint8_t)body[0], (uint8_t)(1000 * 7));
    assert_int_equal(
        get1(x, "GET /hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=-5\r\n\r\n", &body, &blen),
        206);
    assert_memory_equal(body, "orld\n", 5);
    assert_int_equal(
        get1(x, "GET /hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=13-\r\n\r\n", &body, &blen),
        416);
    assert_true(has_field(x, "Content-Range: bytes */13\r\n"));
    /* Several ranges: ignored, the whole file (RFC 9110 §14.2 allows it). */
    assert_int_equal(
        get1(x, "GET /hello.txt HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1,3-4\r\n\r\n", &body, &blen),
        200);
}

static void test_errors(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    static const struct {
        const char *req;
        int status;
    } cases[] = {
        {"GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", 404},
        {"GET /../etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n", 403},
        {"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: t\r\n\r\n", 403},
        {"GET /dir/..%2f..%2fetc HTTP/1.1\r\nHost: t\r\n\r\n", 403},
        {"GET /escape HTTP/1.1\r\nHost: t\r\n\r\n", 403},
        {"GET /hello.txt HTTP/1.1\r\n\r\n", 400}, /* no Host */
        {"GET /hello.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nHost : t\r\n\r\n", 400},
        {"GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505},
        {"POST /hello.txt HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n", 405},
        {"BREW /pot HTTP/1.1\r\nHost: t\r\n\r\n", 501},
        {"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        {"GET *\x01 HTTP/1.1\r\n\r\n", 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st = get1(x, cases[i].req, &body, &blen);
        if (st != cases[i].status)
            fail_msg("case %zu: %d, want %d", i, st, cases[i].status);
    }
}

static void test_bad_request_closes(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    struct tt_tcp *c = client(x);
    send_str(x, c, "GET / HTTP/1.1\r\nHost: t\r\nBad Field: x\r\n\r\nGET /hello.txt HTTP/1.1\r\n");
    run(x, c, TT_MSEC(200));
    size_t off = 0;
    assert_int_equal(response_at(x, &off, &body, &blen), 400);
    assert_true(has_field(x, "Connection: close\r\n"));
    assert_int_equal(off + (size_t)blen, x->got_len); /* nothing for the rest */
    assert_true(x->eof);                              /* the server closed */
    tt_tcp_close(c, tt_sim_now(x->p.sim));
    run(x, NULL, TT_MSEC(100));
    /* ... and keeps serving. */
    assert_int_equal(get1(x, "GET /hello.txt HTTP/1.1\r\nHost: t\r\n\r\n", &body, &blen), 200);
}

static void test_http10_server_closes_first(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    struct tt_tcp *c = client(x);
    send_str(x, c, "GET /hello.txt HTTP/1.0\r\n\r\n");
    run(x, c, TT_MSEC(200));
    size_t off = 0;
    assert_int_equal(response_at(x, &off, &body, &blen), 200);
    assert_true(x->eof);
    tt_tcp_close(c, tt_sim_now(x->p.sim));
    run(x, NULL, TT_MSEC(100));
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(x->p.a, &sa);
    tt_tcp_stats(x->p.b, &sb);
    assert_int_equal(sb.time_wait, 1); /* the server closed first */
    assert_int_equal(sa.time_wait, 0);
    /* Connection: close on 1.1 does the same. */
    assert_int_equal(
        get1(x, "GET /hello.txt HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", &body, &blen),
        200);
    assert_true(x->eof);
    assert_true(has_field(x, "Connection: close\r\n"));
}

static void test_directories(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    assert_int_equal(get1(x, "GET /dir HTTP/1.1\r\nHost: t\r\n\r\n", &body, &blen), 301);
    assert_true(has_field(x, "Location: /dir/\r\n"));
    assert_int_equal(get1(x, "GET /dir/ HTTP/1.1\r\nHost: t\r\n\r\n", &body, &blen), 200);
    assert_non_null(memmem(body, (size_t)blen, "<a href=\"a%26b.txt\">a&amp;b.txt</a>", 35));
    assert_int_equal(get1(x, "GET /site/ HTTP/1.1\r\nHost: t\r\n\r\n", &body, &blen), 200);
    assert_int_equal(blen, 13);
    assert_memory_equal(body, "<p>index</p>\n", 13);
    assert_true(has_field(x, "Content-Type: text/html; charset=utf-8\r\n"));
    assert_int_equal(
        get1(x, "GET http://t/site/index.html HTTP/1.1\r\nHost: t\r\n\r\n", &body, &blen), 200);
}

static void test_limits(void **state)
{
    struct fx *x = *state;
    const char *body;
    long blen;
    /* A head longer than the 8 KiB limit: 431, closed. */
    static char big[10000];
    size_t n = (size_t)snprintf(big, sizeof big, "GET / HTTP/1.1\r\nHost: t\r\nX: ");
    memset(big + n, 'a', sizeof big - n - 1);
    struct tt_tcp *c = client(x);
    send_str(x, c, big);
    run(x, c, TT_MSEC(200));
    size_t off = 0;
    assert_int_equal(response_at(x, &off, &body, &blen), 431);
    tt_tcp_close(c, tt_sim_now(x->p.sim));
    run(x, NULL, TT_MSEC(100));
    /* An idle connection is closed by the server after 5 s, not before. */
    c = client(x);
    send_str(x, c, "GET /hello");
    run(x, c, TT_SEC(4));
    assert_false(x->eof);
    run(x, c, TT_MSEC(1100));
    assert_true(x->eof);
    assert_int_equal(x->got_len, 0);
    tt_tcp_close(c, tt_sim_now(x->p.sim));
    run(x, NULL, TT_MSEC(100));
    struct tt_http_server_stats st;
    tt_http_server_stats(x->srv, &st);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.responses[4], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_keepalive_pipelining, setup, teardown),
        cmocka_unit_test_setup_teardown(test_big_file_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_request_closes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http10_server_closes_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
