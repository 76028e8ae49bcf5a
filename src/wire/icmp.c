/* SPDX-License-Identifier: BSD-2-Clause */
/* ICMPv4 messages (RFC 792): parse and emit. */
#include <limits.h>
#include <string.h>

#include <tether/errors.h>

#include "wire/bytes.h"
#include "wire/checksum.h"
#include "wire/icmp.h"

int tt__icmp_parse(const uint8_t *buf, size_t len, struct tt_icmp_hdr *h, enum tt_drop_reason *why)
{
    enum tt_drop_reason dummy;

    if (why == NULL)
        why = &dummy;
    /* Every ICMP message starts with type, code, checksum and four more
     * bytes (RFC 792: echo id/seq, "unused", gateway, pointer or MTU). */
    if (buf == NULL || len < TT_ICMP_HDR_LEN) {
        *why = TT_DROP_ICMP_TRUNCATED;
        return TT_EINVAL;
    }
    /* RFC 792: the checksum covers the whole ICMP message, starting with the
     * type; RFC 1122 §3.2.2 says to discard a message whose checksum fails. */
    if (tt__cksum(buf, len) != 0) {
        *why = TT_DROP_ICMP_BAD_CHECKSUM;
        return TT_EINVAL;
    }
    h->type = buf[0];
    h->code = buf[1];
    h->cksum = tt__rd16(buf + 2);
    h->rest = tt__rd32(buf + 4);
    h->payload = buf + TT_ICMP_HDR_LEN;
    h->payload_len = len - TT_ICMP_HDR_LEN;
    return TT_ICMP_HDR_LEN;
}

int tt__icmp_emit(const struct tt_icmp_hdr *h, uint8_t *buf, size_t cap)
{
    size_t total;

    if (buf == NULL || h->payload_len > (size_t)INT_MAX - TT_ICMP_HDR_LEN)
        return TT_EINVAL;
    if (h->payload_len > 0 && h->payload == NULL)
        return TT_EINVAL;
    total = TT_ICMP_HDR_LEN + h->payload_len;
    if (cap < total)
        return TT_EINVAL;
    /* The payload may already sit in buf (an echo reply built in place):
     * memmove copes with any overlap, and skips nothing when it is there. */
    if (h->payload_len > 0 && h->payload != buf + TT_ICMP_HDR_LEN)
        memmove(buf + TT_ICMP_HDR_LEN, h->payload, h->payload_len);
    buf[0] = h->type;
    buf[1] = h->code;
    tt__wr16(buf + 2, 0);
    tt__wr32(buf + 4, h->rest);
    tt__wr16(buf + 2, tt__cksum(buf, total));
    return (int)total;
}
