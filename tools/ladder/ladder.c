/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ladder model: recording trace events (or packets) of one connection.
 * Rows, labels and sentences are in ladder_rows.c; renderers in ladder_text.c
 * and ladder_svg.c.
 */
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>
#include <tether/tcp.h>

#include "ladder.h"
#include "memlink.h"

static const char *const state_names[TT_LS_COUNT] = {
    [TT_LS_NONE] = "?",
    [TT_LS_CLOSED] = "CLOSED",
    [TT_LS_LISTEN] = "LISTEN",
    [TT_LS_SYN_SENT] = "SYN-SENT",
    [TT_LS_SYN_RECEIVED] = "SYN-RECEIVED",
    [TT_LS_ESTABLISHED] = "ESTABLISHED",
    [TT_LS_FIN_WAIT_1] = "FIN-WAIT-1",
    [TT_LS_FIN_WAIT_2] = "FIN-WAIT-2",
    [TT_LS_CLOSE_WAIT] = "CLOSE-WAIT",
    [TT_LS_CLOSING] = "CLOSING",
    [TT_LS_LAST_ACK] = "LAST-ACK",
    [TT_LS_TIME_WAIT] = "TIME-WAIT",
};

const char *tt_ladder_state_name(enum tt_ladder_state s)
{
    if ((int)s < 0 || s >= TT_LS_COUNT)
        return "?";
    return state_names[s];
}

void tt_ladder_init(struct tt_ladder *l)
{
    memset(l, 0, sizeof(*l));
    for (int side = 0; side < 2; side++) {
        l->arp[side].first_request = TT_TIME_NEVER;
        l->arp[side].held_seg = -1;
    }
}

void tt_ladder_free(struct tt_ladder *l)
{
    free(l->ev);
    free(l->seg);
    memset(l, 0, sizeof(*l));
}

static struct tt_ladder_ev *push_ev(struct tt_ladder *l)
{
    if (l->nev == l->cap_ev) {
        size_t cap = l->cap_ev ? l->cap_ev * 2 : 64;
        struct tt_ladder_ev *n = realloc(l->ev, cap * sizeof(*n));
        if (!n) {
            l->truncated = 1;
            return NULL;
        }
        l->ev = n;
        l->cap_ev = cap;
    }
    struct tt_ladder_ev *e = &l->ev[l->nev++];
    memset(e, 0, sizeof(*e));
    return e;
}

long tt_ladder_send(struct tt_ladder *l, int side, const struct tt_trace_seg *h,
                    enum tt_rexmit_cause cause, tt_time now)
{
    if (side != TT_LADDER_CLIENT && side != TT_LADDER_SERVER)
        return -1;
    if (l->nseg == l->cap_seg) {
        size_t cap = l->cap_seg ? l->cap_seg * 2 : 64;
        struct tt_ladder_seg *n = realloc(l->seg, cap * sizeof(*n));
        if (!n) {
            l->truncated = 1;
            return -1;
        }
        l->seg = n;
        l->cap_seg = cap;
    }
    struct tt_ladder_ev *e = push_ev(l);
    if (!e)
        return -1;
    if (!l->have_tuple) {
        l->have_tuple = 1;
        l->addr[side] = h->saddr;
        l->port[side] = h->sport;
        l->addr[!side] = h->daddr;
        l->port[!side] = h->dport;
    }
    size_t i = l->nseg++;
    struct tt_ladder_seg *s = &l->seg[i];
    memset(s, 0, sizeof(*s));
    s->h = *h;
    s->from = side;
    s->t_sent = now;
    s->t_recv = TT_TIME_NEVER;
    s->cause = cause;
    e->kind = TT_LEV_SEND;
    e->side = side;
    e->t = now;
    e->seg = i;
    return (long)i;
}

void tt_ladder_recv(struct tt_ladder *l, size_t seg, tt_time now)
{
    if (seg >= l->nseg)
        return;
    struct tt_ladder_ev *e = push_ev(l);
    if (!e)
        return;
    l->seg[seg].t_recv = now;
    e->kind = TT_LEV_RECV;
    e->side = !l->seg[seg].from;
    e->t = now;
    e->seg = seg;
}

void tt_ladder_lost(struct tt_ladder *l, size_t seg, tt_time now)
{
    if (seg >= l->nseg || l->seg[seg].lost)
        return;
    struct tt_ladder_ev *e = push_ev(l);
    if (!e)
        return;
    l->seg[seg].lost = 1;
    e->kind = TT_LEV_LOST;
    e->side = l->seg[seg].from;
    e->t = now;
    e->seg = seg;
}

void tt_ladder_set_state(struct tt_ladder *l, int side, enum tt_ladder_state st, tt_time now)
{
    if ((side != 0 && side != 1) || st == TT_LS_NONE || st == l->cur_state[side])
        return;
    struct tt_ladder_ev *e = push_ev(l);
    if (!e)
        return;
    e->kind = TT_LEV_STATE;
    e->side = side;
    e->t = now;
    e->old_state = l->cur_state[side];
    e->new_state = st;
    if (l->init_state[side] == TT_LS_NONE)
        l->init_state[side] = l->cur_state[side] != TT_LS_NONE ? l->cur_state[side] : TT_LS_CLOSED;
    l->cur_state[side] = st;
}

void tt_ladder_set_initial(struct tt_ladder *l, enum tt_ladder_state client,
                           enum tt_ladder_state server)
{
    l->init_state[0] = l->cur_state[0] = client;
    l->init_state[1] = l->cur_state[1] = server;
}

/* Does the segment belong to the connection followed (either direction)? */
static int same_conn(const struct tt_ladder *l, const struct tt_trace_seg *h)
{
    if (!l->have_tuple)
        return 1;
    for (int s = 0; s < 2; s++)
        if (h->saddr == l->addr[s] && h->sport == l->port[s] && h->daddr == l->addr[!s] &&
            h->dport == l->port[!s])
            return 1;
    return 0;
}

static int same_header(const struct tt_trace_seg *a, const struct tt_trace_seg *b)
{
    return a->seq == b->seq && a->ack == b->ack && a->flags == b->flags && a->len == b->len &&
           a->sport == b->sport && a->dport == b->dport;
}

/* The oldest segment sent by `from` with this header and not yet received or
 * lost: what a receiver just got. */
static long find_in_flight(const struct tt_ladder *l, int from, const struct tt_trace_seg *h)
{
    for (size_t i = 0; i < l->nseg; i++) {
        const struct tt_ladder_seg *s = &l->seg[i];
        if (s->from == from && !s->lost && s->t_recv == TT_TIME_NEVER && same_header(&s->h, h))
            return (long)i;
    }
    return -1;
}

static void trace_seg(struct tt_ladder *l, int side, const struct tt_trace_event *ev)
{
    if (!same_conn(l, &ev->seg))
        return;
    if (ev->kind == TT_TRACE_TCP_SEG_OUT) {
        enum tt_rexmit_cause cause = ev->cause;
        if (cause == TT_REXMIT_NONE)
            cause = l->pending_cause[side];
        l->pending_cause[side] = TT_REXMIT_NONE;
        tt_time age = l->pending_age[side];
        l->pending_age[side] = 0;
        if (ev->conn_id && !l->conn_id[side])
            l->conn_id[side] = ev->conn_id;
        long k = tt_ladder_send(l, side, &ev->seg, cause, ev->now);
        if (k >= 0 && cause == TT_REXMIT_RACK && age) {
            l->seg[k].rack_age = age;
            l->seg[k].rack_rtt = l->pending_rtt[side];
            l->seg[k].reo_wnd = l->pending_reo[side];
        }
        return;
    }
    long i = find_in_flight(l, !side, &ev->seg);
    if (i < 0)
        return; /* a duplicate copy, or sent before recording began */
    if (!ev->accepted) {
        l->seg[i].rejected = 1;
        l->seg[i].drop = ev->drop;
    }
    tt_ladder_recv(l, (size_t)i, ev->now);
}

void tt_ladder_trace(struct tt_ladder *l, int side, const struct tt_trace_event *ev)
{
    if (side != 0 && side != 1)
        return;
    switch (ev->kind) {
    case TT_TRACE_TCP_SEG_OUT:
    case TT_TRACE_TCP_SEG_IN:
        trace_seg(l, side, ev);
        break;
    case TT_TRACE_TCP_STATE:
        /* Before a side's connection is known (its first segment sent), any
         * connection's states count: the listener's LISTEN, the child's
         * SYN-RECEIVED. After that, only that connection's. */
        if (l->conn_id[side] && ev->conn_id && ev->conn_id != l->conn_id[side])
            return;
        if (l->init_state[side] == TT_LS_NONE && l->cur_state[side] == TT_LS_NONE)
            l->cur_state[side] = tt_ladder_state_from_tcp(ev->old_state);
        tt_ladder_set_state(l, side, tt_ladder_state_from_tcp(ev->new_state), ev->now);
        break;
    case TT_TRACE_TCP_RETRANSMIT:
        if (same_conn(l, &ev->seg)) {
            l->pending_cause[side] = ev->cause;
            l->pending_age[side] = ev->rack_age;
            l->pending_rtt[side] = ev->rack_rtt;
            l->pending_reo[side] = ev->reo_wnd;
        }
        break;
    default:
        break;
    }
}

void tt_ladder_trace_client(void *ctx, const struct tt_trace_event *ev)
{
    tt_ladder_trace(ctx, TT_LADDER_CLIENT, ev);
}

void tt_ladder_trace_server(void *ctx, const struct tt_trace_event *ev)
{
    tt_ladder_trace(ctx, TT_LADDER_SERVER, ev);
}

int tt_ladder_frame_lost(struct tt_ladder *l, int side, const uint8_t *frame, size_t len,
                         enum tt_framing framing, tt_time now)
{
    struct tt_trace_seg h;
    if (side < 0 || side > 1 || tt_ladder_parse_frame(frame, len, framing, &h) != 0)
        return 0;
    if (!same_conn(l, &h))
        return 0;
    /* The most recent matching send: the loss is decided inside transmit. */
    for (size_t i = l->nseg; i-- > 0;) {
        struct tt_ladder_seg *s = &l->seg[i];
        if (s->from == side && !s->lost && s->t_recv == TT_TIME_NEVER && same_header(&s->h, &h)) {
            tt_ladder_lost(l, i, now);
            return 1;
        }
    }
    return 0;
}

static uint16_t rd16(const uint8_t *p);

/* Move event k (a SEND) to the end of the list, at time t: every event
 * recorded so far happened at or before the frame left. */
static void move_send_last(struct tt_ladder *l, size_t k, tt_time t)
{
    struct tt_ladder_ev e = l->ev[k];
    memmove(&l->ev[k], &l->ev[k + 1], (l->nev - k - 1) * sizeof(l->ev[0]));
    e.t = t;
    l->ev[l->nev - 1] = e;
}

int tt_ladder_frame_wire(struct tt_ladder *l, int side, const uint8_t *frame, size_t len,
                         enum tt_framing framing, tt_time now)
{
    if (side < 0 || side > 1)
        return 0;
    if (framing == TT_FRAMING_ETHERNET && len >= 22 && rd16(frame + 12) == 0x0806) {
        struct tt_ladder_arp *a = &l->arp[side];
        if (rd16(frame + 20) == 1 && !a->requests++)
            a->first_request = now;
        else if (rd16(frame + 20) == 2)
            a->replies++;
        return 1;
    }
    struct tt_trace_seg h;
    if (tt_ladder_parse_frame(frame, len, framing, &h) != 0 || !same_conn(l, &h))
        return 0;
    /* The latest send of this header the link has not seen yet (an older
     * one may never reach it: the ARP queue drops frames when full). */
    size_t i = l->nseg;
    while (i-- > 0)
        if (l->seg[i].from == side && !l->seg[i].wired && !l->seg[i].lost &&
            same_header(&l->seg[i].h, &h))
            break;
    if (i == (size_t)-1)
        return 0;
    struct tt_ladder_seg *s = &l->seg[i];
    s->wired = 1;
    if (now > s->t_sent) {
        for (size_t k = l->nev; k-- > 0;)
            if (l->ev[k].kind == TT_LEV_SEND && l->ev[k].seg == i) {
                move_send_last(l, k, now);
                break;
            }
        s->held = now - s->t_sent;
        s->t_sent = now;
        if (s->held > l->arp[side].held_max) {
            l->arp[side].held_max = s->held;
            l->arp[side].held_seg = (long)i;
        }
    }
    return 1;
}

void tt_ladder_fate_hook(void *ctx, const struct tt_memlink_fate_event *ev)
{
    struct tt_ladder *l = ctx;
    int side = ev->dir == TT_MEMLINK_A_TO_B ? TT_LADDER_CLIENT : TT_LADDER_SERVER;
    if (ev->fate != TT_MEMLINK_DUPLICATED &&
        !tt_ladder_frame_wire(l, side, ev->frame, ev->len, TT_FRAMING_ETHERNET, ev->sent))
        tt_ladder_frame_wire(l, side, ev->frame, ev->len, TT_FRAMING_RAW_IP, ev->sent);
    if (ev->fate != TT_MEMLINK_LOST && ev->fate != TT_MEMLINK_QUEUE_DROP)
        return;
    /* The framing is not in the event: try Ethernet, then raw IP. */
    if (!tt_ladder_frame_lost(l, side, ev->frame, ev->len, TT_FRAMING_ETHERNET, ev->sent))
        tt_ladder_frame_lost(l, side, ev->frame, ev->len, TT_FRAMING_RAW_IP, ev->sent);
}

/* ---- parsing a packet (for losses and pcap files) ---- */

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* RFC 9293 §3.2 options; malformed options stop the walk (what was read stays). */
static void parse_options(const uint8_t *p, size_t n, struct tt_trace_seg *out)
{
    size_t i = 0;
    while (i < n) {
        uint8_t kind = p[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n)
            break;
        uint8_t olen = p[i + 1];
        const uint8_t *v = p + i + 2;
        if (kind == 2 && olen == 4) {
            out->has_mss = 1;
            out->mss = rd16(v);
        } else if (kind == 3 && olen == 3) {
            out->has_wscale = 1;
            out->wscale = v[0];
        } else if (kind == 4 && olen == 2) {
            out->sack_ok = 1;
        } else if (kind == 5 && olen >= 10 && (olen - 2) % 8 == 0) {
            for (size_t b = 0; b < (size_t)(olen - 2) / 8 && b < 4; b++) {
                out->sack[b][0] = rd32(v + b * 8);
                out->sack[b][1] = rd32(v + b * 8 + 4);
                out->nsack = (uint8_t)(b + 1);
            }
        } else if (kind == 8 && olen == 10) {
            out->has_ts = 1;
            out->ts_val = rd32(v);
            out->ts_ecr = rd32(v + 4);
        }
        i += olen;
    }
}

int tt_ladder_parse_ip(const uint8_t *ip, size_t len, struct tt_trace_seg *out)
{
    memset(out, 0, sizeof(*out));
    if (!ip || len < 20 || (ip[0] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    size_t tot = rd16(ip + 2);
    if (ihl < 20 || tot < ihl || ihl > len || ip[9] != 6)
        return -1;
    if ((rd16(ip + 6) & 0x1fff) != 0 || (rd16(ip + 6) & 0x2000))
        return -1; /* a fragment: not drawn */
    const uint8_t *t = ip + ihl;
    size_t tlen = tot - ihl;
    if (tlen < 20 || len - ihl < 20)
        return -1;
    size_t doff = (size_t)(t[12] >> 4) * 4;
    /* A capture may keep only the first bytes of a packet (its snaplen): the
     * headers must be there; the payload length comes from the IP header. */
    if (doff < 20 || doff > tlen || doff > len - ihl)
        return -1;
    out->saddr = rd32(ip + 12);
    out->daddr = rd32(ip + 16);
    out->sport = rd16(t);
    out->dport = rd16(t + 2);
    out->seq = rd32(t + 4);
    out->ack = rd32(t + 8);
    out->flags = t[13];
    out->wnd = rd16(t + 14);
    out->urp = rd16(t + 18);
    out->len = (uint32_t)(tlen - doff);
    parse_options(t + 20, doff - 20, out);
    return 0;
}

int tt_ladder_parse_frame(const uint8_t *frame, size_t len, enum tt_framing framing,
                          struct tt_trace_seg *out)
{
    if (!frame)
        return -1;
    if (framing == TT_FRAMING_ETHERNET) {
        if (len < TT_ETH_HLEN || rd16(frame + 12) != 0x0800)
            return -1;
        return tt_ladder_parse_ip(frame + TT_ETH_HLEN, len - TT_ETH_HLEN, out);
    }
    return tt_ladder_parse_ip(frame, len, out);
}

/* ---- totals ---- */

void tt_ladder_stats(const struct tt_ladder *l, struct tt_ladder_stats *st)
{
    memset(st, 0, sizeof(*st));
    st->closed_first = -1;
    tt_time syn_at = TT_TIME_NEVER;
    for (size_t i = 0; i < l->nseg; i++) {
        const struct tt_ladder_seg *s = &l->seg[i];
        int f = s->from;
        st->segs[f]++;
        if (s->cause != TT_REXMIT_NONE)
            st->rexmits[f]++;
        else
            st->bytes[f] += s->h.len;
        if (s->lost)
            st->lost[f]++;
        if ((s->h.flags & TT_TCP_FIN) && st->closed_first < 0)
            st->closed_first = f;
        if (s->h.flags & TT_TCP_RST)
            st->reset = 1;
        if (f == 0 && (s->h.flags & (TT_TCP_SYN | TT_TCP_ACK)) == TT_TCP_SYN &&
            syn_at == TT_TIME_NEVER)
            syn_at = s->t_sent;
        if (f == 0 && !st->handshake && syn_at != TT_TIME_NEVER && !(s->h.flags & TT_TCP_SYN) &&
            (s->h.flags & TT_TCP_ACK))
            st->handshake = s->t_sent - syn_at;
    }
    if (l->nev) {
        st->t_first = l->ev[0].t;
        st->t_last = l->ev[l->nev - 1].t;
    }
}

/* enum tt_tcp_state (include/tether/tcp.h) to the ladder's numbering. */
enum tt_ladder_state tt_ladder_state_from_tcp(int tcp_state)
{
    switch (tcp_state) {
    case TT_CLOSED:
        return TT_LS_CLOSED;
    case TT_LISTEN:
        return TT_LS_LISTEN;
    case TT_SYN_SENT:
        return TT_LS_SYN_SENT;
    case TT_SYN_RECEIVED:
        return TT_LS_SYN_RECEIVED;
    case TT_ESTABLISHED:
        return TT_LS_ESTABLISHED;
    case TT_FIN_WAIT_1:
        return TT_LS_FIN_WAIT_1;
    case TT_FIN_WAIT_2:
        return TT_LS_FIN_WAIT_2;
    case TT_CLOSE_WAIT:
        return TT_LS_CLOSE_WAIT;
    case TT_CLOSING:
        return TT_LS_CLOSING;
    case TT_LAST_ACK:
        return TT_LS_LAST_ACK;
    case TT_TIME_WAIT:
        return TT_LS_TIME_WAIT;
    default:
        return TT_LS_NONE;
    }
}
