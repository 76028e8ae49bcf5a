/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to port/: a device around an fd that moves one frame per read/write. */
#ifndef TETHER_PORT_INT_H
#define TETHER_PORT_INT_H

#include "port.h"

/* Wrap fd (owned from now on, closed by tt_port_dev_close) as a device of
 * `kind` named `name`. 0 or TT_ENOMEM. */
int tt__port_dev_wrap(int fd, enum tt_port_dev_kind kind, const char *name,
                      struct tt_port_dev **out);

#endif
