/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Two stacks wired back to back over Ethernet, on a virtual clock: each one's
 * transmit queues the frame for the other, and a pump delivers the queue.
 * They resolve each other with ARP and ping each other, with small and with
 * fragmented echoes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_net_helpers.h"

#define QMAX 256

struct wire {
    int n, head;
    uint8_t *f[QMAX];
    size_t len[QMAX];
    uint64_t sent;
};

static int wire_tx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    (void)now;
    struct wire *w = ctx;
    assert_true(w->n < QMAX);
    w->f[w->n] = malloc(len);
    memcpy(w->f[w->n], frame, len);
    w->len[w->n] = len;
    w->n++;
    w->sent++;
    return 0;
}

struct pair {
    struct nt_alloc aa, ab;
    struct tt_stack *a, *b;
    struct wire a_to_b, b_to_a;
};

static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0xa}, mac_b[6] = {2, 0, 0, 0, 0, 0xb};
#define IP_A TT_IPV4(192, 0, 2, 10)
#define IP_B TT_IPV4(192, 0, 2, 11)

static struct tt_stack *make(struct nt_alloc *al, struct wire *out, const uint8_t mac[6],
                             uint32_t addr, uint32_t mtu, uint64_t k)
{
    struct tt_config cfg;
    tt_config_default(&cfg);
    cfg.allocator.alloc = nt_alloc_fn;
    cfg.allocator.free = nt_free_fn;
    cfg.allocator.ctx = al;
    cfg.secret[0] = k;
    struct tt_stack *s;
    assert_int_equal(tt_stack_create(&cfg, &s), 0);
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link.framing = TT_FRAMING_ETHERNET;
    ic.link.mtu = mtu;
    ic.link.transmit = wire_tx;
    ic.link.ctx = out;
    memcpy(ic.mac, mac, 6);
    ic.addr = TT_ADDR_V4(addr);
    ic.prefix_len = 24;
    assert_int_equal(tt_stack_add_iface(s, &ic), 0);
    return s;
}

static void pair_init(struct pair *p, uint32_t mtu)
{
    memset(p, 0, sizeof *p);
    p->a = make(&p->aa, &p->a_to_b, mac_a, IP_A.v4, mtu, 1);
    p->b = make(&p->ab, &p->b_to_a, mac_b, IP_B.v4, mtu, 2);
}

/* Deliver queued frames both ways until the wire is quiet. */
static int pump(struct pair *p, tt_time now)
{
    int moved = 0;
    while (p->a_to_b.head < p->a_to_b.n || p->b_to_a.head < p->b_to_a.n) {
        struct wire *w = p->a_to_b.head < p->a_to_b.n ? &p->a_to_b : &p->b_to_a;
        struct tt_stack *dst = w == &p->a_to_b ? p->b : p->a;
        int i = w->head++;
        assert_int_equal(tt_stack_input(dst, 0, w->f[i], w->len[i], now), 0);
        free(w->f[i]);
        moved++;
        if (w->head == w->n)
            w->head = w->n = 0;
    }
    return moved;
}

static void pair_fini(struct pair *p)
{
    assert_int_equal(tt_stack_mem_in_use(p->a), p->aa.outstanding);
    tt_stack_destroy(p->a);
    tt_stack_destroy(p->b);
    assert_int_equal(p->aa.outstanding, 0);
    assert_int_equal(p->ab.outstanding, 0);
}

static uint64_t drops(struct tt_stack *s)
{
    uint64_t n = 0;
    for (int i = 0; i < TT_DROP_COUNT; i++)
        n += tt_stack_counters(s)->drops[i];
    return n;
}

static void test_ping_with_arp(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, 0);
    assert_int_equal(tt_stack_ping(p.a, IP_B, 7, 1, "hello", 5, 0), 0);
    /* ARP request, ARP reply, echo request, echo reply. */
    assert_int_equal(pump(&p, 0), 4);
    const struct tt_counters *ca = tt_stack_counters(p.a), *cb = tt_stack_counters(p.b);
    assert_int_equal(ca->arp_requests_out, 1);
    assert_int_equal(ca->arp_resolved, 1);
    assert_int_equal(cb->arp_replies_out, 1);
    assert_int_equal(cb->icmp_in_echos, 1);
    assert_int_equal(cb->icmp_out_echo_reps, 1);
    assert_int_equal(ca->icmp_in_msgs, 1);
    /* B learnt A from the request: B pings A without ARP. */
    assert_int_equal(tt_stack_ping(p.b, IP_A, 8, 1, NULL, 0, 1), 0);
    assert_int_equal(pump(&p, 1), 2);
    assert_int_equal(cb->arp_requests_out, 0);
    assert_int_equal(cb->icmp_in_msgs, 2);
    assert_int_equal(drops(p.a) + drops(p.b), 0);
    assert_int_equal(tt_stack_poll(p.a, 1), TT_TIME_NEVER);
    assert_int_equal(tt_stack_poll(p.b, 1), TT_TIME_NEVER);
    pair_fini(&p);
}

static void test_fragmented_ping(void **state)
{
    (void)state;
    struct pair p;
    pair_init(&p, 576);
    static uint8_t data[4000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)(i ^ (i >> 8));
    /* 4008 bytes of ICMP in 552-byte pieces: 8 fragments each way. ARP's
     * queue holds 3: the first try loses fragments (and says so). */
    assert_int_equal(tt_stack_ping(p.a, IP_B, 9, 1, data, sizeof data, 0), TT_ENOBUFS);
    pump(&p, 0);
    assert_int_equal(tt_stack_ping(p.a, IP_B, 9, 2, data, sizeof data, 1), 0);
    assert_int_equal(pump(&p, 1), 16);
    const struct tt_counters *ca = tt_stack_counters(p.a), *cb = tt_stack_counters(p.b);
    assert_int_equal(cb->ip_reasm_oks, 1);
    assert_int_equal(cb->ip_reasm_reqds, 3 + 8); /* 3 from the first try */
    assert_int_equal(cb->icmp_out_echo_reps, 1);
    assert_int_equal(ca->ip_reasm_oks, 1);
    assert_int_equal(ca->icmp_in_msgs, 1);
    /* The first ping: 3 fragments queued behind ARP, the rest refused. */
    assert_int_equal(ca->drops[TT_DROP_ARP_QUEUE_FULL], 5);
    assert_int_equal(cb->drops[TT_DROP_IP_FRAG_NOMEM] + cb->drops[TT_DROP_IP_FRAG_INVALID], 0);
    /* B holds the 3 orphan fragments of the first ping, fragment zero among
     * them, until the timeout: then a time exceeded goes back to A. */
    assert_int_equal(tt_stack_poll(p.b, 1), TT_SEC(30));
    assert_int_equal(tt_stack_poll(p.b, TT_SEC(30)), TT_SEC(31)); /* ARP re-probe of A */
    assert_int_equal(cb->drops[TT_DROP_IP_FRAG_TIMEOUT], 1);
    pump(&p, TT_SEC(30));
    assert_int_equal(ca->icmp_in_msgs, 2);
    assert_int_equal(ca->drops[TT_DROP_ICMP_UNHANDLED], 1); /* about ICMP: not for TCP */
    assert_int_equal(tt_stack_poll(p.b, TT_SEC(30)), TT_TIME_NEVER);
    pair_fini(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_with_arp),
        cmocka_unit_test(test_fragmented_ping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
