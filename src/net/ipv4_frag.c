/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 reassembly (RFC 791 §3.2, RFC 1122 §3.3.2 MUST reassemble).
 *
 * A datagram under reassembly is keyed by (source, destination, protocol,
 * identification) and holds its fragments in a list sorted by offset. Since
 * overlapping fragments are refused, the datagram is complete exactly when
 * the last fragment has been seen and the bytes held equal its end: no hole
 * bookkeeping is needed beyond that count (RFC 815's descriptor list reduces
 * to it when holes can only be filled, never partly covered twice).
 *
 * Limits, all from the config: cfg.ipfrag_max_datagrams datagrams at once in
 * a table allocated at creation, cfg.ipfrag_max_bytes of fragments held in
 * total, counting their bookkeeping (IP_FRAG_NOMEM beyond either; also past
 * FRAG_MAX_PIECES fragments in one datagram), 65535 bytes per datagram
 * (IP_FRAG_TOO_BIG), cfg.ipfrag_timeout from the first fragment
 * (IP_FRAG_TIMEOUT, with a time-exceeded message when fragment zero came,
 * RFC 792 and RFC 1122 §3.3.2).
 *
 * Overlaps: a fragment that overlaps one already held ends the whole
 * datagram (IP_FRAG_INVALID), in the spirit of RFC 5722: overlapping
 * fragments are an attack on filters, never a legitimate retransmission.
 * An exact duplicate (same offset, length and bytes) is ignored.
 */
#include <string.h>

#include "net/net.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

#define IP_MAXPACKET 65535u
#define FRAG_QUOTE (60 + 8) /* longest header plus the 8 data bytes RFC 792 quotes */
/* Fragments held per datagram. Insertion walks the sorted list, so this
 * bounds the work a flood of tiny fragments can cause; 128 covers a 64 KiB
 * datagram over a 576-byte path (FreeBSD's maxfragsperpacket is 16). */
#define FRAG_MAX_PIECES 128

struct frag_dgram {
    uint8_t used, has_first, has_last, l2_bcast;
    int iface;
    uint32_t src, dst;
    uint16_t id;
    uint8_t proto;
    tt_time expires;
    uint32_t total;   /* payload length, once the last fragment is in */
    uint32_t got;     /* payload bytes held */
    uint32_t max_end; /* highest end offset held */
    uint32_t npieces;
    struct tt_ipv4_hdr first;
    uint8_t quote[FRAG_QUOTE]; /* fragment zero's header and first 8 bytes */
    uint8_t quote_len;
    struct tt__frag_piece *pieces;
};

struct tt__frag {
    uint32_t n, nused;
    size_t bytes; /* fragments held with their overhead, against cfg.ipfrag_max_bytes */
    struct frag_dgram d[];
};

static size_t frag_size(uint32_t n)
{
    return sizeof(struct tt__frag) + (size_t)n * sizeof(struct frag_dgram);
}

int tt__frag_init(struct tt_stack *s)
{
    s->frag = tt__calloc(s, frag_size(s->cfg.ipfrag_max_datagrams));
    if (!s->frag)
        return TT_ENOMEM;
    s->frag->n = s->cfg.ipfrag_max_datagrams;
    return 0;
}

static void dgram_free(struct tt_stack *s, struct frag_dgram *d)
{
    s->frag->bytes -= tt__frag_free_all(s, d->pieces);
    memset(d, 0, sizeof *d);
    s->frag->nused--;
}

/* Give up on a datagram: count it failed and free it. */
static void dgram_fail(struct tt_stack *s, struct frag_dgram *d)
{
    s->ctr.ip_reasm_fails++;
    dgram_free(s, d);
}

void tt__frag_fini(struct tt_stack *s)
{
    if (!s->frag)
        return;
    for (uint32_t i = 0; i < s->frag->n; i++)
        if (s->frag->d[i].used)
            dgram_free(s, &s->frag->d[i]);
    tt__free(s, s->frag, frag_size(s->frag->n));
    s->frag = NULL;
}

static struct frag_dgram *find(struct tt_stack *s, const struct tt_ipv4_hdr *h, int create,
                               tt_time now)
{
    struct frag_dgram *free_slot = NULL;
    for (uint32_t i = 0; i < s->frag->n; i++) {
        struct frag_dgram *d = &s->frag->d[i];
        if (!d->used) {
            if (!free_slot)
                free_slot = d;
            if (s->frag->nused == 0)
                break;
            continue;
        }
        if (d->id == h->id && d->src == h->src && d->dst == h->dst && d->proto == h->proto)
            return d;
    }
    if (!create || !free_slot)
        return NULL;
    free_slot->used = 1;
    free_slot->src = h->src;
    free_slot->dst = h->dst;
    free_slot->id = h->id;
    free_slot->proto = h->proto;
    free_slot->expires = now + s->cfg.ipfrag_timeout;
    s->frag->nused++;
    return free_slot;
}

/* All bytes are in: rebuild the datagram with a plain 20-byte header (the
 * options of fragment zero are not kept) and deliver it. */
static void complete(struct tt_stack *s, struct frag_dgram *d, tt_time now)
{
    struct tt_ipv4_hdr h = d->first;
    int iface = d->iface, l2_bcast = d->l2_bcast;
    size_t len = TT_IPV4_HLEN + d->total;
    uint8_t *buf = tt__alloc(s, len);
    if (!buf) {
        tt__drop(s, TT_DROP_IP_FRAG_NOMEM, iface, NULL, 0, now);
        dgram_fail(s, d);
        return;
    }
    h.hlen = TT_IPV4_HLEN;
    h.total_len = (uint16_t)len;
    h.mf = 0;
    h.frag_off = 0;
    tt__ipv4_emit(&h, buf, TT_IPV4_HLEN);
    tt__frag_copy_out(d->pieces, buf + TT_IPV4_HLEN);
    s->ctr.ip_reasm_oks++;
    dgram_free(s, d); /* before delivery: an echo reply may need the memory */
    tt__ip_deliver(s, iface, &h, buf, l2_bcast, now);
    tt__free(s, buf, len);
}

/* Record what fragment zero and the last fragment tell about the datagram. */
static void note_ends(struct frag_dgram *d, const struct tt_ipv4_hdr *h, const uint8_t *pkt,
                      uint32_t end)
{
    if (h->frag_off == 0) {
        size_t n = (size_t)h->hlen + 8;
        if (n > h->total_len)
            n = h->total_len;
        d->has_first = 1;
        d->first = *h;
        memcpy(d->quote, pkt, n);
        d->quote_len = (uint8_t)n;
    }
    if (!h->mf) {
        d->has_last = 1;
        d->total = end;
    }
    if (end > d->max_end)
        d->max_end = end;
}

void tt__frag_input(struct tt_stack *s, int iface, const struct tt_ipv4_hdr *h, const uint8_t *pkt,
                    int l2_bcast, tt_time now)
{
    const uint8_t *data = pkt + h->hlen;
    uint32_t n = (uint32_t)h->total_len - h->hlen;
    uint32_t off = h->frag_off, end = off + n;
    /* RFC 791 §3.2: every fragment but the last carries a multiple of 8 bytes. */
    if (n == 0 || (h->mf && (n & 7))) {
        tt__drop(s, TT_DROP_IP_FRAG_INVALID, iface, pkt, h->total_len, now);
        return;
    }
    struct frag_dgram *d = find(s, h, 0, now);
    if (h->hlen + end > IP_MAXPACKET) {
        tt__drop(s, TT_DROP_IP_FRAG_TOO_BIG, iface, pkt, h->total_len, now);
        if (d)
            dgram_fail(s, d);
        return;
    }
    if (!d)
        d = find(s, h, 1, now);
    if (!d) {
        tt__drop(s, TT_DROP_IP_FRAG_NOMEM, iface, pkt, h->total_len, now);
        return;
    }
    /* The last fragment fixes the length: nothing may lie beyond it. */
    int bad = (!h->mf && (d->has_last ? end != d->total : d->max_end > end)) ||
              (h->mf && d->has_last && end > d->total);
    int dup = 0;
    struct tt__frag_piece **link = bad ? NULL : tt__frag_place(&d->pieces, off, end, data, &dup);
    if (dup)
        return;
    if (!link) {
        tt__drop(s, TT_DROP_IP_FRAG_INVALID, iface, pkt, h->total_len, now);
        dgram_fail(s, d);
        return;
    }
    if (d->npieces >= FRAG_MAX_PIECES) {
        tt__drop(s, TT_DROP_IP_FRAG_NOMEM, iface, pkt, h->total_len, now);
        dgram_fail(s, d); /* it can never complete */
        return;
    }
    struct tt__frag_piece *p = NULL;
    if (s->frag->bytes + sizeof *p + n <= s->cfg.ipfrag_max_bytes)
        p = tt__alloc(s, sizeof *p + n);
    if (!p) {
        tt__drop(s, TT_DROP_IP_FRAG_NOMEM, iface, pkt, h->total_len, now);
        if (!d->pieces)
            dgram_free(s, d); /* nothing held: do not keep an empty slot */
        return;
    }
    p->off = (uint16_t)off;
    p->len = (uint16_t)n;
    memcpy(p->data, data, n);
    p->next = *link;
    *link = p;
    d->iface = iface;
    d->l2_bcast |= (uint8_t)(l2_bcast != 0);
    d->got += n;
    d->npieces++;
    s->frag->bytes += sizeof *p + n;
    note_ends(d, h, pkt, end);
    if (d->has_last && d->got == d->total)
        complete(s, d, now);
}

tt_time tt__frag_poll(struct tt_stack *s, tt_time now)
{
    tt_time next = TT_TIME_NEVER;
    for (uint32_t i = 0; i < s->frag->n && s->frag->nused; i++) {
        struct frag_dgram *d = &s->frag->d[i];
        if (!d->used)
            continue;
        if (now < d->expires) {
            next = tt__time_min(next, d->expires);
            continue;
        }
        tt__drop(s, TT_DROP_IP_FRAG_TIMEOUT, d->iface, NULL, 0, now);
        /* RFC 792 / RFC 1122 §3.3.2: time exceeded, code 1, only when
         * fragment zero is here to be quoted. */
        if (d->has_first)
            tt__icmp_send_error(s, TT_ICMP_TIME_EXCEEDED, 1, 0, d->quote, d->quote_len, d->l2_bcast,
                                now);
        dgram_fail(s, d);
    }
    return next;
}
