#!/usr/bin/env bash
# Trains the three bundled MNIST LeNets with the paper's recipe and writes their model cards.
# This is how models/*.safetensors and models/*.md were made (see the cards for iterations, seeds
# and wall times). Needs the full MNIST: scripts/fetch-mnist.sh. The cards record 11 min 08 s (lenet-none),
# 12 min 32 s (lenet-ip) and 22 min 22 s (lenet-all) of training on 2 cores (2026-11-26), plus each evaluation.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
declare -A ITERATIONS=([lenet-all]=20000 [lenet-ip]=20000 [lenet-none]=20000)
for model in lenet-all lenet-ip lenet-none; do
  ./mcdrop train --arch "$model" --iterations "${ITERATIONS[$model]}" --train-seed 1 --checkpoint-every 2500 \
    --data data/mnist --out "models/$model.safetensors"
  rm -f models/"$model".iter*.safetensors   # keep only the final weights in the repository
  ./mcdrop eval --model "models/$model.safetensors" --input data/mnist/t10k-images-idx3-ubyte \
    --samples 100 --seed 42 --backend cpu --model-card "models/$model.md"
done
