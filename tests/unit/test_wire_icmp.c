/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMPv4 (RFC 792): echo as Linux ping sends it, errors with quotes, hostile input. */
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
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* Linux ping (iputils) 192.0.2.1 -> 192.0.2.2, id 0x1c2d, seq 1: the 56-byte
 * payload is a 16-byte struct timeval then the bytes 0x10..0x37. */
static const uint8_t ping_echo[84] = {
    0x45, 0x00, 0x00, 0x54, 0xab, 0xcd, 0x40, 0x00, 0x40, 0x01, 0x0a, 0xd8, 0xc0, 0x00,
    0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x08, 0x00, 0x86, 0xc6, 0x1c, 0x2d, 0x00, 0x01,
    0x00, 0xf1, 0x53, 0x65, 0x00, 0x00, 0x00, 0x00, 0x40, 0xe2, 0x01, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b,
    0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29,
    0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37,
};
#define ECHO (ping_echo + 20)
#define ECHO_LEN 64

/* The IP header and first 8 TCP bytes of a SYN, as a router quotes them. */
static const uint8_t syn_quote[28] = {
    0x45, 0x00, 0x00, 0x3c, 0x30, 0x39, 0x40, 0x00, 0x40, 0x06, 0x86, 0x7f, 0xc0, 0x00,
    0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x9c, 0x40, 0x1f, 0x90, 0x1a, 0x2b, 0x3c, 0x4d,
};

static void test_parse_echo(void **state)
{
    struct tt_icmp_hdr h;
    enum tt_drop_reason why = TT_DROP_COUNT;

    (void)state;
    assert_int_equal(tt__icmp_parse(ECHO, ECHO_LEN, &h, &why), 8);
    assert_int_equal(why, TT_DROP_COUNT);
    assert_int_equal(h.type, TT_ICMP_ECHO);
    assert_int_equal(h.code, 0);
    assert_int_equal(h.cksum, 0x86c6);
    assert_int_equal(tt__icmp_echo_id(&h), 0x1c2d);
    assert_int_equal(tt__icmp_echo_seq(&h), 1);
    assert_ptr_equal(h.payload, ECHO + 8);
    assert_int_equal(h.payload_len, 56);
}

static void test_emit_echo_golden(void **state)
{
    struct tt_icmp_hdr h;
    uint8_t out[64];

    (void)state;
    memset(&h, 0, sizeof h);
    h.type = TT_ICMP_ECHO;
    h.rest = 0x1c2d0001;
    h.cksum = 0xbeef; /* ignored */
    h.payload = ECHO + 8;
    h.payload_len = 56;
    assert_int_equal(tt__icmp_emit(&h, out, sizeof out), 64);
    assert_memory_equal(out, ECHO, 64);
    assert_int_equal(tt__icmp_emit(&h, out, 63), TT_EINVAL);
    h.payload = NULL; /* a length with no bytes */
    assert_int_equal(tt__icmp_emit(&h, out, sizeof out), TT_EINVAL);
}

/* An echo reply built in place over the request, as a responder would: the
 * checksum equals the RFC 1624 update of the request's for type 8 -> 0. */
static void test_echo_reply_in_place(void **state)
{
    uint8_t b[64];
    struct tt_icmp_hdr h, back;
    enum tt_drop_reason why;

    (void)state;
    memcpy(b, ECHO, 64);
    assert_int_equal(tt__icmp_parse(b, 64, &h, &why), 8);
    h.type = TT_ICMP_ECHO_REPLY;
    assert_int_equal(tt__icmp_emit(&h, b, sizeof b), 64);
    assert_int_equal(tt__icmp_parse(b, 64, &back, &why), 8);
    assert_int_equal(back.type, 0);
    assert_int_equal(back.cksum, tt__cksum_update16(0x86c6, 0x0800, 0x0000));
    assert_int_equal(back.cksum, 0x8ec6);
    assert_memory_equal(b + 8, ECHO + 8, 56);
}

/* Destination unreachable, fragmentation needed (RFC 1191 §4): MTU in the
 * low 16 bits of the second word, the quote parsed with parse_quoted. */
static void test_frag_needed_quote(void **state)
{
    struct tt_icmp_hdr h, back;
    struct tt_ipv4_hdr ip;
    uint8_t out[36];
    enum tt_drop_reason why;

    (void)state;
    memset(&h, 0, sizeof h);
    h.type = TT_ICMP_DEST_UNREACH;
    h.code = TT_ICMP_FRAG_NEEDED;
    h.rest = 1400;
    h.payload = syn_quote;
    h.payload_len = sizeof syn_quote;
    assert_int_equal(tt__icmp_emit(&h, out, sizeof out), 36);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 4);
    assert_int_equal(out[6], 0x05);
    assert_int_equal(out[7], 0x78);
    assert_int_equal(tt__icmp_parse(out, 36, &back, &why), 8);
    assert_int_equal(tt__icmp_mtu(&back), 1400);
    assert_int_equal(back.payload_len, 28);
    /* The quote claims 60 bytes but holds 28: only parse_quoted takes it. */
    assert_int_equal(tt__ipv4_parse(back.payload, back.payload_len, &ip, &why), TT_EINVAL);
    assert_int_equal(tt__ipv4_parse_quoted(back.payload, back.payload_len, &ip), 20);
    assert_int_equal(ip.proto, TT_IPPROTO_TCP);
    assert_int_equal(ip.src, 0xc0000201);
    assert_int_equal(back.payload[20], 0x9c); /* source port 40000 */
}

/* Odd payload lengths (ping -s 57) and an empty payload. */
static void test_odd_and_empty(void **state)
{
    uint8_t pay[57], out[80];
    struct tt_icmp_hdr h, back;
    enum tt_drop_reason why;

    (void)state;
    for (int i = 0; i < 57; i++)
        pay[i] = (uint8_t)(0xa0 + i);
    memset(&h, 0, sizeof h);
    h.type = TT_ICMP_ECHO;
    h.rest = 0xffff0000;
    h.payload = pay;
    h.payload_len = 57;
    assert_int_equal(tt__icmp_emit(&h, out, sizeof out), 65);
    assert_int_equal(tt__icmp_parse(out, 65, &back, &why), 8);
    assert_int_equal(back.payload_len, 57);
    assert_memory_equal(back.payload, pay, 57);
    h.payload = NULL;
    h.payload_len = 0;
    assert_int_equal(tt__icmp_emit(&h, out, 8), 8);
    assert_int_equal(tt__icmp_parse(out, 8, &back, &why), 8);
    assert_int_equal(back.payload_len, 0);
}

/* Every prefix of the echo: below 8 truncated, otherwise the checksum (over
 * the whole message) no longer matches. Guard page behind each. */
static void test_truncations_guard_page(void **state)
{
    struct tt_guard g;
    struct tt_icmp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(tt_guard_init(&g, ECHO_LEN), 0);
    for (size_t len = 0; len < ECHO_LEN; len++) {
        const uint8_t *p = tt_guard_place(&g, ECHO, len);
        assert_int_equal(tt__icmp_parse(p, len, &h, &why), TT_EINVAL);
        assert_int_equal(why, len < 8 ? TT_DROP_ICMP_TRUNCATED : TT_DROP_ICMP_BAD_CHECKSUM);
    }
    assert_int_equal(tt__icmp_parse(tt_guard_place(&g, ECHO, ECHO_LEN), ECHO_LEN, &h, &why), 8);
    tt_guard_release(&g);
}

static void test_every_bit_flip(void **state)
{
    uint8_t b[64];
    struct tt_icmp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    for (int bit = 0; bit < 64 * 8; bit++) {
        memcpy(b, ECHO, 64);
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(tt__icmp_parse(b, 64, &h, &why), TT_EINVAL);
        assert_int_equal(why, TT_DROP_ICMP_BAD_CHECKSUM);
    }
    /* And a NULL why is fine. */
    assert_int_equal(tt__icmp_parse(b, 64, &h, NULL), TT_EINVAL);
}

static void test_garbage(void **state)
{
    uint8_t buf[100], out[100];
    struct tt_icmp_hdr h, back;
    enum tt_drop_reason why;
    struct tt_rng r;
    int ok = 0;

    (void)state;
    tt_rng_seed(&r, 792);
    for (int i = 0; i < 20000; i++) {
        size_t len = tt_rng_below(&r, sizeof buf + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)tt_rng_next(&r);
        if (len >= 8 && (i & 1)) { /* half with a right checksum */
            buf[2] = buf[3] = 0;
            uint16_t c = tt__cksum(buf, len);
            buf[2] = (uint8_t)(c >> 8);
            buf[3] = (uint8_t)c;
        }
        int rc = tt__icmp_parse(buf, len, &h, &why);
        if (rc < 0) {
            assert_int_equal(rc, TT_EINVAL);
            continue;
        }
        ok++;
        assert_int_equal(h.payload_len, len - 8);
        assert_int_equal(tt__icmp_emit(&h, out, sizeof out), (int)len);
        assert_int_equal(tt__icmp_parse(out, len, &back, &why), 8);
        /* 0x0000 and 0xffff are the same sum: compare the rest exactly. */
        assert_memory_equal(out + 4, buf + 4, len - 4);
        assert_int_equal(back.type, h.type);
    }
    assert_true(ok > 5000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_echo),          cmocka_unit_test(test_emit_echo_golden),
        cmocka_unit_test(test_echo_reply_in_place), cmocka_unit_test(test_frag_needed_quote),
        cmocka_unit_test(test_odd_and_empty),       cmocka_unit_test(test_truncations_guard_page),
        cmocka_unit_test(test_every_bit_flip),      cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
