#!/usr/bin/env bash
# The quickstart on machines unlike the one the project was built on. Each case runs the README's
# evaluate, predict on PyTorch and on ONNX Runtime, export-onnx and a short finetune, and checks
# their exit status, their answers, a console free of engine notices, and a temporary directory
# left empty. Run after `mvn install` (it uses examples/target/attentionzoo.jar):
#   .ci/portability.sh            every case
#   .ci/portability.sh locale-tr  the cases named
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
jar="$root/examples/target/attentionzoo.jar"
cat_png="$root/examples/consumer/cat.png"
[ -f "$jar" ] || { echo "portability: $jar is missing; run mvn install first" >&2; exit 2; }

work=$(mktemp -d /tmp/portability.XXXXXX)
cgroup=""
cleanup() {
    [ -z "$cgroup" ] || rmdir "$cgroup" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
java "$root/.ci/portability/MakeImages.java" "$root/examples/src/main/resources/cifar10-sample/test_batch.bin" \
    "$work/images" 10 bird cat ship

# Engine and logging notices that must not reach a user's console (our own lines start lower-case).
noise='NNPACK|^\[W|\[W:onnxruntime|\[E:onnxruntime|WARN|SLF4J|LegacyTypeDispatch|Exception|^[[:space:]]+at '
failures=0
fail() { echo "  FAIL: $*"; failures=$((failures + 1)); }

# run NAME EXPECTED_REGEX COMMAND...: runs one command of the case, checks status, answer and console.
run() {
    local name=$1 expect=$2; shift 2
    local log="$case_dir/$name.log"
    if ! "$@" >"$log" 2>&1; then
        fail "$name exited non-zero:"; sed 's/^/    /' "$log" | tail -5; return
    fi
    grep -Eq "$expect" "$log" || { fail "$name: expected /$expect/ in its output:"; sed 's/^/    /' "$log" | tail -5; }
    if grep -Ev '^Picked up JAVA_TOOL_OPTIONS' "$log" | grep -Eq "$noise"; then
        fail "$name: engine notices on the console:"; grep -E "$noise" "$log" | sort | uniq -c | sort -rn | head -3 | sed 's/^/    /'
    fi
}

# quickstart PREFIX...: the five commands, each started as PREFIX java $JOPTS -jar attentionzoo.jar ...
quickstart() {
    local az=("$@" java $JOPTS -Dai.djl.offline=true -Djava.io.tmpdir="$case_tmp" -jar "$jar")
    run evaluate 'accuracy: 0\.9390' "${az[@]}" evaluate --model se_resnet20
    run predict-pytorch '^  cat ' "${az[@]}" predict --model se_resnet20 "$cat_png"
    run predict-onnxruntime '^  cat ' "${az[@]}" predict --model se_resnet20 --engine OnnxRuntime "$cat_png"
    run export-onnx 'se20\.onnx' "${az[@]}" export-onnx --model se_resnet20 --output "$case_dir/se20.onnx"
    run finetune 'model written to' "${az[@]}" finetune --model se_resnet20 --data "$work/images" \
        --output "$case_dir/ft" --epochs 2 --no-progress
}

# Files written under one locale read back under another: the fine-tuned model and its metrics.
reads_back() {
    run evaluate-elsewhere 'accuracy: ' java -Djava.io.tmpdir="$case_tmp" -jar "$jar" evaluate \
        --model-dir "$case_dir/ft/model" --data "$work/images"
    run plot-elsewhere 'wrote .*replot.png' java -Djava.io.tmpdir="$case_tmp" -jar "$jar" plot --metrics "$case_dir/ft/metrics.csv" \
        --output "$case_dir/replot.png"
    if grep -Eq '[0-9],[0-9]+[eE]?' "$case_dir/ft/model/attentionzoo.json"; then
        fail "attentionzoo.json holds a decimal comma"
    fi
}

# threads CORES PREFIX...: bench's default thread count on both engines follows the CPUs the JVM may use.
threads() {
    local cores=$1; shift
    for engine in PyTorch OnnxRuntime; do
        run "bench-$engine" "\"threads\":$cores," "$@" java $JOPTS -Djava.io.tmpdir="$case_tmp" -jar "$jar" bench \
            --model se_resnet20 --mode infer --batch-size 8 --seconds 1 --engine $engine --json
    done
}

locale_available() { locale -a 2>/dev/null | grep -qi "^$1\.utf-\?8$"; }

case_java-tool-options() { JAVA_TOOL_OPTIONS="-Dportability.case=notice" quickstart env; }
case_locale-tr() {
    locale_available tr_TR || fail "the tr_TR.UTF-8 locale is not installed (.ci/run installs it)"
    JOPTS="-Duser.language=tr -Duser.country=TR" quickstart env LC_ALL=tr_TR.UTF-8 LANG=tr_TR.UTF-8
    reads_back
}
case_locale-de() {
    locale_available de_DE || fail "the de_DE.UTF-8 locale is not installed (.ci/run installs it)"
    JOPTS="-Duser.language=de -Duser.country=DE" quickstart env LC_ALL=de_DE.UTF-8 LANG=de_DE.UTF-8
    reads_back
}
case_one-cpu() {
    quickstart taskset -c 0
    threads 1 taskset -c 0
    JOPTS="-XX:ActiveProcessorCount=1" threads 1
}
case_small-heap() { JOPTS="-Xmx512m" quickstart; }
case_container-memory() {
    # A memory cgroup of 1.5 GiB, as `docker --memory=1.5g` makes: the JVM sizes its heap from it.
    local limit=$((1536 * 1024 * 1024)) dir
    if [ -w /sys/fs/cgroup/memory ]; then
        dir=/sys/fs/cgroup/memory/attentionzoo-portability.$$
        mkdir "$dir" && echo $limit > "$dir/memory.limit_in_bytes"
    elif [ -w /sys/fs/cgroup/cgroup.subtree_control ] || [ -w /sys/fs/cgroup/unified ]; then
        local base=/sys/fs/cgroup; [ -d /sys/fs/cgroup/unified ] && base=/sys/fs/cgroup/unified
        dir=$base/attentionzoo-portability.$$
        mkdir "$dir" && echo $limit > "$dir/memory.max"
    else
        echo "  skipped: no writable memory cgroup here"; return
    fi
    cgroup=$dir
    run heap-from-cgroup 'Memory Limit: 1\.50G' sh -c "echo \$\$ > $dir/cgroup.procs; exec java -XshowSettings:system -version"
    quickstart sh -c "echo \$\$ > $dir/cgroup.procs; exec \"\$@\"" sh
    rmdir "$dir" 2>/dev/null || true
    cgroup=""
}
case_read-only-home() {
    # A home directory nothing can write to (a read-only mount: root ignores permission bits), with a
    # fresh DJL_CACHE_DIR, then without one.
    local home="$case_dir/home" cache="$case_dir/djl-cache"
    mkdir -p "$home" "$cache"
    local ro=(unshare -m sh -c "mount -t tmpfs -o ro,size=1m tmpfs '$home' && exec \"\$@\"" sh)
    JOPTS="-Duser.home=$home" quickstart "${ro[@]}" env HOME="$home" DJL_CACHE_DIR="$cache"
    # Without DJL_CACHE_DIR, DJL falls back to the temporary directory for its cache: the command
    # still answers, and says once which variable to set.
    run no-cache-dir 'set DJL_CACHE_DIR' "${ro[@]}" env HOME="$home" java -Duser.home="$home" -Dai.djl.offline=true \
        -Djava.io.tmpdir="$case_tmp" -jar "$jar" predict --model se_resnet20 "$cat_png"
    rm -rf "$case_tmp/.djl.ai"
}
case_tmp-elsewhere() {
    # The temporary directory on another file system (a tmpfs), through both TMPDIR and java.io.tmpdir.
    local shm
    shm=$(mktemp -d /dev/shm/attentionzoo.XXXXXX)
    case_tmp=$shm
    quickstart env TMPDIR="$shm"
    left=$(find "$shm" -mindepth 1 | head -3)
    [ -z "$left" ] || fail "left in the temporary directory: $left"
    rm -rf "$shm"
}

all=(java-tool-options locale-tr locale-de one-cpu small-heap container-memory read-only-home tmp-elsewhere)
cases=("$@"); [ ${#cases[@]} -gt 0 ] || cases=("${all[@]}")
for c in "${cases[@]}"; do
    declare -F "case_$c" >/dev/null || { echo "portability: no case '$c' (cases: ${all[*]})" >&2; exit 2; }
done

# run_case NAME: one case in a subshell of its own; its failure count goes to $work/NAME.failures.
run_case() {
    local c=$1 start=$SECONDS
    trap '[ -z "$cgroup" ] || rmdir "$cgroup" 2>/dev/null || true' EXIT
    case_dir="$work/$c"; case_tmp="$case_dir/tmp"; JOPTS=""; failures=0
    mkdir -p "$case_tmp"
    "case_$c"
    if [ -d "$case_tmp" ]; then
        left=$(find "$case_tmp" -mindepth 1 | head -3)
        [ -z "$left" ] || fail "left in the temporary directory: $left"
    fi
    echo "  $((SECONDS - start)) s"
    echo "$failures" > "$work/$c.failures"
}

# Two cases at a time: one-cpu uses one core by design and the others leave about a fifth of two
# cores idle while their JVMs start, so pairs finish in about two thirds of the time. Each case's
# lines are printed together, in the order of the list.
for c in "${cases[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n || true; done
    ( run_case "$c" ) > "$work/$c.out" 2>&1 &
done
wait || true
failures=0
for c in "${cases[@]}"; do
    echo "portability: $c"
    cat "$work/$c.out"
    if [ -f "$work/$c.failures" ]; then
        failures=$((failures + $(cat "$work/$c.failures")))
    else
        echo "  FAIL: the case stopped before its end"; failures=$((failures + 1))
    fi
done
echo "portability: $(( ${#cases[@]} )) cases, $failures failures"
[ "$failures" -eq 0 ]
