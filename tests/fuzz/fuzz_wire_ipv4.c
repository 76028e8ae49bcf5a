/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: IPv4 parse (full and quoted), the emit round trip, and the
 * checksum against a byte-by-byte reference at two alignments.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/checksum.h"
#include "wire/ipv4.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t ref_sum(const uint8_t *p, size_t len)
{
    uint64_t s = 0;

    for (size_t i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint32_t)s;
}

static void check_cksum(const uint8_t *data, size_t size)
{
    static uint8_t shifted[1 << 16];

    if (tt__cksum_add(0, data, size) != ref_sum(data, size))
        __builtin_trap();
    if (size < sizeof shifted) {
        memcpy(shifted + 1, data, size); /* odd address */
        if (tt__cksum_add(0, shifted + 1, size) != ref_sum(data, size))
            __builtin_trap();
    }
}

static int same_fields(const struct tt_ipv4_hdr *a, const struct tt_ipv4_hdr *b)
{
    return a->tos == b->tos && a->total_len == b->total_len && a->id == b->id && a->df == b->df &&
           a->mf == b->mf && a->frag_off == b->frag_off && a->ttl == b->ttl &&
           a->proto == b->proto && a->src == b->src && a->dst == b->dst;
}

static void check_parse(const uint8_t *data, size_t size)
{
    struct tt_ipv4_hdr h, q, back;
    enum tt_drop_reason why = TT_DROP_COUNT;
    uint8_t out[20];
    int rc, qrc;

    rc = tt__ipv4_parse(data, size, &h, &why);
    qrc = tt__ipv4_parse_quoted(data, size, &q);
    if (qrc != TT_EINVAL && (qrc < 20 || qrc > 60 || (size_t)qrc > size))
        __builtin_trap();
    if (rc < 0) {
        if (rc != TT_EINVAL || why < TT_DROP_IP_TRUNCATED || why > TT_DROP_IP_BAD_CHECKSUM)
            __builtin_trap();
        return;
    }
    /* Accepted: consistent lengths, a right checksum, and the quoted parser
     * (which checks less) agrees. */
    if (rc != h.hlen || (size_t)rc > size || h.total_len < rc || h.total_len > size)
        __builtin_trap();
    if (tt__cksum(data, (size_t)rc) != 0 || qrc != rc || !same_fields(&h, &q))
        __builtin_trap();
    /* Re-emitted (options dropped), it parses back to the same fields. */
    h.total_len = 20;
    if (tt__ipv4_emit(&h, out, sizeof out) != 20 || tt__ipv4_parse(out, 20, &back, &why) != 20)
        __builtin_trap();
    if (!same_fields(&h, &back))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t fixed[1 << 16];
    size_t hlen;
    uint16_t c;

    check_cksum(data, size);
    check_parse(data, size);
    /* Random bytes rarely carry a right checksum: also try a copy with
     * version 4 and the checksum fixed, so the accepting path is explored. */
    if (size < 20 || size > sizeof fixed)
        return 0;
    memcpy(fixed, data, size);
    fixed[0] = (uint8_t)(0x40 | (fixed[0] & 0x0f));
    hlen = (size_t)(fixed[0] & 0x0f) * 4;
    if (hlen < 20 || hlen > size)
        return 0;
    fixed[10] = fixed[11] = 0;
    c = tt__cksum(fixed, hlen);
    fixed[10] = (uint8_t)(c >> 8);
    fixed[11] = (uint8_t)c;
    check_parse(fixed, size);
    return 0;
}
