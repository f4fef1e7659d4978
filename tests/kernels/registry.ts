// One registry of the kernels and their scalar twins: the tail matrices the tests sweep (1, tile−1, tile, tile+1,
// primes, large) come from here, and the benchmarks can read the same list.
export interface KernelEntry {
  name: string;
  fast: string; // export of the fast kernel
  ref: string;  // export of its scalar twin (same signature; runs in the scalar build, traps in the SIMD builds)
  /** register tile sizes the kernel blocks by, per dimension */
  tiles: Record<string, number>;
}

export const KERNELS: KernelEntry[] = [
  // M and B: 4 rows per tile in the SIMD build, 6 in the relaxed-SIMD build (`set_tile_rows`), then single rows.
  { name: "input projection GEMM", fast: "f32_gemm", ref: "f32_gemm_ref", tiles: { M: 4, N: 8, K: 1 } },
  { name: "recurrent sequence", fast: "rnn_seq", ref: "rnn_seq_ref", tiles: { B: 4, H: 8 } },
  { name: "activations", fast: "f32_vact", ref: "f32_vact_ref", tiles: { n: 4 } },
  { name: "softmax", fast: "f32_softmax", ref: "f32_softmax_ref", tiles: { n: 4 } },
];

/** 1, tile−1, tile, tile+1, a few primes and a large size. */
export function tailSizes(tile: number, large = 130): number[] {
  const s = new Set([1, Math.max(1, tile - 1), tile, tile + 1, 2 * tile + 1, 3, 5, 7, 13, 31, large]);
  return [...s].sort((a, b) => a - b);
}
