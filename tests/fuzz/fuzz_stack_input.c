/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fuzz the stack's input path: one stack with an Ethernet interface (MAC
 * 02:00:00:00:00:02, 192.0.2.2/25) and a raw-IP interface (192.0.2.130/25),
 * small ARP and reassembly limits, fed the input as a sequence of records:
 *
 *   byte 0: bit 0 interface (0 Ethernet, 1 raw IP); bit 1 "send a ping"
 *           instead of a frame; bit 2 fix up the IPv4 header and ICMP
 *           checksums so that the fuzzer gets past them; bits 3..7 the
 *           virtual time to advance first, in 100 ms steps
 *   bytes 1-2: length (big-endian), then that many bytes (cut at the end)
 *
 * tt_stack_poll runs after every record, so ARP retransmission and give-up
 * and reassembly timeouts happen. At the end the stack is destroyed and every
 * byte it allocated must have come back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tether/tether.h>

#include "wire/checksum.h"
#include "wire/icmp6.h"

struct counting {
    size_t outstanding;
};

static void *fz_alloc(void *ctx, size_t size)
{
    struct counting *c = ctx;
    void *p = malloc(size);
    if (p)
        c->outstanding += size;
    return p;
}

static void fz_free(void *ctx, void *p, size_t size)
{
    struct counting *c = ctx;
    c->outstanding -= size;
    free(p);
}

static int fz_tx(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    (void)now;
    unsigned *n = ctx;
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++) /* every byte handed out must be readable */
        sink ^= frame[i];
    (void)sink;
    return ++*n % 13 == 0 ? TT_ENOBUFS : 0; /* sometimes the link refuses */
}

static void fz_trace(void *ctx, const struct tt_trace_event *ev)
{
    (void)ctx;
    volatile uint8_t sink = 0;
    for (size_t i = 0; ev->frame && i < ev->frame_len; i++)
        sink ^= ev->frame[i];
    (void)sink;
    if (tt_drop_reason_name(ev->drop) == NULL)
        abort();
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

/* Make the IPv4 header checksum (and an unfragmented ICMP message's) right. */
static void fix_checksums(uint8_t *ip, size_t len)
{
    /* IPv6 with ICMPv6 right after the fixed header: its pseudo-header sum,
     * so that echo and NDP are explored past the checksum. */
    if (len >= 48 && (ip[0] >> 4) == 6 && ip[6] == 58) {
        size_t pl = ((size_t)ip[4] << 8) | ip[5];
        if (pl >= 8 && pl <= len - 40)
            tt__icmp6_set_cksum(ip + 40, pl, ip + 8, ip + 24);
        return;
    }
    if (len < 20 || (ip[0] >> 4) != 4)
        return;
    size_t hl = (size_t)(ip[0] & 15) * 4;
    size_t total = ((size_t)ip[2] << 8) | ip[3];
    if (hl < 20 || hl > len)
        return;
    put16(ip + 10, 0);
    put16(ip + 10, tt__cksum(ip, hl));
    int frag = (ip[6] & 0x3f) || ip[7];
    if (ip[9] == 1 && !frag && total <= len && total >= hl + 4) {
        put16(ip + hl + 2, 0);
        put16(ip + hl + 2, tt__cksum(ip + hl, total - hl));
    }
}

static struct tt_stack *make_stack(struct counting *c, unsigned *txn)
{
    struct tt_config cfg;
    tt_config_default(&cfg);
    cfg.allocator.alloc = fz_alloc;
    cfg.allocator.free = fz_free;
    cfg.allocator.ctx = c;
    cfg.secret[0] = 42;
    cfg.arp_cache_size = 4;
    cfg.arp_queue_len = 2;
    cfg.ipfrag_max_datagrams = 4;
    cfg.ipfrag_max_bytes = 16384;
    cfg.ipfrag_timeout = TT_SEC(2);
    cfg.icmp_burst = 5;
    cfg.ndp_cache_size = 4;
    cfg.ndp_queue_len = 2;
    cfg.dad_transmits = 0; /* the link-local address usable at once */
    cfg.mem_limit = 1u << 20;
    struct tt_stack *s;
    if (tt_stack_create(&cfg, &s) != 0)
        abort();
    struct tt_iface_config ic;
    memset(&ic, 0, sizeof ic);
    ic.link.framing = TT_FRAMING_ETHERNET;
    ic.link.transmit = fz_tx;
    ic.link.ctx = txn;
    const uint8_t mac[6] = {2, 0, 0, 0, 0, 2};
    memcpy(ic.mac, mac, 6);
    ic.addr = TT_IPV4(192, 0, 2, 2);
    ic.prefix_len = 25;
    ic.gateway = TT_IPV4(192, 0, 2, 1);
    ic.ipv6 = 1; /* fe80::ff:fe00:2, NDP, RAs, reassembly */
    if (tt_stack_add_iface(s, &ic) != 0)
        abort();
    ic.ipv6 = 0;
    ic.link.framing = TT_FRAMING_RAW_IP;
    ic.link.mtu = 576;
    ic.addr = TT_IPV4(192, 0, 2, 130);
    ic.gateway = 0;
    if (tt_stack_add_iface(s, &ic) != 1)
        abort();
    tt_stack_set_trace(s, fz_trace, NULL);
    tt_stack_iface_up(s, 0, TT_SEC(1000));
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[TT_FRAME_MAX];
    struct counting c = {0};
    unsigned txn = 0;
    struct tt_stack *s = make_stack(&c, &txn);
    tt_time now = TT_SEC(1000);
    size_t i = 0;
    while (i + 3 <= size) {
        uint8_t b = data[i];
        size_t len = ((size_t)data[i + 1] << 8) | data[i + 2];
        i += 3;
        if (len > size - i)
            len = size - i;
        if (len > sizeof frame)
            len = sizeof frame;
        memcpy(frame, data + i, len);
        i += len;
        now += (tt_time)(b >> 3) * TT_MSEC(100);
        int iface = b & 1;
        if (b & 2) {
            /* A ping to 192.0.2.x (x from the first byte), record as data. */
            uint32_t dst = TT_IPV4(192, 0, 2, len ? frame[0] : 1);
            tt_stack_ping(s, dst, 1, (uint16_t)i, frame, len, now);
        } else {
            if (b & 4)
                fix_checksums(iface ? frame : frame + 14, iface ? len : (len > 14 ? len - 14 : 0));
            tt_stack_input(s, iface, frame, len, now);
        }
        tt_time next = tt_stack_poll(s, now);
        if (next != TT_TIME_NEVER && next < now)
            abort(); /* a deadline in the past would spin the host */
    }
    /* Let every timer run out, then tear down. */
    tt_stack_poll(s, now + TT_SEC(120));
    tt_stack_poll(s, now + TT_SEC(240));
    if (tt_stack_mem_in_use(s) != c.outstanding)
        abort();
    tt_stack_destroy(s);
    if (c.outstanding != 0)
        abort();
    return 0;
}
