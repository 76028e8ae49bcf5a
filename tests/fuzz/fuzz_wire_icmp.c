/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target: ICMP parse; an accepted message re-emits and parses back. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/checksum.h"
#include "wire/icmp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parse(const uint8_t *data, size_t size)
{
    static uint8_t out[1 << 16];
    struct tt_icmp_hdr h, back;
    enum tt_drop_reason why = TT_DROP_COUNT;
    int rc = tt__icmp_parse(data, size, &h, &why);

    if (rc < 0) {
        if (rc != TT_EINVAL || (why != TT_DROP_ICMP_TRUNCATED && why != TT_DROP_ICMP_BAD_CHECKSUM))
            __builtin_trap();
        return;
    }
    if (rc != 8 || h.payload != data + 8 || h.payload_len != size - 8)
        __builtin_trap();
    if (size > sizeof out)
        return;
    if (tt__icmp_emit(&h, out, sizeof out) != (int)size)
        __builtin_trap();
    if (tt__icmp_parse(out, size, &back, &why) != 8 || back.type != h.type || back.code != h.code ||
        back.rest != h.rest || memcmp(out + 4, data + 4, size - 4) != 0)
        __builtin_trap();
    /* The emitted checksum is what a direct computation gives. */
    out[2] = out[3] = 0;
    if (tt__cksum(out, size) != back.cksum)
        __builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t fixed[1 << 16];
    uint16_t c;

    check_parse(data, size);
    /* And a copy with the checksum made right, to explore acceptance. */
    if (size < 8 || size > sizeof fixed)
        return 0;
    memcpy(fixed, data, size);
    fixed[2] = fixed[3] = 0;
    c = tt__cksum(fixed, size);
    fixed[2] = (uint8_t)(c >> 8);
    fixed[3] = (uint8_t)c;
    check_parse(fixed, size);
    return 0;
}
