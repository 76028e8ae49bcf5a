/* SPDX-License-Identifier: BSD-2-Clause */
/* Intrusive chained hash table; see hash.h. */
#include <string.h>

#include "util/hash.h"
#include "util/siphash.h"

void tt__htable_init(struct tt__htable *t, struct tt__hnode **buckets, size_t n)
{
    memset(buckets, 0, n * sizeof *buckets);
    t->bucket = buckets;
    t->nbuckets = n;
    t->count = 0;
}

void tt__htable_insert(struct tt__htable *t, struct tt__hnode *node, uint64_t hash)
{
    struct tt__hnode **b = &t->bucket[hash & (t->nbuckets - 1)];
    node->hash = hash;
    node->next = *b;
    *b = node;
    t->count++;
}

void tt__htable_remove(struct tt__htable *t, struct tt__hnode *node)
{
    struct tt__hnode **p = &t->bucket[node->hash & (t->nbuckets - 1)];
    while (*p && *p != node)
        p = &(*p)->next;
    if (!*p)
        return;
    *p = node->next;
    node->next = NULL;
    t->count--;
}

struct tt__hnode *tt__htable_first(const struct tt__htable *t, uint64_t hash)
{
    struct tt__hnode *n = t->bucket[hash & (t->nbuckets - 1)];
    while (n && n->hash != hash)
        n = n->next;
    return n;
}

struct tt__hnode *tt__htable_next(const struct tt__hnode *n, uint64_t hash)
{
    struct tt__hnode *m = n->next;
    while (m && m->hash != hash)
        m = m->next;
    return m;
}

struct tt__hnode **tt__htable_rehash(struct tt__htable *t, struct tt__hnode **buckets, size_t n)
{
    struct tt__hnode **old = t->bucket;
    size_t oldn = t->nbuckets;
    memset(buckets, 0, n * sizeof *buckets);
    for (size_t i = 0; i < oldn; i++) {
        struct tt__hnode *x = old[i];
        while (x) {
            struct tt__hnode *next = x->next;
            struct tt__hnode **b = &buckets[x->hash & (n - 1)];
            x->next = *b;
            *b = x;
            x = next;
        }
    }
    t->bucket = buckets;
    t->nbuckets = n;
    return old;
}

static size_t put_addr(uint8_t *b, const struct tt_addr *a)
{
    if (a->family == TT_AF_INET6) {
        for (int i = 0; i < 16; i++)
            b[i] = a->v6[i];
        return 16;
    }
    b[0] = (uint8_t)(a->v4 >> 24);
    b[1] = (uint8_t)(a->v4 >> 16);
    b[2] = (uint8_t)(a->v4 >> 8);
    b[3] = (uint8_t)a->v4;
    return 4;
}

static size_t put_tuple(uint8_t *b, const struct tt_addr *laddr, uint16_t lport,
                        const struct tt_addr *raddr, uint16_t rport)
{
    size_t n = put_addr(b, laddr);
    n += put_addr(b + n, raddr);
    b[n++] = (uint8_t)(lport >> 8);
    b[n++] = (uint8_t)lport;
    b[n++] = (uint8_t)(rport >> 8);
    b[n++] = (uint8_t)rport;
    return n;
}

uint64_t tt__hash_tuple(const uint64_t key[2], const struct tt_addr *laddr, uint16_t lport,
                        const struct tt_addr *raddr, uint16_t rport)
{
    uint8_t b[36];
    return tt__siphash(key, b, put_tuple(b, laddr, lport, raddr, rport));
}

uint64_t tt__hash_tuple_table(const uint64_t key[2], const struct tt_addr *laddr, uint16_t lport,
                              const struct tt_addr *raddr, uint16_t rport)
{
    if (laddr->family != TT_AF_INET6 && raddr->family != TT_AF_INET6)
        return tt__siphash13_12(key, (uint64_t)laddr->v4 | (uint64_t)raddr->v4 << 32,
                                (uint32_t)lport | (uint32_t)rport << 16);
    uint8_t b[36];
    return tt__siphash13(key, b, put_tuple(b, laddr, lport, raddr, rport));
}
