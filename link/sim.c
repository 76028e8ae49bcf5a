/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The simulation harness: stacks and memlinks on one virtual clock (sim.h).
 *
 * The loop is event-driven: the next instant is the minimum over every
 * stack's poll deadline and every link's next delivery. At each instant the
 * sim delivers every due frame and polls every stack, repeating while frames
 * sent at that instant are due at once (zero-delay links), so an instant is
 * finished before the clock moves.
 */
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "pcap.h"
#include "sim.h"

/* Frames and polls handled at one instant before the sim declares a livelock
 * (two stacks answering each other forever over zero-delay links). */
#define SIM_INSTANT_GUARD 1000000

struct sim_att {
    struct tt_sim *sim;
    struct tt_stack *stack; /* NULL: end not attached */
    int iface;
    struct tt_link inner; /* the memlink end */
    struct tt_pcap_writer *pcap;
};

struct tt_sim {
    tt_time now;
    uint64_t seed;
    int nstacks, nlinks;
    struct tt_stack *stacks[TT_SIM_MAX_STACKS];
    struct tt_memlink *links[TT_SIM_MAX_LINKS];
    struct sim_att att[TT_SIM_MAX_LINKS][2];
};

static uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static void *sim_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size ? size : 1);
}

static void sim_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}

int tt_sim_create(uint64_t seed, struct tt_sim **out)
{
    struct tt_sim *sim = calloc(1, sizeof *sim);
    if (!sim)
        return TT_ENOMEM;
    sim->now = TT_SIM_START;
    sim->seed = seed;
    *out = sim;
    return 0;
}

void tt_sim_destroy(struct tt_sim *sim)
{
    if (!sim)
        return;
    /* Stacks first: a stack that transmits while tearing down finds its
     * link and capture still alive. */
    for (int i = 0; i < sim->nstacks; i++)
        tt_stack_destroy(sim->stacks[i]);
    for (int i = 0; i < sim->nlinks; i++) {
        tt_pcap_writer_close(sim->att[i][0].pcap);
        tt_pcap_writer_close(sim->att[i][1].pcap);
        tt_memlink_destroy(sim->links[i]);
    }
    free(sim);
}

tt_time tt_sim_now(const struct tt_sim *sim)
{
    return sim->now;
}

void tt_sim_config_default(const struct tt_sim *sim, int index, struct tt_config *cfg)
{
    tt_config_default(cfg);
    cfg->allocator.alloc = sim_alloc;
    cfg->allocator.free = sim_free;
    cfg->allocator.ctx = NULL;
    uint64_t k = splitmix(sim->seed ^ 0x74657468657253ULL) + (uint64_t)index;
    cfg->secret[0] = splitmix(k);
    cfg->secret[1] = splitmix(cfg->secret[0] ^ k);
}

int tt_sim_add_stack(struct tt_sim *sim, const struct tt_config *cfg, struct tt_stack **out)
{
    if (sim->nstacks >= TT_SIM_MAX_STACKS)
        return TT_ENOSPC;
    struct tt_config def;
    if (!cfg) {
        tt_sim_config_default(sim, sim->nstacks, &def);
        cfg = &def;
    }
    struct tt_stack *s;
    int rc = tt_stack_create(cfg, &s);
    if (rc != 0)
        return rc;
    sim->stacks[sim->nstacks] = s;
    if (out)
        *out = s;
    return sim->nstacks++;
}

int tt_sim_add_link(struct tt_sim *sim, const struct tt_memlink_config *cfg,
                    struct tt_memlink **out)
{
    if (sim->nlinks >= TT_SIM_MAX_LINKS)
        return TT_ENOSPC;
    struct tt_memlink_config def;
    if (!cfg) {
        tt_memlink_config_default(&def);
        def.seed = splitmix(sim->seed + (uint64_t)sim->nlinks);
        cfg = &def;
    }
    struct tt_memlink *ml;
    int rc = tt_memlink_create(cfg, &ml);
    if (rc != 0)
        return rc;
    sim->links[sim->nlinks] = ml;
    if (out)
        *out = ml;
    return sim->nlinks++;
}

static int link_index(const struct tt_sim *sim, const struct tt_memlink *ml)
{
    for (int i = 0; i < sim->nlinks; i++)
        if (sim->links[i] == ml)
            return i;
    return -1;
}

static int sim_transmit(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct sim_att *a = ctx;
    if (a->pcap)
        (void)tt_pcap_write(a->pcap, now, frame, len);
    return a->inner.transmit(a->inner.ctx, frame, len, now);
}

static void sim_receive(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct sim_att *a = ctx;
    if (a->pcap)
        (void)tt_pcap_write_rx(a->pcap, frame, len, now);
    tt_stack_input(a->stack, a->iface, frame, len, now);
}

int tt_sim_attach(struct tt_sim *sim, struct tt_memlink *ml, enum tt_memlink_end end,
                  struct tt_stack *stack, const struct tt_iface_config *ic)
{
    int li = link_index(sim, ml);
    if (li < 0 || !stack || !ic || (unsigned)end > 1)
        return TT_EINVAL;
    struct sim_att *a = &sim->att[li][end];
    if (a->stack)
        return TT_EALREADY;
    a->sim = sim;
    a->inner = tt_memlink_link(ml, end);
    struct tt_iface_config c = *ic;
    c.link = a->inner;
    c.link.transmit = sim_transmit;
    c.link.ctx = a;
    int iface = tt_stack_add_iface(stack, &c);
    if (iface < 0)
        return iface;
    a->stack = stack;
    a->iface = iface;
    tt_memlink_set_rx(ml, end, sim_receive, a);
    return iface;
}

int tt_sim_capture(struct tt_sim *sim, struct tt_memlink *ml, enum tt_memlink_end end,
                   const char *path)
{
    int li = link_index(sim, ml);
    if (li < 0 || (unsigned)end > 1 || !sim->att[li][end].stack)
        return TT_EINVAL;
    struct sim_att *a = &sim->att[li][end];
    struct tt_pcap_writer *w;
    int rc = tt_pcap_writer_open(path, tt_pcap_linktype_for(a->inner.framing), &w);
    if (rc != 0)
        return rc;
    tt_pcap_writer_close(a->pcap);
    a->pcap = w;
    return 0;
}

/* ---- the clock ---- */

static tt_time links_next(const struct tt_sim *sim)
{
    tt_time t = TT_TIME_NEVER;
    for (int i = 0; i < sim->nlinks; i++) {
        tt_time d = tt_memlink_next_deadline(sim->links[i]);
        t = d < t ? d : t;
    }
    return t;
}

/* Poll every stack at now; the earliest deadline after now (a stack asking
 * for `now` again right after its poll is moved on by 1 µs: no spinning). */
static tt_time poll_all(struct tt_sim *sim)
{
    tt_time t = TT_TIME_NEVER;
    for (int i = 0; i < sim->nstacks; i++) {
        tt_time d = tt_stack_poll(sim->stacks[i], sim->now);
        if (d <= sim->now)
            d = sim->now + 1;
        t = d < t ? d : t;
    }
    return t;
}

static tt_time next_event(struct tt_sim *sim)
{
    tt_time s = poll_all(sim), l = links_next(sim);
    return s < l ? s : l;
}

/* Finish the current instant: deliver what is due, poll, until quiet.
 * Returns -1 on a zero-delay livelock, so that the callers stop. */
static int process(struct tt_sim *sim)
{
    for (int guard = 0; guard < SIM_INSTANT_GUARD; guard++) {
        for (int i = 0; i < sim->nlinks; i++)
            tt_memlink_deliver(sim->links[i], sim->now);
        (void)poll_all(sim);
        if (links_next(sim) > sim->now)
            return 0;
    }
    return -1;
}

tt_time tt_sim_next_event(struct tt_sim *sim)
{
    return next_event(sim);
}

tt_time tt_sim_step(struct tt_sim *sim)
{
    tt_time next = next_event(sim);
    if (next == TT_TIME_NEVER)
        return TT_TIME_NEVER;
    if (next > sim->now)
        sim->now = next;
    (void)process(sim);
    return sim->now;
}

void tt_sim_run_until(struct tt_sim *sim, tt_time t)
{
    for (;;) {
        tt_time next = next_event(sim);
        if (next == TT_TIME_NEVER || next > t)
            break;
        if (next > sim->now)
            sim->now = next;
        if (process(sim) != 0)
            return;
    }
    if (t > sim->now)
        sim->now = t;
    (void)process(sim);
}

void tt_sim_run_for(struct tt_sim *sim, tt_time dt)
{
    tt_sim_run_until(sim, sim->now + dt);
}

int tt_sim_run_while(struct tt_sim *sim, int (*pred)(void *ctx), void *ctx, tt_time until)
{
    for (;;) {
        if (!pred(ctx))
            return 0;
        tt_time next = next_event(sim);
        if (next == TT_TIME_NEVER || next > until) {
            if (until > sim->now)
                sim->now = until;
            (void)process(sim);
            return pred(ctx) ? TT_ETIMEDOUT : 0;
        }
        if (next > sim->now)
            sim->now = next;
        if (process(sim) != 0)
            return TT_ETIMEDOUT;
    }
}

/* ---- the pair ---- */

static int pair_build(struct tt_sim_pair *p, const struct tt_sim_pair_opts *o)
{
    int rc = tt_sim_add_stack(p->sim, o->cfg_a, &p->a);
    if (rc < 0)
        return rc;
    rc = tt_sim_add_stack(p->sim, o->cfg_b, &p->b);
    if (rc < 0)
        return rc;
    rc = tt_sim_add_link(p->sim, o->link, &p->link);
    if (rc < 0)
        return rc;
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.prefix_len = 24;
    static const uint8_t mac_a[6] = TT_SIM_MAC_A, mac_b[6] = TT_SIM_MAC_B;
    memcpy(ic.mac, mac_a, 6);
    ic.addr = TT_SIM_ADDR_A;
    rc = tt_sim_attach(p->sim, p->link, TT_MEMLINK_A, p->a, &ic);
    if (rc < 0)
        return rc;
    p->iface_a = rc;
    memcpy(ic.mac, mac_b, 6);
    ic.addr = TT_SIM_ADDR_B;
    rc = tt_sim_attach(p->sim, p->link, TT_MEMLINK_B, p->b, &ic);
    if (rc < 0)
        return rc;
    p->iface_b = rc;
    return 0;
}

int tt_sim_pair_create(struct tt_sim_pair *p, const struct tt_sim_pair_opts *opts)
{
    static const struct tt_sim_pair_opts none;
    const struct tt_sim_pair_opts *o = opts ? opts : &none;
    memset(p, 0, sizeof *p);
    int rc = tt_sim_create(o->seed, &p->sim);
    if (rc != 0)
        return rc;
    rc = pair_build(p, o);
    if (rc != 0)
        tt_sim_pair_destroy(p);
    return rc;
}

void tt_sim_pair_destroy(struct tt_sim_pair *p)
{
    tt_sim_destroy(p->sim);
    memset(p, 0, sizeof *p);
}
