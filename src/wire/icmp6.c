/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMPv6 (RFC 4443) and Neighbor Discovery messages (RFC 4861 §4). */
#include <limits.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"

int tt__icmp6_parse(const uint8_t *buf, size_t len, const uint8_t src[16], const uint8_t dst[16],
                    struct tt_icmp6_hdr *h, enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;

    if (why == NULL)
        why = &dummy;
    /* RFC 4443 §2.1: type, code, checksum, then a body; every message we
     * know has at least four more bytes. */
    if (buf == NULL || len < TT_ICMP6_HDR_LEN || len > UINT32_MAX) {
        *why = TT_DROP_ICMP6_TRUNCATED;
        return TT_EINVAL;
    }
    /* RFC 4443 §2.3: the checksum covers the pseudo-header and the whole
     * message; §2.4 (a)... a message failing it MUST be discarded. */
    uint32_t sum = tt__cksum_pseudo6(src, dst, TT_IPPROTO_ICMPV6, (uint32_t)len);
    if (tt__cksum_fold(tt__cksum_add(sum, buf, len)) != 0) {
        *why = TT_DROP_ICMP6_BAD_CHECKSUM;
        return TT_EINVAL;
    }
    h->type = buf[0];
    h->code = buf[1];
    h->cksum = tt__rd16(buf + 2);
    h->rest = tt__rd32(buf + 4);
    h->payload = buf + TT_ICMP6_HDR_LEN;
    h->payload_len = len - TT_ICMP6_HDR_LEN;
    return TT_ICMP6_HDR_LEN;
}

void tt__icmp6_set_cksum(uint8_t *buf, size_t len, const uint8_t src[16], const uint8_t dst[16])
{
    tt__wr16(buf + 2, 0);
    uint32_t sum = tt__cksum_pseudo6(src, dst, TT_IPPROTO_ICMPV6, (uint32_t)len);
    tt__wr16(buf + 2, tt__cksum_fold(tt__cksum_add(sum, buf, len)));
}

int tt__icmp6_emit(const struct tt_icmp6_hdr *h, const uint8_t src[16], const uint8_t dst[16],
                   uint8_t *buf, size_t cap)
{
    if (buf == NULL || h->payload_len > (size_t)INT_MAX - TT_ICMP6_HDR_LEN)
        return TT_EINVAL;
    if (h->payload_len > 0 && h->payload == NULL)
        return TT_EINVAL;
    size_t total = TT_ICMP6_HDR_LEN + h->payload_len;
    if (cap < total)
        return TT_EINVAL;
    if (h->payload_len > 0 && h->payload != buf + TT_ICMP6_HDR_LEN)
        memmove(buf + TT_ICMP6_HDR_LEN, h->payload, h->payload_len);
    buf[0] = h->type;
    buf[1] = h->code;
    tt__wr32(buf + 4, h->rest);
    tt__icmp6_set_cksum(buf, total, src, dst);
    return (int)total;
}

/* ---- Neighbor Discovery ---- */

/* Fixed part of each message, before its options (RFC 4861 §4.1-4.4). */
static size_t ndp_fixed_len(uint8_t type)
{
    switch (type) {
    case TT_ICMP6_RS:
        return 8;
    case TT_ICMP6_RA:
        return 16;
    case TT_ICMP6_NS:
    case TT_ICMP6_NA:
        return 24;
    default:
        return 0;
    }
}

static void read_prefix(const uint8_t *o, struct tt_ndp_prefix *p)
{
    /* RFC 4861 §4.6.2. */
    p->len = o[2];
    p->onlink = (o[3] & 0x80) != 0;
    p->autonomous = (o[3] & 0x40) != 0;
    p->valid = tt__rd32(o + 4);
    p->preferred = tt__rd32(o + 8);
    memcpy(p->prefix, o + 16, 16);
}

/* RFC 4861 §4.6: options are (type, length in 8-octet units, data). */
static int read_options(const uint8_t *o, size_t n, struct tt_ndp_msg *m)
{
    while (n > 0) {
        if (n < 2 || o[1] == 0)
            return -1; /* §4.6: length zero MUST be discarded */
        size_t ol = (size_t)o[1] * 8;
        if (ol > n)
            return -1;
        /* Options of an unexpected length for their type are skipped: an
         * address option longer than Ethernet's belongs to another link. */
        switch (o[0]) {
        case TT_NDP_OPT_SLLA:
        case TT_NDP_OPT_TLLA:
            if (ol == 8) {
                int s = o[0] == TT_NDP_OPT_SLLA;
                memcpy(s ? m->slla : m->tlla, o + 2, 6);
                if (s)
                    m->has_slla = 1;
                else
                    m->has_tlla = 1;
            }
            break;
        case TT_NDP_OPT_MTU:
            if (ol == 8) {
                m->has_mtu = 1;
                m->mtu = tt__rd32(o + 4);
            }
            break;
        case TT_NDP_OPT_PREFIX:
            if (ol == 32 && m->nprefix < TT_NDP_MAX_PREFIXES)
                read_prefix(o, &m->prefix[m->nprefix++]);
            break;
        default:
            break; /* §4.6: unknown options are ignored */
        }
        o += ol;
        n -= ol;
    }
    return 0;
}

int tt__ndp_parse(const uint8_t *msg, size_t len, int src_unspec, struct tt_ndp_msg *m,
                  enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;

    if (why == NULL)
        why = &dummy;
    *why = TT_DROP_NDP_INVALID;
    if (msg == NULL || len < 4)
        return TT_EINVAL;
    size_t fixed = ndp_fixed_len(msg[0]);
    /* §6.1.1, §6.1.2, §7.1.1, §7.1.2: ICMP code 0, length at least the
     * fixed part. */
    if (fixed == 0 || msg[1] != 0 || len < fixed)
        return TT_EINVAL;
    memset(m, 0, sizeof *m);
    m->type = msg[0];
    switch (m->type) {
    case TT_ICMP6_RA:
        m->cur_hop_limit = msg[4];
        m->managed = (msg[5] & 0x80) != 0;
        m->other = (msg[5] & 0x40) != 0;
        m->router_lifetime = tt__rd16(msg + 6);
        m->reachable_time = tt__rd32(msg + 8);
        m->retrans_timer = tt__rd32(msg + 12);
        break;
    case TT_ICMP6_NA:
        m->router = (msg[4] & 0x80) != 0;
        m->solicited = (msg[4] & 0x40) != 0;
        m->override = (msg[4] & 0x20) != 0;
        /* fall through */
    case TT_ICMP6_NS:
        memcpy(m->target, msg + 8, 16);
        /* §7.1.1, §7.1.2: the target MUST NOT be a multicast address. */
        if (tt__ip6_is_multicast(m->target))
            return TT_EINVAL;
        break;
    default:
        break;
    }
    if (read_options(msg + fixed, len - fixed, m) < 0)
        return TT_EINVAL;
    /* §6.1.1 (RS), §7.1.1 (NS): from the unspecified address, no source
     * link-layer address option. */
    if (src_unspec && m->has_slla && (m->type == TT_ICMP6_RS || m->type == TT_ICMP6_NS))
        return TT_EINVAL;
    return 0;
}

static uint8_t *put_lla(uint8_t *p, uint8_t type, const uint8_t mac[6])
{
    p[0] = type;
    p[1] = 1;
    memcpy(p + 2, mac, 6);
    return p + 8;
}

int tt__ndp_emit(const struct tt_ndp_msg *m, const uint8_t src[16], const uint8_t dst[16],
                 uint8_t *buf, size_t cap)
{
    size_t fixed = ndp_fixed_len(m->type);
    if (buf == NULL || fixed == 0 || m->nprefix > TT_NDP_MAX_PREFIXES)
        return TT_EINVAL;
    size_t total = fixed + (m->has_slla ? 8u : 0u) + (m->has_tlla ? 8u : 0u) +
                   (m->has_mtu ? 8u : 0u) + (size_t)m->nprefix * 32;
    if (cap < total)
        return TT_EINVAL;
    memset(buf, 0, total);
    buf[0] = m->type;
    switch (m->type) {
    case TT_ICMP6_RA:
        buf[4] = m->cur_hop_limit;
        buf[5] = (uint8_t)((m->managed ? 0x80 : 0) | (m->other ? 0x40 : 0));
        tt__wr16(buf + 6, m->router_lifetime);
        tt__wr32(buf + 8, m->reachable_time);
        tt__wr32(buf + 12, m->retrans_timer);
        break;
    case TT_ICMP6_NA:
        buf[4] = (uint8_t)((m->router ? 0x80 : 0) | (m->solicited ? 0x40 : 0) |
                           (m->override ? 0x20 : 0));
        /* fall through */
    case TT_ICMP6_NS:
        memcpy(buf + 8, m->target, 16);
        break;
    default:
        break;
    }
    uint8_t *p = buf + fixed;
    if (m->has_slla)
        p = put_lla(p, TT_NDP_OPT_SLLA, m->slla);
    if (m->has_tlla)
        p = put_lla(p, TT_NDP_OPT_TLLA, m->tlla);
    if (m->has_mtu) {
        p[0] = TT_NDP_OPT_MTU;
        p[1] = 1;
        tt__wr32(p + 4, m->mtu);
        p += 8;
    }
    for (uint8_t i = 0; i < m->nprefix; i++) {
        const struct tt_ndp_prefix *x = &m->prefix[i];
        p[0] = TT_NDP_OPT_PREFIX;
        p[1] = 4;
        p[2] = x->len;
        p[3] = (uint8_t)((x->onlink ? 0x80 : 0) | (x->autonomous ? 0x40 : 0));
        tt__wr32(p + 4, x->valid);
        tt__wr32(p + 8, x->preferred);
        memcpy(p + 16, x->prefix, 16);
        p += 32;
    }
    tt__icmp6_set_cksum(buf, total, src, dst);
    return (int)total;
}
