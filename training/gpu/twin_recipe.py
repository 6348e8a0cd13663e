#!/usr/bin/env python3
"""Reads and checks a training plan for train_torch.py: the JSON that `attentionzoo train --print-recipe --json`
prints, which holds the model's recipe (`recipe`, as the Java Recipe writes it) and the network its PyTorch twin
builds (`network`). Needs only the Python standard library, so a plan can be checked where there is no torch.

Make one plan per model with the CLI (on a machine with Java), then carry the files to the GPU machine:

    java -jar examples/target/attentionzoo.jar train --model se_resnet20 --print-recipe --json > se_resnet20.recipe.json
    python3 training/gpu/twin_recipe.py se_resnet20.recipe.json     # one line per plan, or what is wrong with it
"""
import json
import sys

OPTIMIZERS = {"NESTEROV_SGD": True, "MOMENTUM_SGD": False}  # the SGD rules the twin runs, and whether Nesterov
SCHEDULES = ("COSINE", "STEP", "ONECYCLE", "CONSTANT")


class PlanError(ValueError):
    """A plan file that the twin cannot train from; the message names the file and what is wrong."""


def _member(obj, key, kind, where):
    value = obj.get(key) if isinstance(obj, dict) else None
    # bool is an int in Python: a whole number must not be true or false, nor the other way round.
    ok = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
    if not ok:
        want = {bool: "true or false", int: "a whole number", str: "a string", dict: "an object",
                list: "a list", (int, float): "a number"}[kind]
        raise PlanError(f"{where}'{key}' is missing or not {want}, got {value!r}")
    return value


def _positive(obj, key, where):
    value = _member(obj, key, int, where)
    if value <= 0:
        raise PlanError(f"{where}'{key}' must be positive, got {value}")
    return value


def _recipe(r):
    where = "recipe: "
    optimizer = _member(r, "optimizer", str, where)
    if optimizer not in OPTIMIZERS:
        raise PlanError(f"recipe: optimizer {optimizer} is not one the twin runs (NESTEROV_SGD or MOMENTUM_SGD)")
    schedule = _member(r, "schedule", str, where)
    if schedule not in SCHEDULES:
        raise PlanError(f"recipe: unknown schedule {schedule} (use {', '.join(SCHEDULES)})")
    out = {"optimizer": optimizer, "nesterov": OPTIMIZERS[optimizer], "schedule": schedule,
           "epochs": _positive(r, "epochs", where), "batchSize": _positive(r, "batchSize", where)}
    for key in ("warmupEpochs", "cutout"):
        out[key] = _member(r, key, int, where)
        if out[key] < 0:
            raise PlanError(f"recipe: '{key}' must be >= 0, got {out[key]}")
    for key, low, high in (("lr", 0, None), ("momentum", 0, 1), ("weightDecay", 0, None), ("labelSmoothing", 0, 1)):
        v = float(_member(r, key, (int, float), where))
        inside = (v > 0 if key == "lr" else v >= low) and (high is None or v < high) and v != float("inf")
        if not inside:
            raise PlanError(f"recipe: '{key}' is out of range: {v}")
        out[key] = v
    for key in ("decayNormAndBias", "decayExcitation"):
        out[key] = _member(r, key, bool, where)
    # Absent in plans made before the Java trainer could average weights; the twin does not, so it refuses rather
    # than train something other than the plan.
    if float(r.get("ema", 0) or 0) != 0:
        raise PlanError(f"recipe: weight averaging (ema={r['ema']}) is not in the twin; make the plan with --ema 0")
    return out


def _network(n):
    where = "network: "
    if _member(n, "family", str, where) != "cifar_resnet" or n.get("block") != "basic" \
            or n.get("shortcut") != "projection":
        raise PlanError(f"network: the twin builds CIFAR ResNets of basic blocks with projection shortcuts, not "
                        f"{n.get('family')}/{n.get('block')}/{n.get('shortcut')}")
    depth = _positive(n, "depth", where)
    blocks = _positive(n, "blocksPerStage", where)
    if depth != 6 * blocks + 2:
        raise PlanError(f"network: depth {depth} is not 6 x blocksPerStage ({blocks}) + 2")
    widths = _member(n, "widths", list, where)
    if len(widths) != 3 or not all(isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in widths):
        raise PlanError(f"network: 'widths' must be three positive whole numbers, got {widths!r}")
    out = {"depth": depth, "blocksPerStage": blocks, "widths": widths,
           "numClasses": _positive(n, "numClasses", where), "se": None, "sk": None}
    if n.get("se") is not None:
        se = _member(n, "se", dict, where)
        out["se"] = {k: _positive(se, k, "network.se: ") for k in ("reduction", "minHidden")}
    if n.get("sk") is not None:
        sk = _member(n, "sk", dict, where)
        kernels = _member(sk, "kernels", list, "network.sk: ")
        if not kernels or not all(isinstance(k, int) and not isinstance(k, bool) and k > 0 and k % 2 for k in kernels):
            raise PlanError(f"network.sk: 'kernels' must be odd positive whole numbers, got {kernels!r}")
        out["sk"] = {"kernels": kernels, "dilated": _member(sk, "dilated", bool, "network.sk: "),
                     **{k: _positive(sk, k, "network.sk: ") for k in ("reduction", "minHidden")}}
    return out


def parse(doc):
    """The plan in a parsed document: architecture, recipe (the Java Recipe's members, checked, plus `nesterov`),
    recipe_text, network (depth, blocksPerStage, widths, numClasses, se, sk) and the document itself. Raises
    PlanError naming what is missing or wrong."""
    if not isinstance(doc, dict):
        raise PlanError("not a JSON object")
    name = _member(doc, "architecture", str, "")
    if not name or "/" in name or name.startswith("."):
        raise PlanError(f"'architecture' is not a model name: {name!r}")
    if doc.get("network") is None:
        raise PlanError(f"{name} has no 'network': the PyTorch twin builds only the zoo's CIFAR ResNets")
    return {"architecture": name, "recipe": _recipe(_member(doc, "recipe", dict, "")),
            "recipe_text": _member(doc, "recipeText", str, ""), "network": _network(_member(doc, "network", dict, "")),
            "document": doc}


def read(path):
    """The plan in the file PATH, as parse() gives it; raises PlanError whose message starts with PATH."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        return parse(doc)
    except PlanError as e:
        raise PlanError(f"{path}: {e}") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise PlanError(f"{path}: cannot be read as JSON ({e})") from None


def summary(plan):
    """One line saying what the plan trains."""
    n = plan["network"]
    attention = ", SE r={reduction} min {minHidden}".format(**n["se"]) if n["se"] else ""
    if n["sk"]:
        attention += ", SK kernels {}{}".format(n["sk"]["kernels"], " dilated" if n["sk"]["dilated"] else "")
    return (f"{plan['architecture']}: depth {n['depth']}, widths {'/'.join(map(str, n['widths']))}, "
            f"{n['numClasses']} classes{attention}; {plan['recipe_text']}")


def main(paths):
    if not paths:
        print("usage: twin_recipe.py PLAN.json...", file=sys.stderr)
        return 2
    status = 0
    for path in paths:
        try:
            print(summary(read(path)))
        except PlanError as e:
            print(f"twin_recipe.py: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
