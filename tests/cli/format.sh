#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The tree is formatted with the committed .clang-format (STYLE.md rule 9).
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
command -v clang-format >/dev/null || { echo "SKIP: clang-format missing"; exit 77; }
if [ -d .git ] && command -v git >/dev/null; then
  files=$(git ls-files '*.c' '*.h')
else
  files=$(find include src link port tools tests bench -name '*.[ch]')
fi
bad=0
for f in $files; do
  [ -f "$f" ] || continue
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f   (fix: clang-format -i $f)"
    bad=$((bad + 1))
  fi
done
[ "$bad" -eq 0 ] || { echo "$bad file(s) not formatted"; exit 1; }
echo "all $(echo "$files" | wc -w) C files formatted"
