#!/usr/bin/env bash
# Sets up, builds and runs every test: lit (FileCheck and GoogleTest suites)
# and pytest for the Python reference. Ends with one summary line,
# "logbtq: N passed, N failed, N skipped" (scripts/summarize-tests.sh).
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh || { echo "test: setup or build failed"; exit 1; }
ninja -C build logbtq-golden LogBTQUnitTests >/dev/null || exit 1

lit_log=$(mktemp)
py_log=$(mktemp)
trap 'rm -f "$lit_log" "$py_log"' EXIT

echo "== lit: regression and unit tests"
/usr/lib/llvm-22/bin/lit -sv build/test | tee "$lit_log"
lit_status=${PIPESTATUS[0]}

echo "== pytest: Python reference"
/usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests | tee "$py_log"
py_status=${PIPESTATUS[0]}

echo
# "logbtq: N passed, N failed, N skipped"; fails unless nothing failed.
scripts/summarize-tests.sh "$lit_log" "$lit_status" "$py_log" "$py_status"
