/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The sender's SACK scoreboard (RFC 2018, RFC 6675 §3-4): what of
 * [SND.UNA, SND.MAX) was SACKed, is deemed lost, was retransmitted, and when
 * each piece was last sent (RACK, RFC 8985 §6.1 needs the transmit time of
 * every segment).
 *
 * Records, not segments: one record is a run of bytes sent at the same
 * instant with the same marks, so a burst of ten segments is one record and
 * a SACK block splits it. Records are kept sorted in one array allocated on
 * the first transmission and freed when everything is acknowledged.
 *
 * Bounded whatever the peer sends (the 2019 "SACK panic" and "SACK
 * slowness" bugs of Linux are the cautionary tale): the array has at most
 * cfg.tcp.sack_records entries; a SACK block is processed in O(records), an
 * ACK carries at most four blocks. When the array is full, adjacent records
 * with the same marks merge; when that is not enough (a peer SACKing every
 * other byte), the SACK marks nearest the right edge are forgotten. The
 * RFC allows it: SACK is advisory (RFC 2018 §8), a forgotten block costs at
 * most a needless retransmission, never a wrong delivery.
 *
 * SACK blocks are rounded to whole segments of the record as Linux does
 * (tcp_match_skb_to_sack): a block that covers part of a segment marks
 * nothing of it (fr-4pkt-fack-last-byte.pkt: a SACK of the last byte of a
 * burst counts for nothing).
 *
 * Reneging (RFC 2018 §8, RFC 6675 §5.1): SACKed data stays queued until
 * SND.UNA passes it; an RTO forgets every mark (tt__sb_forget).
 */
#include <string.h>

#include "tcp/tcp_int.h"

static uint16_t sb_cap(const struct tt_tcp *t)
{
    uint32_t c = t->s->cfg.tcp.sack_records;
    if (c == 0)
        c = TT__SB_DEFAULT;
    if (c < 8)
        c = 8;
    return (uint16_t)(c > 4096 ? 4096 : c);
}

static size_t sb_size(uint16_t cap)
{
    return sizeof(struct tt__sb) + (size_t)cap * sizeof(struct tt__sb_rec);
}

void tt__sb_free(struct tt_tcp *t)
{
    if (!t->sb)
        return;
    size_t sz = sb_size(t->sb->cap);
    tt__free(t->s, t->sb, sz);
    tt__tcpm(t->s)->st.buf_bytes -= sz;
    t->sb = NULL;
    t->sacked_out = t->lost_out = t->retrans_out = 0;
}

static struct tt__sb *sb_get(struct tt_tcp *t)
{
    if (t->sb)
        return t->sb;
    struct tt_stack *s = t->s;
    uint16_t cap = sb_cap(t);
    size_t sz = sb_size(cap);
    size_t lim = s->cfg.tcp.mem_max;
    if (lim && tt__tcpm(s)->st.buf_bytes + sz > lim)
        return NULL;
    struct tt__sb *sb = tt__alloc(s, sz);
    if (!sb)
        return NULL;
    tt__tcpm(s)->st.buf_bytes += sz;
    sb->n = 0;
    sb->cap = cap;
    t->sb = sb;
    return sb;
}

static uint32_t rec_len(const struct tt__sb_rec *r)
{
    return (uint32_t)tt_seq_diff(r->r, r->l);
}

/* Every change of marks goes through here, so the byte counts stay right. */
static void set_flags(struct tt_tcp *t, struct tt__sb_rec *r, uint8_t f)
{
    uint32_t len = rec_len(r);
    uint8_t old = r->flags;
    if (old & TT__SB_SACKED)
        t->sacked_out -= len;
    if (old & TT__SB_LOST)
        t->lost_out -= len;
    if (old & TT__SB_RETRANS)
        t->retrans_out -= len;
    if (f & TT__SB_SACKED)
        t->sacked_out += len;
    if (f & TT__SB_LOST)
        t->lost_out += len;
    if (f & TT__SB_RETRANS)
        t->retrans_out += len;
    r->flags = f;
}

/* Make room for k more records: merge alike neighbours, then forget SACK
 * marks from the right edge down (see the head comment). */
static void make_room(struct tt_tcp *t, struct tt__sb *sb, unsigned k)
{
    unsigned w = 0;
    for (unsigned i = 0; i < sb->n; i++) {
        struct tt__sb_rec *p = w ? &sb->rec[w - 1] : NULL;
        if (p && p->flags == sb->rec[i].flags && sb->n - (i - w) > (unsigned)sb->cap - k) {
            p->r = sb->rec[i].r;
            if (sb->rec[i].xmit > p->xmit)
                p->xmit = sb->rec[i].xmit;
            continue;
        }
        sb->rec[w++] = sb->rec[i];
    }
    sb->n = (uint16_t)w;
    for (unsigned i = sb->n; i-- > 0 && sb->n + k > sb->cap;) {
        struct tt__sb_rec *r = &sb->rec[i];
        if (!(r->flags & TT__SB_SACKED))
            continue;
        set_flags(t, r, (uint8_t)(r->flags & ~TT__SB_SACKED));
        t->s->ctr.tcp_sack_forgotten++;
        /* Fold it into its left neighbour (which is not SACKed now or was
         * folded already), and the right one into it when alike. */
        if (i > 0) {
            struct tt__sb_rec *p = &sb->rec[i - 1];
            set_flags(t, r, 0);
            set_flags(t, p, p->flags); /* counts of p unchanged */
            uint8_t pf = p->flags;
            set_flags(t, p, 0);
            p->r = r->r;
            set_flags(t, p, pf);
            memmove(r, r + 1, (sb->n - i - 1) * sizeof *r);
            sb->n--;
        }
    }
}

/* Split record i at seq (strictly inside it); returns 0, or -1 when full. */
static int split(struct tt_tcp *t, struct tt__sb *sb, unsigned i, tt_seq seq)
{
    (void)t;
    if (sb->n >= sb->cap)
        return -1;
    memmove(&sb->rec[i + 1], &sb->rec[i], (sb->n - i) * sizeof sb->rec[0]);
    sb->n++;
    sb->rec[i].r = seq;
    sb->rec[i + 1].l = seq;
    return 0;
}

/* The index of the record holding seq, or sb->n. */
static unsigned find(const struct tt__sb *sb, tt_seq seq)
{
    unsigned lo = 0, hi = sb->n;
    while (lo < hi) {
        unsigned mid = (lo + hi) / 2;
        if (tt_seq_le(sb->rec[mid].r, seq))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/*
 * Give [l, r) its own records (splitting at l and r) so that marks can be
 * set on it; returns the index of the first record, and *end one past the
 * last. -1 when the array is full even after making room.
 */
static int isolate(struct tt_tcp *t, struct tt__sb *sb, tt_seq l, tt_seq r, unsigned *end)
{
    if (sb->n + 2u > sb->cap)
        make_room(t, sb, 2);
    if (sb->n + 2u > sb->cap)
        return -1;
    unsigned i = find(sb, l);
    if (i == sb->n)
        return -1;
    if (tt_seq_lt(sb->rec[i].l, l)) {
        uint8_t f = sb->rec[i].flags;
        set_flags(t, &sb->rec[i], 0);
        split(t, sb, i, l);
        set_flags(t, &sb->rec[i], f);
        set_flags(t, &sb->rec[i + 1], f);
        i++;
    }
    unsigned j = find(sb, tt_seq_add(r, (uint32_t)-1));
    if (j < sb->n && tt_seq_gt(sb->rec[j].r, r)) {
        uint8_t f = sb->rec[j].flags;
        set_flags(t, &sb->rec[j], 0);
        split(t, sb, j, r);
        set_flags(t, &sb->rec[j], f);
        set_flags(t, &sb->rec[j + 1], f);
    }
    *end = j < sb->n ? j + 1 : sb->n;
    return (int)i;
}

void tt__sb_sent(struct tt_tcp *t, tt_seq seq, uint32_t n, int rexmit, tt_time now)
{
    if (n == 0)
        return;
    struct tt__sb *sb = sb_get(t);
    if (!sb)
        return;
    tt_seq end = tt_seq_add(seq, n);
    tt_seq top = sb->n ? sb->rec[sb->n - 1].r : seq;
    if (!rexmit && tt_seq_ge(seq, top)) {
        /* New data: extend the last record when sent at this instant and
         * it ends on a segment boundary (the SACK rounding needs it). */
        struct tt__sb_rec *last = sb->n ? &sb->rec[sb->n - 1] : NULL;
        uint32_t mss = tt__tcp_mss(t);
        if (last && last->flags == 0 && last->xmit == now && tt_seq_eq(last->r, seq) &&
            rec_len(last) % mss == 0) {
            last->r = end;
            return;
        }
        if (sb->n >= sb->cap)
            make_room(t, sb, 1);
        if (sb->n >= sb->cap) {
            sb->rec[sb->n - 1].r = end; /* merged into the last: RACK sees it later */
            sb->rec[sb->n - 1].xmit = now;
            return;
        }
        struct tt__sb_rec *r = &sb->rec[sb->n++];
        r->l = sb->n > 1 ? top : seq;
        r->r = end;
        r->xmit = now;
        r->flags = 0;
        return;
    }
    /* A retransmission of [seq, end): mark it, timestamp it. */
    unsigned e;
    int i = isolate(t, sb, seq, tt_seq_lt(end, top) ? end : top, &e);
    if (i < 0)
        return;
    for (unsigned k = (unsigned)i; k < e; k++) {
        struct tt__sb_rec *r = &sb->rec[k];
        if (r->flags & TT__SB_SACKED)
            continue;
        set_flags(t, r, (uint8_t)(r->flags | TT__SB_RETRANS | TT__SB_EVER));
        r->xmit = now;
    }
}

/* A RACK delivery: the record's transmission was acknowledged. */
static void delivered(struct tt_tcp *t, const struct tt__sb_rec *r, struct tt__sb_ack *a)
{
    a->delivered += rec_len(r);
    if (!(r->flags & TT__SB_EVER) && r->xmit > a->xmit_last)
        a->xmit_last = r->xmit; /* Karn (RFC 6298 §3): never retransmitted */
    tt__rack_delivered(t, r, a);
}

/* Delivered by the cumulative ACK. The original of a hole below the highest
 * SACK arriving so means the path reordered it (Linux tcp_clean_rtx_queue). */
static void cum_delivered(struct tt_tcp *t, const struct tt__sb_rec *r, struct tt__sb_ack *a)
{
    if (!(r->flags & TT__SB_EVER) && tt_seq_lt(r->l, t->sack_high)) {
        a->reordered = 1;
        if (tt_seq_lt(r->l, a->reord_low))
            a->reord_low = r->l;
    }
    delivered(t, r, a);
}

void tt__sb_cumack(struct tt_tcp *t, tt_seq ack, struct tt__sb_ack *a)
{
    struct tt__sb *sb = t->sb;
    if (!sb)
        return;
    unsigned i = 0;
    while (i < sb->n && tt_seq_le(sb->rec[i].r, ack)) {
        struct tt__sb_rec *r = &sb->rec[i];
        if (!(r->flags & TT__SB_SACKED))
            cum_delivered(t, r, a);
        else
            a->acked_sacked += rec_len(r);
        set_flags(t, r, 0);
        i++;
    }
    if (i)
        memmove(&sb->rec[0], &sb->rec[i], (sb->n - i) * sizeof sb->rec[0]);
    sb->n = (uint16_t)(sb->n - i);
    if (sb->n && tt_seq_lt(sb->rec[0].l, ack)) {
        struct tt__sb_rec *r = &sb->rec[0];
        struct tt__sb_rec part = *r;
        part.r = ack;
        uint8_t f = r->flags;
        set_flags(t, r, 0);
        r->l = ack;
        set_flags(t, r, f);
        if (!(f & TT__SB_SACKED))
            cum_delivered(t, &part, a);
    }
    if (sb->n == 0)
        tt__sb_free(t);
}

/* Round [l, r) within record rec to whole segments (Linux's rule, above). */
static int round_block(const struct tt__sb_rec *rec, uint32_t mss, tt_seq *l, tt_seq *r)
{
    tt_seq lo = tt_seq_gt(*l, rec->l) ? *l : rec->l;
    tt_seq hi = tt_seq_lt(*r, rec->r) ? *r : rec->r;
    if (tt_seq_gt(lo, rec->l)) {
        uint32_t off = (uint32_t)tt_seq_diff(lo, rec->l);
        lo = tt_seq_add(rec->l, (off + mss - 1) / mss * mss);
        if (!tt_seq_lt(lo, rec->r))
            return 0;
    }
    if (tt_seq_lt(hi, rec->r)) {
        uint32_t len = tt_seq_gt(hi, lo) ? (uint32_t)tt_seq_diff(hi, lo) : 0;
        if (len < mss)
            return 0;
        hi = tt_seq_add(lo, len / mss * mss);
    }
    *l = lo;
    *r = hi;
    return tt_seq_lt(lo, hi);
}

/* Mark one SACK block [l, r) (within SND.UNA..SND.MAX). */
static void sack_block(struct tt_tcp *t, tt_seq l, tt_seq r, struct tt__sb_ack *a)
{
    struct tt__sb *sb = t->sb;
    uint32_t mss = tt__tcp_mss(t);
    unsigned i = find(sb, l);
    while (i < sb->n && tt_seq_lt(sb->rec[i].l, r)) {
        struct tt__sb_rec *rec = &sb->rec[i];
        tt_seq bl = l, br = r;
        if ((rec->flags & TT__SB_SACKED) || !round_block(rec, mss, &bl, &br)) {
            i++;
            continue;
        }
        unsigned e;
        int k = isolate(t, sb, bl, br, &e);
        if (k < 0)
            return; /* full: the rest of this block is not marked */
        rec = &sb->rec[k];
        if (!(rec->flags & TT__SB_EVER) && tt_seq_lt(rec->l, t->sack_high)) {
            a->reordered = 1; /* a hole below the highest SACK was filled */
            if (tt_seq_lt(rec->l, a->reord_low))
                a->reord_low = rec->l;
        }
        delivered(t, rec, a);
        a->sacked += rec_len(rec);
        set_flags(t, rec, TT__SB_SACKED | (rec->flags & TT__SB_EVER));
        i = (unsigned)k + 1;
    }
}

/*
 * The SACK blocks of an ACK (after the cumulative part). RFC 2883 §4: the
 * first block is a D-SACK when it lies below the cumulative ACK or inside
 * the second block; it reports a duplicate and marks nothing.
 */
void tt__sb_sack(struct tt_tcp *t, const struct tt__seg *sg, struct tt__sb_ack *a)
{
    unsigned n = sg->h.opt.nsack;
    if (!t->sack_ok || n == 0)
        return;
    const struct tt_tcp_sack_block *b = sg->h.opt.sack;
    tt_seq l0 = tt_seq_make(b[0].left), r0 = tt_seq_make(b[0].right);
    if (tt_seq_lt(l0, r0) &&
        (tt_seq_le(r0, sg->ack) || (n > 1 && tt_seq_ge(l0, tt_seq_make(b[1].left)) &&
                                    tt_seq_le(r0, tt_seq_make(b[1].right))))) {
        a->dsack = 1;
        a->dsack_l = l0;
        a->dsack_r = r0;
    }
    for (unsigned k = a->dsack ? 1 : 0; k < n && t->sb; k++) {
        tt_seq l = tt_seq_make(b[k].left), r = tt_seq_make(b[k].right);
        /* Only blocks within what is outstanding: a block beyond SND.MAX or
         * at or below SND.UNA says nothing true (RFC 6675 §4). */
        if (!tt_seq_lt(l, r) || tt_seq_gt(r, t->snd_max) || !tt_seq_gt(r, t->snd_una))
            continue;
        if (tt_seq_lt(l, t->snd_una))
            l = t->snd_una;
        sack_block(t, l, r, a);
    }
    for (unsigned k = a->dsack ? 1 : 0; k < n; k++) {
        tt_seq r = tt_seq_make(b[k].right);
        if (!tt_seq_gt(r, t->snd_max) && tt_seq_gt(r, t->sack_high) &&
            (t->sb == NULL || !tt_seq_gt(r, t->sb->rec[t->sb->n - 1].r)))
            t->sack_high = r;
    }
}

void tt__sb_forget(struct tt_tcp *t)
{
    struct tt__sb *sb = t->sb;
    if (!sb)
        return;
    for (unsigned i = 0; i < sb->n; i++)
        set_flags(t, &sb->rec[i], (uint8_t)(sb->rec[i].flags & TT__SB_EVER));
    t->sack_high = t->snd_una;
}

/* The first lost, not yet retransmitted piece (RFC 6675 NextSeg rule 1), at
 * most `max` bytes; 0 when none. */
uint32_t tt__sb_next_lost(const struct tt_tcp *t, tt_seq *seq, uint32_t max)
{
    const struct tt__sb *sb = t->sb;
    if (!sb || t->lost_out == 0)
        return 0;
    for (unsigned i = 0; i < sb->n; i++) {
        const struct tt__sb_rec *r = &sb->rec[i];
        if ((r->flags & (TT__SB_LOST | TT__SB_RETRANS | TT__SB_SACKED)) != TT__SB_LOST)
            continue;
        uint32_t len = rec_len(r);
        *seq = r->l;
        return len < max ? len : max;
    }
    return 0;
}

/* Is seq SACKed? Then *end is where that SACKed run ends. */
int tt__sb_sacked_at(const struct tt_tcp *t, tt_seq seq, tt_seq *end)
{
    const struct tt__sb *sb = t->sb;
    if (!sb)
        return 0;
    unsigned i = find(sb, seq);
    if (i >= sb->n || !(sb->rec[i].flags & TT__SB_SACKED) || tt_seq_lt(seq, sb->rec[i].l))
        return 0;
    while (i + 1 < sb->n && (sb->rec[i + 1].flags & TT__SB_SACKED))
        i++;
    *end = sb->rec[i].r;
    return 1;
}

/* Mark record i lost (RACK or the RFC 6675 rule): its retransmission, if
 * any, is deemed lost too. */
void tt__sb_mark_lost(struct tt_tcp *t, struct tt__sb_rec *r)
{
    set_flags(t, r, (uint8_t)((r->flags | TT__SB_LOST) & ~TT__SB_RETRANS));
}

/* Segments (of the send MSS) in records with all of `flags` set. */
uint32_t tt__sb_count(const struct tt_tcp *t, uint8_t flags)
{
    const struct tt__sb *sb = t->sb;
    uint32_t mss = tt__tcp_mss(t), n = 0;
    for (unsigned i = 0; sb && i < sb->n; i++)
        if ((sb->rec[i].flags & flags) == flags)
            n += (rec_len(&sb->rec[i]) + mss - 1) / mss;
    return n;
}

/*
 * RFC 6675 §4 "pipe": the octets in flight. Outstanding data, less what is
 * SACKed or deemed lost, plus what was retransmitted and is not deemed
 * lost again (a lost, retransmitted octet counts once).
 */
uint32_t tt__sb_pipe(const struct tt_tcp *t)
{
    uint32_t out =
        t->sb && t->sb->n ? (uint32_t)tt_seq_diff(t->sb->rec[t->sb->n - 1].r, t->snd_una) : 0;
    uint32_t gone = t->sacked_out + t->lost_out;
    uint32_t p = out > gone ? out - gone : 0;
    return p + t->retrans_out;
}

/* Undo: nothing deemed lost is lost after all (the retransmission marks
 * stay: those copies are in flight). */
void tt__sb_unmark_lost(struct tt_tcp *t)
{
    for (unsigned i = 0; t->sb && i < t->sb->n; i++) {
        struct tt__sb_rec *r = &t->sb->rec[i];
        set_flags(t, r, (uint8_t)(r->flags & ~TT__SB_LOST));
    }
}

/* When the byte at seq was last sent (now-ish when unknown). */
tt_time tt__sb_xmit_at(const struct tt_tcp *t, tt_seq seq)
{
    const struct tt__sb *sb = t->sb;
    unsigned i = sb ? find(sb, seq) : 0;
    return sb && i < sb->n ? sb->rec[i].xmit : 0;
}
