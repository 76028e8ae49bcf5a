/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The only library header the core may use beyond the freestanding ones
 * (stddef.h, stdint.h, stdbool.h, limits.h). The freestanding build check
 * compiles src/ with -nostdinc against this file and the compiler's own
 * headers, so any OS or libc header in the core fails the build.
 */
#ifndef TT_FREESTANDING_STRING_H
#define TT_FREESTANDING_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
