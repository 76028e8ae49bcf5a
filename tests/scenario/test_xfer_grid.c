/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transfer grid: one byte-exact transfer of random data, both directions
 * at once, per network condition (tests/support/xfer.h). Every test checks
 * the stream byte by byte and by hash on both sides, that the connection
 * closed cleanly and that all memory came back, plus what its condition is
 * about (the corrupted frames were dropped under the right names, the window
 * closed and reopened, the sequence numbers wrapped, the window was scaled).
 *
 * A grid point the stack cannot pass yet is kept just as strict in a
 * test_xfer_grid_pending.c (skipped until its mechanism lands); there is none
 * at the moment.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "xfer.h"

#define KIB 1024u
#define SIZE (256 * KIB)

static void loss_test(const char *name, double loss, tt_time limit)
{
    struct tt_memlink_faults f = {.loss = loss};
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, name, 11, SIZE, &f);
    c.time_limit = limit;
    xfer_run_or_fail(&c, &r);
    if (loss > 0) {
        assert_true(r.link[0].lost > 0 && r.link[1].lost > 0);
        assert_true(r.ctr[0].tcp_retrans_segs > 0 && r.ctr[1].tcp_retrans_segs > 0);
    } else {
        assert_int_equal(r.ctr[0].tcp_retrans_segs + r.ctr[1].tcp_retrans_segs, 0);
    }
}

static void test_loss_0(void **st)
{
    (void)st;
    loss_test("loss_0", 0, TT_SEC(5));
}

static void test_loss_1(void **st)
{
    (void)st;
    loss_test("loss_1", 0.01, TT_SEC(20));
}

static void test_loss_5(void **st)
{
    (void)st;
    loss_test("loss_5", 0.05, TT_SEC(60));
}

/* 20 % loss both ways: many backed-off RTOs. Took 38 s virtual once TSecr
 * samples older than the latest RTO stopped counting (ack.c rtt_sample);
 * missed 60 s before. */
static void test_loss_20(void **st)
{
    (void)st;
    loss_test("loss_20", 0.20, TT_SEC(60));
}

static void test_duplication(void **st)
{
    (void)st;
    /* Copies arrive right behind their originals (reordering has its own test). */
    struct tt_memlink_faults f = {.duplicate = 0.2};
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "duplication", 12, SIZE, &f);
    c.time_limit = TT_SEC(10);
    xfer_run_or_fail(&c, &r);
    assert_true(r.link[0].duplicated > 0 && r.link[1].duplicated > 0);
}

/* ---- corruption: each corrupted frame must be dropped under the name its
 * flipped bit calls for ---- */

struct corrupt_tally {
    uint32_t eth_dst, eth_src_mcast, eth_type, ip_hdr, ip_cksum_only, tcp_any, tcp_payload;
    uint32_t harmless;
};

/* Where the flipped bit landed, from the original frame (the bit flipped back). */
static void classify(void *ctx, const struct tt_memlink_fate_event *ev)
{
    if (ev->fate != TT_MEMLINK_CORRUPTED)
        return;
    struct corrupt_tally *t = &((struct corrupt_tally *)ctx)[ev->dir];
    uint8_t f[2048];
    size_t len = ev->len < sizeof f ? ev->len : sizeof f;
    memcpy(f, ev->frame, len);
    size_t byte = ev->bit / 8;
    f[byte] ^= (uint8_t)(0x80 >> (ev->bit % 8));
    assert_true(len >= 54 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 6);
    size_t ihl = (size_t)(f[14] & 0x0f) * 4, tot = ((size_t)f[16] << 8) | f[17];
    size_t doff = (size_t)(f[14 + ihl + 12] >> 4) * 4;
    if (byte < 6)
        t->eth_dst++;
    else if (byte < 12)
        byte == 6 && ev->bit % 8 == 7 ? t->eth_src_mcast++ : t->harmless++;
    else if (byte < 14)
        t->eth_type++;
    else if (byte < 14 + ihl) {
        t->ip_hdr++;
        /* Bytes outside version/IHL and total length: only the checksum sees them. */
        size_t o = byte - 14;
        if (o == 1 || o >= 4)
            t->ip_cksum_only++;
    } else if (byte < 14 + tot) {
        t->tcp_any++;
        if (byte >= 14 + ihl + doff)
            t->tcp_payload++;
    } else {
        t->harmless++; /* Ethernet padding */
    }
}

static void test_corruption(void **st)
{
    (void)st;
    struct tt_memlink_faults f = {.corrupt = 0.05};
    struct xfer_cfg c;
    struct xfer_result r;
    struct corrupt_tally tally[2];
    memset(tally, 0, sizeof tally);
    xfer_grid_config(&c, "corruption", 14, SIZE, &f);
    c.time_limit = TT_SEC(60);
    c.fate = classify;
    c.fate_ctx = tally;
    xfer_run_or_fail(&c, &r);
    for (int d = 0; d < 2; d++) {
        const struct corrupt_tally *t = &tally[d];
        const uint64_t *drops = r.ctr[!d].drops; /* the receiving stack */
        assert_true(r.link[d].corrupted >= 10);
        assert_int_equal(t->eth_dst + t->eth_src_mcast + t->eth_type + t->ip_hdr + t->tcp_any +
                             t->harmless,
                         r.link[d].corrupted);
        assert_int_equal(drops[TT_DROP_ETH_NOT_FOR_US], t->eth_dst);
        assert_int_equal(drops[TT_DROP_ETH_SRC_INVALID], t->eth_src_mcast);
        assert_int_equal(drops[TT_DROP_ETH_UNKNOWN_TYPE], t->eth_type);
        assert_int_equal(drops[TT_DROP_IP_BAD_CHECKSUM] + drops[TT_DROP_IP_BAD_VERSION] +
                             drops[TT_DROP_IP_BAD_HLEN] + drops[TT_DROP_IP_BAD_LENGTH] +
                             drops[TT_DROP_IP_TRUNCATED],
                         t->ip_hdr);
        assert_true(drops[TT_DROP_IP_BAD_CHECKSUM] >= t->ip_cksum_only);
        assert_int_equal(drops[TT_DROP_TCP_BAD_CHECKSUM] + drops[TT_DROP_TCP_BAD_OFFSET] +
                             drops[TT_DROP_TCP_BAD_OPTIONS] + drops[TT_DROP_TCP_TRUNCATED],
                         t->tcp_any);
        assert_true(drops[TT_DROP_TCP_BAD_CHECKSUM] >= t->tcp_payload);
        assert_true(t->tcp_payload > 0);
    }
}

/* ---- windows ---- */

static void test_huge_windows(void **st)
{
    (void)st;
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "huge_windows", 16, SIZE, NULL);
    for (int d = 0; d < 2; d++) {
        c.link.faults[d].delay = TT_MSEC(25); /* 50 ms RTT */
        c.link.faults[d].rate_bytes_per_sec = 100u << 20;
    }
    c.a.rcvbuf = c.b.rcvbuf = 8u << 20;
    c.a.sndbuf = c.b.sndbuf = 8u << 20;
    c.a.bytes = c.b.bytes = 4u << 20;
    c.a.write_max = c.b.write_max = 64 * KIB;
    c.a.read_max = c.b.read_max = 64 * KIB;
    c.time_limit = TT_SEC(10);
    xfer_run_or_fail(&c, &r);
    for (int i = 0; i < 2; i++) {
        assert_true(r.info[i].options & TT_TCPI_OPT_WSCALE);
        assert_true(r.info[i].rcv_wscale >= 7 && r.info[i].snd_wscale >= 7);
        assert_true(r.max_snd_wnd[i] > 1u << 20); /* the peer's window, scaled */
        assert_true(r.max_inflight[i] > 256 * KIB);
    }
    /* 4 MiB over a 50 ms RTT in under 1.5 s: far more than 64 KiB in flight. */
    assert_true(r.elapsed < TT_MSEC(1500));
}

static void test_zero_window(void **st)
{
    (void)st;
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "zero_window", 17, SIZE, NULL);
    c.b.rcvbuf = 16 * KIB;
    c.b.pause_after = 32 * KIB;
    c.b.pause_for = TT_SEC(3);
    c.a.rcvbuf = 16 * KIB;
    c.a.pause_after = 100 * KIB;
    c.a.pause_for = TT_SEC(1);
    c.time_limit = TT_SEC(30);
    xfer_run_or_fail(&c, &r);
    assert_true(r.zero_window_seen >= 2);
    assert_true(r.elapsed >= TT_SEC(3));
}

static void test_bottleneck(void **st)
{
    (void)st;
    struct tt_memlink_faults f = {.rate_bytes_per_sec = 1000000, .queue_frames = 16};
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "bottleneck", 18, SIZE, &f);
    c.a.bytes = c.b.bytes = 512 * KIB;
    c.a.sndbuf = c.b.sndbuf = 512 * KIB; /* enough in flight to overflow the queue */
    c.time_limit = TT_SEC(30);
    xfer_run_or_fail(&c, &r);
    assert_true(r.link[0].queue_drops > 0);
    /* 512 KiB at 1 MB/s takes at least 0.52 s. */
    assert_true(r.elapsed >= TT_MSEC(520));
}

/* ---- sequence numbers wrap past 2^32 mid-stream ---- */

static void test_seq_wrap(void **st)
{
    (void)st;
    struct xfer_cfg c;
    struct xfer_result r;
    xfer_grid_config(&c, "seq_wrap", 19, SIZE, NULL);
    c.a.isn = 0xffffffffu - 100000;
    c.b.isn = 0xffffffffu - 1000;
    c.link.faults[0].loss = c.link.faults[1].loss = 0.01;
    c.time_limit = TT_SEC(30);
    xfer_run_or_fail(&c, &r);
    assert_int_equal(r.info[0].iss, c.a.isn);
    assert_int_equal(r.info[1].iss, c.b.isn);
    /* Past the wrap: SND.NXT is now a small number on both sides. */
    assert_true(r.info[0].snd_nxt < SIZE);
    assert_true(r.info[1].snd_nxt < SIZE);
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
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_loss_0),       cmocka_unit_test(test_loss_1),
        cmocka_unit_test(test_loss_5),       cmocka_unit_test(test_duplication),
        cmocka_unit_test(test_corruption),   cmocka_unit_test(test_huge_windows),
        cmocka_unit_test(test_zero_window),  cmocka_unit_test(test_bottleneck),
        cmocka_unit_test(test_seq_wrap),     cmocka_unit_test(test_reorder_jitter),
        cmocka_unit_test(test_tiny_windows), cmocka_unit_test(test_loss_20),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
