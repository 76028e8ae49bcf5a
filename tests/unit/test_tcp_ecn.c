/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ECN (RFC 3168 §6.1) on crafted segments: negotiation as Linux's tcp_ecn
 * (0 off, 1 ask and accept, 2 = default: accept only), ECT(0) on new data
 * and nowhere else, CE echoed as ECE until CWR, and an ECE taken as one
 * congestion event per window, cwnd reduced through PRR (Linux's CWR state),
 * with CWR on the next new data.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "tcp/tcp_int.h"
#include "tcp_fixture.h"

#define MSS 1460u
#define ECT0 0x02
#define CE 0x03

static uint8_t data[24 * 1460];

static void init_ecn(struct fx *f, uint8_t ecn)
{
    struct tt_config cfg;
    fx_config(&cfg);
    cfg.tcp.ecn = ecn;
    fx_init(f, &cfg);
}

static void done(struct fx *f)
{
    tt_tcp_abort(f->t, f->now);
    if (f->l)
        tt_tcp_abort(f->l, f->now);
    fx_fini(f);
}

static int ecn_ok(const struct fx *f)
{
    return (fx_info(f).options & TT_TCPI_OPT_ECN) != 0;
}

/* The default (2) never asks: a plain SYN, no ECN. With 1 the SYN carries
 * ECE and CWR; a SYN-ACK with ECE completes it, one without leaves it off. */
static void test_negotiate_active(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f); /* asserts a SYN without ECE/CWR */
    assert_false(ecn_ok(&f));
    done(&f);

    init_ecn(&f, 1);
    f.ecn_syn = 1;
    fx_active_established(&f); /* asserts SYN|ECE|CWR, answers SYN|ACK|ECE */
    assert_true(ecn_ok(&f));
    done(&f);

    /* Asked, but the peer's SYN-ACK has no ECE: off, data goes Not-ECT. */
    init_ecn(&f, 1);
    assert_int_equal(tt_tcp_open(f.s, &f.t), 0);
    assert_int_equal(tt_tcp_connect(f.t, FX_PEER, f.pport, f.now), TT_EINPROGRESS);
    struct fx_seg *syn = fx_pop(&f);
    assert_int_equal(syn->h.flags, TT_TCP_SYN | TT_TCP_ECE | TT_TCP_CWR);
    assert_int_equal(syn->tos & 3, 0); /* a SYN is never ECT (§6.1.1) */
    f.iss = syn->h.seq;
    /* The retransmitted SYN drops ECE/CWR (Linux tcp_ecn_fallback). */
    fx_advance(&f, TT_SEC(1));
    assert_int_equal(fx_pop(&f)->h.flags, TT_TCP_SYN);
    f.pseq = FX_PEER_ISS + 1;
    f.pack = f.iss + 1;
    struct tt_tcp_opts o = {.has_mss = 1, .mss = 1460};
    fx_inject(&f, TT_TCP_SYN | TT_TCP_ACK, FX_PEER_ISS, f.pack, 65535, NULL, 0, &o);
    fx_pop(&f);
    assert_false(ecn_ok(&f));
    assert_int_equal(tt_tcp_send(f.t, data, 100, f.now), 100);
    assert_int_equal(fx_pop(&f)->tos & 3, 0);
    done(&f);
}

/* A listener answers an ECN SYN with ECE (not CWR) under 1 and 2, not 0. */
static void test_negotiate_passive(void **st)
{
    (void)st;
    for (uint8_t mode = 0; mode <= 2; mode++) {
        struct fx f;
        init_ecn(&f, mode);
        f.ecn_syn = mode != 0;
        if (mode == 0) {
            /* The fixture sends a plain SYN then; send the ECN one here. */
            assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
            assert_int_equal(tt_tcp_bind(f.l, 0, FX_PORT), 0);
            assert_int_equal(tt_tcp_listen(f.l, 4, f.now), 0);
            fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN | TT_TCP_ECE | TT_TCP_CWR, 1000, 0,
                            65535, NULL, 0, NULL);
            assert_int_equal(fx_pop(&f)->h.flags, TT_TCP_SYN | TT_TCP_ACK);
            tt_tcp_abort(f.l, f.now);
            fx_fini(&f);
            continue;
        }
        fx_passive_established(&f); /* asserts the ECE in the SYN-ACK */
        assert_true(ecn_ok(&f));
        done(&f);
    }
    /* A SYN with only ECE (not the setup pair) gets no ECN. */
    struct fx f;
    fx_init(&f, NULL);
    assert_int_equal(tt_tcp_open(f.s, &f.l), 0);
    assert_int_equal(tt_tcp_bind(f.l, 0, FX_PORT), 0);
    assert_int_equal(tt_tcp_listen(f.l, 4, f.now), 0);
    fx_inject_ports(&f, f.pport, FX_PORT, TT_TCP_SYN | TT_TCP_ECE, 1000, 0, 65535, NULL, 0, NULL);
    assert_int_equal(fx_pop(&f)->h.flags, TT_TCP_SYN | TT_TCP_ACK);
    tt_tcp_abort(f.l, f.now);
    fx_fini(&f);
}

static void open_ecn(struct fx *f)
{
    init_ecn(f, 1);
    f->ecn_syn = 1;
    fx_active_established(f);
    tt_tcp_setopt(f->t, TT_TCP_OPT_SNDBUF, 200000);
    tt_tcp_setopt(f->t, TT_TCP_OPT_NODELAY, 1);
}

/* ECT(0) on new data only: not on a pure ACK, not on a retransmission
 * (§6.1.5), not on a window probe (§6.1.6). */
static void test_ect_marking(void **st)
{
    (void)st;
    struct fx f;
    open_ecn(&f);
    assert_int_equal(tt_tcp_send(f.t, data, 2 * MSS, f.now), 2 * MSS);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->tos & 3, ECT0);
    assert_int_equal(g->h.flags & (TT_TCP_ECE | TT_TCP_CWR), 0);
    assert_int_equal(fx_pop(&f)->tos & 3, ECT0);
    /* The RTO retransmission goes Not-ECT. */
    fx_advance(&f, fx_info(&f).rto);
    g = fx_pop(&f);
    assert_int_equal(g->dlen, MSS);
    assert_int_equal(g->tos & 3, 0);
    /* A pure ACK (of peer data) is Not-ECT. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 2 * MSS, 65535, data, 10, NULL);
    f.pseq += 10;
    fx_advance(&f, TT_MSEC(200));
    g = fx_pop(&f);
    assert_int_equal(g->dlen, 0);
    assert_int_equal(g->tos & 3, 0);
    /* Zero window: the probe is Not-ECT. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 2 * MSS, 0, NULL, 0, NULL);
    assert_int_equal(tt_tcp_send(f.t, data, 100, f.now), 100);
    fx_advance(&f, TT_SEC(2));
    g = fx_pop(&f);
    assert_int_equal(g->dlen, 0);
    assert_int_equal(g->tos & 3, 0);
    done(&f);
}

/* Receiver (§6.1.3): data with CE is ACKed at once with ECE, and every ACK
 * carries ECE until the peer's CWR. */
static void test_ce_echo(void **st)
{
    (void)st;
    struct fx f;
    open_ecn(&f);
    f.next_tos = ECT0;
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, data, 100, NULL);
    f.pseq += 100;
    fx_advance(&f, TT_MSEC(200));
    assert_int_equal(fx_pop(&f)->h.flags & TT_TCP_ECE, 0); /* ECT alone: no echo */
    f.next_tos = CE;
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, data, 100, NULL);
    f.pseq += 100;
    struct fx_seg *g = fx_pop(&f); /* at once, not after the delayed-ACK timer */
    assert_int_equal(g->h.flags, TT_TCP_ACK | TT_TCP_ECE);
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack, 65535, data, 100, NULL);
    f.pseq += 100;
    fx_advance(&f, TT_MSEC(200));
    assert_int_equal(fx_pop(&f)->h.flags, TT_TCP_ACK | TT_TCP_ECE); /* still echoing */
    fx_inject(&f, TT_TCP_ACK | TT_TCP_CWR, f.pseq, f.pack, 65535, data, 100, NULL);
    f.pseq += 100;
    fx_advance(&f, TT_MSEC(200));
    assert_int_equal(fx_pop(&f)->h.flags, TT_TCP_ACK); /* CWR ends it */
    done(&f);
}

/* Sender (§6.1.2), as Linux's CWR state: an ECE sets ssthresh once (CUBIC:
 * 0.7 cwnd) and PRR (RFC 6937) takes cwnd down to it ACK by ACK over the
 * round trip, not at once: the first ACK sends one segment for the one
 * delivered, the rest follow ssthresh / RecoverFS. Further ECEs in the same
 * window change nothing; the ACK past the window ends CWR with cwnd =
 * ssthresh; the next new data carries CWR, once; an ECE after the window
 * reduces again. */
static void test_ece_response(void **st)
{
    (void)st;
    struct fx f;
    open_ecn(&f);
    assert_int_equal(tt_tcp_send(f.t, data, 20 * MSS, f.now), 20 * MSS);
    f.rd += 10;
    fx_advance(&f, TT_MSEC(20));
    fx_inject(&f, TT_TCP_ACK | TT_TCP_ECE, f.pseq, f.pack + MSS, 65535, NULL, 0, NULL);
    uint32_t ssthresh = 11 * 717 / 1024 * MSS; /* cwnd was 11 after the ACK */
    assert_int_equal(f.t->ssthresh, ssthresh);
    assert_int_equal(fx_info(&f).ca_state, 2); /* CWR */
    /* PRR: pipe 9 > ssthresh, CEIL(1 * ssthresh / 11) = 1 segment. */
    assert_int_equal(f.t->cwnd, 10 * MSS);
    struct fx_seg *g = fx_pop(&f);
    assert_int_equal(g->h.seq, f.pack + 10 * MSS);
    assert_int_equal(g->h.flags & TT_TCP_CWR, TT_TCP_CWR); /* the first new data */
    assert_int_equal(g->tos & 3, ECT0);
    fx_assert_none(&f);
    assert_int_equal(fx_info(&f).total_retrans, 0); /* nothing to resend */
    /* The rest of the window, each ACK with ECE again: no second reduction;
     * PRR sends CEIL(prr_delivered * ssthresh / RecoverFS) - prr_out. */
    uint32_t out = 1;
    for (uint32_t k = 2; k <= 9; k++) {
        /* RFC 6937 §3 in bytes, sends in whole segments: pipe (before this
         * ACK's sends) above ssthresh: proportional; else PRR-SSRB (SND.UNA
         * moved, nothing lost), never past ssthresh. */
        int64_t pipe = (int64_t)tt_seq_diff(f.t->snd_nxt, f.t->snd_una) - MSS;
        int64_t pd = (int64_t)k * MSS, po = (int64_t)out * MSS, want;
        if (pipe > ssthresh) {
            want = (pd * ssthresh + 11 * MSS - 1) / (11 * MSS) - po;
        } else {
            want = (pd - po > (int64_t)MSS ? pd - po : (int64_t)MSS) + MSS;
            if (want > ssthresh - pipe)
                want = ssthresh - pipe;
        }
        want = want > 0 ? (want + MSS - 1) / MSS : 0;
        fx_inject(&f, TT_TCP_ACK | TT_TCP_ECE, f.pseq, f.pack + k * MSS, 65535, NULL, 0, NULL);
        uint32_t n = 0;
        while ((g = fx_try_pop(&f)) != NULL) {
            assert_int_equal(g->h.flags & TT_TCP_CWR, 0); /* once */
            n++;
        }
        assert_int_equal(n, want);
        out += n;
        assert_int_equal(f.t->ssthresh, ssthresh);
        assert_int_equal(fx_info(&f).ca_state, 2);
    }
    assert_true(out < 9); /* fewer sent than delivered: the reduction */
    /* SND.UNA passes what was sent before the ECE: CWR ends, cwnd = ssthresh. */
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + 10 * MSS, 65535, NULL, 0, NULL);
    assert_int_equal(fx_info(&f).ca_state, 0);
    assert_int_equal(f.t->cwnd, ssthresh);
    while (fx_try_pop(&f) != NULL)
        ;
    /* Past the window of the first reduction, a new ECE reduces again. */
    fx_inject(&f, TT_TCP_ACK | TT_TCP_ECE, f.pseq, f.pack + 11 * MSS, 65535, NULL, 0, NULL);
    assert_int_equal(fx_info(&f).ca_state, 2);
    assert_true(f.t->ssthresh < ssthresh);
    g = fx_try_pop(&f);
    if (g)
        assert_int_equal(g->h.flags & TT_TCP_CWR, TT_TCP_CWR);
    done(&f);
}

/* Not negotiated: an ECE or CE from the peer means nothing. */
static void test_ignored_without_ecn(void **st)
{
    (void)st;
    struct fx f;
    fx_init(&f, NULL);
    fx_active_established(&f);
    tt_tcp_setopt(f.t, TT_TCP_OPT_NODELAY, 1);
    assert_int_equal(tt_tcp_send(f.t, data, 4 * MSS, f.now), 4 * MSS);
    f.rd += 4;
    uint32_t cwnd = fx_info(&f).snd_cwnd;
    fx_inject(&f, TT_TCP_ACK | TT_TCP_ECE, f.pseq, f.pack + MSS, 65535, NULL, 0, NULL);
    assert_int_equal(fx_info(&f).snd_cwnd, cwnd);
    assert_int_equal(f.t->ssthresh, UINT32_MAX);
    f.next_tos = CE;
    fx_inject(&f, TT_TCP_ACK, f.pseq, f.pack + MSS, 65535, data, 100, NULL);
    fx_advance(&f, TT_MSEC(200));
    struct fx_seg *g;
    while ((g = fx_try_pop(&f)) != NULL)
        assert_int_equal(g->h.flags & TT_TCP_ECE, 0);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_negotiate_active), cmocka_unit_test(test_negotiate_passive),
        cmocka_unit_test(test_ect_marking),      cmocka_unit_test(test_ce_echo),
        cmocka_unit_test(test_ece_response),     cmocka_unit_test(test_ignored_without_ecn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
