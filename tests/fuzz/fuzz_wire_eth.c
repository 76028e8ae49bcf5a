/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: Ethernet header parse, and the parse/emit round trip. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/eth.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tt_eth_hdr h;
    uint8_t out[14];
    int rc = tt__eth_parse(data, size, &h);

    if (size < 14) {
        if (rc != TT_EINVAL)
            __builtin_trap();
        return 0;
    }
    if (rc != 14 || tt__eth_emit(&h, out, sizeof out) != 14 || memcmp(out, data, 14) != 0)
        __builtin_trap();
    return 0;
}
