/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The receive side on crafted segments: the out-of-order queue (overlaps,
 * duplicates, a FIN beyond a hole, the window's edge), Linux's delayed ACKs
 * (quick-ACK start, every second full segment, the 40 ms timer), the window
 * update after a read with receiver SWS avoidance, keepalive, and urgent
 * data received and sent (RFC 9293 §3.8.5, MUST-30/31).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint8_t pattern[65536];

static void fill(void)
{
    for (unsigned k = 0; k < sizeof pattern; k++)
        pattern[k] = (uint8_t)(k * 29 + (k >> 9));
}

/* The peer sends pattern[off, off + len) at its relative offset off. */
static void data_at(struct fx *f, uint32_t off, uint32_t len, uint8_t extra)
{
    fx_inject(f, TT_TCP_ACK | extra, f->pseq + off, f->pack, 65535, pattern + off, len, NULL);
}

static void expect_ack(struct fx *f, uint32_t rel)
{
    struct fx_seg *g = fx_pop(f);
    fx_expect(g, TT_TCP_ACK, f->pack, f->pseq + rel);
    assert_int_equal(g->dlen, 0);
}

static void read_all(struct fx *f, uint32_t off, uint32_t len)
{
    static uint8_t b[65536];
    assert_int_equal(tt_tcp_recv(f->t, b, sizeof b, f->now), (long)len);
    assert_memory_equal(b, pattern + off, len);
}

/* Overlaps and duplicates in every pattern are trimmed; each out-of-order
 * segment draws an immediate duplicate ACK; the hole filled delivers all. */
static void test_ooo_overlaps(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    data_at(&f, 10, 10, 0);
    expect_ack(&f, 0);
    data_at(&f, 30, 10, 0);
    expect_ack(&f, 0);
    data_at(&f, 5, 30, 0); /* covers a gap, a piece, a gap, half a piece */
    expect_ack(&f, 0);
    data_at(&f, 10, 10, 0); /* an exact duplicate */
    expect_ack(&f, 0);
    data_at(&f, 38, 12, TT_TCP_PSH); /* overlaps the tail, extends it */
    expect_ack(&f, 0);
    assert_int_equal(tt_tcp_readable(f.t), 0);
    data_at(&f, 0, 7, 0); /* fills the hole and overlaps the queue */
    expect_ack(&f, 50);
    fx_assert_none(&f);
    read_all(&f, 0, 50);
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_int_equal(ts.buf_bytes, 0); /* read and acknowledged: no memory held */
    tt_tcp_close(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* A FIN beyond a hole is remembered and taken when the hole fills; data
 * beyond the window is not accepted (RFC 9293 §3.10.7.4). */
static void test_ooo_fin_and_window(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    const uint64_t *drops = tt_stack_counters(f.s)->drops;
    fx_inject(&f, TT_TCP_ACK, f.pseq + 70000, f.pack, 65535, pattern, 10, NULL);
    expect_ack(&f, 0);
    assert_int_equal(drops[TT_DROP_TCP_OUT_OF_WINDOW], 1);
    data_at(&f, 100, 20, TT_TCP_FIN);
    expect_ack(&f, 0);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    data_at(&f, 0, 100, 0);
    assert_int_equal(tt_tcp_state(f.t), TT_CLOSE_WAIT);
    expect_ack(&f, 121); /* at once: a hole was filled */
    fx_assert_none(&f);
    read_all(&f, 0, 120);
    char b[4];
    assert_int_equal(tt_tcp_recv(f.t, b, 4, f.now), 0);
    tt_tcp_close(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* tt_tcp_renege (a test hook): the out-of-order data is gone, so filling
 * the hole acknowledges only up to it, and the dropped part must come again. */
static void test_renege(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    assert_int_equal(tt_tcp_renege(f.t), 0); /* nothing held */
    data_at(&f, 10, 10, 0);
    expect_ack(&f, 0);
    assert_int_equal(tt_tcp_renege(f.t), 10);
    data_at(&f, 0, 10, 0);
    expect_ack(&f, 10); /* not 20: bytes 10..19 were dropped */
    data_at(&f, 10, 10, TT_TCP_PSH);
    struct fx_seg *g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack, f.pseq + 20);
    read_all(&f, 0, 20);
    tt_tcp_close(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* Linux's delayed ACK: 16 quick ACKs, then one ACK per two full segments,
 * and a lone segment waits 40 ms. */
static void test_delayed_ack(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    uint32_t off = 0;
    for (int k = 0; k < 16; k++, off += 1460) {
        data_at(&f, off, 1460, 0);
        expect_ack(&f, off + 1460);
    }
    read_all(&f, 0, off);
    data_at(&f, off, 1460, 0);
    off += 1460;
    fx_assert_none(&f);
    fx_advance(&f, TT_MSEC(40) - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    expect_ack(&f, off);
    data_at(&f, off, 1460, 0);
    fx_assert_none(&f);
    data_at(&f, off + 1460, 1460, 0);
    off += 2920;
    expect_ack(&f, off); /* the second full segment */
    data_at(&f, off, 100, TT_TCP_PSH);
    fx_assert_none(&f); /* small: waits for the timer */
    fx_advance(&f, TT_MSEC(40));
    expect_ack(&f, off + 100);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* A 4 KiB receive buffer: the window closes; reads reopen it only by at
 * least min(RCV.BUFF / 2, MSS) (RFC 9293 §3.8.6.2.2), then an update goes. */
static void test_window_update_sws(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_RCVBUF, 4096), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, f.pport, f.now), TT_EINPROGRESS);
    struct fx_seg *syn = fx_pop(&f);
    assert_int_equal(syn->h.wnd, 4096);
    f.iss = syn->h.seq;
    uint16_t lport;
    tt_tcp_local(f.t, NULL, &lport);
    struct tt_tcp_opts o = {.has_mss = 1, .mss = 1460};
    fx_inject_ports(&f, f.pport, lport, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f.iss + 1, 65535,
                    NULL, 0, &o);
    f.pseq = FX_PEER_ISS + 1;
    f.pack = f.iss + 1;
    expect_ack(&f, 0);
    data_at(&f, 0, 1460, 0);
    assert_int_equal(fx_pop(&f)->h.wnd, 4096 - 1460);
    data_at(&f, 1460, 1460, 0);
    assert_int_equal(fx_pop(&f)->h.wnd, 4096 - 2920);
    data_at(&f, 2920, 1176, 0); /* two quick ACKs used: this one waits 40 ms */
    fx_assert_none(&f);
    fx_advance(&f, TT_MSEC(40));
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.ack, f.pseq + 4096);
    assert_int_equal(g->h.wnd, 0);
    /* Beyond the window: not accepted. */
    data_at(&f, 4096, 10, 0);
    assert_int_equal(fx_pop(&f)->h.wnd, 0);
    uint8_t b[2048];
    assert_int_equal(tt_tcp_recv(f.t, b, 1000, f.now), 1000);
    fx_assert_none(&f); /* 1000 < min(2048, 1460): no update */
    assert_int_equal(tt_tcp_recv(f.t, b, 1000, f.now), 1000);
    g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK, f.pack, f.pseq + 4096);
    assert_int_equal(g->h.wnd, 2000);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Keepalive (RFC 1122 §4.2.3.6): probes <SEQ=SND.UNA-1> after the idle
 * time, every interval; an answer restarts the idle wait; count probes
 * unanswered end the connection with an RST and TT_ETIMEDOUT. */
static void test_keepalive(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_KEEPIDLE, 10), 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_KEEPINTVL, 5), 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_KEEPCNT, 2), 0);
    fx_advance(&f, TT_SEC(20));
    fx_assert_none(&f); /* off by default */
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_KEEPALIVE, 1), 0);
    fx_advance(&f, 0);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack - 1, f.pseq); /* idle already > 10 s */
    fx_advance(&f, TT_SEC(5) - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack - 1, f.pseq);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, NULL, 0, NULL); /* answered */
    fx_advance(&f, TT_SEC(10) - 1);
    fx_assert_none(&f);
    fx_advance(&f, 1);
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack - 1, f.pseq);
    fx_advance(&f, TT_SEC(5));
    fx_expect(fx_pop(&f), TT_TCP_ACK, f.pack - 1, f.pseq);
    fx_advance(&f, TT_SEC(5));
    fx_expect(fx_pop(&f), TT_TCP_RST | TT_TCP_ACK, f.pack, f.pseq);
    assert_int_equal(tt_tcp_error(f.t), TT_ETIMEDOUT);
    tt_tcp_close(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

static void urg_at(struct fx *f, uint32_t off, uint32_t len, uint16_t urp)
{
    f->next_urp = urp;
    fx_inject(f, TT_TCP_ACK | TT_TCP_URG, f->pseq + off, f->pack, 65535, pattern + off, len, NULL);
}

/* Urgent pointers of any value are safe and reported (MUST-31); the data
 * stays in line (MUST-30); a pointer that goes back is ignored. */
static void test_urgent_receive(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    uint8_t b[64];
    urg_at(&f, 0, 0, 0); /* a bare ACK with URG, pointer 0: nothing ahead */
    assert_int_equal(tt_tcp_urgent(f.t), 0);
    assert_false(tt_tcp_events(f.t) & TT_TCP_EV_URGENT);
    urg_at(&f, 0, 10, 6); /* the first 6 bytes are urgent */
    assert_int_equal(tt_tcp_urgent(f.t), 6);
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_URGENT);
    urg_at(&f, 10, 10, 0); /* points back (to offset 10 < 6? no: 10 > 6) */
    assert_int_equal(tt_tcp_urgent(f.t), 10);
    urg_at(&f, 20, 0, 1); /* seq 20 + 1 = 21: ahead of the data received */
    assert_int_equal(tt_tcp_urgent(f.t), 21);
    assert_int_equal(tt_tcp_recv(f.t, b, 15, f.now), 15);
    assert_memory_equal(b, pattern, 15);
    assert_int_equal(tt_tcp_urgent(f.t), 6);
    assert_int_equal(tt_tcp_recv(f.t, b, 64, f.now), 5);
    assert_int_equal(tt_tcp_urgent(f.t), 1);
    /* The largest pointer, far beyond the window: only compared, never read. */
    urg_at(&f, 20, 10, 65535);
    assert_int_equal(tt_tcp_urgent(f.t), 65535);
    assert_int_equal(tt_tcp_recv(f.t, b, 64, f.now), 10);
    assert_memory_equal(b, pattern + 20, 10);
    assert_int_equal(tt_tcp_urgent(f.t), 65525);
    urg_at(&f, 30, 5, 3); /* goes back: ignored */
    assert_int_equal(tt_tcp_urgent(f.t), 65525);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* Sending urgent data: URG and the pointer past the urgent bytes on every
 * segment before it; the mode ends when they are acknowledged. */
static void test_urgent_send(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send_urgent(f.t, pattern, 2001, f.now), 2001);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.flags, TT_TCP_ACK | TT_TCP_URG);
    assert_int_equal(g->h.urp, 2001);
    g = fx_pop(&f);
    assert_int_equal(g->h.flags, TT_TCP_ACK | TT_TCP_URG | TT_TCP_PSH);
    assert_int_equal(g->h.seq, f.pack + 1460);
    assert_int_equal(g->h.urp, 541);
    assert_int_equal(g->dlen, 541);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 2001, 65535, NULL, 0, NULL);
    assert_int_equal(tt_tcp_send(f.t, "z", 1, f.now), 1);
    g = fx_pop(&f);
    assert_int_equal(g->h.flags, TT_TCP_ACK | TT_TCP_PSH);
    assert_int_equal(g->h.urp, 0);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

int main(void)
{
    fill();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ooo_overlaps),
        cmocka_unit_test(test_ooo_fin_and_window),
        cmocka_unit_test(test_renege),
        cmocka_unit_test(test_delayed_ack),
        cmocka_unit_test(test_window_update_sws),
        cmocka_unit_test(test_keepalive),
        cmocka_unit_test(test_urgent_receive),
        cmocka_unit_test(test_urgent_send),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
