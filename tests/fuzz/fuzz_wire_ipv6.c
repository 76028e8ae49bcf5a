/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: the IPv6 fixed header (full and quoted) and its emit round trip. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/ipv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct tt_ipv6_hdr *a, const struct tt_ipv6_hdr *b)
{
    return a->tclass == b->tclass && a->flow == b->flow && a->payload_len == b->payload_len &&
           a->next == b->next && a->hop_limit == b->hop_limit && memcmp(a->src, b->src, 16) == 0 &&
           memcmp(a->dst, b->dst, 16) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tt_ipv6_hdr h, q, back;
    enum tt_drop_reason why = TT_DROP_COUNT;
    uint8_t out[40];

    int rc = tt__ipv6_parse(data, size, &h, &why);
    int qrc = tt__ipv6_parse_quoted(data, size, &q);
    if (qrc != TT_EINVAL && qrc != 40)
        __builtin_trap();
    if (rc < 0) {
        if (rc != TT_EINVAL || why < TT_DROP_IP6_TRUNCATED || why > TT_DROP_IP6_BAD_LENGTH)
            __builtin_trap();
        return 0;
    }
    /* Accepted: the payload lies inside the buffer, the quoted parser agrees,
     * and the header re-emits to the same 40 bytes. */
    if (rc != 40 || qrc != 40 || h.payload_len == 0 || 40 + (size_t)h.payload_len > size)
        __builtin_trap();
    if (!same(&h, &q))
        __builtin_trap();
    if (tt__ipv6_emit(&h, out, sizeof out) != 40 || memcmp(out, data, 40) != 0)
        __builtin_trap();
    if (tt__ipv6_parse_quoted(out, 40, &back) != 40 || !same(&back, &h))
        __builtin_trap();
    return 0;
}
