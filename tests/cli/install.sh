#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installing tether, as a user of the library would:
#  - `cmake --install --prefix` (what `make install PREFIX=` runs) and DESTDIR put
#    headers, libraries, the command and the pkg-config files in place;
#  - every C example of README.md and docs/*.md compiles (-Wall -Wextra -Werror)
#    and links with pkg-config alone, against the shared libraries and, with
#    --static, against the static ones, and runs to exit status 0;
#  - libtether.so exports only tt_ names, every function include/tether/
#    declares among them, and has a SONAME;
#  - tether.pc stays right when the library directory is two levels deep
#    (-DCMAKE_INSTALL_PREFIX=/usr on Debian: lib/x86_64-linux-gnu).
set -euo pipefail
tether=$1
build=$(cd "$(dirname "$tether")" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
command -v pkg-config >/dev/null || { echo "SKIP: pkg-config missing"; exit 77; }
cc=${CC:-cc}; command -v "$cc" >/dev/null || { echo "SKIP: no C compiler"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
libdir=$(dirname "$(find "$tmp/prefix" -name tether.pc)")/..
libdir=$(cd "$libdir" && pwd)
for f in include/tether/tether.h include/tether/tcp.h include/tether/host/sim.h \
    include/tether/host/port.h bin/tether; do
  [ -e "$tmp/prefix/$f" ] || fail "$f not installed"
done
ls "$libdir"/libtether.a "$libdir"/libtether.so "$libdir"/libtether-host.a >/dev/null
export PKG_CONFIG_PATH="$libdir/pkgconfig"
[ "$(pkg-config --modversion tether)" = "$("$tether" version | awk '{print $NF}')" ] ||
  fail "pkg-config version differs from tether version"
pkg-config --exists tether-host || fail "no tether-host.pc"
case " $(pkg-config --cflags tether-host) " in *" -I$tmp/prefix/include "*|*"/../include "*) ;;
  *) fail "tether-host --cflags: $(pkg-config --cflags tether-host)" ;; esac

# The public API only, under a SONAME.
so=$(readlink -f "$libdir/libtether.so")
dyn=$(readelf -d "$so")
grep -q 'SONAME.*libtether\.so\.[0-9]' <<<"$dyn" || fail "libtether.so has no SONAME"
exported=$(nm -D --defined-only "$so" | awk '$2 ~ /^[TDBR]$/ {print $3}' | sed 's/@.*//' | sort -u)
bad=$(grep -v '^tt_[a-z0-9]' <<<"$exported" | grep -v '^_' || true)
[ -z "$bad" ] || fail "libtether.so exports non-API symbols: $(head -5 <<<"$bad" | tr '\n' ' ')"
grep -q '^tt__' <<<"$exported" && fail "libtether.so exports internal tt__ symbols"
declared=$(cat "$root"/include/tether/*.h | grep -oE '\btt_[a-z0-9_]+\(' | tr -d '(' | sort -u)
for fn in $declared; do
  grep -qx "$fn" <<<"$exported" || grep -q "static inline[^;]*\b$fn(" "$root"/include/tether/*.h ||
    fail "$fn is declared in include/tether/ but not exported by libtether.so"
done

# A sanitized build installs sanitized libraries: link the runtime too.
extra=""
if nm "$libdir/libtether.a" 2>/dev/null | grep -c __asan >/dev/null; then # -c: reads all (pipefail)
  extra="-fsanitize=address,undefined"
  command -v clang >/dev/null && cc=clang # the sanitizer runtime of the build
fi

# Every ```c block of the README and docs/, each a whole program.
n=0
for doc in "$root/README.md" "$root"/docs/*.md; do
  awk -v out="$tmp/ex" -v base="$(basename "$doc" .md)" '
    /^```c *$/ { inside = 1; k++; file = out "-" base "-" k ".c"; printf "" > file; next }
    /^```/ && inside { inside = 0; close(file); next }
    inside { print > file }' "$doc"
done
for ex in "$tmp"/ex-*.c; do
  [ -e "$ex" ] || continue
  n=$((n + 1))
  name=$(basename "$ex" .c)
  # shellcheck disable=SC2046
  $cc -std=c11 -Wall -Wextra -Werror $(pkg-config --cflags tether-host) "$ex" -o "$tmp/$name" \
    $(pkg-config --libs tether-host) $extra || fail "$name does not compile or link (shared)"
  LD_LIBRARY_PATH="$libdir" "$tmp/$name" >"$tmp/$name.out" || fail "$name exits $?"
  needed=$(readelf -d "$tmp/$name") # captured first: grep -q on a pipe races pipefail
  grep -q "NEEDED.*libtether\.so\.[0-9]" <<<"$needed" || fail "$name is not linked to libtether.so"
done
[ "$n" -ge 1 ] || fail "no C example found in README.md"

# Static: the same examples with only the .a files installed.
cp -a "$tmp/prefix" "$tmp/static"
rm -f "$tmp"/static/lib*/libtether.so* "$tmp"/static/lib*/*/libtether.so*
export PKG_CONFIG_PATH="${libdir/$tmp\/prefix/$tmp/static}/pkgconfig"
for ex in "$tmp"/ex-*.c; do
  name=$(basename "$ex" .c)
  # shellcheck disable=SC2046
  $cc -std=c11 -Wall -Wextra -Werror $(pkg-config --static --cflags tether-host) "$ex" \
    -o "$tmp/$name-static" $(pkg-config --static --libs tether-host) $extra ||
    fail "$name does not link statically"
  "$tmp/$name-static" >/dev/null || fail "$name (static) exits $?"
done

# DESTDIR: everything under the staging root, the .pc files still right there.
DESTDIR="$tmp/stage" cmake --install "$build" >/dev/null
pc=$(find "$tmp/stage" -name tether.pc | head -1)
[ -n "$pc" ] || fail "DESTDIR install has no tether.pc"
inc=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags-only-I tether | sed 's/^-I//; s/ *$//')
[ -f "$inc/tether/tether.h" ] || fail "tether.pc under DESTDIR points at $inc"

# A library directory two levels deep: configure only, check the .pc it writes.
cmake -S "$root" -B "$tmp/deep" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_INSTALL_LIBDIR=lib/x86_64-linux-gnu \
  -DTETHER_TESTS=OFF -DTETHER_BENCH=OFF >/dev/null
mkdir -p "$tmp/fake/lib/x86_64-linux-gnu/pkgconfig" "$tmp/fake/include/tether"
cp "$tmp/deep/tether.pc" "$tmp/deep/tether-host.pc" "$tmp/fake/lib/x86_64-linux-gnu/pkgconfig/"
touch "$tmp/fake/include/tether/tether.h"
for mod in tether tether-host; do
  inc=$(PKG_CONFIG_PATH="$tmp/fake/lib/x86_64-linux-gnu/pkgconfig" pkg-config --cflags-only-I $mod |
    sed 's/^-I//; s/ *$//')
  [ -f "$inc/tether/tether.h" ] || fail "$mod.pc with lib/x86_64-linux-gnu gives -I$inc"
  lib=$(PKG_CONFIG_PATH="$tmp/fake/lib/x86_64-linux-gnu/pkgconfig" pkg-config --libs-only-L $mod |
    sed 's/^-L//; s/ *$//')
  [ "$(cd "$lib" && pwd)" = "$tmp/fake/lib/x86_64-linux-gnu" ] || fail "$mod.pc gives -L$lib"
done
echo "install: $n README/docs example(s) built and run (shared and static), API-only exports, DESTDIR, deep libdir: ok"
