/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The runner's record, below both drill_run.c and drill_sys.c: the script
 * clock, the first failure and the recent history printed with it.
 */
#include <stdarg.h>
#include <stdio.h>

#include <tether/time.h>

#include "drill.h"

/* Script time 0 on the stack's clock: 0 means "never" there. */
#define BASE TT_SEC(1)

uint64_t tt__drill_clock(int64_t t)
{
    return BASE + (uint64_t)t;
}

/* ---- failures and history ---- */

bool tt__drill_fail(struct tt_drill_runner *r, int line, enum tt_drill_status st, const char *fmt,
                    ...)
{
    if (r->failed)
        return false;
    r->failed = true;
    r->res->status = st;
    r->res->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->res->reason, sizeof r->res->reason, fmt, ap);
    va_end(ap);
    return false;
}

void tt__drill_note(struct tt_drill_runner *r, const char *fmt, ...)
{
    char *slot = r->history[r->nhistory++ % TT_DRILL_HISTORY];
    int n = snprintf(slot, 160, "%8.6f ", (double)r->now / 1e6);
    va_list ap;
    va_start(ap, fmt);
    if (n > 0 && n < 160)
        vsnprintf(slot + n, 160 - (size_t)n, fmt, ap);
    va_end(ap);
    if (r->cfg.verbose)
        fprintf(r->cfg.verbose, "%s\n", slot);
}
