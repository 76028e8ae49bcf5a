/* SPDX-License-Identifier: BSD-2-Clause */
/* IPv6 (RFC 8200): fixed header, extension-header walk, fragment header. */
#include <string.h>

#include <tether/errors.h>

#include "wire/bytes.h"
#include "wire/ipv6.h"

/* Hop-by-hop option types we recognise besides padding. */
#define OPT_PAD1 0
#define OPT_PADN 1
#define OPT_ROUTER_ALERT 5 /* RFC 2711: MLD carries it; nothing to do for a host */

static void read_fixed(const uint8_t *b, struct tt_ipv6_hdr *h)
{
    uint32_t w = tt__rd32(b);

    h->tclass = (uint8_t)(w >> 20);
    h->flow = w & 0xfffffu;
    h->payload_len = tt__rd16(b + 4);
    h->next = b[6];
    h->hop_limit = b[7];
    memcpy(h->src, b + 8, 16);
    memcpy(h->dst, b + 24, 16);
}

int tt__ipv6_parse(const uint8_t *buf, size_t len, struct tt_ipv6_hdr *h, enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;

    if (why == NULL)
        why = &dummy;
    if (buf == NULL || len < TT_IPV6_HLEN) {
        *why = TT_DROP_IP6_TRUNCATED;
        return TT_EINVAL;
    }
    if ((buf[0] >> 4) != 6) {
        *why = TT_DROP_IP6_BAD_VERSION;
        return TT_EINVAL;
    }
    read_fixed(buf, h);
    /* RFC 8200 §3: the payload length counts everything after the fixed
     * header; 0 only with a jumbo payload option (RFC 2675), which a link
     * of at most 9000 bytes never needs. */
    if (h->payload_len == 0) {
        *why = TT_DROP_IP6_BAD_LENGTH;
        return TT_EINVAL;
    }
    if ((size_t)h->payload_len > len - TT_IPV6_HLEN) {
        *why = TT_DROP_IP6_TRUNCATED;
        return TT_EINVAL;
    }
    return TT_IPV6_HLEN;
}

int tt__ipv6_parse_quoted(const uint8_t *buf, size_t len, struct tt_ipv6_hdr *h)
{
    if (buf == NULL || len < TT_IPV6_HLEN || (buf[0] >> 4) != 6)
        return TT_EINVAL;
    read_fixed(buf, h);
    return TT_IPV6_HLEN;
}

int tt__ipv6_emit(const struct tt_ipv6_hdr *h, uint8_t *buf, size_t cap)
{
    if (buf == NULL || cap < TT_IPV6_HLEN)
        return TT_EINVAL;
    tt__wr32(buf, (6u << 28) | ((uint32_t)h->tclass << 20) | (h->flow & 0xfffffu));
    tt__wr16(buf + 4, h->payload_len);
    buf[6] = h->next;
    buf[7] = h->hop_limit;
    memcpy(buf + 8, h->src, 16);
    memcpy(buf + 24, h->dst, 16);
    return TT_IPV6_HLEN;
}

int tt__ipv6_frag_parse(const uint8_t *buf, size_t len, struct tt_ipv6_frag *f)
{
    if (buf == NULL || len < TT_IPV6_FRAG_HLEN)
        return TT_EINVAL;
    /* RFC 8200 §4.5: next header, reserved, 13-bit offset in 8-octet units,
     * two reserved bits, M; then the identification. Reserved fields are
     * ignored on reception. */
    uint16_t w = tt__rd16(buf + 2);
    f->next = buf[0];
    f->off = (uint16_t)(w & 0xfff8u);
    f->m = (uint8_t)(w & 1u);
    f->id = tt__rd32(buf + 4);
    return TT_IPV6_FRAG_HLEN;
}

int tt__ipv6_frag_emit(const struct tt_ipv6_frag *f, uint8_t *buf, size_t cap)
{
    if (buf == NULL || cap < TT_IPV6_FRAG_HLEN || (f->off & 7u))
        return TT_EINVAL;
    buf[0] = f->next;
    buf[1] = 0;
    tt__wr16(buf + 2, (uint16_t)(f->off | (f->m ? 1u : 0u)));
    tt__wr32(buf + 4, f->id);
    return TT_IPV6_FRAG_HLEN;
}

static int fail(struct tt_ipv6_ext *x, enum tt_drop_reason *why, enum tt_drop_reason r,
                uint8_t icmp, uint8_t code, size_t ptr)
{
    *why = r;
    x->err_icmp = icmp;
    x->err_code = code;
    x->err_ptr = (uint32_t)ptr;
    return TT_EINVAL;
}

/* The options of a hop-by-hop or destination-options header at pkt[off],
 * hl bytes long (RFC 8200 §4.2). */
static int walk_options(const uint8_t *pkt, size_t off, size_t hl, struct tt_ipv6_ext *x,
                        enum tt_drop_reason *why)
{
    size_t i = off + 2, end = off + hl;
    while (i < end) {
        uint8_t type = pkt[i];
        if (type == OPT_PAD1) {
            i++;
            continue;
        }
        if (end - i < 2 || (size_t)pkt[i + 1] > end - i - 2)
            return fail(x, why, TT_DROP_IP6_BAD_EXT, 0, 0, 0);
        size_t olen = 2 + (size_t)pkt[i + 1];
        if (type != OPT_PADN && type != OPT_ROUTER_ALERT) {
            /* The two high bits of the type say what to do with an option
             * we do not recognise: skip it, discard silently, discard with a
             * parameter problem (code 2, pointing at the type), or the same
             * only for a unicast destination. */
            switch (type >> 6) {
            case 0:
                break;
            case 1:
                return fail(x, why, TT_DROP_IP6_BAD_OPTION, 0, 0, 0);
            case 2:
                return fail(x, why, TT_DROP_IP6_BAD_OPTION, 1, 2, i);
            default:
                return fail(x, why, TT_DROP_IP6_BAD_OPTION, 2, 2, i);
            }
        }
        i += olen;
    }
    return 0;
}

int tt__ipv6_ext_walk(const uint8_t *pkt, size_t len, size_t off, uint8_t next,
                      struct tt_ipv6_ext *x, enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;

    if (why == NULL)
        why = &dummy;
    memset(x, 0, sizeof *x);
    if (pkt == NULL || len < TT_IPV6_HLEN || off < TT_IPV6_HLEN || off > len)
        return fail(x, why, TT_DROP_IP6_BAD_EXT, 0, 0, 0);
    size_t nh_off = 6;
    for (;;) {
        x->nh_off = (uint32_t)nh_off;
        x->off = (uint32_t)off;
        x->proto = next;
        if (next != TT_IPPROTO_HOPOPTS && next != TT_IPPROTO_DSTOPTS &&
            next != TT_IPPROTO_ROUTING && next != TT_IPPROTO_FRAGMENT)
            return (int)off; /* an upper layer, or 59, or one we do not know */
        if (x->nhdrs >= TT_IPV6_EXT_MAX)
            return fail(x, why, TT_DROP_IP6_EXT_CHAIN, 0, 0, 0);
        /* RFC 8200 §4.1: hop-by-hop options only right after the fixed
         * header; elsewhere they are an unrecognised next header (code 1). */
        if (next == TT_IPPROTO_HOPOPTS && off != TT_IPV6_HLEN)
            return fail(x, why, TT_DROP_IP6_BAD_EXT, 1, 1, nh_off);
        if (next == TT_IPPROTO_FRAGMENT) {
            if (tt__ipv6_frag_parse(pkt + off, len - off, &x->frag) < 0)
                return fail(x, why, TT_DROP_IP6_BAD_EXT, 0, 0, 0);
            x->frag_off = (uint32_t)off;
            x->nhdrs++;
            return (int)off;
        }
        if (len - off < 8)
            return fail(x, why, TT_DROP_IP6_BAD_EXT, 0, 0, 0);
        size_t hl = ((size_t)pkt[off + 1] + 1) * 8;
        if (hl > len - off)
            return fail(x, why, TT_DROP_IP6_BAD_EXT, 0, 0, 0);
        if (next == TT_IPPROTO_ROUTING) {
            /* RFC 8200 §4.4: with segments left 0 the header is ignored;
             * otherwise an unrecognised routing type is a parameter problem
             * (code 0) pointing at the type. RFC 5095 §3: type 0 counts as
             * unrecognised, and a host that does not forward has no type it
             * could act on. */
            if (pkt[off + 3] != 0)
                return fail(x, why, TT_DROP_IP6_ROUTING_REFUSED, 1, 0, off + 2);
        } else if (walk_options(pkt, off, hl, x, why) < 0) {
            return TT_EINVAL;
        }
        x->nhdrs++;
        nh_off = off;
        next = pkt[off];
        off += hl;
    }
}
