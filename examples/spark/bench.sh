#!/usr/bin/env bash
# Throughput of the classify job, as docs/scale.md reports it:
#   1. batchPredict batch sizes in one JVM: one predictor on one thread, as each Spark task predicts
#   2. one JVM without Spark against Spark's local mode, over the same image files
#   3. a standalone cluster on 127.0.0.1: one Worker against two (one core each)
#   4. the classify command end to end (JVM, Spark and model start included), local and on the cluster
# Usage, from anywhere, after building:
#   mvn -B -Dai.djl.offline=true -pl examples/spark -am package -DskipTests
#   [REPS=3] examples/spark/bench.sh [COPIES] [ROUNDS]
#   (COPIES x 1,000 CIFAR-10 PNGs, default 3; ROUNDS timed rounds per run, default 3; REPS alternations)
# Every figure is the median of ROUNDS timed rounds after one warm-up round (engine, model and JIT warm).
# Others' load skews it: the load average is printed before and after; run it on an idle machine.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
target=$here/target
work=$target/bench
copies=${1:-3}
rounds=${2:-3}
for f in attentionzoo-spark.jar attentionzoo-spark-job.jar test-classes spark-jars.txt; do
    if [ ! -e "$target/$f" ]; then
        echo "bench.sh: $target/$f is missing; build first:" \
            "mvn -B -Dai.djl.offline=true -pl examples/spark -am package -DskipTests" >&2
        exit 1
    fi
done
# lib/ holds Spark; the engines, their natives and the zoo are in the job jar.
cp="$target/test-classes:$target/classes:$target/attentionzoo-spark-job.jar:$target/lib/*"
java=(java -Xmx2g -Dai.djl.offline=true -Dai.djl.pytorch.num_interop_threads=1)
export OMP_WAIT_POLICY=PASSIVE
pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    done
}
trap cleanup EXIT

rm -rf "$work"
mkdir -p "$work/images"
java "$here/src/test/java/io/github/attentionzoo/spark/CifarPngs.java" \
    "$root/examples/src/main/resources/cifar10-sample/test_batch.bin" "$work/images/copy0" 1000 >/dev/null
for i in $(seq 1 $((copies - 1))); do
    mkdir -p "$work/images/copy$i"
    ln "$work/images/copy0/"*.png "$work/images/copy$i/"
done
images=$((copies * 1000))
results=$work/results.md
echo "load before: $(uptime)" | tee "$work/load.txt"

mkdir -p "$work/logs"
runs=0
measure() {  # prints the run's median, or where its log is when it printed none
    runs=$((runs + 1))
    local log=$work/logs/run$runs.log
    "$@" >"$log" 2>&1 || true
    grep -o 'median [0-9]* images/s' "$log" | grep -o '[0-9]*' | head -1 | grep . || echo "failed: $log"
}
single() {  # BATCH PREDICTORS THREADS
    measure "${java[@]}" -Dai.djl.pytorch.num_threads="$3" -cp "$cp" io.github.attentionzoo.spark.SparkBench \
        "$work/images" "$1" "$2" "$rounds"
}
job() {  # MASTER [KEY=VALUE...]
    local master=$1
    shift
    measure "${java[@]}" -cp "$cp" io.github.attentionzoo.spark.SparkJobBench "$master" "$work/images" "$work/out" \
        "$rounds" 32 "$@"
}
row() { printf '| %s | %s |\n' "$1" "$2" | tee -a "$results"; }

printf '| run (%d images, 32x32 PNG, se_resnet20) | images/s |\n|---|---:|\n' "$images" | tee "$results"
for batch in 1 8 16 32 64 128; do
    row "one JVM, 1 predictor x 1 thread, batch $batch" "$(single "$batch" 1 1)"
done
row "one JVM, 1 predictor x 2 threads, batch 32" "$(single 32 1 2)"

# A standalone cluster from Spark's own classes: a Spark home of links to its jars, one Master, two Workers
# of one core each, all on 127.0.0.1. An application limited to one core (spark.cores.max=1) runs on one
# Worker; unlimited, on both.
home=$work/spark-home
mkdir -p "$home/jars"
: >"$home/RELEASE"
for list in spark-jars.txt spark-shared-jars.txt; do
    # The list ends without a newline, which read would drop with its last jar.
    { tr ':' '\n' <"$target/$list"; echo; } | while read -r jar; do [ -z "$jar" ] || ln -s "$jar" "$home/jars/"; done
done
export SPARK_HOME=$home SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
daemon=(java -Xmx256m -cp "$home/jars/*")
master_port=$(port)
master=spark://127.0.0.1:$master_port
"${daemon[@]}" -Dspark.master.rest.enabled=false org.apache.spark.deploy.master.Master --host 127.0.0.1 \
    --port "$master_port" --webui-port "$(port)" >"$work/master.log" 2>&1 &
pids+=($!)
until (echo >"/dev/tcp/127.0.0.1/$master_port") 2>/dev/null; do sleep 0.5; done
for n in 1 2; do
    "${daemon[@]}" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 1 --memory 2g \
        --webui-port "$(port)" --work-dir "$work/work$n" "$master" >"$work/worker$n.log" 2>&1 &
    pids+=($!)
done
until [ "$(grep -c 'Registering worker' "$work/master.log")" -ge 2 ]; do sleep 0.5; done
cluster=(spark.jars="$target/attentionzoo-spark-job.jar" spark.sql.files.openCostInBytes=1048576)

# Alternating, REPS times, so that a change in others' load hits every side alike.
for rep in $(seq 1 "${REPS:-3}"); do
    row "one JVM, 2 predictors x 1 thread, batch 32 (rep $rep)" "$(single 32 2 1)"
    row "Spark local[*] (2 tasks x 1 thread), batch 32, the command's settings (rep $rep)" \
        "$(job 'local[*]' spark.sql.files.openCostInBytes=1048576)"
    row "standalone, 1 Worker x 1 core, batch 32 (rep $rep)" "$(job "$master" "${cluster[@]}" spark.cores.max=1)"
    if [ "$rep" = 1 ]; then
        # Resident memory of each executor (a child of a Worker) while it classifies, sampled every half second.
        (while true; do ps -o rss= --ppid "${pids[1]},${pids[2]}" >>"$work/executor-rss.txt" 2>/dev/null || true
            sleep 0.5; done) &
        sampler=$!
    fi
    row "standalone, 2 Workers x 1 core, batch 32 (rep $rep)" "$(job "$master" "${cluster[@]}")"
    if [ "$rep" = 1 ]; then
        kill "$sampler"
        wait "$sampler" 2>/dev/null || true
        echo "peak executor resident memory: $(sort -n "$work/executor-rss.txt" | tail -1 \
            | awk '{printf "%d MiB", $1 / 1024}')" | tee -a "$work/load.txt"
    fi
done

# End to end: one cold run of the command, JVM, Spark, executors and model start included.
endtoend() {  # label, extra options
    local label=$1
    shift
    rm -rf "$work/out-command"
    local start end
    start=$(date +%s.%N)
    java -Xmx1g -Dai.djl.offline=true -jar "$target/attentionzoo-spark.jar" classify --model se_resnet20 \
        --input "$work/images" --output "$work/out-command" --progress 0 --conf spark.ui.enabled=false "$@" >/dev/null
    end=$(date +%s.%N)
    row "$label, end to end" "$(python3 -c "print(round($images / ($end - $start)))")"
}
endtoend "classify command, local[*]"
endtoend "classify command, standalone 2 Workers" --master "$master"

echo "load after: $(uptime)" | tee -a "$work/load.txt"
echo "table: $results"
