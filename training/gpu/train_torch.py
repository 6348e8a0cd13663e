#!/usr/bin/env python3
"""Trains the zoo's CIFAR-10 networks with PyTorch on one CUDA GPU, each from a plan that `attentionzoo train` made.

DJL 0.35.1 needs PyTorch 2.7.1 natives whose CUDA build is not on Maven Central, so the Java trainer
cannot use a GPU machine that has only Python and PyTorch. This script trains there instead, from
plans made beforehand where Java runs: `train --model NAME [--recipe R] [FLAG...] --print-recipe
--json > NAME.recipe.json` prints the recipe (the Java Recipe, with the flags' changes) and the
network (depth, widths, SE and SK settings) that the registry builds; twin_recipe.py reads and checks
it. Nothing here keeps a copy of a recipe or reads anything from a model's name. What the plan says is
trained as the Java trainer trains it: the optimizer (Nesterov or classical momentum SGD), the
per-step schedule (`LrSchedule`: warmup, then cosine, step, one-cycle or constant), batch size with
the last partial batch dropped, weight decay (off BatchNorm and biases unless `decayNormAndBias`,
off the SE excitation unless `decayExcitation`), label smoothing, and `Augmentation` (4-pixel zero
padding of the raw image, random 32x32 crop, random horizontal flip, per-channel normalisation;
Cutout zeroes a square after normalisation). The networks carry the parameter names `attentionzoo
import-torch` reads; the initial weights are drawn as `TrainingRun` draws them (`--init java`, the
default; `--init torch` keeps PyTorch's). Its output state_dict goes through `import-torch` and the
Java `evaluate` (training/gpu/ship.sh) before it is shipped.

The networks are small, so one step is hundreds of tiny kernels and launch cost dominates. Each run
therefore captures its whole training step (augmentation, forward, backward, SGD update) as one
CUDA graph, and the runs share the GPU on separate streams so their kernels overlap.

    python3 train_torch.py --data DIR --out DIR resnet20.recipe.json se_resnet20.recipe.json ...

On a machine without CUDA it runs the same step eagerly (for checking the script, with --limit).
"""
import argparse
import contextlib
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import twin_recipe

MEAN = (0.4913, 0.4821, 0.4465)
STD = (0.2452, 0.2428, 0.2606)
RECORD = 3073


# ---------------------------------------------------------------- networks (the zoo's, in PyTorch names)

class SE(nn.Module):
    """SqueezeExcitation: hidden width min(C, max(min_hidden, C // r)), no biases (senet.pytorch's fc.0 / fc.2)."""

    def __init__(self, c, reduction, min_hidden):
        super().__init__()
        h = min(c, max(min_hidden, c // reduction))
        self.fc = nn.Sequential(nn.Linear(c, h, bias=False), nn.ReLU(inplace=True), nn.Linear(h, c, bias=False))

    def forward(self, x):
        return x * torch.sigmoid(self.fc(x.mean((2, 3))))[:, :, None, None]


class ConvBn(nn.Module):
    """One SK branch: conv (with `dilated`, a kernel larger than 3 as a 3x3 of the same reach) + BN + ReLU."""

    def __init__(self, cin, cout, kernel, stride, dilated):
        super().__init__()
        dilation = (kernel - 1) // 2 if dilated and kernel > 3 else 1
        k = 3 if dilated and kernel > 3 else kernel
        self.conv = nn.Conv2d(cin, cout, k, stride, dilation * (k - 1) // 2, dilation, bias=False)
        self.bn = nn.BatchNorm2d(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class SK(nn.Module):
    """SelectiveKernel with the paper's fuse layer: z = ReLU(BN(fc(GAP(sum of branches)))), d = max(L, C // r)."""

    def __init__(self, cin, c, stride, kernels, dilated, reduction, min_hidden):
        super().__init__()
        d = max(min_hidden, c // reduction)
        self.convs = nn.ModuleList(ConvBn(cin, c, k, stride, dilated) for k in kernels)
        self.fc = nn.Linear(c, d, bias=False)
        self.fc_bn = nn.BatchNorm1d(d)
        self.fcs = nn.ModuleList(nn.Linear(d, c) for _ in kernels)

    def forward(self, x):
        feats = torch.stack([branch(x) for branch in self.convs], 1)
        z = F.relu(self.fc_bn(self.fc(feats.sum(1).mean((2, 3)))))
        weights = torch.softmax(torch.stack([fc(z) for fc in self.fcs], 1), 1)
        return (feats * weights[:, :, :, None, None]).sum(1)


class BasicBlock(nn.Module):
    """SEBasicBlock: conv-bn-relu (or SK), conv-bn, optional SE before the addition, 1x1 projection shortcut.
    se and sk are the network description's settings (twin_recipe), or None."""

    def __init__(self, cin, c, stride, se, sk):
        super().__init__()
        if sk:
            self.sk = SK(cin, c, stride, sk["kernels"], sk["dilated"], sk["reduction"], sk["minHidden"])
        else:
            self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.se = SE(c, se["reduction"], se["minHidden"]) if se else None
        self.downsample = None
        if stride != 1 or cin != c:
            self.downsample = nn.Sequential(nn.Conv2d(cin, c, 1, stride, bias=False), nn.BatchNorm2d(c))

    def forward(self, x):
        out = self.sk(x) if hasattr(self, "sk") else F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.se is not None:
            out = self.se(out)
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))


class CifarResNet(nn.Module):
    """He et al.'s CIFAR ResNet as `CifarResNet.Builder` describes it (twin_recipe's network): a 3x3 stem of
    widths[0] channels, three stages of blocksPerStage basic blocks at `widths` (stride 2 between stages),
    global average pooling and a linear classifier."""

    def __init__(self, network):
        super().__init__()
        widths = network["widths"]
        self.conv1 = nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        cin = widths[0]
        for stage, c in enumerate(widths):
            blocks = []
            for i in range(network["blocksPerStage"]):
                blocks.append(BasicBlock(cin, c, 2 if stage > 0 and i == 0 else 1, network["se"], network["sk"]))
                cin = c
            setattr(self, f"layer{stage + 1}", nn.Sequential(*blocks))
        self.fc = nn.Linear(cin, network["numClasses"])
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(x.mean((2, 3)))


def build(network, init="java"):
    """The network a plan describes (twin_recipe.read(path)["network"]), initialised as the Java trainer does
    ("java") or as PyTorch does ("torch")."""
    net = CifarResNet(network)
    if init == "java":
        java_init(net)
    elif init != "torch":
        raise ValueError(f"init must be java or torch, got {init!r}")
    return net


def java_init(net):
    """TrainingRun's initializer (DJL XavierInitializer GAUSSIAN, IN, magnitude 2): every conv and linear weight
    from N(0, 2 / fan_in), every bias 0. PyTorch's default draws linear weights about 2.5x smaller, so the SE
    blocks of the shipped runs (--init torch) started with a sixth of the gain |W2 W1| they get here."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                m.weight.normal_(0, math.sqrt(2 / m.weight[0].numel()))
                if m.bias is not None:
                    m.bias.zero_()


# ---------------------------------------------------------------- data

def read_cifar(directory, names, limit=None):
    raw = np.concatenate([np.fromfile(os.path.join(directory, n), dtype=np.uint8).reshape(-1, RECORD) for n in names])
    if limit:
        raw = raw[:limit]
    return torch.from_numpy(raw[:, 1:].reshape(-1, 3, 32, 32).copy()), torch.from_numpy(raw[:, 0].astype(np.int64))


def augment(images, labels, idx, cutout, mean, std):
    """Augmentation.apply on a batch: zero-pad 4, random crop, random flip, normalise, optional Cutout."""
    b = idx.numel()
    dev = images.device
    x = F.pad(images.index_select(0, idx).float(), (4, 4, 4, 4))
    dy = torch.randint(0, 9, (b, 1), device=dev)
    dx = torch.randint(0, 9, (b, 1), device=dev)
    flip = torch.randint(0, 2, (b, 1), device=dev).bool()
    ar = torch.arange(32, device=dev)[None, :]
    rows = dy + ar
    cols = torch.where(flip, dx + 31 - ar, dx + ar)
    x = x[torch.arange(b, device=dev)[:, None, None, None], torch.arange(3, device=dev)[None, :, None, None],
          rows[:, None, :, None], cols[:, None, None, :]]
    x = (x / 255 - mean) / std
    if cutout:
        cy = torch.randint(0, 32, (b, 1), device=dev)
        cx = torch.randint(0, 32, (b, 1), device=dev)
        inside_y = (ar >= cy - cutout // 2) & (ar < cy + (cutout + 1) // 2)
        inside_x = (ar >= cx - cutout // 2) & (ar < cx + (cutout + 1) // 2)
        x = x * ~(inside_y[:, None, :, None] & inside_x[:, None, None, :])
    return x, labels.index_select(0, idx)


def lr_at(step, total, warmup, base, schedule):
    """LrSchedule.at: linear warmup (at most total - 1 steps), then COSINE to zero, STEP (x0.1 at 50% and 75% of
    the run) or CONSTANT; ONECYCLE rises from 4% over the first 30% (no warmup), then cosine to zero."""
    t = min(step, total) / total
    if schedule == "ONECYCLE":
        if t < 0.3:
            return base * (0.04 + 0.96 * t / 0.3)
        return base * 0.5 * (1 + math.cos(math.pi * (t - 0.3) / 0.7))
    warmup = min(warmup, total - 1)
    if step < warmup:
        return base * (step + 1) / (warmup + 1)
    if schedule == "STEP":
        return base if t < 0.5 else base * 0.1 if t < 0.75 else base * 0.01
    if schedule == "CONSTANT":
        return base
    u = (step - warmup) / (total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * min(1.0, u)))


# ---------------------------------------------------------------- one run

class Run:
    """One model's run: the plan's network and recipe, trained in OUT/NAME (checkpoint, metrics.csv, NAME.npz and
    recipe.json, the plan it trains with and how the twin was started)."""

    def __init__(self, plan, args, train, test, device):
        self.name = plan["architecture"]
        self.r = plan["recipe"]
        self.device = device
        self.train_x, self.train_y = train
        self.test_x, self.test_y = test
        self.model = build(plan["network"], args.init).to(device)
        # As TrainingRun: no decay on BatchNorm and biases unless the recipe decays them (he2016), nor on the SE
        # excitation weights where the recipe keeps them out (decayExcitation false).
        exempt = {n for n, p in self.model.named_parameters()
                  if (p.ndim <= 1 and not self.r["decayNormAndBias"]) or (not self.r["decayExcitation"] and ".se." in n)}
        self.decay = [p for n, p in self.model.named_parameters() if n not in exempt]
        self.no_decay = [p for n, p in self.model.named_parameters() if n in exempt]
        self.params = self.decay + self.no_decay
        self.bufs = [torch.zeros_like(p) for p in self.params]
        self.lr = torch.zeros((), device=device)
        self.idx = torch.zeros(self.r["batchSize"], dtype=torch.long, device=device)
        self.loss_sum = torch.zeros((), device=device)
        self.correct = torch.zeros((), dtype=torch.long, device=device)
        self.mean = torch.tensor(MEAN, device=device)[None, :, None, None]
        self.std = torch.tensor(STD, device=device)[None, :, None, None]
        self.steps_per_epoch = self.train_x.shape[0] // self.r["batchSize"]
        self.total = self.steps_per_epoch * self.r["epochs"]
        self.epoch = 0
        self.out = os.path.join(args.out, self.name)
        self.ckpt = os.path.join(self.out, "checkpoint.pt")
        self.graph = None
        self.stream = torch.cuda.Stream() if device.type == "cuda" else None
        self.foreach = device.type == "cuda"

    def on_stream(self):
        """The run's own CUDA stream, so that the runs' kernels overlap on the GPU (nothing on the CPU)."""
        return torch.cuda.stream(self.stream) if self.stream else contextlib.nullcontext()

    def step_body(self):
        x, y = augment(self.train_x, self.train_y, self.idx, self.r["cutout"], self.mean, self.std)
        out = self.model(x)
        loss = F.cross_entropy(out, y, label_smoothing=self.r["labelSmoothing"])
        grads = list(torch.autograd.grad(loss, self.params))
        m = self.r["momentum"]
        nd = len(self.decay)
        with torch.no_grad():
            if self.foreach:
                torch._foreach_add_(grads[:nd], self.decay, alpha=self.r["weightDecay"])
                torch._foreach_mul_(self.bufs, m)
                torch._foreach_add_(self.bufs, grads)
                if self.r["nesterov"]:
                    torch._foreach_add_(grads, self.bufs, alpha=m)
                    torch._foreach_sub_(self.params, torch._foreach_mul(grads, self.lr))
                else:
                    torch._foreach_sub_(self.params, torch._foreach_mul(self.bufs, self.lr))
            else:
                for i, (p, g, v) in enumerate(zip(self.params, grads, self.bufs)):
                    if i < nd:
                        g.add_(p, alpha=self.r["weightDecay"])
                    v.mul_(m).add_(g)
                    p.sub_(((g + m * v) if self.r["nesterov"] else v) * self.lr)
            self.loss_sum += loss
            self.correct += (out.argmax(1) == y).sum()

    def capture(self):
        """Captures step_body as a CUDA graph; the warm-up steps it needs are undone afterwards."""
        saved = {k: v.clone() for k, v in self.model.state_dict().items()}
        self.stream.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(self.stream):
            self.idx.copy_(torch.arange(self.r["batchSize"], device=self.device))
            for _ in range(3):
                self.step_body()
            self.graph = torch.cuda.CUDAGraph()
            with torch.cuda.graph(self.graph, stream=self.stream):
                self.step_body()
            with torch.no_grad():
                for k, v in self.model.state_dict().items():
                    v.copy_(saved[k])
                for v in self.bufs:
                    v.zero_()
        torch.cuda.synchronize()

    def resume(self):
        if os.path.exists(self.ckpt):
            state = torch.load(self.ckpt, map_location=self.device)
            with torch.no_grad():
                self.model.load_state_dict(state["model"])
                for v, s in zip(self.bufs, state["momentum"]):
                    v.copy_(s)
            self.epoch = state["epoch"]
            torch.set_rng_state(state["cpu_rng"])
            print(f"{self.name}: resumed after epoch {self.epoch}", flush=True)

    def save(self):
        state = {"model": self.model.state_dict(), "momentum": self.bufs, "epoch": self.epoch,
                 "cpu_rng": torch.get_rng_state()}
        torch.save(state, self.ckpt + ".tmp")
        os.replace(self.ckpt + ".tmp", self.ckpt)
        arrays = {k: v.detach().float().cpu().numpy() for k, v in self.model.state_dict().items()
                  if not k.endswith("num_batches_tracked")}
        np.savez(os.path.join(self.out, "state_dict.tmp.npz"), **arrays)
        os.replace(os.path.join(self.out, "state_dict.tmp.npz"), os.path.join(self.out, f"{self.name}.npz"))

    def done(self):
        return self.epoch >= self.r["epochs"]

    def start_epoch(self):
        self.perm = torch.randperm(self.train_x.shape[0], device=self.device)
        self.loss_sum.zero_()
        self.correct.zero_()
        self.t0 = time.time()

    def step(self, i):
        step = self.epoch * self.steps_per_epoch + i
        self.lr.fill_(lr_at(step, self.total, self.steps_per_epoch * self.r["warmupEpochs"], self.r["lr"], self.r["schedule"]))
        b = self.r["batchSize"]
        self.idx.copy_(self.perm[i * b:(i + 1) * b])
        if self.graph is not None:
            self.graph.replay()
        else:
            self.step_body()

    def end_epoch(self):
        self.model.eval()
        correct = 0
        loss = 0.0
        with torch.no_grad():
            for s in range(0, self.test_x.shape[0], 1000):
                logits = self.model((self.test_x[s:s + 1000].float() / 255 - self.mean) / self.std)
                y = self.test_y[s:s + 1000]
                correct += (logits.argmax(1) == y).sum()
                loss += F.cross_entropy(logits, y, reduction="sum")
        self.model.train()
        n = self.steps_per_epoch * self.r["batchSize"]
        seconds = time.time() - self.t0
        self.epoch += 1
        # The columns and formats of EpochMetrics, so `attentionzoo plot` draws the curves.
        row = [f"{self.epoch}", f"{float(self.loss_sum) / self.steps_per_epoch:.5f}", f"{float(self.correct) / n:.5f}",
               f"{float(loss) / self.test_x.shape[0]:.5f}", f"{float(correct) / self.test_x.shape[0]:.5f}",
               f"{float(self.lr):.6g}", f"{n / seconds:.1f}", f"{seconds:.1f}"]
        path = os.path.join(self.out, "metrics.csv")
        new = not os.path.exists(path)
        with open(path, "a") as f:
            if new:
                f.write("epoch,train_loss,train_accuracy,test_loss,test_accuracy,lr,images_per_second,epoch_seconds\n")
            f.write(",".join(row) + "\n")
        print(f"{self.name} epoch {self.epoch}/{self.r['epochs']} loss {row[1]} train {row[2]} test {row[4]} "
              f"lr {row[5]} {row[7]}s", flush=True)
        if self.epoch % 5 == 0 or self.done():
            self.save()


def record(plan, args):
    """What OUT/NAME/recipe.json holds: the plan's document as the CLI printed it, and how the twin ran it."""
    doc = dict(plan["document"])
    doc["twin"] = {"init": args.init, "seed": args.seed, "limit": args.limit}
    return doc


def prepare(plans, args):
    """Checks every run directory before any data is read, and writes each new run's recipe.json. A directory that
    holds a run of another plan (or one from before plans) is refused rather than overwritten or resumed."""
    for plan in plans:
        out = os.path.join(args.out, plan["architecture"])
        path = os.path.join(out, "recipe.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                held = json.load(f)
            same = all(held.get(k) == plan["document"].get(k) for k in ("architecture", "recipe", "network"))
            if not same:
                raise twin_recipe.PlanError(f"{out} holds a run of another recipe or network than {plan['path']}: "
                                            f"give another --out, or move that run away")
            if os.path.exists(os.path.join(out, "checkpoint.pt")):
                continue  # a resumed run keeps the record of how it started
        os.makedirs(out, exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record(plan, args), f, indent=2)
        os.replace(path + ".tmp", path)


def read_plans(paths, limit):
    """The plans in PATHS, checked (twin_recipe), one run directory each, each with a full batch to train on."""
    plans = []
    for path in paths:
        plan = twin_recipe.read(path)
        plan["path"] = path
        for other in plans:
            if other["architecture"] == plan["architecture"]:
                raise twin_recipe.PlanError(f"{other['path']} and {path} both train {plan['architecture']}: give "
                                            f"them separate --out directories")
        if limit is not None and limit < plan["recipe"]["batchSize"]:
            raise twin_recipe.PlanError(f"--limit {limit} holds no full batch of {plan['recipe']['batchSize']} "
                                        f"for {path}")
        plans.append(plan)
    return plans


def main():
    p = argparse.ArgumentParser(description="Train the zoo's CIFAR ResNets with PyTorch from plans made by"
                                " `attentionzoo train --model NAME [FLAG...] --print-recipe --json`.")
    p.add_argument("plans", nargs="+", metavar="PLAN.json", help="one plan per model (train --print-recipe --json)")
    p.add_argument("--data", required=True, help="directory of the CIFAR-10 binary files (cifar-10-batches-bin)")
    p.add_argument("--out", required=True, help="runs go to OUT/NAME; an unfinished run there is resumed")
    p.add_argument("--limit", type=int, help="train and test on the first N images only (for checks)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--eager", action="store_true", help="no CUDA graphs")
    p.add_argument("--init", choices=("java", "torch"), default="java",
                   help="initial weights as the Java trainer draws them (default) or PyTorch's defaults")
    # The recipe is the plan's: these flags of earlier versions are now the CLI's, given when the plan is made.
    for old in ("--models", "--recipe", "--weight-decay", "--epochs", "--no-se-decay"):
        p.add_argument(old, dest="old_" + old[2:].replace("-", "_"), nargs="?", const=True, help=argparse.SUPPRESS)
    args = p.parse_args()
    for key, value in vars(args).items():
        if key.startswith("old_") and value is not None:
            flag = "--" + key[4:].replace("_", "-")
            p.error(f"{flag} is no longer the twin's: give the recipe's flags to `attentionzoo train --model NAME ..."
                    f" --print-recipe --json > NAME.recipe.json` and pass that file")
    if args.limit is not None and args.limit <= 0:
        p.error(f"--limit must be positive, got {args.limit}")
    try:
        plans = read_plans(args.plans, args.limit)
        prepare(plans, args)
    except (twin_recipe.PlanError, OSError, ValueError) as e:
        p.exit(2, f"train_torch.py: {e}\n")
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cudnn.benchmark = True
    train = read_cifar(args.data, [f"data_batch_{i}.bin" for i in range(1, 6)], args.limit)
    test = read_cifar(args.data, ["test_batch.bin"], args.limit)
    train = tuple(t.to(device) for t in train)
    test = tuple(t.to(device) for t in test)
    runs = [Run(plan, args, train, test, device) for plan in plans]
    for r, plan in zip(runs, plans):
        r.resume()
        if device.type == "cuda" and not args.eager and not r.done():
            try:
                r.capture()
            except Exception as e:  # the eager step is slower but trains the same network
                print(f"{r.name}: CUDA graph capture failed ({e!r}); running eagerly", flush=True)
                r.graph = None
                for v in r.bufs:
                    v.zero_()
        print(f"{r.name}: {sum(p.numel() for p in r.model.parameters())} parameters, "
              f"{r.steps_per_epoch} steps/epoch, {plan['recipe_text']}", flush=True)
    while True:
        active = [r for r in runs if not r.done()]
        if not active:
            break
        for r in active:
            with r.on_stream():
                r.start_epoch()
        # Plans may differ in batch size, and so in steps per epoch.
        for i in range(max(r.steps_per_epoch for r in active)):
            for r in active:
                if i < r.steps_per_epoch:
                    with r.on_stream():
                        r.step(i)
        for r in active:
            with r.on_stream():
                r.end_epoch()
    print("all done", flush=True)


if __name__ == "__main__":
    main()
