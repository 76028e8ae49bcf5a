/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stack object: creation and teardown, interfaces, memory accounting,
 * counters and trace, the Ethernet demultiplexer, and the poll loop that runs
 * every module's timers.
 */
#include <string.h>

#include "net/net.h"
#include "util/siphash.h"
#include "wire/eth.h"

/* ---- memory ---- */

void *tt__alloc(struct tt_stack *s, size_t size)
{
    if (size == 0)
        return NULL;
    if (s->cfg.mem_limit && (size > s->cfg.mem_limit || s->mem_in_use > s->cfg.mem_limit - size))
        return NULL;
    void *p = s->cfg.allocator.alloc(s->cfg.allocator.ctx, size);
    if (p)
        s->mem_in_use += size;
    return p;
}

void *tt__calloc(struct tt_stack *s, size_t size)
{
    void *p = tt__alloc(s, size);
    if (p)
        memset(p, 0, size);
    return p;
}

void tt__free(struct tt_stack *s, void *p, size_t size)
{
    if (!p)
        return;
    s->cfg.allocator.free(s->cfg.allocator.ctx, p, size);
    s->mem_in_use -= size;
}

/* ---- trace and drops ---- */

void tt__trace(struct tt_stack *s, const struct tt_trace_event *ev)
{
    if (s->trace_fn)
        s->trace_fn(s->trace_ctx, ev);
}

/* One frame-level trace event (FRAME_IN, FRAME_OUT, or DROP with its reason). */
static void trace_frame(struct tt_stack *s, enum tt_trace_kind kind, enum tt_drop_reason why,
                        int iface, const uint8_t *frame, size_t len, tt_time now)
{
    if (!s->trace_fn)
        return;
    struct tt_trace_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.now = now;
    ev.iface = iface;
    ev.drop = why;
    ev.frame = frame;
    ev.frame_len = frame ? len : 0;
    s->trace_fn(s->trace_ctx, &ev);
}

void tt__drop(struct tt_stack *s, enum tt_drop_reason why, int iface, const uint8_t *frame,
              size_t len, tt_time now)
{
    if ((unsigned)why >= TT_DROP_COUNT)
        return;
    s->ctr.drops[why]++;
    trace_frame(s, TT_TRACE_DROP, why, iface, frame, len, now);
}

/* ---- creation and teardown ---- */

static int config_ok(const struct tt_config *c)
{
    if (!c->allocator.alloc || !c->allocator.free)
        return 0;
    if (c->ip_default_ttl == 0)
        return 0;
    /* The ARP and reassembly tables are allocated whole at creation: keep them
     * to sizes that make sense (and cannot overflow a size computation). */
    if (c->arp_cache_size == 0 || c->arp_cache_size > 65536)
        return 0;
    if (c->arp_max_probes == 0 || c->arp_retrans_time == 0)
        return 0;
    if (c->ipfrag_max_datagrams > 65536 || c->ipfrag_timeout == 0)
        return 0;
    if (c->ndp_cache_size == 0 || c->ndp_cache_size > 65536 || c->ndp_retrans_time == 0 ||
        c->ip6_hop_limit == 0)
        return 0;
    return 1;
}

/* A 64-bit keyed value for `label`, so that every use of the secret is
 * independent of the others. */
static uint64_t keyed(const struct tt_config *c, const char *label)
{
    return tt__siphash(c->secret, label, strlen(label));
}

int tt_stack_create(const struct tt_config *cfg, struct tt_stack **out)
{
    if (!cfg || !out || !config_ok(cfg))
        return TT_EINVAL;
    *out = NULL;
    size_t sz = sizeof(struct tt_stack);
    if (cfg->mem_limit && cfg->mem_limit < sz)
        return TT_ENOMEM;
    struct tt_stack *s = cfg->allocator.alloc(cfg->allocator.ctx, sz);
    if (!s)
        return TT_ENOMEM;
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->mem_in_use = sz; /* the stack object itself counts against mem_limit */
    tt_rng_seed(&s->rng, keyed(cfg, "tether rng"));
    s->ipid_key[0] = keyed(cfg, "tether ip id 0");
    s->ipid_key[1] = keyed(cfg, "tether ip id 1");
    s->icmp_tokens = cfg->icmp_burst;
    int err = tt__arp_init(s);
    if (err == 0) {
        err = tt__frag_init(s);
        if (err == 0) {
            err = tt__tcp_init(s);
            if (err == 0)
                err = tt__ip6_init(s);
            if (err == 0)
                err = tt__ndp_init(s);
            if (err == 0)
                err = tt__frag6_init(s);
            if (err == 0) {
                *out = s;
                return 0;
            }
            tt__ndp_fini(s);
            tt__ip6_fini(s);
            tt__tcp_fini(s);
            tt__frag_fini(s);
        }
        tt__arp_fini(s);
    }
    cfg->allocator.free(cfg->allocator.ctx, s, sz);
    return err;
}

void tt_stack_destroy(struct tt_stack *s)
{
    if (!s)
        return;
    tt__frag6_fini(s);
    tt__ndp_fini(s);
    tt__ip6_fini(s);
    tt__tcp_fini(s);
    tt__frag_fini(s);
    tt__arp_fini(s);
    struct tt_allocator a = s->cfg.allocator;
    a.free(a.ctx, s, sizeof *s);
}

int tt_stack_add_iface(struct tt_stack *s, const struct tt_iface_config *ic)
{
    if (!s || !ic || !ic->link.transmit || ic->prefix_len > 32)
        return TT_EINVAL;
    if (ic->link.framing != TT_FRAMING_ETHERNET && ic->link.framing != TT_FRAMING_RAW_IP)
        return TT_EINVAL;
    uint32_t mtu = ic->link.mtu ? ic->link.mtu : 1500;
    /* RFC 791: every host must take 68-byte datagrams; TT_FRAME_MAX bounds the top. */
    if (mtu < 68 || mtu > 9000)
        return TT_EINVAL;
    if (ic->link.framing == TT_FRAMING_ETHERNET && tt__mac_is_multicast(ic->mac))
        return TT_EINVAL;
    if (s->niface >= TT_MAX_IFACES)
        return TT_ENOSPC;
    int idx = s->niface++;
    struct tt__iface *f = &s->iface[idx];
    f->used = 1;
    f->cfg = *ic;
    f->cfg.link.mtu = mtu;
    f->netmask = ic->prefix_len ? ~(uint32_t)0 << (32 - ic->prefix_len) : 0;
    struct tt__ip6_if *f6 = &s->ip6->ifs[idx];
    f6->on = ic->ipv6 != 0;
    f6->hop_limit = s->cfg.ip6_hop_limit;
    f6->mtu = mtu;
    return idx;
}

const struct tt_counters *tt_stack_counters(const struct tt_stack *s)
{
    return &s->ctr;
}

void tt_stack_set_trace(struct tt_stack *s, tt_trace_fn fn, void *ctx)
{
    s->trace_fn = fn;
    s->trace_ctx = fn ? ctx : NULL;
}

size_t tt_stack_mem_in_use(const struct tt_stack *s)
{
    return s->mem_in_use;
}

/* ---- link and Ethernet ---- */

int tt__link_send(struct tt_stack *s, int iface, const uint8_t *frame, size_t len, tt_time now)
{
    const struct tt_link *l = &s->iface[iface].cfg.link;
    int err = l->transmit(l->ctx, frame, len, now);
    if (err < 0) {
        tt__drop(s, TT_DROP_LINK_TX_FAILED, iface, frame, len, now);
        return err;
    }
    s->ctr.link_out_frames++;
    trace_frame(s, TT_TRACE_FRAME_OUT, 0, iface, frame, len, now);
    return 0;
}

int tt__eth_send(struct tt_stack *s, int iface, const uint8_t dst[6], uint16_t type, size_t len,
                 tt_time now)
{
    struct tt_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, s->iface[iface].cfg.mac, 6);
    eh.type = type;
    tt__eth_emit(&eh, s->txbuf, TT_ETH_HLEN);
    return tt__link_send(s, iface, s->txbuf, TT_ETH_HLEN + len, now);
}

/* Ethernet II input: our MAC, broadcast, or for IPv6 the 33:33 multicast
 * range (RFC 2464 §7: the groups we are in, all-nodes and solicited-node,
 * are checked by address in ipv6.c); a unicast source; the EtherTypes we
 * speak. */
static void eth_input(struct tt_stack *s, int iface, const uint8_t *frame, size_t len, tt_time now)
{
    struct tt_eth_hdr eh;
    if (tt__eth_parse(frame, len, &eh) < 0) {
        tt__drop(s, TT_DROP_LINK_TRUNCATED, iface, frame, len, now);
        return;
    }
    int bcast = tt__mac_is_broadcast(eh.dst);
    int mcast6 = eh.type == TT_ETHERTYPE_IPV6 && eh.dst[0] == 0x33 && eh.dst[1] == 0x33;
    if (!bcast && !mcast6 && memcmp(eh.dst, s->iface[iface].cfg.mac, 6) != 0) {
        tt__drop(s, TT_DROP_ETH_NOT_FOR_US, iface, frame, len, now);
        return;
    }
    if (tt__mac_is_multicast(eh.src)) {
        tt__drop(s, TT_DROP_ETH_SRC_INVALID, iface, frame, len, now);
        return;
    }
    const uint8_t *p = frame + TT_ETH_HLEN;
    size_t plen = len - TT_ETH_HLEN;
    if (eh.type == TT_ETHERTYPE_IPV4)
        tt__ip_input(s, iface, p, plen, bcast, now);
    else if (eh.type == TT_ETHERTYPE_ARP)
        tt__arp_input(s, iface, p, plen, now);
    else if (eh.type == TT_ETHERTYPE_IPV6 && s->ip6->ifs[iface].on)
        tt__ip6_input(s, iface, p, plen, bcast || mcast6, now);
    else
        tt__drop(s, TT_DROP_ETH_UNKNOWN_TYPE, iface, frame, len, now);
}

int tt_stack_iface_up(struct tt_stack *s, int iface, tt_time now)
{
    if (!s || iface < 0 || iface >= s->niface || !s->iface[iface].used)
        return TT_EINVAL;
    if (s->iface[iface].cfg.link.framing == TT_FRAMING_ETHERNET && s->iface[iface].cfg.addr)
        tt__arp_announce(s, iface, now);
    if (s->ip6->ifs[iface].on)
        tt__ndp_iface_up(s, iface, now);
    return 0;
}

int tt_stack_input(struct tt_stack *s, int iface, const void *frame, size_t len, tt_time now)
{
    if (!s || !frame || iface < 0 || iface >= s->niface || !s->iface[iface].used)
        return TT_EINVAL;
    const uint8_t *f = frame;
    s->ctr.link_in_frames++;
    trace_frame(s, TT_TRACE_FRAME_IN, 0, iface, f, len, now);
    /* A raw-IP link carries both versions: the version nibble tells them
     * apart (RFC 8200 §3, RFC 791 §3.1). */
    if (s->iface[iface].cfg.link.framing == TT_FRAMING_RAW_IP) {
        if (len > 0 && (f[0] >> 4) == 6 && s->ip6->ifs[iface].on)
            tt__ip6_input(s, iface, f, len, 0, now);
        else
            tt__ip_input(s, iface, f, len, 0, now);
    } else
        eth_input(s, iface, f, len, now);
    return 0;
}

tt_time tt_stack_poll(struct tt_stack *s, tt_time now)
{
    /* ARP last: reassembly timeouts (time exceeded) and TCP timers send
     * datagrams, which may start a resolution whose deadline must count. */
    tt_time next = tt__frag_poll(s, now);
    next = tt__time_min(next, tt__tcp_poll(s, now));
    next = tt__time_min(next, tt__frag6_poll(s, now));
    next = tt__time_min(next, tt__ndp_poll(s, now));
    next = tt__time_min(next, tt__arp_poll(s, now));
    return next;
}
