/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * port/gso.c: a TCP/IPv4 super-frame as a TAP with IFF_VNET_HDR hands it over
 * (one Ethernet, IPv4 and TCP header with timestamps, up to 64 KiB of
 * payload, the TCP checksum left as the pseudo-header sum) cut into
 * segments: each parses with the stack's own IPv4 and TCP checks, carries
 * its slice of the payload at the right sequence number, its own IPv4 ID,
 * and FIN/PSH on the last segment only, CWR on the first only. And a
 * partial checksum (NEEDS_CSUM) completed in place.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "gso.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define SRC 0xc0000201u
#define DST 0xc0000202u
#define HDRS (14 + 20 + 32)

static uint8_t frame[14 + 65535], seg[2048];

/* A super-frame of `payload` bytes, flags PSH|FIN|CWR|ACK, seq 1000, id 7,
 * its TCP checksum field holding only the pseudo-header sum (as the kernel
 * leaves it with NEEDS_CSUM); returns its length. */
static size_t build(size_t payload)
{
    memset(frame, 0, HDRS);
    frame[12] = 0x08; /* IPv4 */
    uint8_t *ip = frame + 14, *tcp = ip + 20;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + 32 + payload) >> 8);
    ip[3] = (uint8_t)(20 + 32 + payload);
    ip[5] = 7;
    ip[8] = 64;
    ip[9] = 6;
    for (int i = 0; i < 4; i++) {
        ip[12 + i] = (uint8_t)(SRC >> (24 - 8 * i));
        ip[16 + i] = (uint8_t)(DST >> (24 - 8 * i));
    }
    tcp[0] = 0x13, tcp[1] = 0x89, tcp[2] = 0xc0, tcp[3] = 0x01;
    tcp[6] = 0x03, tcp[7] = 0xe8; /* seq 1000 */
    tcp[12] = 8 << 4;             /* 32 bytes: 12 of timestamps */
    tcp[13] = 0x80 | 0x10 | 0x08 | 0x01;
    tcp[14] = 0xff, tcp[15] = 0xff;
    tcp[20] = 1, tcp[21] = 1, tcp[22] = 8, tcp[23] = 10;
    for (size_t i = 0; i < payload; i++)
        frame[HDRS + i] = (uint8_t)(i * 7 + i / 251);
    uint16_t ps =
        (uint16_t)~tt__cksum_fold(tt__cksum_pseudo(SRC, DST, 6, (uint16_t)(32 + payload)));
    tcp[16] = (uint8_t)(ps >> 8);
    tcp[17] = (uint8_t)ps;
    return HDRS + payload;
}

static void split(size_t payload, uint16_t mss)
{
    size_t len = build(payload), got = 0;
    uint32_t i = 0;
    int n;
    while ((n = tt_port_gso_segment(frame, len, 14, mss, i, seg, sizeof seg)) > 0) {
        struct tt_ipv4_hdr ih;
        enum tt_drop_reason why;
        assert_int_equal(tt__ipv4_parse(seg + 14, (size_t)n - 14, &ih, &why), 20);
        assert_int_equal(ih.total_len, n - 14);
        assert_int_equal(ih.id, 7 + i);
        assert_true(tt__tcp_cksum_ok(SRC, DST, seg + 34, (size_t)n - 34));
        size_t k = (size_t)n - HDRS;
        int last = got + k == payload;
        assert_true(k == mss || last);
        uint32_t seq = (uint32_t)seg[38] << 24 | (uint32_t)seg[39] << 16 | seg[40] << 8 | seg[41];
        assert_int_equal(seq, 1000 + got);
        assert_int_equal(seg[47] & 0x01, last ? 0x01 : 0);   /* FIN */
        assert_int_equal(seg[47] & 0x08, last ? 0x08 : 0);   /* PSH */
        assert_int_equal(seg[47] & 0x80, i == 0 ? 0x80 : 0); /* CWR */
        assert_int_equal(seg[47] & 0x10, 0x10);              /* ACK on all */
        assert_memory_equal(seg + 54, frame + 54, 12);       /* options kept */
        assert_memory_equal(seg + HDRS, frame + HDRS + got, k);
        got += k;
        i++;
    }
    assert_int_equal(n, 0);
    assert_int_equal(got, payload);
    assert_int_equal(i, payload ? (payload + mss - 1) / mss : 1);
}

static void test_gso_split(void **state)
{
    (void)state;
    split(65535 - 52, 1448);
    split(1448 * 3, 1448);
    split(1448 * 3 + 1, 1448);
    split(1, 1448);
    split(0, 1448); /* a bare header: one segment, as it is */
    split(5000, 536);
}

static void test_gso_rejects(void **state)
{
    (void)state;
    size_t len = build(3000);
    assert_int_equal(tt_port_gso_segment(frame, len, 14, 0, 0, seg, sizeof seg), -1);
    assert_int_equal(tt_port_gso_segment(frame, 40, 14, 1448, 0, seg, sizeof seg), -1);
    assert_int_equal(tt_port_gso_segment(frame, len, 14, 1448, 0, seg, 100), -1);
    frame[14 + 9] = 17; /* UDP */
    assert_int_equal(tt_port_gso_segment(frame, len, 14, 1448, 0, seg, sizeof seg), -1);
}

static void test_csum_finish(void **state)
{
    (void)state;
    size_t len = build(999);
    assert_false(tt__tcp_cksum_ok(SRC, DST, frame + 34, len - 34));
    assert_int_equal(tt_port_csum_finish(frame, len, 34, 16), 0);
    assert_true(tt__tcp_cksum_ok(SRC, DST, frame + 34, len - 34));
    assert_int_equal(tt_port_csum_finish(frame, len, len - 1, 0), -1);
    assert_int_equal(tt_port_csum_finish(frame, len, len + 1, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gso_split),
        cmocka_unit_test(test_gso_rejects),
        cmocka_unit_test(test_csum_finish),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
