/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Big-endian ("network order", RFC 791 Appendix B) loads and stores, by
 * explicit shifts: no casts of buffers to wider types, no alignment needs, no
 * byte-swapping in place. Private to src/wire/. Callers check bounds first.
 */
#ifndef TT_WIRE_BYTES_H
#define TT_WIRE_BYTES_H

#include <stdint.h>

static inline uint16_t tt__rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t tt__rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void tt__wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static inline void tt__wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
