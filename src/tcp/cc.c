/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The congestion-control layer between the rest of TCP and the modules
 * (cc_reno.c, cc_cubic.c). Every change of cwnd and ssthresh goes through
 * here: the modules through their ops, loss recovery through
 * tt__cc_set_cwnd. So this file saves what an undo restores, applies the
 * rules that are the same for every module (initial window, restart after
 * idle, "grow only while cwnd-limited"), and emits the cwnd trace events.
 */
#include <string.h>

#include "tcp/tcp_int.h"

/* By TT_TCP_CC_* value (tether/tcp.h). */
static const struct tt__cc_ops *const modules[] = {
    [TT_TCP_CC_RENO] = &tt__cc_reno,
    [TT_TCP_CC_CUBIC] = &tt__cc_cubic,
};

const struct tt__cc_ops *tt__cc_module(unsigned id)
{
    return id < sizeof modules / sizeof modules[0] ? modules[id] : NULL;
}

const char *tt_tcp_cc_name(int cc)
{
    const struct tt__cc_ops *o = cc >= 0 ? tt__cc_module((unsigned)cc) : NULL;
    return o ? o->name : NULL;
}

int tt_tcp_cc_by_name(const char *name)
{
    size_t n = name ? strlen(name) : 0;
    for (unsigned i = 0; name && i < sizeof modules / sizeof modules[0]; i++)
        if (modules[i] && strlen(modules[i]->name) == n && memcmp(modules[i]->name, name, n) == 0)
            return (int)i;
    return TT_EINVAL;
}

static const struct tt__cc_ops *ops(const struct tt_tcp *t)
{
    return modules[t->cc_id];
}

void tt__cc_trace(struct tt_tcp *t, tt_time now)
{
    if (!t->s->trace_fn)
        return;
    struct tt_trace_event ev;
    tt__tcb_event(&ev, TT_TRACE_TCP_CWND, t, t->id, now);
    ev.cwnd = t->cwnd;
    ev.ssthresh = t->ssthresh;
    tt__trace(t->s, &ev);
}

/* Trace when the pair changed since (cwnd, ssthresh) was taken. */
static void trace_if(struct tt_tcp *t, uint32_t cwnd, uint32_t ssthresh, tt_time now)
{
    if (t->cwnd != cwnd || t->ssthresh != ssthresh)
        tt__cc_trace(t, now);
}

/* RFC 6928: IW = min(10 * MSS, max(2 * MSS, 14600)) with the default of 10
 * segments; Linux counts it in packets, so 10 full segments (tt__tcp_iw). */
void tt__cc_init(struct tt_tcp *t)
{
    t->cwnd = tt__tcp_iw(t);
    t->ssthresh = UINT32_MAX;
    t->prior_cwnd = t->prior_ssthresh = 0;
    ops(t)->init(t);
}

int tt__cc_select(struct tt_tcp *t, unsigned id)
{
    if (!tt__cc_module(id))
        return TT_EINVAL;
    t->cc_id = (uint8_t)id;
    /* Before the handshake tt__cc_init sets the window; after it the new
     * module starts from the cwnd and ssthresh in force (as Linux's
     * tcp_reinit_congestion_control). */
    if (t->cwnd)
        ops(t)->init(t);
    return 0;
}

/* Linux tcp_is_cwnd_limited: in slow start, cwnd < 2 * the most in flight in
 * this window; in congestion avoidance, cwnd actually stopped a send. An
 * application-limited sender does not inflate cwnd (RFC 7661's concern,
 * and RFC 9438 §4.6's condition for using cwnd rather than FlightSize). */
static int cwnd_limited(const struct tt_tcp *t)
{
    if (t->cwnd < t->ssthresh)
        return t->cwnd < 2u * t->max_flight || t->cwnd_limited;
    return t->cwnd_limited;
}

void tt__cc_ack(struct tt_tcp *t, struct tt__cc_ack *a, tt_time now)
{
    uint32_t c = t->cwnd, th = t->ssthresh;
    a->limited = (uint8_t)cwnd_limited(t);
    ops(t)->on_ack(t, a, now);
    trace_if(t, c, th, now);
}

static void save_prior(struct tt_tcp *t)
{
    t->prior_cwnd = t->cwnd;
    t->prior_ssthresh = t->ssthresh;
}

void tt__cc_loss(struct tt_tcp *t, tt_time now)
{
    uint32_t c = t->cwnd, th = t->ssthresh;
    save_prior(t);
    ops(t)->on_loss(t, now);
    trace_if(t, c, th, now);
}

void tt__cc_rto(struct tt_tcp *t, int new_episode, tt_time now)
{
    uint32_t c = t->cwnd, th = t->ssthresh;
    if (new_episode) {
        save_prior(t);
        ops(t)->on_loss(t, now);
    }
    ops(t)->on_rto(t, now);
    trace_if(t, c, th, now);
}

void tt__cc_undo(struct tt_tcp *t, tt_time now)
{
    if (!t->prior_cwnd)
        return;
    uint32_t c = t->cwnd, th = t->ssthresh;
    if (t->cwnd < t->prior_cwnd)
        t->cwnd = t->prior_cwnd;
    if (t->prior_ssthresh == UINT32_MAX || t->ssthresh < t->prior_ssthresh)
        t->ssthresh = t->prior_ssthresh;
    ops(t)->on_undo(t, now);
    t->prior_cwnd = t->prior_ssthresh = 0;
    trace_if(t, c, th, now);
}

/*
 * RFC 5681 §4.1: "if TCP has not sent data in an interval exceeding the
 * retransmission timeout, it SHOULD set cwnd to no more than RW before
 * beginning transmission", RW = min(IW, cwnd). As Linux (tcp_cwnd_restart),
 * cwnd halves once per RTO of idleness down to RW, and ssthresh keeps at
 * least 3/4 of the old cwnd. Off with slow_start_after_idle = 0. The module
 * hears of every restart after idle (CUBIC moves its epoch).
 */
void tt__cc_tx_start(struct tt_tcp *t, tt_time now)
{
    if (t->last_data_sent == 0)
        return;
    tt_time idle = now - t->last_data_sent;
    ops(t)->on_idle(t, idle, now);
    if (!t->s->cfg.tcp.slow_start_after_idle || t->rto == 0 || idle <= t->rto)
        return;
    uint32_t iw = tt__tcp_iw(t);
    uint32_t rw = iw < t->cwnd ? iw : t->cwnd;
    uint32_t keep = (t->cwnd >> 1) + (t->cwnd >> 2);
    if (!t->in_recovery && t->ssthresh < keep)
        t->ssthresh = keep;
    uint32_t c = t->cwnd;
    for (; idle > t->rto && c > rw; idle -= t->rto)
        c >>= 1;
    t->cwnd = c > rw ? c : rw;
    tt__cc_trace(t, now);
}

void tt__cc_recovery_end(struct tt_tcp *t, tt_time now)
{
    uint32_t c = t->cwnd, th = t->ssthresh;
    ops(t)->on_recovery_end(t, now);
    trace_if(t, c, th, now);
}

void tt__cc_set_cwnd(struct tt_tcp *t, uint32_t cwnd, tt_time now)
{
    if (cwnd == t->cwnd)
        return;
    t->cwnd = cwnd;
    tt__cc_trace(t, now);
}
