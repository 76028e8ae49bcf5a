/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARP (RFC 826, RFC 1122 §2.3.2): replies, resolution with queueing and
 * retransmission at exact virtual times, giving up, expiry and re-probing,
 * the merge rule, gratuitous ARP, bad senders and eviction.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_net_helpers.h"

static const uint8_t zero_mac[6];

/* Captured frame i must be ARP: returns the parsed packet and the Ethernet dst. */
static struct tt_arp_pkt cap_arp(const struct nt_fix *f, int i, uint8_t edst[6])
{
    struct tt_eth_hdr eh;
    struct tt_arp_pkt a;
    assert_true(i < f->cap.n);
    assert_int_equal(tt__eth_parse(f->cap.f[i], f->cap.len[i], &eh), 14);
    assert_int_equal(eh.type, TT_ETHERTYPE_ARP);
    assert_memory_equal(eh.src, nt_mac_us, 6);
    assert_int_equal(tt__arp_parse(f->cap.f[i] + 14, f->cap.len[i] - 14, &a), TT_ARP_LEN);
    if (edst)
        memcpy(edst, eh.dst, 6);
    return a;
}

static void assert_request_for(const struct nt_fix *f, int i, uint32_t tpa, const uint8_t dst[6])
{
    uint8_t edst[6];
    struct tt_arp_pkt a = cap_arp(f, i, edst);
    assert_memory_equal(edst, dst, 6);
    assert_int_equal(a.op, TT_ARP_OP_REQUEST);
    assert_memory_equal(a.sha, nt_mac_us, 6);
    assert_int_equal(a.spa, NT_US);
    assert_int_equal(a.tpa, tpa);
}

static void test_request_reply_golden(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, nt_mac_peer, NT_PEER, zero_mac, NT_US, 0);
    assert_int_equal(f.cap.n, 1);
    static const uint8_t golden[42] = {
        2, 0, 0,    0, 0, 2, 2,   0, 0, 0, 0, 1, 0x08, 0x06, /* Ethernet */
        0, 1, 0x08, 0, 6, 4, 0,   2,                         /* Ether/IPv4, reply */
        2, 0, 0,    0, 0, 1, 192, 0, 2, 1, 2, 0, 0,    0,
        0, 2, 192,  0, 2, 2, /* sha spa tha tpa */
    };
    assert_int_equal(f.cap.len[0], sizeof golden);
    assert_memory_equal(f.cap.f[0], golden, sizeof golden);
    const struct tt_counters *c = tt_stack_counters(f.s);
    assert_int_equal(c->arp_in, 1);
    assert_int_equal(c->arp_replies_out, 1);
    /* The requester was learnt (RFC 826: target is us): a ping goes straight out. */
    nt_cap_clear(&f.cap);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 1, NULL, 0, 1), 0);
    assert_int_equal(f.cap.n, 1);
    struct tt_eth_hdr eh;
    tt__eth_parse(f.cap.f[0], f.cap.len[0], &eh);
    assert_memory_equal(eh.dst, nt_mac_peer, 6);
    assert_int_equal(eh.type, TT_ETHERTYPE_IPV4);
    nt_teardown(&f);
}

static void test_request_not_for_us(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, nt_mac_peer, NT_PEER, zero_mac,
                 TT_IPV4_U32(192, 0, 2, 9), 0);
    assert_int_equal(f.cap.n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_NOT_FOR_US), 1);
    /* Not learnt: a ping must resolve first. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 1, NULL, 0, 1), 0);
    assert_int_equal(f.cap.n, 1);
    assert_request_for(&f, 0, NT_PEER, nt_mac_bcast);
    nt_teardown(&f);
}

static void test_resolution_gives_up(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    for (uint16_t i = 1; i <= 3; i++)
        assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, i, NULL, 0, 0), 0);
    /* Queue of 3: the fourth (newest) is refused. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 4, NULL, 0, 0), TT_ENOBUFS);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_QUEUE_FULL), 1);
    assert_int_equal(f.cap.n, 1);
    assert_request_for(&f, 0, NT_PEER, nt_mac_bcast);
    /* The first retry after 150 ms (a reply lost while a TAP settles),
     * then one a second; given up a second after the third. */
    const tt_time r1 = TT_MSEC(150), r2 = r1 + TT_SEC(1), end = r2 + TT_SEC(1);
    assert_int_equal(tt_stack_poll(f.s, 0), r1);
    assert_int_equal(tt_stack_poll(f.s, r1 - 1), r1);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(tt_stack_poll(f.s, r1), r2);
    assert_int_equal(tt_stack_poll(f.s, r2), end);
    assert_int_equal(f.cap.n, 3);
    assert_int_equal(f.cap.t[1], r1);
    assert_int_equal(f.cap.t[2], r2);
    assert_request_for(&f, 2, NT_PEER, nt_mac_bcast);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_UNRESOLVED), 0);
    assert_int_equal(tt_stack_poll(f.s, end - 1), end);
    assert_int_equal(tt_stack_poll(f.s, end), TT_TIME_NEVER);
    assert_int_equal(f.cap.n, 3); /* no fourth request */
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_UNRESOLVED), 3);
    assert_int_equal(tt_stack_counters(f.s)->arp_requests_out, 3);
    /* The entry is gone: a new datagram starts a new resolution. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 5, NULL, 0, TT_SEC(4)), 0);
    assert_int_equal(f.cap.n, 4);
    assert_request_for(&f, 3, NT_PEER, nt_mac_bcast);
    nt_teardown(&f);
}

/* arp_first_retrans_time 0: Linux's even pace, a request a second. */
static void test_resolution_linux_pace(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    f.cfg.arp_first_retrans_time = 0;
    nt_start(&f);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 1, NULL, 0, 0), 0);
    assert_int_equal(tt_stack_poll(f.s, 0), TT_SEC(1));
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(1)), TT_SEC(2));
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(2)), TT_SEC(3));
    assert_int_equal(f.cap.n, 3);
    nt_teardown(&f);
}

/* The interface comes up: one gratuitous ARP (RFC 5227 announcement). */
static void test_announce(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    assert_int_equal(f.cap.n, 0); /* adding the interface sends nothing */
    assert_int_equal(tt_stack_iface_up(f.s, f.ifi, TT_MSEC(5)), 0);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(f.cap.t[0], TT_MSEC(5));
    assert_request_for(&f, 0, NT_US, nt_mac_bcast); /* sender = target = us */
    uint8_t edst[6];
    struct tt_arp_pkt a = cap_arp(&f, 0, edst);
    assert_memory_equal(a.tha, zero_mac, 6);
    assert_int_equal(tt_stack_counters(f.s)->arp_requests_out, 1);
    assert_int_equal(tt_stack_poll(f.s, TT_MSEC(5)), TT_TIME_NEVER); /* nothing pending */
    assert_int_equal(tt_stack_iface_up(f.s, 7, 0), TT_EINVAL);
    nt_teardown(&f);
}

static void test_resolution_flushes_queue(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    for (uint16_t i = 1; i <= 3; i++)
        assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, i, NULL, 0, 0), 0);
    nt_input_arp(&f, nt_mac_us, TT_ARP_OP_REPLY, nt_mac_peer, NT_PEER, nt_mac_us, NT_US,
                 TT_MSEC(300));
    assert_int_equal(f.cap.n, 4);
    for (int i = 1; i <= 3; i++) {
        const uint8_t *p;
        struct tt_ipv4_hdr h = nt_parse_ip(&f, i, &p, NULL);
        struct tt_icmp_hdr m;
        enum tt_drop_reason why;
        assert_int_equal(h.dst, NT_PEER);
        assert_memory_equal(f.cap.f[i], nt_mac_peer, 6);
        assert_int_equal(tt__icmp_parse(p, h.total_len - 20u, &m, &why), 8);
        assert_int_equal(tt__icmp_echo_seq(&m), i); /* oldest first */
        assert_int_equal(f.cap.t[i], TT_MSEC(300));
    }
    assert_int_equal(tt_stack_counters(f.s)->arp_resolved, 1);
    assert_int_equal(tt_stack_poll(f.s, TT_MSEC(300)), TT_TIME_NEVER);
    assert_int_equal(nt_total_drops(&f), 0);
    nt_teardown(&f);
}

static void test_expiry_reprobe(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_learn_peer(&f, 0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 1, NULL, 0, TT_SEC(30) - 1), 0);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(30)), TT_TIME_NEVER);
    /* First use after reachable_time: the datagram still goes to the known
     * MAC, then a unicast request re-checks it. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 2, NULL, 0, TT_SEC(30)), 0);
    assert_int_equal(f.cap.n, 3);
    assert_memory_equal(f.cap.f[1], nt_mac_peer, 6);
    assert_request_for(&f, 2, NT_PEER, nt_mac_peer);
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(30)), TT_SEC(31));
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(31)), TT_SEC(32));
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(32)), TT_SEC(33));
    assert_int_equal(f.cap.n, 5);
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(33)), TT_TIME_NEVER);
    /* Gone: the next datagram waits on a broadcast request. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 3, NULL, 0, TT_SEC(34)), 0);
    assert_int_equal(f.cap.n, 6);
    assert_request_for(&f, 5, NT_PEER, nt_mac_bcast);
    nt_teardown(&f);
}

static void test_expiry_reprobe_answered(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_learn_peer(&f, 0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 2, NULL, 0, TT_SEC(40)), 0);
    assert_int_equal(f.cap.n, 2);
    nt_input_arp(&f, nt_mac_us, TT_ARP_OP_REPLY, nt_mac_peer, NT_PEER, nt_mac_us, NT_US,
                 TT_SEC(40) + 5);
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(41)), TT_TIME_NEVER);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 3, NULL, 0, TT_SEC(41)), 0);
    assert_int_equal(f.cap.n, 3); /* fresh again: no probe */
    nt_teardown(&f);
}

static void test_gratuitous_and_merge(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_learn_peer(&f, 0);
    const uint8_t newmac[6] = {2, 0, 0, 0, 0, 0x22};
    /* Gratuitous ARP (sender = target = peer) moves the peer to a new MAC. */
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, newmac, NT_PEER, zero_mac, NT_PEER, 1);
    assert_int_equal(f.cap.n, 0);
    assert_int_equal(nt_total_drops(&f), 0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 1, NULL, 0, 2), 0);
    assert_int_equal(f.cap.n, 1);
    assert_memory_equal(f.cap.f[0], newmac, 6);
    /* Gratuitous ARP from a stranger is not learnt. */
    const uint32_t other = TT_IPV4_U32(192, 0, 2, 3);
    const uint8_t omac[6] = {2, 0, 0, 0, 0, 3};
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, omac, other, zero_mac, other, 3);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_NOT_FOR_US), 1);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(other), 1, 1, NULL, 0, 4), 0);
    assert_request_for(&f, 1, other, nt_mac_bcast);
    nt_teardown(&f);
}

static void test_bad_and_malformed(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    const uint8_t thief[6] = {2, 0, 0, 0, 0, 0x66};
    /* Sender claims our address: a conflict, never learnt nor answered. */
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, thief, NT_US, zero_mac, NT_US, 0);
    /* Multicast sender hardware address (Ethernet source is fine). */
    struct tt_arp_pkt a;
    memset(&a, 0, sizeof a);
    a.op = TT_ARP_OP_REQUEST;
    memcpy(a.sha, nt_mac_bcast, 6);
    a.spa = NT_PEER;
    a.tpa = NT_US;
    uint8_t buf[TT_ARP_LEN];
    tt__arp_emit(&a, buf, sizeof buf);
    nt_input_eth(&f, nt_mac_bcast, nt_mac_peer, TT_ETHERTYPE_ARP, buf, sizeof buf, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_BAD_SENDER), 2);
    /* Truncated, then an unsupported hardware type. */
    nt_input_eth(&f, nt_mac_bcast, nt_mac_peer, TT_ETHERTYPE_ARP, buf, 20, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_MALFORMED), 1);
    buf[1] = 6; /* htype IEEE 802 */
    nt_input_eth(&f, nt_mac_bcast, nt_mac_peer, TT_ETHERTYPE_ARP, buf, sizeof buf, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_UNSUPPORTED), 1);
    assert_int_equal(f.cap.n, 0);
    assert_int_equal(tt_stack_counters(f.s)->arp_in, 4);
    nt_teardown(&f);
}

static void test_eviction_lru_and_full(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    f.cfg.arp_cache_size = 2;
    nt_start(&f);
    const uint32_t a2 = NT_PEER, a3 = TT_IPV4_U32(192, 0, 2, 3), a4 = TT_IPV4_U32(192, 0, 2, 4);
    const uint8_t m3[6] = {2, 0, 0, 0, 0, 3}, m4[6] = {2, 0, 0, 0, 0, 4};
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, nt_mac_peer, a2, zero_mac, NT_US, 0);
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, m3, a3, zero_mac, NT_US, 1);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(a2), 1, 1, NULL, 0, 2), 0); /* a2 used last */
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, m4, a4, zero_mac, NT_US, 3);
    nt_cap_clear(&f.cap);
    /* a3 was least recently used: evicted. a2 and a4 stay. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(a2), 1, 2, NULL, 0, 4), 0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(a4), 1, 2, NULL, 0, 4), 0);
    assert_int_equal(f.cap.n, 2);
    assert_memory_equal(f.cap.f[0], nt_mac_peer, 6);
    assert_memory_equal(f.cap.f[1], m4, 6);
    nt_cap_clear(&f.cap);
    /* Two resolutions with datagrams waiting fill the cache; a third finds
     * no entry it may take. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 5)), 1, 1, NULL, 0, 5),
                     0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 6)), 1, 1, NULL, 0, 5),
                     0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 7)), 1, 1, NULL, 0, 5),
                     TT_ENOBUFS);
    assert_int_equal(nt_drops(&f, TT_DROP_ARP_CACHE_FULL), 1);
    assert_int_equal(f.cap.n, 2);
    /* Still answered, just not learnt, when the cache is full of waiters. */
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, m3, a3, zero_mac, NT_US, 6);
    assert_int_equal(f.cap.n, 3);
    assert_int_equal(tt_stack_counters(f.s)->arp_replies_out, 4);
    nt_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_reply_golden),
        cmocka_unit_test(test_request_not_for_us),
        cmocka_unit_test(test_resolution_gives_up),
        cmocka_unit_test(test_resolution_linux_pace),
        cmocka_unit_test(test_announce),
        cmocka_unit_test(test_resolution_flushes_queue),
        cmocka_unit_test(test_expiry_reprobe),
        cmocka_unit_test(test_expiry_reprobe_answered),
        cmocka_unit_test(test_gratuitous_and_merge),
        cmocka_unit_test(test_bad_and_malformed),
        cmocka_unit_test(test_eviction_lru_and_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
