#!/usr/bin/env bash
# Checks the PyTorch twin against the Java zoo, on a machine where both Java and PyTorch run (from the
# project root, after mvn package). For every model of the registry, the plan that `train --print-recipe
# --json` prints is read by twin_recipe.py (models no twin builds are listed as such); the network
# train_torch.py builds from it must have the parameter count that `models` states, and, for a model
# with shipped weights, the names, order and shapes of `export-torch`'s state_dict; with those weights
# loaded it must classify the first N test images (default all 10,000) as the shipped metadata's
# accuracy says, within 0.2 points when N is the whole test set.
#
#   training/gpu/check_twin.sh DATA_DIR [N]        PYTHON names an interpreter with torch (default python3)
set -euo pipefail
source training/lib.sh
data=${1:?usage: training/gpu/check_twin.sh DATA_DIR [N]}
n=${2:-10000}
python=${PYTHON:-python3}
require_jar
jar=examples/target/attentionzoo.jar
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
java -jar "$jar" models > "$tmp/models.txt"
for name in $(awk 'NR > 1 { print $1 }' "$tmp/models.txt"); do
    java -jar "$jar" train --model "$name" --print-recipe --json > "$tmp/$name.recipe.json"
    # A model whose shipped weights export has them as the state_dict to compare with.
    java -Dai.djl.offline=true -jar "$jar" export-torch --model "$name" --output "$tmp/$name.npz" \
        > /dev/null 2>&1 || rm -f "$tmp/$name.npz"
done
"$python" - "$tmp" "$data" "$n" training/gpu model-zoo/src/main/resources/io/github/attentionzoo/zoo/pretrained <<'PY'
import json, os, sys
import numpy as np
import torch
tmp, data, n, here, pretrained = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
sys.path.insert(0, here)
import train_torch, twin_recipe
counts = {line.split()[0]: int(line.split()[1].replace(",", "")) for line in open(os.path.join(tmp, "models.txt")).readlines()[1:]}
x, y = train_torch.read_cifar(data, ["test_batch.bin"], n)
mean = torch.tensor(train_torch.MEAN)[None, :, None, None]
std = torch.tensor(train_torch.STD)[None, :, None, None]
failed = []
for name, count in counts.items():
    try:
        plan = twin_recipe.read(os.path.join(tmp, name + ".recipe.json"))
    except twin_recipe.PlanError as e:
        print(f"{name}: no twin ({str(e).split(': ', 1)[-1]})")
        continue
    net = train_torch.build(plan["network"], "java")
    state = {k: v for k, v in net.state_dict().items() if not k.endswith("num_batches_tracked")}
    params = sum(p.numel() for p in net.parameters())
    problems = [] if params == count else [f"{params} parameters, the Java network {count}"]
    line = f"{name}: {params} parameters"
    npz = os.path.join(tmp, name + ".npz")
    if os.path.exists(npz):
        java = np.load(npz)
        if list(java.keys()) != list(state.keys()):
            problems.append("names or order differ from export-torch's: " + " ".join(sorted(set(java.keys()) ^ set(state.keys()))[:6]))
        else:
            problems += [f"{k} is {tuple(state[k].shape)}, export-torch's {java[k].shape}"
                         for k in state if tuple(state[k].shape) != java[k].shape]
        if not problems:
            net.load_state_dict({k: torch.from_numpy(java[k]) for k in java.keys()}, strict=False)
            net.eval()
            correct = 0
            with torch.no_grad():
                for s in range(0, x.shape[0], 500):
                    correct += int((net((x[s:s + 500].float() / 255 - mean) / std).argmax(1) == y[s:s + 500]).sum())
            acc = correct / x.shape[0]
            shipped = json.load(open(os.path.join(pretrained, name, "attentionzoo.json")))["testAccuracy"]
            line += f", names and shapes as export-torch's; shipped weights {acc:.4f} on {x.shape[0]} test images (metadata: {shipped:.4f})"
            if x.shape[0] == 10000 and abs(acc - shipped) > 0.002:
                problems.append(f"accuracy {acc:.4f} in the twin, {shipped:.4f} in the metadata")
    print(line + "".join("; " + p for p in problems))
    if problems:
        failed.append(name)
if failed:
    sys.exit("check_twin.sh: the twin differs from the Java network for " + ", ".join(failed))
print("the twin builds every model it can as the Java zoo does")
PY
