/* SPDX-License-Identifier: BSD-2-Clause */
/* The Linux port: allocator hooks, clocks and randomness. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "port.h"

static void *port_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size ? size : 1);
}

static void port_free(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    (void)size;
    free(ptr);
}

struct tt_allocator tt_port_allocator(void)
{
    struct tt_allocator a = {.alloc = port_alloc, .free = port_free, .ctx = NULL};
    return a;
}

static int urandom(uint8_t *p, size_t len)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return TT_ENOENT;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            close(fd);
            return TT_ENOENT;
        }
        p += n;
        len -= (size_t)n;
    }
    close(fd);
    return 0;
}

int tt_port_random(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        ssize_t n = getrandom(p, len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) /* ENOSYS on old kernels, or a sandbox: fall back */
            return urandom(p, len);
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int tt_port_config_default(struct tt_config *cfg)
{
    tt_config_default(cfg);
    cfg->allocator = tt_port_allocator();
    int rc = tt_port_random(cfg->secret, sizeof cfg->secret);
    if (rc != 0)
        memset(cfg->secret, 0, sizeof cfg->secret);
    return rc;
}

static tt_time clock_us(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (tt_time)ts.tv_sec * 1000000u + (tt_time)ts.tv_nsec / 1000u;
}

tt_time tt_port_now(void)
{
    return clock_us(CLOCK_MONOTONIC);
}

int64_t tt_port_wall_offset(void)
{
    return (int64_t)clock_us(CLOCK_REALTIME) - (int64_t)clock_us(CLOCK_MONOTONIC);
}

void tt_port_random_mac(uint8_t mac[6])
{
    if (tt_port_random(mac, 6) != 0) {
        tt_time t = tt_port_now() ^ (tt_time)getpid() << 20;
        for (int i = 0; i < 6; i++)
            mac[i] = (uint8_t)(t >> (8 * i));
    }
    mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
}
