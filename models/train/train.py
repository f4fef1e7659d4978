#!/usr/bin/env python3
"""Trains the bundled spam/ham classifier: bytes → Embedding(256, 16) → bidirectional GRU(48) → per-step
Linear(96, 2) → mean over the message's steps → softmax. The per-step logits averaged into the message's logits
are what the demo draws: each step's share of the verdict.

Input: /tmp/data/spam.jsonl from prepare.py. Output: /tmp/data/spam-bigru.pt (the best epoch on the validation
split) and the log of the run. Deterministic for a seed on one machine; ~6 minutes on 2 cores.

Usage: /usr/bin/python3 models/train/train.py [--data FILE] [--out FILE] [--epochs N] [--budget SECONDS]
"""
import argparse
import json
import random
import time

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

EMBED, HIDDEN, MAX_BYTES = 16, 48, 512


class SpamBiGRU(nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = nn.Embedding(256, EMBED)
        self.rnn = nn.GRU(EMBED, HIDDEN, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * HIDDEN, 2)

    def steps(self, ids, lengths):
        """ids [B, T] int64, lengths [B] → per-step logits [B, T, 2] (zero past each length), hidden [B, T, 2H]."""
        x = self.embedding(ids)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=ids.shape[1])
        mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None]).float()
        return self.head(out) * mask[:, :, None], out

    def forward(self, ids, lengths):
        """Message logits [B, 2]: the mean of the per-step logits over each message's steps."""
        step_logits, _ = self.steps(ids, lengths)
        return step_logits.sum(1) / lengths[:, None].float()


def encode(texts):
    """UTF-8 bytes, first MAX_BYTES, padded with 0 → ids [B, T], lengths [B]."""
    bs = [t.encode("utf-8")[:MAX_BYTES] for t in texts]
    T = max(1, max(len(b) for b in bs))
    ids = torch.zeros(len(bs), T, dtype=torch.long)
    for i, b in enumerate(bs):
        if b:
            ids[i, : len(b)] = torch.tensor(list(b), dtype=torch.long)
    return ids, torch.tensor([max(1, len(b)) for b in bs])


def evaluate(model, rows, batch=128):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(rows), batch):
            chunk = rows[i: i + batch]
            ids, lens = encode([r["text"] for r in chunk])
            pred = model(ids, lens).argmax(1)
            correct += sum(int(p) == r["label"] for p, r in zip(pred.tolist(), chunk))
    return correct / max(1, len(rows))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/tmp/data/spam.jsonl")
    ap.add_argument("--out", default="/tmp/data/spam-bigru.pt")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--budget", type=float, default=540, help="stop starting epochs after this many seconds")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--seed", type=int, default=6)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(2)
    rows = [json.loads(l) for l in open(a.data, encoding="utf-8")]
    train = [r for r in rows if r["split"] == "train"]
    val = [r for r in rows if r["split"] == "val"]
    model = SpamBiGRU()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=a.epochs)
    best, t0 = -1.0, time.time()
    for epoch in range(a.epochs):
        if time.time() - t0 > a.budget:
            print(f"time budget reached after {epoch} epochs")
            break
        model.train()
        random.shuffle(train)
        total = 0.0
        for i in range(0, len(train), a.batch):
            chunk = train[i: i + a.batch]
            ids, lens = encode([r["text"] for r in chunk])
            y = torch.tensor([r["label"] for r in chunk])
            loss = nn.functional.cross_entropy(model(ids, lens), y)
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            total += float(loss) * len(chunk)
        sched.step()
        acc = evaluate(model, val)
        print(f"epoch {epoch + 1}: train loss {total / len(train):.4f}, val accuracy {acc:.4f}, {time.time() - t0:.0f} s", flush=True)
        if acc > best:
            best = acc
            torch.save(model.state_dict(), a.out)
    print(f"best val accuracy {best:.4f}; saved {a.out}")


if __name__ == "__main__":
    main()
