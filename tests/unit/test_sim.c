/* SPDX-License-Identifier: BSD-2-Clause */
/* The simulation harness: two stacks ping each other over a memlink, with ARP,
 * on the virtual clock; exact times, captures, and the clock's rules. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pcap.h"
#include "sim.h"

struct frames_in {
    size_t n;
    tt_time at[64];
    size_t len[64];
    uint16_t ethertype[64];
};

static void trace_in(void *ctx, const struct tt_trace_event *ev)
{
    struct frames_in *f = ctx;
    if (ev->kind != TT_TRACE_FRAME_IN || f->n >= 64)
        return;
    f->at[f->n] = ev->now;
    f->len[f->n] = ev->frame_len;
    f->ethertype[f->n] = ev->frame_len >= 14 ? (uint16_t)(ev->frame[12] << 8 | ev->frame[13]) : 0;
    f->n++;
}

static void test_clock_rules(void **state)
{
    (void)state;
    struct tt_sim *sim;
    assert_int_equal(tt_sim_create(1, &sim), 0);
    assert_int_equal(tt_sim_now(sim), TT_SIM_START);
    assert_int_equal(tt_sim_step(sim), TT_TIME_NEVER); /* nothing at all: no spin */
    assert_int_equal(tt_sim_now(sim), TT_SIM_START);
    tt_sim_run_until(sim, TT_SEC(100));
    assert_int_equal(tt_sim_now(sim), TT_SEC(100));
    tt_sim_run_until(sim, TT_SEC(50)); /* never backwards */
    assert_int_equal(tt_sim_now(sim), TT_SEC(100));
    tt_sim_run_for(sim, TT_MSEC(5));
    assert_int_equal(tt_sim_now(sim), TT_SEC(100) + TT_MSEC(5));
    tt_sim_destroy(sim);
}

static void test_config_deterministic(void **state)
{
    (void)state;
    struct tt_sim *s1, *s2, *s3;
    assert_int_equal(tt_sim_create(7, &s1), 0);
    assert_int_equal(tt_sim_create(7, &s2), 0);
    assert_int_equal(tt_sim_create(8, &s3), 0);
    struct tt_config c1, c2, c3, c4;
    tt_sim_config_default(s1, 0, &c1);
    tt_sim_config_default(s2, 0, &c2);
    tt_sim_config_default(s3, 0, &c3);
    tt_sim_config_default(s1, 1, &c4);
    assert_memory_equal(c1.secret, c2.secret, sizeof c1.secret);
    assert_memory_not_equal(c1.secret, c3.secret, sizeof c1.secret);
    assert_memory_not_equal(c1.secret, c4.secret, sizeof c1.secret);
    assert_non_null(c1.allocator.alloc);
    tt_sim_destroy(s1);
    tt_sim_destroy(s2);
    tt_sim_destroy(s3);
}

/* Two stacks over a link delaying a->b by ab and b->a by ba, seed 3. */
static void pair_with_delays(struct tt_sim_pair *p, tt_time ab, tt_time ba)
{
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = ab;
    lc.faults[1].delay = ba;
    struct tt_sim_pair_opts o = {.link = &lc, .seed = 3};
    assert_int_equal(tt_sim_pair_create(p, &o), 0);
}

/* Ping over a 5 ms link: ARP request and reply, echo request and reply, each
 * arriving exactly 5 ms after it was sent. */
static void test_ping_pair(void **state)
{
    (void)state;
    struct tt_sim_pair p;
    pair_with_delays(&p, TT_MSEC(5), TT_MSEC(5));
    struct frames_in fa = {0}, fb = {0};
    tt_stack_set_trace(p.a, trace_in, &fa);
    tt_stack_set_trace(p.b, trace_in, &fb);

    tt_time t0 = tt_sim_now(p.sim);
    assert_int_equal(tt_stack_ping(p.a, TT_SIM_ADDR_B, 0x1234, 1, "hello", 5, t0), 0);
    tt_sim_run_for(p.sim, TT_MSEC(100));

    assert_int_equal(fb.n, 2); /* ARP request, echo request */
    assert_int_equal(fb.ethertype[0], 0x0806);
    assert_int_equal(fb.at[0], t0 + TT_MSEC(5));
    assert_int_equal(fb.ethertype[1], 0x0800);
    assert_int_equal(fb.at[1], t0 + TT_MSEC(15));
    assert_int_equal(fa.n, 2); /* ARP reply, echo reply */
    assert_int_equal(fa.at[0], t0 + TT_MSEC(10));
    assert_int_equal(fa.at[1], t0 + TT_MSEC(20));
    assert_int_equal(fa.len[1], 14 + 20 + 8 + 5);

    const struct tt_counters *ca = tt_stack_counters(p.a), *cb = tt_stack_counters(p.b);
    assert_int_equal(ca->icmp_in_msgs, 1);
    assert_int_equal(cb->icmp_in_echos, 1);
    assert_int_equal(cb->icmp_out_echo_reps, 1);
    assert_int_equal(ca->arp_requests_out, 1);
    assert_int_equal(cb->arp_replies_out, 1);
    const struct tt_memlink_counters *ml = tt_memlink_counters(p.link, TT_MEMLINK_A_TO_B);
    assert_int_equal(ml->delivered, 2);

    /* A second ping needs no ARP: 10 ms round trip. */
    t0 = tt_sim_now(p.sim);
    assert_int_equal(tt_stack_ping(p.a, TT_SIM_ADDR_B, 0x1234, 2, "again", 5, t0), 0);
    tt_sim_run_for(p.sim, TT_MSEC(100));
    assert_int_equal(fa.n, 3);
    assert_int_equal(fa.at[2], t0 + TT_MSEC(10));
    assert_int_equal(ca->icmp_in_msgs, 2);
    tt_sim_pair_destroy(&p);
    assert_null(p.sim);
}

/* tt_sim_next_event: the next frame due or deadline, without moving the clock. */
static void test_next_event(void **state)
{
    (void)state;
    struct tt_sim *empty;
    assert_int_equal(tt_sim_create(1, &empty), 0);
    assert_int_equal(tt_sim_next_event(empty), TT_TIME_NEVER);
    tt_sim_destroy(empty);

    struct tt_sim_pair p;
    pair_with_delays(&p, TT_MSEC(5), TT_MSEC(7));
    tt_time t0 = tt_sim_now(p.sim);
    assert_int_equal(tt_stack_ping(p.a, TT_SIM_ADDR_B, 0x1234, 1, "hello", 5, t0), 0);
    tt_time next = tt_sim_next_event(p.sim);
    assert_int_equal(next, t0 + TT_MSEC(5)); /* the ARP request reaches b */
    assert_int_equal(tt_sim_now(p.sim), t0); /* the clock did not move */
    tt_sim_run_until(p.sim, next);
    assert_int_equal(tt_sim_next_event(p.sim), t0 + TT_MSEC(12)); /* b's reply reaches a */
    tt_sim_pair_destroy(&p);
}

struct wait_reply {
    const struct tt_counters *c;
    uint64_t want;
};

static int too_few_replies(void *ctx)
{
    const struct wait_reply *w = ctx;
    return w->c->icmp_in_msgs < w->want;
}

static void test_run_while(void **state)
{
    (void)state;
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = TT_MSEC(2);
    lc.faults[1].delay = TT_MSEC(3);
    struct tt_sim_pair_opts o = {.link = &lc};
    struct tt_sim_pair p;
    assert_int_equal(tt_sim_pair_create(&p, &o), 0);
    struct wait_reply w = {tt_stack_counters(p.a), 1};
    tt_time t0 = tt_sim_now(p.sim);
    assert_int_equal(tt_stack_ping(p.a, TT_SIM_ADDR_B, 1, 1, "x", 1, t0), 0);
    assert_int_equal(tt_sim_run_while(p.sim, too_few_replies, &w, t0 + TT_SEC(5)), 0);
    /* Stopped at the very event: ARP 2 + 3 ms, echo 2 + 3 ms. */
    assert_int_equal(tt_sim_now(p.sim), t0 + TT_MSEC(10));

    /* A ping to an address nobody has: no reply by the time limit. */
    t0 = tt_sim_now(p.sim);
    assert_int_equal(tt_stack_ping(p.a, TT_IPV4(192, 0, 2, 77), 1, 2, "x", 1, t0), 0);
    w.want = 2;
    assert_int_equal(tt_sim_run_while(p.sim, too_few_replies, &w, t0 + TT_SEC(10)), TT_ETIMEDOUT);
    assert_int_equal(w.c->icmp_in_msgs, 1);
    assert_true(w.c->arp_requests_out >= 2); /* retried the unknown address */
    assert_int_equal(tt_sim_now(p.sim), t0 + TT_SEC(10));
    tt_sim_pair_destroy(&p);
}

static void test_capture(void **state)
{
    (void)state;
    char path[] = "/tmp/tt_test_sim_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.faults[0].delay = TT_MSEC(1);
    lc.faults[1].delay = TT_MSEC(1);
    struct tt_sim_pair_opts o = {.link = &lc};
    struct tt_sim_pair p;
    assert_int_equal(tt_sim_pair_create(&p, &o), 0);
    assert_int_equal(tt_sim_capture(p.sim, p.link, TT_MEMLINK_A, path), 0);
    tt_time t0 = tt_sim_now(p.sim);
    assert_int_equal(tt_stack_ping(p.a, TT_SIM_ADDR_B, 9, 9, "pcap", 4, t0), 0);
    tt_sim_run_for(p.sim, TT_MSEC(50));
    tt_sim_pair_destroy(&p); /* closes the capture */

    struct tt_pcap_reader *r;
    assert_int_equal(tt_pcap_reader_open(path, &r), 0);
    assert_int_equal(tt_pcap_reader_linktype(r), TT_PCAP_LINKTYPE_ETHERNET);
    struct tt_pcap_frame f;
    const uint16_t types[4] = {0x0806, 0x0806, 0x0800, 0x0800};
    const tt_time at[4] = {t0, t0 + TT_MSEC(2), t0 + TT_MSEC(2), t0 + TT_MSEC(4)};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(tt_pcap_read(r, &f), 1);
        assert_int_equal(f.ethertype, types[i]);
        assert_int_equal(f.ts, at[i]);
    }
    assert_int_equal(tt_pcap_read(r, &f), 0);
    tt_pcap_reader_close(r);
    unlink(path);
}

static void test_raw_ip_pair(void **state)
{
    (void)state;
    struct tt_memlink_config lc;
    tt_memlink_config_default(&lc);
    lc.framing = TT_FRAMING_RAW_IP;
    lc.faults[0].delay = TT_MSEC(1);
    lc.faults[1].delay = TT_MSEC(1);
    struct tt_sim_pair_opts o = {.link = &lc};
    struct tt_sim_pair p;
    assert_int_equal(tt_sim_pair_create(&p, &o), 0);
    assert_int_equal(tt_stack_ping(p.a, TT_SIM_ADDR_B, 1, 1, "raw", 3, tt_sim_now(p.sim)), 0);
    tt_sim_run_for(p.sim, TT_MSEC(10));
    assert_int_equal(tt_stack_counters(p.a)->icmp_in_msgs, 1);
    assert_int_equal(tt_stack_counters(p.a)->arp_requests_out, 0);
    tt_sim_pair_destroy(&p);
}

static void test_attach_errors(void **state)
{
    (void)state;
    struct tt_sim_pair p;
    assert_int_equal(tt_sim_pair_create(&p, NULL), 0);
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.addr = TT_IPV4(192, 0, 2, 3);
    ic.prefix_len = 24;
    assert_int_equal(tt_sim_attach(p.sim, p.link, TT_MEMLINK_A, p.a, &ic), TT_EALREADY);
    assert_int_equal(tt_sim_capture(p.sim, p.link, TT_MEMLINK_A, "/nonexistent-dir/x.pcap"),
                     TT_ENOENT);
    struct tt_memlink *other;
    assert_true(tt_sim_add_link(p.sim, NULL, &other) >= 0);
    assert_int_equal(tt_sim_capture(p.sim, other, TT_MEMLINK_B, "/tmp/x.pcap"), TT_EINVAL);
    tt_sim_pair_destroy(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clock_rules),   cmocka_unit_test(test_config_deterministic),
        cmocka_unit_test(test_ping_pair),     cmocka_unit_test(test_run_while),
        cmocka_unit_test(test_capture),       cmocka_unit_test(test_raw_ip_pair),
        cmocka_unit_test(test_attach_errors), cmocka_unit_test(test_next_event),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
