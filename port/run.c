/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hosted run loop: epoll over the devices and a signalfd, sleeping until
 * the stack's (or the application's) next deadline.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "port.h"

#define SIGNAL_KEY UINT64_MAX
#define READ_BATCH 64 /* frames read from one device before timers get a turn */

#define WATCH_KEY(k) (UINT64_MAX - 1 - (k)) /* epoll keys of the application's fds */

/* An application descriptor as registered with epoll. */
struct watched {
    int fd;
    uint32_t events; /* as registered; 0 when not */
    int always;      /* epoll refused it (regular file): always ready */
};

struct loop {
    struct tt_stack *stack;
    struct tt_port_dev *const *devs;
    const int *ifaces;
    const struct tt_port_hooks *hooks;
    struct watched reg[TT_PORT_WATCH_MAX];
    size_t nreg;
    uint8_t buf[TT_FRAME_MAX];
};

static int os_error(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s: %s", what, strerror(errno));
    return TT_ENOENT;
}

/* Drain up to READ_BATCH frames from device i into the stack. */
static int drain(struct loop *lp, size_t i, char *err, size_t errlen)
{
    for (int k = 0; k < READ_BATCH; k++) {
        int n = tt_port_dev_read(lp->devs[i], lp->buf, sizeof lp->buf);
        if (n == 0)
            return 0;
        if (n < 0) {
            if (err && errlen)
                snprintf(err, errlen, "reading %s: %s", tt_port_dev_name(lp->devs[i]),
                         strerror(errno));
            return n;
        }
        tt_time now = tt_port_now();
        if (lp->hooks && lp->hooks->on_rx)
            lp->hooks->on_rx(lp->hooks->ctx, i, lp->buf, (size_t)n, now);
        tt_stack_input(lp->stack, lp->ifaces[i], lp->buf, (size_t)n, now);
    }
    return 0;
}

/* Run timers and the application; return the next deadline, or 0 to stop. */
static tt_time turn(struct loop *lp)
{
    tt_time now = tt_port_now();
    tt_time next = tt_stack_poll(lp->stack, now);
    if (lp->hooks && lp->hooks->on_tick) {
        tt_time app = lp->hooks->on_tick(lp->hooks->ctx, now);
        if (app == 0)
            return 0;
        /* The application may have sent or armed timers: ask again. */
        tt_time again = tt_stack_poll(lp->stack, now);
        next = again < next ? again : next;
        next = app < next ? app : next;
    }
    return next;
}

static uint32_t watch_events(unsigned want)
{
    return ((want & TT_PORT_WANT_READ) ? EPOLLIN : 0u) |
           ((want & TT_PORT_WANT_WRITE) ? EPOLLOUT : 0u);
}

/* Bring the epoll registrations of the application's descriptors in line with
 * what it wants now. Returns 1 when a wanted one is always ready (do not
 * sleep), 0 otherwise, or a negative code on an epoll error. */
static int watch_update(struct loop *lp, int ep, char *err, size_t errlen)
{
    struct tt_port_watch w[TT_PORT_WATCH_MAX];
    size_t n = 0;
    if (lp->hooks && lp->hooks->watch)
        n = lp->hooks->watch(lp->hooks->ctx, w, TT_PORT_WATCH_MAX);
    if (n > TT_PORT_WATCH_MAX)
        n = TT_PORT_WATCH_MAX;
    struct watched next[TT_PORT_WATCH_MAX];
    size_t nnext = 0;
    int spin = 0;
    for (size_t i = 0; i < lp->nreg; i++) { /* forget what is no longer wanted */
        struct watched *r = &lp->reg[i];
        size_t j = 0;
        while (j < n && !(w[j].fd == r->fd && w[j].want))
            j++;
        if (j < n)
            next[nnext++] = *r;
        else if (!r->always)
            epoll_ctl(ep, EPOLL_CTL_DEL, r->fd, NULL);
    }
    for (size_t j = 0; j < n; j++) {
        if (!w[j].want || w[j].fd < 0)
            continue;
        uint32_t evs = watch_events(w[j].want);
        size_t i = 0;
        while (i < nnext && next[i].fd != w[j].fd)
            i++;
        if (i == nnext) {
            if (nnext == TT_PORT_WATCH_MAX)
                continue;
            next[nnext++] = (struct watched){.fd = w[j].fd};
        }
        struct watched *r = &next[i];
        struct epoll_event ev = {.events = evs, .data.u64 = WATCH_KEY(i)};
        if (!r->always && r->events != evs) {
            int op = r->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
            if (epoll_ctl(ep, op, r->fd, &ev) != 0) {
                if (errno != EPERM)
                    return os_error(err, errlen, "epoll_ctl(application fd)");
                r->always = 1;
            }
            r->events = evs;
        }
        spin |= r->always;
    }
    memcpy(lp->reg, next, nnext * sizeof next[0]);
    lp->nreg = nnext;
    return spin;
}

static int timeout_ms(tt_time deadline)
{
    if (deadline == TT_TIME_NEVER)
        return -1;
    tt_time now = tt_port_now();
    if (deadline <= now)
        return 0;
    tt_time ms = (deadline - now + 999) / 1000; /* round up: never wake early and spin */
    return ms > INT_MAX ? INT_MAX : (int)ms;
}

static int loop_body(struct loop *lp, int ep, int sfd, size_t ndev, char *err, size_t errlen)
{
    for (;;) {
        tt_time deadline = turn(lp);
        if (deadline == 0)
            return 0;
        int spin = watch_update(lp, ep, err, errlen);
        if (spin < 0)
            return spin;
        struct epoll_event evs[16];
        int n = epoll_wait(ep, evs, 16, spin ? 0 : timeout_ms(deadline));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return os_error(err, errlen, "epoll_wait");
        for (int k = 0; k < n; k++) {
            if (evs[k].data.u64 == SIGNAL_KEY) {
                struct signalfd_siginfo si;
                if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si)
                    continue;
                if (si.ssi_signo == SIGUSR1 && lp->hooks && lp->hooks->on_info) {
                    lp->hooks->on_info(lp->hooks->ctx, tt_port_now());
                    continue;
                }
                return (int)si.ssi_signo;
            }
            size_t i = (size_t)evs[k].data.u64;
            if (i < ndev) {
                int rc = drain(lp, i, err, errlen);
                if (rc < 0)
                    return rc;
            }
        }
    }
}

int tt_port_run(struct tt_stack *stack, struct tt_port_dev *const *devs, const int *ifaces,
                size_t ndev, const struct tt_port_hooks *hooks, char *err, size_t errlen)
{
    struct loop *lp = malloc(sizeof *lp); /* the 9 KiB frame buffer stays off the stack */
    if (!lp) {
        if (err && errlen)
            snprintf(err, errlen, "out of memory");
        return TT_ENOMEM;
    }
    lp->stack = stack;
    lp->devs = devs;
    lp->ifaces = ifaces;
    lp->hooks = hooks;
    lp->nreg = 0;

    sigset_t mask, old;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (hooks && hooks->on_info)
        sigaddset(&mask, SIGUSR1);
    if (sigprocmask(SIG_BLOCK, &mask, &old) != 0) {
        free(lp);
        return os_error(err, errlen, "sigprocmask");
    }
    /* An ignored signal is discarded before it can reach the signalfd, and a
     * shell starts background jobs with SIGINT ignored: take the default
     * disposition back (harmless while blocked), restore it on return. */
    struct sigaction dfl = {.sa_handler = SIG_DFL}, old_int, old_term;
    sigaction(SIGINT, &dfl, &old_int);
    sigaction(SIGTERM, &dfl, &old_term);
    int rc;
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (sfd < 0 || ep < 0) {
        rc = os_error(err, errlen, sfd < 0 ? "signalfd" : "epoll_create1");
        goto out;
    }
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = SIGNAL_KEY};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev) != 0) {
        rc = os_error(err, errlen, "epoll_ctl(signalfd)");
        goto out;
    }
    for (size_t i = 0; i < ndev; i++) {
        ev.data.u64 = i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, tt_port_dev_fd(devs[i]), &ev) != 0) {
            rc = os_error(err, errlen, "epoll_ctl(device)");
            goto out;
        }
    }
    rc = loop_body(lp, ep, sfd, ndev, err, errlen);
out:
    if (ep >= 0)
        close(ep);
    if (sfd >= 0)
        close(sfd);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(lp);
    return rc;
}
