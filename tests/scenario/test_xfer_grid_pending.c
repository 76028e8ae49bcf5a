/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grid points of test_xfer_grid.c that the stack cannot pass yet, kept just
 * as strict. Skipped (exit 77, reasons printed) unless TT_XFER_PENDING=1 is
 * set; run them with
 *
 *     TT_XFER_PENDING=1 ./tests/test_xfer_grid_pending
 *
 * and move each into test_xfer_grid.c once its mechanism has landed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>

#include "xfer.h"

#define KIB 1024u
#define SIZE (256 * KIB)

/* 20 % loss both ways: RTO recovery alone (no out-of-order queue, no fast
 * retransmit) collapses: the RTO backs off to tens of seconds and stays. */
static void test_loss_20(void **st)
{
    (void)st;
    struct tt_memlink_faults f = {.loss = 0.20};
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "loss_20", 11, SIZE, &f);
    c.time_limit = TT_SEC(60);
    xfer_run_or_fail(&c, &r);
    assert_true(r.link[0].lost > 0 && r.link[1].lost > 0);
}

/* Reordering: without an out-of-order queue every segment that overtakes
 * another is discarded and costs an RTO. */
static void test_reorder_jitter(void **st)
{
    (void)st;
    struct tt_memlink_faults f = {
        .reorder = 0.1, .reorder_delay = TT_MSEC(4), .jitter = TT_MSEC(3)};
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "reorder_jitter", 13, SIZE, &f);
    c.time_limit = TT_SEC(20);
    xfer_run_or_fail(&c, &r);
    assert_true(r.link[0].reordered > 0 && r.link[1].reordered > 0);
}

/* A 2 KiB receive buffer on both sides: neither may ever offer, nor have in
 * flight, more than 2 KiB. Fails today on the active opener: its RCV.ADV is
 * set when the SYN goes out (RCV.NXT still 0) and not moved to IRS+1 when the
 * SYN-ACK arrives, so its advertised window is unrelated to its buffer. */
static void test_tiny_windows(void **st)
{
    (void)st;
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "tiny_windows", 15, 128 * KIB, NULL);
    c.a.rcvbuf = c.b.rcvbuf = 2 * KIB;
    c.a.sndbuf = c.b.sndbuf = 4 * KIB;
    c.time_limit = TT_SEC(120);
    xfer_run_or_fail(&c, &r);
    for (int i = 0; i < 2; i++) {
        assert_in_range(r.max_snd_wnd[i], 1, 2 * KIB);
        assert_in_range(r.info[i].rcv_wnd, 0, 2 * KIB);
        assert_in_range(r.max_inflight[i], 1, 2 * KIB);
    }
}

int main(void)
{
    const char *run = getenv("TT_XFER_PENDING");
    if (!run || atoi(run) != 1) {
        printf("SKIP: pending grid points (set TT_XFER_PENDING=1 to run):\n"
               "  test_loss_20: needs loss recovery (OOO queue, fast retransmit, RTO that\n"
               "    recovers after backoff); today 256 KiB do not get through in 60 s\n"
               "  test_reorder_jitter: needs the out-of-order queue\n"
               "  test_tiny_windows: the active opener's RCV.ADV is not reset at the\n"
               "    SYN-ACK, so its window ignores its 2 KiB buffer\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_20),
        cmocka_unit_test(test_reorder_jitter),
        cmocka_unit_test(test_tiny_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
