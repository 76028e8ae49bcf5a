/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An intrusive chained hash table. The owner embeds a struct tt__hnode in each
 * object, computes the hash (tt__hash_tuple_table for TCP 4-tuples: SipHash-1-3
 * keyed by the stack secret, so crafted tuples cannot pile into one bucket) and gives
 * the bucket array (a power of two, owner-allocated), so this file allocates
 * nothing. Lookups walk one chain comparing the stored 64-bit hash first.
 */
#ifndef TT_UTIL_HASH_H
#define TT_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "tether/addr.h"

struct tt__hnode {
    struct tt__hnode *next;
    uint64_t hash;
};

struct tt__htable {
    struct tt__hnode **bucket;
    size_t nbuckets; /* power of two */
    size_t count;
};

/* Use `buckets` (n entries, n a power of two; cleared here). */
void tt__htable_init(struct tt__htable *t, struct tt__hnode **buckets, size_t n);

void tt__htable_insert(struct tt__htable *t, struct tt__hnode *node, uint64_t hash);

/* Remove a node that is in the table (no-op when not found). */
void tt__htable_remove(struct tt__htable *t, struct tt__hnode *node);

/* The first node whose hash equals `hash`, then the following ones. */
struct tt__hnode *tt__htable_first(const struct tt__htable *t, uint64_t hash);
struct tt__hnode *tt__htable_next(const struct tt__hnode *n, uint64_t hash);

/* Move every node into `buckets` (n entries, a power of two) and return the
 * previous array, for the owner to free. */
struct tt__hnode **tt__htable_rehash(struct tt__htable *t, struct tt__hnode **buckets, size_t n);

/* SipHash-2-4 of a TCP 4-tuple under `key` (ISNs, ephemeral ports): the
 * addresses' bytes in network order (4 each for IPv4, 16 for IPv6), then the
 * ports. An address of another family than INET6 hashes as IPv4. */
uint64_t tt__hash_tuple(const uint64_t key[2], const struct tt_addr *laddr, uint16_t lport,
                        const struct tt_addr *raddr, uint16_t rport);

/* The hash tables' hash of a 4-tuple: SipHash-1-3 under `key`; for IPv4 of
 * the 12 bytes laddr, raddr, lport, rport, each little-endian; for IPv6 of
 * the 36 bytes of both addresses (network order) and the ports. */
uint64_t tt__hash_tuple_table(const uint64_t key[2], const struct tt_addr *laddr, uint16_t lport,
                              const struct tt_addr *raddr, uint16_t rport);

#endif
