#!/usr/bin/env bash
# A short side-by-side check of `--no-se-decay` on a GPU: two se_resnet56 runs of the same short
# recipe, SE excitation weights decayed (default) or not, then the largest |w| of each SE block's
# two layers. Shrinking blocks show up here long before their gates are constant. The data is one
# CIFAR batch file (10,000 images) repeated, so that it fits one device call; its accuracy means
# nothing.
#   training/gpu/probe_se_decay.sh PACKDIR EPOCHS SECONDS
set -uo pipefail
pack=$1; epochs=$2; seconds=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
data=$(mktemp -d)
python3 "$repo/training/gpu/cifar_pack.py" unpack "$pack" "$data" > /dev/null
for i in 2 3 4 5; do ln -s "$data/data_batch_1.bin" "$data/data_batch_$i.bin"; done
ln -s "$data/data_batch_1.bin" "$data/test_batch.bin"
out=$(mktemp -d)
for variant in decay no-decay; do
    flag=""
    [ "$variant" = no-decay ] && flag=--no-se-decay
    PYTHONUNBUFFERED=1 timeout "$seconds" python3 "$repo/training/gpu/train_torch.py" --data "$data" \
        --out "$out/$variant" --models se_resnet56 --epochs "$epochs" $flag > "$out/$variant.log" 2>&1 &
done
wait
tail -n 2 "$out"/*.log
python3 - "$out" <<'PY'
import glob, os, sys
import numpy as np
out = sys.argv[1]
for variant in ("decay", "no-decay"):
    path = os.path.join(out, variant, "se_resnet56", "se_resnet56.npz")
    if not os.path.exists(path):
        print(variant, "no checkpoint")
        continue
    d = np.load(path)
    blocks = sorted({k.rsplit(".se.", 1)[0] for k in d.files if ".se." in k})
    sizes = [min(np.abs(d[b + ".se.fc.0.weight"]).max(), np.abs(d[b + ".se.fc.2.weight"]).max()) for b in blocks]
    lines = open(os.path.join(out, variant, "se_resnet56", "metrics.csv")).read().split()
    print(f"{variant}: after epoch {len(lines) - 1}, SE blocks with max|w| < 0.05: {sum(s < 0.05 for s in sizes)} of {len(sizes)};"
          f" smallest {min(sizes):.2e}; per block " + " ".join(f"{s:.2f}" for s in sizes))
PY
