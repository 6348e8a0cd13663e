# Helpers the training scripts source (run them from the project root).

# require_jar: says in one line, and fails, when the CLI jar has not been built.
require_jar() {
    [ -f examples/target/attentionzoo.jar ] && return 0
    echo "no examples/target/attentionzoo.jar: build it first (mvn -B -q install -DskipTests)" >&2
    return 1
}

# copy_jar NAME: copies the CLI jar and its libraries to a new temporary directory and prints its
# path, so that rebuilding the project does not disturb a job that runs for hours.
copy_jar() {
    local dir
    require_jar || return 1
    dir=$(mktemp -d "/tmp/attentionzoo-$1.XXXX") && cp -r examples/target/attentionzoo.jar examples/target/lib "$dir"/ \
        && echo "$dir"
}

# lock_run RUN: takes the lock that keeps two trainers out of training/RUN (training/.RUN.lock) on a
# new descriptor, named by RUN_LOCK, without waiting; fails when another process holds it. The lock
# lasts while any process keeps the descriptor: a background child and its java inherit it.
lock_run() {
    exec {RUN_LOCK}> "training/.$1.lock"
    flock -n "$RUN_LOCK" && return 0
    exec {RUN_LOCK}>&-
    return 1
}

# train_locked JAR_DIR MODEL THREADS RUN [TRAIN_FLAG...]: trains training/RUN, or resumes it from its
# newest checkpoint, in the foreground until it ends, appending to training/RUN.log; the caller holds
# RUN's lock (lock_run). A run that dies of a signal (a native crash, the OOM killer) is resumed, up
# to 5 times; one that ends with an error message is not. Returns train's exit status.
train_locked() {
    local jar_dir=$1 model=$2 threads=$3 run=$4 rc=0 attempt
    shift 4
    for attempt in 1 2 3 4 5 6; do
        rc=0
        OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.offline=true \
            -jar "$jar_dir/attentionzoo.jar" train --model "$model" --data ../shared/cifar10 \
            --output "training/$run" --resume --threads "$threads" --no-progress "$@" \
            < /dev/null >> "training/$run.log" 2>&1 || rc=$?
        if [ "$rc" -le 128 ] || [ "$rc" -eq 143 ]; then
            break
        fi
        echo "train_locked: exit status $rc (attempt $attempt), resuming from the newest checkpoint" >> "training/$run.log"
    done
    return "$rc"
}

# train_run JAR_DIR MODEL THREADS RUN [TRAIN_FLAG...]: train_locked under RUN's lock; returns 75,
# training nothing, when another process is training RUN.
train_run() {
    local rc=0
    lock_run "$4" || return 75
    train_locked "$@" || rc=$?
    exec {RUN_LOCK}>&-
    return "$rc"
}

# queued: training/queue.txt's run lines (MODEL[:RUN] [TRAIN_FLAG...]), without comments and blanks.
queued() {
    grep -Ev '^[[:space:]]*(#|$)' training/queue.txt
}

# accuracy_of JAR MODEL_DIR DATA [EVALUATE_FLAG...]: prints the Java evaluate's test accuracy
# (0.xxxx) of a model directory on a CIFAR-10 copy.
accuracy_of() {
    local jar=$1 model=$2 data=$3
    shift 3
    OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -jar "$jar" evaluate --model-dir "$model" --data "$data" "$@" \
        | sed -n 's/^accuracy: //p'
}
