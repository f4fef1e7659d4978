// The operators ONNX exporters put around recurrent layers and small heads. Shape and index operators run in
// TypeScript; MatMul/Gemm with a 2-D weight run through the engine's GEMM (weights packed once per node and weight
// tensor), Sigmoid/Tanh/Softmax/LogSoftmax through the engine's kernels. Opset-dependent forms are noted per operator.

import { describe } from "../../errors.js";
import { activate, Dense, softmax } from "../nn.js";
import { act } from "../../core/spec.js";
import type { NodeContext, OpFn, Preparable } from "./node.js";
import { recurrentOp } from "./recurrent.js";
import {
  type Data, type DType, type OTensor, ONNX_DTYPE, ONNX_DTYPE_NAME, axisOf, broadcastIndex, broadcastShape,
  castData, checkShapeValues, dimsText, f32, i64, ints, isConstant, isFloat, reshaped, scalar, size, strides, transpose,
} from "./tensor.js";

type In = (OTensor | null)[];

// ───────────────────────── helpers

function shapeError(ctx: NodeContext, what: string): never {
  throw ctx.error("SHAPE_MISMATCH", what);
}

function binary(ctx: NodeContext, a: OTensor, b: OTensor, outType: DType | null, f: (x: number, y: number) => number): OTensor {
  const dims = broadcastShape(a.dims, b.dims);
  if (!dims) shapeError(ctx, `inputs of dims ${dimsText(a.dims)} and ${dimsText(b.dims)} do not broadcast`);
  const n = size(dims);
  const out = ctx.alloc(outType ?? a.type, n);
  const ia = broadcastIndex(a.dims, dims), ib = broadcastIndex(b.dims, dims);
  const da = a.data, db = b.data;
  if (!ia && !ib) for (let i = 0; i < n; i++) out[i] = f(da[i], db[i]);
  else if (!ia) for (let i = 0; i < n; i++) out[i] = f(da[i], db[ib![i]]);
  else if (!ib) for (let i = 0; i < n; i++) out[i] = f(da[ia[i]], db[i]);
  else for (let i = 0; i < n; i++) out[i] = f(da[ia[i]], db[ib[i]]);
  return { type: outType ?? a.type, data: out, dims };
}

function sameType(ctx: NodeContext, a: OTensor, b: OTensor): void {
  if (a.type !== b.type) throw ctx.error("BAD_MODEL", `inputs have different types: ${a.type} and ${b.type}`);
}

function arith(f: (x: number, y: number) => number, intF?: (x: number, y: number) => number): OpFn {
  return (ctx, inp) => {
    const a = ctx.need(inp, 0, "A"), b = ctx.need(inp, 1, "B");
    sameType(ctx, a, b);
    return [binary(ctx, a, b, null, isFloat(a.type) || !intF ? f : intF)];
  };
}

function compare(f: (x: number, y: number) => boolean): OpFn {
  return (ctx, inp) => {
    const a = ctx.need(inp, 0, "A"), b = ctx.need(inp, 1, "B");
    sameType(ctx, a, b);
    return [binary(ctx, a, b, "bool", (x, y) => (f(x, y) ? 1 : 0))];
  };
}

function unary(f: (x: number) => number): OpFn {
  return (ctx, inp) => {
    const x = ctx.need(inp, 0, "X");
    const out = ctx.alloc(x.type, x.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
    return [{ type: x.type, data: out, dims: x.dims.slice() }];
  };
}

function asF32(ctx: NodeContext, t: OTensor, what: string): Float32Array {
  if (t.type === "float32") return t.data as Float32Array;
  if (t.type === "float64") return Float32Array.from(t.data as Float64Array);
  throw ctx.unsupported(`${what}: data type ${t.type} (float32 or double expected)`);
}
function fromF32(t: OTensor, data: Float32Array, dims: number[]): OTensor {
  return t.type === "float64" ? { type: "float64", data: Float64Array.from(data), dims } : f32(data, dims);
}

/** Element-wise activation through the engine's f32_vact kernel. */
function engineAct(name: "Sigmoid" | "Tanh"): OpFn {
  return (ctx, inp) => {
    const x = ctx.need(inp, 0, "X");
    return [fromF32(x, activate(ctx.engine, asF32(ctx, x, "X"), act(name)), x.dims.slice())];
  };
}

/** Axes from the opset-dependent attribute or input (null = not given). */
function axesOf(ctx: NodeContext, inp: In, inputSince: number, k = 1): number[] | null {
  if (ctx.opset >= inputSince) return inp[k] ? ints(inp[k]!, "axes") : null;
  return ctx.ints("axes");
}

function concatData(ctx: NodeContext, type: DType, parts: OTensor[], axis: number, dims: number[]): Data {
  const out = ctx.alloc(type, size(dims));
  if (out.length === 0) return out; // (an empty output may still have huge outer dims)
  const outer = size(dims.slice(0, axis));
  const inner = size(dims.slice(axis + 1));
  let off = 0;
  for (let o = 0; o < outer; o++) {
    for (const p of parts) {
      const chunk = p.dims[axis] * inner;
      (out as Float32Array).set((p.data as Float32Array).subarray(o * chunk, o * chunk + chunk), off);
      off += chunk;
    }
  }
  return out;
}

/** Slices along one axis: [start, start+len) of each outer block. */
function sliceAxis(ctx: NodeContext, t: OTensor, axis: number, start: number, len: number): OTensor {
  const dims = t.dims.slice();
  dims[axis] = len;
  const outer = size(t.dims.slice(0, axis)), inner = size(t.dims.slice(axis + 1)), D = t.dims[axis];
  const out = ctx.alloc(t.type, outer * len * inner);
  if (out.length > 0) for (let o = 0; o < outer; o++) {
    (out as Float32Array).set((t.data as Float32Array).subarray((o * D + start) * inner, (o * D + start + len) * inner), o * len * inner);
  }
  return { type: t.type, data: out, dims };
}

// ───────────────────────── MatMul / Gemm through the engine

/** A Dense (y = x·Wᵀ + b) for a weight tensor, packed once per node and weight (initializers keep their identity). */
function denseFor(ctx: NodeContext, key: OTensor, make: () => { W: Float32Array; b: Float32Array | null; N: number; K: number }): Dense {
  let m = ctx.cache.get("dense") as WeakMap<OTensor, Dense> | undefined;
  if (!m) {
    m = new WeakMap();
    ctx.cache.set("dense", m);
    const all: Dense[] = [];
    ctx.cache.set("denseList", all);
    ctx.onDispose(() => { for (const d of all) d.dispose(); });
  }
  let d = m.get(key);
  if (!d) {
    const { W, b, N, K } = make();
    d = new Dense(ctx.engine, W, b, N, K);
    m.set(key, d);
    (ctx.cache.get("denseList") as Dense[]).push(d);
  }
  return d;
}

function transpose2(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

/** MatMul's Dense for a 2-D B [K, N]. */
function matmulDense(ctx: NodeContext, B: OTensor): Dense {
  const [K, N] = B.dims;
  return denseFor(ctx, B, () => ({ W: transpose2(B.data as Float32Array, K, N), b: null, N, K }));
}

const matmulRun: OpFn = (ctx, inp) => {
  const A = ctx.need(inp, 0, "A"), B = ctx.need(inp, 1, "B");
  if (A.type !== "float32" || B.type !== "float32") throw ctx.unsupported(`data types ${A.type} × ${B.type} (float32 expected)`);
  const ad = A.dims.length === 1 ? [1, A.dims[0]] : A.dims;
  const bd = B.dims.length === 1 ? [B.dims[0], 1] : B.dims;
  const M = ad[ad.length - 2], K = ad[ad.length - 1], K2 = bd[bd.length - 2], N = bd[bd.length - 1];
  if (K !== K2) shapeError(ctx, `A ${dimsText(A.dims)} and B ${dimsText(B.dims)}: inner dims ${K} and ${K2} differ`);
  const batch = broadcastShape(ad.slice(0, -2), bd.slice(0, -2));
  if (!batch) shapeError(ctx, `batch dims of A ${dimsText(A.dims)} and B ${dimsText(B.dims)} do not broadcast`);
  let dims = [...batch, M, N];
  let out: Float32Array;
  if (bd.length === 2) {
    // every row of A against one weight matrix: the engine's GEMM
    const rows = size(ad.slice(0, -1));
    ctx.checkElements(rows * N);
    out = matmulDense(ctx, B).run(A.data as Float32Array, rows);
    dims = [...ad.slice(0, -2), M, N];
    if (!isConstant(B)) forget(ctx, B);
  } else {
    out = ctx.alloc("float32", size(dims)) as Float32Array;
    const nb = size(batch);
    const ia = broadcastIndex(ad.slice(0, -2), batch), ib = broadcastIndex(bd.slice(0, -2), batch);
    const a = A.data as Float32Array, b = B.data as Float32Array;
    for (let p = 0; p < nb; p++) {
      const ao = (ia ? ia[p] : p) * M * K, bo = (ib ? ib[p] : p) * K * N, oo = p * M * N;
      for (let i = 0; i < M; i++) {
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += a[ao + i * K + k] * b[bo + k * N + j];
          out[oo + i * N + j] = s;
        }
      }
    }
  }
  if (A.dims.length === 1) dims.splice(dims.length - 2, 1);
  if (B.dims.length === 1) dims.splice(dims.length - 1, 1);
  return [f32(out, dims)];
};
const matmulPrepare: Preparable["prepare"] = (ctx, inp) => {
  const B = inp[1];
  if (B && B.type === "float32" && B.dims.length === 2) matmulDense(ctx, B);
};

function forget(ctx: NodeContext, key: OTensor): void {
  const m = ctx.cache.get("dense") as WeakMap<OTensor, Dense>;
  const d = m.get(key);
  if (!d) return;
  m.delete(key);
  const all = ctx.cache.get("denseList") as Dense[];
  all.splice(all.indexOf(d), 1);
  d.dispose();
}

/** Gemm's Dense for B (alpha folded in) and, when it is a constant of N values, beta·C as the bias. */
function gemmDense(ctx: NodeContext, B: OTensor, C: OTensor | null): { dense: Dense; foldC: boolean } {
  const alpha = ctx.float("alpha", 1), beta = ctx.float("beta", 1);
  const tB = ctx.int("transB", 0);
  const K = tB ? B.dims[1] : B.dims[0], N = tB ? B.dims[0] : B.dims[1];
  const foldC = C !== null && C.type === "float32" && size(C.dims) === N && (C.dims.length === 1 || (C.dims.length === 2 && C.dims[0] === 1)) && isConstant(C) && N > 0;
  const dense = denseFor(ctx, B, () => {
    let W = tB ? (B.data as Float32Array).slice() : transpose2(B.data as Float32Array, K, N); // [N, K]
    if (alpha !== 1) W = W.map((v) => v * alpha);
    let b: Float32Array | null = null;
    if (foldC) { b = (C!.data as Float32Array).slice(); if (beta !== 1) b = b.map((v) => v * beta); }
    return { W, b, N, K };
  });
  return { dense, foldC };
}

const gemmRun: OpFn = (ctx, inp) => {
  const A = ctx.need(inp, 0, "A"), B = ctx.need(inp, 1, "B"), C = inp[2] ?? null;
  if (A.type !== "float32" || B.type !== "float32") throw ctx.unsupported(`data types ${A.type} × ${B.type} (float32 expected)`);
  if (A.dims.length !== 2 || B.dims.length !== 2) shapeError(ctx, `A and B must be 2-D, found ${dimsText(A.dims)} and ${dimsText(B.dims)}`);
  const beta = ctx.float("beta", 1);
  const tA = ctx.int("transA", 0), tB = ctx.int("transB", 0);
  const M = tA ? A.dims[1] : A.dims[0], K = tA ? A.dims[0] : A.dims[1];
  const K2 = tB ? B.dims[1] : B.dims[0], N = tB ? B.dims[0] : B.dims[1];
  if (K !== K2) shapeError(ctx, `A ${dimsText(A.dims)} and B ${dimsText(B.dims)} (transA=${tA}, transB=${tB}): inner dims ${K} and ${K2} differ`);
  ctx.checkElements(M * N);
  const { dense, foldC } = gemmDense(ctx, B, C);
  const a = tA ? transpose2(A.data as Float32Array, K, M) : (A.data as Float32Array);
  const y = dense.run(a, M);
  if (!isConstant(B)) forget(ctx, B);
  let out = f32(y, [M, N]);
  if (C !== null && !foldC) {
    const c = { type: C.type, data: asF32(ctx, C, "C").map((v) => v * beta), dims: C.dims };
    out = binary(ctx, out, c, null, (x, z) => x + z);
    if (out.dims.length !== 2 || out.dims[0] !== M || out.dims[1] !== N) shapeError(ctx, `C ${dimsText(C.dims)} does not broadcast to [${M}, ${N}]`);
  }
  return [out];
};
const gemmPrepare: Preparable["prepare"] = (ctx, inp) => {
  const B = inp[1];
  if (B && B.type === "float32" && B.dims.length === 2) gemmDense(ctx, B, inp[2] ?? null);
};

// ───────────────────────── the operator table

function softmaxOp(log: boolean): OpFn {
  return (ctx, inp) => {
    const x = ctx.need(inp, 0, "input");
    const r = x.dims.length;
    const data = asF32(ctx, x, "input");
    if (ctx.opset < 13) {
      // coerced to 2-D at axis (default 1)
      const axis = r === 0 ? 0 : axisOf(ctx.int("axis", 1), r, ctx.where);
      const rows = size(x.dims.slice(0, axis)), n = size(x.dims.slice(axis));
      return [fromF32(x, softmax(ctx.engine, data, rows, n, log), x.dims.slice())];
    }
    const axis = axisOf(ctx.int("axis", -1), Math.max(r, 1), ctx.where);
    if (r === 0 || axis === r - 1) {
      const n = r === 0 ? 1 : x.dims[r - 1];
      return [fromF32(x, softmax(ctx.engine, data, data.length / Math.max(n, 1), n, log), x.dims.slice())];
    }
    const perm = [...Array(r).keys()];
    perm[axis] = r - 1;
    perm[r - 1] = axis;
    const t = transpose(f32(data, x.dims), perm);
    const n = t.dims[r - 1];
    const y = softmax(ctx.engine, t.data as Float32Array, t.data.length / Math.max(n, 1), n, log);
    const back = transpose(f32(y, t.dims), perm);
    return [fromF32(x, back.data as Float32Array, x.dims.slice())];
  };
}

function reduceOp(kind: "sum" | "mean" | "max" | "min" | "prod"): OpFn {
  return (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const r = x.dims.length;
    const axesInput = kind === "sum" ? 13 : 18;
    let axes = axesOf(ctx, inp, axesInput);
    const keep = ctx.int("keepdims", 1);
    const noop = ctx.int("noop_with_empty_axes", 0);
    if (!axes || axes.length === 0) {
      if (noop) return [{ type: x.type, data: x.data.slice(), dims: x.dims.slice() }];
      axes = [...Array(r).keys()];
    }
    const ax = new Set(axes.map((a) => axisOf(a, r, `${ctx.where}: axes`)));
    const outDimsKeep = x.dims.map((d, i) => (ax.has(i) ? 1 : d));
    const n = size(outDimsKeep);
    const out = ctx.alloc(x.type, n);
    const cnt = new Float64Array(n);
    const acc = new Float64Array(n).fill(kind === "max" ? -Infinity : kind === "min" ? Infinity : kind === "prod" ? 1 : 0);
    const idx = broadcastIndexInverse(x.dims, outDimsKeep);
    for (let i = 0; i < x.data.length; i++) {
      const o = idx[i], v = x.data[i];
      if (kind === "max") { if (v > acc[o] || Number.isNaN(v)) acc[o] = v; }
      else if (kind === "min") { if (v < acc[o] || Number.isNaN(v)) acc[o] = v; }
      else if (kind === "prod") acc[o] *= v;
      else acc[o] += v;
      cnt[o]++;
    }
    for (let o = 0; o < n; o++) out[o] = kind === "mean" ? acc[o] / cnt[o] : acc[o];
    const dims = keep ? outDimsKeep : x.dims.filter((_, i) => !ax.has(i));
    return [{ type: x.type, data: out, dims }];
  };
}

/** For each element of a tensor of `dims`, its flat index in the reduced shape `red` (1 on reduced axes). */
function broadcastIndexInverse(dims: number[], red: number[]): Int32Array {
  const n = size(dims);
  const out = new Int32Array(n);
  const st = strides(red).map((s, i) => (red[i] === 1 ? 0 : s));
  const cur = new Array<number>(dims.length).fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    out[i] = o;
    for (let k = dims.length - 1; k >= 0; k--) {
      cur[k]++;
      o += st[k];
      if (cur[k] < dims[k]) break;
      o -= st[k] * dims[k];
      cur[k] = 0;
    }
  }
  return out;
}

function constantValue(ctx: NodeContext): OTensor {
  const t = ctx.tensor("value");
  if (t) return t;
  if (ctx.has("value_float")) return { type: "float32", data: Float32Array.of(ctx.float("value_float", 0)), dims: [] };
  if (ctx.has("value_floats")) { const v = ctx.floats("value_floats")!; return f32(Float32Array.from(v), [v.length]); }
  if (ctx.has("value_int")) return i64([ctx.int("value_int", 0)], []);
  if (ctx.has("value_ints")) return i64(ctx.ints("value_ints")!);
  throw ctx.unsupported(`only value, value_float(s) and value_int(s) are supported (found ${dimsText([...ctx.node.attrs.keys()], 4).slice(1, -1) || "no attribute"})`);
}

function reshapeDims(ctx: NodeContext, x: OTensor, shape: number[], allowZero: boolean): number[] {
  const dims = shape.map((d, i) => (d === 0 && !allowZero ? (i < x.dims.length ? x.dims[i] : shapeError(ctx, `shape[${i}] = 0 copies a dim that input ${dimsText(x.dims)} does not have`)) : d));
  const neg = dims.indexOf(-1);
  if (neg >= 0) {
    const rest = size(dims.filter((_, i) => i !== neg));
    if (rest === 0 || x.data.length % rest !== 0) shapeError(ctx, `cannot reshape ${dimsText(x.dims)} to ${dimsText(shape)}`);
    dims[neg] = x.data.length / rest;
  }
  if (dims.some((d) => d < 0) || size(dims) !== x.data.length) shapeError(ctx, `cannot reshape ${dimsText(x.dims)} (${x.data.length} elements) to ${dimsText(shape)}`);
  return dims;
}

function unsqueezeDims(ctx: NodeContext, dims: number[], axes: number[]): number[] {
  const r = dims.length + axes.length;
  const ax = new Set(axes.map((a) => axisOf(a, r, `${ctx.where}: axes`)));
  if (ax.size !== axes.length) throw ctx.error("BAD_MODEL", `axes ${dimsText(axes)} repeat an axis`);
  const out: number[] = [];
  let k = 0;
  for (let i = 0; i < r; i++) out.push(ax.has(i) ? 1 : dims[k++]);
  return out;
}

function clampSliceIndex(v: number, d: number, step: number, isEnd: boolean): number {
  if (v < 0) v += d;
  if (step > 0) return Math.min(Math.max(v, 0), d);
  // negative step: starts clamp to [0, d-1], ends to [-1, d-1]
  return isEnd ? Math.min(Math.max(v, -1), d - 1) : Math.min(Math.max(v, 0), d - 1);
}

function sliceGeneral(ctx: NodeContext, x: OTensor, starts: number[], ends: number[], axes: number[] | null, steps: number[] | null): OTensor {
  const r = x.dims.length;
  const ax = axes ?? starts.map((_, i) => i);
  if (starts.length !== ends.length || ax.length !== starts.length || (steps && steps.length !== starts.length)) {
    throw ctx.error("BAD_MODEL", `starts, ends, axes and steps must have the same length (found ${starts.length}, ${ends.length}, ${ax.length}${steps ? ", " + steps.length : ""})`);
  }
  const st = new Array<number>(r).fill(0), sp = new Array<number>(r).fill(1), cnt = x.dims.slice();
  for (let i = 0; i < ax.length; i++) {
    const a = axisOf(ax[i], r, `${ctx.where}: axes`);
    const d = x.dims[a], step = steps ? steps[i] : 1;
    if (step === 0) throw ctx.error("BAD_MODEL", "steps must not be 0");
    const s = clampSliceIndex(starts[i], d, step, false), e = clampSliceIndex(ends[i], d, step, true);
    st[a] = s;
    sp[a] = step;
    cnt[a] = step > 0 ? Math.max(0, Math.ceil((e - s) / step)) : Math.max(0, Math.ceil((s - e) / -step));
  }
  const n = size(cnt);
  const out = ctx.alloc(x.type, n);
  const xs = strides(x.dims);
  const cur = new Array<number>(r).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let k = 0; k < r; k++) src += (st[k] + cur[k] * sp[k]) * xs[k];
    out[o] = x.data[src];
    for (let k = r - 1; k >= 0; k--) { if (++cur[k] < cnt[k]) break; cur[k] = 0; }
  }
  return { type: x.type, data: out, dims: cnt };
}

const Identity: OpFn = (ctx, inp) => [ctx.need(inp, 0, "input")];

let table: Record<string, OpFn> | null = null;

/**
 * The operator table, built on first use (no top-level work in this module, so that bundles which never load an
 * ONNX model drop it entirely, minified or not).
 */
export function opTable(): Record<string, OpFn> {
  return (table ??= makeTable());
}

function makeTable(): Record<string, OpFn> {
  const MatMul = Object.assign(matmulRun, { weightSlots: () => [1], prepare: matmulPrepare });
  const Gemm = Object.assign(gemmRun, { weightSlots: () => [1, 2], prepare: gemmPrepare });
  return {
  LSTM: recurrentOp("lstm"),
  GRU: recurrentOp("gru"),
  RNN: recurrentOp("rnn"),

  Constant: (ctx) => [constantValue(ctx)],
  ConstantOfShape: (ctx, inp) => {
    const shape = ints(ctx.need(inp, 0, "input"), `${ctx.where}: shape`);
    checkShapeValues(shape, `${ctx.where}: shape`);
    const v = ctx.tensor("value") ?? { type: "float32" as DType, data: new Float32Array(1), dims: [1] };
    if (v.data.length !== 1) throw ctx.error("BAD_MODEL", `value: expected a one-element tensor, found dims ${dimsText(v.dims)}`);
    const out = ctx.alloc(v.type, size(shape));
    out.fill(v.data[0] as never);
    return [{ type: v.type, data: out, dims: shape }];
  },
  Identity,
  Dropout: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    if (ctx.node.outputs.length > 1 && ctx.node.outputs[1]) {
      return [x, { type: "bool", data: ctx.alloc("bool", x.data.length, "mask").fill(1), dims: x.dims.slice() }];
    }
    return [x];
  },
  Shape: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const r = x.dims.length;
    let s = ctx.int("start", 0), e = ctx.has("end") ? ctx.int("end", r) : r;
    if (s < 0) s += r;
    if (e < 0) e += r;
    s = Math.min(Math.max(s, 0), r);
    e = Math.min(Math.max(e, 0), r);
    return [i64(x.dims.slice(s, Math.max(s, e)))];
  },
  Gather: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data"), ind = ctx.need(inp, 1, "indices");
    const r = x.dims.length;
    const axis = axisOf(ctx.int("axis", 0), r, ctx.where);
    const D = x.dims[axis];
    const outer = size(x.dims.slice(0, axis)), inner = size(x.dims.slice(axis + 1));
    const idx = ints(ind, "indices");
    const dims = [...x.dims.slice(0, axis), ...ind.dims, ...x.dims.slice(axis + 1)];
    const out = ctx.alloc(x.type, size(dims));
    for (let i = 0; i < idx.length; i++) {
      let k = idx[i];
      if (k < 0) k += D;
      if (!(k >= 0 && k < D)) throw ctx.error("BAD_ARGUMENT", `indices[${i}] = ${idx[i]} is out of range for an axis of size ${D}`);
      idx[i] = k;
    }
    if (out.length > 0) for (let o = 0; o < outer; o++) {
      for (let i = 0; i < idx.length; i++) {
        const src = (o * D + idx[i]) * inner;
        (out as Float32Array).set((x.data as Float32Array).subarray(src, src + inner), (o * idx.length + i) * inner);
      }
    }
    return [{ type: x.type, data: out, dims }];
  },
  Unsqueeze: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const axes = axesOf(ctx, inp, 13);
    if (!axes) throw ctx.error("BAD_MODEL", "axes are required");
    return [reshaped(x, unsqueezeDims(ctx, x.dims, axes))];
  },
  Squeeze: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const axes = axesOf(ctx, inp, 13);
    const r = x.dims.length;
    const ax = axes ? new Set(axes.map((a) => axisOf(a, r, `${ctx.where}: axes`))) : null;
    if (ax) for (const a of ax) if (x.dims[a] !== 1) shapeError(ctx, `cannot squeeze axis ${a} of size ${x.dims[a]} (input ${dimsText(x.dims)})`);
    return [reshaped(x, x.dims.filter((d, i) => (ax ? !ax.has(i) : d !== 1)))];
  },
  Concat: (ctx, inp) => {
    const parts = inp.filter((t): t is OTensor => t !== null);
    if (parts.length === 0) throw ctx.error("BAD_MODEL", "no inputs");
    const r = parts[0].dims.length;
    const axis = axisOf(ctx.int("axis", 0), r, ctx.where);
    const dims = parts[0].dims.slice();
    dims[axis] = 0;
    for (const p of parts) {
      if (p.type !== parts[0].type) throw ctx.error("BAD_MODEL", `inputs have different types: ${parts[0].type} and ${p.type}`);
      if (p.dims.length !== r || p.dims.some((d, i) => i !== axis && d !== parts[0].dims[i])) {
        shapeError(ctx, `inputs ${dimsText(parts[0].dims)} and ${dimsText(p.dims)} differ outside axis ${axis}`);
      }
      dims[axis] += p.dims[axis];
    }
    return [{ type: parts[0].type, data: concatData(ctx, parts[0].type, parts, axis, dims), dims }];
  },
  Slice: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    if (ctx.opset < 10) {
      const starts = ctx.ints("starts"), ends = ctx.ints("ends");
      if (!starts || !ends) throw ctx.error("BAD_MODEL", "attributes starts and ends are required");
      return [sliceGeneral(ctx, x, starts, ends, ctx.ints("axes"), null)];
    }
    const starts = ints(ctx.need(inp, 1, "starts"), "starts"), ends = ints(ctx.need(inp, 2, "ends"), "ends");
    return [sliceGeneral(ctx, x, starts, ends, inp[3] ? ints(inp[3], "axes") : null, inp[4] ? ints(inp[4], "steps") : null)];
  },
  Split: (ctx, inp) => {
    const x = ctx.need(inp, 0, "input");
    const axis = axisOf(ctx.int("axis", 0), x.dims.length, ctx.where);
    const D = x.dims[axis];
    const nOut = ctx.node.outputs.length;
    let split = ctx.opset >= 13 ? (inp[1] ? ints(inp[1], "split") : null) : ctx.ints("split");
    if (!split) {
      const parts = ctx.opset >= 18 && ctx.has("num_outputs") ? ctx.int("num_outputs", nOut) : nOut;
      if (!(Number.isInteger(parts) && parts >= 1 && parts <= Math.max(nOut, 1))) {
        throw ctx.error("BAD_MODEL", `num_outputs ${parts}: expected from 1 to the node's ${nOut} outputs`);
      }
      const chunk = Math.ceil(D / parts);
      split = [];
      for (let s = 0; s < D || split.length < parts; s += chunk) split.push(Math.max(0, Math.min(chunk, D - s)));
      if (ctx.opset < 18 && D % parts !== 0) shapeError(ctx, `axis ${axis} of size ${D} does not split into ${parts} equal parts`);
    }
    if (split.reduce((a, b) => a + b, 0) !== D) shapeError(ctx, `split ${dimsText(split)} does not add up to the axis size ${D}`);
    const outs: OTensor[] = [];
    let s = 0;
    for (const len of split) { outs.push(sliceAxis(ctx, x, axis, s, len)); s += len; }
    return outs;
  },
  Reshape: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const shape = ints(ctx.need(inp, 1, "shape"), "shape");
    return [reshaped(x, reshapeDims(ctx, x, shape, ctx.int("allowzero", 0) === 1))];
  },
  Flatten: (ctx, inp) => {
    const x = ctx.need(inp, 0, "input");
    const r = x.dims.length;
    let axis = ctx.int("axis", 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis > r) throw ctx.error("BAD_MODEL", `axis ${ctx.int("axis", 1)} is out of range for rank ${r}`);
    return [reshaped(x, [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))])];
  },
  Transpose: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const r = x.dims.length;
    const perm = ctx.ints("perm") ?? [...Array(r).keys()].reverse();
    if (perm.length !== r || new Set(perm).size !== r || perm.some((p) => p < 0 || p >= r)) {
      throw ctx.error("BAD_MODEL", `perm ${dimsText(perm)} is not a permutation of ${r} axes`);
    }
    return [transpose(x, perm)];
  },
  Expand: (ctx, inp) => {
    const x = ctx.need(inp, 0, "input");
    const shape = ints(ctx.need(inp, 1, "shape"), `${ctx.where}: shape`);
    checkShapeValues(shape, `${ctx.where}: shape`);
    const dims = broadcastShape(x.dims, shape);
    if (!dims) shapeError(ctx, `input ${dimsText(x.dims)} does not broadcast to ${dimsText(shape)}`);
    const out = ctx.alloc(x.type, size(dims)); // checked before the index (as large as the output) is made
    const idx = broadcastIndex(x.dims, dims);
    if (!idx) (out as Float32Array).set(x.data as ArrayLike<number>);
    else for (let i = 0; i < idx.length; i++) out[i] = x.data[idx[i]];
    return [{ type: x.type, data: out, dims }];
  },
  Cast: (ctx, inp) => {
    const x = ctx.need(inp, 0, "input");
    const to = ctx.int("to", 0);
    const t = ONNX_DTYPE[to];
    if (!t || to === 10 || to === 16) throw ctx.unsupported(`cast to data type ${ONNX_DTYPE_NAME[to] ?? to}`);
    return [{ type: t, data: castData(x.data, x.type, t), dims: x.dims.slice() }];
  },
  Where: (ctx, inp) => {
    const c = ctx.need(inp, 0, "condition"), x = ctx.need(inp, 1, "X"), y = ctx.need(inp, 2, "Y");
    sameType(ctx, x, y);
    const dims = broadcastShape(c.dims, x.dims) && broadcastShape(broadcastShape(c.dims, x.dims)!, y.dims);
    if (!dims) shapeError(ctx, `condition ${dimsText(c.dims)}, X ${dimsText(x.dims)} and Y ${dimsText(y.dims)} do not broadcast`);
    const n = size(dims);
    const out = ctx.alloc(x.type, n);
    const ic = broadcastIndex(c.dims, dims), ix = broadcastIndex(x.dims, dims), iy = broadcastIndex(y.dims, dims);
    for (let i = 0; i < n; i++) out[i] = c.data[ic ? ic[i] : i] ? x.data[ix ? ix[i] : i] : y.data[iy ? iy[i] : i];
    return [{ type: x.type, data: out, dims }];
  },
  Equal: compare((x, y) => x === y),
  Less: compare((x, y) => x < y),
  Greater: compare((x, y) => x > y),
  LessOrEqual: compare((x, y) => x <= y),
  GreaterOrEqual: compare((x, y) => x >= y),
  Not: (ctx, inp) => {
    const x = ctx.need(inp, 0, "X");
    const out = ctx.alloc("bool", x.data.length);
    for (let i = 0; i < out.length; i++) out[i] = x.data[i] ? 0 : 1;
    return [{ type: "bool", data: out, dims: x.dims.slice() }];
  },
  And: compare((x, y) => !!x && !!y),
  Or: compare((x, y) => !!x || !!y),
  Range: (ctx, inp) => {
    const s = ctx.need(inp, 0, "start"), l = ctx.need(inp, 1, "limit"), d = ctx.need(inp, 2, "delta");
    const start = scalar(s, `${ctx.where}: start`), limit = scalar(l, `${ctx.where}: limit`), delta = scalar(d, `${ctx.where}: delta`);
    if (delta === 0) throw ctx.error("BAD_ARGUMENT", "delta must not be 0");
    const n = Math.max(Math.ceil((limit - start) / delta), 0);
    const out = ctx.alloc(s.type, n);
    for (let i = 0; i < n; i++) out[i] = start + i * delta;
    return [{ type: s.type, data: out, dims: [n] }];
  },
  ScatterElements: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data"), ind = ctx.need(inp, 1, "indices"), upd = ctx.need(inp, 2, "updates");
    const r = x.dims.length;
    const axis = axisOf(ctx.int("axis", 0), r, ctx.where);
    const red = ctx.string("reduction", "none");
    const f: Record<string, ((a: number, b: number) => number) | undefined> = {
      none: (_a, b) => b, add: (a, b) => a + b, mul: (a, b) => a * b, max: (a, b) => Math.max(a, b), min: (a, b) => Math.min(a, b),
    };
    const op = f[red];
    if (!op) throw ctx.unsupported(`reduction ${describe(red)}`);
    if (ind.dims.length !== r || upd.dims.join() !== ind.dims.join()) shapeError(ctx, `indices ${dimsText(ind.dims)} and updates ${dimsText(upd.dims)} must have the same dims and the rank of data ${dimsText(x.dims)}`);
    const out = x.data.slice();
    const xs = strides(x.dims), is = strides(ind.dims);
    const idx = ints(ind, "indices");
    for (let i = 0; i < idx.length; i++) {
      let rem = i, dst = 0;
      for (let k = 0; k < r; k++) {
        let c = Math.floor(rem / is[k]);
        rem -= c * is[k];
        if (k === axis) {
          c = idx[i] < 0 ? idx[i] + x.dims[axis] : idx[i];
          if (!(c >= 0 && c < x.dims[axis])) throw ctx.error("BAD_ARGUMENT", `indices[${i}] = ${idx[i]} is out of range for an axis of size ${x.dims[axis]}`);
        }
        dst += c * xs[k];
      }
      out[dst] = op(out[dst], upd.data[i]);
    }
    return [{ type: x.type, data: out, dims: x.dims.slice() }];
  },
  TopK: (ctx, inp) => {
    const x = ctx.need(inp, 0, "X");
    const r = x.dims.length;
    const axis = axisOf(ctx.int("axis", -1), r, ctx.where);
    const k = ctx.opset >= 10 ? scalar(ctx.need(inp, 1, "K"), `${ctx.where}: K`) : ctx.int("k", 0);
    const largest = ctx.int("largest", 1) !== 0;
    const D = x.dims[axis];
    if (!(k >= 0 && k <= D)) throw ctx.error("BAD_ARGUMENT", `K = ${k} is out of range for an axis of size ${D}`);
    const outer = size(x.dims.slice(0, axis)), inner = size(x.dims.slice(axis + 1));
    const dims = x.dims.slice();
    dims[axis] = k;
    const vals = ctx.alloc(x.type, size(dims)), inds = ctx.alloc("int64", size(dims), "indices");
    const order = new Array<number>(D);
    if (x.data.length > 0) for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        const at = (i: number): number => x.data[(o * D + i) * inner + j];
        for (let i = 0; i < D; i++) order[i] = i;
        order.sort((a, b) => {
          const va = at(a), vb = at(b);
          if (va !== vb) return largest ? (va > vb ? -1 : 1) : va < vb ? -1 : 1;
          return a - b;
        });
        for (let i = 0; i < k; i++) {
          vals[(o * k + i) * inner + j] = at(order[i]);
          inds[(o * k + i) * inner + j] = order[i];
        }
      }
    }
    return [{ type: x.type, data: vals, dims }, { type: "int64", data: inds, dims: dims.slice() }];
  },
  ReduceSum: reduceOp("sum"),
  ReduceMean: reduceOp("mean"),
  ReduceMax: reduceOp("max"),
  ReduceMin: reduceOp("min"),
  ReduceProd: reduceOp("prod"),
  ArgMax: (ctx, inp) => {
    const x = ctx.need(inp, 0, "data");
    const r = x.dims.length;
    const axis = axisOf(ctx.int("axis", 0), r, ctx.where);
    const keep = ctx.int("keepdims", 1), last = ctx.int("select_last_index", 0);
    const D = x.dims[axis], outer = size(x.dims.slice(0, axis)), inner = size(x.dims.slice(axis + 1));
    const out = ctx.alloc("int64", outer * inner);
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let best = 0, bv = x.data[o * D * inner + j];
        for (let i = 1; i < D; i++) {
          const v = x.data[(o * D + i) * inner + j];
          if (v > bv || (last && v === bv)) { bv = v; best = i; }
        }
        out[o * inner + j] = best;
      }
    }
    const dims = keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis);
    return [{ type: "int64", data: out, dims }];
  },

  Add: arith((x, y) => x + y),
  Sub: arith((x, y) => x - y),
  Mul: arith((x, y) => x * y),
  Div: arith((x, y) => x / y, (x, y) => (y === 0 ? 0 : Math.trunc(x / y))),
  Neg: unary((x) => -x),
  Abs: unary((x) => Math.abs(x)),
  Relu: unary((x) => (x > 0 ? x : 0)),
  Sigmoid: engineAct("Sigmoid"),
  Tanh: engineAct("Tanh"),
  Softmax: softmaxOp(false),
  LogSoftmax: softmaxOp(true),
  MatMul,
  Gemm,
  Clip: (ctx, inp) => {
    const x = ctx.need(inp, 0, "input");
    let lo = -Infinity, hi = Infinity;
    if (ctx.opset < 11) { lo = ctx.float("min", -3.4028234663852886e38); hi = ctx.float("max", 3.4028234663852886e38); } else {
      if (inp[1]) lo = scalar(inp[1], `${ctx.where}: min`);
      if (inp[2]) hi = scalar(inp[2], `${ctx.where}: max`);
    }
    const out = ctx.alloc(x.type, x.data.length);
    for (let i = 0; i < out.length; i++) { const v = x.data[i]; out[i] = v < lo ? lo : v > hi ? hi : v; }
    return [{ type: x.type, data: out, dims: x.dims.slice() }];
  },
  };
}

export { Identity, concatData };
