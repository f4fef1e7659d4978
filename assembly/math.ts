// Activation functions, each in a SIMD form (`_v`, four lanes) and a scalar twin (`_s`) that performs the same
// operations in the same order, so that the SIMD build and the scalar build agree bit for bit.
//
// exp(x), x <= 0 (`expn`)
//   Method: x = n·ln2 + r with n = nearest(x·log2(e)), r computed with ln2 split in a hi part (exact when multiplied by
//   |n| <= 127) and a lo part (Cody–Waite); e^r by its Taylor polynomial of degree 7 on |r| <= ln2/2 (truncation
//   error < 5.3e-9 relative); 2^n built from its exponent bits. Domain: x in [-87.33, 0]; below that the result is 0
//   (the true value is < 1.2e-38). NaN propagates. Measured (tests/kernels/math.test.ts): <= 2 ulp.
// exp(x), x <= 0, inside sigmoid and tanh (`expg`): the same reduction with one ln2 constant (n·ln2 rounds once; the
//   error it adds is relative to e, and sigmoid/tanh need e only to an absolute accuracy) and, for e^r, a degree-5
//   polynomial 1 + r + r^2(G2 + r(G3 + r(G4 + r G5))) fitted for minimal maximum relative error on |r| <= ln2/2
//   (1.03e-7 in exact arithmetic; linear programming over 4001 points, tests/kernels/math.test.ts measures the
//   result): 5 multiply-adds instead of 7 and 1 for the reduction instead of 2, the gate math being half of a step
//   at H = 64. Below EXP_MIN it returns ~2^-126 unless `zeroBelow` (sigmoid needs sigmoid(-Inf) = 0 exactly; tanh
//   does not use e below 2^-25).
// sigmoid(x) = 1 / (1 + e) for x >= 0 and e / (1 + e) for x < 0, with e = expg(-|x|): one division, no cancellation.
//   Whole f32 range; ±Inf -> 1 / 0; NaN -> NaN. Measured maximum absolute error 9.4e-8 (relaxed build 9.1e-8) over
//   the 8.36M finite values among every 2^9-th bit pattern (8.9e-8 with the degree-7 exp); budget 2e-7
//   (tests/kernels/math.test.ts).
// tanh(x): |x| < 0.25: odd Taylor polynomial to x^9 (truncation < 2.2e-9 relative); otherwise
//   sign(x)·(1 - e)/(1 + e) with e = expg(-2|x|) (1 - e >= 0.39, so no harmful cancellation). ±Inf -> ±1; NaN -> NaN.
//   Measured maximum absolute error 1.11e-7 over the same sweep, all three builds (8.9e-8 with the degree-7 exp);
//   budget 2e-7.
// log1p(e) for e in [0, 1] (used by softplus): s = e / (2 + e), log1p(e) = 2·atanh(s) = 2(s + s^3/3 + ... + s^13/13),
//   s <= 1/3 so the truncation is < 5e-9 relative.
// SIMD forms load their constants from KV (one splatted v128 each: V8 builds an immediate v128 with three
//   instructions at every use, a load is one), clamp with f32x4.pmax (one instruction; equal to f32x4.max here, as the
//   bound is not a zero and a NaN input stays NaN) and build 2^n by adding 2^23 + 127 to the integral n and shifting
//   the float's bits (exact for n in [-127, 0]; the scalar form's (<i32>n + 127) << 23 gives the same bits).
// The other ONNX activations (Relu, Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, Softsign,
// Softplus) and Selu, Swish follow their definitions with the alpha/beta given; codes are the ACT_* constants.

import { madd, madd_s } from "./simd";

export const ACT_SIGMOID: i32 = 0;
export const ACT_TANH: i32 = 1;
export const ACT_RELU: i32 = 2;
export const ACT_AFFINE: i32 = 3; // alpha * x + beta
export const ACT_LEAKY_RELU: i32 = 4; // x >= 0 ? x : alpha * x
export const ACT_THRESHOLDED_RELU: i32 = 5; // x > alpha ? x : 0
export const ACT_SCALED_TANH: i32 = 6; // alpha * tanh(beta * x)
export const ACT_HARD_SIGMOID: i32 = 7; // max(0, min(1, alpha * x + beta))
export const ACT_ELU: i32 = 8; // x >= 0 ? x : alpha * (exp(x) - 1)
export const ACT_SOFTSIGN: i32 = 9; // x / (1 + |x|)
export const ACT_SOFTPLUS: i32 = 10; // log(1 + exp(x))
export const ACT_SELU: i32 = 11; // beta * (x > 0 ? x : alpha * (exp(x) - 1))
export const ACT_SWISH: i32 = 12; // x * sigmoid(x)

const LOG2E: f32 = reinterpret<f32>(0x3FB8AA3B); // 1.44269502
const LN2_HI: f32 = reinterpret<f32>(0x3F317200); // 0.693145751953125 (low mantissa bits zero)
const LN2_LO: f32 = reinterpret<f32>(0x35BFBE8E); // 1.42860677e-6
const EXP_MIN: f32 = -87.3365478515625; // exp(EXP_MIN) ~ 2^-126
const C2: f32 = 0.5;
const C3: f32 = reinterpret<f32>(0x3E2AAAAB); // 1/6
const C4: f32 = reinterpret<f32>(0x3D2AAAAB); // 1/24
const C5: f32 = reinterpret<f32>(0x3C088889); // 1/120
const C6: f32 = reinterpret<f32>(0x3AB60B61); // 1/720
const C7: f32 = reinterpret<f32>(0x39500D01); // 1/5040
const T3: f32 = reinterpret<f32>(0xBEAAAAAB); // -1/3
const T5: f32 = reinterpret<f32>(0x3E088889); // 2/15
const T7: f32 = reinterpret<f32>(0xBD5D0DD1); // -17/315
const T9: f32 = reinterpret<f32>(0x3C5F6F30); // 62/2835 (0.0218694885)
const TANH_SMALL: f32 = 0.25;
const NEG_LN2: f32 = reinterpret<f32>(0xBF317218); // -ln2 rounded to f32
const G2: f32 = reinterpret<f32>(0x3EFFFEFE); // 0.4999923   (expg's minimax polynomial, see the header)
const G3: f32 = reinterpret<f32>(0x3E2AABC7); // 0.1666709
const G4: f32 = reinterpret<f32>(0x3D2B9511); // 0.041890208
const G5: f32 = reinterpret<f32>(0x3C083A76); // 0.008314719
const L3: f32 = reinterpret<f32>(0x3EAAAAAB); // 1/3
const L5: f32 = 0.2;
const L7: f32 = reinterpret<f32>(0x3E124925); // 1/7
const L9: f32 = reinterpret<f32>(0x3DE38E39); // 1/9
const L11: f32 = reinterpret<f32>(0x3DBA2E8C); // 1/11
const L13: f32 = reinterpret<f32>(0x3D9D89D9); // 1/13

// ---------------------------------------------------------------- scalar forms

// @ts-ignore: decorator
@inline export function expn_s(x: f32): f32 {
  let xc = max<f32>(x, EXP_MIN);
  let n = nearest<f32>(xc * LOG2E);
  let r = xc - n * LN2_HI;
  r = r - n * LN2_LO;
  let p = madd_s(C7, r, C6);
  p = madd_s(p, r, C5);
  p = madd_s(p, r, C4);
  p = madd_s(p, r, C3);
  p = madd_s(p, r, C2);
  p = madd_s(p, r, 1.0);
  p = madd_s(p, r, 1.0);
  let s = reinterpret<f32>((<i32>n + 127) << 23);
  let y = p * s;
  return x < EXP_MIN ? <f32>0.0 : y;
}

/** exp(x) for x <= 0 inside sigmoid and tanh (see the header); 0 below EXP_MIN when zeroBelow. */
// @ts-ignore: decorator
@inline function expg_s(x: f32, zeroBelow: bool): f32 {
  let xc = max<f32>(x, EXP_MIN);
  let n = nearest<f32>(xc * LOG2E);
  let r = madd_s(n, NEG_LN2, xc);
  let p = madd_s(G5, r, G4);
  p = madd_s(p, r, G3);
  p = madd_s(p, r, G2);
  p = madd_s(p, r, 1.0);
  p = madd_s(p, r, 1.0);
  let y = p * reinterpret<f32>((<i32>n + 127) << 23);
  return zeroBelow && x < EXP_MIN ? <f32>0.0 : y;
}

export function sigmoid_s(x: f32): f32 {
  let e = expg_s(-abs<f32>(x), true);
  let num: f32 = x >= 0 ? <f32>1.0 : e;
  return num / (<f32>1.0 + e);
}

export function tanh_s(x: f32): f32 {
  let ax = abs<f32>(x);
  // small: x + x^3(T3 + x^2(T5 + x^2(T7 + x^2 T9)))
  let x2 = x * x;
  let q = madd_s(T9, x2, T7);
  q = madd_s(q, x2, T5);
  q = madd_s(q, x2, T3);
  let small = madd_s(q * x2, x, x);
  let e = expg_s(<f32>-2.0 * ax, false);
  let big = (<f32>1.0 - e) / (<f32>1.0 + e);
  big = copysign<f32>(big, x);
  return ax < TANH_SMALL ? small : big;
}

// @ts-ignore: decorator
@inline function log1p01_s(e: f32): f32 {
  let s = e / (<f32>2.0 + e);
  let s2 = s * s;
  let q = madd_s(L13, s2, L11);
  q = madd_s(q, s2, L9);
  q = madd_s(q, s2, L7);
  q = madd_s(q, s2, L5);
  q = madd_s(q, s2, L3);
  q = madd_s(q, s2, 1.0);
  return <f32>2.0 * (q * s);
}

/** Expm1-free exp(x) - 1 for x <= 0 (Elu, Selu); absolute error ~1e-7 near 0. */
// @ts-ignore: decorator
@inline function expm1n_s(x: f32): f32 {
  return expn_s(min<f32>(x, 0)) - <f32>1.0;
}

export function act_s(code: i32, x: f32, a: f32, b: f32): f32 {
  switch (code) {
    case ACT_SIGMOID: return sigmoid_s(x);
    case ACT_TANH: return tanh_s(x);
    case ACT_RELU: return max<f32>(x, 0);
    case ACT_AFFINE: return madd_s(a, x, b);
    case ACT_LEAKY_RELU: return x >= 0 ? x : a * x;
    case ACT_THRESHOLDED_RELU: return x > a ? x : (x != x ? x : <f32>0.0);
    case ACT_SCALED_TANH: return a * tanh_s(b * x);
    case ACT_HARD_SIGMOID: return min<f32>(max<f32>(madd_s(a, x, b), 0), 1);
    case ACT_ELU: return x >= 0 ? x : a * expm1n_s(x);
    case ACT_SOFTSIGN: return x / (<f32>1.0 + abs<f32>(x));
    case ACT_SOFTPLUS: return max<f32>(x, 0) + log1p01_s(expn_s(-abs<f32>(x)));
    case ACT_SELU: return b * (x > 0 ? x : a * expm1n_s(x));
    case ACT_SWISH: return x * sigmoid_s(x);
    default: return x;
  }
}

// ---------------------------------------------------------------- SIMD forms (same operations, four lanes)

/** Splatted constants of the SIMD forms: four copies of each bit pattern, 16-byte aligned; index with kv(K_*). */
const KV: usize = memory.data<u32>([
  0xC2AEAC50, 0xC2AEAC50, 0xC2AEAC50, 0xC2AEAC50, // 0 EXP_MIN
  0x3FB8AA3B, 0x3FB8AA3B, 0x3FB8AA3B, 0x3FB8AA3B, // 1 LOG2E
  0x3F317200, 0x3F317200, 0x3F317200, 0x3F317200, // 2 LN2_HI
  0x35BFBE8E, 0x35BFBE8E, 0x35BFBE8E, 0x35BFBE8E, // 3 LN2_LO
  0x39500D01, 0x39500D01, 0x39500D01, 0x39500D01, // 4 C7
  0x3AB60B61, 0x3AB60B61, 0x3AB60B61, 0x3AB60B61, // 5 C6
  0x3C088889, 0x3C088889, 0x3C088889, 0x3C088889, // 6 C5
  0x3D2AAAAB, 0x3D2AAAAB, 0x3D2AAAAB, 0x3D2AAAAB, // 7 C4
  0x3E2AAAAB, 0x3E2AAAAB, 0x3E2AAAAB, 0x3E2AAAAB, // 8 C3
  0x3F000000, 0x3F000000, 0x3F000000, 0x3F000000, // 9 C2 = 0.5
  0x3F800000, 0x3F800000, 0x3F800000, 0x3F800000, // 10 1.0
  0x4B00007F, 0x4B00007F, 0x4B00007F, 0x4B00007F, // 11 2^23 + 127
  0x3C5F6F30, 0x3C5F6F30, 0x3C5F6F30, 0x3C5F6F30, // 12 T9
  0xBD5D0DD1, 0xBD5D0DD1, 0xBD5D0DD1, 0xBD5D0DD1, // 13 T7
  0x3E088889, 0x3E088889, 0x3E088889, 0x3E088889, // 14 T5
  0xBEAAAAAB, 0xBEAAAAAB, 0xBEAAAAAB, 0xBEAAAAAB, // 15 T3
  0xC0000000, 0xC0000000, 0xC0000000, 0xC0000000, // 16 -2.0
  0x3E800000, 0x3E800000, 0x3E800000, 0x3E800000, // 17 TANH_SMALL = 0.25
  0x80000000, 0x80000000, 0x80000000, 0x80000000, // 18 sign bit
  0xBF317218, 0xBF317218, 0xBF317218, 0xBF317218, // 19 NEG_LN2
  0x3C083A76, 0x3C083A76, 0x3C083A76, 0x3C083A76, // 20 G5
  0x3D2B9511, 0x3D2B9511, 0x3D2B9511, 0x3D2B9511, // 21 G4
  0x3E2AABC7, 0x3E2AABC7, 0x3E2AABC7, 0x3E2AABC7, // 22 G3
  0x3EFFFEFE, 0x3EFFFEFE, 0x3EFFFEFE, 0x3EFFFEFE, // 23 G2
], 16);
const K_EXP_MIN = 0, K_LOG2E = 1, K_LN2_HI = 2, K_LN2_LO = 3, K_C7 = 4, K_C6 = 5, K_C5 = 6, K_C4 = 7, K_C3 = 8;
const K_C2 = 9, K_ONE = 10, K_EXP_BIAS = 11, K_T9 = 12, K_T7 = 13, K_T5 = 14, K_T3 = 15, K_MINUS_TWO = 16;
const K_TANH_SMALL = 17, K_SIGN = 18, K_NEG_LN2 = 19, K_G5 = 20, K_G4 = 21, K_G3 = 22, K_G2 = 23;

// @ts-ignore: decorator
@inline function kv(i: i32): v128 {
  return v128.load(KV + (<usize>i << 4));
}

// @ts-ignore: decorator
@inline export function expn_v(x: v128): v128 {
  let xc = f32x4.pmax(x, kv(K_EXP_MIN));
  let n = f32x4.nearest(f32x4.mul(xc, kv(K_LOG2E)));
  let r = f32x4.sub(xc, f32x4.mul(n, kv(K_LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(n, kv(K_LN2_LO)));
  let p = madd(kv(K_C7), r, kv(K_C6));
  p = madd(p, r, kv(K_C5));
  p = madd(p, r, kv(K_C4));
  p = madd(p, r, kv(K_C3));
  p = madd(p, r, kv(K_C2));
  p = madd(p, r, kv(K_ONE));
  p = madd(p, r, kv(K_ONE));
  let s = i32x4.shl(f32x4.add(n, kv(K_EXP_BIAS)), 23);
  let y = f32x4.mul(p, s);
  return v128.andnot(y, f32x4.lt(x, kv(K_EXP_MIN)));
}

/** expg_s on four lanes. */
// @ts-ignore: decorator
@inline function expg_v(x: v128, zeroBelow: bool): v128 {
  let xc = f32x4.pmax(x, kv(K_EXP_MIN));
  let n = f32x4.nearest(f32x4.mul(xc, kv(K_LOG2E)));
  let r = madd(n, kv(K_NEG_LN2), xc);
  let p = madd(kv(K_G5), r, kv(K_G4));
  p = madd(p, r, kv(K_G3));
  p = madd(p, r, kv(K_G2));
  p = madd(p, r, kv(K_ONE));
  p = madd(p, r, kv(K_ONE));
  let y = f32x4.mul(p, i32x4.shl(f32x4.add(n, kv(K_EXP_BIAS)), 23));
  return zeroBelow ? v128.andnot(y, f32x4.lt(x, kv(K_EXP_MIN))) : y;
}

/** sigmoid on four lanes, inlined where the step kernels specialise for the default activations. */
// @ts-ignore: decorator
@inline export function sigmoid_vi(x: v128): v128 {
  let e = expg_v(v128.or(x, kv(K_SIGN)), true); // exp(-|x|)
  let one = kv(K_ONE);
  let num = v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0)));
  return f32x4.div(num, f32x4.add(one, e));
}

/** tanh on four lanes, inlined like sigmoid_vi. */
// @ts-ignore: decorator
@inline export function tanh_vi(x: v128): v128 {
  let signMask = kv(K_SIGN);
  let ax = v128.andnot(x, signMask);
  let x2 = f32x4.mul(x, x);
  let q = madd(kv(K_T9), x2, kv(K_T7));
  q = madd(q, x2, kv(K_T5));
  q = madd(q, x2, kv(K_T3));
  let small = madd(f32x4.mul(q, x2), x, x);
  let e = expg_v(f32x4.mul(kv(K_MINUS_TWO), ax), false);
  let one = kv(K_ONE);
  let big = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  big = v128.or(v128.andnot(big, signMask), v128.and(x, signMask));
  return v128.bitselect(small, big, f32x4.lt(ax, kv(K_TANH_SMALL)));
}

export function sigmoid_v(x: v128): v128 { return sigmoid_vi(x); }

export function tanh_v(x: v128): v128 { return tanh_vi(x); }

// @ts-ignore: decorator
@inline function log1p01_v(e: v128): v128 {
  let s = f32x4.div(e, f32x4.add(f32x4.splat(2.0), e));
  let s2 = f32x4.mul(s, s);
  let q = madd(f32x4.splat(L13), s2, f32x4.splat(L11));
  q = madd(q, s2, f32x4.splat(L9));
  q = madd(q, s2, f32x4.splat(L7));
  q = madd(q, s2, f32x4.splat(L5));
  q = madd(q, s2, f32x4.splat(L3));
  q = madd(q, s2, f32x4.splat(1.0));
  return f32x4.mul(f32x4.splat(2.0), f32x4.mul(q, s));
}

// @ts-ignore: decorator
@inline function expm1n_v(x: v128): v128 {
  return f32x4.sub(expn_v(f32x4.min(x, f32x4.splat(0))), f32x4.splat(1.0));
}

export function act_v(code: i32, x: v128, a: f32, b: f32): v128 {
  let zero = f32x4.splat(0);
  switch (code) {
    case ACT_SIGMOID: return sigmoid_v(x);
    case ACT_TANH: return tanh_v(x);
    case ACT_RELU: return f32x4.max(x, zero);
    case ACT_AFFINE: return madd(f32x4.splat(a), x, f32x4.splat(b));
    case ACT_LEAKY_RELU: return v128.bitselect(x, f32x4.mul(f32x4.splat(a), x), f32x4.ge(x, zero));
    case ACT_THRESHOLDED_RELU: // keeps NaN, like the scalar form
      return v128.and(x, v128.or(f32x4.gt(x, f32x4.splat(a)), f32x4.ne(x, x)));
    case ACT_SCALED_TANH: return f32x4.mul(f32x4.splat(a), tanh_v(f32x4.mul(f32x4.splat(b), x)));
    case ACT_HARD_SIGMOID:
      return f32x4.min(f32x4.max(madd(f32x4.splat(a), x, f32x4.splat(b)), zero), f32x4.splat(1.0));
    case ACT_ELU: return v128.bitselect(x, f32x4.mul(f32x4.splat(a), expm1n_v(x)), f32x4.ge(x, zero));
    case ACT_SOFTSIGN: return f32x4.div(x, f32x4.add(f32x4.splat(1.0), f32x4.abs(x)));
    case ACT_SOFTPLUS:
      return f32x4.add(f32x4.max(x, zero), log1p01_v(expn_v(f32x4.neg(f32x4.abs(x)))));
    case ACT_SELU:
      return f32x4.mul(f32x4.splat(b), v128.bitselect(x, f32x4.mul(f32x4.splat(a), expm1n_v(x)), f32x4.gt(x, zero)));
    case ACT_SWISH: return f32x4.mul(x, sigmoid_v(x));
    default: return x;
  }
}
