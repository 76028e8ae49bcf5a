/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Deadlines: an intrusive pairing heap of absolute times. The owner embeds a
 * struct tt__tnode in each object that needs a deadline; the heap allocates
 * nothing. Insert and meld are O(1), removing the minimum or an arbitrary node
 * is O(log n) amortised, and the next deadline is read in O(1), so the stack
 * never scans its connections to find what is due (DESIGN.md "Scales with
 * connections").
 */
#ifndef TT_UTIL_TIMER_H
#define TT_UTIL_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include <tether/time.h>

struct tt__tnode {
    tt_time when;
    struct tt__tnode *child; /* first child */
    struct tt__tnode *next;  /* next sibling */
    struct tt__tnode *prev;  /* parent when first child, else left sibling; NULL for the root */
    uint8_t queued;
};

struct tt__theap {
    struct tt__tnode *root;
    size_t count;
};

void tt__theap_init(struct tt__theap *h);

/* Schedule n at `when` (TT_TIME_NEVER unschedules). Works whether or not n is
 * already queued. */
void tt__theap_set(struct tt__theap *h, struct tt__tnode *n, tt_time when);

/* Unschedule n (no-op when not queued). */
void tt__theap_remove(struct tt__theap *h, struct tt__tnode *n);

/* The earliest node, NULL when empty. */
static inline struct tt__tnode *tt__theap_min(const struct tt__theap *h)
{
    return h->root;
}

/* The earliest deadline, TT_TIME_NEVER when empty. */
static inline tt_time tt__theap_next(const struct tt__theap *h)
{
    return h->root ? h->root->when : TT_TIME_NEVER;
}

/* Remove and return the earliest node if it is due at or before now, else NULL. */
struct tt__tnode *tt__theap_pop_due(struct tt__theap *h, tt_time now);

#endif
