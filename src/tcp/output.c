/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one place that builds and sends TCP segments (STYLE.md rule 6). Input
 * and the timers record what is owed (an ACK, data, a FIN, a retransmission);
 * tt__tcp_output() decides what goes on the wire. RSTs are built here too.
 */
#include <string.h>

#include "tcp/tcp_int.h"
#include "wire/ipv4.h"

uint32_t tt__tcp_ts_now(uint32_t off, tt_time now)
{
    /* RFC 7323 §5.4: a 1 ms clock (Linux's) plus a per-connection offset. */
    return (uint32_t)(now / 1000) + off;
}

/* Hand one header (+ payload from the scratch area) to IP, count and trace. */
static void xmit_raw(struct tt_stack *s, const struct tt_tcp *t, uint32_t id, uint32_t laddr,
                     uint32_t raddr, const struct tt_tcp_hdr *h, uint32_t plen,
                     enum tt_rexmit_cause cause, uint8_t tos, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(s);
    int n = tt__tcp_emit(h, m->payload, plen, laddr, raddr, m->seg, sizeof m->seg);
    if (n < 0)
        return;
    s->ctr.tcp_out_segs++;
    if (h->flags & TT_TCP_RST)
        s->ctr.tcp_out_rsts++;
    if (cause != TT_REXMIT_NONE) {
        s->ctr.tcp_retrans_segs++;
        tt__tcb_trace_seg(s, TT_TRACE_TCP_RETRANSMIT, t, id, laddr, raddr, h, plen, 1, 0, cause,
                          now);
    }
    tt__tcb_trace_seg(s, TT_TRACE_TCP_SEG_OUT, t, id, laddr, raddr, h, plen, 1, 0, cause, now);
    struct tt_ip_out o;
    memset(&o, 0, sizeof o);
    o.src = laddr;
    o.dst = raddr;
    o.proto = TT_IPPROTO_TCP;
    o.tos = tos;
    /* RFC 1191 path MTU discovery, as Linux does, but on a path below
     * cfg.pmtu_min (tcp.c frag_needed). */
    o.df = !(t && t->pmtu_nodf);
    (void)tt__ip_output(s, &o, m->seg, (size_t)n, now);
}

uint32_t tt__tcp_rcv_space(const struct tt_tcp *t)
{
    return t->rcvbuf > t->rcvq.len ? t->rcvbuf - (uint32_t)t->rcvq.len : 0;
}

uint32_t tt__tcp_unsent(const struct tt_tcp *t)
{
    uint32_t off = (uint32_t)tt_seq_diff(t->snd_nxt, t->snd_una);
    return t->sndq.len > off ? (uint32_t)t->sndq.len - off : 0;
}

/*
 * The window field of a non-SYN segment. Records the new right edge in rcv_adv.
 *  - RFC 9293 §3.8.6.2.2 (MUST-35, receiver SWS avoidance): the right edge
 *    moves only when it can move by min(RCV.BUFF / 2, Eff.snd.MSS) or more.
 *  - RFC 9293 §3.8.6 / RFC 7323 §2.4: the right edge never moves left, so the
 *    field is at least what is left of the last window, rounded up to the
 *    scale unit.
 */
uint16_t tt__tcp_wnd_field(struct tt_tcp *t)
{
    uint32_t space = tt__tcp_rcv_space(t);
    uint32_t left =
        tt_seq_gt(t->rcv_adv, t->rcv_nxt) ? (uint32_t)tt_seq_diff(t->rcv_adv, t->rcv_nxt) : 0;
    uint32_t unit = 1u << t->rcv_ws;
    uint32_t step = t->rcvbuf / 2 < t->adv_mss ? t->rcvbuf / 2 : t->adv_mss;
    uint32_t want = space > left && space - left >= step ? space : left;
    uint32_t wnd = want >> t->rcv_ws;
    uint32_t floor = (left + unit - 1) >> t->rcv_ws;
    if (wnd < floor)
        wnd = floor;
    if (wnd > 65535)
        wnd = 65535;
    tt_seq edge = tt_seq_add(t->rcv_nxt, wnd << t->rcv_ws);
    if (tt_seq_gt(edge, t->rcv_adv))
        t->rcv_adv = edge;
    return (uint16_t)wnd;
}

/* Build a segment of t and send it; payload is read from the send queue. */
static void xmit(struct tt_tcp *t, uint8_t flags, tt_seq seq, size_t qoff, uint32_t len,
                 enum tt_rexmit_cause cause, tt_time now)
{
    struct tt_stack *s = t->s;
    struct tt_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = t->lport;
    h.dport = t->rport;
    h.seq = seq.v;
    h.flags = flags;
    if (flags & TT_TCP_ACK)
        h.ack = t->rcv_nxt.v;
    if (flags & TT_TCP_SYN) {
        /* RFC 7323 §2.2: the window of a SYN is never scaled. */
        uint32_t w = tt__tcp_rcv_space(t);
        h.wnd = (uint16_t)(w > 65535 ? 65535 : w);
        t->rcv_adv = tt_seq_add(t->rcv_nxt, h.wnd);
        h.opt.has_mss = 1;
        h.opt.mss = t->adv_mss;
        h.opt.sack_ok = t->sack_ok;
        h.opt.has_ws = t->ws_ok;
        h.opt.ws = t->rcv_ws;
        if (!(flags & TT_TCP_ACK))
            h.flags |= tt__ecn_syn_flags(t, cause != TT_REXMIT_NONE);
        /* RFC 7413 §4.1: a cookie or a request on the first SYN only (a
         * retransmission goes bare, as Linux's); a Fast Open child's
         * SYN-ACK carries a fresh cookie when the backup key took it. */
        if (t->fo_form && cause == TT_REXMIT_NONE && t->tfo_syn != TT__TFO_DATA_NO_COOKIE) {
            h.opt.has_fo = t->fo_form;
            h.opt.fo_len = t->fo_len;
            memcpy(h.opt.fo_cookie, t->fo_cookie, t->fo_len);
        }
    } else if (!(flags & TT_TCP_RST)) {
        h.wnd = tt__tcp_wnd_field(t);
    }
    if (t->snd_urg && !(flags & (TT_TCP_SYN | TT_TCP_RST)) && tt_seq_lt(seq, t->snd_up)) {
        /* RFC 9293 §3.8.5 / RFC 6093: the urgent pointer is the offset of
         * the octet after the urgent data; beyond 16 bits, 65535 says "more
         * urgent data to come" (as Linux does). */
        uint32_t up = (uint32_t)tt_seq_diff(t->snd_up, seq);
        h.flags |= TT_TCP_URG;
        h.urp = (uint16_t)(up > 65535 ? 65535 : up);
    }
    /* RFC 7323 §3.2 makes TSopt optional on an <RST>; Linux puts it on the
     * RSTs a connection sends (abort, close with unread data), and so do we. */
    if (t->ts_ok) {
        h.opt.has_ts = 1;
        h.opt.ts_val = tt__tcp_ts_now(t->ts_off, now);
        h.opt.ts_ecr = (flags & TT_TCP_ACK) ? t->ts_recent : 0;
    }
    if (t->sack_ok && (flags & TT_TCP_ACK) && !(flags & (TT_TCP_SYN | TT_TCP_RST))) {
        /* SACK blocks (RFC 2018) take 4 + 8n bytes of option space, which a
         * segment of len bytes must leave: the send MSS already counts the
         * timestamps, so snd_mss - len is what is free. A full-sized
         * segment carries none (Linux shrinks the segment instead; tether
         * sends them on the next pure ACK). */
        uint32_t spare = t->snd_mss > len ? t->snd_mss - len : 0;
        uint32_t room = spare >= 12 ? (spare - 4) / 8 : 0;
        uint32_t cap = t->ts_ok ? 3 : 4;
        if (room)
            h.opt.nsack = (uint8_t)tt__tcp_sack_fill(t, h.opt.sack, room < cap ? room : cap);
    }
    if (len)
        tt__bufq_copy(&t->sndq, qoff, tt__tcpm(s)->payload, len);
    t->segs_out++;
    if (flags & TT_TCP_ACK) {
        /* Whatever was owed is paid: the delayed ACK, one quick ACK. */
        t->ack_now = 0;
        t->ack_force = 0;
        t->t_delack = TT_TIME_NEVER;
        t->rcv_wup = t->rcv_nxt;
        if (t->quick)
            t->quick--;
    }
    uint8_t tos = tt__ecn_out(t, &h, len, cause != TT_REXMIT_NONE); /* RFC 3168 */
    xmit_raw(s, t, t->id, t->laddr, t->raddr, &h, len, cause, tos, now);
}

/*
 * RFC 9293's SND.NXT is the next new sequence number: here snd_max, since an
 * RTO pulls snd_nxt back to SND.UNA (go-back-N). A bare ACK must carry it:
 * with the pulled-back value the peer, which may hold all we sent, sees an
 * old sequence number, finds the ACK unacceptable and drops its ACK field
 * (§3.10.7.4 first check); when both sides are in that state every ACK is
 * lost and the connection livelocks (sweep seed 2442).
 */
void tt__tcp_send_ack(struct tt_tcp *t, tt_time now)
{
    xmit(t, TT_TCP_ACK, t->snd_max, 0, 0, TT_REXMIT_NONE, now);
}

/*
 * RFC 5961 §7 (and §3.2, §4.2, §5.2 which call it): challenge ACKs are rate
 * limited. A single stack-wide counter is a side channel (CVE-2016-5696): an
 * off-path prober spoofs a guess at another connection, then counts the
 * challenge ACKs its own connection still gets in that second. So, as Linux
 * since that fix:
 *  - per connection, at most one challenge ACK per invalid_ratelimit (Linux
 *    tcp_invalid_ratelimit, 500 ms): what a spoofed segment costs one
 *    connection never shows on another;
 *  - stack-wide (challenge_ack_limit > 0), a budget drawn at random in
 *    [limit/2, limit * 3/2) each second, so its exhaustion point says nothing.
 */
static int chack_global_ok(struct tt_stack *s, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint32_t limit = s->cfg.tcp.challenge_ack_limit;
    if (limit == 0)
        return 1;
    if (now - m->chack_start >= TT_SEC(1) || now < m->chack_start || !m->chack_drawn) {
        uint32_t half = (limit + 1) / 2;
        m->chack_start = now;
        m->chack_count = half + (uint32_t)tt_rng_below(&s->rng, limit);
        m->chack_drawn = 1;
    }
    if (m->chack_count == 0)
        return 0;
    m->chack_count--;
    return 1;
}

void tt__tcp_challenge_ack(struct tt_tcp *t, tt_time now)
{
    tt_time gap = t->s->cfg.tcp.invalid_ratelimit;
    if (t->chack_sent && now >= t->chack_last && now - t->chack_last < gap) {
        t->s->ctr.tcp_challenge_acks_limited++;
        return;
    }
    if (!chack_global_ok(t->s, now)) {
        t->s->ctr.tcp_challenge_acks_limited++;
        return;
    }
    t->chack_sent = 1;
    t->chack_last = now;
    t->s->ctr.tcp_challenge_acks++;
    tt__tcp_send_ack(t, now);
}

/* RFC 9293 §3.10.5 ABORT / RFC 2525: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=RST,ACK>
 * (Linux sends the ACK flag with its RSTs from a connection). */
void tt__tcp_send_rst_tcb(struct tt_tcp *t, tt_time now)
{
    xmit(t, TT_TCP_RST | TT_TCP_ACK, t->snd_max, 0, 0, TT_REXMIT_NONE, now);
}

/*
 * RFC 9293 §3.10.7.1 (segment for a CLOSED port / no connection):
 *  - an RST is never answered (MUST-?: "An incoming segment containing a RST
 *    is discarded");
 *  - with ACK: <SEQ=SEG.ACK><CTL=RST>, no ACK flag, window 0 (Linux shape);
 *  - without: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>.
 */
void tt__tcp_reply_rst(struct tt_stack *s, const struct tt__seg *sg, tt_time now)
{
    if (sg->h.flags & TT_TCP_RST)
        return;
    struct tt_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = sg->h.dport;
    h.dport = sg->h.sport;
    if (sg->h.flags & TT_TCP_ACK) {
        h.seq = sg->h.ack;
        h.flags = TT_TCP_RST;
    } else {
        h.seq = 0;
        h.ack = tt_seq_add(sg->seq, sg->len).v;
        h.flags = TT_TCP_RST | TT_TCP_ACK;
    }
    xmit_raw(s, NULL, 0, sg->dst, sg->src, &h, 0, TT_REXMIT_NONE, 0, now);
}

/* The SYN-ACK of a SYN-queue entry mirrors the options of the peer's SYN
 * (Linux; conformance README 1d.2). */
void tt__tcp_send_synack_req(struct tt_stack *s, const struct tt__synreq *r, int rexmit,
                             tt_time now)
{
    struct tt_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = r->lport;
    h.dport = r->rport;
    h.seq = r->iss.v;
    h.ack = tt_seq_add(r->irs, 1).v;
    h.flags = TT_TCP_SYN | TT_TCP_ACK | (r->ecn_ok ? TT_TCP_ECE : 0); /* RFC 3168 §6.1.1 */
    uint32_t w = r->listener ? r->listener->rcvbuf : s->cfg.tcp.rmem_default;
    h.wnd = (uint16_t)(w > 65535 ? 65535 : w);
    h.opt.has_mss = 1;
    h.opt.mss = r->adv_mss;
    h.opt.sack_ok = r->sack_ok;
    h.opt.has_ws = r->ws_ok;
    h.opt.ws = r->rcv_ws;
    if (r->ts_ok) {
        h.opt.has_ts = 1;
        h.opt.ts_val = tt__tcp_ts_now(r->ts_off, now);
        h.opt.ts_ecr = r->ts_recent;
    }
    if (r->fo_reply) { /* RFC 7413 §4.2.2: our cookie, for the next connection */
        h.opt.has_fo = r->fo_reply;
        h.opt.fo_len = TT__TFO_COOKIE_LEN;
        tt__tfo_cookie(s, r->raddr, r->laddr, h.opt.fo_cookie);
    }
    xmit_raw(s, NULL, r->id, r->laddr, r->raddr, &h, 0, rexmit ? TT_REXMIT_SYN : TT_REXMIT_NONE, 0,
             now);
}

/* Send [seq, seq + n) (+ FIN, + PSH) read from the queue at its offset. */
static void send_seg(struct tt_tcp *t, tt_seq seq, uint32_t n, int fin, int psh,
                     enum tt_rexmit_cause cause, tt_time now)
{
    uint32_t off = (uint32_t)tt_seq_diff(seq, t->snd_una);
    uint8_t flags = TT_TCP_ACK | (psh && n ? TT_TCP_PSH : 0) | (fin ? TT_TCP_FIN : 0);
    if (cause == TT_REXMIT_NONE && n && !t->rtt_active) {
        t->rtt_active = 1; /* RFC 6298 §3: time one segment per RTT */
        t->rtt_seq = seq;
        t->rtt_time = now;
    }
    xmit(t, flags, seq, off, n, cause, now);
    tt__recovery_sent(t, seq, n, cause != TT_REXMIT_NONE, now);
    if (cause != TT_REXMIT_NONE) {
        if (cause == TT_REXMIT_RTO)
            t->rexmit_rto++;
        else if (cause == TT_REXMIT_RACK)
            t->rexmit_rack++;
        else if (cause == TT_REXMIT_TLP)
            t->rexmit_tlp++;
        else
            t->rexmit_fast++;
        t->bytes_retrans += n;
        t->total_retrans++;
        t->rtt_active = 0; /* Karn's rule: the timing is ambiguous now */
    } else {
        t->bytes_sent += n;
    }
    if (n)
        t->last_data_sent = now;
}

/*
 * The payload room of a segment: the send MSS less the SACK option the
 * segment will carry. While we hold out-of-order data (or owe a D-SACK),
 * data segments carry the blocks too, as Linux's (tcp_current_mss counts
 * them): 4 + 8 bytes per block (RFC 2018 §3), at most 3 beside timestamps.
 */
static uint32_t seg_room(const struct tt_tcp *t)
{
    uint32_t k = t->sack_ok ? (uint32_t)t->nsacks + t->dsack_on : 0;
    uint32_t cap = t->ts_ok ? 3 : 4;
    if (k > cap)
        k = cap;
    uint32_t opt = k ? 4 + 8 * k : 0;
    return t->snd_mss > opt + 64 ? t->snd_mss - opt : t->snd_mss;
}

/* Our FIN is queued and not sent yet. */
static int fin_unsent(const struct tt_tcp *t)
{
    return t->fin_queued && !t->fin_acked &&
           !tt_seq_gt(t->snd_max, tt_seq_add(t->snd_una, (uint32_t)t->sndq.len));
}

/* PSH on a segment that reaches the end of the last pushed write (RFC 9293
 * §3.9.1 SEND "PUSH"; Linux marks the tail of each write). */
static int reaches_push(const struct tt_tcp *t, tt_seq seq, uint32_t n)
{
    return n && tt_seq_lt(seq, t->psh_seq) && tt_seq_ge(tt_seq_add(seq, n), t->psh_seq);
}

/* Bytes of data sent from SND.UNA up to SND.MAX (without our FIN). */
static uint32_t data_sent(const struct tt_tcp *t)
{
    uint32_t sent = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    return sent < t->sndq.len ? sent : (uint32_t)t->sndq.len;
}

/*
 * A retransmission is only of what was sent: the queue also holds data never
 * sent (beyond the window), and a "retransmission" of it would put bytes on
 * the wire beyond SND.MAX without counting them. The peer then acknowledges
 * more than SND.MAX, which §3.10.7.4 makes us drop (sweep seed 8491: a fast
 * retransmit of a full MSS after a run of small segments; every later ACK
 * was dropped and the connection stalled).
 */
void tt__tcp_retransmit_head(struct tt_tcp *t, enum tt_rexmit_cause cause, tt_time now)
{
    tt__tcp_retransmit(t, t->snd_una, seg_room(t), cause, now);
}

/* Retransmit up to n bytes from seq (within what was sent); the FIN goes
 * along when the piece reaches the end of the data and the FIN was sent. */
void tt__tcp_retransmit(struct tt_tcp *t, tt_seq seq, uint32_t n, enum tt_rexmit_cause cause,
                        tt_time now)
{
    uint32_t sent = data_sent(t), off = (uint32_t)tt_seq_diff(seq, t->snd_una);
    uint32_t room = seg_room(t);
    if (off > sent)
        return;
    if (n > sent - off)
        n = sent - off;
    if (n > room)
        n = room;
    int fin = t->fin_queued && off + n == t->sndq.len && !t->fin_acked &&
              tt_seq_gt(t->snd_max, tt_seq_add(seq, n));
    if (n == 0 && !fin)
        return;
    send_seg(t, seq, n, fin, reaches_push(t, seq, n), cause, now);
    tt__tcp_rexmit_arm(t, now);
}

void tt__tcp_send_probe(struct tt_tcp *t, tt_time now)
{
    /* Linux's shape (conformance README 1d.11): an old sequence number draws
     * an ACK from the peer (RFC 9293 §3.10.7.4 first check) with its window. */
    xmit(t, TT_TCP_ACK, tt_seq_add(t->snd_una, (uint32_t)-1), 0, 0, TT_REXMIT_NONE, now);
}

/*
 * May a short segment of n bytes go now (new data only)? avail is what is
 * queued from SND.NXT on.
 *  - Window-limited (n < avail): RFC 9293 §3.8.6.2.1 sender SWS avoidance,
 *    send only when n >= Fs * max(SND.WND) with Fs = 1/2.
 *  - All queued data (n == avail): Nagle (RFC 9293 §3.7.4, MUST-? of RFC 1122
 *    §4.2.3.4) in Linux's form (Minshall's variant): hold while an earlier
 *    short segment is unacknowledged; TT_TCP_OPT_NODELAY lifts it;
 *    TT_TCP_OPT_CORK, and a send with TT_TCP_SEND_MORE for its own push,
 *    hold every short segment.
 * Held data with nothing in flight is released by the persist timer.
 */
static int short_ok(const struct tt_tcp *t, uint32_t n, uint32_t avail)
{
    if (n < avail)
        return n >= t->max_snd_wnd / 2;
    if (t->cork || t->more)
        return 0;
    if (t->nodelay)
        return 1;
    return !tt_seq_gt(t->snd_sml, t->snd_una);
}

/*
 * How much new data goes out back to back before the next burst starts, as
 * Linux cuts it (conformance README 1d.6): at most half of cwnd
 * (tcp_cwnd_test) and about 1 ms at the pacing rate, which is 200 % of
 * cwnd/SRTT in slow start and 120 % after, plus a bonus at tiny RTTs, capped
 * at 64 KiB, never under min_tso_segs segments (tcp_tso_autosize). The only
 * thing it changes on the wire is where PSH falls: on the last segment of
 * each burst of pushed data. Bursts follow one another in the same call, so
 * it changes neither what is sent nor when.
 */
static uint32_t burst_bytes(const struct tt_tcp *t)
{
    uint32_t mss = tt__tcp_mss(t);
    uint32_t cwnd_segs = t->cwnd / mss;
    uint32_t half = cwnd_segs / 2 ? cwnd_segs / 2 : 1;
    uint64_t bytes = 65536;
    if (t->srtt) {
        uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
        uint32_t out = (flight + mss - 1) / mss; /* packets out, as Linux counts */
        uint64_t segs = cwnd_segs > out ? cwnd_segs : out;
        uint64_t pct = t->cwnd < t->ssthresh / 2 ? 200 : 120;
        uint64_t x = (uint64_t)mss * segs; /* bytes per SRTT */
        if (x < ((uint64_t)1 << 40))
            bytes = x * pct * 10000 / 1024 / t->srtt; /* per 1/1024 s */
        uint64_t r = t->min_rtt >> 9;
        if (t->min_rtt && r < 32)
            bytes += 65536u >> r;
        if (bytes > 65536)
            bytes = 65536;
    }
    uint32_t segs = (uint32_t)(bytes / mss);
    uint32_t least = t->s->cfg.tcp.min_tso_segs ? t->s->cfg.tcp.min_tso_segs : 1;
    if (segs < least)
        segs = least;
    if (segs > half)
        segs = half;
    return segs * mss;
}

/*
 * Send new data, data again after an RTO pulled SND.NXT back, and the FIN,
 * within min(SND.WND, cwnd), cut to the send MSS. The one exception is the
 * first segment after an RTO: it goes even when the peer's window has shut
 * since it was sent (as Linux's tcp_retransmit_skb allows at SND.UNA); it
 * draws an ACK with the current window, and the retransmission timer keeps
 * running. Sending nothing would leave no timer at all (the persist timer is
 * for nothing in flight), and one lost window update would stall the
 * connection for good. force (the persist timer) lifts Nagle, cork and SWS
 * holds, and the segment it forces out carries PSH (as Linux's
 * tcp_write_wakeup). Returns 1 when anything was sent.
 */
static int send_data(struct tt_tcp *t, int force, tt_time now)
{
    int sent = 0, cwnd_blocked = 0, rwnd_blocked = 0;
    uint32_t burst = 0; /* bytes left in the current burst */
    while (!t->fin_acked) {
        tt_seq fin_seq = tt_seq_add(t->snd_una, (uint32_t)t->sndq.len);
        if (tt_seq_gt(t->snd_nxt, fin_seq) || (!t->fin_queued && tt_seq_eq(t->snd_nxt, fin_seq)))
            break;
        uint32_t off = (uint32_t)tt_seq_diff(t->snd_nxt, t->snd_una);
        uint32_t avail = (uint32_t)t->sndq.len - off;
        int re = tt_seq_lt(t->snd_nxt, t->snd_max);
        tt_seq sacked_end;
        if (re && tt__sb_sacked_at(t, t->snd_nxt, &sacked_end)) {
            /* Go-back-N after an RTO skips what the peer SACKed since. */
            t->snd_nxt = tt_seq_lt(sacked_end, t->snd_max) ? sacked_end : t->snd_max;
            continue;
        }
        /* The cwnd test counts what is in flight: RFC 6675 pipe with SACK
         * (SACKed and lost bytes are not), else SND.NXT - SND.UNA. A tail
         * loss probe of new data (force 2) may exceed cwnd by a segment. */
        uint32_t flight = tt__recovery_in_flight(t);
        if (!re && avail && tt_seq_eq(t->snd_una, t->snd_max))
            tt__cc_tx_start(t, now); /* RFC 5681 §4.1, before sending */
        /* RFC 3042 limited transmit (newreno.c): new data only. */
        uint32_t cw = t->cwnd + (re ? 0 : tt__newreno_lt_room(t));
        if (force == 2)
            cw = flight + t->snd_mss;
        uint32_t usable = t->snd_wnd > off ? t->snd_wnd - off : 0;
        if (usable > (cw > flight ? cw - flight : 0))
            usable = cw > flight ? cw - flight : 0;
        uint32_t n = avail < usable ? avail : usable;
        if (re && n == 0 && tt_seq_eq(t->snd_nxt, t->snd_una))
            n = data_sent(t); /* the head after an RTO goes even past a shut window (above) */
        uint32_t room = seg_room(t);
        if (n > room)
            n = room;
        /* The FIN takes a sequence number as a byte does: a new FIN waits
         * for room in the peer's window (a zero window is probed, never
         * overrun). A FIN alone is not held by cwnd, as Linux's
         * tcp_cwnd_test ("don't be strict about the congestion window for
         * the final FIN"); one riding on data goes when the data does. */
        int fin = t->fin_queued && n == avail && (re || off + n < t->snd_wnd);
        uint32_t need = avail < room ? avail : room;
        if (n < need && t->cwnd <= t->snd_wnd)
            cwnd_blocked = 1;
        else if (n < need && !re)
            rwnd_blocked = 1; /* the peer's window holds data back */
        if (n == 0 && !fin)
            break;
        if (!re && !force && n < room && !fin && !short_ok(t, n, avail))
            break;
        if (burst == 0) {
            uint32_t b = burst_bytes(t);
            /* The window cuts a burst at a segment boundary (Linux
             * tcp_mss_split_point); the short rest waits (SWS). */
            burst = b < usable ? b : usable - (usable > t->snd_mss ? usable % t->snd_mss : 0);
            if (burst > avail)
                burst = avail;
        }
        burst = burst > n ? burst - n : 0;
        tt_seq end = tt_seq_add(t->snd_nxt, n);
        /* A limited-transmit segment (beyond cwnd) has PSH only when it ends
         * a write, as Linux's; so has a retransmission. */
        int beyond_cwnd = !re && off + n > t->cwnd && force != 2;
        int psh = re || beyond_cwnd ? reaches_push(t, t->snd_nxt, n)
                                    : force || (burst == 0 && tt_seq_le(end, t->psh_seq));
        send_seg(t, t->snd_nxt, n, fin, psh, re ? TT_REXMIT_RTO : TT_REXMIT_NONE, now);
        if (fin && !re)
            t->fin_alone = n == 0; /* a FIN of its own: a probe resends it alone */
        if (beyond_cwnd)
            t->lt_bytes += off + n - (off > t->cwnd ? off : t->cwnd);
        if (n < room && !re)
            t->snd_sml = end;
        t->snd_nxt = tt_seq_add(end, fin ? 1u : 0u);
        t->snd_max = tt_seq_max(t->snd_max, t->snd_nxt);
        tt__tcp_rexmit_arm(t, now);
        sent = 1;
        if (fin || force)
            break;
    }
    if (sent && force != 2)
        tt__tlp_arm(t, now); /* RFC 8985 §7.2: after new data is sent */
    tt__tcp_cwnd_track(t, cwnd_blocked);
    tt__tcp_chrono_update(t, rwnd_blocked && tt__tcp_unsent(t), now);
    return sent;
}

void tt__tcp_output(struct tt_tcp *t, tt_time now)
{
    tt__tcp_pmtu_age(t, now);
    switch (t->state) {
    case TT_CLOSED:
    case TT_LISTEN:
        return;
    default:
        /* Closed in SYN-RECEIVED (simultaneous open, now FIN-WAIT-1 as in
         * Linux): until our SYN is acknowledged, what goes (again) is the
         * SYN-ACK; the FIN waits behind it at ISS + 1. */
        if (!tt_seq_eq(t->snd_una, t->iss))
            break;
        /* fall through */
    case TT_SYN_SENT:
    case TT_SYN_RECEIVED:
        /* RFC 9293 §3.10.1: <SEQ=ISS><CTL=SYN>, or <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>
         * in SYN-RECEIVED (simultaneous open). Retransmissions go back here. */
        if (tt_seq_eq(t->snd_nxt, t->iss)) {
            uint8_t f = TT_TCP_SYN | (t->state != TT_SYN_SENT ? TT_TCP_ACK : 0);
            /* A retransmission when the timer sends it again (t->retries
             * counts those), not the SYN,ACK that answers a SYN in
             * simultaneous open (RFC 9293 §3.5 figure 7): it repeats the
             * SYN's sequence number, but no timer fired. */
            int re = tt_seq_gt(t->snd_max, t->iss) && (t->state == TT_SYN_SENT || t->retries > 0);
            if (t->tfo_defer)
                return; /* TT_TCP_OPT_FASTOPEN_CONNECT: the first write sends the SYN */
            /* RFC 7413 §4.1: data in the first SYN (never in a retransmission:
             * RFC 7413 §4.1.3, Linux), up to an MSS less the option room. */
            uint32_t dlen = 0;
            if (!re && t->state == TT_SYN_SENT &&
                (t->tfo_syn == TT__TFO_DATA || t->tfo_syn == TT__TFO_DATA_NO_COOKIE)) {
                uint32_t room = (t->peer_mss ? t->peer_mss : t->adv_mss);
                room = room > t->adv_mss ? t->adv_mss : room;
                room = room > 40 ? room - 40 : 0;
                dlen = t->sndq.len < room ? (uint32_t)t->sndq.len : room;
                t->tfo_sent = dlen > 0;
            }
            xmit(t, f, t->iss, 0, dlen, re ? TT_REXMIT_SYN : TT_REXMIT_NONE, now);
            t->snd_nxt = tt_seq_add(t->iss, 1 + dlen);
            if (dlen) {
                t->bytes_sent += dlen;
                t->last_data_sent = now;
            }
            t->snd_max = tt_seq_max(t->snd_max, t->snd_nxt);
            tt__tcp_rexmit_arm(t, now);
        } else if (t->ack_now && t->state != TT_SYN_SENT) {
            tt__tcp_send_ack(t, now);
        }
        t->ack_now = 0;
        return;
    }
    tt__recovery_output(t, now); /* what is deemed lost goes first (RFC 6675 §5) */
    int sent = send_data(t, 0, now);
    if (!sent && t->ack_now)
        tt__tcp_send_ack(t, now);
    /* Data waiting with nothing in flight (a zero window, or a short segment
     * held by cork or SWS): the persist timer (RFC 9293 §3.8.6.1) probes or
     * releases it. */
    if ((tt__tcp_unsent(t) || fin_unsent(t)) && tt_seq_eq(t->snd_una, t->snd_max))
        tt__tcp_persist_arm(t, now);
    t->ack_now = 0;
    tt__tcb_arm(t);
}

/* A tail loss probe of new data (RFC 8985 §7.3): one segment beyond cwnd
 * when the peer's window has room; 0 when none could go. */
int tt__tcp_output_probe(struct tt_tcp *t, tt_time now)
{
    if (tt__tcp_unsent(t) == 0 || tt_seq_lt(t->snd_nxt, t->snd_max))
        return 0;
    int sent = send_data(t, 2, now);
    tt__tcb_arm(t);
    return sent;
}

/* The persist timer fired: a zero-window probe, or held data forced out. */
void tt__tcp_output_force(struct tt_tcp *t, tt_time now)
{
    if (send_data(t, 1, now) == 0 && t->ack_now)
        tt__tcp_send_ack(t, now);
    t->ack_now = 0;
    tt__tcb_arm(t);
}
