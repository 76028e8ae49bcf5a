/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pairing heap (Fredman, Sedgewick, Sleator, Tarjan 1986) with the two-pass
 * merge, intrusive and allocation-free. See timer.h.
 */
#include "util/timer.h"

void tt__theap_init(struct tt__theap *h)
{
    h->root = NULL;
    h->count = 0;
}

/* Join two detached roots; the later one becomes the first child of the other. */
static struct tt__tnode *meld(struct tt__tnode *a, struct tt__tnode *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    if (b->when < a->when) {
        struct tt__tnode *x = a;
        a = b;
        b = x;
    }
    b->next = a->child;
    if (a->child)
        a->child->prev = b;
    b->prev = a;
    a->child = b;
    return a;
}

/* Two-pass merge of a sibling list: pair left to right, fold right to left. */
static struct tt__tnode *merge_pairs(struct tt__tnode *first)
{
    struct tt__tnode *acc = NULL;
    while (first) {
        struct tt__tnode *a = first, *b = a->next;
        first = b ? b->next : NULL;
        a->next = a->prev = NULL;
        if (b)
            b->next = b->prev = NULL;
        struct tt__tnode *m = meld(a, b);
        m->next = acc;
        acc = m;
    }
    struct tt__tnode *r = NULL;
    while (acc) {
        struct tt__tnode *n = acc->next;
        acc->next = NULL;
        r = meld(r, acc);
        acc = n;
    }
    if (r)
        r->prev = NULL;
    return r;
}

void tt__theap_remove(struct tt__theap *h, struct tt__tnode *n)
{
    if (!n->queued)
        return;
    if (n == h->root) {
        h->root = merge_pairs(n->child);
    } else {
        if (n->prev->child == n)
            n->prev->child = n->next;
        else
            n->prev->next = n->next;
        if (n->next)
            n->next->prev = n->prev;
        h->root = meld(h->root, merge_pairs(n->child));
    }
    if (h->root)
        h->root->prev = NULL;
    n->child = n->next = n->prev = NULL;
    n->queued = 0;
    h->count--;
}

void tt__theap_set(struct tt__theap *h, struct tt__tnode *n, tt_time when)
{
    if (n->queued && n->when == when)
        return;
    tt__theap_remove(h, n);
    if (when == TT_TIME_NEVER)
        return;
    n->when = when;
    n->child = n->next = n->prev = NULL;
    n->queued = 1;
    h->root = meld(h->root, n);
    h->count++;
}

struct tt__tnode *tt__theap_pop_due(struct tt__theap *h, tt_time now)
{
    struct tt__tnode *n = h->root;
    if (!n || n->when > now)
        return NULL;
    tt__theap_remove(h, n);
    return n;
}
