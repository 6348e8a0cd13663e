#!/usr/bin/env bash
# Peak resident memory of whole processes on ONNX Runtime (GNU time's %M), default JVM flags, 2 threads:
# the minimal bare DJL + ONNX Runtime loop (BareOrt, compiled, DJL's API and ONNX Runtime engine jars
# only), the zoo's `bench --engine OnnxRuntime`, `predict --engine OnnxRuntime`, and a library user
# loading the shipped model by name with Criteria (OrtUser, on the model-zoo and engine jars only).
#   examples/bench/memory.sh [MODEL] [SECONDS]      after mvn package; run on an otherwise idle machine
set -euo pipefail
cd "$(dirname "$0")/../.."
model=${1:-se_resnet20}; seconds=${2:-8}
lib=examples/target/lib
jars() { for n in "$@"; do ls "$lib"/"$n"-[0-9]*.jar; done | paste -sd:; }
minimal=$(jars api onnxruntime onnxruntime-engine gson jna slf4j-api commons-compress)
zoo=$(jars attentionzoo-model-zoo attentionzoo-layers api onnxruntime onnxruntime-engine gson jna slf4j-api commons-compress)
classes=$(mktemp -d); trap 'rm -rf "$classes"' EXIT
javac -d "$classes" -cp "$minimal" examples/bench/BareOrt.java
javac -d "$classes" -cp "$zoo" examples/bench/OrtUser.java
onnx="$classes/$model.onnx"
java -Dai.djl.offline=true -jar examples/target/attentionzoo.jar export-onnx --model "$model" --output "$onnx" >/dev/null
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| process | batch | peak RSS, MiB |"
echo "|---|---:|---:|"
for b in 128 1; do
    echo "| bare DJL + ONNX Runtime loop | $b | $(( $(peak java -Dai.djl.offline=true -cp "$classes:$minimal" BareOrt "$onnx" $b "$seconds" 2) / 1024 )) |"
    echo "| zoo: bench --engine OnnxRuntime | $b | $(( $(peak java -Dai.djl.offline=true -jar examples/target/attentionzoo.jar bench --model "$model" --engine OnnxRuntime --mode infer --batch-size $b --seconds "$seconds" --threads 2) / 1024 )) |"
done
echo "| zoo: predict --engine OnnxRuntime, one image | 1 | $(( $(peak java -Dai.djl.offline=true -jar examples/target/attentionzoo.jar predict --model "$model" --engine OnnxRuntime examples/consumer/cat.png) / 1024 )) |"
echo "| library user: Criteria by name, 2,000 predictions | 1 | $(( $(peak java -Dai.djl.offline=true -cp "$classes:$zoo" OrtUser "$model" examples/consumer/cat.png 2000) / 1024 )) |"
