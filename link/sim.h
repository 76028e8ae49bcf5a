/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A simulation harness on a virtual clock: stacks joined by memlinks, driven
 * deterministically, with no real time anywhere.
 *
 * The sim owns its stacks and links. Its clock starts at TT_SIM_START (1 s, so
 * that no event sits at time 0) and only moves forward, by the sim's own
 * calls. An "event" is a stack's deadline (from tt_stack_poll) or a frame due
 * on a link. tt_sim_step() jumps to the next event, delivers every frame due,
 * and polls every stack; run_until / run_while repeat that. Whenever you call
 * the stack API yourself (tt_tcp_connect, tt_tcp_write, tt_stack_ping, ...),
 * pass tt_sim_now(sim) as `now`; the next step polls every stack first, so new
 * deadlines are seen.
 *
 * The simplest use, two stacks over a clean Ethernet link:
 *
 *     struct tt_sim_pair p;
 *     assert(tt_sim_pair_create(&p, NULL) == 0);        // 192.0.2.1 <-> 192.0.2.2
 *     tt_stack_ping(p.a, TT_SIM_ADDR_B, 1, 1, "hi", 2, tt_sim_now(p.sim));
 *     tt_sim_run_for(p.sim, TT_MSEC(10));
 *     ... tt_stack_counters(p.a)->icmp_in_msgs == 1 ...
 *     tt_sim_pair_destroy(&p);
 *
 * With faults: fill a struct tt_memlink_config (tt_memlink_config_default,
 * then faults[TT_MEMLINK_A_TO_B].loss = 0.1, ...) and pass it in
 * struct tt_sim_pair_opts. To wait for a condition:
 *
 *     static int not_established(void *c) { return tt_tcp_state(c) != TT_ESTABLISHED; }
 *     assert(tt_sim_run_while(p.sim, not_established, conn,
 *                             tt_sim_now(p.sim) + TT_SEC(5)) == 0);
 *
 * Never spins: with no event left, run_until jumps straight to its target, and
 * step returns TT_TIME_NEVER. A stack that keeps asking to be polled at the
 * instant it was just polled is moved on by 1 µs. Not thread-safe.
 */
#ifndef TETHER_LINK_SIM_H
#define TETHER_LINK_SIM_H

#include <stddef.h>
#include <stdint.h>

#include <tether/stack.h>

#include "memlink.h"

struct tt_sim;

#define TT_SIM_START TT_SEC(1)
#define TT_SIM_MAX_STACKS 16
#define TT_SIM_MAX_LINKS 16

/* The pair helper's addresses and MACs. */
#define TT_SIM_ADDR_A TT_IPV4(192, 0, 2, 1)
#define TT_SIM_ADDR_B TT_IPV4(192, 0, 2, 2)
#define TT_SIM_MAC_A                                                                               \
    {                                                                                              \
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01                                                         \
    }
#define TT_SIM_MAC_B                                                                               \
    {                                                                                              \
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02                                                         \
    }

/* Create an empty sim at TT_SIM_START. `seed` derives each stack's secret (so
 * ISNs and ports replay) and is mixed into link seeds. TT_ENOMEM on failure. */
int tt_sim_create(uint64_t seed, struct tt_sim **out);

/* Destroy every stack and link of the sim, then the sim. Captures are closed. */
void tt_sim_destroy(struct tt_sim *sim);

/* The virtual clock. */
tt_time tt_sim_now(const struct tt_sim *sim);

/*
 * Fill *cfg for a sim stack: tt_config_default(), malloc-based allocator hooks,
 * and a secret derived from the sim seed and `index` (deterministic). Change
 * fields (cfg->tcp.*) then pass it to tt_sim_add_stack().
 */
void tt_sim_config_default(const struct tt_sim *sim, int index, struct tt_config *cfg);

/*
 * Create a stack owned by the sim. cfg NULL = tt_sim_config_default for the
 * next index. Returns the stack's index (>= 0) and sets *out, or TT_ENOSPC
 * past TT_SIM_MAX_STACKS, or the tt_stack_create error.
 */
int tt_sim_add_stack(struct tt_sim *sim, const struct tt_config *cfg, struct tt_stack **out);

/* Create a memlink owned by the sim (cfg NULL = tt_memlink_config_default).
 * Returns its index or a negative TT_E* code. */
int tt_sim_add_link(struct tt_sim *sim, const struct tt_memlink_config *cfg,
                    struct tt_memlink **out);

/*
 * Attach `stack` to end `end` of `ml`: adds an interface from `ic` (its .link
 * is filled in by the sim; mac/addr/prefix_len/gateway are yours) and routes
 * frames arriving at that end into tt_stack_input(stack, iface, ...). Returns
 * the interface index or a negative TT_E* code (TT_EALREADY if the end is
 * taken).
 */
int tt_sim_attach(struct tt_sim *sim, struct tt_memlink *ml, enum tt_memlink_end end,
                  struct tt_stack *stack, const struct tt_iface_config *ic);

/*
 * Capture everything end `end` of `ml` sends and receives into a classic pcap
 * file at `path` (link type from the framing; timestamps are virtual time).
 * Call after tt_sim_attach. 0, TT_EINVAL (end not attached), or TT_ENOENT
 * when the file cannot be created. Closed by tt_sim_destroy.
 */
int tt_sim_capture(struct tt_sim *sim, struct tt_memlink *ml, enum tt_memlink_end end,
                   const char *path);

/*
 * Advance to the next event (or handle events due now), deliver due frames,
 * poll every stack. Returns the new time, or TT_TIME_NEVER (time unchanged)
 * when no stack and no link has anything scheduled.
 */
tt_time tt_sim_step(struct tt_sim *sim);

/*
 * Poll every stack at now and return the time of the next event (a stack's
 * deadline or a frame due on a link), TT_TIME_NEVER when there is none. The
 * clock does not move: a host that must not go past some time checks this
 * before tt_sim_step().
 */
tt_time tt_sim_next_event(struct tt_sim *sim);

/* Process every event up to and including time `t`, then set the clock to `t`
 * (if later than now) and poll the stacks there. */
void tt_sim_run_until(struct tt_sim *sim, tt_time t);

/* tt_sim_run_until(sim, tt_sim_now(sim) + dt). */
void tt_sim_run_for(struct tt_sim *sim, tt_time dt);

/*
 * Step while pred(ctx) returns non-zero, never past absolute time `until`.
 * pred is checked before each step. Returns 0 as soon as pred is zero (the
 * clock stays at the event that made it so), TT_ETIMEDOUT when `until` is
 * reached (the clock is then `until`) with pred still true.
 */
int tt_sim_run_while(struct tt_sim *sim, int (*pred)(void *ctx), void *ctx, tt_time until);

/* ---- the two-stack one-liner ---- */

struct tt_sim_pair_opts {
    const struct tt_config *cfg_a, *cfg_b; /* NULL = tt_sim_config_default */
    const struct tt_memlink_config *link;  /* NULL = clean Ethernet, MTU 1500 */
    uint64_t seed;                         /* sim seed; 0 is fine */
};

struct tt_sim_pair {
    struct tt_sim *sim;
    struct tt_stack *a, *b;  /* 192.0.2.1/24 (MAC 02:..:01), 192.0.2.2/24 (02:..:02) */
    struct tt_memlink *link; /* end A = stack a, end B = stack b */
    int iface_a, iface_b;
};

/*
 * Build a sim with two stacks over one memlink (opts NULL = defaults). With
 * RAW_IP framing the MACs are unused. 0 or a negative TT_E* code (then
 * nothing is left allocated and *p is zeroed).
 */
int tt_sim_pair_create(struct tt_sim_pair *p, const struct tt_sim_pair_opts *opts);

/* tt_sim_destroy(p->sim) and zero *p. */
void tt_sim_pair_destroy(struct tt_sim_pair *p);

#endif
