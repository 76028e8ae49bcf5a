/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Linux port: real clock, random secret, TAP and TUN devices, and the
 * hosted run loop. Everything OS-specific in tether lives behind this header.
 *
 * A typical host:
 *
 *     struct tt_config cfg;
 *     tt_port_config_default(&cfg);
 *     tt_stack_create(&cfg, &stack);
 *     tt_port_dev_open(TT_PORT_TAP, "tt0", 0, &dev, err, sizeof err);
 *     ic.link = tt_port_dev_link(dev);   ... tt_stack_add_iface(stack, &ic) ...
 *     tt_port_run(stack, &dev, &iface, 1, NULL);   // until SIGINT/SIGTERM
 *
 * Functions that can fail for an OS reason fill `err` (when non-NULL) with a
 * one-line message naming the call and errno's text, and return a negative
 * TT_E* code.
 */
#ifndef TETHER_PORT_PORT_H
#define TETHER_PORT_PORT_H

#include <stddef.h>
#include <stdint.h>

#include <tether/stack.h>

/* ---- config, clock, randomness ---- */

/*
 * tt_config_default() plus malloc/free allocator hooks and a secret from
 * getrandom() (falling back to /dev/urandom). 0, or TT_ENOENT when no random
 * source works (the config is then filled but the secret is zero).
 */
int tt_port_config_default(struct tt_config *cfg);

/* The allocator hooks of tt_port_config_default (malloc/free; ctx unused). */
struct tt_allocator tt_port_allocator(void);

/* CLOCK_MONOTONIC in microseconds. */
tt_time tt_port_now(void);

/* CLOCK_REALTIME minus CLOCK_MONOTONIC in µs: add it to a tt_port_now() value to
 * get wall-clock µs since 1970 (pcap timestamps). */
int64_t tt_port_wall_offset(void);

/* Fill `buf` with `len` random bytes (getrandom, else /dev/urandom). 0 or TT_ENOENT. */
int tt_port_random(void *buf, size_t len);

/* A random locally administered unicast MAC (02:xx:xx:xx:xx:xx style). */
void tt_port_random_mac(uint8_t mac[6]);

/* ---- TAP and TUN devices ---- */

enum tt_port_dev_kind {
    TT_PORT_TAP = 0, /* Ethernet frames: IFF_TAP | IFF_NO_PI */
    TT_PORT_TUN = 1, /* raw IP datagrams: IFF_TUN | IFF_NO_PI */
    TT_PORT_UDP = 2, /* Ethernet frames in UDP datagrams (tt_port_udp_open) */
};

struct tt_port_dev;

/*
 * Open /dev/net/tun and attach to the existing device `name` (at most 15
 * characters), non-blocking and close-on-exec; with TT_PORT_DEV_CREATE in
 * flags, create it when it does not exist. The device's MTU and addresses
 * on the kernel side are the host's business (ip link / ip addr).
 * 0, TT_EINVAL (bad name), TT_ENOENT (no such device without
 * TT_PORT_DEV_CREATE, no /dev/net/tun, no permission, or a device of the
 * other kind: see err), TT_ENOMEM. *out owned until tt_port_dev_close().
 */
#define TT_PORT_DEV_CREATE 0x1
int tt_port_dev_open(enum tt_port_dev_kind kind, const char *name, unsigned flags,
                     struct tt_port_dev **out, char *err, size_t errlen);

/*
 * A link over the host's UDP: a socket bound to local_port (any address)
 * and connected to remote_addr:remote_port (host order), each Ethernet frame
 * one datagram. Needs no privilege. 0, TT_EADDRINUSE (the port is taken),
 * TT_ENOENT (socket or connect failed: see err), TT_ENOMEM. A datagram
 * from elsewhere is not delivered (the socket is connected). Closed by
 * tt_port_dev_close().
 */
int tt_port_udp_open(uint16_t local_port, uint32_t remote_addr, uint16_t remote_port,
                     struct tt_port_dev **out, char *err, size_t errlen);

/* 1 when a network device called `name` exists (in this namespace), else 0. */
int tt_port_dev_exists(const char *name);

/* The link for tt_iface_config.link: framing from the kind, `mtu` as given
 * (0 = 1500). Its transmit writes the frame with one write(); a full device
 * queue (EAGAIN) or error returns TT_ENOBUFS (the stack counts LINK_TX_FAILED). */
struct tt_link tt_port_dev_link(struct tt_port_dev *dev, uint32_t mtu);

enum tt_port_dev_kind tt_port_dev_kind(const struct tt_port_dev *dev);
const char *tt_port_dev_name(const struct tt_port_dev *dev); /* as the kernel named it */
int tt_port_dev_fd(const struct tt_port_dev *dev);

/*
 * Read one frame into buf (cap bytes; TT_FRAME_MAX is enough). Returns its
 * length, 0 when nothing is waiting, TT_ENOENT when the device went away.
 */
int tt_port_dev_read(struct tt_port_dev *dev, void *buf, size_t cap);

/* Close the fd and free. The kernel removes a non-persistent device. NULL is fine. */
void tt_port_dev_close(struct tt_port_dev *dev);

/* ---- the run loop ---- */

/* Readiness an application waits for on one of its own file descriptors. */
#define TT_PORT_WANT_READ 0x1
#define TT_PORT_WANT_WRITE 0x2
struct tt_port_watch {
    int fd;
    unsigned want; /* TT_PORT_WANT_*; 0 = not now */
};
#define TT_PORT_WATCH_MAX 4

struct tt_port_hooks {
    /* Called for every frame read from devs[i], before tt_stack_input()
     * (pcap capture). May be NULL. */
    void (*on_rx)(void *ctx, size_t i, const uint8_t *frame, size_t len, tt_time now);
    /*
     * The application's turn, after each round of input and timers (accept,
     * read, write on TCP handles). Returns the application's own next
     * deadline, or TT_TIME_NEVER. Returning 0 stops the loop. May be NULL.
     */
    tt_time (*on_tick)(void *ctx, tt_time now);
    void *ctx;
    /*
     * The application's own file descriptors (stdin, stdout, ...), asked
     * after each on_tick: fill up to `cap` (TT_PORT_WATCH_MAX) entries and
     * return the count. The loop also wakes when one of them is ready as
     * wanted; on_tick then does the I/O (the loop itself never reads or
     * writes them). A descriptor epoll cannot watch (a regular file) counts as
     * always ready. The set may change from one call to the next. May be NULL.
     */
    size_t (*watch)(void *ctx, struct tt_port_watch *w, size_t cap);
    /* SIGUSR1 (a status request, as dd takes it): called and the loop goes
     * on. NULL: SIGUSR1 keeps its disposition. */
    void (*on_info)(void *ctx, tt_time now);
};

/*
 * Run `stack` over `ndev` devices (devs[i] feeds interface ifaces[i]) until
 * SIGINT or SIGTERM (blocked and taken through a signalfd, restored on
 * return) or until on_tick returns 0. Sleeps in epoll_wait until a device is
 * readable or the next deadline of tt_stack_poll / on_tick. Returns the
 * signal number that stopped it, 0 when on_tick stopped it, or a negative
 * TT_E* code on an OS error (message in err).
 */
int tt_port_run(struct tt_stack *stack, struct tt_port_dev *const *devs, const int *ifaces,
                size_t ndev, const struct tt_port_hooks *hooks, char *err, size_t errlen);

#endif
