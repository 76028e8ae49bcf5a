/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Addresses: one tagged type for IPv4 and IPv6, used by every call that takes
 * or returns an address (bind, connect, local/remote, interface config,
 * routes, trace events).
 *
 *  - family TT_AF_INET: v4 holds the address in host order, as
 *    TT_IPV4(192, 0, 2, 1) builds it, so masks and comparisons stay integer
 *    arithmetic.
 *  - family TT_AF_INET6: v6 holds the 16 bytes in network order.
 *  - family TT_AF_UNSPEC (the all-zero value, TT_ADDR_ANY): no address, "any
 *    of ours" where a call binds.
 * Bytes of the union past the family's length, and pad_, are zero in every
 * value the constructors and parsers make, so a struct compares with memcmp;
 * the helpers below compare by family and only the bytes that count.
 *
 * The text functions are pure (no allocation, no locale, no resolver).
 */
#ifndef TETHER_ADDR_H
#define TETHER_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define TT_AF_UNSPEC 0
#define TT_AF_INET 4
#define TT_AF_INET6 6

struct tt_addr {
    uint8_t family; /* TT_AF_* */
    uint8_t pad_[3];
    union {
        uint32_t v4;    /* host order */
        uint8_t v6[16]; /* network order */
    };
};

/* An IPv4 address value, host order: TT_IPV4(192, 0, 2, 1). */
#define TT_IPV4(a, b, c, d) TT_ADDR_V4(TT_IPV4_U32(a, b, c, d))
/* The host-order integer alone, for code that builds IPv4 headers itself. */
#define TT_IPV4_U32(a, b, c, d)                                                                    \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))
/* From a host-order uint32_t. */
#define TT_ADDR_V4(u32) ((struct tt_addr){.family = TT_AF_INET, .v4 = (uint32_t)(u32)})
/* The unspecified address (any family). */
#define TT_ADDR_ANY ((struct tt_addr){.family = TT_AF_UNSPEC})

/* From 16 network-order bytes. */
static inline struct tt_addr tt_addr_v6(const uint8_t b[16])
{
    struct tt_addr a = {.family = TT_AF_INET6};
    for (int i = 0; i < 16; i++)
        a.v6[i] = b[i];
    return a;
}

/* 1 when a holds no address: TT_AF_UNSPEC, 0.0.0.0 or :: . */
static inline int tt_addr_is_any(struct tt_addr a)
{
    if (a.family == TT_AF_INET)
        return a.v4 == 0;
    if (a.family == TT_AF_INET6) {
        for (int i = 0; i < 16; i++)
            if (a.v6[i])
                return 0;
    }
    return 1;
}

/* Order: by family, then by address (v4 numerically, v6 bytewise); <0, 0, >0. */
static inline int tt_addr_cmp(struct tt_addr a, struct tt_addr b)
{
    if (a.family != b.family)
        return a.family < b.family ? -1 : 1;
    if (a.family == TT_AF_INET)
        return a.v4 < b.v4 ? -1 : a.v4 > b.v4;
    if (a.family == TT_AF_INET6) {
        for (int i = 0; i < 16; i++)
            if (a.v6[i] != b.v6[i])
                return a.v6[i] < b.v6[i] ? -1 : 1;
    }
    return 0;
}

static inline int tt_addr_eq(struct tt_addr a, struct tt_addr b)
{
    return tt_addr_cmp(a, b) == 0;
}

/* Longest text forms, with the terminating NUL. */
#define TT_ADDR_STRLEN 46     /* "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" */
#define TT_ADDRPORT_STRLEN 54 /* "[...]:65535" */

/*
 * Parse a dotted quad ("192.0.2.1", four decimal parts 0..255, no leading
 * zeros beyond "0") or an IPv6 text form (RFC 4291 §2.2: hex groups, one
 * "::", a trailing dotted quad). 0, or TT_EINVAL (errors.h) with *out
 * untouched.
 */
int tt_addr_parse(const char *s, struct tt_addr *out);

/*
 * Parse "address:port": "192.0.2.1:80" or "[2001:db8::1]:80", the port
 * decimal 0..65535. 0, or TT_EINVAL.
 */
int tt_addr_parse_port(const char *s, struct tt_addr *out, uint16_t *port);

/*
 * Write a's text form (dotted quad; RFC 5952 §4 canonical IPv6: lowercase,
 * the longest run of two or more zero groups as "::", the first when tied;
 * "::ffff:a.b.c.d" for v4-mapped; "*" for TT_AF_UNSPEC) into buf, always NUL
 * terminated when n > 0. Returns the length of the full text (as snprintf).
 */
size_t tt_addr_format(struct tt_addr a, char *buf, size_t n);

/* "192.0.2.1:80" or "[2001:db8::1]:80"; returns the full length. */
size_t tt_addr_format_port(struct tt_addr a, uint16_t port, char *buf, size_t n);

#endif
