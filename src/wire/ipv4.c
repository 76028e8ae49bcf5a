/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv4 header (RFC 791 §3.1): parse with full validation, emit without options. */
#include <string.h>

#include <tether/errors.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/ipv4.h"

#define TT_IP_DF 0x4000
#define TT_IP_MF 0x2000
#define TT_IP_OFFMASK 0x1fff

/* Fill the fixed fields of *h from a header known to hold >= 20 bytes. */
static void read_fixed(const uint8_t *b, struct tt_ipv4_hdr *h)
{
    uint16_t ff = tt__rd16(b + 6);

    h->hlen = (uint8_t)((b[0] & 0x0f) * 4);
    h->tos = b[1];
    h->total_len = tt__rd16(b + 2);
    h->id = tt__rd16(b + 4);
    /* RFC 791 §3.1 "Flags": bit 0 reserved (ignored on receipt, as Linux
     * does), bit 1 DF, bit 2 MF; the offset counts 8-octet units. */
    h->df = (ff & TT_IP_DF) != 0;
    h->mf = (ff & TT_IP_MF) != 0;
    h->frag_off = (uint16_t)((ff & TT_IP_OFFMASK) * 8);
    h->ttl = b[8];
    h->proto = b[9];
    h->cksum = tt__rd16(b + 10);
    h->src = tt__rd32(b + 12);
    h->dst = tt__rd32(b + 16);
}

/* Checks shared by both parsers: room for the fixed header, version 4, and
 * an IHL of at least five words that fits in the buffer. */
static int check_header(const uint8_t *buf, size_t len, enum tt_drop_reason *why)
{
    size_t hlen;

    if (buf == NULL || len < TT_IPV4_HLEN) {
        *why = TT_DROP_IP_TRUNCATED;
        return TT_EINVAL;
    }
    /* RFC 1122 §3.2.1.1: a datagram whose version is not 4 MUST be silently
     * discarded. */
    if ((buf[0] >> 4) != 4) {
        *why = TT_DROP_IP_BAD_VERSION;
        return TT_EINVAL;
    }
    /* RFC 791 §3.1: IHL counts 32-bit words, minimum 5. Never read options
     * beyond the bytes we were given. */
    hlen = (size_t)(buf[0] & 0x0f) * 4;
    if (hlen < TT_IPV4_HLEN || hlen > len) {
        *why = TT_DROP_IP_BAD_HLEN;
        return TT_EINVAL;
    }
    return (int)hlen;
}

int tt__ipv4_parse(const uint8_t *buf, size_t len, struct tt_ipv4_hdr *h, enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;
    int hlen;
    uint16_t total;

    if (why == NULL)
        why = &dummy;
    hlen = check_header(buf, len, why);
    if (hlen < 0)
        return hlen;
    total = tt__rd16(buf + 2);
    /* Total length covers the header; a frame shorter than it lost bytes; a
     * longer one carries link padding (Ethernet's 60-byte minimum) that the
     * caller trims to total_len. */
    if (total < (size_t)hlen) {
        *why = TT_DROP_IP_BAD_LENGTH;
        return TT_EINVAL;
    }
    if (total > len) {
        *why = TT_DROP_IP_TRUNCATED;
        return TT_EINVAL;
    }
    /* RFC 1122 §3.2.1.2: a host MUST verify the header checksum on every
     * received datagram and silently discard it when bad. A correct header,
     * checksum included, sums to 0xffff and folds to zero. */
    if ((hlen == TT_IPV4_HLEN ? tt__cksum_hdr20(buf) : tt__cksum(buf, (size_t)hlen)) != 0) {
        *why = TT_DROP_IP_BAD_CHECKSUM;
        return TT_EINVAL;
    }
    read_fixed(buf, h);
    return hlen;
}

int tt__ipv4_parse_quoted(const uint8_t *buf, size_t len, struct tt_ipv4_hdr *h)
{
    enum tt_drop_reason why;
    int hlen = check_header(buf, len, &why);

    if (hlen < 0)
        return hlen;
    read_fixed(buf, h);
    return hlen;
}

int tt__ipv4_emit(const struct tt_ipv4_hdr *h, uint8_t *buf, size_t cap)
{
    uint16_t ff;

    if (buf == NULL || cap < TT_IPV4_HLEN)
        return TT_EINVAL;
    ff = (uint16_t)((h->frag_off / 8) & TT_IP_OFFMASK);
    if (h->df)
        ff |= TT_IP_DF;
    if (h->mf)
        ff |= TT_IP_MF;
    buf[0] = 0x45; /* version 4, IHL 5: no options */
    buf[1] = h->tos;
    tt__wr16(buf + 2, h->total_len);
    tt__wr16(buf + 4, h->id);
    tt__wr16(buf + 6, ff);
    buf[8] = h->ttl;
    buf[9] = h->proto;
    tt__wr16(buf + 10, 0);
    tt__wr32(buf + 12, h->src);
    tt__wr32(buf + 16, h->dst);
    tt__wr16(buf + 10, tt__cksum_hdr20(buf));
    return TT_IPV4_HLEN;
}
