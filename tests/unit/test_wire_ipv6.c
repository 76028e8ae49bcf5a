/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 wire code (RFC 8200, 4443, 4861): the fixed header, the extension
 * header walk, the fragment header, ICMPv6 with its pseudo-header checksum
 * and the NDP messages. Golden packets were built by an independent Python
 * script (struct + a plain RFC 1071 sum), not by this code.
 */
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
#include "wire/icmp6.h"
#include "wire/ipv6.h"

/* Echo request 2001:db8::1 -> 2001:db8::2, id 0x1234, seq 1, data 0..31. */
static const uint8_t echo6[80] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x28, 0x3a, 0x40, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x80, 0x00, 0x20, 0xf2, 0x12, 0x34, 0x00, 0x01,
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
};

/* golden */
static const uint8_t ns6[72] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x02, 0x87, 0x00, 0x4b, 0x5f, 0x00,
    0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
};

/* golden */
static const uint8_t ra6[104] = {
    0x60, 0x00, 0x00, 0x00, 0x00, 0x40, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0x00, 0x2b, 0xd9, 0x40,
    0x00, 0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x02, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xdc, 0x03, 0x04, 0x40,
    0xc0, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01,
    0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static const uint8_t A1[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t A2[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

static void test_parse_header(void **state)
{
    struct tt_ipv6_hdr h;
    enum tt_drop_reason why = TT_DROP_COUNT;
    uint8_t out[40];

    (void)state;
    assert_int_equal(tt__ipv6_parse(echo6, sizeof echo6, &h, &why), 40);
    assert_int_equal(h.payload_len, 40);
    assert_int_equal(h.next, TT_IPPROTO_ICMPV6);
    assert_int_equal(h.hop_limit, 64);
    assert_int_equal(h.tclass, 0);
    assert_int_equal(h.flow, 0);
    assert_memory_equal(h.src, A1, 16);
    assert_memory_equal(h.dst, A2, 16);
    assert_int_equal(tt__ipv6_emit(&h, out, sizeof out), 40);
    assert_memory_equal(out, echo6, 40);
    /* Traffic class and flow label round-trip through the first word. */
    h.tclass = 0xb9;
    h.flow = 0xabcde;
    assert_int_equal(tt__ipv6_emit(&h, out, sizeof out), 40);
    assert_int_equal(out[0], 0x6b);
    assert_int_equal(out[1], 0x9a);
    struct tt_ipv6_hdr back;
    assert_int_equal(tt__ipv6_parse_quoted(out, 40, &back), 40);
    assert_int_equal(back.tclass, 0xb9);
    assert_int_equal(back.flow, 0xabcde);
    assert_int_equal(tt__ipv6_emit(&h, out, 39), TT_EINVAL);
}

static void test_parse_rejects(void **state)
{
    uint8_t b[80];
    struct tt_ipv6_hdr h;
    enum tt_drop_reason why;

    (void)state;
    memcpy(b, echo6, sizeof b);
    b[0] = 0x40;
    assert_int_equal(tt__ipv6_parse(b, sizeof b, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_BAD_VERSION);
    memcpy(b, echo6, sizeof b);
    b[5] = 41; /* one byte more than there is */
    assert_int_equal(tt__ipv6_parse(b, sizeof b, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_TRUNCATED);
    b[4] = b[5] = 0; /* jumbogram */
    assert_int_equal(tt__ipv6_parse(b, sizeof b, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_BAD_LENGTH);
    /* Link padding after the payload is fine. */
    uint8_t pad[100] = {0};
    memcpy(pad, echo6, sizeof echo6);
    assert_int_equal(tt__ipv6_parse(pad, sizeof pad, &h, &why), 40);
    assert_int_equal(tt__ipv6_parse(NULL, 40, &h, &why), TT_EINVAL);
}

static void test_truncations_guard_page(void **state)
{
    struct tt_guard g;
    struct tt_ipv6_hdr h;
    struct tt_ipv6_ext x;
    struct tt_icmp6_hdr m;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(tt_guard_init(&g, sizeof ra6), 0);
    for (size_t len = 0; len < sizeof echo6; len++) {
        const uint8_t *p = tt_guard_place(&g, echo6, len);
        assert_int_equal(tt__ipv6_parse(p, len, &h, &why), TT_EINVAL);
        assert_int_equal(why, TT_DROP_IP6_TRUNCATED);
        assert_int_equal(tt__ipv6_parse_quoted(p, len, &h), len < 40 ? TT_EINVAL : 40);
        if (len >= 40)
            assert_int_equal(tt__ipv6_ext_walk(p, len, 40, TT_IPPROTO_ICMPV6, &x, &why), 40);
    }
    for (size_t len = 0; len < sizeof ra6 - 40; len++) {
        const uint8_t *p = tt_guard_place(&g, ra6 + 40, len);
        struct tt_ndp_msg n;
        assert_int_equal(tt__icmp6_parse(p, len, ra6 + 8, ra6 + 24, &m, &why), TT_EINVAL);
        /* Below the fixed part an RA is invalid; past it, a cut at an
         * option boundary is a shorter valid RA, and any other cut is not. */
        int cut_ok = len >= 16 && (len == 16 || len == 24 || len == 32);
        assert_int_equal(tt__ndp_parse(p, len, 0, &n, &why), cut_ok ? 0 : TT_EINVAL);
    }
    tt_guard_release(&g);
}

/* A packet with the given chain: bytes after the fixed header. */
static size_t with_chain(uint8_t *b, uint8_t first, const uint8_t *chain, size_t n)
{
    struct tt_ipv6_hdr h;
    memset(&h, 0, sizeof h);
    h.payload_len = (uint16_t)n;
    h.next = first;
    h.hop_limit = 64;
    memcpy(h.src, A1, 16);
    memcpy(h.dst, A2, 16);
    tt__ipv6_emit(&h, b, 40);
    memcpy(b + 40, chain, n);
    return 40 + n;
}

static void test_ext_walk(void **state)
{
    uint8_t b[200];
    struct tt_ipv6_ext x;
    enum tt_drop_reason why;

    (void)state;
    /* Hop-by-hop (PadN 4, Router Alert), destination options (Pad1 x6),
     * routing with segments left 0, then TCP. */
    static const uint8_t chain[] = {
        60, 0, 1, 0, 5, 2, 0, 0, /* HBH: next 60, len 8; PadN(0); RA */
        43, 0, 0, 0, 0, 0, 0, 0, /* DST: next 43, six Pad1 */
        6,  0, 4, 0, 0, 0, 0, 0, /* RH: next 6, type 4, segments left 0 */
        1,  2, 3, 4,             /* "TCP" */
    };
    size_t n = with_chain(b, TT_IPPROTO_HOPOPTS, chain, sizeof chain);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_HOPOPTS, &x, &why), 64);
    assert_int_equal(x.proto, 6);
    assert_int_equal(x.nhdrs, 3);
    assert_int_equal(x.nh_off, 56);

    /* Hop-by-hop after another header: parameter problem, code 1, pointing
     * at the Next Header field that named it (RFC 8200 §4.1). */
    static const uint8_t late_hbh[] = {0, 0, 1, 4, 0, 0, 0, 0, 6, 0, 1, 4, 0, 0, 0, 0};
    n = with_chain(b, TT_IPPROTO_DSTOPTS, late_hbh, sizeof late_hbh);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_BAD_EXT);
    assert_int_equal(x.err_icmp, 1);
    assert_int_equal(x.err_code, 1);
    assert_int_equal(x.err_ptr, 40);

    /* Routing type 0 with segments left: refused, pointer at the type. */
    static const uint8_t rh0[] = {6, 2, 0, 1, 0, 0, 0, 0, 0x20, 1, 0x0d, 0xb8,
                                  0, 0, 0, 0, 0, 0, 0, 0, 0,    0, 0,    9};
    n = with_chain(b, TT_IPPROTO_ROUTING, rh0, sizeof rh0);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_ROUTING, &x, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_ROUTING_REFUSED);
    assert_int_equal(x.err_icmp, 1);
    assert_int_equal(x.err_code, 0);
    assert_int_equal(x.err_ptr, 42);

    /* Unknown options by their action bits (RFC 8200 §4.2). */
    static const uint8_t opt[4][8] = {
        {6, 0, 0x1e, 4, 0, 0, 0, 0}, /* 00: skipped */
        {6, 0, 0x5e, 4, 0, 0, 0, 0}, /* 01: discard */
        {6, 0, 0x9e, 4, 0, 0, 0, 0}, /* 10: discard, ICMP */
        {6, 0, 0xde, 4, 0, 0, 0, 0}, /* 11: discard, ICMP unless multicast */
    };
    n = with_chain(b, TT_IPPROTO_DSTOPTS, opt[0], 8);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why), 48);
    for (int i = 1; i < 4; i++) {
        n = with_chain(b, TT_IPPROTO_DSTOPTS, opt[i], 8);
        assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why), TT_EINVAL);
        assert_int_equal(why, TT_DROP_IP6_BAD_OPTION);
        assert_int_equal(x.err_icmp, i - 1);
        if (i > 1) {
            assert_int_equal(x.err_code, 2);
            assert_int_equal(x.err_ptr, 42);
        }
    }
    /* An option running past its header. */
    static const uint8_t overrun[] = {6, 0, 1, 5, 0, 0, 0, 0};
    n = with_chain(b, TT_IPPROTO_DSTOPTS, overrun, 8);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_BAD_EXT);
    /* A header longer than the packet. */
    static const uint8_t longhdr[] = {6, 1, 1, 4, 0, 0, 0, 0};
    n = with_chain(b, TT_IPPROTO_DSTOPTS, longhdr, 8);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_BAD_EXT);
}

static void test_ext_chain_bound(void **state)
{
    uint8_t chain[8 * 10], b[40 + sizeof chain];
    struct tt_ipv6_ext x;
    enum tt_drop_reason why;

    (void)state;
    for (int i = 0; i < 10; i++) {
        uint8_t *p = chain + 8 * i;
        memset(p, 0, 8);
        p[0] = i == 9 ? 6 : TT_IPPROTO_DSTOPTS;
        p[2] = 1;
        p[3] = 4;
    }
    /* TT_IPV6_EXT_MAX headers pass, one more does not. */
    size_t n =
        with_chain(b, TT_IPPROTO_DSTOPTS, chain + 8 * (10 - TT_IPV6_EXT_MAX), 8 * TT_IPV6_EXT_MAX);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why),
                     40 + 8 * TT_IPV6_EXT_MAX);
    n = with_chain(b, TT_IPPROTO_DSTOPTS, chain + 8 * (9 - TT_IPV6_EXT_MAX),
                   8 * (TT_IPV6_EXT_MAX + 1));
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_DSTOPTS, &x, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_IP6_EXT_CHAIN);
    assert_int_equal(x.err_icmp, 0);
}

static void test_fragment_header(void **state)
{
    uint8_t b[80];
    struct tt_ipv6_ext x;
    struct tt_ipv6_frag f, back;
    enum tt_drop_reason why;
    uint8_t fh[16];

    (void)state;
    f.next = TT_IPPROTO_ICMPV6;
    f.off = 1232;
    f.m = 1;
    f.id = 0xdeadbeef;
    assert_int_equal(tt__ipv6_frag_emit(&f, fh, sizeof fh), 8);
    static const uint8_t want[8] = {58, 0, 0x04, 0xd1, 0xde, 0xad, 0xbe, 0xef};
    assert_memory_equal(fh, want, 8);
    assert_int_equal(tt__ipv6_frag_parse(fh, 8, &back), 8);
    assert_int_equal(back.off, 1232);
    assert_int_equal(back.m, 1);
    assert_int_equal(back.id, 0xdeadbeef);
    assert_int_equal(tt__ipv6_frag_parse(fh, 7, &back), TT_EINVAL);
    f.off = 1233;
    assert_int_equal(tt__ipv6_frag_emit(&f, fh, sizeof fh), TT_EINVAL);
    /* The walk stops at the fragment header and reports it. */
    memset(fh + 8, 0xaa, 8);
    size_t n = with_chain(b, TT_IPPROTO_FRAGMENT, fh, 16);
    assert_int_equal(tt__ipv6_ext_walk(b, n, 40, TT_IPPROTO_FRAGMENT, &x, &why), 40);
    assert_int_equal(x.proto, TT_IPPROTO_FRAGMENT);
    assert_int_equal(x.frag_off, 40);
    assert_int_equal(x.frag.off, 1232);
    assert_int_equal(x.frag.next, 58);
}

static void test_icmp6_echo(void **state)
{
    struct tt_icmp6_hdr m;
    enum tt_drop_reason why;
    uint8_t out[40];

    (void)state;
    const uint8_t *msg = echo6 + 40;
    assert_int_equal(tt__icmp6_parse(msg, 40, A1, A2, &m, &why), 8);
    assert_int_equal(m.type, TT_ICMP6_ECHO_REQUEST);
    assert_int_equal(m.cksum, 0x20f2);
    assert_int_equal(m.rest, 0x12340001);
    assert_int_equal(m.payload_len, 32);
    /* The pseudo-header matters: swapped addresses still sum the same (the
     * sum commutes), another destination does not. */
    assert_int_equal(tt__icmp6_parse(msg, 40, A2, A1, &m, &why), 8);
    uint8_t a3[16];
    memcpy(a3, A2, 16);
    a3[15] = 3;
    assert_int_equal(tt__icmp6_parse(msg, 40, A1, a3, &m, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_ICMP6_BAD_CHECKSUM);
    /* Every bit flip in the message is caught. */
    for (int bit = 0; bit < 40 * 8; bit++) {
        uint8_t b[40];
        memcpy(b, msg, 40);
        b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(tt__icmp6_parse(b, 40, A1, A2, &m, &why), TT_EINVAL);
    }
    /* Emit reproduces the golden message. */
    assert_int_equal(tt__icmp6_parse(msg, 40, A1, A2, &m, &why), 8);
    assert_int_equal(tt__icmp6_emit(&m, A1, A2, out, sizeof out), 40);
    assert_memory_equal(out, msg, 40);
    assert_int_equal(tt__icmp6_emit(&m, A1, A2, out, 39), TT_EINVAL);
}

static void test_ndp_ns(void **state)
{
    struct tt_icmp6_hdr m;
    struct tt_ndp_msg n;
    enum tt_drop_reason why;
    uint8_t out[64];

    (void)state;
    const uint8_t *msg = ns6 + 40;
    assert_int_equal(tt__icmp6_parse(msg, 32, ns6 + 8, ns6 + 24, &m, &why), 8);
    assert_int_equal(tt__ndp_parse(msg, 32, 0, &n, &why), 0);
    assert_int_equal(n.type, TT_ICMP6_NS);
    assert_memory_equal(n.target, A2, 16);
    assert_int_equal(n.has_slla, 1);
    static const uint8_t mac[6] = {2, 0, 0, 0, 0, 1};
    assert_memory_equal(n.slla, mac, 6);
    assert_int_equal(tt__ndp_emit(&n, ns6 + 8, ns6 + 24, out, sizeof out), 32);
    assert_memory_equal(out, msg, 32);
    /* From the unspecified address (DAD), a source address option is
     * forbidden (RFC 4861 §7.1.1). */
    assert_int_equal(tt__ndp_parse(msg, 32, 1, &n, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_NDP_INVALID);
    uint8_t b[32];
    /* Non-zero code; zero-length option; multicast target. */
    memcpy(b, msg, 32);
    b[1] = 1;
    assert_int_equal(tt__ndp_parse(b, 32, 0, &n, &why), TT_EINVAL);
    memcpy(b, msg, 32);
    b[25] = 0;
    assert_int_equal(tt__ndp_parse(b, 32, 0, &n, &why), TT_EINVAL);
    memcpy(b, msg, 32);
    b[8] = 0xff;
    assert_int_equal(tt__ndp_parse(b, 32, 0, &n, &why), TT_EINVAL);
    /* An option running past the end. */
    memcpy(b, msg, 32);
    b[25] = 2;
    assert_int_equal(tt__ndp_parse(b, 32, 0, &n, &why), TT_EINVAL);
    /* Not an NDP message. */
    assert_int_equal(tt__ndp_parse(echo6 + 40, 40, 0, &n, &why), TT_EINVAL);
}

static void test_ndp_na_roundtrip(void **state)
{
    struct tt_ndp_msg n, back;
    enum tt_drop_reason why;
    uint8_t out[64];

    (void)state;
    memset(&n, 0, sizeof n);
    n.type = TT_ICMP6_NA;
    n.solicited = 1;
    n.override = 1;
    memcpy(n.target, A2, 16);
    n.has_tlla = 1;
    memcpy(n.tlla, "\x02\x00\x00\x00\x00\x02", 6);
    int len = tt__ndp_emit(&n, A2, A1, out, sizeof out);
    assert_int_equal(len, 32);
    assert_int_equal(out[4], 0x60);
    struct tt_icmp6_hdr m;
    assert_int_equal(tt__icmp6_parse(out, 32, A2, A1, &m, &why), 8);
    assert_int_equal(tt__ndp_parse(out, 32, 0, &back, &why), 0);
    assert_int_equal(back.solicited, 1);
    assert_int_equal(back.override, 1);
    assert_int_equal(back.router, 0);
    assert_int_equal(back.has_tlla, 1);
    assert_memory_equal(back.tlla, n.tlla, 6);
    assert_int_equal(tt__ndp_emit(&n, A2, A1, out, 31), TT_EINVAL);
}

static void test_ndp_ra(void **state)
{
    struct tt_icmp6_hdr m;
    struct tt_ndp_msg n;
    enum tt_drop_reason why;
    uint8_t out[64];

    (void)state;
    const uint8_t *msg = ra6 + 40;
    assert_int_equal(tt__icmp6_parse(msg, 64, ra6 + 8, ra6 + 24, &m, &why), 8);
    assert_int_equal(tt__ndp_parse(msg, 64, 0, &n, &why), 0);
    assert_int_equal(n.type, TT_ICMP6_RA);
    assert_int_equal(n.cur_hop_limit, 64);
    assert_int_equal(n.router_lifetime, 1800);
    assert_int_equal(n.has_slla, 1);
    assert_int_equal(n.has_mtu, 1);
    assert_int_equal(n.mtu, 1500);
    assert_int_equal(n.nprefix, 1);
    assert_int_equal(n.prefix[0].len, 64);
    assert_int_equal(n.prefix[0].onlink, 1);
    assert_int_equal(n.prefix[0].autonomous, 1);
    assert_int_equal(n.prefix[0].valid, 86400);
    assert_int_equal(n.prefix[0].preferred, 14400);
    assert_memory_equal(n.prefix[0].prefix, A1, 8);
    assert_int_equal(tt__ndp_emit(&n, ra6 + 8, ra6 + 24, out, sizeof out), 64);
    assert_memory_equal(out, msg, 64);
}

static void test_pseudo6(void **state)
{
    (void)state;
    /* The pseudo-header sum alone, by hand: the two addresses' words, the
     * length and the next header. */
    uint32_t want = 0x2001 + 0x0db8 + 1 + 0x2001 + 0x0db8 + 2 + 40 + 58;
    assert_int_equal(tt__cksum_pseudo6(A1, A2, 58, 40), want);
    /* A length above 16 bits folds in. */
    assert_int_equal(tt__cksum_pseudo6(A1, A2, 58, 0x10000u + 40), want + 1);
}

static void test_garbage(void **state)
{
    uint8_t buf[160];
    struct tt_rng r;
    struct tt_ipv6_hdr h;
    struct tt_ipv6_ext x;
    struct tt_ndp_msg n;
    enum tt_drop_reason why;

    (void)state;
    tt_rng_seed(&r, 8200);
    for (int i = 0; i < 20000; i++) {
        size_t len = tt_rng_below(&r, sizeof buf + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)tt_rng_below(&r, 256);
        if (len > 0)
            buf[0] = (uint8_t)(0x60 | (buf[0] & 0xf));
        if (len >= 8 && i % 2)
            buf[6] = (uint8_t)(i % 4 == 1 ? TT_IPPROTO_DSTOPTS : TT_IPPROTO_HOPOPTS);
        if (tt__ipv6_parse(buf, len, &h, &why) == 40) {
            size_t n6 = 40 + (size_t)h.payload_len;
            int rc = tt__ipv6_ext_walk(buf, n6, 40, h.next, &x, &why);
            assert_true(rc == TT_EINVAL || (rc >= 40 && (size_t)rc <= n6));
        }
        if (len >= 1)
            buf[0] = (uint8_t)(133 + i % 4);
        if (len >= 2)
            buf[1] = 0;
        int rc = tt__ndp_parse(buf, len, i & 1, &n, &why);
        assert_true(rc == 0 || rc == TT_EINVAL);
        if (rc == 0)
            assert_true(n.nprefix <= TT_NDP_MAX_PREFIXES);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_header),
        cmocka_unit_test(test_parse_rejects),
        cmocka_unit_test(test_truncations_guard_page),
        cmocka_unit_test(test_ext_walk),
        cmocka_unit_test(test_ext_chain_bound),
        cmocka_unit_test(test_fragment_header),
        cmocka_unit_test(test_icmp6_echo),
        cmocka_unit_test(test_ndp_ns),
        cmocka_unit_test(test_ndp_na_roundtrip),
        cmocka_unit_test(test_ndp_ra),
        cmocka_unit_test(test_pseudo6),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
