/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bounded under floods, memory figures asserted: a fragment flood (tiny,
 * overlapping and never-completed fragments of thousands of datagrams) stays
 * within ipfrag_max_bytes and gives everything back when it times out, and
 * an ARP flood (requests from 10,000 addresses) never grows the stack; a
 * legitimate ping is answered throughout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_net_helpers.h"

static void frag(struct nt_fix *f, uint32_t src, uint16_t id, uint16_t off, size_t n, tt_time now)
{
    static const uint8_t junk[64] = {1, 2, 3};
    uint8_t d[128];
    struct tt_ipv4_hdr h = nt_iph(src, NT_US, TT_IPPROTO_ICMP, id);
    h.frag_off = off;
    h.mf = 1; /* never the last: never complete */
    size_t len = nt_ip(d, h, junk, n);
    nt_input_ip(f, d, len, now);
}

static int echo_replies(const struct nt_fix *f, int *arps)
{
    int replies = 0;
    *arps = 0;
    for (int i = 0; i < f->cap.n; i++) {
        struct tt_eth_hdr eh;
        assert_int_equal(tt__eth_parse(f->cap.f[i], f->cap.len[i], &eh), 14);
        if (eh.type != TT_ETHERTYPE_IPV4) {
            (*arps)++;
            continue;
        }
        const uint8_t *p;
        struct tt_ipv4_hdr h = nt_parse_ip(f, i, &p, NULL);
        replies += h.dst == NT_PEER && p[0] == TT_ICMP_ECHO_REPLY;
    }
    return replies;
}

/* The peer's ping (unfragmented) gets its reply, after an ARP exchange if
 * the flood pushed the peer out of the cache. */
static void ping_answered(struct nt_fix *f, uint16_t seq, tt_time now)
{
    uint8_t msg[64], d[128];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 0x77, seq, "live", 4);
    size_t n = nt_ip(d, nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, (uint16_t)(60000 + seq)), msg, ml);
    nt_cap_clear(&f->cap);
    nt_input_ip(f, d, n, now);
    int arps, replies = echo_replies(f, &arps);
    if (replies == 0 && arps > 0) {
        nt_cap_clear(&f->cap);
        nt_input_arp(f, nt_mac_us, TT_ARP_OP_REPLY, nt_mac_peer, NT_PEER, nt_mac_us, NT_US, now);
        replies = echo_replies(f, &arps);
    }
    assert_int_equal(replies, 1);
    nt_cap_clear(&f->cap);
}

static void test_fragment_flood(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    f.cfg.ipfrag_max_bytes = 64 * 1024;
    nt_start(&f);
    nt_learn_peer(&f, 0);
    size_t base = tt_stack_mem_in_use(f.s), peak = 0;
    for (int k = 0; k < 5000; k++) {
        uint32_t src = TT_IPV4_U32(192, 0, 2, 10 + (k % 200));
        uint16_t id = (uint16_t)k;
        frag(&f, src, id, 8, 8, 0);   /* tiny */
        frag(&f, src, id, 24, 16, 0); /* a hole before it */
        frag(&f, src, id, 32, 16, 0); /* overlaps the last: the datagram is dropped */
        frag(&f, src, id, 64, 8, 0);
        size_t m = tt_stack_mem_in_use(f.s) - base;
        peak = m > peak ? m : peak;
        if (k % 500 == 0)
            ping_answered(&f, (uint16_t)k, 0);
        nt_cap_clear(&f.cap);
    }
    print_message("fragment flood: 20000 fragments, peak %zu bytes held (cap 65536)\n", peak);
    assert_true(peak <= 64 * 1024); /* the reassembly table is allocated at creation */
    assert_true(nt_drops(&f, TT_DROP_IP_FRAG_INVALID) >= 1);
    assert_true(nt_drops(&f, TT_DROP_IP_FRAG_NOMEM) >= 1);
    assert_int_equal(tt_stack_counters(f.s)->ip_reasm_oks, 0);
    /* Timed out: every byte comes back. */
    tt_stack_poll(f.s, TT_SEC(31));
    nt_cap_clear(&f.cap);
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    ping_answered(&f, 1, TT_SEC(31));
    nt_teardown(&f);
}

static void test_arp_flood(void **state)
{
    (void)state;
    static const uint8_t zero[6];
    struct nt_fix f;
    nt_config(&f);
    nt_start(&f);
    nt_learn_peer(&f, 0);
    size_t base = tt_stack_mem_in_use(f.s);
    for (int k = 0; k < 10000; k++) {
        /* Requests for us from ever new senders (all on our /24 would be
         * 254; the cache is keyed by address, so the flood uses others too). */
        uint8_t mac[6] = {2, 1, (uint8_t)(k >> 16), (uint8_t)(k >> 8), (uint8_t)k, 9};
        uint32_t spa = TT_IPV4_U32(192, 0, 2, 0) | (uint32_t)(3 + k % 250);
        if (k >= 250)
            spa = TT_IPV4_U32(198, 18, 0, 0) | (uint32_t)k; /* off-subnet senders */
        nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, mac, spa, zero, NT_US, k * 10);
        assert_int_equal(tt_stack_mem_in_use(f.s), base);
        nt_cap_clear(&f.cap);
        if (k % 1000 == 0)
            ping_answered(&f, (uint16_t)k, k * 10);
    }
    assert_int_equal(tt_stack_mem_in_use(f.s), base);
    ping_answered(&f, 2, 100000);
    nt_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fragment_flood),
        cmocka_unit_test(test_arp_flood),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
