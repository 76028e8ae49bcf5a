/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Error codes. Every call returns 0 (or a non-negative count) on success and a
 * negative TT_E* code on failure. A bad packet is never an error: it is dropped
 * and counted under a named reason (see counters.h).
 */
#ifndef TETHER_ERRORS_H
#define TETHER_ERRORS_H

#define TT_OK 0
#define TT_EINVAL (-1)         /* an argument is out of range or malformed */
#define TT_ENOMEM (-2)         /* the allocator (or a configured limit) refused */
#define TT_EAGAIN (-3)         /* would block: try again after an event */
#define TT_ECONNREFUSED (-4)   /* the peer answered our SYN with an RST */
#define TT_ECONNRESET (-5)     /* the connection was reset by the peer */
#define TT_ETIMEDOUT (-6)      /* retransmissions or the user timeout ran out */
#define TT_ENOTCONN (-7)       /* the handle is not connected */
#define TT_EISCONN (-8)        /* the handle is already connected */
#define TT_EADDRINUSE (-9)     /* the local address/port is taken */
#define TT_EPIPE (-10)         /* writing after our FIN (shutdown or close) */
#define TT_EALREADY (-11)      /* an operation is already in progress */
#define TT_EINPROGRESS (-12)   /* a non-blocking connect has started */
#define TT_ENOBUFS (-13)       /* a bounded queue is full */
#define TT_EHOSTUNREACH (-14)  /* ARP gave up, or ICMP host unreachable */
#define TT_ENETUNREACH (-15)   /* no route to the destination */
#define TT_EMSGSIZE (-16)      /* the datagram is too large */
#define TT_ENOENT (-17)        /* no such object (interface, handle, ...) */
#define TT_ECONNABORTED (-18)  /* aborted locally */
#define TT_EADDRNOTAVAIL (-19) /* the address is not one of ours / no port left */
#define TT_EOPNOTSUPP (-20)    /* the operation does not apply in this state */
#define TT_EBADF (-21)         /* the handle is closed or invalid */
#define TT_EPROTO (-22)        /* a protocol error was reported (ICMP) */
#define TT_ENOSPC (-23)        /* a fixed table is full */
#define TT_ELAST (-23)

/* A short, static, English description of a TT_E* code ("unknown error" otherwise). */
const char *tt_strerror(int err);

/* The symbolic name of a TT_E* code, e.g. "TT_EAGAIN" ("TT_E?" otherwise). */
const char *tt_errname(int err);

#endif
