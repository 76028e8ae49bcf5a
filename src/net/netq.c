/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The lists IPv4 and IPv6 keep alike: packets waiting for address
 * resolution (ARP, RFC 826 / RFC 1122 §2.3.2.2; NDP, RFC 4861 §7.2.2) and
 * the pieces of a datagram under reassembly (RFC 791 §3.2, RFC 8200 §4.5).
 * What differs between the versions (limits, drop reasons, what counts as
 * malformed) stays with the callers.
 */
#include <string.h>

#include "net/net.h"

int tt__pendq_push(struct tt_stack *s, struct tt__pendq *q, uint32_t limit,
                   enum tt_drop_reason full, int iface, size_t len, tt_time now)
{
    const uint8_t *pk = s->txbuf + TT__NET_L3;
    if (q->n >= limit) {
        tt__drop(s, full, iface, pk, len, now);
        return TT_ENOBUFS;
    }
    struct tt__pendq_pkt *p = tt__alloc(s, sizeof *p + len);
    if (!p) {
        tt__drop(s, TT_DROP_NOMEM, iface, pk, len, now);
        return TT_ENOMEM;
    }
    p->next = NULL;
    p->len = len;
    memcpy(p->data, pk, len);
    if (q->tail)
        q->tail->next = p;
    else
        q->head = p;
    q->tail = p;
    q->n++;
    return 0;
}

void tt__pendq_drop_all(struct tt_stack *s, struct tt__pendq *q, enum tt_drop_reason why, int iface,
                        tt_time now)
{
    struct tt__pendq_pkt *p = q->head;
    while (p) {
        struct tt__pendq_pkt *next = p->next;
        if (now != TT_TIME_NEVER)
            tt__drop(s, why, iface, p->data, p->len, now);
        tt__free(s, p, sizeof *p + p->len);
        p = next;
    }
    q->head = q->tail = NULL;
    q->n = 0;
}

void tt__pendq_flush(struct tt_stack *s, struct tt__pendq *q, int iface, const uint8_t mac[6],
                     uint16_t type, tt_time now)
{
    /* Emptied first: a send below may reach this entry again. */
    struct tt__pendq_pkt *p = q->head;
    q->head = q->tail = NULL;
    q->n = 0;
    while (p) {
        struct tt__pendq_pkt *next = p->next;
        memcpy(s->txbuf + TT__NET_L3, p->data, p->len);
        tt__eth_send(s, iface, mac, type, p->len, now);
        tt__free(s, p, sizeof *p + p->len);
        p = next;
    }
}

struct tt__frag_piece **tt__frag_place(struct tt__frag_piece **head, uint32_t off, uint32_t end,
                                       const uint8_t *data, int *dup)
{
    struct tt__frag_piece **link = head;
    *dup = 0;
    for (struct tt__frag_piece *p = *head; p; p = p->next) {
        uint32_t pend = (uint32_t)p->off + p->len;
        if (pend <= off) {
            link = &p->next;
            continue;
        }
        if (p->off >= end)
            break;
        *dup = p->off == off && pend == end && memcmp(p->data, data, p->len) == 0;
        return NULL;
    }
    return link;
}

size_t tt__frag_free_all(struct tt_stack *s, struct tt__frag_piece *p)
{
    size_t bytes = 0;
    while (p) {
        struct tt__frag_piece *next = p->next;
        bytes += sizeof *p + p->len;
        tt__free(s, p, sizeof *p + p->len);
        p = next;
    }
    return bytes;
}

void tt__frag_copy_out(const struct tt__frag_piece *p, uint8_t *dst)
{
    for (; p; p = p->next)
        memcpy(dst + p->off, p->data, p->len);
}
