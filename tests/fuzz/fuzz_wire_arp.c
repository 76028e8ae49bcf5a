/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: ARP parse; an accepted packet re-emits to the same bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/arp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tt_arp_pkt p;
    uint8_t out[TT_ARP_LEN];
    int rc = tt__arp_parse(data, size, &p);

    if (rc == TT_EINVAL || rc == TT_EOPNOTSUPP)
        return 0;
    if (rc != TT_ARP_LEN || size < TT_ARP_LEN)
        __builtin_trap();
    if (tt__arp_emit(&p, out, sizeof out) != TT_ARP_LEN || memcmp(out, data, TT_ARP_LEN) != 0)
        __builtin_trap();
    return 0;
}
