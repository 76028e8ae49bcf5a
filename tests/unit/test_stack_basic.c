/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stack object: creation, configuration checks, interfaces, memory
 * accounting (mem_limit, the fixed-pool allocator), keyed IP IDs, and the
 * Ethernet demultiplexer's drops.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <tether/alloc.h>

#include "test_net_helpers.h"

static void test_create_destroy_no_leak(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    assert_true(tt_stack_mem_in_use(f.s) > 0);
    assert_int_equal(tt_stack_mem_in_use(f.s), f.a.outstanding);
    assert_int_equal(tt_stack_poll(f.s, 0), TT_TIME_NEVER);
    nt_teardown(&f);
}

static void test_bad_configs(void **state)
{
    (void)state;
    struct nt_fix f;
    struct tt_stack *s = (struct tt_stack *)1;
    nt_config(&f);
    f.cfg.allocator.alloc = NULL;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_EINVAL);
    nt_config(&f);
    f.cfg.allocator.free = NULL;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_EINVAL);
    nt_config(&f);
    f.cfg.ip_default_ttl = 0;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_EINVAL);
    nt_config(&f);
    f.cfg.arp_cache_size = 0;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_EINVAL);
    nt_config(&f);
    f.cfg.arp_max_probes = 0;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_EINVAL);
    nt_config(&f);
    f.cfg.ipfrag_timeout = 0;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_EINVAL);
    assert_int_equal(tt_stack_create(NULL, &s), TT_EINVAL);
    /* A limit below the stack object itself. */
    nt_config(&f);
    f.cfg.mem_limit = 100;
    assert_int_equal(tt_stack_create(&f.cfg, &s), TT_ENOMEM);
    assert_int_equal(f.a.outstanding, 0);
}

static void test_add_iface_checks(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    assert_int_equal(tt_stack_create(&f.cfg, &f.s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f.cap);
    ic.link.transmit = NULL;
    assert_int_equal(tt_stack_add_iface(f.s, &ic), TT_EINVAL);
    ic = nt_iface_eth(&f.cap);
    ic.prefix_len = 33;
    assert_int_equal(tt_stack_add_iface(f.s, &ic), TT_EINVAL);
    ic = nt_iface_eth(&f.cap);
    ic.link.mtu = 67;
    assert_int_equal(tt_stack_add_iface(f.s, &ic), TT_EINVAL);
    ic.link.mtu = 9001;
    assert_int_equal(tt_stack_add_iface(f.s, &ic), TT_EINVAL);
    ic = nt_iface_eth(&f.cap);
    ic.mac[0] = 1; /* multicast */
    assert_int_equal(tt_stack_add_iface(f.s, &ic), TT_EINVAL);
    ic = nt_iface_eth(&f.cap);
    for (int i = 0; i < TT_MAX_IFACES; i++) {
        ic.addr = TT_IPV4(192, 0, 2, 10 + i);
        ic.link.mtu = i == 0 ? 0 : 68;
        assert_int_equal(tt_stack_add_iface(f.s, &ic), i);
    }
    assert_int_equal(tt_stack_add_iface(f.s, &ic), TT_ENOSPC);
    /* MTU 0 means 1500. */
    struct tt_route r;
    assert_int_equal(tt__ip_route(f.s, TT_ADDR_V4(NT_PEER), &r), 0);
    assert_int_equal(r.mtu, 1500);
    uint8_t b[1] = {0};
    assert_int_equal(tt_stack_input(f.s, TT_MAX_IFACES, b, 1, 0), TT_EINVAL);
    assert_int_equal(tt_stack_input(f.s, -1, b, 1, 0), TT_EINVAL);
    assert_int_equal(tt_stack_input(f.s, 0, NULL, 1, 0), TT_EINVAL);
    nt_teardown(&f);
}

/* The IP ID of the first datagram a stack sends, for a given secret. */
static uint16_t first_ip_id(uint64_t k0)
{
    struct nt_fix f;
    nt_config(&f);
    f.cfg.secret[0] = k0;
    nt_start(&f);
    nt_learn_peer(&f, 0);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 1, "x", 1, 0), 0);
    assert_int_equal(f.cap.n, 1);
    struct tt_ipv4_hdr h = nt_parse_ip(&f, 0, NULL, NULL);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 1, 2, "x", 1, 0), 0);
    struct tt_ipv4_hdr h2 = nt_parse_ip(&f, 1, NULL, NULL);
    assert_int_equal((uint16_t)(h.id + 1), h2.id); /* a counter from the keyed start */
    nt_teardown(&f);
    return h.id;
}

static void test_keyed_ip_id(void **state)
{
    (void)state;
    uint16_t a = first_ip_id(1), b = first_ip_id(1), c = first_ip_id(2);
    assert_int_equal(a, b);
    assert_int_not_equal(a, c);
}

static void test_eth_demux_drops(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    uint8_t small[10] = {0};
    assert_int_equal(tt_stack_input(f.s, 0, small, sizeof small, 0), 0);
    assert_int_equal(nt_drops(&f, TT_DROP_LINK_TRUNCATED), 1);
    uint8_t pl[46] = {0};
    const uint8_t other[6] = {2, 0, 0, 0, 0, 9};
    const uint8_t mcast[6] = {1, 0, 0x5e, 0, 0, 1};
    nt_input_eth(&f, other, nt_mac_peer, TT_ETHERTYPE_IPV4, pl, sizeof pl, 0);
    nt_input_eth(&f, mcast, nt_mac_peer, TT_ETHERTYPE_IPV4, pl, sizeof pl, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ETH_NOT_FOR_US), 2);
    nt_input_eth(&f, nt_mac_us, mcast, TT_ETHERTYPE_IPV4, pl, sizeof pl, 0);
    nt_input_eth(&f, nt_mac_us, nt_mac_bcast, TT_ETHERTYPE_IPV4, pl, sizeof pl, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ETH_SRC_INVALID), 2);
    nt_input_eth(&f, nt_mac_us, nt_mac_peer, 0x86dd, pl, sizeof pl, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ETH_UNKNOWN_TYPE), 1);
    assert_int_equal(tt_stack_counters(f.s)->link_in_frames, 6);
    assert_int_equal(nt_total_drops(&f), 6);
    assert_int_equal(f.cap.n, 0);
    nt_teardown(&f);
}

struct trace_log {
    int n;
    enum tt_trace_kind kind[16];
    enum tt_drop_reason drop[16];
    size_t len[16];
};

static void trace_fn(void *ctx, const struct tt_trace_event *ev)
{
    struct trace_log *t = ctx;
    if (t->n < 16) {
        t->kind[t->n] = ev->kind;
        t->drop[t->n] = ev->drop;
        t->len[t->n] = ev->frame_len;
        t->n++;
    }
}

static void test_trace_in_drop_out(void **state)
{
    (void)state;
    struct nt_fix f;
    struct trace_log t = {0};
    nt_setup(&f);
    tt_stack_set_trace(f.s, trace_fn, &t);
    uint8_t pl[46] = {0};
    nt_input_eth(&f, nt_mac_us, nt_mac_peer, 0x1234, pl, sizeof pl, 5);
    assert_int_equal(t.n, 2);
    assert_int_equal(t.kind[0], TT_TRACE_FRAME_IN);
    assert_int_equal(t.len[0], 60);
    assert_int_equal(t.kind[1], TT_TRACE_DROP);
    assert_int_equal(t.drop[1], TT_DROP_ETH_UNKNOWN_TYPE);
    /* A failing link: LINK_TX_FAILED, no FRAME_OUT. */
    f.cap.fail = 1;
    static const uint8_t zero[6];
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, nt_mac_peer, NT_PEER, zero, NT_US, 6);
    assert_int_equal(nt_drops(&f, TT_DROP_LINK_TX_FAILED), 1);
    assert_int_equal(t.kind[t.n - 1], TT_TRACE_DROP);
    f.cap.fail = 0;
    nt_input_arp(&f, nt_mac_bcast, TT_ARP_OP_REQUEST, nt_mac_peer, NT_PEER, zero, NT_US, 7);
    assert_int_equal(t.kind[t.n - 1], TT_TRACE_FRAME_OUT);
    assert_int_equal(t.len[t.n - 1], 42);
    assert_int_equal(tt_stack_counters(f.s)->link_out_frames, 1);
    tt_stack_set_trace(f.s, NULL, NULL);
    int before = t.n;
    nt_input_eth(&f, nt_mac_us, nt_mac_peer, 0x1234, pl, sizeof pl, 8);
    assert_int_equal(t.n, before);
    nt_teardown(&f);
}

/* A stack served entirely from a static pool. */
static void test_fixed_allocator(void **state)
{
    (void)state;
    static uint8_t pool[1 << 20];
    struct tt_fixed_allocator fa;
    tt_fixed_allocator_init(&fa, pool, sizeof pool);
    struct nt_fix f;
    nt_config(&f);
    f.cfg.allocator = tt_fixed_allocator_hooks(&fa);
    f.cfg.arp_cache_size = 16;
    f.cfg.ipfrag_max_datagrams = 4;
    assert_int_equal(tt_stack_create(&f.cfg, &f.s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f.cap);
    assert_int_equal(tt_stack_add_iface(f.s, &ic), 0);
    assert_true(fa.in_use > 0);
    /* ARP resolution queues a datagram from the pool; ping answered through it. */
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(NT_PEER), 7, 1, "abc", 3, 0), 0);
    static const uint8_t zero[6];
    nt_input_arp(&f, nt_mac_us, TT_ARP_OP_REPLY, nt_mac_peer, NT_PEER, zero, NT_US, 10);
    assert_int_equal(f.cap.n, 2); /* request, then the queued echo request */
    uint8_t msg[64], dg[128];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 9, 9, "hello", 5);
    size_t dl = nt_ip(dg, nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, 1), msg, ml);
    nt_input_ip(&f, dg, dl, 20);
    assert_int_equal(tt_stack_counters(f.s)->icmp_out_echo_reps, 1);
    assert_int_equal(f.cap.n, 3);
    tt_stack_destroy(f.s);
    assert_int_equal(fa.in_use, 0);
    nt_cap_clear(&f.cap);
}

/* A mem_limit that leaves no room for an echo reply: counted, no crash. */
static void test_mem_limit_drop(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    nt_start(&f);
    size_t base = tt_stack_mem_in_use(f.s);
    tt_stack_destroy(f.s);
    nt_cap_clear(&f.cap);
    nt_config(&f);
    f.cfg.mem_limit = base + 16;
    nt_start(&f);
    nt_learn_peer(&f, 0);
    uint8_t msg[64], dg[128];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 9, 9, "0123456789abcdef", 16);
    size_t dl = nt_ip(dg, nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, 1), msg, ml);
    nt_input_ip(&f, dg, dl, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_NOMEM), 1);
    assert_int_equal(f.cap.n, 0);
    assert_true(tt_stack_mem_in_use(f.s) <= base + 16);
    /* And an outgoing datagram that must wait on ARP cannot be queued. */
    assert_int_equal(tt_stack_ping(f.s, TT_IPV4(192, 0, 2, 77), 1, 1, NULL, 0, 2), TT_ENOMEM);
    nt_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_destroy_no_leak), cmocka_unit_test(test_bad_configs),
        cmocka_unit_test(test_add_iface_checks),       cmocka_unit_test(test_keyed_ip_id),
        cmocka_unit_test(test_eth_demux_drops),        cmocka_unit_test(test_trace_in_drop_out),
        cmocka_unit_test(test_fixed_allocator),        cmocka_unit_test(test_mem_limit_drop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
