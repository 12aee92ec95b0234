#!/usr/bin/env bash
# Usage: summarize-tests.sh LIT_LOG LIT_STATUS PYTEST_LOG PYTEST_STATUS
# The summary line of scripts/test.sh from the logs of lit and pytest and
# their exit statuses: "logbtq: N passed, N failed, N skipped". Skipped
# counts lit's Unsupported and Skipped tests (GoogleTest's GTEST_SKIP is
# Skipped) and pytest's skipped ones. Exits 0 only when nothing failed and
# something passed. test/Tools/test-summary.test checks it.
set -uo pipefail
lit_log=$1 lit_status=$2 py_log=$3 py_status=$4

# lit's summary: "  Passed     : 148 (98.67%)", one line per result kind.
lit_count() {
  awk -F: -v kinds="$1" '$1 ~ "^ *(" kinds ") *$" {
    split($2, a, " "); n += a[1] } END { print n + 0 }' "$lit_log"
}
lit_passed=$(lit_count "Passed")
lit_failed=$(lit_count "Failed|Unresolved|Timed Out|Unexpectedly Passed")
lit_skipped=$(lit_count "Unsupported|Skipped")

# pytest's last line: "40 passed, 2 skipped, 1 failed in 3.21s" (with -q;
# framed by "=" without it; "in 62.10s (0:01:02)" for a long run).
py_line=$(grep -E '^=* ?[0-9]+ [a-z]+.* in [0-9.]+s( \([0-9:]+\))?( =+)?$' "$py_log" | tail -1)
py_count() {
  printf '%s\n' "$py_line" | grep -oE "[0-9]+ ($1)\b" |
    awk '{ n += $1 } END { print n + 0 }'
}
py_passed=$(py_count "passed")
py_failed=$(py_count "failed|errors?")
py_skipped=$(py_count "skipped")

passed=$((lit_passed + py_passed))
failed=$((lit_failed + py_failed))
skipped=$((lit_skipped + py_skipped))
# A runner that failed without reporting counts (crash, bad config) is a failure.
if [ "$lit_status" -ne 0 ] && [ "$lit_failed" -eq 0 ]; then failed=$((failed + 1)); fi
if [ "$py_status" -ne 0 ] && [ "$py_failed" -eq 0 ]; then failed=$((failed + 1)); fi

echo "logbtq: ${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
