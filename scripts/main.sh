#!/usr/bin/env bash
# The main job: set up, build, then run logbtq-opt on the bundled example,
# printing the IR before and after folding (values -> MU8 codes -> values).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
example=examples/encode-decode.mlir
echo "== ${example}, as written"
build/bin/logbtq-opt "$example"
echo "== after logbtq-opt -canonicalize (encode/decode/barrier folded)"
build/bin/logbtq-opt -canonicalize "$example"
