/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv6 (RFC 8200): the fixed header, the walk over extension headers, and the
 * fragment header. Addresses are 16 bytes in network order.
 */
#ifndef TT_WIRE_IPV6_H
#define TT_WIRE_IPV6_H

#include <stddef.h>
#include <stdint.h>

#include <tether/counters.h>

#define TT_IPV6_HLEN 40
#define TT_IPV6_MIN_MTU 1280 /* RFC 8200 §5 */
#define TT_IPV6_FRAG_HLEN 8

/* Next-header values (IANA "Assigned Internet Protocol Numbers"). */
#define TT_IPPROTO_HOPOPTS 0
#define TT_IPPROTO_ROUTING 43
#define TT_IPPROTO_FRAGMENT 44
#define TT_IPPROTO_ICMPV6 58
#define TT_IPPROTO_NONE 59
#define TT_IPPROTO_DSTOPTS 60

/* The longest chain of extension headers the walk follows. RFC 8200 §4.1
 * recommends at most one of each (destination options twice): hop-by-hop,
 * destination, routing, fragment, destination is five; more is an attack on
 * the parser (RFC 7112 asks the first fragment to hold the whole chain). */
#define TT_IPV6_EXT_MAX 6

struct tt_ipv6_hdr {
    uint8_t tclass;       /* traffic class (DSCP and ECN) */
    uint32_t flow;        /* 20-bit flow label */
    uint16_t payload_len; /* bytes after the fixed header */
    uint8_t next;         /* next header */
    uint8_t hop_limit;
    uint8_t src[16], dst[16];
};

/*
 * Parse the fixed header: at least 40 bytes, version 6, payload within len
 * (link padding after it is allowed and ignored). A payload length of 0
 * (RFC 2675 jumbogram) is refused. Returns 40, or TT_EINVAL with *why set to
 * IP6_TRUNCATED, IP6_BAD_VERSION or IP6_BAD_LENGTH.
 */
int tt__ipv6_parse(const uint8_t *buf, size_t len, struct tt_ipv6_hdr *h, enum tt_drop_reason *why);

/* The header quoted in an ICMPv6 error: as above without the payload-length
 * checks (the quote is truncated). Returns 40 or TT_EINVAL. */
int tt__ipv6_parse_quoted(const uint8_t *buf, size_t len, struct tt_ipv6_hdr *h);

/* Emit the 40-byte header. Returns 40 or TT_EINVAL when cap < 40. */
int tt__ipv6_emit(const struct tt_ipv6_hdr *h, uint8_t *buf, size_t cap);

/* The fragment header (RFC 8200 §4.5). */
struct tt_ipv6_frag {
    uint8_t next;
    uint8_t m;    /* more fragments */
    uint16_t off; /* offset in bytes (a multiple of 8) */
    uint32_t id;
};

int tt__ipv6_frag_parse(const uint8_t *buf, size_t len, struct tt_ipv6_frag *f);
int tt__ipv6_frag_emit(const struct tt_ipv6_frag *f, uint8_t *buf, size_t cap);

/*
 * The result of walking the extension headers. On success `proto` is the
 * first header the walk does not consume (an upper layer such as 6 or 58,
 * 59 for "no next header", or 44: the walk stops at a fragment header, whose
 * fields are in `frag`, because what follows it is only whole after
 * reassembly) and `off` its offset from the start of the packet. `nh_off` is
 * the offset of the Next Header field that named `proto` (6 for the fixed
 * header), for a parameter problem about it.
 *
 * On failure, `err_code` and `err_ptr` are the ICMPv6 parameter-problem code
 * and pointer (offset from the start of the packet) when the RFC asks for
 * one, with `err_icmp` set: 1 always, 2 only when the destination was not
 * multicast (option types 11xxxxxx, RFC 8200 §4.2); 0 means discard
 * silently.
 */
struct tt_ipv6_ext {
    uint8_t proto;
    uint8_t nhdrs; /* extension headers walked */
    uint32_t off;
    uint32_t nh_off;
    uint32_t frag_off; /* offset of the fragment header when proto is 44 */
    struct tt_ipv6_frag frag;
    uint8_t err_icmp, err_code;
    uint32_t err_ptr;
};

/*
 * Walk the chain of `pkt` (the whole packet, fixed header first, len bytes:
 * trimmed to 40 + payload length) starting at offset `off` with next-header
 * value `next` (40 and h->next for a fresh packet; past a fragment header
 * for an atomic fragment or a reassembled packet). Hop-by-hop options are
 * accepted only right after the fixed header (RFC 8200 §4.1); options are
 * processed per §4.2; a routing header with segments left is refused
 * (RFC 8200 §4.4, RFC 5095: type 0 is an unrecognised type, and a host that
 * does not forward recognises none). Returns the upper-layer offset, or
 * TT_EINVAL with *why = IP6_BAD_EXT, IP6_EXT_CHAIN, IP6_BAD_OPTION or
 * IP6_ROUTING_REFUSED.
 */
int tt__ipv6_ext_walk(const uint8_t *pkt, size_t len, size_t off, uint8_t next,
                      struct tt_ipv6_ext *x, enum tt_drop_reason *why);

static inline int tt__ip6_is_multicast(const uint8_t a[16])
{
    return a[0] == 0xff; /* RFC 4291 §2.7 */
}

static inline int tt__ip6_is_unspecified(const uint8_t a[16])
{
    uint8_t o = 0;
    for (int i = 0; i < 16; i++)
        o |= a[i];
    return o == 0;
}

static inline int tt__ip6_is_linklocal(const uint8_t a[16])
{
    return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; /* fe80::/10 */
}

/* The solicited-node multicast address of `a` (RFC 4291 §2.7.1):
 * ff02::1:ffXX:XXXX with the low 24 bits of a. */
static inline void tt__ip6_solicited_node(const uint8_t a[16], uint8_t out[16])
{
    static const uint8_t pfx[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff};
    for (int i = 0; i < 13; i++)
        out[i] = pfx[i];
    out[13] = a[13];
    out[14] = a[14];
    out[15] = a[15];
}

/* The Ethernet address for IPv6 multicast `a` (RFC 2464 §7): 33:33 and the
 * low 32 bits. */
static inline void tt__ip6_mcast_mac(const uint8_t a[16], uint8_t mac[6])
{
    mac[0] = 0x33;
    mac[1] = 0x33;
    mac[2] = a[12];
    mac[3] = a[13];
    mac[4] = a[14];
    mac[5] = a[15];
}

#endif
