// Element-wise kernels over arrays: activations (for heads and tests) and a row-wise softmax.

import { ACT_SIGMOID, ACT_TANH, act_s, act_v, expn_s, expn_v, sigmoid_vi, tanh_vi } from "./math";

/** out[i] = act(code, x[i]; alpha, beta) for i < n. out may equal x. */
export function f32_vact(out: usize, x: usize, n: i32, code: i32, alpha: f32, beta: f32): void {
  if (ASC_FEATURE_SIMD) {
    let i = 0;
    // sigmoid and tanh inlined (as in the step kernels); the other codes through act_v's switch, a call per vector
    if (code == ACT_SIGMOID) {
      for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), sigmoid_vi(v128.load(x + (<usize>i << 2))));
    } else if (code == ACT_TANH) {
      for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), tanh_vi(v128.load(x + (<usize>i << 2))));
    }
    for (; i + 4 <= n; i += 4) {
      let o = <usize>i << 2;
      v128.store(out + o, act_v(code, v128.load(x + o), alpha, beta));
    }
    // leftovers
    for (; i < n; i++) {
      let o = <usize>i << 2;
      store<f32>(out + o, act_s(code, load<f32>(x + o), alpha, beta));
    }
  } else {
    f32_vact_ref(out, x, n, code, alpha, beta);
  }
}

/** Scalar twin of f32_vact. */
export function f32_vact_ref(out: usize, x: usize, n: i32, code: i32, alpha: f32, beta: f32): void {
  if (ASC_FEATURE_SIMD) unreachable(); // the twin lives in the scalar build (index.ts)
  for (let i = 0; i < n; i++) {
    let o = <usize>i << 2;
    store<f32>(out + o, act_s(code, load<f32>(x + o), alpha, beta));
  }
}

/**
 * Softmax (logSoftmax when log != 0) of each of `rows` rows of n f32: out[r] = exp(x[r] - max) / Σ exp(x[r] - max).
 * The exponentials are vectorised; the sum runs in index order so that the SIMD and scalar builds agree bit for bit.
 */
export function f32_softmax(out: usize, x: usize, rows: i32, n: i32, log: i32): void {
  if (!ASC_FEATURE_SIMD) { softmax_rows(out, x, rows, n, log, false); return; }
  softmax_rows(out, x, rows, n, log, true);
}

/** Scalar twin of f32_softmax. */
export function f32_softmax_ref(out: usize, x: usize, rows: i32, n: i32, log: i32): void {
  if (ASC_FEATURE_SIMD) unreachable(); // the twin lives in the scalar build (index.ts)
  softmax_rows(out, x, rows, n, log, false);
}

function softmax_rows(out: usize, x: usize, rows: i32, n: i32, log: i32, simd: bool): void {
  for (let r = 0; r < rows; r++) {
    let xr = x + (<usize>r * <usize>n << 2), orow = out + (<usize>r * <usize>n << 2);
    let m: f32 = -Infinity;
    for (let i = 0; i < n; i++) m = max<f32>(m, load<f32>(xr + (<usize>i << 2)));
    let i = 0;
    if (ASC_FEATURE_SIMD) {
      if (simd) {
        let mv = f32x4.splat(m);
        for (; i + 4 <= n; i += 4) {
          let o = <usize>i << 2;
          v128.store(orow + o, expn_v(f32x4.sub(v128.load(xr + o), mv)));
        }
      }
    }
    for (; i < n; i++) {
      let o = <usize>i << 2;
      store<f32>(orow + o, expn_s(load<f32>(xr + o) - m));
    }
    let sum: f32 = 0;
    for (let j = 0; j < n; j++) sum += load<f32>(orow + (<usize>j << 2));
    if (log) {
      // log(sum) = log(2^e · m), m in [1, 2): exponent bits + 2·atanh series on m (same method as softplus).
      let ls = logf_pos(sum);
      for (let j = 0; j < n; j++) {
        let o = <usize>j << 2;
        store<f32>(orow + o, (load<f32>(xr + o) - m) - ls);
      }
    } else {
      let inv = sum;
      for (let j = 0; j < n; j++) {
        let o = <usize>j << 2;
        store<f32>(orow + o, load<f32>(orow + o) / inv);
      }
    }
  }
}

/** Natural log of a positive finite f32 (exponent extraction, then 2·atanh((m-1)/(m+1)) on m in [1,2)). */
function logf_pos(v: f32): f32 {
  if (!(v > 0) || v == Infinity) return v > 0 ? v : (v == 0 ? -Infinity : NaN);
  let bits = reinterpret<i32>(v);
  let e = ((bits >> 23) & 0xff) - 127;
  let mbits = (bits & 0x7fffff) | 0x3f800000;
  let m = reinterpret<f32>(mbits);
  if (m > <f32>1.41421356) { m *= 0.5; e += 1; }
  let s = (m - <f32>1.0) / (m + <f32>1.0);
  let s2 = s * s;
  let q: f32 = <f32>1.0 / 13;
  q = q * s2 + <f32>1.0 / 11;
  q = q * s2 + <f32>1.0 / 9;
  q = q * s2 + <f32>1.0 / 7;
  q = q * s2 + <f32>0.2;
  q = q * s2 + <f32>1.0 / 3;
  q = q * s2 + <f32>1.0;
  return <f32>2.0 * (q * s) + <f32>e * <f32>0.6931471805599453;
}
