// What loadOnnx and OnnxModel.run refuse, and how: RnnError codes and messages that name the part at fault.
// Plus the behaviours the fixtures cannot show alone: packing once, Y_h/Y_c zeros for empty rows, dispose.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnx } from "../../../src/io/onnx/index.js";
import { RnnError } from "../../../src/errors.js";
import type { Engine } from "../../../src/engine/engine.js";
import type { Tensor } from "../../../src/api.js";
import { BUILDS, closeTo, engineFor } from "../../helpers.js";

const FIX = join(__dirname, "../../fixtures");
const bytesOf = (p: string): Uint8Array => new Uint8Array(readFileSync(join(FIX, p)));

async function rejects(p: Promise<unknown> | (() => unknown), code: string, ...parts: (string | RegExp)[]): Promise<void> {
  let err: unknown = null;
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err, "expected an error").toBeInstanceOf(RnnError);
  expect((err as RnnError).code).toBe(code);
  for (const s of parts) expect((err as RnnError).message).toMatch(s);
}

interface Val { dtype: string; dims: number[]; data: number[] }
function feedsOf(doc: { inputs: Record<string, Val> }): Record<string, Tensor> {
  const f: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(doc.inputs)) {
    f[k] = v.dtype === "float32" ? { data: Float32Array.from(v.data), dims: v.dims } : { data: Int32Array.from(v.data), dims: v.dims };
  }
  return f;
}

/** Counts weight packing (Engine.packPanels calls) while f runs. */
function countPacks(engine: Engine, f: () => void): number {
  const orig = engine.packPanels.bind(engine);
  let n = 0;
  engine.packPanels = (...args) => { n++; return orig(...args); };
  try { f(); } finally { engine.packPanels = orig; }
  return n;
}

describe("loadOnnx errors", async () => {
  const engine = await engineFor("simd");

  it("an unsupported operator names the operator, the node and the opset", async () => {
    await rejects(loadOnnx(bytesOf("onnx/errors/unsupported_op.onnx"), { engine }), "UNSUPPORTED_OP", "Einsum", "my_einsum", "opset 12");
  });
  it("an unsupported attribute value names it with node and opset", async () => {
    await rejects(loadOnnx(bytesOf("onnx/errors/unsupported_direction.onnx"), { engine }), "UNSUPPORTED_OP", "RNN", "rnn0", "opset 14", "sideways");
  });
  it("an unsupported data type names the tensor and the type", async () => {
    await rejects(loadOnnx(bytesOf("onnx/errors/unsupported_dtype.onnx"), { engine }), "UNSUPPORTED_OP", "\"s\"", "COMPLEX64");
  });
  it("an operator of another domain is unsupported", async () => {
    await rejects(loadOnnx(bytesOf("onnx/errors/custom_domain.onnx"), { engine }), "UNSUPPORTED_OP", "FusedThing", "com.example");
  });
  it("a node input that nothing produces is BAD_MODEL", async () => {
    await rejects(loadOnnx(bytesOf("onnx/errors/dangling_input.onnx"), { engine }), "BAD_MODEL", "relu0", "nowhere");
  });
  it("a truncated file is BAD_MODEL", async () => {
    const b = bytesOf("onnx/torch/lstm_2layer_bidir_h0c0.onnx");
    await rejects(loadOnnx(b.subarray(0, b.length >> 1), { engine }), "BAD_MODEL", "truncated");
    await rejects(loadOnnx(b.subarray(0, b.length - 3), { engine }), "BAD_MODEL");
    // any cut point: an RnnError, never a raw exception
    for (let n = 1; n < b.length; n += 211) {
      let err: unknown = null;
      try { await loadOnnx(b.subarray(0, n), { engine }); } catch (e) { err = e; }
      expect(err, `cut at ${n}`).toBeInstanceOf(RnnError);
    }
  });
  it("bytes that are not protobuf are BAD_MODEL", async () => {
    await rejects(loadOnnx(new TextEncoder().encode("this is not an onnx file at all"), { engine }), "BAD_MODEL");
    await rejects(loadOnnx(new Uint8Array(0), { engine }), "BAD_MODEL");
  });
  it("bytes that are not a Uint8Array are BAD_ARGUMENT", async () => {
    await rejects(loadOnnx("model.onnx" as unknown as Uint8Array, { engine }), "BAD_ARGUMENT", "bytes");
  });

  it("a missing feed, a wrong dtype, wrong dims and an unknown name are refused naming the input", async () => {
    const doc = JSON.parse(readFileSync(join(FIX, "onnx/torch/gru_batch_first_h0.json"), "utf8"));
    const model = await loadOnnx(bytesOf("onnx/torch/gru_batch_first_h0.onnx"), { engine });
    const feeds = feedsOf(doc);
    await rejects(() => model.run({ h0: feeds.h0 }), "BAD_ARGUMENT", "\"x\"", "missing");
    await rejects(() => model.run({ ...feeds, x: { data: new Int32Array(feeds.x.data.length), dims: feeds.x.dims } }), "SHAPE_MISMATCH", "\"x\"", "Float32Array");
    await rejects(() => model.run({ ...feeds, x: { data: new Float32Array(4 * 5), dims: [4, 5] } }), "SHAPE_MISMATCH", "\"x\"");
    await rejects(() => model.run({ ...feeds, h0: { data: new Float32Array(3), dims: [1, 3, 1] } }), "SHAPE_MISMATCH", "\"h0\"", "6");
    await rejects(() => model.run({ ...feeds, x: { data: new Float32Array(5), dims: [2, 3] } }), "SHAPE_MISMATCH", "\"x\"");
    await rejects(() => model.run({ ...feeds, extra: feeds.h0 }), "BAD_ARGUMENT", "\"extra\"");
    model.dispose();
  });

  it("a required recurrent input left out names it", async () => {
    const model = await loadOnnx(bytesOf("conformance/onnx-node/test_gru_defaults/model.onnx"), { engine });
    await rejects(() => model.run({ X: { data: new Float32Array(6), dims: [1, 3, 2] } }), "BAD_ARGUMENT", "\"W\"");
    model.dispose();
  });

  it("after dispose every call is DISPOSED", async () => {
    const model = await loadOnnx(bytesOf("onnx/torch/rnn_relu_bidir_h0.onnx"), { engine });
    model.dispose();
    await rejects(() => model.run({}), "DISPOSED");
    model.dispose(); // idempotent
  });
});

describe("ONNX recurrent nodes: behaviours", () => {
  for (const build of BUILDS) {
    it(`initializer weights are packed at load, never in run [${build}]`, async () => {
      const engine = await engineFor(build);
      const doc = JSON.parse(readFileSync(join(FIX, "onnx/torch/embedding_lstm_linear.json"), "utf8"));
      let model!: Awaited<ReturnType<typeof loadOnnx>>;
      const atLoad = await (async () => {
        const orig = engine.packPanels.bind(engine);
        let n = 0;
        engine.packPanels = (...args) => { n++; return orig(...args); };
        try { model = await loadOnnx(bytesOf("onnx/torch/embedding_lstm_linear.onnx"), { engine }); } finally { engine.packPanels = orig; }
        return n;
      })();
      expect(atLoad).toBeGreaterThan(0);
      const feeds = feedsOf(doc);
      // the LSTM and the Gemm head were packed at load
      expect(countPacks(engine, () => model.run(feeds))).toBe(0);
      expect(countPacks(engine, () => model.run(feeds))).toBe(0);
      model.dispose();
    });

    it(`run-time weights are packed when they arrive and reused while they stay the same [${build}]`, async () => {
      const engine = await engineFor(build);
      const model = await loadOnnx(bytesOf("conformance/onnx-node/test_lstm_with_initial_bias/model.onnx"), { engine });
      const rd = (k: number): Tensor => {
        const meta = JSON.parse(readFileSync(join(FIX, `conformance/onnx-node/test_lstm_with_initial_bias/test_data_set_0/input_${k}.json`), "utf8"));
        const buf = readFileSync(join(FIX, `conformance/onnx-node/test_lstm_with_initial_bias/test_data_set_0/input_${k}.bin`));
        return { data: new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)), dims: meta.dims };
      };
      const feeds = { X: rd(0), W: rd(1), R: rd(2), B: rd(3) };
      expect(countPacks(engine, () => model.run(feeds))).toBeGreaterThan(0);
      const first = model.run(feeds).Y_h.data as Float32Array;
      // same values in new arrays: no repacking
      const copy = { X: feeds.X, W: { data: (feeds.W.data as Float32Array).slice(), dims: feeds.W.dims }, R: feeds.R, B: feeds.B };
      expect(countPacks(engine, () => model.run(copy))).toBe(0);
      // changed weights: repacked, and the output follows them
      const W2 = (feeds.W.data as Float32Array).map((v) => v * 0.5);
      let second!: Float32Array;
      expect(countPacks(engine, () => { second = model.run({ ...feeds, W: { data: W2, dims: feeds.W.dims } }).Y_h.data as Float32Array; })).toBeGreaterThan(0);
      expect(closeTo(second, first)).not.toBeNull();
      model.dispose();
    });

    it(`rows with sequence_lens 0 give zero Y, Y_h and Y_c (as onnxruntime), not the initial state [${build}]`, async () => {
      const engine = await engineFor(build);
      const doc = JSON.parse(readFileSync(join(FIX, "onnx/nodes/lstm_bidirectional_lens.json"), "utf8"));
      const lens: number[] = doc.inputs.sequence_lens.data;
      const b0 = lens.indexOf(0);
      expect(b0).toBeGreaterThanOrEqual(0);
      const model = await loadOnnx(bytesOf("onnx/nodes/lstm_bidirectional_lens.onnx"), { engine });
      const out = model.run(feedsOf(doc));
      const [D, B, H] = out.Y_h.dims;
      const h0: number[] = doc.inputs.initial_h.data;
      for (let d = 0; d < D; d++) {
        const row = (t: Tensor) => Array.from((t.data as Float32Array).subarray((d * B + b0) * H, (d * B + b0 + 1) * H));
        expect(row(out.Y_h)).toEqual(new Array(H).fill(0));
        expect(row(out.Y_c)).toEqual(new Array(H).fill(0));
        expect(h0.slice((d * B + b0) * H, (d * B + b0 + 1) * H).some((v) => v !== 0)).toBe(true);
      }
      const [T] = out.Y.dims;
      for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) {
        const o = ((t * D + d) * B + b0) * H;
        expect(Array.from((out.Y.data as Float32Array).subarray(o, o + H))).toEqual(new Array(H).fill(0));
      }
      model.dispose();
    });
  }
});
