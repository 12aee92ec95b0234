#!/usr/bin/env bash
# Installs what logbtq needs from Debian 12 (idempotent: a no-op when all is
# present), then configures and builds it with CMake + Ninja into build/.
#   scripts/setup.sh            install + configure + build
#   SETUP_NO_BUILD=1 scripts/setup.sh   install only
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # LLVM/MLIR 22: headers, libMLIR.so, mlir-tblgen, lit and FileCheck; LLVM's
  # OpenMP runtime, which the trainers' parallel loops call.
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools libomp-22-dev
  # Build tools.
  cmake ninja-build g++ zlib1g-dev libgtest-dev
  # ONNX (C++ protobuf and Python) and the Python reference and its tests.
  libonnx-dev libprotobuf-dev python3-onnx python3-numpy python3-pytest
  # ONNX's backend test models and data (test/Conformance).
  libonnx-testdata
  # PyTorch: exports for the importer tests, the peer baseline, gradient checks.
  python3-torch
  # Real data for the trainers.
  dataset-fashion-mnist
  # scripts/bench.sh: /usr/bin/time -v for peak RSS, matplotlib for its chart.
  time python3-matplotlib
  # scripts/kernel-bench.sh (bench/): Google Benchmark.
  libbenchmark-dev
  # Data-parallel trainers (logbtq-compile --ranks) run under OpenMPI.
  openmpi-bin libopenmpi-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
else
  echo "setup: all ${#packages[@]} Debian packages present"
fi

if [ -n "${SETUP_NO_BUILD:-}" ]; then exit 0; fi

if [ ! -f build/build.ninja ]; then
  cmake -G Ninja -S . -B build -DCMAKE_BUILD_TYPE=Release
fi
ninja -C build all mlir-doc
