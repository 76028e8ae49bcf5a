/* SPDX-License-Identifier: BSD-2-Clause */
/* tether: a userspace TCP/IP stack. The umbrella header. */
#ifndef TETHER_TETHER_H
#define TETHER_TETHER_H

#include "config.h"
#include "counters.h"
#include "errors.h"
#include "link.h"
#include "stack.h"
#include "tcp.h"
#include "time.h"
#include "trace.h"

#define TETHER_VERSION "0.1.0"

#endif
