/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP Fast Open (RFC 7413) on crafted segments and the virtual clock
 * (tests/support/tcp_fixture.h). Server: the cookie request, data in the
 * SYN taken and acknowledged, the fallback on a bad cookie, key rotation,
 * the fast-open queue limit, the cookie-less mode. Client: the cookie
 * request and cache, data in the SYN, data the server did not acknowledge,
 * the SYN retransmitted without data, TCP_FASTOPEN_CONNECT, blackhole
 * detection.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp/tcp_int.h"
#include "tcp_fixture.h"

static struct tt_tcp_opts syn_opts(int fo, const uint8_t *cookie, uint8_t len)
{
    struct tt_tcp_opts o;
    memset(&o, 0, sizeof o);
    o.has_mss = 1;
    o.mss = 1460;
    o.has_fo = (uint8_t)fo;
    o.fo_len = len;
    if (len)
        memcpy(o.fo_cookie, cookie, len);
    return o;
}

static void listen_tfo(struct fx *f, int qlen)
{
    assert_int_equal(tt_tcp_open(f->s, &f->l), 0);
    assert_int_equal(tt_tcp_bind(f->l, 0, FX_PORT), 0);
    assert_int_equal(tt_tcp_setopt(f->l, TT_TCP_OPT_FASTOPEN, qlen), 0);
    assert_int_equal(tt_tcp_listen(f->l, 16, f->now), 0);
}

static void server_config(struct tt_config *c)
{
    fx_config(c);
    c->tcp.fastopen = TT_TFO_CLIENT | TT_TFO_SERVER;
}

/* A cookie request (RFC 7413 §4.1.1 empty option) draws our cookie in the
 * SYN-ACK, in the form asked; the handshake is otherwise normal. */
static void test_server_cookie_request(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    listen_tfo(&f, 16);
    uint8_t want[8];
    assert_int_equal(tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, want), 8);
    struct tt_tcp_opts o = syn_opts(TT_TCP_FO_IANA, NULL, 0);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "ignored", 7, &o);
    struct fx_seg *sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 1); /* data not acked */
    assert_int_equal(sa->h.opt.has_fo, TT_TCP_FO_IANA);
    assert_int_equal(sa->h.opt.fo_len, 8);
    assert_memory_equal(sa->h.opt.fo_cookie, want, 8);
    assert_int_equal(tt_tcp_accept(f.l, &f.t, f.now), TT_EAGAIN);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_cookie_reqd, 1);
    /* The experimental form is answered in kind. */
    o = syn_opts(TT_TCP_FO_EXP, NULL, 0);
    fx_inject_ports(&f, f.pport + 1, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, NULL, 0, &o);
    sa = fx_pop(&f);
    assert_int_equal(sa->h.opt.has_fo, TT_TCP_FO_EXP);
    assert_memory_equal(sa->h.opt.fo_cookie, want, 8);
    /* Another client address gets another cookie. */
    uint8_t other[8];
    tt_tcp_fastopen_cookie(f.s, FX_PEER + 1, FX_US, other);
    assert_memory_not_equal(other, want, 8);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* A valid cookie with data: the child is acceptable and readable at once, in
 * SYN-RECEIVED; the SYN-ACK acknowledges the data (RFC 7413 §4.2.2); the
 * final ACK makes it ESTABLISHED. */
static void test_server_data_in_syn(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    listen_tfo(&f, 16);
    uint8_t ck[8];
    tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, ck);
    struct tt_tcp_opts o = syn_opts(TT_TCP_FO_IANA, ck, 8);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "hello", 5, &o);
    struct fx_seg *sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 1 + 5);
    assert_int_equal(sa->h.opt.has_fo, 0); /* a valid primary cookie: none again */
    f.iss = sa->h.seq;
    assert_int_equal(tt_tcp_accept(f.l, &f.t, f.now), 0);
    assert_int_equal(tt_tcp_state(f.t), TT_SYN_RECEIVED);
    char buf[16];
    assert_int_equal(tt_tcp_recv(f.t, buf, sizeof buf, f.now), 5);
    assert_memory_equal(buf, "hello", 5);
    /* The server may queue its answer before the handshake completes. */
    assert_int_equal(tt_tcp_send(f.t, "world", 5, f.now), 5);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_ACK, FX_PEER_ISS + 6, f.iss + 1, 65535, NULL, 0,
                    NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    struct fx_seg *d = fx_pop(&f);
    fx_expect(d, TT_TCP_ACK | TT_TCP_PSH, f.iss + 1, FX_PEER_ISS + 6);
    assert_int_equal(d->dlen, 5);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_passive, 1);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* A SYN-ACK lost: the child retransmits it, still acknowledging the data. */
static void test_server_synack_rexmit(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    listen_tfo(&f, 16);
    uint8_t ck[8];
    tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, ck);
    struct tt_tcp_opts o = syn_opts(TT_TCP_FO_IANA, ck, 8);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "abc", 3, &o);
    struct fx_seg *sa = fx_pop(&f);
    uint32_t iss = sa->h.seq;
    fx_advance(&f, c.tcp.rto_initial);
    sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, iss, FX_PEER_ISS + 4);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* A bad cookie: a normal handshake (RFC 7413 §4.2.2), the data not acked,
 * the SYN-ACK bringing a valid cookie. */
static void test_server_bad_cookie_fallback(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    listen_tfo(&f, 16);
    uint8_t ck[8], bad[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, ck);
    struct tt_tcp_opts o = syn_opts(TT_TCP_FO_IANA, bad, 8);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "hello", 5, &o);
    struct fx_seg *sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 1);
    assert_int_equal(sa->h.opt.fo_len, 8);
    assert_memory_equal(sa->h.opt.fo_cookie, ck, 8);
    f.iss = sa->h.seq;
    assert_int_equal(tt_tcp_accept(f.l, &f.t, f.now), TT_EAGAIN);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_passive_fail, 1);
    /* The client sends the data again after the handshake. */
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_ACK, FX_PEER_ISS + 1, f.iss + 1, 65535, "hello", 5,
                    NULL);
    assert_int_equal(tt_tcp_accept(f.l, &f.t, f.now), 0);
    char buf[8];
    assert_int_equal(tt_tcp_recv(f.t, buf, sizeof buf, f.now), 5);
    while (fx_try_pop(&f)) /* its ACK */
        ;
    /* A cookie of another length is no cookie of ours either. */
    o = syn_opts(TT_TCP_FO_IANA, bad, 4);
    fx_inject_ports(&f, f.pport + 1, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "x", 1, &o);
    sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 1);
    /* Server Fast Open off (bit 0x2 clear): the option is ignored. */
    f.s->cfg.tcp.fastopen = TT_TFO_CLIENT;
    o = syn_opts(TT_TCP_FO_IANA, ck, 8);
    fx_inject_ports(&f, f.pport + 2, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "x", 1, &o);
    sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 1);
    assert_int_equal(sa->h.opt.has_fo, 0);
    tt_tcp_abort(f.t, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* Key rotation: a cookie under the backup key is taken, and the SYN-ACK
 * brings one under the new primary. */
static void test_server_key_rotation(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    listen_tfo(&f, 16);
    uint8_t ka[16], kb[16], ca[8], cb[8];
    memset(ka, 0xa, sizeof ka);
    memset(kb, 0xb, sizeof kb);
    assert_int_equal(tt_tcp_fastopen_key(f.s, ka, NULL), 0);
    tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, ca);
    assert_int_equal(tt_tcp_fastopen_key(f.s, kb, ka), 0);
    tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, cb);
    assert_memory_not_equal(ca, cb, 8);
    struct tt_tcp_opts o = syn_opts(TT_TCP_FO_IANA, ca, 8);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "hi", 2, &o);
    struct fx_seg *sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 3);
    assert_int_equal(sa->h.opt.fo_len, 8);
    assert_memory_equal(sa->h.opt.fo_cookie, cb, 8);
    /* The backup dropped: the old cookie no longer opens. */
    assert_int_equal(tt_tcp_fastopen_key(f.s, kb, NULL), 0);
    fx_inject_ports(&f, f.pport + 1, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "hi", 2, &o);
    sa = fx_pop(&f);
    fx_expect(sa, TT_TCP_SYN | TT_TCP_ACK, sa->h.seq, FX_PEER_ISS + 1);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* The fast-open queue (TT_TCP_OPT_FASTOPEN = 1): a second pending child is
 * refused and its SYN gets a normal handshake without a cookie. */
static void test_server_queue_limit(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    listen_tfo(&f, 1);
    uint8_t ck[8];
    tt_tcp_fastopen_cookie(f.s, FX_PEER, FX_US, ck);
    struct tt_tcp_opts o = syn_opts(TT_TCP_FO_IANA, ck, 8);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "a", 1, &o);
    struct fx_seg *first = fx_pop(&f);
    fx_expect(first, TT_TCP_SYN | TT_TCP_ACK, first->h.seq, FX_PEER_ISS + 2);
    fx_inject_ports(&f, f.pport + 1, FX_PORT, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "b", 1, &o);
    struct fx_seg *sa = fx_pop(&f);
    assert_int_equal(sa->h.ack, FX_PEER_ISS + 1);
    assert_int_equal(sa->h.opt.has_fo, 0);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_listen_overflow, 1);
    /* Listener without TT_TCP_OPT_FASTOPEN: off, unless 0x400. */
    struct tt_tcp *l2;
    assert_int_equal(tt_tcp_open(f.s, &l2), 0);
    assert_int_equal(tt_tcp_bind(l2, 0, FX_PORT + 1), 0);
    assert_int_equal(tt_tcp_listen(l2, 16, f.now), 0);
    fx_inject_ports(&f, f.pport, FX_PORT + 1, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "c", 1, &o);
    assert_int_equal(fx_pop(&f)->h.ack, FX_PEER_ISS + 1);
    f.s->cfg.tcp.fastopen |= TT_TFO_SERVER_ALL;
    fx_inject_ports(&f, f.pport + 1, FX_PORT + 1, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "c", 1, &o);
    assert_int_equal(fx_pop(&f)->h.ack, FX_PEER_ISS + 2);
    /* 0x200: data without any cookie option is taken. */
    f.s->cfg.tcp.fastopen |= TT_TFO_SERVER_NO_COOKIE;
    fx_inject_ports(&f, f.pport + 2, FX_PORT + 1, TT_TCP_SYN, FX_PEER_ISS, 0, 65535, "dd", 2, NULL);
    assert_int_equal(fx_pop(&f)->h.ack, FX_PEER_ISS + 3);
    tt_tcp_close(l2, f.now);
    tt_tcp_close(f.l, f.now);
    fx_fini(&f);
}

/* ---- client ---- */

/* The SYN-ACK the scripted server sends to our SYN, with a cookie. */
static void answer(struct fx *f, const struct fx_seg *syn, uint32_t ack, const uint8_t *ck)
{
    uint16_t lport;
    tt_tcp_local(f->t, NULL, &lport);
    struct tt_tcp_opts o = syn_opts(ck ? TT_TCP_FO_IANA : 0, ck, ck ? 8 : 0);
    fx_inject_ports(f, f->pport, lport, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, ack, 65535, NULL, 0,
                    &o);
    (void)syn;
}

static const uint8_t server_cookie[8] = {0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4};

/* First connection: a cookie request, nothing taken; the cookie kept. */
static void learn_cookie(struct fx *f)
{
    assert_int_equal(tt_tcp_open(f->s, &f->t), 0);
    assert_int_equal(tt_tcp_connect_send(f->t, FX_PEER, f->pport, "GET", 3, f->now),
                     TT_EINPROGRESS);
    struct fx_seg *syn = fx_pop(f);
    assert_int_equal(syn->h.flags, TT_TCP_SYN);
    assert_int_equal(syn->dlen, 0);
    assert_int_equal(syn->h.opt.has_fo, TT_TCP_FO_IANA);
    assert_int_equal(syn->h.opt.fo_len, 0);
    answer(f, syn, syn->h.seq + 1, server_cookie);
    assert_int_equal(tt_tcp_state(f->t), TT_ESTABLISHED);
    fx_pop(f); /* our ACK */
    tt_tcp_abort(f->t, f->now);
    fx_pop(f); /* RST */
    f->t = NULL;
}

static void test_client_cookie_and_data(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    learn_cookie(&f);
    /* Second connection: the cookie and the data ride in the SYN. */
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "GET /", 5, f.now), 5);
    struct fx_seg *syn = fx_pop(&f);
    assert_int_equal(syn->h.flags, TT_TCP_SYN);
    assert_int_equal(syn->dlen, 5);
    assert_memory_equal(syn->data, "GET /", 5);
    assert_int_equal(syn->h.opt.has_fo, TT_TCP_FO_IANA);
    assert_int_equal(syn->h.opt.fo_len, 8);
    assert_memory_equal(syn->h.opt.fo_cookie, server_cookie, 8);
    answer(&f, syn, syn->h.seq + 6, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    fx_expect(fx_pop(&f), TT_TCP_ACK, syn->h.seq + 6, FX_PEER_ISS + 1);
    fx_assert_none(&f); /* nothing to send again */
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_active, 1);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* The server acknowledged only the SYN: the data goes again as data. */
static void test_client_data_not_acked(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    learn_cookie(&f);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "GET /", 5, f.now), 5);
    struct fx_seg *syn = fx_pop(&f);
    uint32_t iss = syn->h.seq;
    answer(&f, syn, iss + 1, server_cookie);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    struct fx_seg *g = fx_pop(&f);
    if (g->dlen == 0) /* a bare ACK may go first */
        g = fx_pop(&f);
    fx_expect(g, TT_TCP_ACK | TT_TCP_PSH, iss + 1, FX_PEER_ISS + 1);
    assert_int_equal(g->dlen, 5);
    assert_memory_equal(g->data, "GET /", 5);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_active_fail, 1);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* The SYN with data lost: the retransmission goes without data and without
 * the option (RFC 7413 §4.1.3 / Linux); the data follows the handshake. */
static void test_client_syn_lost(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    learn_cookie(&f);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "abc", 3, f.now), 3);
    struct fx_seg *syn = fx_pop(&f);
    uint32_t iss = syn->h.seq;
    assert_int_equal(syn->dlen, 3);
    fx_advance(&f, c.tcp.rto_initial);
    struct fx_seg *re = fx_pop(&f);
    fx_expect(re, TT_TCP_SYN, iss, 0);
    assert_int_equal(re->dlen, 0);
    assert_int_equal(re->h.opt.has_fo, 0);
    answer(&f, re, iss + 1, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    struct fx_seg *g = fx_pop(&f);
    if (g->dlen == 0)
        g = fx_pop(&f);
    assert_int_equal(g->h.seq, iss + 1);
    assert_int_equal(g->dlen, 3);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* TCP_FASTOPEN_CONNECT: with a cookie, connect returns 0 and sends nothing;
 * the first write sends the SYN with it. */
static void test_client_fastopen_connect(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    struct fx f;
    fx_init(&f, &c);
    learn_cookie(&f);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_FASTOPEN_CONNECT, 1), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, f.pport, f.now), 0);
    fx_assert_none(&f);
    assert_int_equal(tt_tcp_send(f.t, "hello", 5, f.now), 5);
    struct fx_seg *syn = fx_pop(&f);
    assert_int_equal(syn->h.flags, TT_TCP_SYN);
    assert_int_equal(syn->dlen, 5);
    assert_int_equal(syn->h.opt.fo_len, 8);
    answer(&f, syn, syn->h.seq + 6, NULL);
    assert_int_equal(tt_tcp_state(f.t), TT_ESTABLISHED);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);

    /* No cookie yet: connect sends a request and is in progress. */
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_setopt(f.t, TT_TCP_OPT_FASTOPEN_CONNECT, 1), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, f.pport, f.now), TT_EINPROGRESS);
    syn = fx_pop(&f);
    assert_int_equal(syn->h.opt.has_fo, TT_TCP_FO_IANA);
    assert_int_equal(syn->h.opt.fo_len, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);

    /* 0x4: data without a cookie, and no option at all. */
    c.tcp.fastopen = TT_TFO_CLIENT | TT_TFO_CLIENT_NO_COOKIE;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "zz", 2, f.now), 2);
    syn = fx_pop(&f);
    assert_int_equal(syn->dlen, 2);
    assert_int_equal(syn->h.opt.has_fo, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);

    /* Client Fast Open off: a plain SYN. */
    c.tcp.fastopen = 0;
    fx_init(&f, &c);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "zz", 2, f.now), TT_EINPROGRESS);
    syn = fx_pop(&f);
    assert_int_equal(syn->dlen, 0);
    assert_int_equal(syn->h.opt.has_fo, 0);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

/* Blackhole detection (Linux tcp_fastopen_active_detect_blackhole): SYNs
 * with data that time out turn active Fast Open off for
 * fastopen_blackhole, after which it is tried again. */
static void test_client_blackhole(void **st)
{
    (void)st;
    struct tt_config c;
    server_config(&c);
    c.tcp.fastopen_blackhole = 60;
    struct fx f;
    fx_init(&f, &c);
    learn_cookie(&f);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "abc", 3, f.now), 3);
    fx_pop(&f);
    fx_advance(&f, TT_SEC(1));
    fx_pop(&f);
    fx_advance(&f, TT_SEC(2));
    fx_pop(&f);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_blackhole, 0);
    fx_advance(&f, TT_SEC(4)); /* the second retransmission timed out */
    fx_pop(&f);
    assert_int_equal(tt_stack_counters(f.s)->tcp_fastopen_blackhole, 1);
    tt_tcp_abort(f.t, f.now);
    /* Resting: no option, no data. */
    struct tt_tcp *t2;
    assert_int_equal(tt_tcp_open(f.s, &t2), 0);
    f.t = t2;
    assert_int_equal(tt_tcp_connect_send(t2, FX_PEER, f.pport, "abc", 3, f.now), TT_EINPROGRESS);
    struct fx_seg *syn;
    while ((syn = fx_try_pop(&f)) && !(syn->h.flags & TT_TCP_SYN))
        ;
    assert_non_null(syn);
    assert_int_equal(syn->dlen, 0);
    assert_int_equal(syn->h.opt.has_fo, 0);
    tt_tcp_abort(t2, f.now);
    /* After the rest: the cookie and data again. */
    fx_advance(&f, TT_SEC(61));
    while (fx_try_pop(&f))
        ;
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect_send(f.t, FX_PEER, f.pport, "abc", 3, f.now), 3);
    syn = fx_pop(&f);
    assert_int_equal(syn->dlen, 3);
    assert_int_equal(syn->h.opt.fo_len, 8);
    tt_tcp_abort(f.t, f.now);
    fx_fini(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_server_cookie_request),
        cmocka_unit_test(test_server_data_in_syn),
        cmocka_unit_test(test_server_synack_rexmit),
        cmocka_unit_test(test_server_bad_cookie_fallback),
        cmocka_unit_test(test_server_key_rotation),
        cmocka_unit_test(test_server_queue_limit),
        cmocka_unit_test(test_client_cookie_and_data),
        cmocka_unit_test(test_client_data_not_acked),
        cmocka_unit_test(test_client_syn_lost),
        cmocka_unit_test(test_client_fastopen_connect),
        cmocka_unit_test(test_client_blackhole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
