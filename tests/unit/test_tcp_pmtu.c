/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Path MTU discovery from the wire up (RFC 1191, RFC 5927 §7): a real ICMP
 * "fragmentation needed" through IP and ICMP input to the connection, the
 * floor (Linux min_pmtu 552), the quoted sequence check (RFC 5927 §4.1),
 * expiry; the floor on a peer's MSS (tcp_min_snd_mss, CVE-2019-11479); ICMP
 * errors for a connection (RFC 1122 §4.2.3.9, RFC 5927 §4.2).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp_fixture.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define ROUTER TT_IPV4(192, 0, 2, 254)

/* An ICMP error from a router, quoting a segment of ours with sequence seq
 * (IP header + the first 8 bytes of TCP, RFC 792). */
static void icmp_in(struct fx *f, uint8_t type, uint8_t code, uint16_t mtu, uint32_t seq)
{
    uint8_t quote[28];
    struct tt_ipv4_hdr q;
    memset(&q, 0, sizeof q);
    q.total_len = 1500;
    q.ttl = 64;
    q.proto = TT_IPPROTO_TCP;
    q.src = FX_US.v4;
    q.dst = FX_PEER.v4;
    q.df = 1;
    assert_int_equal(tt__ipv4_emit(&q, quote, 20), 20);
    uint16_t lport;
    tt_tcp_local(f->t, NULL, &lport);
    const uint8_t tcp8[8] = {(uint8_t)(lport >> 8), (uint8_t)lport,       (uint8_t)(f->pport >> 8),
                             (uint8_t)f->pport,     (uint8_t)(seq >> 24), (uint8_t)(seq >> 16),
                             (uint8_t)(seq >> 8),   (uint8_t)seq};
    memcpy(quote + 20, tcp8, 8);
    struct tt_icmp_hdr m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.code = code;
    m.rest = mtu;
    m.payload = quote;
    m.payload_len = sizeof quote;
    uint8_t pkt[20 + 8 + 28];
    assert_int_equal(tt__icmp_emit(&m, pkt + 20, sizeof pkt - 20), 8 + 28);
    struct tt_ipv4_hdr ip;
    memset(&ip, 0, sizeof ip);
    ip.total_len = sizeof pkt;
    ip.ttl = 64;
    ip.proto = TT_IPPROTO_ICMP;
    ip.src = ROUTER.v4;
    ip.dst = FX_US.v4;
    assert_int_equal(tt__ipv4_emit(&ip, pkt, 20), 20);
    assert_int_equal(tt_stack_input(f->s, f->iface, pkt, sizeof pkt, f->now), 0);
}

static uint8_t buf[16384];

/* Write n bytes and return the data segments sent at once, checking each
 * is at most mss (and exactly mss but the last). */
static int write_expect(struct fx *f, uint32_t n, uint32_t mss, int df)
{
    assert_int_equal(tt_tcp_send(f->t, buf, n, f->now), (int)n);
    int segs = 0;
    uint32_t got = 0;
    struct fx_seg *g;
    while ((g = fx_try_pop(f)) != NULL) {
        assert_int_equal(g->h.seq, f->pack + got);
        assert_int_equal(g->df, df);
        got += g->dlen;
        assert_true(g->dlen == mss || got == n);
        segs++;
    }
    assert_int_equal(got, n);
    return segs;
}

static void ack_all(struct fx *f)
{
    f->pack = fx_snd_nxt(f);
    fx_inject(f, TT_TCP_ACK, f->pseq, f->pack, 65535, NULL, 0, NULL);
    f->rd = f->nout = 0;
}

/* The whole path: 1460-byte segments; a router says 1000; what was in flight
 * goes again in 960-byte segments, new data too; 600 s later the learned
 * MTU is forgotten and 1460 comes back. */
static void test_pmtud_whole_path(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(write_expect(&f, 4000, 1460, 1), 3);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 1000, f.pack);
    assert_int_equal(fx_info(&f).snd_mss, 960);
    uint32_t got = 0;
    struct fx_seg *g;
    while ((g = fx_try_pop(&f)) != NULL) {
        assert_int_equal(g->h.seq, f.pack + got);
        assert_true(g->dlen <= 960);
        got += g->dlen;
    }
    assert_true(got >= 960);
    f.pack += 4000;
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, NULL, 0, NULL);
    f.rd = f.nout = 0;
    assert_int_equal(write_expect(&f, 3000, 960, 1), 4);
    ack_all(&f);
    fx_advance(&f, TT_SEC(599));
    assert_int_equal(write_expect(&f, 2000, 960, 1), 3);
    ack_all(&f);
    fx_advance(&f, TT_SEC(2));
    assert_int_equal(write_expect(&f, 2000, 1460, 1), 2);
    assert_int_equal(fx_info(&f).snd_mss, 1460);
    ack_all(&f);
    assert_int_equal(tt_stack_counters(f.s)->icmp_in_errors_delivered, 1);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* A forged "MTU 68" cannot shrink segments below the floor: 552 - 40 = 512
 * bytes, sent without DF since the path claims to be narrower. An MTU of 0
 * (an old router) takes the next plateau down (RFC 1191 §7: 1492). */
static void test_pmtu_floor_and_plateau(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    assert_int_equal(write_expect(&f, 1460, 1460, 1), 1);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 0, f.pack);
    assert_int_equal(fx_info(&f).snd_mss, 1452);
    f.rd = f.nout = 0;
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 68, f.pack);
    assert_int_equal(fx_info(&f).snd_mss, 512);
    ack_all(&f);
    f.pack -= 0;
    assert_int_equal(write_expect(&f, 2000, 512, 0), 4);
    ack_all(&f);
    /* Below the configured floor nothing changes any more. */
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 300, f.pack);
    assert_int_equal(fx_info(&f).snd_mss, 512);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* RFC 5927 §4.1: an ICMP quoting a sequence number not in flight
 * (SND.UNA..SND.NXT) is ignored and counted, as is one that would raise the
 * path MTU (RFC 1191 §6.3). */
static void test_pmtu_quoted_seq_checked(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 600, f.pack); /* nothing in flight */
    assert_int_equal(write_expect(&f, 1000, 1000, 1), 1);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 600, f.pack + 1000);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 600, f.pack - 1);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 600, f.pack + 70000);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 9000, f.pack); /* raises: ignored */
    assert_int_equal(fx_info(&f).snd_mss, 1460);
    fx_assert_none(&f);
    assert_int_equal(tt_stack_counters(f.s)->drops[TT_DROP_ICMP_TCP_STALE], 4);
    icmp_in(&f, TT_ICMP_DEST_UNREACH, TT_ICMP_FRAG_NEEDED, 600, f.pack + 999);
    assert_int_equal(fx_info(&f).snd_mss, 560);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* A SYN-ACK announcing MSS m: segments of max(m, 48) bytes; an MSS of 0 is
 * ignored as Linux does (the 536 default, RFC 9293 MUST-15). */
static void min_mss_case(uint16_t peer, uint32_t want)
{
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, f.pport, f.now), TT_EINPROGRESS);
    f.iss = fx_pop(&f)->h.seq;
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = peer;
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f.iss + 1, 65535, NULL, 0, &o);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    f.rd = f.nout;
    f.pseq = FX_PEER_ISS + 1;
    f.pack = f.iss + 1;
    assert_int_equal(fx_info(&f).snd_mss, want);
    /* the initial window: 10 segments of want bytes */
    assert_int_equal(write_expect(&f, 10 * want, want, 1), 10);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

static void test_min_snd_mss(void **st)
{
    (void)st;
    min_mss_case(0, 536);
    min_mss_case(1, 48);
    min_mss_case(48, 48);
    min_mss_case(100, 100);
}

/* RFC 1122 §4.2.3.9 / RFC 5927 §4.2 in ESTABLISHED: no ICMP aborts, hard or
 * soft; the error is reported until data gets through again. */
static void test_icmp_established_never_aborts(void **st)
{
    (void)st;
    static const uint8_t cases[][3] = {
        {TT_ICMP_DEST_UNREACH, TT_ICMP_NET_UNREACH, 0},
        {TT_ICMP_DEST_UNREACH, TT_ICMP_HOST_UNREACH, 0},
        {TT_ICMP_DEST_UNREACH, TT_ICMP_PORT_UNREACH, 0},
        {TT_ICMP_DEST_UNREACH, TT_ICMP_PROTO_UNREACH, 0},
        {TT_ICMP_DEST_UNREACH, 13, 0}, /* administratively prohibited */
        {TT_ICMP_TIME_EXCEEDED, 0, 0},
        {TT_ICMP_PARAM_PROBLEM, 0, 0},
    };
    static const int errs[] = {TT_ENETUNREACH,  TT_EHOSTUNREACH, TT_ECONNREFUSED, TT_EPROTO,
                               TT_EHOSTUNREACH, TT_EHOSTUNREACH, TT_EPROTO};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f;
        fx_init(&f, NULL);
        fx_active_established(&f);
        assert_int_equal(write_expect(&f, 100, 100, 1), 1);
        icmp_in(&f, cases[i][0], cases[i][1], 0, f.pack);
        assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
        assert_int_equal(tt_tcp_error(f.t), errs[i]);
        ack_all(&f);
        assert_int_equal(tt_tcp_error(f.t), 0);
        tt_tcp_abort(f.t, f.now);
        fx_fini(&f);
    }
}

/* In SYN-SENT a hard error aborts (Linux), a soft one does not (RFC 1122
 * MUST NOT); source quench is ignored (RFC 6633). */
static void test_icmp_syn_sent(void **st)
{
    (void)st;
    static const uint8_t cases[][3] = {
        {TT_ICMP_DEST_UNREACH, 13, 1},
        {TT_ICMP_DEST_UNREACH, 10, 1},
        {TT_ICMP_DEST_UNREACH, TT_ICMP_PROTO_UNREACH, 1},
        {TT_ICMP_DEST_UNREACH, TT_ICMP_NET_UNREACH, 0},
        {TT_ICMP_DEST_UNREACH, 5, 0},
        {TT_ICMP_TIME_EXCEEDED, 1, 0},
        {TT_ICMP_SOURCE_QUENCH, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fx f;
        fx_init(&f, NULL);
        assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
        tt_tcp_connect(f.t, FX_PEER, f.pport, f.now);
        uint32_t iss = fx_pop(&f)->h.seq;
        icmp_in(&f, cases[i][0], cases[i][1], 0, iss);
        assert_int_equal(tt_tcp_state(f.t), cases[i][2] ? TT_CLOSED : TT_SYN_SENT);
        if (cases[i][0] == TT_ICMP_SOURCE_QUENCH)
            assert_int_equal(tt_tcp_error(f.t), 0);
        else
            assert_true(tt_tcp_error(f.t) < 0);
        tt_tcp_close(f.t, f.now);
        f.rd = f.nout;
        fx_fini(&f);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pmtud_whole_path),
        cmocka_unit_test(test_pmtu_floor_and_plateau),
        cmocka_unit_test(test_pmtu_quoted_seq_checked),
        cmocka_unit_test(test_min_snd_mss),
        cmocka_unit_test(test_icmp_established_never_aborts),
        cmocka_unit_test(test_icmp_syn_sent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
