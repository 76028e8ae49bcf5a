#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# Run every packetdrill script under ../shared/conformance/packetdrill through
# `tether drill --table`, print the table, and check it against
# docs/conformance.md: every script that does not pass must be listed there
# (between the "external-failures" markers) with its reason, and a listed
# script that now passes is an error too (the document must be updated).
# Exit 77 (skipped) when the script folder is absent.
set -u
tether=${1:?usage: drill_external.sh /path/to/tether}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=${TT_CONFORMANCE_DIR:-$root/../shared/conformance/packetdrill}
doc=$root/docs/conformance.md
section=external-failures

if [ ! -d "$dir" ]; then
    echo "skipped: $dir is absent"
    exit 77
fi
exec bash "$here/drill_own.sh" --check "$tether" "$dir" "$doc" "$section"
