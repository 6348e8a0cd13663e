#!/usr/bin/env bash
# Long run (not in CI): 10,000 single-image predictions then 2,000 training steps of se_resnet20,
# printing resident memory every 1,000 calls. Run from the project root after `mvn package`.
set -euo pipefail
exec java -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 \
    -jar examples/target/attentionzoo.jar soak --model "${1:-se_resnet20}" --infer 10000 --train 2000 --every 1000
