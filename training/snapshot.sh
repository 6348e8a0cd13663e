#!/usr/bin/env bash
# Stages what a session must commit of running or finished runs, so that the next session resumes
# them from the repository: each run's metrics.csv, curves.png, log, final model/ if there is one,
# and only its newest complete checkpoint (older ones leave the index, so checkpoints are replaced
# in the history rather than piling up). Prints where each run stands, for the progress table in
# docs/training.md.
#   training/snapshot.sh RUN...      e.g. training/snapshot.sh resnet20 se_resnet20; then git commit
set -euo pipefail
cd "$(dirname "$0")/.."
for run in "$@"; do
    dir="training/$run"
    [ -d "$dir" ] || { echo "snapshot.sh: no run $dir" >&2; exit 1; }
    newest=$(ls -d "$dir"/checkpoints/epoch-* 2>/dev/null | while read -r c; do
        [ -f "$c/state.json" ] && echo "$c"; done | sort | tail -n 1 || true)
    git rm -r -q --cached --ignore-unmatch "$dir/checkpoints" > /dev/null
    for f in "$dir/metrics.csv" "$dir/curves.png" "training/$run.log" "$dir/model" $newest; do
        [ -e "$f" ] && git add -f "$f"
    done
    reached=$(tail -n +2 "$dir/metrics.csv" 2>/dev/null | tail -n 1 \
        | awk -F, '{ printf "epoch %d, test accuracy %.2f%%, last epoch %.0f s", $1, 100 * $5, $8 }' || true)
    echo "$run: staged ${newest:-no checkpoint}; ${reached:-no epoch finished}"
done
