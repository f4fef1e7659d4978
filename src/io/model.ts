// loadModel: the project's own model files. A .safetensors whose __metadata__["rnn-wasm"] holds the whole
// architecture as JSON (input, layers, labels); the tensors keep PyTorch's names, shapes and gate orders and may be
// F32, F16 or BF16. Layers run on the canonical recurrent stack (src/core/stack.ts) and the ops of src/ops/nn.ts.
//
// The architecture (format 1):
//   {
//     "format": 1, "name": "…", "description": "…",
//     "input": { "tokenizer": "bytes", "maxLength": 512 }      // text → UTF-8 bytes (ids 0..255), first maxLength
//            | { "tokenizer": "none" }                         // token ids given by the caller
//            | { "features": 13 },                             // float features per step, no embedding
//     "labels": ["ham", "spam"],                               // optional: names of the last layer's outputs
//     "layers": [
//       { "type": "embedding", "weight": "embedding.weight" },                       // [vocab, dim]; first layer only
//       { "type": "gru" | "lstm" | "rnn", "prefix": "rnn.", "hiddenSize": 48, "numLayers": 1,
//         "bidirectional": true, "bias": true, "projSize": 0 /* lstm */, "nonlinearity": "tanh" /* rnn */ },
//       { "type": "dense", "weight": "head.weight", "bias": "head.bias", "activation": "Relu" },   // per step or per row
//       { "type": "pool", "op": "mean" | "max" | "last" },     // [B, T, F] → [B, F] over each row's valid steps
//       { "type": "softmax" } | { "type": "activation", "name": "Sigmoid" }
//     ]
//   }
// Recurrent tensors are named as nn.LSTM / nn.GRU / nn.RNN name them, after the prefix (rnn.weight_ih_l0, …).

import type { Tensor } from "../api.js";
import type { Engine } from "../engine/engine.js";
import { defaultEngineWith, initDefault } from "../engine/engine.js";
import { RnnError, describe } from "../errors.js";
import { torchToOnnx } from "../core/gates.js";
import { RecurrentStack } from "../core/stack.js";
import { ACT, type ActName, type ActSpec, type CellType, type DirWeights, type LayerSpec, act, defaultActs, gatesOf } from "../core/spec.js";
import { checkTensor } from "../core/tensor.js";
import { Dense, activate, embedding, softmax } from "../ops/nn.js";
import { parseSafetensors, readFloat, type SafeEntry, type SafeFile } from "./safetensors.js";

/** The __metadata__ key that marks a safetensors file as an rnn-wasm model. */
export const MODEL_METADATA_KEY = "rnn-wasm";

export interface LoadModelOptions {
  /** The engine to run on. Default: the default engine. */
  engine?: Engine;
}

export interface PredictOptions {
  /** Per-row lengths for a batch of token ids or features (default: every row is full length). */
  lengths?: ArrayLike<number>;
  /** Also return per-step outputs (the head applied at every step) and the last recurrent layer's states. Default false. */
  steps?: boolean;
}

export interface ModelPrediction {
  /** The model's output: [B, C] after a pool layer, else [B, T, C]. */
  output: Tensor & { data: Float32Array };
  /** Steps read per row (text: UTF-8 bytes, after truncation to maxLength). */
  lengths: number[];
  /** With labels in the model: the name of each row's largest output (pooled models). */
  labels?: string[];
  /** With { steps: true }: per-step outputs [B, T, C] (zero past a row's length) and hidden states [B, T, D·Hout]. */
  steps?: { output: Tensor & { data: Float32Array }; hidden: Tensor & { data: Float32Array } };
}

/** One line per layer, as `rnn-wasm inspect` prints it. */
export interface ModelLayerInfo {
  type: string;
  /** e.g. "bidirectional GRU 16→48" */
  summary: string;
  outputSize: number;
  parameters: number;
}

export interface ModelInfo {
  name: string;
  description: string;
  input: { tokenizer: "bytes" | "none"; maxLength: number; vocab: number } | { features: number };
  labels: string[] | null;
  layers: ModelLayerInfo[];
  parameters: number;
  /** The tensors' dtypes in the file, e.g. ["F16"]. */
  dtypes: string[];
}

type LayerDesc = Record<string, unknown>;

type Op =
  | { kind: "embedding"; table: Float32Array; vocab: number; dim: number }
  | { kind: "recurrent"; stack: RecurrentStack; out: number }
  | { kind: "dense"; dense: Dense; act: ActSpec | null }
  | { kind: "pool"; op: "mean" | "max" | "last" }
  | { kind: "softmax" }
  | { kind: "activation"; act: ActSpec };

const bad = (msg: string): RnnError => new RnnError("BAD_MODEL", `model: ${msg}`);

function field<T>(obj: LayerDesc, key: string, where: string, check: (v: unknown) => v is T, expected: string, fallback?: T): T {
  const v = obj[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (!check(v)) throw bad(`${where}.${key}: expected ${expected}, found ${v === undefined ? "nothing" : describe(v)}`);
  return v;
}
const isPosInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 1;
const isNatInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isBool = (v: unknown): v is boolean => typeof v === "boolean";
const isStr = (v: unknown): v is string => typeof v === "string";
const isActName = (v: unknown): v is ActName => typeof v === "string" && Object.prototype.hasOwnProperty.call(ACT, v);

/** A loaded rnn-wasm model: predict on text or token ids, with per-step outputs for pictures. */
export class RnnModel {
  readonly info: ModelInfo;
  /** The architecture JSON as stored in the file. */
  readonly architecture: Readonly<Record<string, unknown>>;
  readonly engine: Engine;
  private readonly ops: Op[];
  private disposedFlag = false;

  /** @internal use loadModel */
  constructor(engine: Engine, info: ModelInfo, architecture: Record<string, unknown>, ops: Op[]) {
    this.engine = engine;
    this.info = info;
    this.architecture = architecture;
    this.ops = ops;
  }

  private live(): void {
    if (this.disposedFlag) throw new RnnError("DISPOSED", "this model was disposed");
  }

  /** Text → token ids with the model's own tokenizer (UTF-8 bytes, first maxLength). */
  tokenize(text: string): Int32Array {
    this.live();
    const inp = this.info.input;
    if (!("tokenizer" in inp) || inp.tokenizer !== "bytes") {
      throw new RnnError("BAD_ARGUMENT", `text: this model has no text tokenizer (its input is ${"features" in inp ? `${inp.features} features per step` : "token ids"}); pass a Tensor`);
    }
    if (typeof text !== "string") throw new RnnError("BAD_ARGUMENT", `text: expected a string, found ${describe(text)}`);
    const bytes = new TextEncoder().encode(text);
    return Int32Array.from(bytes.subarray(0, inp.maxLength));
  }

  /**
   * Runs the model. input: a string or an array of strings (models with a text tokenizer), token ids [B, T] or [T]
   * (Int32Array, BigInt64Array or integral Float32Array), or features [B, T, F] / [T, F] (feature models).
   */
  predict(input: string | string[] | Tensor, options: PredictOptions = {}): ModelPrediction {
    this.live();
    if (options === null || typeof options !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(options)}`);
    let { seq, B, T, F, lengths } = this.prepare(input, options);
    const wantSteps = !!options.steps;
    let hidden: Float32Array | null = null, hiddenF = 0;
    let pooled: Float32Array | null = null; // [B, F] after a pool
    let pre: { seq: Float32Array; F: number } | null = null; // the sequence that entered the pool
    let tailStart = this.ops.length;
    const zeroPast = (x: Float32Array, width: number) => {
      for (let b = 0; b < B; b++) x.fill(0, (b * T + lengths[b]) * width, (b + 1) * T * width);
    };
    for (let i = 0; i < this.ops.length; i++) {
      const op = this.ops[i];
      const rows = pooled ? B : B * T;
      let cur: Float32Array = pooled ?? seq;
      switch (op.kind) {
        case "embedding": {
          const ids = seq as unknown as Int32Array;
          cur = embedding(op.table, op.vocab, op.dim, ids, "input ids");
          F = op.dim;
          break;
        }
        case "recurrent": {
          const r = op.stack.forward({ data: cur, dims: [B, T, F] }, { lengths });
          cur = r.output.data;
          F = op.out;
          hidden = cur;
          hiddenF = F;
          break;
        }
        case "dense":
          cur = op.dense.run(cur, rows);
          if (op.act) cur = activate(this.engine, cur, op.act);
          F = op.dense.outFeatures;
          if (!pooled) zeroPast(cur, F);
          break;
        case "pool":
          pre = { seq: cur, F };
          cur = pool(cur, B, T, F, lengths, op.op);
          tailStart = i + 1;
          break;
        case "softmax":
          cur = softmax(this.engine, cur, rows, F);
          if (!pooled) zeroPast(cur, F);
          break;
        case "activation":
          cur = activate(this.engine, cur, op.act);
          if (!pooled) zeroPast(cur, F);
          break;
      }
      if (op.kind === "pool" || pooled) pooled = cur;
      else seq = cur;
    }
    const out = pooled ?? seq;
    const result: ModelPrediction = {
      output: { data: out, dims: pooled ? [B, F] : [B, T, F] },
      lengths: Array.from(lengths),
    };
    if (pooled && this.info.labels) {
      const names = this.info.labels;
      result.labels = Array.from({ length: B }, (_, b) => {
        let best = 0;
        for (let j = 1; j < F; j++) if (out[b * F + j] > out[b * F + best]) best = j;
        return names[best];
      });
    }
    if (wantSteps) {
      // The layers after the pool, applied to every step of the sequence that entered it.
      let s = pre ? pre.seq : seq, sf = pre ? pre.F : F;
      if (pre) {
        for (const op of this.ops.slice(tailStart)) {
          if (op.kind === "dense") {
            s = op.dense.run(s, B * T);
            if (op.act) s = activate(this.engine, s, op.act);
            sf = op.dense.outFeatures;
          } else if (op.kind === "softmax") s = softmax(this.engine, s, B * T, sf);
          else if (op.kind === "activation") s = activate(this.engine, s, op.act);
          zeroPast(s, sf);
        }
      }
      result.steps = {
        output: { data: s, dims: [B, T, sf] },
        hidden: { data: hidden ?? new Float32Array(0), dims: [B, T, hidden ? hiddenF : 0] },
      };
    }
    return result;
  }

  private prepare(input: string | string[] | Tensor, options: PredictOptions): { seq: Float32Array; B: number; T: number; F: number; lengths: Int32Array } {
    const inp = this.info.input;
    const tokens = "tokenizer" in inp;
    if (typeof input === "string" || Array.isArray(input)) {
      const texts = typeof input === "string" ? [input] : input;
      if (options.lengths !== undefined) throw new RnnError("BAD_ARGUMENT", "lengths: not used with text input (each text's length is its byte count)");
      const ids = texts.map((t, i) => {
        if (typeof t !== "string") throw new RnnError("BAD_ARGUMENT", `input[${i}]: expected a string, found ${describe(t)}`);
        return this.tokenize(t);
      });
      const B = ids.length, T = Math.max(1, ...ids.map((a) => a.length));
      const seq = new Int32Array(B * T);
      const lengths = new Int32Array(B);
      ids.forEach((a, b) => { seq.set(a, b * T); lengths[b] = a.length; });
      return { seq: seq as unknown as Float32Array, B, T, F: 1, lengths };
    }
    checkTensor(input, "input");
    const d = input.dims;
    if (tokens) {
      if (d.length !== 1 && d.length !== 2) throw new RnnError("SHAPE_MISMATCH", `input: expected token ids [batch, time] or [time], found [${d.join(", ")}]`);
      const B = d.length === 2 ? d[0] : 1, T = d[d.length - 1];
      const vocab = inp.vocab;
      const seq = new Int32Array(B * T);
      for (let i = 0; i < seq.length; i++) {
        const v = Number(input.data[i]);
        if (!Number.isInteger(v) || v < 0 || v >= vocab) throw new RnnError("BAD_ARGUMENT", `input[${i}]: expected a token id from 0 to ${vocab - 1}, found ${String(input.data[i])}`);
        seq[i] = v;
      }
      const lengths = this.lengthsOf(options.lengths, B, T);
      for (let b = 0; b < B; b++) seq.fill(0, b * T + lengths[b], (b + 1) * T);
      return { seq: seq as unknown as Float32Array, B, T, F: 1, lengths };
    }
    const Fin = inp.features;
    if (!(input.data instanceof Float32Array)) throw new RnnError("SHAPE_MISMATCH", `input: expected float32 features, found ${describe(input.data)}`);
    if ((d.length !== 2 && d.length !== 3) || d[d.length - 1] !== Fin) {
      throw new RnnError("SHAPE_MISMATCH", `input: expected features [batch, time, ${Fin}] or [time, ${Fin}], found [${d.join(", ")}]`);
    }
    const B = d.length === 3 ? d[0] : 1, T = d[d.length - 2];
    return { seq: input.data.slice(), B, T, F: Fin, lengths: this.lengthsOf(options.lengths, B, T) };
  }

  private lengthsOf(given: ArrayLike<number> | undefined, B: number, T: number): Int32Array {
    if (given === undefined) return new Int32Array(B).fill(T);
    if (given === null || typeof given !== "object" || given.length !== B) {
      throw new RnnError("BAD_ARGUMENT", `lengths: expected ${B} integers (one per row), found ${describe(given)}`);
    }
    const out = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const v = Number(given[b]);
      if (!Number.isInteger(v) || v < 0 || v > T) throw new RnnError("BAD_ARGUMENT", `lengths[${b}]: expected an integer from 0 to ${T}, found ${String(given[b])}`);
      out[b] = v;
    }
    return out;
  }

  /** Frees the engine memory; any later call throws DISPOSED. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const op of this.ops) {
      if (op.kind === "recurrent") op.stack.dispose();
      else if (op.kind === "dense") op.dense.dispose();
    }
  }
}

/** [B, T, F] → [B, F] over each row's first lengths[b] steps; a row of length 0 gives zeros. */
function pool(x: Float32Array, B: number, T: number, F: number, lengths: Int32Array, op: "mean" | "max" | "last"): Float32Array {
  const out = new Float32Array(B * F);
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    if (n === 0) continue;
    const o = out.subarray(b * F, b * F + F);
    if (op === "last") { o.set(x.subarray((b * T + n - 1) * F, (b * T + n) * F)); continue; }
    if (op === "max") {
      o.set(x.subarray(b * T * F, b * T * F + F));
      for (let t = 1; t < n; t++) for (let j = 0; j < F; j++) o[j] = Math.max(o[j], x[(b * T + t) * F + j]);
      continue;
    }
    const acc = new Float64Array(F);
    for (let t = 0; t < n; t++) for (let j = 0; j < F; j++) acc[j] += x[(b * T + t) * F + j];
    for (let j = 0; j < F; j++) o[j] = acc[j] / n;
  }
  return out;
}

/** True when the safetensors bytes carry an rnn-wasm architecture (cheap: parses the header only). */
export function isRnnModelFile(file: SafeFile): boolean {
  return Object.prototype.hasOwnProperty.call(file.metadata, MODEL_METADATA_KEY);
}

/** Loads an rnn-wasm model file (.safetensors with the architecture in __metadata__["rnn-wasm"]). */
export async function loadModel(bytes: Uint8Array | ArrayBuffer, options: LoadModelOptions = {}): Promise<RnnModel> {
  if (options === null || typeof options !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(options)}`);
  const engine = options.engine ?? (await defaultEngineWith());
  if (!options.engine) await initDefault();
  const file = parseSafetensors(bytes, engine.maxElements);
  return modelFromFile(file, engine);
}

export function modelFromFile(file: SafeFile, engine: Engine): RnnModel {
  if (!isRnnModelFile(file)) {
    throw bad(`__metadata__ has no "${MODEL_METADATA_KEY}" key: this safetensors file is not an rnn-wasm model (a PyTorch state dict loads with loadTorch)`);
  }
  let arch: unknown;
  try {
    arch = JSON.parse(file.metadata[MODEL_METADATA_KEY]);
  } catch (e) {
    throw bad(`__metadata__["${MODEL_METADATA_KEY}"] is not valid JSON (${(e as Error).message})`);
  }
  if (arch === null || typeof arch !== "object" || Array.isArray(arch)) throw bad("the architecture must be a JSON object");
  const a = arch as Record<string, unknown>;
  if (a.format !== 1) throw bad(`format: expected 1, found ${describe(a.format)} (a newer rnn-wasm may read it)`);
  const name = field(a, "name", "architecture", isStr, "a string", "model");
  const description = field(a, "description", "architecture", isStr, "a string", "");
  if (!Array.isArray(a.layers) || a.layers.length === 0) throw bad(`layers: expected a non-empty array, found ${describe(a.layers)}`);
  const layers = a.layers as unknown[];
  const input = a.input;
  if (input === null || typeof input !== "object" || Array.isArray(input)) throw bad(`input: expected an object, found ${describe(input)}`);
  const inp = input as LayerDesc;

  const usedTensors = new Set<string>();
  const tensor = (nameOf: unknown, where: string, dims: (number | null)[]): { data: Float32Array; shape: number[] } => {
    if (typeof nameOf !== "string") throw bad(`${where}: expected a tensor name, found ${describe(nameOf)}`);
    const e: SafeEntry | undefined = file.entries.get(nameOf);
    if (!e) throw bad(`${where}: the tensor ${describe(nameOf)} is missing from the file`);
    if (!["F32", "F16", "BF16", "F64"].includes(e.dtype)) throw bad(`${where}: the tensor ${describe(nameOf)} has dtype ${e.dtype}, expected F32, F16, BF16 or F64`);
    if (e.shape.length !== dims.length || dims.some((d, i) => d !== null && d !== e.shape[i])) {
      throw bad(`${where}: the tensor ${describe(nameOf)} should have shape [${dims.map((d) => (d === null ? "*" : d)).join(", ")}], found [${e.shape.join(", ")}]`);
    }
    usedTensors.add(nameOf);
    return { data: readFloat(file, e, engine), shape: e.shape };
  };

  const ops: Op[] = [];
  const infos: ModelLayerInfo[] = [];
  let modelInput: ModelInfo["input"];
  let F: number; // features per step (or per row after a pool)
  let pooled = false, sawRecurrent = false;
  try {
    if (inp.features !== undefined) {
      F = field(inp, "features", "input", isPosInt, "a positive integer");
      modelInput = { features: F };
    } else {
      const tok = field(inp, "tokenizer", "input", (v): v is "bytes" | "none" => v === "bytes" || v === "none", `"bytes" or "none"`);
      const maxLength = field(inp, "maxLength", "input", isPosInt, "a positive integer", 1 << 20);
      F = 0;
      modelInput = { tokenizer: tok, maxLength, vocab: 0 };
    }
    layers.forEach((raw, i) => {
      const where = `layers[${i}]`;
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw bad(`${where}: expected an object, found ${describe(raw)}`);
      const L = raw as LayerDesc;
      const type = L.type;
      if (type === "embedding") {
        if (i !== 0 || "features" in modelInput) throw bad(`${where}: an embedding must be the first layer of a model whose input is tokens`);
        const t = tensor(L.weight, `${where}.weight`, [null, null]);
        const [vocab, dim] = t.shape;
        if (vocab < 1 || dim < 1) throw bad(`${where}.weight: expected a non-empty [vocab, dim] table, found [${vocab}, ${dim}]`);
        if ((modelInput as { tokenizer: string }).tokenizer === "bytes" && vocab < 256) throw bad(`${where}.weight: a bytes tokenizer needs a vocabulary of at least 256, found ${vocab}`);
        (modelInput as { vocab: number }).vocab = vocab;
        ops.push({ kind: "embedding", table: t.data, vocab, dim });
        infos.push({ type, summary: `embedding ${vocab}×${dim}`, outputSize: dim, parameters: vocab * dim });
        F = dim;
        return;
      }
      if (i === 0 && !("features" in modelInput)) throw bad(`${where}: a model whose input is tokens must start with an embedding, found ${describe(type)}`);
      if (type === "lstm" || type === "gru" || type === "rnn") {
        if (pooled) throw bad(`${where}: a recurrent layer cannot follow a pool (there are no steps left)`);
        const r = recurrent(L, where, type, F, tensor, engine);
        ops.push({ kind: "recurrent", stack: r.stack, out: r.out });
        infos.push({ type, summary: r.summary, outputSize: r.out, parameters: r.parameters });
        F = r.out;
        sawRecurrent = true;
        return;
      }
      if (type === "dense") {
        const w = tensor(L.weight, `${where}.weight`, [null, F]);
        const O = w.shape[0];
        const b = L.bias === undefined || L.bias === null ? null : tensor(L.bias, `${where}.bias`, [O]).data;
        const actName = L.activation === undefined || L.activation === null ? null
          : field(L, "activation", where, isActName, `one of ${Object.keys(ACT).join(", ")}`);
        ops.push({ kind: "dense", dense: new Dense(engine, w.data, b, O, F), act: actName ? act(actName) : null });
        infos.push({ type, summary: `dense ${F}→${O}${actName ? " " + actName : ""}${pooled ? "" : " (every step)"}`, outputSize: O, parameters: O * F + (b ? O : 0) });
        F = O;
        return;
      }
      if (type === "pool") {
        if (pooled) throw bad(`${where}: a second pool (the sequence was already pooled)`);
        const op = field(L, "op", where, (v): v is "mean" | "max" | "last" => v === "mean" || v === "max" || v === "last", `"mean", "max" or "last"`);
        ops.push({ kind: "pool", op });
        infos.push({ type, summary: `${op} over time`, outputSize: F, parameters: 0 });
        pooled = true;
        return;
      }
      if (type === "softmax") {
        ops.push({ kind: "softmax" });
        infos.push({ type, summary: "softmax", outputSize: F, parameters: 0 });
        return;
      }
      if (type === "activation") {
        const nm = field(L, "name", where, isActName, `one of ${Object.keys(ACT).join(", ")}`);
        ops.push({ kind: "activation", act: act(nm) });
        infos.push({ type, summary: nm, outputSize: F, parameters: 0 });
        return;
      }
      throw bad(`${where}.type: expected "embedding", "lstm", "gru", "rnn", "dense", "pool", "softmax" or "activation", found ${describe(type)}`);
    });
    if (!sawRecurrent) throw bad("layers: expected at least one recurrent layer (lstm, gru or rnn)");
    let labels: string[] | null = null;
    if (a.labels !== undefined) {
      if (!Array.isArray(a.labels) || !a.labels.every(isStr) || a.labels.length !== F) {
        throw bad(`labels: expected ${F} strings (one per output), found ${describe(a.labels)}`);
      }
      labels = a.labels as string[];
    }
    const dtypes = [...new Set([...usedTensors].map((n) => file.entries.get(n)!.dtype))];
    const info: ModelInfo = {
      name, description, input: modelInput, labels, layers: infos,
      parameters: infos.reduce((s, l) => s + l.parameters, 0), dtypes,
    };
    return new RnnModel(engine, info, a, ops);
  } catch (e) {
    for (const op of ops) {
      if (op.kind === "recurrent") op.stack.dispose();
      else if (op.kind === "dense") op.dense.dispose();
    }
    throw e;
  }
}

/** A recurrent layer from its description and PyTorch-named tensors. */
function recurrent(
  L: LayerDesc, where: string, type: "lstm" | "gru" | "rnn", inputSize: number,
  tensor: (n: unknown, w: string, d: (number | null)[]) => { data: Float32Array; shape: number[] }, engine: Engine,
): { stack: RecurrentStack; out: number; summary: string; parameters: number } {
  const cell: CellType = type;
  const prefix = field(L, "prefix", where, isStr, "a string", "");
  const H = field(L, "hiddenSize", where, isPosInt, "a positive integer");
  const numLayers = field(L, "numLayers", where, isPosInt, "a positive integer", 1);
  const bidirectional = field(L, "bidirectional", where, isBool, "true or false", false);
  const bias = field(L, "bias", where, isBool, "true or false", true);
  const projSize = field(L, "projSize", where, isNatInt, "an integer >= 0", 0);
  if (projSize && (cell !== "lstm" || projSize >= H)) throw bad(`${where}.projSize: a projection needs an LSTM and projSize < hiddenSize ${H}, found ${projSize}`);
  const nonlinearity = field(L, "nonlinearity", where, (v): v is "tanh" | "relu" => v === "tanh" || v === "relu", `"tanh" or "relu"`, "tanh");
  if (nonlinearity !== "tanh" && cell !== "rnn") throw bad(`${where}.nonlinearity: only an rnn layer has one`);
  const D = bidirectional ? 2 : 1, G = gatesOf(cell), K = projSize || H;
  const acts = cell === "rnn" ? [act(nonlinearity === "relu" ? "Relu" : "Tanh")] : defaultActs(cell);
  const specs: LayerSpec[] = [];
  const weights: DirWeights[][] = [];
  let parameters = 0;
  for (let l = 0; l < numLayers; l++) {
    const I = l === 0 ? inputSize : D * K;
    specs.push({ cell, inputSize: I, hiddenSize: H, projSize, directions: D as 1 | 2, acts: Array.from({ length: D }, () => acts), clip: Infinity, inputForget: false, linearBeforeReset: true });
    const dirs: DirWeights[] = [];
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? "_reverse" : ""}`;
      const get = (n: string, dims: number[]) => tensor(prefix + n + sfx, `${where} ${prefix}${n}${sfx}`, dims).data;
      const w: DirWeights = {
        W: torchToOnnx(cell, get("weight_ih", [G * H, I]), H, I),
        R: torchToOnnx(cell, get("weight_hh", [G * H, K]), H, K),
        Wb: bias ? torchToOnnx(cell, get("bias_ih", [G * H]), H, 1) : new Float32Array(G * H),
        Rb: bias ? torchToOnnx(cell, get("bias_hh", [G * H]), H, 1) : new Float32Array(G * H),
      };
      parameters += G * H * (I + K) + (bias ? 2 * G * H : 0);
      if (projSize) { w.Wp = get("weight_hr", [projSize, H]); parameters += projSize * H; }
      dirs.push(w);
    }
    weights.push(dirs);
  }
  const stack = new RecurrentStack(engine, specs, weights, true, "model");
  const name = cell === "rnn" ? `RNN (${nonlinearity})` : cell.toUpperCase();
  const summary = `${bidirectional ? "bidirectional " : ""}${name} ${inputSize}→${H}${projSize ? ` (projection ${projSize})` : ""}${numLayers > 1 ? `, ${numLayers} layers` : ""}`;
  return { stack, out: D * K, summary, parameters };
}
