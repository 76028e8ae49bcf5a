/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 header (RFC 791, RFC 1122 §3.2.1): validation, emit, hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tether/errors.h>
#include <tether/rng.h>

#include "guard_page.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

/* Linux ping 192.0.2.1 -> 192.0.2.2: IP (id 0xabcd, DF, TTL 64) + ICMP echo. */
static const uint8_t ping_echo[84] = {
    0x45, 0x00, 0x00, 0x54, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x01, 0x0a, 0xd8, 0xc0, 0x00,
    0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x08, 0x00, 0x86, 0xc6, 0x1c, 0x2d, 0x00, 0x01,
    0x00, 0xf1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00, 0x40, 0xe2, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
    0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
};

/* The IP header of a Linux SYN (id 0x3039, DF, TTL 64, total 60). */
static const uint8_t syn_ip[20] = {
    0x45, 0x00, 0x00, 0x3c, 0x30, 0x39, 0x40, 0x00, 0x40, 0x06,
    0x86, 0x7f, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02,
};

static void fix_cksum(uint8_t *b, size_t hlen)
{
    uint16_t c;

    b[10] = b[11] = 0;
    c = tt__cksum(b, hlen);
    b[10] = (uint8_t)(c >> 8);
    b[11] = (uint8_t)c;
}

static void test_parse_golden(void **state)
{
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why = TT_DROP_COUNT;

    (void)state;
    assert_int_equal(tt__ipv4_parse(ping_echo, sizeof ping_echo, &h, &why), 20);
    assert_int_equal(why, TT_DROP_COUNT); /* untouched on success */
    assert_int_equal(h.hlen, 20);
    assert_int_equal(h.tos, 0);
    assert_int_equal(h.total_len, 84);
    assert_int_equal(h.id, 0xabcd);
    assert_int_equal(h.df, 1);
    assert_int_equal(h.mf, 0);
    assert_int_equal(h.frag_off, 0);
    assert_int_equal(h.ttl, 64);
    assert_int_equal(h.proto, TT_IPPROTO_ICMP);
    assert_int_equal(h.cksum, 0x0ad8);
    assert_int_equal(h.src, 0xc0000201);
    assert_int_equal(h.dst, 0xc0000202);
}

static void test_emit_golden(void **state)
{
    struct tt_ipv4_hdr h;
    uint8_t out[20];

    (void)state;
    memset(&h, 0, sizeof h);
    h.hlen = 44;      /* ignored */
    h.cksum = 0x1234; /* ignored: computed */
    h.total_len = 60;
    h.id = 0x3039;
    h.df = 1;
    h.ttl = 64;
    h.proto = TT_IPPROTO_TCP;
    h.src = 0xc0000201;
    h.dst = 0xc0000202;
    assert_int_equal(tt__ipv4_emit(&h, out, sizeof out), 20);
    assert_memory_equal(out, syn_ip, 20);
    assert_int_equal(tt__ipv4_emit(&h, out, 19), TT_EINVAL);
}

static void test_fragment_fields(void **state)
{
    struct tt_ipv4_hdr h, back;
    uint8_t out[1500];
    enum tt_drop_reason why;

    (void)state;
    memset(&h, 0, sizeof h);
    memset(out, 0, sizeof out);
    h.total_len = 1500;
    h.id = 7;
    h.mf = 1;
    h.frag_off = 1480;
    h.ttl = 1;
    h.tos = 0xb8;
    h.proto = TT_IPPROTO_UDP;
    h.src = 0xc0000263;
    h.dst = 0xe0000001;
    assert_int_equal(tt__ipv4_emit(&h, out, sizeof out), 20);
    assert_int_equal(out[6], 0x20); /* MF, offset 185 units = 0x00b9 */
    assert_int_equal(out[7], 0xb9);
    assert_int_equal(tt__ipv4_parse(out, sizeof out, &back, &why), 20);
    assert_int_equal(back.mf, 1);
    assert_int_equal(back.df, 0);
    assert_int_equal(back.frag_off, 1480);
    assert_int_equal(back.tos, 0xb8);
    assert_true(tt__ipv4_is_multicast(back.dst));
    assert_false(tt__ipv4_is_multicast(back.src));
    /* The largest offset: 8191 units. */
    h.frag_off = 8191 * 8;
    h.mf = 0;
    assert_int_equal(tt__ipv4_emit(&h, out, sizeof out), 20);
    assert_int_equal(tt__ipv4_parse(out, sizeof out, &back, &why), 20);
    assert_int_equal(back.frag_off, 65528);
    /* The reserved flag bit is ignored on receipt. */
    out[6] |= 0x80;
    fix_cksum(out, 20);
    assert_int_equal(tt__ipv4_parse(out, sizeof out, &back, &why), 20);
    assert_int_equal(back.frag_off, 65528);
}

/* Options: IHL 6 with NOP, NOP, NOP, EOL; skipped by header length. */
static void test_options_skipped(void **state)
{
    uint8_t b[28];
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;

    (void)state;
    memcpy(b, syn_ip, 12);
    b[0] = 0x46;
    b[2] = 0;
    b[3] = 28;
    memcpy(b + 12, syn_ip + 12, 8);
    b[20] = 1;
    b[21] = 1;
    b[22] = 1;
    b[23] = 0;
    memset(b + 24, 0xaa, 4);
    fix_cksum(b, 24);
    assert_int_equal(tt__ipv4_parse(b, sizeof b, &h, &why), 24);
    assert_int_equal(h.hlen, 24);
    assert_int_equal(h.src, 0xc0000201);
    /* The checksum covers the options too. */
    b[21] = 0;
    assert_int_equal(tt__ipv4_parse(b, sizeof b, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_BAD_CHECKSUM);
}

/* Every prefix of the ping fails cleanly and reads nothing past its end. */
static void test_truncations_guard_page(void **state)
{
    struct tt_guard g;
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(tt_guard_init(&g, sizeof ping_echo), 0);
    for (size_t len = 0; len < sizeof ping_echo; len++) {
        const uint8_t *p = tt_guard_place(&g, ping_echo, len);
        why = TT_DROP_COUNT;
        assert_int_equal(tt__ipv4_parse(p, len, &h, &why), TT_EINVAL);
        assert_int_equal(why, TT_DROP_IP_TRUNCATED); /* < 20, or total 84 > len */
        /* The quoted parser needs only the header. */
        assert_int_equal(tt__ipv4_parse_quoted(p, len, &h), len < 20 ? TT_EINVAL : 20);
    }
    assert_int_equal(tt__ipv4_parse(tt_guard_place(&g, ping_echo, 84), 84, &h, &why), 20);
    tt_guard_release(&g);
}

static int parse_why(const uint8_t *b, size_t len, enum tt_drop_reason *why)
{
    struct tt_ipv4_hdr h;

    *why = TT_DROP_COUNT;
    return tt__ipv4_parse(b, len, &h, why);
}

static void test_bad_fields(void **state)
{
    uint8_t b[84], big[100];
    enum tt_drop_reason why;
    struct tt_ipv4_hdr h;

    (void)state;
    /* Version 6: RFC 1122 §3.2.1.1. */
    memcpy(b, ping_echo, 84);
    b[0] = 0x65;
    fix_cksum(b, 20);
    assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_BAD_VERSION);
    assert_int_equal(tt__ipv4_parse_quoted(b, 84, &h), TT_EINVAL);
    /* IHL 4 and 0. */
    for (int ihl = 0; ihl < 5; ihl++) {
        memcpy(b, ping_echo, 84);
        b[0] = (uint8_t)(0x40 | ihl);
        assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
        assert_int_equal(why, TT_DROP_IP_BAD_HLEN);
        assert_int_equal(tt__ipv4_parse_quoted(b, 84, &h), TT_EINVAL);
    }
    /* IHL 15 (60 bytes) past a 40-byte buffer. */
    memcpy(b, ping_echo, 84);
    b[0] = 0x4f;
    assert_int_equal(parse_why(b, 40, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_BAD_HLEN);
    assert_int_equal(tt__ipv4_parse_quoted(b, 40, &h), TT_EINVAL);
    /* Total length below the header length. */
    memcpy(b, ping_echo, 84);
    b[2] = 0;
    b[3] = 19;
    fix_cksum(b, 20);
    assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_BAD_LENGTH);
    b[0] = 0x46; /* IHL 24 > total 20 */
    b[3] = 20;
    fix_cksum(b, 24);
    assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_BAD_LENGTH);
    /* Total length past the buffer (65535). */
    memcpy(b, ping_echo, 84);
    b[2] = 0xff;
    b[3] = 0xff;
    fix_cksum(b, 20);
    assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_TRUNCATED);
    /* ... which the quoted parser accepts: quotes are truncated. */
    assert_int_equal(tt__ipv4_parse_quoted(b, 28, &h), 20);
    assert_int_equal(h.total_len, 0xffff);
    /* Link padding after total_len is allowed. */
    memset(big, 0, sizeof big);
    memcpy(big, ping_echo, 84);
    assert_int_equal(parse_why(big, sizeof big, &why), 20);
    /* Bad checksum; the quoted parser does not check it. */
    memcpy(b, ping_echo, 84);
    b[11] ^= 1;
    assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP_BAD_CHECKSUM);
    assert_int_equal(tt__ipv4_parse_quoted(b, 84, &h), 20);
    /* A NULL why is allowed. */
    assert_int_equal(tt__ipv4_parse(b, 84, &h, NULL), TT_EINVAL);
}

/* RFC 1122 §3.2.1.2: any single flipped bit of the header is refused. */
static void test_every_bit_flip(void **state)
{
    uint8_t b[84];
    enum tt_drop_reason why;

    (void)state;
    for (int bit = 0; bit < 160; bit++) {
        memcpy(b, ping_echo, 84);
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(parse_why(b, 84, &why), TT_EINVAL);
        assert_true(why == TT_DROP_IP_BAD_CHECKSUM || why == TT_DROP_IP_BAD_VERSION ||
                    why == TT_DROP_IP_BAD_HLEN || why == TT_DROP_IP_BAD_LENGTH ||
                    why == TT_DROP_IP_TRUNCATED);
    }
}

static void test_roundtrip_random(void **state)
{
    struct tt_ipv4_hdr h, back;
    uint8_t out[20];
    enum tt_drop_reason why;
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 791);
    for (int i = 0; i < 20000; i++) {
        uint64_t x = tt_rng_next(&r);
        memset(&h, 0, sizeof h);
        h.tos = (uint8_t)x;
        h.total_len = 20; /* the parse checks it against the 20 bytes we have */
        h.id = (uint16_t)(x >> 8);
        h.df = (x >> 24) & 1;
        h.mf = (x >> 25) & 1;
        h.frag_off = (uint16_t)(((x >> 26) & 0x1fff) * 8);
        h.ttl = (uint8_t)(x >> 40);
        h.proto = (uint8_t)(x >> 48);
        h.src = (uint32_t)tt_rng_next(&r);
        h.dst = (uint32_t)tt_rng_next(&r);
        assert_int_equal(tt__ipv4_emit(&h, out, sizeof out), 20);
        memset(&back, 0, sizeof back);
        assert_int_equal(tt__ipv4_parse(out, sizeof out, &back, &why), 20);
        h.hlen = 20;
        h.cksum = back.cksum;
        assert_memory_equal(&h, &back, sizeof h); /* both zeroed first: padding equal */
    }
}

static void test_garbage(void **state)
{
    uint8_t buf[80];
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;
    struct tt_rng r;
    int ok = 0;

    (void)state;
    tt_rng_seed(&r, 1122);
    for (int i = 0; i < 50000; i++) {
        size_t len = tt_rng_below(&r, sizeof buf + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)tt_rng_next(&r);
        if (len >= 20 && (i & 1)) { /* make half plausible: v4, IHL 5..15, fixed sum */
            buf[0] = (uint8_t)(0x45 + tt_rng_below(&r, 11));
            buf[2] = 0;
            buf[3] = (uint8_t)tt_rng_below(&r, len + 1);
            if ((size_t)(buf[0] & 15) * 4 <= len)
                fix_cksum(buf, (size_t)(buf[0] & 15) * 4);
        }
        int rc = tt__ipv4_parse(buf, len, &h, &why);
        if (rc >= 0) {
            ok++;
            assert_true(rc >= 20 && rc <= 60 && (size_t)rc <= len);
            assert_true(h.total_len >= rc && h.total_len <= len);
            assert_int_equal(tt__cksum(buf, (size_t)rc), 0);
        } else {
            assert_int_equal(rc, TT_EINVAL);
            assert_true(why >= TT_DROP_IP_TRUNCATED && why <= TT_DROP_IP_BAD_CHECKSUM);
        }
        rc = tt__ipv4_parse_quoted(buf, len, &h);
        assert_true(rc == TT_EINVAL || (rc >= 20 && (size_t)rc <= len));
    }
    assert_true(ok > 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_golden),
        cmocka_unit_test(test_emit_golden),
        cmocka_unit_test(test_fragment_fields),
        cmocka_unit_test(test_options_skipped),
        cmocka_unit_test(test_truncations_guard_page),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_every_bit_flip),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
