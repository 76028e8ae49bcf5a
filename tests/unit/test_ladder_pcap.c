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
 *
 * The same packets are also written, byte by byte, in the other shapes the
 * reader takes (classic pcap in both byte orders and resolutions, pcapng
 * with decimal and binary time units, raw IP, Linux SLL and SLL2, VLAN and
 * QinQ tags, IPv4 options, ARP and UDP packets between) and must draw the
 * same ladder; a file cut inside a record draws what comes before.
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
    assert_true(tt_addr_eq(l.addr[TT_LADDER_CLIENT], TT_ADDR_V4(C_ADDR)));
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

/* ---- the same capture in the other formats the reader takes ---- */

struct obuf {
    uint8_t b[1 << 15];
    size_t n;
    int be; /* write multi-byte fields big-endian */
};

static void o_bytes(struct obuf *o, const void *p, size_t n)
{
    assert_true(o->n + n <= sizeof(o->b));
    memcpy(o->b + o->n, p, n);
    o->n += n;
}

static void o_u16(struct obuf *o, uint32_t v)
{
    uint8_t b[2] = {(uint8_t)(o->be ? v >> 8 : v), (uint8_t)(o->be ? v : v >> 8)};
    o_bytes(o, b, 2);
}

static void o_u32(struct obuf *o, uint32_t v)
{
    o_u16(o, o->be ? v >> 16 : v & 0xffff);
    o_u16(o, o->be ? v & 0xffff : v >> 16);
}

/* What each format does to a script step's Ethernet frame. */
enum shape { ETHER, RAW, SLL, SLL2, VLAN, QINQ, IPOPT };

/* The step's frame reshaped; `extra` adds a non-TCP packet (ARP, UDP) of the
 * same link type after it. Returns the length. */
static size_t shaped(const struct step *s, enum shape sh, uint8_t *out)
{
    uint8_t f[1600];
    uint16_t cport = s->conn2 ? 40200 : 40112, sport = s->conn2 ? 81 : 80;
    size_t n = frame(f, s->from_client, s->from_client ? cport : sport,
                     s->from_client ? sport : cport, s->seq, s->ack, s->flags, s->len);
    switch (sh) {
    case ETHER:
        memcpy(out, f, n);
        return n;
    case RAW:
        memcpy(out, f + 14, n - 14);
        return n - 14;
    case SLL: /* packet type, ARPHRD_ETHER, address length 6, address, protocol */
        memset(out, 0, 16);
        out[0] = s->from_client ? 4 : 0;
        put16(out + 2, 1);
        put16(out + 4, 6);
        memcpy(out + 6, f + 6, 6);
        put16(out + 14, 0x0800);
        memcpy(out + 16, f + 14, n - 14);
        return n + 2;
    case SLL2: /* protocol, reserved, ifindex, ARPHRD, packet type, addr len, addr */
        memset(out, 0, 20);
        put16(out, 0x0800);
        put32(out + 4, 3);
        put16(out + 8, 1);
        out[10] = s->from_client ? 4 : 0;
        out[11] = 6;
        memcpy(out + 12, f + 6, 6);
        memcpy(out + 20, f + 14, n - 14);
        return n + 6;
    case VLAN:
    case QINQ: {
        size_t tags = sh == QINQ ? 2 : 1, at = 12;
        memcpy(out, f, 12);
        for (size_t t = 0; t < tags; t++, at += 4) {
            put16(out + at, t == 0 && sh == QINQ ? 0x88a8 : 0x8100);
            put16(out + at + 2, 100 + (uint32_t)t);
        }
        memcpy(out + at, f + 12, n - 12);
        return n + 4 * tags;
    }
    case IPOPT: { /* 4 option bytes (NOP NOP NOP EOL) in the IPv4 header */
        static const uint8_t opt[4] = {1, 1, 1, 0};
        memcpy(out, f, 34);
        memcpy(out + 34, opt, 4);
        memcpy(out + 38, f + 34, n - 34);
        uint8_t *ip = out + 14;
        ip[0] = 0x46;
        put16(ip + 2, (uint32_t)(n - 14 + 4));
        put16(ip + 10, 0);
        put16(ip + 10, csum_fold(csum_add(0, ip, 24)));
        return n + 4;
    }
    }
    return 0;
}

static uint32_t shape_linktype(enum shape sh)
{
    return sh == RAW    ? TT_PCAP_LINKTYPE_RAW
           : sh == SLL  ? TT_PCAP_LINKTYPE_LINUX_SLL
           : sh == SLL2 ? TT_PCAP_LINKTYPE_LINUX_SLL2
                        : TT_PCAP_LINKTYPE_ETHERNET;
}

/* A non-TCP packet of the link type (an ARP request on Ethernet, else a UDP
 * datagram) between the TCP ones: it must be passed over. */
static size_t other_packet(enum shape sh, uint8_t *out)
{
    if (shape_linktype(sh) == TT_PCAP_LINKTYPE_ETHERNET) {
        memset(out, 0, 42);
        memset(out, 0xff, 6);
        put16(out + 12, 0x0806);
        put16(out + 14, 1);
        put16(out + 16, 0x0800);
        out[18] = 6;
        out[19] = 4;
        put16(out + 20, 1);
        return 42;
    }
    size_t l2 = sh == SLL ? 16 : sh == SLL2 ? 20 : 0;
    memset(out, 0, l2 + 28);
    if (sh == SLL)
        put16(out + 14, 0x0800);
    if (sh == SLL2)
        put16(out, 0x0800);
    uint8_t *ip = out + l2;
    ip[0] = 0x45;
    put16(ip + 2, 28);
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, C_ADDR);
    put32(ip + 16, S_ADDR);
    put16(ip + 20, 5353);
    put16(ip + 22, 5353);
    put16(ip + 24, 8);
    return l2 + 28;
}

/* Classic pcap of the script in one shape: byte order, resolution, and
 * non-TCP packets interleaved when `others`. */
static void classic(struct obuf *o, enum shape sh, int be, int nsec, int others)
{
    o->n = 0;
    o->be = be;
    o_u32(o, nsec ? TT_PCAP_MAGIC_NSEC : TT_PCAP_MAGIC_USEC);
    o_u16(o, 2);
    o_u16(o, 4);
    o_u32(o, 0);
    o_u32(o, 0);
    o_u32(o, 65535);
    o_u32(o, shape_linktype(sh));
    for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
        uint8_t f[1700];
        for (int k = 0; k < (others ? 2 : 1); k++) {
            size_t n = k ? other_packet(sh, f) : shaped(&script[i], sh, f);
            tt_time us = script[i].ms10 * 100;
            o_u32(o, 1700000000u + (uint32_t)(us / 1000000));
            o_u32(o, (uint32_t)(us % 1000000) * (nsec ? 1000u : 1u));
            o_u32(o, (uint32_t)n);
            o_u32(o, (uint32_t)n);
            o_bytes(o, f, n);
        }
    }
}

static void ng_block_end(struct obuf *o, size_t start)
{
    while ((o->n - start) % 4)
        o_bytes(o, "", 1);
    uint32_t len = (uint32_t)(o->n - start + 4);
    o_u32(o, len);
    size_t save = o->n;
    o->n = start + 4; /* patch the leading length */
    o_u32(o, len);
    o->n = save;
}

/* A pcapng section header block (version 1.0, length unknown). */
static void ng_shb(struct obuf *o)
{
    size_t b = o->n;
    o_u32(o, 0x0a0d0d0a);
    o_u32(o, 0);
    o_u32(o, 0x1a2b3c4d);
    o_u16(o, 1);
    o_u16(o, 0);
    o_u32(o, 0xffffffffu);
    o_u32(o, 0xffffffffu);
    ng_block_end(o, b);
}

/* pcapng: a section header, an unused interface then the capture's (with
 * if_tsresol `tsresol`), a name resolution block to skip, enhanced packet
 * blocks with the time in those units. */
static void pcapng(struct obuf *o, enum shape sh, int be, uint8_t tsresol)
{
    o->n = 0;
    o->be = be;
    size_t b;
    ng_shb(o);
    for (int ifc = 0; ifc < 2; ifc++) {
        b = o->n;
        o_u32(o, 1);
        o_u32(o, 0);
        o_u16(o, ifc ? shape_linktype(sh) : 147 /* a user link type, unused */);
        o_u16(o, 0);
        o_u32(o, 0);
        o_u16(o, 9); /* if_tsresol */
        o_u16(o, 1);
        o_bytes(o, &tsresol, 1);
        o_bytes(o, "\0\0\0", 3);
        o_u32(o, 0); /* opt_endofopt */
        ng_block_end(o, b);
    }
    b = o->n;
    o_u32(o, 4); /* name resolution: skipped */
    o_u32(o, 0);
    o_u32(o, 0);
    ng_block_end(o, b);
    for (size_t i = 0; i < sizeof(script) / sizeof(script[0]); i++) {
        uint8_t f[1700];
        size_t n = shaped(&script[i], sh, f);
        uint64_t us = 1700000000ull * 1000000u + script[i].ms10 * 100, units;
        if (tsresol & 0x80)
            units = (us / 1000000u << (tsresol & 0x7f)) +
                    (((us % 1000000u) << (tsresol & 0x7f)) + 999999u) / 1000000u; /* rounded up */
        else
            units = tsresol == 9 ? us * 1000u : us;
        b = o->n;
        o_u32(o, 6);
        o_u32(o, 0);
        o_u32(o, 1); /* interface 1 */
        o_u32(o, (uint32_t)(units >> 32));
        o_u32(o, (uint32_t)units);
        o_u32(o, (uint32_t)n);
        o_u32(o, (uint32_t)n);
        o_bytes(o, f, n);
        ng_block_end(o, b);
    }
}

/* Write the bytes to a file, draw --port 80 from it; returns the text. */
static char *draw_bytes(const struct obuf *o, size_t len, char **msgs)
{
    char path[64];
    snprintf(path, sizeof(path), "/tmp/tt_ladder_fmt_%d", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(o->b, 1, len, f), len);
    fclose(f);
    size_t mlen = 0;
    FILE *m = open_memstream(msgs, &mlen);
    struct tt_ladder l;
    tt_ladder_init(&l);
    int rc = tt_ladder_load_pcap(path, 0, 80, &l, m);
    fclose(m);
    unlink(path);
    if (rc != 0)
        fail_msg("load: %d: %s", rc, *msgs);
    char *text = render(&l, 0);
    tt_ladder_free(&l);
    return text;
}

static void expect_golden_text(const struct obuf *o, const char *what)
{
    char *msgs = NULL, *text = draw_bytes(o, o->n, &msgs);
    size_t wlen = 0;
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/golden/ladder_capture.txt", TT_SOURCE_DIR);
    char *want = slurp(path, &wlen);
    assert_non_null(want);
    if (strcmp(text, want) != 0) {
        fprintf(stderr, "---- %s ----\n%s", what, text);
        fail_msg("%s draws differently from ladder_capture.txt", what);
    }
    assert_string_equal(msgs, "");
    free(want);
    free(text);
    free(msgs);
}

static struct obuf ob;

static void test_classic_orders_and_resolutions(void **st)
{
    (void)st;
    for (int be = 0; be < 2; be++)
        for (int nsec = 0; nsec < 2; nsec++) {
            classic(&ob, ETHER, be, nsec, 0);
            expect_golden_text(&ob, be ? (nsec ? "BE ns" : "BE us") : (nsec ? "LE ns" : "LE us"));
        }
}

static void test_link_types_tags_options_others(void **st)
{
    (void)st;
    static const struct {
        enum shape sh;
        const char *name;
    } shapes[] = {{RAW, "raw IP"},       {SLL, "Linux SLL"},     {SLL2, "Linux SLL2"},
                  {VLAN, "802.1Q VLAN"}, {QINQ, "802.1ad QinQ"}, {IPOPT, "IPv4 options"}};
    for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
        classic(&ob, shapes[i].sh, 0, 0, 0);
        expect_golden_text(&ob, shapes[i].name);
        classic(&ob, shapes[i].sh, 1, 1, 1); /* with ARP / UDP packets between */
        expect_golden_text(&ob, shapes[i].name);
    }
    classic(&ob, ETHER, 0, 0, 1);
    expect_golden_text(&ob, "Ethernet with ARP between");
}

static void test_pcapng(void **st)
{
    (void)st;
    pcapng(&ob, ETHER, 0, 6);
    expect_golden_text(&ob, "pcapng LE us");
    pcapng(&ob, ETHER, 1, 9);
    expect_golden_text(&ob, "pcapng BE ns");
    pcapng(&ob, SLL2, 0, 0x80 | 30); /* 2^-30 s units */
    expect_golden_text(&ob, "pcapng SLL2 binary resolution");
    /* A second section (here: the same again, big-endian) starts afresh. */
    struct obuf *two = malloc(sizeof(*two));
    assert_non_null(two);
    pcapng(&ob, ETHER, 1, 9);
    size_t first = ob.n;
    memcpy(two->b, ob.b, first);
    pcapng(&ob, RAW, 0, 6);
    memcpy(two->b + first, ob.b, ob.n);
    two->n = first + ob.n;
    char *msgs = NULL, *text = draw_bytes(two, two->n, &msgs);
    /* Both sections hold the connection: every packet twice, all drawn. */
    assert_non_null(strstr(text, "FIN,ACK"));
    free(text);
    free(msgs);
    free(two);
}

/* A file cut in the middle of its 8th record (tshark draws 7 packets of
 * such a file): the 7 are drawn, and the cut is reported. */
static void test_truncated(void **st)
{
    (void)st;
    for (int ng = 0; ng < 2; ng++) {
        if (ng)
            pcapng(&ob, ETHER, 0, 6);
        else
            classic(&ob, ETHER, 0, 0, 0);
        /* the start of the 8th packet record, and 10 bytes into it */
        struct tt_pcap_reader *r;
        assert_int_equal(tt_pcap_reader_open_mem(ob.b, ob.n, &r), 0);
        struct tt_pcap_frame fr;
        for (int k = 0; k < 8; k++)
            assert_int_equal(tt_pcap_read(r, &fr), 1);
        size_t at = tt_pcap_reader_offset(r);
        tt_pcap_reader_close(r);
        assert_int_equal(tt_pcap_reader_open_mem(ob.b, at + 10, &r), 0);
        for (int k = 0; k < 7; k++)
            assert_int_equal(tt_pcap_read(r, &fr), 1);
        assert_int_equal(tt_pcap_read(r, &fr), TT_EPROTO);
        assert_int_equal(tt_pcap_reader_offset(r), at);
        assert_int_equal(tt_pcap_reader_records(r), 7);
        tt_pcap_reader_close(r);

        char *msgs = NULL, *text = draw_bytes(&ob, at + 10, &msgs);
        char want[160];
        snprintf(want, sizeof(want),
                 "is cut short (or damaged) at byte %zu, in record 8; drawing "
                 "the 7 records before it",
                 at);
        if (!strstr(msgs, want))
            fail_msg("message: %s", msgs);
        snprintf(want, sizeof(want), "(the capture is cut short at byte %zu", at);
        assert_non_null(strstr(text, want));
        assert_non_null(strstr(text, "PSH,ACK \u21bbRTO seq=1:41")); /* the 6th TCP packet */
        assert_null(strstr(text, "len=300"));                        /* the 7th: cut off */
        free(text);
        free(msgs);
    }
}

/* pcapng units and offsets: binary resolutions, if_tsoffset, simple packets,
 * blocks whose trailing length disagrees. */
static void test_pcapng_reader_details(void **st)
{
    (void)st;
    struct obuf *o = &ob;
    o->n = 0;
    o->be = 0;
    size_t b;
    ng_shb(o);
    b = o->n;
    o_u32(o, 1);
    o_u32(o, 0);
    o_u16(o, TT_PCAP_LINKTYPE_RAW);
    o_u16(o, 0);
    o_u32(o, 0);
    o_u16(o, 9);
    o_u16(o, 1);
    o_bytes(o, "\x84\0\0\0", 4); /* 2^-4 s */
    o_u16(o, 14);                /* if_tsoffset: +100 s */
    o_u16(o, 8);
    o_u32(o, 100);
    o_u32(o, 0);
    o_u32(o, 0);
    ng_block_end(o, b);
    b = o->n;
    o_u32(o, 6);
    o_u32(o, 0);
    o_u32(o, 0);
    o_u32(o, 0);
    o_u32(o, 16 * 5 + 8); /* 5.5 s */
    o_u32(o, 3);
    o_u32(o, 3);
    o_bytes(o, "abc", 3);
    ng_block_end(o, b);
    b = o->n;
    o_u32(o, 3); /* simple packet: no time */
    o_u32(o, 0);
    o_u32(o, 2);
    o_bytes(o, "xy", 2);
    ng_block_end(o, b);
    struct tt_pcap_reader *r;
    struct tt_pcap_frame f;
    assert_int_equal(tt_pcap_reader_open_mem(o->b, o->n, &r), 0);
    assert_int_equal(tt_pcap_reader_is_ng(r), 1);
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(f.ts_sec, 105);
    assert_int_equal(f.ts_nsec, 500000000);
    assert_int_equal(f.ts, TT_SEC(105) + TT_MSEC(500));
    assert_int_equal(f.linktype, TT_PCAP_LINKTYPE_RAW);
    assert_int_equal(f.len, 3);
    assert_memory_equal(f.data, "abc", 3);
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(f.len, 2);
    assert_int_equal(tt_pcap_read(r, &f), 0);
    tt_pcap_reader_close(r);
    /* The last block's trailing length is wrong: an error at that block. */
    o->b[o->n - 1] ^= 1;
    assert_int_equal(tt_pcap_reader_open_mem(o->b, o->n, &r), 0);
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(tt_pcap_read(r, &f), TT_EPROTO);
    assert_int_equal(tt_pcap_reader_offset(r), b);
    assert_int_equal(tt_pcap_read(r, &f), TT_EPROTO);
    tt_pcap_reader_close(r);
    /* A section header cut short is not a capture. */
    assert_int_equal(tt_pcap_reader_open_mem(o->b, 27, &r), TT_EPROTO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_is_current),
        cmocka_unit_test(test_pick_by_port_and_infer),
        cmocka_unit_test(test_second_connection_reset),
        cmocka_unit_test(test_ambiguous_lists),
        cmocka_unit_test(test_garbage_file),
        cmocka_unit_test(test_classic_orders_and_resolutions),
        cmocka_unit_test(test_link_types_tags_options_others),
        cmocka_unit_test(test_pcapng),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_pcapng_reader_details),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
