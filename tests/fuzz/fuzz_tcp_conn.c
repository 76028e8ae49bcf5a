/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A stateful fuzzer of the TCP machine as a whole: two stacks (A 192.0.2.1
 * listening on port 80, B 192.0.2.2 connecting to it) on raw-IP interfaces,
 * joined by two frame queues the input controls, on a virtual clock. The
 * input is a sequence of steps, one opcode byte and its arguments each:
 *
 *   deliver, drop, duplicate or swap the head of either queue; advance the
 *   clock (10 ms steps) and run the timers; send, read, shut down, close or
 *   abort on either side; inject a crafted segment into either stack on the
 *   connection's 4-tuple (flags, sequence and acknowledgment relative to
 *   the receiver's RCV.NXT and SND.UNA, window, options, payload).
 *
 * Each side sends a known byte stream (byte k of it is stream_byte(dir, k))
 * and crafted payloads carry the same bytes at their sequence numbers, so a
 * read must return exactly the next bytes of the stream. After every step:
 * the sequence-space invariants of each live control block
 * (SND.UNA =< SND.NXT =< SND.MAX, no more in flight than queued + SYN + FIN,
 * in-order and out-of-order bytes within bounds), each stack's memory within
 * its mem_limit; at the end every allocation must have come back. Any
 * violation aborts (libFuzzer keeps the input).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "tcp/tcp_int.h"
#include "wire/ipv4.h"
#include "wire/tcp.h"

#define QMAX 64
#define MEM_LIMIT (2u << 20)
#define ADDR_A TT_IPV4(192, 0, 2, 1)
#define ADDR_B TT_IPV4(192, 0, 2, 2)
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c))                                                                                  \
            abort();                                                                               \
    } while (0)

struct frame {
    uint16_t len;
    uint8_t b[1600];
};

struct queue {
    struct frame f[QMAX];
    int n;
};

struct side {
    struct tt_stack *s;
    struct tt_tcp *t;    /* the connection (NULL before accept / after close) */
    struct tt_tcp *l;    /* A's listener */
    size_t outstanding;  /* bytes allocated and not freed */
    uint64_t sent, read; /* stream offsets */
    struct queue out;    /* frames this side transmitted, towards the other */
    int dir;
};

static struct side A, B;
static tt_time now;

static uint8_t stream_byte(int dir, uint64_t k)
{
    return (uint8_t)(k * 7 + (k >> 9) + (unsigned)dir * 101);
}

static void *fz_alloc(void *ctx, size_t size)
{
    struct side *sd = ctx;
    void *p = malloc(size);
    if (p)
        sd->outstanding += size;
    return p;
}

static void fz_free(void *ctx, void *p, size_t size)
{
    struct side *sd = ctx;
    sd->outstanding -= size;
    free(p);
}

static int fz_tx(void *ctx, const uint8_t *frame, size_t len, tt_time t)
{
    (void)t;
    struct side *sd = ctx;
    if (sd->out.n >= QMAX || len > sizeof sd->out.f[0].b)
        return 0; /* the wire lost it */
    struct frame *f = &sd->out.f[sd->out.n++];
    f->len = (uint16_t)len;
    memcpy(f->b, frame, len);
    return 0;
}

static void side_init(struct side *sd, uint32_t addr, uint32_t gw, int dir)
{
    memset(sd, 0, sizeof *sd);
    sd->dir = dir;
    struct tt_config c;
    tt_config_default(&c);
    c.allocator.alloc = fz_alloc;
    c.allocator.free = fz_free;
    c.allocator.ctx = sd;
    c.secret[0] = 0x1234 + (uint64_t)dir;
    c.secret[1] = 0x5678;
    c.mem_limit = MEM_LIMIT;
    c.tcp.rmem_default = 65536;
    c.tcp.wmem_default = 65536;
    CHECK(tt_stack_create(&c, &sd->s) == 0);
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link.framing = TT_FRAMING_RAW_IP;
    ic.link.mtu = 1500;
    ic.link.transmit = fz_tx;
    ic.link.ctx = sd;
    ic.addr = TT_ADDR_V4(addr);
    ic.prefix_len = 24;
    (void)gw;
    CHECK(tt_stack_add_iface(sd->s, &ic) == 0);
}

static void deliver(struct side *from, struct side *to, int keep)
{
    if (from->out.n == 0)
        return;
    struct frame f = from->out.f[0];
    if (!keep) {
        memmove(&from->out.f[0], &from->out.f[1], (size_t)(from->out.n - 1) * sizeof f);
        from->out.n--;
    }
    if (keep < 0)
        return; /* dropped */
    tt_stack_input(to->s, 0, f.b, f.len, now);
}

static void swap_head(struct side *sd)
{
    if (sd->out.n < 2)
        return;
    struct frame f = sd->out.f[0];
    sd->out.f[0] = sd->out.f[1];
    sd->out.f[1] = f;
}

static void do_send(struct side *sd, uint32_t n)
{
    if (!sd->t)
        return;
    uint8_t buf[4096];
    if (n > sizeof buf)
        n = sizeof buf;
    for (uint32_t i = 0; i < n; i++)
        buf[i] = stream_byte(sd->dir, sd->sent + i);
    long r = tt_tcp_send(sd->t, buf, n, now);
    if (r > 0) {
        CHECK((uint32_t)r <= n);
        sd->sent += (uint64_t)r;
    }
}

static void do_read(struct side *sd, uint32_t n)
{
    if (!sd->t)
        return;
    uint8_t buf[4096];
    if (n > sizeof buf)
        n = sizeof buf;
    long r = tt_tcp_recv(sd->t, buf, n, now);
    if (r <= 0)
        return;
    CHECK((uint32_t)r <= n);
    /* In order, each byte once: exactly the next bytes of the peer's stream. */
    for (long i = 0; i < r; i++)
        CHECK(buf[i] == stream_byte(!sd->dir, sd->read + (uint64_t)i));
    sd->read += (uint64_t)r;
}

/* A crafted segment into `to` as if from the other side, on the connection's
 * 4-tuple; `p` holds at least 12 bytes of arguments. */
static void inject(struct side *to, const uint8_t *p)
{
    struct tt_tcp *t = to->t;
    if (!t || t->state == TT_CLOSED)
        return;
    struct tt_tcp_hdr h;
    memset(&h, 0, sizeof h);
    h.sport = t->rport;
    h.dport = t->lport;
    h.flags = p[0];
    int16_t dseq = (int16_t)(p[1] << 8 | p[2]), dack = (int16_t)(p[3] << 8 | p[4]);
    h.seq = t->rcv_nxt.v + (uint32_t)(int32_t)dseq * (p[0] & 0x40 ? 64u : 1u);
    h.ack = t->snd_una.v + (uint32_t)(int32_t)dack;
    h.wnd = (uint16_t)(p[5] << 8 | p[6]);
    h.urp = p[7];
    uint8_t o = p[8];
    if (o & 1)
        h.opt.has_mss = 1, h.opt.mss = (uint16_t)(p[9] << 4);
    if (o & 2)
        h.opt.has_ws = 1, h.opt.ws = p[9] & 15;
    if (o & 4)
        h.opt.sack_ok = 1;
    if (o & 8)
        h.opt.has_ts = 1, h.opt.ts_val = t->ts_recent + (uint32_t)(int8_t)p[10],
        h.opt.ts_ecr = (uint32_t)p[9] << 8;
    if (o & 0x30) {
        h.opt.nsack = (uint8_t)((o >> 4) & 3);
        for (uint8_t i = 0; i < h.opt.nsack; i++) {
            h.opt.sack[i].left = t->snd_una.v + (uint32_t)p[9] * 64 * i;
            h.opt.sack[i].right = h.opt.sack[i].left + (uint32_t)p[10] * 16;
        }
    }
    /* Payload only once IRS is known; byte i is the peer's stream byte at
     * offset SEG.SEQ + i - IRS - 1 (bytes before RCV.NXT get trimmed). */
    uint32_t len = t->state >= TT_ESTABLISHED ? p[11] % 200u : 0;
    uint8_t data[200];
    for (uint32_t i = 0; i < len; i++)
        data[i] = stream_byte(!to->dir, (uint32_t)(h.seq + i - t->irs.v - 1));
    uint8_t seg[20 + 60 + 200 + 20];
    int n = tt__tcp_emit(&h, data, len, t->raddr.v4, t->laddr.v4, seg + 20, sizeof seg - 20);
    if (n <= 0)
        return;
    struct tt_ipv4_hdr ip;
    memset(&ip, 0, sizeof ip);
    ip.total_len = (uint16_t)(20 + n);
    ip.ttl = 64;
    ip.proto = TT_IPPROTO_TCP;
    ip.src = t->raddr.v4;
    ip.dst = t->laddr.v4;
    CHECK(tt__ipv4_emit(&ip, seg, 20) == 20);
    tt_stack_input(to->s, 0, seg, (size_t)(20 + n), now);
}

static void check_tcb(const struct side *sd)
{
    const struct tt_tcp *t = sd->t;
    if (!t || t->state < TT_SYN_SENT)
        return;
    CHECK(tt_seq_le(t->snd_una, t->snd_nxt));
    CHECK(tt_seq_le(t->snd_nxt, t->snd_max));
    CHECK(tt_seq_diff(t->snd_max, t->snd_una) <= (int32_t)t->sndq.len + 2);
    CHECK(t->sndq.len <= (size_t)t->sndbuf + 0);
    CHECK(t->rcvq.len + t->ooo_bytes <= (size_t)t->rcvbuf + 65535u);
    CHECK(tt_seq_ge(t->rcv_adv, t->rcv_nxt) || t->state < TT_ESTABLISHED);
    if (t->state < TT_ESTABLISHED)
        return;
    /* What the sender put in sequence space never exceeds what was written
     * (+ SYN + FIN), and RCV.NXT counts exactly the bytes read or queued in
     * order (+ the peer's FIN). */
    CHECK(tt_seq_diff(t->snd_max, t->iss) <= (int64_t)sd->sent + 2);
    CHECK((uint32_t)(t->rcv_nxt.v - t->irs.v - 1) ==
          (uint32_t)(sd->read + t->rcvq.len + (t->fin_rcvd ? 1 : 0)));
}

static void check_all(void)
{
    CHECK(tt_stack_mem_in_use(A.s) <= MEM_LIMIT);
    CHECK(tt_stack_mem_in_use(B.s) <= MEM_LIMIT);
    check_tcb(&A);
    check_tcb(&B);
}

static void accept_pending(void)
{
    if (!A.t && A.l) {
        struct tt_tcp *c;
        if (tt_tcp_accept(A.l, &c, now) == 0)
            A.t = c;
    }
}

static void end_of(struct side *sd, int abort_it)
{
    if (!sd->t)
        return;
    if (abort_it)
        tt_tcp_abort(sd->t, now);
    else
        tt_tcp_close(sd->t, now);
    sd->t = NULL;
}

static void step(const uint8_t *p)
{
    struct side *x = p[1] & 1 ? &B : &A, *y = x == &A ? &B : &A;
    switch (p[0] % 12) {
    case 0:
        deliver(x, y, 0);
        break;
    case 1:
        deliver(x, y, -1);
        break;
    case 2:
        deliver(x, y, 1);
        break;
    case 3:
        swap_head(x);
        break;
    case 4: {
        now += (tt_time)(p[2] + 1) * TT_MSEC(10) * (p[1] & 2 ? 100 : 1);
        tt_stack_poll(A.s, now);
        tt_stack_poll(B.s, now);
        break;
    }
    case 5:
        do_send(x, (uint32_t)p[2] * 23 + 1);
        break;
    case 6:
        do_read(x, (uint32_t)p[2] * 31 + 1);
        break;
    case 7:
        if (x->t && (p[2] & 3) == 0)
            tt_tcp_shutdown(x->t, TT_SHUT_WR, now);
        else if (x->t && (p[2] & 3) == 1)
            end_of(x, 0);
        else if ((p[2] & 15) == 2)
            end_of(x, 1);
        break;
    case 8:
        inject(x, p + 2);
        break;
    default:
        for (int k = 0; k < 8; k++) {
            deliver(&A, &B, 0);
            deliver(&B, &A, 0);
        }
        break;
    }
    accept_pending();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    now = TT_SEC(1);
    side_init(&A, ADDR_A.v4, ADDR_B.v4, 0);
    side_init(&B, ADDR_B.v4, ADDR_A.v4, 1);
    CHECK(tt_tcp_open(A.s, &A.l) == 0);
    CHECK(tt_tcp_bind(A.l, TT_ADDR_ANY, 80) == 0);
    CHECK(tt_tcp_listen(A.l, 4, now) == 0);
    CHECK(tt_tcp_open(B.s, &B.t) == 0);
    CHECK(tt_tcp_connect(B.t, ADDR_A, 80, now) == TT_EINPROGRESS);
    check_all();
    /* Steps of 16 bytes: opcode, side, then arguments. */
    for (size_t off = 0; off + 16 <= size && off < 16 * 4000; off += 16) {
        step(data + off);
        check_all();
    }
    end_of(&A, 0);
    end_of(&B, 0);
    if (A.l)
        tt_tcp_close(A.l, now);
    tt_stack_destroy(A.s);
    tt_stack_destroy(B.s);
    CHECK(A.outstanding == 0 && B.outstanding == 0); /* no leak at teardown */
    return 0;
}
