/* SPDX-License-Identifier: BSD-2-Clause */
/* The pcap writer and reader: golden bytes, round trips, hostile files. */
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

#include "pcap.h"

/* Write frames with open_memstream and return the bytes (caller frees). */
static uint8_t *write_mem(uint32_t linktype, size_t nframes, const tt_time *ts,
                          const uint8_t *const *frames, const size_t *lens, size_t *out_len)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct tt_pcap_writer *w;
    assert_int_equal(tt_pcap_writer_open_stream(f, 1, linktype, &w), 0);
    for (size_t i = 0; i < nframes; i++)
        assert_int_equal(tt_pcap_write(w, ts[i], frames[i], lens[i]), 0);
    tt_pcap_writer_close(w);
    *out_len = len;
    return (uint8_t *)buf;
}

static void test_global_header_golden(void **state)
{
    (void)state;
    size_t len;
    uint8_t *b = write_mem(TT_PCAP_LINKTYPE_ETHERNET, 0, NULL, NULL, NULL, &len);
    /* Little-endian host (the test machines are x86-64 / arm64). */
    static const uint8_t golden[24] = {0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00, 0x04, 0x00,
                                       0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x00, 0x00};
    assert_int_equal(len, 24);
    assert_memory_equal(b, golden, 24);
    free(b);

    b = write_mem(tt_pcap_linktype_for(TT_FRAMING_RAW_IP), 0, NULL, NULL, NULL, &len);
    assert_int_equal(len, 24);
    assert_int_equal(b[20], 101);
    free(b);
}

static void test_record_golden(void **state)
{
    (void)state;
    const uint8_t fr[3] = {0xaa, 0xbb, 0xcc};
    const uint8_t *frames[1] = {fr};
    size_t lens[1] = {3};
    tt_time ts[1] = {TT_SEC(5) + 123456};
    size_t len;
    uint8_t *b = write_mem(TT_PCAP_LINKTYPE_RAW, 1, ts, frames, lens, &len);
    static const uint8_t rec[19] = {5, 0, 0, 0, 0x40, 0xe2, 0x01, 0,    3,   0,
                                    0, 0, 3, 0, 0,    0,    0xaa, 0xbb, 0xcc};
    assert_int_equal(len, 24 + 19);
    assert_memory_equal(b + 24, rec, 19);
    free(b);
}

static void test_roundtrip_ethernet(void **state)
{
    (void)state;
    uint8_t f1[60], f2[1514];
    memset(f1, 0x11, sizeof f1);
    memset(f2, 0x22, sizeof f2);
    f1[12] = 0x08, f1[13] = 0x06; /* ARP */
    f2[12] = 0x08, f2[13] = 0x00; /* IPv4 */
    const uint8_t *frames[3] = {f1, f2, f1};
    size_t lens[3] = {sizeof f1, sizeof f2, 0};
    tt_time ts[3] = {TT_SEC(1), TT_SEC(1) + 999999, TT_SEC(3600)};
    size_t len;
    uint8_t *b = write_mem(TT_PCAP_LINKTYPE_ETHERNET, 3, ts, frames, lens, &len);

    struct tt_pcap_reader *r;
    assert_int_equal(tt_pcap_reader_open_mem(b, len, &r), 0);
    free(b);
    assert_int_equal(tt_pcap_reader_linktype(r), 1);
    assert_int_equal(tt_pcap_reader_snaplen(r), TT_PCAP_SNAPLEN);
    assert_false(tt_pcap_reader_is_nsec(r));
    assert_false(tt_pcap_reader_is_swapped(r));
    struct tt_pcap_frame f;
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(f.ts, TT_SEC(1));
    assert_int_equal(f.len, 60);
    assert_int_equal(f.orig_len, 60);
    assert_memory_equal(f.data, f1, 60);
    assert_int_equal(f.ethertype, 0x0806);
    assert_ptr_equal(f.l3, f.data + 14);
    assert_int_equal(f.l3_len, 46);
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(f.ts_sec, 1);
    assert_int_equal(f.ts_nsec, 999999000u);
    assert_int_equal(f.len, 1514);
    assert_int_equal(f.ethertype, 0x0800);
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(f.ts, TT_SEC(3600));
    assert_int_equal(f.len, 0);
    assert_null(f.l3); /* too short for an Ethernet header */
    assert_int_equal(tt_pcap_read(r, &f), 0);
    assert_int_equal(tt_pcap_read(r, &f), 0);
    tt_pcap_reader_close(r);
}

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8),
    p[3] = (uint8_t)v;
}

/* A big-endian, nanosecond file with link type 113 (Linux cooked), by hand. */
static void test_read_bigendian_nsec_sll(void **state)
{
    (void)state;
    uint8_t b[24 + 16 + 20];
    memset(b, 0, sizeof b);
    put_be32(b, TT_PCAP_MAGIC_NSEC);
    b[4] = 0, b[5] = 2, b[6] = 0, b[7] = 4;
    put_be32(b + 16, 65535);
    put_be32(b + 20, TT_PCAP_LINKTYPE_LINUX_SLL);
    put_be32(b + 24, 7);
    put_be32(b + 28, 123456789);
    put_be32(b + 32, 20);
    put_be32(b + 36, 40);
    b[40 + 14] = 0x08, b[40 + 15] = 0x00;
    b[40 + 16] = 0x45;
    struct tt_pcap_reader *r;
    assert_int_equal(tt_pcap_reader_open_mem(b, sizeof b, &r), 0);
    assert_true(tt_pcap_reader_is_swapped(r));
    assert_true(tt_pcap_reader_is_nsec(r));
    assert_int_equal(tt_pcap_reader_linktype(r), 113);
    assert_int_equal(tt_pcap_reader_snaplen(r), 65535);
    struct tt_pcap_frame f;
    assert_int_equal(tt_pcap_read(r, &f), 1);
    assert_int_equal(f.ts_sec, 7);
    assert_int_equal(f.ts_nsec, 123456789);
    assert_int_equal(f.ts, 7123456);
    assert_int_equal(f.len, 20);
    assert_int_equal(f.orig_len, 40);
    assert_int_equal(f.ethertype, 0x0800);
    assert_int_equal(f.l3_len, 4);
    assert_int_equal(f.l3[0], 0x45);
    assert_int_equal(tt_pcap_read(r, &f), 0);
    tt_pcap_reader_close(r);
}

static void test_corrupt_files(void **state)
{
    (void)state;
    const uint8_t fr[40] = {0x45};
    const uint8_t *frames[2] = {fr, fr};
    size_t lens[2] = {40, 40};
    tt_time ts[2] = {1, 2};
    size_t len;
    uint8_t *b = write_mem(TT_PCAP_LINKTYPE_RAW, 2, ts, frames, lens, &len);
    assert_int_equal(len, 24 + 2 * 56);
    struct tt_pcap_reader *r;
    struct tt_pcap_frame f;

    /* Every truncation of the global header is refused. */
    for (size_t n = 0; n < 24; n++)
        assert_int_equal(tt_pcap_reader_open_mem(b, n, &r), TT_EPROTO);
    /* Every truncation inside the records: the whole records read, then EPROTO. */
    for (size_t n = 24; n < len; n++) {
        assert_int_equal(tt_pcap_reader_open_mem(b, n, &r), 0);
        size_t whole = (n - 24) / 56;
        for (size_t i = 0; i < whole; i++)
            assert_int_equal(tt_pcap_read(r, &f), 1);
        if ((n - 24) % 56 == 0)
            assert_int_equal(tt_pcap_read(r, &f), 0);
        else
            assert_int_equal(tt_pcap_read(r, &f), TT_EPROTO);
        tt_pcap_reader_close(r);
    }

    uint8_t *c = malloc(len);
    /* Bad magic. */
    memcpy(c, b, len);
    c[0] ^= 1;
    assert_int_equal(tt_pcap_reader_open_mem(c, len, &r), TT_EPROTO);
    /* Bad major version. */
    memcpy(c, b, len);
    c[4] = 3;
    assert_int_equal(tt_pcap_reader_open_mem(c, len, &r), TT_EPROTO);
    /* caplen beyond the cap, then beyond the file, then bad microseconds. */
    const uint32_t bad_caplen[2] = {TT_PCAP_SNAPLEN + 1, 57};
    for (int k = 0; k < 3; k++) {
        memcpy(c, b, len);
        if (k < 2)
            memcpy(c + 24 + 56 + 8, &bad_caplen[k], 4);
        else
            memcpy(c + 24 + 56 + 4, &(uint32_t){1000000}, 4);
        assert_int_equal(tt_pcap_reader_open_mem(c, len, &r), 0);
        assert_int_equal(tt_pcap_read(r, &f), 1);
        assert_int_equal(tt_pcap_read(r, &f), TT_EPROTO);
        assert_int_equal(tt_pcap_read(r, &f), TT_EPROTO);
        tt_pcap_reader_close(r);
    }
    free(c);
    free(b);
}

struct sink {
    int calls;
    size_t len;
    tt_time now;
};

static int sink_tx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct sink *s = ctx;
    s->calls++;
    s->len = len;
    s->now = now;
    return s->calls == 2 ? TT_ENOBUFS : 0;
}

static void test_wrap_and_files(void **state)
{
    (void)state;
    char path[] = "/tmp/tt_test_pcap_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    struct tt_pcap_writer *w;
    assert_int_equal(tt_pcap_writer_open(path, TT_PCAP_LINKTYPE_ETHERNET, &w), 0);
    tt_pcap_writer_set_time_offset(w, 1000);
    struct sink s = {0};
    struct tt_link inner = {
        .framing = TT_FRAMING_ETHERNET, .mtu = 9000, .transmit = sink_tx, .ctx = &s};
    struct tt_link l = tt_pcap_wrap(w, &inner);
    assert_int_equal(l.framing, TT_FRAMING_ETHERNET);
    assert_int_equal(l.mtu, 9000);
    uint8_t fr[64] = {1, 2, 3};
    assert_int_equal(l.transmit(l.ctx, fr, 64, 500), 0);
    assert_int_equal(l.transmit(l.ctx, fr, 20, 600), TT_ENOBUFS); /* inner's result */
    assert_int_equal(s.calls, 2);
    assert_int_equal(s.len, 20);
    assert_int_equal(s.now, 600);
    assert_int_equal(tt_pcap_write_rx(w, fr, 30, 700), 0);
    assert_int_equal(tt_pcap_writer_flush(w), 0);
    tt_pcap_writer_close(w);

    struct tt_pcap_reader *r;
    assert_int_equal(tt_pcap_reader_open(path, &r), 0);
    struct tt_pcap_frame f;
    const size_t want_len[3] = {64, 20, 30};
    const tt_time want_ts[3] = {1500, 1600, 1700};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(tt_pcap_read(r, &f), 1);
        assert_int_equal(f.len, want_len[i]);
        assert_int_equal(f.ts, want_ts[i]);
        assert_int_equal(f.data[2], 3);
    }
    assert_int_equal(tt_pcap_read(r, &f), 0);
    tt_pcap_reader_close(r);
    unlink(path);

    assert_int_equal(tt_pcap_reader_open(path, &r), TT_ENOENT);
    assert_int_equal(tt_pcap_writer_open("/nonexistent-dir/x.pcap", 1, &w), TT_ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_global_header_golden), cmocka_unit_test(test_record_golden),
        cmocka_unit_test(test_roundtrip_ethernet),   cmocka_unit_test(test_read_bigendian_nsec_sll),
        cmocka_unit_test(test_corrupt_files),        cmocka_unit_test(test_wrap_and_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
