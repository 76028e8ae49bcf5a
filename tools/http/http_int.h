/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal to tools/http/: a growable byte buffer and the directory listing.
 * The interface of the folder is http.h. */
#ifndef TETHER_TOOLS_HTTP_INT_H
#define TETHER_TOOLS_HTTP_INT_H

#include <stddef.h>

struct tt_http_buf {
    char *p;
    size_t len, cap;
    int failed; /* an allocation failed: the content is truncated */
};

/* Append bytes / formatted text; on allocation failure set failed. */
void tt_http_buf_append(struct tt_http_buf *b, const void *data, size_t len);
void tt_http_buf_printf(struct tt_http_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An HTML listing of directory `dir` (a real path), shown as URL path `path`
 * (ending in '/'), names sorted, escaped and percent-encoded. 0 or -1. */
int tt_http_listing(struct tt_http_buf *out, const char *dir, const char *path);

/* 1 for a method RFC 9110 §9 defines (405 rather than 501 for those). */
int tt_http_known_method(const char *m, size_t len);

#endif
