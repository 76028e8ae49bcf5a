/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sender's SACK scoreboard (src/tcp/scoreboard.c) against a hostile
 * receiver: with a small MSS and a large flight, the peer SACKs every other
 * segment (the pattern of the 2019 "SACK panic"/"SACK slowness" reports).
 * The scoreboard must stay within cfg.tcp.sack_records, forget marks rather
 * than grow, keep the connection correct, and give all memory back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint8_t buf[65536];

/* Passive open with SACK-permitted and the peer's MSS. */
static void open_sack(struct fx *f, uint16_t mss)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = mss;
    o.sack_ok = 1;
    fx_passive_established_with(f, &o);
}

static void drain(struct fx *f)
{
    while (fx_try_pop(f))
        ;
    f->nout = f->rd = 0; /* the capture FIFO starts over */
}

static void test_sack_every_other_segment_is_bounded(void **st)
{
    (void)st;
    struct tt_config c;
    fx_config(&c);
    c.tcp.init_cwnd = 100; /* a flight of 100 tiny segments at once */
    c.tcp.sack_records = 16;
    c.tcp.wmem_default = 1 << 20;
    struct fx f;
    fx_init(&f, &c);
    f.pport = FX_PEER_PORT;
    open_sack(&f, 64);
    uint32_t mss = fx_info(&f).snd_mss;
    assert_true(mss <= 64);
    long n = tt_tcp_send(f.t, buf, 100 * 64, f.now);
    assert_int_equal(n, 100 * 64);
    drain(&f);
    struct tt_tcp_info i = fx_info(&f);
    uint32_t segs = i.unacked;
    assert_true(segs >= 100);
    /* SACK every other segment, four blocks per ACK, walking up the flight. */
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    for (uint32_t k = 1; k + 8 < segs; k += 8) {
        o.nsack = 4;
        for (unsigned b = 0; b < 4; b++) {
            uint32_t l = f.iss + 1 + (k + 2 * b) * mss;
            o.sack[b].left = l;
            o.sack[b].right = l + mss;
        }
        f.now += 10;
        fx_inject(&f, TT_TCP_ACK, f.pseq, f.iss + 1, 65535, NULL, 0, &o);
        drain(&f);
    }
    i = fx_info(&f);
    /* Marks were forgotten to stay within 16 records, never more SACKed
     * segments than the records can say. */
    assert_true(tt_stack_counters(f.s)->tcp_sack_forgotten > 0);
    assert_true(i.sacked < 48); /* 48 blocks were sent; some were forgotten */
    /* Everything acknowledged at last: all memory comes back (fx_fini). */
    f.now += TT_MSEC(10);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.iss + 1 + (uint32_t)n, 65535, NULL, 0, NULL);
    drain(&f);
    i = fx_info(&f);
    assert_int_equal(i.unacked, 0);
    assert_int_equal(i.sacked, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* The first SACKs hold the retransmission back (RACK's reordering window);
 * once three segments are SACKed, the first hole goes at once (RFC 6675's
 * duplicate threshold kept beside RACK), and only the hole. */
static void test_sack_retransmits_the_hole(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    f.pport = FX_PEER_PORT;
    f.hs_rtt = TT_MSEC(10); /* RACK's min_RTT, so reo_wnd = 2.5 ms */
    open_sack(&f, 1000);
    uint32_t mss = fx_info(&f).snd_mss;
    assert_int_equal(tt_tcp_send(f.t, buf, 10 * mss, f.now), (long)(10 * mss));
    drain(&f);
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.nsack = 1;
    uint32_t base = f.iss + 1;
    for (unsigned k = 2; k <= 4; k++) {
        o.sack[0].left = base + 2 * mss;
        o.sack[0].right = base + (k + 1) * mss;
        f.now += 100;
        fx_inject(&f, TT_TCP_ACK, f.pseq, base, 65535, NULL, 0, &o);
        if (k < 4) {
            fx_assert_none(&f);
            assert_int_equal(fx_info(&f).ca_state, 1); /* Disorder */
        }
    }
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.seq, base);
    assert_int_equal(g->dlen, mss);
    struct tt_tcp_info i = fx_info(&f);
    assert_int_equal(i.ca_state, 3); /* Recovery */
    assert_int_equal(i.sacked, 3);
    assert_int_equal(i.lost, 2); /* the two segments below the SACKed ones */
    assert_int_equal(i.retrans, 1);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sack_every_other_segment_is_bounded),
        cmocka_unit_test(test_sack_retransmits_the_hole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
