/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Chunked byte queues: send data from SND.UNA on, received data not yet read.
 * Chunks are drawn from the stack allocator on demand and returned as soon as
 * they are consumed (acknowledged or read), so an idle connection holds none.
 */
#include <string.h>

#include "tcp/tcp_int.h"

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
            struct tt__chunk *c = tt__alloc(s, sizeof *c);
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
        tt__free(s, c, sizeof *c);
        tt__tcpm(s)->st.buf_bytes -= sizeof *c;
    }
    if (q->len == 0 && q->head) {
        /* Everything consumed but the last chunk still allocated: free it, so
         * an idle queue holds no memory. */
        tt__free(s, q->head, sizeof *q->head);
        tt__tcpm(s)->st.buf_bytes -= sizeof *q->head;
        q->head = q->tail = q->cur = NULL;
        q->head_off = q->tail_len = 0;
    }
}

void tt__bufq_clear(struct tt_stack *s, struct tt__bufq *q)
{
    tt__bufq_drop(s, q, q->len);
}
