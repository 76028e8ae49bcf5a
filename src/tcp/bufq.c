/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Chunked byte queues: send data from SND.UNA on, received data not yet read.
 * Chunks are drawn on demand and given back as soon as they are consumed
 * (acknowledged or read), so an idle connection holds none; a bounded
 * per-stack cache between the queues and the allocator saves the allocator
 * call per chunk while data flows.
 */
#include <string.h>

#include "tcp/tcp_int.h"

/* A chunk for a queue: a kept one when there is one, else a new one. */
static struct tt__chunk *chunk_get(struct tt_stack *s)
{
    struct tt__tcp *m = tt__tcpm(s);
    struct tt__chunk *c = m->chunk_free;
    if (c) {
        m->chunk_free = c->next;
        m->chunk_nfree--;
    } else if (!(c = tt__alloc(s, sizeof *c))) {
        return NULL;
    }
    m->chunks_used++;
    return c;
}

/*
 * An emptied chunk goes back to the stack's cache instead of the allocator
 * (a bulk transfer frees and draws one chunk per 2 KiB). The cache is bounded
 * twice: at most cfg.tcp.chunk_cache chunks, and never more than the queues
 * hold, so it shrinks as they drain and is empty when every queue is: an idle
 * connection, and an idle stack, hold no buffer memory (DESIGN.md).
 */
static void chunk_put(struct tt_stack *s, struct tt__chunk *c)
{
    struct tt__tcp *m = tt__tcpm(s);
    m->chunks_used--;
    if (m->chunk_nfree < s->cfg.tcp.chunk_cache && m->chunk_nfree < m->chunks_used) {
        c->next = m->chunk_free;
        m->chunk_free = c;
        m->chunk_nfree++;
        return;
    }
    tt__free(s, c, sizeof *c);
    while (m->chunk_nfree > m->chunks_used) {
        struct tt__chunk *x = m->chunk_free;
        m->chunk_free = x->next;
        m->chunk_nfree--;
        tt__free(s, x, sizeof *x);
    }
}

void tt__bufq_cache_free(struct tt_stack *s)
{
    struct tt__tcp *m = tt__tcpm(s);
    while (m->chunk_free) {
        struct tt__chunk *x = m->chunk_free;
        m->chunk_free = x->next;
        tt__free(s, x, sizeof *x);
    }
    m->chunk_nfree = 0;
}

size_t tt__bufq_append(struct tt_stack *s, struct tt__bufq *q, const void *src, size_t n)
{
    const uint8_t *p = src;
    size_t done = 0;
    while (done < n) {
        if (!q->tail || q->tail_len == TT__CHUNK_DATA) {
            /* The stack-wide limit on buffer memory (cfg.tcp.mem_max). */
            size_t lim = s->cfg.tcp.mem_max;
            if (lim && tt__tcpm(s)->st.buf_bytes + sizeof(struct tt__chunk) > lim)
                break;
            struct tt__chunk *c = chunk_get(s);
            if (!c)
                break;
            c->next = NULL;
            if (q->tail)
                q->tail->next = c;
            else
                q->head = c, q->head_off = 0;
            q->tail = c;
            q->tail_len = 0;
            tt__tcpm(s)->st.buf_bytes += sizeof *c;
        }
        size_t room = TT__CHUNK_DATA - q->tail_len, k = n - done < room ? n - done : room;
        memcpy(q->tail->data + q->tail_len, p + done, k);
        q->tail_len = (uint16_t)(q->tail_len + k);
        q->len += k;
        done += k;
    }
    return done;
}

/*
 * The chunk holding queue position pos (counted from head's first byte, so
 * head_off included) and, in *base, the position of its first byte. Starts
 * from the cursor when it lies at or before pos, else from the head: reading
 * on, or skipping ahead, never walks a chunk twice; going back (a
 * retransmission from SND.UNA) walks from the head, as before.
 */
static struct tt__chunk *bufq_seek(const struct tt__bufq *q, size_t pos, size_t *base)
{
    struct tt__chunk *c = q->head;
    size_t b = 0;
    if (q->cur && q->cur_pos <= pos)
        c = q->cur, b = q->cur_pos;
    while (c && pos - b >= TT__CHUNK_DATA) {
        b += TT__CHUNK_DATA;
        c = c->next;
    }
    *base = b;
    return c;
}

void tt__bufq_copy(struct tt__bufq *q, size_t off, void *dst, size_t n)
{
    uint8_t *d = dst;
    size_t pos = off + q->head_off, base;
    struct tt__chunk *c = bufq_seek(q, pos, &base);
    size_t coff = pos - base;
    while (c && n) {
        size_t k = TT__CHUNK_DATA - coff;
        if (k > n)
            k = n;
        memcpy(d, c->data + coff, k);
        d += k;
        n -= k;
        coff += k;
        if (coff == TT__CHUNK_DATA) {
            if (!c->next)
                break; /* off + n beyond len: copy what there is */
            c = c->next;
            base += TT__CHUNK_DATA;
            coff = 0;
        }
    }
    /* Remember where this read ended: the next segment starts there. Queue
     * positions stay below 4 GiB (the buffers are int-sized); past that the
     * cursor is simply not kept. */
    if (c && base <= UINT32_MAX)
        q->cur = c, q->cur_pos = (uint32_t)base;
}

void tt__bufq_drop(struct tt_stack *s, struct tt__bufq *q, size_t n)
{
    if (n > q->len)
        n = q->len;
    q->len -= n;
    while (n && q->head) {
        size_t inhead = (q->head == q->tail ? q->tail_len : TT__CHUNK_DATA) - q->head_off;
        if (n < inhead) {
            q->head_off = (uint16_t)(q->head_off + n);
            break;
        }
        n -= inhead;
        struct tt__chunk *c = q->head;
        q->head = c->next;
        q->head_off = 0;
        /* Positions count from the head chunk, which is going. */
        if (q->cur == c)
            q->cur = NULL;
        else if (q->cur)
            q->cur_pos -= (uint32_t)TT__CHUNK_DATA;
        if (!q->head)
            q->tail = NULL, q->tail_len = 0;
        chunk_put(s, c);
        tt__tcpm(s)->st.buf_bytes -= sizeof *c;
    }
    if (q->len == 0 && q->head) {
        /* Everything consumed but the last chunk still allocated: free it, so
         * an idle queue holds no memory. */
        chunk_put(s, q->head);
        tt__tcpm(s)->st.buf_bytes -= sizeof *q->head;
        q->head = q->tail = q->cur = NULL;
        q->head_off = q->tail_len = 0;
    }
}

void tt__bufq_clear(struct tt_stack *s, struct tt__bufq *q)
{
    tt__bufq_drop(s, q, q->len);
}
