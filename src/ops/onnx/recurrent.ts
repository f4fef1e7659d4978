// The ONNX LSTM, GRU and RNN nodes (opsets 7–22: layout from 14) on the engine: one RecurrentStack per node, built
// from the node's W/R/B/P in the canonical layout (ONNX's own shapes and gate orders, src/core/spec.ts). Weights that
// are constants are packed once when the model loads; weights fed at run time are packed when they arrive and kept
// while the next run feeds the same values.
//
// Shapes (layout 0 | layout 1):
//   X [T, B, I] | [B, T, I];  W [D, G·H, I];  R [D, G·H, H];  B [D, 2·G·H];  sequence_lens [B];  P [D, 3·H]
//   initial_h, initial_c, Y_h, Y_c [D, B, H] | [B, D, H];  Y [T, D, B, H] | [B, T, D, H]
// The stack computes [T, B, D·H] (batch-first: [B, T, D·H]) and [D, B, H] states; this wrapper transposes.
// A direction="reverse" node runs the forward kernel on each row's first sequence_lens steps in reverse order and
// reverses its outputs back: the same computation, step for step.
// Rows with sequence_lens 0 give Y_h/Y_c zeros, as onnxruntime does (the stack itself keeps their initial state).

import { describe } from "../../errors.js";
import { RecurrentStack } from "../../core/stack.js";
import { type ActName, type ActSpec, type CellType, type DirWeights, type LayerSpec, ACT, act, defaultActs, gatesOf } from "../../core/spec.js";
import type { NodeContext, OpFn, Preparable } from "./node.js";
import { type OTensor, dimsText, f32, isConstant, transpose } from "./tensor.js";

/** Activations that take alpha / beta (onnxruntime consumes activation_alpha/beta in order for these only). */
const TAKES_ALPHA = /* @__PURE__ */ new Set<ActName>(["Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu"]);
const TAKES_BETA = /* @__PURE__ */ new Set<ActName>(["Affine", "ScaledTanh", "HardSigmoid"]);
const ACT_NAMES = /* @__PURE__ */ new Map<string, ActName>(Object.keys(ACT).map((k) => [k.toLowerCase(), k as ActName]));
/**
 * The alpha/beta onnxruntime uses when activation_alpha/beta run out (measured on onnxruntime-node 1.30 with
 * tests/fixtures/onnx/nodes/rnn_act_*): LeakyRelu 0.01, HardSigmoid 0.2/0.5, Elu 1, and 0 for the rest: Affine
 * (0, 0), ScaledTanh (0, 0), ThresholdedRelu 0 — not the standalone operators' defaults.
 */
const ORT_DEFAULTS: Partial<Record<ActName, [number, number]>> = {
  Affine: [0, 0], ScaledTanh: [0, 0], ThresholdedRelu: [0, 0], LeakyRelu: [0.01, 0], HardSigmoid: [0.2, 0.5], Elu: [1, 0],
};

interface Built {
  stack: RecurrentStack;
  /** The weight tensors the stack was packed from (identity), with copies of their values (content). */
  keys: (OTensor | null)[];
  copies: (Float32Array | null)[];
}

function sameWeights(b: Built, w: (OTensor | null)[]): boolean {
  for (let k = 0; k < w.length; k++) {
    const t = w[k], key = b.keys[k];
    if (t === key) continue;
    if (!t || !key) return false;
    const c = b.copies[k], d = t.data;
    if (!c || c.length !== d.length) return false;
    for (let i = 0; i < c.length; i++) if (c[i] !== d[i] && !(Number.isNaN(c[i]) && Number.isNaN(d[i]))) return false;
  }
  return true;
}

interface NodeSpec { cell: CellType; D: 1 | 2; reverse: boolean; layout: number; acts: ActSpec[][]; clip: number; inputForget: boolean; lbr: boolean }

function nodeSpec(ctx: NodeContext, cell: CellType): NodeSpec {
  const dir = ctx.string("direction", "forward");
  if (dir !== "forward" && dir !== "reverse" && dir !== "bidirectional") throw ctx.unsupported(`direction ${describe(dir)}`);
  const D = dir === "bidirectional" ? 2 : 1;
  const layout = ctx.opset >= 14 ? ctx.int("layout", 0) : 0;
  if (layout !== 0 && layout !== 1) throw ctx.unsupported(`layout ${layout} (0 or 1 expected)`);
  const n = cell === "lstm" ? 3 : cell === "gru" ? 2 : 1;
  const names = ctx.strings("activations");
  let acts: ActSpec[][];
  if (!names) {
    acts = Array.from({ length: D }, () => defaultActs(cell));
  } else {
    if (names.length !== n && names.length !== n * D) {
      throw ctx.error("BAD_MODEL", `activations: expected ${n * D} names (${n} per direction), found ${names.length}`);
    }
    const alphas = ctx.floats("activation_alpha") ?? [], betas = ctx.floats("activation_beta") ?? [];
    let ai = 0, bi = 0;
    const specs = names.map((s) => {
      const name = ACT_NAMES.get(s.toLowerCase());
      if (!name) throw ctx.unsupported(`activation ${describe(s)}`);
      const [da, db] = ORT_DEFAULTS[name] ?? [undefined, undefined];
      const a = TAKES_ALPHA.has(name) && ai < alphas.length ? alphas[ai++] : da;
      const b = TAKES_BETA.has(name) && bi < betas.length ? betas[bi++] : db;
      return act(name, a, b);
    });
    acts = Array.from({ length: D }, (_, d) => (names.length === n ? specs : specs.slice(d * n, d * n + n)));
  }
  const clip = ctx.has("clip") ? ctx.float("clip", Infinity) : Infinity;
  if (!(clip > 0)) throw ctx.error("BAD_MODEL", `clip: expected a positive threshold, found ${clip}`);
  const inputForget = cell === "lstm" && ctx.int("input_forget", 0) !== 0;
  const lbr = cell === "gru" && ctx.int("linear_before_reset", 0) !== 0;
  return { cell, D, reverse: dir === "reverse", layout, acts, clip, inputForget, lbr };
}

function checkF32(ctx: NodeContext, t: OTensor, what: string): Float32Array {
  if (t.type !== "float32") throw ctx.unsupported(`${what}: data type ${t.type} (float32 expected)`);
  return t.data as Float32Array;
}

function checkShape(ctx: NodeContext, t: OTensor, what: string, exp: number[], meaning: string): void {
  if (t.dims.length !== exp.length || t.dims.some((d, i) => d !== exp[i])) {
    throw ctx.error("SHAPE_MISMATCH", `${what}: expected dims ${dimsText(exp)} (${meaning}), found ${dimsText(t.dims)}`);
  }
}

/** Builds (packs) the stack for the node's weights: inputs W (1), R (2), B (3), P (7). */
function build(ctx: NodeContext, ns: NodeSpec, W: OTensor, R: OTensor, Bt: OTensor | null, P: OTensor | null): RecurrentStack {
  const G = gatesOf(ns.cell), D = ns.D;
  if (W.dims.length !== 3 || W.dims[0] !== D || W.dims[1] % G !== 0) {
    throw ctx.error("SHAPE_MISMATCH", `W: expected dims [${D}, ${G}·hidden_size, input_size], found ${dimsText(W.dims)}`);
  }
  const H = W.dims[1] / G, I = W.dims[2];
  if (ctx.has("hidden_size") && ctx.int("hidden_size", H) !== H) {
    throw ctx.error("SHAPE_MISMATCH", `W: hidden_size is ${ctx.int("hidden_size", 0)} but W ${dimsText(W.dims)} has ${H} units per gate`);
  }
  checkShape(ctx, R, "R", [D, G * H, H], "num_directions, gates·hidden_size, hidden_size");
  if (Bt) checkShape(ctx, Bt, "B", [D, 2 * G * H], "num_directions, 2·gates·hidden_size");
  if (P) checkShape(ctx, P, "P", [D, 3 * H], "num_directions, 3·hidden_size");
  const w = checkF32(ctx, W, "W"), r = checkF32(ctx, R, "R");
  const b = Bt ? checkF32(ctx, Bt, "B") : null, p = P ? checkF32(ctx, P, "P") : null;
  const GH = G * H;
  const dirs: DirWeights[] = [];
  for (let d = 0; d < D; d++) {
    dirs.push({
      W: w.subarray(d * GH * I, (d + 1) * GH * I),
      R: r.subarray(d * GH * H, (d + 1) * GH * H),
      Wb: b ? b.subarray(d * 2 * GH, d * 2 * GH + GH) : new Float32Array(GH),
      Rb: b ? b.subarray(d * 2 * GH + GH, (d + 1) * 2 * GH) : new Float32Array(GH),
      P: p ? p.subarray(d * 3 * H, (d + 1) * 3 * H) : undefined,
    });
  }
  const spec: LayerSpec = {
    cell: ns.cell, inputSize: I, hiddenSize: H, projSize: 0, directions: D, acts: ns.acts, clip: ns.clip,
    inputForget: ns.inputForget, linearBeforeReset: ns.lbr,
  };
  return new RecurrentStack(ctx.engine, [spec], [dirs], ns.layout === 1, `${ctx.node.opType} node ${describe(ctx.node.name)}`);
}

/** Reverses, per row b, the first lens[b] steps of a [T, B, F] (or batch-major [B, T, F]) array. */
function reverseSteps(a: Float32Array, T: number, B: number, F: number, lens: Int32Array | null, batchMajor: boolean): Float32Array {
  const out = new Float32Array(a.length);
  for (let b = 0; b < B; b++) {
    const L = lens ? lens[b] : T;
    for (let t = 0; t < T; t++) {
      const src = t < L ? L - 1 - t : t;
      const o = batchMajor ? (b * T + t) * F : (t * B + b) * F;
      const s = batchMajor ? (b * T + src) * F : (src * B + b) * F;
      out.set(a.subarray(s, s + F), o);
    }
  }
  return out;
}

function getStack(ctx: NodeContext, ns: NodeSpec, inputs: (OTensor | null)[]): RecurrentStack {
  const W = ctx.need(inputs, 1, "W"), R = ctx.need(inputs, 2, "R");
  const Bt = inputs[3] ?? null, P = ns.cell === "lstm" ? inputs[7] ?? null : null;
  const weights = [W, R, Bt, P];
  const built = ctx.cache.get("stack") as Built | undefined;
  if (built && sameWeights(built, weights)) return built.stack;
  if (built) { built.stack.dispose(); ctx.cache.delete("stack"); }
  const stack = build(ctx, ns, W, R, Bt, P);
  ctx.cache.set("stack", {
    // a constant (an initializer's tensor) is the same object at every run, so only run-time weights need a copy
    stack, keys: weights, copies: weights.map((t) => (t && !isConstant(t) ? Float32Array.from(t.data as Float32Array) : null)),
  } satisfies Built);
  if (!built) ctx.onDispose(() => (ctx.cache.get("stack") as Built | undefined)?.stack.dispose());
  return stack;
}

export type RecurrentOp = OpFn & Preparable;

export function recurrentOp(cell: CellType): RecurrentOp {
  const specOf = (ctx: NodeContext): NodeSpec => {
    let ns = ctx.cache.get("spec") as NodeSpec | undefined;
    if (!ns) { ns = nodeSpec(ctx, cell); ctx.cache.set("spec", ns); }
    return ns;
  };
  const op = ((ctx, inputs) => {
    const ns = specOf(ctx);
    const X = ctx.need(inputs, 0, "X");
    const x = checkF32(ctx, X, "X");
    const stack = getStack(ctx, ns, inputs);
    const D = ns.D, H = stack.specs[0].hiddenSize, I = stack.inputSize, bf = ns.layout === 1;
    if (X.dims.length !== 3 || X.dims[2] !== I) {
      throw ctx.error("SHAPE_MISMATCH", `X: expected dims ${bf ? "[batch_size, seq_length" : "[seq_length, batch_size"}, ${I}], found ${dimsText(X.dims)}`);
    }
    const T = bf ? X.dims[1] : X.dims[0], B = bf ? X.dims[0] : X.dims[1];
    // sequence_lens
    let lens: Int32Array | null = null;
    const sl = inputs[4];
    if (sl) {
      if (sl.type !== "int32" && sl.type !== "int64") throw ctx.unsupported(`sequence_lens: data type ${sl.type} (int32 expected)`);
      checkShape(ctx, sl, "sequence_lens", [B], "batch_size");
      lens = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const v = sl.data[b];
        if (!(Number.isInteger(v) && v >= 0 && v <= T)) {
          throw ctx.error("BAD_ARGUMENT", `sequence_lens[${b}]: expected an integer from 0 to ${T} (seq_length), found ${v}`);
        }
        lens[b] = v;
      }
    }
    // initial states → [D, B, H]
    const state = (k: number, what: string): Float32Array | undefined => {
      const t = inputs[k];
      if (!t) return undefined;
      checkF32(ctx, t, what);
      checkShape(ctx, t, what, bf ? [B, D, H] : [D, B, H], bf ? "batch_size, num_directions, hidden_size" : "num_directions, batch_size, hidden_size");
      return bf ? (transpose(t, [1, 0, 2]).data as Float32Array) : (t.data as Float32Array);
    };
    const h0 = state(5, "initial_h"), c0 = cell === "lstm" ? state(6, "initial_c") : undefined;
    const xin = ns.reverse ? reverseSteps(x, T, B, I, lens, bf) : x;
    const res = stack.forward({ data: xin, dims: X.dims }, {
      h0: h0 && { data: h0, dims: [D, B, H] }, c0: c0 && { data: c0, dims: [D, B, H] }, lengths: lens ?? undefined,
    });
    const outs: OTensor[] = [];
    const want = (k: number): boolean => !!ctx.node.outputs[k];
    // Y
    if (want(0)) {
      let y = res.output.data;
      if (ns.reverse) y = reverseSteps(y, T, B, H, lens, bf);
      outs[0] = bf ? f32(y, [B, T, D, H]) : D === 1 ? f32(y, [T, 1, B, H]) : transpose(f32(y, [T, B, D, H]), [0, 2, 1, 3]);
    }
    const final = (s: Float32Array): OTensor => {
      if (lens) for (let b = 0; b < B; b++) if (lens[b] === 0) for (let d = 0; d < D; d++) s.fill(0, (d * B + b) * H, (d * B + b + 1) * H);
      const t = f32(s, [D, B, H]);
      return bf ? transpose(t, [1, 0, 2]) : t;
    };
    if (want(1)) outs[1] = final(res.h.data);
    if (want(2) && res.c) outs[2] = final(res.c.data);
    return outs;
  }) as RecurrentOp;
  op.prepare = (ctx, inputs) => { getStack(ctx, specOf(ctx), inputs); };
  op.weightSlots = () => (cell === "lstm" ? [1, 2, 3, 7] : [1, 2, 3]);
  return op;
}
