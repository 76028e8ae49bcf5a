/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcap files: a classic pcap writer (the libpcap "savefile" layout, a
 * 24-byte global header then records of a 16-byte header and the captured
 * bytes), and a reader of classic pcap and pcapng (blocks: section header,
 * interface description, enhanced / simple / obsolete packet; others are
 * skipped).
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
#define NG_SHB 0x0a0d0d0au
#define NG_BYTE_ORDER 0x1a2b3c4du
#define NG_MAX_IFACES 4096

/* A pcapng interface (IDB): its link type and timestamp units. */
struct ng_iface {
    uint32_t linktype, snaplen;
    uint8_t tsresol;  /* if_tsresol: 10^-v s, or 2^-(v & 0x7f) s with the top bit */
    int64_t tsoffset; /* if_tsoffset: seconds added to every timestamp */
};

struct tt_pcap_reader {
    uint8_t *buf;
    size_t len, pos;
    size_t at;      /* where the last record (or the one that failed) starts */
    size_t records; /* records handed out */
    int swapped, nsec, failed, ng;
    uint32_t linktype, snaplen;
    struct ng_iface *ifs; /* pcapng: the interfaces of the current section */
    size_t nifs;
};

static int ng_section(struct tt_pcap_reader *r);

static uint32_t get32(const struct tt_pcap_reader *r, size_t at)
{
    const uint8_t *p = r->buf + at;
    if (r->swapped) /* the file is big-endian as seen from here */
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint16_t get16(const struct tt_pcap_reader *r, size_t at)
{
    const uint8_t *p = r->buf + at;
    return r->swapped ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

/* Decide byte order and resolution from the magic, read in little-endian. */
static int parse_global(struct tt_pcap_reader *r)
{
    if (r->len < 24)
        return TT_EPROTO;
    r->swapped = 0;
    uint32_t m = get32(r, 0);
    if (m == NG_SHB) { /* pcapng: the section header is read as the first block */
        r->ng = 1;
        r->pos = 0;
        return 0;
    }
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
    if (rc == 0 && r->ng)
        rc = ng_section(r); /* the first block must be a whole section header */
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

/* Locate the network-layer packet inside a captured frame, past any VLAN
 * tags (IEEE 802.1Q 0x8100, 802.1ad 0x88a8, and the older 0x9100). */
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
    case TT_PCAP_LINKTYPE_LINUX_SLL2:
        /* protocol, reserved, interface index, ARPHRD, packet type, address
         * length, 8 address bytes */
        if (f->len < 20)
            return;
        f->ethertype = be16(f->data);
        hlen = 20;
        break;
    case TT_PCAP_LINKTYPE_NULL:
        /* the sender's AF_ value in its own byte order: 2 is AF_INET */
        if (f->len < 4 || !((f->data[0] == 2 && !f->data[3]) || (f->data[3] == 2 && !f->data[0])))
            return;
        f->ethertype = 0x0800;
        hlen = 4;
        break;
    case TT_PCAP_LINKTYPE_RAW:
    case TT_PCAP_LINKTYPE_IPV4:
        f->ethertype = 0x0800;
        break;
    default:
        return;
    }
    while ((f->ethertype == 0x8100 || f->ethertype == 0x88a8 || f->ethertype == 0x9100) &&
           f->len - hlen >= 4) {
        f->ethertype = be16(f->data + hlen + 2);
        hlen += 4;
    }
    f->l3 = f->data + hlen;
    f->l3_len = f->len - hlen;
}

/* pcapng (draft-ietf-opsawg-pcapng): a section header block at r->pos sets
 * the byte order of the blocks that follow and forgets the interfaces. */
static int ng_section(struct tt_pcap_reader *r)
{
    size_t at = r->pos;
    if (r->len - at < 28)
        return TT_EPROTO;
    r->swapped = 0;
    if (get32(r, at + 8) != NG_BYTE_ORDER) {
        r->swapped = 1;
        if (get32(r, at + 8) != NG_BYTE_ORDER)
            return TT_EPROTO;
    }
    uint32_t tot = get32(r, at + 4);
    if (tot < 28 || tot % 4 || tot > r->len - at || get32(r, at + tot - 4) != tot)
        return TT_EPROTO;
    if (get16(r, at + 12) != 1) /* major version */
        return TT_EPROTO;
    r->nifs = 0;
    r->pos = at + tot;
    return 0;
}

/* The interface options the reader uses: if_tsresol (9) and if_tsoffset (14). */
static void ng_if_options(const struct tt_pcap_reader *r, size_t at, size_t end,
                          struct ng_iface *ifc)
{
    while (end - at >= 4) {
        uint16_t code = get16(r, at), olen = get16(r, at + 2);
        at += 4;
        size_t step = ((size_t)olen + 3u) & ~(size_t)3u;
        if (code == 0 || step > end - at)
            break;
        if (code == 9 && olen >= 1) {
            ifc->tsresol = r->buf[at];
        } else if (code == 14 && olen >= 8) {
            uint64_t hi = get32(r, at + (r->swapped ? 0 : 4)),
                     lo = get32(r, at + (r->swapped ? 4 : 0));
            ifc->tsoffset = (int64_t)(hi << 32 | lo);
        }
        at += step;
    }
}

static int ng_iface_add(struct tt_pcap_reader *r, size_t body, size_t blen)
{
    if (blen < 8 || r->nifs >= NG_MAX_IFACES)
        return TT_EPROTO;
    struct ng_iface *n = realloc(r->ifs, (r->nifs + 1) * sizeof(*n));
    if (!n)
        return TT_ENOMEM;
    r->ifs = n;
    struct ng_iface *ifc = &r->ifs[r->nifs++];
    ifc->linktype = get16(r, body);
    ifc->snaplen = get32(r, body + 4);
    ifc->tsresol = 6;
    ifc->tsoffset = 0;
    ng_if_options(r, body + 8, body + blen, ifc);
    if (r->nifs == 1) {
        r->linktype = ifc->linktype;
        r->snaplen = ifc->snaplen;
    }
    return 0;
}

/* A timestamp in the interface's units into seconds and nanoseconds. */
static int ng_time(const struct ng_iface *ifc, uint64_t units, struct tt_pcap_frame *f)
{
    unsigned v = ifc->tsresol & 0x7f;
    uint64_t sec, nsec;
    if (ifc->tsresol & 0x80) { /* 2^-v seconds */
        if (v > 63)
            return -1;
        uint64_t frac = units & ((1ull << v) - 1);
        sec = units >> v;
        nsec = v > 30 ? ((frac >> (v - 30)) * 1000000000ull) >> 30 : (frac * 1000000000ull) >> v;
    } else { /* 10^-v seconds */
        if (v > 19)
            return -1;
        uint64_t per = 1, scale = 1;
        for (unsigned k = 0; k < v; k++)
            per *= 10;
        for (unsigned k = v < 9 ? v : 9; k < 9; k++)
            scale *= 10;
        sec = units / per;
        nsec = v <= 9 ? units % per * scale : units % per / (per / 1000000000ull);
    }
    if (ifc->tsoffset < 0 && (uint64_t) - (ifc->tsoffset + 1) >= sec)
        sec = 0;
    else
        sec += (uint64_t)ifc->tsoffset;
    f->ts_sec = sec;
    f->ts_nsec = (uint32_t)nsec;
    f->ts = (tt_time)(sec * 1000000u + nsec / 1000u);
    return 0;
}

static int fail(struct tt_pcap_reader *r)
{
    r->failed = 1;
    return TT_EPROTO;
}

/* A packet block's common part: interface, time, lengths, data. */
static int ng_packet(struct tt_pcap_reader *r, uint32_t ifid, uint64_t units, size_t data,
                     uint32_t caplen, uint32_t orig, struct tt_pcap_frame *f)
{
    if (ifid >= r->nifs || caplen > TT_PCAP_SNAPLEN)
        return fail(r);
    memset(f, 0, sizeof *f);
    if (ng_time(&r->ifs[ifid], units, f) != 0)
        return fail(r);
    f->linktype = r->ifs[ifid].linktype;
    f->orig_len = orig;
    f->data = r->buf + data;
    f->len = caplen;
    find_l3(f->linktype, f);
    r->records++;
    return 1;
}

/* The next packet of a pcapng file; other blocks are skipped. */
static int ng_read(struct tt_pcap_reader *r, struct tt_pcap_frame *f)
{
    for (;;) {
        size_t at = r->at = r->pos;
        if (at == r->len)
            return 0;
        if (r->len - at < 12)
            return fail(r);
        uint32_t type = get32(r, at); /* the SHB type reads the same in both orders */
        if (type == NG_SHB) {
            if (ng_section(r) != 0)
                return fail(r);
            continue;
        }
        uint32_t tot = get32(r, at + 4);
        if (tot < 12 || tot % 4 || tot > r->len - at || get32(r, at + tot - 4) != tot)
            return fail(r);
        size_t body = at + 8, blen = tot - 12;
        r->pos = at + tot;
        if (type == 1) { /* interface description */
            int rc = ng_iface_add(r, body, blen);
            if (rc != 0) {
                r->failed = 1;
                return rc;
            }
        } else if (type == 6 || type == 2) { /* enhanced packet, obsolete packet */
            if (blen < 20)
                return fail(r);
            uint32_t ifid = type == 6 ? get32(r, body) : get16(r, body);
            uint64_t units = (uint64_t)get32(r, body + 4) << 32 | get32(r, body + 8);
            uint32_t caplen = get32(r, body + 12), orig = get32(r, body + 16);
            if (caplen > blen - 20)
                return fail(r);
            return ng_packet(r, ifid, units, body + 20, caplen, orig, f);
        } else if (type == 3) { /* simple packet: interface 0, no time */
            if (blen < 4 || r->nifs == 0)
                return fail(r);
            uint32_t orig = get32(r, body), caplen = orig;
            if (caplen > blen - 4)
                caplen = (uint32_t)(blen - 4);
            if (r->ifs[0].snaplen && caplen > r->ifs[0].snaplen)
                caplen = r->ifs[0].snaplen;
            return ng_packet(r, 0, 0, body + 4, caplen, orig, f);
        }
    }
}

int tt_pcap_read(struct tt_pcap_reader *r, struct tt_pcap_frame *f)
{
    if (r->failed)
        return TT_EPROTO;
    if (r->ng)
        return ng_read(r, f);
    r->at = r->pos;
    if (r->pos == r->len)
        return 0;
    if (r->len - r->pos < 16)
        return fail(r);
    uint32_t sec = get32(r, r->pos), sub = get32(r, r->pos + 4);
    uint32_t caplen = get32(r, r->pos + 8), orig = get32(r, r->pos + 12);
    if (caplen > TT_PCAP_SNAPLEN || caplen > r->len - r->pos - 16 ||
        sub >= (r->nsec ? 1000000000u : 1000000u))
        return fail(r);
    memset(f, 0, sizeof *f);
    f->ts_sec = sec;
    f->ts_nsec = r->nsec ? sub : sub * 1000u;
    f->ts = (tt_time)sec * 1000000u + f->ts_nsec / 1000u;
    f->orig_len = orig;
    f->data = r->buf + r->pos + 16;
    f->len = caplen;
    f->linktype = r->linktype;
    find_l3(r->linktype, f);
    r->pos += 16 + (size_t)caplen;
    r->records++;
    return 1;
}

size_t tt_pcap_reader_offset(const struct tt_pcap_reader *r)
{
    return r->at;
}

size_t tt_pcap_reader_records(const struct tt_pcap_reader *r)
{
    return r->records;
}

int tt_pcap_reader_is_ng(const struct tt_pcap_reader *r)
{
    return r->ng;
}

void tt_pcap_reader_close(struct tt_pcap_reader *r)
{
    if (!r)
        return;
    free(r->ifs);
    free(r->buf);
    free(r);
}
