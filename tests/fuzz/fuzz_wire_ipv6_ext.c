/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the IPv6 extension-header walk. The first input byte is
 * the first next-header value; the rest follows a fixed header. Whatever the
 * bytes, the walk stays in bounds, stops within TT_IPV6_EXT_MAX headers, and
 * a walk resumed past a fragment header also stays in bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/ipv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *pkt, size_t len, size_t off, uint8_t next)
{
    struct tt_ipv6_ext x;
    enum tt_drop_reason why = TT_DROP_COUNT;

    int rc = tt__ipv6_ext_walk(pkt, len, off, next, &x, &why);
    if (rc < 0) {
        if (rc != TT_EINVAL || why < TT_DROP_IP6_EXT_CHAIN || why > TT_DROP_IP6_ROUTING_REFUSED)
            __builtin_trap();
        if (x.err_icmp > 2 || (x.err_icmp && x.err_ptr >= len))
            __builtin_trap();
        return;
    }
    if ((size_t)rc != x.off || x.off < off || x.off > len || x.nhdrs > TT_IPV6_EXT_MAX)
        __builtin_trap();
    if (x.nh_off >= len)
        __builtin_trap();
    if (x.proto == TT_IPPROTO_FRAGMENT) {
        if (x.frag_off + TT_IPV6_FRAG_HLEN > len || (x.frag.off & 7))
            __builtin_trap();
        /* An atomic fragment or a reassembled packet resumes past it. */
        check(pkt, len, x.frag_off + TT_IPV6_FRAG_HLEN, x.frag.next);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t pkt[40 + 65535];

    if (size < 1 || size - 1 > 65535)
        return 0;
    memset(pkt, 0, 40);
    pkt[0] = 0x60;
    memcpy(pkt + 40, data + 1, size - 1);
    check(pkt, 40 + size - 1, 40, data[0]);
    return 0;
}
