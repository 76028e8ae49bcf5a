/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Helpers shared by the net/ unit tests (test_net_*.c, test_stack_*.c): a
 * counting allocator, a transmit callback that captures frames, and frame
 * builders on top of the src/wire emitters. Include after <cmocka.h>.
 *
 * The fixture: one Ethernet interface, our MAC 02:00:00:00:00:01 and
 * 192.0.2.1/24; a peer at 02:00:00:00:00:02 / 192.0.2.2.
 */
#ifndef TT_TEST_NET_HELPERS_H
#define TT_TEST_NET_HELPERS_H

#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "net/stack.h"
#include "wire/arp.h"
#include "wire/eth.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define NT_MAXF 256
#define NT_US TT_IPV4_U32(192, 0, 2, 1)
#define NT_PEER TT_IPV4_U32(192, 0, 2, 2)

static const uint8_t nt_mac_us[6] = {2, 0, 0, 0, 0, 1};
static const uint8_t nt_mac_peer[6] = {2, 0, 0, 0, 0, 2};
static const uint8_t nt_mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

struct nt_alloc {
    size_t outstanding;
    size_t count;
};

static inline void *nt_alloc_fn(void *ctx, size_t size)
{
    struct nt_alloc *a = ctx;
    void *p = malloc(size);
    if (p) {
        a->outstanding += size;
        a->count++;
    }
    return p;
}

static inline void nt_free_fn(void *ctx, void *p, size_t size)
{
    struct nt_alloc *a = ctx;
    a->outstanding -= size;
    a->count--;
    free(p);
}

struct nt_cap {
    int n;
    int fail; /* transmit returns TT_ENOBUFS while set */
    uint8_t *f[NT_MAXF];
    size_t len[NT_MAXF];
    tt_time t[NT_MAXF];
};

static inline int nt_tx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct nt_cap *c = ctx;
    if (c->fail)
        return TT_ENOBUFS;
    if (c->n < NT_MAXF) {
        c->f[c->n] = malloc(len ? len : 1);
        memcpy(c->f[c->n], frame, len);
        c->len[c->n] = len;
        c->t[c->n] = now;
        c->n++;
    }
    return 0;
}

static inline void nt_cap_clear(struct nt_cap *c)
{
    for (int i = 0; i < c->n; i++)
        free(c->f[i]);
    c->n = 0;
}

struct nt_fix {
    struct tt_config cfg;
    struct nt_alloc a;
    struct nt_cap cap;
    struct tt_stack *s;
    int ifi;
};

static inline void nt_config(struct nt_fix *f)
{
    memset(f, 0, sizeof *f);
    tt_config_default(&f->cfg);
    f->cfg.allocator.alloc = nt_alloc_fn;
    f->cfg.allocator.free = nt_free_fn;
    f->cfg.allocator.ctx = &f->a;
    f->cfg.secret[0] = 0x0123456789abcdefull;
    f->cfg.secret[1] = 0xfedcba9876543210ull;
}

static inline struct tt_iface_config nt_iface_eth(struct nt_cap *cap)
{
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link.framing = TT_FRAMING_ETHERNET;
    ic.link.transmit = nt_tx;
    ic.link.ctx = cap;
    memcpy(ic.mac, nt_mac_us, 6);
    ic.addr = TT_ADDR_V4(NT_US);
    ic.prefix_len = 24;
    return ic;
}

/* Create the stack from f->cfg (already filled by nt_config and adjusted). */
static inline void nt_start(struct nt_fix *f)
{
    assert_int_equal(tt_stack_create(&f->cfg, &f->s), 0);
    struct tt_iface_config ic = nt_iface_eth(&f->cap);
    f->ifi = tt_stack_add_iface(f->s, &ic);
    assert_int_equal(f->ifi, 0);
}

static inline void nt_setup(struct nt_fix *f)
{
    nt_config(f);
    nt_start(f);
}

/* Destroy, and prove that every byte came back. */
static inline void nt_teardown(struct nt_fix *f)
{
    assert_int_equal(tt_stack_mem_in_use(f->s), f->a.outstanding);
    tt_stack_destroy(f->s);
    assert_int_equal(f->a.outstanding, 0);
    assert_int_equal(f->a.count, 0);
    nt_cap_clear(&f->cap);
}

static inline uint64_t nt_drops(const struct nt_fix *f, enum tt_drop_reason r)
{
    return tt_stack_counters(f->s)->drops[r];
}

static inline uint64_t nt_total_drops(const struct nt_fix *f)
{
    uint64_t n = 0;
    for (int i = 0; i < TT_DROP_COUNT; i++)
        n += tt_stack_counters(f->s)->drops[i];
    return n;
}

/* An IPv4 datagram into buf: header fields from h (total_len computed), then payload. */
static inline size_t nt_ip(uint8_t *buf, struct tt_ipv4_hdr h, const void *payload, size_t plen)
{
    h.hlen = 20;
    h.total_len = (uint16_t)(20 + plen);
    if (h.ttl == 0)
        h.ttl = 64;
    assert_int_equal(tt__ipv4_emit(&h, buf, 20), 20);
    if (plen)
        memcpy(buf + 20, payload, plen);
    return 20 + plen;
}

static inline struct tt_ipv4_hdr nt_iph(uint32_t src, uint32_t dst, uint8_t proto, uint16_t id)
{
    struct tt_ipv4_hdr h;
    memset(&h, 0, sizeof h);
    h.src = src;
    h.dst = dst;
    h.proto = proto;
    h.id = id;
    h.ttl = 64;
    return h;
}

/* An ICMP echo (request or reply) message into buf. */
static inline size_t nt_echo(uint8_t *buf, size_t cap, uint8_t type, uint16_t id, uint16_t seq,
                             const void *data, size_t dlen)
{
    struct tt_icmp_hdr m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.rest = ((uint32_t)id << 16) | seq;
    m.payload = data;
    m.payload_len = dlen;
    int n = tt__icmp_emit(&m, buf, cap);
    assert_true(n > 0);
    return (size_t)n;
}

/* Wrap `payload` in an Ethernet header and feed it to the stack. */
static inline void nt_input_eth(struct nt_fix *f, const uint8_t dst[6], const uint8_t src[6],
                                uint16_t type, const void *payload, size_t plen, tt_time now)
{
    uint8_t *fr = malloc(14 + plen + 1);
    struct tt_eth_hdr eh;
    memcpy(eh.dst, dst, 6);
    memcpy(eh.src, src, 6);
    eh.type = type;
    assert_int_equal(tt__eth_emit(&eh, fr, 14), 14);
    memcpy(fr + 14, payload, plen);
    assert_int_equal(tt_stack_input(f->s, f->ifi, fr, 14 + plen, now), 0);
    free(fr);
}

/* A datagram from the peer, unicast to our MAC. */
static inline void nt_input_ip(struct nt_fix *f, const void *dgram, size_t len, tt_time now)
{
    nt_input_eth(f, nt_mac_us, nt_mac_peer, TT_ETHERTYPE_IPV4, dgram, len, now);
}

static inline void nt_input_arp(struct nt_fix *f, const uint8_t edst[6], uint16_t op,
                                const uint8_t sha[6], uint32_t spa, const uint8_t tha[6],
                                uint32_t tpa, tt_time now)
{
    struct tt_arp_pkt a;
    memset(&a, 0, sizeof a);
    a.op = op;
    memcpy(a.sha, sha, 6);
    a.spa = spa;
    memcpy(a.tha, tha, 6);
    a.tpa = tpa;
    uint8_t buf[TT_ARP_LEN];
    assert_int_equal(tt__arp_emit(&a, buf, sizeof buf), TT_ARP_LEN);
    nt_input_eth(f, edst, sha, TT_ETHERTYPE_ARP, buf, sizeof buf, now);
}

/* Teach the stack the peer's MAC (a request from the peer for us), then
 * forget the reply it sent. */
static inline void nt_learn_peer(struct nt_fix *f, tt_time now)
{
    static const uint8_t zero[6];
    nt_input_arp(f, nt_mac_bcast, TT_ARP_OP_REQUEST, nt_mac_peer, NT_PEER, zero, NT_US, now);
    assert_int_equal(f->cap.n, 1);
    nt_cap_clear(&f->cap);
}

/* Parse captured frame i as Ethernet + IPv4: returns the IP header, points
 * *payload at the IP payload. */
static inline struct tt_ipv4_hdr nt_parse_ip(const struct nt_fix *f, int i, const uint8_t **payload,
                                             size_t *plen)
{
    struct tt_eth_hdr eh;
    struct tt_ipv4_hdr h;
    enum tt_drop_reason why;
    assert_true(i < f->cap.n);
    assert_int_equal(tt__eth_parse(f->cap.f[i], f->cap.len[i], &eh), 14);
    assert_int_equal(eh.type, TT_ETHERTYPE_IPV4);
    int hl = tt__ipv4_parse(f->cap.f[i] + 14, f->cap.len[i] - 14, &h, &why);
    assert_true(hl >= 20);
    if (payload)
        *payload = f->cap.f[i] + 14 + hl;
    if (plen)
        *plen = h.total_len - (size_t)hl;
    return h;
}

#endif
