/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The in-memory link pair and its fault injector (see memlink.h for the model).
 *
 * Each direction keeps its frames in a binary min-heap ordered by (delivery
 * time, transmit order), so delivery is O(log n) per frame however much the
 * jitter and reordering shuffle them. A frame that sorts after every frame
 * already held (no jitter, no reordering: nearly always) goes to a FIFO ring
 * instead, O(1); delivery takes the earlier of the ring's head and the heap's
 * top, so the order is the same. A second FIFO structure per direction
 * remembers when each frame still in the bottleneck finishes serialising; it
 * is what the queue limit counts. Frame buffers are recycled (all frames have
 * room for the MTU), so a transfer does not call malloc per frame.
 */
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>
#include <tether/rng.h>

#include "memlink.h"

struct ml_frame {
    struct ml_frame *next; /* in the free list */
    tt_time at;            /* delivery time */
    uint64_t order;        /* global transmit order: ties deliver in send order */
    size_t len;
    uint8_t data[];
};

struct ml_slot { /* one frame in the bottleneck */
    tt_time end; /* when its serialisation ends */
    size_t len;
};

struct ml_dir {
    struct tt_memlink_faults f;
    struct tt_rng rng;
    struct ml_frame **heap;
    size_t n, cap;
    struct ml_frame **fifo; /* ring, in delivery order */
    size_t fifo_head, fifo_n, fifo_cap;
    size_t held_bytes;
    uint64_t serial;
    tt_time busy_until; /* end of the last frame's serialisation */
    int in_burst;       /* loss_burst: in the lossy state of the Gilbert model */
    struct ml_slot *bq; /* ring: frames waiting or being serialised */
    size_t bq_head, bq_n, bq_cap, bq_bytes;
    struct tt_memlink_counters c;
};

struct ml_end {
    struct tt_memlink *ml;
    enum tt_memlink_end end;
    tt_memlink_rx_fn rx;
    void *rx_ctx;
};

struct tt_memlink {
    struct tt_memlink_config cfg;
    struct ml_dir dir[2];
    struct ml_end end[2];
    uint64_t order;
    struct ml_frame *free_frames; /* recycled buffers of frame_room bytes */
    size_t frame_room;
    tt_memlink_fate_fn fate_fn;
    void *fate_ctx;
};

static const char *const fate_names[] = {"delivered", "lost", "duplicated", "corrupted",
                                         "queue-drop"};

const char *tt_memlink_fate_name(enum tt_memlink_fate f)
{
    if ((unsigned)f >= sizeof fate_names / sizeof fate_names[0])
        return NULL;
    return fate_names[f];
}

void tt_memlink_config_default(struct tt_memlink_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->framing = TT_FRAMING_ETHERNET;
    cfg->mtu = 1500;
    cfg->seed = 1;
    cfg->max_held_frames = 65536;
    cfg->max_held_bytes = (size_t)64 << 20;
}

static int prob_ok(double p)
{
    return p >= 0.0 && p <= 1.0; /* also false for NaN */
}

static int faults_ok(const struct tt_memlink_faults *f)
{
    return prob_ok(f->loss) && prob_ok(f->duplicate) && prob_ok(f->reorder) && prob_ok(f->corrupt);
}

int tt_memlink_create(const struct tt_memlink_config *cfg, struct tt_memlink **out)
{
    if (!cfg || !out)
        return TT_EINVAL;
    if (cfg->framing != TT_FRAMING_ETHERNET && cfg->framing != TT_FRAMING_RAW_IP)
        return TT_EINVAL;
    if (!faults_ok(&cfg->faults[0]) || !faults_ok(&cfg->faults[1]))
        return TT_EINVAL;
    struct tt_memlink *ml = calloc(1, sizeof *ml);
    if (!ml)
        return TT_ENOMEM;
    ml->cfg = *cfg;
    if (ml->cfg.mtu == 0)
        ml->cfg.mtu = 1500;
    ml->frame_room = ml->cfg.mtu + (ml->cfg.framing == TT_FRAMING_ETHERNET ? TT_ETH_HLEN : 0);
    for (int d = 0; d < 2; d++) {
        ml->dir[d].f = cfg->faults[d];
        /* Distinct, fixed streams per direction: seed and direction mixed. */
        tt_rng_seed(&ml->dir[d].rng, cfg->seed * 2 + (uint64_t)d + 0x6d656d6c696e6bULL);
        ml->end[d].ml = ml;
        ml->end[d].end = (enum tt_memlink_end)d;
    }
    *out = ml;
    return 0;
}

void tt_memlink_destroy(struct tt_memlink *ml)
{
    if (!ml)
        return;
    for (int d = 0; d < 2; d++) {
        struct ml_dir *dd = &ml->dir[d];
        for (size_t i = 0; i < dd->n; i++)
            free(dd->heap[i]);
        for (size_t i = 0; i < dd->fifo_n; i++)
            free(dd->fifo[(dd->fifo_head + i) % dd->fifo_cap]);
        free(dd->heap);
        free(dd->fifo);
        free(dd->bq);
    }
    while (ml->free_frames) {
        struct ml_frame *fr = ml->free_frames;
        ml->free_frames = fr->next;
        free(fr);
    }
    free(ml);
}

/* ---- the heap ---- */

static int frame_before(const struct ml_frame *x, const struct ml_frame *y)
{
    return x->at < y->at || (x->at == y->at && x->order < y->order);
}

static int fifo_push(struct ml_dir *d, struct ml_frame *fr)
{
    if (d->fifo_n == d->fifo_cap) {
        size_t ncap = d->fifo_cap ? d->fifo_cap * 2 : 64;
        struct ml_frame **nf = malloc(ncap * sizeof *nf);
        if (!nf)
            return TT_ENOMEM;
        for (size_t i = 0; i < d->fifo_n; i++)
            nf[i] = d->fifo[(d->fifo_head + i) % d->fifo_cap];
        free(d->fifo);
        d->fifo = nf;
        d->fifo_cap = ncap;
        d->fifo_head = 0;
    }
    d->fifo[(d->fifo_head + d->fifo_n) % d->fifo_cap] = fr;
    d->fifo_n++;
    d->held_bytes += fr->len;
    return 0;
}

static struct ml_frame *fifo_tail(const struct ml_dir *d)
{
    return d->fifo[(d->fifo_head + d->fifo_n - 1) % d->fifo_cap];
}

static int heap_push(struct ml_dir *d, struct ml_frame *fr)
{
    /* After every frame in the ring (and so after all delivered ones): the
     * ring keeps it in order; the heap's frames are compared at delivery. */
    if (d->fifo_n == 0 || !frame_before(fr, fifo_tail(d)))
        return fifo_push(d, fr);
    if (d->n == d->cap) {
        size_t ncap = d->cap ? d->cap * 2 : 64;
        struct ml_frame **nh = realloc(d->heap, ncap * sizeof *nh);
        if (!nh)
            return TT_ENOMEM;
        d->heap = nh;
        d->cap = ncap;
    }
    size_t i = d->n++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (!frame_before(fr, d->heap[parent]))
            break;
        d->heap[i] = d->heap[parent];
        i = parent;
    }
    d->heap[i] = fr;
    d->held_bytes += fr->len;
    return 0;
}

static struct ml_frame *heap_pop(struct ml_dir *d)
{
    struct ml_frame *top = d->heap[0];
    struct ml_frame *last = d->heap[--d->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= d->n)
            break;
        if (c + 1 < d->n && frame_before(d->heap[c + 1], d->heap[c]))
            c++;
        if (!frame_before(d->heap[c], last))
            break;
        d->heap[i] = d->heap[c];
        i = c;
    }
    if (d->n > 0)
        d->heap[i] = last;
    d->held_bytes -= top->len;
    return top;
}

/* The earliest held frame of one direction (NULL: none), ring or heap. */
static struct ml_frame *held_first(const struct ml_dir *d)
{
    struct ml_frame *f = d->fifo_n ? d->fifo[d->fifo_head] : NULL;
    if (d->n > 0 && (!f || frame_before(d->heap[0], f)))
        f = d->heap[0];
    return f;
}

static struct ml_frame *held_pop(struct ml_dir *d)
{
    if (d->fifo_n && (d->n == 0 || !frame_before(d->heap[0], d->fifo[d->fifo_head]))) {
        struct ml_frame *f = d->fifo[d->fifo_head];
        d->fifo_head = (d->fifo_head + 1) % d->fifo_cap;
        d->fifo_n--;
        d->held_bytes -= f->len;
        return f;
    }
    return heap_pop(d);
}

/* ---- the bottleneck queue ---- */

static void bq_expire(struct ml_dir *d, tt_time now)
{
    while (d->bq_n > 0 && d->bq[d->bq_head].end <= now) {
        d->bq_bytes -= d->bq[d->bq_head].len;
        d->bq_head = (d->bq_head + 1) % d->bq_cap;
        d->bq_n--;
    }
}

static int bq_push(struct ml_dir *d, tt_time end, size_t len)
{
    if (d->bq_n == d->bq_cap) {
        size_t ncap = d->bq_cap ? d->bq_cap * 2 : 64;
        struct ml_slot *nq = malloc(ncap * sizeof *nq);
        if (!nq)
            return TT_ENOMEM;
        for (size_t i = 0; i < d->bq_n; i++)
            nq[i] = d->bq[(d->bq_head + i) % d->bq_cap];
        free(d->bq);
        d->bq = nq;
        d->bq_cap = ncap;
        d->bq_head = 0;
    }
    d->bq[(d->bq_head + d->bq_n) % d->bq_cap] = (struct ml_slot){end, len};
    d->bq_n++;
    d->bq_bytes += len;
    return 0;
}

/* 1 when the frame does not fit: the bottleneck limits, or the hard caps. */
static int queue_full(const struct tt_memlink *ml, const struct ml_dir *d, size_t len)
{
    if (d->f.queue_frames && d->bq_n >= d->f.queue_frames)
        return 1;
    if (d->f.queue_bytes && d->bq_bytes + len > d->f.queue_bytes)
        return 1;
    if (ml->cfg.max_held_frames && d->n + d->fifo_n >= ml->cfg.max_held_frames)
        return 1;
    return ml->cfg.max_held_bytes && d->held_bytes + len > ml->cfg.max_held_bytes;
}

/* ---- transmit ---- */

static int chance(struct ml_dir *d, double p)
{
    return p > 0.0 && tt_rng_unit(&d->rng) < p;
}

/*
 * Step 3's decision. Independent losses, or with loss_burst b > 1 a Gilbert
 * model: from the good state a burst starts with probability p / (b (1 - p)),
 * which makes the long-run lost fraction p; each frame of a burst is lost and
 * the burst ends after it with probability 1 / b. On a rate-limited link a
 * burst also ends when a frame finds the bottleneck idle: it hits a train of
 * frames, not a lone one sent after a pause (an RTO retransmission).
 */
static int lost(struct ml_dir *d, int idle)
{
    double p = d->f.loss, b = d->f.loss_burst;
    if (b <= 1.0 || p <= 0.0)
        return chance(d, p);
    if (idle)
        d->in_burst = 0;
    if (!d->in_burst)
        d->in_burst = p >= 1.0 || chance(d, p / (b * (1.0 - p)));
    if (!d->in_burst)
        return 0;
    if (chance(d, 1.0 / b))
        d->in_burst = 0;
    return 1;
}

static tt_time jittered(struct ml_dir *d, tt_time base)
{
    tt_time t = base + d->f.delay;
    if (d->f.jitter)
        t += tt_rng_below(&d->rng, d->f.jitter + 1);
    return t;
}

static void report(struct tt_memlink *ml, enum tt_memlink_dir dir, enum tt_memlink_fate fate,
                   tt_time sent, tt_time at, size_t bit, const uint8_t *frame, size_t len)
{
    if (!ml->fate_fn)
        return;
    struct tt_memlink_fate_event ev = {
        .dir = dir,
        .fate = fate,
        .serial = ml->dir[dir].serial,
        .sent = sent,
        .deliver_at = at,
        .bit = bit,
        .frame = frame,
        .len = len,
    };
    ml->fate_fn(ml->fate_ctx, &ev);
}

/* Frames all have room for frame_room bytes: any one can be reused. */
static void frame_free(struct tt_memlink *ml, struct ml_frame *fr)
{
    if (!fr)
        return;
    fr->next = ml->free_frames;
    ml->free_frames = fr;
}

static struct ml_frame *frame_new(struct tt_memlink *ml, tt_time at, const uint8_t *data,
                                  size_t len)
{
    struct ml_frame *fr = ml->free_frames;
    if (fr && len <= ml->frame_room)
        ml->free_frames = fr->next;
    else if (!(fr = malloc(sizeof *fr + (len > ml->frame_room ? len : ml->frame_room))))
        return NULL;
    fr->at = at;
    fr->order = ml->order++;
    fr->len = len;
    if (len)
        memcpy(fr->data, data, len);
    return fr;
}

/* Queue the duplicate copy of `orig` (already queued). */
static void duplicate(struct tt_memlink *ml, enum tt_memlink_dir dir, const struct ml_frame *orig,
                      tt_time sent, tt_time wire_end)
{
    struct ml_dir *d = &ml->dir[dir];
    if (queue_full(ml, d, orig->len))
        return; /* the copy does not fit: as if never duplicated */
    struct ml_frame *cp = frame_new(ml, jittered(d, wire_end), orig->data, orig->len);
    if (!cp || heap_push(d, cp) != 0) {
        frame_free(ml, cp);
        return;
    }
    d->c.duplicated++;
    report(ml, dir, TT_MEMLINK_DUPLICATED, sent, cp->at, 0, cp->data, cp->len);
}

static int ml_transmit(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct ml_end *e = ctx;
    struct tt_memlink *ml = e->ml;
    enum tt_memlink_dir dir = (enum tt_memlink_dir)e->end; /* A sends A_TO_B */
    struct ml_dir *d = &ml->dir[dir];
    size_t hlen = ml->cfg.framing == TT_FRAMING_ETHERNET ? TT_ETH_HLEN : 0;

    if (!frame && len)
        return TT_EINVAL;
    if (len > ml->cfg.mtu + hlen) {
        d->c.rejected++;
        return TT_EMSGSIZE;
    }
    d->serial++;
    d->c.tx_frames++;
    d->c.tx_bytes += len;

    /* 1. Drop-tail at the bottleneck (and the hard memory caps). */
    bq_expire(d, now);
    if (queue_full(ml, d, len)) {
        d->c.queue_drops++;
        report(ml, dir, TT_MEMLINK_QUEUE_DROP, now, now, 0, frame, len);
        return 0;
    }
    /* 2. Serialisation: one frame after another at the configured rate. */
    tt_time wire_end = now;
    int idle = d->f.rate_bytes_per_sec && d->busy_until <= now;
    if (d->f.rate_bytes_per_sec) {
        tt_time start = d->busy_until > now ? d->busy_until : now;
        uint64_t r = d->f.rate_bytes_per_sec;
        wire_end = start + ((uint64_t)len * 1000000u + r - 1) / r;
        d->busy_until = wire_end;
        if (bq_push(d, wire_end, len) != 0) {
            d->c.queue_drops++;
            report(ml, dir, TT_MEMLINK_QUEUE_DROP, now, now, 0, frame, len);
            return 0;
        }
    }
    /* 3. Loss on the wire. */
    if (lost(d, idle)) {
        d->c.lost++;
        report(ml, dir, TT_MEMLINK_LOST, now, jittered(d, wire_end), 0, frame, len);
        return 0;
    }
    /* 5. Delay, jitter, reordering (4, corruption, is applied to the copy below). */
    tt_time at = jittered(d, wire_end);
    if (chance(d, d->f.reorder)) {
        at += d->f.reorder_spread && d->f.reorder_delay
                  ? 1 + tt_rng_below(&d->rng, d->f.reorder_delay)
                  : d->f.reorder_delay;
        d->c.reordered++;
    }
    struct ml_frame *fr = frame_new(ml, at, frame, len);
    if (!fr || heap_push(d, fr) != 0) {
        frame_free(ml, fr);
        d->c.queue_drops++;
        report(ml, dir, TT_MEMLINK_QUEUE_DROP, now, now, 0, frame, len);
        return 0;
    }
    enum tt_memlink_fate fate = TT_MEMLINK_DELIVERED;
    size_t bit = 0;
    if (len > 0 && chance(d, d->f.corrupt)) {
        bit = (size_t)tt_rng_below(&d->rng, (uint64_t)len * 8);
        fr->data[bit / 8] ^= (uint8_t)(0x80u >> (bit % 8));
        d->c.corrupted++;
        fate = TT_MEMLINK_CORRUPTED;
    }
    report(ml, dir, fate, now, at, bit, fr->data, fr->len);
    /* 6. Duplication. */
    if (chance(d, d->f.duplicate))
        duplicate(ml, dir, fr, now, wire_end);
    return 0;
}

struct tt_link tt_memlink_link(struct tt_memlink *ml, enum tt_memlink_end end)
{
    struct tt_link l = {
        .framing = ml->cfg.framing,
        .mtu = ml->cfg.mtu,
        .transmit = ml_transmit,
        .ctx = &ml->end[end & 1],
    };
    return l;
}

void tt_memlink_set_rx(struct tt_memlink *ml, enum tt_memlink_end end, tt_memlink_rx_fn fn,
                       void *ctx)
{
    ml->end[end & 1].rx = fn;
    ml->end[end & 1].rx_ctx = ctx;
}

void tt_memlink_set_fate_hook(struct tt_memlink *ml, tt_memlink_fate_fn fn, void *ctx)
{
    ml->fate_fn = fn;
    ml->fate_ctx = ctx;
}

int tt_memlink_set_faults(struct tt_memlink *ml, enum tt_memlink_dir dir,
                          const struct tt_memlink_faults *f)
{
    if (!f || !faults_ok(f) || (unsigned)dir > 1)
        return TT_EINVAL;
    ml->dir[dir].f = *f;
    return 0;
}

tt_time tt_memlink_next_deadline(const struct tt_memlink *ml)
{
    tt_time t = TT_TIME_NEVER;
    for (int d = 0; d < 2; d++) {
        const struct ml_frame *f = held_first(&ml->dir[d]);
        if (f && f->at < t)
            t = f->at;
    }
    return t;
}

size_t tt_memlink_deliver(struct tt_memlink *ml, tt_time now)
{
    size_t count = 0;
    for (;;) {
        /* The earliest frame of both directions (ties: transmit order). */
        struct ml_dir *d = NULL;
        const struct ml_frame *first = NULL;
        int which = 0;
        for (int i = 0; i < 2; i++) {
            const struct ml_frame *f = held_first(&ml->dir[i]);
            if (!f || f->at > now)
                continue;
            if (!first || frame_before(f, first)) {
                d = &ml->dir[i];
                first = f;
                which = i;
            }
        }
        if (!d)
            break;
        struct ml_frame *fr = held_pop(d);
        struct ml_end *to = &ml->end[which ^ 1]; /* A_TO_B arrives at B */
        d->c.delivered++;
        d->c.delivered_bytes += fr->len;
        count++;
        if (to->rx)
            to->rx(to->rx_ctx, fr->data, fr->len, fr->at);
        frame_free(ml, fr);
    }
    return count;
}

size_t tt_memlink_pending(const struct tt_memlink *ml, enum tt_memlink_dir dir)
{
    return ml->dir[dir & 1].n + ml->dir[dir & 1].fifo_n;
}

const struct tt_memlink_counters *tt_memlink_counters(const struct tt_memlink *ml,
                                                      enum tt_memlink_dir dir)
{
    return &ml->dir[dir & 1].c;
}
