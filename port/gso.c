/* SPDX-License-Identifier: BSD-2-Clause */
/* Checksum completion and TCP/IPv4 segmentation of super-frames; see gso.h. */
#include <string.h>

#include "gso.h"
#include "wire/checksum.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    wr16(p, (uint16_t)(v >> 16));
    wr16(p + 2, (uint16_t)v);
}

int tt_port_csum_finish(uint8_t *frame, size_t len, size_t start, size_t off)
{
    if (start > len || off + 2 > len - start)
        return -1;
    /* The field holds the pseudo-header sum: summing over it adds it in. */
    wr16(frame + start + off, tt__cksum_fold(tt__cksum_add(0, frame + start, len - start)));
    return 0;
}

int tt_port_gso_segment(const uint8_t *frame, size_t len, size_t l3, uint16_t mss, uint32_t index,
                        uint8_t *out, size_t cap)
{
    if (mss == 0 || len < l3 + 20 || (frame[l3] >> 4) != 4)
        return -1;
    size_t ihl = (size_t)(frame[l3] & 0xf) * 4, l4 = l3 + ihl;
    if (ihl < 20 || frame[l3 + 9] != 6 || len < l4 + 20)
        return -1;
    size_t doff = (size_t)(frame[l4 + 12] >> 4) * 4, hdrs = l4 + doff;
    if (doff < 20 || len < hdrs)
        return -1;
    /* The datagram ends where its total length says, unless that is 0 or
     * past the frame (a super-frame's length may not fit 16 bits). */
    size_t tot = rd16(frame + l3 + 2);
    if (tot >= ihl + doff && tot <= len - l3)
        len = l3 + tot;
    size_t payload = len - hdrs, at = (size_t)index * mss;
    if (at >= payload && !(index == 0 && payload == 0))
        return 0;
    size_t k = payload - at < mss ? payload - at : mss;
    if (hdrs + k > cap)
        return -1;
    memcpy(out, frame, hdrs);
    memcpy(out + hdrs, frame + hdrs + at, k);
    int last = at + k == payload;
    /* IPv4: this segment's length and ID, its header checksum. */
    uint8_t *ip = out + l3, *tcp = out + l4;
    wr16(ip + 2, (uint16_t)(ihl + doff + k));
    wr16(ip + 4, (uint16_t)(rd16(frame + l3 + 4) + index));
    wr16(ip + 10, 0);
    wr16(ip + 10, tt__cksum(ip, ihl));
    /* TCP: its sequence number and flags, then the checksum over all of it
     * (the kernel may have left only the pseudo-header sum there). */
    wr32(tcp + 4, rd32(frame + l4 + 4) + (uint32_t)at);
    if (!last)
        tcp[13] &= (uint8_t) ~(TCP_FIN | TCP_PSH);
    if (index > 0)
        tcp[13] &= (uint8_t)~TCP_CWR;
    wr16(tcp + 16, 0);
    uint32_t sum = tt__cksum_pseudo(rd32(ip + 12), rd32(ip + 16), 6, (uint16_t)(doff + k));
    wr16(tcp + 16, tt__cksum_fold(tt__cksum_add(sum, tcp, doff + k)));
    return (int)(hdrs + k);
}
