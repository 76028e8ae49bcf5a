/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The stack: one instance of tether. Everything a stack holds hangs off its
 * struct tt_stack; two stacks in one process share nothing. The host drives
 * it: frames in through tt_stack_input(), timers through tt_stack_poll(), and
 * frames out through each interface's link transmit callback.
 *
 * A stack is not thread-safe: call it from one thread at a time.
 */
#ifndef TETHER_STACK_H
#define TETHER_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "counters.h"
#include "errors.h"
#include "link.h"
#include "time.h"
#include "trace.h"

struct tt_stack;

/* IPv4 addresses are uint32_t in host order: TT_IPV4(192, 0, 2, 1). */
#define TT_IPV4(a, b, c, d)                                                                        \
    ((uint32_t)(((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) |             \
                (uint32_t)(d)))

struct tt_iface_config {
    struct tt_link link; /* framing, MTU, transmit callback */
    uint8_t mac[6];      /* Ethernet framing only */
    uint32_t addr;       /* IPv4 address, host order */
    uint8_t prefix_len;  /* 0..32, e.g. 24 */
    uint32_t gateway;    /* default gateway on this interface, 0 for none */
    uint8_t ipv6;        /* 1: IPv6 on this Ethernet interface: a link-local address
                            from the MAC (RFC 4862 §5.3, checked by DAD when the
                            interface comes up), neighbor discovery, and router
                            advertisements (default router, on-link prefix, SLAAC) */
};

/*
 * Create a stack from a config (copied). Fails with TT_EINVAL when the
 * allocator is missing or a field is out of range, TT_ENOMEM when allocation
 * fails. On success *out owns the stack until tt_stack_destroy().
 */
int tt_stack_create(const struct tt_config *cfg, struct tt_stack **out);

/* Free the stack and everything it holds (connections are dropped silently). */
void tt_stack_destroy(struct tt_stack *s);

/*
 * Add an interface. Returns its index (>= 0), TT_EINVAL for a bad config
 * (missing transmit, prefix > 32, MTU below 68), TT_ENOSPC past TT_MAX_IFACES.
 */
#define TT_MAX_IFACES 8
int tt_stack_add_iface(struct tt_stack *s, const struct tt_iface_config *ic);

/*
 * The interface has come up (its device is ready): on Ethernet, broadcast a
 * gratuitous ARP for its address (RFC 5227 §2.3 announcement), so that the
 * neighbours know us before they must ask. Nothing to do on raw IP.
 * 0, or TT_EINVAL for an unknown interface.
 */
int tt_stack_iface_up(struct tt_stack *s, int iface, tt_time now);

/*
 * Hand the stack one received frame (framing as the interface was declared).
 * The stack does not keep `frame` after it returns. Returns 0 when the frame
 * was processed or dropped (drops are counted, never an error), TT_EINVAL for
 * an unknown interface or NULL frame.
 */
int tt_stack_input(struct tt_stack *s, int iface, const void *frame, size_t len, tt_time now);

/*
 * Run every timer that is due at `now` and return the next absolute deadline
 * (TT_TIME_NEVER when none). Call it again no later than that deadline, or
 * earlier after any input or API call.
 */
tt_time tt_stack_poll(struct tt_stack *s, tt_time now);

/* The stack's counters; valid until tt_stack_destroy(). */
const struct tt_counters *tt_stack_counters(const struct tt_stack *s);

/* Set (or clear, with fn NULL) the trace hook. */
void tt_stack_set_trace(struct tt_stack *s, tt_trace_fn fn, void *ctx);

/* Bytes currently held through the allocator. */
size_t tt_stack_mem_in_use(const struct tt_stack *s);

/*
 * Send an ICMP echo request (ping) from the stack; replies are counted in
 * icmp_in_msgs and reported through the trace hook as FRAME_IN. Returns 0 or
 * TT_ENETUNREACH / TT_ENOMEM.
 */
int tt_stack_ping(struct tt_stack *s, uint32_t dst, uint16_t id, uint16_t seq, const void *data,
                  size_t len, tt_time now);

#endif
