/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Options, STATUS (RFC 9293 §3.10.6) as a TCP_INFO-like snapshot, readiness
 * flags, and stack-wide accounting.
 */
#include <string.h>

#include "tcp/tcp_int.h"

int tt_tcp_state(const struct tt_tcp *t)
{
    return (int)t->state;
}

int tt_tcp_error(const struct tt_tcp *t)
{
    return t->err ? t->err : t->soft_err;
}

uint32_t tt_tcp_id(const struct tt_tcp *t)
{
    return t->id;
}

void tt_tcp_local(const struct tt_tcp *t, uint32_t *addr, uint16_t *port)
{
    if (addr)
        *addr = t->laddr;
    if (port)
        *port = t->lport;
}

void tt_tcp_remote(const struct tt_tcp *t, uint32_t *addr, uint16_t *port)
{
    if (addr)
        *addr = t->raddr;
    if (port)
        *port = t->rport;
}

void tt_tcp_set_callback(struct tt_tcp *t, tt_tcp_event_fn fn, void *ctx)
{
    t->ev_fn = fn;
    t->ev_ctx = ctx;
}

/* Bytes queued but never sent (Linux tcp_notsent_bytes: write_seq - snd_nxt,
 * Linux's snd_nxt being tether's snd_max: a retransmission does not count). */
uint32_t tt__tcp_notsent(const struct tt_tcp *t)
{
    uint32_t sent = 0;
    if (t->state >= TT_ESTABLISHED && tt_seq_gt(t->snd_max, t->snd_una))
        sent = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    return t->sndq.len > sent ? (uint32_t)t->sndq.len - sent : 0;
}

uint32_t tt__tcp_notsent_lowat(const struct tt_tcp *t)
{
    return t->notsent_lowat ? t->notsent_lowat : t->s->cfg.tcp.notsent_lowat;
}

unsigned tt_tcp_events(const struct tt_tcp *t)
{
    unsigned ev = 0;
    if (t->state == TT_LISTEN)
        return t->aq_head ? TT_TCP_EV_ACCEPTABLE | TT_TCP_EV_READABLE : 0;
    if (t->rcvq.len || t->fin_rcvd || t->rd_shut || t->err)
        ev |= TT_TCP_EV_READABLE;
    if (t->fin_rcvd)
        ev |= TT_TCP_EV_RDHUP;
    if (t->err)
        ev |= TT_TCP_EV_ERROR | TT_TCP_EV_WRITABLE;
    if (t->state >= TT_ESTABLISHED || (t->state == TT_CLOSED && t->connected_once))
        ev |= TT_TCP_EV_CONNECTED;
    if ((t->state == TT_ESTABLISHED || t->state == TT_CLOSE_WAIT) && !t->fin_queued &&
        t->sndq.len < t->sndbuf && tt__tcp_notsent(t) < tt__tcp_notsent_lowat(t))
        ev |= TT_TCP_EV_WRITABLE;
    if (t->state == TT_CLOSED && (t->connected_once || t->err))
        ev |= TT_TCP_EV_CLOSED;
    if (tt_tcp_urgent(t) > 0)
        ev |= TT_TCP_EV_URGENT;
    return ev;
}

static int secs(tt_time v)
{
    return (int)(v / TT_SEC(1));
}

int tt_tcp_setopt(struct tt_tcp *t, enum tt_tcp_opt opt, int v)
{
    const struct tt_tcp_config *c = &t->s->cfg.tcp;
    switch (opt) {
    case TT_TCP_OPT_NODELAY:
    case TT_TCP_OPT_CORK:
        if (opt == TT_TCP_OPT_NODELAY)
            t->nodelay = v != 0;
        else
            t->cork = v != 0;
        /* Setting no-delay or clearing cork pushes what is held at the
         * stack's next poll (setopt has no `now`): Linux pushes at once. */
        if ((t->nodelay || !t->cork) && t->state >= TT_ESTABLISHED) {
            t->t_push = 0;
            tt__tcb_arm(t);
        }
        return 0;
    case TT_TCP_OPT_KEEPALIVE:
        t->keepalive = v != 0;
        tt__tcp_keepalive_arm(t, 0);
        return 0;
    case TT_TCP_OPT_KEEPIDLE:
    case TT_TCP_OPT_KEEPINTVL:
        if (v < 1 || v > 32767)
            return TT_EINVAL;
        if (opt == TT_TCP_OPT_KEEPIDLE)
            t->keep_idle = TT_SEC((tt_time)v);
        else
            t->keep_intvl = TT_SEC((tt_time)v);
        if (opt == TT_TCP_OPT_KEEPIDLE && t->probes == 0)
            tt__tcp_keepalive_arm(t, 0);
        return 0;
    case TT_TCP_OPT_KEEPCNT:
        if (v < 1 || v > 127)
            return TT_EINVAL;
        t->keep_cnt = (uint32_t)v;
        return 0;
    case TT_TCP_OPT_LINGER:
        t->linger = v < 0 ? -1 : v;
        return 0;
    case TT_TCP_OPT_SNDBUF:
    case TT_TCP_OPT_RCVBUF: {
        if (v <= 0)
            return TT_EINVAL;
        uint32_t max = opt == TT_TCP_OPT_SNDBUF ? c->wmem_max : c->rmem_max;
        uint32_t b = (uint32_t)v > max ? max : (uint32_t)v;
        if (b < 2048)
            b = 2048;
        if (opt == TT_TCP_OPT_SNDBUF) {
            t->sndbuf = b;
        } else {
            t->rcvbuf = b;
            t->rcvbuf_set = 1;
        }
        return 0;
    }
    case TT_TCP_OPT_MAXSEG:
        /* Before connect, or on a listener for the connections it will
         * accept (Linux takes TCP_MAXSEG on a listening socket too). */
        if (v < 88 || v > 65535 || (t->state != TT_CLOSED && t->state != TT_LISTEN))
            return TT_EINVAL;
        t->user_mss = (uint16_t)v;
        return 0;
    case TT_TCP_OPT_REUSEADDR:
        t->reuseaddr = v != 0;
        return 0;
    case TT_TCP_OPT_LINGER2:
        if (v < 0)
            return TT_EINVAL;
        t->fin_timeout = v ? TT_SEC((tt_time)v) : c->fin_timeout;
        return 0;
    case TT_TCP_OPT_USER_TIMEOUT:
        if (v < 0)
            return TT_EINVAL;
        t->user_timeout = TT_MSEC((tt_time)v);
        return 0;
    case TT_TCP_OPT_CONGESTION:
        return v < 0 ? TT_EINVAL : tt__cc_select(t, (unsigned)v);
    case TT_TCP_OPT_NOTSENT_LOWAT:
        if (v < 0)
            return TT_EINVAL;
        t->notsent_lowat = (uint32_t)v;
        tt__tcb_notify(t, TT_TCP_EV_WRITABLE); /* a raised mark may make room */
        return 0;
    case TT_TCP_OPT_FASTOPEN:
        if (v < 0)
            return TT_EINVAL;
        t->tfo_qlen = (uint32_t)v;
        return 0;
    case TT_TCP_OPT_FASTOPEN_CONNECT:
        if (t->state != TT_CLOSED)
            return TT_EINVAL;
        t->tfo_connect = v != 0;
        return 0;
    case TT_TCP_OPT_FASTOPEN_NO_COOKIE:
        t->tfo_no_cookie = v != 0;
        return 0;
    }
    return TT_EINVAL;
}

int tt_tcp_getopt(const struct tt_tcp *t, enum tt_tcp_opt opt, int *v)
{
    switch (opt) {
    case TT_TCP_OPT_NODELAY:
        *v = t->nodelay;
        return 0;
    case TT_TCP_OPT_KEEPALIVE:
        *v = t->keepalive;
        return 0;
    case TT_TCP_OPT_KEEPIDLE:
        *v = secs(t->keep_idle);
        return 0;
    case TT_TCP_OPT_KEEPINTVL:
        *v = secs(t->keep_intvl);
        return 0;
    case TT_TCP_OPT_KEEPCNT:
        *v = (int)t->keep_cnt;
        return 0;
    case TT_TCP_OPT_LINGER:
        *v = t->linger;
        return 0;
    case TT_TCP_OPT_SNDBUF:
        *v = (int)t->sndbuf;
        return 0;
    case TT_TCP_OPT_RCVBUF:
        *v = (int)t->rcvbuf;
        return 0;
    case TT_TCP_OPT_MAXSEG:
        *v = t->snd_mss ? t->snd_mss : (t->user_mss ? t->user_mss : 536);
        return 0;
    case TT_TCP_OPT_REUSEADDR:
        *v = t->reuseaddr;
        return 0;
    case TT_TCP_OPT_LINGER2:
        *v = secs(t->fin_timeout);
        return 0;
    case TT_TCP_OPT_USER_TIMEOUT:
        *v = (int)(t->user_timeout / 1000);
        return 0;
    case TT_TCP_OPT_CORK:
        *v = t->cork;
        return 0;
    case TT_TCP_OPT_CONGESTION:
        *v = t->cc_id;
        return 0;
    case TT_TCP_OPT_NOTSENT_LOWAT:
        *v = (int)t->notsent_lowat; /* 0: the stack default (Linux reports what was set) */
        return 0;
    case TT_TCP_OPT_FASTOPEN:
        *v = (int)t->tfo_qlen;
        return 0;
    case TT_TCP_OPT_FASTOPEN_CONNECT:
        *v = t->tfo_connect;
        return 0;
    case TT_TCP_OPT_FASTOPEN_NO_COOKIE:
        *v = t->tfo_no_cookie;
        return 0;
    }
    return TT_EINVAL;
}

static void chrono_set(struct tt_tcp *t, enum tt__chrono kind, tt_time now)
{
    if (t->chrono != TT__CHRONO_NONE && now > t->chrono_at)
        t->chrono_t[t->chrono - 1] += now - t->chrono_at;
    t->chrono = (uint8_t)kind;
    t->chrono_at = now;
}

void tt__tcp_chrono_start(struct tt_tcp *t, enum tt__chrono kind, tt_time now)
{
    if (kind > t->chrono)
        chrono_set(t, kind, now);
}

void tt__tcp_chrono_update(struct tt_tcp *t, int rwnd_limited, tt_time now)
{
    if (t->sndq.len == 0 && tt_seq_eq(t->snd_una, t->snd_max)) {
        if (t->chrono != TT__CHRONO_NONE)
            chrono_set(t, TT__CHRONO_NONE, now);
        return;
    }
    if (t->chrono == TT__CHRONO_SNDBUF && t->sndq.len < t->sndbuf)
        chrono_set(t, TT__CHRONO_BUSY, now);
    if (rwnd_limited)
        tt__tcp_chrono_start(t, TT__CHRONO_RWND, now);
    else if (t->chrono == TT__CHRONO_RWND)
        chrono_set(t, TT__CHRONO_BUSY, now);
}

void tt_tcp_info(const struct tt_tcp *t, struct tt_tcp_info *i)
{
    tt_tcp_info_at(t, 0, i);
}

void tt_tcp_info_at(const struct tt_tcp *t, tt_time now, struct tt_tcp_info *i)
{
    memset(i, 0, sizeof *i);
    i->state = (uint8_t)t->state;
    i->options =
        (uint8_t)((t->ts_ok ? TT_TCPI_OPT_TIMESTAMPS : 0) | (t->sack_ok ? TT_TCPI_OPT_SACK : 0) |
                  (t->ws_ok ? TT_TCPI_OPT_WSCALE : 0) |
                  ((t->ecn & TT__ECN_OK) && t->state >= TT_ESTABLISHED ? TT_TCPI_OPT_ECN : 0) |
                  (t->syn_data_acked ? TT_TCPI_OPT_SYN_DATA : 0));
    i->snd_wscale = t->snd_ws;
    i->rcv_wscale = t->rcv_ws;
    i->backoff = t->persist ? t->pbackoff : t->backoff;
    i->retransmits = t->retries;
    i->probes = t->probes;
    i->conn_id = t->id;
    i->rto = t->rto;
    i->rtt = t->srtt;
    i->rttvar = t->rttvar;
    i->snd_mss = t->snd_mss;
    i->rcv_mss = t->peer_mss;
    i->adv_mss = t->adv_mss;
    uint32_t mss = tt__tcp_mss(t);
    i->snd_cwnd = t->cwnd / mss;
    i->snd_ssthresh = t->ssthresh == UINT32_MAX ? 0x7fffffff : t->ssthresh / mss;
    i->snd_wnd = t->snd_wnd;
    i->rcv_wnd =
        tt_seq_gt(t->rcv_adv, t->rcv_nxt) ? (uint32_t)tt_seq_diff(t->rcv_adv, t->rcv_nxt) : 0;
    uint32_t flight = (uint32_t)tt_seq_diff(t->snd_max, t->snd_una);
    i->unacked = (flight + mss - 1) / mss;
    i->retrans = t->retries ? i->unacked : 0;
    if (t->sb && t->ca_state != TT__CA_LOSS)
        i->retrans = tt__sb_count(t, TT__SB_RETRANS);
    i->ca_state = t->ca_state;
    if (t->ca_state == TT__CA_OPEN && (t->dupacks || t->in_recovery))
        i->ca_state = t->in_recovery ? TT__CA_RECOVERY : TT__CA_DISORDER;
    i->lost = tt__sb_count(t, TT__SB_LOST);
    i->sacked = tt__sb_count(t, TT__SB_SACKED);
    i->reordering = t->reordering;
    i->reo_wnd = tt__rack_reo_wnd(t);
    i->delivered = t->delivered / mss;
    i->rexmit_rto = t->rexmit_rto;
    i->rexmit_fast = t->rexmit_fast;
    i->rexmit_rack = t->rexmit_rack;
    i->rexmit_tlp = t->rexmit_tlp;
    i->undos = t->undos;
    i->total_retrans = t->total_retrans;
    i->bytes_sent = t->bytes_sent;
    i->bytes_acked = t->bytes_acked;
    i->bytes_received = t->bytes_received;
    i->bytes_retrans = t->bytes_retrans;
    i->segs_in = t->segs_in;
    i->segs_out = t->segs_out;
    i->last_data_recv = t->last_data_recv;
    i->last_data_sent = t->last_data_sent;
    i->last_ack_recv = t->last_ack_recv;
    i->snd_una = t->snd_una.v;
    i->snd_nxt = t->snd_nxt.v;
    i->rcv_nxt = t->rcv_nxt.v;
    i->iss = t->iss.v;
    i->irs = t->irs.v;
    i->min_rtt = t->min_rtt;
    tt_time run[3] = {t->chrono_t[0], t->chrono_t[1], t->chrono_t[2]};
    if (t->chrono != TT__CHRONO_NONE && now > t->chrono_at)
        run[t->chrono - 1] += now - t->chrono_at;
    i->busy_time = run[0] + run[1] + run[2];
    i->delivery_rate = i->busy_time ? t->delivered * 1000000u / i->busy_time : 0;
    i->rwnd_limited = run[1];
    i->sndbuf_limited = run[2];
}

void tt_tcp_stats(const struct tt_stack *s, struct tt_tcp_stats *st)
{
    const struct tt__tcp *m = tt__tcpm(s);
    *st = m->st;
    st->orphans = 0;
    for (const struct tt_tcp *t = m->all; t; t = t->all_next)
        if (!t->app_owned && !t->parent && t->state != TT_CLOSED)
            st->orphans++;
    st->syn_queue = m->synq_total;
}
