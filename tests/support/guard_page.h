/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guard-page buffers for parser tests: the input is copied so that its last
 * byte sits just before an unreadable page, so any read past the end faults
 * at once (no sanitizer needed). Host code, tests only.
 */
#ifndef TT_TEST_GUARD_PAGE_H
#define TT_TEST_GUARD_PAGE_H

#include <stddef.h>
#include <stdint.h>

struct tt_guard {
    uint8_t *map; /* the whole mapping: data pages, then the guard page */
    size_t map_len;
    size_t room; /* bytes usable before the guard page */
};

/* Map room for `max_len` bytes followed by a PROT_NONE page. 0 or -1. */
int tt_guard_init(struct tt_guard *g, size_t max_len);

/* Copy len bytes (len <= max_len) so that they end right at the guard page;
 * returns the address of the copy (valid until the next call or release). */
const uint8_t *tt_guard_place(struct tt_guard *g, const void *data, size_t len);

void tt_guard_release(struct tt_guard *g);

#endif
