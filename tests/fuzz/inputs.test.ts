// Bad inputs at the public API, one at a time: each is rejected with the right code and a message naming the
// argument, and nothing is left allocated. Non-finite inputs are not errors: they propagate exactly as PyTorch
// propagates them (tests/fuzz/fixtures/nonfinite.safetensors, written by tests/fuzz/gen/gen_nonfinite.py), in every
// build, and another model running on the same engine is not affected.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/api.js";
import { RnnError } from "../../src/errors.js";
import { parseSafetensors, readFloat } from "../../src/io/safetensors.js";
import { loadTorch } from "../../src/io/torch.js";
import { GRU, LSTM, RNN, type RecurrentLayer } from "../../src/layers/recurrent.js";
import { BUILDS, closeTo, engineFor, sameBits } from "../helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bytesOf = (p: string) => new Uint8Array(readFileSync(join(root, p)));

function rnnError(f: () => unknown): RnnError {
  try { f(); } catch (e) {
    if (e instanceof RnnError) return e;
    throw new Error(`expected an RnnError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error("expected an RnnError, nothing was thrown");
}

describe("bad inputs are SHAPE_MISMATCH / BAD_ARGUMENT naming the argument", async () => {
  const engine = await engineFor("simd");
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, engine });
  const gru = new GRU({ inputSize: 3, hiddenSize: 4, engine });
  const x = (T: number, B: number, I = 3): Tensor => ({ data: new Float32Array(T * B * I).fill(0.1), dims: [T, B, I] });
  // pack the weights now (layers pack on first use), so that what a failed call leaves behind is visible
  lstm.forward(x(1, 1));
  gru.forward(x(1, 1));
  const cases: [string, () => unknown, string, string][] = [
    ["x with 4 dims", () => lstm.forward({ data: new Float32Array(24), dims: [2, 2, 2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x with 1 dim", () => lstm.forward({ data: new Float32Array(3), dims: [3] }), "SHAPE_MISMATCH", "x"],
    ["x with the wrong input size", () => lstm.forward(x(2, 2, 4)), "SHAPE_MISMATCH", "x"],
    ["x data shorter than its dims", () => lstm.forward({ data: new Float32Array(11), dims: [2, 2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x data longer than its dims", () => lstm.forward({ data: new Float32Array(13), dims: [2, 2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x data Int32Array", () => lstm.forward({ data: new Int32Array(12), dims: [2, 2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x data Float64Array", () => lstm.forward({ data: new Float64Array(12) as never, dims: [2, 2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x data a plain array", () => lstm.forward({ data: Array(12).fill(0) as never, dims: [2, 2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x dims with NaN", () => lstm.forward({ data: new Float32Array(12), dims: [2, NaN, 3] }), "SHAPE_MISMATCH", "x"],
    ["x dims negative", () => lstm.forward({ data: new Float32Array(12), dims: [-2, -2, 3] }), "SHAPE_MISMATCH", "x"],
    ["x dims fractional", () => lstm.forward({ data: new Float32Array(12), dims: [0.5, 8, 3] }), "SHAPE_MISMATCH", "x"],
    ["x null", () => lstm.forward(null as never), "SHAPE_MISMATCH", "x"],
    ["x a bare Float32Array", () => lstm.forward(new Float32Array(12) as never), "SHAPE_MISMATCH", "x"],
    ["lengths NaN", () => lstm.forward(x(2, 2), { lengths: [2, NaN] }), "BAD_ARGUMENT", "lengths"],
    ["lengths Infinity", () => lstm.forward(x(2, 2), { lengths: [Infinity, 1] }), "BAD_ARGUMENT", "lengths"],
    ["lengths negative", () => lstm.forward(x(2, 2), { lengths: [-1, 1] }), "BAD_ARGUMENT", "lengths"],
    ["lengths past T", () => lstm.forward(x(2, 2), { lengths: [3, 1] }), "BAD_ARGUMENT", "lengths"],
    ["lengths fractional", () => lstm.forward(x(2, 2), { lengths: [1.5, 1] }), "BAD_ARGUMENT", "lengths"],
    ["lengths of the wrong count", () => lstm.forward(x(2, 2), { lengths: [1, 1, 1] }), "SHAPE_MISMATCH", "lengths"],
    ["lengths not an array", () => lstm.forward(x(2, 2), { lengths: 2 as never }), "BAD_ARGUMENT", "lengths"],
    ["h0 mis-shaped", () => lstm.forward(x(2, 2), { h0: { data: new Float32Array(8), dims: [1, 2, 4] } }), "SHAPE_MISMATCH", "h0"],
    ["h0 data length disagrees", () => lstm.forward(x(2, 2), { h0: { data: new Float32Array(15), dims: [2, 2, 4] } }), "SHAPE_MISMATCH", "h0"],
    ["c0 Int32Array", () => lstm.forward(x(2, 2), { c0: { data: new Int32Array(16), dims: [2, 2, 4] } }), "SHAPE_MISMATCH", "c0"],
    ["c0 for a GRU", () => gru.forward(x(2, 2), { c0: { data: new Float32Array(8), dims: [1, 2, 4] } }), "BAD_ARGUMENT", "c0"],
    ["stream step mis-shaped", () => { const s = lstm.stream({ batch: 2 }); try { return s.step(x(1, 3)); } finally { s.dispose(); } }, "SHAPE_MISMATCH", "x"],
    ["stream batch 0", () => lstm.stream({ batch: 0 }), "BAD_ARGUMENT", "batch"],
    ["stream batch NaN", () => lstm.stream({ batch: NaN }), "BAD_ARGUMENT", "batch"],
    ["hiddenSize 0", () => new LSTM({ inputSize: 3, hiddenSize: 0, engine }), "BAD_ARGUMENT", "hiddenSize"],
    ["inputSize a string", () => new GRU({ inputSize: "3" as never, hiddenSize: 2, engine }), "BAD_ARGUMENT", "inputSize"],
    ["numLayers NaN", () => new RNN({ inputSize: 3, hiddenSize: 2, numLayers: NaN, engine }), "BAD_ARGUMENT", "numLayers"],
    ["setWeights with a mis-shaped tensor", () => gru.setWeights({ weight_ih_l0: new Float32Array(5), weight_hh_l0: new Float32Array(48), bias_ih_l0: new Float32Array(12), bias_hh_l0: new Float32Array(12) }), "SHAPE_MISMATCH", "weight_ih_l0"],
  ];
  for (const [what, f, code, arg] of cases) {
    it(what, () => {
      const before = engine.arena.liveBlocks;
      const e = rnnError(f);
      expect(e.code).toBe(code);
      expect(e.message).toContain(arg);
      expect(e.message.length).toBeLessThan(500);
      expect(engine.arena.liveBlocks, "engine blocks left behind").toBe(before);
    });
  }
});

describe("NaN and ±Inf propagate as in PyTorch, and do not reach another model", () => {
  const fx = parseSafetensors(bytesOf("tests/fuzz/fixtures/nonfinite.safetensors"));
  const get = (n: string): Tensor & { data: Float32Array } => {
    const e = fx.entries.get(n);
    if (!e) throw new Error(`fixture: ${n} missing (regenerate with tests/fuzz/gen/gen_nonfinite.py)`);
    return { data: readFloat(fx, e), dims: e.shape };
  };
  const cases = fx.metadata.cases.split(",");
  for (const build of BUILDS) {
    for (const cell of ["lstm", "gru", "rnn"] as const) {
      it(`${build} ${cell}: ${cases.join(", ")}`, async () => {
        const engine = await engineFor(build);
        const sd: Record<string, Float32Array> = {};
        for (const k of ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]) sd[k] = get(`${cell}.${k}`).data;
        const [, I] = get(`${cell}.weight_ih_l0`).dims;
        const H = get(`${cell}.weight_hh_l0`).dims[1];
        const Cls = cell === "lstm" ? LSTM : cell === "gru" ? GRU : RNN;
        const layer: RecurrentLayer = new Cls({ inputSize: I, hiddenSize: H, engine }).setWeights(sd);
        // a bystander model on the same engine, run before and after
        const other = await loadTorch(bytesOf("tests/fixtures/torch/gru_basic.safetensors"), { engine });
        const io = parseSafetensors(bytesOf("tests/fixtures/torch/gru_basic.io.safetensors"));
        const ox = { data: readFloat(io, io.entries.get("x")!), dims: io.entries.get("x")!.shape };
        const before = other.forward(ox).output.data;
        try {
          for (const c of cases) {
            const y = layer.forward(get(`${cell}.${c}.x`));
            for (const [name, got] of [["output", y.output.data], ["h", y.h.data], ["c", y.c?.data]] as const) {
              if (!got) continue;
              const exp = get(`${cell}.${c}.${name}`).data;
              const nanGot = Array.from(got, Number.isNaN), nanExp = Array.from(exp, Number.isNaN);
              expect(nanGot, `${c} ${name}: NaN positions`).toEqual(nanExp);
              expect(closeTo(got, exp), `${c} ${name}`).toBeNull();
            }
          }
          // NaN in x at step t makes the LSTM's outputs of that row NaN from t on, and only those
          if (cell === "lstm") {
            const y = get("lstm.nan.output").data;
            const T = 5, B = 3;
            for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
              expect(Number.isNaN(y[(t * B + b) * H]), `t=${t} b=${b}`).toBe(b === 1 && t >= 2);
            }
          }
          expect(sameBits(other.forward(ox).output.data, before), "the bystander model").toBeNull();
        } finally {
          layer.dispose();
          other.dispose();
        }
      });
    }
  }
});
