#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Run tether's own packetdrill scripts (tests/conformance/*.pkt) through
# `tether drill --table` and check the table against docs/conformance.md:
# a script that does not pass must be listed between the "own-failures"
# markers with its reason; a listed one that passes is an error too.
#
# drill_external.sh reuses the check with "--check TETHER DIR DOC SECTION".
set -u
if [ "${1:-}" = "--check" ]; then
    tether=$2 dir=$3 doc=$4 section=$5
else
    tether=${1:?usage: drill_own.sh /path/to/tether}
    root=$(cd "$(dirname "$0")/../.." && pwd)
    dir=$root/tests/conformance doc=$root/docs/conformance.md section=own-failures
fi

if ! "$tether" drill --help >/dev/null 2>&1; then
    echo "FAIL: '$tether drill' is not available"
    exit 1
fi
[ -f "$doc" ] || { echo "FAIL: $doc is missing"; exit 1; }

# The listed scripts: "| `path` | ... |" rows between the section's markers.
listed=$(sed -n "/<!-- $section -->/,/<!-- \/$section -->/p" "$doc" |
    sed -n 's/^| *`\([^`]*\)`.*/\1/p')

# 0: all passed, 1: some did not; anything else (a crash, a signal, a usage
# error) means the run stopped partway and the table cannot be trusted.
table=$("$tether" drill --table "$dir")
rc=$?
status=0
if [ "$rc" -gt 1 ]; then
    echo "ERROR: '$tether drill --table' exited with status $rc (crashed or killed partway)"
    status=1
fi
# Every script under the folder must have reported exactly once: a runner
# that dies after 5 of 52 scripts must not pass (the drill runs *.pkt in
# name order and skips dot-names, as find does here).
expected=$(cd "$dir" && find -L . -mindepth 1 -name '.*' -prune -o -type f -name '*.pkt' -print |
    sed 's|^\./||' | LC_ALL=C sort)
reported=
printf '%-6s %-70s %s\n' RESULT SCRIPT REASON
while IFS=$'\t' read -r result path reason; do
    case "$result" in PASS|FAIL|SKIP) ;; *) echo "$result"; continue ;; esac
    rel=${path#"$dir"/}
    reported+=$rel$'\n'
    printf '%-6s %-70s %s\n' "$result" "$rel" "$reason"
    if grep -qxF -- "$rel" <<<"$listed"; then
        if [ "$result" = PASS ]; then
            echo "  ^ ERROR: passes now but docs/conformance.md lists it as failing"
            status=1
        fi
    elif [ "$result" != PASS ]; then
        echo "  ^ ERROR: fails but is not listed in docs/conformance.md ($section)"
        status=1
    fi
done <<<"$table"

nexp=$(grep -c . <<<"$expected")
nrep=$(grep -c . <<<"$reported")
missing=$(LC_ALL=C comm -23 <(printf '%s\n' "$expected") <(printf '%s' "$reported" | LC_ALL=C sort))
dups=$(printf '%s' "$reported" | LC_ALL=C sort | uniq -d)
while read -r rel; do
    [ -z "$rel" ] && continue
    echo "ERROR: $rel reported no result"
    status=1
done <<<"$missing"
while read -r rel; do
    [ -z "$rel" ] && continue
    echo "ERROR: $rel reported more than once"
    status=1
done <<<"$dups"
if [ "$nexp" -eq 0 ]; then
    echo "ERROR: no script found under $dir"
    status=1
fi
echo "drill check: $nrep of $nexp scripts reported"

# Every listed script must exist.
while read -r rel; do
    [ -z "$rel" ] && continue
    if [ ! -f "$dir/$rel" ]; then
        echo "ERROR: docs/conformance.md lists $rel, which does not exist"
        status=1
    fi
done <<<"$listed"
exit $status
