/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP header (RFC 9293 §3.1) and options (RFC 9293 §3.2, RFC 7323, RFC 2018):
 * parse and emit. No state: bytes in, host-order struct out, and back.
 */
#include <limits.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define TT_TCP_MAX_HLEN 60
#define TT_TCP_MAX_OPTLEN 40

/* Option lengths as the RFCs define them. */
#define TT_TCPOLEN_MSS 4       /* RFC 9293 §3.2 */
#define TT_TCPOLEN_WSCALE 3    /* RFC 7323 §2.2 */
#define TT_TCPOLEN_SACK_PERM 2 /* RFC 2018 §2 */
#define TT_TCPOLEN_TS 10       /* RFC 7323 §3.2 */
#define TT_TCPOLEN_SACK_BASE 2 /* RFC 2018 §3: 2 + 8 per block */
#define TT_TCPOLEN_SACK_BLOCK 8
#define TT_TCPOLEN_FO_BASE 2     /* RFC 7413 §4.1.1: kind, length, cookie */
#define TT_TCPOLEN_EXP_FO_BASE 4 /* kind 254, length, ExID 0xF989, cookie */

/* A Fast Open cookie of n bytes: 0 (a request) or even, 4..16 (RFC 7413
 * §4.1.1; Linux takes only even lengths). 1 when it was taken. */
static int parse_fo(const uint8_t *c, unsigned n, int form, struct tt_tcp_opts *opt)
{
    if (n != 0 && (n < TT_TCP_FO_COOKIE_MIN || n > TT_TCP_FO_COOKIE_MAX || (n & 1)))
        return 0;
    opt->has_fo = (uint8_t)form;
    opt->fo_len = (uint8_t)n;
    memcpy(opt->fo_cookie, c, n);
    return 1;
}

/*
 * Record one option whose kind and length (>= 2, within the header) are
 * known. A known option with the wrong length, or an unknown option, is
 * skipped by its length and counted (RFC 9293 MUST-6; Linux likewise ignores
 * a known option whose length is wrong).
 */
static void parse_option(const uint8_t *o, uint8_t olen, struct tt_tcp_opts *opt)
{
    int n;

    switch (o[0]) {
    case TT_TCPOPT_MSS:
        if (olen != TT_TCPOLEN_MSS)
            break;
        opt->has_mss = 1;
        opt->mss = tt__rd16(o + 2);
        return;
    case TT_TCPOPT_WSCALE:
        if (olen != TT_TCPOLEN_WSCALE)
            break;
        /* RFC 7323 §2.3: a shift above 14 is used as 14; that clamp (and
         * its log line) belongs to the caller, so the value is kept as is. */
        opt->has_ws = 1;
        opt->ws = o[2];
        return;
    case TT_TCPOPT_SACK_PERM:
        if (olen != TT_TCPOLEN_SACK_PERM)
            break;
        opt->sack_ok = 1;
        return;
    case TT_TCPOPT_TS:
        if (olen != TT_TCPOLEN_TS)
            break;
        opt->has_ts = 1;
        opt->ts_val = tt__rd32(o + 2);
        opt->ts_ecr = tt__rd32(o + 6);
        return;
    case TT_TCPOPT_SACK:
        /* RFC 2018 §3: length 2 + 8n; n is 1..4 in 40 bytes of options. */
        if (olen < TT_TCPOLEN_SACK_BASE + TT_TCPOLEN_SACK_BLOCK ||
            (olen - TT_TCPOLEN_SACK_BASE) % TT_TCPOLEN_SACK_BLOCK != 0 ||
            (olen - TT_TCPOLEN_SACK_BASE) / TT_TCPOLEN_SACK_BLOCK > TT_TCP_MAX_SACK)
            break;
        n = (olen - TT_TCPOLEN_SACK_BASE) / TT_TCPOLEN_SACK_BLOCK;
        for (int i = 0; i < n; i++) {
            const uint8_t *blk = o + TT_TCPOLEN_SACK_BASE + i * TT_TCPOLEN_SACK_BLOCK;
            opt->sack[i].left = tt__rd32(blk);
            opt->sack[i].right = tt__rd32(blk + 4);
        }
        opt->nsack = (uint8_t)n;
        return;
    case TT_TCPOPT_FASTOPEN:
        if (parse_fo(o + TT_TCPOLEN_FO_BASE, olen - TT_TCPOLEN_FO_BASE, TT_TCP_FO_IANA, opt))
            return;
        break;
    case TT_TCPOPT_EXP:
        /* RFC 6994: other experiments share kind 254; only ours is read. */
        if (olen >= TT_TCPOLEN_EXP_FO_BASE && tt__rd16(o + 2) == TT_TCPOPT_FASTOPEN_MAGIC &&
            parse_fo(o + TT_TCPOLEN_EXP_FO_BASE, olen - TT_TCPOLEN_EXP_FO_BASE, TT_TCP_FO_EXP, opt))
            return;
        break;
    default:
        break;
    }
    opt->ignored++;
}

/*
 * Walk the options in b[0, len). Options may start on any byte (RFC 9293
 * MUST-64); an illegal length (below 2, or running past the header) is
 * reported rather than guessed around (MUST-7), and nothing past `len` is
 * ever read.
 */
static int parse_options(const uint8_t *b, size_t len, struct tt_tcp_opts *opt)
{
    size_t i = 0;

    while (i < len) {
        uint8_t kind = b[i], olen;

        if (kind == TT_TCPOPT_EOL)
            break; /* RFC 9293 §3.2: end of the list; the rest is padding */
        if (kind == TT_TCPOPT_NOP) {
            i++;
            continue;
        }
        /* MUST-68: every other option has a length octet. */
        if (len - i < 2)
            return TT_EINVAL;
        olen = b[i + 1];
        if (olen < 2 || olen > len - i)
            return TT_EINVAL;
        parse_option(b + i, olen, opt);
        i += olen;
    }
    return 0;
}

int tt__tcp_parse(const uint8_t *buf, size_t len, struct tt_tcp_hdr *h, enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;
    size_t doff;

    if (why == NULL)
        why = &dummy;
    if (buf == NULL || len < TT_TCP_HLEN) {
        *why = TT_DROP_TCP_TRUNCATED;
        return TT_EINVAL;
    }
    /* RFC 9293 §3.1: Data Offset counts 32-bit words, at least 5. */
    doff = (size_t)(buf[12] >> 4) * 4;
    if (doff < TT_TCP_HLEN || doff > len) {
        *why = TT_DROP_TCP_BAD_OFFSET;
        return TT_EINVAL;
    }
    memset(h, 0, sizeof *h);
    h->sport = tt__rd16(buf);
    h->dport = tt__rd16(buf + 2);
    h->seq = tt__rd32(buf + 4);
    h->ack = tt__rd32(buf + 8);
    h->doff = (uint8_t)doff;
    h->flags = buf[13]; /* CWR ECE URG ACK PSH RST SYN FIN */
    h->wnd = tt__rd16(buf + 14);
    h->cksum = tt__rd16(buf + 16);
    h->urp = tt__rd16(buf + 18);
    if (parse_options(buf + TT_TCP_HLEN, doff - TT_TCP_HLEN, &h->opt) < 0) {
        *why = TT_DROP_TCP_BAD_OPTIONS;
        return TT_EINVAL;
    }
    return (int)doff;
}

int tt__tcp_cksum_ok(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len)
{
    uint32_t sum;

    /* The pseudo-header's TCP Length is 16 bits (RFC 9293 §3.1). */
    if (seg == NULL || len > 0xffff)
        return 0;
    sum = tt__cksum_pseudo(src, dst, TT_IPPROTO_TCP, (uint16_t)len);
    return tt__cksum_fold(tt__cksum_add(sum, seg, len)) == 0; /* MUST-3 */
}

/* How many SACK blocks fit after `used` option bytes (nop, nop, kind, len,
 * then 8 bytes a block), capped by what the caller asked for. */
static unsigned sack_fit(const struct tt_tcp_hdr *h, size_t used)
{
    unsigned want = h->opt.nsack < TT_TCP_MAX_SACK ? h->opt.nsack : TT_TCP_MAX_SACK;
    size_t room;

    if (want == 0 || used + 4 + TT_TCPOLEN_SACK_BLOCK > TT_TCP_MAX_OPTLEN)
        return 0;
    room = (TT_TCP_MAX_OPTLEN - used - 4) / TT_TCPOLEN_SACK_BLOCK;
    return want < room ? want : (unsigned)room;
}

/* The Fast Open option's bytes with its padding: a multiple of 4. */
static size_t fo_len(const struct tt_tcp_opts *o)
{
    size_t n;
    if (!o->has_fo)
        return 0;
    n = (o->has_fo == TT_TCP_FO_EXP ? TT_TCPOLEN_EXP_FO_BASE : TT_TCPOLEN_FO_BASE) + o->fo_len;
    return (n + 3) & ~(size_t)3;
}

size_t tt__tcp_hdr_len(const struct tt_tcp_hdr *h)
{
    const struct tt_tcp_opts *o = &h->opt;
    size_t n = 0;
    unsigned ns;

    if (h->flags & TT_TCP_SYN) {
        n += o->has_mss ? 4 : 0;
        n += o->has_ts ? 12 : (o->sack_ok ? 4 : 0); /* sackOK+TS, or nop nop TS|sackOK */
        n += o->has_ws ? 4 : 0;                     /* nop, wscale */
        n += fo_len(o);
        return TT_TCP_HLEN + n; /* at most 20 + 20 on a SYN, 12 + 20 + SACK that fits else */
    }
    n += o->has_ts ? 12 : 0;
    n += fo_len(o);
    ns = sack_fit(h, n);
    if (ns > 0)
        n += 4 + TT_TCPOLEN_SACK_BLOCK * ns;
    return TT_TCP_HLEN + n; /* at most 20 + 20 on a SYN, 12 + 20 + SACK that fits else */
}

/* Fast Open (RFC 7413 §4.1.1), last as Linux writes it, padded with two nops
 * when its length is 2 mod 4. Only what fits in `room` bytes is written. */
static uint8_t *put_fo(uint8_t *p, const struct tt_tcp_opts *o, size_t room)
{
    size_t n = fo_len(o);
    uint8_t len;
    if (n == 0 || n > room)
        return p;
    if (o->has_fo == TT_TCP_FO_EXP) {
        len = (uint8_t)(TT_TCPOLEN_EXP_FO_BASE + o->fo_len);
        *p++ = TT_TCPOPT_EXP;
        *p++ = len;
        tt__wr16(p, TT_TCPOPT_FASTOPEN_MAGIC);
        p += 2;
    } else {
        len = (uint8_t)(TT_TCPOLEN_FO_BASE + o->fo_len);
        *p++ = TT_TCPOPT_FASTOPEN;
        *p++ = len;
    }
    memcpy(p, o->fo_cookie, o->fo_len);
    p += o->fo_len;
    for (size_t i = len; i < n; i++)
        *p++ = TT_TCPOPT_NOP;
    return p;
}

/* Write a timestamps option (RFC 7323 §3.2) preceded by two bytes: either
 * nop, nop or (on a SYN) sackOK, so that TSval lands on a word boundary. */
static uint8_t *put_ts(uint8_t *p, const struct tt_tcp_opts *o, int with_sack_ok)
{
    if (with_sack_ok) {
        *p++ = TT_TCPOPT_SACK_PERM;
        *p++ = TT_TCPOLEN_SACK_PERM;
    } else {
        *p++ = TT_TCPOPT_NOP;
        *p++ = TT_TCPOPT_NOP;
    }
    *p++ = TT_TCPOPT_TS;
    *p++ = TT_TCPOLEN_TS;
    tt__wr32(p, o->ts_val);
    tt__wr32(p + 4, o->ts_ecr);
    return p + 8;
}

/* SYN options, in the order Linux sends them (so packetdrill scripts match):
 * mss, [sackOK, TS | nop, nop, TS | nop, nop, sackOK], [nop, wscale]. MSS
 * appears on SYNs only (RFC 9293 MUST-65). */
static uint8_t *put_syn_opts(uint8_t *p, const struct tt_tcp_opts *o)
{
    if (o->has_mss) {
        *p++ = TT_TCPOPT_MSS;
        *p++ = TT_TCPOLEN_MSS;
        tt__wr16(p, o->mss);
        p += 2;
    }
    if (o->has_ts) {
        p = put_ts(p, o, o->sack_ok);
    } else if (o->sack_ok) {
        *p++ = TT_TCPOPT_NOP;
        *p++ = TT_TCPOPT_NOP;
        *p++ = TT_TCPOPT_SACK_PERM;
        *p++ = TT_TCPOLEN_SACK_PERM;
    }
    if (o->has_ws) {
        *p++ = TT_TCPOPT_NOP;
        *p++ = TT_TCPOPT_WSCALE;
        *p++ = TT_TCPOLEN_WSCALE;
        *p++ = o->ws;
    }
    return p;
}

/* Bytes of options written so far, against the 40 there are. */
static size_t room_after(const uint8_t *start, const uint8_t *p)
{
    size_t used = (size_t)(p - start);
    return used < TT_TCP_MAX_OPTLEN ? TT_TCP_MAX_OPTLEN - used : 0;
}

/* Non-SYN options: [nop, nop, TS], then [nop, nop, SACK blocks]. */
static uint8_t *put_opts(uint8_t *p, const struct tt_tcp_hdr *h)
{
    const struct tt_tcp_opts *o = &h->opt;
    unsigned ns;

    uint8_t *start = p;
    if (o->has_ts)
        p = put_ts(p, o, 0);
    p = put_fo(p, o, room_after(start, p));
    ns = sack_fit(h, (size_t)(p - start));
    if (ns > 0) {
        *p++ = TT_TCPOPT_NOP;
        *p++ = TT_TCPOPT_NOP;
        *p++ = TT_TCPOPT_SACK;
        *p++ = (uint8_t)(TT_TCPOLEN_SACK_BASE + TT_TCPOLEN_SACK_BLOCK * ns);
        for (unsigned i = 0; i < ns; i++) {
            tt__wr32(p, o->sack[i].left);
            tt__wr32(p + 4, o->sack[i].right);
            p += TT_TCPOLEN_SACK_BLOCK;
        }
    }
    return p;
}

int tt__tcp_emit(const struct tt_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                 uint32_t dst, uint8_t *buf, size_t cap)
{
    size_t hl = tt__tcp_hdr_len(h);
    size_t total;
    uint32_t sum;

    if (buf == NULL || (plen > 0 && payload == NULL))
        return TT_EINVAL;
    /* The pseudo-header carries the length in 16 bits (RFC 9293 §3.1). */
    if (plen > 0xffff - hl)
        return TT_EINVAL;
    total = hl + plen;
    if (cap < total)
        return TT_EINVAL;
    /* The payload may already be in place after the header (or overlap it). */
    if (plen > 0 && payload != buf + hl)
        memmove(buf + hl, payload, plen);
    tt__wr16(buf, h->sport);
    tt__wr16(buf + 2, h->dport);
    tt__wr32(buf + 4, h->seq);
    tt__wr32(buf + 8, h->ack);
    buf[12] = (uint8_t)((hl / 4) << 4);
    buf[13] = h->flags;
    tt__wr16(buf + 14, h->wnd);
    tt__wr16(buf + 16, 0);
    tt__wr16(buf + 18, h->urp);
    /* The writers produce exactly tt__tcp_hdr_len() bytes of options. */
    if (h->flags & TT_TCP_SYN) {
        uint8_t *p = put_syn_opts(buf + TT_TCP_HLEN, &h->opt);
        put_fo(p, &h->opt, room_after(buf + TT_TCP_HLEN, p));
    } else
        put_opts(buf + TT_TCP_HLEN, h);
    /* RFC 9293 §3.1, MUST-2: the checksum covers pseudo-header, header and data. */
    sum = tt__cksum_pseudo(src, dst, TT_IPPROTO_TCP, (uint16_t)total);
    tt__wr16(buf + 16, tt__cksum_fold(tt__cksum_add(sum, buf, total)));
    return (int)total;
}
