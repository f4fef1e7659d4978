#!/usr/bin/python3
"""Benchmark model generator: the ONNX models every engine in bench/run.mjs runs, with their raw weights.

HOW TO RUN (from the repository root; needs Python 3 with onnx and numpy):

    /usr/bin/python3 bench/gen_models.py

bench/run.mjs runs it by itself when bench/models/manifest.json is missing. Deterministic: the weights of each
config come from numpy's PCG64 seeded with the config's index, uniform(-1/sqrt(H), 1/sqrt(H)) like PyTorch's
default initialisation. The models are several MB, so bench/models/ is not committed (bench/.gitignore).

WHAT IT WRITES into bench/models/:
  <name>.onnx         one ONNX LSTM or GRU node (opset 14), weights W, R, B as initializers, graph inputs X
                      [T, B, I] (and initial_h, initial_c [D, B, H] for the streaming model), outputs Y
                      [T, D, B, H], Y_h, (Y_c).
  <name>.weights.bin  the same W [D, G*H, I], R [D, G*H, H], B [D, 2*G*H] as raw little-endian float32, concatenated
                      in that order (ONNX shapes and gate orders: LSTM i, o, f, c; GRU z, r, h), for the engines
                      that are given weights rather than a model file (rnn-wasm layers, TF.js).
  manifest.json       tool versions and one entry per config: sizes, cell, directions, linear_before_reset, files.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "models")

# name, cell, B, T, I, H, directions, linear_before_reset, stream (h0/c0 graph inputs)
CONFIGS = [
    ("lstm-s", "LSTM", 1, 50, 32, 64, 1, 0, False),
    ("lstm-m", "LSTM", 1, 100, 128, 256, 1, 0, False),
    ("lstm-l", "LSTM", 1, 100, 512, 512, 1, 0, False),
    ("lstm-batch", "LSTM", 32, 100, 128, 256, 1, 0, False),
    ("bilstm-m", "LSTM", 1, 100, 128, 256, 2, 0, False),
    ("gru-m", "GRU", 1, 100, 128, 256, 1, 1, False),
    # one streamed step of lstm-m: the lstm-m weights (same seed), T = 1, state fed in and read out
    ("lstm-m-step", "LSTM", 1, 1, 128, 256, 1, 0, True),
]
SEED_OF = {"lstm-m-step": "lstm-m"}


def make(index, name, cell, B, T, I, H, D, lbr, stream):
    G = 4 if cell == "LSTM" else 3
    seed_name = SEED_OF.get(name, name)
    seed = [c[0] for c in CONFIGS].index(seed_name)
    rng = np.random.Generator(np.random.PCG64(1000 + seed))
    a = 1.0 / np.sqrt(H)
    W = rng.uniform(-a, a, (D, G * H, I)).astype(np.float32)
    R = rng.uniform(-a, a, (D, G * H, H)).astype(np.float32)
    Bias = rng.uniform(-a, a, (D, 2 * G * H)).astype(np.float32)
    inits = [numpy_helper.from_array(W, "W"), numpy_helper.from_array(R, "R"), numpy_helper.from_array(Bias, "B")]
    direction = "bidirectional" if D == 2 else "forward"
    inputs = [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I])]
    node_inputs = ["X", "W", "R", "B"]
    if stream:
        inputs.append(helper.make_tensor_value_info("initial_h", TensorProto.FLOAT, [D, B, H]))
        node_inputs += ["", "initial_h"]
        if cell == "LSTM":
            inputs.append(helper.make_tensor_value_info("initial_c", TensorProto.FLOAT, [D, B, H]))
            node_inputs += ["initial_c"]
    outputs = [
        helper.make_tensor_value_info("Y", TensorProto.FLOAT, [T, D, B, H]),
        helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [D, B, H]),
    ]
    node_outputs = ["Y", "Y_h"]
    if cell == "LSTM":
        outputs.append(helper.make_tensor_value_info("Y_c", TensorProto.FLOAT, [D, B, H]))
        node_outputs.append("Y_c")
    attrs = {"hidden_size": H, "direction": direction}
    if cell == "GRU":
        attrs["linear_before_reset"] = lbr
    node = helper.make_node(cell, node_inputs, node_outputs, **attrs)
    graph = helper.make_graph([node], name.replace("-", "_"), inputs, outputs, inits)
    model = helper.make_model(graph, producer_name="rnn-wasm bench/gen_models.py",
                              opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, name + ".onnx"))
    with open(os.path.join(OUT, name + ".weights.bin"), "wb") as f:
        f.write(W.tobytes() + R.tobytes() + Bias.tobytes())
    return {"name": name, "cell": cell, "B": B, "T": T, "I": I, "H": H, "directions": D,
            "linearBeforeReset": lbr, "stream": stream, "onnx": name + ".onnx", "weights": name + ".weights.bin"}


def main():
    os.makedirs(OUT, exist_ok=True)
    entries = [make(i, *c) for i, c in enumerate(CONFIGS)]
    manifest = {
        "magic": "rnn-wasm-bench-models",
        "version": 1,
        "generator": "bench/gen_models.py",
        "tools": {"python": sys.version.split()[0], "onnx": onnx.__version__, "numpy": np.__version__},
        "configs": entries,
    }
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print("wrote %d models to %s" % (len(entries), OUT))


if __name__ == "__main__":
    main()
