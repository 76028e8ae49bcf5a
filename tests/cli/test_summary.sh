#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# scripts/test_summary.sh (the end of `make test`) prints the conformance
# tables and each skipped test with the last line it printed, from ctest's
# JUnit files: checked on a small hand-written one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/j.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="x" tests="3" failures="0" disabled="0" skipped="1">
	<testcase name="pcap_tshark" classname="pcap_tshark" time="0.1" status="notrun">
		<skipped message="SKIP_RETURN_CODE=77"/>
		<system-out>checking
SKIP: tshark &lt;missing&gt; &amp; no way
</system-out>
	</testcase>
	<testcase name="drill_external" classname="drill_external" time="1" status="run">
		<system-out>RESULT SCRIPT REASON
PASS   a.pkt
FAIL   b.pkt  line 3: expected &gt; S.
1 passed, 1 failed, 0 skipped
</system-out>
	</testcase>
	<testcase name="drill_own" classname="drill_own" time="1" status="run">
		<system-out>RESULT SCRIPT REASON
PASS   own.pkt
1 passed, 0 failed, 0 skipped
</system-out>
	</testcase>
</testsuite>
XML
out=$(bash "$root/scripts/test_summary.sh" "$tmp/j.xml" "$tmp/absent.xml")
fail() { echo "FAIL: $1"; echo "$out"; exit 1; }
grep -qxF 'FAIL   b.pkt  line 3: expected > S.' <<<"$out" || fail "external table row"
grep -qxF 'PASS   a.pkt' <<<"$out" || fail "external PASS row"
grep -qF 'PASS   own.pkt' <<<"$out" && fail "own table shows passing rows"
grep -qxF '1 passed, 0 failed, 0 skipped' <<<"$out" || fail "own totals"
grep -qE '^  pcap_tshark +SKIP: tshark <missing> & no way$' <<<"$out" || fail "skip reason"
grep -qF 'skipped tests (1)' <<<"$out" || fail "skip count"
echo "test summary: tables and skip reasons: ok"
