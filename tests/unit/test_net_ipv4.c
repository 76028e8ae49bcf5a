/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 input validation (one crafted datagram per drop reason), ICMP echo
 * byte-exact, protocol unreachable and its quote, the RFC 1122 §3.2.2 cases
 * where no error is sent, the error rate limit, ICMP errors received, routing
 * and output, and the raw-IP framing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_net_helpers.h"
#include "wire/checksum.h"

/* Recompute the header checksum after a test edited header bytes. */
static void fix_cksum(uint8_t *ip)
{
    size_t hl = (size_t)(ip[0] & 15) * 4;
    ip[10] = ip[11] = 0;
    uint16_t c = tt__cksum(ip, hl);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
}

static size_t udp_dgram(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t id)
{
    static const uint8_t udp[20] = {0x30, 0x39, 0x00, 0x35, 0x00, 0x14, 0,   0,   'q', 'u',
                                    'o',  't',  'e',  'd',  ' ',  'd',  'a', 't', 'a', '!'};
    return nt_ip(buf, nt_iph(src, dst, TT_IPPROTO_UDP, id), udp, sizeof udp);
}

static void test_ip_drop_reasons(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    uint8_t d[128];
    size_t n;

    n = udp_dgram(d, NT_PEER, NT_US, 1);
    nt_input_ip(&f, d, 10, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_TRUNCATED), 1);

    n = udp_dgram(d, NT_PEER, NT_US, 1);
    d[0] = 0x65;
    fix_cksum(d);
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_BAD_VERSION), 1);

    n = udp_dgram(d, NT_PEER, NT_US, 1);
    d[0] = 0x44;
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_BAD_HLEN), 1);

    n = udp_dgram(d, NT_PEER, NT_US, 1);
    d[3] = (uint8_t)(n + 4); /* total length past the frame: bytes lost */
    fix_cksum(d);
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_TRUNCATED), 2);

    n = udp_dgram(d, NT_PEER, NT_US, 1);
    d[3] = 19; /* total length shorter than the header */
    fix_cksum(d);
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_BAD_LENGTH), 1);

    n = udp_dgram(d, NT_PEER, NT_US, 1);
    d[11] ^= 1;
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_BAD_CHECKSUM), 1);

    const uint32_t bad_src[] = {TT_IPV4_U32(224, 0, 0, 1), 0xffffffffu, TT_IPV4_U32(192, 0, 2, 255),
                                NT_US, TT_IPV4_U32(127, 0, 0, 1)};
    for (size_t i = 0; i < sizeof bad_src / sizeof bad_src[0]; i++) {
        n = udp_dgram(d, bad_src[i], NT_US, 1);
        nt_input_ip(&f, d, n, 0);
    }
    assert_int_equal(nt_drops(&f, TT_DROP_IP_BAD_SRC), 5);

    n = udp_dgram(d, NT_PEER, TT_IPV4_U32(192, 0, 2, 9), 1);
    nt_input_ip(&f, d, n, 0);
    n = udp_dgram(d, NT_PEER, TT_IPV4_U32(192, 0, 2, 255), 1); /* UDP broadcast: not spoken */
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_NOT_FOR_US), 2);

    assert_int_equal(f.cap.n, 0); /* no ICMP error for any of these */
    assert_int_equal(nt_total_drops(&f), 13);
    assert_int_equal(tt_stack_counters(f.s)->ip_in_receives, 13);
    assert_int_equal(tt_stack_counters(f.s)->ip_in_delivers, 0);
    nt_teardown(&f);
}

static void test_echo_reply_exact(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_learn_peer(&f, 0);
    uint8_t msg[64], d[128];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 0x1234, 1, "abcd", 4);
    size_t n = nt_ip(d, nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, 77), msg, ml);
    nt_input_ip(&f, d, n, 1);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(f.cap.len[0], 14 + 20 + 12);
    const uint8_t *fr = f.cap.f[0];
    static const uint8_t eth[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    assert_memory_equal(fr, eth, 14);
    /* IPv4: version/IHL, TOS, length 32, (id), no flags, TTL 64, ICMP, (cksum), src, dst. */
    static const uint8_t ip_a[4] = {0x45, 0, 0, 32}, ip_b[4] = {0, 0, 64, 1};
    static const uint8_t ip_c[8] = {192, 0, 2, 1, 192, 0, 2, 2};
    assert_memory_equal(fr + 14, ip_a, 4);
    assert_memory_equal(fr + 20, ip_b, 4);
    assert_memory_equal(fr + 26, ip_c, 8);
    assert_int_equal(tt__cksum(fr + 14, 20), 0);
    /* ICMP echo reply, same id, seq and data; checksum worked by hand. */
    static const uint8_t icmp[12] = {0, 0, 0x29, 0x04, 0x12, 0x34, 0, 1, 'a', 'b', 'c', 'd'};
    assert_memory_equal(fr + 34, icmp, 12);
    const struct tt_counters *c = tt_stack_counters(f.s);
    assert_int_equal(c->icmp_in_msgs, 1);
    assert_int_equal(c->icmp_in_echos, 1);
    assert_int_equal(c->icmp_out_echo_reps, 1);
    assert_int_equal(c->icmp_out_msgs, 1);
    assert_int_equal(c->ip_in_delivers, 1);
    assert_int_equal(c->ip_out_requests, 1);
    assert_int_equal(nt_total_drops(&f), 0);
    nt_teardown(&f);
}

static void test_proto_unreachable_quote(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_learn_peer(&f, 0);
    uint8_t d[128];
    size_t n = udp_dgram(d, NT_PEER, NT_US, 0x4242);
    nt_input_ip(&f, d, n, 1);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_UNKNOWN_PROTO), 1);
    assert_int_equal(f.cap.n, 1);
    const uint8_t *p;
    size_t plen;
    struct tt_ipv4_hdr h = nt_parse_ip(&f, 0, &p, &plen);
    assert_int_equal(h.src, NT_US);
    assert_int_equal(h.dst, NT_PEER);
    assert_int_equal(h.proto, TT_IPPROTO_ICMP);
    /* RFC 792: header + the first 8 data bytes of the datagram. */
    assert_int_equal(plen, 8 + 28);
    static const uint8_t hdr[8] = {3, 2};
    assert_memory_equal(p, hdr, 2);
    assert_memory_equal(p + 4, hdr + 4, 4);
    assert_memory_equal(p + 8, d, 28);
    assert_int_equal(tt__cksum(p, plen), 0);
    assert_int_equal(tt_stack_counters(f.s)->icmp_out_dest_unreachs, 1);
    nt_teardown(&f);
}

static void test_no_error_for_broadcast(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    nt_learn_peer(&f, 0);
    uint8_t d[128], msg[32];
    /* Unicast IP in a link-layer broadcast frame (RFC 1122 §3.2.2). */
    size_t n = udp_dgram(d, NT_PEER, NT_US, 1);
    nt_input_eth(&f, nt_mac_bcast, nt_mac_peer, TT_ETHERTYPE_IPV4, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_UNKNOWN_PROTO), 1);
    /* Echo to the subnet, limited and multicast addresses: ignored. */
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 1, 1, "x", 1);
    const uint32_t dsts[] = {TT_IPV4_U32(192, 0, 2, 255), 0xffffffffu, TT_IPV4_U32(224, 0, 0, 1)};
    for (int i = 0; i < 3; i++) {
        n = nt_ip(d, nt_iph(NT_PEER, dsts[i], TT_IPPROTO_ICMP, 1), msg, ml);
        nt_input_eth(&f, nt_mac_bcast, nt_mac_peer, TT_ETHERTYPE_IPV4, d, n, 0);
    }
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_BROADCAST), 3);
    assert_int_equal(f.cap.n, 0);
    nt_teardown(&f);
}

static void test_error_ratelimit(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    f.cfg.icmp_burst = 2;
    f.cfg.icmp_ratelimit = TT_SEC(1);
    nt_start(&f);
    nt_learn_peer(&f, 0);
    uint8_t d[128];
    size_t n = udp_dgram(d, NT_PEER, NT_US, 1);
    for (int i = 0; i < 3; i++)
        nt_input_ip(&f, d, n, TT_SEC(10));
    assert_int_equal(f.cap.n, 2);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_RATELIMIT), 1);
    nt_input_ip(&f, d, n, TT_SEC(11) - 1);
    assert_int_equal(f.cap.n, 2);
    nt_input_ip(&f, d, n, TT_SEC(11)); /* one token back */
    nt_input_ip(&f, d, n, TT_SEC(11));
    assert_int_equal(f.cap.n, 3);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_RATELIMIT), 3);
    nt_teardown(&f);
}

/* An ICMP error from a router about a datagram (quote) to the peer. */
static void send_icmp_error(struct nt_fix *f, uint8_t type, uint8_t code, uint32_t rest,
                            const uint8_t *quote, size_t qlen, tt_time now)
{
    struct tt_icmp_hdr m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.code = code;
    m.rest = rest;
    m.payload = quote;
    m.payload_len = qlen;
    uint8_t msg[256], d[300];
    int ml = tt__icmp_emit(&m, msg, sizeof msg);
    assert_true(ml > 0);
    size_t n =
        nt_ip(d, nt_iph(TT_IPV4_U32(192, 0, 2, 254), NT_US, TT_IPPROTO_ICMP, 9), msg, (size_t)ml);
    nt_input_ip(f, d, n, now);
}

static void test_icmp_errors_in(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    uint8_t q[64];
    static const uint8_t tcp8[8] = {0x80, 0x00, 0x00, 0x50, 0xde, 0xad, 0xbe, 0xef};
    size_t qn = nt_ip(q, nt_iph(NT_US, NT_PEER, TT_IPPROTO_TCP, 5), tcp8, 8);
    send_icmp_error(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 1280, q, qn, 0);
    send_icmp_error(&f, TT_ICMP_TIME_EXCEEDED, 0, 0, q, qn, 0);
    send_icmp_error(&f, TT_ICMP_PARAM_PROBLEM, 0, 0, q, qn, 0);
    assert_int_equal(tt_stack_counters(f.s)->icmp_in_errors_delivered, 3);
    /* A quote too short for the 8 transport bytes. */
    send_icmp_error(&f, TT_ICMP_DEST_UNREACH, 1, 0, q, qn - 1, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_TRUNCATED), 1);
    /* About UDP, about someone else's datagram, a source quench (RFC 6633),
     * a timestamp request: none acted upon. */
    uint8_t q2[64];
    size_t qn2 = nt_ip(q2, nt_iph(NT_US, NT_PEER, TT_IPPROTO_UDP, 5), tcp8, 8);
    send_icmp_error(&f, TT_ICMP_DEST_UNREACH, 3, 0, q2, qn2, 0);
    qn2 = nt_ip(q2, nt_iph(TT_IPV4_U32(192, 0, 2, 7), NT_PEER, TT_IPPROTO_TCP, 5), tcp8, 8);
    send_icmp_error(&f, TT_ICMP_DEST_UNREACH, 3, 0, q2, qn2, 0);
    send_icmp_error(&f, TT_ICMP_SOURCE_QUENCH, 0, 0, q, qn, 0);
    send_icmp_error(&f, 13, 0, 0, q, 12, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_UNHANDLED), 4);
    assert_int_equal(tt_stack_counters(f.s)->icmp_in_errors_delivered, 3);
    assert_int_equal(tt_stack_counters(f.s)->icmp_in_msgs, 8);
    /* Malformed ICMP: truncated, bad checksum. */
    uint8_t msg[16], d[64];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 1, 1, "abcd", 4);
    size_t n = nt_ip(d, nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, 1), msg, 4);
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_TRUNCATED), 2);
    msg[9] ^= 0xff;
    n = nt_ip(d, nt_iph(NT_PEER, NT_US, TT_IPPROTO_ICMP, 1), msg, ml);
    nt_input_ip(&f, d, n, 0);
    assert_int_equal(nt_drops(&f, TT_DROP_ICMP_BAD_CHECKSUM), 1);
    assert_int_equal(f.cap.n, 0);
    nt_teardown(&f);
}

static void test_routing_and_output(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_setup(&f);
    struct tt_route r;
    assert_int_equal(tt__ip_route(f.s, TT_ADDR_V4(TT_IPV4_U32(198, 51, 100, 1)), &r),
                     TT_ENETUNREACH);
    assert_int_equal(tt_stack_ping(f.s, TT_ADDR_V4(TT_IPV4_U32(198, 51, 100, 1)), 1, 1, NULL, 0, 0),
                     TT_ENETUNREACH);
    struct tt_ip_out o;
    memset(&o, 0, sizeof o);
    o.dst = TT_ADDR_V4(TT_IPV4_U32(198, 51, 100, 1));
    o.proto = TT_IPPROTO_TCP;
    uint8_t pl[1500] = {0};
    assert_int_equal(tt__ip_output(f.s, &o, pl, 20, 0), TT_ENETUNREACH);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_NO_ROUTE), 1);
    /* A second interface with a longer prefix and a gateway. */
    struct nt_cap cap2 = {0};
    struct tt_iface_config ic = nt_iface_eth(&cap2);
    ic.addr = TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 129));
    ic.prefix_len = 25;
    ic.gateway = TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 254));
    assert_int_equal(tt_stack_add_iface(f.s, &ic), 1);
    assert_int_equal(tt__ip_route(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 200)), &r), 0);
    assert_int_equal(r.iface, 1);
    assert_int_equal(r.src.v4, TT_IPV4_U32(192, 0, 2, 129));
    assert_int_equal(r.nexthop.v4, TT_IPV4_U32(192, 0, 2, 200));
    assert_int_equal(tt__ip_route(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 5)), &r), 0);
    assert_int_equal(r.iface, 0);
    assert_int_equal(tt__ip_route(f.s, TT_ADDR_V4(TT_IPV4_U32(198, 51, 100, 1)), &r), 0);
    assert_int_equal(r.iface, 1);
    assert_int_equal(r.nexthop.v4, TT_IPV4_U32(192, 0, 2, 254));
    assert_int_equal(r.mtu, 1500);
    assert_true(tt__ip_is_local(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 129))));
    assert_false(tt__ip_is_local(f.s, TT_ADDR_V4(TT_IPV4_U32(192, 0, 2, 254))));
    /* DF and too big for the MTU: refused, never fragmented. */
    o.dst = TT_ADDR_V4(NT_PEER);
    o.df = 1;
    assert_int_equal(tt__ip_output(f.s, &o, pl, 1481, 0), TT_EMSGSIZE);
    assert_int_equal(nt_drops(&f, TT_DROP_IP_TX_TOO_BIG), 1);
    /* 1480 fits: queued behind ARP; the request goes out on interface 0. */
    assert_int_equal(tt__ip_output(f.s, &o, pl, 1480, 0), 0);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(cap2.n, 0);
    nt_teardown(&f);
    nt_cap_clear(&cap2);
}

static void test_raw_ip_iface(void **state)
{
    (void)state;
    struct nt_fix f;
    nt_config(&f);
    assert_int_equal(tt_stack_create(&f.cfg, &f.s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f.cap);
    ic.link.framing = TT_FRAMING_RAW_IP;
    ic.link.mtu = 576;
    ic.prefix_len = 32;
    ic.gateway = TT_ADDR_V4(NT_PEER);
    f.ifi = tt_stack_add_iface(f.s, &ic);
    assert_int_equal(f.ifi, 0);
    uint8_t msg[64], d[128];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 3, 4, "raw", 3);
    size_t n = nt_ip(d, nt_iph(TT_IPV4_U32(198, 51, 100, 7), NT_US, TT_IPPROTO_ICMP, 1), msg, ml);
    assert_int_equal(tt_stack_input(f.s, f.ifi, d, n, 0), 0);
    assert_int_equal(f.cap.n, 1);
    assert_int_equal(f.cap.len[0], 20 + 11);
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;
    assert_int_equal(tt__ipv4_parse(f.cap.f[0], f.cap.len[0], &h, &why), 20);
    assert_int_equal(h.dst, TT_IPV4_U32(198, 51, 100, 7));
    assert_int_equal(f.cap.f[0][20], TT_ICMP_ECHO_REPLY);
    assert_int_equal(tt_stack_counters(f.s)->arp_requests_out, 0);
    nt_teardown(&f);
}

/* A stack on a raw-IP interface whose gateway reaches every address. */
static void raw_setup(struct nt_fix *f)
{
    nt_config(f);
    assert_int_equal(tt_stack_create(&f->cfg, &f->s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f->cap);
    ic.link.framing = TT_FRAMING_RAW_IP;
    ic.prefix_len = 32;
    ic.gateway = TT_ADDR_V4(NT_PEER);
    f->ifi = tt_stack_add_iface(f->s, &ic);
    assert_int_equal(f->ifi, 0);
}

/* The IP ID of our echo reply to one ping from src. */
static uint16_t ping_id(struct nt_fix *f, uint32_t src)
{
    uint8_t msg[64], d[128];
    size_t ml = nt_echo(msg, sizeof msg, TT_ICMP_ECHO, 3, 4, "id", 2);
    size_t n = nt_ip(d, nt_iph(src, NT_US, TT_IPPROTO_ICMP, 1), msg, ml);
    nt_cap_clear(&f->cap);
    assert_int_equal(tt_stack_input(f->s, f->ifi, d, n, 0), 0);
    assert_int_equal(f->cap.n, 1);
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;
    assert_int_equal(tt__ipv4_parse(f->cap.f[0], f->cap.len[0], &h, &why), 20);
    assert_int_equal(h.dst, src);
    return h.id;
}

/*
 * RFC 7739 §4 (idle scan): a prober samples our IP ID, lets us talk to
 * others, samples again. With per-destination counters its own replies step
 * by exactly one, whatever we sent elsewhere in between (a stack-wide counter
 * steps by 1 + the traffic, and so tells it).
 */
static void test_ipid_idle_scan(void **state)
{
    (void)state;
    struct nt_fix f;
    raw_setup(&f);
    const uint32_t prober = TT_IPV4_U32(198, 51, 100, 7);
    for (int round = 0; round < 5; round++) {
        uint16_t a = ping_id(&f, prober);
        for (int k = 0; k < 10 * round; k++)
            ping_id(&f, TT_IPV4_U32(203, 0, 113, 10 + k));
        uint16_t b = ping_id(&f, prober);
        assert_int_equal((uint16_t)(b - a), 1);
    }
    nt_cap_clear(&f.cap);
    nt_teardown(&f);
}

/* RFC 6864 §4: atomic datagrams (DF, unfragmented) carry IDs that follow no
 * counter; the others count per destination. */
static void test_ipid_atomic_unpredictable(void **state)
{
    (void)state;
    struct nt_fix f;
    raw_setup(&f);
    const uint32_t dst = TT_IPV4_U32(203, 0, 113, 1);
    struct tt_ip_out o;
    memset(&o, 0, sizeof o);
    o.dst = TT_ADDR_V4(dst);
    o.proto = 253; /* RFC 3692 experimentation */
    uint16_t id[32];
    for (int df = 1; df >= 0; df--) {
        o.df = (uint8_t)df;
        nt_cap_clear(&f.cap);
        for (int k = 0; k < 32; k++)
            assert_int_equal(tt__ip_output(f.s, &o, (const uint8_t *)"x", 1, 0), 0);
        assert_int_equal(f.cap.n, 32);
        int steps = 0, same = 0;
        for (int k = 0; k < 32; k++) {
            struct tt_ipv4_hdr h;
            enum tt_drop_reason why;
            assert_int_equal(tt__ipv4_parse(f.cap.f[k], f.cap.len[k], &h, &why), 20);
            assert_int_equal(h.df, df);
            id[k] = h.id;
            if (k > 0) {
                steps += (uint16_t)(id[k] - id[k - 1]) == 1;
                same += id[k] == id[k - 1];
            }
        }
        if (df) {
            assert_true(steps <= 1);
            assert_int_equal(same, 0);
        } else {
            assert_int_equal(steps, 31);
        }
    }
    nt_cap_clear(&f.cap);
    nt_teardown(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_drop_reasons),
        cmocka_unit_test(test_echo_reply_exact),
        cmocka_unit_test(test_proto_unreachable_quote),
        cmocka_unit_test(test_no_error_for_broadcast),
        cmocka_unit_test(test_error_ratelimit),
        cmocka_unit_test(test_icmp_errors_in),
        cmocka_unit_test(test_routing_and_output),
        cmocka_unit_test(test_raw_ip_iface),
        cmocka_unit_test(test_ipid_idle_scan),
        cmocka_unit_test(test_ipid_atomic_unpredictable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
