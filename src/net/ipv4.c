/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 (RFC 791, RFC 1122 §3.2-3.3) for a host that does not forward: input
 * validation and demultiplexing, routing over the interfaces' prefixes and
 * gateways, and output with fragmentation.
 */
#include <string.h>

#include "net/net.h"
#include "util/siphash.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define IP_MAXPACKET 65535u

int tt__ip_is_local(const struct tt_stack *s, uint32_t addr)
{
    for (int i = 0; i < s->niface; i++)
        if (s->iface[i].used && s->iface[i].cfg.addr == addr)
            return 1;
    return 0;
}

int tt__ip_is_subnet_bcast(const struct tt_stack *s, int iface, uint32_t addr)
{
    const struct tt__iface *f = &s->iface[iface];
    /* /31 and /32 have no broadcast address (RFC 3021). */
    if (f->cfg.prefix_len > 30)
        return 0;
    return addr == ((f->cfg.addr & f->netmask) | ~f->netmask);
}

int tt__ip_route(const struct tt_stack *s, uint32_t dst, struct tt_route *r)
{
    int best = -1, gw = -1;
    for (int i = 0; i < s->niface; i++) {
        const struct tt__iface *f = &s->iface[i];
        if (!f->used)
            continue;
        if ((dst & f->netmask) == (f->cfg.addr & f->netmask) &&
            (best < 0 || f->cfg.prefix_len > s->iface[best].cfg.prefix_len))
            best = i;
        if (gw < 0 && f->cfg.gateway)
            gw = i;
    }
    if (best < 0 && gw < 0)
        return TT_ENETUNREACH;
    int i = best >= 0 ? best : gw;
    r->iface = i;
    r->src = s->iface[i].cfg.addr;
    r->nexthop = best >= 0 ? dst : s->iface[i].cfg.gateway;
    r->mtu = s->iface[i].cfg.link.mtu;
    return 0;
}

/* ---- output ---- */

/* The datagram at txbuf + TT__NET_L3 is complete: frame it for the link. */
static int ip_xmit(struct tt_stack *s, const struct tt_route *r, size_t len, tt_time now)
{
    if (s->iface[r->iface].cfg.link.framing == TT_FRAMING_RAW_IP)
        return tt__link_send(s, r->iface, s->txbuf + TT__NET_L3, len, now);
    return tt__arp_output(s, r->iface, r->nexthop, len, now);
}

/*
 * Build and send the datagram (or fragment) carrying payload[off, off+n):
 * RFC 791 §3.2 fragmentation, each fragment a full header copy with its own
 * offset and MF. `payload` must not point into s->txbuf.
 */
static int ip_send_piece(struct tt_stack *s, const struct tt_route *r, struct tt_ipv4_hdr *h,
                         const uint8_t *payload, size_t off, size_t n, int more, tt_time now)
{
    h->total_len = (uint16_t)(TT_IPV4_HLEN + n);
    h->frag_off = (uint16_t)off;
    h->mf = (uint8_t)more;
    uint8_t *p = s->txbuf + TT__NET_L3;
    tt__ipv4_emit(h, p, TT_IPV4_HLEN);
    if (n)
        memmove(p + TT_IPV4_HLEN, payload + off, n);
    return ip_xmit(s, r, TT_IPV4_HLEN + n, now);
}

/*
 * The Identification field. A stack-wide counter leaks the host's traffic rate
 * to anyone who samples it (idle scans, RFC 7739 §4), so:
 *  - atomic datagrams (DF set, not fragmented; RFC 6864 §4: their ID has no
 *    meaning and MAY be any value) carry 16-bit slices of a keyed hash of a
 *    sequence number: unpredictable, not tied to the destination;
 *  - the others (which may be fragmented here or on the path; RFC 6864 §4.1
 *    MUST be unique per source, destination and protocol within the MSL)
 *    come from a counter per destination bucket, started at a keyed offset
 *    (RFC 7739 §5.3): a prober sees only its own bucket move.
 */
static uint16_t ip_ident(struct tt_stack *s, const struct tt_ipv4_hdr *h, int atomic)
{
    if (atomic) {
        /* SipHash of the sequence number, 64 bits: four IDs per hash. Each is
         * as unpredictable as the key (a PRF on distinct inputs), at a quarter
         * of the cost per datagram. */
        if (s->ipid_left == 0) {
            uint32_t in[4] = {0, 0, 0, s->ipid_seq++};
            s->ipid_pool = tt__siphash(s->ipid_key, in, sizeof in);
            s->ipid_left = 4;
        }
        uint16_t id = (uint16_t)s->ipid_pool;
        s->ipid_pool >>= 16;
        s->ipid_left--;
        return id;
    }
    uint32_t in[4] = {h->src, h->dst, h->proto, 0};
    uint64_t k = tt__siphash(s->ipid_key, in, sizeof in);
    uint16_t *c = &s->ipid_ctr[(k >> 16) % TT__IPID_BUCKETS];
    return (uint16_t)(k + (*c)++);
}

int tt__ip_output(struct tt_stack *s, const struct tt_ip_out *o, const uint8_t *payload, size_t len,
                  tt_time now)
{
    struct tt_route r;
    if (tt__ip_route(s, o->dst, &r) < 0) {
        tt__drop(s, TT_DROP_IP_NO_ROUTE, -1, payload, len, now);
        return TT_ENETUNREACH;
    }
    s->ctr.ip_out_requests++;
    if (len > IP_MAXPACKET - TT_IPV4_HLEN || (o->df && TT_IPV4_HLEN + len > r.mtu)) {
        tt__drop(s, TT_DROP_IP_TX_TOO_BIG, r.iface, payload, len, now);
        return TT_EMSGSIZE;
    }
    struct tt_ipv4_hdr h;
    memset(&h, 0, sizeof h);
    h.hlen = TT_IPV4_HLEN;
    h.tos = o->tos;
    h.df = o->df ? 1 : 0;
    h.ttl = o->ttl ? o->ttl : s->cfg.ip_default_ttl;
    h.proto = o->proto;
    h.src = o->src ? o->src : r.src;
    h.dst = o->dst;
    h.id = ip_ident(s, &h, o->df && TT_IPV4_HLEN + len <= r.mtu);
    if (TT_IPV4_HLEN + len <= r.mtu)
        return ip_send_piece(s, &r, &h, payload, 0, len, 0, now);
    /* Fragment data must be a multiple of 8 bytes, except in the last one. */
    size_t step = (r.mtu - TT_IPV4_HLEN) & ~(size_t)7;
    int first_err = 0;
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        int err = ip_send_piece(s, &r, &h, payload, off, n, off + n < len, now);
        if (err < 0 && first_err == 0)
            first_err = err;
    }
    return first_err;
}

/* ---- input ---- */

/* RFC 1122 §3.2.1.3: a source must name one host: not a broadcast, not a
 * multicast group, not loopback from the wire, and not one of our own
 * addresses coming back from outside. */
static int src_ok(const struct tt_stack *s, int iface, uint32_t src)
{
    if (src == 0xffffffffu || tt__ipv4_is_multicast(src) || (src >> 24) == 127)
        return 0;
    if (tt__ip_is_subnet_bcast(s, iface, src))
        return 0;
    return !tt__ip_is_local(s, src);
}

void tt__ip_input(struct tt_stack *s, int iface, const uint8_t *pkt, size_t len, int l2_bcast,
                  tt_time now)
{
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;
    s->ctr.ip_in_receives++;
    if (tt__ipv4_parse(pkt, len, &h, &why) < 0) {
        tt__drop(s, why, iface, pkt, len, now);
        return;
    }
    if (!src_ok(s, iface, h.src)) {
        tt__drop(s, TT_DROP_IP_BAD_SRC, iface, pkt, h.total_len, now);
        return;
    }
    if (!tt__ip_is_local(s, h.dst)) {
        /* Broadcast and multicast only ever carry an ICMP echo to a host like
         * us; we do not answer those (RFC 1122 §3.2.2.6 allows silence). */
        int group = h.dst == 0xffffffffu || tt__ipv4_is_multicast(h.dst) ||
                    tt__ip_is_subnet_bcast(s, iface, h.dst);
        enum tt_drop_reason r =
            group && h.proto == TT_IPPROTO_ICMP ? TT_DROP_ICMP_BROADCAST : TT_DROP_IP_NOT_FOR_US;
        tt__drop(s, r, iface, pkt, h.total_len, now);
        return;
    }
    if (h.mf || h.frag_off) {
        s->ctr.ip_reasm_reqds++;
        tt__frag_input(s, iface, &h, pkt, l2_bcast, now);
        return;
    }
    tt__ip_deliver(s, iface, &h, pkt, l2_bcast, now);
}

void tt__ip_deliver(struct tt_stack *s, int iface, const struct tt_ipv4_hdr *h,
                    const uint8_t *dgram, int l2_bcast, tt_time now)
{
    const uint8_t *payload = dgram + h->hlen;
    size_t plen = (size_t)h->total_len - h->hlen;
    switch (h->proto) {
    case TT_IPPROTO_ICMP:
        s->ctr.ip_in_delivers++;
        tt__icmp_input(s, iface, h, payload, plen, now);
        return;
    case TT_IPPROTO_TCP:
        s->ctr.ip_in_delivers++;
        tt__tcp_input(s, iface, h->src, h->dst, h->tos & 3u, payload, plen, now);
        return;
    default:
        /* RFC 1122 §3.2.2.1: a host SHOULD answer protocol unreachable. */
        tt__icmp_send_error(s, TT_ICMP_DEST_UNREACH, TT_ICMP_PROTO_UNREACH, 0, dgram, h->total_len,
                            l2_bcast, now);
        tt__drop(s, TT_DROP_IP_UNKNOWN_PROTO, iface, dgram, h->total_len, now);
        return;
    }
}
