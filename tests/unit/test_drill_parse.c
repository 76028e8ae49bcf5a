/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The packetdrill lexer and parser: golden snippets, errors with line
 * numbers, hostile input, and every external script parsing cleanly.
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

static struct tt_drill_script *parse_ok(const char *text)
{
    struct tt_drill_script *s = NULL;
    char err[256];
    int r = tt_drill_parse(text, strlen(text), "t", NULL, 0, &s, err, sizeof err);
    if (r != 0)
        fail_msg("unexpected parse error: %s", err);
    return s;
}

static void parse_err(const char *text, const char *want)
{
    struct tt_drill_script *s = NULL;
    char err[256];
    assert_int_equal(tt_drill_parse(text, strlen(text), "t", NULL, 0, &s, err, sizeof err), -1);
    assert_null(s);
    if (strstr(err, want) == NULL)
        fail_msg("error '%s' lacks '%s'", err, want);
}

/* Each packet line, parsed and printed back, gives the canonical text. */
static void test_packet_roundtrip(void **state)
{
    (void)state;
    static const char *lines[][2] = {
        {"0 > S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>",
         "> S 0:0(0) <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8>"},
        {"+.1 < S. 0:0(0) ack 1 win 5792 <mss 1460,nop,wscale 2,nop,nop,sackOK>",
         "< S. 0:0(0) ack 1 win 5792 <mss 1460,nop,wscale 2,nop,nop,sackOK>"},
        {"+0 > P. 1:1001(1000) ack 1", "> P. 1:1001(1000) ack 1"},
        {"+0 > .  2:2(0) ack 2", "> . 2:2(0) ack 2"},
        {"+0 < R 1:1(0) win 0", "< R 1:1(0) win 0"},
        {"+0 > FP. 1:11(10) ack 1 <...>", "> FP. 1:11(10) ack 1 <...>"},
        {"+0 < . 1:1(0) ack 13141 win 65535 <sack 16061:17521 20441:26281,nop,nop>",
         "< . 1:1(0) ack 13141 win 65535 <sack 16061:17521 20441:26281,nop,nop>"},
        {"+0 < S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop,FOEXP 0123456789abcdef>",
         "< S 0:10(10) win 32792 <mss 1460,sackOK,nop,nop,FOEXP 0123456789abcdef>"},
        {"+0 < [ect0] SEW 0:0(0) win 32792 <mss 1000>", "< [ect0] SEW 0:0(0) win 32792 <mss 1000>"},
        {"+0 < - 4294967295:4294967295(0) win 0 urg 3", "< - 4294967295:4294967295(0) win 0 urg 3"},
        {"+0 < 1234>8080 S 5:5(0) win 10", "< 1234>8080 S 5:5(0) win 10"},
        {"+0 > R 1:1(0) win 0 <>", "> R 1:1(0) win 0 <>"},
        {"+0 < icmp unreachable frag_needed mtu 1200", "< icmp unreachable frag_needed mtu 1200"},
        {"+0 < icmp unreachable frag_needed mtu 1200 [1:1461(1460)]",
         "< icmp unreachable frag_needed mtu 1200 [1:1461(1460)]"},
        {"+0 < [1001:2001(1000)] icmp unreachable port_unreachable",
         "< icmp unreachable port_unreachable [1001:2001(1000)]"},
        {"+0 < icmp time_exceeded ttl_exceeded", "< icmp time_exceeded ttl_exceeded"},
    };
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        struct tt_drill_script *s = parse_ok(lines[i][0]);
        assert_int_equal(s->nev, 1);
        assert_int_equal(s->ev[0].kind, TT_DRILL_EV_PACKET);
        char buf[256];
        tt_drill_format_packet(&s->ev[0].pkt, buf, sizeof buf);
        assert_string_equal(buf, lines[i][1]);
        tt_drill_script_free(s);
    }
}

static void test_packet_fields(void **state)
{
    (void)state;
    struct tt_drill_script *s =
        parse_ok("+.3~+.310 > P. 1:1001(1000) ack 1 win 257 <nop,nop,TS val 200 ecr 100>");
    const struct tt_drill_event *e = &s->ev[0];
    assert_int_equal(e->time.kind, TT_DRILL_TIME_RELATIVE);
    assert_int_equal(e->time.usec, 300000);
    assert_int_equal(e->time.end_kind, TT_DRILL_END_RANGE);
    assert_true(e->time.end_relative);
    assert_int_equal(e->time.end_usec, 310000);
    assert_int_equal(e->pkt.dir, '>');
    assert_int_equal(e->pkt.flags, TT_TCP_PSH | TT_TCP_ACK);
    assert_int_equal(e->pkt.seq, 1);
    assert_int_equal(e->pkt.len, 1000);
    assert_true(e->pkt.has_ack && e->pkt.has_win && !e->pkt.has_urg);
    assert_int_equal(e->pkt.ack, 1);
    assert_int_equal(e->pkt.win, 257);
    assert_int_equal(e->pkt.nopts, 3);
    assert_int_equal(e->pkt.opts[2].kind, TT_DRILL_OPT_TS);
    assert_int_equal(e->pkt.opts[2].v1, 200);
    assert_int_equal(e->pkt.opts[2].v2, 100);
    tt_drill_script_free(s);
}

static void test_times(void **state)
{
    (void)state;
    struct tt_drill_script *s = parse_ok("0 `a`\n0.000 `b`\n+.1...0.200 `c`\n+0...0.000 `d`\n"
                                         "* `e`\n1.25 `f`\n+0.100 `g`\n.005 `h`\n2~3 `i`\n");
    assert_int_equal(s->nev, 9);
    assert_int_equal(s->ev[0].time.kind, TT_DRILL_TIME_ABSOLUTE);
    assert_int_equal(s->ev[0].time.usec, 0);
    assert_int_equal(s->ev[2].time.kind, TT_DRILL_TIME_RELATIVE);
    assert_int_equal(s->ev[2].time.usec, 100000);
    assert_int_equal(s->ev[2].time.end_kind, TT_DRILL_END_BLOCK);
    assert_true(s->ev[2].time.end_relative);
    assert_int_equal(s->ev[2].time.end_usec, 200000);
    assert_int_equal(s->ev[3].time.end_kind, TT_DRILL_END_BLOCK);
    assert_int_equal(s->ev[3].time.end_usec, 0);
    assert_int_equal(s->ev[4].time.kind, TT_DRILL_TIME_ANY);
    assert_int_equal(s->ev[5].time.usec, 1250000);
    assert_int_equal(s->ev[6].time.usec, 100000);
    assert_int_equal(s->ev[7].time.usec, 5000);
    assert_int_equal(s->ev[7].time.kind, TT_DRILL_TIME_ABSOLUTE);
    assert_int_equal(s->ev[8].time.end_kind, TT_DRILL_END_RANGE);
    assert_false(s->ev[8].time.end_relative);
    assert_int_equal(s->ev[8].time.end_usec, 3000000);
    assert_string_equal(s->ev[8].text, "i");
    tt_drill_script_free(s);
}

static void syscall_roundtrip(const char *in, const char *want)
{
    struct tt_drill_script *s = parse_ok(in);
    assert_int_equal(s->nev, 1);
    assert_int_equal(s->ev[0].kind, TT_DRILL_EV_SYSCALL);
    char buf[512];
    tt_drill_format_syscall(&s->ev[0].sc, buf, sizeof buf);
    assert_string_equal(buf, want);
    tt_drill_script_free(s);
}

static void test_syscalls(void **state)
{
    (void)state;
    syscall_roundtrip("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3",
                      "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3");
    syscall_roundtrip("+0 fcntl(3, F_GETFL) = 0x2 (flags O_RDWR)",
                      "fcntl(3, F_GETFL) = 2 (flags O_RDWR)");
    syscall_roundtrip("+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0",
                      "fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
    syscall_roundtrip("+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)",
                      "connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
    syscall_roundtrip("+0 getsockopt(4, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0",
                      "getsockopt(4, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0");
    syscall_roundtrip("+0 setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0",
                      "setsockopt(4, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0");
    syscall_roundtrip("+0 sendmsg(4, {msg_name(...)=...,\n msg_iov(3)=[{..., 100}, {..., 200},\n"
                      "\t{..., 195}], msg_flags=0}, MSG_MORE) = 495",
                      "sendmsg(4, {msg_name(...)=..., msg_iov(3)=[{..., 100}, {..., 200}, "
                      "{..., 195}], msg_flags=0}, MSG_MORE) = 495");
    syscall_roundtrip("+0 poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1",
                      "poll([{fd=4, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1");
    syscall_roundtrip("+0 connect(3, {sa_family=AF_INET, sin_port=htons(8080), "
                      "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0",
                      "connect(3, {sa_family=AF_INET, sin_port=htons(8080), "
                      "sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0");
    syscall_roundtrip("+0 read(4, ..., 4) = -1 ECONNRESET (Connection (really) reset)",
                      "read(4, ..., 4) = -1 ECONNRESET (Connection (really) reset)");
    syscall_roundtrip("+0 close(3) = 0", "close(3) = 0");
    syscall_roundtrip("+0 epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, fd=4}) = 0",
                      "epoll_ctl(5, EPOLL_CTL_ADD, 4, {events=EPOLLIN|EPOLLET, fd=4}) = 0");
}

static void test_script_layout(void **state)
{
    (void)state;
    struct tt_drill_script *s =
        parse_ok("// comment\n--tolerance_usecs=10000\n--strict_segments\n/* block\n comment */\n"
                 "`../common/defaults.sh\nsysctl -q net.ipv4.tcp_invalid_ratelimit=0\n`\n"
                 "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                 "+0 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%\n"
                 "+0 %{\nassert tcpi_lost == 7  # note\n}%\n"
                 "`/tmp/sysctl_restore_${PPID}.sh`\n");
    assert_int_equal(s->nopts, 2);
    assert_string_equal(s->opts[0].name, "tolerance_usecs");
    assert_string_equal(s->opts[0].value, "10000");
    assert_int_equal(s->opts[0].line, 2);
    assert_string_equal(s->opts[1].name, "strict_segments");
    assert_null(s->opts[1].value);
    assert_int_equal(s->nev, 5);
    assert_int_equal(s->ev[0].kind, TT_DRILL_EV_COMMAND);
    assert_int_equal(s->ev[0].time.kind, TT_DRILL_TIME_NONE);
    assert_int_equal(s->ev[0].line, 6);
    assert_string_equal(s->ev[0].text,
                        "../common/defaults.sh\nsysctl -q net.ipv4.tcp_invalid_ratelimit=0\n");
    assert_int_equal(s->ev[1].line, 9);
    assert_int_equal(s->ev[2].kind, TT_DRILL_EV_CODE);
    assert_string_equal(s->ev[2].text, " assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd ");
    assert_int_equal(s->ev[3].line, 11);
    assert_int_equal(s->ev[4].kind, TT_DRILL_EV_COMMAND);
    assert_int_equal(s->ev[4].line, 14);
    tt_drill_script_free(s);
}

static void test_defines(void **state)
{
    (void)state;
    struct tt_drill_define defs[] = {{"TFO_COOKIE", "3021b9d889017eeb"}, {"MYPORT", "8080"}};
    struct tt_drill_script *s = NULL;
    char err[128];
    const char *t = "0 < S 0:0(0) win 1 <FO TFO_COOKIE>\n+0 bind(3, MYPORT, ...) = 0\n";
    assert_int_equal(tt_drill_parse(t, strlen(t), "d", defs, 2, &s, err, sizeof err), 0);
    assert_int_equal(s->ev[0].pkt.opts[0].cookie_len, 8);
    assert_int_equal(s->ev[0].pkt.opts[0].cookie[0], 0x30);
    assert_int_equal(s->ev[0].pkt.opts[0].cookie[7], 0xeb);
    assert_int_equal(s->ev[1].sc.args[1]->kind, TT_DRILL_ARG_INT);
    assert_int_equal(s->ev[1].sc.args[1]->ival, 8080);
    tt_drill_script_free(s);
}

/* "= -1" with no errno name: the call must fail, with any errno (packetdrill). */
static void test_minus_one_any_errno(void **state)
{
    (void)state;
    struct tt_drill_script *s = parse_ok("0 close(3) = -1\n+0 read(3, ..., 1) = -1 EWOULDBLOCK\n");
    assert_int_equal(s->ev[0].sc.ret, -1);
    assert_null(s->ev[0].sc.errno_name);
    assert_string_equal(s->ev[1].sc.errno_name, "EWOULDBLOCK");
    tt_drill_script_free(s);
}

static void test_errors(void **state)
{
    (void)state;
    parse_err("0 socket(..., SOCK_STREAM) = 3\n+0 > S 0:5(0)\n", "t:2: inconsistent 0:5(0)");
    parse_err("\n\n0 < S 0:0(0) <mss 1460>\n", "t:3: an inbound packet needs 'win N'");
    parse_err("0 > Q 0:0(0)\n", "t:1: unknown TCP flag 'Q'");
    parse_err("0 > S 0:0(0) <mss 1460,bogus 3>\n", "t:1: unknown TCP option 'bogus'");
    parse_err("0 < icmp unreachable frag_needed mtu 1200 [1:5(1)]\n", "inconsistent 1:5(1)");
    parse_err("0 close(3 = 0\n", "t:1: expected ',' between items");
    parse_err("0 `unterminated\n\n", "unterminated ` command");
    parse_err("0 %{ assert 1\n", "unterminated %{ code block");
    parse_err("/* never closed\n", "unterminated /* comment");
    parse_err("0 close(3) = 0\n+0 $\n", "t:2: unexpected character");
    parse_err("0 > S 0:0(70000)\n", "payload length 70000 out of range");
    parse_err("0 close(3) = 0\n--late=1\n", "option --late after the first event");
    parse_err("0 close(3) = 99999999999999999999999\n", "number too large");
    parse_err("+.3~.4 > S 0:0(0)\n", "both ends of a~b");
    parse_err("0.5~0.4 > S 0:0(0)\n", "time range ends before it starts");
    parse_err("0 > S 0:0(0) <sack 1:2 3:4 5:6 7:8 9:10>\n", "more than 4 SACK blocks");
    parse_err("0 < S 0:0(0) win 1 <FO 123>\n", "even number of hex digits");
    parse_err("0 close(3) = 0 (no end\n", "unterminated '('");
    parse_err("0\n", "expected a packet, a syscall");
}

/* Hostile bytes: every prefix of a script, and random garbage, must not crash. */
static void test_truncations(void **state)
{
    (void)state;
    const char *t = "--mss=1000\n`x`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                    "+0 sendmsg(4, {msg_iov(1)=[{..., 40}], msg_flags=0}, MSG_MORE) = 40\n"
                    "+.3~+.4 > P. 1:41(40) ack 1 <nop,nop,TS val 1 ecr 2,sack 1:2>\n"
                    "+0 %{ assert a <= b }%\n+0...0.1 read(4, ..., 1) = -1 EAGAIN (x)\n";
    size_t n = strlen(t);
    for (size_t i = 0; i <= n; i++) {
        char *copy = malloc(i ? i : 1); /* exactly i bytes: ASan catches overreads */
        memcpy(copy, t, i);
        struct tt_drill_script *s = NULL;
        char err[128];
        if (tt_drill_parse(copy, i, "p", NULL, 0, &s, err, sizeof err) == 0)
            tt_drill_script_free(s);
        free(copy);
    }
    uint32_t x = 12345;
    for (int round = 0; round < 2000; round++) {
        char buf[64];
        for (size_t i = 0; i < sizeof buf; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = "0123456789.+-~*<>()[]{},:=|`%SFP ackwin\n/"[(x >> 16) % 41];
        }
        struct tt_drill_script *s = NULL;
        char err[64];
        if (tt_drill_parse(buf, sizeof buf, "r", NULL, 0, &s, err, sizeof err) == 0)
            tt_drill_script_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_roundtrip),
        cmocka_unit_test(test_packet_fields),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_syscalls),
        cmocka_unit_test(test_script_layout),
        cmocka_unit_test(test_defines),
        cmocka_unit_test(test_minus_one_any_errno),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_truncations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
