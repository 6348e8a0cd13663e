#!/usr/bin/env bash
# Measures the shipped models' int8 activation ranges on CIFAR-10 training images and commits them
# beside the shipped weights (int8-ranges.txt), from which the build makes NAME-int8.onnx; then
# evaluates each int8 model on the full test set on ONNX Runtime (the int8 column of the README).
#
#   training/calibrate.sh [DATA_DIR [MODEL...]]      (from the project root, after mvn package)
#
# Calibration: min/max over 2,000 training images chosen with seed 0 (export-serving's defaults;
# docs/serving.md has the trials behind them). The test set is never read for calibration.
set -euo pipefail
source training/lib.sh
require_jar
data=${1:-../shared/cifar10}
shift $(($# < 1 ? $# : 1))
root=model-zoo/src/main/resources/io/github/attentionzoo/zoo/pretrained
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
    for d in "$root"/*/; do models+=("$(basename "$d")"); done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jar=examples/target/attentionzoo.jar
for m in "${models[@]}"; do
    java -Dai.djl.offline=true -jar "$jar" export-serving --model "$m" --engine OnnxRuntime --precision int8 \
        --calibration-data "$data" --output "$tmp/$m" >/dev/null
    cp "$tmp/$m/int8-ranges.txt" "$root/$m/int8-ranges.txt"
    acc=$(java -Dai.djl.offline=true -jar "$jar" evaluate --model-dir "$tmp/$m" --engine OnnxRuntime \
        --precision int8 --data "$data" | sed -n 's/^accuracy: //p')
    echo "$m: int8 accuracy $acc"
done
