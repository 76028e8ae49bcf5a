/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The transfer driver (see xfer.h): two sim stacks, one connection, both
 * directions at once, every byte checked against the expected stream and
 * hashed on both sides, every byte of memory accounted for at the end.
 */
#include "xfer.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/rng.h>

#include "sim.h"

#define XFER_PORT 5001
#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME 0x100000001b3ull
#define IO_BUF 65536

/* ---- the streams ---- */

static uint64_t mix64(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t stream_key(uint64_t seed, int dir)
{
    return mix64(seed ^ ((uint64_t)(dir + 1) << 56));
}

/* Eight bytes of the stream per 64-bit block: block k is mix64(key + k). */
static void stream_fill(uint64_t key, uint64_t off, uint8_t *dst, size_t n)
{
    while (n > 0) {
        uint64_t x = mix64(key + (off >> 3));
        unsigned i = (unsigned)(off & 7);
        for (; i < 8 && n > 0; i++, n--, off++)
            *dst++ = (uint8_t)(x >> (8 * i));
    }
}

uint8_t xfer_stream_byte(uint64_t seed, int dir, uint64_t off)
{
    uint8_t b;
    stream_fill(stream_key(seed, dir), off, &b, 1);
    return b;
}

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * FNV_PRIME;
    return h;
}

/* ---- config and its description ---- */

void xfer_config_default(struct xfer_cfg *c, uint64_t seed)
{
    memset(c, 0, sizeof *c);
    c->name = "xfer";
    c->seed = seed;
    tt_memlink_config_default(&c->link);
    c->a.bytes = c->b.bytes = 64 * 1024;
    c->close = XFER_CLOSE_A_FIRST;
    c->time_limit = TT_SEC(60);
}

static size_t put(char *buf, size_t n, size_t at, const char *fmt, ...)
{
    if (at >= n)
        return at;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + at, n - at, fmt, ap);
    va_end(ap);
    return k < 0 ? at : at + (size_t)k;
}

static size_t describe_faults(char *buf, size_t n, size_t at, const char *dir,
                              const struct tt_memlink_faults *f)
{
    return put(buf, n, at,
               " %s{loss=%g dup=%g reorder=%g/%lluus corrupt=%g delay=%lluus jitter=%lluus "
               "rate=%lluB/s queue=%u/%zuB}",
               dir, f->loss, f->duplicate, f->reorder, (unsigned long long)f->reorder_delay,
               f->corrupt, (unsigned long long)f->delay, (unsigned long long)f->jitter,
               (unsigned long long)f->rate_bytes_per_sec, f->queue_frames, f->queue_bytes);
}

static size_t describe_side(char *buf, size_t n, size_t at, const char *name,
                            const struct xfer_side *s)
{
    return put(buf, n, at,
               " %s{bytes=%llu sndbuf=%u rcvbuf=%u write_max=%u read_max=%u pause=%llu+%lluus "
               "isn=%u nodelay=%u}",
               name, (unsigned long long)s->bytes, s->sndbuf, s->rcvbuf, s->write_max, s->read_max,
               (unsigned long long)s->pause_after, (unsigned long long)s->pause_for, s->isn,
               s->nodelay);
}

void xfer_describe(const struct xfer_cfg *c, char *buf, size_t n)
{
    static const char *const closes[] = {"a-first", "b-first", "both"};
    size_t at = put(buf, n, 0, "%s seed=%llu close=%s limit=%lluus mtu=%u", c->name,
                    (unsigned long long)c->seed,
                    (unsigned)c->close < XFER_CLOSE_COUNT ? closes[c->close] : "?",
                    (unsigned long long)c->time_limit, c->link.mtu);
    at = describe_faults(buf, n, at, "a>b", &c->link.faults[TT_MEMLINK_A_TO_B]);
    at = describe_faults(buf, n, at, "b>a", &c->link.faults[TT_MEMLINK_B_TO_A]);
    at = describe_side(buf, n, at, "a", &c->a);
    (void)describe_side(buf, n, at, "b", &c->b);
}

/* ---- one run ---- */

struct xside {
    const struct xfer_side *cfg;
    struct tt_stack *s;
    struct tt_tcp *t;
    int dir; /* the direction this side sends: 0 = A to B */
    uint64_t tx_key, rx_key;
    uint64_t sent, rcvd, hash_tx, hash_rx;
    uint8_t fin_first, shut, eof, closed, paused_once, zwnd, up;
    tt_time pause_end;
    size_t mem_base;
    struct tt_tcp_info info;
};

struct xrun {
    const struct xfer_cfg *c;
    struct xfer_result *r;
    struct tt_sim *sim;
    struct tt_memlink *ml;
    struct tt_tcp *listener;
    struct xside side[2];
    struct tt_rng rng;
    int failed;
    uint8_t buf[IO_BUF];
};

static void xfail(struct xrun *x, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = 1;
    char *m = x->r->msg;
    size_t n = sizeof x->r->msg, at = 0;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(m, n, fmt, ap);
    va_end(ap);
    at = k < 0 ? 0 : (size_t)k;
    at = put(m, n, at, " at t=%lluus;", (unsigned long long)(x->sim ? tt_sim_now(x->sim) : 0));
    for (int i = 0; i < 2; i++) {
        const struct xside *s = &x->side[i];
        at = put(m, n, at, " %c: sent=%llu rcvd=%llu eof=%u closed=%u", i ? 'b' : 'a',
                 (unsigned long long)s->sent, (unsigned long long)s->rcvd, s->eof, s->closed);
        if (s->t && !s->closed) {
            struct tt_tcp_info in;
            tt_tcp_info(s->t, &in);
            at = put(m, n, at,
                     " state=%s err=%d rto=%lluus backoff=%u cwnd=%u ssthresh=%u snd_wnd=%u "
                     "rcv_wnd=%u unacked=%u retrans=%u unsent=%zu readable=%zu",
                     tt_tcp_state_name(in.state), tt_tcp_error(s->t), (unsigned long long)in.rto,
                     in.backoff, in.snd_cwnd, in.snd_ssthresh, in.snd_wnd, in.rcv_wnd, in.unacked,
                     in.total_retrans, tt_tcp_unsent(s->t), tt_tcp_readable(s->t));
        }
        if (s->s) {
            const struct tt_counters *ct = tt_stack_counters(s->s);
            at = put(m, n, at, " drops:");
            for (int d = 0; d < TT_DROP_COUNT; d++)
                if (ct->drops[d])
                    at = put(m, n, at, " %s=%llu", tt_drop_reason_name((enum tt_drop_reason)d),
                             (unsigned long long)ct->drops[d]);
        }
        at = put(m, n, at, ";");
    }
    at = put(m, n, at, " replay: ");
    xfer_describe(x->c, m + (at < n ? at : n - 1), at < n ? n - at : 1);
}

static uint32_t pick(struct xrun *x, uint32_t max, uint64_t left)
{
    uint64_t n = 1 + tt_rng_below(&x->rng, max ? max : IO_BUF);
    if (n > IO_BUF)
        n = IO_BUF;
    return (uint32_t)(n < left ? n : left);
}

static void side_write(struct xrun *x, struct xside *me, tt_time now)
{
    while (me->sent < me->cfg->bytes) {
        uint32_t n = pick(x, me->cfg->write_max, me->cfg->bytes - me->sent);
        stream_fill(me->tx_key, me->sent, x->buf, n);
        long k = tt_tcp_send(me->t, x->buf, n, now);
        if (k == TT_EAGAIN)
            return;
        if (k < 0 || (uint64_t)k > n) {
            xfail(x, "%s: send returned %ld", me->dir ? "b" : "a", k);
            return;
        }
        me->hash_tx = fnv1a(me->hash_tx, x->buf, (size_t)k);
        me->sent += (uint64_t)k;
        if ((uint32_t)k < n)
            return;
    }
}

/* Check a received piece against the expected stream; report the first byte
 * that differs. */
static void check_piece(struct xrun *x, struct xside *me, const uint8_t *p, size_t n)
{
    uint8_t want[256];
    for (size_t done = 0; done < n;) {
        size_t k = n - done < sizeof want ? n - done : sizeof want;
        stream_fill(me->rx_key, me->rcvd + done, want, k);
        if (memcmp(want, p + done, k) != 0) {
            size_t i = 0;
            while (want[i] == p[done + i])
                i++;
            xfail(x, "%s: byte %llu of the stream differs (got 0x%02x, expected 0x%02x)",
                  me->dir ? "b" : "a", (unsigned long long)(me->rcvd + done + i), p[done + i],
                  want[i]);
            return;
        }
        done += k;
    }
}

static void side_read(struct xrun *x, struct xside *me, uint64_t expect, tt_time now)
{
    if (me->pause_end) {
        if (now < me->pause_end)
            return;
        me->pause_end = 0;
    }
    while (!me->eof && !x->failed) {
        if (me->cfg->pause_for && !me->paused_once && me->rcvd >= me->cfg->pause_after) {
            me->paused_once = 1;
            me->pause_end = now + me->cfg->pause_for;
            return;
        }
        uint32_t n = pick(x, me->cfg->read_max, IO_BUF);
        long k = tt_tcp_recv(me->t, x->buf, n, now);
        if (k == TT_EAGAIN)
            return;
        if (k < 0 || (uint64_t)k > n) {
            xfail(x, "%s: recv returned %ld", me->dir ? "b" : "a", k);
            return;
        }
        if (k == 0) {
            me->eof = 1;
            if (me->rcvd != expect)
                xfail(x, "%s: end of stream after %llu bytes, expected %llu", me->dir ? "b" : "a",
                      (unsigned long long)me->rcvd, (unsigned long long)expect);
            return;
        }
        check_piece(x, me, x->buf, (size_t)k);
        me->hash_rx = fnv1a(me->hash_rx, x->buf, (size_t)k);
        me->rcvd += (uint64_t)k;
        if (me->rcvd > expect)
            xfail(x, "%s: %llu bytes received, more than the %llu sent", me->dir ? "b" : "a",
                  (unsigned long long)me->rcvd, (unsigned long long)expect);
    }
}

/* Count each time the sender meets a closed window with data waiting. */
static void watch_window(struct xrun *x, struct xside *me)
{
    struct tt_tcp_info i;
    tt_tcp_info(me->t, &i);
    int zero = i.state >= TT_ESTABLISHED && i.snd_wnd == 0 && tt_tcp_unsent(me->t) > 0;
    uint32_t flight = i.snd_nxt - i.snd_una;
    if (i.state >= TT_ESTABLISHED && i.snd_wnd > x->r->max_snd_wnd[me->dir])
        x->r->max_snd_wnd[me->dir] = i.snd_wnd;
    if (flight > x->r->max_inflight[me->dir])
        x->r->max_inflight[me->dir] = flight;
    if (zero && !me->zwnd)
        x->r->zero_window_seen++;
    me->zwnd = (uint8_t)zero;
}

static void side_pump(struct xrun *x, struct xside *me, uint64_t expect, tt_time now)
{
    if (!me->t || me->closed || x->failed)
        return;
    /* Until the handshake completes there is nothing to do; from then on the
     * application keeps calling, whatever the state (data stays readable
     * after the connection has closed). */
    if (!me->up && tt_tcp_state(me->t) < TT_ESTABLISHED && !tt_tcp_error(me->t))
        return;
    me->up = 1;
    side_write(x, me, now);
    if (me->sent == me->cfg->bytes && me->fin_first && !me->shut && !x->failed) {
        int rc = tt_tcp_shutdown(me->t, TT_SHUT_WR, now);
        if (rc != 0)
            xfail(x, "%s: shutdown(WR) returned %d", me->dir ? "b" : "a", rc);
        me->shut = 1;
    }
    side_read(x, me, expect, now);
    if (!x->failed && !me->closed)
        watch_window(x, me);
    if (me->eof && me->sent == me->cfg->bytes && !x->failed) {
        tt_tcp_info(me->t, &me->info);
        tt_tcp_close(me->t, now);
        me->closed = 1;
    }
}

static int once(void *ctx)
{
    int *first = ctx;
    return (*first)++ == 0;
}

/* One event, never past `until`. */
static void step_until(struct tt_sim *sim, tt_time until)
{
    int first = 0;
    (void)tt_sim_run_while(sim, once, &first, until);
}

/* TT_XFER_TRACE=1: every TCP segment in and out, state change and
 * retransmission decision of both stacks on stderr (for replaying a seed). */
static void trace_print(void *ctx, const struct tt_trace_event *ev)
{
    const char *who = ctx;
    const struct tt_trace_seg *g = &ev->seg;
    switch (ev->kind) {
    case TT_TRACE_TCP_SEG_IN:
    case TT_TRACE_TCP_SEG_OUT:
    case TT_TRACE_TCP_RETRANSMIT:
        fprintf(stderr, "%12llu %s %s seq=%u ack=%u f=%02x wnd=%u len=%u tsv=%u tse=%u%s%s%d\n",
                (unsigned long long)ev->now, who,
                ev->kind == TT_TRACE_TCP_SEG_IN    ? "in "
                : ev->kind == TT_TRACE_TCP_SEG_OUT ? "out"
                                                   : "RTX",
                g->seq, g->ack, g->flags, g->wnd, g->len, g->ts_val, g->ts_ecr,
                ev->kind == TT_TRACE_TCP_SEG_IN && !ev->accepted ? " DROP " : " ",
                ev->kind == TT_TRACE_TCP_SEG_IN ? "why=" : "cause=",
                ev->kind == TT_TRACE_TCP_SEG_IN ? (int)ev->drop : (int)ev->cause);
        break;
    case TT_TRACE_TCP_STATE:
        fprintf(stderr, "%12llu %s state %d -> %d\n", (unsigned long long)ev->now, who,
                ev->old_state, ev->new_state);
        break;
    default:
        break;
    }
}

static int config_side(struct xrun *x, int i, struct tt_stack **out)
{
    const struct xfer_side *sd = i ? &x->c->b : &x->c->a;
    struct tt_config cfg;
    tt_sim_config_default(x->sim, i, &cfg);
    cfg.tcp.isn_test = sd->isn;
    if (sd->rcvbuf > cfg.tcp.rmem_max)
        cfg.tcp.rmem_max = sd->rcvbuf;
    if (sd->sndbuf > cfg.tcp.wmem_max)
        cfg.tcp.wmem_max = sd->sndbuf;
    return tt_sim_add_stack(x->sim, &cfg, out);
}

/* Two stacks on a clean link; ARP resolved by a ping each way. */
static int build(struct xrun *x)
{
    if (tt_sim_create(x->c->seed, &x->sim) != 0)
        return -1;
    struct tt_memlink_config lc = x->c->link;
    memset(lc.faults, 0, sizeof lc.faults);
    lc.seed = x->c->seed;
    if (config_side(x, 0, &x->side[0].s) < 0 || config_side(x, 1, &x->side[1].s) < 0 ||
        tt_sim_add_link(x->sim, &lc, &x->ml) < 0)
        return -1;
    static const uint8_t macs[2][6] = {TT_SIM_MAC_A, TT_SIM_MAC_B};
    const struct tt_addr addrs[2] = {TT_SIM_ADDR_A, TT_SIM_ADDR_B};
    for (int i = 0; i < 2; i++) {
        struct tt_iface_config ic;
        memset(&ic, 0, sizeof ic);
        memcpy(ic.mac, macs[i], 6);
        ic.addr = addrs[i];
        ic.prefix_len = 24;
        if (tt_sim_attach(x->sim, x->ml, i ? TT_MEMLINK_B : TT_MEMLINK_A, x->side[i].s, &ic) < 0)
            return -1;
    }
    const char *tr = getenv("TT_XFER_TRACE");
    if (tr && tr[0] == '1') {
        tt_stack_set_trace(x->side[0].s, trace_print, (void *)"A");
        tt_stack_set_trace(x->side[1].s, trace_print, (void *)"B");
    }
    tt_stack_ping(x->side[0].s, TT_SIM_ADDR_B, 1, 1, "w", 1, tt_sim_now(x->sim));
    tt_stack_ping(x->side[1].s, TT_SIM_ADDR_A, 1, 1, "w", 1, tt_sim_now(x->sim));
    tt_sim_run_for(x->sim, TT_MSEC(10));
    return 0;
}

static int set_bufs(struct tt_tcp *t, const struct xfer_side *sd)
{
    int rc = 0;
    if (sd->sndbuf)
        rc |= tt_tcp_setopt(t, TT_TCP_OPT_SNDBUF, (int)sd->sndbuf);
    if (sd->rcvbuf)
        rc |= tt_tcp_setopt(t, TT_TCP_OPT_RCVBUF, (int)sd->rcvbuf);
    if (sd->nodelay)
        rc |= tt_tcp_setopt(t, TT_TCP_OPT_NODELAY, 1);
    return rc;
}

static void start(struct xrun *x)
{
    const struct xfer_cfg *c = x->c;
    tt_time now = tt_sim_now(x->sim);
    for (int i = 0; i < 2; i++) {
        struct xside *s = &x->side[i];
        s->cfg = i ? &c->b : &c->a;
        s->dir = i;
        s->tx_key = stream_key(c->seed, i);
        s->rx_key = stream_key(c->seed, !i);
        s->hash_tx = s->hash_rx = FNV_OFFSET;
        s->fin_first = c->close == XFER_CLOSE_BOTH || (int)c->close == i;
        s->mem_base = tt_stack_mem_in_use(s->s);
    }
    if (tt_tcp_open(x->side[1].s, &x->listener) != 0 || set_bufs(x->listener, &c->b) != 0 ||
        tt_tcp_bind(x->listener, TT_ADDR_ANY, XFER_PORT) != 0 ||
        tt_tcp_listen(x->listener, 1, now) != 0) {
        xfail(x, "listener setup failed");
        return;
    }
    for (int d = 0; d < 2; d++)
        if (tt_memlink_set_faults(x->ml, (enum tt_memlink_dir)d, &c->link.faults[d]) != 0)
            xfail(x, "bad fault config");
    if (c->fate)
        tt_memlink_set_fate_hook(x->ml, c->fate, c->fate_ctx);
    if (tt_tcp_open(x->side[0].s, &x->side[0].t) != 0 || set_bufs(x->side[0].t, &c->a) != 0 ||
        tt_tcp_connect(x->side[0].t, TT_SIM_ADDR_B, XFER_PORT, now) != TT_EINPROGRESS)
        xfail(x, "connect setup failed");
}

static void transfer(struct xrun *x)
{
    tt_time t0 = tt_sim_now(x->sim), deadline = t0 + x->c->time_limit;
    struct xside *a = &x->side[0], *b = &x->side[1];
    while (!x->failed && !(a->closed && b->closed)) {
        tt_time now = tt_sim_now(x->sim);
        if (!b->t && tt_tcp_accept(x->listener, &b->t, now) == 0 && set_bufs(b->t, &x->c->b) != 0)
            xfail(x, "setopt on the accepted connection failed");
        side_pump(x, a, x->c->b.bytes, now);
        side_pump(x, b, x->c->a.bytes, now);
        if (x->failed || (a->closed && b->closed))
            break;
        if (now >= deadline) {
            xfail(x, "time limit (%llu us) reached", (unsigned long long)x->c->time_limit);
            break;
        }
        tt_time until = deadline;
        for (int i = 0; i < 2; i++)
            if (x->side[i].pause_end > now && x->side[i].pause_end < until)
                until = x->side[i].pause_end;
        step_until(x->sim, until);
    }
    x->r->elapsed = tt_sim_now(x->sim) - t0;
}

static int lingering(void *ctx)
{
    struct xrun *x = ctx;
    struct tt_tcp_stats sa, sb;
    tt_tcp_stats(x->side[0].s, &sa);
    tt_tcp_stats(x->side[1].s, &sb);
    return sa.handles > 0 || sb.handles > 1;
}

/* TIME-WAIT and the last retransmissions play out; then nothing may be left. */
static void drain(struct xrun *x)
{
    tt_time limit = tt_sim_now(x->sim) + TT_SEC(600);
    if (tt_sim_run_while(x->sim, lingering, x, limit) != 0) {
        xfail(x, "connections still alive 600 s after both sides closed");
        return;
    }
    tt_tcp_close(x->listener, tt_sim_now(x->sim));
    x->listener = NULL;
    tt_sim_run_for(x->sim, TT_MSEC(1));
    for (int i = 0; i < 2; i++) {
        struct tt_tcp_stats st;
        tt_tcp_stats(x->side[i].s, &st);
        size_t mem = tt_stack_mem_in_use(x->side[i].s);
        if (st.handles || st.buf_bytes || mem != x->side[i].mem_base)
            xfail(x,
                  "%c: not all freed: %u handles, %zu buffer bytes, %zu bytes in use "
                  "(baseline %zu)",
                  i ? 'b' : 'a', st.handles, st.buf_bytes, mem, x->side[i].mem_base);
    }
}

static void verify(struct xrun *x)
{
    for (int i = 0; i < 2; i++) {
        const struct xside *me = &x->side[i], *peer = &x->side[!i];
        if (me->rcvd != peer->sent || peer->sent != peer->cfg->bytes)
            xfail(x, "%c received %llu bytes, peer sent %llu of %llu", i ? 'b' : 'a',
                  (unsigned long long)me->rcvd, (unsigned long long)peer->sent,
                  (unsigned long long)peer->cfg->bytes);
        else if (me->hash_rx != peer->hash_tx)
            xfail(x, "%c: hash of the received stream %016llx != sent %016llx", i ? 'b' : 'a',
                  (unsigned long long)me->hash_rx, (unsigned long long)peer->hash_tx);
    }
}

static void collect(struct xrun *x)
{
    struct xfer_result *r = x->r;
    for (int i = 0; i < 2; i++) {
        r->sent[i] = x->side[i].sent;
        r->rcvd[i] = x->side[i].rcvd;
        r->hash_sent[i] = x->side[i].hash_tx;
        r->hash_rcvd[i] = x->side[i].hash_rx;
        r->info[i] = x->side[i].info;
        if (x->side[i].s)
            r->ctr[i] = *tt_stack_counters(x->side[i].s);
        if (x->ml)
            r->link[i] = *tt_memlink_counters(x->ml, (enum tt_memlink_dir)i);
    }
}

int xfer_run(const struct xfer_cfg *c, struct xfer_result *r)
{
    struct xrun xs;
    struct xrun *x = &xs;
    memset(x, 0, sizeof *x);
    memset(r, 0, sizeof *r);
    x->c = c;
    x->r = r;
    tt_rng_seed(&x->rng, c->seed ^ 0x7265616477726974ull);
    if (build(x) != 0)
        xfail(x, "sim setup failed");
    if (!x->failed)
        start(x);
    if (!x->failed)
        transfer(x);
    if (!x->failed)
        verify(x);
    if (!x->failed)
        drain(x);
    collect(x);
    if (x->sim)
        tt_sim_destroy(x->sim);
    r->ok = !x->failed;
    return r->ok ? 0 : -1;
}

/* ---- for cmocka tests ---- */

void xfer_grid_config(struct xfer_cfg *c, const char *name, uint64_t seed, uint64_t bytes,
                      const struct tt_memlink_faults *f)
{
    xfer_config_default(c, seed);
    c->name = name;
    c->a.bytes = c->b.bytes = bytes;
    c->a.read_max = c->b.read_max = 8192;
    c->a.write_max = c->b.write_max = 16384;
    c->close = XFER_CLOSE_BOTH;
    for (int d = 0; d < 2; d++) {
        if (f)
            c->link.faults[d] = *f;
        c->link.faults[d].delay += TT_MSEC(5);
    }
}

void xfer_run_or_fail(const struct xfer_cfg *c, struct xfer_result *r)
{
    if (xfer_run(c, r) != 0)
        fail_msg("%s", r->msg);
    print_message("[   info   ] %s: %.3f s virtual, retransmitted a=%llu b=%llu segments\n",
                  c->name, (double)r->elapsed / 1e6, (unsigned long long)r->ctr[0].tcp_retrans_segs,
                  (unsigned long long)r->ctr[1].tcp_retrans_segs);
}
