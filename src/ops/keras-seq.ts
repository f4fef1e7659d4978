// Sequence operations of Keras models on batch-major data ([B, T, F] rows, masks [B, T] with 1 = valid): time
// reversal, Bidirectional merges, global pooling, Masking. Plain arithmetic only (no transcendental math).

/** x [B, T, F] with the time axis reversed. */
export function reverseTime(x: Float32Array, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) out.set(x.subarray((b * T + t) * F, (b * T + t + 1) * F), (b * T + (T - 1 - t)) * F);
  }
  return out;
}

/** A mask [B, T] with the time axis reversed. */
export function reverseMask(m: Uint8Array, B: number, T: number): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[b * T + T - 1 - t] = m[b * T + t];
  return out;
}

/** [B, T] batch-major mask → [T, B] time-major (RecurrentStack's layout). */
export function maskTimeMajor(m: Uint8Array, B: number, T: number): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) out[t * B + b] = m[b * T + t];
  return out;
}

export type MergeMode = "concat" | "sum" | "mul" | "ave";

/**
 * Merges two row sets a, b ([rows, H] each) as Keras's Bidirectional does: concat → [rows, 2H] (a then b);
 * sum, mul, ave (0.5·(a + b)) → [rows, H].
 */
export function mergePairs(a: Float32Array, b: Float32Array, rows: number, H: number, mode: MergeMode): Float32Array {
  if (mode === "concat") {
    const out = new Float32Array(rows * 2 * H);
    for (let r = 0; r < rows; r++) {
      out.set(a.subarray(r * H, r * H + H), r * 2 * H);
      out.set(b.subarray(r * H, r * H + H), r * 2 * H + H);
    }
    return out;
  }
  const out = new Float32Array(rows * H);
  for (let i = 0; i < rows * H; i++) {
    out[i] = mode === "sum" ? a[i] + b[i] : mode === "mul" ? a[i] * b[i] : 0.5 * (a[i] + b[i]);
  }
  return out;
}

/** Splits [rows, 2H] concatenated halves into two [rows, H] arrays. */
export function splitHalves(x: Float32Array, rows: number, H: number): [Float32Array, Float32Array] {
  const a = new Float32Array(rows * H), b = new Float32Array(rows * H);
  for (let r = 0; r < rows; r++) {
    a.set(x.subarray(r * 2 * H, r * 2 * H + H), r * H);
    b.set(x.subarray(r * 2 * H + H, r * 2 * H + 2 * H), r * H);
  }
  return [a, b];
}

/**
 * Mean over time of x [B, T, F] → [B, F]. With a mask, the mean of the valid steps (Keras: sum(x·m) / sum(m); a row
 * with no valid step is 0/0 = NaN, as in Keras).
 */
export function globalAveragePool1d(x: Float32Array, B: number, T: number, F: number, mask: Uint8Array | null): Float32Array {
  const out = new Float32Array(B * F);
  const acc = new Float64Array(F);
  for (let b = 0; b < B; b++) {
    acc.fill(0);
    let n = 0;
    for (let t = 0; t < T; t++) {
      if (mask && !mask[b * T + t]) continue;
      n++;
      const o = (b * T + t) * F;
      for (let f = 0; f < F; f++) acc[f] += x[o + f];
    }
    for (let f = 0; f < F; f++) out[b * F + f] = acc[f] / n;
  }
  return out;
}

/** Maximum over time of x [B, T, F] → [B, F] (Keras and TF.js ignore masks here). */
export function globalMaxPool1d(x: Float32Array, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(B * F).fill(-Infinity);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const o = (b * T + t) * F;
      for (let f = 0; f < F; f++) {
        const v = x[o + f];
        if (v > out[b * F + f] || Number.isNaN(v)) out[b * F + f] = v;
      }
    }
  }
  return out;
}

/**
 * Keras Masking: a step is valid when any feature differs from maskValue; x·valid (masked steps become zeros).
 * x is [rows, F] with rows = B·T; returns the new values and the mask [rows].
 */
export function maskingLayer(x: Float32Array, rows: number, F: number, maskValue: number): { y: Float32Array; mask: Uint8Array } {
  const y = new Float32Array(x.length);
  const mask = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    let any = 0;
    for (let f = 0; f < F; f++) if (x[r * F + f] !== maskValue) { any = 1; break; }
    mask[r] = any;
    for (let f = 0; f < F; f++) y[r * F + f] = x[r * F + f] * any;
  }
  return { y, mask };
}

/** min(max(x, 0), 6) element-wise (Keras relu6). */
export function relu6(x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) { const v = x[i]; out[i] = v > 6 ? 6 : v > 0 ? v : v === v ? 0 : v; }
  return out;
}

/** [rows, cols] → [cols, rows]. */
export function transpose2d(x: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
  return out;
}
