/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: NDP message parse (RFC 4861 §4, §6.1, §7.1) and the emit
 * round trip. The first byte picks the message type (RS, RA, NS, NA) and
 * whether the source is unspecified; the rest is the message.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/icmp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t A1[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
static const uint8_t A2[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t msg[1 << 16], out[1 << 16];
    struct tt_ndp_msg m, back;
    enum tt_drop_reason why = TT_DROP_COUNT;

    if (size < 1 || size - 1 > sizeof msg)
        return 0;
    size_t len = size - 1;
    memcpy(msg, data + 1, len);
    if (len >= 2) {
        msg[0] = (uint8_t)(TT_ICMP6_RS + (data[0] & 3));
        msg[1] = (data[0] & 8) ? msg[1] : 0;
    }
    int unspec = (data[0] & 4) != 0;
    int rc = tt__ndp_parse(msg, len, unspec, &m, &why);
    if (rc < 0) {
        if (rc != TT_EINVAL || why != TT_DROP_NDP_INVALID)
            __builtin_trap();
        return 0;
    }
    if (rc != 0 || m.nprefix > TT_NDP_MAX_PREFIXES ||
        (unspec && m.has_slla && m.type != TT_ICMP6_RA && m.type != TT_ICMP6_NA))
        __builtin_trap();
    /* What we emit from the parsed fields parses back to the same fields. */
    int n = tt__ndp_emit(&m, A1, A2, out, sizeof out);
    if (n < 0 || (size_t)n > len)
        __builtin_trap();
    if (tt__ndp_parse(out, (size_t)n, unspec, &back, &why) != 0 || memcmp(&m, &back, sizeof m))
        __builtin_trap();
    return 0;
}
