#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make install` puts headers, libraries, the command and tether.pc in place,
# and a program built only from what was installed (via pkg-config) runs.
set -euo pipefail
tether=$1
build=$(cd "$(dirname "$tether")" && pwd)
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config missing"; exit 77; }
cc=${CC:-cc}; command -v "$cc" >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(ls -d "$tmp"/prefix/lib*/ | head -1)
for f in include/tether/tether.h include/tether/tcp.h include/tether/host/sim.h bin/tether; do
  [ -e "$tmp/prefix/$f" ] || { echo "FAIL: $f not installed"; exit 1; }
done
ls "$libdir"/libtether.a "$libdir"/libtether.so "$libdir"/libtether-host.a >/dev/null
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion tether)" = "$("$tether" version | awk '{print $NF}')" ] ||
  { echo "FAIL: pkg-config version differs from tether version"; exit 1; }
cat > "$tmp/t.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <tether/tether.h>
static void *a(void *c, size_t n) { (void)c; return malloc(n); }
static void f(void *c, void *p, size_t n) { (void)c; (void)n; free(p); }
int main(void)
{
    struct tt_config cfg;
    tt_config_default(&cfg);
    cfg.allocator.alloc = a;
    cfg.allocator.free = f;
    struct tt_stack *s;
    if (tt_stack_create(&cfg, &s) != 0)
        return 1;
    printf("%s %d\n", tt_strerror(TT_EAGAIN), tt_stack_mem_in_use(s) > 0);
    tt_stack_destroy(s);
    return 0;
}
C
extra=""
# A sanitized build installs sanitized libraries: link the runtime too.
if nm "$libdir/libtether.a" 2>/dev/null | grep -c __asan >/dev/null; then
  extra="-fsanitize=address,undefined"
  command -v clang >/dev/null && cc=clang # the sanitizer runtime of the build
fi
# shellcheck disable=SC2046
$cc -std=c11 -Wall -Werror $(pkg-config --cflags tether) "$tmp/t.c" -o "$tmp/t" \
  "$libdir/libtether.a" $extra
out=$("$tmp/t")
[ "$out" = "resource temporarily unavailable 1" ] || { echo "FAIL: got '$out'"; exit 1; }
echo "install: headers, libtether.a/.so, libtether-host.a, tether, tether.pc: ok"
