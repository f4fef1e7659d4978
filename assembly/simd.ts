// The tiny SIMD vocabulary every kernel is written in (one place decides fused vs unfused multiply-add).
//
// madd(a, b, c) = a * b + c. In the relaxed-SIMD build it is f32x4.relaxed_madd, which the engine may fuse (one
// rounding) or not; in the SIMD build it is always an unfused mul then add, so that the SIMD kernels give bit for bit
// the numbers of their scalar `_ref` twins (which use `madd_s`, the same two roundings).

/** a * b + c on four lanes. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** a * b + c on one lane, always two roundings (the scalar twin of `madd` in the SIMD build). */
// @ts-ignore: decorator
@inline export function madd_s(a: f32, b: f32, c: f32): f32 {
  return a * b + c;
}

/** Broadcast one f32 from memory. */
// @ts-ignore: decorator
@inline export function splat_at(ptr: usize): v128 {
  return v128.load32_splat(ptr);
}
