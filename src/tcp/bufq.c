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
        q->tail_len += k;
        q->len += k;
        done += k;
    }
    return done;
}

void tt__bufq_copy(const struct tt__bufq *q, size_t off, void *dst, size_t n)
{
    uint8_t *d = dst;
    const struct tt__chunk *c = q->head;
    off += q->head_off;
    while (c && off >= TT__CHUNK_DATA) {
        off -= TT__CHUNK_DATA;
        c = c->next;
    }
    while (c && n) {
        size_t k = TT__CHUNK_DATA - off;
        if (k > n)
            k = n;
        memcpy(d, c->data + off, k);
        d += k;
        n -= k;
        off = 0;
        c = c->next;
    }
}

void tt__bufq_drop(struct tt_stack *s, struct tt__bufq *q, size_t n)
{
    if (n > q->len)
        n = q->len;
    q->len -= n;
    while (n && q->head) {
        size_t inhead = (q->head == q->tail ? q->tail_len : TT__CHUNK_DATA) - q->head_off;
        if (n < inhead) {
            q->head_off += n;
            break;
        }
        n -= inhead;
        struct tt__chunk *c = q->head;
        q->head = c->next;
        q->head_off = 0;
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
        q->head = q->tail = NULL;
        q->head_off = q->tail_len = 0;
    }
}

void tt__bufq_clear(struct tt_stack *s, struct tt__bufq *q)
{
    tt__bufq_drop(s, q, q->len);
}
