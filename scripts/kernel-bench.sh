#!/usr/bin/env bash
# The kernel microbenchmarks of docs/Benchmarks.md ("Kernel microbenchmarks"),
# outside CI: builds logbtq-kernel-bench (which lowers the kernels with the
# current logbtq-opt) and runs it. Arguments go to the binary, e.g.
#   scripts/kernel-bench.sh --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#   scripts/kernel-bench.sh --benchmark_filter='peak|mlp'
# The build runs under flock on LOGBTQ_BUILD_LOCK (default
# /tmp/logbtq-build.lock), for a machine where builds are serialized.
# BUILD=0 skips the install check and the build.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BUILD:-1}" != 0 ]; then
  SETUP_NO_BUILD=1 scripts/setup.sh # installs libbenchmark-dev if missing
  lock="${LOGBTQ_BUILD_LOCK:-/tmp/logbtq-build.lock}"
  if [ ! -f build/build.ninja ]; then
    flock "$lock" cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
  fi
  flock "$lock" ninja -C build logbtq-kernel-bench
fi
exec build/bin/logbtq-kernel-bench "$@"
