/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The receiver's SACK blocks (RFC 2018 §4) and D-SACK (RFC 2883), sent on
 * every ACK of a connection that negotiated SACK-permitted.
 *
 *  - RFC 2018 §4: "The first SACK block (i.e., the one immediately following
 *    the kind and length fields in the option) MUST specify the contiguous
 *    block of data containing the segment which triggered this ACK", and the
 *    other blocks SHOULD repeat the most recently reported ones. So the
 *    blocks are kept in order of recency: an out-of-order arrival moves its
 *    contiguous range to the front, merging the blocks it joined.
 *  - Blocks only ever describe data held in the out-of-order queue: a range
 *    is taken from the queue itself, and blocks at or below RCV.NXT go.
 *  - RFC 2883 §4: a duplicate segment is reported once, as the first block
 *    of the next ACK (Linux does the same, tcp_dsack).
 *  - Room: four blocks fit without timestamps, three with them (RFC 2018
 *    §3); a D-SACK takes one of them.
 */
#include "tcp/tcp_int.h"

/* The contiguous range of the out-of-order queue holding seq; 0 if none. */
static int queue_range(const struct tt_tcp *t, tt_seq seq, struct tt__sack_blk *out)
{
    const struct tt__ooo *p = t->ooo;
    while (p) {
        tt_seq l = p->seq, r = tt_seq_add(p->seq, p->len);
        while (p->next && tt_seq_eq(p->next->seq, r)) {
            p = p->next;
            r = tt_seq_add(p->seq, p->len);
        }
        if (tt_seq_le(l, seq) && tt_seq_lt(seq, r)) {
            out->l = l;
            out->r = r;
            return 1;
        }
        p = p->next;
    }
    return 0;
}

static int overlaps(const struct tt__sack_blk *a, const struct tt__sack_blk *b)
{
    return tt_seq_le(a->l, b->r) && tt_seq_le(b->l, a->r);
}

void tt__tcp_sack_ooo(struct tt_tcp *t, tt_seq seq)
{
    struct tt__sack_blk first;
    if (!t->sack_ok || !queue_range(t, seq, &first))
        return;
    struct tt__sack_blk keep[TT__SACK_BLOCKS];
    unsigned n = 0;
    keep[n++] = first;
    for (unsigned i = 0; i < t->nsacks && n < TT__SACK_BLOCKS; i++)
        if (!overlaps(&t->sacks[i], &first))
            keep[n++] = t->sacks[i];
    for (unsigned i = 0; i < n; i++)
        t->sacks[i] = keep[i];
    t->nsacks = (uint8_t)n;
}

void tt__tcp_sack_advance(struct tt_tcp *t)
{
    unsigned n = 0;
    for (unsigned i = 0; i < t->nsacks; i++) {
        struct tt__sack_blk b = t->sacks[i];
        if (!tt_seq_gt(b.r, t->rcv_nxt))
            continue;
        if (tt_seq_lt(b.l, t->rcv_nxt))
            b.l = t->rcv_nxt;
        t->sacks[n++] = b;
    }
    t->nsacks = (uint8_t)n;
    if (!t->ooo)
        t->nsacks = 0;
}

void tt__tcp_sack_dup(struct tt_tcp *t, tt_seq seq, tt_seq end)
{
    if (!t->sack_ok || !tt_seq_lt(seq, end))
        return;
    t->dsack.l = seq;
    t->dsack.r = end;
    t->dsack_on = 1;
}

unsigned tt__tcp_sack_fill(struct tt_tcp *t, struct tt_tcp_sack_block *out, unsigned room)
{
    unsigned n = 0;
    if (!t->sack_ok)
        return 0;
    if (t->dsack_on && n < room) {
        out[n].left = t->dsack.l.v;
        out[n].right = t->dsack.r.v;
        n++;
    }
    t->dsack_on = 0;
    for (unsigned i = 0; i < t->nsacks && n < room; i++, n++) {
        out[n].left = t->sacks[i].l.v;
        out[n].right = t->sacks[i].r.v;
    }
    return n;
}
