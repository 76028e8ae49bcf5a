/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the packetdrill lexer and parser: any bytes either
 * parse into a script (which is then printed back in packetdrill notation)
 * or fail with a message; never a crash, leak or out-of-bounds read.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drill/drill.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct tt_drill_define defs[] = {{"TFO_COOKIE", "3021b9d889017eeb"}};
    struct tt_drill_script *s = NULL;
    char err[256];
    if (tt_drill_parse((const char *)data, size, "fuzz", defs, 1, &s, err, sizeof err) != 0) {
        if (memchr(err, '\0', sizeof err) == NULL)
            __builtin_trap();
        return 0;
    }
    char buf[1024];
    for (size_t i = 0; i < s->nev; i++) {
        if (s->ev[i].kind == TT_DRILL_EV_PACKET)
            tt_drill_format_packet(&s->ev[i].pkt, buf, sizeof buf);
        else if (s->ev[i].kind == TT_DRILL_EV_SYSCALL)
            tt_drill_format_syscall(&s->ev[i].sc, buf, sizeof buf);
    }
    tt_drill_script_free(s);
    return 0;
}
