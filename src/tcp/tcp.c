/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP entry points for the IP layer. Until the state machine lands, every
 * segment meets a CLOSED port: it is counted as TCP_NO_SOCKET and dropped.
 */
#include "net/stack.h"

int tt__tcp_init(struct tt_stack *s)
{
    (void)s;
    return 0;
}

void tt__tcp_fini(struct tt_stack *s)
{
    (void)s;
}

void tt__tcp_input(struct tt_stack *s, int iface, uint32_t src, uint32_t dst, const uint8_t *seg,
                   size_t len, tt_time now)
{
    (void)src;
    (void)dst;
    s->ctr.tcp_in_segs++;
    tt__drop(s, TT_DROP_TCP_NO_SOCKET, iface, seg, len, now);
}

void tt__tcp_icmp_error(struct tt_stack *s, const struct tt_icmp_err *e, tt_time now)
{
    (void)s;
    (void)e;
    (void)now;
}

tt_time tt__tcp_poll(struct tt_stack *s, tt_time now)
{
    (void)s;
    (void)now;
    return TT_TIME_NEVER;
}
