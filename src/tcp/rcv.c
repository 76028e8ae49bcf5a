/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The receive side: RFC 9293 §3.10.7.4 sixth (URG) and seventh (segment text)
 * steps, the out-of-order queue, the ACK policy, and the window update after
 * the application reads.
 *
 * ACK policy, Linux's (conformance README 1d.12; RFC 9293 §3.8.6.3 and RFC
 * 1122 §4.2.3.2 allow it: MUST-40 < 0.5 s, SHOULD ACK every second full-sized
 * segment):
 *  - quick-ACK mode when data starts flowing: the first rcv_wnd / (2 * MSS)
 *    segments (2 to 16) are ACKed at once, so that slow start is not held back;
 *  - after that, an ACK as soon as more than one full segment is unacknowledged,
 *    else the delayed-ACK timer (40 ms);
 *  - out-of-order data, data filling a hole, and duplicate data: an ACK at
 *    once (RFC 5681 §4.2 MUST), which also drives the sender's fast retransmit;
 *  - a FIN in ESTABLISHED puts the connection in "ping-pong" (interactive)
 *    mode, so its ACK waits for the timer (or rides on our reply / FIN).
 */
#include <string.h>

#include "tcp/tcp_int.h"

/* Bytes already read: the sequence number of the next byte the application gets. */
static tt_seq read_seq(const struct tt_tcp *t)
{
    return tt_seq_add(t->rcv_nxt, (uint32_t)0 - (uint32_t)t->rcvq.len);
}

/* In-order bytes into the receive queue; returns how many were taken. */
static uint32_t deliver(struct tt_tcp *t, const uint8_t *data, uint32_t len, tt_time now)
{
    uint32_t n = len;
    if (!t->rd_shut)
        n = (uint32_t)tt__bufq_append(t->s, &t->rcvq, data, len);
    t->rcv_nxt = tt_seq_add(t->rcv_nxt, n);
    t->bytes_received += n;
    if (n)
        t->last_data_recv = now;
    return n;
}

static void ooo_free(struct tt_tcp *t, struct tt__ooo *p)
{
    t->ooo_bytes -= p->len;
    t->ooo_pieces--;
    tt__free(t->s, p, sizeof *p);
    tt__tcpm(t->s)->st.buf_bytes -= sizeof *p;
}

void tt__tcp_ooo_clear(struct tt_tcp *t)
{
    while (t->ooo) {
        struct tt__ooo *p = t->ooo;
        t->ooo = p->next;
        ooo_free(t, p);
    }
    t->ooo_fin = 0;
    t->nsacks = 0;
}

/*
 * The per-connection bound in pieces (one 2 KiB chunk each, one segment in
 * each). By default a whole window: as many segments of the peer's size
 * (the largest seen, 536 at least) as the receive buffer can advertise, so
 * that nothing inside the window we offered is dropped (RFC 9293 §3.10.7.4
 * "SHOULD be held"). Counting chunks of the buffer's size instead held 64
 * segments of a 128 KiB window of 90, and a Linux sender resent the rest of
 * every window with a hole at its start. The memory is at most twice the
 * receive buffer (Linux's buffer is about twice the window it offers), and
 * within cfg.tcp.mem_max stack-wide.
 */
static uint32_t ooo_limit(const struct tt_tcp *t)
{
    uint32_t cfg = t->s->cfg.tcp.ofo_max;
    uint32_t n;
    if (cfg) {
        n = cfg / TT__CHUNK_SIZE;
    } else {
        uint32_t seg = t->rcv_mss > 536 ? t->rcv_mss : 536;
        if (seg > TT__OOO_CAP)
            seg = TT__OOO_CAP;
        uint32_t cap = (uint32_t)((2ull * t->rcvbuf) / TT__CHUNK_SIZE);
        n = (t->rcvbuf + seg - 1) / seg;
        n = n < cap ? n : cap;
    }
    return n < 8 ? 8 : n;
}

static struct tt__ooo *piece_new(struct tt_tcp *t, tt_seq seq, const uint8_t *data, uint32_t len)
{
    struct tt_stack *s = t->s;
    size_t lim = s->cfg.tcp.mem_max;
    struct tt__tcp *m = tt__tcpm(s);
    if (t->ooo_pieces >= ooo_limit(t) || (lim && m->st.buf_bytes + sizeof(struct tt__ooo) > lim))
        return NULL;
    struct tt__ooo *p = tt__alloc(s, sizeof *p);
    if (!p)
        return NULL;
    m->st.buf_bytes += sizeof *p;
    p->seq = seq;
    p->len = len;
    memcpy(p->data, data, len);
    t->ooo_bytes += len;
    t->ooo_pieces++;
    return p;
}

/*
 * Keep [seq, seq + len) of an out-of-order segment: the queue is sorted and
 * never overlaps, so only the parts not already held are added, whatever
 * the pattern of overlap (RFC 9293 §3.10.7.4: "segments with higher beginning
 * sequence numbers SHOULD be held"). Returns 0 when all of it is held now,
 * -1 when a limit refused some.
 */
static int ooo_insert(struct tt_tcp *t, tt_seq seq, const uint8_t *data, uint32_t len,
                      struct tt__sack_blk *dup)
{
    struct tt__ooo **pp = &t->ooo;
    tt_seq cur = seq, end = tt_seq_add(seq, len);
    while (tt_seq_lt(cur, end)) {
        struct tt__ooo *p = *pp;
        if (p && tt_seq_le(tt_seq_add(p->seq, p->len), cur)) {
            pp = &p->next; /* wholly before what is left */
            continue;
        }
        if (p && tt_seq_le(p->seq, cur)) {
            tt_seq pend = tt_seq_add(p->seq, p->len);
            if (!tt_seq_lt(dup->l, dup->r)) { /* the first part held already */
                dup->l = cur;
                dup->r = tt_seq_lt(pend, end) ? pend : end;
            }
            cur = pend; /* held already: skip it */
            pp = &p->next;
            continue;
        }
        /* A gap from cur up to the next piece (or the end): fill it. */
        tt_seq gend = p && tt_seq_lt(p->seq, end) ? p->seq : end;
        while (tt_seq_lt(cur, gend)) {
            uint32_t k = (uint32_t)tt_seq_diff(gend, cur);
            if (k > TT__OOO_CAP)
                k = TT__OOO_CAP;
            struct tt__ooo *n = piece_new(t, cur, data + tt_seq_diff(cur, seq), k);
            if (!n)
                return -1;
            n->next = *pp;
            *pp = n;
            pp = &n->next;
            cur = tt_seq_add(cur, k);
        }
    }
    return 0;
}

/* Move what the out-of-order queue holds at RCV.NXT into the receive queue. */
static void ooo_drain(struct tt_tcp *t, tt_time now)
{
    while (t->ooo && tt_seq_le(t->ooo->seq, t->rcv_nxt)) {
        struct tt__ooo *p = t->ooo;
        tt_seq pend = tt_seq_add(p->seq, p->len);
        if (tt_seq_gt(pend, t->rcv_nxt)) {
            uint32_t off = (uint32_t)tt_seq_diff(t->rcv_nxt, p->seq);
            uint32_t want = p->len - off;
            if (deliver(t, p->data + off, want, now) < want)
                return; /* out of buffer memory: keep the rest */
        }
        t->ooo = p->next;
        ooo_free(t, p);
    }
}

static void quick_start(struct tt_tcp *t)
{
    if (t->quick_init)
        return;
    t->quick_init = 1;
    uint32_t w = t->rcvbuf < 65535 ? t->rcvbuf : 65535;
    uint32_t q = w / (2u * t->rcv_mss);
    t->quick = (uint8_t)(q < 2 ? 2 : q > 16 ? 16 : q);
}

/* Linux tcp_measure_rcv_mss: the largest segment seen, up to our MSS. */
static void measure_mss(struct tt_tcp *t, uint32_t len)
{
    if (!t->rcv_mss)
        t->rcv_mss = t->adv_mss < 536 ? t->adv_mss : 536;
    if (len > t->rcv_mss)
        t->rcv_mss = (uint16_t)(len < t->adv_mss ? len : t->adv_mss);
}

/* The ACK owed for in-order data: at once, or through the timer. */
static void ack_policy(struct tt_tcp *t, int had_ooo, tt_time now)
{
    if (had_ooo || t->ooo)
        t->ack_force = 1;
    if (t->ack_force || (t->quick && !t->pingpong) ||
        (uint32_t)tt_seq_diff(t->rcv_nxt, t->rcv_wup) > t->rcv_mss)
        t->ack_now = 1;
    else
        tt__tcp_delack_arm(t, now);
}

static int text_in_order(struct tt_tcp *t, struct tt__seg *sg, int fin, tt_time now)
{
    int had_ooo = t->ooo != NULL;
    uint32_t n = deliver(t, sg->data, sg->dlen, now);
    if (n < sg->dlen) {
        tt__drop(t->s, TT_DROP_TCP_NOMEM, sg->iface, sg->raw, sg->raw_len, now);
        fin = 0;
        t->ack_now = 1;
    }
    ooo_drain(t, now);
    tt__tcp_sack_advance(t);
    if (n)
        tt__tcb_notify(t, TT_TCP_EV_READABLE);
    ack_policy(t, had_ooo, now);
    if (fin && n == sg->dlen && tt_seq_eq(tt_seq_add(sg->seq, sg->dlen), t->rcv_nxt))
        return 1;
    if (t->ooo_fin && tt_seq_eq(t->ooo_fin_seq, t->rcv_nxt) && !t->ooo) {
        t->ooo_fin = 0;
        return 1;
    }
    return 0;
}

int tt__tcp_rcv_text(struct tt_tcp *t, struct tt__seg *sg, tt_time now)
{
    int fin = (sg->h.flags & TT_TCP_FIN) != 0;
    if (t->state != TT_ESTABLISHED && t->state != TT_FIN_WAIT_1 && t->state != TT_FIN_WAIT_2) {
        /* After the peer's FIN the text is ignored (§3.10.7.4 seventh); a
         * FIN again is answered by step 8. */
        return fin && tt_seq_eq(tt_seq_add(sg->seq, sg->dlen), t->rcv_nxt);
    }
    if (sg->dlen == 0 && !fin)
        return 0;
    measure_mss(t, sg->dlen);
    if (sg->dlen)
        quick_start(t);
    if (tt_seq_eq(sg->seq, t->rcv_nxt))
        return sg->dlen ? text_in_order(t, sg, fin, now) : fin;
    /* Out of order (step 1 trimmed it to the window): keep it, ACK at once. */
    t->ack_now = 1;
    t->ack_force = 1;
    struct tt__sack_blk dup = {sg->seq, sg->seq};
    int full = ooo_insert(t, sg->seq, sg->data, sg->dlen, &dup);
    tt__tcp_sack_ooo(t, sg->seq); /* what of it is held leads the SACK blocks */
    /* RFC 2883 §4.1.2: a duplicate of data held out of order is reported as
     * a D-SACK, followed by the block holding it. */
    tt__tcp_sack_dup(t, dup.l, dup.r);
    if (full < 0) {
        tt__drop(t->s, TT_DROP_TCP_OFO_LIMIT, sg->iface, sg->raw, sg->raw_len, now);
        return 0;
    }
    if (fin) {
        t->ooo_fin = 1;
        t->ooo_fin_seq = tt_seq_add(sg->seq, sg->dlen);
    }
    return 0;
}

/*
 * Sixth step (RFC 9293 §3.8.5, §3.10.7.4): RCV.UP <- max(RCV.UP, SEG.UP) and
 * tell the application when it is ahead of what it has read (MUST-31); any
 * pointer value is safe: it is only ever compared. Urgent data stays in line
 * (MUST-30: a sequence of urgent data of any length).
 */
void tt__tcp_rcv_urgent(struct tt_tcp *t, const struct tt__seg *sg)
{
    if (!(sg->h.flags & TT_TCP_URG) || t->rd_shut)
        return;
    if (t->state != TT_ESTABLISHED && t->state != TT_FIN_WAIT_1 && t->state != TT_FIN_WAIT_2)
        return;
    tt_seq up = tt_seq_add(tt_seq_make(sg->h.seq), sg->h.urp);
    if (t->urg_valid && !tt_seq_gt(up, t->rcv_up))
        return;
    int was_pending = t->urg_valid && tt_seq_gt(t->rcv_up, read_seq(t));
    t->rcv_up = up;
    t->urg_valid = 1;
    if (!was_pending && tt_seq_gt(up, read_seq(t)))
        tt__tcb_notify(t, TT_TCP_EV_URGENT);
}

/*
 * After a read (Linux tcp_cleanup_rbuf; RFC 9293 §3.8.6.2.2): a window
 * update when what is left of the advertised window is at most half the
 * buffer and the new window would at least double it, and the edge may
 * move (receiver SWS avoidance, see tt__tcp_wnd_field).
 */
void tt__tcp_rcv_read(struct tt_tcp *t, tt_time now)
{
    if (t->urg_valid && !tt_seq_gt(t->rcv_up, read_seq(t)))
        t->urg_valid = 0; /* the mark was passed */
    if (t->state < TT_ESTABLISHED || t->fin_rcvd || t->state == TT_CLOSED)
        return;
    /* The largest window the field can say (Linux window_clamp). */
    uint64_t fmax = (uint64_t)65535 << t->rcv_ws;
    uint32_t clamp = t->rcvbuf < fmax ? t->rcvbuf : (uint32_t)fmax;
    uint32_t space = tt__tcp_rcv_space(t);
    if (space > clamp)
        space = clamp;
    uint32_t left =
        tt_seq_gt(t->rcv_adv, t->rcv_nxt) ? (uint32_t)tt_seq_diff(t->rcv_adv, t->rcv_nxt) : 0;
    uint32_t step = t->rcvbuf / 2 < t->adv_mss ? t->rcvbuf / 2 : t->adv_mss;
    if (2u * left <= clamp && space >= 2u * left && space - left >= step) {
        t->ack_now = 1;
        tt__tcp_output(t, now);
    }
}

long tt_tcp_urgent(const struct tt_tcp *t)
{
    if (!t->urg_valid || !tt_seq_gt(t->rcv_up, read_seq(t)))
        return 0;
    return (long)(uint32_t)tt_seq_diff(t->rcv_up, read_seq(t));
}

/*
 * Test hook: renege (RFC 2018 §8). Everything held out of order is thrown
 * away with its SACK blocks, as Linux's receiver does when memory runs short
 * (tcp_prune_ofo_queue); the sender must keep SACKed data until it is
 * cumulatively acknowledged (RFC 6675 §5.1).
 */
long tt_tcp_renege(struct tt_tcp *t)
{
    long n = (long)t->ooo_bytes;
    tt__tcp_ooo_clear(t);
    return n;
}
