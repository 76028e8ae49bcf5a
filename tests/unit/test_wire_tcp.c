/* SPDX-License-Identifier: BSD-2-Clause */
/* TCP header and options (RFC 9293 §3.1-3.2, RFC 7323, RFC 2018): parse, emit,
 * the Linux option layout, hostile lengths, garbage. */
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
#include "wire/tcp.h"

#define A1 0xc0000201u /* 192.0.2.1 */
#define A2 0xc0000202u /* 192.0.2.2 */

/* A Linux SYN 192.0.2.1:40000 -> 192.0.2.2:8080, IP header included:
 * seq 0x1a2b3c4d, win 64240, <mss 1460,sackOK,TS val 0xaabbccdd ecr 0,nop,wscale 7>. */
static const uint8_t tcp_syn[60] = {
    0x45, 0x00, 0x00, 0x3c, 0x30, 0x39, 0x40, 0x00, 0x40, 0x06, 0x86, 0x7f, 0xc0, 0x00, 0x02,
    0x01, 0xc0, 0x00, 0x02, 0x02, 0x9c, 0x40, 0x1f, 0x90, 0x1a, 0x2b, 0x3c, 0x4d, 0x00, 0x00,
    0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0, 0x3f, 0x29, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04,
    0x02, 0x08, 0x0a, 0xaa, 0xbb, 0xcc, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
};
#define SYN (tcp_syn + 20)

/* The SYN-ACK back: seq 0x55667788, win 65160, TS val 0x01020304 ecr 0xaabbccdd. */
static const uint8_t tcp_synack[40] = {
    0x1f, 0x90, 0x9c, 0x40, 0x55, 0x66, 0x77, 0x88, 0x1a, 0x2b, 0x3c, 0x4e, 0xa0, 0x12,
    0xfe, 0x88, 0x6a, 0x8b, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a,
    0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb, 0xcc, 0xdd, 0x01, 0x03, 0x03, 0x07,
};

/* PSH|ACK with "hello\n", <nop,nop,TS val 0xaabbcd00 ecr 0x01020310,nop,nop,
 * sack 0x55667800:0x55667900 0x55667a00:0x55667b00>. */
static const uint8_t tcp_data_sack[58] = {
    0x9c, 0x40, 0x1f, 0x90, 0x1a, 0x2b, 0x3c, 0x4e, 0x55, 0x66, 0x77, 0x89, 0xd0, 0x18, 0x01,
    0xf6, 0xc0, 0x0e, 0x00, 0x00, 0x01, 0x01, 0x08, 0x0a, 0xaa, 0xbb, 0xcd, 0x00, 0x01, 0x02,
    0x03, 0x10, 0x01, 0x01, 0x05, 0x12, 0x55, 0x66, 0x78, 0x00, 0x55, 0x66, 0x79, 0x00, 0x55,
    0x66, 0x7a, 0x00, 0x55, 0x66, 0x7b, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f, 0x0a,
};

static void syn_struct(struct tt_tcp_hdr *h)
{
    memset(h, 0, sizeof *h);
    h->sport = 40000;
    h->dport = 8080;
    h->seq = 0x1a2b3c4d;
    h->flags = TT_TCP_SYN;
    h->wnd = 64240;
    h->opt.has_mss = 1;
    h->opt.mss = 1460;
    h->opt.sack_ok = 1;
    h->opt.has_ts = 1;
    h->opt.ts_val = 0xaabbccdd;
    h->opt.has_ws = 1;
    h->opt.ws = 7;
}

static void test_parse_syn(void **state)
{
    struct tt_tcp_hdr h;
    enum tt_drop_reason why = TT_DROP_COUNT;

    (void)state;
    assert_int_equal(tt__tcp_parse(SYN, 40, &h, &why), 40);
    assert_int_equal(why, TT_DROP_COUNT);
    assert_int_equal(h.sport, 40000);
    assert_int_equal(h.dport, 8080);
    assert_int_equal(h.seq, 0x1a2b3c4d);
    assert_int_equal(h.ack, 0);
    assert_int_equal(h.doff, 40);
    assert_int_equal(h.flags, TT_TCP_SYN);
    assert_int_equal(h.wnd, 64240);
    assert_int_equal(h.cksum, 0x3f29);
    assert_int_equal(h.urp, 0);
    assert_int_equal(h.opt.has_mss, 1);
    assert_int_equal(h.opt.mss, 1460);
    assert_int_equal(h.opt.sack_ok, 1);
    assert_int_equal(h.opt.has_ts, 1);
    assert_int_equal(h.opt.ts_val, 0xaabbccdd);
    assert_int_equal(h.opt.ts_ecr, 0);
    assert_int_equal(h.opt.has_ws, 1);
    assert_int_equal(h.opt.ws, 7);
    assert_int_equal(h.opt.nsack, 0);
    assert_int_equal(h.opt.ignored, 0);
    assert_true(tt__tcp_cksum_ok(A1, A2, SYN, 40));
    assert_false(tt__tcp_cksum_ok(A2, A1 + 1, SYN, 40));
    assert_false(tt__tcp_cksum_ok(A1, A2, SYN, 39));
    assert_false(tt__tcp_cksum_ok(A1, A2, SYN, 70000));
    /* The IP header in front is consistent too. */
    struct tt_ipv4_hdr ip;
    assert_int_equal(tt__ipv4_parse(tcp_syn, sizeof tcp_syn, &ip, &why), 20);
    assert_int_equal(ip.proto, TT_IPPROTO_TCP);
    assert_int_equal(ip.total_len, 60);
}

static void test_parse_data_sack(void **state)
{
    struct tt_tcp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(tt__tcp_parse(tcp_data_sack, 58, &h, &why), 52);
    assert_int_equal(h.flags, TT_TCP_PSH | TT_TCP_ACK);
    assert_int_equal(h.ack, 0x55667789);
    assert_int_equal(h.wnd, 502);
    assert_int_equal(h.opt.has_ts, 1);
    assert_int_equal(h.opt.ts_val, 0xaabbcd00);
    assert_int_equal(h.opt.ts_ecr, 0x01020310);
    assert_int_equal(h.opt.nsack, 2);
    assert_int_equal(h.opt.sack[0].left, 0x55667800);
    assert_int_equal(h.opt.sack[0].right, 0x55667900);
    assert_int_equal(h.opt.sack[1].left, 0x55667a00);
    assert_int_equal(h.opt.sack[1].right, 0x55667b00);
    assert_int_equal(h.opt.has_mss + h.opt.has_ws + h.opt.sack_ok, 0);
    assert_memory_equal(tcp_data_sack + 52, "hello\n", 6);
    assert_true(tt__tcp_cksum_ok(A1, A2, tcp_data_sack, 58));
}

/* Emitting the structs gives the golden bytes, checksums included. */
static void test_emit_golden(void **state)
{
    struct tt_tcp_hdr h;
    uint8_t out[80];

    (void)state;
    syn_struct(&h);
    h.doff = 7;       /* ignored */
    h.cksum = 0xdead; /* ignored */
    assert_int_equal(tt__tcp_hdr_len(&h), 40);
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, A1, A2, out, sizeof out), 40);
    assert_memory_equal(out, SYN, 40);

    memset(&h, 0, sizeof h);
    h.sport = 8080;
    h.dport = 40000;
    h.seq = 0x55667788;
    h.ack = 0x1a2b3c4e;
    h.flags = TT_TCP_SYN | TT_TCP_ACK;
    h.wnd = 65160;
    h.opt = (struct tt_tcp_opts){.has_mss = 1,
                                 .mss = 1460,
                                 .sack_ok = 1,
                                 .has_ts = 1,
                                 .ts_val = 0x01020304,
                                 .ts_ecr = 0xaabbccdd,
                                 .has_ws = 1,
                                 .ws = 7};
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, A2, A1, out, sizeof out), 40);
    assert_memory_equal(out, tcp_synack, 40);

    memset(&h, 0, sizeof h);
    h.sport = 40000;
    h.dport = 8080;
    h.seq = 0x1a2b3c4e;
    h.ack = 0x55667789;
    h.flags = TT_TCP_PSH | TT_TCP_ACK;
    h.wnd = 502;
    h.opt.has_ts = 1;
    h.opt.ts_val = 0xaabbcd00;
    h.opt.ts_ecr = 0x01020310;
    h.opt.has_mss = 1; /* not written on a non-SYN (RFC 9293 MUST-65) */
    h.opt.mss = 536;
    h.opt.has_ws = 1;
    h.opt.sack_ok = 1;
    h.opt.nsack = 2;
    h.opt.sack[0] = (struct tt_tcp_sack_block){0x55667800, 0x55667900};
    h.opt.sack[1] = (struct tt_tcp_sack_block){0x55667a00, 0x55667b00};
    assert_int_equal(tt__tcp_hdr_len(&h), 52);
    assert_int_equal(tt__tcp_emit(&h, (const uint8_t *)"hello\n", 6, A1, A2, out, sizeof out), 58);
    assert_memory_equal(out, tcp_data_sack, 58);
    /* Too small a buffer, by one byte. */
    assert_int_equal(tt__tcp_emit(&h, (const uint8_t *)"hello\n", 6, A1, A2, out, 57), TT_EINVAL);
    assert_int_equal(tt__tcp_emit(&h, NULL, 6, A1, A2, out, sizeof out), TT_EINVAL);
}

/* The exact option bytes for each Linux SYN layout in tcp.h. */
static void check_syn_layout(int mss, int sack, int ts, int ws, const uint8_t *want, size_t n)
{
    struct tt_tcp_hdr h, back;
    uint8_t out[60];
    enum tt_drop_reason why;

    syn_struct(&h);
    h.opt.has_mss = (uint8_t)mss;
    h.opt.sack_ok = (uint8_t)sack;
    h.opt.has_ts = (uint8_t)ts;
    h.opt.has_ws = (uint8_t)ws;
    assert_int_equal(tt__tcp_hdr_len(&h), 20 + n);
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, A1, A2, out, sizeof out), (int)(20 + n));
    assert_int_equal(out[12] >> 4, (20 + n) / 4);
    assert_memory_equal(out + 20, want, n);
    assert_int_equal(tt__tcp_parse(out, 20 + n, &back, &why), (int)(20 + n));
    assert_int_equal(back.opt.has_mss, mss);
    assert_int_equal(back.opt.sack_ok, sack);
    assert_int_equal(back.opt.has_ts, ts);
    assert_int_equal(back.opt.has_ws, ws);
    assert_true(tt__tcp_cksum_ok(A1, A2, out, 20 + n));
}

static void test_syn_layouts(void **state)
{
    static const uint8_t all[] = {2,    4,    5, 0xb4, 4, 2, 8, 10, 0xaa, 0xbb,
                                  0xcc, 0xdd, 0, 0,    0, 0, 1, 3,  3,    7};
    static const uint8_t mss_ts[] = {2,    4,    5,    0xb4, 1, 1, 8, 10,
                                     0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 0};
    static const uint8_t mss_sack_ws[] = {2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};
    static const uint8_t mss_sack[] = {2, 4, 5, 0xb4, 1, 1, 4, 2};
    static const uint8_t mss_ws[] = {2, 4, 5, 0xb4, 1, 3, 3, 7};
    static const uint8_t mss[] = {2, 4, 5, 0xb4};

    (void)state;
    check_syn_layout(1, 1, 1, 1, all, sizeof all);
    check_syn_layout(1, 0, 1, 0, mss_ts, sizeof mss_ts);
    check_syn_layout(1, 1, 0, 1, mss_sack_ws, sizeof mss_sack_ws);
    check_syn_layout(1, 1, 0, 0, mss_sack, sizeof mss_sack);
    check_syn_layout(1, 0, 0, 1, mss_ws, sizeof mss_ws);
    check_syn_layout(1, 0, 0, 0, mss, sizeof mss);
    check_syn_layout(0, 0, 0, 0, NULL, 0);
}

/* Non-SYN: SACK blocks trimmed to fit the 40 option bytes. */
static void test_sack_trimming(void **state)
{
    struct tt_tcp_hdr h, back;
    uint8_t out[80];
    enum tt_drop_reason why;

    (void)state;
    memset(&h, 0, sizeof h);
    h.flags = TT_TCP_ACK;
    for (int i = 0; i < 4; i++)
        h.opt.sack[i] = (struct tt_tcp_sack_block){1000u * (uint32_t)i, 1000u * (uint32_t)i + 500};
    assert_int_equal(tt__tcp_hdr_len(&h), 20);
    h.opt.nsack = 4;
    assert_int_equal(tt__tcp_hdr_len(&h), 20 + 4 + 32); /* no TS: all four */
    h.opt.nsack = 9;                                    /* out of range: clamped */
    assert_int_equal(tt__tcp_hdr_len(&h), 56);
    h.opt.has_ts = 1;
    h.opt.nsack = 4;
    assert_int_equal(tt__tcp_hdr_len(&h), 20 + 12 + 4 + 24); /* TS: three fit */
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, A1, A2, out, sizeof out), 60);
    assert_int_equal(tt__tcp_parse(out, 60, &back, &why), 60);
    assert_int_equal(back.opt.nsack, 3);
    assert_int_equal(back.opt.sack[2].left, 2000);
    assert_int_equal(back.opt.sack[2].right, 2500);
    h.opt.nsack = 1;
    assert_int_equal(tt__tcp_hdr_len(&h), 20 + 12 + 12);
    h.opt.has_ts = 0;
    assert_int_equal(tt__tcp_hdr_len(&h), 20 + 12);
    /* No SACK blocks on a SYN. */
    h.flags = TT_TCP_SYN;
    assert_int_equal(tt__tcp_hdr_len(&h), 20);
}

/* Every prefix of the SYN: below 20 truncated, then the offset (40) is past
 * the end. Guard page behind each, so an over-read faults. */
static void test_truncations_guard_page(void **state)
{
    struct tt_guard g;
    struct tt_tcp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(tt_guard_init(&g, 60), 0);
    for (size_t len = 0; len < 40; len++) {
        const uint8_t *p = tt_guard_place(&g, SYN, len);
        assert_int_equal(tt__tcp_parse(p, len, &h, &why), TT_EINVAL);
        assert_int_equal(why, len < 20 ? TT_DROP_TCP_TRUNCATED : TT_DROP_TCP_BAD_OFFSET);
    }
    assert_int_equal(tt__tcp_parse(tt_guard_place(&g, SYN, 40), 40, &h, &why), 40);
    for (size_t len = 0; len < 58; len++) {
        const uint8_t *p = tt_guard_place(&g, tcp_data_sack, len);
        int rc = tt__tcp_parse(p, len, &h, &why);
        assert_int_equal(rc, len < 52 ? TT_EINVAL : 52);
    }
    tt_guard_release(&g);
}

/* A segment with the given option bytes (n a multiple of 4, <= 40),
 * placed before a guard page, parsed. */
static int parse_opts(const uint8_t *opts, size_t n, struct tt_tcp_hdr *h, enum tt_drop_reason *why)
{
    uint8_t seg[60];
    struct tt_guard g;
    int rc;

    memcpy(seg, SYN, 20);
    memcpy(seg + 20, opts, n);
    seg[12] = (uint8_t)(((20 + n) / 4) << 4);
    assert_int_equal(tt_guard_init(&g, sizeof seg), 0);
    *why = TT_DROP_COUNT;
    rc = tt__tcp_parse(tt_guard_place(&g, seg, 20 + n), 20 + n, h, why);
    tt_guard_release(&g);
    return rc;
}

static void test_bad_offsets(void **state)
{
    uint8_t seg[60];
    struct tt_tcp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    memcpy(seg, SYN, 40);
    memset(seg + 40, 0, 20);
    for (int off = 0; off < 5; off++) {
        seg[12] = (uint8_t)(off << 4);
        assert_int_equal(tt__tcp_parse(seg, 40, &h, &why), TT_EINVAL);
        assert_int_equal(why, TT_DROP_TCP_BAD_OFFSET);
    }
    seg[12] = 0xf0; /* 60 > 40 */
    assert_int_equal(tt__tcp_parse(seg, 40, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OFFSET);
    assert_int_equal(tt__tcp_parse(seg, 60, &h, &why), 60); /* zeros after: EOL */
    /* The NS bit and the reserved bits do not disturb the offset. */
    seg[12] = 0x5f;
    assert_int_equal(tt__tcp_parse(seg, 20, &h, &why), 20);
    assert_int_equal(tt__tcp_parse(seg, 20, &h, NULL), 20);
    assert_int_equal(tt__tcp_parse(NULL, 0, &h, &why), TT_EINVAL);
}

static void test_bad_option_lengths(void **state)
{
    static const uint8_t len0[] = {1, 1, 8, 0};                 /* length 0 */
    static const uint8_t len1[] = {1, 1, 254, 1};               /* length 1 */
    static const uint8_t past[] = {1, 1, 2, 4, 5, 0xb4, 3, 3};  /* wscale then... */
    static const uint8_t over[] = {1, 1, 1, 2};                 /* MSS kind, no length byte */
    static const uint8_t overrun[] = {1, 1, 8, 10, 0, 0, 0, 0}; /* TS claims 10 of 6 */
    static const uint8_t big[] = {2, 255, 5, 0xb4};             /* length 255 */
    struct tt_tcp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(parse_opts(len0, 4, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
    assert_int_equal(parse_opts(len1, 4, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
    assert_int_equal(parse_opts(over, 4, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
    assert_int_equal(parse_opts(overrun, 8, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
    assert_int_equal(parse_opts(big, 4, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
    /* wscale of length 3 ending at byte 9 of 8: past the header. */
    assert_int_equal(parse_opts(past, 8, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
}

static void test_options_skipped_and_ends(void **state)
{
    /* Unknown kind 254 (len 6) then MSS: the unknown is counted. */
    static const uint8_t unknown[] = {254, 6, 1, 2, 3, 4, 2, 4, 0x05, 0xb4, 0, 0};
    /* Wrong lengths: MSS 3, wscale 4, sackOK 3, TS 8, SACK 2 and 12. */
    static const uint8_t wrong[] = {2, 3, 9, 3, 4, 1,  2, 4, 3, 0, 8, 8, 0, 0, 0, 0,
                                    0, 0, 5, 2, 5, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /* EOL ends the list: the bad length after it is never read. */
    static const uint8_t eol[] = {2, 4, 0x02, 0x18, 0, 8, 0, 0};
    /* Options on odd offsets (MUST-64): nop, mss, nop, nop, ws 15 (kept as is). */
    static const uint8_t odd[] = {1, 2, 4, 0x05, 0xdc, 1, 1, 3, 3, 15, 0, 0};
    /* One SACK block with nothing else, and the longest: 4 blocks. */
    static const uint8_t sack1[] = {1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2};
    uint8_t sack4[40];
    struct tt_tcp_hdr h;
    enum tt_drop_reason why;

    (void)state;
    assert_int_equal(parse_opts(unknown, 12, &h, &why), 32);
    assert_int_equal(h.opt.ignored, 1);
    assert_int_equal(h.opt.has_mss, 1);
    assert_int_equal(h.opt.mss, 1460);

    assert_int_equal(parse_opts(wrong, 32, &h, &why), 52);
    assert_int_equal(h.opt.ignored, 6);
    assert_int_equal(h.opt.has_mss + h.opt.has_ws + h.opt.sack_ok + h.opt.has_ts, 0);
    assert_int_equal(h.opt.nsack, 0);

    assert_int_equal(parse_opts(eol, 8, &h, &why), 28);
    assert_int_equal(h.opt.mss, 536);
    assert_int_equal(h.opt.ignored, 0);

    assert_int_equal(parse_opts(odd, 12, &h, &why), 32);
    assert_int_equal(h.opt.mss, 1500);
    assert_int_equal(h.opt.has_ws, 1);
    assert_int_equal(h.opt.ws, 15); /* the caller clamps to 14 (RFC 7323 §2.3) */

    assert_int_equal(parse_opts(sack1, 12, &h, &why), 32);
    assert_int_equal(h.opt.nsack, 1);
    assert_int_equal(h.opt.sack[0].left, 1);
    assert_int_equal(h.opt.sack[0].right, 2);

    memset(sack4, 1, sizeof sack4); /* nop padding */
    sack4[2] = 5;
    sack4[3] = 34;
    for (int i = 0; i < 32; i++)
        sack4[4 + i] = (uint8_t)i;
    assert_int_equal(parse_opts(sack4, 40, &h, &why), 60);
    assert_int_equal(h.opt.nsack, 4);
    assert_int_equal(h.opt.sack[3].left, 0x18191a1b);
    assert_int_equal(h.opt.sack[3].right, 0x1c1d1e1f);
    /* The same with five blocks' length (42): past the header. */
    sack4[3] = 42;
    assert_int_equal(parse_opts(sack4, 40, &h, &why), TT_EINVAL);
    assert_int_equal(why, TT_DROP_TCP_BAD_OPTIONS);
}

/* TCP Fast Open (RFC 7413 §4.1.1): kind 34 and the experimental 254/0xF989
 * form, request and cookie, bad lengths ignored; emitted last with the nop
 * padding Linux writes. */
static void test_fastopen(void **state)
{
    static const uint8_t req[] = {34, 2, 1, 1};
    static const uint8_t ck[] = {34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1};
    static const uint8_t exp[] = {254, 12, 0xf9, 0x89, 9, 8, 7, 6, 5, 4, 3, 2};
    static const uint8_t exp_req[] = {254, 4, 0xf9, 0x89};
    static const uint8_t odd[] = {34, 7, 1, 2, 3, 4, 5, 0};          /* odd cookie length */
    static const uint8_t shortc[] = {34, 4, 1, 2};                   /* 2 bytes: below 4 */
    static const uint8_t other[] = {254, 6, 0x12, 0x34, 1, 2, 0, 0}; /* another ExID */
    static const uint8_t want[] = {2, 4, 0x05, 0xb4, 4,  2,  8, 10, 0, 0, 0, 1, 0, 0, 0, 0,
                                   1, 3, 3,    7,    34, 10, 1, 2,  3, 4, 5, 6, 7, 8, 1, 1};
    struct tt_tcp_hdr h;
    enum tt_drop_reason why;
    uint8_t out[80];

    (void)state;
    assert_int_equal(parse_opts(req, sizeof req, &h, &why), 24);
    assert_int_equal(h.opt.has_fo, TT_TCP_FO_IANA);
    assert_int_equal(h.opt.fo_len, 0);
    assert_int_equal(parse_opts(ck, sizeof ck, &h, &why), 32);
    assert_int_equal(h.opt.has_fo, TT_TCP_FO_IANA);
    assert_int_equal(h.opt.fo_len, 8);
    assert_memory_equal(h.opt.fo_cookie, ck + 2, 8);
    assert_int_equal(parse_opts(exp, sizeof exp, &h, &why), 32);
    assert_int_equal(h.opt.has_fo, TT_TCP_FO_EXP);
    assert_int_equal(h.opt.fo_len, 8);
    assert_memory_equal(h.opt.fo_cookie, exp + 4, 8);
    assert_int_equal(parse_opts(exp_req, sizeof exp_req, &h, &why), 24);
    assert_int_equal(h.opt.has_fo, TT_TCP_FO_EXP);
    assert_int_equal(h.opt.fo_len, 0);
    assert_int_equal(parse_opts(odd, sizeof odd, &h, &why), 28);
    assert_int_equal(h.opt.has_fo, 0);
    assert_int_equal(h.opt.ignored, 1);
    assert_int_equal(parse_opts(shortc, sizeof shortc, &h, &why), 24);
    assert_int_equal(h.opt.has_fo, 0);
    assert_int_equal(parse_opts(other, sizeof other, &h, &why), 28);
    assert_int_equal(h.opt.has_fo, 0);
    assert_int_equal(h.opt.ignored, 1);

    /* A SYN: mss, sackOK, TS, nop, wscale, FO cookie, nop, nop. */
    memset(&h, 0, sizeof h);
    h.flags = TT_TCP_SYN;
    h.opt.has_mss = h.opt.sack_ok = h.opt.has_ts = h.opt.has_ws = 1;
    h.opt.mss = 1460;
    h.opt.ts_val = 1;
    h.opt.ws = 7;
    h.opt.has_fo = TT_TCP_FO_IANA;
    h.opt.fo_len = 8;
    memcpy(h.opt.fo_cookie, ck + 2, 8);
    assert_int_equal(tt__tcp_hdr_len(&h), 20 + sizeof want);
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, 1, 2, out, sizeof out), 20 + (int)sizeof want);
    assert_memory_equal(out + 20, want, sizeof want);
    /* The largest: 16-byte experimental cookie fills the 40 bytes exactly. */
    h.opt.has_fo = TT_TCP_FO_EXP;
    h.opt.fo_len = 16;
    assert_int_equal(tt__tcp_hdr_len(&h), 60);
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, 1, 2, out, sizeof out), 60);
    assert_int_equal(out[40], 254);
    assert_int_equal(out[41], 20);
    assert_int_equal(out[42], 0xf9);
    assert_int_equal(out[43], 0x89);
    /* A request alone: FO, nop, nop. */
    memset(&h, 0, sizeof h);
    h.flags = TT_TCP_SYN;
    h.opt.has_fo = TT_TCP_FO_IANA;
    assert_int_equal(tt__tcp_emit(&h, NULL, 0, 1, 2, out, sizeof out), 24);
    assert_memory_equal(out + 20, req, 4);
}

/* Payload already in place after the header is kept. */
static void test_emit_payload_in_place(void **state)
{
    struct tt_tcp_hdr h;
    uint8_t out[100];
    size_t hl;

    (void)state;
    memset(&h, 0, sizeof h);
    h.flags = TT_TCP_ACK | TT_TCP_FIN;
    h.opt.has_ts = 1;
    hl = tt__tcp_hdr_len(&h);
    assert_int_equal(hl, 32);
    memcpy(out + hl, "in place", 8);
    assert_int_equal(tt__tcp_emit(&h, out + hl, 8, A1, A2, out, sizeof out), 40);
    assert_memory_equal(out + hl, "in place", 8);
    assert_true(tt__tcp_cksum_ok(A1, A2, out, 40));
    /* A payload too big for the 16-bit TCP length. */
    static uint8_t huge[70000];
    static uint8_t dst[70100];
    assert_int_equal(tt__tcp_emit(&h, huge, 65536 - 32, A1, A2, dst, sizeof dst), TT_EINVAL);
    assert_int_equal(tt__tcp_emit(&h, huge, 65535 - 32, A1, A2, dst, sizeof dst), 65535);
    assert_true(tt__tcp_cksum_ok(A1, A2, dst, 65535));
}

static void random_hdr(struct tt_rng *r, struct tt_tcp_hdr *h)
{
    uint64_t x = tt_rng_next(r);

    memset(h, 0, sizeof *h);
    h->sport = (uint16_t)x;
    h->dport = (uint16_t)(x >> 16);
    h->wnd = (uint16_t)(x >> 32);
    h->urp = (uint16_t)(x >> 48);
    h->seq = (uint32_t)tt_rng_next(r);
    h->ack = (uint32_t)tt_rng_next(r);
    x = tt_rng_next(r);
    h->flags = (uint8_t)x;
    h->opt.has_mss = (x >> 8) & 1;
    h->opt.has_ws = (x >> 9) & 1;
    h->opt.sack_ok = (x >> 10) & 1;
    h->opt.has_ts = (x >> 11) & 1;
    h->opt.nsack = (uint8_t)((x >> 12) % 6);
    h->opt.mss = (uint16_t)(x >> 16);
    h->opt.ws = (uint8_t)(x >> 32);
    h->opt.ts_val = (uint32_t)tt_rng_next(r);
    h->opt.ts_ecr = (uint32_t)tt_rng_next(r);
    for (int i = 0; i < TT_TCP_MAX_SACK; i++) {
        h->opt.sack[i].left = (uint32_t)tt_rng_next(r);
        h->opt.sack[i].right = (uint32_t)tt_rng_next(r);
    }
}

/* Emit then parse gives back every field that the layout carries. */
static void test_roundtrip_random(void **state)
{
    struct tt_tcp_hdr h, b;
    uint8_t pay[64], out[128];
    enum tt_drop_reason why;
    struct tt_rng r;

    (void)state;
    tt_rng_seed(&r, 9293);
    for (int i = 0; i < 20000; i++) {
        size_t plen = tt_rng_below(&r, sizeof pay + 1);
        int syn, n, want_sack;
        random_hdr(&r, &h);
        for (size_t j = 0; j < plen; j++)
            pay[j] = (uint8_t)tt_rng_next(&r);
        n = tt__tcp_emit(&h, pay, plen, A1, A2, out, sizeof out);
        assert_int_equal(n, (int)(tt__tcp_hdr_len(&h) + plen));
        assert_true(tt__tcp_cksum_ok(A1, A2, out, (size_t)n));
        assert_int_equal(tt__tcp_parse(out, (size_t)n, &b, &why), (int)tt__tcp_hdr_len(&h));
        syn = (h.flags & TT_TCP_SYN) != 0;
        assert_int_equal(b.sport, h.sport);
        assert_int_equal(b.dport, h.dport);
        assert_int_equal(b.seq, h.seq);
        assert_int_equal(b.ack, h.ack);
        assert_int_equal(b.flags, h.flags);
        assert_int_equal(b.wnd, h.wnd);
        assert_int_equal(b.urp, h.urp);
        assert_int_equal(b.opt.ignored, 0);
        assert_int_equal(b.opt.has_mss, syn && h.opt.has_mss);
        assert_int_equal(b.opt.has_ws, syn && h.opt.has_ws);
        assert_int_equal(b.opt.sack_ok, syn && h.opt.sack_ok);
        assert_int_equal(b.opt.has_ts, h.opt.has_ts);
        if (b.opt.has_mss)
            assert_int_equal(b.opt.mss, h.opt.mss);
        if (b.opt.has_ws)
            assert_int_equal(b.opt.ws, h.opt.ws);
        if (b.opt.has_ts) {
            assert_int_equal(b.opt.ts_val, h.opt.ts_val);
            assert_int_equal(b.opt.ts_ecr, h.opt.ts_ecr);
        }
        want_sack = syn ? 0 : (h.opt.nsack > 4 ? 4 : h.opt.nsack);
        if (h.opt.has_ts && want_sack > 3)
            want_sack = 3;
        assert_int_equal(b.opt.nsack, want_sack);
        for (int k = 0; k < want_sack; k++) {
            assert_int_equal(b.opt.sack[k].left, h.opt.sack[k].left);
            assert_int_equal(b.opt.sack[k].right, h.opt.sack[k].right);
        }
        assert_memory_equal(out + b.doff, pay, plen);
        /* Any flipped bit breaks the checksum (RFC 9293 MUST-3). */
        size_t bit = tt_rng_below(&r, (size_t)n * 8);
        out[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_false(tt__tcp_cksum_ok(A1, A2, out, (size_t)n));
    }
}

static void test_garbage(void **state)
{
    uint8_t buf[80], out[128];
    struct tt_tcp_hdr h, b;
    enum tt_drop_reason why;
    struct tt_rng r;
    int ok = 0;

    (void)state;
    tt_rng_seed(&r, 793);
    for (int i = 0; i < 50000; i++) {
        size_t len = tt_rng_below(&r, sizeof buf + 1);
        for (size_t j = 0; j < len; j++)
            buf[j] = (uint8_t)(i & 1 ? tt_rng_below(&r, 12) : tt_rng_next(&r));
        if (len >= 20 && (i & 2)) /* a plausible offset half the time */
            buf[12] = (uint8_t)((5 + tt_rng_below(&r, (len - 20) / 4 + 1)) << 4);
        int rc = tt__tcp_parse(buf, len, &h, &why);
        if (rc < 0) {
            assert_int_equal(rc, TT_EINVAL);
            assert_true(why == TT_DROP_TCP_TRUNCATED || why == TT_DROP_TCP_BAD_OFFSET ||
                        why == TT_DROP_TCP_BAD_OPTIONS);
            continue;
        }
        ok++;
        assert_true(rc >= 20 && rc <= 60 && (size_t)rc <= len && rc == h.doff);
        assert_true(h.opt.nsack <= TT_TCP_MAX_SACK);
        /* What was parsed re-emits and parses back to the same header. */
        int n = tt__tcp_emit(&h, NULL, 0, A1, A2, out, sizeof out);
        assert_true(n >= 20);
        assert_int_equal(tt__tcp_parse(out, (size_t)n, &b, &why), n);
        assert_int_equal(b.seq, h.seq);
        assert_int_equal(b.flags, h.flags);
        assert_int_equal(b.opt.has_ts, h.opt.has_ts);
    }
    assert_true(ok > 5000); /* 6643 with this seed: the parse paths are all reached */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_syn),
        cmocka_unit_test(test_parse_data_sack),
        cmocka_unit_test(test_emit_golden),
        cmocka_unit_test(test_syn_layouts),
        cmocka_unit_test(test_sack_trimming),
        cmocka_unit_test(test_truncations_guard_page),
        cmocka_unit_test(test_bad_offsets),
        cmocka_unit_test(test_bad_option_lengths),
        cmocka_unit_test(test_options_skipped_and_ends),
        cmocka_unit_test(test_fastopen),
        cmocka_unit_test(test_emit_payload_in_place),
        cmocka_unit_test(test_roundtrip_random),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
