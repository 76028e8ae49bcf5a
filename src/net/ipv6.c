/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 (RFC 8200) for a host that does not forward, and ICMPv6 (RFC 4443):
 * input validation and demultiplexing, routing over the on-link prefix and the
 * default router that router advertisements teach (ndp.c), output with source
 * selection and fragmentation, echo, and the errors we send (rate limited).
 */
#include <string.h>

#include "net/net.h"
#include "util/siphash.h"
#include "wire/eth.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"

/* RFC 4443 §2.4 (c): an error carries as much of the packet as fits in the
 * minimum MTU. */
#define ICMP6_ERR_MAX (TT_IPV6_MIN_MTU - TT_IPV6_HLEN - TT_ICMP6_HDR_LEN)

static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

int tt__ip6_init(struct tt_stack *s)
{
    s->ip6 = tt__calloc(s, sizeof *s->ip6);
    if (!s->ip6)
        return TT_ENOMEM;
    uint64_t k = tt__siphash(s->cfg.secret, "tether ip6 frag id", 18);
    s->ip6->frag_id = (uint32_t)k;
    s->ip6->icmp6_tokens = s->cfg.icmp_burst;
    return 0;
}

void tt__ip6_fini(struct tt_stack *s)
{
    tt__free(s, s->ip6, sizeof *s->ip6);
    s->ip6 = NULL;
}

int tt__ip6_is_mine(const struct tt_stack *s, int iface, const uint8_t a[16], int tentative_ok)
{
    for (int i = 0; i < s->niface; i++) {
        if (iface >= 0 && i != iface)
            continue;
        const struct tt__ip6_if *f = &s->ip6->ifs[i];
        for (int j = 0; f->on && j < TT__A6_N; j++) {
            const struct tt__addr6 *x = &f->addr[j];
            if ((x->state == TT__A6_PREFERRED || (tentative_ok && x->state == TT__A6_TENTATIVE)) &&
                memcmp(x->a, a, 16) == 0)
                return 1;
        }
    }
    return 0;
}

int tt__ip6_linklocal(const struct tt_stack *s, int iface, uint8_t out[16])
{
    if (iface < 0 || iface >= s->niface || !s->ip6->ifs[iface].on)
        return 0;
    const struct tt__addr6 *x = &s->ip6->ifs[iface].addr[TT__A6_LL];
    if (x->state != TT__A6_PREFERRED)
        return 0;
    memcpy(out, x->a, 16);
    return 1;
}

/* A group we listen to on iface: all-nodes, or the solicited-node group of
 * one of our addresses, tentative ones included (RFC 4862 §5.4.2). */
static int is_our_group(const struct tt_stack *s, int iface, const uint8_t a[16])
{
    if (memcmp(a, all_nodes, 16) == 0)
        return 1;
    const struct tt__ip6_if *f = &s->ip6->ifs[iface];
    for (int j = 0; j < TT__A6_N; j++) {
        uint8_t sn[16];
        if (f->addr[j].state != TT__A6_TENTATIVE && f->addr[j].state != TT__A6_PREFERRED)
            continue;
        tt__ip6_solicited_node(f->addr[j].a, sn);
        if (memcmp(sn, a, 16) == 0)
            return 1;
    }
    return 0;
}

static int prefix_match(const uint8_t *a, const uint8_t *p, unsigned plen)
{
    unsigned full = plen / 8, rest = plen % 8;
    if (memcmp(a, p, full) != 0)
        return 0;
    if (rest == 0)
        return 1;
    uint8_t mask = (uint8_t)(0xff << (8 - rest));
    return (a[full] & mask) == (p[full] & mask);
}

/* ---- routing and output ---- */

int tt__ip6_route(const struct tt_stack *s, const uint8_t dst[16], struct tt_route6 *r)
{
    int iface = -1, onlink = 0;
    int scoped = tt__ip6_is_linklocal(dst) || tt__ip6_is_multicast(dst);
    for (int i = 0; i < s->niface && iface < 0; i++) {
        const struct tt__ip6_if *f = &s->ip6->ifs[i];
        if (!f->on)
            continue;
        if (scoped) {
            iface = i, onlink = 1;
        } else if (f->prefix_expires && prefix_match(dst, f->prefix, f->prefix_len)) {
            iface = i, onlink = 1;
        } else if (f->addr[TT__A6_GLOBAL].state == TT__A6_PREFERRED &&
                   prefix_match(dst, f->addr[TT__A6_GLOBAL].a, f->addr[TT__A6_GLOBAL].plen)) {
            iface = i, onlink = 1;
        }
    }
    for (int i = 0; i < s->niface && iface < 0; i++)
        if (s->ip6->ifs[i].on && s->ip6->ifs[i].router_expires)
            iface = i;
    if (iface < 0)
        return TT_ENETUNREACH;
    const struct tt__ip6_if *f = &s->ip6->ifs[iface];
    /* Source selection, RFC 6724 §5 reduced to its first rules: the same
     * scope as the destination (rule 2), never a tentative or duplicate
     * address (rule 3 and RFC 4862 §5.4). */
    const struct tt__addr6 *src = &f->addr[scoped ? TT__A6_LL : TT__A6_GLOBAL];
    if (src->state != TT__A6_PREFERRED)
        return TT_ENETUNREACH;
    r->iface = iface;
    memcpy(r->src, src->a, 16);
    memcpy(r->nexthop, onlink ? dst : f->router, 16);
    r->mtu = f->mtu;
    return 0;
}

int tt__ip6_xmit(struct tt_stack *s, int iface, const uint8_t nexthop[16], size_t len, tt_time now)
{
    if (s->iface[iface].cfg.link.framing == TT_FRAMING_RAW_IP)
        return tt__link_send(s, iface, s->txbuf + TT__NET_L3, len, now);
    if (tt__ip6_is_multicast(nexthop)) {
        uint8_t mac[6];
        tt__ip6_mcast_mac(nexthop, mac); /* RFC 2464 §7 */
        return tt__eth_send(s, iface, mac, TT_ETHERTYPE_IPV6, len, now);
    }
    return tt__ndp_output(s, iface, nexthop, len, now);
}

int tt__ip6_send_raw(struct tt_stack *s, int iface, const uint8_t src[16], const uint8_t dst[16],
                     uint8_t hl, uint8_t *msg, size_t len, tt_time now)
{
    struct tt_ipv6_hdr h;
    memset(&h, 0, sizeof h);
    h.payload_len = (uint16_t)len;
    h.next = TT_IPPROTO_ICMPV6;
    h.hop_limit = hl;
    memcpy(h.src, src, 16);
    memcpy(h.dst, dst, 16);
    tt__icmp6_set_cksum(msg, len, src, dst);
    uint8_t *p = s->txbuf + TT__NET_L3;
    tt__ipv6_emit(&h, p, TT_IPV6_HLEN);
    memmove(p + TT_IPV6_HLEN, msg, len);
    s->ctr.icmp6_out_msgs++;
    return tt__ip6_xmit(s, iface, dst, TT_IPV6_HLEN + len, now);
}

/* Build the unfragmented packet at txbuf and send it. */
static int send_whole(struct tt_stack *s, const struct tt_route6 *r, struct tt_ipv6_hdr *h,
                      const uint8_t *payload, size_t n, tt_time now)
{
    uint8_t *p = s->txbuf + TT__NET_L3;
    h->payload_len = (uint16_t)n;
    tt__ipv6_emit(h, p, TT_IPV6_HLEN);
    if (n)
        memmove(p + TT_IPV6_HLEN, payload, n);
    return tt__ip6_xmit(s, r->iface, r->nexthop, TT_IPV6_HLEN + n, now);
}

int tt__ip6_output(struct tt_stack *s, const struct tt_ip6_out *o, const uint8_t *payload,
                   size_t len, tt_time now)
{
    struct tt_route6 r;
    if (tt__ip6_route(s, o->dst, &r) < 0) {
        tt__drop(s, TT_DROP_IP6_NO_ROUTE, -1, payload, len, now);
        return TT_ENETUNREACH;
    }
    s->ctr.ip6_out_requests++;
    if (len > 65535 - TT_IPV6_FRAG_HLEN) {
        tt__drop(s, TT_DROP_IP_TX_TOO_BIG, r.iface, payload, len, now);
        return TT_EMSGSIZE;
    }
    struct tt_ipv6_hdr h;
    memset(&h, 0, sizeof h);
    h.tclass = o->tclass;
    h.flow = o->flow;
    h.next = o->proto;
    h.hop_limit = o->hop_limit ? o->hop_limit : s->ip6->ifs[r.iface].hop_limit;
    if (tt__ip6_is_unspecified(o->src))
        memcpy(h.src, r.src, 16);
    else
        memcpy(h.src, o->src, 16);
    memcpy(h.dst, o->dst, 16);
    if (TT_IPV6_HLEN + len <= r.mtu)
        return send_whole(s, &r, &h, payload, len, now);
    /* RFC 8200 §4.5: the source fragments. We send no extension headers,
     * so the unfragmentable part is the fixed header alone; every fragment
     * but the last carries a multiple of 8 bytes. */
    struct tt_ipv6_frag f;
    size_t step = (r.mtu - TT_IPV6_HLEN - TT_IPV6_FRAG_HLEN) & ~(size_t)7;
    uint32_t id = s->ip6->frag_id++;
    h.next = TT_IPPROTO_FRAGMENT;
    int first_err = 0;
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        f.next = o->proto;
        f.id = id;
        f.m = off + n < len;
        f.off = (uint16_t)off;
        uint8_t *p = s->txbuf + TT__NET_L3;
        h.payload_len = (uint16_t)(TT_IPV6_FRAG_HLEN + n);
        tt__ipv6_emit(&h, p, TT_IPV6_HLEN);
        tt__ipv6_frag_emit(&f, p + TT_IPV6_HLEN, TT_IPV6_FRAG_HLEN);
        memmove(p + TT_IPV6_HLEN + TT_IPV6_FRAG_HLEN, payload + off, n);
        s->ctr.ip6_out_frag_creates++;
        int err = tt__ip6_xmit(s, r.iface, r.nexthop, TT_IPV6_HLEN + TT_IPV6_FRAG_HLEN + n, now);
        if (err < 0 && first_err == 0)
            first_err = err;
    }
    return first_err;
}

/* ---- ICMPv6 ---- */

static int icmp6_send(struct tt_stack *s, const uint8_t src[16], const uint8_t dst[16],
                      const struct tt_icmp6_hdr *m, tt_time now)
{
    struct tt_ip6_out o;
    memset(&o, 0, sizeof o);
    memcpy(o.src, src, 16);
    memcpy(o.dst, dst, 16);
    o.proto = TT_IPPROTO_ICMPV6;
    /* The checksum needs the source: pick it now when left to the route. */
    if (tt__ip6_is_unspecified(o.src)) {
        struct tt_route6 r;
        if (tt__ip6_route(s, dst, &r) < 0) {
            tt__drop(s, TT_DROP_IP6_NO_ROUTE, -1, NULL, 0, now);
            return TT_ENETUNREACH;
        }
        memcpy(o.src, r.src, 16);
    }
    size_t len = TT_ICMP6_HDR_LEN + m->payload_len;
    uint8_t *buf = tt__alloc(s, len);
    if (!buf) {
        tt__drop(s, TT_DROP_NOMEM, -1, m->payload, m->payload_len, now);
        return TT_ENOMEM;
    }
    tt__icmp6_emit(m, o.src, o.dst, buf, len);
    s->ctr.icmp6_out_msgs++;
    int err = tt__ip6_output(s, &o, buf, len, now);
    tt__free(s, buf, len);
    return err;
}

void tt__icmp6_send_error(struct tt_stack *s, int iface, uint8_t type, uint8_t code, uint32_t rest,
                          const uint8_t *pkt, size_t len, int l2_mcast, int mcast_ok, tt_time now)
{
    struct tt_ipv6_hdr oh;
    if (tt__ipv6_parse_quoted(pkt, len, &oh) < 0)
        return;
    /* RFC 4443 §2.4 (e): never about a packet from an address that does
     * not name one node, and, except for packet too big and parameter
     * problem code 2 (mcast_ok), not about one sent to a group. */
    if (tt__ip6_is_unspecified(oh.src) || tt__ip6_is_multicast(oh.src))
        return;
    if (!mcast_ok && (l2_mcast || tt__ip6_is_multicast(oh.dst)))
        return;
    /* (e.1): never about an ICMPv6 error message (types below 128) or a
     * redirect. Only the plain case is looked at: an error behind extension
     * headers is rare and answering it costs one rate-limited message. */
    if (oh.next == TT_IPPROTO_ICMPV6 && len > TT_IPV6_HLEN &&
        (pkt[TT_IPV6_HLEN] < 128 || pkt[TT_IPV6_HLEN] == TT_ICMP6_REDIRECT))
        return;
    /* (f): rate limited, a token bucket as for ICMPv4. */
    if (!tt__icmp_token(s, &s->ip6->icmp6_tokens, &s->ip6->icmp6_last, now)) {
        tt__drop(s, TT_DROP_ICMP6_RATELIMIT, iface, pkt, len, now);
        return;
    }
    struct tt_icmp6_hdr m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.code = code;
    m.rest = rest;
    m.payload = pkt;
    m.payload_len = len < ICMP6_ERR_MAX ? len : ICMP6_ERR_MAX;
    /* Our source: the address the packet was sent to when it is ours,
     * else (a group) the route's choice. */
    uint8_t src[16] = {0};
    if (tt__ip6_is_mine(s, iface, oh.dst, 0))
        memcpy(src, oh.dst, 16);
    s->ctr.icmp6_out_errors++;
    icmp6_send(s, src, oh.src, &m, now);
}

static void echo_reply(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h,
                       const struct tt_icmp6_hdr *req, tt_time now)
{
    /* RFC 4443 §4.2: same identifier, sequence and data. To a multicast
     * request the source is one of our unicast addresses (the route's). */
    struct tt_icmp6_hdr m = *req;
    m.type = TT_ICMP6_ECHO_REPLY;
    m.code = 0;
    uint8_t src[16] = {0};
    if (tt__ip6_is_mine(s, iface, h->dst, 0))
        memcpy(src, h->dst, 16);
    s->ctr.icmp6_out_echo_reps++;
    icmp6_send(s, src, h->src, &m, now);
}

static void icmp6_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h,
                        const uint8_t *msg, size_t len, tt_time now)
{
    struct tt_icmp6_hdr m;
    enum tt_drop_reason why;
    if (tt__icmp6_parse(msg, len, h->src, h->dst, &m, &why) < 0) {
        tt__drop(s, why, iface, msg, len, now);
        return;
    }
    s->ctr.icmp6_in_msgs++;
    switch (m.type) {
    case TT_ICMP6_ECHO_REQUEST:
        s->ctr.icmp6_in_echos++;
        echo_reply(s, iface, h, &m, now);
        return;
    case TT_ICMP6_ECHO_REPLY:
        return; /* counted; the host sees the FRAME_IN */
    case TT_ICMP6_RS:
    case TT_ICMP6_RA:
    case TT_ICMP6_NS:
    case TT_ICMP6_NA:
        tt__ndp_input(s, iface, h, msg, len, now);
        return;
    default:
        /* Errors reach TCP once it speaks IPv6; MLD queries need no answer
         * from a host whose peers send to it without asking (RFC 4443
         * §2.4 (b): unknown informational messages are discarded). */
        tt__drop(s, TT_DROP_ICMP6_UNHANDLED, iface, msg, len, now);
        return;
    }
}

/* ---- input ---- */

/* The packet (pkt, len trimmed to its payload length) after the fixed
 * header's checks: walk the extension headers and hand the upper layer on. */
void tt__ip6_deliver(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h, const uint8_t *pkt,
                     size_t len, size_t off, uint8_t next, int l2_mcast, tt_time now)
{
    struct tt_ipv6_ext x;
    enum tt_drop_reason why;
    if (tt__ipv6_ext_walk(pkt, len, off, next, &x, &why) < 0) {
        if (x.err_icmp)
            tt__icmp6_send_error(s, iface, TT_ICMP6_PARAM_PROBLEM, x.err_code, x.err_ptr, pkt, len,
                                 l2_mcast, x.err_icmp == 1 && x.err_code == 2, now);
        tt__drop(s, why, iface, pkt, len, now);
        return;
    }
    if (x.proto == TT_IPPROTO_FRAGMENT) {
        /* RFC 8200 §4.5, RFC 6946: an atomic fragment (offset 0, M clear)
         * is processed in isolation, as the packet it is. */
        if (x.frag.off == 0 && !x.frag.m) {
            tt__ip6_deliver(s, iface, h, pkt, len, x.frag_off + TT_IPV6_FRAG_HLEN, x.frag.next,
                            l2_mcast, now);
            return;
        }
        tt__frag6_input(s, iface, h, pkt, len, &x, l2_mcast, now);
        return;
    }
    switch (x.proto) {
    case TT_IPPROTO_ICMPV6:
        s->ctr.ip6_in_delivers++;
        icmp6_input(s, iface, h, pkt + x.off, len - x.off, now);
        return;
    case TT_IPPROTO_NONE:
        return; /* RFC 8200 §4.7: nothing follows; ignore */
    default:
        /* RFC 8200 §4: an unrecognised next header is a parameter problem,
         * code 1, pointing at the field that named it. TCP joins here when
         * it speaks IPv6 (v6api). */
        tt__icmp6_send_error(s, iface, TT_ICMP6_PARAM_PROBLEM, TT_ICMP6_PP_NEXT_HEADER, x.nh_off,
                             pkt, len, l2_mcast, 0, now);
        tt__drop(s, TT_DROP_IP6_UNKNOWN_PROTO, iface, pkt, len, now);
        return;
    }
}

void tt__ip6_input(struct tt_stack *s, int iface, const uint8_t *pkt, size_t len, int l2_mcast,
                   tt_time now)
{
    struct tt_ipv6_hdr h;
    enum tt_drop_reason why;
    s->ctr.ip6_in_receives++;
    if (!s->ip6->ifs[iface].on) {
        tt__drop(s, TT_DROP_ETH_UNKNOWN_TYPE, iface, pkt, len, now);
        return;
    }
    if (tt__ipv6_parse(pkt, len, &h, &why) < 0) {
        tt__drop(s, why, iface, pkt, len, now);
        return;
    }
    len = TT_IPV6_HLEN + (size_t)h.payload_len; /* link padding off */
    /* RFC 4291 §2.7: a multicast address is never a source; our own
     * address coming back from the link is a loop or a spoof (DAD probes
     * come from the unspecified address, which is allowed here). */
    if (tt__ip6_is_multicast(h.src) || tt__ip6_is_mine(s, -1, h.src, 0)) {
        tt__drop(s, TT_DROP_IP6_BAD_SRC, iface, pkt, len, now);
        return;
    }
    /* Ours (a tentative address takes only NDP, RFC 4862 §5.4: the check is
     * in ndp.c), or a group we are in. */
    int mine = tt__ip6_is_mine(s, iface, h.dst, 1);
    if (!mine && !(tt__ip6_is_multicast(h.dst) && is_our_group(s, iface, h.dst))) {
        tt__drop(s, TT_DROP_IP6_NOT_FOR_US, iface, pkt, len, now);
        return;
    }
    if (mine && !tt__ip6_is_mine(s, iface, h.dst, 0) && h.next != TT_IPPROTO_ICMPV6) {
        tt__drop(s, TT_DROP_IP6_NOT_FOR_US, iface, pkt, len, now);
        return;
    }
    tt__ip6_deliver(s, iface, &h, pkt, len, TT_IPV6_HLEN, h.next,
                    l2_mcast || tt__ip6_is_multicast(h.dst), now);
}

int tt__ip6_ping(struct tt_stack *s, const uint8_t dst[16], uint16_t id, uint16_t seq,
                 const void *data, size_t len, tt_time now)
{
    if (!s || (len && !data))
        return TT_EINVAL;
    if (len > 65535 - TT_IPV6_FRAG_HLEN - TT_ICMP6_HDR_LEN)
        return TT_EMSGSIZE;
    struct tt_icmp6_hdr m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_ECHO_REQUEST;
    m.rest = ((uint32_t)id << 16) | seq;
    m.payload = data;
    m.payload_len = len;
    uint8_t any[16] = {0};
    return icmp6_send(s, any, dst, &m, now);
}
