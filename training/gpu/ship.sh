#!/usr/bin/env bash
# Ships a train_torch.py run as the zoo's pretrained weights: import-torch, the Java evaluate on the
# full test set (its accuracy is what the metadata states and ShippedWeightsTest checks), the
# metadata of how the weights were made, and the curves drawn from the run's metrics.csv.
#
#   training/gpu/ship.sh NAME [RUN_DIR] [DATA_DIR]     (from the project root, after mvn package)
set -euo pipefail
name=$1
run=${2:-training/gpu/results}
data=${3:-../shared/cifar10}
jar=examples/target/attentionzoo.jar
dest=model-zoo/src/main/resources/io/github/attentionzoo/zoo/pretrained/$name
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

java -jar "$jar" import-torch --model "$name" --state-dict "$run/$name/$name.npz" --output "$tmp/model"
acc=$(java -Dai.djl.offline=true -jar "$jar" evaluate --model-dir "$tmp/model" --data "$data" | sed -n 's/^accuracy: //p')
echo "$name: accuracy $acc (Java evaluate, full test set)"
python3 - "$tmp/model/attentionzoo.json" "$run/$name/metrics.csv" "$acc" "$name" <<'PY'
import csv, json, os, sys
meta_path, metrics, acc, name = sys.argv[1:]
rows = list(csv.DictReader(open(metrics)))
meta = json.load(open(meta_path))
recipe_file = os.path.join(os.path.dirname(metrics), "recipe.json")
# Runs before recipe.json was written used the recipe's defaults: Cutout 16 on the deep nets only.
deep = name.endswith("56") or name.endswith("110")
r = json.load(open(recipe_file)) if os.path.exists(recipe_file) else {"cutout": 16 if deep else 0, "se_decay": True}
meta["recipe"] = (f"nesterov-sgd(m=0.9) lr=0.1 cosine warmup=1 bs=128 epochs={len(rows)} wd=0.0005 (not on BN/bias)"
                  + ("" if r.get("se_decay", True) else " (not on SE excitation)")
                  + (f" cutout={r['cutout']}" if r["cutout"] else "")
                  + "; trained with PyTorch on an NVIDIA H100 by training/gpu/train_torch.py, imported with import-torch")
meta["dataset"] = "CIFAR-10 from ../shared/cifar10 (decoded from JPEG)"
meta["epochs"] = len(rows)
meta["trainingSeconds"] = round(sum(float(r["epoch_seconds"]) for r in rows), 1)
meta["testAccuracy"] = float(acc)
meta["command"] = ("python3 training/gpu/train_torch.py --data ../shared/cifar10 --out training/gpu/results --models "
                   + name + " && training/gpu/ship.sh " + name)
json.dump(meta, open(meta_path, "w"), indent=2)
PY
mkdir -p "$dest"
cp "$tmp/model/$name-0000.params" "$tmp/model/attentionzoo.json" "$dest/"
java -jar "$jar" plot --metrics "$run/$name/metrics.csv" --title "$name (PyTorch, H100)"
