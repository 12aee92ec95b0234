#!/usr/bin/env bash
# The main job: set up and build, compile the model zoo's mlp (784-256-128-10)
# into a trainer, and train it on Fashion-MNIST, printing progress and
# accuracy. EPOCHS (default 5) and MODEL (mlp, cnn, resnet-tiny) can be set.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
model=${MODEL:-mlp}
epochs=${EPOCHS:-5}
out=build/main-job
mkdir -p "$out"

echo "== writing the ${model} model as ONNX"
PYTHONPATH=python /usr/bin/python3 -m logbtq.models "$model" -o "$out/$model.onnx"
echo "== logbtq-compile $out/$model.onnx -o $out/$model-trainer --batch 64"
build/bin/logbtq-compile "$out/$model.onnx" -o "$out/$model-trainer" --batch 64
echo "== training on Fashion-MNIST (${epochs} epochs)"
"$out/$model-trainer" --data /usr/share/datasets/fashion-mnist \
  --epochs "$epochs" --lr 0.05 --seed 0
