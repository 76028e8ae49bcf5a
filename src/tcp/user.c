/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The user calls of RFC 9293 §3.10.1-3.10.6 (OPEN, SEND, RECEIVE, CLOSE,
 * ABORT, STATUS), shaped as BSD sockets (see include/tether/tcp.h). Every call
 * ends by freeing the control blocks it finished (tt__tcb_reap).
 */
#include <string.h>

#include "tcp/tcp_int.h"

static int done(struct tt_tcp *t, int rc, tt_time now)
{
    tt__tcb_reap(t->s, now);
    return rc;
}

int tt_tcp_open(struct tt_stack *s, struct tt_tcp **out)
{
    if (!s || !out)
        return TT_EINVAL;
    struct tt_tcp *t = tt__tcb_new(s, 0, 0);
    if (!t)
        return TT_ENOMEM;
    t->app_owned = 1;
    tt__tcpm(s)->st.app_handles++;
    *out = t;
    return 0;
}

int tt_tcp_bind(struct tt_tcp *t, uint32_t addr, uint16_t port)
{
    if (t->state != TT_CLOSED || t->lport || t->connected_once || t->err)
        return TT_EINVAL;
    if (addr && !tt__ip_is_local(t->s, addr))
        return TT_EADDRNOTAVAIL;
    if (port && tt__listener_lookup(t->s, addr, port))
        return TT_EADDRINUSE;
    t->laddr = addr;
    t->lport = port;
    return 0;
}

int tt_tcp_listen(struct tt_tcp *t, int backlog, tt_time now)
{
    struct tt_stack *s = t->s;
    if (t->state == TT_LISTEN) {
        t->backlog = backlog <= 0 ? 1 : (uint32_t)backlog;
        return 0;
    }
    if (t->state != TT_CLOSED || t->connected_once || t->err)
        return TT_EINVAL;
    if (!t->lport) {
        uint16_t p = tt__tcp_ephemeral(s, t->laddr, 0, 0);
        if (!p)
            return TT_EADDRNOTAVAIL;
        t->lport = p;
    } else if (tt__listener_lookup(s, t->laddr, t->lport)) {
        return TT_EADDRINUSE;
    }
    uint32_t max = s->cfg.tcp.max_syn_backlog ? s->cfg.tcp.max_syn_backlog : 1;
    t->backlog = backlog <= 0 ? 1 : (uint32_t)backlog > max ? max : (uint32_t)backlog;
    tt__tcb_set_state(t, TT_LISTEN, now);
    tt__tcb_hash(t);
    return 0;
}

int tt_tcp_accept(struct tt_tcp *t, struct tt_tcp **out, tt_time now)
{
    (void)now;
    if (t->state != TT_LISTEN)
        return TT_EINVAL;
    struct tt_tcp *c = t->aq_head;
    if (!c)
        return TT_EAGAIN;
    tt__listen_unlink_child(c);
    c->app_owned = 1;
    tt__tcpm(t->s)->st.app_handles++;
    *out = c;
    return 0;
}

/* Fill the send side of a new active open (RFC 9293 §3.10.1 OPEN, active). */
static void connect_setup(struct tt_tcp *t, const struct tt_route *r, tt_time now)
{
    struct tt_stack *s = t->s;
    const struct tt_tcp_config *c = &s->cfg.tcp;
    t->iss = tt__tcp_isn(s, t->laddr, t->lport, t->raddr, t->rport, now);
    t->snd_una = t->snd_nxt = t->snd_max = t->iss;
    t->adv_mss = tt__tcp_adv_mss(s, t->raddr, t->user_mss);
    (void)r;
    /* Offer what the config allows; the SYN-ACK decides (take_syn_options). */
    t->ws_ok = c->window_scaling;
    t->rcv_ws = t->ws_ok ? tt__tcp_wscale_for(t->rcvbuf_set ? t->rcvbuf : c->rmem_max) : 0;
    t->ts_ok = c->timestamps;
    t->sack_ok = c->sack;
    t->ecn = c->ecn == 1 ? TT__ECN_OK : 0; /* RFC 3168: ask only with tcp_ecn = 1 */
    t->ts_off = tt__tcp_ts_offset(s, t->laddr, t->lport, t->raddr, t->rport);
    t->peer_mss = 536;
    tt__tcb_set_mss(t);
    t->rto = c->rto_initial;
    t->rtt_time = now;
}

static long send_common(struct tt_tcp *t, const void *buf, size_t len, unsigned flags, tt_time now);

int tt_tcp_connect(struct tt_tcp *t, uint32_t addr, uint16_t port, tt_time now)
{
    struct tt_stack *s = t->s;
    if (t->state == TT_LISTEN || !addr || !port)
        return TT_EINVAL;
    if (t->state == TT_SYN_SENT || t->state == TT_SYN_RECEIVED)
        return TT_EALREADY;
    if (t->state != TT_CLOSED || t->connected_once)
        return TT_EISCONN;
    if (t->err)
        return TT_EINVAL;
    struct tt_route r;
    if (tt__ip_route(s, addr, &r) != 0)
        return TT_ENETUNREACH;
    uint32_t laddr = t->laddr ? t->laddr : r.src;
    uint16_t lport = t->lport;
    if (lport) {
        if (tt__tcb_lookup(s, laddr, lport, addr, port) ||
            tt__synreq_lookup(s, laddr, lport, addr, port))
            return TT_EADDRINUSE;
    } else {
        lport = tt__tcp_ephemeral(s, laddr, addr, port);
        if (!lport)
            return TT_EADDRNOTAVAIL;
    }
    t->laddr = laddr;
    t->lport = lport;
    t->raddr = addr;
    t->rport = port;
    connect_setup(t, &r, now);
    tt__tcb_set_state(t, TT_SYN_SENT, now);
    tt__tcb_hash(t);
    s->ctr.tcp_active_opens++;
    if (t->tfo_connect && !t->tfo_req)
        t->tfo_req = 1; /* Linux TCP_FASTOPEN_CONNECT */
    tt__tfo_connect(t, now);
    if (t->tfo_req && (t->tfo_syn == TT__TFO_DATA || t->tfo_syn == TT__TFO_DATA_NO_COOKIE)) {
        /* A cookie is at hand: report success, the first write sends the
         * SYN with its data (Linux returns 0 here). */
        t->tfo_defer = 1;
        return done(t, 0, now);
    }
    tt__tcp_output(t, now); /* <SEQ=ISS><CTL=SYN> */
    return done(t, TT_EINPROGRESS, now);
}

long tt_tcp_connect_send(struct tt_tcp *t, uint32_t addr, uint16_t port, const void *buf,
                         size_t len, tt_time now)
{
    if (len && !buf)
        return TT_EINVAL;
    uint8_t was = t->tfo_req;
    t->tfo_req = TT__TFO_REQ_SENDTO;
    int rc = tt_tcp_connect(t, addr, port, now);
    if (rc == 0 && t->tfo_defer)
        return send_common(t, buf, len, 0, now); /* the SYN goes with the data */
    if (rc < 0 && rc != TT_EINPROGRESS)
        t->tfo_req = was;
    return rc; /* TT_EINPROGRESS: the SYN asked for a cookie, no data taken (Linux) */
}

/* RFC 9293 §3.10.2 SEND: queue the data (a limit is TT_EAGAIN, never a loss). */
static long send_common(struct tt_tcp *t, const void *buf, size_t len, unsigned flags, tt_time now)
{
    if (t->err)
        return t->err;
    if (t->fin_queued)
        return TT_EPIPE; /* RFC 9293 §3.10.2: "connection closing" */
    switch (t->state) {
    case TT_CLOSED:
        return t->connected_once ? TT_EPIPE : TT_ENOTCONN;
    case TT_LISTEN:
        return TT_ENOTCONN;
    case TT_SYN_SENT:
        if (t->tfo_defer) {
            t->tfo_defer = 0; /* RFC 7413 §4.1: this write rides in the SYN */
            break;
        }
        return TT_EAGAIN;
    case TT_SYN_RECEIVED:
        if (t->tfo_child)
            break; /* a Fast Open child may queue before the final ACK (Linux) */
        return TT_EAGAIN;
    case TT_ESTABLISHED:
    case TT_CLOSE_WAIT:
        break;
    default:
        return TT_EPIPE;
    }
    size_t room = t->sndbuf > t->sndq.len ? t->sndbuf - t->sndq.len : 0;
    if (tt__tcp_notsent(t) >= tt__tcp_notsent_lowat(t))
        room = 0; /* Linux tcp_stream_memory_free: TCP_NOTSENT_LOWAT reached */
    if (len > room)
        tt__tcp_chrono_start(t, TT__CHRONO_SNDBUF, now);
    if (room == 0)
        return TT_EAGAIN;
    if (len > room)
        len = room;
    size_t n = tt__bufq_append(t->s, &t->sndq, buf, len);
    if (n == 0)
        return len ? TT_EAGAIN : 0;
    tt__tcp_chrono_start(t, TT__CHRONO_BUSY, now);
    /* The queue starts after the SYN: before it is acknowledged (Fast Open
     * data written in SYN-SENT or SYN-RECEIVED) that is ISS + 1. */
    tt_seq base = tt_seq_eq(t->snd_una, t->iss) ? tt_seq_add(t->iss, 1) : t->snd_una;
    tt_seq end = tt_seq_add(base, (uint32_t)t->sndq.len);
    if (!(flags & TT_TCP_SEND_MORE))
        t->psh_seq = end;
    else if (tt_seq_gt(t->psh_seq, t->snd_nxt))
        t->psh_seq = t->snd_nxt; /* appended to unsent pushed data: its push is off (Linux) */
    if (flags & TT_TCP_SEND_URGENT) {
        /* RFC 9293 §3.8.5, §3.9.1 SEND with URGENT: SND.UP marks the end of
         * this data; every segment before it carries URG (output.c). */
        t->snd_up = end;
        t->snd_urg = 1;
    }
    t->more = (flags & TT_TCP_SEND_MORE) != 0;
    tt__tcp_output(t, now);
    t->more = 0;
    return (long)done(t, (int)n, now);
}

long tt_tcp_send(struct tt_tcp *t, const void *buf, size_t len, tt_time now)
{
    return send_common(t, buf, len, 0, now);
}

long tt_tcp_send_urgent(struct tt_tcp *t, const void *buf, size_t len, tt_time now)
{
    return send_common(t, buf, len, TT_TCP_SEND_URGENT, now);
}

long tt_tcp_send_flags(struct tt_tcp *t, const void *buf, size_t len, unsigned flags, tt_time now)
{
    if (flags & ~(unsigned)(TT_TCP_SEND_MORE | TT_TCP_SEND_URGENT))
        return TT_EINVAL;
    return send_common(t, buf, len, flags, now);
}

static long recv_common(struct tt_tcp *t, void *buf, size_t len, unsigned flags, tt_time now)
{
    if (t->rcvq.len && !t->rd_shut) {
        /* MSG_WAITALL: nothing until len is there, unless no more will come. */
        if ((flags & TT_TCP_RECV_WAITALL) && t->rcvq.len < len && !t->fin_rcvd && !t->err)
            return TT_EAGAIN;
        size_t n = len < t->rcvq.len ? len : t->rcvq.len;
        tt__bufq_copy(&t->rcvq, 0, buf, n);
        if (flags & TT_TCP_RECV_PEEK)
            return (long)n; /* MSG_PEEK: nothing consumed, the window stays */
        tt__bufq_drop(t->s, &t->rcvq, n);
        tt__tcp_rcv_read(t, now);
        return (long)done(t, (int)n, now);
    }
    if (t->err)
        return t->err; /* before end of stream, as Linux: FIN then RST reads ECONNRESET */
    if (t->rd_shut || t->fin_rcvd)
        return 0; /* end of stream */
    switch (t->state) {
    case TT_CLOSED:
        return t->connected_once ? 0 : TT_ENOTCONN;
    case TT_LISTEN:
        return TT_ENOTCONN;
    default:
        return TT_EAGAIN;
    }
}

long tt_tcp_recv(struct tt_tcp *t, void *buf, size_t len, tt_time now)
{
    return recv_common(t, buf, len, 0, now);
}

long tt_tcp_recv_flags(struct tt_tcp *t, void *buf, size_t len, unsigned flags, size_t *inq,
                       tt_time now)
{
    if (flags & ~(unsigned)(TT_TCP_RECV_PEEK | TT_TCP_RECV_WAITALL))
        return TT_EINVAL;
    long n = recv_common(t, buf, len, flags, now);
    if (inq) {
        /* Linux tcp_inq_hint: 1 for an ended stream with nothing left. */
        *inq = t->rd_shut ? 0 : t->rcvq.len;
        if (*inq == 0 && (t->fin_rcvd || t->state == TT_CLOSED))
            *inq = 1;
    }
    return n;
}

size_t tt_tcp_readable(const struct tt_tcp *t)
{
    return t->rcvq.len;
}

size_t tt_tcp_unsent(const struct tt_tcp *t)
{
    return t->sndq.len;
}

/* Queue our FIN (RFC 9293 §3.10.4 CLOSE, in the states where it sends one). */
static void queue_fin(struct tt_tcp *t, tt_time now)
{
    if (t->fin_queued)
        return;
    switch (t->state) {
    case TT_SYN_RECEIVED:
    case TT_ESTABLISHED:
        t->fin_queued = 1;
        tt__tcb_set_state(t, TT_FIN_WAIT_1, now);
        break;
    case TT_CLOSE_WAIT:
        t->fin_queued = 1;
        tt__tcb_set_state(t, TT_LAST_ACK, now);
        break;
    default:
        return;
    }
    tt__tcp_output(t, now);
}

int tt_tcp_shutdown(struct tt_tcp *t, int how, tt_time now)
{
    if (how < TT_SHUT_RD || how > TT_SHUT_RDWR)
        return TT_EINVAL;
    if (t->state == TT_CLOSED || t->state == TT_LISTEN || t->state == TT_SYN_SENT)
        return TT_ENOTCONN;
    if (how & TT_SHUT_RD) {
        t->rd_shut = 1;
        tt__bufq_clear(t->s, &t->rcvq);
        t->urg_valid = 0;
    }
    if (how & TT_SHUT_WR)
        queue_fin(t, now);
    return done(t, 0, now);
}

static void release(struct tt_tcp *t)
{
    struct tt__tcp *m = tt__tcpm(t->s);
    t->app_owned = 0;
    t->ev_fn = NULL;
    m->st.app_handles--;
    if (t->state == TT_CLOSED && !t->reaping) {
        t->reaping = 1;
        t->aq_next = m->reap;
        m->reap = t;
    }
}

int tt_tcp_close(struct tt_tcp *t, tt_time now)
{
    switch (t->state) {
    case TT_CLOSED:
        break;
    case TT_LISTEN:
    case TT_SYN_SENT:
        /* Nothing sent: a later SYN-ACK meets no connection and draws an RST. */
        t->app_owned = 0;
        tt__tcb_closed(t, 0, now);
        break;
    default:
        if ((t->rcvq.len || t->linger == 0) && t->state != TT_TIME_WAIT) {
            /* RFC 2525 §2.17, Linux: unread data (or SO_LINGER {1, 0}) means the
             * application lost data: reset instead of a graceful close. */
            if (t->state != TT_CLOSING && t->state != TT_LAST_ACK)
                tt__tcp_send_rst_tcb(t, now);
            t->app_owned = 0;
            tt__tcb_closed(t, 0, now);
            break;
        }
        queue_fin(t, now);
        if (t->state == TT_FIN_WAIT_2 && t->t_wait == TT_TIME_NEVER) {
            t->t_wait = now + t->fin_timeout;
            tt__tcb_arm(t);
        }
        break;
    }
    t->app_owned = 1; /* release() does the accounting once */
    struct tt_stack *s = t->s;
    release(t);
    tt__tcb_reap(s, now);
    return 0;
}

int tt_tcp_abort(struct tt_tcp *t, tt_time now)
{
    struct tt_stack *s = t->s;
    /* RFC 9293 §3.10.5: an RST from SYN-RECEIVED through CLOSE-WAIT; CLOSING,
     * LAST-ACK and TIME-WAIT just end. */
    if (t->state >= TT_SYN_RECEIVED && t->state <= TT_CLOSE_WAIT)
        tt__tcp_send_rst_tcb(t, now);
    if (t->state != TT_CLOSED) {
        t->app_owned = 0;
        tt__tcb_closed(t, 0, now);
        t->app_owned = 1;
    }
    release(t);
    tt__tcb_reap(s, now);
    return 0;
}
