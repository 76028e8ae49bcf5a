/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Closing a connection, on crafted segments: active, passive, simultaneous
 * and half close, TIME-WAIT and FIN-WAIT-2 timers, resets on close, and the
 * handle lifetime (freed exactly once, after the application and the
 * protocol are both done).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint32_t handles(const struct fx *f)
{
    struct tt_tcp_stats st;
    tt_tcp_stats(f->s, &st);
    return st.handles;
}

/* ESTABLISHED -> FIN-WAIT-1 -> FIN-WAIT-2 -> TIME-WAIT -> CLOSED (2 MSL). */
static void test_active_close(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_time_wait(&f);
    assert_true(fx_saw(&f, TT_ESTABLISHED, TT_FIN_WAIT_1));
    assert_true(fx_saw(&f, TT_FIN_WAIT_1, TT_FIN_WAIT_2));
    assert_true(fx_saw(&f, TT_FIN_WAIT_2, TT_TIME_WAIT));
    char b[8];
    assert_int_equal(tt_tcp_recv(f.t, b, 8, f.now), 0); /* end of stream */
    assert_int_equal(tt_tcp_send(f.t, "x", 1, f.now), TT_EPIPE);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.time_wait, 1);
    /* The application lets go; TIME-WAIT continues without it. */
    tt_tcp_close(f.t, f.now);
    assert_int_equal(handles(&f), 1);
    tt_stack_poll(f.s, f.now);
    fx_advance(&f, TT_SEC(60) - 1);
    assert_int_equal(handles(&f), 1);
    fx_advance(&f, 1);
    assert_int_equal(handles(&f), 0);
    assert_true(fx_saw(&f, TT_TIME_WAIT, TT_CLOSED));
    assert_int_equal(f.closes, 1);
    fx_assert_none(&f);
    fx_fini(&f);
}

/* FIN-WAIT-1 -> TIME-WAIT directly when the FIN and the ACK of ours arrive together. */
static void test_fin_wait_1_fin_ack(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    fx_to_fin_wait_1(&f);
    fx_inject(&f, TT_TCP_FIN | TT_TCP_ACK, f.pseq, f.pack + 1, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_TIME_WAIT);
    assert_true(fx_saw(&f, TT_FIN_WAIT_1, TT_TIME_WAIT));
    assert_false(fx_saw(&f, TT_FIN_WAIT_1, TT_FIN_WAIT_2));
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack + 1, f.pseq + 1);
    tt_tcp_close(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* Simultaneous close: FIN-WAIT-1 -> CLOSING on a FIN alone, CLOSING -> TIME-WAIT on the ACK. */
static void test_simultaneous_close(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_fin_wait_1(&f);
    fx_inject(&f, TT_TCP_FIN | TT_TCP_ACK, f.pseq, f.pack, 65535, NULL, 0, NULL);
    f.pseq++;
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSING);
    assert_true(fx_saw(&f, TT_FIN_WAIT_1, TT_CLOSING));
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack + 1, f.pseq);
    /* Our FIN is retransmitted from CLOSING until acknowledged (RTO 200 ms:
     * plus the 1 us SRTT: the handshake measured an RTT of 0). */
    fx_advance(&f, TT_MSEC(200));
    fx_assert_none(&f);
    fx_advance(&f, 1);
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 1, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_TIME_WAIT);
    assert_true(fx_saw(&f, TT_CLOSING, TT_TIME_WAIT));
    fx_assert_none(&f);
    tt_tcp_close(f.t, f.now);
    fx_advance(&f, TT_SEC(61));
    assert_int_equal(handles(&f), 0);
    fx_fini(&f);
}

/* Passive close: ESTABLISHED -> CLOSE-WAIT -> LAST-ACK -> CLOSED. */
static void test_passive_close(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    fx_to_close_wait(&f);
    assert_true(fx_saw(&f, TT_ESTABLISHED, TT_CLOSE_WAIT));
    char b[8];
    assert_int_equal(tt_tcp_recv(f.t, b, 8, f.now), 0);
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_RDHUP);
    /* Half-closed by the peer: we can still send. */
    assert_int_equal(tt_tcp_send(f.t, "late", 4, f.now), 4);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK | TT_TCP_PSH, f.pack, f.pseq);
    assert_memory_equal(g->data, "late", 4);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 4, 65535, NULL, 0, NULL);
    f.pack += 4;
    tt_tcp_close(f.t, f.now); /* CLOSE-WAIT -> LAST-ACK */
    assert_true(fx_saw(&f, TT_CLOSE_WAIT, TT_LAST_ACK));
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(handles(&f), 2);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 1, 65535, NULL, 0, NULL);
    assert_true(fx_saw(&f, TT_LAST_ACK, TT_CLOSED));
    assert_int_equal(handles(&f), 1); /* the listener */
    fx_assert_none(&f);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* LAST-ACK: the FIN is retransmitted with backoff; the ACK ends it. */
static void test_last_ack_retransmit(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_last_ack(&f);
    fx_advance(&f, TT_SEC(1));
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    fx_advance(&f, TT_SEC(2));
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    tt_tcp_close(f.t, f.now);
    f.t = NULL;
    fx_inject_ports(&f, f.pport, f.out[0].h.sport, TT_TCP_ACK, f.pseq, f.pack + 1, 65535, NULL, 0,
                    NULL);
    assert_int_equal(handles(&f), 0);
    fx_fini(&f);
}

/* TIME-WAIT answers a retransmitted FIN with an ACK and restarts its 2 MSL. */
static void test_time_wait_refin(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_time_wait(&f);
    tt_tcp_close(f.t, f.now);
    fx_advance(&f, TT_SEC(50));
    uint16_t lport = f.out[0].h.sport;
    f.t = NULL;
    fx_inject_ports(&f, f.pport, lport, TT_TCP_FIN | TT_TCP_ACK, f.pseq - 1, f.pack, 65535, NULL, 0,
                    NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    fx_advance(&f, TT_SEC(59));
    assert_int_equal(handles(&f), 1); /* restarted at 50 s: lives until 110 s */
    fx_advance(&f, TT_SEC(1));
    assert_int_equal(handles(&f), 0);
    fx_fini(&f);
}

/* An orphaned FIN-WAIT-2 ends after fin_timeout (60 s); one the application
 * still holds waits for the peer. */
static void test_fin_wait_2_timeout(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_fin_wait_2(&f);
    fx_advance(&f, TT_SEC(300));
    assert_int_equal(tt_tcp_state(f.t), TT_FIN_WAIT_2); /* shutdown only: held */
    tt_tcp_close(f.t, f.now);
    fx_advance(&f, TT_SEC(60) - 1);
    assert_int_equal(handles(&f), 1);
    fx_advance(&f, 1);
    assert_int_equal(handles(&f), 0);
    assert_true(fx_saw(&f, TT_FIN_WAIT_2, TT_CLOSED));
    fx_assert_none(&f);
    fx_fini(&f);

    /* LINGER2 changes it; closing first then entering FIN-WAIT-2 arms it too. */
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_LINGER2, 5), 0);
    uint16_t lport = f.out[0].h.sport;
    tt_tcp_close(f.t, f.now);
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    f.t = NULL;
    fx_inject_ports(&f, f.pport, lport, TT_TCP_ACK, f.pseq, f.pack + 1, 65535, NULL, 0, NULL);
    fx_advance(&f, TT_SEC(5));
    assert_int_equal(handles(&f), 0);
    fx_fini(&f);
}

/* Half-close: shutdown(write) sends a FIN and keeps receiving. */
static void test_half_close_write(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_fin_wait_2(&f);
    fx_inject(&f, TT_TCP_ACK | TT_TCP_PSH, f.pseq, f.pack, 65535, "hello", 5, NULL);
    f.pseq += 5;
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    char b[16];
    assert_int_equal(tt_tcp_recv(f.t, b, sizeof b, f.now), 5);
    assert_memory_equal(b, "hello", 5);
    assert_int_equal(tt_tcp_recv(f.t, b, sizeof b, f.now), TT_EAGAIN);
    assert_int_equal(tt_tcp_send(f.t, "x", 1, f.now), TT_EPIPE);
    fx_inject(&f, TT_TCP_FIN | TT_TCP_ACK, f.pseq, f.pack, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_recv(f.t, b, sizeof b, f.now), 0);
    tt_tcp_close(f.t, f.now);
    fx_fini(&f);
}

/* shutdown(read): recv returns 0 and later data is acknowledged but discarded. */
static void test_half_close_read(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(tt_tcp_shutdown(f.t, TT_SHUT_RD, f.now), 0);
    char b[16];
    assert_int_equal(tt_tcp_recv(f.t, b, sizeof b, f.now), 0);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, "data", 4, NULL);
    f.pseq += 4;
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_readable(f.t), 0);
    assert_int_equal(tt_tcp_send(f.t, "ok", 2, f.now), 2); /* writing still works */
    fx_pop(&f);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 2, 65535, NULL, 0, NULL);
    f.pack += 2;
    tt_tcp_close(f.t, f.now); /* nothing unread: a FIN */
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    fx_fini(&f);
}

/* close with unread data sends an RST (RFC 2525 §2.17, Linux) and frees at once. */
static void test_close_unread_rst(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, "unread", 6, NULL);
    f.pseq += 6;
    fx_pop(&f);
    tt_tcp_close(f.t, f.now);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, f.pack, f.pseq);
    assert_true(fx_saw(&f, TT_ESTABLISHED, TT_CLOSED));
    assert_int_equal(handles(&f), 0);
    assert_int_equal(tt_stack_counters(f.s)->tcp_out_rsts, 1);
    fx_fini(&f);
}

/* Linger {1, 0}: close sends an RST. */
static void test_linger_zero_rst(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_LINGER, 0), 0);
    int v;
    tt_tcp_getopt(f.t, TT_TCP_OPT_LINGER, &v);
    assert_int_equal(v, 0);
    tt_tcp_close(f.t, f.now);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, f.pack, f.pseq);
    fx_assert_none(&f);
    assert_int_equal(handles(&f), 1);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* abort: RST from ESTABLISHED and CLOSE-WAIT; silent from LAST-ACK and TIME-WAIT. */
static void test_abort(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_close_wait(&f);
    tt_tcp_abort(f.t, f.now);
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, f.pack, f.pseq);
    assert_true(fx_saw(&f, TT_CLOSE_WAIT, TT_CLOSED));
    assert_int_equal(handles(&f), 0);
    fx_fini(&f);

    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_last_ack(&f);
    tt_tcp_abort(f.t, f.now);
    fx_assert_none(&f);
    assert_true(fx_saw(&f, TT_LAST_ACK, TT_CLOSED));
    fx_fini(&f);

    fx_init(&f, NULL);
    fx_active_established(&f);
    fx_to_time_wait(&f);
    tt_tcp_abort(f.t, f.now);
    fx_assert_none(&f);
    assert_int_equal(handles(&f), 0);
    fx_fini(&f);
}

/* RST in each synchronized state: ECONNRESET where data could be lost; the
 * handle stays valid until closed; counters. */
static void test_rst_in_states(void **st)
{
    (void)st;
    struct fx f;
    for (int which = 0; which < 5; which++) {
        fx_init(&f, NULL);
        fx_active_established(&f);
        int expect_state = TT_ESTABLISHED, expect_err = TT_ECONNRESET;
        if (which == 1) {
            fx_to_fin_wait_1(&f);
            expect_state = TT_FIN_WAIT_1;
        } else if (which == 2) {
            fx_to_fin_wait_2(&f);
            expect_state = TT_FIN_WAIT_2;
        } else if (which == 3) {
            fx_to_close_wait(&f);
            expect_state = TT_CLOSE_WAIT;
        } else if (which == 4) {
            fx_to_last_ack(&f);
            expect_state = TT_LAST_ACK;
            expect_err = 0;
        }
        fx_inject(&f, TT_TCP_RST, f.pseq, 0, 0, NULL, 0, NULL);
        assert_int_equal(tt_tcp_state(f.t), TT_CLOSED);
        assert_true(fx_saw(&f, expect_state, TT_CLOSED));
        assert_int_equal(tt_tcp_error(f.t), expect_err);
        fx_assert_none(&f);
        if (expect_err) {
            char b[4];
            assert_int_equal(tt_tcp_recv(f.t, b, 4, f.now), TT_ECONNRESET);
            assert_int_equal(tt_tcp_send(f.t, "x", 1, f.now), TT_ECONNRESET);
        }
        assert_int_equal(handles(&f), 1);
        tt_tcp_close(f.t, f.now);
        assert_int_equal(handles(&f), 0);
        fx_fini(&f);
    }
}

/* Data then FIN in one segment; the FIN after a hole is not taken. */
static void test_data_and_fin(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    fx_inject(&f, TT_TCP_ACK | TT_TCP_FIN, f.pseq + 10, f.pack, 65535, "later", 5, NULL);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq); /* duplicate ACK for the hole */
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_inject(&f, TT_TCP_ACK | TT_TCP_FIN | TT_TCP_PSH, f.pseq, f.pack, 65535, "bye", 3, NULL);
    f.pseq += 4;
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSE_WAIT);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack, f.pseq);
    char b[8];
    assert_int_equal(tt_tcp_recv(f.t, b, 8, f.now), 3);
    assert_int_equal(tt_tcp_recv(f.t, b, 8, f.now), 0);
    tt_tcp_close(f.t, f.now);
    fx_expect(fx_pop(&f), TT_TCP_FIN | TT_TCP_ACK, f.pack, f.pseq);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* Data: MSS segmentation, PSH on the last piece, retransmission by offset
 * after an RTO, RTT estimation. */
static void test_data_segmentation_rto(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    static uint8_t buf[4000];
    for (unsigned k = 0; k < sizeof buf; k++)
        buf[k] = (uint8_t)(k * 7);
    assert_int_equal(tt_tcp_send(f.t, buf, sizeof buf, f.now), 4000);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(g->dlen, 1460);
    g = fx_pop(&f);
    assert_int_equal(g->dlen, 1460);
    g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK | TT_TCP_PSH, f.pack + 2920, f.pseq);
    assert_int_equal(g->dlen, 1080);
    assert_memory_equal(g->data, buf + 2920, 1080);
    /* The first is acked after 100 ms: RFC 6298 after the handshake's sample
     * of 0 (SRTT 1 us, RTTVAR 0): SRTT = (7 * 1 + 100000) / 8, RTTVAR =
     * 99999 / 4, RTO = SRTT + max(4 RTTVAR, 200 ms). */
    fx_advance(&f, TT_MSEC(100));
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 1460, 65535, NULL, 0, NULL);
    struct tt_tcp_info i;
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.rtt, 12500);
    assert_int_equal(i.rttvar, 24999);
    assert_int_equal(i.rto, 12500 + 200000);
    assert_int_equal(i.bytes_acked, 1460);
    /* The rest is lost: retransmitted from SND.UNA one RTO later, one MSS (cwnd 1). */
    fx_advance(&f, 212500 - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack + 1460, f.pseq);
    assert_int_equal(g->dlen, 1460);
    assert_memory_equal(g->data, buf + 1460, 1460);
    fx_assert_none(&f);
    assert_int_equal(tt_stack_counters(f.s)->tcp_retrans_segs, 1);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 4000, 65535, NULL, 0, NULL);
    tt_tcp_info(f.t, &i);
    assert_int_equal(i.bytes_acked, 4000);
    assert_int_equal(i.unacked, 0);
    assert_int_equal(tt_tcp_unsent(f.t), 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_active_close),          cmocka_unit_test(test_fin_wait_1_fin_ack),
        cmocka_unit_test(test_simultaneous_close),    cmocka_unit_test(test_passive_close),
        cmocka_unit_test(test_last_ack_retransmit),   cmocka_unit_test(test_time_wait_refin),
        cmocka_unit_test(test_fin_wait_2_timeout),    cmocka_unit_test(test_half_close_write),
        cmocka_unit_test(test_half_close_read),       cmocka_unit_test(test_close_unread_rst),
        cmocka_unit_test(test_linger_zero_rst),       cmocka_unit_test(test_abort),
        cmocka_unit_test(test_rst_in_states),         cmocka_unit_test(test_data_and_fin),
        cmocka_unit_test(test_data_segmentation_rto),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
