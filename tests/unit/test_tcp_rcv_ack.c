/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The receiver's ACKs under loss, as a Linux sender reads them (issue 11:
 * Linux sending to tether at 5 % loss retransmitted 1,795 segments for 1,278
 * dropped). Each test is a rule whose breach made the sender resend data
 * that had arrived:
 *  - the out-of-order queue holds a whole advertised window of full-sized
 *    segments (RFC 9293 §3.10.7.4: segments in the window SHOULD be held;
 *    the queue's piece limit was rcvbuf / 2 KiB, 64 segments for a 128 KiB
 *    window of 90, and the rest were dropped silently, so the sender's
 *    RACK saw them unSACKed and resent them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"

static uint8_t pattern[1 << 18];

static void fill(void)
{
    for (unsigned k = 0; k < sizeof pattern; k++)
        pattern[k] = (uint8_t)(k * 131 + (k >> 8));
}

/* Passive open as Linux's SYN: MSS 1460, SACK-permitted, window scale 7. */
static void open_linux(struct fx *f, const struct tt_config *cfg)
{
    fx_init(f, cfg);
    f->pport = FX_PEER_PORT;
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    o.sack_ok = 1;
    o.has_ws = 1;
    o.ws = 7;
    fx_passive_established_with(f, &o);
}

/* The peer's data segment k (k * mss from its ISS + 1). */
static void seg(struct fx *f, uint32_t k, uint32_t mss)
{
    fx_inject(f, TT_TCP_ACK, FX_PEER_ISS + 1 + k * mss, fx_snd_nxt(f), 512, pattern + k * mss, mss,
              NULL);
}

static struct fx_seg *last_ack(struct fx *f)
{
    struct fx_seg *g = NULL, *n;
    while ((n = fx_try_pop(f)))
        g = n;
    assert_non_null(g);
    return g;
}

/* Segment 0 lost, then every other segment the window allows: all are held
 * (no queue-limit drop), the SACK block covers them all, and segment 0
 * brings the cumulative ACK to the end. */
static void test_ooo_holds_the_window(void **st)
{
    (void)st;
    struct fx f;
    open_linux(&f, NULL);
    const uint32_t mss = 1460;
    struct fx_seg *g = NULL;
    uint32_t wnd = 131072; /* the default receive buffer, all advertised */
    uint32_t n = wnd / mss;
    for (uint32_t k = 1; k < n; k++) {
        seg(&f, k, mss);
        g = last_ack(&f); /* each at once (RFC 5681 §4.2) */
        assert_int_equal(g->h.ack, FX_PEER_ISS + 1);
    }
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_TCP_OFO_LIMIT], 0);
    assert_int_equal(g->h.opt.nsack, 1);
    assert_int_equal(g->h.opt.sack[0].left, FX_PEER_ISS + 1 + mss);
    assert_int_equal(g->h.opt.sack[0].right, FX_PEER_ISS + 1 + n * mss);
    seg(&f, 0, mss);
    g = last_ack(&f);
    assert_int_equal(g->h.ack, FX_PEER_ISS + 1 + n * mss);
    assert_int_equal(g->h.opt.nsack, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

int main(void)
{
    fill();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ooo_holds_the_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
