/* SPDX-License-Identifier: BSD-2-Clause */
/* Names and descriptions for error codes and drop reasons. */
#include <tether/counters.h>
#include <tether/errors.h>

static const struct {
    int code;
    const char *name;
    const char *desc;
} tt_errors[] = {
    {TT_OK, "TT_OK", "success"},
    {TT_EINVAL, "TT_EINVAL", "invalid argument"},
    {TT_ENOMEM, "TT_ENOMEM", "out of memory"},
    {TT_EAGAIN, "TT_EAGAIN", "resource temporarily unavailable"},
    {TT_ECONNREFUSED, "TT_ECONNREFUSED", "connection refused"},
    {TT_ECONNRESET, "TT_ECONNRESET", "connection reset by peer"},
    {TT_ETIMEDOUT, "TT_ETIMEDOUT", "connection timed out"},
    {TT_ENOTCONN, "TT_ENOTCONN", "not connected"},
    {TT_EISCONN, "TT_EISCONN", "already connected"},
    {TT_EADDRINUSE, "TT_EADDRINUSE", "address already in use"},
    {TT_EPIPE, "TT_EPIPE", "broken pipe (write after shutdown)"},
    {TT_EALREADY, "TT_EALREADY", "operation already in progress"},
    {TT_EINPROGRESS, "TT_EINPROGRESS", "operation now in progress"},
    {TT_ENOBUFS, "TT_ENOBUFS", "no buffer space available"},
    {TT_EHOSTUNREACH, "TT_EHOSTUNREACH", "no route to host"},
    {TT_ENETUNREACH, "TT_ENETUNREACH", "network is unreachable"},
    {TT_EMSGSIZE, "TT_EMSGSIZE", "message too long"},
    {TT_ENOENT, "TT_ENOENT", "no such object"},
    {TT_ECONNABORTED, "TT_ECONNABORTED", "connection aborted"},
    {TT_EADDRNOTAVAIL, "TT_EADDRNOTAVAIL", "address not available"},
    {TT_EOPNOTSUPP, "TT_EOPNOTSUPP", "operation not supported"},
    {TT_EBADF, "TT_EBADF", "bad handle"},
    {TT_EPROTO, "TT_EPROTO", "protocol error"},
    {TT_ENOSPC, "TT_ENOSPC", "no space left in table"},
};

const char *tt_strerror(int err)
{
    for (unsigned i = 0; i < sizeof tt_errors / sizeof tt_errors[0]; i++)
        if (tt_errors[i].code == err)
            return tt_errors[i].desc;
    return "unknown error";
}

const char *tt_errname(int err)
{
    for (unsigned i = 0; i < sizeof tt_errors / sizeof tt_errors[0]; i++)
        if (tt_errors[i].code == err)
            return tt_errors[i].name;
    return "TT_E?";
}

static const char *const tt_drop_names[] = {
#define TT__DROP_NAME(name, desc) #name,
    TT_DROP_REASONS(TT__DROP_NAME)
#undef TT__DROP_NAME
};

static const char *const tt_drop_descs[] = {
#define TT__DROP_DESC(name, desc) desc,
    TT_DROP_REASONS(TT__DROP_DESC)
#undef TT__DROP_DESC
};

const char *tt_drop_reason_name(enum tt_drop_reason r)
{
    return (unsigned)r < TT_DROP_COUNT ? tt_drop_names[r] : 0;
}

const char *tt_drop_reason_desc(enum tt_drop_reason r)
{
    return (unsigned)r < TT_DROP_COUNT ? tt_drop_descs[r] : 0;
}
