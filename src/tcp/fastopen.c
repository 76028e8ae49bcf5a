/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TCP Fast Open (RFC 7413): cookies, the client's cookie cache, blackhole
 * detection. The server's half (a child made from a SYN with data) is in
 * listen.c, the client's SYN with data in output.c and input.c.
 *
 * The cookie (RFC 7413 §4.1.2) is an 8-byte SipHash-2-4 MAC, under a
 * 128-bit server key, of the client's and the server's addresses (Linux uses
 * AES-128 of the same addresses; any strong keyed MAC serves, §4.1.2: "the
 * server SHOULD use a cryptographically strong... MAC"). Two keys exist for
 * rotation as Linux's tcp_fastopen_key: cookies are made with the primary and
 * accepted under either; one accepted under the backup draws a fresh one.
 */
#include <string.h>

#include "tcp/tcp_int.h"
#include "util/siphash.h"
#include "wire/bytes.h"

/* The primary (i = 0) or backup (i = 1) key; 0 when the backup is unset.
 * Without a configured primary one is derived from the stack secret, as
 * Linux draws a random key at the first use. */
static int tfo_key(const struct tt_stack *s, int i, uint64_t k[2])
{
    const uint64_t *c = s->cfg.tcp.fastopen_key + 2 * i;
    if (c[0] | c[1]) {
        k[0] = c[0];
        k[1] = c[1];
        return 1;
    }
    if (i)
        return 0;
    k[0] = s->cfg.secret[0] ^ 0x74666f2d6b657931ull;
    k[1] = s->cfg.secret[1] + 0x74666f6bull * 0x9e3779b97f4a7c15ull;
    return 1;
}

static void cookie_with(const uint64_t k[2], uint32_t client, uint32_t server,
                        uint8_t out[TT__TFO_COOKIE_LEN])
{
    uint8_t b[9];
    b[0] = 4; /* the family, so that a v4 and a v6 client never share a cookie */
    tt__wr32(b + 1, client);
    tt__wr32(b + 5, server);
    uint64_t h = tt__siphash(k, b, sizeof b);
    for (int i = 0; i < TT__TFO_COOKIE_LEN; i++)
        out[i] = (uint8_t)(h >> (8 * i));
}

void tt__tfo_cookie(const struct tt_stack *s, uint32_t client, uint32_t server,
                    uint8_t out[TT__TFO_COOKIE_LEN])
{
    uint64_t k[2];
    tfo_key(s, 0, k);
    cookie_with(k, client, server, out);
}

int tt__tfo_cookie_check(const struct tt_stack *s, uint32_t client, uint32_t server,
                         const uint8_t *c, unsigned len)
{
    uint8_t want[TT__TFO_COOKIE_LEN];
    uint64_t k[2];
    if (len != TT__TFO_COOKIE_LEN)
        return 0;
    for (int i = 0; i < 2; i++) {
        if (!tfo_key(s, i, k))
            break;
        cookie_with(k, client, server, want);
        unsigned diff = 0; /* in constant time: the cookie is a MAC */
        for (int j = 0; j < TT__TFO_COOKIE_LEN; j++)
            diff |= (unsigned)(want[j] ^ c[j]);
        if (diff == 0)
            return i + 1;
    }
    return 0;
}

int tt_tcp_fastopen_cookie(const struct tt_stack *s, uint32_t client, uint32_t server,
                           uint8_t out[8])
{
    if (!s || !out)
        return TT_EINVAL;
    tt__tfo_cookie(s, client, server, out);
    return TT__TFO_COOKIE_LEN;
}

int tt_tcp_fastopen_key(struct tt_stack *s, const uint8_t primary[16], const uint8_t *backup)
{
    if (!s || !primary)
        return TT_EINVAL;
    uint64_t *k = s->cfg.tcp.fastopen_key;
    memset(k, 0, 4 * sizeof *k);
    for (int i = 0; i < 16; i++) {
        k[i / 8] |= (uint64_t)primary[i] << (56 - 8 * (i % 8));
        if (backup)
            k[2 + i / 8] |= (uint64_t)backup[i] << (56 - 8 * (i % 8));
    }
    if (!(k[0] | k[1]))
        k[1] = 1; /* an all-zero key would mean "derived": keep it as given, nearly */
    return 0;
}

/* ---- the client's cookie cache (RFC 7413 §4.1.3) ---- */

static struct tt__tfo_entry *cache_find(struct tt_stack *s, uint32_t raddr)
{
    struct tt__tcp *m = tt__tcpm(s);
    for (uint32_t i = 0; i < m->tfo_n; i++)
        if (m->tfo_cache[i].raddr == raddr)
            return &m->tfo_cache[i];
    return NULL;
}

/* The entry for raddr, made when absent (the least recently used one goes
 * when the cache is full); NULL without memory or with a zero-sized cache. */
static struct tt__tfo_entry *cache_get(struct tt_stack *s, uint32_t raddr, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint32_t cap = s->cfg.tcp.fastopen_cache;
    struct tt__tfo_entry *e = cache_find(s, raddr);
    if (e || cap == 0)
        goto done;
    if (!m->tfo_cache) {
        m->tfo_cache = tt__calloc(s, cap * sizeof *m->tfo_cache);
        if (!m->tfo_cache)
            return NULL;
        m->tfo_cap = cap;
    }
    if (m->tfo_n < m->tfo_cap) {
        e = &m->tfo_cache[m->tfo_n++];
    } else {
        e = &m->tfo_cache[0];
        for (uint32_t i = 1; i < m->tfo_n; i++)
            if (m->tfo_cache[i].used < e->used)
                e = &m->tfo_cache[i];
    }
    memset(e, 0, sizeof *e);
    e->raddr = raddr;
done:
    if (e)
        e->used = now;
    return e;
}

void tt__tfo_cache_free(struct tt_stack *s)
{
    struct tt__tcp *m = tt__tcpm(s);
    if (m->tfo_cache)
        tt__free(s, m->tfo_cache, m->tfo_cap * sizeof *m->tfo_cache);
    m->tfo_cache = NULL;
    m->tfo_n = m->tfo_cap = 0;
}

/* Linux tcp_fastopen_active_should_disable: after a blackhole was seen,
 * active Fast Open rests blackhole_timeout << (times - 1) (at most 64x). */
static int blackhole_resting(struct tt_stack *s, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(s);
    uint32_t to = s->cfg.tcp.fastopen_blackhole;
    if (to == 0 || m->tfo_bh_times == 0)
        return 0;
    uint32_t sh = m->tfo_bh_times - 1 > 6 ? 6 : m->tfo_bh_times - 1;
    return now < m->tfo_bh_stamp + (TT_SEC((tt_time)to) << sh);
}

/*
 * What the SYN of a connection about to be opened carries: the cached cookie
 * (and whether data may ride along), a cookie request, or nothing. Data
 * rides only with TT_TCP_OPT_FASTOPEN_CONNECT or a sendto-style connect
 * (t->tfo_req), never while the blackhole rest lasts, and not after the SYN
 * with data was lost twice lately (Linux: 2^losses minutes... here 60 s <<
 * losses, tcp_fastopen_cookie_check).
 */
void tt__tfo_connect(struct tt_tcp *t, tt_time now)
{
    struct tt_stack *s = t->s;
    uint32_t bits = s->cfg.tcp.fastopen;
    t->tfo_syn = 0;
    t->fo_len = 0;
    if (!t->tfo_req || !(bits & TT_TFO_CLIENT) || blackhole_resting(s, now))
        return;
    if (bits & TT_TFO_CLIENT_NO_COOKIE || t->tfo_no_cookie) {
        t->tfo_syn = TT__TFO_DATA_NO_COOKIE; /* data, no option (Linux 0x4) */
        return;
    }
    struct tt__tfo_entry *e = cache_find(s, t->raddr);
    if (e && e->syn_loss > 1 &&
        now < e->loss_at + (TT_SEC(60) << (e->syn_loss > 6 ? 6 : e->syn_loss))) {
        t->tfo_syn = TT__TFO_REQUEST; /* the path ate SYNs with data: ask, send no data */
        t->fo_form = e->exp ? TT_TCP_FO_EXP : TT_TCP_FO_IANA;
        return;
    }
    if (e && e->len) {
        t->tfo_syn = TT__TFO_DATA;
        t->fo_form = e->exp ? TT_TCP_FO_EXP : TT_TCP_FO_IANA;
        t->fo_len = e->len;
        memcpy(t->fo_cookie, e->cookie, e->len);
        if (e->mss)
            t->peer_mss = e->mss; /* until the SYN-ACK tells (take_syn_options) */
        return;
    }
    t->tfo_syn = TT__TFO_REQUEST;
    t->fo_form = TT_TCP_FO_IANA;
}

/* The SYN-ACK of a Fast Open connection (Linux tcp_rcv_fastopen_synack):
 * keep its cookie, count what the SYN's data became. `data_acked`: the
 * SYN-ACK covered data sent with the SYN. */
void tt__tfo_synack(struct tt_tcp *t, const struct tt_tcp_hdr *h, int data_acked, tt_time now)
{
    struct tt_stack *s = t->s;
    if (!t->tfo_syn)
        return;
    struct tt__tfo_entry *e = cache_get(s, t->raddr, now);
    if (e) {
        if (h->opt.has_fo && h->opt.fo_len) {
            e->len = h->opt.fo_len;
            memcpy(e->cookie, h->opt.fo_cookie, e->len);
            e->exp = h->opt.has_fo == TT_TCP_FO_EXP;
        }
        if (h->opt.has_mss && h->opt.mss)
            e->mss = h->opt.mss;
        /* A SYN with data retransmitted and answered without a cookie: the
         * path may drop such SYNs (Linux syn_drop). */
        if (t->tfo_sent && t->retries && !(h->opt.has_fo && h->opt.fo_len)) {
            e->syn_loss++;
            e->loss_at = now;
        } else if (data_acked) {
            e->syn_loss = 0;
        }
    }
    if (t->tfo_sent) {
        if (data_acked) {
            t->syn_data_acked = 1;
            s->ctr.tcp_fastopen_active++;
            tt__tcpm(s)->tfo_bh_times = 0; /* it works again (Linux syn_fastopen_ch) */
        } else {
            s->ctr.tcp_fastopen_active_fail++;
        }
    }
}

/* A SYN that carried data or a cookie timed out (Linux
 * tcp_fastopen_active_detect_blackhole, at the second retransmission or
 * when the handshake gives up before): rest active Fast Open. */
void tt__tfo_timeout(struct tt_tcp *t, int expired, tt_time now)
{
    struct tt__tcp *m = tt__tcpm(t->s);
    if (t->tfo_syn != TT__TFO_DATA && t->tfo_syn != TT__TFO_DATA_NO_COOKIE)
        return;
    if (t->retries == 2 || (t->retries < 2 && expired)) {
        m->tfo_bh_times++;
        m->tfo_bh_stamp = now;
        t->s->ctr.tcp_fastopen_blackhole++;
    }
}

/* An ICMP error for a SYN with data: counted as a loss of it, as a timeout. */
void tt__tfo_icmp(struct tt_tcp *t, tt_time now)
{
    if (t->state != TT_SYN_SENT || !t->tfo_sent)
        return;
    struct tt__tfo_entry *e = cache_get(t->s, t->raddr, now);
    if (e) {
        e->syn_loss++;
        e->loss_at = now;
    }
}
