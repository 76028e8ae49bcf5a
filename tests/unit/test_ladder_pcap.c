/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `tether ladder FILE.pcap`: a capture written byte by byte (Ethernet, IPv4,
 * TCP with correct checksums), taken on the client side of a 10 ms path:
 * handshake, a request whose first copy is lost (retransmitted by RTO), the
 * reply, the client's close; plus a second connection (a SYN answered by an
 * RST) so that choosing a connection matters. States are inferred.
 *
 * The capture is also tests/golden/ladder_capture.pcap, used by
 * tests/cli/ladder_pcap.sh; this test checks the committed file is exactly
 * what it builds (TT_UPDATE_GOLDEN=1 rewrites it and the text goldens).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tether/errors.h>

#include "ladder/ladder.h"
#include "pcap.h"

#define C_ADDR 0xc0000201u /* 192.0.2.1 */
#define S_ADDR 0xc0000202u /* 192.0.2.2 */
#define ISN_C 0x10000000u
#define ISN_S 0x7fff0000u

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)(p[n - 1] << 8);
    return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

/* One Ethernet frame with a TCP segment; SYNs carry mss 1460, sackOK,
 * nop, wscale 7 (12 option bytes). Returns the frame length. */
static size_t frame(uint8_t *f, int from_client, uint16_t sport, uint16_t dport, uint32_t seq,
                    uint32_t ack, uint8_t flags, uint16_t len)
{
    static const uint8_t mac_c[6] = {2, 0, 0, 0, 0, 1}, mac_s[6] = {2, 0, 0, 0, 0, 2};
    size_t optlen = (flags & 0x02) ? 12 : 0, tcplen = 20 + optlen + len;
    memset(f, 0, 14 + 20 + tcplen);
    memcpy(f, from_client ? mac_s : mac_c, 6);
    memcpy(f + 6, from_client ? mac_c : mac_s, 6);
    put16(f + 12, 0x0800);
    uint8_t *ip = f + 14, *t = ip + 20;
    ip[0] = 0x45;
    put16(ip + 2, (uint32_t)(20 + tcplen));
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 6;
    put32(ip + 12, from_client ? C_ADDR : S_ADDR);
    put32(ip + 16, from_client ? S_ADDR : C_ADDR);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    put16(t, sport);
    put16(t + 2, dport);
    put32(t + 4, seq);
    put32(t + 8, ack);
    t[12] = (uint8_t)(((20 + optlen) / 4) << 4);
    t[13] = flags;
    put16(t + 14, from_client ? 64240 : 65160);
    if (optlen) {
        static const uint8_t o[12] = {2, 4, 0x05, 0xb4, 4, 2, 1, 1, 1, 3, 3, 7};
        memcpy(t + 20, o, 12);
    }
    for (size_t i = 0; i < len; i++)
        t[20 + optlen + i] = (uint8_t)('a' + i % 26);
    uint8_t pseudo[12];
    memcpy(pseudo, ip + 12, 8);
    pseudo[8] = 0;
    pseudo[9] = 6;
    put16(pseudo + 10, (uint32_t)tcplen);
    put16(t + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), t, tcplen)));
    return 14 + 20 + tcplen;
}

struct step {
    tt_time ms10; /* time in 0.1 ms */
    int from_client;
    int conn2;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t len;
};

#define CS(x) (ISN_C + (x))
#define SS(x) (ISN_S + (x))
static const struct step script[] = {
    {0, 1, 0, CS(0), 0, 0x02, 0},           /* SYN */
    {100, 0, 0, SS(0), CS(1), 0x12, 0},     /* SYN-ACK */
    {101, 1, 0, CS(1), SS(1), 0x10, 0},     /* ACK */
    {102, 1, 0, CS(1), SS(1), 0x18, 40},    /* request: lost beyond the capture */
    {150, 1, 1, 0x5000, 0, 0x02, 0},        /* conn 2: SYN to port 81 */
    {250, 0, 1, 0, 0x5001, 0x14, 0},        /* conn 2: RST,ACK */
    {2102, 1, 0, CS(1), SS(1), 0x18, 40},   /* request again (RTO) */
    {2202, 0, 0, SS(1), CS(41), 0x18, 300}, /* reply */
    {2203, 1, 0, CS(41), SS(301), 0x10, 0}, /* ACK */
    {2210, 1, 0, CS(41), SS(301), 0x11, 0}, /* FIN */
    {2310, 0, 0, SS(301), CS(42), 0x11, 0}, /* FIN (with the ACK of ours) */
    {2311, 1, 0, CS(42), SS(302), 0x10, 0}, /* last ACK */
};

static void write_capture(const char *path)
{
    struct tt_pcap_writer *w;
    assert_int_equal(tt_pcap_writer_open(path, TT_PCAP_LINKTYPE_ETHERNET, &w), 0);
    for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
        const struct step *s = &script[i];
        uint8_t f[1600];
        uint16_t cport = s->conn2 ? 40200 : 40112, sport = s->conn2 ? 81 : 80;
        size_t n = frame(f, s->from_client, s->from_client ? cport : sport,
                         s->from_client ? sport : cport, s->seq, s->ack, s->flags, s->len);
        assert_int_equal(tt_pcap_write(w, TT_SEC(1700000000) + s->ms10 * 100, f, n), 0);
    }
    tt_pcap_writer_close(w);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    *len = fread(buf, 1, sizeof(buf) - 1, f);
    buf[*len] = 0;
    fclose(f);
    char *copy = malloc(*len + 1);
    memcpy(copy, buf, *len + 1);
    return copy;
}

static void golden(const char *name, const char *data, size_t len)
{
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/golden/%s", TT_SOURCE_DIR, name);
    if (getenv("TT_UPDATE_GOLDEN")) {
        FILE *f = fopen(path, "wb");
        assert_non_null(f);
        fwrite(data, 1, len, f);
        fclose(f);
        return;
    }
    size_t wlen = 0;
    char *want = slurp(path, &wlen);
    if (!want)
        fail_msg("missing golden %s (TT_UPDATE_GOLDEN=1 creates it)", path);
    if (wlen != len || memcmp(want, data, len) != 0) {
        fprintf(stderr, "---- got ----\n%.*s---- want ----\n%s", (int)len, data, want);
        fail_msg("differs from %s", name);
    }
    free(want);
}

static char tmp_pcap[64];

static int setup(void **st)
{
    (void)st;
    snprintf(tmp_pcap, sizeof(tmp_pcap), "/tmp/tt_ladder_pcap_%d.pcap", (int)getpid());
    write_capture(tmp_pcap);
    return 0;
}

static int teardown(void **st)
{
    (void)st;
    unlink(tmp_pcap);
    return 0;
}

static char *render(struct tt_ladder *l, int explain)
{
    struct tt_ladder_opts o;
    tt_ladder_opts_default(&o);
    o.explain = explain;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(tt_ladder_render_text(l, &o, f), 0);
    fclose(f);
    return buf;
}

static void test_fixture_is_current(void **st)
{
    (void)st;
    size_t len = 0;
    char *data = slurp(tmp_pcap, &len);
    assert_non_null(data);
    golden("ladder_capture.pcap", data, len);
    free(data);
}

static void test_pick_by_port_and_infer(void **st)
{
    (void)st;
    struct tt_ladder l;
    tt_ladder_init(&l);
    FILE *msgs = fopen("/dev/null", "w");
    assert_int_equal(tt_ladder_load_pcap(tmp_pcap, 0, 80, &l, msgs), 0);
    assert_int_equal(l.inferred, 1);
    assert_int_equal(l.nseg, 10);
    assert_int_equal(l.addr[TT_LADDER_CLIENT], C_ADDR);
    assert_int_equal(l.port[TT_LADDER_SERVER], 80);
    assert_int_equal(l.seg[4].cause, TT_REXMIT_RTO); /* the request sent again */
    assert_int_equal(l.cur_state[TT_LADDER_CLIENT], TT_LS_TIME_WAIT);
    assert_int_equal(l.cur_state[TT_LADDER_SERVER], TT_LS_CLOSED);
    char *text = render(&l, 0);
    golden("ladder_capture.txt", text, strlen(text));
    free(text);
    tt_ladder_free(&l);
    /* --conn 1 is the same connection. */
    tt_ladder_init(&l);
    assert_int_equal(tt_ladder_load_pcap(tmp_pcap, 1, 0, &l, msgs), 0);
    assert_int_equal(l.nseg, 10);
    tt_ladder_free(&l);
    fclose(msgs);
}

static void test_second_connection_reset(void **st)
{
    (void)st;
    struct tt_ladder l;
    tt_ladder_init(&l);
    assert_int_equal(tt_ladder_load_pcap(tmp_pcap, 2, 0, &l, stderr), 0);
    assert_int_equal(l.nseg, 2);
    assert_int_equal(l.port[TT_LADDER_SERVER], 81);
    assert_int_equal(l.cur_state[TT_LADDER_CLIENT], TT_LS_CLOSED);
    char *text = render(&l, 0);
    assert_non_null(strstr(text, "RST,ACK seq=0 ack=1"));
    free(text);
    tt_ladder_free(&l);
}

static void test_ambiguous_lists(void **st)
{
    (void)st;
    struct tt_ladder l;
    tt_ladder_init(&l);
    char *buf = NULL;
    size_t len = 0;
    FILE *msgs = open_memstream(&buf, &len);
    assert_int_equal(tt_ladder_load_pcap(tmp_pcap, 0, 0, &l, msgs), TT_EINVAL);
    assert_int_equal(tt_ladder_load_pcap(tmp_pcap, 3, 0, &l, msgs), TT_EINVAL);
    fclose(msgs);
    assert_non_null(strstr(buf, "holds 2 connections"));
    assert_non_null(strstr(buf, "--conn 1   192.0.2.1:40112 <-> 192.0.2.2:80   10 packets"));
    assert_non_null(strstr(buf, "--conn 2   192.0.2.1:40200 <-> 192.0.2.2:81   2 packets"));
    assert_non_null(strstr(buf, "no such connection"));
    assert_int_equal(l.nseg, 0);
    free(buf);
    assert_int_equal(tt_ladder_load_pcap("/nonexistent/x.pcap", 0, 0, &l, stderr), TT_ENOENT);
    tt_ladder_free(&l);
}

static void test_garbage_file(void **st)
{
    (void)st;
    char path[64];
    snprintf(path, sizeof(path), "/tmp/tt_ladder_garbage_%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    fputs("this is not a capture at all, not even close", f);
    fclose(f);
    struct tt_ladder l;
    tt_ladder_init(&l);
    assert_int_equal(tt_ladder_load_pcap(path, 0, 0, &l, stderr), TT_EPROTO);
    tt_ladder_free(&l);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_is_current),
        cmocka_unit_test(test_pick_by_port_and_infer),
        cmocka_unit_test(test_second_connection_reset),
        cmocka_unit_test(test_ambiguous_lists),
        cmocka_unit_test(test_garbage_file),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
