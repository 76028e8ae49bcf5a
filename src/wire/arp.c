/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ARP packets (RFC 826) for Ethernet and IPv4: parse and emit.
 *
 * Layout (RFC 826, "Packet format"): ar$hrd(2) ar$pro(2) ar$hln(1) ar$pln(1)
 * ar$op(2), then sender hardware and protocol addresses, then target hardware
 * and protocol addresses, each as long as hln/pln say.
 */
#include <string.h>

#include <tether/errors.h>

#include "wire/arp.h"
#include "wire/bytes.h"

#define TT_ARP_FIXED 8
#define TT_ARP_PTYPE_IPV4 0x0800

int tt__arp_parse(const uint8_t *buf, size_t len, struct tt_arp_pkt *p)
{
    size_t need;

    if (buf == NULL || len < TT_ARP_FIXED)
        return TT_EINVAL;
    memset(p, 0, sizeof *p);
    p->htype = tt__rd16(buf);
    p->ptype = tt__rd16(buf + 2);
    p->hlen = buf[4];
    p->plen = buf[5];
    p->op = tt__rd16(buf + 6);
    /* The announced addresses must be present before we judge the types, so
     * that a truncated packet is always reported as such. */
    need = TT_ARP_FIXED + 2 * (size_t)p->hlen + 2 * (size_t)p->plen;
    if (len < need)
        return TT_EINVAL;
    /* RFC 826 "Packet Reception": a receiver that does not speak ar$hrd or
     * ar$pro discards the packet. We speak Ethernet (hln 6) and IPv4 (pln 4). */
    if (p->htype != TT_ARP_HTYPE_ETHER || p->hlen != 6 || p->ptype != TT_ARP_PTYPE_IPV4 ||
        p->plen != 4)
        return TT_EOPNOTSUPP;
    memcpy(p->sha, buf + 8, 6);
    p->spa = tt__rd32(buf + 14);
    memcpy(p->tha, buf + 18, 6);
    p->tpa = tt__rd32(buf + 24);
    return TT_ARP_LEN;
}

int tt__arp_emit(const struct tt_arp_pkt *p, uint8_t *buf, size_t cap)
{
    if (buf == NULL || cap < TT_ARP_LEN)
        return TT_EINVAL;
    tt__wr16(buf, TT_ARP_HTYPE_ETHER);
    tt__wr16(buf + 2, TT_ARP_PTYPE_IPV4);
    buf[4] = 6;
    buf[5] = 4;
    tt__wr16(buf + 6, p->op);
    memcpy(buf + 8, p->sha, 6);
    tt__wr32(buf + 14, p->spa);
    memcpy(buf + 18, p->tha, 6);
    tt__wr32(buf + 24, p->tpa);
    return TT_ARP_LEN;
}
