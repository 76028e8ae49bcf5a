/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: ICMPv6 parse (pseudo-header checksum) and emit. The first
 * 32 bytes are the source and destination addresses, the rest the message;
 * a copy with the checksum fixed explores the accepting path.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/icmp6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
    static uint8_t out[1 << 16];
    struct tt_icmp6_hdr h;
    enum tt_drop_reason why = TT_DROP_COUNT;

    int rc = tt__icmp6_parse(msg, len, src, dst, &h, &why);
    if (rc < 0) {
        if (rc != TT_EINVAL ||
            (why != TT_DROP_ICMP6_TRUNCATED && why != TT_DROP_ICMP6_BAD_CHECKSUM))
            __builtin_trap();
        return;
    }
    if (rc != 8 || h.payload != msg + 8 || h.payload_len != len - 8)
        __builtin_trap();
    /* Re-emitted, it is the same bytes, except that a received checksum of
     * 0xffff (one's-complement -0, also valid) comes back as 0x0000. */
    if (len > sizeof out || tt__icmp6_emit(&h, src, dst, out, sizeof out) != (int)len)
        __builtin_trap();
    uint16_t got = (uint16_t)(msg[2] << 8 | msg[3]), mine = (uint16_t)(out[2] << 8 | out[3]);
    if (memcmp(out, msg, 2) || memcmp(out + 4, msg + 4, len - 4) ||
        (got != mine && !(got == 0xffff && mine == 0)))
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t fixed[1 << 16];

    if (size < 32)
        return 0;
    const uint8_t *src = data, *dst = data + 16, *msg = data + 32;
    size_t len = size - 32;
    check(src, dst, msg, len);
    if (len < 8 || len > sizeof fixed)
        return 0;
    memcpy(fixed, msg, len);
    tt__icmp6_set_cksum(fixed, len, src, dst);
    check(src, dst, fixed, len);
    return 0;
}
