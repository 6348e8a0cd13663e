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

# train_run JAR_DIR MODEL THREADS RUN [TRAIN_FLAG...]: trains training/RUN, or resumes it from its
# newest checkpoint, in the foreground until it ends, appending to training/RUN.log. A run that
# dies of a signal (a native crash, the OOM killer) is resumed, up to 5 times; one that ends with
# an error message is not. Returns train's exit status, or 75 when another process is training
# RUN: the lock (training/.RUN.lock, held while train runs) keeps two trainers out of one folder.
train_run() {
    local jar_dir=$1 model=$2 threads=$3 run=$4 rc=0 attempt lock
    shift 4
    exec {lock}> "training/.$run.lock"
    if ! flock -n "$lock"; then
        exec {lock}>&-
        return 75
    fi
    for attempt in 1 2 3 4 5 6; do
        rc=0
        OMP_WAIT_POLICY=PASSIVE java -Xmx4g -Dai.djl.offline=true \
            -jar "$jar_dir/attentionzoo.jar" train --model "$model" --data ../shared/cifar10 \
            --output "training/$run" --resume --threads "$threads" --no-progress "$@" \
            < /dev/null >> "training/$run.log" 2>&1 || rc=$?
        if [ "$rc" -le 128 ] || [ "$rc" -eq 143 ]; then
            break
        fi
        echo "train_run: exit status $rc (attempt $attempt), resuming from the newest checkpoint" >> "training/$run.log"
    done
    exec {lock}>&-
    return "$rc"
}

# accuracy_of JAR MODEL_DIR DATA [EVALUATE_FLAG...]: prints the Java evaluate's test accuracy
# (0.xxxx) of a model directory on a CIFAR-10 copy.
accuracy_of() {
    local jar=$1 model=$2 data=$3
    shift 3
    OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -jar "$jar" evaluate --model-dir "$model" --data "$data" "$@" \
        | sed -n 's/^accuracy: //p'
}
