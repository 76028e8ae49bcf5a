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

table=$("$tether" drill --table "$dir")
status=0
printf '%-6s %-70s %s\n' RESULT SCRIPT REASON
while IFS=$'\t' read -r result path reason; do
    case "$result" in PASS|FAIL|SKIP) ;; *) echo "$result"; continue ;; esac
    rel=${path#"$dir"/}
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

# Every listed script must exist.
while read -r rel; do
    [ -z "$rel" ] && continue
    if [ ! -f "$dir/$rel" ]; then
        echo "ERROR: docs/conformance.md lists $rel, which does not exist"
        status=1
    fi
done <<<"$listed"
exit $status
