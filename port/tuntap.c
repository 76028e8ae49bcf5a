/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux TAP and TUN devices through /dev/net/tun (IFF_NO_PI: no packet-info
 * prefix). With IFF_VNET_HDR (unless TETHER_NO_OFFLOAD=1 is in the
 * environment) every packet carries a virtio-net header, and the device
 * offers the kernel checksum and TCP segmentation offload on what it sends
 * us (TUNSETOFFLOAD): the kernel may then skip the checksum (NEEDS_CSUM) and
 * hand over TCP super-frames of up to 64 KiB in one read (its TSO, or GRO of
 * what it received), which gso.c completes and cuts back into segments for
 * the stack. What tether sends goes out with an empty header: one frame, its
 * checksums done.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "gso.h"
#include "port.h"
#include "port_int.h"

#define VNET_HLEN sizeof(struct virtio_net_hdr)
#define BIG_FRAME (VNET_HLEN + 14 + 65535) /* a super-frame and its header */

struct tt_port_dev {
    int fd;
    enum tt_port_dev_kind kind;
    char name[32];
    uint64_t tx_errors;
    int vnet; /* IFF_VNET_HDR is on */
    /* A super-frame being handed out segment by segment (vnet only). */
    size_t big_len;
    uint32_t big_next; /* index of the next segment; 0 = none pending */
    uint16_t big_mss;
    uint64_t rx_dropped; /* packets the kernel sent that could not be made frames */
    uint8_t big[BIG_FRAME];
};

static void set_err(char *err, size_t errlen, const char *fmt, const char *a, int e)
{
    if (err && errlen) {
        int n = snprintf(err, errlen, fmt, a);
        if (n >= 0 && (size_t)n < errlen && e)
            snprintf(err + n, errlen - (size_t)n, ": %s", strerror(e));
    }
}

int tt__port_dev_wrap(int fd, enum tt_port_dev_kind kind, const char *name,
                      struct tt_port_dev **out)
{
    struct tt_port_dev *d = calloc(1, sizeof *d);
    if (!d)
        return TT_ENOMEM;
    d->fd = fd;
    d->kind = kind;
    snprintf(d->name, sizeof d->name, "%s", name);
    *out = d;
    return 0;
}

int tt_port_dev_exists(const char *name)
{
    return if_nametoindex(name) != 0;
}

int tt_port_dev_open(enum tt_port_dev_kind kind, const char *name, unsigned flags,
                     struct tt_port_dev **out, char *err, size_t errlen)
{
    if (!name || !*name || strlen(name) >= IFNAMSIZ || strchr(name, '/') ||
        (kind != TT_PORT_TAP && kind != TT_PORT_TUN)) {
        set_err(err, errlen, "bad device name '%s' (1 to 15 characters, no '/')", name ? name : "",
                0);
        return TT_EINVAL;
    }
    if (!(flags & TT_PORT_DEV_CREATE) && !tt_port_dev_exists(name)) {
        set_err(err, errlen, "no device %s", name, 0);
        return TT_ENOENT;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        set_err(err, errlen, "open %s", "/dev/net/tun", errno);
        return TT_ENOENT;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    const char *no = getenv("TETHER_NO_OFFLOAD");
    int vnet = !(no && no[0] == '1');
    ifr.ifr_flags =
        (short)((kind == TT_PORT_TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0));
    memcpy(ifr.ifr_name, name, strlen(name));
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        int e = errno;
        close(fd);
        set_err(err, errlen,
                e == EINVAL ? "TUNSETIFF %s (a device of the other kind, tun or tap?)"
                            : "TUNSETIFF %s",
                name, e);
        return TT_ENOENT;
    }
    struct tt_port_dev *d = calloc(1, sizeof *d);
    if (!d) {
        close(fd);
        set_err(err, errlen, "out of memory opening %s", name, 0);
        return TT_ENOMEM;
    }
    /* What we take from the kernel: partial checksums, TCP/IPv4 super-frames.
     * A kernel that refuses keeps the plain frames, with the header. */
    int hlen = (int)VNET_HLEN;
    if (vnet && (ioctl(fd, TUNSETVNETHDRSZ, &hlen) < 0 ||
                 ioctl(fd, TUNSETOFFLOAD, (unsigned long)(TUN_F_CSUM | TUN_F_TSO4)) < 0))
        (void)ioctl(fd, TUNSETOFFLOAD, 0ul);
    d->fd = fd;
    d->kind = kind;
    d->vnet = vnet;
    memcpy(d->name, ifr.ifr_name, IFNAMSIZ - 1); /* d->name is larger: NUL stays */
    *out = d;
    return 0;
}

static int dev_transmit(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct tt_port_dev *d = ctx;
    (void)now;
    /* An empty virtio-net header: no offload asked, one ready frame. */
    static const struct virtio_net_hdr none = {.gso_type = VIRTIO_NET_HDR_GSO_NONE};
    struct iovec iov[2] = {{(void *)&none, VNET_HLEN}, {(void *)frame, len}};
    for (;;) {
        ssize_t n = d->vnet ? writev(d->fd, iov, 2) - (ssize_t)VNET_HLEN : write(d->fd, frame, len);
        if (n == (ssize_t)len)
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        d->tx_errors++;
        return TT_ENOBUFS;
    }
}

struct tt_link tt_port_dev_link(struct tt_port_dev *dev, uint32_t mtu)
{
    struct tt_link l = {
        .framing = dev->kind == TT_PORT_TUN ? TT_FRAMING_RAW_IP : TT_FRAMING_ETHERNET,
        .mtu = mtu ? mtu : 1500,
        .transmit = dev_transmit,
        .ctx = dev,
    };
    return l;
}

enum tt_port_dev_kind tt_port_dev_kind(const struct tt_port_dev *dev)
{
    return dev->kind;
}

const char *tt_port_dev_name(const struct tt_port_dev *dev)
{
    return dev->name;
}

int tt_port_dev_fd(const struct tt_port_dev *dev)
{
    return dev->fd;
}

static int read_plain(int fd, void *buf, size_t cap)
{
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n >= 0)
            return (int)n;
        if (errno == EINTR)
            continue;
        /* ECONNREFUSED: a UDP link's peer is not up yet (an ICMP port
         * unreachable came back for what we sent); frames may come later. */
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED)
            return 0;
        return TT_ENOENT;
    }
}

/* The next segment of the pending super-frame into buf, or 0 when done. */
static int next_segment(struct tt_port_dev *d, void *buf, size_t cap)
{
    size_t l3 = d->kind == TT_PORT_TAP ? 14 : 0;
    int n =
        tt_port_gso_segment(d->big + VNET_HLEN, d->big_len, l3, d->big_mss, d->big_next, buf, cap);
    if (n <= 0) {
        if (n < 0)
            d->rx_dropped++;
        d->big_next = 0;
        return 0;
    }
    d->big_next++;
    return n;
}

/*
 * One packet from the kernel made into frames: an ordinary one is copied
 * out (its checksum completed when the kernel left it to us); a TCP/IPv4
 * super-frame is kept and handed out one segment per call. Anything else
 * with a GSO type (UDP, IPv6: offloads we never offered) is dropped.
 */
static int read_vnet(struct tt_port_dev *d, void *buf, size_t cap)
{
    for (;;) {
        if (d->big_next) {
            int n = next_segment(d, buf, cap);
            if (n > 0)
                return n;
        }
        int n = read_plain(d->fd, d->big, sizeof d->big);
        if (n <= 0)
            return n;
        if ((size_t)n < VNET_HLEN) {
            d->rx_dropped++;
            continue;
        }
        struct virtio_net_hdr h;
        memcpy(&h, d->big, VNET_HLEN);
        uint8_t *f = d->big + VNET_HLEN;
        size_t len = (size_t)n - VNET_HLEN;
        uint8_t gso = h.gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
        if (gso == VIRTIO_NET_HDR_GSO_TCPV4) {
            /* Every segment's checksum is computed anew: no need to finish. */
            d->big_len = len;
            d->big_mss = h.gso_size;
            d->big_next = 0;
            n = next_segment(d, buf, cap); /* index 0 */
            if (n > 0) {
                d->big_next = 1;
                return n;
            }
            continue;
        }
        if (gso != VIRTIO_NET_HDR_GSO_NONE || len > cap ||
            ((h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
             tt_port_csum_finish(f, len, h.csum_start, h.csum_offset) != 0)) {
            d->rx_dropped++;
            continue;
        }
        memcpy(buf, f, len);
        return (int)len;
    }
}

int tt_port_dev_read(struct tt_port_dev *dev, void *buf, size_t cap)
{
    return dev->vnet ? read_vnet(dev, buf, cap) : read_plain(dev->fd, buf, cap);
}

void tt_port_dev_close(struct tt_port_dev *dev)
{
    if (!dev)
        return;
    close(dev->fd);
    free(dev);
}
