#!/usr/bin/env bash
# Starts or resumes the zoo's training run of one model in the background, as it was done here:
#   training/resume.sh MODEL [THREADS [RUN [TRAIN_FLAG...]]]
#   training/resume.sh se_resnet20
#   training/resume.sh simple_cnn 1 simple_cnn-adam30 --epochs 30   (flags after RUN go to train)
# Output (checkpoints, metrics.csv, curves.png) goes to training/RUN, the log to training/RUN.log;
# RUN defaults to MODEL, and the flags after it go to `train` (a recipe other than the model's own).
# THREADS is libtorch's intra-op thread count (default 1, for two runs side by side). On the 2-core
# machines here the two ways train about as many images per second in total: two runs of one thread
# log 310-340 img/s each, one run of two threads 680 in `bench --mode train --threads 2`
# (docs/performance.md). Elsewhere measure with `bench --mode train --threads 1|2`.
# The zoo's own runs go through training/queue.sh, which calls the same train_run (lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source training/lib.sh
model=${1:?usage: training/resume.sh MODEL [THREADS [RUN [TRAIN_FLAG...]]]}
threads=${2:-1}
run=${3:-$model}
shift $(($# < 3 ? $# : 3))
# The lock is taken here, so that a run another process holds is refused on the terminal, and the
# background job inherits it: nobody can take the run in between.
if ! lock_run "$run"; then
    echo "resume.sh: training/$run is being trained by another process" >&2
    exit 1
fi
jar_dir=$(copy_jar "$run") || exit 1
train_locked "$jar_dir" "$model" "$threads" "$run" "$@" > /dev/null 2>&1 &
echo "training $model as $run in the background (pid $!, $threads thread(s)); log: training/$run.log"
