#!/usr/bin/env bash
# The MU8 ablation of docs/Benchmarks.md: one model, five programs, same seed
# and schedule, full Fashion-MNIST. Outside CI (tens of minutes per model).
#
#   scripts/ablation.sh mlp|cnn [EPOCHS] [OUTDIR]
#
# Rows: float32 with barrier (the reference program); MU8 with barrier at
# range 1 (the default); MU8 without barrier at range 1; MU8 without barrier
# with activations at a wide fixed range (8 = 2^3); MU8 without barrier with
# per-tensor dynamic activation ranges. Every row trains with lr 0.05, x0.1 in
# the last epoch (--lr-decay-last, the schedule of docs/Simulation.md's runs).
# Each run writes OUTDIR/<row>.jsonl (--metrics) and OUTDIR/<row>.log;
# python/tools/ablation_table.py prints the table.
set -euo pipefail
model=${1:?usage: scripts/ablation.sh mlp|cnn [EPOCHS] [OUTDIR]}
epochs=${2:-5}
out=${3:-build/ablation-$model}
root=$(cd "$(dirname "$0")/.." && pwd)
compile="$root/build/bin/logbtq-compile"
data=${LOGBTQ_DATA:-/usr/share/datasets/fashion-mnist}
mkdir -p "$out"
PYTHONPATH="$root/python" /usr/bin/python3 -m logbtq.models "$model" -o "$out/$model.onnx"

declare -A rows=(
  [f32-barrier]="--quant=f32"
  [mu8-barrier]=""
  [mu8-nobarrier]="--barrier-lambda=0"
  [mu8-nobarrier-range8]="--barrier-lambda=0 --activation-range=3"
  [mu8-nobarrier-dynamic]="--barrier-lambda=0 --dynamic-ranges"
)
for row in ${ROWS:-f32-barrier mu8-barrier mu8-nobarrier mu8-nobarrier-range8 mu8-nobarrier-dynamic}; do
  # shellcheck disable=SC2086
  "$compile" "$out/$model.onnx" -o "$out/$row" ${rows[$row]}
  rm -f "$out/$row.jsonl"
  "$out/$row" --data "$data" --epochs "$epochs" --seed 0 --quiet --lr-decay-last \
      --metrics "$out/$row.jsonl" --save "$out/$row.ckpt" | tee "$out/$row.log"
done
