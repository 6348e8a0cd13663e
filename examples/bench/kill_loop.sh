#!/usr/bin/env bash
# Reliability, not speed (outside CI): KillTest's kill -9 and resume, N times over one run, looking
# for a JVM crash (hs_err_pid*.log) and checking that the run still finishes with every epoch once.
#   examples/bench/kill_loop.sh [N]        (from the project root, after mvn package; default N=50)
set -euo pipefail
n=${1:-50}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
train=(java -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.pytorch.num_threads=1
    -jar "$OLDPWD/examples/target/attentionzoo.jar" train --model simple_cnn --data embedded --limit 64
    --batch-size 32 --epochs 400 --output run --no-progress --resume)
killed=0
for i in $(seq 1 "$n"); do
    # The JVM itself in the background, so that kill -9 reaches it and not a shell around it.
    "${train[@]}" >> log.txt 2>&1 & pid=$!
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 1.5 + 2.5 * r / 32767 }')"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    wait "$pid" || true
    if ls hs_err_pid*.log >/dev/null 2>&1; then
        echo "trial $i: the JVM crashed:"; head -20 hs_err_pid*.log; exit 1
    fi
done
echo "$n trials, $killed killed mid-run, no JVM crash; finishing the run"
"${train[@]}" >> log.txt 2>&1 || { echo "the resumed run failed:"; tail -5 log.txt; exit 1; }
epochs=$(grep -c '^epoch ' log.txt || true)
last=$(grep '^epoch ' log.txt | tail -1)
echo "last line: $last"
[[ "$last" == "epoch 400/400:"* ]] || { echo "the resumed run did not reach epoch 400"; exit 1; }
echo "kill loop: passed ($epochs epoch lines logged across all runs)"
