/* SPDX-License-Identifier: BSD-2-Clause */
/* The Internet checksum (RFC 1071) and its incremental update (RFC 1624). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tether/rng.h>

#include "wire/checksum.h"

/* The obvious byte-by-byte definition, as the reference: big-endian words,
 * a trailing odd byte padded with zero, end-around carry. */
static uint32_t ref_sum(uint32_t sum, const uint8_t *p, size_t len)
{
    uint64_t s = sum;

    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint32_t)s;
}

static uint16_t ref_cksum(const uint8_t *p, size_t len)
{
    return (uint16_t)~ref_sum(0, p, len);
}

/* RFC 1071 §3: the worked example, sum 0xddf2 of 00 01 f2 03 f4 f5 f6 f7. */
static void test_rfc1071_example(void **state)
{
    static const uint8_t b[8] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};

    (void)state;
    assert_int_equal(tt__cksum_add(0, b, 8), 0xddf2);
    assert_int_equal(tt__cksum(b, 8), 0x220d);
    /* The same bytes in two even pieces, and a checksum stored in place. */
    assert_int_equal(tt__cksum_add(tt__cksum_add(0, b, 2), b + 2, 6), 0xddf2);
}

/* A real IPv4 header (Linux ping, 192.0.2.1 -> 192.0.2.2): checksum 0x0ad8. */
static void test_ipv4_header_golden(void **state)
{
    uint8_t h[20] = {0x45, 0x00, 0x00, 0x54, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x01,
                     0x0a, 0xd8, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02};

    (void)state;
    assert_int_equal(tt__cksum(h, 20), 0); /* a correct header folds to 0 */
    h[10] = h[11] = 0;
    assert_int_equal(tt__cksum(h, 20), 0x0ad8);
    assert_int_equal(tt__cksum_hdr20(h), 0x0ad8);
}

/* The 20-byte header path equals the general one, at any alignment. */
static void test_hdr20_matches(void **state)
{
    uint8_t buf[20 + 8];
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 791);
    for (int i = 0; i < 5000; i++) {
        for (size_t k = 0; k < sizeof buf; k++)
            buf[k] = (uint8_t)tt_rng_next(&r);
        size_t off = tt_rng_below(&r, 8);
        assert_int_equal(tt__cksum_hdr20(buf + off), ref_cksum(buf + off, 20));
    }
}

static void test_odd_lengths_and_edges(void **state)
{
    static const uint8_t one[1] = {0x01};
    static const uint8_t three[3] = {0x12, 0x34, 0x56};
    uint8_t ff[64], zero[64];

    (void)state;
    memset(ff, 0xff, sizeof ff);
    memset(zero, 0, sizeof zero);
    assert_int_equal(tt__cksum_add(0, one, 1), 0x0100);
    assert_int_equal(tt__cksum_add(0, three, 3), 0x6834);
    assert_int_equal(tt__cksum_add(0, NULL, 0), 0);
    assert_int_equal(tt__cksum_add(0x1234, NULL, 0), 0x1234);
    assert_int_equal(tt__cksum(zero, sizeof zero), 0xffff);
    /* One's complement: a sum of 0xffff words stays 0xffff (-0), never 0. */
    assert_int_equal(tt__cksum_add(0, ff, sizeof ff), 0xffff);
    assert_int_equal(tt__cksum(ff, sizeof ff), 0x0000);
    assert_int_equal(tt__cksum_fold(0), 0xffff);
    assert_int_equal(tt__cksum_fold(0xffff), 0);
    assert_int_equal(tt__cksum_fold(0x1fffe), 0);     /* 0xfffe + 1 */
    assert_int_equal(tt__cksum_fold(0xffffffffu), 0); /* folds to 0xffff */
    assert_int_equal(tt__cksum_fold(0x00010000u), 0xfffe);
    /* A huge running sum is carried, not truncated. */
    assert_int_equal(tt__cksum_add(0xffffffffu, one, 1), ref_sum(0xffffffffu, one, 1));
}

/* Every length 0..600 at every alignment 0..15, random bytes, against the
 * reference; then large buffers. */
static void test_matches_reference(void **state)
{
    static uint8_t buf[70000 + 16];
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 1071);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)tt_rng_next(&r);
    for (size_t off = 0; off < 16; off++)
        for (size_t len = 0; len <= 600; len++)
            assert_int_equal(tt__cksum_add(0, buf + off, len), ref_sum(0, buf + off, len));
    for (size_t off = 0; off < 4; off++) {
        assert_int_equal(tt__cksum(buf + off, 1500), ref_cksum(buf + off, 1500));
        assert_int_equal(tt__cksum(buf + off, 65536), ref_cksum(buf + off, 65536));
        assert_int_equal(tt__cksum(buf + off, 65535), ref_cksum(buf + off, 65535));
        assert_int_equal(tt__cksum(buf + off, 70000), ref_cksum(buf + off, 70000));
    }
    /* Random lengths, offsets and starting sums. */
    for (int i = 0; i < 3000; i++) {
        size_t off = tt_rng_below(&r, 16), len = tt_rng_below(&r, 9000);
        uint32_t start = (uint32_t)tt_rng_next(&r);
        assert_int_equal(tt__cksum_add(start, buf + off, len), ref_sum(start, buf + off, len));
    }
}

/* Pieces chained with even lengths give the sum of the whole. */
static void test_chaining(void **state)
{
    static uint8_t buf[4096];
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 7);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)tt_rng_next(&r);
    for (int i = 0; i < 2000; i++) {
        size_t len = 1 + tt_rng_below(&r, sizeof buf);
        size_t cut = tt_rng_below(&r, len + 1) & ~(size_t)1;
        uint32_t s = tt__cksum_add(0, buf, cut);
        assert_true(s <= 0xffff);
        assert_int_equal(tt__cksum_add(s, buf + cut, len - cut), ref_sum(0, buf, len));
    }
}

/* RFC 9293 §3.1 pseudo-header, against the TCP SYN of test_wire_tcp. */
static void test_pseudo_header(void **state)
{
    static const uint8_t syn[40] = {
        0x9c, 0x40, 0x1f, 0x90, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02,
        0xfa, 0xf0, 0x3f, 0x29, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
        0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
    };
    uint32_t ps = tt__cksum_pseudo(0xc0000201, 0xc0000202, 6, 40);

    (void)state;
    assert_int_equal(ps, 0xc000 + 0x0201 + 0xc000 + 0x0202 + 6 + 40);
    assert_int_equal(tt__cksum_fold(tt__cksum_add(ps, syn, sizeof syn)), 0);
    /* The wrong address or length is caught. */
    ps = tt__cksum_pseudo(0xc0000201, 0xc0000203, 6, 40);
    assert_int_not_equal(tt__cksum_fold(tt__cksum_add(ps, syn, sizeof syn)), 0);
}

/* RFC 1624 §4: HC 0xdd2f, m 0x5555 -> m' 0x3285 gives 0x0000 by eqn. 3
 * (eqn. 2 would give the wrong 0xffff). */
static void test_rfc1624_example(void **state)
{
    (void)state;
    assert_int_equal(tt__cksum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
    /* Unchanged field: unchanged checksum. */
    assert_int_equal(tt__cksum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
    assert_int_equal(tt__cksum_update32(0x1234, 0xdeadbeef, 0xdeadbeef), 0x1234);
}

/* A 20-byte "header" with its checksum in word 5, as IPv4 has. */
static uint16_t header_cksum(uint8_t *h)
{
    h[10] = h[11] = 0;
    return tt__cksum(h, 20);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Check one change of the 16-bit word at `w` to `nv` both ways. */
static void check_update16(uint8_t *h, int w, uint16_t nv)
{
    uint16_t hc = header_cksum(h);
    uint16_t old = (uint16_t)(h[2 * w] << 8 | h[2 * w + 1]);
    uint16_t inc = tt__cksum_update16(hc, old, nv);

    put16(h + 2 * w, nv);
    assert_int_equal(inc, header_cksum(h));
    put16(h + 10, inc);
    assert_int_equal(tt__cksum(h, 20), 0);
}

/* RFC 1624: an incremental update agrees with recomputation, over many random
 * headers and fields, and in the corners where the new checksum is 0x0000 (a
 * sum of 0xffff) or a field moves between 0x0000 and 0xffff. */
static void test_incremental_random(void **state)
{
    uint8_t h[20];
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 1624);
    for (int i = 0; i < 100000; i++) {
        int w;
        for (int j = 0; j < 20; j++)
            h[j] = (uint8_t)tt_rng_next(&r);
        h[0] |= 0x40; /* never all zero, like any real header */
        do
            w = (int)tt_rng_below(&r, 10);
        while (w == 5 || w == 0);
        switch (i % 4) {
        case 0:
            check_update16(h, w, (uint16_t)tt_rng_next(&r));
            break;
        case 1: { /* choose m' so that the new sum is 0xffff: checksum 0x0000 */
            uint32_t rest;
            put16(h + 2 * w, 0);
            h[10] = h[11] = 0;
            rest = tt__cksum_add(0, h, 20); /* 1..0xffff */
            check_update16(h, w, (uint16_t)(0xffff - rest));
            break;
        }
        case 2:
            put16(h + 2 * w, 0xffff);
            check_update16(h, w, 0x0000);
            break;
        default:
            put16(h + 2 * w, 0x0000);
            check_update16(h, w, 0xffff);
            break;
        }
    }
}

/* update32 on a 32-bit field (an address) against recomputation. */
static void test_incremental32_random(void **state)
{
    uint8_t h[20];
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 32);
    for (int i = 0; i < 50000; i++) {
        uint16_t hc, inc;
        uint32_t old, nv = (uint32_t)tt_rng_next(&r);
        for (int j = 0; j < 20; j++)
            h[j] = (uint8_t)tt_rng_next(&r);
        h[0] |= 0x40;
        if (i % 3 == 1)
            nv = 0xffffffffu;
        else if (i % 3 == 2)
            nv = 0;
        hc = header_cksum(h);
        old = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
        inc = tt__cksum_update32(hc, old, nv);
        put16(h + 12, (uint16_t)(nv >> 16));
        put16(h + 14, (uint16_t)nv);
        assert_int_equal(inc, header_cksum(h));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071_example),    cmocka_unit_test(test_hdr20_matches),
        cmocka_unit_test(test_ipv4_header_golden), cmocka_unit_test(test_odd_lengths_and_edges),
        cmocka_unit_test(test_matches_reference),  cmocka_unit_test(test_chaining),
        cmocka_unit_test(test_pseudo_header),      cmocka_unit_test(test_rfc1624_example),
        cmocka_unit_test(test_incremental_random), cmocka_unit_test(test_incremental32_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
