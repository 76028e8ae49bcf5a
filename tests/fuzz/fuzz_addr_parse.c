/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the address text parsers (tt_addr_parse,
 * tt_addr_parse_port). Whatever parses must format to a text that parses
 * back to the same address (and port), and the formatter must stay within
 * TT_ADDR_STRLEN / TT_ADDRPORT_STRLEN.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <tether/addr.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[128];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    struct tt_addr a, b;
    uint16_t p, q;
    char buf[TT_ADDRPORT_STRLEN];
    if (tt_addr_parse(s, &a) == 0) {
        if (a.family != TT_AF_INET && a.family != TT_AF_INET6)
            __builtin_trap();
        if (tt_addr_format(a, buf, sizeof buf) >= TT_ADDR_STRLEN)
            __builtin_trap();
        if (tt_addr_parse(buf, &b) != 0 || !tt_addr_eq(a, b))
            __builtin_trap();
    }
    if (tt_addr_parse_port(s, &a, &p) == 0) {
        if (tt_addr_format_port(a, p, buf, sizeof buf) >= TT_ADDRPORT_STRLEN)
            __builtin_trap();
        if (tt_addr_parse_port(buf, &b, &q) != 0 || !tt_addr_eq(a, b) || p != q)
            __builtin_trap();
    }
    return 0;
}
