/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 reassembly (RFC 791 §3.2, RFC 1122 §3.3.2) and fragmented output: in
 * order, out of order, duplicates, overlaps, the timeout at an exact virtual
 * time with its time-exceeded message, the limits, the 65535-byte ceiling,
 * and a big echo reply that goes out in fragments and reassembles back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_net_helpers.h"
#include "wire/checksum.h"

#define DATA 3000
#define MSG (8 + DATA) /* the ICMP echo request: 3008 bytes */

static uint8_t msg[MSG];

/* The echo request of DATA bytes in msg; data byte i is (i * 7) & 0xff. */
static void make_msg(void)
{
    static uint8_t data[DATA];
    for (int i = 0; i < DATA; i++)
        data[i] = (uint8_t)(i * 7);
    nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 0xbeef, 3, data, DATA);
}

/* Feed msg[off, off+n) as one fragment of datagram `id`. */
static void frag(struct nt_fix *f, uint16_t id, size_t off, size_t n, int mf, tt_time now)
{
    static uint8_t d[2048];
    struct tt_ipv4_hdr h = nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, id);
    h.frag_off = (uint16_t)off;
    h.mf = (uint8_t)mf;
    static const uint8_t zeros[64];
    size_t len = nt_ip(d, h, off + n <= MSG ? msg + off : zeros, n);
    nt_input_ip(f, d, len, now);
}

/* The three fragments of msg: [0,1480) [1480,2960) [2960,3008). */
static void frag_n(struct nt_fix *f, uint16_t id, int which, tt_time now)
{
    static const size_t off[3] = {0, 1480, 2960}, len[3] = {1480, 1480, 48};
    frag(f, id, off[which], len[which], which < 2, now);
}

/* The stack's reply went out as fragments 0..k: check their layout and that
 * they reassemble to an echo reply of msg. */
static void check_reply(struct nt_fix *f, int first)
{
    static uint8_t buf[MSG];
    static const size_t off[3] = {0, 1480, 2960}, len[3] = {1480, 1480, 48};
    assert_int_equal(f->cap.n, first + 3);
    uint16_t id = 0;
    for (int i = 0; i < 3; i++) {
        const uint8_t *p;
        size_t plen;
        struct tt_ipv4_hdr h = nt_parse_ip(f, first + i, &p, &plen);
        assert_int_equal(h.frag_off, off[i]);
        assert_int_equal(plen, len[i]);
        assert_int_equal(h.mf, i < 2);
        assert_int_equal(h.df, 0);
        assert_int_equal(h.src, NT_US);
        assert_int_equal(h.dst, NT_PEER);
        if (i == 0)
            id = h.id;
        assert_int_equal(h.id, id);
        memcpy(buf + off[i], p, plen);
    }
    assert_int_equal(buf[0], TT_ICMP_ECHO_REPLY);
    assert_int_equal(tt__cksum(buf, MSG), 0);
    assert_memory_equal(buf + 4, msg + 4, MSG - 4); /* id, seq and every data byte */
}

static void setup_peer(struct nt_fix *f)
{
    make_msg();
    nt_setup(f);
    nt_learn_peer(f, 0);
}

static void test_in_order(void **state)
{
    (void)state;
    struct nt_fix f;
    setup_peer(&f);
    size_t base = tt_stack_mem_in_use(f.s);
    for (int i = 0; i < 3; i++)
        frag_n(&f, 100, i, 1);
    check_reply(&f, 0);
    const struct tt_counters *c = tt_stack_counters(f.s);
    assert_int_equal(c->ip_reasm_reqds, 3);
    assert_int_equal(c->ip_reasm_oks, 1);
    assert_int_equal(c->ip_reasm_fails, 0);
    assert_int_equal(nt_total_drops(&f), 0);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    assert_int_equal(tt_stack_poll(f.s, 2), TT_TIME_NEVER);
    nt_teardown(&f);
}

static void test_out_of_order_and_duplicates(void **state)
{
    (void)state;
    struct nt_fix f;
    setup_peer(&f);
    frag_n(&f, 200, 2, 1);
    frag_n(&f, 200, 0, 1);
    frag_n(&f, 200, 0, 1); /* exact duplicate: ignored */
    frag_n(&f, 200, 2, 1);
    assert_int_equal(f.cap.n, 0);
    frag_n(&f, 200, 1, 1);
    check_reply(&f, 0);
    nt_cap_clear(&f.cap);
    /* Reverse order, another id. */
    for (int i = 2; i >= 0; i--)
        frag_n(&f, 201, i, 2);
    check_reply(&f, 0);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_oks, 2);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_reqds, 8);
    assert_int_equal(nt_total_drops(&f), 0);
    nt_teardown(&f);
}

static void test_overlap_drops_datagram(void **state)
{
    (void)state;
    struct nt_fix f;
    setup_peer(&f);
    size_t base = tt_stack_mem_in_use(f.s);
    frag(&f, 300, 0, 1480, 1, 1);
    frag(&f, 300, 1472, 1480, 1, 1); /* overlaps the first by 8 bytes */
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_INVALID), 1);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_fails, 1);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    /* Same range, different bytes: an overlap too, not a duplicate. */
    frag_n(&f, 301, 0, 1);
    msg[100] ^= 1;
    frag_n(&f, 301, 0, 1);
    msg[100] ^= 1;
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_INVALID), 2);
    /* Two last fragments that disagree on the length; data after the end. */
    frag(&f, 302, 2960, 48, 0, 1);
    frag(&f, 302, 1480, 1480, 0, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_INVALID), 3);
    frag(&f, 303, 1480, 1480, 0, 1);
    frag(&f, 303, 2960, 48, 1, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_INVALID), 4);
    /* Not a multiple of 8 with more to come. */
    frag(&f, 304, 0, 100, 1, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_INVALID), 5);
    assert_int_equal(f.cap.n, 0);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    assert_int_equal(tt_stack_poll(f.s, 1), TT_TIME_NEVER);
    nt_teardown(&f);
}

static void test_timeout_exact(void **state)
{
    (void)state;
    struct nt_fix f;
    setup_peer(&f);
    size_t base = tt_stack_mem_in_use(f.s);
    frag_n(&f, 400, 0, TT_SEC(5));
    frag_n(&f, 400, 2, TT_SEC(6));
    frag_n(&f, 401, 1, TT_SEC(7)); /* fragment zero never comes */
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(7)), TT_SEC(35));
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(35) - 1), TT_SEC(35));
    assert_int_equal(f.cap.n, 0);
    nt_learn_peer(&f, TT_SEC(34)); /* keep ARP fresh: no re-probe in the capture */
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(35)), TT_SEC(37));
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_TIMEOUT), 1);
    /* Time exceeded, code 1, quoting fragment zero's header and 8 bytes. */
    assert_int_equal(f.cap.n, 1);
    const uint8_t *p;
    size_t plen;
    struct tt_ipv4_hdr h = nt_parse_ip(&f, 0, &p, &plen);
    assert_int_equal(h.dst, NT_PEER);
    assert_int_equal(plen, 8 + 28);
    assert_int_equal(p[0], TT_ICMP_TIME_EXCEEDED);
    assert_int_equal(p[1], 1);
    struct tt_ipv4_hdr q;
    assert_int_equal(tt__ipv4_parse_quoted(p + 8, 28, &q), 20);
    assert_int_equal(q.id, 400);
    assert_int_equal(q.mf, 1);
    assert_int_equal(q.frag_off, 0);
    assert_memory_equal(p + 28, msg, 8);
    /* The other one has no fragment zero: discarded without a message. */
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(37)), TT_TIME_NEVER);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_TIMEOUT), 2);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_fails, 2);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    nt_teardown(&f);
}

static void test_limits(void **state)
{
    (void)state;
    struct nt_fix f;
    make_msg();
    nt_config(&f);
    f.cfg.ipfrag_max_datagrams = 2;
    f.cfg.ipfrag_max_bytes = 3100;
    nt_start(&f);
    nt_learn_peer(&f, 0);
    frag_n(&f, 1, 0, 1);
    frag_n(&f, 2, 0, 1);
    frag_n(&f, 3, 0, 1); /* a third datagram: no slot */
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_NOMEM), 1);
    frag_n(&f, 1, 1, 1); /* 3 x (1480 + overhead) > 3100 held */
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_NOMEM), 2);
    frag_n(&f, 1, 2, 1); /* 48 more bytes still fit */
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_NOMEM), 2);
    assert_int_equal(f.cap.n, 0);
    /* When one times out, room comes back. */
    /* (The time exceeded it sends finds the peer's ARP entry stale: a
     * re-probe is due a second later.) */
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(31)), TT_SEC(32));
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_TIMEOUT), 2);
    for (int i = 0; i < 3; i++)
        frag_n(&f, 4, i, TT_SEC(32));
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_oks, 1);
    nt_teardown(&f);
}

static void test_too_big(void **state)
{
    (void)state;
    struct nt_fix f;
    setup_peer(&f);
    size_t base = tt_stack_mem_in_use(f.s);
    frag_n(&f, 500, 0, 1);
    /* The highest offset (8191 * 8 = 65528) plus 16 bytes: past 65535. */
    frag(&f, 500, 65528, 16, 0, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_TOO_BIG), 1);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_fails, 1);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    /* Exactly 65535: the last fragment ends at 65515 after a 20-byte header. */
    frag(&f, 501, 65512, 3, 0, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_TOO_BIG), 1);
    frag(&f, 502, 65512, 4, 0, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_TOO_BIG), 2);
    nt_teardown(&f);
}

static void test_too_many_pieces(void **state)
{
    (void)state;
    struct nt_fix f;
    setup_peer(&f);
    size_t base = tt_stack_mem_in_use(f.s);
    for (int i = 0; i < 128; i++)
        frag(&f, 600, (size_t)i * 8, 8, 1, 1);
    assert_int_equal(nt_total_drops(&f), 0);
    frag(&f, 600, 128 * 8, 8, 1, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_FRAG_NOMEM), 1);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_fails, 1);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    nt_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_out_of_order_and_duplicates),
        cmocka_unit_test(test_overlap_drops_datagram),
        cmocka_unit_test(test_timeout_exact),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_too_big),
        cmocka_unit_test(test_too_many_pieces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
