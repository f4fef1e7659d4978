#!/usr/bin/env python3
"""Small random models in rnn-wasm's own format, with PyTorch's outputs: the oracle of tests/io/model/.

Each case is a PyTorch module (embedding or float features → LSTM / GRU / RNN → dense → pool → softmax or an
activation) whose tensors and architecture are written as tests/io/model/fixtures/<case>.safetensors, and whose
outputs on a seeded input (with per-row lengths) go to tests/io/model/fixtures/<case>.json.
Also writes .npy files saved by numpy itself (tests/cli/fixtures/) for the CLI's .npy reader.

Usage: /usr/bin/python3 models/train/gen_golden.py
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(__file__))
from safetensors_io import save  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "tests", "io", "model", "fixtures")

CASES = [
    # name, input, cell, rnn kwargs, dense activation, pool, final, dtype
    ("gru_bytes_mean_softmax", {"tokenizer": "bytes", "maxLength": 64}, "gru", dict(hidden_size=6, bidirectional=True), None, "mean", "softmax", np.float16),
    ("lstm_proj_2layer_max", {"tokenizer": "none"}, "lstm", dict(hidden_size=7, num_layers=2, proj_size=3, bidirectional=True), "Tanh", "max", "Sigmoid", np.float32),
    ("rnn_relu_features_last", {"features": 5}, "rnn", dict(hidden_size=9, nonlinearity="relu"), "Relu", "last", "softmax", np.float32),
    ("lstm_nopool_nobias", {"features": 4}, "lstm", dict(hidden_size=5, bias=False), None, None, "Sigmoid", np.float32),
]
ACTS = {"Tanh": torch.tanh, "Relu": torch.relu, "Sigmoid": torch.sigmoid, None: lambda x: x}


def main():
    torch.manual_seed(6)
    os.makedirs(OUT, exist_ok=True)
    for name, inp, cell, kw, dense_act, pool, final, dtype in CASES:
        tokens = "tokenizer" in inp
        vocab = 256 if inp.get("tokenizer") == "bytes" else 11
        I = 4 if tokens else inp["features"]
        emb = nn.Embedding(vocab, I) if tokens else None
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell](I, batch_first=True, **kw)
        D = 2 if kw.get("bidirectional") else 1
        out_f = D * (kw.get("proj_size") or kw["hidden_size"])
        head = nn.Linear(out_f, 3)
        tensors = {}
        if emb is not None:
            tensors["emb.weight"] = emb.weight.detach().numpy().astype(dtype)
        for k, v in rnn.state_dict().items():
            tensors["enc." + k] = v.numpy().astype(dtype)
        tensors["head.weight"] = head.weight.detach().numpy().astype(dtype)
        tensors["head.bias"] = head.bias.detach().numpy().astype(dtype)
        # run PyTorch with exactly the stored (possibly rounded) weights
        with torch.no_grad():
            if emb is not None:
                emb.weight.copy_(torch.from_numpy(tensors["emb.weight"].astype(np.float32)))
            rnn.load_state_dict({k[4:]: torch.from_numpy(tensors[k].astype(np.float32)) for k in tensors if k.startswith("enc.")})
            head.weight.copy_(torch.from_numpy(tensors["head.weight"].astype(np.float32)))
            head.bias.copy_(torch.from_numpy(tensors["head.bias"].astype(np.float32)))
        layers = []
        if emb is not None:
            layers.append({"type": "embedding", "weight": "emb.weight"})
        rl = {"type": cell, "prefix": "enc.", "hiddenSize": kw["hidden_size"], "numLayers": kw.get("num_layers", 1),
              "bidirectional": bool(kw.get("bidirectional")), "bias": kw.get("bias", True)}
        if kw.get("proj_size"):
            rl["projSize"] = kw["proj_size"]
        if kw.get("nonlinearity"):
            rl["nonlinearity"] = kw["nonlinearity"]
        layers.append(rl)
        dl = {"type": "dense", "weight": "head.weight", "bias": "head.bias"}
        if dense_act:
            dl["activation"] = dense_act
        layers.append(dl)
        if pool:
            layers.append({"type": "pool", "op": pool})
        layers.append({"type": "softmax"} if final == "softmax" else {"type": "activation", "name": final})
        arch = {"format": 1, "name": name, "input": inp, "layers": layers}
        if pool and final == "softmax":
            arch["labels"] = ["a", "b", "c"]
        save(os.path.join(OUT, name + ".safetensors"), tensors, {"rnn-wasm": json.dumps(arch)})

        B, T = 3, 7
        lengths = torch.tensor([7, 4, 1])
        if tokens:
            x_in = torch.randint(0, vocab, (B, T))
            for b in range(B):
                x_in[b, lengths[b]:] = 0
            x = emb(x_in)
        else:
            x_in = torch.randn(B, T, I)
            x = x_in
        with torch.no_grad():
            packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
            y, _ = rnn(packed)
            y, _ = pad_packed_sequence(y, batch_first=True, total_length=T)
            mask = (torch.arange(T)[None, :] < lengths[:, None]).float()[:, :, None]
            s = ACTS[dense_act](head(y)) * mask
            fin = (lambda z: torch.softmax(z, -1)) if final == "softmax" else ACTS[final]
            if pool == "mean":
                v = s.sum(1) / lengths[:, None].float()
            elif pool == "max":
                v = torch.stack([s[b, : lengths[b]].max(0).values for b in range(B)])
            elif pool == "last":
                v = torch.stack([s[b, lengths[b] - 1] for b in range(B)])
            else:
                v = s
            out = fin(v)
            if not pool:
                out = out * mask
            steps = fin(s) * mask
        expected = {
            "generator": "models/train/gen_golden.py", "torch": torch.__version__,
            "input": {"dims": list(x_in.shape), "data": x_in.reshape(-1).tolist(), "dtype": "int" if tokens else "float32"},
            "lengths": lengths.tolist(),
            "output": {"dims": list(out.shape), "data": out.reshape(-1).tolist()},
            "steps": {"dims": list(steps.shape), "data": steps.reshape(-1).tolist()},
            "hidden": {"dims": list(y.shape), "data": y.reshape(-1).tolist()},
        }
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(expected, f)
            f.write("\n")
        print("wrote", name)


def npy_fixtures():
    out = os.path.join(ROOT, "tests", "cli", "fixtures")
    os.makedirs(out, exist_ok=True)
    values = np.arange(-3, 9).reshape(2, 3, 2)
    np.save(os.path.join(out, "f32_2x3x2.npy"), (values / 4).astype(np.float32))
    np.save(os.path.join(out, "f64_2x3x2.npy"), (values / 4).astype(np.float64))
    np.save(os.path.join(out, "i32_2x3x2.npy"), values.astype(np.int32))
    np.save(os.path.join(out, "i64_2x3x2.npy"), values.astype(np.int64))
    np.save(os.path.join(out, "i64_scalar.npy"), np.array(7, dtype=np.int64))
    np.save(os.path.join(out, "f32_fortran_2x3.npy"), np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
    np.save(os.path.join(out, "c64_2.npy"), np.zeros(2, dtype=np.complex64))
    print("wrote tests/cli/fixtures/*.npy, numpy", np.__version__)


if __name__ == "__main__":
    main()
    npy_fixtures()
