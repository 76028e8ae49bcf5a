/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * 10,000 connections opened, used (a little data each way) and closed
 * concurrently on the virtual clock, a quarter in each close order (client
 * first, server first, both at once, client abort). At the end every control
 * block, SYN-queue entry and buffer chunk is freed (counted by the stacks and
 * by the test allocators; ASan checks for leaks).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "memlink.h"
#include "tcp_fixture.h"

#define N 10000
#define MSG 100

enum order { CLIENT_FIRST, SERVER_FIRST, BOTH, ABORT };

struct side {
    struct tt_tcp *t;
    uint32_t got, sent;
    uint8_t closed, eof;
    uint8_t buf[MSG];
};

struct world {
    struct fxp p;
    struct tt_tcp *l;
    struct side c[N], s[N];
    int ns;
    int by_port[65536]; /* client index + 1 by its local port */
    int both_ready;     /* BOTH-order connections whose data is done on both sides */
};

static enum order order_of(int k)
{
    return (enum order)(k % 4);
}

static void fill(uint8_t *b, int k)
{
    for (int i = 0; i < MSG; i++)
        b[i] = (uint8_t)(k * 31 + i);
}

/* The client: send MSG bytes once connected, read the echo, close per order. */
static void client_step(struct world *w, int k)
{
    struct side *c = &w->c[k];
    if (c->closed || tt_tcp_state(c->t) == TT_SYN_SENT)
        return;
    if (c->sent < MSG) {
        uint8_t b[MSG];
        fill(b, k);
        long n = tt_tcp_send(c->t, b + c->sent, MSG - c->sent, w->p.now);
        if (n > 0)
            c->sent += (uint32_t)n;
    }
    long n;
    while ((n = tt_tcp_recv(c->t, c->buf + c->got, MSG - c->got, w->p.now)) > 0)
        c->got += (uint32_t)n;
    if (n == 0 && c->got == MSG)
        c->eof = 1;
    if (c->got < MSG)
        return;
    enum order o = order_of(k);
    if (o == CLIENT_FIRST || (o == SERVER_FIRST && c->eof)) {
        tt_tcp_close(c->t, w->p.now);
        c->closed = 1;
    } else if (o == ABORT) {
        tt_tcp_abort(c->t, w->p.now);
        c->closed = 1;
    }
}

/* The server: echo what arrives, close per order. */
static void server_step(struct world *w, int k)
{
    struct side *s = &w->s[k];
    if (s->closed)
        return;
    uint8_t b[MSG];
    long n;
    while ((n = tt_tcp_recv(s->t, b, sizeof b, w->p.now)) > 0) {
        assert_int_equal(tt_tcp_send(s->t, b, (size_t)n, w->p.now), n);
        s->got += (uint32_t)n;
    }
    if (n == 0 || n == TT_ECONNRESET)
        s->eof = 1;
    enum order o = order_of(k);
    if ((o == CLIENT_FIRST && s->eof) || (o == SERVER_FIRST && s->got == MSG) ||
        (o == ABORT && s->eof)) {
        tt_tcp_close(s->t, w->p.now);
        s->closed = 1;
    }
}

static void accept_all(struct world *w)
{
    struct tt_tcp *t;
    while (tt_tcp_accept(w->l, &t, w->p.now) == 0) {
        /* Which client is it? Its remote port names it. */
        uint16_t rport;
        tt_tcp_remote(t, NULL, &rport);
        int k = w->by_port[rport] - 1;
        assert_true(k >= 0);
        assert_null(w->s[k].t);
        w->s[k].t = t;
        w->ns++;
    }
}

/* Close both ends of the BOTH-order connections at one instant, once data is
 * done on both sides: the FINs cross on the wire. */
static void close_both(struct world *w)
{
    for (int k = 0; k < N; k++) {
        if (order_of(k) != BOTH || w->c[k].closed)
            continue;
        if (w->c[k].got < MSG || !w->s[k].t || w->s[k].got < MSG)
            continue;
        tt_tcp_close(w->c[k].t, w->p.now);
        tt_tcp_close(w->s[k].t, w->p.now);
        w->c[k].closed = w->s[k].closed = 1;
    }
}

static int all_closed(const struct world *w)
{
    for (int k = 0; k < N; k++)
        if (!w->c[k].closed || !w->s[k].t || !w->s[k].closed)
            return 0;
    return 1;
}

static void test_10k_connections(void **st)
{
    (void)st;
    struct world *w = calloc(1, sizeof *w);
    assert_non_null(w);
    struct tt_config ca, cb;
    fx_config(&ca);
    fx_config(&cb);
    cb.tcp.max_syn_backlog = 2 * N;
    fxp_init(&w->p, NULL, &ca, &cb);
    assert_int_equal(tt_tcp_open(w->p.b, &w->l), 0);
    assert_int_equal(tt_tcp_bind(w->l, TT_ADDR_ANY, 9), 0);
    assert_int_equal(tt_tcp_listen(w->l, N, w->p.now), 0);
    for (int k = 0; k < N; k++) {
        assert_int_equal(tt_tcp_open(w->p.a, &w->c[k].t), 0);
        assert_int_equal(tt_tcp_connect(w->c[k].t, FX_PEER, 9, w->p.now), TT_EINPROGRESS);
        uint16_t lp;
        tt_tcp_local(w->c[k].t, NULL, &lp);
        assert_int_equal(w->by_port[lp], 0);
        w->by_port[lp] = k + 1;
    }
    tt_time deadline = w->p.now + TT_SEC(30);
    while (!all_closed(w)) {
        assert_true(w->p.now < deadline);
        assert_int_not_equal(fxp_step(&w->p), TT_TIME_NEVER);
        accept_all(w);
        for (int k = 0; k < N; k++) {
            client_step(w, k);
            if (w->s[k].t)
                server_step(w, k);
        }
        close_both(w);
    }
    /* Every byte came back intact. */
    for (int k = 0; k < N; k++) {
        uint8_t b[MSG];
        fill(b, k);
        assert_memory_equal(w->c[k].buf, b, MSG);
    }
    /* A second later the closes have played out: TIME-WAIT on the client for
     * client-first, on the server for server-first, on both for
     * simultaneous, nowhere after an abort. */
    fxp_run_for(&w->p, TT_SEC(1));
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(w->p.a, &sa);
    tt_tcp_stats(w->p.b, &sb);
    assert_int_equal(sa.app_handles, 0);
    assert_int_equal(sb.app_handles, 1); /* the listener */
    assert_int_equal(sa.time_wait, N / 4 + N / 4);
    assert_int_equal(sb.time_wait, N / 4 + N / 4);
    assert_int_equal(sa.orphans, N / 2);
    assert_int_equal(tt_stack_counters(w->p.b)->tcp_estab_resets, N / 4);
    /* Every close order happened. */
    assert_int_equal(w->p.states_a[TT_FIN_WAIT_1][TT_CLOSING], N / 4);
    assert_int_equal(w->p.states_b[TT_LAST_ACK][TT_CLOSED], N / 4);
    assert_int_equal(w->p.states_a[TT_LAST_ACK][TT_CLOSED], N / 4);
    /* 2 MSL later nothing is left but the listener; no buffer memory at all. */
    fxp_run_for(&w->p, TT_SEC(60));
    tt_tcp_stats(w->p.a, &sa);
    tt_tcp_stats(w->p.b, &sb);
    assert_int_equal(sa.handles, 0);
    assert_int_equal(sb.handles, 1);
    assert_int_equal(sa.buf_bytes, 0);
    assert_int_equal(sb.buf_bytes, 0);
    assert_int_equal(sa.opened, N);
    assert_int_equal(sa.freed, N);
    assert_int_equal(sb.opened, N + 1);
    assert_int_equal(sb.freed, N);
    assert_int_equal(sb.syn_queue, 0);
    tt_tcp_close(w->l, w->p.now);
    fxp_fini(&w->p); /* asserts both allocators are back to zero */
    free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_10k_connections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
