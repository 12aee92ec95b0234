#!/usr/bin/env bash
# Sets up, builds and runs every test: lit (FileCheck and GoogleTest suites)
# and pytest for the Python reference. Ends with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || { echo "test: setup or build failed"; exit 1; }
ninja -C build logbtq-golden LogBTQUnitTests >/dev/null || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT

echo "== lit: regression and unit tests"
/usr/lib/llvm-22/bin/lit -sv build/test | tee "$log"
lit_status=${PIPESTATUS[0]}
lit_passed=$(sed -n 's/^ *Passed *: *\([0-9]*\).*/\1/p' "$log" | head -1)
lit_failed=$(awk -F: '/^ *(Failed|Unresolved|Timed Out|Unexpectedly Passed) *:/ {
  split($2, a, " "); n += a[1] } END { print n + 0 }' "$log")

echo "== pytest: Python reference"
/usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests | tee "$log"
py_status=${PIPESTATUS[0]}
py_passed=$(grep -oE '[0-9]+ passed' "$log" | tail -1 | cut -d' ' -f1)
py_failed=$(grep -oE '[0-9]+ (failed|errors?)' "$log" | awk '{ n += $1 } END { print n + 0 }')

passed=$(( ${lit_passed:-0} + ${py_passed:-0} ))
failed=$(( ${lit_failed:-0} + ${py_failed:-0} ))
# A runner that failed without reporting counts (crash, bad config) is a failure.
if [ "$lit_status" -ne 0 ] && [ "${lit_failed:-0}" -eq 0 ]; then failed=$((failed + 1)); fi
if [ "$py_status" -ne 0 ] && [ "${py_failed:-0}" -eq 0 ]; then failed=$((failed + 1)); fi

echo
echo "logbtq: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
