// Validation of caller-supplied tensors and arguments, raised where the input is first understood.

import type { Tensor } from "../api.js";
import { RnnError, describe } from "../errors.js";

/** Dims for messages: at most 8 shown. */
export function dimsText(dims: readonly unknown[]): string {
  return dims.length <= 8 ? `[${dims.join(", ")}]` : `[${dims.slice(0, 8).join(", ")}, … (${dims.length} dims)]`;
}

export function product(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Checks that t is a Tensor-shaped object with Float32Array data and dims consistent with its length. */
export function checkF32(t: unknown, name: string): asserts t is Tensor & { data: Float32Array } {
  checkTensor(t, name);
  if (!(t.data instanceof Float32Array)) {
    throw new RnnError("SHAPE_MISMATCH", `${name}: expected float32 data (Float32Array), found ${describe(t.data)}`);
  }
}

export function checkTensor(t: unknown, name: string): asserts t is Tensor {
  if (t === null || typeof t !== "object") {
    throw new RnnError("SHAPE_MISMATCH", `${name}: expected a Tensor { data, dims }, found ${describe(t)}`);
  }
  const { data, dims } = t as Tensor;
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RnnError("SHAPE_MISMATCH", `${name}: dims must be an array of non-negative integers, found ${Array.isArray(dims) ? dimsText(dims) : describe(dims)}`);
  }
  if (!(data instanceof Float32Array || data instanceof Int32Array || data instanceof BigInt64Array)) {
    throw new RnnError("SHAPE_MISMATCH", `${name}: data must be a Float32Array, Int32Array or BigInt64Array, found ${describe(data)}`);
  }
  const n = product(dims);
  if (n !== data.length) {
    throw new RnnError("SHAPE_MISMATCH", `${name}: dims ${dimsText(dims)} hold ${n} elements but data has ${data.length}`);
  }
}

/** Checks dims against an expected shape (null entries match anything). */
export function checkDims(t: Tensor, name: string, expected: (number | null)[], what?: string): void {
  const ok = t.dims.length === expected.length && expected.every((e, i) => e === null || e === t.dims[i]);
  if (!ok) {
    throw new RnnError("SHAPE_MISMATCH",
      `${name}: expected dims ${dimsText(expected.map((e) => (e === null ? "*" : e)))}${what ? " (" + what + ")" : ""}, found ${dimsText(t.dims)}`);
  }
}

/** Validates per-row lengths: B integers in [0, T]. */
export function checkLengths(lengths: unknown, B: number, T: number, name = "lengths"): Int32Array {
  if (lengths === null || typeof lengths !== "object" || typeof (lengths as ArrayLike<number>).length !== "number") {
    throw new RnnError("BAD_ARGUMENT", `${name}: expected an array of ${B} integers, found ${describe(lengths)}`);
  }
  const a = lengths as ArrayLike<number | bigint>;
  if (a.length !== B) throw new RnnError("SHAPE_MISMATCH", `${name}: expected ${B} lengths (one per batch row), found ${a.length}`);
  const out = new Int32Array(B);
  for (let i = 0; i < B; i++) {
    const v = Number(a[i]);
    if (!Number.isInteger(v) || v < 0 || v > T) {
      throw new RnnError("BAD_ARGUMENT", `${name}[${i}]: expected an integer from 0 to ${T} (the sequence length), found ${String(a[i])}`);
    }
    out[i] = v;
  }
  return out;
}
