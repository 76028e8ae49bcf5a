/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target: the HTTP/1.1 head parser (tools/http). Whatever the
 * bytes, a parse never claims more than it was given, every field points
 * inside the input, a shorter prefix of an accepted head is partial, and
 * the helpers (Content-Length, Range, target path) stay within bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_inside(const char *base, size_t size, const char *p, size_t len)
{
    if (len && (p < base || p + len > base + size))
        __builtin_trap();
}

static void check_fields(const char *b, size_t size, const struct tt_http_header *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        check_inside(b, size, f[i].name, f[i].name_len);
        check_inside(b, size, f[i].value, f[i].value_len);
        uint64_t v, a, z;
        (void)tt_http_content_length(f[i].value, f[i].value_len, &v);
        if (tt_http_parse_range(f[i].value, f[i].value_len, 1000, &a, &z) == 1 &&
            (a > z || z >= 1000))
            __builtin_trap();
        (void)tt_http_has_token(f[i].value, f[i].value_len, "close");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *b = (const char *)data;
    struct tt_http_header f[8];
    struct tt_http_request rq = {.headers = f, .max_headers = 8};
    int n = tt_http_parse_request(b, size, &rq);
    if (n > (int)size || n == 0)
        __builtin_trap();
    if (n > 0) {
        check_inside(b, size, rq.method, rq.method_len);
        check_inside(b, size, rq.target, rq.target_len);
        check_fields(b, size, f, rq.num_headers);
        struct tt_http_request again = {.headers = f, .max_headers = 8};
        if (tt_http_parse_request(b, (size_t)n - 1, &again) != TT_HTTP_EPARTIAL)
            __builtin_trap();
        char path[64];
        int pl = tt_http_target_path(rq.target, rq.target_len, path, sizeof path);
        if (pl >= (int)sizeof path || (pl > 0 && (path[0] != '/' || strlen(path) != (size_t)pl)))
            __builtin_trap();
        if (pl > 0 && (strstr(path, "/../") || strstr(path, "/./")))
            __builtin_trap();
    }
    struct tt_http_response rs = {.headers = f, .max_headers = 8};
    n = tt_http_parse_response(b, size, &rs);
    if (n > (int)size || n == 0)
        __builtin_trap();
    if (n > 0) {
        if (rs.status < 100 || rs.status > 999)
            __builtin_trap();
        check_fields(b, size, f, rs.num_headers);
    }
    return 0;
}
