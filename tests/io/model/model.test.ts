// loadModel (the project's own model format) against PyTorch: small random models of every layer kind
// (models/train/gen_golden.py → fixtures/), the bundled spam model (models/train/export.py → golden.json), and
// every kind of malformed file → BAD_MODEL.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadModel, type RnnModel } from "../../../src/io/model.js";
import { RnnError } from "../../../src/errors.js";
import { BUILDS, closeTo, engineFor } from "../../helpers.js";

const here = join(__dirname);
const root = join(here, "..", "..", "..");
const CASES = ["gru_bytes_mean_softmax", "lstm_proj_2layer_max", "rnn_relu_features_last", "lstm_nopool_nobias"];

interface Expected {
  input: { dims: number[]; data: number[]; dtype: "int" | "float32" };
  lengths: number[];
  output: { dims: number[]; data: number[] };
  steps: { dims: number[]; data: number[] };
  hidden: { dims: number[]; data: number[] };
}

describe.each(BUILDS)("loadModel on the %s build", (build) => {
  it.each(CASES)("%s matches PyTorch (output, per-step output, hidden states)", async (name) => {
    const engine = await engineFor(build);
    const bytes = readFileSync(join(here, "fixtures", name + ".safetensors"));
    const exp = JSON.parse(readFileSync(join(here, "fixtures", name + ".json"), "utf8")) as Expected;
    const model = await loadModel(bytes, { engine });
    const x = exp.input.dtype === "int"
      ? { data: Int32Array.from(exp.input.data), dims: exp.input.dims }
      : { data: Float32Array.from(exp.input.data), dims: exp.input.dims };
    const r = model.predict(x, { lengths: exp.lengths, steps: true });
    expect(r.output.dims).toEqual(exp.output.dims);
    expect(closeTo(r.output.data, exp.output.data)).toBeNull();
    expect(r.steps!.output.dims).toEqual(exp.steps.dims);
    expect(closeTo(r.steps!.output.data, exp.steps.data)).toBeNull();
    expect(r.steps!.hidden.dims).toEqual(exp.hidden.dims);
    expect(closeTo(r.steps!.hidden.data, exp.hidden.data)).toBeNull();
    model.dispose();
    expect(() => model.predict(x)).toThrow(/DISPOSED/);
  });
});

describe("the bundled spam model (models/spam-bigru.safetensors)", () => {
  const golden = JSON.parse(readFileSync(join(here, "golden.json"), "utf8"));
  const examples = JSON.parse(readFileSync(join(root, "models", "spam-examples.json"), "utf8")).examples as { text: string; label: string }[];
  const bytes = readFileSync(join(root, "models", "spam-bigru.safetensors"));
  let model: RnnModel;

  it("is at most 500 KB and describes itself", async () => {
    expect(bytes.length).toBeLessThanOrEqual(500 * 1024);
    model = await loadModel(bytes, { engine: await engineFor("simd") });
    expect(model.info.labels).toEqual(["ham", "spam"]);
    expect(model.info.input).toEqual({ tokenizer: "bytes", maxLength: 512, vocab: 256 });
    expect(model.info.dtypes).toEqual(["F16"]);
    expect(model.info.layers.map((l) => l.type)).toEqual(["embedding", "gru", "dense", "pool", "softmax"]);
  });

  it.each(BUILDS)("gives PyTorch's spam probability for all 200 held-out examples, in one batch (%s)", async (build) => {
    const m = await loadModel(bytes, { engine: await engineFor(build) });
    const r = m.predict(examples.map((e) => e.text));
    expect(r.output.dims).toEqual([examples.length, 2]);
    const spam = Array.from({ length: examples.length }, (_, i) => r.output.data[i * 2 + 1]);
    expect(closeTo(spam, golden.examples_spam_probability, 1e-4, 1e-3)).toBeNull();
    // the labels are the argmax, and agree with PyTorch's verdicts
    expect(r.labels).toEqual(golden.examples_spam_probability.map((p: number) => (p > 0.5 ? "spam" : "ham")));
    m.dispose();
  });

  it("classifies typed text like PyTorch, including non-ASCII (UTF-8 bytes) and single bytes", () => {
    for (const t of golden.typed as { text: string; spam: number | null }[]) {
      const r = model.predict(t.text);
      if (t.spam === null) {
        expect(r.lengths).toEqual([0]); // an empty text: no steps, the head's bias alone
        continue;
      }
      expect(r.lengths).toEqual([new TextEncoder().encode(t.text).length]);
      expect(closeTo([r.output.data[1]], [t.spam], 1e-4, 1e-3)).toBeNull();
    }
  });

  it("exposes per-step spam scores and hidden states as PyTorch computes them", () => {
    for (const s of golden.steps as { text: string; spam: number[]; hidden_first_16_steps: number[] }[]) {
      const r = model.predict(s.text, { steps: true });
      const T = r.lengths[0];
      expect(T).toBe(s.spam.length);
      const spam = Array.from({ length: T }, (_, t) => r.steps!.output.data[t * 2 + 1]);
      expect(closeTo(spam, s.spam, 1e-4, 1e-3)).toBeNull();
      expect(r.steps!.hidden.dims).toEqual([1, T, 96]);
      expect(closeTo(r.steps!.hidden.data.subarray(0, 16 * 96), s.hidden_first_16_steps, 1e-4, 1e-3)).toBeNull();
    }
  });

  it("reads only the first maxLength bytes of a long text", () => {
    const long = "buy cheap pills now ".repeat(100);
    const r = model.predict([long, long.slice(0, 512)]);
    expect(r.lengths).toEqual([512, 512]);
    expect(Array.from(r.output.data.subarray(0, 2))).toEqual(Array.from(r.output.data.subarray(2, 4)));
  });

  it("takes token ids too, with lengths, and rejects ids outside the vocabulary", () => {
    const ids = model.tokenize("Subject: hello");
    const a = model.predict("Subject: hello");
    const padded = new Int32Array(20);
    padded.set(ids);
    const b = model.predict({ data: padded, dims: [1, 20] }, { lengths: [ids.length] });
    expect(closeTo(b.output.data, a.output.data, 1e-6, 1e-5)).toBeNull();
    expect(() => model.predict({ data: Int32Array.of(1, 300), dims: [1, 2] })).toThrow(/BAD_ARGUMENT: input\[1\].*0 to 255.*300/);
    expect(() => model.predict({ data: Int32Array.of(1, 2), dims: [1, 2] }, { lengths: [3] })).toThrow(/BAD_ARGUMENT: lengths\[0\]/);
    expect(() => model.predict({ data: new Float32Array(8), dims: [1, 2, 2, 2] })).toThrow(/SHAPE_MISMATCH/);
  });
});

// ---- malformed files ----

function safetensors(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setUint32(0, h.length, true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** A valid tiny GRU model (features input) whose header and tensors the cases below break one at a time. */
function tiny(arch: (a: Record<string, any>) => void = () => {}, tensors: (t: Record<string, any>) => void = () => {}): Uint8Array {
  const shapes: Record<string, number[]> = {
    "g.weight_ih_l0": [6, 3], "g.weight_hh_l0": [6, 2], "g.bias_ih_l0": [6], "g.bias_hh_l0": [6], "d.weight": [2, 2], "d.bias": [2],
  };
  const t: Record<string, any> = {};
  let off = 0;
  for (const [n, s] of Object.entries(shapes)) {
    const bytes = s.reduce((a, b) => a * b, 1) * 4;
    t[n] = { dtype: "F32", shape: s, data_offsets: [off, off + bytes] };
    off += bytes;
  }
  const a: Record<string, any> = {
    format: 1, input: { features: 3 }, labels: ["x", "y"],
    layers: [{ type: "gru", prefix: "g.", hiddenSize: 2 }, { type: "dense", weight: "d.weight", bias: "d.bias" }, { type: "pool", op: "last" }, { type: "softmax" }],
  };
  arch(a);
  tensors(t);
  return safetensors({ __metadata__: { "rnn-wasm": JSON.stringify(a) }, ...t }, new Uint8Array(off));
}

describe("malformed model files are BAD_MODEL, naming the part", () => {
  const cases: [string, () => Uint8Array, RegExp][] = [
    ["valid baseline loads", () => tiny(), /^$/],
    ["truncated file", () => tiny().subarray(0, 40), /header length/],
    ["no architecture key (a plain state dict)", () => safetensors({ __metadata__: { other: "1" } }, new Uint8Array(0)), /not an rnn-wasm model.*loadTorch/],
    ["architecture is not JSON", () => safetensors({ __metadata__: { "rnn-wasm": "{layers:" } }, new Uint8Array(0)), /not valid JSON/],
    ["unknown format", () => tiny((a) => { a.format = 2; }), /format: expected 1, found 2/],
    ["no layers", () => tiny((a) => { a.layers = []; }), /layers: expected a non-empty array/],
    ["unknown layer type", () => tiny((a) => { a.layers[1].type = "conv"; }), /layers\[1\]\.type.*"conv"/],
    ["missing tensor", () => tiny((a) => { a.layers[1].weight = "nope"; }), /layers\[1\]\.weight.*"nope" is missing/],
    ["mis-shaped recurrent tensor", () => tiny(() => {}, (t) => { t["g.weight_hh_l0"].shape = [2, 6]; }), /g\.weight_hh_l0.*shape \[6, 2\], found \[2, 6\]/],
    ["hidden size disagrees with tensors", () => tiny((a) => { a.layers[0].hiddenSize = 3; }), /weight_ih_l0.*shape \[9, 3\]/],
    ["dense input size disagrees", () => tiny(() => {}, (t) => { t["d.weight"].shape = [1, 4]; t["d.bias"].shape = [1]; t["d.bias"].data_offsets[1] -= 4; }), /layers\[1\]\.weight.*"d\.weight" should have shape \[\*, 2\], found \[1, 4\]/],
    ["integer weights", () => tiny(() => {}, (t) => { t["d.bias"].dtype = "I32"; }), /d\.bias.*dtype I32/],
    ["labels count disagrees", () => tiny((a) => { a.labels = ["x"]; }), /labels: expected 2 strings/],
    ["recurrent after a pool", () => tiny((a) => { a.layers.splice(3, 0, { type: "gru", prefix: "g.", hiddenSize: 2 }); }), /cannot follow a pool/],
    ["bad pool op", () => tiny((a) => { a.layers[2].op = "median"; }), /layers\[2\]\.op/],
    ["negative hidden size", () => tiny((a) => { a.layers[0].hiddenSize = -2; }), /layers\[0\]\.hiddenSize: expected a positive integer/],
    ["tokens input without an embedding", () => tiny((a) => { a.input = { tokenizer: "bytes" }; }), /must start with an embedding/],
    ["no recurrent layer", () => tiny((a) => { a.layers = [{ type: "softmax" }]; }), /at least one recurrent layer/],
    ["bad activation name", () => tiny((a) => { a.layers[3] = { type: "activation", name: "Gelu" }; }), /layers\[3\]\.name/],
  ];
  it.each(cases)("%s", async (_, make, msg) => {
    const engine = await engineFor("scalar");
    if (msg.source === "^$") {
      const m = await loadModel(make(), { engine });
      expect(m.predict({ data: new Float32Array(2 * 3), dims: [2, 3] }).output.dims).toEqual([1, 2]);
      return;
    }
    const err = await loadModel(make(), { engine }).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(RnnError);
    expect(err.code).toBe("BAD_MODEL");
    expect(err.message).toMatch(msg);
  });

  it("rejects every truncation of a real model file with BAD_MODEL, never a crash", async () => {
    const engine = await engineFor("scalar");
    const full = readFileSync(join(here, "fixtures", "gru_bytes_mean_softmax.safetensors"));
    for (const n of [0, 7, 8, 9, 100, full.length >> 1, full.length - 1]) {
      const err = await loadModel(full.subarray(0, n), { engine }).then(() => null, (e) => e);
      expect(err?.code, `truncated to ${n} bytes`).toBe("BAD_MODEL");
    }
  });
});
