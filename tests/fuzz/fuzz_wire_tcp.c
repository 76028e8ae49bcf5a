/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: TCP header and options parse. An accepted header is
 * re-emitted with its payload and must parse back to the same fields (those
 * the Linux layout carries: MSS, SACK-permitted and window scale on SYNs only,
 * SACK blocks trimmed to fit beside timestamps and Fast Open), with a right
 * checksum; a Fast Open option (either form) comes back with its cookie.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_opts(const struct tt_tcp_hdr *h, const struct tt_tcp_hdr *b)
{
    int syn = (h->flags & TT_TCP_SYN) != 0;
    int nsack = syn ? 0 : h->opt.nsack;

    if (!syn && nsack > 0) {
        size_t used = (h->opt.has_ts ? 12 : 0), room;
        if (h->opt.has_fo)
            used += ((h->opt.has_fo == TT_TCP_FO_EXP ? 4u : 2u) + h->opt.fo_len + 3) & ~3u;
        room = used + 12 <= 40 ? (40 - used - 4) / 8 : 0;
        if ((size_t)nsack > room)
            nsack = (int)room;
    }
    if (b->opt.has_fo != h->opt.has_fo || b->opt.fo_len != h->opt.fo_len ||
        memcmp(b->opt.fo_cookie, h->opt.fo_cookie, h->opt.fo_len) != 0)
        __builtin_trap();
    if (b->opt.has_mss != (syn && h->opt.has_mss) || b->opt.has_ws != (syn && h->opt.has_ws) ||
        b->opt.sack_ok != (syn && h->opt.sack_ok) || b->opt.has_ts != h->opt.has_ts ||
        b->opt.nsack != nsack || b->opt.ignored != 0)
        __builtin_trap();
    if ((b->opt.has_mss && b->opt.mss != h->opt.mss) || (b->opt.has_ws && b->opt.ws != h->opt.ws))
        __builtin_trap();
    if (b->opt.has_ts && (b->opt.ts_val != h->opt.ts_val || b->opt.ts_ecr != h->opt.ts_ecr))
        __builtin_trap();
    for (int i = 0; i < nsack; i++)
        if (b->opt.sack[i].left != h->opt.sack[i].left ||
            b->opt.sack[i].right != h->opt.sack[i].right)
            __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t out[1 << 16];
    struct tt_tcp_hdr h, b;
    enum tt_drop_reason why = TT_DROP_COUNT;
    int rc = tt__tcp_parse(data, size, &h, &why);
    size_t plen;
    int n;

    (void)tt__tcp_cksum_ok(0xc0000201, 0xc0000202, data, size);
    if (rc < 0) {
        if (rc != TT_EINVAL || (why != TT_DROP_TCP_TRUNCATED && why != TT_DROP_TCP_BAD_OFFSET &&
                                why != TT_DROP_TCP_BAD_OPTIONS))
            __builtin_trap();
        return 0;
    }
    if (rc < 20 || rc > 60 || rc % 4 != 0 || (size_t)rc > size || rc != h.doff ||
        h.opt.nsack > TT_TCP_MAX_SACK)
        __builtin_trap();
    plen = size - (size_t)rc;
    n = tt__tcp_emit(&h, data + rc, plen, 0xc0000201, 0xc0000202, out, sizeof out);
    if (n < 0) {
        if (tt__tcp_hdr_len(&h) + plen <= 0xffff)
            __builtin_trap();
        return 0;
    }
    if ((size_t)n != tt__tcp_hdr_len(&h) + plen ||
        !tt__tcp_cksum_ok(0xc0000201, 0xc0000202, out, (size_t)n))
        __builtin_trap();
    if (tt__tcp_parse(out, (size_t)n, &b, &why) != (int)tt__tcp_hdr_len(&h))
        __builtin_trap();
    if (b.sport != h.sport || b.dport != h.dport || b.seq != h.seq || b.ack != h.ack ||
        b.flags != h.flags || b.wnd != h.wnd || b.urp != h.urp)
        __builtin_trap();
    check_opts(&h, &b);
    if (memcmp(out + b.doff, data + rc, plen) != 0)
        __builtin_trap();
    return 0;
}
