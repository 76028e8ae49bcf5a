/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Neighbor Discovery for IPv6 over Ethernet (RFC 4861) and the host side of
 * stateless address autoconfiguration (RFC 4862).
 *
 * The neighbor cache is one table of cfg.ndp_cache_size entries per stack,
 * keyed by (interface, address), scanned linearly as ARP's is. Entry life
 * (RFC 4861 §7.3.2, Appendix C):
 *
 *   INCOMPLETE  a packet needs the neighbor: a multicast NS to its
 *               solicited-node group, every cfg.ndp_retrans_time, at most
 *               cfg.ndp_max_mcast_solicit; packets wait in the entry's queue
 *               (cfg.ndp_queue_len, the newest dropped beyond it). No answer:
 *               the entry goes, the queue is dropped as NDP_UNRESOLVED.
 *   REACHABLE   a solicited NA confirmed it; cfg.ndp_reachable_time later it
 *               is STALE (checked when the entry is next looked at).
 *   STALE       learned without confirmation (an NS's source address option,
 *               an unsolicited NA, an RA), or REACHABLE timed out. Used as
 *               is; the first packet sent moves it to DELAY.
 *   DELAY       cfg.ndp_delay_first_probe for upper layers to confirm it;
 *               then PROBE.
 *   PROBE       unicast NS every cfg.ndp_retrans_time, at most
 *               cfg.ndp_max_ucast_solicit; a solicited NA makes it REACHABLE,
 *               silence removes it.
 *
 * Addresses: when an interface with cfg.ipv6 comes up, its link-local address
 * is formed from the MAC (RFC 4862 §5.3 with RFC 4291 Appendix A's modified
 * EUI-64) and checked by DAD (§5.4: cfg.dad_transmits solicitations from the
 * unspecified address, one retrans time apart) before it is used. A router
 * advertisement's autonomous /64 prefix gives one global address the same
 * way. Hosts join the solicited-node group of each address; on Ethernet that
 * means accepting frames to 33:33:ff:xx:xx:xx (stack.c); no MLD report is sent,
 * since a TAP device delivers every frame and Linux needs none to reach us.
 */
#include <string.h>

#include "net/net.h"
#include "wire/eth.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"

struct nd_entry {
    uint8_t state; /* enum tt__nd_state */
    uint8_t iface;
    uint8_t router;
    uint8_t mac[6];
    uint8_t ip[16];
    uint32_t probes;
    tt_time deadline; /* REACHABLE: expiry; INCOMPLETE, DELAY, PROBE: next step */
    tt_time last_used;
    struct tt__pendq q; /* IPv6 packets awaiting this address */
};

struct tt__ndp {
    uint32_t n;
    struct nd_entry e[];
};

static const uint8_t all_routers[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t unspec[16];

static size_t ndp_size(uint32_t n)
{
    return sizeof(struct tt__ndp) + (size_t)n * sizeof(struct nd_entry);
}

int tt__ndp_init(struct tt_stack *s)
{
    s->ndp = tt__calloc(s, ndp_size(s->cfg.ndp_cache_size));
    if (!s->ndp)
        return TT_ENOMEM;
    s->ndp->n = s->cfg.ndp_cache_size;
    return 0;
}

static void entry_free(struct tt_stack *s, struct nd_entry *e, tt_time now)
{
    tt__pendq_drop_all(s, &e->q, TT_DROP_NDP_UNRESOLVED, e->iface, now);
    memset(e, 0, sizeof *e);
}

void tt__ndp_fini(struct tt_stack *s)
{
    if (!s->ndp)
        return;
    for (uint32_t i = 0; i < s->ndp->n; i++)
        entry_free(s, &s->ndp->e[i], TT_TIME_NEVER);
    tt__free(s, s->ndp, ndp_size(s->ndp->n));
    s->ndp = NULL;
}

/* The entry for (iface, ip), with REACHABLE aged to STALE when its time is up. */
static struct nd_entry *lookup(struct tt_stack *s, int iface, const uint8_t ip[16], tt_time now)
{
    for (uint32_t i = 0; i < s->ndp->n; i++) {
        struct nd_entry *e = &s->ndp->e[i];
        if (e->state != TT__ND_FREE && e->iface == iface && memcmp(e->ip, ip, 16) == 0) {
            if (e->state == TT__ND_REACHABLE && now >= e->deadline)
                e->state = TT__ND_STALE; /* §7.3.3: ReachableTime passed */
            return e;
        }
    }
    return NULL;
}

int tt__ndp_state(struct tt_stack *s, int iface, const uint8_t ip[16], tt_time now)
{
    struct nd_entry *e = lookup(s, iface, ip, now);
    return e ? e->state : TT__ND_FREE;
}

/* A free entry, or the least recently used one with nothing queued. */
static struct nd_entry *entry_new(struct tt_stack *s, int iface, const uint8_t ip[16], tt_time now)
{
    struct nd_entry *victim = NULL;
    for (uint32_t i = 0; i < s->ndp->n; i++) {
        struct nd_entry *e = &s->ndp->e[i];
        if (e->state == TT__ND_FREE) {
            victim = e;
            break;
        }
        if (e->q.n == 0 && (!victim || e->last_used < victim->last_used))
            victim = e;
    }
    if (!victim)
        return NULL;
    if (victim->state != TT__ND_FREE)
        entry_free(s, victim, now);
    victim->iface = (uint8_t)iface;
    memcpy(victim->ip, ip, 16);
    victim->last_used = now;
    return victim;
}

/* Our source for an NDP message on iface: the link-local address once DAD
 * passed it, else the global one; NULL when there is none yet. */
static const uint8_t *nd_src(const struct tt_stack *s, int iface)
{
    const struct tt__ip6_if *f = &s->ip6->ifs[iface];
    for (int j = 0; j < TT__A6_N; j++)
        if (f->addr[j].state == TT__A6_PREFERRED)
            return f->addr[j].a;
    return NULL;
}

/* RFC 4861 §7.2.2: a solicitation for target, to its solicited-node group
 * (resolution, DAD) or to the neighbor itself (PROBE). From the unspecified
 * address for DAD (RFC 4862 §5.4.2), then without a source address option. */
static void send_ns(struct tt_stack *s, int iface, const uint8_t target[16], int unicast, int dad,
                    tt_time now)
{
    const uint8_t *src = dad ? unspec : nd_src(s, iface);
    if (!src)
        return;
    struct tt_ndp_msg m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_NS;
    memcpy(m.target, target, 16);
    if (!dad) {
        m.has_slla = 1;
        memcpy(m.slla, s->iface[iface].cfg.mac, 6);
    }
    uint8_t dst[16], msg[32];
    if (unicast)
        memcpy(dst, target, 16);
    else
        tt__ip6_solicited_node(target, dst);
    int len = tt__ndp_emit(&m, src, dst, msg, sizeof msg);
    s->ctr.ndp_ns_out++;
    tt__ip6_send_raw(s, iface, src, dst, 255, msg, (size_t)len, now);
}

static void send_na(struct tt_stack *s, int iface, const uint8_t target[16], const uint8_t dst[16],
                    int solicited, tt_time now)
{
    struct tt_ndp_msg m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_NA;
    memcpy(m.target, target, 16);
    m.solicited = (uint8_t)solicited;
    m.override = 1; /* §7.2.4: set when answering for our own address */
    m.has_tlla = 1;
    memcpy(m.tlla, s->iface[iface].cfg.mac, 6);
    uint8_t msg[32];
    int len = tt__ndp_emit(&m, target, dst, msg, sizeof msg);
    s->ctr.ndp_na_out++;
    tt__ip6_send_raw(s, iface, target, dst, 255, msg, (size_t)len, now);
}

static void send_rs(struct tt_stack *s, int iface, tt_time now)
{
    const uint8_t *src = nd_src(s, iface);
    if (!src)
        return;
    struct tt_ndp_msg m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP6_RS;
    m.has_slla = 1;
    memcpy(m.slla, s->iface[iface].cfg.mac, 6);
    uint8_t msg[16];
    int len = tt__ndp_emit(&m, src, all_routers, msg, sizeof msg);
    s->ctr.ndp_rs_out++;
    tt__ip6_send_raw(s, iface, src, all_routers, 255, msg, (size_t)len, now);
}

/* Append a copy of the packet at txbuf to e's queue (newest dropped when full). */
static int enqueue(struct tt_stack *s, struct nd_entry *e, size_t len, tt_time now)
{
    return tt__pendq_push(s, &e->q, s->cfg.ndp_queue_len, TT_DROP_NDP_QUEUE_FULL, e->iface, len,
                          now);
}

int tt__ndp_output(struct tt_stack *s, int iface, const uint8_t nexthop[16], size_t len,
                   tt_time now)
{
    struct nd_entry *e = lookup(s, iface, nexthop, now);
    if (!e) {
        e = entry_new(s, iface, nexthop, now);
        if (!e) {
            tt__drop(s, TT_DROP_NDP_CACHE_FULL, iface, s->txbuf + TT__NET_L3, len, now);
            return TT_ENOBUFS;
        }
        /* Queue before the solicitation: it is built in txbuf too. */
        int err = enqueue(s, e, len, now);
        if (err < 0) {
            memset(e, 0, sizeof *e);
            return err;
        }
        e->state = TT__ND_INCOMPLETE;
        e->probes = 1;
        e->deadline = now + s->cfg.ndp_retrans_time;
        send_ns(s, iface, nexthop, 0, 0, now);
        return 0;
    }
    e->last_used = now;
    if (e->state == TT__ND_INCOMPLETE)
        return enqueue(s, e, len, now);
    int err = tt__eth_send(s, iface, e->mac, TT_ETHERTYPE_IPV6, len, now);
    if (e->state == TT__ND_STALE) {
        /* §7.3.3: the first packet to a STALE neighbor starts the delay
         * before probing. */
        e->state = TT__ND_DELAY;
        e->deadline = now + s->cfg.ndp_delay_first_probe;
    }
    return err;
}

static void flush_queue(struct tt_stack *s, struct nd_entry *e, tt_time now)
{
    tt__pendq_flush(s, &e->q, e->iface, e->mac, TT_ETHERTYPE_IPV6, now);
}

static void set_reachable(struct tt_stack *s, struct nd_entry *e, tt_time now)
{
    e->state = TT__ND_REACHABLE;
    e->probes = 0;
    e->deadline = now + s->cfg.ndp_reachable_time;
}

/* §7.2.3, §6.3.4: a source link-layer address option (NS, RS, RA) or an
 * unsolicited override: create the entry STALE, or make it STALE when the
 * address changed; an INCOMPLETE entry learns it and sends what waited. */
static void learn(struct tt_stack *s, int iface, const uint8_t ip[16], const uint8_t mac[6],
                  tt_time now)
{
    struct nd_entry *e = lookup(s, iface, ip, now);
    if (!e) {
        e = entry_new(s, iface, ip, now);
        if (!e)
            return;
    } else if (e->state != TT__ND_INCOMPLETE && memcmp(e->mac, mac, 6) == 0) {
        return;
    }
    int was_incomplete = e->state == TT__ND_INCOMPLETE;
    memcpy(e->mac, mac, 6);
    e->state = TT__ND_STALE;
    e->probes = 0;
    if (was_incomplete) {
        /* §7.2.3: what waited is sent now, and sending to a STALE entry
         * starts DELAY (§7.3.3). */
        flush_queue(s, e, now);
        e->state = TT__ND_DELAY;
        e->deadline = now + s->cfg.ndp_delay_first_probe;
    }
}

/* ---- addresses and DAD (RFC 4862) ---- */

static void dad_start(struct tt_stack *s, int iface, struct tt__addr6 *a, tt_time now)
{
    if (s->cfg.dad_transmits == 0) {
        a->state = TT__A6_PREFERRED;
        return;
    }
    a->state = TT__A6_TENTATIVE;
    a->dad_sent = 1;
    a->dad_deadline = now + s->cfg.ndp_retrans_time;
    send_ns(s, iface, a->a, 0, 1, now);
}

/* RFC 4862 §5.4.5: the tentative address is someone else's. */
static void dad_failed(struct tt_stack *s, int iface, struct tt__addr6 *a, tt_time now)
{
    a->state = TT__A6_DUPLICATE;
    tt__drop(s, TT_DROP_NDP_DAD_CONFLICT, iface, a->a, 16, now);
}

static struct tt__addr6 *tentative(struct tt_stack *s, int iface, const uint8_t a[16])
{
    struct tt__ip6_if *f = &s->ip6->ifs[iface];
    for (int j = 0; j < TT__A6_N; j++)
        if (f->addr[j].state == TT__A6_TENTATIVE && memcmp(f->addr[j].a, a, 16) == 0)
            return &f->addr[j];
    return NULL;
}

/* RFC 4291 Appendix A: the interface identifier from the MAC, with the
 * universal/local bit inverted and ff:fe in the middle. */
static void eui64(const uint8_t mac[6], uint8_t out[8])
{
    out[0] = (uint8_t)(mac[0] ^ 0x02);
    out[1] = mac[1];
    out[2] = mac[2];
    out[3] = 0xff;
    out[4] = 0xfe;
    out[5] = mac[3];
    out[6] = mac[4];
    out[7] = mac[5];
}

void tt__ndp_iface_up(struct tt_stack *s, int iface, tt_time now)
{
    struct tt__ip6_if *f = &s->ip6->ifs[iface];
    struct tt__addr6 *ll = &f->addr[TT__A6_LL];
    if (s->iface[iface].cfg.link.framing != TT_FRAMING_ETHERNET || ll->state != TT__A6_NONE)
        return;
    /* RFC 4862 §5.3: fe80::/64 and the interface identifier. */
    memset(ll->a, 0, 16);
    ll->a[0] = 0xfe;
    ll->a[1] = 0x80;
    eui64(s->iface[iface].cfg.mac, ll->a + 8);
    ll->plen = 64;
    dad_start(s, iface, ll, now);
    if (ll->state == TT__A6_PREFERRED)
        send_rs(s, iface, now);
}

/* ---- input ---- */

static void ns_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h,
                     const struct tt_ndp_msg *m, tt_time now)
{
    int src_unspec = tt__ip6_is_unspecified(h->src);
    s->ctr.ndp_ns_in++;
    /* §7.1.1: from the unspecified address only to a solicited-node group. */
    uint8_t sn[16];
    tt__ip6_solicited_node(m->target, sn);
    if (src_unspec && memcmp(h->dst, sn, 16) != 0) {
        tt__drop(s, TT_DROP_NDP_INVALID, iface, NULL, 0, now);
        return;
    }
    struct tt__addr6 *t = tentative(s, iface, m->target);
    if (t) {
        /* RFC 4862 §5.4.3: another node's DAD for our tentative address
         * means it is a duplicate; any other NS for it is not answered. */
        if (src_unspec)
            dad_failed(s, iface, t, now);
        return;
    }
    if (!tt__ip6_is_mine(s, iface, m->target, 0)) {
        tt__drop(s, TT_DROP_IP6_NOT_FOR_US, iface, NULL, 0, now);
        return;
    }
    if (src_unspec) {
        /* §7.2.4: answer a DAD probe for our address to all nodes. */
        send_na(s, iface, m->target, all_nodes, 0, now);
        return;
    }
    if (m->has_slla)
        learn(s, iface, h->src, m->slla, now);
    send_na(s, iface, m->target, h->src, 1, now);
}

/* §7.2.5, the receipt of a neighbor advertisement. */
static void na_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h,
                     const struct tt_ndp_msg *m, tt_time now)
{
    s->ctr.ndp_na_in++;
    /* §7.1.2: to a group, the solicited flag must be clear. */
    if (tt__ip6_is_multicast(h->dst) && m->solicited) {
        tt__drop(s, TT_DROP_NDP_INVALID, iface, NULL, 0, now);
        return;
    }
    struct tt__addr6 *t = tentative(s, iface, m->target);
    if (t) {
        dad_failed(s, iface, t, now); /* RFC 4862 §5.4.4 */
        return;
    }
    struct nd_entry *e = lookup(s, iface, m->target, now);
    if (!e)
        return; /* §7.2.5: no entry, nothing to update */
    if (e->state == TT__ND_INCOMPLETE) {
        if (!m->has_tlla)
            return;
        memcpy(e->mac, m->tlla, 6);
        if (m->solicited)
            set_reachable(s, e, now);
        else
            e->state = TT__ND_STALE;
        e->router = m->router;
        s->ctr.ndp_resolved++;
        flush_queue(s, e, now);
        return;
    }
    int changed = m->has_tlla && memcmp(e->mac, m->tlla, 6) != 0;
    if (!m->override && changed) {
        /* Not overriding a known address: only makes REACHABLE doubtful. */
        if (e->state == TT__ND_REACHABLE)
            e->state = TT__ND_STALE;
        return;
    }
    if (changed)
        memcpy(e->mac, m->tlla, 6);
    if (m->solicited)
        set_reachable(s, e, now);
    else if (changed)
        e->state = TT__ND_STALE;
    e->router = m->router;
}

/* §6.3.4, the receipt of a router advertisement. */
static void ra_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h,
                     const struct tt_ndp_msg *m, tt_time now)
{
    struct tt__ip6_if *f = &s->ip6->ifs[iface];
    s->ctr.ndp_ra_in++;
    /* §6.1.2: from a link-local source. */
    if (!tt__ip6_is_linklocal(h->src)) {
        tt__drop(s, TT_DROP_NDP_INVALID, iface, NULL, 0, now);
        return;
    }
    if (m->cur_hop_limit)
        f->hop_limit = m->cur_hop_limit;
    if (m->router_lifetime) {
        memcpy(f->router, h->src, 16);
        f->router_expires = now + TT_SEC((tt_time)m->router_lifetime);
    } else if (f->router_expires && memcmp(f->router, h->src, 16) == 0) {
        f->router_expires = 0; /* lifetime 0: no longer a default router */
    }
    /* §6.3.4: an MTU option below the minimum or above the link's is ignored. */
    if (m->has_mtu && m->mtu >= TT_IPV6_MIN_MTU && m->mtu <= s->iface[iface].cfg.link.mtu)
        f->mtu = m->mtu;
    if (m->has_slla)
        learn(s, iface, h->src, m->slla, now);
    for (int i = 0; i < m->nprefix; i++) {
        const struct tt_ndp_prefix *p = &m->prefix[i];
        if (tt__ip6_is_linklocal(p->prefix) || p->len > 128)
            continue; /* §6.3.4: the link-local prefix is ignored */
        if (p->onlink) {
            memcpy(f->prefix, p->prefix, 16);
            f->prefix_len = p->len;
            f->prefix_expires = p->valid == 0             ? 0
                                : p->valid == 0xffffffffu ? TT_TIME_NEVER
                                                          : now + TT_SEC((tt_time)p->valid);
        }
        /* RFC 4862 §5.5.3: autonomous, preferred <= valid, and a /64 for
         * the 64-bit interface identifier; one global address. */
        struct tt__addr6 *g = &f->addr[TT__A6_GLOBAL];
        if (p->autonomous && p->valid && p->preferred <= p->valid && p->len == 64 &&
            g->state == TT__A6_NONE && f->addr[TT__A6_LL].state == TT__A6_PREFERRED) {
            memcpy(g->a, p->prefix, 8);
            memcpy(g->a + 8, f->addr[TT__A6_LL].a + 8, 8);
            g->plen = 64;
            dad_start(s, iface, g, now);
        }
    }
}

void tt__ndp_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h, const uint8_t *msg,
                   size_t len, tt_time now)
{
    struct tt_ndp_msg m;
    enum tt_drop_reason why;
    /* §6.1, §7.1: the hop limit must be 255: the message was not forwarded,
     * so it comes from this link. */
    if (h->hop_limit != 255 ||
        tt__ndp_parse(msg, len, tt__ip6_is_unspecified(h->src), &m, &why) < 0) {
        tt__drop(s, TT_DROP_NDP_INVALID, iface, msg, len, now);
        return;
    }
    switch (m.type) {
    case TT_ICMP6_NS:
        ns_input(s, iface, h, &m, now);
        return;
    case TT_ICMP6_NA:
        na_input(s, iface, h, &m, now);
        return;
    case TT_ICMP6_RA:
        ra_input(s, iface, h, &m, now);
        return;
    default:
        return; /* RS: for routers (§6.2.6); a host ignores it */
    }
}

/* ---- timers ---- */

static tt_time addr_poll(struct tt_stack *s, int iface, tt_time now)
{
    struct tt__ip6_if *f = &s->ip6->ifs[iface];
    tt_time next = TT_TIME_NEVER;
    for (int j = 0; j < TT__A6_N; j++) {
        struct tt__addr6 *a = &f->addr[j];
        if (a->state != TT__A6_TENTATIVE)
            continue;
        if (now >= a->dad_deadline) {
            if (a->dad_sent < s->cfg.dad_transmits) {
                a->dad_sent++;
                a->dad_deadline = now + s->cfg.ndp_retrans_time;
                send_ns(s, iface, a->a, 0, 1, now);
            } else {
                a->state = TT__A6_PREFERRED; /* §5.4: no duplicate answered */
                s->ctr.ndp_dad_ok++;
                if (j == TT__A6_LL)
                    send_rs(s, iface, now); /* RFC 4861 §6.3.7 */
                continue;
            }
        }
        next = tt__time_min(next, a->dad_deadline);
    }
    if (f->router_expires && now >= f->router_expires)
        f->router_expires = 0;
    if (f->prefix_expires && now >= f->prefix_expires)
        f->prefix_expires = 0;
    if (f->router_expires)
        next = tt__time_min(next, f->router_expires);
    if (f->prefix_expires)
        next = tt__time_min(next, f->prefix_expires);
    return next;
}

static tt_time entry_poll(struct tt_stack *s, struct nd_entry *e, tt_time now)
{
    if (e->state == TT__ND_REACHABLE || e->state == TT__ND_STALE)
        return TT_TIME_NEVER;
    if (now < e->deadline)
        return e->deadline;
    switch (e->state) {
    case TT__ND_INCOMPLETE:
        if (e->probes >= s->cfg.ndp_max_mcast_solicit) {
            entry_free(s, e, now); /* §7.3.3: resolution failed */
            return TT_TIME_NEVER;
        }
        e->probes++;
        e->deadline = now + s->cfg.ndp_retrans_time;
        send_ns(s, e->iface, e->ip, 0, 0, now);
        return e->deadline;
    case TT__ND_DELAY:
        e->state = TT__ND_PROBE;
        e->probes = 0;
        /* fall through */
    default: /* PROBE */
        if (e->probes >= s->cfg.ndp_max_ucast_solicit) {
            entry_free(s, e, now);
            return TT_TIME_NEVER;
        }
        e->probes++;
        e->deadline = now + s->cfg.ndp_retrans_time;
        send_ns(s, e->iface, e->ip, 1, 0, now);
        return e->deadline;
    }
}

tt_time tt__ndp_poll(struct tt_stack *s, tt_time now)
{
    tt_time next = TT_TIME_NEVER;
    for (int i = 0; i < s->niface; i++)
        if (s->ip6->ifs[i].on)
            next = tt__time_min(next, addr_poll(s, i, now));
    for (uint32_t i = 0; i < s->ndp->n; i++) {
        struct nd_entry *e = &s->ndp->e[i];
        if (e->state != TT__ND_FREE)
            next = tt__time_min(next, entry_poll(s, e, now));
    }
    return next;
}
