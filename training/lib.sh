# Helpers the training scripts source (run them from the project root).

# copy_jar NAME: copies the CLI jar and its libraries to a new temporary directory and prints its
# path, so that rebuilding the project does not disturb a job that runs for hours.
copy_jar() {
    local dir
    dir=$(mktemp -d "/tmp/attentionzoo-$1.XXXX")
    cp -r examples/target/attentionzoo.jar examples/target/lib "$dir"/
    echo "$dir"
}

# accuracy_of JAR MODEL_DIR DATA [EVALUATE_FLAG...]: prints the Java evaluate's test accuracy
# (0.xxxx) of a model directory on a CIFAR-10 copy.
accuracy_of() {
    local jar=$1 model=$2 data=$3
    shift 3
    OMP_WAIT_POLICY=PASSIVE java -Dai.djl.offline=true -jar "$jar" evaluate --model-dir "$model" --data "$data" "$@" \
        | sed -n 's/^accuracy: //p'
}
