/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ICMPv4 (RFC 792, RFC 1122 §3.2.2): echo in both directions, the errors we
 * send (rate limited), and the errors we receive, handed to TCP.
 */
#include <string.h>

#include "net/net.h"
#include "wire/icmp.h"
#include "wire/ipv4.h"

/* RFC 792: an error quotes the internet header and 64 bits of data. */
#define ICMP_QUOTE_DATA 8

/* Read a big-endian field of the quoted transport header: the 8 quoted
 * bytes are too few for the TCP parser, which wants a whole header. */
static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Build an ICMP message in a buffer of our own (tt__ip_output fragments it
 * through txbuf) and send it. */
static int icmp_send(struct tt_stack *s, uint32_t src, uint32_t dst, const struct tt_icmp_hdr *m,
                     tt_time now)
{
    size_t len = TT_ICMP_HDR_LEN + m->payload_len;
    uint8_t *buf = tt__alloc(s, len);
    if (!buf) {
        tt__drop(s, TT_DROP_NOMEM, -1, m->payload, m->payload_len, now);
        return TT_ENOMEM;
    }
    tt__icmp_emit(m, buf, len);
    struct tt_ip_out o;
    memset(&o, 0, sizeof o);
    o.src = src;
    o.dst = dst;
    o.proto = TT_IPPROTO_ICMP;
    s->ctr.icmp_out_msgs++;
    int err = tt__ip_output(s, &o, buf, len, now);
    tt__free(s, buf, len);
    return err;
}

/* ---- errors we send ---- */

/* Token bucket: icmp_burst tokens, one more every icmp_ratelimit (RFC 1812
 * §4.3.2.8; Linux icmp_ratelimit and icmp_msgs_burst). */
int tt__icmp_token(const struct tt_stack *s, uint32_t *tokens, tt_time *last, tt_time now)
{
    tt_time iv = s->cfg.icmp_ratelimit;
    if (iv == 0)
        return 1;
    if (now > *last) {
        tt_time add = (now - *last) / iv;
        if (add >= s->cfg.icmp_burst - *tokens) {
            *tokens = s->cfg.icmp_burst;
            *last = now;
        } else if (add) {
            *tokens += (uint32_t)add;
            *last += add * iv;
        }
    }
    if (*tokens == 0)
        return 0;
    (*tokens)--;
    return 1;
}

static int ratelimit_ok(struct tt_stack *s, tt_time now)
{
    return tt__icmp_token(s, &s->icmp_tokens, &s->icmp_last, now);
}

/* RFC 1122 §3.2.2: the datagrams an error MUST NOT be sent about. */
static int error_allowed(const struct tt_stack *s, const struct tt_ipv4_hdr *oh,
                         const uint8_t *orig, size_t olen, int l2_bcast)
{
    if (l2_bcast || oh->frag_off != 0)
        return 0;
    uint32_t a = oh->src;
    if (a == 0 || a == 0xffffffffu || tt__ipv4_is_multicast(a) || (a >> 24) == 127)
        return 0;
    if (!tt__ip_is_local(s, oh->dst))
        return 0; /* broadcast or multicast destination */
    if (oh->proto == TT_IPPROTO_ICMP) {
        /* Never about an ICMP error; only about queries. */
        if (olen <= oh->hlen)
            return 0;
        uint8_t t = orig[oh->hlen];
        if (t != TT_ICMP_ECHO && t != TT_ICMP_ECHO_REPLY && t != 13 && t != 14)
            return 0;
    }
    return 1;
}

void tt__icmp_send_error(struct tt_stack *s, uint8_t type, uint8_t code, uint32_t rest,
                         const uint8_t *orig, size_t olen, int l2_bcast, tt_time now)
{
    struct tt_ipv4_hdr oh;
    int hl = tt__ipv4_parse_quoted(orig, olen, &oh);
    if (hl < 0 || !error_allowed(s, &oh, orig, olen, l2_bcast))
        return;
    if (!ratelimit_ok(s, now)) {
        tt__drop(s, TT_DROP_ICMP_RATELIMIT, -1, orig, olen, now);
        return;
    }
    size_t q = (size_t)hl + ICMP_QUOTE_DATA;
    struct tt_icmp_hdr m;
    memset(&m, 0, sizeof m);
    m.type = type;
    m.code = code;
    m.rest = rest;
    m.payload = orig;
    m.payload_len = olen < q ? olen : q;
    if (type == TT_ICMP_DEST_UNREACH)
        s->ctr.icmp_out_dest_unreachs++;
    icmp_send(s, oh.dst, oh.src, &m, now);
}

/* ---- what we receive ---- */

static void echo_reply(struct tt_stack *s, const struct tt_ipv4_hdr *h,
                       const struct tt_icmp_hdr *req, tt_time now)
{
    /* RFC 1122 §3.2.2.6: same identifier, sequence and data; our address
     * (the request's destination) as the source. */
    struct tt_icmp_hdr m = *req;
    m.type = TT_ICMP_ECHO_REPLY;
    m.code = 0;
    s->ctr.icmp_out_echo_reps++;
    icmp_send(s, h->dst, h->src, &m, now);
}

/* Destination unreachable, time exceeded, parameter problem: find the
 * datagram we sent in the quote and tell TCP about it. */
static void error_input(struct tt_stack *s, int iface, const struct tt_icmp_hdr *m,
                        const uint8_t *msg, size_t len, tt_time now)
{
    struct tt_ipv4_hdr q;
    int hl = tt__ipv4_parse_quoted(m->payload, m->payload_len, &q);
    if (hl < 0 || m->payload_len < (size_t)hl + ICMP_QUOTE_DATA) {
        tt__drop(s, TT_DROP_ICMP_TRUNCATED, iface, msg, len, now);
        return;
    }
    if (q.proto != TT_IPPROTO_TCP || !tt__ip_is_local(s, q.src) || q.frag_off != 0) {
        tt__drop(s, TT_DROP_ICMP_UNHANDLED, iface, msg, len, now);
        return;
    }
    const uint8_t *t = m->payload + hl;
    struct tt_icmp_err e;
    memset(&e, 0, sizeof e);
    e.type = m->type;
    e.code = m->code;
    if (m->type == TT_ICMP_DEST_UNREACH && m->code == TT_ICMP_FRAG_NEEDED)
        e.mtu = tt__icmp_mtu(m); /* RFC 1191 §4; 0 from old routers */
    e.src = q.src;
    e.dst = q.dst;
    e.sport = be16(t);
    e.dport = be16(t + 2);
    e.seq = be32(t + 4);
    s->ctr.icmp_in_errors_delivered++;
    tt__tcp_icmp_error(s, &e, now);
}

void tt__icmp_input(struct tt_stack *s, int iface, const struct tt_ipv4_hdr *h, const uint8_t *msg,
                    size_t len, tt_time now)
{
    struct tt_icmp_hdr m;
    enum tt_drop_reason why;
    if (tt__icmp_parse(msg, len, &m, &why) < 0) {
        tt__drop(s, why, iface, msg, len, now);
        return;
    }
    s->ctr.icmp_in_msgs++;
    switch (m.type) {
    case TT_ICMP_ECHO:
        s->ctr.icmp_in_echos++;
        echo_reply(s, h, &m, now);
        return;
    case TT_ICMP_ECHO_REPLY:
        /* Counted above; the host sees it as the FRAME_IN that carried it. */
        return;
    case TT_ICMP_DEST_UNREACH:
    case TT_ICMP_TIME_EXCEEDED:
    case TT_ICMP_PARAM_PROBLEM:
        error_input(s, iface, &m, msg, len, now);
        return;
    default:
        /* Source quench included: RFC 6633 §3 says ignore it. */
        tt__drop(s, TT_DROP_ICMP_UNHANDLED, iface, msg, len, now);
        return;
    }
}

int tt_stack_ping(struct tt_stack *s, uint32_t dst, uint16_t id, uint16_t seq, const void *data,
                  size_t len, tt_time now)
{
    if (!s || (len && !data))
        return TT_EINVAL;
    if (len > 65535 - TT_IPV4_HLEN - TT_ICMP_HDR_LEN)
        return TT_EMSGSIZE;
    struct tt_route r;
    if (tt__ip_route(s, dst, &r) < 0)
        return TT_ENETUNREACH;
    struct tt_icmp_hdr m;
    memset(&m, 0, sizeof m);
    m.type = TT_ICMP_ECHO;
    m.rest = ((uint32_t)id << 16) | seq;
    m.payload = data;
    m.payload_len = len;
    /* 0 also when the request waits on ARP resolution. */
    return icmp_send(s, r.src, dst, &m, now);
}
