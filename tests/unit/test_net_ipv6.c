/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 on the virtual clock (RFC 8200, 4443, 4861, 4862): the link-local
 * address and its DAD, neighbor solicitation both ways, each neighbor-cache
 * state transition with its timer, the bounded pending queue, router
 * advertisements (default router, on-link prefix, SLAAC, MTU), parameter
 * problems and their rate limit, atomic fragments, and ping6 between two
 * stacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_net_helpers.h"

#include "net/net.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"

/* fe80::ff:fe00:1 and :2: the modified EUI-64 of 02:00:00:00:00:01 / :02
 * (RFC 4291 Appendix A: the U/L bit of 02 flipped to 00, ff:fe inserted). */
static const uint8_t ll_us[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 1};
static const uint8_t ll_peer[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xfe, 0, 0, 2};
static const uint8_t ll_router[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t mac_router[6] = {2, 0, 0, 0, 0, 0x99};
static const uint8_t any6[16];

static void setup6(struct nt_fix *f)
{
    nt_config(f);
    assert_int_equal(tt_stack_create(&f->cfg, &f->s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f->cap);
    ic.ipv6 = 1;
    f->ifi = tt_stack_add_iface(f->s, &ic);
    assert_int_equal(f->ifi, 0);
}

/* A captured frame as IPv6: the header, *msg at its payload. */
static struct tt_ipv6_hdr cap6(const struct nt_fix *f, int i, uint8_t edst[6], const uint8_t **msg)
{
    struct tt_eth_hdr eh;
    struct tt_ipv6_hdr h;
    enum tt_drop_reason why;
    assert_true(i < f->cap.n);
    assert_int_equal(tt__eth_parse(f->cap.f[i], f->cap.len[i], &eh), 14);
    assert_int_equal(eh.type, TT_ETHERTYPE_IPV6);
    assert_memory_equal(eh.src, nt_mac_us, 6);
    if (edst)
        memcpy(edst, eh.dst, 6);
    assert_int_equal(tt__ipv6_parse(f->cap.f[i] + 14, f->cap.len[i] - 14, &h, &why), 40);
    *msg = f->cap.f[i] + 14 + 40;
    return h;
}

/* Captured frame i as an NDP message (checksum verified). */
static struct tt_ndp_msg cap_ndp(const struct nt_fix *f, int i, uint8_t edst[6],
                                 struct tt_ipv6_hdr *hp)
{
    const uint8_t *msg;
    struct tt_ipv6_hdr h = cap6(f, i, edst, &msg);
    struct tt_icmp6_hdr m;
    struct tt_ndp_msg n;
    assert_int_equal(h.next, TT_IPPROTO_ICMPV6);
    assert_int_equal(h.hop_limit, 255);
    assert_int_equal(tt__icmp6_parse(msg, h.payload_len, h.src, h.dst, &m, NULL), 8);
    assert_int_equal(tt__ndp_parse(msg, h.payload_len, tt__ip6_is_unspecified(h.src), &n, NULL), 0);
    if (hp)
        *hp = h;
    return n;
}

/* Feed an IPv6 packet (header from the arguments, then `body`, len bytes;
 * an ICMPv6 body gets its checksum) in an Ethernet frame. */
static void in6(struct nt_fix *f, const uint8_t edst[6], const uint8_t esrc[6],
                const uint8_t src[16], const uint8_t dst[16], uint8_t next, uint8_t hl,
                const uint8_t *body, size_t len, tt_time now)
{
    uint8_t *pk = malloc(40 + len);
    struct tt_ipv6_hdr h;
    memset(&h, 0, sizeof h);
    h.payload_len = (uint16_t)len;
    h.next = next;
    h.hop_limit = hl;
    memcpy(h.src, src, 16);
    memcpy(h.dst, dst, 16);
    tt__ipv6_emit(&h, pk, 40);
    memcpy(pk + 40, body, len);
    if (next == TT_IPPROTO_ICMPV6)
        tt__icmp6_set_cksum(pk + 40, len, src, dst);
    nt_input_eth(f, edst, esrc, TT_ETHERTYPE_IPV6, pk, 40 + len, now);
    free(pk);
}

static void in_ndp(struct nt_fix *f, const uint8_t edst[6], const uint8_t esrc[6],
                   const uint8_t src[16], const uint8_t dst[16], const struct tt_ndp_msg *m,
                   tt_time now)
{
    uint8_t b[200];
    int n = tt__ndp_emit(m, src, dst, b, sizeof b);
    assert_true(n > 0);
    in6(f, edst, esrc, src, dst, TT_IPPROTO_ICMPV6, 255, b, (size_t)n, now);
}

static void mcast_mac(const uint8_t a[16], uint8_t mac[6])
{
    tt__ip6_mcast_mac(a, mac);
}

/* Bring the interface up and let DAD finish: ll_us usable from 1 s on. */
static void up6(struct nt_fix *f)
{
    assert_int_equal(tt_stack_iface_up(f->s, f->ifi, 0), 0);
    tt_stack_poll(f->s, TT_SEC(1));
    uint8_t a[16];
    assert_int_equal(tt__ip6_linklocal(f->s, f->ifi, a), 1);
    nt_cap_clear(&f->cap);
}

/* The peer solicits us with its link-layer address: it becomes STALE. */
static void peer_solicits(struct nt_fix *f, tt_time now)
{
    struct tt_ndp_msg m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_NS;
    memcpy(m.target, ll_us, 16);
    m.has_slla = 1;
    memcpy(m.slla, nt_mac_peer, 6);
    uint8_t sn[16], mac[6];
    tt__ip6_solicited_node(ll_us, sn);
    mcast_mac(sn, mac);
    in_ndp(f, mac, nt_mac_peer, ll_peer, sn, &m, now);
}

static void peer_advertises(struct nt_fix *f, int solicited, tt_time now)
{
    struct tt_ndp_msg m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_NA;
    memcpy(m.target, ll_peer, 16);
    m.solicited = (uint8_t)solicited;
    m.override = 1;
    m.has_tlla = 1;
    memcpy(m.tlla, nt_mac_peer, 6);
    in_ndp(f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, &m, now);
}

static void test_linklocal_dad(void **state)
{
    struct nt_fix f;
    (void)state;
    setup6(&f);
    uint8_t a[16], edst[6], sn[16], mac[6];
    assert_int_equal(tt_stack_iface_up(f.s, f.ifi, 0), 0);
    assert_int_equal(tt__ip6_linklocal(f.s, f.ifi, a), 0); /* tentative */
    /* The ARP announcement, then the DAD probe (RFC 4862 §5.4.2): from
     * ::, to the solicited-node group, for ll_us, without SLLA. */
    assert_int_equal(f.cap.n, 2);
    struct tt_ipv6_hdr h;
    struct tt_ndp_msg n = cap_ndp(&f, 1, edst, &h);
    tt__ip6_solicited_node(ll_us, sn);
    mcast_mac(sn, mac);
    static const uint8_t want_mac[6] = {0x33, 0x33, 0xff, 0, 0, 1};
    assert_memory_equal(mac, want_mac, 6);
    assert_memory_equal(edst, want_mac, 6);
    assert_memory_equal(h.src, any6, 16);
    assert_memory_equal(h.dst, sn, 16);
    assert_int_equal(n.type, TT_ICMP6_NS);
    assert_memory_equal(n.target, ll_us, 16);
    assert_int_equal(n.has_slla, 0);
    /* Nothing answers for one retrans time: preferred, and a router
     * solicitation goes to all-routers with our SLLA. */
    assert_int_equal(tt_stack_poll(f.s, TT_SEC(1) - 1), TT_SEC(1));
    assert_int_equal(tt__ip6_linklocal(f.s, f.ifi, a), 0);
    tt_stack_poll(f.s, TT_SEC(1));
    assert_int_equal(tt__ip6_linklocal(f.s, f.ifi, a), 1);
    assert_memory_equal(a, ll_us, 16);
    assert_int_equal(f.cap.n, 3);
    n = cap_ndp(&f, 2, edst, &h);
    assert_int_equal(n.type, TT_ICMP6_RS);
    assert_memory_equal(h.src, ll_us, 16);
    assert_int_equal(h.dst[15], 2);
    assert_int_equal(n.has_slla, 1);
    assert_int_equal(tt_stack_counters(f.s)->ndp_dad_ok, 1);
    nt_teardown(&f);
}

static void test_dad_conflict(void **state)
{
    (void)state;
    for (int how = 0; how < 2; how++) {
        struct nt_fix f;
        setup6(&f);
        assert_int_equal(tt_stack_iface_up(f.s, f.ifi, 0), 0);
        struct tt_ndp_msg m;
        memset(&m, 0, sizeof m);
        memcpy(m.target, ll_us, 16);
        uint8_t sn[16], mac[6], a[16];
        tt__ip6_solicited_node(ll_us, sn);
        mcast_mac(sn, mac);
        static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static const uint8_t mac_all[6] = {0x33, 0x33, 0, 0, 0, 1};
        if (how == 0) {
            /* Someone already has it: its NA (RFC 4862 §5.4.4). */
            m.type = TT_ICMP6_NA;
            m.override = 1;
            m.has_tlla = 1;
            memcpy(m.tlla, nt_mac_peer, 6);
            in_ndp(&f, mac_all, nt_mac_peer, ll_peer, all_nodes, &m, TT_MSEC(300));
        } else {
            /* Someone probes for it at the same time (§5.4.3). */
            m.type = TT_ICMP6_NS;
            in_ndp(&f, mac, nt_mac_peer, any6, sn, &m, TT_MSEC(300));
        }
        assert_int_equal(nt_drops(&f, TT_DROP_NDP_DAD_CONFLICT), 1);
        nt_cap_clear(&f.cap);
        tt_stack_poll(f.s, TT_SEC(2));
        assert_int_equal(tt__ip6_linklocal(f.s, f.ifi, a), 0);
        assert_int_equal(f.cap.n, 0); /* no RS from a duplicate address */
        assert_int_equal(tt_stack_counters(f.s)->ndp_dad_ok, 0);
        /* And nothing is sent from it. */
        assert_int_equal(tt__ip6_ping(f.s, ll_peer, 1, 1, "x", 1, TT_SEC(3)), TT_ENETUNREACH);
        nt_teardown(&f);
    }
}

static void test_ns_answered(void **state)
{
    struct nt_fix f;
    (void)state;
    setup6(&f);
    up6(&f);
    peer_solicits(&f, TT_SEC(2));
    assert_int_equal(f.cap.n, 1);
    uint8_t edst[6];
    struct tt_ipv6_hdr h;
    struct tt_ndp_msg n = cap_ndp(&f, 0, edst, &h);
    /* RFC 4861 §7.2.4: solicited, override, our TLLA, to the asker. */
    assert_memory_equal(edst, nt_mac_peer, 6);
    assert_memory_equal(h.src, ll_us, 16);
    assert_memory_equal(h.dst, ll_peer, 16);
    assert_int_equal(n.type, TT_ICMP6_NA);
    assert_int_equal(n.solicited, 1);
    assert_int_equal(n.override, 1);
    assert_int_equal(n.router, 0);
    assert_int_equal(n.has_tlla, 1);
    assert_memory_equal(n.tlla, nt_mac_us, 6);
    assert_memory_equal(n.target, ll_us, 16);
    /* §7.2.3: the asker is learned STALE, and the advertisement just sent
     * to it moved it on to DELAY (§7.3.3). */
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, TT_SEC(2)), TT__ND_DELAY);
    /* A hop limit other than 255 is refused (§7.1.1). */
    struct tt_ndp_msg m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_NS;
    memcpy(m.target, ll_us, 16);
    uint8_t b[64];
    int len = tt__ndp_emit(&m, ll_peer, ll_us, b, sizeof b);
    in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, TT_IPPROTO_ICMPV6, 254, b, (size_t)len,
        TT_SEC(2));
    assert_int_equal(nt_drops(&f, TT_DROP_NDP_INVALID), 1);
    assert_int_equal(f.cap.n, 1);
    nt_teardown(&f);
}

/* STALE -> DELAY -> PROBE -> REACHABLE -> STALE -> DELAY -> PROBE -> gone. */
static void test_nud_transitions(void **state)
{
    struct nt_fix f;
    (void)state;
    setup6(&f);
    up6(&f);
    tt_time t = TT_SEC(10);
    peer_solicits(&f, t);
    nt_cap_clear(&f.cap);
    /* Learned STALE from the NS; our NA to it started DELAY. Packets go at
     * once meanwhile. */
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t), TT__ND_DELAY);
    assert_int_equal(tt__ip6_ping(f.s, ll_peer, 7, 1, "abc", 3, t), 0);
    assert_int_equal(f.cap.n, 1);
    uint8_t edst[6];
    const uint8_t *msg;
    cap6(&f, 0, edst, &msg);
    assert_memory_equal(edst, nt_mac_peer, 6);
    assert_int_equal(msg[0], TT_ICMP6_ECHO_REQUEST);
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t), TT__ND_DELAY);
    /* DELAY_FIRST_PROBE_TIME (5 s) later: PROBE, a unicast NS. */
    assert_int_equal(tt_stack_poll(f.s, t + TT_SEC(5) - 1), t + TT_SEC(5));
    assert_int_equal(f.cap.n, 1);
    tt_stack_poll(f.s, t + TT_SEC(5));
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(5)), TT__ND_PROBE);
    assert_int_equal(f.cap.n, 2);
    struct tt_ipv6_hdr h;
    struct tt_ndp_msg n = cap_ndp(&f, 1, edst, &h);
    assert_int_equal(n.type, TT_ICMP6_NS);
    assert_memory_equal(edst, nt_mac_peer, 6);
    assert_memory_equal(h.dst, ll_peer, 16);
    assert_int_equal(n.has_slla, 1);
    /* The solicited answer: REACHABLE, for ReachableTime (30 s). */
    peer_advertises(&f, 1, t + TT_SEC(6));
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(6)), TT__ND_REACHABLE);
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(36) - 1), TT__ND_REACHABLE);
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(36)), TT__ND_STALE);
    /* An unsolicited NA with the same address changes nothing. */
    peer_advertises(&f, 0, t + TT_SEC(37));
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(37)), TT__ND_STALE);
    /* A packet to a STALE neighbor goes at once and starts DELAY; then
     * PROBE, and three unanswered probes: gone. */
    nt_cap_clear(&f.cap);
    t += TT_SEC(40);
    assert_int_equal(tt__ip6_ping(f.s, ll_peer, 7, 2, "abc", 3, t), 0);
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t), TT__ND_DELAY);
    tt_stack_poll(f.s, t + TT_SEC(5));
    tt_stack_poll(f.s, t + TT_SEC(6));
    tt_stack_poll(f.s, t + TT_SEC(7));
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(7)), TT__ND_PROBE);
    tt_stack_poll(f.s, t + TT_SEC(8));
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(8)), TT__ND_FREE);
    assert_int_equal(f.cap.n, 4); /* the echo and three probes */
    nt_teardown(&f);
}

/* INCOMPLETE: multicast solicitations, the bounded queue, resolution and
 * giving up. */
static void test_incomplete(void **state)
{
    (void)state;
    for (int answer = 0; answer < 2; answer++) {
        struct nt_fix f;
        setup6(&f);
        up6(&f);
        tt_time t = TT_SEC(10);
        for (int i = 0; i < 5; i++) {
            int rc = tt__ip6_ping(f.s, ll_peer, 9, (uint16_t)i, "q", 1, t);
            assert_int_equal(rc, i < 3 ? 0 : TT_ENOBUFS);
        }
        assert_int_equal(nt_drops(&f, TT_DROP_NDP_QUEUE_FULL), 2);
        assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t), TT__ND_INCOMPLETE);
        assert_int_equal(f.cap.n, 1);
        uint8_t edst[6], sn[16], mac[6];
        struct tt_ipv6_hdr h;
        struct tt_ndp_msg n = cap_ndp(&f, 0, edst, &h);
        tt__ip6_solicited_node(ll_peer, sn);
        mcast_mac(sn, mac);
        assert_memory_equal(edst, mac, 6);
        assert_memory_equal(h.dst, sn, 16);
        assert_memory_equal(n.target, ll_peer, 16);
        if (answer) {
            peer_advertises(&f, 1, t + TT_MSEC(10));
            assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t), TT__ND_REACHABLE);
            assert_int_equal(f.cap.n, 4); /* the three echoes, in order */
            for (int i = 0; i < 3; i++) {
                const uint8_t *msg;
                cap6(&f, 1 + i, edst, &msg);
                assert_memory_equal(edst, nt_mac_peer, 6);
                assert_int_equal(msg[0], TT_ICMP6_ECHO_REQUEST);
                assert_int_equal(msg[7], i);
            }
            assert_int_equal(tt_stack_counters(f.s)->ndp_resolved, 1);
        } else {
            tt_stack_poll(f.s, t + TT_SEC(1));
            tt_stack_poll(f.s, t + TT_SEC(2));
            assert_int_equal(f.cap.n, 3);
            assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(2)), TT__ND_INCOMPLETE);
            tt_stack_poll(f.s, t + TT_SEC(3));
            assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_peer, t + TT_SEC(3)), TT__ND_FREE);
            assert_int_equal(nt_drops(&f, TT_DROP_NDP_UNRESOLVED), 3);
        }
        nt_teardown(&f);
    }
}

static void test_echo_and_param_problem(void **state)
{
    struct nt_fix f;
    (void)state;
    setup6(&f);
    up6(&f);
    tt_time t = TT_SEC(10);
    peer_solicits(&f, t);
    nt_cap_clear(&f.cap);
    /* An echo request is answered with the same id, sequence and data. */
    uint8_t req[16] = {TT_ICMP6_ECHO_REQUEST, 0, 0, 0, 0x12, 0x34, 0, 5, 1, 2, 3, 4, 5, 6, 7, 8};
    in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, TT_IPPROTO_ICMPV6, 64, req, sizeof req, t);
    assert_int_equal(f.cap.n, 1);
    const uint8_t *msg;
    struct tt_ipv6_hdr h = cap6(&f, 0, NULL, &msg);
    struct tt_icmp6_hdr m;
    assert_int_equal(tt__icmp6_parse(msg, h.payload_len, h.src, h.dst, &m, NULL), 8);
    assert_int_equal(m.type, TT_ICMP6_ECHO_REPLY);
    assert_int_equal(m.rest, 0x12340005);
    assert_memory_equal(m.payload, req + 8, 8);
    assert_memory_equal(h.src, ll_us, 16);
    assert_memory_equal(h.dst, ll_peer, 16);
    assert_int_equal(h.hop_limit, 64);
    /* The same echo inside an atomic fragment (RFC 6946: processed as is). */
    uint8_t fr[8 + sizeof req];
    struct tt_ipv6_frag fh = {TT_IPPROTO_ICMPV6, 0, 0, 77};
    tt__ipv6_frag_emit(&fh, fr, 8);
    memcpy(fr + 8, req, sizeof req);
    uint8_t pseudo_fixed[sizeof req];
    memcpy(pseudo_fixed, req, sizeof req);
    tt__icmp6_set_cksum(pseudo_fixed, sizeof req, ll_peer, ll_us);
    memcpy(fr + 8, pseudo_fixed, sizeof req);
    in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, TT_IPPROTO_FRAGMENT, 64, fr, sizeof fr, t);
    assert_int_equal(f.cap.n, 2);
    assert_int_equal(tt_stack_counters(f.s)->icmp6_out_echo_reps, 2);
    /* An unknown next header: parameter problem, code 1, pointer 6. */
    uint8_t junk[8] = {0};
    in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, 200, 64, junk, sizeof junk, t);
    assert_int_equal(f.cap.n, 3);
    h = cap6(&f, 2, NULL, &msg);
    assert_int_equal(tt__icmp6_parse(msg, h.payload_len, h.src, h.dst, &m, NULL), 8);
    assert_int_equal(m.type, TT_ICMP6_PARAM_PROBLEM);
    assert_int_equal(m.code, TT_ICMP6_PP_NEXT_HEADER);
    assert_int_equal(m.rest, 6);
    assert_int_equal(m.payload_len, 48); /* the whole offending packet */
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_UNKNOWN_PROTO), 1);
    nt_teardown(&f);
}

/* RFC 4443 §2.4 (f): a burst of icmp_burst errors, then one per interval. */
static void test_error_rate_limit(void **state)
{
    struct nt_fix f;
    (void)state;
    nt_config(&f);
    f.cfg.icmp_burst = 5;
    assert_int_equal(tt_stack_create(&f.cfg, &f.s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f.cap);
    ic.ipv6 = 1;
    f.ifi = tt_stack_add_iface(f.s, &ic);
    up6(&f);
    tt_time t = TT_SEC(10);
    peer_solicits(&f, t);
    nt_cap_clear(&f.cap);
    uint8_t junk[8] = {0};
    for (int i = 0; i < 8; i++)
        in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, 200, 64, junk, sizeof junk, t);
    assert_int_equal(f.cap.n, 5);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP6_RATELIMIT), 3);
    in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, 200, 64, junk, sizeof junk, t + TT_SEC(1));
    assert_int_equal(f.cap.n, 6);
    in6(&f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, 200, 64, junk, sizeof junk, t + TT_SEC(1));
    assert_int_equal(f.cap.n, 6);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP6_RATELIMIT), 4);
    /* Never an error about a packet to a group (§2.4 e.3). */
    static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mac_all[6] = {0x33, 0x33, 0, 0, 0, 1};
    in6(&f, mac_all, nt_mac_peer, ll_peer, all_nodes, 200, 64, junk, sizeof junk, t + TT_SEC(9));
    assert_int_equal(f.cap.n, 6);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_UNKNOWN_PROTO), 11);
    nt_teardown(&f);
}

/* RFC 4861 §6.3.4 and RFC 4862 §5.5.3. */
static void test_router_advertisement(void **state)
{
    struct nt_fix f;
    (void)state;
    setup6(&f);
    up6(&f);
    tt_time t = TT_SEC(10);
    struct tt_ndp_msg ra;
    memset(&ra, 0, sizeof ra);
    ra.type = TT_ICMP6_RA;
    ra.cur_hop_limit = 77;
    ra.router_lifetime = 1800;
    ra.has_slla = 1;
    memcpy(ra.slla, mac_router, 6);
    ra.has_mtu = 1;
    ra.mtu = 1400;
    ra.nprefix = 1;
    ra.prefix[0].len = 64;
    ra.prefix[0].onlink = 1;
    ra.prefix[0].autonomous = 1;
    ra.prefix[0].valid = 86400;
    ra.prefix[0].preferred = 14400;
    static const uint8_t pfx[16] = {0x20, 0x01, 0x0d, 0xb8};
    memcpy(ra.prefix[0].prefix, pfx, 16);
    static const uint8_t all_nodes[16] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const uint8_t mac_all[6] = {0x33, 0x33, 0, 0, 0, 1};
    in_ndp(&f, mac_all, mac_router, ll_router, all_nodes, &ra, t);
    /* SLAAC: 2001:db8::ff:fe00:1, tentative, its DAD probe out. */
    uint8_t g[16];
    memcpy(g, pfx, 8);
    memcpy(g + 8, ll_us + 8, 8);
    assert_int_equal(f.cap.n, 1);
    struct tt_ndp_msg n = cap_ndp(&f, 0, NULL, NULL);
    assert_memory_equal(n.target, g, 16);
    struct tt_route6 r;
    static const uint8_t onlink[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    static const uint8_t offlink[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
    assert_int_equal(tt__ip6_route(f.s, onlink, &r), TT_ENETUNREACH); /* no source yet */
    tt_stack_poll(f.s, t + TT_SEC(1));
    assert_int_equal(tt__ip6_route(f.s, onlink, &r), 0);
    assert_memory_equal(r.src, g, 16);
    assert_memory_equal(r.nexthop, onlink, 16);
    assert_int_equal(r.mtu, 1400);
    assert_int_equal(tt__ip6_route(f.s, offlink, &r), 0);
    assert_memory_equal(r.nexthop, ll_router, 16);
    /* The router was learned from its SLLA. */
    assert_int_equal(tt__ndp_state(f.s, f.ifi, ll_router, t), TT__ND_STALE);
    /* Our hop limit is the router's. */
    nt_cap_clear(&f.cap);
    assert_int_equal(tt__ip6_ping(f.s, offlink, 1, 1, "z", 1, t + TT_SEC(2)), 0);
    assert_int_equal(f.cap.n, 1);
    uint8_t edst[6];
    const uint8_t *msg;
    struct tt_ipv6_hdr h = cap6(&f, 0, edst, &msg);
    assert_int_equal(h.hop_limit, 77);
    assert_memory_equal(edst, mac_router, 6);
    assert_memory_equal(h.src, g, 16);
    /* Router lifetime over: no default route; the prefix stays. */
    tt_stack_poll(f.s, t + TT_SEC(1800));
    assert_int_equal(tt__ip6_route(f.s, offlink, &r), TT_ENETUNREACH);
    assert_int_equal(tt__ip6_route(f.s, onlink, &r), 0);
    nt_teardown(&f);
}

/* ---- reassembly (RFC 8200 §4.5, RFC 5722) ---- */

/* A 2000-byte echo request from the peer, its checksum over the whole. */
static uint8_t echo_big[2000];
static void make_echo_big(void)
{
    memset(echo_big, 0, sizeof echo_big);
    echo_big[0] = TT_ICMP6_ECHO_REQUEST;
    echo_big[4] = 0x42;
    echo_big[7] = 1;
    for (size_t i = 8; i < sizeof echo_big; i++)
        echo_big[i] = (uint8_t)i;
    tt__icmp6_set_cksum(echo_big, sizeof echo_big, ll_peer, ll_us);
}

static void in_frag(struct nt_fix *f, uint32_t id, uint16_t off, int m, const uint8_t *data,
                    size_t n, tt_time now)
{
    uint8_t *b = malloc(8 + n);
    struct tt_ipv6_frag fh = {TT_IPPROTO_ICMPV6, (uint8_t)m, off, id};
    tt__ipv6_frag_emit(&fh, b, 8);
    memcpy(b + 8, data, n);
    in6(f, nt_mac_us, nt_mac_peer, ll_peer, ll_us, TT_IPPROTO_FRAGMENT, 64, b, 8 + n, now);
    free(b);
}

static void test_reassembly(void **state)
{
    struct nt_fix f;
    (void)state;
    make_echo_big();
    setup6(&f);
    up6(&f);
    tt_time t = TT_SEC(10);
    peer_solicits(&f, t);
    nt_cap_clear(&f.cap);
    const struct tt_counters *c = tt_stack_counters(f.s);
    /* Last fragment first, a duplicate of it, then the first: complete. */
    in_frag(&f, 1, 1232, 0, echo_big + 1232, 768, t);
    in_frag(&f, 1, 1232, 0, echo_big + 1232, 768, t);
    assert_int_equal(f.cap.n, 0);
    in_frag(&f, 1, 0, 1, echo_big, 1232, t);
    assert_int_equal(c->ip6_reasm_oks, 1);
    assert_int_equal(c->icmp6_out_echo_reps, 1);
    /* The 2000-byte reply goes out in two fragments. */
    assert_int_equal(f.cap.n, 2);
    nt_cap_clear(&f.cap);
    /* Overlap: the whole packet goes (RFC 5722), also what came before. */
    in_frag(&f, 2, 0, 1, echo_big, 1232, t);
    in_frag(&f, 2, 1224, 0, echo_big + 1224, 776, t);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_OVERLAP), 1);
    assert_int_equal(c->ip6_reasm_fails, 1);
    in_frag(&f, 2, 1232, 0, echo_big + 1232, 768, t); /* starts afresh, alone */
    assert_int_equal(c->ip6_reasm_oks, 1);
    /* A length not a multiple of 8 with M set: parameter problem, code 0,
     * pointing at the payload length. */
    in_frag(&f, 3, 0, 1, echo_big, 1001, t);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_INVALID), 1);
    assert_int_equal(f.cap.n, 1);
    const uint8_t *msg;
    struct tt_ipv6_hdr h = cap6(&f, 0, NULL, &msg);
    assert_int_equal(msg[0], TT_ICMP6_PARAM_PROBLEM);
    assert_int_equal(msg[1], 0);
    assert_int_equal(msg[7], 4);
    (void)h;
    nt_cap_clear(&f.cap);
    /* Timeout: packet 2's lone last fragment, and a fresh first fragment
     * of packet 4; after ipfrag_timeout both go, with one time exceeded
     * (code 1) for the one whose fragment zero came. */
    in_frag(&f, 4, 0, 1, echo_big, 1232, t + TT_SEC(1));
    tt_stack_poll(f.s, t + f.cfg.ipfrag_timeout - 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_TIMEOUT), 0);
    tt_stack_poll(f.s, t + TT_SEC(1) + f.cfg.ipfrag_timeout);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_TIMEOUT), 2);
    int te = 0;
    for (int i = 0; i < f.cap.n; i++) {
        cap6(&f, i, NULL, &msg);
        te += msg[0] == TT_ICMP6_TIME_EXCEEDED && msg[1] == 1;
    }
    assert_int_equal(te, 1);
    assert_int_equal(c->ip6_reasm_fails, 3);
    nt_teardown(&f);
}

static void test_reassembly_memory_cap(void **state)
{
    struct nt_fix f;
    (void)state;
    make_echo_big();
    nt_config(&f);
    f.cfg.ipfrag_max_bytes = 2100; /* one first fragment and a bit */
    f.cfg.ipfrag_max_datagrams = 1;
    assert_int_equal(tt_stack_create(&f.cfg, &f.s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f.cap);
    ic.ipv6 = 1;
    f.ifi = tt_stack_add_iface(f.s, &ic);
    up6(&f);
    tt_time t = TT_SEC(10);
    in_frag(&f, 1, 0, 1, echo_big, 1232, t);
    in_frag(&f, 2, 0, 1, echo_big, 1232, t); /* no slot left */
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_NOMEM), 1);
    /* Packet 1 still completes, and frees its slot and bytes. */
    in_frag(&f, 1, 1232, 0, echo_big + 1232, 768, t);
    assert_int_equal(tt_stack_counters(f.s)->ip6_reasm_oks, 1);
    /* Past the byte cap: refused, what was held stays until its timeout. */
    in_frag(&f, 3, 0, 1, echo_big, 1232, t);
    in_frag(&f, 3, 1232, 1, echo_big, 1000, t);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_NOMEM), 2);
    tt_stack_poll(f.s, t + f.cfg.ipfrag_timeout);
    assert_int_equal(nt_drops(&f, TT_DROP_IP6_FRAG_TIMEOUT), 1);
    nt_teardown(&f);
}

/* ---- two stacks ---- */

#define QMAX 64
struct q6 {
    int n;
    uint8_t *f[QMAX];
    size_t len[QMAX];
};

static int q6_tx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    (void)now;
    struct q6 *q = ctx;
    assert_true(q->n < QMAX);
    q->f[q->n] = malloc(len);
    memcpy(q->f[q->n], frame, len);
    q->len[q->n++] = len;
    return 0;
}

/* Deliver what q holds to s; returns how many frames. */
static int q6_flush(struct q6 *q, struct tt_stack *s, tt_time now)
{
    int n = q->n;
    struct q6 copy = *q;
    q->n = 0;
    for (int i = 0; i < n; i++) {
        tt_stack_input(s, 0, copy.f[i], copy.len[i], now);
        free(copy.f[i]);
    }
    return n;
}

static void test_two_stacks_ping6(void **state)
{
    (void)state;
    struct nt_alloc aa = {0}, ab = {0};
    struct q6 qa = {0}, qb = {0};
    struct tt_stack *a, *b;
    struct tt_config cfg;
    tt_config_default(&cfg);
    cfg.allocator.alloc = nt_alloc_fn;
    cfg.allocator.free = nt_free_fn;
    cfg.allocator.ctx = &aa;
    cfg.secret[0] = 1;
    assert_int_equal(tt_stack_create(&cfg, &a), 0);
    cfg.allocator.ctx = &ab;
    cfg.secret[0] = 2;
    assert_int_equal(tt_stack_create(&cfg, &b), 0);
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link.framing = TT_FRAMING_ETHERNET;
    ic.link.transmit = q6_tx;
    ic.ipv6 = 1;
    ic.link.ctx = &qa;
    memcpy(ic.mac, nt_mac_us, 6);
    assert_int_equal(tt_stack_add_iface(a, &ic), 0);
    ic.link.ctx = &qb;
    memcpy(ic.mac, nt_mac_peer, 6);
    assert_int_equal(tt_stack_add_iface(b, &ic), 0);
    tt_stack_iface_up(a, 0, 0);
    tt_stack_iface_up(b, 0, 0);
    /* Each sees the other's DAD probe for another address: no conflict. */
    q6_flush(&qa, b, 0);
    q6_flush(&qb, a, 0);
    tt_stack_poll(a, TT_SEC(1));
    tt_stack_poll(b, TT_SEC(1));
    q6_flush(&qa, b, TT_SEC(1));
    q6_flush(&qb, a, TT_SEC(1));
    uint8_t la[16], lb[16];
    assert_int_equal(tt__ip6_linklocal(a, 0, la), 1);
    assert_int_equal(tt__ip6_linklocal(b, 0, lb), 1);
    assert_memory_equal(lb, ll_peer, 16);
    for (uint16_t seq = 1; seq <= 20; seq++) {
        tt_time t = TT_SEC(2) + seq * TT_MSEC(100);
        assert_int_equal(tt__ip6_ping(a, lb, 0x77, seq, "ping6 data", 10, t), 0);
        for (int round = 0; round < 4; round++)
            if (q6_flush(&qa, b, t) + q6_flush(&qb, a, t) == 0)
                break;
    }
    /* One more of 3000 bytes: fragmented both ways (RFC 8200 §4.5), since
     * the link MTU is 1500, and reassembled on each side. */
    static uint8_t big[3000];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 7);
    tt_time t = TT_SEC(5);
    assert_int_equal(tt__ip6_ping(a, lb, 0x77, 21, big, sizeof big, t), 0);
    assert_int_equal(qa.n, 3);
    for (int round = 0; round < 4; round++)
        if (q6_flush(&qa, b, t) + q6_flush(&qb, a, t) == 0)
            break;
    assert_int_equal(tt_stack_counters(b)->ip6_reasm_oks, 1);
    assert_int_equal(tt_stack_counters(a)->ip6_reasm_oks, 1);
    assert_int_equal(tt_stack_counters(b)->ip6_out_frag_creates, 3);
    assert_int_equal(tt_stack_counters(b)->icmp6_out_echo_reps, 21);
    /* 20 + 1 of 20 + 1: B answered each, A took each reply. */
    assert_int_equal(tt_stack_counters(b)->icmp6_in_echos, 21);
    uint64_t replies = tt_stack_counters(a)->icmp6_in_msgs - tt_stack_counters(a)->ndp_na_in -
                       tt_stack_counters(a)->ndp_ns_in;
    assert_int_equal(replies, 21);
    assert_int_equal(tt__ndp_state(a, 0, lb, TT_SEC(5)), TT__ND_REACHABLE);
    for (int i = 0; i < TT_DROP_COUNT; i++)
        if (i != TT_DROP_ETH_NOT_FOR_US && i != TT_DROP_IP6_NOT_FOR_US)
            assert_int_equal(tt_stack_counters(a)->drops[i] + tt_stack_counters(b)->drops[i], 0);
    tt_stack_destroy(a);
    tt_stack_destroy(b);
    assert_int_equal(aa.outstanding + ab.outstanding, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_linklocal_dad),    cmocka_unit_test(test_dad_conflict),
        cmocka_unit_test(test_ns_answered),      cmocka_unit_test(test_nud_transitions),
        cmocka_unit_test(test_incomplete),       cmocka_unit_test(test_echo_and_param_problem),
        cmocka_unit_test(test_error_rate_limit), cmocka_unit_test(test_router_advertisement),
        cmocka_unit_test(test_reassembly),       cmocka_unit_test(test_reassembly_memory_cap),
        cmocka_unit_test(test_two_stacks_ping6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
