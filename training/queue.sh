#!/usr/bin/env bash
# Works through the runs listed in training/queue.txt in the background, LANES of them side by
# side (default 2, never more than there are unfinished runs) with THREADS intra-op threads each
# (default: the cores shared out among the lanes, so that the last run left gets them all):
#   training/queue.sh [LANES [THREADS]]
# A line of queue.txt is MODEL[:RUN] [TRAIN_FLAG...]: the run goes to training/RUN (default MODEL).
# Each lane takes the first listed run that has no final model/ and that no other process is
# training, trains or resumes it to its last epoch (lib.sh's train_run), and takes the next. A run
# that ends with an error is left for a person (queue.log says which). Start it again in every
# session: finished runs are skipped and the others resume from their newest checkpoint.
set -euo pipefail
cd "$(dirname "$0")/.."
source training/lib.sh
[ -f training/queue.txt ] || { echo "queue.sh: no training/queue.txt" >&2; exit 1; }
log=training/queue.log
for n in "${1:-2}" "${2:-1}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "queue.sh: LANES and THREADS must be whole numbers > 0, got '$n'" >&2; exit 2; }
done

# finished RUN: whether the run has written its final model.
finished() {
    [ -f "training/$1/model/attentionzoo.json" ]
}

# Checked here too, so that a missing jar is said on the terminal and not only in the log.
require_jar || exit 1
unfinished=0
while read -r spec _; do
    finished "${spec#*:}" || unfinished=$((unfinished + 1))
done < <(queued)
if [ "$unfinished" -eq 0 ]; then
    echo "queue.sh: every run in training/queue.txt has its final model"
    exit 0
fi
lanes=${1:-2}
lanes=$((lanes < unfinished ? lanes : unfinished))
threads=${2:-$(( $(nproc) / lanes > 1 ? $(nproc) / lanes : 1 ))}

lane() {
    local jar_dir failed=" " entry spec run model flags rc taken
    jar_dir=$(copy_jar "lane$1" 2>> "$log") || return 1
    while true; do
        taken=""
        # Read afresh each time, so that an edit of the queue applies to the lanes already going.
        mapfile -t entries < <(queued)
        for entry in "${entries[@]}"; do
            read -r spec flags <<< "$entry"
            model=${spec%%:*}
            run=${spec#*:}
            finished "$run" && continue
            [[ "$failed" == *" $run "* ]] && continue
            rc=0
            # shellcheck disable=SC2086 # the flags are words
            train_run "$jar_dir" "$model" "$threads" "$run" $flags || rc=$?
            [ "$rc" -eq 75 ] && continue
            taken=$run
            break
        done
        run=$taken
        if [ -z "$run" ]; then
            echo "$(date -u +%FT%TZ) lane $1: nothing left to take" >> "$log"
            return
        fi
        if [ "$rc" -gt 128 ]; then
            echo "$(date -u +%FT%TZ) lane $1: $run stopped by a signal (status $rc)" >> "$log"
            return
        elif [ "$rc" -ne 0 ]; then
            failed+="$run "
            echo "$(date -u +%FT%TZ) lane $1: $run ended with status $rc (training/$run.log); left for a person" >> "$log"
        else
            echo "$(date -u +%FT%TZ) lane $1: $run finished" >> "$log"
        fi
    done
}

for i in $(seq 1 "$lanes"); do
    lane "$i" > /dev/null 2>&1 &
    echo "lane $i: pid $!"
done
echo "$lanes lane(s) of $threads thread(s); they log to $log, each run to training/RUN.log"
