#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `tether demo|drill|ladder --help` describe every option the command parses:
# each "--name" its source compares an argument with appears in its --help,
# on a line of its own that explains it.
set -uo pipefail
tether=${1:?usage: help_options.sh /path/to/tether}
root=$(cd "$(dirname "$0")/../.." && pwd)
status=0
for cmd in demo drill ladder; do
  src=$root/tools/cmd/$cmd.c
  help=$("$tether" "$cmd" --help) || { echo "FAIL: tether $cmd --help exits $?"; status=1; continue; }
  opts=$(grep -o 'strcmp(a, "-[-a-zA-Z]*")' "$src" | sed 's/.*"\(.*\)")/\1/' | sort -u)
  [ -n "$opts" ] || { echo "FAIL: no options found in $src"; status=1; continue; }
  n=0
  for o in $opts; do
    n=$((n + 1))
    # The option starts a described line: "  --name ...  words".
    if ! grep -qE "^  (-[-a-zA-Z]+[ =A-Z.,]*, )?$o\b.* [a-z(]" <<<"$help"; then
      echo "FAIL: tether $cmd --help does not describe $o"
      status=1
    fi
  done
  echo "tether $cmd --help: $n options checked"
done
exit $status
