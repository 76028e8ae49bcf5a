/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux TAP and TUN devices through /dev/net/tun (IFF_NO_PI: no packet-info prefix). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "port.h"
#include "port_int.h"

struct tt_port_dev {
    int fd;
    enum tt_port_dev_kind kind;
    char name[32];
    uint64_t tx_errors;
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
    ifr.ifr_flags = (short)((kind == TT_PORT_TAP ? IFF_TAP : IFF_TUN) | IFF_NO_PI);
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
    d->fd = fd;
    d->kind = kind;
    memcpy(d->name, ifr.ifr_name, IFNAMSIZ - 1); /* d->name is larger: NUL stays */
    *out = d;
    return 0;
}

static int dev_transmit(void *ctx, const uint8_t *frame, size_t len, tt_time now)
{
    struct tt_port_dev *d = ctx;
    (void)now;
    for (;;) {
        ssize_t n = write(d->fd, frame, len);
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

int tt_port_dev_read(struct tt_port_dev *dev, void *buf, size_t cap)
{
    for (;;) {
        ssize_t n = read(dev->fd, buf, cap);
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

void tt_port_dev_close(struct tt_port_dev *dev)
{
    if (!dev)
        return;
    close(dev->fd);
    free(dev);
}
