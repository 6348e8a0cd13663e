#!/usr/bin/env bash
# Ships a finished train_torch.py run as the zoo's pretrained weights: import-torch, the Java evaluate
# on the full test set (its accuracy is what the metadata states and ShippedWeightsTest checks), the
# metadata of how the weights were made, and the curves drawn from the run's metrics.csv.
#
#   GPU="an NVIDIA H200" training/gpu/ship.sh NAME [RUN_DIR] [DATA_DIR]   (from the project root, after mvn package)
#
# The recipe the metadata records is the one the run trained with: RUN_DIR/NAME/recipe.json holds the plan
# (`train --print-recipe --json`) it was started from, so nothing here rebuilds the recipe from flags.
set -euo pipefail
source training/lib.sh
name=${1:?usage: training/gpu/ship.sh NAME [RUN_DIR] [DATA_DIR]}
run=${2:-training/gpu/results}
data=${3:-../shared/cifar10}
jar=examples/target/attentionzoo.jar
dest=model-zoo/src/main/resources/io/github/attentionzoo/zoo/pretrained/$name
plan=$run/$name/recipe.json
require_jar
for f in "$plan" "$run/$name/metrics.csv" "$run/$name/$name.npz"; do
    if [ ! -f "$f" ]; then
        echo "ship.sh: no $f: is $run/$name a train_torch.py run of $name?" >&2
        exit 1
    fi
done
# Only a finished run of a plan for this model ships.
python3 - "$plan" "$run/$name/metrics.csv" "$name" <<'PY'
import csv, json, sys
plan, metrics, name = sys.argv[1:]
doc = json.load(open(plan))
if doc.get("architecture") != name or not isinstance(doc.get("recipe"), dict):
    sys.exit(f"ship.sh: {plan} is no plan for {name} (made by train --print-recipe --json): was the run made by an "
             "earlier train_torch.py?")
if doc.get("twin", {}).get("limit") is not None:
    sys.exit(f"ship.sh: {plan}: the run trained on the first {doc['twin']['limit']} images only (--limit)")
done, epochs = len(list(csv.DictReader(open(metrics)))), doc["recipe"]["epochs"]
if done != epochs:
    sys.exit(f"ship.sh: {metrics} has {done} of the recipe's {epochs} epochs: is the run finished?")
PY
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

java -jar "$jar" import-torch --model "$name" --state-dict "$run/$name/$name.npz" --output "$tmp/model"
acc=$(accuracy_of "$jar" "$tmp/model" "$data")
echo "$name: accuracy $acc (Java evaluate, full test set)"
python3 - "$tmp/model/attentionzoo.json" "$run/$name/metrics.csv" "$acc" "$name" "$plan" <<'PY'
import csv, json, os, sys
meta_path, metrics, acc, name, plan_path = sys.argv[1:]
plan = json.load(open(plan_path))
twin = plan.get("twin", {})
rows = list(csv.DictReader(open(metrics)))
meta = json.load(open(meta_path))
meta["recipe"] = plan["recipe"]
meta["provenance"] = ("trained with PyTorch on " + os.environ.get("GPU", "a lent NVIDIA GPU")
                      + " by training/gpu/train_torch.py from initial weights drawn as "
                      + ("PyTorch draws them" if twin.get("init") == "torch" else "the Java trainer draws them")
                      + ", imported with import-torch")
meta["dataset"] = "CIFAR-10 (the 50,000 official training images)"
meta["epochs"] = len(rows)
meta["trainingSeconds"] = round(sum(float(r["epoch_seconds"]) for r in rows), 1)
meta["testAccuracy"] = float(acc)
init = "" if twin.get("init", "java") == "java" else " --init " + twin["init"]
init += "" if twin.get("seed", 42) == 42 else " --seed " + str(twin["seed"])
meta["command"] = (plan["command"] + " > " + name + ".recipe.json && python3 training/gpu/train_torch.py"
                   " --data cifar-10-batches-bin --out training/gpu/results " + name + ".recipe.json" + init
                   + " && training/gpu/ship.sh " + name)
json.dump(meta, open(meta_path, "w"), indent=2)
PY
mkdir -p "$dest"
cp "$tmp/model/$name-0000.params" "$tmp/model/attentionzoo.json" "$dest/"
java -jar "$jar" plot --metrics "$run/$name/metrics.csv" --title "$name (PyTorch, ${GPU:-GPU})"
