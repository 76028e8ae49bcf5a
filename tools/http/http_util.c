/* SPDX-License-Identifier: BSD-2-Clause */
/* The server's helpers: a growable buffer and the HTML directory listing. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "http_int.h"

static int buf_reserve(struct tt_http_buf *b, size_t more)
{
    if (b->failed)
        return -1;
    if (b->len + more + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 512;
    while (cap < b->len + more + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void tt_http_buf_append(struct tt_http_buf *b, const void *data, size_t len)
{
    if (buf_reserve(b, len) != 0)
        return;
    memcpy(b->p + b->len, data, len);
    b->len += len;
    b->p[b->len] = 0;
}

void tt_http_buf_printf(struct tt_http_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Text for HTML: & < > " escaped. */
static void put_html(struct tt_http_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            tt_http_buf_append(b, "&amp;", 5);
            break;
        case '<':
            tt_http_buf_append(b, "&lt;", 4);
            break;
        case '>':
            tt_http_buf_append(b, "&gt;", 4);
            break;
        case '"':
            tt_http_buf_append(b, "&quot;", 6);
            break;
        default:
            tt_http_buf_append(b, s, 1);
        }
    }
}

/* A path segment for a URL: unreserved characters as they are, the rest
 * percent-encoded (RFC 3986 §2.1). */
static void put_url(struct tt_http_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
            strchr("-._~", c))
            tt_http_buf_append(b, s, 1);
        else
            tt_http_buf_printf(b, "%%%02X", c);
    }
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tt_http_listing(struct tt_http_buf *out, const char *dir, const char *path)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue; /* ".", "..", and hidden files are not listed */
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    tt_http_buf_printf(out, "<!DOCTYPE html>\n<meta charset=\"utf-8\">\n<title>Index of ");
    put_html(out, path);
    tt_http_buf_printf(out, "</title>\n<h1>Index of ");
    put_html(out, path);
    tt_http_buf_printf(out, "</h1>\n<ul>\n");
    for (size_t i = 0; i < n; i++) {
        char full[4096];
        struct stat sb;
        snprintf(full, sizeof full, "%s/%s", dir, names[i]);
        int isdir = stat(full, &sb) == 0 && S_ISDIR(sb.st_mode);
        tt_http_buf_printf(out, "<li><a href=\"");
        put_url(out, names[i]);
        tt_http_buf_printf(out, "%s\">", isdir ? "/" : "");
        put_html(out, names[i]);
        tt_http_buf_printf(out, "%s</a></li>\n", isdir ? "/" : "");
        free(names[i]);
    }
    free(names);
    tt_http_buf_printf(out, "</ul>\n");
    return out->failed ? -1 : 0;
}

int tt_http_known_method(const char *m, size_t len)
{
    static const char *const known[] = {"POST",    "PUT",   "DELETE", "CONNECT",
                                        "OPTIONS", "TRACE", "PATCH"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strlen(known[i]) == len && !memcmp(known[i], m, len))
            return 1;
    return 0;
}
