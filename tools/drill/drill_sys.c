/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Script syscalls onto the tether TCP API. Script fd numbers are names: the
 * table maps each to a handle. Arguments are evaluated against a table of the
 * Linux symbols the scripts use; results compare with the script's value and
 * errno name. A call on a blocking fd that cannot finish at once becomes a
 * pending call, retried whenever the stack moves, and checked against its
 * "...e" end time when it returns.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "tether/tcp.h"
#include "tether/tether.h"

/* TCP Fast Open's symbols (RFC 7413; Linux uapi). */
static const struct {
    const char *name;
    int64_t value;
} tfo_symbols[] = {
    {"MSG_FASTOPEN", 0x20000000}, {"TCP_FASTOPEN", 23},           {"TCP_FASTOPEN_CONNECT", 30},
    {"TCP_FASTOPEN_KEY", 33},     {"TCP_FASTOPEN_NO_COOKIE", 34},
};

/* Linux values (x86-64 uapi) of the symbols that appear in arguments. */
static const struct {
    const char *name;
    int64_t value;
} symbols[] = {
    {"AF_INET", 2},         {"AF_INET6", 10},         {"PF_INET", 2},
    {"SOCK_STREAM", 1},     {"SOCK_DGRAM", 2},        {"IPPROTO_TCP", 6},
    {"IPPROTO_IP", 0},      {"SOL_SOCKET", 1},        {"SOL_TCP", 6},
    {"SOL_IP", 0},          {"SO_REUSEADDR", 2},      {"SO_ERROR", 4},
    {"SO_KEEPALIVE", 9},    {"SO_SNDBUF", 7},         {"SO_RCVBUF", 8},
    {"SO_LINGER", 13},      {"TCP_NODELAY", 1},       {"TCP_MAXSEG", 2},
    {"TCP_CORK", 3},        {"TCP_KEEPIDLE", 4},      {"TCP_KEEPINTVL", 5},
    {"TCP_KEEPCNT", 6},     {"TCP_SYNCNT", 7},        {"TCP_LINGER2", 8},
    {"TCP_CONGESTION", 13}, {"TCP_USER_TIMEOUT", 18}, {"TCP_NOTSENT_LOWAT", 25},
    {"TCP_INQ", 36},        {"TCP_CM_INQ", 36},       {"IP_TOS", 1},
    {"IP_RECVERR", 11},     {"IP_MTU_DISCOVER", 10},  {"IP_PMTUDISC_DONT", 0},
    {"IP_PMTUDISC_DO", 2},  {"O_RDONLY", 0},          {"O_WRONLY", 1},
    {"O_RDWR", 2},          {"O_NONBLOCK", 0x800},    {"F_GETFL", 3},
    {"F_SETFL", 4},         {"SHUT_RD", 0},           {"SHUT_WR", 1},
    {"SHUT_RDWR", 2},       {"MSG_MORE", 0x8000},     {"MSG_DONTWAIT", 0x40},
    {"MSG_PEEK", 2},        {"MSG_WAITALL", 0x100},   {"MSG_NOSIGNAL", 0x4000},
    {"POLLIN", 1},          {"POLLPRI", 2},           {"POLLOUT", 4},
    {"POLLERR", 8},         {"POLLHUP", 0x10},        {"POLLNVAL", 0x20},
    {"POLLRDNORM", 0x40},   {"POLLWRNORM", 0x100},    {"POLLRDHUP", 0x2000},
    {"EPOLLIN", 1},         {"EPOLLOUT", 4},          {"EPOLLERR", 8},
    {"EPOLLHUP", 0x10},     {"EPOLLRDHUP", 0x2000},   {"EPOLLET", 0x80000000LL},
    {"EPOLL_CTL_ADD", 1},   {"EPOLL_CTL_DEL", 2},     {"EPOLL_CTL_MOD", 3},
    {"SIOCINQ", 0x541B},    {"FIONREAD", 0x541B},     {"NULL", 0},
};

/* TT_E* codes with their Linux errno names and numbers. */
static const struct {
    int tt;
    const char *name;
    int linux_errno;
} errnos[] = {
    {TT_EINVAL, "EINVAL", 22},
    {TT_ENOMEM, "ENOMEM", 12},
    {TT_EAGAIN, "EAGAIN", 11},
    {TT_ECONNREFUSED, "ECONNREFUSED", 111},
    {TT_ECONNRESET, "ECONNRESET", 104},
    {TT_ETIMEDOUT, "ETIMEDOUT", 110},
    {TT_ENOTCONN, "ENOTCONN", 107},
    {TT_EISCONN, "EISCONN", 106},
    {TT_EADDRINUSE, "EADDRINUSE", 98},
    {TT_EPIPE, "EPIPE", 32},
    {TT_EALREADY, "EALREADY", 114},
    {TT_EINPROGRESS, "EINPROGRESS", 115},
    {TT_ENOBUFS, "ENOBUFS", 105},
    {TT_EHOSTUNREACH, "EHOSTUNREACH", 113},
    {TT_ENETUNREACH, "ENETUNREACH", 101},
    {TT_EMSGSIZE, "EMSGSIZE", 90},
    {TT_ENOENT, "ENOENT", 2},
    {TT_ECONNABORTED, "ECONNABORTED", 103},
    {TT_EADDRNOTAVAIL, "EADDRNOTAVAIL", 99},
    {TT_EOPNOTSUPP, "EOPNOTSUPP", 95},
    {TT_EBADF, "EBADF", 9},
    {TT_EPROTO, "EPROTO", 71},
    {TT_ENOSPC, "ENOSPC", 28},
};

/*
 * Every Linux errno name a script may expect (asm-generic/errno*.h numbers),
 * aliases included: an expected name is compared by number, so EWOULDBLOCK
 * matches EAGAIN and ENOTSUP matches EOPNOTSUPP, and a name outside this
 * list is reported as unknown rather than as a mismatch.
 */
static const struct {
    const char *name;
    int no;
} linux_errnos[] = {
    {"EPERM", 1},
    {"ENOENT", 2},
    {"ESRCH", 3},
    {"EINTR", 4},
    {"EIO", 5},
    {"ENXIO", 6},
    {"E2BIG", 7},
    {"EBADF", 9},
    {"EAGAIN", 11},
    {"EWOULDBLOCK", 11},
    {"ENOMEM", 12},
    {"EACCES", 13},
    {"EFAULT", 14},
    {"EBUSY", 16},
    {"EEXIST", 17},
    {"ENODEV", 19},
    {"EINVAL", 22},
    {"EMFILE", 24},
    {"ENOSPC", 28},
    {"ESPIPE", 29},
    {"EPIPE", 32},
    {"ERANGE", 34},
    {"ENOSYS", 38},
    {"ENODATA", 61},
    {"ETIME", 62},
    {"EPROTO", 71},
    {"EBADMSG", 74},
    {"EOVERFLOW", 75},
    {"ENOTSOCK", 88},
    {"EDESTADDRREQ", 89},
    {"EMSGSIZE", 90},
    {"EPROTOTYPE", 91},
    {"ENOPROTOOPT", 92},
    {"EPROTONOSUPPORT", 93},
    {"ESOCKTNOSUPPORT", 94},
    {"EOPNOTSUPP", 95},
    {"ENOTSUP", 95},
    {"EPFNOSUPPORT", 96},
    {"EAFNOSUPPORT", 97},
    {"EADDRINUSE", 98},
    {"EADDRNOTAVAIL", 99},
    {"ENETDOWN", 100},
    {"ENETUNREACH", 101},
    {"ENETRESET", 102},
    {"ECONNABORTED", 103},
    {"ECONNRESET", 104},
    {"ENOBUFS", 105},
    {"EISCONN", 106},
    {"ENOTCONN", 107},
    {"ESHUTDOWN", 108},
    {"ETIMEDOUT", 110},
    {"ECONNREFUSED", 111},
    {"EHOSTDOWN", 112},
    {"EHOSTUNREACH", 113},
    {"EALREADY", 114},
    {"EINPROGRESS", 115},
};

/* The Linux number of an errno name, or -1 when the name is not one. */
static int linux_errno_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof linux_errnos / sizeof linux_errnos[0]; i++)
        if (strcmp(linux_errnos[i].name, name) == 0)
            return linux_errnos[i].no;
    return -1;
}

static const char *errno_name(int err)
{
    for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
        if (errnos[i].tt == err)
            return errnos[i].name;
    return "E?";
}

static int errno_number(int err)
{
    for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]); i++)
        if (errnos[i].tt == err)
            return errnos[i].linux_errno;
    return err == 0 ? 0 : 5; /* EIO for anything unmapped */
}

/* What a call did: done with a result, blocked, or failed the script. */
enum call_status { CALL_DONE, CALL_BLOCK, CALL_ERROR };

struct call {
    struct tt_drill_runner *r;
    const struct tt_drill_event *ev;
    const struct tt_drill_syscall *sc;
    struct tt_drill_pending *pend; /* non-NULL on a retry */
    int64_t ret;
    int err; /* TT_E* when ret is -1 */
};

static enum call_status call_fail(struct call *c, enum tt_drill_status st, const char *what)
{
    tt__drill_fail(c->r, c->ev->line, st, "%s: %s", c->sc->name, what);
    return CALL_ERROR;
}

static bool eval_int(struct call *c, const struct tt_drill_arg *a, int64_t *v)
{
    switch (a->kind) {
    case TT_DRILL_ARG_INT:
        *v = a->ival;
        return true;
    case TT_DRILL_ARG_WORD:
        for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
            if (strcmp(symbols[i].name, a->text) == 0) {
                *v = symbols[i].value;
                return true;
            }
        }
        for (size_t i = 0; i < sizeof(tfo_symbols) / sizeof(tfo_symbols[0]); i++) {
            if (strcmp(tfo_symbols[i].name, a->text) == 0) {
                *v = tfo_symbols[i].value;
                return true;
            }
        }
        if (linux_errno_by_name(a->text) > 0) { /* [ECONNREFUSED] for SO_ERROR */
            *v = linux_errno_by_name(a->text);
            return true;
        }
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_SKIP, "unknown symbol %s", a->text);
        return false;
    case TT_DRILL_ARG_OR:
        *v = 0;
        for (size_t i = 0; i < a->nitems; i++) {
            int64_t x;
            if (!eval_int(c, a->items[i], &x))
                return false;
            *v |= x;
        }
        return true;
    case TT_DRILL_ARG_LIST:
        if (a->nitems == 1)
            return eval_int(c, a->items[0], v);
        break;
    case TT_DRILL_ARG_CALL:
        if (strcmp(a->text, "htons") == 0 && a->nitems == 1)
            return eval_int(c, a->items[0], v);
        break;
    default:
        break;
    }
    char b[96];
    tt_drill_format_arg(a, b, sizeof b);
    tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL, "%s: expected an integer, got %s", c->sc->name,
                   b);
    return false;
}

static bool arg_int(struct call *c, size_t i, int64_t *v)
{
    if (i >= c->sc->nargs) {
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL, "%s: missing argument %zu", c->sc->name,
                       i + 1);
        return false;
    }
    return eval_int(c, c->sc->args[i], v);
}

/* The fd in argument i, which must be a live TCP socket. */
static struct tt_drill_fd *arg_fd(struct call *c, size_t i, enum tt_drill_fd_kind kind)
{
    int64_t fd;
    if (!arg_int(c, i, &fd))
        return NULL;
    if (fd < 0 || fd >= TT_DRILL_MAX_FDS || c->r->fds[fd].kind != kind) {
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL, "%s: fd %" PRId64 " is not open",
                       c->sc->name, fd);
        return NULL;
    }
    if (kind == TT_DRILL_FD_TCP)
        c->r->sut = (int)fd;
    return &c->r->fds[fd];
}

static struct tt_drill_fd *new_fd(struct call *c, int64_t fd)
{
    if (fd < 0 || fd >= TT_DRILL_MAX_FDS || c->r->fds[fd].kind != TT_DRILL_FD_FREE) {
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                       "%s: script fd %" PRId64 " is already in use or out of range", c->sc->name,
                       fd);
        return NULL;
    }
    memset(&c->r->fds[fd], 0, sizeof(c->r->fds[fd]));
    return &c->r->fds[fd];
}

static tt_time now_of(const struct call *c)
{
    return tt__drill_clock(c->r->now);
}

/* A result from tether: a count, or a negative TT_E* code. */
static enum call_status result(struct call *c, long v)
{
    c->ret = v < 0 ? -1 : v;
    c->err = v < 0 ? (int)v : 0;
    return CALL_DONE;
}

static enum call_status wouldblock(struct call *c, const struct tt_drill_fd *f, long v)
{
    if (v == TT_EAGAIN && !f->nonblock)
        return CALL_BLOCK;
    return result(c, v);
}

static enum call_status sys_socket(struct call *c)
{
    struct tt_drill_fd *f = new_fd(c, c->sc->ret);
    if (f == NULL)
        return CALL_ERROR;
    int err = tt_tcp_open(c->r->stack, &f->t);
    if (err < 0)
        return result(c, err);
    f->kind = TT_DRILL_FD_TCP;
    c->r->sut = (int)c->sc->ret;
    return result(c, c->sc->ret);
}

/* An explicit sockaddr {sin_port=htons(P), sin_addr=inet_addr("A")}, or "..." (defaults). */
static bool sockaddr_arg(struct call *c, size_t i, uint32_t *addr, uint16_t *port)
{
    if (i >= c->sc->nargs || c->sc->args[i]->kind != TT_DRILL_ARG_STRUCT)
        return true;
    const struct tt_drill_arg *s = c->sc->args[i];
    for (size_t k = 0; k < s->nitems; k++) {
        const struct tt_drill_arg *fld = s->items[k];
        int64_t v;
        if (fld->kind != TT_DRILL_ARG_FIELD)
            continue;
        if (strcmp(fld->text, "sin_port") == 0) {
            if (!eval_int(c, fld->value, &v))
                return false;
            *port = (uint16_t)v;
        } else if (strcmp(fld->text, "sin_addr") == 0 && fld->value->kind == TT_DRILL_ARG_CALL &&
                   fld->value->nitems == 1 && fld->value->items[0]->kind == TT_DRILL_ARG_STRING) {
            unsigned a, b, d, e;
            if (sscanf(fld->value->items[0]->text, "%u.%u.%u.%u", &a, &b, &d, &e) == 4)
                *addr = TT_IPV4(a, b, d, e);
        }
    }
    return true;
}

static enum call_status sys_bind(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    uint32_t addr = c->r->cfg.local_ip;
    uint16_t port = c->r->cfg.bind_port;
    if (f == NULL || !sockaddr_arg(c, 1, &addr, &port))
        return CALL_ERROR;
    c->r->live_local_port = port;
    return result(c, tt_tcp_bind(f->t, addr, port));
}

static enum call_status sys_listen(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t backlog;
    if (f == NULL || !arg_int(c, 1, &backlog))
        return CALL_ERROR;
    int err = tt_tcp_listen(f->t, (int)backlog, now_of(c));
    if (err == 0)
        f->listening = true;
    return result(c, err);
}

static enum call_status sys_accept(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    if (f == NULL)
        return CALL_ERROR;
    struct tt_tcp *nt = NULL;
    int err = tt_tcp_accept(f->t, &nt, now_of(c));
    if (err < 0)
        return wouldblock(c, f, err);
    struct tt_drill_fd *n = new_fd(c, c->sc->ret);
    if (n == NULL) {
        tt_tcp_abort(nt, now_of(c));
        return CALL_ERROR;
    }
    n->kind = TT_DRILL_FD_TCP;
    n->t = nt;
    c->r->sut = (int)c->sc->ret;
    return result(c, c->sc->ret);
}

static enum call_status sys_connect(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    uint32_t addr = c->r->cfg.remote_ip;
    uint16_t port = c->r->cfg.connect_port;
    if (f == NULL || !sockaddr_arg(c, 1, &addr, &port))
        return CALL_ERROR;
    if (c->pend != NULL) { /* a blocking connect, waiting for the handshake */
        if (tt_tcp_error(f->t) != 0)
            return result(c, tt_tcp_error(f->t));
        return (tt_tcp_events(f->t) & TT_TCP_EV_CONNECTED) ? result(c, 0) : CALL_BLOCK;
    }
    int err = tt_tcp_connect(f->t, addr, port, now_of(c));
    if (err == TT_EINPROGRESS && !f->nonblock)
        return CALL_BLOCK;
    if (err == TT_EALREADY && (tt_tcp_events(f->t) & TT_TCP_EV_CONNECTED))
        err = TT_EISCONN;
    return result(c, err);
}

/* The byte count of a write-like call: write(fd, ..., N), sendmsg iov lengths. */
static bool write_len(struct call *c, int64_t *len, int64_t *flags)
{
    const struct tt_drill_syscall *sc = c->sc;
    *flags = 0;
    if (strcmp(sc->name, "sendmsg") == 0) {
        if (sc->nargs < 2 || sc->args[1]->kind != TT_DRILL_ARG_STRUCT)
            return call_fail(c, TT_DRILL_FAIL, "expected a msghdr") == CALL_DONE;
        *len = 0;
        const struct tt_drill_arg *m = sc->args[1];
        for (size_t i = 0; i < m->nitems; i++) {
            const struct tt_drill_arg *fld = m->items[i];
            if (fld->kind != TT_DRILL_ARG_FIELD || strcmp(fld->text, "msg_iov") != 0 ||
                fld->value->kind != TT_DRILL_ARG_LIST)
                continue;
            for (size_t k = 0; k < fld->value->nitems; k++) {
                const struct tt_drill_arg *iov = fld->value->items[k];
                int64_t l;
                if (iov->kind != TT_DRILL_ARG_STRUCT || iov->nitems != 2 ||
                    !eval_int(c, iov->items[1], &l))
                    return false;
                *len += l;
            }
        }
        return sc->nargs < 3 || arg_int(c, 2, flags);
    }
    if (!arg_int(c, 2, len))
        return false;
    if ((strcmp(sc->name, "send") == 0 || strcmp(sc->name, "sendto") == 0) && sc->nargs > 3)
        return arg_int(c, 3, flags);
    return true;
}

static enum call_status sys_write(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t len, flags;
    if (f == NULL || !write_len(c, &len, &flags))
        return CALL_ERROR;
    if (len < 0 || len > (1 << 26))
        return call_fail(c, TT_DRILL_FAIL, "length out of range");
    int64_t done = c->pend ? c->pend->result : 0;
    char *zeros = calloc(1, (size_t)(len - done) + 1);
    if (zeros == NULL)
        return call_fail(c, TT_DRILL_FAIL, "out of memory");
    if ((flags & 0x20000000) && c->pend == NULL && strcmp(c->sc->name, "sendto") == 0) {
        /* MSG_FASTOPEN: connect with the data in the SYN (tt_tcp_connect_send). A
         * blocking socket without a cookie waits for the handshake, then sends. */
        uint32_t addr = c->r->cfg.remote_ip;
        uint16_t port = c->r->cfg.connect_port;
        if (c->sc->nargs > 4 && !sockaddr_arg(c, 4, &addr, &port)) {
            free(zeros);
            return CALL_ERROR;
        }
        long fv = tt_tcp_connect_send(f->t, addr, port, zeros, (size_t)len, now_of(c));
        free(zeros);
        if (fv == TT_EINPROGRESS && !f->nonblock) {
            c->ret = 0;
            return CALL_BLOCK;
        }
        return result(c, fv);
    }
    /* MSG_MORE (0x8000) is TT_TCP_SEND_MORE. */
    long v = tt_tcp_send_flags(f->t, zeros, (size_t)(len - done),
                               (flags & 0x8000) ? TT_TCP_SEND_MORE : 0, now_of(c));
    free(zeros);
    if (v > 0)
        done += v;
    if (done == len || f->nonblock || (flags & 0x40))
        return result(c, done > 0 ? done : v);
    if (v < 0 && v != TT_EAGAIN)
        return result(c, done > 0 ? done : v);
    if (c->pend)
        c->pend->result = done;
    else
        c->ret = done; /* the caller moves this into the pending entry */
    return CALL_BLOCK;
}

static int64_t field(struct call *c, const struct tt_drill_arg *s, const char *name, bool *ok);

/* A msghdr's field `name`, or NULL. */
static const struct tt_drill_arg *msg_field(const struct tt_drill_arg *m, const char *name)
{
    for (size_t i = 0; m && m->kind == TT_DRILL_ARG_STRUCT && i < m->nitems; i++)
        if (m->items[i]->kind == TT_DRILL_ARG_FIELD && strcmp(m->items[i]->text, name) == 0)
            return m->items[i]->value;
    return NULL;
}

/* The recvmsg control messages the script expects, checked after the read:
 * only TCP_CM_INQ (the bytes left readable, with TCP_INQ on) is known. */
static bool check_cmsgs(struct call *c, const struct tt_drill_fd *f, size_t inq)
{
    const struct tt_drill_arg *ctl = msg_field(c->sc->args[1], "msg_control");
    for (size_t i = 0; ctl && ctl->kind == TT_DRILL_ARG_LIST && i < ctl->nitems; i++) {
        bool ok = true;
        int64_t level = field(c, ctl->items[i], "cmsg_level", &ok);
        int64_t type = field(c, ctl->items[i], "cmsg_type", &ok);
        int64_t data = field(c, ctl->items[i], "cmsg_data", &ok);
        if (!ok)
            return false;
        if (level != 6 || type != 36)
            return call_fail(c, TT_DRILL_SKIP,
                             "only the TCP_CM_INQ control message is supported") == CALL_DONE;
        if (!f->inq)
            return tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                                  "recvmsg: TCP_CM_INQ expected but TCP_INQ is off");
        if ((int64_t)inq != data)
            return tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                                  "recvmsg: TCP_CM_INQ %" PRId64 " expected, %zu", data, inq);
    }
    return true;
}

/* read(fd, ..., len), recv/recvfrom(fd, ..., len, flags), recvmsg(fd, msghdr, flags):
 * MSG_PEEK, MSG_WAITALL and MSG_DONTWAIT map onto tt_tcp_recv_flags. */
static enum call_status sys_read(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    const struct tt_drill_syscall *sc = c->sc;
    bool msg = strcmp(sc->name, "recvmsg") == 0;
    int64_t len = 0, flags = 0;
    if (f == NULL)
        return CALL_ERROR;
    if (msg) {
        const struct tt_drill_arg *iov = sc->nargs > 1 ? msg_field(sc->args[1], "msg_iov") : NULL;
        for (size_t k = 0; iov && iov->kind == TT_DRILL_ARG_LIST && k < iov->nitems; k++) {
            int64_t l;
            const struct tt_drill_arg *v = iov->items[k];
            if (v->kind != TT_DRILL_ARG_STRUCT || v->nitems != 2 || !eval_int(c, v->items[1], &l))
                return CALL_ERROR;
            len += l;
        }
        if (iov == NULL)
            len = 1 << 20;
        if (sc->nargs > 2 && !arg_int(c, 2, &flags))
            return CALL_ERROR;
    } else {
        if (!arg_int(c, 2, &len))
            return CALL_ERROR;
        if (strcmp(sc->name, "read") != 0 && sc->nargs > 3 && !arg_int(c, 3, &flags))
            return CALL_ERROR;
    }
    if (len < 0 || len > (1 << 26))
        return call_fail(c, TT_DRILL_FAIL, "length out of range");
    if (flags & ~(int64_t)(0x2 | 0x40 | 0x100))
        return call_fail(c, TT_DRILL_SKIP,
                         "only MSG_PEEK, MSG_WAITALL and MSG_DONTWAIT are supported");
    char *buf = malloc((size_t)len + 1);
    if (buf == NULL)
        return call_fail(c, TT_DRILL_FAIL, "out of memory");
    unsigned tf =
        ((flags & 0x2) ? TT_TCP_RECV_PEEK : 0) | ((flags & 0x100) ? TT_TCP_RECV_WAITALL : 0);
    size_t inq = 0;
    long v = tt_tcp_recv_flags(f->t, buf, (size_t)len, tf, &inq, now_of(c));
    free(buf);
    if (v == TT_EAGAIN && !f->nonblock && !(flags & 0x40))
        return CALL_BLOCK;
    if (v >= 0 && msg && !check_cmsgs(c, f, inq))
        return CALL_ERROR;
    return result(c, v);
}

/* The SO_LINGER time of a blocking close of script fd `fd` in us, or -1 when
 * the close does not linger (off, 0, non-blocking, unread data: RST). */
static int64_t close_linger(const struct tt_drill_runner *r, int64_t fd)
{
    if (fd < 0 || fd >= TT_DRILL_MAX_FDS || r->fds[fd].kind != TT_DRILL_FD_TCP ||
        r->fds[fd].nonblock)
        return -1;
    const struct tt_tcp *t = r->fds[fd].t;
    int linger = -1;
    tt_tcp_getopt(t, TT_TCP_OPT_LINGER, &linger);
    if (linger <= 0 || tt_tcp_readable(t) > 0)
        return -1;
    return (int64_t)linger * 1000000;
}

/* Linux sk_stream_wait_close: the FIN is out and not yet acknowledged. */
static bool fin_unacked(const struct tt_tcp *t)
{
    int st = tt_tcp_state(t);
    return st == TT_FIN_WAIT_1 || st == TT_CLOSING || st == TT_LAST_ACK;
}

static enum call_status sys_close(struct call *c)
{
    int64_t fd;
    if (!arg_int(c, 0, &fd))
        return CALL_ERROR;
    if (fd < 0 || fd >= TT_DRILL_MAX_FDS || c->r->fds[fd].kind == TT_DRILL_FD_FREE)
        return result(c, TT_EBADF);
    struct tt_drill_fd *f = &c->r->fds[fd];
    int64_t linger = close_linger(c->r, fd);
    if (linger > 0) {
        /* SO_LINGER {1, N} on a blocking socket: close sends the FIN, then
         * waits until it is acknowledged or N seconds pass (Linux tcp_close,
         * sk_stream_wait_close); the connection then goes on as any closed one. */
        int st = tt_tcp_state(f->t);
        if (c->pend == NULL && (st == TT_ESTABLISHED || st == TT_CLOSE_WAIT))
            tt_tcp_shutdown(f->t, TT_SHUT_WR, now_of(c));
        bool expired = c->pend && c->r->now >= c->pend->start + linger;
        if (fin_unacked(f->t) && !expired)
            return CALL_BLOCK;
    }
    if (f->kind == TT_DRILL_FD_TCP)
        tt_tcp_close(f->t, now_of(c));
    memset(f, 0, sizeof(*f));
    return result(c, 0);
}

static enum call_status sys_shutdown(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t how;
    if (f == NULL || !arg_int(c, 1, &how))
        return CALL_ERROR;
    int tt_how = how == 0 ? TT_SHUT_RD : how == 1 ? TT_SHUT_WR : how == 2 ? TT_SHUT_RDWR : 0;
    return result(c, tt_how ? tt_tcp_shutdown(f->t, tt_how, now_of(c)) : TT_EINVAL);
}

/* TCP_INQ: kept by the runner (it only adds a control message to recvmsg). */
#define OPT_INQ 1000

/* (level, name) to a tether option; 0 for options accepted as no-ops, -1 unknown. */
static int map_opt(int64_t level, int64_t name)
{
    static const struct {
        int64_t level, name;
        int opt;
    } map[] = {
        {1, 2, TT_TCP_OPT_REUSEADDR},
        {1, 9, TT_TCP_OPT_KEEPALIVE},
        {1, 7, TT_TCP_OPT_SNDBUF},
        {1, 8, TT_TCP_OPT_RCVBUF},
        {1, 13, TT_TCP_OPT_LINGER},
        {6, 1, TT_TCP_OPT_NODELAY},
        {6, 2, TT_TCP_OPT_MAXSEG},
        {6, 4, TT_TCP_OPT_KEEPIDLE},
        {6, 5, TT_TCP_OPT_KEEPINTVL},
        {6, 6, TT_TCP_OPT_KEEPCNT},
        {6, 8, TT_TCP_OPT_LINGER2},
        {6, 18, TT_TCP_OPT_USER_TIMEOUT},
        {6, 13, TT_TCP_OPT_CONGESTION},
        {6, 25, TT_TCP_OPT_NOTSENT_LOWAT},
        /* TCP Fast Open (RFC 7413): TCP_FASTOPEN, _CONNECT, _NO_COOKIE. */
        {6, 23, TT_TCP_OPT_FASTOPEN},
        {6, 30, TT_TCP_OPT_FASTOPEN_CONNECT},
        {6, 34, TT_TCP_OPT_FASTOPEN_NO_COOKIE},
        {6, 36, OPT_INQ},
        {0, 1, 0} /* IP_TOS */,
        {0, 10, 0} /* IP_MTU_DISCOVER */,
    };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (map[i].level == level && map[i].name == name)
            return map[i].opt;
    return -1;
}

static enum call_status sys_setsockopt(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t level, name, v = 0;
    if (f == NULL || !arg_int(c, 1, &level) || !arg_int(c, 2, &name) || c->sc->nargs < 4)
        return CALL_ERROR;
    int opt = map_opt(level, name);
    if (opt < 0) {
        char b[64];
        tt_drill_format_arg(c->sc->args[2], b, sizeof b);
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_SKIP, "setsockopt %s is not supported", b);
        return CALL_ERROR;
    }
    const struct tt_drill_arg *a = c->sc->args[3];
    if (opt == TT_TCP_OPT_LINGER && a->kind == TT_DRILL_ARG_STRUCT) {
        int64_t onoff = 0, linger = 0;
        for (size_t i = 0; i < a->nitems; i++) {
            const struct tt_drill_arg *fld = a->items[i];
            if (fld->kind == TT_DRILL_ARG_FIELD && strcmp(fld->text, "onoff") == 0 &&
                !eval_int(c, fld->value, &onoff))
                return CALL_ERROR;
            if (fld->kind == TT_DRILL_ARG_FIELD && strcmp(fld->text, "linger") == 0 &&
                !eval_int(c, fld->value, &linger))
                return CALL_ERROR;
        }
        v = onoff ? linger : -1;
    } else if (opt == TT_TCP_OPT_CONGESTION && a->kind == TT_DRILL_ARG_STRING) {
        /* TCP_CONGESTION takes the module's name; Linux answers ENOENT for
         * one it does not have. */
        int id = tt_tcp_cc_by_name(a->text);
        return result(c, id < 0 ? TT_ENOENT : tt_tcp_setopt(f->t, TT_TCP_OPT_CONGESTION, id));
    } else if (!eval_int(c, a, &v)) {
        return CALL_ERROR;
    }
    if (opt == OPT_INQ) {
        f->inq = v != 0; /* TCP_INQ: recvmsg reports TCP_CM_INQ */
        return result(c, 0);
    }
    if (opt == 0)
        return result(c, 0);
    if (opt == TT_TCP_OPT_SNDBUF)
        f->sndbuf = (int)(2 * v); /* Linux doubles it, and getsockopt shows that */
    if (opt == TT_TCP_OPT_RCVBUF)
        f->rcvbuf = (int)(2 * v);
    return result(c, tt_tcp_setopt(f->t, (enum tt_tcp_opt)opt, (int)v));
}

static enum call_status sys_getsockopt(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t level, name, want;
    if (f == NULL || !arg_int(c, 1, &level) || !arg_int(c, 2, &name))
        return CALL_ERROR;
    if (map_opt(level, name) == TT_TCP_OPT_CONGESTION && c->sc->nargs > 3 &&
        c->sc->args[3]->kind == TT_DRILL_ARG_STRING) {
        int v = 0;
        tt_tcp_getopt(f->t, TT_TCP_OPT_CONGESTION, &v);
        const char *got = tt_tcp_cc_name(v);
        if (got == NULL || strcmp(got, c->sc->args[3]->text) != 0) {
            tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL, "getsockopt: \"%s\" expected, \"%s\"",
                           c->sc->args[3]->text, got ? got : "?");
            return CALL_ERROR;
        }
        return result(c, 0);
    }
    if (!arg_int(c, 3, &want))
        return CALL_ERROR;
    int v = 0;
    if (level == 1 && name == 4) { /* SO_ERROR */
        v = errno_number(tt_tcp_error(f->t));
    } else if (map_opt(level, name) == OPT_INQ) {
        v = f->inq;
    } else {
        int opt = map_opt(level, name);
        if (opt <= 0) {
            char b[64];
            tt_drill_format_arg(c->sc->args[2], b, sizeof b);
            tt__drill_fail(c->r, c->ev->line, TT_DRILL_SKIP, "getsockopt %s is not supported", b);
            return CALL_ERROR;
        }
        int err = tt_tcp_getopt(f->t, (enum tt_tcp_opt)opt, &v);
        if (err < 0)
            return result(c, err);
        if (opt == TT_TCP_OPT_SNDBUF)
            v = f->sndbuf ? f->sndbuf : 2 * v;
        if (opt == TT_TCP_OPT_RCVBUF)
            v = f->rcvbuf ? f->rcvbuf : 2 * v;
    }
    if (v != want) {
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                       "getsockopt: value %" PRId64 " expected, %d returned", want, v);
        return CALL_ERROR;
    }
    return result(c, 0);
}

static enum call_status sys_fcntl(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t cmd, flags = 0;
    if (f == NULL || !arg_int(c, 1, &cmd))
        return CALL_ERROR;
    if (cmd == 3) /* F_GETFL */
        return result(c, 2 | (f->nonblock ? 0x800 : 0));
    if (cmd != 4 || !arg_int(c, 2, &flags))
        return call_fail(c, TT_DRILL_SKIP, "only F_GETFL and F_SETFL are supported");
    f->nonblock = (flags & 0x800) != 0;
    return result(c, 0);
}

static enum call_status sys_ioctl(struct call *c)
{
    struct tt_drill_fd *f = arg_fd(c, 0, TT_DRILL_FD_TCP);
    int64_t req, want;
    if (f == NULL || !arg_int(c, 1, &req) || !arg_int(c, 2, &want))
        return CALL_ERROR;
    if (req != 0x541B)
        return call_fail(c, TT_DRILL_SKIP, "only SIOCINQ is supported");
    if ((int64_t)tt_tcp_readable(f->t) != want) {
        tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                       "ioctl SIOCINQ: %" PRId64 " expected, %zu readable", want,
                       tt_tcp_readable(f->t));
        return CALL_ERROR;
    }
    return result(c, 0);
}

/* Linux poll bits for a handle. */
static uint32_t poll_bits(const struct tt_drill_fd *f)
{
    unsigned ev = tt_tcp_events(f->t);
    uint32_t b = 0;
    if (ev & (TT_TCP_EV_READABLE | TT_TCP_EV_ACCEPTABLE))
        b |= 0x1 | 0x40;
    if ((ev & TT_TCP_EV_WRITABLE) && !f->listening)
        b |= 0x4 | 0x100;
    if (ev & TT_TCP_EV_ERROR)
        b |= 0x8;
    if (ev & TT_TCP_EV_RDHUP)
        b |= 0x2000;
    if ((ev & TT_TCP_EV_CLOSED) && !f->listening && (ev & (TT_TCP_EV_ERROR | TT_TCP_EV_RDHUP)))
        b |= 0x10;
    return b;
}

static int64_t field(struct call *c, const struct tt_drill_arg *s, const char *name, bool *ok)
{
    for (size_t i = 0; i < s->nitems; i++) {
        const struct tt_drill_arg *fld = s->items[i];
        int64_t v;
        if (fld->kind == TT_DRILL_ARG_FIELD && strcmp(fld->text, name) == 0) {
            if (!eval_int(c, fld->value, &v))
                *ok = false;
            return v;
        }
    }
    return 0;
}

/* poll([{fd=, events=, revents=}, ...], n, timeout_ms) */
static enum call_status sys_poll(struct call *c)
{
    int64_t timeout;
    if (c->sc->nargs < 3 || c->sc->args[0]->kind != TT_DRILL_ARG_LIST || !arg_int(c, 2, &timeout))
        return call_fail(c, TT_DRILL_FAIL, "expected poll([...], n, timeout)");
    const struct tt_drill_arg *l = c->sc->args[0];
    int ready = 0;
    bool ok = true,
         expired = c->pend && timeout >= 0 && c->r->now >= c->pend->start + timeout * 1000;
    for (size_t i = 0; i < l->nitems && ok; i++) {
        if (l->items[i]->kind != TT_DRILL_ARG_STRUCT)
            return call_fail(c, TT_DRILL_FAIL, "expected {fd=, events=, revents=}");
        int64_t fd = field(c, l->items[i], "fd", &ok);
        int64_t events = field(c, l->items[i], "events", &ok);
        if (fd < 0 || fd >= TT_DRILL_MAX_FDS || c->r->fds[fd].kind != TT_DRILL_FD_TCP)
            return call_fail(c, TT_DRILL_FAIL, "poll on an fd that is not open");
        if (poll_bits(&c->r->fds[fd]) & (uint32_t)(events | 0x18))
            ready++;
    }
    if (!ok)
        return CALL_ERROR;
    if (ready == 0 && timeout != 0 && !expired)
        return CALL_BLOCK;
    for (size_t i = 0; i < l->nitems; i++) {
        int64_t fd = field(c, l->items[i], "fd", &ok);
        int64_t events = field(c, l->items[i], "events", &ok);
        int64_t want = field(c, l->items[i], "revents", &ok);
        uint32_t got = poll_bits(&c->r->fds[fd]) & (uint32_t)(events | 0x18);
        if (ok && got != (uint32_t)want) {
            tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                           "poll: fd %" PRId64 " revents 0x%" PRIx64 " expected, 0x%x", fd, want,
                           got);
            return CALL_ERROR;
        }
    }
    return result(c, ready);
}

static enum call_status sys_epoll_create(struct call *c)
{
    struct tt_drill_fd *f = new_fd(c, c->sc->ret);
    if (f == NULL)
        return CALL_ERROR;
    f->kind = TT_DRILL_FD_EPOLL;
    return result(c, c->sc->ret);
}

static enum call_status sys_epoll_ctl(struct call *c)
{
    struct tt_drill_fd *e = arg_fd(c, 0, TT_DRILL_FD_EPOLL);
    int64_t op, fd;
    bool ok = true;
    if (e == NULL || !arg_int(c, 1, &op) || !arg_int(c, 2, &fd))
        return CALL_ERROR;
    int64_t events = c->sc->nargs > 3 && c->sc->args[3]->kind == TT_DRILL_ARG_STRUCT
                         ? field(c, c->sc->args[3], "events", &ok)
                         : 0;
    if (!ok)
        return CALL_ERROR;
    int k = 0;
    while (k < e->nwatch && e->watch_fd[k] != fd)
        k++;
    if (op == 1) { /* ADD */
        if (k < e->nwatch)
            return result(c, TT_EINVAL);
        if (e->nwatch == TT_DRILL_MAX_EPOLL)
            return result(c, TT_ENOSPC);
        e->watch_fd[e->nwatch] = (int)fd;
        e->watch_ev[e->nwatch++] = (uint32_t)events;
        return result(c, 0);
    }
    if (k == e->nwatch)
        return result(c, TT_ENOENT);
    if (op == 3) { /* MOD */
        e->watch_ev[k] = (uint32_t)events;
    } else { /* DEL */
        e->watch_fd[k] = e->watch_fd[e->nwatch - 1];
        e->watch_ev[k] = e->watch_ev[--e->nwatch];
    }
    return result(c, 0);
}

/* epoll_wait(epfd, {events=, fd=}, max, timeout): level-triggered readiness. */
static enum call_status sys_epoll_wait(struct call *c)
{
    struct tt_drill_fd *e = arg_fd(c, 0, TT_DRILL_FD_EPOLL);
    int64_t max, timeout;
    if (e == NULL || !arg_int(c, 2, &max) || !arg_int(c, 3, &timeout))
        return CALL_ERROR;
    int ready = 0;
    uint32_t first_ev = 0;
    int first_fd = -1;
    for (int k = 0; k < e->nwatch; k++) {
        int fd = e->watch_fd[k];
        if (c->r->fds[fd].kind != TT_DRILL_FD_TCP)
            continue;
        uint32_t got = poll_bits(&c->r->fds[fd]) & (e->watch_ev[k] | 0x18) & 0x201d;
        if (got && ready++ == 0)
            first_ev = got, first_fd = fd;
    }
    bool expired = c->pend && timeout >= 0 && c->r->now >= c->pend->start + timeout * 1000;
    if (ready == 0 && timeout != 0 && !expired)
        return CALL_BLOCK;
    if (ready > max)
        ready = (int)max;
    if (ready > 0 && c->sc->args[1]->kind == TT_DRILL_ARG_STRUCT) {
        bool ok = true;
        int64_t want_ev = field(c, c->sc->args[1], "events", &ok);
        int64_t want_fd = field(c, c->sc->args[1], "fd", &ok);
        if (ok && ((uint32_t)want_ev != first_ev || want_fd != first_fd)) {
            tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                           "epoll_wait: {events=0x%" PRIx64 ", fd=%" PRId64
                           "} expected, {events=0x%x, fd=%d}",
                           want_ev, want_fd, first_ev, first_fd);
            return CALL_ERROR;
        }
    }
    return result(c, ready);
}

static const struct {
    const char *name;
    enum call_status (*fn)(struct call *c);
} calls[] = {
    {"socket", sys_socket},
    {"bind", sys_bind},
    {"listen", sys_listen},
    {"accept", sys_accept},
    {"connect", sys_connect},
    {"write", sys_write},
    {"send", sys_write},
    {"sendto", sys_write},
    {"sendmsg", sys_write},
    {"read", sys_read},
    {"recv", sys_read},
    {"recvfrom", sys_read},
    {"recvmsg", sys_read},
    {"close", sys_close},
    {"shutdown", sys_shutdown},
    {"setsockopt", sys_setsockopt},
    {"getsockopt", sys_getsockopt},
    {"fcntl", sys_fcntl},
    {"ioctl", sys_ioctl},
    {"poll", sys_poll},
    {"epoll_create", sys_epoll_create},
    {"epoll_create1", sys_epoll_create},
    {"epoll_ctl", sys_epoll_ctl},
    {"epoll_wait", sys_epoll_wait},
};

/* Compare a finished call with the script's expectation. */
static bool check_result(struct call *c)
{
    const struct tt_drill_syscall *sc = c->sc;
    char text[300];
    tt_drill_format_syscall(sc, text, sizeof text);
    if (c->ret == -1)
        tt__drill_note(c->r, "%s -> -1 %s", text, errno_name(c->err));
    else
        tt__drill_note(c->r, "%s -> %" PRId64, text, c->ret);
    if (c->ret != sc->ret) {
        if (c->ret == -1)
            return tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                                  "%s: expected %" PRId64 ", got -1 %s (%s)", sc->name, sc->ret,
                                  errno_name(c->err), tt_strerror(c->err));
        return tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL,
                              "%s: expected %" PRId64 "%s%s, got %" PRId64, sc->name, sc->ret,
                              sc->errno_name ? " " : "", sc->errno_name ? sc->errno_name : "",
                              c->ret);
    }
    if (c->ret != -1 || sc->errno_name == NULL)
        return true; /* "= -1" with no name: any errno */
    int want = linux_errno_by_name(sc->errno_name);
    if (want < 0)
        return tt__drill_fail(c->r, c->ev->line, TT_DRILL_SKIP, "%s: unknown errno name %s",
                              sc->name, sc->errno_name);
    if (want != errno_number(c->err))
        return tt__drill_fail(c->r, c->ev->line, TT_DRILL_FAIL, "%s: expected -1 %s, got -1 %s",
                              sc->name, sc->errno_name, errno_name(c->err));
    return true;
}

static enum call_status dispatch(struct call *c)
{
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
        if (strcmp(calls[i].name, c->sc->name) == 0)
            return calls[i].fn(c);
    return call_fail(c, TT_DRILL_SKIP, "this syscall is not supported");
}

static int64_t tol_for(const struct tt_drill_runner *r, int64_t gap)
{
    int64_t pct = gap * r->cfg.tolerance_permille / 1000;
    return pct > r->cfg.tolerance_usecs ? pct : r->cfg.tolerance_usecs;
}

bool tt__drill_syscall(struct tt_drill_runner *r, const struct tt_drill_event *ev, int64_t start,
                       int64_t end)
{
    struct call c = {.r = r, .ev = ev, .sc = &ev->sc};
    enum call_status st = dispatch(&c);
    if (st == CALL_ERROR)
        return false;
    if (st == CALL_DONE) {
        if (end >= 0 && end - start > tol_for(r, end - start))
            return tt__drill_fail(r, ev->line, TT_DRILL_FAIL,
                                  "%s returned at once, expected to block until %.6f", ev->sc.name,
                                  (double)end / 1e6);
        return check_result(&c);
    }
    if (end < 0)
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL,
                              "%s would block on a blocking socket (the script gives no ...end)",
                              ev->sc.name);
    if (r->npending == TT_DRILL_MAX_PENDING)
        return tt__drill_fail(r, ev->line, TT_DRILL_FAIL, "too many blocking calls at once");
    struct tt_drill_pending *p = &r->pending[r->npending++];
    p->ev = ev;
    p->start = start;
    p->end = end;
    p->done_at = -1;
    p->result = st == CALL_BLOCK && c.ret > 0 ? c.ret : 0;
    p->wake = end;
    int64_t timeout;
    size_t targ = strcmp(ev->sc.name, "poll") == 0         ? 2
                  : strcmp(ev->sc.name, "epoll_wait") == 0 ? 3
                                                           : 0;
    if (targ != 0 && targ < ev->sc.nargs && ev->sc.args[targ]->kind == TT_DRILL_ARG_INT &&
        (timeout = ev->sc.args[targ]->ival) >= 0 && start + timeout * 1000 < p->wake)
        p->wake = start + timeout * 1000;
    int64_t fd, linger;
    if (strcmp(ev->sc.name, "close") == 0 && ev->sc.nargs > 0 &&
        ev->sc.args[0]->kind == TT_DRILL_ARG_INT && (fd = ev->sc.args[0]->ival) >= 0 &&
        (linger = close_linger(r, fd)) > 0 && start + linger < p->wake)
        p->wake = start + linger;
    tt__drill_note(r, "%s blocks", ev->sc.name);
    return true;
}

int64_t tt__drill_next_wake(const struct tt_drill_runner *r)
{
    int64_t w = INT64_MAX;
    for (size_t i = 0; i < r->npending; i++) {
        const struct tt_drill_pending *p = &r->pending[i];
        int64_t t = p->wake > r->now ? p->wake : p->end > r->now ? p->end : INT64_MAX;
        if (t < w)
            w = t;
    }
    return w;
}

void tt__drill_retry_pending(struct tt_drill_runner *r)
{
    for (size_t i = 0; i < r->npending && !r->failed;) {
        struct tt_drill_pending *p = &r->pending[i];
        struct call c = {.r = r, .ev = p->ev, .sc = &p->ev->sc, .pend = p};
        enum call_status st = dispatch(&c);
        if (st == CALL_BLOCK) {
            i++;
            continue;
        }
        struct tt_drill_pending done = *p;
        r->pending[i] = r->pending[--r->npending];
        if (st == CALL_ERROR)
            return;
        int64_t tol = tol_for(r, done.end - done.start);
        if (r->now < done.end - tol || r->now > done.end + tol) {
            tt__drill_fail(r, done.ev->line, TT_DRILL_FAIL,
                           "%s returned at %.6f, expected at %.6f (tolerance %.6f)",
                           done.ev->sc.name, (double)r->now / 1e6, (double)done.end / 1e6,
                           (double)tol / 1e6);
            return;
        }
        check_result(&c);
    }
}

/* tcpi_* names for %{ }%, from tt_tcp_info of the socket under test. */
bool tt__drill_lookup(void *ctx, const char *name, int64_t *v)
{
    struct tt_drill_runner *r = ctx;
    if (strncmp(name, "tcpi_", 5) != 0 || r->sut < 0 || r->fds[r->sut].kind != TT_DRILL_FD_TCP)
        return false;
    struct tt_tcp_info ti;
    int64_t now = (int64_t)tt__drill_clock(r->now);
    tt_tcp_info_at(r->fds[r->sut].t, (tt_time)now, &ti);
    static const int linux_state[] = {7, 10, 2, 3, 1, 4, 5, 8, 11, 9, 6};
    const char *n = name + 5;
#define F(field, expr)                                                                             \
    if (strcmp(n, field) == 0) {                                                                   \
        *v = (int64_t)(expr);                                                                      \
        return true;                                                                               \
    }
    F("state", ti.state < 11 ? linux_state[ti.state] : 0);
    F("options", ti.options);
    F("snd_wscale", ti.snd_wscale);
    F("rcv_wscale", ti.rcv_wscale);
    F("backoff", ti.backoff);
    F("probes", ti.probes);
    F("retransmits", ti.retransmits);
    F("rto", ti.rto);
    F("rtt", ti.rtt);
    F("rttvar", ti.rttvar);
    F("snd_mss", ti.snd_mss);
    F("rcv_mss", ti.rcv_mss);
    F("advmss", ti.adv_mss);
    F("snd_cwnd", ti.snd_cwnd);
    F("snd_ssthresh", ti.snd_ssthresh);
    F("snd_wnd", ti.snd_wnd);
    F("rcv_wnd", ti.rcv_wnd);
    F("unacked", ti.unacked);
    F("retrans", ti.retrans);
    F("ca_state", ti.ca_state);
    F("lost", ti.lost);
    F("sacked", ti.sacked);
    F("reordering", ti.reordering);
    F("delivered", ti.delivered);
    F("delivery_rate", ti.delivery_rate);
    F("undos", ti.undos);
    F("total_retrans", ti.total_retrans);
    F("bytes_sent", ti.bytes_sent);
    F("bytes_acked", ti.bytes_acked);
    F("bytes_received", ti.bytes_received);
    F("bytes_retrans", ti.bytes_retrans);
    F("segs_in", ti.segs_in);
    F("segs_out", ti.segs_out);
    F("min_rtt", ti.min_rtt);
    F("busy_time", ti.busy_time);
    F("rwnd_limited", ti.rwnd_limited);
    F("sndbuf_limited", ti.sndbuf_limited);
    /* Linux reports these as milliseconds since the event. */
    F("last_data_recv", ti.last_data_recv ? (now - (int64_t)ti.last_data_recv) / 1000 : 0);
    F("last_data_sent", ti.last_data_sent ? (now - (int64_t)ti.last_data_sent) / 1000 : 0);
    F("last_ack_recv", ti.last_ack_recv ? (now - (int64_t)ti.last_ack_recv) / 1000 : 0);
#undef F
    return false;
}

void tt__drill_close_all(struct tt_drill_runner *r)
{
    for (size_t i = 0; i < TT_DRILL_MAX_FDS; i++) {
        if (r->fds[i].kind == TT_DRILL_FD_TCP)
            tt_tcp_abort(r->fds[i].t, tt__drill_clock(r->now));
        memset(&r->fds[i], 0, sizeof(r->fds[i]));
    }
}
