/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixed-pool allocator for static builds. Requests are rounded up to a
 * power-of-two class (16 B .. 8 MiB). Each class keeps a free list threaded
 * through its free blocks; a class with an empty list carves a new block from
 * the never-used part of the pool (brk..end), and when that is exhausted too,
 * splits a free block of a larger class in halves (buddy style, without
 * merging back). Nothing found means NULL: an ordinary outcome for the stack.
 * The core's free() passes the size it asked for, so blocks need no header.
 */
#include <string.h>

#include <tether/alloc.h>

#define TT_FIXED_MIN_SHIFT 4 /* 16 bytes: room for the free-list link, aligned */
#define TT_FIXED_MIN ((size_t)1 << TT_FIXED_MIN_SHIFT)

static size_t class_size(int c)
{
    return TT_FIXED_MIN << c;
}

/* The class serving `size` bytes, or -1 when larger than the largest. */
static int class_of(size_t size)
{
    int c = 0;

    while (class_size(c) < size) {
        if (++c == TT_FIXED_CLASSES)
            return -1;
    }
    return c;
}

/* Free-list links are stored with memcpy: blocks are 16-aligned, but this
 * keeps the code free of any assumption about pointer alignment. */
static void *pop(struct tt_fixed_allocator *fa, int c)
{
    void *blk = fa->free_list[c];

    if (blk != NULL)
        memcpy(&fa->free_list[c], blk, sizeof(void *));
    return blk;
}

static void push(struct tt_fixed_allocator *fa, int c, void *blk)
{
    memcpy(blk, &fa->free_list[c], sizeof(void *));
    fa->free_list[c] = blk;
}

void tt_fixed_allocator_init(struct tt_fixed_allocator *fa, void *mem, size_t len)
{
    uint8_t *p = mem;
    size_t skip = 0;

    memset(fa, 0, sizeof *fa);
    if (p == NULL)
        return;
    /* Align the pool start to the smallest class (16, which suffices for
     * every standard type); every block size is a multiple of it. */
    if ((uintptr_t)p % TT_FIXED_MIN != 0)
        skip = TT_FIXED_MIN - (uintptr_t)p % TT_FIXED_MIN;
    if (skip > len)
        skip = len;
    fa->base = p + skip;
    fa->brk = fa->base;
    fa->end = p + len;
}

/* Split a free block of a class above c down to class c: the first half is
 * kept at each step, the second half goes to the list one class lower. */
static void *split_from_larger(struct tt_fixed_allocator *fa, int c)
{
    for (int big = c + 1; big < TT_FIXED_CLASSES; big++) {
        uint8_t *blk = pop(fa, big);
        if (blk == NULL)
            continue;
        for (int k = big - 1; k >= c; k--)
            push(fa, k, blk + class_size(k));
        return blk;
    }
    return NULL;
}

static void *fixed_alloc(void *ctx, size_t size)
{
    struct tt_fixed_allocator *fa = ctx;
    int c = class_of(size == 0 ? 1 : size);
    void *blk;

    if (c < 0 || fa->base == NULL)
        return NULL;
    blk = pop(fa, c);
    if (blk == NULL && (size_t)(fa->end - fa->brk) >= class_size(c)) {
        blk = fa->brk;
        fa->brk += class_size(c);
    }
    if (blk == NULL)
        blk = split_from_larger(fa, c);
    if (blk == NULL)
        return NULL;
    fa->in_use += class_size(c);
    if (fa->in_use > fa->high_water)
        fa->high_water = fa->in_use;
    return blk;
}

static void fixed_free(void *ctx, void *ptr, size_t size)
{
    struct tt_fixed_allocator *fa = ctx;
    uint8_t *p = ptr;
    int c = class_of(size == 0 ? 1 : size);

    /* Ignore what cannot be ours rather than corrupt a list with it. */
    if (p == NULL || c < 0 || p < fa->base || p >= fa->brk)
        return;
    push(fa, c, p);
    fa->in_use -= class_size(c);
}

struct tt_allocator tt_fixed_allocator_hooks(struct tt_fixed_allocator *fa)
{
    struct tt_allocator a;

    a.alloc = fixed_alloc;
    a.free = fixed_free;
    a.ctx = fa;
    return a;
}
