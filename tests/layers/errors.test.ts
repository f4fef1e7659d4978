// Bad input gets the right RnnError, with a message naming the argument, what was expected and what was found.
import { describe, expect, it } from "vitest";
import { GRU, LSTM, RNN } from "../../src/layers/recurrent.js";
import { RnnError } from "../../src/errors.js";
import { Engine } from "../../src/engine/engine.js";
import { engineFor } from "../helpers.js";

function err(fn: () => unknown): RnnError {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(RnnError); return e as RnnError; }
  throw new Error("expected an RnnError, nothing was thrown");
}

describe("errors", () => {
  it("layers without an engine say how to get one", () => {
    const layer = new LSTM({ inputSize: 2, hiddenSize: 3 });
    const e = err(() => layer.forward({ data: new Float32Array(6), dims: [3, 1, 2] }));
    expect(e.code).toBe("BAD_ARGUMENT");
    expect(e.message).toContain("init()");
  });

  it("bad options", async () => {
    const engine = await engineFor("simd");
    expect(err(() => new LSTM({ inputSize: 0, hiddenSize: 3, engine })).message).toMatch(/inputSize: expected an integer >= 1, found 0/);
    expect(err(() => new LSTM({ inputSize: 2, hiddenSize: 3.5, engine })).code).toBe("BAD_ARGUMENT");
    expect(err(() => new LSTM({ inputSize: 2, hiddenSize: 3, projSize: 3, engine })).message).toMatch(/projSize/);
    expect(err(() => new RNN({ inputSize: 2, hiddenSize: 3, nonlinearity: "gelu" as "relu", engine })).message).toMatch(/nonlinearity/);
    expect(err(() => new GRU({ inputSize: 2, hiddenSize: 3, activations: ["Sigmoid"], engine })).message).toMatch(/activations/);
    expect(err(() => new GRU({ inputSize: 2, hiddenSize: 3, activations: ["Sigmoid", "Nope" as "Tanh"], engine })).message).toMatch(/activations\[1\]/);
    expect(err(() => new LSTM({ inputSize: 2, hiddenSize: 3, clip: -1, engine })).message).toMatch(/clip/);
    expect(err(() => new LSTM(null as unknown as { inputSize: number; hiddenSize: number })).code).toBe("BAD_ARGUMENT");
    await expect(Engine.create({ build: "avx" as "simd" })).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
  });

  it("bad tensors", async () => {
    const engine = await engineFor("simd");
    const l = new LSTM({ inputSize: 2, hiddenSize: 3, numLayers: 2, engine });
    const x = { data: new Float32Array(12), dims: [3, 2, 2] };
    let e = err(() => l.forward({ data: new Float32Array(12), dims: [3, 2, 3] }));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toMatch(/x: dims \[3, 2, 3\] hold 18 elements but data has 12/);
    e = err(() => l.forward({ data: new Float32Array(18), dims: [3, 2, 3] }));
    expect(e.message).toMatch(/x: expected the last dim to be the input size 2, found \[3, 2, 3\]/);
    expect(err(() => l.forward({ data: new Float64Array(12) as unknown as Float32Array, dims: [3, 2, 2] })).code).toBe("SHAPE_MISMATCH");
    expect(err(() => l.forward({ data: new Int32Array(12), dims: [3, 2, 2] })).message).toMatch(/x: expected float32 data/);
    expect(err(() => l.forward({ data: new Float32Array(2), dims: [2] })).message).toMatch(/x: expected 3 dims/);
    expect(err(() => l.forward(null as unknown as typeof x)).code).toBe("SHAPE_MISMATCH");
    expect(err(() => l.forward({ data: new Float32Array(12), dims: [3, -2, -2] })).code).toBe("SHAPE_MISMATCH");
    // states
    e = err(() => l.forward(x, { h0: { data: new Float32Array(6), dims: [1, 2, 3] } }));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toMatch(/h0: expected dims \[2, 2, 3\].*found \[1, 2, 3\]/);
    expect(err(() => l.forward(x, { c0: { data: new Float32Array(10), dims: [2, 2, 3] } })).message).toMatch(/c0: dims/);
    expect(err(() => l.forward(x, { c0: { data: new Float32Array(12), dims: [2, 3, 2] } })).message).toMatch(/c0: expected dims \[2, 2, 3\]/);
    const g = new GRU({ inputSize: 2, hiddenSize: 3, engine });
    expect(err(() => g.forward(x, { c0: { data: new Float32Array(6), dims: [1, 2, 3] } })).message).toMatch(/c0: only an LSTM/);
    // lengths
    expect(err(() => l.forward(x, { lengths: [3, 4] })).message).toMatch(/lengths\[1\]: expected an integer from 0 to 3.*found 4/);
    expect(err(() => l.forward(x, { lengths: [-1, 2] })).code).toBe("BAD_ARGUMENT");
    expect(err(() => l.forward(x, { lengths: [NaN, 2] })).code).toBe("BAD_ARGUMENT");
    expect(err(() => l.forward(x, { lengths: [1.5, 2] })).code).toBe("BAD_ARGUMENT");
    expect(err(() => l.forward(x, { lengths: [Infinity, 2] })).code).toBe("BAD_ARGUMENT");
    expect(err(() => l.forward(x, { lengths: [3] })).code).toBe("SHAPE_MISMATCH");
    // weights
    expect(err(() => l.setWeights({ weight_ih_l0: new Float32Array(24) })).code).toBe("BAD_MODEL");
    expect(err(() => l.setOnnxWeights(0, { W: { data: new Float32Array(5), dims: [5] }, R: { data: new Float32Array(36), dims: [1, 12, 3] } })).message).toMatch(/W: expected dims \[1, 12, 2\]/);
    expect(err(() => l.setOnnxWeights(2, { W: { data: new Float32Array(5), dims: [5] }, R: { data: new Float32Array(5), dims: [5] } })).message).toMatch(/layer/);
    // streams
    const s = l.stream({ batch: 2 });
    expect(err(() => s.step({ data: new Float32Array(6), dims: [3, 2] })).message).toMatch(/x: expected dims \[2, 2\]/);
    expect(err(() => l.stream({ batch: 0 })).code).toBe("BAD_ARGUMENT");
  });

  it("disposed objects", async () => {
    const engine = await engineFor("simd");
    const l = new RNN({ inputSize: 2, hiddenSize: 3, engine });
    const x = { data: new Float32Array(4), dims: [2, 1, 2] };
    l.forward(x);
    const s = l.stream();
    s.step({ data: new Float32Array(2), dims: [1, 2] });
    s.dispose();
    expect(err(() => s.step({ data: new Float32Array(2), dims: [1, 2] })).code).toBe("DISPOSED");
    expect(err(() => s.state()).code).toBe("DISPOSED");
    const s2 = l.stream();
    l.dispose();
    l.dispose(); // idempotent
    expect(err(() => l.forward(x)).code).toBe("DISPOSED");
    expect(err(() => l.stream()).code).toBe("DISPOSED");
    expect(err(() => s2.step({ data: new Float32Array(2), dims: [1, 2] })).code).toBe("DISPOSED");
    expect(err(() => l.setWeights({})).code).toBe("DISPOSED");
  });

  it("limits are checked before allocating", async () => {
    const engine = await Engine.create({ build: "simd", limits: { maxElements: 1000 } });
    const l = new LSTM({ inputSize: 2, hiddenSize: 3, engine });
    expect(err(() => l.forward({ data: new Float32Array(2002), dims: [1001, 1, 2] })).code).toBe("LIMIT_EXCEEDED");
    // a layer whose parameters alone exceed the limit is refused when it is made, before anything is allocated
    const e = err(() => new LSTM({ inputSize: 100, hiddenSize: 100, engine }));
    expect(e.code).toBe("LIMIT_EXCEEDED");
    expect(e.message).toMatch(/inputSize 100, hiddenSize 100, numLayers 1: \d+ parameters, more than the engine's limit of 1000/);
    expect(err(() => new GRU({ inputSize: 2, hiddenSize: 2 ** 31, numLayers: 2 ** 31, engine })).code).toBe("LIMIT_EXCEEDED");
    const small = await Engine.create({ build: "simd", limits: { maxBytes: 1 << 20 } });
    const l2 = new LSTM({ inputSize: 256, hiddenSize: 256, engine: small });
    expect(err(() => l2.forward({ data: new Float32Array(256), dims: [1, 1, 256] })).code).toBe("LIMIT_EXCEEDED");
    // the engine stays usable for a model that fits
    const ok = new LSTM({ inputSize: 2, hiddenSize: 3, engine: small });
    expect(ok.forward({ data: new Float32Array(4), dims: [2, 1, 2] }).output.dims).toEqual([2, 1, 3]);
  });
});
