// Fuzz entry: loadOnnx. Seeds are the ONNX fixtures (tests/fixtures/onnx: node-test graphs of LSTM/GRU/RNN with
// every attribute, and torch.onnx.export graphs with their shape ops); mutants are edits of the protobuf tree
// (mutate.ts pbParseTree): varints (dims, data types, attribute ints, opset), strings (op types, names, attribute
// names), fields removed, duplicated or swapped, tensor raw_data truncated, extended or filled with NaN/Inf, plus
// byte-level damage of the file (bit flips, truncation, inflated length prefixes).
// Stages: parse = loadOnnx up to a decoded ModelProto (BAD_MODEL from the decoder), validate = the rest of loadOnnx,
// run = model.run with the fixture's feeds.

import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import type { Tensor } from "../../../src/api.js";
import type { Engine } from "../../../src/engine/engine.js";
import { loadOnnx, type OnnxModel } from "../../../src/io/onnx/index.js";
import type { FuzzEntry, GoldenModel } from "../entry.js";
import {
  BYTE_MUTATORS, INTERESTING_F32, INTERESTING_VARINTS, type PbField, type PbSchema, type Rand, pbMessages, pbParseTree, pbSerialize,
} from "../mutate.js";
import { checkOutput, closeTo, readSeed } from "./common.js";

const SCHEMA: PbSchema = {
  Model: { 7: "Graph", 8: "OpsetId" },
  Graph: { 1: "Node", 5: "Tensor", 11: "ValueInfo", 12: "ValueInfo", 13: "ValueInfo" },
  Node: { 5: "Attribute" },
  Attribute: { 5: "Tensor", 6: "Graph" },
  ValueInfo: { 2: "Type" },
  Type: { 1: "TensorType" },
  TensorType: { 2: "Shape" },
  Shape: { 1: "Dim" },
};
const OPS = ["LSTM", "GRU", "RNN", "Gemm", "MatMul", "Softmax", "Transpose", "Reshape", "Squeeze", "Unsqueeze", "Concat", "Slice", "Gather", "Shape", "Identity", "Constant", "Loop", "If", "Foo", ""];
const WORDS = ["X", "W", "R", "B", "Y", "Y_h", "Y_c", "sequence_lens", "initial_h", "", "activations", "direction", "hidden_size", "layout", "clip", "input_forget", "linear_before_reset", "forward", "reverse", "bidirectional", "Tanh", "Sigmoid", "Nope", "__proto__"];

interface Seed { name: string; bytes: Uint8Array; feeds: Record<string, Tensor>; expected: Record<string, Float32Array> }

function tensorOf(j: { dtype: string; dims: number[]; data: number[] | string[] }): Tensor {
  const data = j.dtype === "int64" ? BigInt64Array.from(j.data as (number | string)[], (v) => BigInt(v))
    : j.dtype === "int32" ? Int32Array.from(j.data as number[]) : Float32Array.from(j.data as number[], (v) => (v === null ? NaN : Number(v)));
  return { data, dims: j.dims };
}

function loadSeeds(root: string): Seed[] {
  const out: Seed[] = [];
  for (const dir of ["tests/fixtures/onnx/nodes", "tests/fixtures/onnx/torch"]) {
    if (!existsSync(join(root, dir))) continue;
    for (const f of readdirSync(join(root, dir))) {
      if (!f.endsWith(".onnx") || f.endsWith(".ort.onnx")) continue;
      const base = f.slice(0, -5);
      const jf = join(dir, `${base}.json`);
      if (!existsSync(join(root, jf))) continue;
      const j = JSON.parse(new TextDecoder().decode(readSeed(root, jf)));
      const feeds: Record<string, Tensor> = {};
      for (const [k, v] of Object.entries(j.inputs ?? {})) feeds[k] = tensorOf(v as never);
      const expected: Record<string, Float32Array> = {};
      for (const [k, v] of Object.entries(j.ort ?? j.expected ?? {})) expected[k] = Float32Array.from((v as { data: number[] }).data, (x) => (x === null ? NaN : x));
      out.push({ name: base, bytes: readSeed(root, join(dir, f)), feeds, expected });
    }
  }
  return out;
}

function editMessage(fields: PbField[], type: string, r: Rand): string {
  if (!fields.length) return "empty";
  const i = r.int(fields.length), f = fields[i];
  switch (r.int(6)) {
    case 0: fields.splice(i, 1); return `${type}.${f.no}:delete`;
    case 1: fields.splice(i, 0, structuredClone(f)); return `${type}.${f.no}:dup`;
    case 2: { const j = r.int(fields.length); [fields[i], fields[j]] = [fields[j], fields[i]]; return `${type}:swap`; }
    default:
      if (f.wt === 0) { f.v = r.chance(0.7) ? r.pick(INTERESTING_VARINTS) : (f.v as bigint) + r.pick([-1n, 1n, 2n]); return `${type}.${f.no}:varint`; }
      if (f.wt === 2 && !f.child) {
        const b = f.v as Uint8Array;
        if (type === "Tensor" && (f.no === 9 || f.no === 4)) { // raw_data / float_data
          const out = r.chance(0.5) ? b.slice(0, r.int(b.length + 1)) : b.slice();
          const dv = new DataView(out.buffer);
          for (let k = r.range(0, 3); k > 0 && out.length >= 4; k--) dv.setFloat32(r.int(out.length >> 2) * 4, r.pick(INTERESTING_F32), true);
          f.v = out;
          return `${type}.${f.no}:data`;
        }
        if (type === "Tensor" && f.no === 1) { f.v = Uint8Array.from([r.int(256), 0xff, 0xff, 0xff, 0xff, 0x0f].slice(0, r.range(1, 6))); return "Tensor.dims:packed"; }
        f.v = new TextEncoder().encode(type === "Node" && f.no === 4 ? r.pick(OPS) : r.pick(WORDS));
        return `${type}.${f.no}:string`;
      }
      if (f.child) { f.child = r.chance(0.5) ? [] : [...f.child, ...structuredClone(f.child)]; return `${type}.${f.no}:children`; }
      return "noop";
  }
}

function mutateOnnx(seed: Uint8Array, r: Rand): { bytes: Uint8Array; how: string[] } {
  const how: string[] = [];
  let bytes = seed;
  for (let k = r.range(1, 3); k > 0; k--) {
    const tree = r.chance(0.85) ? pbParseTree(bytes, SCHEMA, "Model") : null;
    if (tree) {
      const msgs = pbMessages(tree, SCHEMA, "Model");
      const { fields, type } = r.pick(msgs);
      how.push(editMessage(fields, type, r));
      bytes = pbSerialize(tree);
    } else {
      const m = r.pick(Object.keys(BYTE_MUTATORS));
      how.push(m);
      bytes = BYTE_MUTATORS[m](bytes, r, []);
    }
  }
  return { bytes, how };
}

const entry: FuzzEntry<Seed, { bytes: Uint8Array; feeds: Record<string, Tensor> }> = {
  name: "onnx",
  allowedCodes: ["BAD_MODEL", "UNSUPPORTED_OP", "LIMIT_EXCEEDED", "OUT_OF_MEMORY", "SHAPE_MISMATCH", "BAD_ARGUMENT"],
  seeds: loadSeeds,
  mutate(seeds, r) {
    const s = r.pick(seeds);
    const m = mutateOnnx(s.bytes, r);
    return { input: { bytes: m.bytes, feeds: s.feeds }, how: [s.name, ...m.how] };
  },
  async run(input, ctx) {
    ctx.stage = "parse";
    let model: OnnxModel;
    try {
      model = await loadOnnx(input.bytes, { engine: ctx.engine });
    } catch (e) {
      // the decoder's rejections say "protobuf"/"ModelProto"; anything later is the graph's validation
      if (!/protobuf|wire|varint|truncat|ModelProto|not an ONNX/i.test(String((e as Error)?.message))) ctx.stage = "validate";
      throw e;
    }
    try {
      ctx.stage = "run";
      const feeds: Record<string, Tensor> = {};
      for (const n of model.inputNames) if (input.feeds[n]) feeds[n] = input.feeds[n];
      const out = model.run(feeds);
      for (const [k, t] of Object.entries(out)) checkOutput(t, `output ${k}`);
    } finally {
      model.dispose();
    }
  },
  async golden(engine: Engine, root: string): Promise<GoldenModel> {
    const s = loadSeeds(root).find((x) => x.name === "lstm_bidirectional_lens") ?? loadSeeds(root)[0];
    const run = (m: OnnxModel) => { const o = m.run(s.feeds); return m.outputNames.map((n) => o[n].data as Float32Array); };
    const kept = await loadOnnx(s.bytes, { engine });
    const outputs = run(kept);
    let vs: string | null = null;
    kept.outputNames.forEach((n, i) => { if (!vs && s.expected[n]) vs = closeTo(outputs[i], s.expected[n], `${s.name} ${n} vs onnxruntime`); });
    return {
      outputs, vsFramework: vs,
      again: async () => run(kept),
      fresh: async () => { const m = await loadOnnx(s.bytes, { engine }); try { return run(m); } finally { m.dispose(); } },
      dispose: () => kept.dispose(),
    };
  },
};
export default entry;
