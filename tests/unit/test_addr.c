/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * struct tt_addr (include/tether/addr.h): constructors, comparison, and the
 * text forms (RFC 4291 §2.2 input, RFC 5952 §4 canonical output, "[v6]:port").
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <tether/addr.h>
#include <tether/errors.h>

static void test_constructors(void **st)
{
    (void)st;
    struct tt_addr a = TT_IPV4(192, 0, 2, 1);
    assert_int_equal(a.family, TT_AF_INET);
    assert_int_equal(a.v4, 0xc0000201u);
    assert_int_equal(sizeof(struct tt_addr), 20);
    struct tt_addr any = TT_ADDR_ANY;
    assert_true(tt_addr_is_any(any));
    assert_true(tt_addr_is_any(TT_IPV4(0, 0, 0, 0)));
    assert_false(tt_addr_is_any(a));
    const uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
    struct tt_addr v6 = tt_addr_v6(b);
    assert_int_equal(v6.family, TT_AF_INET6);
    assert_memory_equal(v6.v6, b, 16);
    assert_false(tt_addr_is_any(v6));
    const uint8_t z[16] = {0};
    assert_true(tt_addr_is_any(tt_addr_v6(z)));
}

static void test_compare(void **st)
{
    (void)st;
    assert_true(tt_addr_eq(TT_IPV4(192, 0, 2, 1), TT_IPV4(192, 0, 2, 1)));
    assert_false(tt_addr_eq(TT_IPV4(192, 0, 2, 1), TT_IPV4(192, 0, 2, 2)));
    assert_true(tt_addr_cmp(TT_IPV4(192, 0, 2, 1), TT_IPV4(192, 0, 2, 2)) < 0);
    assert_true(tt_addr_cmp(TT_IPV4(10, 0, 0, 1), TT_IPV4(9, 255, 255, 255)) > 0);
    /* families order before addresses; v4 0.0.0.0 is not the unspecified value */
    assert_false(tt_addr_eq(TT_IPV4(0, 0, 0, 0), TT_ADDR_ANY));
    const uint8_t b1[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1},
                  b2[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
    assert_true(tt_addr_cmp(tt_addr_v6(b1), tt_addr_v6(b2)) < 0);
    assert_true(tt_addr_cmp(TT_IPV4(255, 255, 255, 255), tt_addr_v6(b1)) < 0);
    assert_true(tt_addr_eq(tt_addr_v6(b2), tt_addr_v6(b2)));
}

/* Parse s, format it back, expect `canon`. */
static void roundtrip(const char *s, const char *canon)
{
    struct tt_addr a;
    char buf[TT_ADDR_STRLEN];
    assert_int_equal(tt_addr_parse(s, &a), 0);
    size_t n = tt_addr_format(a, buf, sizeof buf);
    assert_string_equal(buf, canon);
    assert_int_equal(n, strlen(canon));
}

static void test_parse_format(void **st)
{
    (void)st;
    roundtrip("192.0.2.1", "192.0.2.1");
    roundtrip("0.0.0.0", "0.0.0.0");
    roundtrip("255.255.255.255", "255.255.255.255");
    roundtrip("2001:db8::1", "2001:db8::1");
    roundtrip("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1");
    roundtrip("::", "::");
    roundtrip("::1", "::1");
    roundtrip("fe80::", "fe80::");
    /* RFC 5952 §4.2.2: one zero group stays "0"; §4.2.3: the longest run,
     * the first of equal runs */
    roundtrip("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
    roundtrip("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
    roundtrip("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
    roundtrip("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8");
    roundtrip("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0");
    roundtrip("::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8");
    /* §5: v4-mapped in dotted form; an embedded quad on input */
    roundtrip("::ffff:192.0.2.1", "::ffff:192.0.2.1");
    roundtrip("::FFFF:c000:0201", "::ffff:192.0.2.1");
    roundtrip("64:ff9b::192.0.2.33", "64:ff9b::c000:221");
    struct tt_addr a;
    tt_addr_parse("2001:db8::2", &a);
    const uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
    assert_int_equal(a.family, TT_AF_INET6);
    assert_memory_equal(a.v6, want, 16);
    assert_string_equal((tt_addr_format(TT_ADDR_ANY, (char[4]){0}, 4), "*"), "*");
    char small[6];
    assert_int_equal(tt_addr_format(TT_IPV4(192, 0, 2, 1), small, sizeof small), 9);
    assert_string_equal(small, "192.0");
}

static void test_parse_rejects(void **st)
{
    (void)st;
    static const char *bad[] = {
        "",
        "1",
        "1.2.3",
        "1.2.3.4.5",
        "256.0.0.1",
        "01.2.3.4",
        "1.2.3.4 ",
        " 1.2.3.4",
        "1..2.3",
        "1.2.3.-4",
        ":",
        ":::",
        "1:2",
        "1:2:3:4:5:6:7:8:9",
        "1::2::3",
        "12345::",
        "g::",
        ":1::",
        "1::2:",
        "1:2:3:4:5:6:7:8::",
        "::1.2.3",
        "::1.2.3.4.5",
        "1:2:3:4:5:6:7:1.2.3.4",
        "::1.2.3.4:5",
        "[::1]",
        "2001:db8::1%eth0",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct tt_addr a = TT_IPV4(9, 9, 9, 9);
        assert_int_equal(tt_addr_parse(bad[i], &a), TT_EINVAL);
        assert_true(tt_addr_eq(a, TT_IPV4(9, 9, 9, 9))); /* untouched */
    }
    struct tt_addr a;
    assert_int_equal(tt_addr_parse(NULL, &a), TT_EINVAL);
}

static void test_addr_port(void **st)
{
    (void)st;
    struct tt_addr a;
    uint16_t p;
    char buf[TT_ADDRPORT_STRLEN];
    assert_int_equal(tt_addr_parse_port("192.0.2.1:80", &a, &p), 0);
    assert_true(tt_addr_eq(a, TT_IPV4(192, 0, 2, 1)));
    assert_int_equal(p, 80);
    tt_addr_format_port(a, p, buf, sizeof buf);
    assert_string_equal(buf, "192.0.2.1:80");
    assert_int_equal(tt_addr_parse_port("[2001:db8::1]:65535", &a, &p), 0);
    assert_int_equal(a.family, TT_AF_INET6);
    assert_int_equal(p, 65535);
    size_t n = tt_addr_format_port(a, p, buf, sizeof buf);
    assert_string_equal(buf, "[2001:db8::1]:65535");
    assert_int_equal(n, strlen(buf));
    /* the longest form fits TT_ADDRPORT_STRLEN */
    assert_int_equal(tt_addr_parse("1111:2222:3333:4444:5555:6666:7777:8888", &a), 0);
    n = tt_addr_format_port(a, 65535, buf, sizeof buf);
    assert_true(n < TT_ADDRPORT_STRLEN);
    static const char *bad[] = {
        "192.0.2.1",      "192.0.2.1:",    "192.0.2.1:65536", "192.0.2.1:8a",
        "2001:db8::1:80", "[2001:db8::1]", "[2001:db8::1]80", "[192.0.2.1]:80",
        "[2001:db8::1]:", ":80",           "192.0.2.1:123456"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(tt_addr_parse_port(bad[i], &a, &p), TT_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constructors), cmocka_unit_test(test_compare),
        cmocka_unit_test(test_parse_format), cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_addr_port),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
