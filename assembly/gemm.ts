// Matrix kernels: the input projection for all time steps (X·Wᵀ + bias over [T·B, I] × [I, N]) and the register tiles
// that the recurrent steps reuse. All pointers are byte addresses in linear memory; strides are in bytes.
//
// Packed weight layout ("panel8"): a [N, K] row-major matrix W (N outputs, K inputs) is stored as N/8 panels of
// [K][8]: element (n, k) at ((n >> 3) * K + k) * 8 + (n & 7). N is padded to a multiple of 8 with zero rows.
// Every tile accumulates each output from 0 in ascending k with madd (w·x + acc), then adds the bias: the scalar
// `_ref` twins do exactly the same, so that the SIMD build matches them bit for bit.

import { madd, madd_s, splat_at } from "./simd";

/**
 * out[r][0..8) = Σ_k x[r][k] · w[k][0..8) for r < 4.
 * out: 4 rows of 8 f32 at out + r·os; x: 4 rows at x + r·xs (K f32 each); w: row k at w + k·ws (8 f32).
 */
export function tile4x8(out: usize, os: usize, x: usize, xs: usize, w: usize, ws: usize, K: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let x0 = x, x1 = x + xs, x2 = x + 2 * xs, x3 = x + 3 * xs;
  for (let k = 0; k < K; k++) {
    let w0 = v128.load(w);
    let w1 = v128.load(w, 16);
    let h = splat_at(x0);
    a00 = madd(w0, h, a00); a01 = madd(w1, h, a01);
    h = splat_at(x1);
    a10 = madd(w0, h, a10); a11 = madd(w1, h, a11);
    h = splat_at(x2);
    a20 = madd(w0, h, a20); a21 = madd(w1, h, a21);
    h = splat_at(x3);
    a30 = madd(w0, h, a30); a31 = madd(w1, h, a31);
    w += ws; x0 += 4; x1 += 4; x2 += 4; x3 += 4;
  }
  v128.store(out, a00); v128.store(out, a01, 16); out += os;
  v128.store(out, a10); v128.store(out, a11, 16); out += os;
  v128.store(out, a20); v128.store(out, a21, 16); out += os;
  v128.store(out, a30); v128.store(out, a31, 16);
}

/**
 * tile4x8 reading each row's x two k at a time: one 8-byte load per row and a lane broadcast (shuffle) per k, instead of
 * a 4-byte broadcast load per k. For runtimes that bounds-check every memory access in the code (Deno runs V8 without
 * its trap handler): there the checked loads bound the tile, and this one issues 8 of them per 16 multiply-adds
 * instead of 12 (hand-written loops in Deno: 1.15–1.3× over tile4x8, ahead of tile6x8; with the trap handler, as in
 * Node, 0.96–1×). The same sums in the same order as tile4x8 (see pairLoads).
 */
export function tile4x8p(out: usize, os: usize, x: usize, xs: usize, w: usize, ws: usize, K: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let x0 = x, x1 = x + xs, x2 = x + 2 * xs, x3 = x + 3 * xs;
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    let w0 = v128.load(w), w1 = v128.load(w, 16);
    let w2 = v128.load(w + ws), w3 = v128.load(w + ws, 16);
    let y = v128.load64_zero(x0);
    let h = i32x4.shuffle(y, y, 0, 0, 0, 0);
    a00 = madd(w0, h, a00); a01 = madd(w1, h, a01);
    h = i32x4.shuffle(y, y, 1, 1, 1, 1);
    a00 = madd(w2, h, a00); a01 = madd(w3, h, a01);
    y = v128.load64_zero(x1);
    h = i32x4.shuffle(y, y, 0, 0, 0, 0);
    a10 = madd(w0, h, a10); a11 = madd(w1, h, a11);
    h = i32x4.shuffle(y, y, 1, 1, 1, 1);
    a10 = madd(w2, h, a10); a11 = madd(w3, h, a11);
    y = v128.load64_zero(x2);
    h = i32x4.shuffle(y, y, 0, 0, 0, 0);
    a20 = madd(w0, h, a20); a21 = madd(w1, h, a21);
    h = i32x4.shuffle(y, y, 1, 1, 1, 1);
    a20 = madd(w2, h, a20); a21 = madd(w3, h, a21);
    y = v128.load64_zero(x3);
    h = i32x4.shuffle(y, y, 0, 0, 0, 0);
    a30 = madd(w0, h, a30); a31 = madd(w1, h, a31);
    h = i32x4.shuffle(y, y, 1, 1, 1, 1);
    a30 = madd(w2, h, a30); a31 = madd(w3, h, a31);
    w += 2 * ws; x0 += 8; x1 += 8; x2 += 8; x3 += 8;
  }
  if (k < K) {
    let w0 = v128.load(w), w1 = v128.load(w, 16);
    let h = splat_at(x0);
    a00 = madd(w0, h, a00); a01 = madd(w1, h, a01);
    h = splat_at(x1);
    a10 = madd(w0, h, a10); a11 = madd(w1, h, a11);
    h = splat_at(x2);
    a20 = madd(w0, h, a20); a21 = madd(w1, h, a21);
    h = splat_at(x3);
    a30 = madd(w0, h, a30); a31 = madd(w1, h, a31);
  }
  v128.store(out, a00); v128.store(out, a01, 16); out += os;
  v128.store(out, a10); v128.store(out, a11, 16); out += os;
  v128.store(out, a20); v128.store(out, a21, 16); out += os;
  v128.store(out, a30); v128.store(out, a31, 16);
}

/**
 * Whether the 4-row tiles read x two k at a time (tile4x8p) and the GRU's batch-1 panels four k at a time (panel3q);
 * the engine turns it on where memory accesses are bounds-checked in the code (src/engine/engine.ts kernelProfile).
 * Same sums in the same order either way.
 */
let pairLoads: bool = false;

/** Sets pairLoads (1 on, 0 off) and returns the previous setting. */
export function set_pair_loads(on: i32): i32 {
  let old = pairLoads ? 1 : 0;
  pairLoads = on != 0;
  return old;
}

/** A 4-row tile: tile4x8, or tile4x8p where pairLoads is on. */
// @ts-ignore: decorator
@inline export function tile4(out: usize, os: usize, x: usize, xs: usize, w: usize, ws: usize, K: i32): void {
  if (pairLoads) tile4x8p(out, os, x, xs, w, ws, K);
  else tile4x8(out, os, x, xs, w, ws, K);
}

/**
 * tile4x8 for 6 rows: 12 accumulators. With relaxed_madd (no product temporary) the whole tile fits the 15 vector
 * registers V8 allocates on x64, and it issues 4 loads per 6 multiply-adds instead of 3 per 4; with an unfused
 * mul + add V8 spills, so the SIMD build keeps 4 rows (see tileRows).
 */
export function tile6x8(out: usize, os: usize, x: usize, xs: usize, w: usize, ws: usize, K: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let a40 = f32x4.splat(0), a41 = f32x4.splat(0);
  let a50 = f32x4.splat(0), a51 = f32x4.splat(0);
  let x0 = x, x1 = x + xs, x2 = x + 2 * xs, x3 = x + 3 * xs, x4 = x + 4 * xs, x5 = x + 5 * xs;
  for (let k = 0; k < K; k++) {
    let w0 = v128.load(w);
    let w1 = v128.load(w, 16);
    let h = splat_at(x0);
    a00 = madd(w0, h, a00); a01 = madd(w1, h, a01);
    h = splat_at(x1);
    a10 = madd(w0, h, a10); a11 = madd(w1, h, a11);
    h = splat_at(x2);
    a20 = madd(w0, h, a20); a21 = madd(w1, h, a21);
    h = splat_at(x3);
    a30 = madd(w0, h, a30); a31 = madd(w1, h, a31);
    h = splat_at(x4);
    a40 = madd(w0, h, a40); a41 = madd(w1, h, a41);
    h = splat_at(x5);
    a50 = madd(w0, h, a50); a51 = madd(w1, h, a51);
    w += ws; x0 += 4; x1 += 4; x2 += 4; x3 += 4; x4 += 4; x5 += 4;
  }
  v128.store(out, a00); v128.store(out, a01, 16); out += os;
  v128.store(out, a10); v128.store(out, a11, 16); out += os;
  v128.store(out, a20); v128.store(out, a21, 16); out += os;
  v128.store(out, a30); v128.store(out, a31, 16); out += os;
  v128.store(out, a40); v128.store(out, a41, 16); out += os;
  v128.store(out, a50); v128.store(out, a51, 16);
}

/**
 * Rows per register tile on the many-row paths (the projection GEMM, recurrent steps with B > 1, the LSTM projection):
 * 6 in the relaxed-SIMD build, 4 in the SIMD build (bench/RESULTS.md has the measurements). Either gives the same sums
 * in the same order; `set_tile_rows` switches it so that the tests can check the 6-row path bit for bit in the SIMD build.
 */
let tileRows: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;

/** Sets the rows per tile (4 or 6; anything else leaves it) and returns the previous value. */
export function set_tile_rows(n: i32): i32 {
  let old = tileRows;
  if (n == 4 || n == 6) tileRows = n;
  return old;
}

/** The rows the next tile takes when `left` rows remain: 6, 4 or 1 (a 6 never leaves a tail of 2 or 3 single rows). */
// @ts-ignore: decorator
@inline export function next_rows(left: i32): i32 {
  if (tileRows == 6 && left >= 6 && left != 8 && left != 9) return 6;
  return left >= 4 ? 4 : 1;
}

/**
 * The rows the next tile of a recurrent step takes (rnn.ts panel_rows): as next_rows, but 2 rows go together
 * (tile2x16) where next_rows would leave 2 or 3 single rows.
 */
// @ts-ignore: decorator
@inline export function next_rows_step(left: i32): i32 {
  let n = next_rows(left);
  return n == 1 && left >= 2 ? 2 : n;
}

/** How many of `rows` rows the multi-row tiles cover (next_rows from the first); the rest run one at a time. */
export function tiled_rows(rows: i32): i32 {
  let m = 0;
  while (m < rows) {
    let n = next_rows(rows - m);
    if (n == 1) break;
    m += n;
  }
  return m;
}

/**
 * Two rows against 16 columns (two adjacent gate blocks of a recurrent panel, or with C8 = true only the first 8):
 * out[r][0..16) = Σ_k x[r][k] · w[k][0..16) for r < 2, rows at out + r·os and x + r·xs, w row k at w + k·ws. Small
 * batches (B = 2, 3) stream the recurrent weights once for both rows instead of once per row.
 */
export function tile2x16(out: usize, os: usize, x: usize, xs: usize, w: usize, ws: usize, K: i32, C8: bool): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
  let x0 = x, x1 = x + xs;
  if (C8) {
    for (let k = 0; k < K; k++) {
      let w0 = v128.load(w), w1 = v128.load(w, 16);
      let h = splat_at(x0);
      a00 = madd(w0, h, a00); a01 = madd(w1, h, a01);
      h = splat_at(x1);
      a10 = madd(w0, h, a10); a11 = madd(w1, h, a11);
      w += ws; x0 += 4; x1 += 4;
    }
  } else {
    for (let k = 0; k < K; k++) {
      let w0 = v128.load(w), w1 = v128.load(w, 16), w2 = v128.load(w, 32), w3 = v128.load(w, 48);
      let h = splat_at(x0);
      a00 = madd(w0, h, a00); a01 = madd(w1, h, a01); a02 = madd(w2, h, a02); a03 = madd(w3, h, a03);
      h = splat_at(x1);
      a10 = madd(w0, h, a10); a11 = madd(w1, h, a11); a12 = madd(w2, h, a12); a13 = madd(w3, h, a13);
      w += ws; x0 += 4; x1 += 4;
    }
    v128.store(out, a02, 32); v128.store(out, a03, 48);
    v128.store(out + os, a12, 32); v128.store(out + os, a13, 48);
  }
  v128.store(out, a00); v128.store(out, a01, 16);
  v128.store(out + os, a10); v128.store(out + os, a11, 16);
}

/** out[0..8) = Σ_k x[k] · w[k][0..8); w row k at w + k·ws. */
export function tile1x8(out: usize, x: usize, w: usize, ws: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0);
    a1 = madd(v128.load(w, 16), h, a1);
    w += ws; x += 4;
  }
  v128.store(out, a0); v128.store(out, a1, 16);
}

/**
 * The batch-1 loop shapes for engines that compile WebAssembly keeping the order of its operations (V8 13.4 and
 * later, JavaScriptCore): the panel loops for G = 4 and 3 and tile1x24 take two k per iteration (2–15 % faster there)
 * and G = 2 panels go in pairs (panel2x2, 8 accumulators: 1.1–1.24×). Older V8 (Node 20–23, Chrome < 134) schedules
 * all loads of such a loop body first and spills: 1.1–1.8× slower (measured in V8 11.3, 12.3, 12.9 and 13.0), so it
 * keeps the plain loops (or, from 11.6 where memory accesses are bounds-checked in the code, as in Deno: the split
 * LSTM layout, rnn.ts D_RSPLIT, panel_pair). The engine sets it at creation (src/engine/engine.ts kernelProfile);
 * every shape gives the same sums in the same order.
 */
let stepUnroll: bool = false;

/** Sets the batch-1 loop shapes (1: unrolled / paired, 0: plain) and returns the previous setting. */
export function set_step_unroll(on: i32): i32 {
  let old = stepUnroll ? 1 : 0;
  stepUnroll = on != 0;
  return old;
}

/**
 * One row against a whole panel of G gate blocks: out[g][0..8) = Σ_k x[k] · w[k][g][0..8), G in 1..4, keeping all
 * 2·G accumulators in registers (the batch-1 recurrent step). w row k at w + k·G·32.
 */
export function panel1(out: usize, x: usize, w: usize, K: i32, G: i32): void {
  if (pairLoads && G == 3) {
    panel3q(out, x, w, K);
  } else if (stepUnroll && G >= 3) {
    if (G == 4) panel4u2(out, x, w, K); else panel3u2(out, x, w, K);
  } else if (G == 4) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      let h = splat_at(x);
      a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
      a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
      a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
      a6 = madd(v128.load(w, 96), h, a6); a7 = madd(v128.load(w, 112), h, a7);
      w += 128; x += 4;
    }
    v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
    v128.store(out, a4, 64); v128.store(out, a5, 80); v128.store(out, a6, 96); v128.store(out, a7, 112);
  } else if (G == 3) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
    let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      let h = splat_at(x);
      a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
      a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
      a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
      w += 96; x += 4;
    }
    v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32);
    v128.store(out, a3, 48); v128.store(out, a4, 64); v128.store(out, a5, 80);
  } else if (G == 2) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    for (let k = 0; k < K; k++) {
      let h = splat_at(x);
      a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
      a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
      w += 64; x += 4;
    }
    v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
  } else {
    tile1x8(out, x, w, 32, K);
  }
}

/**
 * panel1 for G = 3 (the GRU) reading x four k at a time: one 16-byte load and a lane broadcast (shuffle) per k instead
 * of a 4-byte broadcast load per k, for runtimes that bounds-check every memory access in the code (see pairLoads):
 * 25 checked loads per four k instead of 28. GRU H=256 layers in Deno 2.9 (relaxed build, paired): 1.06–1.08×. The
 * same for G = 4 measured 0.99–1.02× on LSTM layers there (0.87–0.97× in Node 24) and is not used. The same sums in
 * the same order as panel1.
 */
function panel3q(out: usize, x: usize, w: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    let y = v128.load(x);
    let h = i32x4.shuffle(y, y, 0, 0, 0, 0);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
    h = i32x4.shuffle(y, y, 1, 1, 1, 1);
    a0 = madd(v128.load(w, 96), h, a0); a1 = madd(v128.load(w, 112), h, a1);
    a2 = madd(v128.load(w, 128), h, a2); a3 = madd(v128.load(w, 144), h, a3);
    a4 = madd(v128.load(w, 160), h, a4); a5 = madd(v128.load(w, 176), h, a5);
    h = i32x4.shuffle(y, y, 2, 2, 2, 2);
    a0 = madd(v128.load(w, 192), h, a0); a1 = madd(v128.load(w, 208), h, a1);
    a2 = madd(v128.load(w, 224), h, a2); a3 = madd(v128.load(w, 240), h, a3);
    a4 = madd(v128.load(w, 256), h, a4); a5 = madd(v128.load(w, 272), h, a5);
    h = i32x4.shuffle(y, y, 3, 3, 3, 3);
    a0 = madd(v128.load(w, 288), h, a0); a1 = madd(v128.load(w, 304), h, a1);
    a2 = madd(v128.load(w, 320), h, a2); a3 = madd(v128.load(w, 336), h, a3);
    a4 = madd(v128.load(w, 352), h, a4); a5 = madd(v128.load(w, 368), h, a5);
    w += 384; x += 16;
  }
  for (; k < K; k++) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
    w += 96; x += 4;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32);
  v128.store(out, a3, 48); v128.store(out, a4, 64); v128.store(out, a5, 80);
}

/** panel1 for G = 4 with two k per iteration (see stepUnroll). */
function panel4u2(out: usize, x: usize, w: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
    a6 = madd(v128.load(w, 96), h, a6); a7 = madd(v128.load(w, 112), h, a7);
    h = v128.load32_splat(x, 4);
    a0 = madd(v128.load(w, 128), h, a0); a1 = madd(v128.load(w, 144), h, a1);
    a2 = madd(v128.load(w, 160), h, a2); a3 = madd(v128.load(w, 176), h, a3);
    a4 = madd(v128.load(w, 192), h, a4); a5 = madd(v128.load(w, 208), h, a5);
    a6 = madd(v128.load(w, 224), h, a6); a7 = madd(v128.load(w, 240), h, a7);
    w += 256; x += 8;
  }
  if (k < K) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
    a6 = madd(v128.load(w, 96), h, a6); a7 = madd(v128.load(w, 112), h, a7);
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
  v128.store(out, a4, 64); v128.store(out, a5, 80); v128.store(out, a6, 96); v128.store(out, a7, 112);
}

/** panel1 for G = 3 with two k per iteration (see stepUnroll). */
function panel3u2(out: usize, x: usize, w: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  let k = 0;
  for (; k + 2 <= K; k += 2) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
    h = v128.load32_splat(x, 4);
    a0 = madd(v128.load(w, 96), h, a0); a1 = madd(v128.load(w, 112), h, a1);
    a2 = madd(v128.load(w, 128), h, a2); a3 = madd(v128.load(w, 144), h, a3);
    a4 = madd(v128.load(w, 160), h, a4); a5 = madd(v128.load(w, 176), h, a5);
    w += 192; x += 8;
  }
  if (k < K) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(w, 64), h, a4); a5 = madd(v128.load(w, 80), h, a5);
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32);
  v128.store(out, a3, 48); v128.store(out, a4, 64); v128.store(out, a5, 80);
}

/**
 * Two panels of two gate blocks (G = 2, at w and w + ps) against one row: 8 accumulators instead of panel1's 4, whose
 * multiply-add latency then bounds the loop. Used where stepUnroll is on (the engine keeps the operation order; V8
 * before 13.4 spills this loop).
 */
export function panel2x2(out: usize, x: usize, w: usize, ps: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
  let v = w + ps;
  for (let k = 0; k < K; k++) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    a4 = madd(v128.load(v), h, a4); a5 = madd(v128.load(v, 16), h, a5);
    a6 = madd(v128.load(v, 32), h, a6); a7 = madd(v128.load(v, 48), h, a7);
    w += 64; v += 64; x += 4;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
  v128.store(out, a4, 64); v128.store(out, a5, 80); v128.store(out, a6, 96); v128.store(out, a7, 112);
}

/** Whether stepUnroll is on (the batch-1 kernels that pick a loop shape by engine). */
// @ts-ignore: decorator
@inline export function step_unroll(): bool { return stepUnroll; }

/**
 * out[0..16) = Σ_k x[k] · w[k][0..16), rows of 16 floats (64 bytes) contiguous: one half of an LSTM panel in the split
 * layout (rnn.ts D_RSPLIT), 4 accumulators. The loop shape for V8 11.6–13.3 with explicit bounds checks (Deno, no
 * trap handler), which spill panel1's 8 accumulators (its G = 4 loop runs at half speed to two thirds there).
 */
export function panel_pair(out: usize, x: usize, w: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let k = 0; k < K; k++) {
    let h = splat_at(x);
    a0 = madd(v128.load(w), h, a0); a1 = madd(v128.load(w, 16), h, a1);
    a2 = madd(v128.load(w, 32), h, a2); a3 = madd(v128.load(w, 48), h, a3);
    w += 64; x += 4;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32); v128.store(out, a3, 48);
}

/** Scalar twin of tile4x8 / tile1x8 for `rows` rows: the same sums in the same order. */
export function tile_ref(rows: i32, out: usize, os: usize, x: usize, xs: usize, w: usize, ws: usize, K: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let u = 0; u < 8; u++) {
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) {
        acc = madd_s(load<f32>(w + <usize>k * ws + <usize>u * 4), load<f32>(x + <usize>r * xs + <usize>k * 4), acc);
      }
      store<f32>(out + <usize>r * os + <usize>u * 4, acc);
    }
  }
}

/** Rows of the input projection kept hot together (x block ≤ MB·K·4 bytes stays in L1/L2). */
const MB: i32 = 64;

/**
 * out[m][n] = Σ_k x[m][k] · W[n][k] + bias[n] for m < M, n < N.
 * x: [M, K] with row stride xs bytes; w: W packed panel8 ([N/8][K][8]); bias: [N] or 0; out: [M, N] row stride os.
 * N must be a multiple of 8.
 */
export function f32_gemm(out: usize, os: usize, x: usize, xs: usize, w: usize, bias: usize, M: i32, K: i32, N: i32): void {
  if (ASC_FEATURE_SIMD) f32_gemm_simd(out, os, x, xs, w, bias, M, K, N);
  else f32_gemm_ref(out, os, x, xs, w, bias, M, K, N);
}

function f32_gemm_simd(out: usize, os: usize, x: usize, xs: usize, w: usize, bias: usize, M: i32, K: i32, N: i32): void {
  let NB = N >> 3, ps = <usize>K * 32;
  for (let m0 = 0; m0 < M; m0 += MB) {
    let m1 = min<i32>(m0 + MB, M);
    // Multi-row tiles cover [m0, mt); the rows after mt (at most 5) run one at a time across several panels.
    let mt = m0 + tiled_rows(m1 - m0);
    for (let nb = 0; nb < NB; nb++) {
      let wp = w + <usize>nb * ps;
      let m = m0;
      while (m < mt) {
        let n = next_rows(m1 - m);
        let o = out + <usize>m * os + <usize>nb * 32;
        if (n == 6) tile6x8(o, os, x + <usize>m * xs, xs, wp, 32, K);
        else tile4(o, os, x + <usize>m * xs, xs, wp, 32, K);
        m += n;
      }
    }
    // the bias, row by row over the block's tiled rows, which the tiles have just written: added after each tile
    // instead, reading back the 6 rows it had just stored made the lstm-m projection 5–7 % slower (Node 24, relaxed
    // build): for N = 1024 they are 4 KiB apart, so their addresses alias in the low 12 bits (bench/RESULTS.md round 8)
    if (bias) for (let m = m0; m < mt; m++) for (let nb = 0; nb < NB; nb++) add_bias8(out + <usize>m * os + <usize>nb * 32, bias + <usize>nb * 32);
    for (let m = mt; m < m1; m++) row_panels(out + <usize>m * os, x + <usize>m * xs, w, ps, bias, K, NB);
  }
}

// @ts-ignore: decorator
@inline function add_bias8(o: usize, bp: usize): void {
  v128.store(o, f32x4.add(v128.load(o), v128.load(bp)));
  v128.store(o, f32x4.add(v128.load(o, 16), v128.load(bp, 16)), 16);
}

/**
 * One row of the projection against every panel (the single rows after the tiles, and all of a one-row projection
 * such as a streamed step): three panels at a time, so that 6 accumulators hide the multiply-add latency that
 * tile1x8's 2 leave exposed.
 */
function row_panels(o: usize, x: usize, w: usize, ps: usize, bias: usize, K: i32, NB: i32): void {
  row_gemv8(o, x, w, ps, K, NB);
  if (bias) for (let nb = 0; nb < NB; nb++) add_bias8(o + <usize>nb * 32, bias + <usize>nb * 32);
}

/**
 * out[0..8·NB) = one row x against NB panels of [K][8] (panel p at w + p·ps): three panels at a time, then one.
 * Also the batch-1 products of the recurrent kernels with one gate block (RNN, the GRU's h gate, the LSTM projection).
 */
export function row_gemv8(out: usize, x: usize, w: usize, ps: usize, K: i32, NB: i32): void {
  let nb = 0;
  for (; nb + 3 <= NB; nb += 3) tile1x24(out + <usize>nb * 32, x, w + <usize>nb * ps, ps, K);
  for (; nb < NB; nb++) tile1x8(out + <usize>nb * 32, x, w + <usize>nb * ps, 32, K);
}

/** row_gemv8 with the panels taken from the last to the first (rnn.ts zigzag): the same sums per panel. */
export function row_gemv8_down(out: usize, x: usize, w: usize, ps: usize, K: i32, NB: i32): void {
  let nb = NB;
  for (; nb >= 3; nb -= 3) tile1x24(out + <usize>(nb - 3) * 32, x, w + <usize>(nb - 3) * ps, ps, K);
  for (; nb > 0; nb--) tile1x8(out + <usize>(nb - 1) * 32, x, w + <usize>(nb - 1) * ps, 32, K);
}

/** out[0..24) = Σ_k x[k] · (3 panels of [K][8] at w, w + ps, w + 2·ps)[k]. */
function tile1x24(out: usize, x: usize, w: usize, ps: usize, K: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  let w0 = w, w1 = w + ps, w2 = w + 2 * ps;
  let k = 0;
  if (stepUnroll) {
    for (; k + 2 <= K; k += 2) {
      let h = splat_at(x);
      a0 = madd(v128.load(w0), h, a0); a1 = madd(v128.load(w0, 16), h, a1);
      a2 = madd(v128.load(w1), h, a2); a3 = madd(v128.load(w1, 16), h, a3);
      a4 = madd(v128.load(w2), h, a4); a5 = madd(v128.load(w2, 16), h, a5);
      h = v128.load32_splat(x, 4);
      a0 = madd(v128.load(w0, 32), h, a0); a1 = madd(v128.load(w0, 48), h, a1);
      a2 = madd(v128.load(w1, 32), h, a2); a3 = madd(v128.load(w1, 48), h, a3);
      a4 = madd(v128.load(w2, 32), h, a4); a5 = madd(v128.load(w2, 48), h, a5);
      w0 += 64; w1 += 64; w2 += 64; x += 8;
    }
  }
  for (; k < K; k++) {
    let h = splat_at(x);
    a0 = madd(v128.load(w0), h, a0); a1 = madd(v128.load(w0, 16), h, a1);
    a2 = madd(v128.load(w1), h, a2); a3 = madd(v128.load(w1, 16), h, a3);
    a4 = madd(v128.load(w2), h, a4); a5 = madd(v128.load(w2, 16), h, a5);
    w0 += 32; w1 += 32; w2 += 32; x += 4;
  }
  v128.store(out, a0); v128.store(out, a1, 16); v128.store(out, a2, 32);
  v128.store(out, a3, 48); v128.store(out, a4, 64); v128.store(out, a5, 80);
}

/** Scalar twin of f32_gemm (same signature, same sums in the same order). */
export function f32_gemm_ref(out: usize, os: usize, x: usize, xs: usize, w: usize, bias: usize, M: i32, K: i32, N: i32): void {
  if (ASC_FEATURE_SIMD) unreachable(); // the twin lives in the scalar build (index.ts)
  for (let m = 0; m < M; m++) {
    for (let n = 0; n < N; n++) {
      let wp = w + (<usize>(n >> 3) * <usize>K * 8 + <usize>(n & 7)) * 4;
      let acc: f32 = 0;
      for (let k = 0; k < K; k++) {
        acc = madd_s(load<f32>(wp + <usize>k * 32), load<f32>(x + <usize>m * xs + <usize>k * 4), acc);
      }
      if (bias) acc = acc + load<f32>(bias + <usize>n * 4);
      store<f32>(out + <usize>m * os + <usize>n * 4, acc);
    }
  }
}
