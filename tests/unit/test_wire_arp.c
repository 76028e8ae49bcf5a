/* SPDX-License-Identifier: BSD-2-Clause */
/* ARP (RFC 826) for Ethernet/IPv4: golden packets, emit, lengths, garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tether/errors.h>
#include <tether/rng.h>

#include "guard_page.h"
#include "wire/arp.h"
#include "wire/eth.h"

/* 192.0.2.1 (02:00:00:00:00:01) asks who has 192.0.2.2; as a TAP device
 * delivers it (42 bytes, no padding). */
static const uint8_t arp_request[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
};
/* 192.0.2.2 is at 02:00:00:00:00:02, unicast back. */
static const uint8_t arp_reply[42] = {
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
    0xc0, 0x00, 0x02, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0xc0, 0x00, 0x02, 0x01,
};

static const uint8_t mac1[6] = {0x02, 0, 0, 0, 0, 0x01};
static const uint8_t mac2[6] = {0x02, 0, 0, 0, 0, 0x02};
static const uint8_t zero6[6] = {0};

static void test_parse_request(void **state)
{
    struct tt_eth_hdr e;
    struct tt_arp_pkt p;

    (void)state;
    assert_int_equal(tt__eth_parse(arp_request, sizeof arp_request, &e), 14);
    assert_int_equal(e.type, TT_ETHERTYPE_ARP);
    assert_int_equal(tt__arp_parse(arp_request + 14, 28, &p), 28);
    assert_int_equal(p.htype, TT_ARP_HTYPE_ETHER);
    assert_int_equal(p.ptype, 0x0800);
    assert_int_equal(p.hlen, 6);
    assert_int_equal(p.plen, 4);
    assert_int_equal(p.op, TT_ARP_OP_REQUEST);
    assert_memory_equal(p.sha, mac1, 6);
    assert_int_equal(p.spa, 0xc0000201);
    assert_memory_equal(p.tha, zero6, 6);
    assert_int_equal(p.tpa, 0xc0000202);
}

static void test_parse_reply_padded(void **state)
{
    uint8_t frame[60];
    struct tt_arp_pkt p;

    (void)state;
    /* On the wire Ethernet pads to 60 bytes: the padding is ignored. */
    memset(frame, 0, sizeof frame);
    memcpy(frame, arp_reply, sizeof arp_reply);
    assert_int_equal(tt__arp_parse(frame + 14, sizeof frame - 14, &p), 28);
    assert_int_equal(p.op, TT_ARP_OP_REPLY);
    assert_memory_equal(p.sha, mac2, 6);
    assert_int_equal(p.spa, 0xc0000202);
    assert_memory_equal(p.tha, mac1, 6);
    assert_int_equal(p.tpa, 0xc0000201);
}

static void test_emit_golden(void **state)
{
    struct tt_arp_pkt p;
    uint8_t out[28];

    (void)state;
    memset(&p, 0, sizeof p);
    p.op = TT_ARP_OP_REPLY;
    memcpy(p.sha, mac2, 6);
    p.spa = 0xc0000202;
    memcpy(p.tha, mac1, 6);
    p.tpa = 0xc0000201;
    /* htype/ptype/hlen/plen are forced whatever the struct says. */
    p.htype = 6;
    p.ptype = 0x86dd;
    p.hlen = 9;
    p.plen = 16;
    assert_int_equal(tt__arp_emit(&p, out, sizeof out), 28);
    assert_memory_equal(out, arp_reply + 14, 28);
    assert_int_equal(tt__arp_emit(&p, out, 27), TT_EINVAL);
    /* And the request. */
    memset(&p, 0, sizeof p);
    p.op = TT_ARP_OP_REQUEST;
    memcpy(p.sha, mac1, 6);
    p.spa = 0xc0000201;
    p.tpa = 0xc0000202;
    assert_int_equal(tt__arp_emit(&p, out, sizeof out), 28);
    assert_memory_equal(out, arp_request + 14, 28);
}

/* Every prefix shorter than 28 is truncated: TT_EINVAL, never a read past. */
static void test_truncations_guard_page(void **state)
{
    struct tt_guard g;
    struct tt_arp_pkt p;

    (void)state;
    assert_int_equal(tt_guard_init(&g, 28), 0);
    for (size_t len = 0; len <= 28; len++) {
        const uint8_t *b = tt_guard_place(&g, arp_request + 14, len);
        assert_int_equal(tt__arp_parse(b, len, &p), len < 28 ? TT_EINVAL : 28);
    }
    tt_guard_release(&g);
}

static void test_lengths_and_types(void **state)
{
    uint8_t b[600];
    struct tt_arp_pkt p;
    struct tt_guard g;

    (void)state;
    memset(b, 0, sizeof b);
    memcpy(b, arp_request + 14, 28);
    /* hlen/plen of 255 announce 8 + 1020 bytes: truncated, not unsupported. */
    b[4] = 255;
    b[5] = 255;
    assert_int_equal(tt__arp_parse(b, 28, &p), TT_EINVAL);
    assert_int_equal(tt__arp_parse(b, sizeof b, &p), TT_EINVAL);
    assert_int_equal(tt_guard_init(&g, 600), 0);
    assert_int_equal(tt__arp_parse(tt_guard_place(&g, b, 28), 28, &p), TT_EINVAL);
    tt_guard_release(&g);
    /* Present but other types: unsupported. */
    memcpy(b, arp_request + 14, 28);
    b[1] = 6; /* IEEE 802 */
    assert_int_equal(tt__arp_parse(b, 28, &p), TT_EOPNOTSUPP);
    memcpy(b, arp_request + 14, 28);
    b[2] = 0x86; /* IPv6 protocol type, plen 16: 8 + 12 + 32 = 52 bytes */
    b[3] = 0xdd;
    b[5] = 16;
    assert_int_equal(tt__arp_parse(b, 28, &p), TT_EINVAL);
    assert_int_equal(tt__arp_parse(b, 52, &p), TT_EOPNOTSUPP);
    memcpy(b, arp_request + 14, 28);
    b[4] = 8; /* hlen 8 with 32 bytes present */
    assert_int_equal(tt__arp_parse(b, 32, &p), TT_EOPNOTSUPP);
    memcpy(b, arp_request + 14, 28);
    b[4] = 0; /* hlen 0 plen 0: 8 bytes are all it needs, but not ours */
    b[5] = 0;
    assert_int_equal(tt__arp_parse(b, 8, &p), TT_EOPNOTSUPP);
    assert_int_equal(tt__arp_parse(b, 7, &p), TT_EINVAL);
    /* An unknown opcode is the caller's business: parsed as is. */
    memcpy(b, arp_request + 14, 28);
    b[7] = 9;
    assert_int_equal(tt__arp_parse(b, 28, &p), 28);
    assert_int_equal(p.op, 9);
}

static void test_garbage(void **state)
{
    uint8_t buf[64], out[28];
    struct tt_arp_pkt p;
    struct tt_rng r;
    int ok = 0;

    (void)state;
    tt_rng_seed(&r, 826);
    for (int i = 0; i < 20000; i++) {
        size_t len = tt_rng_below(&r, sizeof buf + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)tt_rng_next(&r);
        if (i % 2 && len >= 8) { /* half the time, plausible types */
            memcpy(buf, arp_request + 14, 6);
        }
        int rc = tt__arp_parse(buf, len, &p);
        assert_true(rc == 28 || rc == TT_EINVAL || rc == TT_EOPNOTSUPP);
        if (rc == 28) {
            ok++;
            assert_true(len >= 28);
            assert_int_equal(tt__arp_emit(&p, out, sizeof out), 28);
            assert_memory_equal(out, buf, 28);
        }
    }
    assert_true(ok > 1000); /* the plausible half got through */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_request),     cmocka_unit_test(test_parse_reply_padded),
        cmocka_unit_test(test_emit_golden),       cmocka_unit_test(test_truncations_guard_page),
        cmocka_unit_test(test_lengths_and_types), cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
