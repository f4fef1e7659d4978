// The values inside the ONNX graph executor: a dtype tag, row-major data and dims. Integer types are held as plain
// JavaScript numbers (int64 in a Float64Array: exact up to 2^53, which covers every shape and index; larger
// sentinels such as INT64_MAX in Slice ends keep their magnitude), bool as 0/1 bytes, float16/bfloat16 widened to
// float32 when a tensor is read.

import { RnnError } from "../../errors.js";

export type DType = "float32" | "float64" | "int64" | "int32" | "int16" | "int8" | "uint16" | "uint8" | "bool";
export type Data = Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint16Array | Uint8Array;

export interface OTensor {
  type: DType;
  data: Data;
  dims: number[];
}

/** ONNX TensorProto.DataType codes of the types the executor holds (float16/bfloat16 load as float32). */
export const ONNX_DTYPE: Record<number, DType | undefined> = {
  1: "float32", 2: "uint8", 3: "int8", 4: "uint16", 5: "int16", 6: "int32", 7: "int64", 9: "bool", 10: "float32",
  11: "float64", 16: "float32",
};
export const ONNX_DTYPE_NAME: Record<number, string> = {
  0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16", 6: "INT32", 7: "INT64", 8: "STRING",
  9: "BOOL", 10: "FLOAT16", 11: "DOUBLE", 12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
};

/** What bounds the tensors a model makes: the engine (its maxElements), or NO_LIMIT for copies of existing data. */
export interface ElementLimit {
  checkElements(n: number, what: string): void;
}
export const NO_LIMIT: ElementLimit = { checkElements() {} };

/**
 * A zeroed array of n elements of `type`. n is checked first (a non-negative integer within `limit`, else
 * BAD_MODEL / LIMIT_EXCEEDED naming `what`), and a failed allocation is LIMIT_EXCEEDED, never a RangeError.
 */
export function alloc(type: DType, n: number, limit: ElementLimit, what: string): Data {
  if (!(Number.isSafeInteger(n) && n >= 0)) throw new RnnError("BAD_MODEL", `${what}: ${n} elements is not a valid tensor size`);
  limit.checkElements(n, what);
  try {
    switch (type) {
      case "float32": return new Float32Array(n);
      case "float64": case "int64": return new Float64Array(n);
      case "int32": return new Int32Array(n);
      case "int16": return new Int16Array(n);
      case "int8": return new Int8Array(n);
      case "uint16": return new Uint16Array(n);
      case "uint8": case "bool": return new Uint8Array(n);
    }
  } catch (e) {
    throw new RnnError("LIMIT_EXCEEDED", `${what}: could not allocate ${n} ${type} elements (${String((e as Error)?.message).slice(0, 100)})`);
  }
}

/** Dims (or any integer list) for a message: at most `max` values, then "…" and the count. */
export function dimsText(dims: readonly (number | string | null)[], max = 8): string {
  const head = dims.slice(0, max).map((d) => (d === null ? "*" : typeof d === "string" && d.length > 40 ? d.slice(0, 40) + "…" : String(d)));
  return `[${head.join(", ")}${dims.length > max ? `, … (${dims.length} in all)` : ""}]`;
}

/** Checks that dims computed from data (a shape input, an attribute) are non-negative integers; BAD_MODEL if not. */
export function checkShapeValues(dims: readonly number[], what: string): void {
  if (dims.some((d) => !(Number.isSafeInteger(d) && d >= 0))) throw new RnnError("BAD_MODEL", `${what}: dims ${dimsText(dims)} are not all non-negative integers`);
}

export function tensor(type: DType, data: Data, dims: number[]): OTensor {
  return { type, data, dims };
}
export function f32(data: Float32Array, dims: number[]): OTensor { return { type: "float32", data, dims }; }
export function i64(values: ArrayLike<number>, dims: number[] = [values.length]): OTensor {
  return { type: "int64", data: Float64Array.from(values), dims };
}

export function size(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length);
  let acc = 1;
  for (let i = dims.length - 1; i >= 0; i--) { s[i] = acc; acc *= dims[i]; }
  return s;
}

export const isFloat = (t: DType): boolean => t === "float32" || t === "float64";

/** Values converted to another dtype as ONNX Cast does (floats to integers truncate toward zero). */
export function castData(src: Data, from: DType, to: DType): Data {
  const out = alloc(to, src.length, NO_LIMIT, `cast to ${to}`);
  if (to === "bool") {
    for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
  } else if (isFloat(to) || !isFloat(from)) {
    if (to === "int64") for (let i = 0; i < src.length; i++) out[i] = src[i];
    else (out as Float32Array).set(src as ArrayLike<number>);
  } else {
    for (let i = 0; i < src.length; i++) out[i] = Number.isFinite(src[i]) ? Math.trunc(src[i]) : 0;
  }
  return out;
}

/** A scalar (or one-element tensor) as a number. */
export function scalar(t: OTensor, what: string): number {
  if (t.data.length !== 1) throw new RnnError("BAD_MODEL", `${what}: expected a single value, found a tensor of dims ${dimsText(t.dims)}`);
  return t.data[0];
}

/** An integer list (shape, axes, indices) from a 1-D tensor. */
export function ints(t: OTensor, what: string): number[] {
  if (isFloat(t.type)) throw new RnnError("BAD_MODEL", `${what}: expected an integer tensor, found ${t.type}`);
  return Array.from(t.data as ArrayLike<number>);
}

/** A copy of t with new dims (same data length). */
export function reshaped(t: OTensor, dims: number[]): OTensor {
  return { type: t.type, data: t.data, dims };
}

/** Transposes t by perm (out dim i = in dim perm[i]). */
export function transpose(t: OTensor, perm: number[]): OTensor {
  const r = t.dims.length;
  const dims = perm.map((p) => t.dims[p]);
  const n = t.data.length;
  const out = alloc(t.type, n, NO_LIMIT, "transpose");
  if (r <= 1 || perm.every((p, i) => p === i)) { (out as Float32Array).set(t.data as ArrayLike<number>); return { type: t.type, data: out, dims }; }
  if (perm[r - 1] === r - 1 && t.dims[r - 1] > 1) {
    // the last axis stays: move whole rows
    const F = t.dims[r - 1];
    const rows = transpose({ type: "int32", data: Int32Array.from({ length: n / F }, (_, i) => i), dims: t.dims.slice(0, -1) }, perm.slice(0, -1));
    const src = t.data as Float32Array, idx = rows.data as Int32Array;
    for (let o = 0; o < idx.length; o++) (out as Float32Array).set(src.subarray(idx[o] * F, idx[o] * F + F), o * F);
    return { type: t.type, data: out, dims };
  }
  const inStr = strides(t.dims);
  const st = perm.map((p) => inStr[p]);
  const idx = new Array<number>(r).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    out[o] = t.data[src];
    for (let k = r - 1; k >= 0; k--) {
      idx[k]++;
      src += st[k];
      if (idx[k] < dims[k]) break;
      src -= st[k] * dims[k];
      idx[k] = 0;
    }
  }
  return { type: t.type, data: out, dims };
}

/** Multidirectional (numpy) broadcast of shapes; null when they do not broadcast. */
export function broadcastShape(a: readonly number[], b: readonly number[]): number[] | null {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x === y || y === 1) out[i] = x;
    else if (x === 1) out[i] = y;
    else return null;
  }
  return out;
}

/** For each element of `out` dims, the flat index into a tensor of `dims` broadcast to it. */
export function broadcastIndex(dims: readonly number[], out: readonly number[]): Int32Array | null {
  const n = size(out);
  if (dims.length === out.length && dims.every((d, i) => d === out[i])) return null; // identity
  const idx = new Int32Array(n);
  if (size(dims) === 1) return idx; // all zeros
  const r = out.length;
  const st = strides(dims);
  const bst = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const k = i - (r - dims.length);
    bst[i] = k < 0 || dims[k] === 1 ? 0 : st[k];
  }
  const cur = new Array<number>(r).fill(0);
  let src = 0;
  for (let o = 0; o < n; o++) {
    idx[o] = src;
    for (let k = r - 1; k >= 0; k--) {
      cur[k]++;
      src += bst[k];
      if (cur[k] < out[k]) break;
      src -= bst[k] * out[k];
      cur[k] = 0;
    }
  }
  return idx;
}

/** Normalises a possibly negative axis for a rank; throws BAD_MODEL naming `what` when out of range. */
export function axisOf(axis: number, rank: number, what: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new RnnError("BAD_MODEL", `${what}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** Tensors of the model's constants (initializers and what folds from them); tensors made at run time are not. */
const constants = /* @__PURE__ */ new WeakSet<OTensor>();
export function markConstant(t: OTensor): OTensor { constants.add(t); return t; }
/** Packed weights of a constant are kept for the model's life; those of a run-time tensor for one call only. */
export function isConstant(t: OTensor): boolean { return constants.has(t); }
