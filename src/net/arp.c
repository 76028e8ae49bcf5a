/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARP for Ethernet/IPv4 (RFC 826, RFC 1122 §2.3.2).
 *
 * The cache is one table of cfg.arp_cache_size entries per stack, keyed by
 * (interface, IPv4 address) and scanned linearly: it is bounded by the config
 * and small, and a scan of a few hundred entries costs less than the frame it
 * serves. Entry life:
 *
 *   FREE -> INCOMPLETE   an outgoing datagram needs the address: a broadcast
 *                        request goes out and the datagram waits in the
 *                        entry's queue (at most cfg.arp_queue_len; beyond it
 *                        the NEWEST datagram is dropped as ARP_QUEUE_FULL, so
 *                        that what was sent first, e.g. a SYN, survives).
 *   INCOMPLETE -> REACHABLE  a reply (or any ARP from that sender) arrives;
 *                        the queue is flushed in order.
 *   INCOMPLETE -> FREE   cfg.arp_max_probes requests went unanswered for
 *                        cfg.arp_retrans_time each: queued datagrams are
 *                        dropped as ARP_UNRESOLVED.
 *   REACHABLE -> PROBE   first use after cfg.arp_reachable_time: datagrams keep
 *                        going to the old address while unicast requests
 *                        re-check it (RFC 1122 §2.3.2.1, Linux's PROBE state).
 *   PROBE -> FREE        the probes went unanswered.
 *
 * When the table is full, the least recently used entry that holds no queued
 * datagram is reused; entries with datagrams waiting are never evicted
 * (ARP_CACHE_FULL instead).
 */
#include <string.h>

#include "net/net.h"
#include "wire/arp.h"
#include "wire/eth.h"

enum arp_state { ARP_FREE = 0, ARP_INCOMPLETE, ARP_REACHABLE, ARP_PROBE };

struct arp_entry {
    uint8_t state;
    uint8_t iface;
    uint8_t mac[6];
    uint32_t ip;
    uint32_t probes;    /* requests sent in this resolution or probe round */
    tt_time deadline;   /* REACHABLE: expiry; INCOMPLETE/PROBE: next request */
    tt_time last_used;  /* for LRU eviction */
    struct tt__pendq q; /* IPv4 datagrams awaiting this address */
};

struct tt__arp {
    uint32_t n;
    uint32_t npending; /* INCOMPLETE + PROBE: poll scans only when non-zero */
    struct arp_entry e[];
};

static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static size_t arp_size(uint32_t n)
{
    return sizeof(struct tt__arp) + (size_t)n * sizeof(struct arp_entry);
}

int tt__arp_init(struct tt_stack *s)
{
    s->arp = tt__calloc(s, arp_size(s->cfg.arp_cache_size));
    if (!s->arp)
        return TT_ENOMEM;
    s->arp->n = s->cfg.arp_cache_size;
    return 0;
}

static void entry_free(struct tt_stack *s, struct arp_entry *e, tt_time now)
{
    tt__pendq_drop_all(s, &e->q, TT_DROP_ARP_UNRESOLVED, e->iface, now);
    if (e->state == ARP_INCOMPLETE || e->state == ARP_PROBE)
        s->arp->npending--;
    memset(e, 0, sizeof *e);
}

void tt__arp_fini(struct tt_stack *s)
{
    if (!s->arp)
        return;
    for (uint32_t i = 0; i < s->arp->n; i++)
        entry_free(s, &s->arp->e[i], TT_TIME_NEVER); /* teardown: not counted as drops */
    tt__free(s, s->arp, arp_size(s->arp->n));
    s->arp = NULL;
}

static struct arp_entry *lookup(struct tt_stack *s, int iface, uint32_t ip)
{
    for (uint32_t i = 0; i < s->arp->n; i++) {
        struct arp_entry *e = &s->arp->e[i];
        if (e->state != ARP_FREE && e->ip == ip && e->iface == iface)
            return e;
    }
    return NULL;
}

/* A free entry, or the least recently used one with nothing queued. */
static struct arp_entry *entry_new(struct tt_stack *s, int iface, uint32_t ip, tt_time now)
{
    struct arp_entry *victim = NULL;
    for (uint32_t i = 0; i < s->arp->n; i++) {
        struct arp_entry *e = &s->arp->e[i];
        if (e->state == ARP_FREE) {
            victim = e;
            break;
        }
        if (e->q.n == 0 && (!victim || e->last_used < victim->last_used))
            victim = e;
    }
    if (!victim)
        return NULL;
    if (victim->state != ARP_FREE)
        entry_free(s, victim, now);
    victim->iface = (uint8_t)iface;
    victim->ip = ip;
    victim->last_used = now;
    return victim;
}

/* Send one request for e->ip: broadcast while INCOMPLETE, unicast to the
 * address we are re-checking in PROBE (RFC 1122 §2.3.2.1). */
static void send_request(struct tt_stack *s, struct arp_entry *e, tt_time now)
{
    const struct tt__iface *f = &s->iface[e->iface];
    struct tt_arp_pkt a;
    memset(&a, 0, sizeof a);
    a.op = TT_ARP_OP_REQUEST;
    memcpy(a.sha, f->cfg.mac, 6);
    a.spa = f->cfg.addr.v4;
    a.tpa = e->ip;
    tt__arp_emit(&a, s->txbuf + TT__NET_L3, TT_ARP_LEN);
    e->probes++;
    /* RFC 1122 §2.3.2.1 asks only that requests be rate-limited (at most one
     * a second per destination, "SHOULD"); the first retry of a new
     * resolution comes sooner because a TAP that has just come up often
     * loses the first reply, then the pace is one a second. */
    tt_time wait = s->cfg.arp_retrans_time;
    if (e->state == ARP_INCOMPLETE && e->probes == 1 && s->cfg.arp_first_retrans_time)
        wait = s->cfg.arp_first_retrans_time;
    e->deadline = now + wait;
    s->ctr.arp_requests_out++;
    const uint8_t *dst = e->state == ARP_PROBE ? e->mac : mac_bcast;
    tt__eth_send(s, e->iface, dst, TT_ETHERTYPE_ARP, TT_ARP_LEN, now);
}

static void set_pending(struct tt_stack *s, struct arp_entry *e, uint8_t state, tt_time now)
{
    if (e->state != ARP_INCOMPLETE && e->state != ARP_PROBE)
        s->arp->npending++;
    e->state = state;
    e->probes = 0;
    send_request(s, e, now);
}

/* Keep a copy of the datagram at txbuf until e resolves (newest dropped when full). */
static int enqueue(struct tt_stack *s, struct arp_entry *e, size_t len, tt_time now)
{
    return tt__pendq_push(s, &e->q, s->cfg.arp_queue_len, TT_DROP_ARP_QUEUE_FULL, e->iface, len,
                          now);
}

int tt__arp_output(struct tt_stack *s, int iface, uint32_t nexthop, size_t len, tt_time now)
{
    /* Broadcasts need no resolution (RFC 1122 §3.3.6). */
    if (nexthop == 0xffffffffu || tt__ip_is_subnet_bcast(s, iface, nexthop))
        return tt__eth_send(s, iface, mac_bcast, TT_ETHERTYPE_IPV4, len, now);
    struct arp_entry *e = lookup(s, iface, nexthop);
    if (e && e->state != ARP_INCOMPLETE) {
        e->last_used = now;
        if (e->state == ARP_REACHABLE && now >= e->deadline) {
            /* Stale: keep using it while it is re-checked. The datagram goes
             * first, since the request is then built in the same txbuf. */
            int err = tt__eth_send(s, iface, e->mac, TT_ETHERTYPE_IPV4, len, now);
            set_pending(s, e, ARP_PROBE, now);
            return err;
        }
        return tt__eth_send(s, iface, e->mac, TT_ETHERTYPE_IPV4, len, now);
    }
    if (!e) {
        e = entry_new(s, iface, nexthop, now);
        if (!e) {
            tt__drop(s, TT_DROP_ARP_CACHE_FULL, iface, s->txbuf + TT__NET_L3, len, now);
            return TT_ENOBUFS;
        }
        /* Queue before the request: the request is built in txbuf too. */
        int err = enqueue(s, e, len, now);
        if (err < 0) {
            memset(e, 0, sizeof *e);
            return err;
        }
        set_pending(s, e, ARP_INCOMPLETE, now);
        return 0;
    }
    e->last_used = now;
    return enqueue(s, e, len, now);
}

/* Record sender's address in e and make it REACHABLE. */
static void entry_update(struct tt_stack *s, struct arp_entry *e, const uint8_t mac[6], tt_time now)
{
    if (e->state == ARP_INCOMPLETE || e->state == ARP_PROBE)
        s->arp->npending--;
    if (e->state == ARP_INCOMPLETE)
        s->ctr.arp_resolved++;
    memcpy(e->mac, mac, 6);
    e->state = ARP_REACHABLE;
    e->probes = 0;
    e->deadline = now + s->cfg.arp_reachable_time;
    tt__pendq_flush(s, &e->q, e->iface, e->mac, TT_ETHERTYPE_IPV4, now);
}

static void send_reply(struct tt_stack *s, int iface, const struct tt_arp_pkt *req, tt_time now)
{
    const struct tt__iface *f = &s->iface[iface];
    struct tt_arp_pkt a;
    memset(&a, 0, sizeof a);
    a.op = TT_ARP_OP_REPLY;
    memcpy(a.sha, f->cfg.mac, 6);
    a.spa = f->cfg.addr.v4;
    memcpy(a.tha, req->sha, 6);
    a.tpa = req->spa;
    tt__arp_emit(&a, s->txbuf + TT__NET_L3, TT_ARP_LEN);
    s->ctr.arp_replies_out++;
    tt__eth_send(s, iface, req->sha, TT_ETHERTYPE_ARP, TT_ARP_LEN, now);
}

/* RFC 826, "Packet Reception", in its order. */
void tt__arp_input(struct tt_stack *s, int iface, const uint8_t *pkt, size_t len, tt_time now)
{
    struct tt_arp_pkt a;
    s->ctr.arp_in++;
    int rc = tt__arp_parse(pkt, len, &a);
    if (rc < 0) {
        enum tt_drop_reason why =
            rc == TT_EOPNOTSUPP ? TT_DROP_ARP_UNSUPPORTED : TT_DROP_ARP_MALFORMED;
        tt__drop(s, why, iface, pkt, len, now);
        return;
    }
    /* A sender claiming our address (a conflict, RFC 5227 §2.4) or a group
     * hardware address must not poison the cache. */
    if (tt__mac_is_multicast(a.sha) || tt__ip_is_local(s, TT_ADDR_V4(a.spa))) {
        tt__drop(s, TT_DROP_ARP_BAD_SENDER, iface, pkt, len, now);
        return;
    }
    const struct tt__iface *f = &s->iface[iface];
    int for_us = a.tpa == f->cfg.addr.v4;
    /* Merge: an entry for the sender is refreshed by any ARP from it,
     * gratuitous ARP included. A zero sender (an RFC 5227 probe) teaches nothing. */
    int merged = 0;
    struct arp_entry *e = a.spa ? lookup(s, iface, a.spa) : NULL;
    if (e) {
        entry_update(s, e, a.sha, now);
        merged = 1;
    }
    if (!for_us) {
        if (!merged)
            tt__drop(s, TT_DROP_ARP_NOT_FOR_US, iface, pkt, len, now);
        return;
    }
    /* Target is us: learn the sender, it is about to talk to us. When the
     * table is full of waiting entries we still answer, without learning. */
    if (!merged && a.spa) {
        e = entry_new(s, iface, a.spa, now);
        if (e)
            entry_update(s, e, a.sha, now);
    }
    if (a.op == TT_ARP_OP_REQUEST)
        send_reply(s, iface, &a, now);
}

void tt__arp_announce(struct tt_stack *s, int iface, tt_time now)
{
    /* RFC 5227 §2.3: an ARP Announcement is a request with our address as
     * both sender and target, broadcast, so that neighbours update their
     * caches (and learn us before they must ask). */
    const struct tt__iface *f = &s->iface[iface];
    struct tt_arp_pkt a;
    memset(&a, 0, sizeof a);
    a.op = TT_ARP_OP_REQUEST;
    memcpy(a.sha, f->cfg.mac, 6);
    a.spa = a.tpa = f->cfg.addr.v4;
    tt__arp_emit(&a, s->txbuf + TT__NET_L3, TT_ARP_LEN);
    s->ctr.arp_requests_out++;
    tt__eth_send(s, iface, mac_bcast, TT_ETHERTYPE_ARP, TT_ARP_LEN, now);
}

tt_time tt__arp_poll(struct tt_stack *s, tt_time now)
{
    tt_time next = TT_TIME_NEVER;
    if (s->arp->npending == 0)
        return next;
    for (uint32_t i = 0; i < s->arp->n; i++) {
        struct arp_entry *e = &s->arp->e[i];
        if (e->state != ARP_INCOMPLETE && e->state != ARP_PROBE)
            continue;
        if (now >= e->deadline) {
            if (e->probes >= s->cfg.arp_max_probes) {
                /* RFC 1122 §2.3.2.1: give up; what waited is lost. */
                entry_free(s, e, now);
                continue;
            }
            send_request(s, e, now);
        }
        next = tt__time_min(next, e->deadline);
    }
    return next;
}
