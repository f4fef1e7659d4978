// The exports of every build (SIMD, relaxed SIMD, scalar): kernels are pure pointer functions over linear memory.
// Memory is managed by the TypeScript engine (src/engine/arena.ts); the kernels never allocate.
//
// The scalar twins (`*_ref`: plain loops, the same sums in the same order as the SIMD kernels) are what the scalar
// build runs; the SIMD builds export them too but trap there (so that their code does not ship twice): the tests
// compare a SIMD build's kernels with the scalar build's.

export { f32_gemm, f32_gemm_ref, set_tile_rows, set_step_unroll, set_pair_loads } from "./gemm";
export { rnn_seq, rnn_seq_ref, rnn_seq_scratch_bytes, set_zigzag } from "./rnn";
export { f32_vact, f32_vact_ref, f32_softmax, f32_softmax_ref } from "./vector";
export { pack_blocks, pack_cols } from "./pack";
export { widen } from "./widen";

/** 0 scalar, 1 SIMD, 2 relaxed SIMD: each build reports its own variant. */
export function build_kind(): i32 {
  if (ASC_FEATURE_RELAXED_SIMD) return 2;
  if (ASC_FEATURE_SIMD) return 1;
  return 0;
}

/** First free byte after the module's static data: the engine's arena starts here (rounded up). */
export function heap_base(): usize {
  return __heap_base;
}
