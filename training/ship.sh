#!/usr/bin/env bash
# Ships a finished Java run (training/resume.sh MODEL) as the zoo's pretrained weights: the Java
# evaluate of its final model on the full test set (the accuracy the metadata states and
# ShippedWeightsTest checks), and the metadata of how the weights were made.
#
#   training/ship.sh MODEL [RUN_DIR [DATA_DIR [TRAIN_FLAG...]]]     (from the project root, after mvn package)
#   training/ship.sh simple_cnn training/simple_cnn-adam30 ../shared/cifar10 --epochs 30
# TRAIN_FLAGs are the flags the run was trained with beyond --model (as given to resume.sh, or by
# default those of the model's line in training/queue.txt); the metadata's command names them.
set -euo pipefail
source training/lib.sh
name=${1:?usage: training/ship.sh MODEL [RUN_DIR [DATA_DIR [TRAIN_FLAG...]]]}
run=${2:-training/$name}
data=${3:-../shared/cifar10}
shift $(($# < 3 ? $# : 3))
if [ $# -eq 0 ] && [ "$run" = "training/$name" ] && [ -f training/queue.txt ]; then
    # A run of the queue was trained with the flags its line names.
    while read -r spec flags; do
        if [ "$spec" = "$name" ]; then
            read -r -a queued_flags <<< "$flags"
            set -- "${queued_flags[@]}"
            break
        fi
    done < <(queued)
fi
jar=examples/target/attentionzoo.jar
model=$run/model
dest=model-zoo/src/main/resources/io/github/attentionzoo/zoo/pretrained/$name
if [ ! -f "$model/attentionzoo.json" ]; then
    echo "ship.sh: $model holds no final model: has the run reached its last epoch?" >&2
    exit 1
fi
# The metadata's command is `train --model NAME TRAIN_FLAG...`, so only a run of the recipe those
# flags name ships.
named=$(java -jar "$jar" train --model "$name" "$@" --print-recipe)
# The run's recipe as JSON, written as train --print-recipe writes a recipe (zoo.Recipe.toString).
used=$(python3 - "$model/attentionzoo.json" <<'PY'
import json, sys
from decimal import Decimal
r = json.load(open(sys.argv[1]))["recipe"]
if isinstance(r, str):
    print(r.split("; ")[0]); sys.exit()
plain = lambda x: format(Decimal(repr(float(x))).normalize(), "f")
opt = "adam" if r["optimizer"] == "ADAM" else {"NESTEROV_SGD": "nesterov-sgd", "MOMENTUM_SGD": "momentum-sgd"}[r["optimizer"]] + "(m=" + plain(r["momentum"]) + ")"
text = f'{opt} lr={plain(r["lr"])} {r["schedule"].lower()} warmup={r["warmupEpochs"]} bs={r["batchSize"]} epochs={r["epochs"]} wd={plain(r["weightDecay"])}'
text += "" if r["decayNormAndBias"] else " (not on BN/bias)"
text += "" if r["decayExcitation"] else " (not on SE excitation)"
text += f' smoothing={plain(r["labelSmoothing"])}' if r["labelSmoothing"] > 0 else ""
text += f' cutout={r["cutout"]}' if r["cutout"] > 0 else ""
print(text)
PY
)
if [ "$used" != "$named" ]; then
    echo "ship.sh: $model was trained with '$used', not the recipe '$named' of train --model $name $*" >&2
    exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

acc=$(accuracy_of "$jar" "$model" "$data")
echo "$name: accuracy $acc (Java evaluate, full test set)"
cp "$model/$name-0000.params" "$model/attentionzoo.json" "$tmp/"
python3 - "$tmp/attentionzoo.json" "$acc" "$name" "$@" <<'PY'
import json, sys
meta_path, acc, name, *flags = sys.argv[1:]
meta = json.load(open(meta_path))
# trainingSeconds stays the run's own sum of epoch times: wall time across resumes, pauses included.
meta["provenance"] = "trained with attentionzoo's Java trainer on CPU, resumed from its checkpoints after each interruption"
meta["dataset"] = "CIFAR-10 (the 50,000 official training images)"
meta["testAccuracy"] = float(acc)
meta["command"] = " ".join(["java -jar examples/target/attentionzoo.jar train --model", name, "--data cifar-10-batches-bin"] + flags)
json.dump(meta, open(meta_path, "w"), indent=2)
PY
mkdir -p "$dest"
cp "$tmp/$name-0000.params" "$tmp/attentionzoo.json" "$dest/"
echo "shipped to $dest"
