/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The terminal ladder from synthetic trace events: golden outputs for the
 * handshake with each close order, simultaneous open, a loss with its
 * retransmission, a bulk transfer summarised; plus the 80-column limit,
 * colour only on request, relative/absolute numbers and --explain.
 *
 * TT_UPDATE_GOLDEN=1 rewrites the golden files instead of comparing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_ladder_wire.h"

static char *render(const struct tt_ladder *l, const struct tt_ladder_opts *o)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(tt_ladder_render_text(l, o, f), 0);
    fclose(f);
    return buf;
}

static void check_width(const char *text)
{
    /* Every line fits 80 columns (code points; escape sequences excluded). */
    size_t w = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '\n') {
            assert_true(w <= 80);
            w = 0;
        } else if (((unsigned char)*p & 0xc0) != 0x80) {
            w++;
        }
    }
}

static void golden(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/golden/%s", TT_SOURCE_DIR, name);
    if (getenv("TT_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
        return;
    }
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("missing golden file %s (run with TT_UPDATE_GOLDEN=1)", path);
    static char want[65536];
    size_t n = fread(want, 1, sizeof(want) - 1, f);
    want[n] = 0;
    fclose(f);
    if (strcmp(want, text) != 0) {
        fprintf(stderr, "---- got ----\n%s---- want (%s) ----\n%s", text, name, want);
        fail_msg("output differs from %s", name);
    }
}

static void render_golden(const struct tt_ladder *l, const char *name, int explain)
{
    struct tt_ladder_opts o;
    tt_ladder_opts_default(&o);
    o.explain = explain;
    char *text = render(l, &o);
    check_width(text);
    assert_null(strchr(text, '\033'));
    golden(name, text);
    free(text);
}

/* Request, reply; then the given close. */
static void exchange(struct wire *w)
{
    w_send(w, W_C, PA, W_ISN_C + 1, W_ISN_S + 1, 78, MS(15));
    w_send(w, W_S, A, W_ISN_S + 1, W_ISN_C + 79, 0, MS(20));
    w_send(w, W_S, PA, W_ISN_S + 1, W_ISN_C + 79, 1323, MS(20));
    w_send(w, W_C, A, W_ISN_C + 79, W_ISN_S + 1324, 0, MS(25));
}

/* One side closes, the other follows 1 ms after the FIN arrives; fseq and
 * sseq are the next sequence numbers of the first and second closer. */
static void close_at(struct wire *w, int first, tt_time t, uint32_t fseq, uint32_t sseq)
{
    int second = !first;
    w_state(w, first, TT_ESTABLISHED, TT_FIN_WAIT_1, MS(t));
    w_send(w, first, FA, fseq, sseq, 0, MS(t));
    w_state(w, second, TT_ESTABLISHED, TT_CLOSE_WAIT, MS(t + 5));
    w_send(w, second, A, sseq, fseq + 1, 0, MS(t + 5));
    w_state(w, second, TT_CLOSE_WAIT, TT_LAST_ACK, MS(t + 6));
    w_send(w, second, FA, sseq, fseq + 1, 0, MS(t + 6));
    w_state(w, first, TT_FIN_WAIT_1, TT_FIN_WAIT_2, MS(t + 10));
    w_state(w, first, TT_FIN_WAIT_2, TT_TIME_WAIT, MS(t + 11));
    w_send(w, first, A, fseq + 1, sseq + 1, 0, MS(t + 11));
    w_state(w, second, TT_LAST_ACK, TT_CLOSED, MS(t + 16));
    w_state(w, first, TT_TIME_WAIT, TT_CLOSED, MS(t + 11 + 60000));
}

/* close_at after exchange(). */
static void close_by(struct wire *w, int first, tt_time t)
{
    if (first == W_C)
        close_at(w, first, t, W_ISN_C + 79, W_ISN_S + 1324);
    else
        close_at(w, first, t, W_ISN_S + 1324, W_ISN_C + 79);
}

static void test_client_closes_first(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    exchange(&w);
    close_by(&w, W_C, 30);
    assert_int_equal(l.nseg, 11);
    for (size_t i = 0; i < l.nseg; i++)
        assert_true(l.seg[i].t_recv == l.seg[i].t_sent + MS(5));
    render_golden(&l, "ladder_client_close.txt", 0);
    render_golden(&l, "ladder_client_close_explain.txt", 1);
    tt_ladder_free(&l);
}

static void test_server_closes_first(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    exchange(&w);
    close_by(&w, W_S, 30);
    render_golden(&l, "ladder_server_close.txt", 0);
    tt_ladder_free(&l);
}

static void test_simultaneous_close(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    exchange(&w);
    uint32_t cs = W_ISN_C + 79, ss = W_ISN_S + 1324;
    w_state(&w, W_C, TT_ESTABLISHED, TT_FIN_WAIT_1, MS(30));
    w_send(&w, W_C, FA, cs, ss, 0, MS(30));
    w_state(&w, W_S, TT_ESTABLISHED, TT_FIN_WAIT_1, MS(30));
    w_send(&w, W_S, FA, ss, cs, 0, MS(30));
    w_state(&w, W_C, TT_FIN_WAIT_1, TT_CLOSING, MS(35));
    w_send(&w, W_C, A, cs + 1, ss + 1, 0, MS(35));
    w_state(&w, W_S, TT_FIN_WAIT_1, TT_CLOSING, MS(35));
    w_send(&w, W_S, A, ss + 1, cs + 1, 0, MS(35));
    w_state(&w, W_C, TT_CLOSING, TT_TIME_WAIT, MS(40));
    w_state(&w, W_S, TT_CLOSING, TT_TIME_WAIT, MS(40));
    w_state(&w, W_C, TT_TIME_WAIT, TT_CLOSED, MS(60040));
    w_state(&w, W_S, TT_TIME_WAIT, TT_CLOSED, MS(60040));
    render_golden(&l, "ladder_simultaneous_close.txt", 0);
    tt_ladder_free(&l);
}

static void test_simultaneous_open(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_state(&w, W_C, TT_CLOSED, TT_SYN_SENT, 0);
    w_send(&w, W_C, TT_TCP_SYN, W_ISN_C, 0, 0, 0);
    w_state(&w, W_S, TT_CLOSED, TT_SYN_SENT, MS(1));
    w_send(&w, W_S, TT_TCP_SYN, W_ISN_S, 0, 0, MS(1));
    /* RFC 9293 §3.5, figure 7: each SYN meets a SYN-SENT peer. */
    w_state(&w, W_S, TT_SYN_SENT, TT_SYN_RECEIVED, MS(5));
    w_send(&w, W_S, SA, W_ISN_S, W_ISN_C + 1, 0, MS(5));
    w_state(&w, W_C, TT_SYN_SENT, TT_SYN_RECEIVED, MS(6));
    w_send(&w, W_C, SA, W_ISN_C, W_ISN_S + 1, 0, MS(6));
    w_state(&w, W_C, TT_SYN_RECEIVED, TT_ESTABLISHED, MS(10));
    w_state(&w, W_S, TT_SYN_RECEIVED, TT_ESTABLISHED, MS(11));
    render_golden(&l, "ladder_simultaneous_open.txt", 0);
    tt_ladder_free(&l);
}

static void test_loss_rto(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    /* The request is lost; the RTO (200 ms) fires and it goes again. */
    w_send_x(&w, W_C, PA, W_ISN_C + 1, W_ISN_S + 1, 78, MS(15), 1, 0);
    w_send_x(&w, W_C, PA, W_ISN_C + 1, W_ISN_S + 1, 78, MS(215), 0, TT_REXMIT_RTO);
    w_send(&w, W_S, PA, W_ISN_S + 1, W_ISN_C + 79, 100, MS(220));
    w_send(&w, W_C, A, W_ISN_C + 79, W_ISN_S + 101, 0, MS(225));
    w_flush(&w, MS(300));
    assert_int_equal(l.seg[3].lost, 1);
    assert_int_equal(l.seg[4].cause, TT_REXMIT_RTO);
    assert_true(l.seg[4].t_recv == MS(220));
    render_golden(&l, "ladder_loss_rto.txt", 0);
    render_golden(&l, "ladder_loss_rto_explain.txt", 1);
    tt_ladder_free(&l);
}

static void test_bulk_is_summarised(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    /* 200 full segments 100 us apart; the server acknowledges every second
     * one as it arrives (5 ms later), in time order. */
    uint32_t seq = W_ISN_C + 1;
    tt_time ack_at[100];
    uint32_t ack_no[100];
    int na = 0, next = 0;
    for (int i = 0; i < 200; i++) {
        tt_time t = MS(15) + (tt_time)i * 100;
        while (next < na && ack_at[next] <= t) {
            w_send(&w, W_S, A, W_ISN_S + 1, ack_no[next], 0, ack_at[next]);
            next++;
        }
        w_send(&w, W_C, A, seq, W_ISN_S + 1, 1460, t);
        seq += 1460;
        if (i % 2) {
            ack_at[na] = t + MS(5);
            ack_no[na++] = seq;
        }
    }
    while (next < na) {
        w_send(&w, W_S, A, W_ISN_S + 1, ack_no[next], 0, ack_at[next]);
        next++;
    }
    close_at(&w, W_C, 60, seq, W_ISN_S + 1);
    /* Relative numbers for the close: 200 * 1460 bytes sent. */
    struct tt_ladder_opts o;
    tt_ladder_opts_default(&o);
    char *text = render(&l, &o);
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_true(lines < 40);
    assert_non_null(strstr(text, "FIN,ACK seq=292001 ack=1"));
    assert_non_null(strstr(text, "197 data \u25b6 287620 B, 98 ACK \u25c0"));
    free(text);
    render_golden(&l, "ladder_bulk.txt", 0);
    tt_ladder_free(&l);
}

static void test_absolute_and_color(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    struct tt_ladder_opts o;
    tt_ladder_opts_default(&o);
    char *text = render(&l, &o);
    assert_non_null(strstr(text, "SYN seq=0 win=64240"));
    assert_non_null(strstr(text, "SYN,ACK seq=0 ack=1 win=65160"));
    assert_null(strchr(text, '\033'));
    free(text);
    o.absolute = 1;
    o.color = 1;
    text = render(&l, &o);
    assert_non_null(strstr(text, "seq=1000"));
    assert_non_null(strstr(text, "seq=5000 ack=1001"));
    assert_non_null(strstr(text, "\033[1;32mESTABLISHED"));
    free(text);
    tt_ladder_free(&l);
}

static void test_other_connections_ignored(void **st)
{
    (void)st;
    struct tt_ladder l;
    struct wire w;
    tt_ladder_init(&l);
    w_init(&w, &l, MS(5));
    w_handshake(&w, 0);
    /* A segment of another connection (other port) and a state change of
     * another connection object on the client: both ignored. */
    struct tt_trace_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.kind = TT_TRACE_TCP_SEG_OUT;
    ev.seg = w_hdr(W_C, TT_TCP_SYN, 7, 0, 0);
    ev.seg.sport = 40113;
    ev.conn_id = 2;
    tt_ladder_trace(&l, W_C, &ev);
    memset(&ev, 0, sizeof(ev));
    ev.kind = TT_TRACE_TCP_STATE;
    ev.conn_id = 2;
    ev.old_state = TT_ESTABLISHED;
    ev.new_state = TT_CLOSED;
    tt_ladder_trace(&l, W_C, &ev);
    assert_int_equal(l.nseg, 3);
    assert_int_equal(l.cur_state[W_C], TT_LS_ESTABLISHED);
    assert_int_equal(l.init_state[W_S], TT_LS_CLOSED);
    tt_ladder_free(&l);
}

static void test_parse_frame(void **st)
{
    (void)st;
    /* Ethernet + IPv4 + TCP SYN 192.0.2.1:40112 -> 192.0.2.2:80 with
     * mss 1460, sackOK, TS 1/0, nop, wscale 7 (40 bytes of header). */
    static const uint8_t f[] = {
        0x02, 0,    0,   0,  0, 0x02, 0x02, 0,    0,    0,    0, 0x01, 0x08, 0x00, /* eth */
        0x45, 0,    0,   60, 0, 1,    0x40, 0,    64,   6,    0, 0,    192,  0,
        2,    1,    192, 0,  2, 2, /* ip */
        0x9c, 0xb0, 0,   80, 0, 0,    0x03, 0xe8, 0,    0,    0, 0,    0xa0, 0x02,
        0xfa, 0xf0, 0,   0,  0, 0,    2,    4,    0x05, 0xb4, 4, 2,    8,    10,
        0,    0,    0,   1,  0, 0,    0,    0,    1,    3,    3, 7};
    struct tt_trace_seg h;
    assert_int_equal(tt_ladder_parse_frame(f, sizeof(f), TT_FRAMING_ETHERNET, &h), 0);
    assert_true(tt_addr_eq(h.saddr, W_ADDR_C));
    assert_int_equal(h.sport, 40112);
    assert_int_equal(h.dport, 80);
    assert_int_equal(h.seq, 1000);
    assert_int_equal(h.flags, TT_TCP_SYN);
    assert_int_equal(h.wnd, 64240);
    assert_int_equal(h.len, 0);
    assert_int_equal(h.has_mss, 1);
    assert_int_equal(h.mss, 1460);
    assert_int_equal(h.sack_ok, 1);
    assert_int_equal(h.has_ts, 1);
    assert_int_equal(h.ts_val, 1);
    assert_int_equal(h.wscale, 7);
    /* Every truncation is refused, never read past. */
    for (size_t n = 0; n < sizeof(f); n++) {
        uint8_t *cut = malloc(n ? n : 1);
        memcpy(cut, f, n);
        assert_int_equal(tt_ladder_parse_frame(cut, n, TT_FRAMING_ETHERNET, &h), -1);
        free(cut);
    }
    assert_int_equal(tt_ladder_parse_frame(f + 14, sizeof(f) - 14, TT_FRAMING_RAW_IP, &h), 0);
    assert_int_equal(tt_ladder_parse_frame(NULL, 10, TT_FRAMING_RAW_IP, &h), -1);
}

static void test_frame_lost_matches(void **st)
{
    (void)st;
    struct tt_ladder l;
    tt_ladder_init(&l);
    struct tt_trace_seg h = w_hdr(W_C, TT_TCP_SYN, 1000, 0, 0);
    assert_int_equal(tt_ladder_send(&l, W_C, &h, TT_REXMIT_NONE, 5), 0);
    static const uint8_t ip[] = {0x45, 0, 0,   40, 0,    1,    0x40, 0,    64, 6,  0, 0, 192,  0,
                                 2,    1, 192, 0,  2,    2,    0x9c, 0xb0, 0,  80, 0, 0, 0x03, 0xe8,
                                 0,    0, 0,   0,  0x50, 0x02, 0xfa, 0xf0, 0,  0,  0, 0};
    assert_int_equal(tt_ladder_frame_lost(&l, W_S, ip, sizeof(ip), TT_FRAMING_RAW_IP, 5), 0);
    assert_int_equal(tt_ladder_frame_lost(&l, W_C, ip, sizeof(ip), TT_FRAMING_RAW_IP, 5), 1);
    assert_int_equal(l.seg[0].lost, 1);
    assert_int_equal(l.nev, 2);
    assert_int_equal(tt_ladder_frame_lost(&l, W_C, ip, sizeof(ip), TT_FRAMING_RAW_IP, 5), 0);
    tt_ladder_free(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_client_closes_first),
        cmocka_unit_test(test_server_closes_first),
        cmocka_unit_test(test_simultaneous_close),
        cmocka_unit_test(test_simultaneous_open),
        cmocka_unit_test(test_loss_rto),
        cmocka_unit_test(test_bulk_is_summarised),
        cmocka_unit_test(test_absolute_and_color),
        cmocka_unit_test(test_other_connections_ignored),
        cmocka_unit_test(test_parse_frame),
        cmocka_unit_test(test_frame_lost_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
