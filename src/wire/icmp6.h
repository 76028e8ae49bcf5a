/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMPv6 (RFC 4443) and Neighbor Discovery messages (RFC 4861 §4): parse and
 * emit. The checksum covers the IPv6 pseudo-header (RFC 4443 §2.3), so every
 * call takes the packet's source and destination (16 bytes, network order).
 */
#ifndef TT_WIRE_ICMP6_H
#define TT_WIRE_ICMP6_H

#include <stddef.h>
#include <stdint.h>

#include <tether/counters.h>

#define TT_ICMP6_DEST_UNREACH 1
#define TT_ICMP6_PACKET_TOO_BIG 2
#define TT_ICMP6_TIME_EXCEEDED 3
#define TT_ICMP6_PARAM_PROBLEM 4
#define TT_ICMP6_ECHO_REQUEST 128
#define TT_ICMP6_ECHO_REPLY 129
#define TT_ICMP6_MLD_QUERY 130
#define TT_ICMP6_RS 133
#define TT_ICMP6_RA 134
#define TT_ICMP6_NS 135
#define TT_ICMP6_NA 136
#define TT_ICMP6_REDIRECT 137
/* Destination-unreachable codes (RFC 4443 §3.1). */
#define TT_ICMP6_NO_ROUTE 0
#define TT_ICMP6_ADDR_UNREACH 3
#define TT_ICMP6_PORT_UNREACH 4
/* Parameter-problem codes (RFC 4443 §3.4). */
#define TT_ICMP6_PP_HEADER 0
#define TT_ICMP6_PP_NEXT_HEADER 1
#define TT_ICMP6_PP_OPTION 2
#define TT_ICMP6_HDR_LEN 8

struct tt_icmp6_hdr {
    uint8_t type, code;
    uint16_t cksum;
    uint32_t rest;          /* bytes 4..7: echo id<<16|seq, MTU, pointer, or unused */
    const uint8_t *payload; /* points into the parsed buffer */
    size_t payload_len;
};

/* Returns 8, or TT_EINVAL with *why = ICMP6_TRUNCATED or ICMP6_BAD_CHECKSUM. */
int tt__icmp6_parse(const uint8_t *buf, size_t len, const uint8_t src[16], const uint8_t dst[16],
                    struct tt_icmp6_hdr *h, enum tt_drop_reason *why);

/* Emit header + h->payload (which may already sit at buf + 8) with the
 * checksum. Returns the total length, or TT_EINVAL when cap is too small. */
int tt__icmp6_emit(const struct tt_icmp6_hdr *h, const uint8_t src[16], const uint8_t dst[16],
                   uint8_t *buf, size_t cap);

/* Put the checksum into the len-byte ICMPv6 message at buf (bytes 2..3 are
 * overwritten). */
void tt__icmp6_set_cksum(uint8_t *buf, size_t len, const uint8_t src[16], const uint8_t dst[16]);

/* ---- Neighbor Discovery (RFC 4861 §4) ---- */

#define TT_NDP_OPT_SLLA 1   /* source link-layer address */
#define TT_NDP_OPT_TLLA 2   /* target link-layer address */
#define TT_NDP_OPT_PREFIX 3 /* prefix information */
#define TT_NDP_OPT_MTU 5
/* Prefix information options kept from one RA; further ones are ignored. */
#define TT_NDP_MAX_PREFIXES 4

struct tt_ndp_prefix {
    uint8_t len; /* prefix length in bits */
    uint8_t onlink, autonomous;
    uint32_t valid, preferred; /* lifetimes, seconds (0xffffffff = infinity) */
    uint8_t prefix[16];
};

struct tt_ndp_msg {
    uint8_t type; /* TT_ICMP6_RS, RA, NS or NA */
    /* NS, NA: the target address. */
    uint8_t target[16];
    /* NA flags. */
    uint8_t router, solicited, override;
    /* RA fields. */
    uint8_t cur_hop_limit, managed, other;
    uint16_t router_lifetime; /* seconds */
    uint32_t reachable_time;  /* milliseconds, 0 = unspecified */
    uint32_t retrans_timer;   /* milliseconds, 0 = unspecified */
    /* Options (Ethernet link-layer addresses only: 8-byte options). */
    uint8_t has_slla, has_tlla, has_mtu;
    uint8_t slla[6], tlla[6];
    uint32_t mtu;
    uint8_t nprefix;
    struct tt_ndp_prefix prefix[TT_NDP_MAX_PREFIXES];
};

/*
 * Parse and validate an NDP message (the whole ICMPv6 message, its checksum
 * already verified by tt__icmp6_parse): RFC 4861 §6.1.1, §6.1.2, §7.1.1 and
 * §7.1.2 for what the message alone shows: code 0, the minimum length, a
 * unicast target, no option of length zero (§4.6 MUST discard), and the
 * option combinations forbidden with an unspecified source when `src_unspec`.
 * The hop limit of 255 and the addresses are the caller's checks. Unknown
 * options are skipped (§4.6). Returns 0 or TT_EINVAL with *why = NDP_INVALID.
 */
int tt__ndp_parse(const uint8_t *msg, size_t len, int src_unspec, struct tt_ndp_msg *m,
                  enum tt_drop_reason *why);

/* Emit m (RS, RA, NS or NA; options as flagged, prefixes from m->prefix)
 * with the checksum for src and dst. Returns the length or TT_EINVAL. */
int tt__ndp_emit(const struct tt_ndp_msg *m, const uint8_t src[16], const uint8_t dst[16],
                 uint8_t *buf, size_t cap);

#endif
