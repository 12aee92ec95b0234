#!/usr/bin/env bash
# The main job: set up and build, compile the model zoo's mlp (784-256-128-10)
# into a fully 8-bit (MU8) trainer, and train it on Fashion-MNIST, printing
# progress, accuracy and overflow rates; then train the float32 build of the
# same program with the same seed and schedule and print both side by side.
# EPOCHS (default 5) and MODEL (mlp, cnn, resnet-tiny) can be set; F32=0
# skips the float32 comparison.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
model=${MODEL:-mlp}
epochs=${EPOCHS:-5}
out=build/main-job
mkdir -p "$out"
data=/usr/share/datasets/fashion-mnist

echo "== writing the ${model} model as ONNX"
PYTHONPATH=python /usr/bin/python3 -m logbtq.models "$model" -o "$out/$model.onnx"
echo "== logbtq-compile $out/$model.onnx -o $out/$model-mu8 --batch 64   (--quant=mu8 is the default)"
build/bin/logbtq-compile "$out/$model.onnx" -o "$out/$model-mu8" --batch 64
echo "== training in MU8 on Fashion-MNIST (${epochs} epochs)"
"$out/$model-mu8" --data "$data" --epochs "$epochs" --lr 0.05 --lr-decay-last --seed 0 \
  --metrics "$out/$model-mu8.jsonl" --save "$out/$model-mu8.ckpt"

if [ "${F32:-1}" != 0 ]; then
  echo "== the same program in float32 (--quant=f32), same seed and schedule"
  build/bin/logbtq-compile "$out/$model.onnx" -o "$out/$model-f32" --batch 64 --quant=f32
  "$out/$model-f32" --data "$data" --epochs "$epochs" --lr 0.05 --lr-decay-last --seed 0 --quiet \
    --metrics "$out/$model-f32.jsonl"
  /usr/bin/python3 python/tools/ablation_table.py --summary \
    "MU8=$out/$model-mu8.jsonl" "float32=$out/$model-f32.jsonl"
  echo "== the curves of both runs:"
  /usr/bin/python3 python/tools/plot_metrics.py \
    "MU8=$out/$model-mu8.jsonl" "float32=$out/$model-f32.jsonl" -o "$out/$model-curves.png"
fi
