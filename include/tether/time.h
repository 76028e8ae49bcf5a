/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Time in tether: a tt_time is a monotonic count of microseconds chosen by the
 * host. The core never reads a clock; every entry point takes `now`, and
 * tt_stack_poll() returns the next absolute deadline.
 */
#ifndef TETHER_TIME_H
#define TETHER_TIME_H

#include <stdint.h>

typedef uint64_t tt_time;

/* "No deadline": returned by tt_stack_poll() when nothing is scheduled. */
#define TT_TIME_NEVER UINT64_MAX

#define TT_USEC(x) ((tt_time)(x))
#define TT_MSEC(x) ((tt_time)(x)*1000u)
#define TT_SEC(x) ((tt_time)(x)*1000000u)

#endif
