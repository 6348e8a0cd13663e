#!/usr/bin/env bash
# Ships a train_torch.py run as the zoo's pretrained weights: import-torch, the Java evaluate on the
# full test set (its accuracy is what the metadata states and ShippedWeightsTest checks), the
# metadata of how the weights were made, and the curves drawn from the run's metrics.csv.
#
#   GPU="an NVIDIA H200" training/gpu/ship.sh NAME [RUN_DIR] [DATA_DIR]   (from the project root, after mvn package)
set -euo pipefail
source training/lib.sh
name=$1
run=${2:-training/gpu/results}
data=${3:-../shared/cifar10}
jar=examples/target/attentionzoo.jar
dest=model-zoo/src/main/resources/io/github/attentionzoo/zoo/pretrained/$name
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

java -jar "$jar" import-torch --model "$name" --state-dict "$run/$name/$name.npz" --output "$tmp/model"
acc=$(accuracy_of "$jar" "$tmp/model" "$data")
echo "$name: accuracy $acc (Java evaluate, full test set)"
# The recipe's text comes from the Java Recipe (train --print-recipe), so it cannot drift from it. Runs
# from before recipe.json was written used the recipe's defaults and PyTorch's initial weights.
epochs=$(($(wc -l < "$run/$name/metrics.csv") - 1))
flags=(--epochs "$epochs")
se_decay=True init=torch torch_flags=""
if [ -f "$run/$name/recipe.json" ]; then
    read -r cutout se_decay init which wd < <(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))
print(r["cutout"], r.get("se_decay", True), r.get("init", "torch"), r.get("name", "zoo"), r["wd"])' "$run/$name/recipe.json")
    flags+=(--cutout "$cutout" --recipe "$which" --weight-decay "$wd")
    if [ "$which" != zoo ]; then torch_flags+=" --recipe $which"; fi
    # The command names --weight-decay only where it overrode the recipe's.
    if [ "$(java -jar "$jar" train --model "$name" --recipe "$which" --print-recipe)" != \
         "$(java -jar "$jar" train --model "$name" --recipe "$which" --weight-decay "$wd" --print-recipe)" ]; then
        torch_flags+=" --weight-decay $wd"
    fi
fi
if [ "$se_decay" = False ]; then flags+=(--no-se-decay); torch_flags+=" --no-se-decay"; fi
if [ "$init" = torch ]; then torch_flags+=" --init torch"; fi
recipe=$(java -jar "$jar" train --model "$name" "${flags[@]}" --print-recipe)
python3 - "$tmp/model/attentionzoo.json" "$run/$name/metrics.csv" "$acc" "$name" "$recipe" "$torch_flags" <<'PY'
import csv, json, os, sys
meta_path, metrics, acc, name, recipe, torch_flags = sys.argv[1:]
rows = list(csv.DictReader(open(metrics)))
meta = json.load(open(meta_path))
meta["recipe"] = recipe + "; trained with PyTorch on " + os.environ.get("GPU", "a lent NVIDIA GPU") + " by training/gpu/train_torch.py, imported with import-torch"
meta["dataset"] = "CIFAR-10 from ../shared/cifar10"
meta["epochs"] = len(rows)
meta["trainingSeconds"] = round(sum(float(r["epoch_seconds"]) for r in rows), 1)
meta["testAccuracy"] = float(acc)
meta["command"] = ("python3 training/gpu/train_torch.py --data ../shared/cifar10 --out training/gpu/results --models "
                   + name + torch_flags + " && training/gpu/ship.sh " + name)
json.dump(meta, open(meta_path, "w"), indent=2)
PY
mkdir -p "$dest"
cp "$tmp/model/$name-0000.params" "$tmp/model/attentionzoo.json" "$dest/"
java -jar "$jar" plot --metrics "$run/$name/metrics.csv" --title "$name (PyTorch, ${GPU:-GPU})"
