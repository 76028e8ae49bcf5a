/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An in-memory link pair for tests and simulations, with a seeded fault
 * injector per direction.
 *
 * A memlink joins two ends, A and B. Each end offers a struct tt_link for
 * tt_stack_add_iface(): what end A transmits travels in direction A_TO_B and
 * is handed to end B's receive callback, and the reverse. Nothing happens on
 * its own: time is virtual. transmit() decides a frame's fate at once (lost,
 * dropped by the queue, or to be delivered at some time, possibly corrupted or
 * duplicated) and copies it into the direction's queue; the host asks for
 * tt_memlink_next_deadline() and calls tt_memlink_deliver(link, now), which
 * hands every frame due at or before `now` to the peer's receive callback
 * (normally tt_stack_input() on the peer stack; link/sim.h wires this for you).
 *
 * Faults, applied in this order to each transmitted frame:
 *   1. queue limit: a frame that finds the bottleneck queue full (queue_frames
 *      or queue_bytes) is dropped at the tail (fate QUEUE_DROP);
 *   2. rate limit: frames are serialised one after another at rate_bytes_per_sec,
 *      so a burst queues up: a frame leaves the sender at
 *      max(now, end of the previous frame's serialisation) + len * 1e6 / rate µs;
 *   3. loss: with probability `loss` the frame is lost on the wire (fate LOST;
 *      it still occupied the bottleneck); with loss_burst > 1 losses come in
 *      bursts (a two-state Gilbert model: once in the lossy state every frame
 *      is lost, and the state ends after each frame with probability
 *      1 / loss_burst, so bursts average loss_burst frames and the long-run
 *      loss rate stays about `loss`; with a rate, a frame that finds the
 *      bottleneck idle also ends a burst: bursts hit trains of frames);
 *   4. corruption: with probability `corrupt` exactly one uniformly chosen bit
 *      of the frame is flipped (fate CORRUPTED; it is still delivered);
 *   5. delay: base `delay` plus a uniform jitter in [0, jitter] µs; with
 *      probability `reorder` an extra `reorder_delay` is added (with
 *      reorder_spread, a uniform extra delay in [1, reorder_delay] instead),
 *      so that later frames overtake it;
 *   6. duplication: with probability `duplicate` a second, identical copy
 *      (after corruption, if any) is delivered with its own jitter (fate
 *      DUPLICATED is reported for the copy).
 * Frames due at the same instant are delivered in transmit order.
 *
 * Determinism: every random choice comes from a tt_rng per direction, seeded
 * from the config seed and the direction. The same seed, config and sequence of
 * transmit/deliver calls gives the same fates, bit for bit.
 *
 * Memory: every frame held is a malloc'd copy, freed on delivery or destroy.
 * The total held per direction is bounded by max_held_frames/max_held_bytes
 * (frames beyond it are QUEUE_DROPs), whatever the delays.
 *
 * Not thread-safe. Receive callbacks may transmit on the same memlink (a stack
 * answering at once): the frame is queued and, if due, delivered in the same
 * tt_memlink_deliver() call.
 */
#ifndef TETHER_LINK_MEMLINK_H
#define TETHER_LINK_MEMLINK_H

#include <stddef.h>
#include <stdint.h>

#include <tether/link.h>
#include <tether/time.h>

struct tt_memlink;

/* The two ends. */
enum tt_memlink_end {
    TT_MEMLINK_A = 0,
    TT_MEMLINK_B = 1,
};

/* The two directions; a direction is named by the end that transmits. */
enum tt_memlink_dir {
    TT_MEMLINK_A_TO_B = 0,
    TT_MEMLINK_B_TO_A = 1,
};

/* The faults of one direction. All zero = a perfect, instant, unlimited wire. */
struct tt_memlink_faults {
    double loss;                 /* probability in [0, 1] that a frame is lost */
    double loss_burst;           /* mean frames per loss burst; <= 1 = independent losses */
    double duplicate;            /* probability that a frame is delivered twice */
    double reorder;              /* probability that a frame is held back by reorder_delay */
    tt_time reorder_delay;       /* extra delay of a held-back frame (µs) */
    int reorder_spread;          /* 1: that extra delay is uniform in [1, reorder_delay] */
    double corrupt;              /* probability that one random bit is flipped */
    tt_time delay;               /* base one-way delay (µs) */
    tt_time jitter;              /* uniform extra delay in [0, jitter] (µs) */
    uint64_t rate_bytes_per_sec; /* serialisation rate; 0 = infinitely fast */
    uint32_t queue_frames;       /* bottleneck queue limit in frames (waiting or being
                                    serialised); 0 = no limit */
    size_t queue_bytes;          /* the same in bytes; 0 = no limit */
};

struct tt_memlink_config {
    enum tt_framing framing;            /* what the stacks on both ends speak */
    uint32_t mtu;                       /* the struct tt_link mtu of both ends; 0 = 1500 */
    uint64_t seed;                      /* seeds both directions' rngs */
    struct tt_memlink_faults faults[2]; /* indexed by enum tt_memlink_dir */
    uint32_t max_held_frames; /* hard cap per direction; tt_memlink_config_default: 65536 */
    size_t max_held_bytes;    /* hard cap per direction; default: 64 MiB */
};

/* The fate of one transmitted frame (or of a duplicate copy). */
enum tt_memlink_fate {
    TT_MEMLINK_DELIVERED = 0, /* will be delivered intact at .deliver_at */
    TT_MEMLINK_LOST,          /* lost on the wire; .deliver_at is when it would have arrived */
    TT_MEMLINK_DUPLICATED,    /* the extra copy of a duplicated frame */
    TT_MEMLINK_CORRUPTED,     /* will be delivered at .deliver_at with bit .bit flipped */
    TT_MEMLINK_QUEUE_DROP,    /* dropped at the tail of a full queue; .deliver_at == .sent */
};

/* "delivered", "lost", "duplicated", "corrupted", "queue-drop"; NULL if out of range. */
const char *tt_memlink_fate_name(enum tt_memlink_fate f);

/*
 * Reported once per fate, when the fate is decided (inside transmit), so
 * .deliver_at is the scheduled delivery time. A duplicated frame gives two
 * reports: the original's (DELIVERED or CORRUPTED) then the copy's
 * (DUPLICATED). `frame` is the frame as it will be delivered (after
 * corruption) and is valid only during the call.
 */
struct tt_memlink_fate_event {
    enum tt_memlink_dir dir;
    enum tt_memlink_fate fate;
    uint64_t serial;    /* transmit number in this direction, from 1 (a copy
                           shares its original's serial) */
    tt_time sent;       /* the `now` given to transmit */
    tt_time deliver_at; /* scheduled (or would-be, for LOST) delivery time */
    size_t bit;         /* CORRUPTED: index of the flipped bit (byte bit/8,
                           mask 0x80 >> bit%8) */
    const uint8_t *frame;
    size_t len;
};

typedef void (*tt_memlink_fate_fn)(void *ctx, const struct tt_memlink_fate_event *ev);

/*
 * Receive callback of one end: a frame arrived at `now` (its delivery time,
 * never later than the `now` given to tt_memlink_deliver). `frame` is valid
 * only during the call. The callback may transmit on the memlink.
 */
typedef void (*tt_memlink_rx_fn)(void *ctx, const uint8_t *frame, size_t len, tt_time now);

/* Per-direction counters. Every transmit is counted once in tx_frames, then in
 * exactly one of lost, queue_drops, or scheduled; duplicates add to scheduled. */
struct tt_memlink_counters {
    uint64_t tx_frames, tx_bytes; /* frames given to transmit */
    uint64_t lost;
    uint64_t queue_drops;
    uint64_t corrupted;
    uint64_t duplicated;
    uint64_t reordered;                  /* frames held back by reorder_delay */
    uint64_t delivered, delivered_bytes; /* handed to the receive callback */
    uint64_t rejected;                   /* transmit refused: larger than the MTU allows */
};

/* Fill *cfg: Ethernet framing, MTU 1500, seed 1, no faults, default caps. */
void tt_memlink_config_default(struct tt_memlink_config *cfg);

/*
 * Create a memlink (config copied). TT_EINVAL for a probability outside [0, 1]
 * or a bad framing, TT_ENOMEM when malloc fails. *out is owned by the caller
 * until tt_memlink_destroy().
 */
int tt_memlink_create(const struct tt_memlink_config *cfg, struct tt_memlink **out);

/* Free the memlink and every frame it still holds (undelivered frames vanish). */
void tt_memlink_destroy(struct tt_memlink *ml);

/*
 * The struct tt_link of one end, for tt_iface_config.link: transmitting on it
 * sends towards the other end. Its ctx points into `ml`, so it is valid until
 * tt_memlink_destroy(). transmit returns 0 (also for lost and dropped frames,
 * as a real wire would), TT_EMSGSIZE for a frame longer than the MTU plus the
 * link header, TT_EINVAL for a NULL frame.
 */
struct tt_link tt_memlink_link(struct tt_memlink *ml, enum tt_memlink_end end);

/* Set the receive callback of `end` (frames arriving there). Without one,
 * arriving frames are counted as delivered and discarded. */
void tt_memlink_set_rx(struct tt_memlink *ml, enum tt_memlink_end end, tt_memlink_rx_fn fn,
                       void *ctx);

/* Set (fn NULL: clear) the fate hook, for both directions. */
void tt_memlink_set_fate_hook(struct tt_memlink *ml, tt_memlink_fate_fn fn, void *ctx);

/* Change the faults of one direction from now on (frames already queued keep
 * their fate). TT_EINVAL for a probability outside [0, 1]. */
int tt_memlink_set_faults(struct tt_memlink *ml, enum tt_memlink_dir dir,
                          const struct tt_memlink_faults *f);

/* The earliest delivery time of any queued frame, TT_TIME_NEVER when empty. */
tt_time tt_memlink_next_deadline(const struct tt_memlink *ml);

/*
 * Deliver every frame due at or before `now`, in delivery-time order (ties in
 * transmit order), each to its end's receive callback with its own delivery
 * time as `now`. Frames transmitted by the callbacks are delivered too if due.
 * Returns the number of frames delivered.
 */
size_t tt_memlink_deliver(struct tt_memlink *ml, tt_time now);

/* Frames currently held (in flight) in one direction. */
size_t tt_memlink_pending(const struct tt_memlink *ml, enum tt_memlink_dir dir);

/* Counters of one direction; valid until tt_memlink_destroy(). */
const struct tt_memlink_counters *tt_memlink_counters(const struct tt_memlink *ml,
                                                      enum tt_memlink_dir dir);

#endif
