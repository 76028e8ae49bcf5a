/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fixed-pool allocator for static builds: the host gives one block of memory
 * and gets struct tt_allocator hooks that serve a stack from it, never from the
 * heap. Size classes of powers of two with free lists; exhaustion returns NULL
 * (the stack treats that as an ordinary, counted outcome).
 */
#ifndef TETHER_ALLOC_H
#define TETHER_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define TT_FIXED_CLASSES 20 /* 16 B .. 8 MiB */

struct tt_fixed_allocator {
    uint8_t *base, *brk, *end; /* the pool; brk is the first never-used byte */
    void *free_list[TT_FIXED_CLASSES];
    size_t in_use; /* bytes handed out (rounded to class) */
    size_t high_water;
};

/* Prepare `fa` over [mem, mem + len). mem must stay valid while in use. */
void tt_fixed_allocator_init(struct tt_fixed_allocator *fa, void *mem, size_t len);

/* Hooks for struct tt_config.allocator that serve from `fa`. */
struct tt_allocator tt_fixed_allocator_hooks(struct tt_fixed_allocator *fa);

#endif
