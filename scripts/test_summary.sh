#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# What `make test` prints at its end, from the JUnit files ctest wrote
# (--output-junit): the conformance tables (tether's own scripts and the
# external packetdrill scripts, as drill_own and drill_external printed them)
# and every skipped test with its reason (the last line it printed).
# Usage: scripts/test_summary.sh JUNIT.xml...
set -uo pipefail
[ $# -gt 0 ] || { echo "usage: $0 JUNIT.xml..." >&2; exit 2; }
files=()
for f in "$@"; do [ -f "$f" ] && files+=("$f"); done
[ ${#files[@]} -gt 0 ] || { echo "test summary: no ctest result file ($*)"; exit 0; }

# One record per test case: NAME<TAB>STATUS<TAB>OUTPUT, its lines joined by \036.
cases=$(awk '
function unesc(s) {
  gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s); gsub(/&quot;/, "\"", s)
  gsub(/&apos;/, "\047", s); gsub(/&#10;/, "", s); gsub(/&amp;/, "\\&", s)
  return s
}
function attr(line, key,    m) {
  if (match(line, key "=\"[^\"]*\"")) return substr(line, RSTART + length(key) + 2, RLENGTH - length(key) - 3)
  return ""
}
/<testcase / { name = attr($0, "name"); status = attr($0, "status"); out = ""; inout = 0 }
/<system-out>/ { inout = 1; sub(/.*<system-out>/, "") }
inout {
  line = $0; done = sub(/<\/system-out>.*/, "", line)
  if (line != "" || !done) out = out unesc(line) "\036"
  if (done) inout = 0
}
/<\/testcase>/ { gsub(/\t/, " ", out); printf "%s\t%s\t%s\n", name, status, out }
' "${files[@]}")

table() { # the output of one test, with a heading; "short": only rows that do not pass
  local name=$1 heading=$2 short=${3:-} out
  out=$(awk -F'\t' -v n="$name" '$1 == n { o = $3 } END { printf "%s", o }' <<<"$cases")
  [ -n "$out" ] || return 0
  echo
  echo "== $heading"
  if [ -n "$short" ]; then
    tr '\036' '\n' <<<"$out" | grep -v -e '^PASS ' -e '^$'
  else
    tr '\036' '\n' <<<"$out" | sed '/^$/d'
  fi
}
table drill_own "conformance: tether's own scripts (tests/conformance/; rows that do not pass)" short
table drill_external "conformance: packetdrill scripts (../shared/conformance/packetdrill)"

echo
skipped=$(awk -F'\t' '$2 == "notrun" { print $1 "\t" $3 }' <<<"$cases" | sort -u)
if [ -z "$skipped" ]; then
  echo "== skipped tests: none"
else
  echo "== skipped tests ($(wc -l <<<"$skipped")), with the reason each printed"
  while IFS=$'\t' read -r name out; do
    reason=$(tr '\036' '\n' <<<"$out" | sed '/^[[:space:]]*$/d' | tail -1)
    printf '  %-28s %s\n' "$name" "${reason:-(no reason printed)}"
  done <<<"$skipped"
fi
