/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Classic pcap files: writer and reader (format: the libpcap "savefile"
 * layout, a 24-byte global header then records of a 16-byte header and the
 * captured bytes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "pcap.h"

/* ---- writer ---- */

struct tt_pcap_writer {
    FILE *f;
    int own;
    int failed;
    int64_t offset;
    struct tt_link inner;
};

uint32_t tt_pcap_linktype_for(enum tt_framing framing)
{
    return framing == TT_FRAMING_RAW_IP ? TT_PCAP_LINKTYPE_RAW : TT_PCAP_LINKTYPE_ETHERNET;
}

/* Host-order fields, as libpcap itself writes them: readers detect the order
 * from the magic. */
static int put32(FILE *f, uint32_t v)
{
    return fwrite(&v, 4, 1, f) == 1 ? 0 : -1;
}

static int put16(FILE *f, uint16_t v)
{
    return fwrite(&v, 2, 1, f) == 1 ? 0 : -1;
}

int tt_pcap_writer_open_stream(FILE *f, int own, uint32_t linktype, struct tt_pcap_writer **out)
{
    if (!f || !out)
        return TT_EINVAL;
    struct tt_pcap_writer *w = calloc(1, sizeof *w);
    if (!w)
        return TT_ENOMEM;
    w->f = f;
    w->own = own;
    int bad = put32(f, TT_PCAP_MAGIC_USEC) | put16(f, 2) | put16(f, 4) | put32(f, 0) /* thiszone */
              | put32(f, 0) /* sigfigs */ | put32(f, TT_PCAP_SNAPLEN) | put32(f, linktype);
    if (bad) {
        if (own)
            fclose(f);
        free(w);
        return TT_ENOSPC;
    }
    *out = w;
    return 0;
}

int tt_pcap_writer_open(const char *path, uint32_t linktype, struct tt_pcap_writer **out)
{
    if (!path || !out)
        return TT_EINVAL;
    FILE *f = fopen(path, "wb");
    if (!f)
        return TT_ENOENT;
    return tt_pcap_writer_open_stream(f, 1, linktype, out);
}

void tt_pcap_writer_set_time_offset(struct tt_pcap_writer *w, int64_t offset)
{
    w->offset = offset;
}

int tt_pcap_write(struct tt_pcap_writer *w, tt_time ts, const void *frame, size_t len)
{
    if (!w || (!frame && len))
        return TT_EINVAL;
    if (w->failed)
        return TT_ENOSPC;
    int64_t t = (int64_t)ts + w->offset;
    if (t < 0)
        t = 0;
    size_t cap = len > TT_PCAP_SNAPLEN ? TT_PCAP_SNAPLEN : len;
    int bad = put32(w->f, (uint32_t)(t / 1000000)) | put32(w->f, (uint32_t)(t % 1000000)) |
              put32(w->f, (uint32_t)cap) |
              put32(w->f, len > UINT32_MAX ? UINT32_MAX : (uint32_t)len);
    if (!bad && cap && fwrite(frame, 1, cap, w->f) != cap)
        bad = 1;
    if (bad) {
        w->failed = 1;
        return TT_ENOSPC;
    }
    return 0;
}

int tt_pcap_write_rx(struct tt_pcap_writer *w, const void *frame, size_t len, tt_time now)
{
    return tt_pcap_write(w, now, frame, len);
}

int tt_pcap_writer_flush(struct tt_pcap_writer *w)
{
    if (w->failed || fflush(w->f) != 0) {
        w->failed = 1;
        return TT_ENOSPC;
    }
    return 0;
}

void tt_pcap_writer_close(struct tt_pcap_writer *w)
{
    if (!w)
        return;
    fflush(w->f);
    if (w->own)
        fclose(w->f);
    free(w);
}

static int wrap_transmit(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct tt_pcap_writer *w = ctx;
    (void)tt_pcap_write(w, now, frame, len); /* a full disk must not stop the link */
    return w->inner.transmit(w->inner.ctx, frame, len, now);
}

struct tt_link tt_pcap_wrap(struct tt_pcap_writer *w, const struct tt_link *inner)
{
    w->inner = *inner;
    struct tt_link l = *inner;
    l.transmit = wrap_transmit;
    l.ctx = w;
    return l;
}

/* ---- reader ---- */

#define PCAP_READ_MAX ((size_t)1 << 30)

struct tt_pcap_reader {
    uint8_t *buf;
    size_t len, pos;
    int swapped, nsec, failed;
    uint32_t linktype, snaplen;
};

static uint32_t get32(const struct tt_pcap_reader *r, size_t at)
{
    const uint8_t *p = r->buf + at;
    if (r->swapped) /* the file is big-endian as seen from here */
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* Decide byte order and resolution from the magic, read in little-endian. */
static int parse_global(struct tt_pcap_reader *r)
{
    if (r->len < 24)
        return TT_EPROTO;
    r->swapped = 0;
    uint32_t m = get32(r, 0);
    if (m == TT_PCAP_MAGIC_USEC || m == TT_PCAP_MAGIC_NSEC) {
        r->nsec = m == TT_PCAP_MAGIC_NSEC;
    } else {
        r->swapped = 1;
        m = get32(r, 0);
        if (m != TT_PCAP_MAGIC_USEC && m != TT_PCAP_MAGIC_NSEC)
            return TT_EPROTO;
        r->nsec = m == TT_PCAP_MAGIC_NSEC;
    }
    uint32_t ver = get32(r, 4); /* major (16 bits) then minor, in file order */
    uint16_t major = r->swapped ? (uint16_t)(ver >> 16) : (uint16_t)(ver & 0xffff);
    if (major != 2)
        return TT_EPROTO;
    r->snaplen = get32(r, 16);
    r->linktype = get32(r, 20) & 0x0fffffffu; /* upper bits: FCS info, unused here */
    r->pos = 24;
    return 0;
}

int tt_pcap_reader_open_mem(const void *data, size_t len, struct tt_pcap_reader **out)
{
    if ((!data && len) || !out)
        return TT_EINVAL;
    if (len > PCAP_READ_MAX)
        return TT_EMSGSIZE;
    struct tt_pcap_reader *r = calloc(1, sizeof *r);
    if (!r)
        return TT_ENOMEM;
    r->buf = malloc(len ? len : 1);
    if (!r->buf) {
        free(r);
        return TT_ENOMEM;
    }
    if (len)
        memcpy(r->buf, data, len);
    r->len = len;
    int rc = parse_global(r);
    if (rc != 0) {
        tt_pcap_reader_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int tt_pcap_reader_open(const char *path, struct tt_pcap_reader **out)
{
    if (!path || !out)
        return TT_EINVAL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return TT_ENOENT;
    size_t cap = 65536, len = 0;
    uint8_t *buf = malloc(cap);
    int rc = buf ? 0 : TT_ENOMEM;
    while (rc == 0) {
        if (len == cap) {
            if (cap >= PCAP_READ_MAX) {
                rc = TT_EMSGSIZE;
                break;
            }
            uint8_t *nb = realloc(buf, cap * 2);
            if (!nb) {
                rc = TT_ENOMEM;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = TT_ENOENT;
            break;
        }
    }
    fclose(f);
    if (rc == 0)
        rc = tt_pcap_reader_open_mem(buf, len, out);
    free(buf);
    return rc;
}

uint32_t tt_pcap_reader_linktype(const struct tt_pcap_reader *r)
{
    return r->linktype;
}

uint32_t tt_pcap_reader_snaplen(const struct tt_pcap_reader *r)
{
    return r->snaplen;
}

int tt_pcap_reader_is_nsec(const struct tt_pcap_reader *r)
{
    return r->nsec;
}

int tt_pcap_reader_is_swapped(const struct tt_pcap_reader *r)
{
    return r->swapped;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Locate the network-layer packet inside a captured frame. */
static void find_l3(uint32_t linktype, struct tt_pcap_frame *f)
{
    size_t hlen = 0;
    f->ethertype = 0;
    f->l3 = NULL;
    f->l3_len = 0;
    switch (linktype) {
    case TT_PCAP_LINKTYPE_ETHERNET:
        if (f->len < 14)
            return;
        f->ethertype = be16(f->data + 12);
        hlen = 14;
        break;
    case TT_PCAP_LINKTYPE_LINUX_SLL:
        /* packet type, ARPHRD, address length, 8 address bytes, protocol */
        if (f->len < 16)
            return;
        f->ethertype = be16(f->data + 14);
        hlen = 16;
        break;
    case TT_PCAP_LINKTYPE_RAW:
    case TT_PCAP_LINKTYPE_IPV4:
        f->ethertype = 0x0800;
        break;
    default:
        return;
    }
    f->l3 = f->data + hlen;
    f->l3_len = f->len - hlen;
}

int tt_pcap_read(struct tt_pcap_reader *r, struct tt_pcap_frame *f)
{
    if (r->failed)
        return TT_EPROTO;
    if (r->pos == r->len)
        return 0;
    if (r->len - r->pos < 16) {
        r->failed = 1;
        return TT_EPROTO;
    }
    uint32_t sec = get32(r, r->pos), sub = get32(r, r->pos + 4);
    uint32_t caplen = get32(r, r->pos + 8), orig = get32(r, r->pos + 12);
    if (caplen > TT_PCAP_SNAPLEN || caplen > r->len - r->pos - 16 ||
        sub >= (r->nsec ? 1000000000u : 1000000u)) {
        r->failed = 1;
        return TT_EPROTO;
    }
    memset(f, 0, sizeof *f);
    f->ts_sec = sec;
    f->ts_nsec = r->nsec ? sub : sub * 1000u;
    f->ts = (tt_time)sec * 1000000u + f->ts_nsec / 1000u;
    f->orig_len = orig;
    f->data = r->buf + r->pos + 16;
    f->len = caplen;
    find_l3(r->linktype, f);
    r->pos += 16 + (size_t)caplen;
    return 1;
}

void tt_pcap_reader_close(struct tt_pcap_reader *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}
