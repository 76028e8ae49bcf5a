/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded under floods, each with its memory figure asserted: an out-of-order
 * flood of 1-byte segments with holes across a 4 MiB window (the piece limit
 * holds the metadata, drops are counted, the connection goes on), and a SYN
 * flood (the SYN queue stays at its cap, cookies take over, a legitimate
 * client still connects and exchanges data).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

#define WIN (4u << 20)

static void flush_out(struct fx *f)
{
    f->rd = f->nout = 0;
}

/* 10,000 one-byte segments, 400 bytes apart, across the 4 MiB window: at
 * most 2 * rcvbuf / 2 KiB pieces are held (4,096: a window of 536-byte
 * segments would need more), the rest dropped and counted; the memory they
 * hold stays within twice the receive buffer; the hole filled, the
 * held bytes are delivered in order. */
static void test_ooo_flood(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.rmem_max = WIN;
    struct fx f;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_RCVBUF, WIN), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, f.pport, f.now), TT_EINPROGRESS);
    f.iss = fx_pop(&f)->h.seq;
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    o.has_ws = 1;
    o.ws = 7;
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f.iss + 1, 65535, NULL, 0, &o);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    flush_out(&f);
    f.pseq = FX_PEER_ISS + 1;
    f.pack = f.iss + 1;
    size_t base = tt_stack_mem_in_use(f.s);
    const int n = 10000;
    for (int k = 1; k <= n; k++) {
        uint8_t b = (uint8_t)k;
        fx_inject(&f, TT_TCP_ACK, f.pseq + 400u * (uint32_t)k, f.pack, 65535, &b, 1, NULL);
        flush_out(&f);
    }
    struct tt_tcp_info i = fx_info(&f);
    const struct tt_counters *ct = tt_stack_counters(f.s);
    uint32_t held = 2 * WIN / 2048;
    assert_int_equal(ct->drops[TT_DROP_TCP_OFO_LIMIT], (uint64_t)(n - (int)held));
    assert_int_equal(ct->drops[TT_DROP_TCP_OUT_OF_WINDOW], 0);
    size_t grown = tt_stack_mem_in_use(f.s) - base;
    print_message("ooo flood: %d segments, %u pieces held, %zu bytes held, %llu dropped\n", n, held,
                  grown, (unsigned long long)ct->drops[TT_DROP_TCP_OFO_LIMIT]);
    assert_true(grown <= 2 * WIN);      /* within twice the receive buffer */
    assert_true(grown >= held * 2000u); /* each piece is a chunk: metadata counted */
    assert_int_equal(i.bytes_received, 0);
    /* The hole at RCV.NXT filled: everything up to the first gap after it. */
    uint8_t fill[399];
    memset(fill, 0xab, sizeof fill);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, fill, sizeof fill, NULL);
    fx_inject(&f, TT_TCP_ACK, f.pseq + 399, f.pack, 65535, fill, 1, NULL);
    assert_int_equal(tt_tcp_readable(f.t), 401);
    uint8_t buf[512];
    assert_int_equal(tt_tcp_recv(f.t, buf, sizeof buf, f.now), 401);
    assert_int_equal(buf[400], 1);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    flush_out(&f);
    tt_tcp_abort(f.t, f.now);
    flush_out(&f);
    assert_true(tt_stack_mem_in_use(f.s) <= base); /* the pieces went back */
    fx_fini(&f);
}

/* 20,000 SYNs from distinct ports at a listener: the SYN queue holds at most
 * max_syn_backlog entries, cookies answer the rest with no state; memory
 * grows by no more than the queue's entries; a legitimate client completes
 * its handshake (through a cookie) and exchanges data. */
static void test_syn_flood(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.max_syn_backlog = 256;
    struct fx f;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    assert_int_equal(tt_tcp_bind(f.l, 0, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f.l, 1024, f.now), 0);
    size_t base = tt_stack_mem_in_use(f.s);
    for (int k = 0; k < 20000; k++) {
        fx_inject_ports(&f, (uint16_t)(10000 + k), FX_PORT, TT_TCP_SYN, 5000u * (uint32_t)k, 0,
                        65535, NULL, 0, NULL);
        flush_out(&f);
    }
    struct tt_tcp_stats ts;
    tt_tcp_stats(f.s, &ts);
    assert_true(ts.syn_queue <= 256);
    size_t grown = tt_stack_mem_in_use(f.s) - base;
    print_message("syn flood: 20000 SYNs, %u in the SYN queue, %zu bytes held\n", ts.syn_queue,
                  grown);
    assert_true(grown <= 256u * 256u); /* a SYN-queue entry is well under 256 bytes */
    assert_true(tt_stack_counters(f.s)->tcp_syncookies_sent >= 20000 - 256);
    /* The legitimate client. */
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    fx_inject_ports(&f, 40999, FX_PORT, TT_TCP_SYN, 777, 0, 65535, NULL, 0, &o);
    struct fx_seg *sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, 778);
    uint32_t iss = sa->h.seq;
    fx_inject_ports(&f, 40999, FX_PORT, TT_TCP_ACK | TT_TCP_PSH, 778, iss + 1, 65535, "ping", 4,
                    NULL);
    struct tt_tcp *ch;
    assert_int_equal(tt_tcp_accept(f.l, &ch, f.now), 0);
    char buf[8];
    assert_int_equal(tt_tcp_recv(ch, buf, sizeof buf, f.now), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(tt_tcp_send(ch, "pong", 4, f.now), 4);
    struct fx_seg *g;
    int got = 0;
    while ((g = fx_try_pop(&f)) != NULL)
        got |= g->dlen == 4 && g->h.dport == 40999 && memcmp(g->data, "pong", 4) == 0;
    assert_true(got);
    tt_tcp_abort(ch, f.now);
    tt_tcp_close(f.l, f.now);
    flush_out(&f);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ooo_flood),
        cmocka_unit_test(test_syn_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
