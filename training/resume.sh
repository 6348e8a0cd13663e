#!/usr/bin/env bash
# Starts or resumes the zoo's training run of one model in the background, as it was done here:
#   training/resume.sh MODEL [THREADS [RUN [TRAIN_FLAG...]]]
#   training/resume.sh se_resnet20
#   training/resume.sh simple_cnn 1 simple_cnn-adam30 --epochs 30   (flags after RUN go to train)
# Output (checkpoints, metrics.csv, curves.png) goes to training/RUN, the log to training/RUN.log;
# RUN defaults to MODEL, and the flags after it go to `train` (a recipe other than the model's own).
# THREADS is libtorch's intra-op thread count (default 1, for two runs side by side). Which is faster
# on 2 cores, two runs of one thread or one of two, differs between machines (README, "Results"):
# measure with `bench --mode train --threads 1|2`.
# The jar is copied first so that rebuilding the project does not disturb a running job. A run
# that dies of a signal (a native crash, the OOM killer) is resumed from its newest checkpoint,
# up to 5 times; a run that ends with an error message is not.
set -euo pipefail
cd "$(dirname "$0")/.."
source training/lib.sh
model=${1:?usage: training/resume.sh MODEL [THREADS [RUN [TRAIN_FLAG...]]]}
threads=${2:-1}
run=${3:-$model}
shift $(($# < 3 ? $# : 3))
jar_dir=$(copy_jar "$run")
log="training/$run.log"
(
    for attempt in 1 2 3 4 5 6; do
        rc=0
        OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.offline=true \
            -jar "$jar_dir/attentionzoo.jar" train --model "$model" --data ../shared/cifar10 \
            --output "training/$run" --resume --threads "$threads" --no-progress "$@" >> "$log" 2>&1 || rc=$?
        if [ "$rc" -le 128 ] || [ "$rc" -eq 143 ]; then
            break
        fi
        echo "resume.sh: exit status $rc (attempt $attempt), resuming from the newest checkpoint" >> "$log"
    done
) > /dev/null 2>&1 &
echo "training $model as $run in the background (pid $!, $threads thread(s)); log: $log"
