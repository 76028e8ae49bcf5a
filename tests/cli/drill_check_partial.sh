#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
#
# The drill checker must not pass a run that stopped partway: a wrapper that
# reports 5 of the own scripts and exits 0, one that crashes (SIGSEGV) after
# them, and one that reports a script twice must each make drill_own.sh fail;
# the real run must pass.
set -u
tether=${1:?usage: drill_check_partial.sh /path/to/tether}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dir=$root/tests/conformance
doc=$root/docs/conformance.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fake() { # name, then the body run for "drill --table DIR"
    cat >"$tmp/$1" <<SH
#!/bin/bash
[ "\$2" = --help ] && exec "$tether" drill --help
$2
SH
    chmod +x "$tmp/$1"
}
fake short "\"$tether\" drill --table \"\$3\" | head -5; exit 0"
fake crash "\"$tether\" drill --table \"\$3\" | head -5; kill -SEGV \$\$"
fake twice "\"$tether\" drill --table \"\$3\"; \"$tether\" drill --table \"\$3\" | head -1; exit 0"

fail=0
for w in short crash twice; do
    out=$(bash "$here/drill_own.sh" --check "$tmp/$w" "$dir" "$doc" own-failures 2>&1)
    if [ $? -eq 0 ]; then
        echo "FAIL: the checker passed the '$w' run"
        fail=1
    else
        echo "ok: the '$w' run fails: $(grep -m1 ERROR <<<"$out")"
    fi
done
if ! bash "$here/drill_own.sh" --check "$tether" "$dir" "$doc" own-failures >/dev/null 2>&1; then
    echo "FAIL: the checker fails the real run"
    fail=1
fi
[ $fail = 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
