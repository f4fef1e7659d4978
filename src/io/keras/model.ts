// The Keras / TensorFlow.js layers importer: model.json topology (Sequential or functional, one input, one output)
// → a chain of layers on one engine. Recurrent layers become canonical specs run by RecurrentStack; Dense by the
// GEMM kernel; activations by f32_vact / f32_softmax. Values flow batch-major ([B, T, F]) with a Keras mask [B, T].
//
// Masks follow the framework that wrote the file (KerasSemantics): both carry the state over masked steps and repeat
// the previous output there; "keras" (Python Keras) zeroes masked outputs inside Bidirectional with
// return_sequences (it sets zero_output_for_mask) and averages only valid steps in GlobalAveragePooling1D, where
// TensorFlow.js repeats outputs and averages every step.

import type { Tensor } from "../../api.js";
import type { Engine } from "../../engine/engine.js";
import { RnnError, describe } from "../../errors.js";
import { KERAS_OF_ONNX } from "../../core/gates.js";
import { type ActSpec, type CellType, type DirWeights, type LayerSpec, act } from "../../core/spec.js";
import { RecurrentStack } from "../../core/stack.js";
import { checkTensor, product } from "../../core/tensor.js";
import { Dense, activate, embedding, softmax } from "../../ops/nn.js";
import {
  type MergeMode, globalAveragePool1d, globalMaxPool1d, maskingLayer, maskTimeMajor, mergePairs, relu6, reverseMask,
  reverseTime, splitHalves, transpose2d,
} from "../../ops/keras-seq.js";
import type { KerasLayerInfo, KerasModel, KerasSemantics } from "./index.js";
import { type Json, type JsonMap, type KerasWeight, isMap, listText, readModelJson, readWeights } from "./parse.js";

/** A value between layers: batch-major data and an optional mask [B, T] (1 = valid). */
interface Value {
  data: Float32Array | Int32Array;
  dims: number[];
  mask: Uint8Array | null;
}

interface Layer {
  info: KerasLayerInfo;
  /** Outputs of one call (recurrent layers with return_state give several). */
  apply(x: Value): Value[];
  dispose(): void;
}

interface Ctx {
  engine: Engine;
  weights: Map<string, KerasWeight>;
  semantics: KerasSemantics;
  keras3: boolean;
  owned: { dispose(): void }[];
}

// ---------------------------------------------------------------------------------------------------- config access

/** Keys every layer may carry that do not change inference. */
const IGNORED_KEYS = /* @__PURE__ */ new Set([
  "name", "trainable", "dtype", "batch_input_shape", "batch_shape", "input_shape", "batch_size", "input_dim",
  "input_length", "activity_regularizer", "seed", "implementation", "unroll", "dropout", "recurrent_dropout",
  "unit_forget_bias", "use_cudnn", "sparse", "ragged", "autocast", "noise_shape", "rate", "stddev", "module",
  "registered_name", "build_config", "input_spec",
]);
const ignoredKey = (k: string) => IGNORED_KEYS.has(k) || /_(initializer|regularizer|constraint)$/.test(k);

class Cfg {
  constructor(readonly layer: string, readonly cls: string, readonly c: JsonMap, handled: string[]) {
    for (const k of Object.keys(c)) {
      if (!handled.includes(k) && !ignoredKey(k)) {
        throw new RnnError("UNSUPPORTED_OP", `layer ${describe(layer)} (${cls}): option ${describe(k)} is not supported`);
      }
    }
  }
  private where(k: string) { return `layer ${describe(this.layer)} (${this.cls}) option ${k}`; }
  bool(k: string, def: boolean): boolean {
    const v = this.c[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== "boolean") throw new RnnError("BAD_MODEL", `${this.where(k)}: expected true or false, found ${describe(v)}`);
    return v;
  }
  int(k: string, def?: number): number {
    const v = this.c[k];
    if ((v === undefined || v === null) && def !== undefined) return def;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new RnnError("BAD_MODEL", `${this.where(k)}: expected a non-negative integer, found ${describe(v)}`);
    return v;
  }
  num(k: string, def: number): number {
    const v = this.c[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== "number") throw new RnnError("BAD_MODEL", `${this.where(k)}: expected a number, found ${describe(v)}`);
    return v;
  }
  str(k: string, def: string | null): string | null {
    const v = this.c[k];
    if (v === undefined || v === null) return def;
    if (typeof v !== "string") throw new RnnError("BAD_MODEL", `${this.where(k)}: expected a string, found ${describe(v)}`);
    return v;
  }
  /** Must be `want` (or absent): other values are UNSUPPORTED_OP. */
  only(k: string, want: Json): void {
    const v = this.c[k];
    if (v !== undefined && v !== null && v !== want) {
      throw new RnnError("UNSUPPORTED_OP", `${this.where(k)}: only ${describe(want)} is supported, found ${describe(v)}`);
    }
  }
  /** An activation name (string, or Keras 3's { class_name, config } form). */
  activation(k: string, def: string): string {
    let v = this.c[k];
    if (isMap(v)) v = typeof v.config === "string" ? v.config : isMap(v.config) && typeof v.config.name === "string" ? v.config.name : (v.class_name ?? null);
    if (v === undefined || v === null) return def;
    if (typeof v !== "string") throw new RnnError("BAD_MODEL", `${this.where(k)}: expected an activation name, found ${describe(v)}`);
    return v;
  }
}

// ---------------------------------------------------------------------------------------------------- activations

type KAct = { kind: "act"; spec: ActSpec } | { kind: "linear" } | { kind: "softmax" } | { kind: "relu6" };

/** Keras activation name → what runs it. hard_sigmoid is clip(0.2x + 0.5) in TF.js and Keras 2, relu6(x + 3)/6 in Keras 3. */
function kerasActivation(name: string, ctx: Ctx, where: string): KAct {
  const n = name.toLowerCase().replace(/_/g, "");
  switch (n) {
    case "tanh": return { kind: "act", spec: act("Tanh") };
    case "sigmoid": return { kind: "act", spec: act("Sigmoid") };
    case "hardsigmoid": return { kind: "act", spec: ctx.keras3 ? act("HardSigmoid", 1 / 6, 0.5) : act("HardSigmoid", 0.2, 0.5) };
    case "relu": return { kind: "act", spec: act("Relu") };
    case "linear": return { kind: "linear" };
    case "elu": return { kind: "act", spec: act("Elu", 1) };
    case "selu": return { kind: "act", spec: act("Selu") };
    case "softplus": return { kind: "act", spec: act("Softplus") };
    case "softsign": return { kind: "act", spec: act("Softsign") };
    case "swish": case "silu": return { kind: "act", spec: act("Swish") };
    case "softmax": return { kind: "softmax" };
    case "relu6": return { kind: "relu6" };
  }
  throw new RnnError("UNSUPPORTED_OP", `${where}: activation ${describe(name)} is not supported (tanh, sigmoid, hard_sigmoid, relu, linear, elu, selu, softplus, softsign, swish, softmax, relu6)`);
}

/** A recurrent gate activation as a kernel code (linear = Affine 1·x + 0). */
function gateActivation(name: string, ctx: Ctx, where: string): ActSpec {
  const a = kerasActivation(name, ctx, where);
  if (a.kind === "act") return a.spec;
  if (a.kind === "linear") return act("Affine", 1, 0);
  throw new RnnError("UNSUPPORTED_OP", `${where}: activation ${describe(name)} cannot run inside a recurrent cell`);
}

function applyActivation(ctx: Ctx, a: KAct, x: Float32Array, lastDim: number): Float32Array {
  switch (a.kind) {
    case "linear": return x;
    case "relu6": return relu6(x);
    case "softmax": return softmax(ctx.engine, x, lastDim ? x.length / lastDim : 0, lastDim);
    case "act": return activate(ctx.engine, x, a.spec);
  }
}

// ---------------------------------------------------------------------------------------------------- weights

/** The weights of layer `name`: the names whose first path segment is the layer name (else any segment). */
function layerWeights(ctx: Ctx, name: string): { path: string[]; w: KerasWeight }[] {
  const strip = (s: string) => s.replace(/:\d+$/, "");
  const all = [...ctx.weights.values()].map((w) => ({ segs: w.name.split("/").map(strip), w }));
  let hits = all.filter((e) => e.segs[0] === name);
  if (hits.length === 0) hits = all.filter((e) => e.segs.indexOf(name) > 0);
  return hits.map((e) => ({ path: e.segs.slice(e.segs.indexOf(name) + 1), w: e.w }));
}

function pick(list: { path: string[]; w: KerasWeight }[], layer: string, leaf: string, shape: number[] | null, required: boolean, scope = ""): KerasWeight | null {
  const found = list.filter((e) => e.path[e.path.length - 1] === leaf);
  if (found.length === 0) {
    if (required) throw new RnnError("BAD_MODEL", `weights: layer ${describe(layer)}${scope ? " " + scope : ""} has no weight named …/${leaf}`);
    return null;
  }
  if (found.length > 1) throw new RnnError("BAD_MODEL", `weights: layer ${describe(layer)}${scope ? " " + scope : ""} has ${found.length} weights named …/${leaf} (${listText(found.map((e) => describe(e.w.name)), 4)})`);
  const w = found[0].w;
  if (shape && (w.shape.length !== shape.length || shape.some((d, i) => d >= 0 && d !== w.shape[i]))) {
    throw new RnnError("BAD_MODEL", `weights: ${describe(w.name)} should have shape ${listText(shape.map((d) => (d < 0 ? "*" : d)))}, found ${listText(w.shape)}`);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------------- layers

function floatData(v: Value, layer: string): Float32Array {
  if (v.data instanceof Float32Array) return v.data;
  return Float32Array.from(v.data);
}

function needRank(v: Value, layer: string, cls: string, rank: number | [number, number], what: string): void {
  const [lo, hi] = typeof rank === "number" ? [rank, rank] : rank;
  if (v.dims.length < lo || v.dims.length > hi) {
    throw new RnnError("SHAPE_MISMATCH", `layer ${describe(layer)} (${cls}): expected input ${what}, found dims ${listText(v.dims)}`);
  }
}

function identityLayer(info: KerasLayerInfo): Layer {
  return { info, apply: (x) => [x], dispose() {} };
}

function denseLayer(ctx: Ctx, name: string, cls: string, cfg: Cfg, scope: string): Layer {
  const units = cfg.int("units");
  const useBias = cfg.bool("use_bias", true);
  const a = kerasActivation(cfg.activation("activation", "linear"), ctx, `layer ${describe(name)} (${cls}) option activation`);
  const ws = layerWeights(ctx, name);
  const kernel = pick(ws, name, "kernel", [-1, units], true, scope)!;
  const bias = useBias ? pick(ws, name, "bias", [units], true, scope) : null;
  const I = kernel.shape[0];
  const dense = new Dense(ctx.engine, transpose2d(kernel.data, I, units), bias ? bias.data : null, units, I);
  ctx.owned.push(dense);
  return {
    info: { name, className: cls, units, activation: cfg.activation("activation", "linear") },
    apply(x) {
      if (x.dims.length < 2 || x.dims[x.dims.length - 1] !== I) {
        throw new RnnError("SHAPE_MISMATCH", `layer ${describe(name)} (${cls}): expected input [..., ${I}], found dims ${listText(x.dims)}`);
      }
      const rows = x.data.length / I;
      const y = applyActivation(ctx, a, dense.run(floatData(x, name), rows), units);
      return [{ data: y, dims: [...x.dims.slice(0, -1), units], mask: x.mask }];
    },
    dispose() {},
  };
}

interface RecurrentDir {
  cfg: Cfg;
  weights: DirWeights;
  acts: ActSpec[];
  goBackwards: boolean;
}

const CELL_OF: Record<string, CellType> = { LSTM: "lstm", GRU: "gru", SimpleRNN: "rnn" };
const RECURRENT_KEYS = ["units", "activation", "recurrent_activation", "use_bias", "return_sequences", "return_state",
  "go_backwards", "stateful", "reset_after", "time_major", "zero_output_for_mask"];

/** One direction of a Keras recurrent layer: config checks, weights in ONNX layout, gate activations. */
function recurrentDir(ctx: Ctx, layer: string, cls: string, c: JsonMap, scopeFilter: (path: string[]) => boolean, scope: string): RecurrentDir & { cell: CellType; H: number; I: number; resetAfter: boolean } {
  const cell = CELL_OF[cls];
  const cfg = new Cfg(layer, cls, c, RECURRENT_KEYS);
  const H = cfg.int("units");
  if (H < 1) throw new RnnError("BAD_MODEL", `layer ${describe(layer)} (${cls}) option units: expected a positive integer, found ${H}`);
  cfg.only("stateful", false);
  cfg.only("time_major", false);
  const where = (k: string) => `layer ${describe(layer)} (${cls}) option ${k}`;
  const actName = cfg.activation("activation", "tanh");
  const recName = cfg.activation("recurrent_activation", ctx.semantics === "tfjs" ? "hard_sigmoid" : "sigmoid");
  const f = gateActivation(actName, ctx, where("activation"));
  const acts = cell === "lstm" ? [gateActivation(recName, ctx, where("recurrent_activation")), f, f]
    : cell === "gru" ? [gateActivation(recName, ctx, where("recurrent_activation")), f] : [f];
  const resetAfter = cell === "gru" && cfg.bool("reset_after", ctx.keras3);
  const useBias = cfg.bool("use_bias", true);
  const G = cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
  const ws = layerWeights(ctx, layer).filter((e) => scopeFilter(e.path));
  const kernel = pick(ws, layer, "kernel", [-1, G * H], true, scope)!;
  const I = kernel.shape[0];
  const rec = pick(ws, layer, "recurrent_kernel", [H, G * H], true, scope)!;
  const bias = useBias ? pick(ws, layer, "bias", resetAfter ? [2, G * H] : [G * H], true, scope) : null;
  // Keras [in, G·H] column blocks (LSTM i,f,c,o; GRU z,r,h), ONNX gate g being block order[g] (LSTM i,o,f,c;
  // GRU z,r,h): packed from the columns as they are (DirWeights.columns), the biases reordered here
  const order = KERAS_OF_ONNX[cell];
  const toVec = (v: Float32Array, offset: number): Float32Array => {
    const out = new Float32Array(G * H);
    for (let g = 0; g < G; g++) out.set(v.subarray(offset + order[g] * H, offset + order[g] * H + H), g * H);
    return out;
  };
  const weights: DirWeights = {
    W: kernel.data,
    R: rec.data,
    Wb: bias ? toVec(bias.data, 0) : new Float32Array(G * H),
    Rb: bias && resetAfter ? toVec(bias.data, G * H) : new Float32Array(G * H),
    columns: order,
  };
  return { cfg, weights, acts, goBackwards: cfg.bool("go_backwards", false), cell, H, I, resetAfter };
}

function recurrentLayer(ctx: Ctx, name: string, cls: string, c: JsonMap): Layer {
  const d = recurrentDir(ctx, name, cls, c, () => true, "");
  const returnSequences = d.cfg.bool("return_sequences", false);
  const returnState = d.cfg.bool("return_state", false);
  const zeroMasked = d.cfg.bool("zero_output_for_mask", false);
  const spec: LayerSpec = {
    cell: d.cell, inputSize: d.I, hiddenSize: d.H, projSize: 0, directions: 1, acts: [d.acts], clip: Infinity,
    inputForget: false, linearBeforeReset: d.resetAfter,
  };
  const stack = new RecurrentStack(ctx.engine, [spec], [[d.weights]], true, `Keras layer ${describe(name)}`);
  ctx.owned.push(stack);
  return {
    info: { name, className: cls, units: d.H, returnSequences, goBackwards: d.goBackwards, ...(d.cell === "gru" ? { resetAfter: d.resetAfter } : {}) },
    apply(v) {
      needRank(v, name, cls, 3, `[batch, time, ${d.I}]`);
      const [B, T, I] = v.dims;
      if (I !== d.I) throw new RnnError("SHAPE_MISMATCH", `layer ${describe(name)} (${cls}): expected input [batch, time, ${d.I}], found dims ${listText(v.dims)}`);
      let x = floatData(v, name), mask = v.mask;
      // go_backwards: Keras runs over the reversed sequence and returns outputs in that processed order
      if (d.goBackwards) { x = reverseTime(x, B, T, I); if (mask) mask = reverseMask(mask, B, T); }
      const r = stack.forward({ data: x, dims: [B, T, I] }, mask ? { mask: maskTimeMajor(mask, B, T), maskRepeat: !zeroMasked } : {});
      const out: Value[] = [returnSequences
        ? { data: r.output.data, dims: [B, T, d.H], mask: v.mask }
        : { data: r.h.data, dims: [B, d.H], mask: null }];
      if (returnState) {
        out.push({ data: r.h.data, dims: [B, d.H], mask: null });
        if (r.c) out.push({ data: r.c.data, dims: [B, d.H], mask: null });
      }
      return out;
    },
    dispose() {},
  };
}

function bidirectionalLayer(ctx: Ctx, name: string, cfg: Cfg, c: JsonMap): Layer {
  const inner = c.layer;
  if (!isMap(inner) || typeof inner.class_name !== "string" || !isMap(inner.config)) {
    throw new RnnError("BAD_MODEL", `layer ${describe(name)} (Bidirectional) option layer: expected { class_name, config }, found ${describe(inner)}`);
  }
  const cls = inner.class_name;
  if (!CELL_OF[cls]) throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)} (Bidirectional): wrapped layer class ${describe(cls)} is not supported (LSTM, GRU, SimpleRNN)`);
  const mode = cfg.str("merge_mode", null);
  if (mode !== null && !["concat", "sum", "mul", "ave"].includes(mode)) {
    throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)} (Bidirectional) option merge_mode: ${describe(mode)} is not supported (concat, sum, mul, ave, null)`);
  }
  let backCfg: JsonMap = inner.config;
  if (c.backward_layer !== undefined && c.backward_layer !== null) {
    const b = c.backward_layer;
    if (!isMap(b) || b.class_name !== cls || !isMap(b.config)) {
      throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)} (Bidirectional) option backward_layer: only a ${cls} like the forward layer is supported, found ${describe(isMap(b) ? b.class_name : b)}`);
    }
    backCfg = b.config;
  }
  const fwdScope = (p: string[]) => p.length > 1 && p[0].startsWith("forward_");
  const bwdScope = (p: string[]) => p.length > 1 && p[0].startsWith("backward_");
  const fwd = recurrentDir(ctx, name, cls, inner.config, fwdScope, "(forward)");
  const bwd = recurrentDir(ctx, name, cls, backCfg, bwdScope, "(backward)");
  if (bwd.H !== fwd.H || bwd.I !== fwd.I || bwd.resetAfter !== fwd.resetAfter) {
    throw new RnnError("BAD_MODEL", `layer ${describe(name)} (Bidirectional): the backward layer's sizes differ from the forward layer's`);
  }
  // the backward layer goes the other way from the forward one (Keras flips go_backwards; a given backward_layer
  // must already say so)
  const backwardGoesBack = backCfg === inner.config ? !fwd.goBackwards : bwd.goBackwards;
  if (backwardGoesBack === fwd.goBackwards) {
    throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)} (Bidirectional) option backward_layer: its go_backwards must be the opposite of the forward layer's`);
  }
  const rs = fwd.cfg.bool("return_sequences", false);
  const returnState = fwd.cfg.bool("return_state", false);
  // Direction 0 of the spec runs forward in time, direction 1 backward (outputs stored at their time step).
  // Usually that is (forward layer, backward layer); when the wrapped layer itself goes backwards, it is swapped.
  const swapped = fwd.goBackwards;
  const d0 = swapped ? bwd : fwd, d1 = swapped ? fwd : bwd;
  const spec: LayerSpec = {
    cell: fwd.cell, inputSize: fwd.I, hiddenSize: fwd.H, projSize: 0, directions: 2, acts: [d0.acts, d1.acts], clip: Infinity,
    inputForget: false, linearBeforeReset: fwd.resetAfter,
  };
  const stack = new RecurrentStack(ctx.engine, [spec], [[d0.weights, d1.weights]], true, `Keras layer ${describe(name)}`);
  ctx.owned.push(stack);
  // Python Keras zeroes masked outputs of both directions when returning sequences (zero_output_for_mask)
  const zeroMasked = ctx.semantics === "keras" && rs;
  const H = fwd.H;
  return {
    info: { name, className: "Bidirectional", wraps: cls, units: H, returnSequences: rs, mergeMode: mode, ...(fwd.cell === "gru" ? { resetAfter: fwd.resetAfter } : {}) },
    apply(v) {
      needRank(v, name, "Bidirectional", 3, `[batch, time, ${fwd.I}]`);
      const [B, T, I] = v.dims;
      if (I !== fwd.I) throw new RnnError("SHAPE_MISMATCH", `layer ${describe(name)} (Bidirectional): expected input [batch, time, ${fwd.I}], found dims ${listText(v.dims)}`);
      const r = stack.forward({ data: floatData(v, name), dims: [B, T, I] }, v.mask ? { mask: maskTimeMajor(v.mask, B, T), maskRepeat: !zeroMasked } : {});
      // y: the forward layer's output, yRev: the backward layer's (re-reversed to input order when sequences)
      let y: Float32Array, yRev: Float32Array, rows: number;
      if (rs) {
        rows = B * T;
        const [a, b] = splitHalves(r.output.data, rows, H);
        if (!swapped) { y = a; yRev = b; }
        else { y = reverseTime(b, B, T, H); yRev = reverseTime(a, B, T, H); }
      } else {
        rows = B;
        const a = r.h.data.subarray(0, B * H), b = r.h.data.subarray(B * H, 2 * B * H);
        [y, yRev] = swapped ? [b, a] : [a, b];
      }
      const dims = rs ? [B, T] : [B];
      const mask = rs ? v.mask : null;
      const out: Value[] = mode === null
        ? [{ data: y, dims: [...dims, H], mask }, { data: yRev, dims: [...dims, H], mask }]
        : [{ data: mergePairs(y, yRev, rows, H, mode as MergeMode), dims: [...dims, mode === "concat" ? 2 * H : H], mask }];
      if (returnState) {
        const st = (i: number, src: Float32Array) => ({ data: src.slice(i * B * H, (i + 1) * B * H), dims: [B, H], mask: null });
        const [hf, hb] = swapped ? [1, 0] : [0, 1];
        out.push(st(hf, r.h.data));
        if (r.c) out.push(st(hf, r.c.data));
        out.push(st(hb, r.h.data));
        if (r.c) out.push(st(hb, r.c.data));
      }
      return out;
    },
    dispose() {},
  };
}

function embeddingLayer(ctx: Ctx, name: string, cfg: Cfg): Layer {
  const vocab = cfg.int("input_dim"), dim = cfg.int("output_dim");
  const maskZero = cfg.bool("mask_zero", false);
  const table = pick(layerWeights(ctx, name), name, "embeddings", [vocab, dim], true)!;
  return {
    info: { name, className: "Embedding", units: dim, maskZero },
    apply(v) {
      const ids = v.data;
      const what = `layer ${describe(name)} (Embedding) input`;
      ctx.engine.checkElements(ids.length * dim, `layer ${describe(name)} (Embedding) output`);
      const y = embedding(table.data, vocab, dim, ids, what);
      let mask: Uint8Array | null = null;
      if (maskZero) {
        mask = new Uint8Array(ids.length);
        for (let i = 0; i < ids.length; i++) mask[i] = ids[i] !== 0 ? 1 : 0;
      }
      return [{ data: y, dims: [...v.dims, dim], mask: v.dims.length === 2 ? mask : null }];
    },
    dispose() {},
  };
}

/** Builds one layer from its class name and config. */
function buildLayer(ctx: Ctx, cls: string, c: JsonMap, fallbackName: string): Layer {
  const name = typeof c.name === "string" ? c.name : fallbackName;
  const info = { name, className: cls };
  const cfgOf = (handled: string[]) => new Cfg(name, cls, c, handled);
  switch (cls) {
    case "InputLayer": cfgOf([]); return identityLayer(info);
    case "Dropout": case "SpatialDropout1D": case "GaussianNoise": case "GaussianDropout": case "AlphaDropout": case "ActivityRegularization":
      cfgOf(["l1", "l2"]); return identityLayer(info);
    case "Dense": return denseLayer(ctx, name, cls, cfgOf(["units", "activation", "use_bias", "lora_rank"]), "");
    case "TimeDistributed": {
      const inner = c.layer;
      cfgOf(["layer"]);
      if (!isMap(inner) || typeof inner.class_name !== "string" || !isMap(inner.config)) {
        throw new RnnError("BAD_MODEL", `layer ${describe(name)} (TimeDistributed) option layer: expected { class_name, config }, found ${describe(inner)}`);
      }
      if (inner.class_name === "Dense") {
        const d = denseLayer(ctx, name, "TimeDistributed", new Cfg(name, "TimeDistributed(Dense)", inner.config, ["units", "activation", "use_bias", "lora_rank"]), "");
        return {
          info: { ...d.info, className: "TimeDistributed", wraps: "Dense" },
          apply(v) {
            needRank(v, name, "TimeDistributed", [3, 8], "[batch, time, ...]");
            return d.apply(v);
          },
          dispose() {},
        };
      }
      if (["Dropout", "Activation"].includes(inner.class_name)) {
        const l = buildLayer(ctx, inner.class_name, inner.config, name + "_inner");
        return { info: { ...info, wraps: inner.class_name }, apply: (v) => l.apply(v), dispose() {} };
      }
      throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)} (TimeDistributed): wrapped layer class ${describe(inner.class_name)} is not supported (Dense, Dropout, Activation)`);
    }
    case "Activation": {
      const cfg = cfgOf(["activation"]);
      const nm = cfg.activation("activation", "linear");
      const a = kerasActivation(nm, ctx, `layer ${describe(name)} (Activation) option activation`);
      return {
        info: { ...info, activation: nm },
        apply: (v) => [{ data: applyActivation(ctx, a, floatData(v, name), v.dims[v.dims.length - 1] ?? 1), dims: v.dims, mask: v.mask }],
        dispose() {},
      };
    }
    case "Flatten": {
      const cfg = cfgOf(["data_format"]);
      cfg.only("data_format", "channels_last");
      return {
        info,
        apply(v) {
          needRank(v, name, cls, [1, 16], "[batch, ...]");
          return [{ data: v.data, dims: [v.dims[0], v.dims.length > 1 ? product(v.dims.slice(1)) : 1], mask: null }];
        },
        dispose() {},
      };
    }
    case "GlobalAveragePooling1D": case "GlobalMaxPooling1D": {
      const cfg = cfgOf(["data_format", "keepdims"]);
      cfg.only("data_format", "channels_last");
      const keepdims = cfg.bool("keepdims", false);
      const avg = cls === "GlobalAveragePooling1D";
      return {
        info,
        apply(v) {
          needRank(v, name, cls, 3, "[batch, time, features]");
          const [B, T, F] = v.dims;
          const x = floatData(v, name);
          // Python Keras averages the valid steps; TF.js (and both for max pooling) ignore the mask
          const y = avg ? globalAveragePool1d(x, B, T, F, ctx.semantics === "keras" ? v.mask : null) : globalMaxPool1d(x, B, T, F);
          return [{ data: y, dims: keepdims ? [B, 1, F] : [B, F], mask: null }];
        },
        dispose() {},
      };
    }
    case "Masking": {
      const cfg = cfgOf(["mask_value"]);
      const maskValue = cfg.num("mask_value", 0);
      return {
        info: { ...info, maskValue },
        apply(v) {
          needRank(v, name, cls, 3, "[batch, time, features]");
          const [B, T, F] = v.dims;
          const { y, mask } = maskingLayer(floatData(v, name), B * T, F, maskValue);
          return [{ data: y, dims: v.dims, mask }];
        },
        dispose() {},
      };
    }
    case "Embedding": return embeddingLayer(ctx, name, cfgOf(["input_dim", "output_dim", "mask_zero", "embeddings_initializer", "lora_rank"]));
    case "LSTM": case "GRU": case "SimpleRNN": return recurrentLayer(ctx, name, cls, c);
    case "Bidirectional": return bidirectionalLayer(ctx, name, cfgOf(["layer", "merge_mode", "backward_layer"]), c);
  }
  throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)}: class ${describe(cls)} is not supported`);
}

// ---------------------------------------------------------------------------------------------------- topology

interface Node {
  layer: Layer;
  /** The tensor this layer reads: [layer name, node index, tensor index]; null for the input layer. */
  input: [string, number, number] | null;
}

function tensorRef(v: Json, where: string): [string, number, number] {
  // Keras 2 / TF.js: ["name", node, tensor, kwargs?]; Keras 3: { class_name: "__keras_tensor__", config: { keras_history } }
  if (isMap(v) && isMap(v.config) && Array.isArray(v.config.keras_history)) v = v.config.keras_history;
  if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "number" && typeof v[2] === "number") return [v[0], v[1], v[2]];
  throw new RnnError("BAD_MODEL", `${where}: expected a tensor reference [layer, node, tensor], found ${describe(v)}`);
}

function inboundOf(l: JsonMap, name: string): [string, number, number] | null {
  const nodes = l.inbound_nodes;
  if (nodes === undefined || nodes === null || (Array.isArray(nodes) && nodes.length === 0)) return null;
  if (!Array.isArray(nodes)) throw new RnnError("BAD_MODEL", `layer ${describe(name)}: inbound_nodes must be an array, found ${describe(nodes)}`);
  if (nodes.length > 1) throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)}: called ${nodes.length} times (shared layers are not supported)`);
  const node = nodes[0];
  let args: Json[];
  let kwargs: Json | undefined;
  if (isMap(node)) {
    args = Array.isArray(node.args) ? node.args : [];
    if (args.length === 1 && Array.isArray(args[0]) && !(typeof args[0][0] === "string")) args = args[0];
    kwargs = node.kwargs;
  } else if (Array.isArray(node)) {
    args = node;
    if (args.length === 1 && Array.isArray(args[0])) kwargs = args[0][3];
  } else {
    throw new RnnError("BAD_MODEL", `layer ${describe(name)}: inbound node must be an array or { args, kwargs }, found ${describe(node)}`);
  }
  if (args.length !== 1) throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)}: takes ${args.length} inputs; only layers with one input are supported`);
  if (isMap(kwargs)) {
    for (const k of Object.keys(kwargs)) {
      if (k !== "training" && k !== "mask") throw new RnnError("UNSUPPORTED_OP", `layer ${describe(name)}: call argument ${describe(k)} is not supported`);
    }
  }
  return tensorRef(args[0], `layer ${describe(name)} inbound node`);
}

function shapeOf(c: JsonMap): (number | null)[] | null {
  const s = c.batch_input_shape ?? c.batch_shape;
  if (Array.isArray(s) && s.every((d) => d === null || (typeof d === "number" && Number.isInteger(d) && d >= 0))) return s as (number | null)[];
  if (Array.isArray(c.input_shape)) return [null, ...(c.input_shape as (number | null)[])];
  return null;
}

export function buildKerasModel(modelJson: unknown, weightBytes: Uint8Array | ArrayBuffer, engine: Engine, semanticsOpt: "auto" | KerasSemantics): KerasModel {
  const root = readModelJson(modelJson);
  const topo = isMap(root.modelTopology) ? root.modelTopology : root;
  const model = isMap(topo.model_config) ? topo.model_config : topo;
  const version = typeof topo.keras_version === "string" ? topo.keras_version : "";
  const backend = typeof topo.backend === "string" ? topo.backend : "";
  const semantics: KerasSemantics = semanticsOpt !== "auto" ? semanticsOpt
    : version.startsWith("tfjs") || backend === "tensor_flow.js" ? "tfjs" : "keras";
  const weights = readWeights(root, weightBytes, engine);
  const ctx: Ctx = { engine, weights, semantics, keras3: /^3\./.test(version), owned: [] };
  const cls = model.class_name;
  const cfg = model.config;
  let layersJson: Json[];
  if (cls === "Sequential") {
    layersJson = Array.isArray(cfg) ? cfg : isMap(cfg) && Array.isArray(cfg.layers) ? cfg.layers : [];
    if (layersJson.length === 0) throw new RnnError("BAD_MODEL", "model.json: a Sequential model with no layers");
  } else if (cls === "Model" || cls === "Functional") {
    if (!isMap(cfg) || !Array.isArray(cfg.layers)) throw new RnnError("BAD_MODEL", `model.json: a ${cls} model needs config.layers`);
    layersJson = cfg.layers;
  } else {
    throw new RnnError(cls === undefined ? "BAD_MODEL" : "UNSUPPORTED_OP", `model.json: model class ${describe(cls)} is not supported (Sequential, Model, Functional)`);
  }
  // Everything built from here on (RecurrentStack, Dense) holds engine memory: a failure anywhere before the model
  // exists disposes it all.
  try {
    return buildGraph(ctx, cls, cfg, layersJson);
  } catch (e) {
    for (const o of ctx.owned.splice(0)) o.dispose();
    throw e;
  }
}

/** The layers and their wiring; what it builds is in ctx.owned (the caller disposes it on failure). */
function buildGraph(ctx: Ctx, cls: string, cfg: Json | undefined, layersJson: Json[]): KerasModel {
  const nodes: Node[] = [];
  let inputShape: (number | null)[] | null = null;
  layersJson.forEach((l, i) => {
    if (!isMap(l) || typeof l.class_name !== "string" || !isMap(l.config)) {
      throw new RnnError("BAD_MODEL", `model.json layers[${i}]: expected { class_name, config }, found ${describe(l)}`);
    }
    const lname = typeof l.name === "string" ? l.name : typeof l.config.name === "string" ? l.config.name : `layer_${i}`;
    const c = l.config;
    if (i === 0 || l.class_name === "InputLayer") {
      const s = shapeOf(c);
      if (s && (i === 0 || !inputShape)) inputShape = s;
    }
    if (c.name === undefined) c.name = lname;
    const layer = buildLayer(ctx, l.class_name, c, lname);
    nodes.push({ layer, input: cls === "Sequential" ? null : inboundOf(l, lname) });
  });
  let inputName: string | null = null;
  let output: [string, number, number] | null = null;
  if (cls !== "Sequential") {
    const c = cfg as JsonMap;
    const one = (v: Json | undefined, what: string): [string, number, number] => {
      if (Array.isArray(v) && v.length === 3 && typeof v[0] === "string") return tensorRef(v, what);
      if (!Array.isArray(v) || v.length !== 1) throw new RnnError("UNSUPPORTED_OP", `model.json ${what}: only models with one ${what === "input_layers" ? "input" : "output"} are supported, found ${describe(v)}`);
      return tensorRef(v[0], what);
    };
    inputName = one(c.input_layers, "input_layers")[0];
    output = one(c.output_layers, "output_layers");
    const known = new Set(nodes.map((n) => n.layer.info.name));
    if (!known.has(inputName)) throw new RnnError("BAD_MODEL", `model.json input_layers: layer ${describe(inputName)} does not exist`);
    if (!known.has(output[0])) throw new RnnError("BAD_MODEL", `model.json output_layers: layer ${describe(output[0])} does not exist`);
    for (const n of nodes) {
      if (n.input && !known.has(n.input[0])) throw new RnnError("BAD_MODEL", `layer ${describe(n.layer.info.name)}: its input layer ${describe(n.input[0])} does not exist`);
      if (!n.input && n.layer.info.name !== inputName) throw new RnnError("UNSUPPORTED_OP", `layer ${describe(n.layer.info.name)}: a second model input (only one is supported)`);
    }
  }
  return new KerasModelImpl(ctx, nodes, inputShape, inputName, output);
}

class KerasModelImpl implements KerasModel {
  readonly layers: KerasLayerInfo[];
  readonly inputShape: (number | null)[] | null;
  readonly inputDtype: "float32" | "int32";
  readonly semantics: KerasSemantics;
  private disposedFlag = false;

  constructor(private readonly ctx: Ctx, private readonly nodes: Node[], inputShape: (number | null)[] | null,
    inputName: string | null, private readonly output: [string, number, number] | null) {
    this.layers = nodes.map((n) => n.layer.info);
    this.inputShape = inputShape;
    // ids in, when the layer that reads the model input is an Embedding
    const reader = inputName === null
      ? nodes.find((n) => n.layer.info.className !== "InputLayer")
      : nodes.find((n) => n.input && n.input[0] === inputName);
    this.inputDtype = reader?.layer.info.className === "Embedding" ? "int32" : "float32";
    this.semantics = ctx.semantics;
  }

  predict(x: Tensor): Tensor & { data: Float32Array } {
    if (this.disposedFlag) throw new RnnError("DISPOSED", "this Keras model was disposed");
    checkTensor(x, "x");
    this.ctx.engine.checkElements(x.data.length, "x");
    const s = this.inputShape;
    if (s && (x.dims.length !== s.length || s.some((d, i) => d !== null && d !== x.dims[i]))) {
      throw new RnnError("SHAPE_MISMATCH", `x: expected dims ${listText(s.map((d) => (d === null ? "*" : d)))}, found ${listText(x.dims)}`);
    }
    let data: Float32Array | Int32Array;
    if (this.inputDtype === "int32") {
      if (x.data instanceof BigInt64Array) {
        data = new Int32Array(x.data.length);
        for (let i = 0; i < x.data.length; i++) {
          const v = x.data[i];
          data[i] = v > 2147483647n || v < -2147483648n ? -1 : Number(v);
        }
      } else data = x.data.slice();
    } else {
      if (!(x.data instanceof Float32Array)) throw new RnnError("SHAPE_MISMATCH", `x: expected float32 data (Float32Array), found ${describe(x.data)}`);
      data = x.data.slice();
    }
    const input: Value = { data, dims: [...x.dims], mask: null };
    let result: Value;
    if (!this.output) {
      result = input;
      for (const n of this.nodes) result = n.layer.apply(result)[0];
    } else {
      const values = new Map<string, Value[]>();
      const pending = new Set(this.nodes);
      while (pending.size) {
        let progressed = false;
        for (const n of pending) {
          let v: Value | undefined;
          if (!n.input) v = input;
          else {
            const outs = values.get(n.input[0]);
            if (!outs) continue;
            v = outs[n.input[2]];
            if (!v) throw new RnnError("BAD_MODEL", `layer ${describe(n.layer.info.name)}: reads output ${n.input[2]} of ${describe(n.input[0])}, which has ${outs.length}`);
          }
          values.set(n.layer.info.name, n.layer.apply(v));
          pending.delete(n);
          progressed = true;
        }
        if (!progressed) throw new RnnError("BAD_MODEL", `model.json: layers ${listText([...pending].map((n) => describe(n.layer.info.name)), 4)} are not connected to the input (or form a cycle)`);
      }
      const outs = values.get(this.output[0])!;
      const v = outs[this.output[2]];
      if (!v) throw new RnnError("BAD_MODEL", `model.json output_layers: ${describe(this.output[0])} has no output ${this.output[2]}`);
      result = v;
    }
    const out = result.data instanceof Float32Array ? result.data : Float32Array.from(result.data);
    return { data: out === data ? out.slice() : out, dims: [...result.dims] };
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const o of this.ctx.owned) o.dispose();
    this.ctx.owned.length = 0;
  }
}
