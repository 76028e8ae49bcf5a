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

uint64_t tt__hash_tuple(const uint64_t key[2], uint32_t laddr, uint16_t lport, uint32_t raddr,
                        uint16_t rport)
{
    uint8_t b[12];
    b[0] = (uint8_t)(laddr >> 24);
    b[1] = (uint8_t)(laddr >> 16);
    b[2] = (uint8_t)(laddr >> 8);
    b[3] = (uint8_t)laddr;
    b[4] = (uint8_t)(raddr >> 24);
    b[5] = (uint8_t)(raddr >> 16);
    b[6] = (uint8_t)(raddr >> 8);
    b[7] = (uint8_t)raddr;
    b[8] = (uint8_t)(lport >> 8);
    b[9] = (uint8_t)lport;
    b[10] = (uint8_t)(rport >> 8);
    b[11] = (uint8_t)rport;
    return tt__siphash(key, b, sizeof b);
}

uint64_t tt__hash_tuple_table(const uint64_t key[2], uint32_t laddr, uint16_t lport, uint32_t raddr,
                              uint16_t rport)
{
    return tt__siphash13_12(key, (uint64_t)laddr | (uint64_t)raddr << 32,
                            (uint32_t)lport | (uint32_t)rport << 16);
}
