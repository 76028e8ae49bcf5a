/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Load one TCP connection of a capture for `tether ladder` (tools/cmd/ladder.c).
 *
 * A capture has one timestamp per packet and no view inside the hosts, so
 * each side's states are inferred from the packets by the RFC 9293 §3.3.2
 * state diagram (and marked as inferred): a SYN moves its sender to
 * SYN-SENT, the receiver from LISTEN to SYN-RECEIVED; an ACK of a SYN
 * establishes; a FIN moves its sender to FIN-WAIT-1 or LAST-ACK and its
 * receiver to CLOSE-WAIT, CLOSING or TIME-WAIT; an ACK of a FIN completes
 * the close; an RST closes both. A receiver's change is drawn on the row of
 * its answer when the answer is the very next packet (the textbook picture),
 * at the arrival otherwise. Retransmissions are recognised by sequence space
 * sent again; their cause is guessed (three duplicate ACKs: fast, else RTO).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tether/errors.h>

#include "ladder.h"
#include "pcap.h"

struct pkt {
    tt_time ts;
    struct tt_trace_seg h;
};

struct conn {
    struct tt_addr addr[2];
    uint16_t port[2];
    size_t packets;
    tt_time first;
};

/* Inference state per side. */
struct infer {
    enum tt_ladder_state st[2];
    uint32_t snd_max[2]; /* highest sequence number sent + 1 (SYN/FIN count) */
    int have_max[2];
    uint32_t fin_end[2]; /* sequence number after the FIN */
    int fin_sent[2];
    uint32_t last_ack[2]; /* duplicate ACK counting */
    int dupacks[2];
    enum tt_ladder_state pend[2][2]; /* receiver changes waiting for its answer */
    int npend[2];
    tt_time pend_t[2];
};

static int seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}

static int conn_side(const struct conn *c, const struct tt_trace_seg *h)
{
    if (tt_addr_eq(h->saddr, c->addr[0]) && h->sport == c->port[0] &&
        tt_addr_eq(h->daddr, c->addr[1]) && h->dport == c->port[1])
        return 0;
    if (tt_addr_eq(h->saddr, c->addr[1]) && h->sport == c->port[1] &&
        tt_addr_eq(h->daddr, c->addr[0]) && h->dport == c->port[0])
        return 1;
    return -1;
}

static void change(struct tt_ladder *l, struct infer *in, int side, enum tt_ladder_state st,
                   tt_time t, int defer)
{
    if (in->st[side] == st)
        return;
    in->st[side] = st;
    if (defer && in->npend[side] < 2) {
        in->pend[side][in->npend[side]++] = st;
        in->pend_t[side] = t;
        return;
    }
    tt_ladder_set_state(l, side, st, t);
}

static void flush_pending(struct tt_ladder *l, struct infer *in, int side, tt_time t)
{
    for (int k = 0; k < in->npend[side]; k++)
        tt_ladder_set_state(l, side, in->pend[side][k], t);
    in->npend[side] = 0;
}

/* What the receiver `r` of a segment from `f` does with it. */
static void on_receive(struct tt_ladder *l, struct infer *in, int f, const struct tt_trace_seg *h,
                       tt_time t)
{
    int r = !f;
    uint8_t fl = h->flags;
    if (fl & TT_TCP_RST) {
        change(l, in, r, TT_LS_CLOSED, t, 0);
        return;
    }
    if ((fl & TT_TCP_SYN) && !(fl & TT_TCP_ACK)) {
        if (in->st[r] == TT_LS_LISTEN || in->st[r] == TT_LS_SYN_SENT)
            change(l, in, r, TT_LS_SYN_RECEIVED, t, 1);
        return;
    }
    if ((fl & TT_TCP_ACK) && in->have_max[r] && h->ack == in->snd_max[r]) {
        /* Everything the receiver sent is acknowledged. */
        if (in->st[r] == TT_LS_SYN_SENT || in->st[r] == TT_LS_SYN_RECEIVED)
            change(l, in, r, TT_LS_ESTABLISHED, t, 1);
        else if (in->fin_sent[r] && in->st[r] == TT_LS_FIN_WAIT_1)
            change(l, in, r, TT_LS_FIN_WAIT_2, t, 0);
        else if (in->fin_sent[r] && in->st[r] == TT_LS_CLOSING)
            change(l, in, r, TT_LS_TIME_WAIT, t, 0);
        else if (in->fin_sent[r] && in->st[r] == TT_LS_LAST_ACK)
            change(l, in, r, TT_LS_CLOSED, t, 0);
    }
    if (fl & TT_TCP_FIN) {
        if (in->st[r] == TT_LS_ESTABLISHED || in->st[r] == TT_LS_SYN_RECEIVED)
            change(l, in, r, TT_LS_CLOSE_WAIT, t, 1);
        else if (in->st[r] == TT_LS_FIN_WAIT_1)
            change(l, in, r, TT_LS_CLOSING, t, 1);
        else if (in->st[r] == TT_LS_FIN_WAIT_2)
            change(l, in, r, TT_LS_TIME_WAIT, t, 1);
    }
}

static enum tt_rexmit_cause on_send(struct tt_ladder *l, struct infer *in, int f,
                                    const struct tt_trace_seg *h, tt_time t)
{
    uint8_t fl = h->flags;
    uint32_t end = h->seq + h->len + ((fl & TT_TCP_SYN) ? 1 : 0) + ((fl & TT_TCP_FIN) ? 1 : 0);
    enum tt_rexmit_cause cause = TT_REXMIT_NONE;
    if (end != h->seq && in->have_max[f] && !seq_lt(in->snd_max[f], end) && !(fl & TT_TCP_RST))
        cause = (fl & TT_TCP_SYN)      ? TT_REXMIT_SYN
                : in->dupacks[!f] >= 3 ? TT_REXMIT_FAST
                                       : TT_REXMIT_RTO;
    if (!in->have_max[f] || seq_lt(in->snd_max[f], end)) {
        in->snd_max[f] = end;
        in->have_max[f] = 1;
    }
    /* Duplicate ACKs: pure ACKs repeating the same number. */
    if (!h->len && !(fl & (TT_TCP_SYN | TT_TCP_FIN | TT_TCP_RST)) && (fl & TT_TCP_ACK) &&
        h->ack == in->last_ack[f])
        in->dupacks[f]++;
    else
        in->dupacks[f] = 0;
    in->last_ack[f] = h->ack;
    if (fl & TT_TCP_RST)
        change(l, in, f, TT_LS_CLOSED, t, 0);
    else if ((fl & TT_TCP_SYN) && !(fl & TT_TCP_ACK) && in->st[f] == TT_LS_CLOSED)
        change(l, in, f, TT_LS_SYN_SENT, t, 0);
    else if ((fl & TT_TCP_FIN) && !in->fin_sent[f]) {
        in->fin_sent[f] = 1;
        in->fin_end[f] = end;
        if (in->st[f] == TT_LS_ESTABLISHED || in->st[f] == TT_LS_SYN_RECEIVED)
            change(l, in, f, TT_LS_FIN_WAIT_1, t, 0);
        else if (in->st[f] == TT_LS_CLOSE_WAIT)
            change(l, in, f, TT_LS_LAST_ACK, t, 0);
    }
    return cause;
}

static void infer_conn(struct tt_ladder *l, const struct pkt *p, size_t n, const struct conn *c)
{
    struct infer in;
    memset(&in, 0, sizeof(in));
    /* The client sent the first bare SYN; failing that, the higher port. */
    int client = c->port[0] >= c->port[1] ? 0 : 1, handshake = 0;
    for (size_t i = 0; i < n; i++) {
        int s = conn_side(c, &p[i].h);
        if (s >= 0 && (p[i].h.flags & (TT_TCP_SYN | TT_TCP_ACK)) == TT_TCP_SYN) {
            client = s;
            handshake = 1;
            break;
        }
    }
    /* Sides in the ladder: 0 is the client. */
    in.st[0] = handshake ? TT_LS_CLOSED : TT_LS_ESTABLISHED;
    in.st[1] = handshake ? TT_LS_LISTEN : TT_LS_ESTABLISHED;
    tt_ladder_set_initial(l, in.st[0], in.st[1]);
    l->inferred = 1;
    for (size_t i = 0; i < n; i++) {
        int s = conn_side(c, &p[i].h);
        if (s < 0)
            continue;
        int f = s == client ? TT_LADDER_CLIENT : TT_LADDER_SERVER;
        /* A receiver's pending change goes on its answer if that is this
         * packet, else where it happened. */
        for (int side = 0; side < 2; side++)
            if (in.npend[side])
                flush_pending(l, &in, side, side == f ? p[i].ts : in.pend_t[side]);
        enum tt_rexmit_cause cause = on_send(l, &in, f, &p[i].h, p[i].ts);
        long k = tt_ladder_send(l, f, &p[i].h, cause, p[i].ts);
        if (k >= 0)
            tt_ladder_recv(l, (size_t)k, p[i].ts);
        on_receive(l, &in, f, &p[i].h, p[i].ts);
    }
    for (int side = 0; side < 2; side++)
        if (in.npend[side])
            flush_pending(l, &in, side, in.pend_t[side]);
}

static void print_conns(FILE *f, const struct conn *c, size_t nc)
{
    char a[24], b[24];
    for (size_t i = 0; i < nc; i++) {
        tt__ladder_fmt_endpoint(c[i].addr[0], c[i].port[0], a, sizeof a);
        tt__ladder_fmt_endpoint(c[i].addr[1], c[i].port[1], b, sizeof b);
        fprintf(f, "  --conn %zu   %s <-> %s   %zu packets\n", i + 1, a, b, c[i].packets);
    }
}

/* Read every IPv4 TCP packet of the file (other packets are skipped). A
 * file cut short (or corrupt past some point) keeps what came before: *cut
 * is then the byte offset of the record that could not be read, and
 * *records the number read before it. */
static int read_packets(const char *path, struct pkt **out, size_t *n, size_t *cut, size_t *records)
{
    struct tt_pcap_reader *r;
    int rc = tt_pcap_reader_open(path, &r);
    if (rc != 0)
        return rc;
    struct pkt *v = NULL;
    size_t cap = 0, len = 0;
    struct tt_pcap_frame f;
    *cut = 0;
    while ((rc = tt_pcap_read(r, &f)) == 1) {
        struct tt_trace_seg h;
        if (f.ethertype != 0x0800 || !f.l3 || tt_ladder_parse_ip(f.l3, f.l3_len, &h) != 0)
            continue;
        if (len == cap) {
            cap = cap ? cap * 2 : 256;
            struct pkt *nv = realloc(v, cap * sizeof(*nv));
            if (!nv) {
                rc = TT_ENOMEM;
                break;
            }
            v = nv;
        }
        v[len].ts = f.ts;
        v[len++].h = h;
    }
    if (rc == TT_EPROTO) {
        *cut = tt_pcap_reader_offset(r);
        rc = 0;
    }
    *records = tt_pcap_reader_records(r);
    tt_pcap_reader_close(r);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = len;
    return 0;
}

static size_t find_conns(const struct pkt *p, size_t n, struct conn **out)
{
    struct conn *c = NULL;
    size_t nc = 0;
    for (size_t i = 0; i < n; i++) {
        size_t k = 0;
        while (k < nc && conn_side(&c[k], &p[i].h) < 0)
            k++;
        if (k == nc) {
            struct conn *nv = realloc(c, (nc + 1) * sizeof(*nv));
            if (!nv)
                break;
            c = nv;
            memset(&c[nc], 0, sizeof(c[nc]));
            c[nc].addr[0] = p[i].h.saddr;
            c[nc].addr[1] = p[i].h.daddr;
            c[nc].port[0] = p[i].h.sport;
            c[nc].port[1] = p[i].h.dport;
            c[nc].first = p[i].ts;
            nc++;
        }
        c[k].packets++;
    }
    *out = c;
    return nc;
}

int tt_ladder_load_pcap(const char *path, unsigned conn, unsigned port, struct tt_ladder *l,
                        FILE *msgs)
{
    struct pkt *p;
    size_t n, cut, records;
    int rc = read_packets(path, &p, &n, &cut, &records);
    if (rc != 0)
        return rc;
    if (cut) {
        fprintf(msgs,
                "tether ladder: %s is cut short (or damaged) at byte %zu, in record %zu; "
                "drawing the %zu records before it\n",
                path, cut, records + 1, records);
        l->cut_at = cut;
    }
    struct conn *c;
    size_t nc = find_conns(p, n, &c), pick = nc, matches = 0;
    for (size_t i = 0; i < nc; i++) {
        int ok = conn ? i + 1 == conn : !port || c[i].port[0] == port || c[i].port[1] == port;
        if (ok) {
            if (!matches)
                pick = i;
            matches++;
        }
    }
    if (matches != 1) {
        if (!nc)
            fprintf(msgs, "tether ladder: %s holds no IPv4 TCP packet\n", path);
        else if (!matches)
            fprintf(msgs, "tether ladder: no such connection in %s; it holds:\n", path);
        else
            fprintf(msgs, "tether ladder: %s holds %zu connections%s; pick one:\n", path, matches,
                    port ? " on that port" : "");
        print_conns(msgs, c, nc);
        rc = TT_EINVAL;
    } else {
        infer_conn(l, p, n, &c[pick]);
    }
    free(c);
    free(p);
    return rc;
}
