// The recurrent sequence kernel: every cell (LSTM, GRU, RNN), one direction, a whole sequence (or a chunk of one)
// for a batch of rows, driven by a descriptor block in linear memory (the layout below is mirrored by
// src/core/descriptor.ts). The time loop runs here, so JavaScript crosses into wasm once per layer and direction.
//
// Layouts (all f32, byte pointers; Hp = H rounded up to 8, Kp = K rounded up to 8, K = the recurrent width = P or H):
//   xproj  the input projection X·Wᵀ + biases from f32_gemm, one row per (t, b) at xp + (t·xpT + b·xpB)·4, each row
//          Hp/8 panels of [Gx][8] (LSTM gates i,o,f,c; GRU z,r,h; RNN one gate).
//   R      recurrent weights, Hp/8 panels of [K][Gr][8] (Gr = 4 LSTM, 3 GRU with linear_before_reset, 2 GRU
//          without it (z, r; the h gate in R2 as [Hp/8][H][8]), 1 RNN).
//   rbh    GRU with linear_before_reset: the recurrent bias of the h gate [Hp] (other biases are folded into xproj).
//   peep   LSTM peepholes [3][Hp] (i, o, f) or 0.   wp  LSTM projection panel8 [Pp/8][H][8] or 0.
//   h, h2  [B][Kp] state and its double buffer (h holds the initial state on entry and the final state on exit).
//   c      [B][Hp] LSTM cell state, updated in place.
//   y      output row for (t, b) at y + (t·yT + b·yB)·4 (K values), or 0 for none.
//   lens   i32[B] sequence lengths or 0 (= T for all); mask  u8[T][B] (1 = valid step) or 0.
// Semantics: row b is active at step s when s < lens[b] and mask[t][b] != 0, with t = s (forward), t = T-1-s
// (reverse without lengths) or t = lens[b]-1-s (reverse with lengths; inactive steps s >= lens[b] map to t = s).
// Active steps update the state and write y; inactive steps keep the state and write zeros (maskOut 0) or the
// row's previous output (maskOut 1, masked steps inside the length; zeros before its first active step).

import { madd, madd_s } from "./simd";
import { ACT_SIGMOID, ACT_TANH, act_s, act_v, sigmoid_vi, tanh_vi } from "./math";
import { tile4, tile6x8, tile2x16, panel1, panel2x2, panel_pair, next_rows, next_rows_step, tiled_rows, row_gemv8, row_gemv8_down, step_unroll } from "./gemm";

export const D_CELL = 0; // 0 RNN, 1 LSTM, 2 GRU
export const D_T = 1;
export const D_B = 2;
export const D_H = 3;
export const D_HP = 4;
export const D_K = 5;
export const D_KP = 6;
export const D_P = 7;
export const D_REV = 8;
export const D_XP = 9;
export const D_XPT = 10;
export const D_XPB = 11;
export const D_R = 12;
export const D_R2 = 13;
export const D_RBH = 14;
export const D_PEEP = 15;
export const D_WP = 16;
export const D_LENS = 17;
export const D_MASK = 18;
export const D_MASKOUT = 19;
export const D_Y = 20;
export const D_YT = 21;
export const D_YB = 22;
export const D_H0 = 23;
export const D_H1 = 24;
export const D_C = 25;
export const D_SCRATCH = 26;
export const D_CLIP = 27; // f32; +Inf = none
export const D_IF = 28;
export const D_LBR = 29;
export const D_ACT = 30; // three activations (f, g, h), each code, alpha (f32), beta (f32)
export const D_RSPLIT = 39; // LSTM R packed as [Hp/8][2][K][16] (two gate pairs per panel) instead of [Hp/8][K][4][8]
export const D_COUNT = 40;

const CELL_RNN = 0;
const CELL_LSTM = 1;
const CELL_GRU = 2;

// @ts-ignore: decorator
@inline function di(d: usize, i: i32): i32 { return load<i32>(d + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function dp(d: usize, i: i32): usize { return <usize>load<u32>(d + (<usize>i << 2)); }
// @ts-ignore: decorator
@inline function df(d: usize, i: i32): f32 { return load<f32>(d + (<usize>i << 2)); }

/**
 * Bytes of the pre-activation block at the start of the scratch: one panel ([B][G][8], ≤ 128 bytes a row) for B > 1;
 * every panel of the one row ([Hp/8][G][8]) for B = 1, so that a batch-1 step computes all its products first and
 * then runs the gate math over all units (independent units overlap; panel by panel, each panel's gate math was a
 * dependency chain of ~5 activations that stalled the next panel's loads: 42 % of an lstm-s pass). With the default
 * activations the gate math itself runs in two passes, every gate activation first, then the cell and output
 * (lstm_gates1, gru_gates1): 1.14× on an lstm-s step, 1.03× on a gru-m step. (The same two passes panel by panel for
 * B > 1 measured 0.96–1.04× across Node, Deno and Bun on lstm-batch, so B > 1 keeps the single loop.)
 */
// @ts-ignore: decorator
@inline function gates_bytes(B: i32, Hp: i32): usize {
  return B == 1 ? <usize>Hp * 16 : <usize>B * 128;
}

/** Bytes of scratch the kernel needs for B rows (gates, hraw, z, r·h, previous outputs, row tables). */
export function rnn_seq_scratch_bytes(B: i32, Hp: i32, Kp: i32): i32 {
  return <i32>gates_bytes(B, Hp) + B * (3 * Hp * 4 + Kp * 4 + 12);
}

/** Runs the sequence described at d with the SIMD kernels (the scalar build runs rnn_seq_ref's steps). */
export function rnn_seq(d: usize): void { seq(d, false); }

/** Scalar twin of rnn_seq: the same descriptor, the same sums in the same order, plain loops. */
export function rnn_seq_ref(d: usize): void {
  if (ASC_FEATURE_SIMD) unreachable(); // the twin lives in the scalar build (index.ts)
  seq(d, true);
}

function seq(d: usize, ref: bool): void {
  let T = di(d, D_T), B = di(d, D_B), Hp = di(d, D_HP), K = di(d, D_K), Kp = di(d, D_KP);
  let rev = di(d, D_REV) != 0;
  let xp = dp(d, D_XP), xpT = <usize>di(d, D_XPT) << 2, xpB = <usize>di(d, D_XPB) << 2;
  let lens = dp(d, D_LENS), mask = dp(d, D_MASK), maskOut = di(d, D_MASKOUT);
  let y = dp(d, D_Y), yT = <usize>di(d, D_YT) << 2, yB = <usize>di(d, D_YB) << 2;
  let hInit = dp(d, D_H0);
  let hA = hInit, hB = dp(d, D_H1);
  let scratch = dp(d, D_SCRATCH);
  let rowBytes = <usize>Kp << 2;
  let prev = scratch + gates_bytes(B, Hp) + <usize>B * (3 * <usize>Hp * 4);
  let rowXp = prev + <usize>B * rowBytes;
  let rowY = rowXp + (<usize>B << 2);
  let rowAct = rowY + (<usize>B << 2);
  let outBytes = <usize>K << 2;
  if (maskOut != 0) memory.fill(prev, 0, <usize>B * rowBytes);

  for (let s = 0; s < T; s++) {
    let nact = 0;
    for (let b = 0; b < B; b++) {
      let len = lens ? load<i32>(lens + (<usize>b << 2)) : T;
      let t = s;
      if (rev) t = lens ? (s < len ? len - 1 - s : s) : T - 1 - s;
      // 1 active, 0 inactive past the length (outputs zeros), 2 masked inside the length (maskOut decides)
      let act = s < len ? 1 : 0;
      if (act && mask && load<u8>(mask + <usize>t * <usize>B + <usize>b) == 0) act = 2;
      store<u32>(rowXp + (<usize>b << 2), <u32>(xp + <usize>t * xpT + <usize>b * xpB));
      store<u32>(rowY + (<usize>b << 2), y ? <u32>(y + <usize>t * yT + <usize>b * yB) : 0);
      store<i32>(rowAct + (<usize>b << 2), act);
      if (act == 1) nact++;
    }
    if (nact > 0) {
      if (ASC_FEATURE_SIMD) {
        if (ref) step_ref(d, hA, hB); else step_simd(d, hA, hB);
      } else {
        step_ref(d, hA, hB);
      }
    }
    for (let b = 0; b < B; b++) {
      let src = hB + <usize>b * rowBytes;
      let yrow = <usize>load<u32>(rowY + (<usize>b << 2));
      let pr = prev + <usize>b * rowBytes;
      let act = load<i32>(rowAct + (<usize>b << 2));
      if (act == 1) {
        if (yrow) memory.copy(yrow, src, outBytes);
        if (maskOut != 0) memory.copy(pr, src, outBytes);
      } else {
        memory.copy(src, hA + <usize>b * rowBytes, rowBytes);
        if (yrow) {
          if (maskOut != 0 && act == 2) memory.copy(yrow, pr, outBytes);
          else memory.fill(yrow, 0, outBytes);
        }
      }
    }
    let tmp = hA; hA = hB; hB = tmp;
  }
  if (hA != hInit) memory.copy(hInit, hA, <usize>B * rowBytes);
}

// ------------------------------------------------------------------ SIMD steps

// @ts-ignore: decorator
@inline function clip_v(v: v128, on: bool, c: f32): v128 {
  return on ? f32x4.min(f32x4.max(v, f32x4.splat(-c)), f32x4.splat(c)) : v;
}
// @ts-ignore: decorator
@inline function clip_s(v: f32, on: bool, c: f32): f32 {
  return on ? min<f32>(max<f32>(v, -c), c) : v;
}

// The default gate activations (sigmoid for f, tanh for g and h) are inlined: the generic act_v is a call and a
// switch per four lanes, which costs as much as the matrix product at small H and large B. Same operations, same bits.
// @ts-ignore: decorator
@inline function act_sig(std: bool, code: i32, x: v128, a: f32, b: f32): v128 {
  return std ? sigmoid_vi(x) : act_v(code, x, a, b);
}
// @ts-ignore: decorator
@inline function act_tanh(std: bool, code: i32, x: v128, a: f32, b: f32): v128 {
  return std ? tanh_vi(x) : act_v(code, x, a, b);
}

/**
 * Zigzag: every other step walks the recurrent weights' panels from the last to the first. A step streams all of R
 * (1 MiB for an H = 256 LSTM), which on a core with a smaller L2 evicts itself in a plain cyclic walk, so that every
 * step reads all of it from L3; walking back, a step starts with the panels the previous one read last, still in L2.
 * Each panel's sums are the same in either order (the panels write disjoint outputs), so the bits do not change.
 * Measured 1.01–1.03× on a 512 KiB-L2 core, whose L3 streams nearly as fast as its L2 (bench/RESULTS.md, round 5).
 */
let zigzag: bool = true;
let downNext: bool = false;

/** Sets the zigzag walk (1 on, 0 off: every step walks up) and returns the previous setting. */
export function set_zigzag(on: i32): i32 {
  let old = zigzag ? 1 : 0;
  zigzag = on != 0;
  downNext = false;
  return old;
}

/** Whether this step walks the panels down; alternates from call to call, so also across streamed steps. */
function next_down(): bool {
  let down = downNext;
  downNext = zigzag && !down;
  return down;
}

// @ts-ignore: decorator
@inline function pidx(i: i32, NP: i32, down: bool): i32 { return down ? NP - 1 - i : i; }

/**
 * Pre-activations R·h for every row of one panel: gates[b][G][8] (row stride G·32 bytes). split: the panel is two
 * [K][16] halves (gates 0–1, 2–3; G = 4 only, see D_RSPLIT).
 */
function panel_rows(gates: usize, h: usize, hs: usize, w: usize, K: i32, G: i32, B: i32, split: bool): void {
  let gs = <usize>G * 32;
  if (B == 1) { panel_one(gates, h, w, K, G, split); return; }
  let b = 0;
  while (b < B) {
    let n = next_rows_step(B - b);
    if (n == 1) {
      panel_one(gates + <usize>b * gs, h + <usize>b * hs, w, K, G, split);
    } else if (n == 2) {
      // two rows, two gate blocks at a time (adjacent in a panel; in a split panel, each half is one pair)
      for (let g = 0; g < G; g += 2) {
        let o = gates + <usize>b * gs + <usize>g * 32;
        let wg = split ? w + <usize>(g >> 1) * <usize>K * 64 : w + <usize>g * 32;
        tile2x16(o, gs, h + <usize>b * hs, hs, wg, split ? 64 : gs, K, g + 1 == G);
      }
    } else {
      for (let g = 0; g < G; g++) {
        let o = gates + <usize>b * gs + <usize>g * 32;
        let wg = split ? w + <usize>(g >> 1) * <usize>K * 64 + <usize>(g & 1) * 32 : w + <usize>g * 32;
        let ws = split ? <usize>64 : gs;
        if (n == 6) tile6x8(o, gs, h + <usize>b * hs, hs, wg, ws, K);
        else tile4(o, gs, h + <usize>b * hs, hs, wg, ws, K);
      }
    }
    b += n;
  }
}

/** One row against one panel (panel1), or against the two halves of a split panel. */
function panel_one(out: usize, h: usize, w: usize, K: i32, G: i32, split: bool): void {
  if (split) {
    panel_pair(out, h, w, K);
    panel_pair(out + 64, h, w + <usize>K * 64, K);
  } else {
    panel1(out, h, w, K, G);
  }
}

/** Batch 1: the pre-activations of every panel, [NP][G][8] at gates (see gates_bytes); down: last panel first. */
function panels_all1(gates: usize, h: usize, w: usize, K: i32, G: i32, NP: i32, split: bool, down: bool): void {
  let panelBytes = <usize>K * <usize>G * 32, gs = <usize>G * 32;
  if (G == 1) { // one gate block: 3 panels at a time
    if (down) row_gemv8_down(gates, h, w, panelBytes, K, NP); else row_gemv8(gates, h, w, panelBytes, K, NP);
    return;
  }
  if (split) {
    for (let i = 0; i < NP; i++) {
      let p = pidx(i, NP, down);
      panel_one(gates + <usize>p * gs, h, w + <usize>p * panelBytes, K, G, true);
    }
    return;
  }
  if (down) {
    let p = NP;
    if (G == 2 && step_unroll()) {
      for (; p >= 2; p -= 2) panel2x2(gates + <usize>(p - 2) * gs, h, w + <usize>(p - 2) * panelBytes, panelBytes, K);
    }
    for (; p > 0; p--) panel1(gates + <usize>(p - 1) * gs, h, w + <usize>(p - 1) * panelBytes, K, G);
    return;
  }
  let p = 0;
  if (G == 2 && step_unroll()) {
    for (; p + 2 <= NP; p += 2) panel2x2(gates + <usize>p * gs, h, w + <usize>p * panelBytes, panelBytes, K);
  }
  for (; p < NP; p++) panel1(gates + <usize>p * gs, h, w + <usize>p * panelBytes, K, G);
}

/**
 * The gate math of a batch-1 LSTM step with the default activations and no peepholes, in two passes over all units:
 * first every gate activation (independent of each other, so the core overlaps many of them), then the cell and
 * output. The same operations per unit as the general loop below, so the same bits.
 */
function lstm_gates1(g: usize, x: usize, c: usize, out: usize, NP: i32, hasClip: bool, clip: f32, inputForget: bool): void {
  let end = g + <usize>NP * 128;
  for (let gp = g, xq = x; gp < end; gp += 128, xq += 128) {
    for (let o: usize = 0; o < 96; o += 16) {
      v128.store(gp + o, sigmoid_vi(clip_v(f32x4.add(v128.load(xq + o), v128.load(gp + o)), hasClip, clip)));
    }
  }
  for (let gp = g + 96, xq = x + 96; gp < end; gp += 128, xq += 128) {
    v128.store(gp, tanh_vi(clip_v(f32x4.add(v128.load(xq), v128.load(gp)), hasClip, clip)));
    v128.store(gp, tanh_vi(clip_v(f32x4.add(v128.load(xq, 16), v128.load(gp, 16)), hasClip, clip)), 16);
  }
  let one = f32x4.splat(1.0);
  for (let p = 0; p < NP; p++) {
    let gp = g + <usize>p * 128, cp = c + <usize>p * 32, op = out + <usize>p * 32;
    for (let o: usize = 0; o < 32; o += 16) {
      let it = v128.load(gp + o);
      let ft = inputForget ? f32x4.sub(one, it) : v128.load(gp + o, 64);
      let cn = madd(it, v128.load(gp + o, 96), f32x4.mul(ft, v128.load(cp + o)));
      v128.store(cp + o, cn);
      v128.store(op + o, f32x4.mul(v128.load(gp + o, 32), tanh_vi(cn)));
    }
  }
}

/**
 * The gate math of one panel of a batched LSTM step with the default activations and no peepholes (rows b < B, the
 * active ones): the general loop's operations for those units, without its calls to act_v (untaken, they still cost
 * the loop: B = 3, 8, 32 LSTM layers 1.00–1.04× faster without them in Node 24, Node 20 and Deno). One loop: the
 * same work as two passes (activations, then cells) measured 0.94–0.95× at B = 8 and 32. g: the panel's products
 * [B][4][8]; c, out: the panel's first unit in row 0 of the cell state (row stride cs) and of the output (row stride
 * os); xo: the panel's byte offset in a projection row.
 */
function lstm_gates_rows(g: usize, rowXp: usize, rowAct: usize, c: usize, cs: usize, out: usize, os: usize, xo: usize, B: i32, hasClip: bool, clip: f32, inputForget: bool): void {
  let one = f32x4.splat(1.0);
  for (let b = 0; b < B; b++, g += 128, c += cs, out += os) {
    if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
    let x = <usize>load<u32>(rowXp + (<usize>b << 2)) + xo;
    for (let o: usize = 0; o < 32; o += 16) {
      let it = sigmoid_vi(clip_v(f32x4.add(v128.load(x + o), v128.load(g + o)), hasClip, clip));
      let ft = inputForget ? f32x4.sub(one, it) : sigmoid_vi(clip_v(f32x4.add(v128.load(x + o, 64), v128.load(g + o, 64)), hasClip, clip));
      let ct = tanh_vi(clip_v(f32x4.add(v128.load(x + o, 96), v128.load(g + o, 96)), hasClip, clip));
      let cn = madd(it, ct, f32x4.mul(ft, v128.load(c + o)));
      let ot = sigmoid_vi(clip_v(f32x4.add(v128.load(x + o, 32), v128.load(g + o, 32)), hasClip, clip));
      v128.store(c + o, cn);
      v128.store(out + o, f32x4.mul(ot, tanh_vi(cn)));
    }
  }
}

/** The gate math of a batch-1 GRU step (linear_before_reset, default activations) in two passes, as lstm_gates1. */
function gru_gates1(g: usize, x: usize, rbh: usize, h: usize, out: usize, NP: i32, hasClip: bool, clip: f32): void {
  let end = g + <usize>NP * 96;
  for (let gp = g, xq = x; gp < end; gp += 96, xq += 96) {
    for (let o: usize = 0; o < 64; o += 16) {
      v128.store(gp + o, sigmoid_vi(clip_v(f32x4.add(v128.load(xq + o), v128.load(gp + o)), hasClip, clip)));
    }
  }
  let one = f32x4.splat(1.0);
  for (let p = 0; p < NP; p++) {
    let gp = g + <usize>p * 96, xq = x + <usize>p * 96, q = <usize>p * 32;
    for (let o: usize = 0; o < 32; o += 16) {
      let z = v128.load(gp + o);
      let hr = f32x4.add(v128.load(gp + o, 64), v128.load(rbh + q + o));
      let n = tanh_vi(clip_v(madd(v128.load(gp + o, 32), hr, v128.load(xq + o, 64)), hasClip, clip));
      v128.store(out + q + o, madd(z, v128.load(h + q + o), f32x4.mul(f32x4.sub(one, z), n)));
    }
  }
}

function step_simd(d: usize, hA: usize, hB: usize): void {
  let cell = di(d, D_CELL), B = di(d, D_B), H = di(d, D_H), Hp = di(d, D_HP), K = di(d, D_K), Kp = di(d, D_KP);
  let P = di(d, D_P);
  let R = dp(d, D_R), scratch = dp(d, D_SCRATCH);
  let clip = df(d, D_CLIP), hasClip = clip != Infinity;
  let fc = di(d, D_ACT), fa = df(d, D_ACT + 1), fb = df(d, D_ACT + 2);
  let gc = di(d, D_ACT + 3), ga = df(d, D_ACT + 4), gb = df(d, D_ACT + 5);
  let hc = di(d, D_ACT + 6), ha = df(d, D_ACT + 7), hb = df(d, D_ACT + 8);
  let NP = Hp >> 3;
  let hs = <usize>Kp << 2, hps = <usize>Hp << 2;
  let gates = scratch;
  let hraw = scratch + gates_bytes(B, Hp);
  let zbuf = hraw + <usize>B * hps;
  let rh = zbuf + <usize>B * hps;
  let rowXp = rh + <usize>B * hps + <usize>B * hs;
  let rowAct = rowXp + (<usize>B << 3);
  let one = f32x4.splat(1.0);
  let down = next_down();

  if (cell == CELL_LSTM) {
    let c = dp(d, D_C), peep = dp(d, D_PEEP), inputForget = di(d, D_IF) != 0, split = di(d, D_RSPLIT) != 0;
    let std = fc == ACT_SIGMOID && gc == ACT_TANH && hc == ACT_TANH;
    let dst = P ? hraw : hB, ds = P ? hps : hs;
    let panelBytes = <usize>K * 128;
    let one1 = B == 1;
    if (one1) panels_all1(gates, hA, R, K, 4, NP, split, down);
    if (one1 && std && !peep) {
      if (load<i32>(rowAct) == 1) lstm_gates1(gates, <usize>load<u32>(rowXp), c, dst, NP, hasClip, clip, inputForget);
    } else if (!one1 && std && !peep) {
      for (let i = 0; i < NP; i++) {
        let p = pidx(i, NP, down);
        panel_rows(gates, hA, hs, R + <usize>p * panelBytes, K, 4, B, split);
        lstm_gates_rows(gates, rowXp, rowAct, c + <usize>p * 32, hps, dst + <usize>p * 32, ds, <usize>p * 128, B, hasClip, clip, inputForget);
      }
    } else for (let i = 0; i < NP; i++) {
      let p = pidx(i, NP, down);
      if (!one1) panel_rows(gates, hA, hs, R + <usize>p * panelBytes, K, 4, B, split);
      for (let b = 0; b < B; b++) {
        if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
        let g = gates + (one1 ? <usize>p : <usize>b) * 128;
        let x = <usize>load<u32>(rowXp + (<usize>b << 2)) + <usize>p * 128;
        let cp = c + <usize>b * hps + <usize>p * 32;
        let out = dst + <usize>b * ds + <usize>p * 32;
        for (let o: usize = 0; o < 32; o += 16) {
          let ai = f32x4.add(v128.load(x + o), v128.load(g + o));
          let ao = f32x4.add(v128.load(x + o, 32), v128.load(g + o, 32));
          let af = f32x4.add(v128.load(x + o, 64), v128.load(g + o, 64));
          let ac = f32x4.add(v128.load(x + o, 96), v128.load(g + o, 96));
          let cprev = v128.load(cp + o);
          let pp = peep + <usize>p * 32 + o;
          if (peep) {
            ai = madd(v128.load(pp), cprev, ai);
            af = madd(v128.load(pp + 2 * hps), cprev, af);
          }
          let it = act_sig(std, fc, clip_v(ai, hasClip, clip), fa, fb);
          let ft = inputForget ? f32x4.sub(one, it) : act_sig(std, fc, clip_v(af, hasClip, clip), fa, fb);
          let ct = act_tanh(std, gc, clip_v(ac, hasClip, clip), ga, gb);
          let cn = madd(it, ct, f32x4.mul(ft, cprev));
          if (peep) ao = madd(v128.load(pp + hps), cn, ao);
          let ot = act_sig(std, fc, clip_v(ao, hasClip, clip), fa, fb);
          v128.store(cp + o, cn);
          v128.store(out + o, f32x4.mul(ot, act_tanh(std, hc, cn, ha, hb)));
        }
      }
    }
    if (P) {
      // h = Wp · hraw for every row (inactive rows are overwritten by the caller).
      let wp = dp(d, D_WP), PB = (P + 7) >> 3;
      let panelBytes = <usize>H * 32;
      let bt = tiled_rows(B); // rows after bt run below, one at a time across all panels
      for (let q = 0; q < PB; q++) {
        let w = wp + <usize>q * panelBytes;
        for (let b = 0, n = 0; b < bt; b += n) {
          n = next_rows(B - b);
          let o = hB + <usize>b * hs + <usize>q * 32, xr = hraw + <usize>b * hps;
          if (n == 6) tile6x8(o, hs, xr, hps, w, 32, H);
          else tile4(o, hs, xr, hps, w, 32, H);
        }
      }
      for (let b = bt; b < B; b++) row_gemv8(hB + <usize>b * hs, hraw + <usize>b * hps, wp, panelBytes, H, PB);
    }
  } else if (cell == CELL_GRU) {
    let lbr = di(d, D_LBR) != 0;
    let std = fc == ACT_SIGMOID && gc == ACT_TANH;
    if (lbr) {
      let rbh = dp(d, D_RBH);
      let panelBytes = <usize>K * 96;
      let one1 = B == 1;
      if (one1) panels_all1(gates, hA, R, K, 3, NP, false, down);
      if (one1 && std) {
        if (load<i32>(rowAct) == 1) gru_gates1(gates, <usize>load<u32>(rowXp), rbh, hA, hB, NP, hasClip, clip);
      } else for (let i = 0; i < NP; i++) {
        let p = pidx(i, NP, down);
        if (!one1) panel_rows(gates, hA, hs, R + <usize>p * panelBytes, K, 3, B, false);
        for (let b = 0; b < B; b++) {
          if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
          let g = gates + (one1 ? <usize>p : <usize>b) * 96;
          let x = <usize>load<u32>(rowXp + (<usize>b << 2)) + <usize>p * 96;
          let hp = hA + <usize>b * hs + <usize>p * 32;
          let out = hB + <usize>b * hs + <usize>p * 32;
          for (let o: usize = 0; o < 32; o += 16) {
            let z = act_sig(std, fc, clip_v(f32x4.add(v128.load(x + o), v128.load(g + o)), hasClip, clip), fa, fb);
            let r = act_sig(std, fc, clip_v(f32x4.add(v128.load(x + o, 32), v128.load(g + o, 32)), hasClip, clip), fa, fb);
            let hr = f32x4.add(v128.load(g + o, 64), v128.load(rbh + <usize>p * 32 + o));
            let n = act_tanh(std, gc, clip_v(madd(r, hr, v128.load(x + o, 64)), hasClip, clip), ga, gb);
            let hnew = madd(z, v128.load(hp + o), f32x4.mul(f32x4.sub(one, z), n));
            v128.store(out + o, hnew);
          }
        }
      }
    } else if (B == 1) {
      // batch 1: all z/r products, then z and r·h for every unit, all h-gate products, then n and h
      if (load<i32>(rowAct) == 1) {
        let x = <usize>load<u32>(rowXp);
        panels_all1(gates, hA, R, K, 2, NP, false, down);
        for (let p = 0; p < NP; p++) {
          let g = gates + <usize>p * 64, xq = x + <usize>p * 96, q = <usize>p * 32;
          for (let o: usize = 0; o < 32; o += 16) {
            let z = act_sig(std, fc, clip_v(f32x4.add(v128.load(xq + o), v128.load(g + o)), hasClip, clip), fa, fb);
            let r = act_sig(std, fc, clip_v(f32x4.add(v128.load(xq + o, 32), v128.load(g + o, 32)), hasClip, clip), fa, fb);
            v128.store(zbuf + q + o, z);
            v128.store(rh + q + o, f32x4.mul(r, v128.load(hA + q + o)));
          }
        }
        if (down) row_gemv8_down(gates, rh, dp(d, D_R2), <usize>H * 32, H, NP);
        else row_gemv8(gates, rh, dp(d, D_R2), <usize>H * 32, H, NP);
        for (let p = 0; p < NP; p++) {
          let xq = x + <usize>p * 96, q = <usize>p * 32;
          for (let o: usize = 0; o < 32; o += 16) {
            let n = act_tanh(std, gc, clip_v(f32x4.add(v128.load(xq + o, 64), v128.load(gates + q + o)), hasClip, clip), ga, gb);
            let z = v128.load(zbuf + q + o);
            v128.store(hB + q + o, madd(z, v128.load(hA + q + o), f32x4.mul(f32x4.sub(one, z), n)));
          }
        }
      }
    } else {
      let panelBytes = <usize>K * 64;
      for (let i = 0; i < NP; i++) {
        let p = pidx(i, NP, down);
        panel_rows(gates, hA, hs, R + <usize>p * panelBytes, K, 2, B, false);
        for (let b = 0; b < B; b++) {
          if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
          let g = gates + <usize>b * 64;
          let x = <usize>load<u32>(rowXp + (<usize>b << 2)) + <usize>p * 96;
          let hp = hA + <usize>b * hs + <usize>p * 32;
          let zp = zbuf + <usize>b * hps + <usize>p * 32;
          let rp = rh + <usize>b * hps + <usize>p * 32;
          for (let o: usize = 0; o < 32; o += 16) {
            let z = act_sig(std, fc, clip_v(f32x4.add(v128.load(x + o), v128.load(g + o)), hasClip, clip), fa, fb);
            let r = act_sig(std, fc, clip_v(f32x4.add(v128.load(x + o, 32), v128.load(g + o, 32)), hasClip, clip), fa, fb);
            v128.store(zp + o, z);
            v128.store(rp + o, f32x4.mul(r, v128.load(hp + o)));
          }
        }
      }
      let R2 = dp(d, D_R2);
      let panel2 = <usize>H * 32;
      for (let i = 0; i < NP; i++) {
        let p = pidx(i, NP, down);
        panel_rows(gates, rh, hps, R2 + <usize>p * panel2, H, 1, B, false);
        for (let b = 0; b < B; b++) {
          if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
          let g = gates + <usize>b * 32;
          let x = <usize>load<u32>(rowXp + (<usize>b << 2)) + <usize>p * 96;
          let hp = hA + <usize>b * hs + <usize>p * 32;
          let zp = zbuf + <usize>b * hps + <usize>p * 32;
          let out = hB + <usize>b * hs + <usize>p * 32;
          for (let o: usize = 0; o < 32; o += 16) {
            let n = act_tanh(std, gc, clip_v(f32x4.add(v128.load(x + o, 64), v128.load(g + o)), hasClip, clip), ga, gb);
            let z = v128.load(zp + o);
            v128.store(out + o, madd(z, v128.load(hp + o), f32x4.mul(f32x4.sub(one, z), n)));
          }
        }
      }
    }
  } else {
    let std = fc == ACT_TANH;
    let panelBytes = <usize>K * 32;
    let one1 = B == 1;
    if (one1) panels_all1(gates, hA, R, K, 1, NP, false, down);
    for (let i = 0; i < NP; i++) {
      let p = pidx(i, NP, down);
      if (!one1) panel_rows(gates, hA, hs, R + <usize>p * panelBytes, K, 1, B, false);
      for (let b = 0; b < B; b++) {
        if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
        let g = gates + (one1 ? <usize>p : <usize>b) * 32;
        let x = <usize>load<u32>(rowXp + (<usize>b << 2)) + <usize>p * 32;
        let out = hB + <usize>b * hs + <usize>p * 32;
        for (let o: usize = 0; o < 32; o += 16) {
          let a = clip_v(f32x4.add(v128.load(x + o), v128.load(g + o)), hasClip, clip);
          v128.store(out + o, act_tanh(std, fc, a, fa, fb));
        }
      }
    }
  }
}

// ------------------------------------------------------------------ scalar steps (the twins)

/** dot_packed for the LSTM's split layout (D_RSPLIT); a call, not inlined: the twin's size matters more than a call. */
function dot_split(w: usize, K: i32, g: i32, j: i32, h: usize): f32 {
  // the LSTM's split layout [Hp/8][2][K][16]: gate g of unit j at half g >> 1, column (g & 1)·8 + (j & 7)
  let base = w + (<usize>(j >> 3) * <usize>K * 32 + <usize>(g >> 1) * <usize>K * 16 + <usize>(g & 1) * 8 + <usize>(j & 7)) * 4;
  let acc: f32 = 0;
  for (let k = 0; k < K; k++) acc = madd_s(load<f32>(base + <usize>k * 64), load<f32>(h + (<usize>k << 2)), acc);
  return acc;
}

/** Σ_k R[unit j, gate g][k] · h[k] over packed [NP][K][G][8], accumulated like the tiles. */
// @ts-ignore: decorator
@inline function dot_packed(w: usize, K: i32, G: i32, g: i32, j: i32, h: usize): f32 {
  let base = w + (<usize>(j >> 3) * <usize>K * <usize>G * 8 + <usize>g * 8 + <usize>(j & 7)) * 4;
  let step = <usize>G * 32;
  let acc: f32 = 0;
  for (let k = 0; k < K; k++) acc = madd_s(load<f32>(base + <usize>k * step), load<f32>(h + (<usize>k << 2)), acc);
  return acc;
}

// @ts-ignore: decorator
@inline function xcol(x: usize, Gx: i32, g: i32, j: i32): f32 {
  return load<f32>(x + ((<usize>(j >> 3) * <usize>Gx * 8 + <usize>g * 8 + <usize>(j & 7)) << 2));
}

function step_ref(d: usize, hA: usize, hB: usize): void {
  let split = di(d, D_RSPLIT) != 0;
  let cell = di(d, D_CELL), B = di(d, D_B), H = di(d, D_H), Hp = di(d, D_HP), K = di(d, D_K), Kp = di(d, D_KP);
  let P = di(d, D_P);
  let R = dp(d, D_R), scratch = dp(d, D_SCRATCH);
  let clip = df(d, D_CLIP), hasClip = clip != Infinity;
  let fc = di(d, D_ACT), fa = df(d, D_ACT + 1), fb = df(d, D_ACT + 2);
  let gc = di(d, D_ACT + 3), ga = df(d, D_ACT + 4), gb = df(d, D_ACT + 5);
  let hc = di(d, D_ACT + 6), ha = df(d, D_ACT + 7), hb = df(d, D_ACT + 8);
  let hs = <usize>Kp << 2, hps = <usize>Hp << 2;
  let hraw = scratch + gates_bytes(B, Hp);
  let zbuf = hraw + <usize>B * hps;
  let rh = zbuf + <usize>B * hps;
  let rowXp = rh + <usize>B * hps + <usize>B * hs;
  let rowAct = rowXp + (<usize>B << 3);

  for (let b = 0; b < B; b++) {
    if (load<i32>(rowAct + (<usize>b << 2)) != 1) continue;
    let x = <usize>load<u32>(rowXp + (<usize>b << 2));
    let h = hA + <usize>b * hs;
    let out = hB + <usize>b * hs;
    if (cell == CELL_LSTM) {
      let c = dp(d, D_C) + <usize>b * hps, peep = dp(d, D_PEEP), inputForget = di(d, D_IF) != 0;
      let dst = P ? hraw + <usize>b * hps : out;
      for (let j = 0; j < H; j++) {
        let ai = xcol(x, 4, 0, j) + (split ? dot_split(R, K, 0, j, h) : dot_packed(R, K, 4, 0, j, h));
        let ao = xcol(x, 4, 1, j) + (split ? dot_split(R, K, 1, j, h) : dot_packed(R, K, 4, 1, j, h));
        let af = xcol(x, 4, 2, j) + (split ? dot_split(R, K, 2, j, h) : dot_packed(R, K, 4, 2, j, h));
        let ac = xcol(x, 4, 3, j) + (split ? dot_split(R, K, 3, j, h) : dot_packed(R, K, 4, 3, j, h));
        let cprev = load<f32>(c + (<usize>j << 2));
        if (peep) {
          ai = madd_s(load<f32>(peep + (<usize>j << 2)), cprev, ai);
          af = madd_s(load<f32>(peep + 2 * hps + (<usize>j << 2)), cprev, af);
        }
        let it = act_s(fc, clip_s(ai, hasClip, clip), fa, fb);
        let ft = inputForget ? <f32>1.0 - it : act_s(fc, clip_s(af, hasClip, clip), fa, fb);
        let ct = act_s(gc, clip_s(ac, hasClip, clip), ga, gb);
        let cn = madd_s(it, ct, ft * cprev);
        if (peep) ao = madd_s(load<f32>(peep + hps + (<usize>j << 2)), cn, ao);
        let ot = act_s(fc, clip_s(ao, hasClip, clip), fa, fb);
        store<f32>(c + (<usize>j << 2), cn);
        store<f32>(dst + (<usize>j << 2), ot * act_s(hc, cn, ha, hb));
      }
      if (P) {
        let wp = dp(d, D_WP);
        for (let q = 0; q < P; q++) {
          store<f32>(out + (<usize>q << 2), dot_packed(wp, H, 1, 0, q, dst));
        }
      }
    } else if (cell == CELL_GRU) {
      if (di(d, D_LBR)) {
        let rbh = dp(d, D_RBH);
        for (let j = 0; j < H; j++) {
          let z = act_s(fc, clip_s(xcol(x, 3, 0, j) + dot_packed(R, K, 3, 0, j, h), hasClip, clip), fa, fb);
          let r = act_s(fc, clip_s(xcol(x, 3, 1, j) + dot_packed(R, K, 3, 1, j, h), hasClip, clip), fa, fb);
          let hr = dot_packed(R, K, 3, 2, j, h) + load<f32>(rbh + (<usize>j << 2));
          let n = act_s(gc, clip_s(madd_s(r, hr, xcol(x, 3, 2, j)), hasClip, clip), ga, gb);
          store<f32>(out + (<usize>j << 2), madd_s(z, load<f32>(h + (<usize>j << 2)), (<f32>1.0 - z) * n));
        }
      } else {
        let zr = zbuf + <usize>b * hps, rr = rh + <usize>b * hps;
        for (let j = 0; j < H; j++) {
          let z = act_s(fc, clip_s(xcol(x, 3, 0, j) + dot_packed(R, K, 2, 0, j, h), hasClip, clip), fa, fb);
          let r = act_s(fc, clip_s(xcol(x, 3, 1, j) + dot_packed(R, K, 2, 1, j, h), hasClip, clip), fa, fb);
          store<f32>(zr + (<usize>j << 2), z);
          store<f32>(rr + (<usize>j << 2), r * load<f32>(h + (<usize>j << 2)));
        }
        let R2 = dp(d, D_R2);
        for (let j = 0; j < H; j++) {
          let n = act_s(gc, clip_s(xcol(x, 3, 2, j) + dot_packed(R2, H, 1, 0, j, rr), hasClip, clip), ga, gb);
          let z = load<f32>(zr + (<usize>j << 2));
          store<f32>(out + (<usize>j << 2), madd_s(z, load<f32>(h + (<usize>j << 2)), (<f32>1.0 - z) * n));
        }
      }
    } else {
      for (let j = 0; j < H; j++) {
        let a = clip_s(xcol(x, 1, 0, j) + dot_packed(R, K, 1, 0, j, h), hasClip, clip);
        store<f32>(out + (<usize>j << 2), act_s(fc, a, fa, fb));
      }
    }
  }
}
