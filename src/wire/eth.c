/* SPDX-License-Identifier: BSD-2-Clause */
/* Ethernet II header (IEEE 802.3 framing as RFC 894 uses it): parse and emit. */
#include <string.h>

#include <tether/errors.h>

#include "wire/bytes.h"
#include "wire/eth.h"

#define TT_ETH_HLEN 14

int tt__eth_parse(const uint8_t *buf, size_t len, struct tt_eth_hdr *h)
{
    if (buf == NULL || len < TT_ETH_HLEN)
        return TT_EINVAL;
    memcpy(h->dst, buf, 6);
    memcpy(h->src, buf + 6, 6);
    h->type = tt__rd16(buf + 12);
    return TT_ETH_HLEN;
}

int tt__eth_emit(const struct tt_eth_hdr *h, uint8_t *buf, size_t cap)
{
    if (buf == NULL || cap < TT_ETH_HLEN)
        return TT_EINVAL;
    memcpy(buf, h->dst, 6);
    memcpy(buf + 6, h->src, 6);
    tt__wr16(buf + 12, h->type);
    return TT_ETH_HLEN;
}
