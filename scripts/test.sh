#!/usr/bin/env bash
# Sets up, builds and runs every test: lit (FileCheck and GoogleTest suites)
# and pytest for the Python reference. Ends with one summary line,
# "logbtq: N passed, N failed, N skipped" (scripts/summarize-tests.sh).
#   scripts/test.sh              the build in build/
#   scripts/test.sh --sanitize   the same suite on a build with
#                                AddressSanitizer and UndefinedBehaviorSanitizer
#                                (build-asan/; the compiler, the runtime and
#                                every trainer the tests compile)
set -uo pipefail
cd "$(dirname "$0")/.."

build=build
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  SETUP_NO_BUILD=1 scripts/setup.sh || { echo "test: setup failed"; exit 1; }
  sanitize="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
  if [ ! -f $build/build.ninja ]; then
    cmake -G Ninja -S . -B $build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_C_FLAGS="$sanitize -fno-omit-frame-pointer" \
      -DCMAKE_CXX_FLAGS="$sanitize -fno-omit-frame-pointer" \
      -DCMAKE_EXE_LINKER_FLAGS="$sanitize" \
      -DCMAKE_SHARED_LINKER_FLAGS="$sanitize" \
      -DLOGBTQ_TRAINER_LINK_FLAGS="$sanitize" >/dev/null ||
      { echo "test: configuring $build failed"; exit 1; }
  fi
  ninja -C $build all || { echo "test: the sanitizer build failed"; exit 1; }
  # Leaks are not failures: LLVM's and MLIR's tools leave their global
  # registries and contexts to the exit. Every other report is.
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  scripts/setup.sh || { echo "test: setup or build failed"; exit 1; }
fi
ninja -C $build logbtq-golden LogBTQUnitTests >/dev/null || exit 1

lit_log=$(mktemp)
py_log=$(mktemp)
trap 'rm -f "$lit_log" "$py_log"' EXIT

echo "== lit: regression and unit tests"
/usr/lib/llvm-22/bin/lit -sv $build/test | tee "$lit_log"
lit_status=${PIPESTATUS[0]}

echo "== pytest: Python reference"
/usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests | tee "$py_log"
py_status=${PIPESTATUS[0]}

echo
# "logbtq: N passed, N failed, N skipped"; fails unless nothing failed.
scripts/summarize-tests.sh "$lit_log" "$lit_status" "$py_log" "$py_status"
