#!/usr/bin/env bash
# A short side-by-side check of what keeps SE blocks alive: se_resnet56 runs of the same short recipe
# that differ in the initial weights (PyTorch's defaults or the Java trainer's) and in whether the SE
# excitation weights decay, then, per SE block, the size of its two layers. Shrinking blocks show up
# here long before their gates are constant. The data is one CIFAR batch file (10,000 images)
# repeated five times as the training set (390 steps an epoch) and once as the test set, so that it
# fits one device call; its accuracy means nothing. Two variants of 16 epochs took under 4 minutes
# of H100 time; on 2 CPU cores one epoch of one variant takes about 14 minutes, too slow for it.
#   training/gpu/probe_se_decay.sh DATA PLANS SECONDS [LIMIT] [VARIANT...]
# DATA is a cifar_pack.py pack or a directory holding data_batch_1.bin. PLANS is a directory holding
# the two se_resnet56 plans, made beforehand where Java runs (the epochs are the plans'):
#   java -jar examples/target/attentionzoo.jar train --model se_resnet56 --epochs 16 --se-decay --print-recipe --json > PLANS/decay.json
#   java -jar examples/target/attentionzoo.jar train --model se_resnet56 --epochs 16 --no-se-decay --print-recipe --json > PLANS/no-decay.json
# A VARIANT is INIT-DECAY: torch-decay, torch-no-decay, java-decay or java-no-decay (default:
# torch-decay torch-no-decay java-decay). LIMIT (default 0: all) trains and tests on the first LIMIT
# images only. PYTHON names the interpreter with torch (default python3). The variants run at the same time.
set -uo pipefail
src=$1; plans=$2; seconds=$3; limit=${4:-0}
shift $(($# < 4 ? $# : 4))
variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(torch-decay torch-no-decay java-decay)
python=${PYTHON:-python3}
repo=$(cd "$(dirname "$0")/../.." && pwd)
for variant in "${variants[@]}"; do
    "$python" "$repo/training/gpu/twin_recipe.py" "$plans/${variant#*-}.json" > /dev/null || exit 1
done
data=$(mktemp -d)
if [ -f "$src/data_batch_1.bin" ]; then
    ln -s "$(cd "$src" && pwd)/data_batch_1.bin" "$data/data_batch_1.bin"
else
    "$python" "$repo/training/gpu/cifar_pack.py" unpack "$src" "$data" > /dev/null
fi
for i in 2 3 4 5; do ln -s "$data/data_batch_1.bin" "$data/data_batch_$i.bin"; done
ln -s "$data/data_batch_1.bin" "$data/test_batch.bin"
out=$(mktemp -d)
limit_flag=()
[ "$limit" -gt 0 ] && limit_flag=(--limit "$limit")
for variant in "${variants[@]}"; do
    PYTHONUNBUFFERED=1 timeout "$seconds" "$python" "$repo/training/gpu/train_torch.py" --data "$data" \
        --out "$out/$variant" --init "${variant%%-*}" "${limit_flag[@]}" "$plans/${variant#*-}.json" \
        > "$out/$variant.log" 2>&1 &
done
wait
tail -n 2 "$out"/*.log
"$python" - "$out" "$repo/training/gpu" "$plans" "${variants[@]}" <<'PY'
import os, sys
import numpy as np
import torch
out, here, plans, variants = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
sys.path.insert(0, here)
import train_torch
import twin_recipe


def sizes(state):
    """Per SE block: the smaller of its two layers' largest |w|, and |W2 W1| (the block's linear gain)."""
    blocks = sorted({k.rsplit(".se.", 1)[0] for k in state if ".se." in k})
    w1 = [np.asarray(state[b + ".se.fc.0.weight"]) for b in blocks]
    w2 = [np.asarray(state[b + ".se.fc.2.weight"]) for b in blocks]
    return (np.array([min(np.abs(a).max(), np.abs(b).max()) for a, b in zip(w1, w2)]),
            np.array([np.linalg.norm(b @ a) for a, b in zip(w1, w2)]))


for variant in variants:
    path = os.path.join(out, variant, "se_resnet56", "se_resnet56.npz")
    if not os.path.exists(path):
        print(variant, "no checkpoint")
        continue
    torch.manual_seed(42)  # train_torch.py's default seed, drawn before the network is built
    network = twin_recipe.read(os.path.join(plans, variant.split("-", 1)[1] + ".json"))["network"]
    start = sizes({k: v.numpy() for k, v in train_torch.build(network, variant.split("-")[0]).state_dict().items()})
    end = sizes(np.load(path))
    epochs = len(open(os.path.join(out, variant, "se_resnet56", "metrics.csv")).read().split()) - 1
    print(f"{variant}: after epoch {epochs}, SE blocks with max|w| < 0.05: {sum(end[0] < 0.05)} of {len(end[0])};"
          f" max|w| {start[0].min():.2f}-{start[0].max():.2f} at the start, {end[0].min():.2f}-{end[0].max():.2f} now;"
          f" |W2 W1| {np.median(start[1]):.2f} -> {np.median(end[1]):.2f} (median), smallest now {end[1].min():.3f};"
          f" blocks whose |W2 W1| fell below a tenth of its start: {sum(end[1] < start[1] / 10)}")
    print("  max|w| per block: " + " ".join(f"{s:.2f}" for s in end[0]))
PY
