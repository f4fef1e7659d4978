#!/usr/bin/python3
"""Golden fixture: how PyTorch propagates NaN and ±Inf inputs through nn.LSTM, nn.GRU and nn.RNN.

HOW TO RUN (from the repository root; needs PyTorch and numpy, not the `safetensors` package):

    /usr/bin/python3 tests/fuzz/gen/gen_nonfinite.py

Deterministic (fixed seed, one CPU thread, float32). CI never runs it; tests/fuzz/inputs.test.ts reads what it
writes: tests/fuzz/fixtures/nonfinite.safetensors, one file holding for each cell (lstm, gru, rnn):

  <cell>.weight_ih_l0, <cell>.weight_hh_l0, <cell>.bias_ih_l0, <cell>.bias_hh_l0   the module (PyTorch layout)
  <cell>.<case>.x        [T=5, B=3, I=4] input with non-finite values planted (see CASES)
  <cell>.<case>.output   [T, B, H] PyTorch's output, <cell>.<case>.h [1, B, H] (and .c for the LSTM)

and __metadata__ with the torch version and the case list. Cases:
  nan      x[2, 1, 0] = NaN
  posinf   x[1, 0, 2] = +Inf
  neginf   x[3, 2, 1] = -Inf
  infinf   x[1, 1, 0] = +Inf and x[1, 1, 1] = -Inf (Inf − Inf inside the projection: NaN)
"""

import json
import os
import struct

import numpy as np
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "fixtures", "nonfinite.safetensors")
T, B, I, H = 5, 3, 4, 6
CASES = {
    "nan": [((2, 1, 0), float("nan"))],
    "posinf": [((1, 0, 2), float("inf"))],
    "neginf": [((3, 2, 1), float("-inf"))],
    "infinf": [((1, 1, 0), float("inf")), ((1, 1, 1), float("-inf"))],
}


def main():
    torch.set_num_threads(1)
    torch.manual_seed(20261125)
    tensors = {}
    for cell, cls in (("lstm", nn.LSTM), ("gru", nn.GRU), ("rnn", nn.RNN)):
        m = cls(I, H)
        for k, v in m.state_dict().items():
            tensors[f"{cell}.{k}"] = v.detach().float().contiguous()
        base = torch.randn(T, B, I) * 0.5
        for name, plants in CASES.items():
            x = base.clone()
            for (t, b, i), v in plants:
                x[t, b, i] = v
            with torch.no_grad():
                y = m(x)
            out, state = y
            tensors[f"{cell}.{name}.x"] = x
            tensors[f"{cell}.{name}.output"] = out.contiguous()
            if cell == "lstm":
                tensors[f"{cell}.{name}.h"] = state[0].contiguous()
                tensors[f"{cell}.{name}.c"] = state[1].contiguous()
            else:
                tensors[f"{cell}.{name}.h"] = state.contiguous()
    header = {"__metadata__": {"generator": "tests/fuzz/gen/gen_nonfinite.py", "torch": torch.__version__,
                               "numpy": np.__version__, "cases": ",".join(CASES)}}
    blobs, off = [], 0
    for name in sorted(tensors):
        raw = tensors[name].numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    hj = json.dumps(header, separators=(",", ":")).encode()
    hj += b" " * ((-len(hj)) % 8)
    with open(OUT, "wb") as f:
        f.write(struct.pack("<Q", len(hj)))
        f.write(hj)
        for b in blobs:
            f.write(b)


if __name__ == "__main__":
    main()
