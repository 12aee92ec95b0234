#!/usr/bin/env bash
# The benchmark of docs/Benchmarks.md ("How to run the benchmark"), outside CI:
# logbtq MU8, logbtq float32 with and without barrier, and PyTorch 1.13, one
# epoch on a subset of Fashion-MNIST per run, for mlp, cnn and resnet-tiny at
# 1 and 2 threads, run alternately and repeated. Prints the medians of
# samples/s, their ratios, test accuracy, peak RSS and compile time; writes
# OUT/bench.json, OUT/bench.png and every run's log and --metrics file.
#
#   scripts/bench.sh [python/tools/bench.py flags]
#
# Settings (environment; the flags of python/tools/bench.py override them):
#   MODELS="mlp cnn resnet-tiny"  THREADS="1 2"  REPEATS=2  OUT=bench-results
#   TRAIN_LIMIT_MLP=19200  TRAIN_LIMIT_CNN=6400  TRAIN_LIMIT_RESNET_TINY=1280
#   LOGBTQ_DATA=/usr/share/datasets/fashion-mnist
#   BUILD=0 skips scripts/setup.sh (install and build); LOGBTQ_BUILD_LOCK=FILE
#   runs it under flock FILE, for a machine where builds are serialized.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${BUILD:-1}" != 0 ]; then
  if [ -n "${LOGBTQ_BUILD_LOCK:-}" ]; then
    flock "$LOGBTQ_BUILD_LOCK" scripts/setup.sh
  else
    scripts/setup.sh
  fi
fi
exec /usr/bin/python3 python/tools/bench.py "$@"
