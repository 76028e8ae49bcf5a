/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sequence numbers (RFC 9293 §3.4): 32-bit, compared modulo 2^32. A one-member
 * struct so that a raw `<` does not compile; compare only through these.
 */
#ifndef TT_UTIL_SEQ_H
#define TT_UTIL_SEQ_H

#include <stdint.h>

typedef struct {
    uint32_t v;
} tt_seq;

static inline tt_seq tt_seq_make(uint32_t v)
{
    tt_seq s = {v};
    return s;
}
static inline tt_seq tt_seq_add(tt_seq a, uint32_t n)
{
    return tt_seq_make(a.v + n);
}
/* a - b as a signed distance. */
static inline int32_t tt_seq_diff(tt_seq a, tt_seq b)
{
    return (int32_t)(a.v - b.v);
}
static inline int tt_seq_lt(tt_seq a, tt_seq b)
{
    return tt_seq_diff(a, b) < 0;
}
static inline int tt_seq_le(tt_seq a, tt_seq b)
{
    return tt_seq_diff(a, b) <= 0;
}
static inline int tt_seq_gt(tt_seq a, tt_seq b)
{
    return tt_seq_diff(a, b) > 0;
}
static inline int tt_seq_ge(tt_seq a, tt_seq b)
{
    return tt_seq_diff(a, b) >= 0;
}
static inline int tt_seq_eq(tt_seq a, tt_seq b)
{
    return a.v == b.v;
}
/* lo <= x < hi, modulo 2^32. */
static inline int tt_seq_in(tt_seq x, tt_seq lo, tt_seq hi)
{
    return (uint32_t)(x.v - lo.v) < (uint32_t)(hi.v - lo.v);
}
static inline tt_seq tt_seq_max(tt_seq a, tt_seq b)
{
    return tt_seq_gt(a, b) ? a : b;
}
static inline tt_seq tt_seq_min(tt_seq a, tt_seq b)
{
    return tt_seq_lt(a, b) ? a : b;
}

#endif
