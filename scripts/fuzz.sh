#!/usr/bin/env bash
# Runs one fuzz target (fuzz/, docs/Reliability.md) under libFuzzer with
# AddressSanitizer and UndefinedBehaviorSanitizer, outside CI:
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]
#   TARGET: npy idx cifar checkpoint trainer-flags onnx training-pipeline
# Builds with clang-22 into build-fuzz/ (installing clang-22 and
# libfuzzer-22-dev from Debian if missing). The corpus grows in
# build-fuzz/corpus/TARGET, seeded from fuzz/corpus/TARGET; a crash, leak,
# timeout or sanitizer report is written to fuzz/findings/TARGET/ and stops
# the run. A fixed finding goes into fuzz/corpus/TARGET/regress-<what>,
# which the tests replay (test/Fuzz/replay.test).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2

missing=()
for p in clang-22 libfuzzer-22-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
fi
SETUP_NO_BUILD=1 scripts/setup.sh > /dev/null

sanitize="-fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=undefined"
if [ ! -f build-fuzz/build.ninja ]; then
  cmake -G Ninja -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DLOGBTQ_FUZZ=ON \
    -DCMAKE_C_FLAGS="$sanitize -fsanitize=fuzzer-no-link -fno-omit-frame-pointer" \
    -DCMAKE_CXX_FLAGS="$sanitize -fsanitize=fuzzer-no-link -fno-omit-frame-pointer" \
    -DCMAKE_EXE_LINKER_FLAGS="$sanitize" > /dev/null
fi
nice ninja -C build-fuzz "logbtq-fuzz-$target"

corpus=build-fuzz/corpus/$target
findings=fuzz/findings/$target
mkdir -p "$corpus" "$findings"
# The importer's protobuf parser allocates what a message claims up to the
# file's size; 4 GB leaves room for that and for ASan's shadow.
exec "build-fuzz/fuzz/logbtq-fuzz-$target" "$corpus" "fuzz/corpus/$target" \
  -max_total_time="$seconds" -artifact_prefix="$findings/" \
  -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 "$@"
