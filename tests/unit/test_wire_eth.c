/* SPDX-License-Identifier: BSD-2-Clause */
/* Ethernet II header: parse, emit, truncation, garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include <tether/errors.h>
#include <tether/rng.h>

#include "guard_page.h"
#include "wire/eth.h"

/* An ARP request broadcast by 02:00:00:00:00:01 (the Ethernet part matters). */
static const uint8_t arp_request[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
    0xc0, 0x00, 0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02,
};

static void test_parse_golden(void **state)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t src[6] = {0x02, 0, 0, 0, 0, 0x01};
    struct tt_eth_hdr h;

    (void)state;
    assert_int_equal(tt__eth_parse(arp_request, sizeof arp_request, &h), 14);
    assert_memory_equal(h.dst, bcast, 6);
    assert_memory_equal(h.src, src, 6);
    assert_int_equal(h.type, TT_ETHERTYPE_ARP);
    assert_true(tt__mac_is_broadcast(h.dst));
    assert_true(tt__mac_is_multicast(h.dst));
    assert_false(tt__mac_is_broadcast(h.src));
    assert_false(tt__mac_is_multicast(h.src));
}

static void test_emit_golden(void **state)
{
    struct tt_eth_hdr h = {
        .dst = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
        .src = {0x02, 0, 0, 0, 0, 0x01},
        .type = TT_ETHERTYPE_ARP,
    };
    uint8_t out[14];

    (void)state;
    assert_int_equal(tt__eth_emit(&h, out, sizeof out), 14);
    assert_memory_equal(out, arp_request, 14);
    assert_int_equal(tt__eth_emit(&h, out, 13), TT_EINVAL);
    h.type = TT_ETHERTYPE_IPV4;
    assert_int_equal(tt__eth_emit(&h, out, sizeof out), 14);
    assert_int_equal(out[12], 0x08);
    assert_int_equal(out[13], 0x00);
}

static void test_mac_helpers(void **state)
{
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    static const uint8_t almost[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xfe};

    (void)state;
    assert_true(tt__mac_is_multicast(mcast));
    assert_false(tt__mac_is_broadcast(mcast));
    assert_false(tt__mac_is_broadcast(almost));
    assert_true(tt__mac_is_multicast(almost));
}

/* Every prefix shorter than 14 bytes fails; read past the end would fault. */
static void test_truncations_guard_page(void **state)
{
    struct tt_guard g;
    struct tt_eth_hdr h;

    (void)state;
    assert_int_equal(tt_guard_init(&g, sizeof arp_request), 0);
    for (size_t len = 0; len <= sizeof arp_request; len++) {
        const uint8_t *p = tt_guard_place(&g, arp_request, len);
        int rc = tt__eth_parse(p, len, &h);
        assert_int_equal(rc, len < 14 ? TT_EINVAL : 14);
    }
    tt_guard_release(&g);
}

static void test_garbage(void **state)
{
    uint8_t buf[64], out[14];
    struct tt_eth_hdr h;
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 894);
    for (int i = 0; i < 5000; i++) {
        size_t len = tt_rng_below(&r, sizeof buf + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)tt_rng_next(&r);
        int rc = tt__eth_parse(buf, len, &h);
        if (len < 14) {
            assert_int_equal(rc, TT_EINVAL);
            continue;
        }
        assert_int_equal(rc, 14);
        assert_int_equal(tt__eth_emit(&h, out, sizeof out), 14);
        assert_memory_equal(out, buf, 14); /* round trip is exact */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_golden), cmocka_unit_test(test_emit_golden),
        cmocka_unit_test(test_mac_helpers),  cmocka_unit_test(test_truncations_guard_page),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
