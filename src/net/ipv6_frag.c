/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 reassembly (RFC 8200 §4.5) with the bounds of IPv4's (ipv4_frag.c):
 * cfg.ipfrag_max_datagrams packets at once, cfg.ipfrag_max_bytes held in
 * total (IP6_FRAG_NOMEM beyond either, or past FRAG_MAX_PIECES fragments in
 * one packet), cfg.ipfrag_timeout from the first fragment (IP6_FRAG_TIMEOUT,
 * with a time-exceeded message, code 1, when fragment zero came).
 *
 * A packet is keyed by (source, destination, identification). Overlapping
 * fragments end the whole packet (RFC 5722 MUST, IP6_FRAG_OVERLAP); an exact
 * duplicate is dropped alone (RFC 8200 §4.5 allows it). The unfragmentable
 * part (the fixed header and the headers before the fragment header) is kept
 * from fragment zero; the reassembled packet is that part, then the data.
 */
#include <string.h>

#include "net/net.h"
#include "wire/icmp6.h"
#include "wire/ipv6.h"

#define FRAG_MAX_PIECES 128 /* as IPv4: bounds the sorted-list insertion work */
#define FRAG_MAX_UNFRAG 256 /* unfragmentable part kept: header + a short chain */

struct dgram {
    uint8_t used, has_first, has_last, l2_mcast;
    int iface;
    uint8_t src[16], dst[16];
    uint32_t id;
    uint8_t next; /* the fragment header's next header (from fragment zero) */
    tt_time expires;
    uint32_t total, got, max_end, npieces;
    uint16_t unfrag_len;
    uint8_t unfrag[FRAG_MAX_UNFRAG];
    struct tt__frag_piece *pieces;
};

struct tt__frag6 {
    uint32_t n, nused;
    size_t bytes;
    struct dgram d[];
};

static size_t frag6_size(uint32_t n)
{
    return sizeof(struct tt__frag6) + (size_t)n * sizeof(struct dgram);
}

int tt__frag6_init(struct tt_stack *s)
{
    s->frag6 = tt__calloc(s, frag6_size(s->cfg.ipfrag_max_datagrams));
    if (!s->frag6)
        return TT_ENOMEM;
    s->frag6->n = s->cfg.ipfrag_max_datagrams;
    return 0;
}

static void dgram_free(struct tt_stack *s, struct dgram *d, int failed)
{
    s->frag6->bytes -= tt__frag_free_all(s, d->pieces);
    memset(d, 0, sizeof *d);
    s->frag6->nused--;
    if (failed)
        s->ctr.ip6_reasm_fails++;
}

void tt__frag6_fini(struct tt_stack *s)
{
    if (!s->frag6)
        return;
    for (uint32_t i = 0; i < s->frag6->n; i++)
        if (s->frag6->d[i].used)
            dgram_free(s, &s->frag6->d[i], 0);
    tt__free(s, s->frag6, frag6_size(s->frag6->n));
    s->frag6 = NULL;
}

static struct dgram *find(struct tt_stack *s, const struct tt_ipv6_hdr *h, uint32_t id, tt_time now)
{
    struct dgram *free_slot = NULL;
    for (uint32_t i = 0; i < s->frag6->n; i++) {
        struct dgram *d = &s->frag6->d[i];
        if (!d->used) {
            if (!free_slot)
                free_slot = d;
            continue;
        }
        if (d->id == id && memcmp(d->src, h->src, 16) == 0 && memcmp(d->dst, h->dst, 16) == 0)
            return d;
    }
    if (!free_slot)
        return NULL;
    free_slot->used = 1;
    memcpy(free_slot->src, h->src, 16);
    memcpy(free_slot->dst, h->dst, 16);
    free_slot->id = id;
    free_slot->expires = now + s->cfg.ipfrag_timeout;
    s->frag6->nused++;
    return free_slot;
}

static void complete(struct tt_stack *s, struct dgram *d, tt_time now)
{
    size_t len = (size_t)d->unfrag_len + d->total;
    int iface = d->iface, l2_mcast = d->l2_mcast;
    uint8_t *buf = tt__alloc(s, len);
    if (!buf) {
        tt__drop(s, TT_DROP_IP6_FRAG_NOMEM, iface, NULL, 0, now);
        dgram_free(s, d, 1);
        return;
    }
    memcpy(buf, d->unfrag, d->unfrag_len);
    tt__frag_copy_out(d->pieces, buf + d->unfrag_len);
    struct tt_ipv6_hdr h;
    tt__ipv6_parse_quoted(buf, len, &h);
    h.payload_len = (uint16_t)(len - TT_IPV6_HLEN);
    tt__ipv6_emit(&h, buf, TT_IPV6_HLEN);
    size_t off = d->unfrag_len;
    uint8_t next = d->next;
    s->ctr.ip6_reasm_oks++;
    dgram_free(s, d, 0); /* before delivery: an echo reply may need the memory */
    tt__ip6_deliver(s, iface, &h, buf, len, off, next, l2_mcast, now);
    tt__free(s, buf, len);
}

void tt__frag6_input(struct tt_stack *s, int iface, const struct tt_ipv6_hdr *h, const uint8_t *pkt,
                     size_t len, const struct tt_ipv6_ext *x, int l2_mcast, tt_time now)
{
    size_t hdr_end = x->frag_off + TT_IPV6_FRAG_HLEN;
    const uint8_t *data = pkt + hdr_end;
    uint32_t n = (uint32_t)(len - hdr_end);
    uint32_t off = x->frag.off, end = off + n;
    s->ctr.ip6_reasm_reqds++;
    /* RFC 8200 §4.5: all but the last fragment carry a multiple of 8 bytes
     * (else a parameter problem pointing at the payload length), and none
     * may reach past 65535 (pointing at the fragment offset). */
    if (n == 0 || (x->frag.m && (n & 7))) {
        if (n)
            tt__icmp6_send_error(s, iface, TT_ICMP6_PARAM_PROBLEM, TT_ICMP6_PP_HEADER, 4, pkt, len,
                                 l2_mcast, 0, now);
        tt__drop(s, TT_DROP_IP6_FRAG_INVALID, iface, pkt, len, now);
        return;
    }
    if (x->frag_off > FRAG_MAX_UNFRAG) {
        tt__drop(s, TT_DROP_IP6_FRAG_NOMEM, iface, pkt, len, now);
        return;
    }
    if (x->frag_off - TT_IPV6_HLEN + end > 65535) {
        tt__icmp6_send_error(s, iface, TT_ICMP6_PARAM_PROBLEM, TT_ICMP6_PP_HEADER, x->frag_off + 2,
                             pkt, len, l2_mcast, 0, now);
        tt__drop(s, TT_DROP_IP6_FRAG_INVALID, iface, pkt, len, now);
        return;
    }
    struct dgram *d = find(s, h, x->frag.id, now);
    if (!d) {
        tt__drop(s, TT_DROP_IP6_FRAG_NOMEM, iface, pkt, len, now);
        return;
    }
    /* The last fragment fixes the length: nothing may lie beyond it. */
    int bad = (!x->frag.m && (d->has_last ? end != d->total : d->max_end > end)) ||
              (x->frag.m && d->has_last && end > d->total);
    int dup = 0;
    struct tt__frag_piece **link = bad ? NULL : tt__frag_place(&d->pieces, off, end, data, &dup);
    if (dup)
        return;
    if (!link) {
        /* RFC 5722: overlapping fragments discard the whole packet. */
        tt__drop(s, bad ? TT_DROP_IP6_FRAG_INVALID : TT_DROP_IP6_FRAG_OVERLAP, iface, pkt, len,
                 now);
        dgram_free(s, d, 1);
        return;
    }
    struct tt__frag_piece *p = NULL;
    if (d->npieces < FRAG_MAX_PIECES && s->frag6->bytes + sizeof *p + n <= s->cfg.ipfrag_max_bytes)
        p = tt__alloc(s, sizeof *p + n);
    if (!p) {
        tt__drop(s, TT_DROP_IP6_FRAG_NOMEM, iface, pkt, len, now);
        if (!d->pieces || d->npieces >= FRAG_MAX_PIECES)
            dgram_free(s, d, d->pieces != NULL);
        return;
    }
    p->off = (uint16_t)off;
    p->len = (uint16_t)n;
    memcpy(p->data, data, n);
    p->next = *link;
    *link = p;
    d->iface = iface;
    d->l2_mcast |= (uint8_t)(l2_mcast != 0);
    d->got += n;
    d->npieces++;
    s->frag6->bytes += sizeof *p + n;
    if (off == 0) {
        d->has_first = 1;
        d->next = x->frag.next;
        d->unfrag_len = (uint16_t)x->frag_off;
        memcpy(d->unfrag, pkt, x->frag_off);
    }
    if (!x->frag.m) {
        d->has_last = 1;
        d->total = end;
    }
    if (end > d->max_end)
        d->max_end = end;
    if (d->has_first && d->has_last && d->got == d->total)
        complete(s, d, now);
}

tt_time tt__frag6_poll(struct tt_stack *s, tt_time now)
{
    tt_time next = TT_TIME_NEVER;
    for (uint32_t i = 0; i < s->frag6->n && s->frag6->nused; i++) {
        struct dgram *d = &s->frag6->d[i];
        if (!d->used)
            continue;
        if (now < d->expires) {
            next = tt__time_min(next, d->expires);
            continue;
        }
        tt__drop(s, TT_DROP_IP6_FRAG_TIMEOUT, d->iface, NULL, 0, now);
        /* RFC 8200 §4.5: time exceeded, code 1, quoting fragment zero,
         * only when it came. Its data is the first piece. */
        if (d->has_first && d->pieces) {
            uint8_t q[FRAG_MAX_UNFRAG + 8 + 64];
            size_t qn = d->unfrag_len;
            memcpy(q, d->unfrag, qn);
            size_t dn = d->pieces->len < 64 ? d->pieces->len : 64;
            memcpy(q + qn, d->pieces->data, dn);
            tt__icmp6_send_error(s, d->iface, TT_ICMP6_TIME_EXCEEDED, 1, 0, q, qn + dn, d->l2_mcast,
                                 0, now);
        }
        dgram_free(s, d, 1);
    }
    return next;
}
