/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two tether stacks over an in-memory Ethernet link on the virtual clock:
 * open, echo, and close in each order (client first, server first, both at
 * once, abort), simultaneous open, and a lossy handshake.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "memlink.h"
#include "tcp_fixture.h"

enum order { CLIENT_FIRST, SERVER_FIRST, BOTH, ABORT };

struct conn2 {
    struct tt_tcp *c, *s, *l;
};

static void open_pair(struct fxp *p, struct conn2 *k)
{
    assert_int_equal(tt_tcp_open(p->b, &k->l), 0);
    assert_int_equal(tt_tcp_bind(k->l, TT_ADDR_ANY, 7), 0);
    assert_int_equal(tt_tcp_listen(k->l, 8, p->now), 0);
    assert_int_equal(tt_tcp_open(p->a, &k->c), 0);
    assert_int_equal(tt_tcp_connect(k->c, FX_PEER, 7, p->now), TT_EINPROGRESS);
    while (tt_tcp_accept(k->l, &k->s, p->now) == TT_EAGAIN)
        assert_int_not_equal(fxp_step(p), TT_TIME_NEVER);
    fxp_run_for(p, TT_MSEC(5));
    assert_int_equal(tt_tcp_state(k->c), TT_ESTABLISHED);
    assert_int_equal(tt_tcp_state(k->s), TT_ESTABLISHED);
}

static void echo(struct fxp *p, struct conn2 *k)
{
    static const char msg[] = "the quick brown fox jumps over the lazy dog";
    assert_int_equal(tt_tcp_send(k->c, msg, sizeof msg, p->now), (long)sizeof msg);
    fxp_run_for(p, TT_MSEC(5));
    char b[128];
    long n = tt_tcp_recv(k->s, b, sizeof b, p->now);
    assert_int_equal(n, (long)sizeof msg);
    assert_int_equal(tt_tcp_send(k->s, b, (size_t)n, p->now), n);
    fxp_run_for(p, TT_MSEC(5));
    assert_int_equal(tt_tcp_recv(k->c, b, sizeof b, p->now), (long)sizeof msg);
    assert_memory_equal(b, msg, sizeof msg);
}

static void run_order(enum order o)
{
    struct fxp p;
    fxp_init(&p, NULL, NULL, NULL);
    struct conn2 k;
    open_pair(&p, &k);
    echo(&p, &k);
    char b[8];
    struct tt_tcp_stats sa, sb;
    switch (o) {
    case CLIENT_FIRST:
        tt_tcp_close(k.c, p.now);
        fxp_run_for(&p, TT_MSEC(5));
        assert_int_equal(tt_tcp_state(k.s), TT_CLOSE_WAIT);
        assert_int_equal(tt_tcp_recv(k.s, b, 8, p.now), 0);
        tt_tcp_close(k.s, p.now);
        fxp_run_for(&p, TT_MSEC(5));
        tt_tcp_stats(p.a, &sa);
        assert_int_equal(sa.time_wait, 1);
        assert_int_equal(p.states_b[TT_LAST_ACK][TT_CLOSED], 1);
        /* B's FIN carries the delayed ACK of A's FIN: FIN-WAIT-1 -> TIME-WAIT. */
        assert_int_equal(p.states_a[TT_FIN_WAIT_1][TT_TIME_WAIT], 1);
        break;
    case SERVER_FIRST:
        tt_tcp_close(k.s, p.now);
        fxp_run_for(&p, TT_MSEC(5));
        assert_int_equal(tt_tcp_recv(k.c, b, 8, p.now), 0);
        tt_tcp_close(k.c, p.now);
        fxp_run_for(&p, TT_MSEC(5));
        tt_tcp_stats(p.b, &sb);
        assert_int_equal(sb.time_wait, 1);
        assert_int_equal(p.states_a[TT_CLOSE_WAIT][TT_LAST_ACK], 1);
        break;
    case BOTH:
        tt_tcp_close(k.c, p.now);
        tt_tcp_close(k.s, p.now);
        fxp_run_for(&p, TT_MSEC(5));
        tt_tcp_stats(p.a, &sa);
        tt_tcp_stats(p.b, &sb);
        assert_int_equal(sa.time_wait, 1);
        assert_int_equal(sb.time_wait, 1);
        assert_int_equal(p.states_a[TT_FIN_WAIT_1][TT_CLOSING], 1);
        assert_int_equal(p.states_b[TT_FIN_WAIT_1][TT_CLOSING], 1);
        assert_int_equal(p.states_a[TT_CLOSING][TT_TIME_WAIT], 1);
        break;
    case ABORT:
        tt_tcp_abort(k.c, p.now);
        fxp_run_for(&p, TT_MSEC(5));
        assert_int_equal(tt_tcp_state(k.s), TT_CLOSED);
        assert_int_equal(tt_tcp_recv(k.s, b, 8, p.now), TT_ECONNRESET);
        tt_tcp_close(k.s, p.now);
        break;
    }
    /* After 2 MSL everything but the listener is gone. */
    fxp_run_for(&p, TT_SEC(61));
    tt_tcp_stats(p.a, &sa);
    tt_tcp_stats(p.b, &sb);
    assert_int_equal(sa.handles, 0);
    assert_int_equal(sb.handles, 1);
    assert_int_equal(sa.buf_bytes + sb.buf_bytes, 0);
    tt_tcp_close(k.l, p.now);
    tt_tcp_stats(p.b, &sb);
    assert_int_equal(sb.handles, 0);
    assert_int_equal(sb.opened, sb.freed);
    fxp_fini(&p);
}

static void test_echo_client_closes_first(void **st)
{
    (void)st;
    run_order(CLIENT_FIRST);
}

static void test_echo_server_closes_first(void **st)
{
    (void)st;
    run_order(SERVER_FIRST);
}

static void test_echo_simultaneous_close(void **st)
{
    (void)st;
    run_order(BOTH);
}

static void test_echo_abort(void **st)
{
    (void)st;
    run_order(ABORT);
}

/* Both sides connect to each other's bound port at the same instant: SYNs
 * cross, both go SYN-SENT -> SYN-RECEIVED -> ESTABLISHED. */
static void test_simultaneous_open_pair(void **st)
{
    (void)st;
    struct fxp p;
    fxp_init(&p, NULL, NULL, NULL);
    struct tt_tcp *x, *y;
    assert_int_equal(tt_tcp_open(p.a, &x), 0);
    assert_int_equal(tt_tcp_open(p.b, &y), 0);
    assert_int_equal(tt_tcp_bind(x, TT_ADDR_ANY, 5001), 0);
    assert_int_equal(tt_tcp_bind(y, TT_ADDR_ANY, 5002), 0);
    assert_int_equal(tt_tcp_connect(x, FX_PEER, 5002, p.now), TT_EINPROGRESS);
    assert_int_equal(tt_tcp_connect(y, FX_US, 5001, p.now), TT_EINPROGRESS);
    fxp_run_for(&p, TT_MSEC(50));
    assert_int_equal(tt_tcp_state(x), TT_ESTABLISHED);
    assert_int_equal(tt_tcp_state(y), TT_ESTABLISHED);
    assert_int_equal(p.states_a[TT_SYN_SENT][TT_SYN_RECEIVED], 1);
    assert_int_equal(p.states_b[TT_SYN_RECEIVED][TT_ESTABLISHED], 1);
    assert_int_equal(tt_tcp_send(x, "ping", 4, p.now), 4);
    fxp_run_for(&p, TT_MSEC(5));
    char b[8];
    assert_int_equal(tt_tcp_recv(y, b, 8, p.now), 4);
    tt_tcp_close(x, p.now);
    tt_tcp_close(y, p.now);
    fxp_run_for(&p, TT_SEC(70));
    fxp_fini(&p);
}

/* The first two SYNs are lost: the connection opens on the third, at 3 s. */
static void test_lossy_handshake(void **st)
{
    (void)st;
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    struct fxp p;
    fxp_init(&p, &lc, NULL, NULL);
    struct tt_tcp *l, *c, *s;
    tt_tcp_open(p.b, &l);
    tt_tcp_bind(l, TT_ADDR_ANY, 80);
    tt_tcp_listen(l, 4, p.now);
    /* Let ARP settle first (a ping), then lose everything from A. */
    assert_int_equal(tt_stack_ping(p.a, FX_PEER, 1, 1, "hi", 2, p.now), 0);
    fxp_run_for(&p, TT_MSEC(1));
    tt_tcp_open(p.a, &c);
    struct tt_memlink_faults lossy;
    memset(&lossy, 0, sizeof lossy);
    lossy.loss = 1.0;
    tt_memlink_set_faults(p.ml, TT_MEMLINK_A_TO_B, &lossy);
    tt_time t0 = p.now;
    assert_int_equal(tt_tcp_connect(c, FX_PEER, 80, p.now), TT_EINPROGRESS);
    fxp_run_for(&p, TT_MSEC(2500));
    assert_int_equal(tt_tcp_state(c), TT_SYN_SENT);
    memset(&lossy, 0, sizeof lossy);
    tt_memlink_set_faults(p.ml, TT_MEMLINK_A_TO_B, &lossy);
    while (tt_tcp_state(c) != TT_ESTABLISHED)
        assert_int_not_equal(fxp_step(&p), TT_TIME_NEVER);
    assert_true(p.now >= t0 + TT_SEC(3) && p.now < t0 + TT_SEC(3) + TT_MSEC(10));
    assert_int_equal(tt_tcp_accept(l, &s, p.now), 0);
    tt_tcp_abort(c, p.now);
    fxp_run_for(&p, TT_MSEC(5));
    tt_tcp_close(s, p.now);
    tt_tcp_close(l, p.now);
    fxp_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_echo_client_closes_first),
        cmocka_unit_test(test_echo_server_closes_first),
        cmocka_unit_test(test_echo_simultaneous_close),
        cmocka_unit_test(test_echo_abort),
        cmocka_unit_test(test_simultaneous_open_pair),
        cmocka_unit_test(test_lossy_handshake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
