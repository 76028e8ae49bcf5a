/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux socket options and flags of issue 17 on crafted segments and the
 * virtual clock: tt_tcp_recv_flags (MSG_PEEK, MSG_WAITALL, the TCP_INQ hint)
 * and TT_TCP_OPT_NOTSENT_LOWAT (writability and sends by unsent bytes).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint8_t pattern[4096];

static void fill(void)
{
    for (unsigned k = 0; k < sizeof pattern; k++)
        pattern[k] = (uint8_t)(k * 31 + (k >> 7));
}

/* The peer sends pattern[off, off + len) at its relative offset off. */
static void data_at(struct fx *f, uint32_t off, uint32_t len, uint8_t extra)
{
    fx_inject(f, TT_TCP_ACK | extra, f->pseq + off, f->pack, 65535, pattern + off, len, NULL);
}

static void drain(struct fx *f)
{
    while (fx_try_pop(f) != NULL)
        ;
}

/* MSG_PEEK copies without consuming: the same bytes again, the queue and
 * the window unchanged (no window update goes out). */
static void test_peek(void **st)
{
    (void)st;
    fill();
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    data_at(&f, 0, 300, TT_TCP_PSH);
    drain(&f);
    uint8_t b[1000];
    size_t inq = 0;
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 100, TT_TCP_RECV_PEEK, &inq, f.now), 100);
    assert_memory_equal(b, pattern, 100);
    assert_int_equal(inq, 300);
    assert_int_equal(tt_tcp_readable(f.t), 300);
    memset(b, 0, sizeof b);
    assert_int_equal(tt_tcp_recv_flags(f.t, b, sizeof b, TT_TCP_RECV_PEEK, NULL, f.now), 300);
    assert_memory_equal(b, pattern, 300);
    fx_assert_none(&f);
    /* A plain read then takes them, from the start. */
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 120, 0, &inq, f.now), 120);
    assert_memory_equal(b, pattern, 120);
    assert_int_equal(inq, 180);
    assert_int_equal(tt_tcp_recv(f.t, b, sizeof b, f.now), 180);
    assert_memory_equal(b, pattern + 120, 180);
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 10, 0x80, NULL, f.now), TT_EINVAL);
    fx_fini(&f);
}

/* MSG_WAITALL: nothing until the whole length is queued; the end of the
 * stream releases what is there; TCP_INQ's hint is 1 at the end. */
static void test_waitall(void **st)
{
    (void)st;
    fill();
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    uint8_t b[1000];
    size_t inq = 7;
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 200, TT_TCP_RECV_WAITALL, &inq, f.now), TT_EAGAIN);
    assert_int_equal(inq, 0);
    data_at(&f, 0, 150, TT_TCP_PSH);
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 200, TT_TCP_RECV_WAITALL, NULL, f.now), TT_EAGAIN);
    assert_int_equal(tt_tcp_readable(f.t), 150);
    data_at(&f, 150, 100, TT_TCP_PSH);
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 200, TT_TCP_RECV_WAITALL, &inq, f.now), 200);
    assert_memory_equal(b, pattern, 200);
    assert_int_equal(inq, 50);
    /* 50 queued, then the FIN: a short MSG_WAITALL returns them. */
    data_at(&f, 250, 0, TT_TCP_FIN);
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 200, TT_TCP_RECV_WAITALL, &inq, f.now), 50);
    assert_memory_equal(b, pattern + 200, 50);
    assert_int_equal(inq, 1); /* Linux tcp_inq_hint: read once more to see the end */
    assert_int_equal(tt_tcp_recv_flags(f.t, b, 200, TT_TCP_RECV_WAITALL, NULL, f.now), 0);
    drain(&f);
    fx_fini(&f);
}

/* TCP_NOTSENT_LOWAT: not writable, and a send refused, while the unsent
 * bytes reach the mark; in-flight bytes do not count; 0 is the default
 * (cfg.tcp.notsent_lowat, unlimited). */
static void test_notsent_lowat(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_passive_established(&f);
    int v = -1;
    assert_int_equal(tt_tcp_getopt(f.t, TT_TCP_OPT_NOTSENT_LOWAT, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_NOTSENT_LOWAT, -1), TT_EINVAL);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_NOTSENT_LOWAT, 2000), 0);
    assert_int_equal(tt_tcp_getopt(f.t, TT_TCP_OPT_NOTSENT_LOWAT, &v), 0);
    assert_int_equal(v, 2000);
    static uint8_t z[16384];
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_SNDBUF, 65536), 0);
    /* The initial window takes 10 segments of 1460; the rest waits. */
    assert_int_equal(tt_tcp_send(f.t, z, 16384, f.now), 16384);
    uint32_t sent = 0;
    for (struct fx_seg *g; (g = fx_try_pop(&f)) != NULL;)
        sent += g->dlen;
    assert_int_equal(sent, 14600);
    /* 1784 unsent < 2000: writable (14600 in flight do not count). */
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_WRITABLE);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_NOTSENT_LOWAT, 1000), 0);
    assert_false(tt_tcp_events(f.t) & TT_TCP_EV_WRITABLE);
    assert_int_equal(tt_tcp_send(f.t, z, 10, f.now), TT_EAGAIN);
    /* The ACK of everything sent: the 1784 go, the buffer drains. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + sent, 65535, NULL, 0, NULL);
    sent = 0;
    for (struct fx_seg *g; (g = fx_try_pop(&f)) != NULL;)
        sent += g->dlen;
    assert_int_equal(sent, 1784);
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_WRITABLE);
    /* Now fill again past the mark without room for it to go: the peer's
     * window closes. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 14600 + 1784, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_send(f.t, z, 1500, f.now), 1500);
    assert_false(tt_tcp_events(f.t) & TT_TCP_EV_WRITABLE);
    assert_int_equal(tt_tcp_send(f.t, z, 10, f.now), TT_EAGAIN);
    /* Back to the default: writable again (the buffer has room). */
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_NOTSENT_LOWAT, 0), 0);
    assert_true(tt_tcp_events(f.t) & TT_TCP_EV_WRITABLE);
    assert_int_equal(tt_tcp_send(f.t, z, 10, f.now), 10);
    drain(&f);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_peek),
        cmocka_unit_test(test_waitall),
        cmocka_unit_test(test_notsent_lowat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
