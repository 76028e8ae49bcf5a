/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The drill runner and its packet layer: golden encoding of an inbound line,
 * decode/match round trips, and whole scripts that must pass, or fail at an
 * exact line for an exact reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill/drill.h"
#include "tether/trace.h"

static struct tt_drill_script *parse(const char *text)
{
    struct tt_drill_script *s = NULL;
    char err[256];
    if (tt_drill_parse(text, strlen(text), "t.pkt", NULL, 0, &s, err, sizeof err) != 0)
        fail_msg("parse: %s", err);
    return s;
}

static void test_encode_golden(void **state)
{
    (void)state;
    struct tt_drill_script *s =
        parse("0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>");
    uint8_t buf[128];
    int n = tt_drill_encode(&s->ev[0].pkt, 0xc0000201, 0xc0000202, 40000, 8080, buf, sizeof buf);
    static const uint8_t want_tcp[] = {0x9c, 0x40, 0x1f, 0x90, 0,    0,    0,    0, 0, 0, 0,
                                       0,    0x80, 0x02, 0x80, 0x18, 0xff, 0xff, 0, 0, 2, 4,
                                       0x03, 0xe8, 4,    2,    1,    1,    1,    3, 3, 7};
    assert_int_equal(n, 20 + 32);
    assert_int_equal(buf[0], 0x45);
    assert_int_equal(buf[9], 6);
    assert_int_equal(buf[3], 52);
    memcpy(&buf[20 + 16], "\xff\xff", 2); /* the checksum is checked by decode below */
    assert_memory_equal(buf + 20, want_tcp, sizeof want_tcp);
    tt_drill_script_free(s);
}

static void test_decode_match(void **state)
{
    (void)state;
    struct tt_drill_script *s =
        parse("0 < P. 1:11(10) ack 5 win 257 <nop,nop,TS val 7 ecr 9,nop,nop,sack 3:4>");
    uint8_t buf[128];
    int n = tt_drill_encode(&s->ev[0].pkt, 1, 2, 3, 4, buf, sizeof buf);
    assert_true(n > 0);
    struct tt_drill_live l;
    assert_int_equal(tt_drill_decode(buf, (size_t)n, &l), 0);
    assert_true(l.cksum_ok && l.opts_ok && l.payload_zero);
    assert_int_equal(l.pkt.nopts, 6);
    char why[128];
    l.pkt.has_win = l.pkt.has_urg = false;
    assert_true(tt_drill_match(&s->ev[0].pkt, &l.pkt, why, sizeof why));
    l.pkt.flags &= (uint16_t)~TT_TCP_PSH;
    assert_false(tt_drill_match(&s->ev[0].pkt, &l.pkt, why, sizeof why));
    assert_string_equal(why, "flags P. expected, . sent");
    buf[n - 1] ^= 1; /* a payload byte: checksum and zeros both break */
    assert_int_equal(tt_drill_decode(buf, (size_t)n, &l), 0);
    assert_false(l.cksum_ok);
    assert_false(l.payload_zero);
    assert_int_equal(tt_drill_decode(buf, 19, &l), -1);
    tt_drill_script_free(s);
}

static enum tt_drill_status run(const char *text, struct tt_drill_result *res)
{
    struct tt_drill_script *s = parse(text);
    struct tt_drill_cfg cfg;
    tt_drill_cfg_default(&cfg);
    char err[128];
    assert_int_equal(tt_drill_apply_options(&cfg, s, err, sizeof err), 0);
    enum tt_drill_status st = tt_drill_run(s, &cfg, NULL, res);
    tt_drill_script_free(s);
    return st;
}

#define HANDSHAKE                                                                                  \
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"                                                \
    "+0 bind(3, ..., ...) = 0\n"                                                                   \
    "+0 listen(3, 1) = 0\n"                                                                        \
    "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>\n"                             \
    "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n"                                \
    "+.1 < . 1:1(0) ack 1 win 257\n"                                                               \
    "+0 accept(3, ..., ...) = 4\n"

static void test_run_pass(void **state)
{
    (void)state;
    struct tt_drill_result res;
    assert_int_equal(run(HANDSHAKE "+0 write(4, ..., 100) = 100\n"
                                   "+0 > P. 1:101(100) ack 1\n"
                                   "+.1 < . 1:1(0) ack 101 win 257\n"
                                   "+0 %{ assert tcpi_state == TCP_ESTABLISHED }%\n",
                         &res),
                     TT_DRILL_PASS);
}

static void test_run_failures(void **state)
{
    (void)state;
    struct tt_drill_result res;
    assert_int_equal(run(HANDSHAKE "+0 write(4, ..., 100) = 100\n+0 > F. 1:101(100) ack 1\n", &res),
                     TT_DRILL_FAIL);
    assert_int_equal(res.line, 9);
    assert_non_null(strstr(res.reason, "flags F. expected, P. sent"));

    assert_int_equal(
        run(HANDSHAKE "+0 write(4, ..., 100) = 100\n+.1 > P. 1:101(100) ack 1\n", &res),
        TT_DRILL_FAIL);
    assert_int_equal(res.line, 9);
    assert_non_null(strstr(res.reason, "timing:"));

    assert_int_equal(run(HANDSHAKE "+0 read(4, ..., 10) = 5\n", &res), TT_DRILL_FAIL);
    assert_non_null(strstr(res.reason, "would block"));

    assert_int_equal(
        run(HANDSHAKE "+0 close(4) = 0\n+0 > F. 1:1(0) ack 1\n+0 > . 1:1(0) ack 1\n", &res),
        TT_DRILL_FAIL);
    assert_int_equal(res.line, 10);
    assert_non_null(strstr(res.reason, "nothing sent"));

    assert_int_equal(run(HANDSHAKE "+0 setsockopt(4, SOL_SOCKET, SO_ZEROCOPY, [1], 4) = 0\n", &res),
                     TT_DRILL_SKIP);
    assert_non_null(strstr(res.reason, "unknown symbol SO_ZEROCOPY"));

    assert_int_equal(run(HANDSHAKE "+0 %{ assert tcpi_snd_mss == 999, tcpi_snd_mss }%\n", &res),
                     TT_DRILL_FAIL);
    assert_string_equal(res.reason, "assert tcpi_snd_mss == 999 failed: 1000");
}

/* Outbound TS ecr values are compared as packetdrill does: the remote's
 * TS val, as the script wrote it. */
#define HANDSHAKE_TS                                                                               \
    "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"                                                \
    "+0 bind(3, ..., ...) = 0\n"                                                                   \
    "+0 listen(3, 1) = 0\n"                                                                        \
    "+0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>\n"                    \
    "+0 > S. 0:0(0) ack 1 <mss 1460,sackOK,TS val 100 ecr 100,nop,wscale 8>\n"                     \
    "+.1 < . 1:1(0) ack 1 win 257 <nop,nop,TS val 200 ecr 100>\n"                                  \
    "+0 accept(3, ..., ...) = 4\n"                                                                 \
    "+0 write(4, ..., 100) = 100\n"

static void test_run_ts_ecr(void **state)
{
    (void)state;
    struct tt_drill_result res;
    assert_int_equal(
        run(HANDSHAKE_TS "+0 > P. 1:101(100) ack 1 <nop,nop,TS val 200 ecr 200>\n", &res),
        TT_DRILL_PASS);
    assert_int_equal(
        run(HANDSHAKE_TS "+0 > P. 1:101(100) ack 1 <nop,nop,TS val 200 ecr 199>\n", &res),
        TT_DRILL_FAIL);
    assert_int_equal(res.line, 9);
    assert_string_equal(res.reason, "TS ecr 199 expected, 200 sent");
}

static void test_run_blocking(void **state)
{
    (void)state;
    struct tt_drill_result res;
    assert_int_equal(run(HANDSHAKE "+0...0.2 read(4, ..., 100) = 10\n"
                                   "+.2 < P. 1:11(10) ack 1 win 257\n",
                         &res),
                     TT_DRILL_PASS);
    /* The data comes 100 ms later than the call says it returns. */
    assert_int_equal(run(HANDSHAKE "+0...0.2 read(4, ..., 100) = 10\n"
                                   "+.3 < P. 1:11(10) ack 1 win 257\n",
                         &res),
                     TT_DRILL_FAIL);
    assert_int_equal(res.line, 8);
    assert_non_null(strstr(res.reason, "read returned at 0.400000, expected at 0.300000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_golden), cmocka_unit_test(test_decode_match),
        cmocka_unit_test(test_run_pass),      cmocka_unit_test(test_run_failures),
        cmocka_unit_test(test_run_ts_ecr),    cmocka_unit_test(test_run_blocking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
