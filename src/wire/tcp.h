/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP header and options (RFC 9293 §3.1, §3.2; RFC 7323; RFC 2018): parse and
 * emit. No state: bytes in, host-order struct out, and back.
 */
#ifndef TT_WIRE_TCP_H
#define TT_WIRE_TCP_H

#include <stddef.h>
#include <stdint.h>

#include <tether/counters.h>
#include <tether/trace.h> /* TT_TCP_* flag bits */

#define TT_TCP_HLEN 20
#define TT_TCP_MAX_SACK 4

#define TT_TCPOPT_EOL 0
#define TT_TCPOPT_NOP 1
#define TT_TCPOPT_MSS 2
#define TT_TCPOPT_WSCALE 3
#define TT_TCPOPT_SACK_PERM 4
#define TT_TCPOPT_SACK 5
#define TT_TCPOPT_TS 8
#define TT_TCPOPT_FASTOPEN 34           /* RFC 7413 §4.1.1 */
#define TT_TCPOPT_EXP 254               /* RFC 6994 experimental, with a 16-bit ExID */
#define TT_TCPOPT_FASTOPEN_MAGIC 0xF989 /* the ExID of Fast Open before kind 34 */
#define TT_TCP_FO_COOKIE_MIN 4          /* RFC 7413 §4.1.1: 4 to 16 bytes */
#define TT_TCP_FO_COOKIE_MAX 16

enum { TT_TCP_FO_IANA = 1, TT_TCP_FO_EXP = 2 };

struct tt_tcp_sack_block {
    uint32_t left, right; /* host order: [left, right) */
};

struct tt_tcp_opts {
    uint8_t has_mss, has_ws, sack_ok, has_ts;
    uint16_t mss;
    uint8_t ws; /* as received; the caller clamps to 14 (RFC 7323 §2.3) */
    uint32_t ts_val, ts_ecr;
    uint8_t nsack; /* 0..4 */
    struct tt_tcp_sack_block sack[TT_TCP_MAX_SACK];
    /* TCP Fast Open (RFC 7413 §4.1.1): has_fo 0 none, TT_TCP_FO_IANA (kind
     * 34) or TT_TCP_FO_EXP (kind 254, ExID 0xF989); fo_len 0 is a cookie
     * request, else an even 4..16 byte cookie in fo_cookie. */
    uint8_t has_fo, fo_len;
    uint8_t fo_cookie[TT_TCP_FO_COOKIE_MAX];
    uint8_t ignored; /* count of unknown or wrongly sized options skipped */
};

struct tt_tcp_hdr {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t doff;  /* header length in bytes (20..60) */
    uint8_t flags; /* TT_TCP_FIN .. TT_TCP_CWR */
    uint16_t wnd, cksum, urp;
    struct tt_tcp_opts opt;
};

/*
 * Parse a TCP header and its options. Returns the header length (data offset)
 * or TT_EINVAL with *why = TCP_TRUNCATED (len < 20), TCP_BAD_OFFSET (data
 * offset < 5 or past len) or TCP_BAD_OPTIONS (an option length < 2 or running
 * past the header: RFC 9293 MUST-7, never read past it). Known options with a
 * wrong length and unknown options are skipped by their length and counted in
 * opt.ignored, as Linux does. EOL ends the list. The checksum is not checked
 * here (it needs the pseudo-header): see tt__tcp_cksum_ok().
 */
int tt__tcp_parse(const uint8_t *buf, size_t len, struct tt_tcp_hdr *h, enum tt_drop_reason *why);

/* 1 when the checksum of the segment (header + payload, len bytes) is right. */
int tt__tcp_cksum_ok(uint32_t src, uint32_t dst, const uint8_t *seg, size_t len);

/*
 * The header length that tt__tcp_emit() will produce for h: options are taken
 * from h->opt; on a SYN (flags & TT_TCP_SYN) MSS, SACK-permitted and window
 * scale are written when present, otherwise only timestamps and SACK blocks.
 * Layout follows Linux (so packetdrill scripts match):
 *   SYN: mss, sackOK, TS | mss, nop, nop, TS | mss, nop, nop, sackOK | mss;
 *        then nop, wscale when window scale is present.
 *   other: nop, nop, TS; then nop, nop, SACK blocks.
 *   then, on any segment with has_fo: FO [cookie] (kind 34) or the
 *   experimental 254/0xF989 form, with nop, nop after when its length is 2
 *   mod 4 (Linux tcp_options_write). The caller leaves room for it.
 * At most 40 bytes: SACK blocks are trimmed to fit.
 */
size_t tt__tcp_hdr_len(const struct tt_tcp_hdr *h);

/*
 * Emit header + options + payload into buf and compute the checksum over
 * the pseudo-header (src, dst host order). h->doff and h->cksum are ignored.
 * Returns the segment length, or TT_EINVAL when cap is too small.
 */
int tt__tcp_emit(const struct tt_tcp_hdr *h, const uint8_t *payload, size_t plen, uint32_t src,
                 uint32_t dst, uint8_t *buf, size_t cap);

#endif
