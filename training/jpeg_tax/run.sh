#!/usr/bin/env bash
# What does one more JPEG pass cost a ResNet-20? Trains the same short recipe twice, side by
# side on one intra-op thread each, with the same seed: once on the shared copy (`seedS/once/`),
# once on that copy passed through JPEG again by recompress.py (`seedS/twice/`). Both test on their own
# test set, so the gap is the cost of the extra pass to a network trained on such data.
# Then each model is evaluated on both test sets (seedS/results.txt: rows once/twice = training
# data, columns = the shared test set, the recompressed one).
#   training/jpeg_tax/run.sh [EPOCHS] [SEED] [DST]      (defaults: 15, 42, /tmp/cifar10-jpeg2)
# Resumable: run it again after a stop and both runs continue from their newest checkpoint.
set -euo pipefail
cd "$(dirname "$0")/../.."
source training/lib.sh
epochs=${1:-15}
seed=${2:-42}
dst=${3:-/tmp/cifar10-jpeg2}
if [ ! -f "$dst/test_batch.bin" ]; then
    /usr/bin/python3 training/jpeg_tax/recompress.py ../shared/cifar10 "$dst" | tee training/jpeg_tax/recompress.txt
fi
here=training/jpeg_tax/seed$seed
mkdir -p "$here"
jar_dir=$(copy_jar jpeg-tax)
for run in once twice; do
    data=../shared/cifar10
    [ "$run" = twice ] && data=$dst
    [ -d "$here/$run/model" ] && continue   # finished
    OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.offline=true -jar "$jar_dir/attentionzoo.jar" train \
        --model resnet20 --epochs "$epochs" --seed "$seed" --data "$data" --output "$here/$run" \
        --resume --threads 1 --no-progress >> "$here/$run.log" 2>&1 &
done
wait
# Each model on both test sets: the diagonal is the matched cost, the rest the shift between them.
{
    echo "ResNet-20, $epochs epochs, seed $seed; rows: training data, columns: test data"
    for run in once twice; do
        row="$run:"
        for data in ../shared/cifar10 "$dst"; do
            acc=$(accuracy_of "$jar_dir/attentionzoo.jar" "$here/$run/model" "$data" --output "$jar_dir/evaluate")
            row="$row $acc"
        done
        echo "$row"
    done
} | tee "$here/results.txt"
