// The runner: drives the input-projection GEMM and the sequence kernel over layers and directions, keeping the data
// in wasm memory from the first copy-in to the last copy-out. Also the persistent state of a stream.
//
// Buffers (per run): x (caller's layout), per layer its output Y (time-major except the last layer, which writes the
// caller's layout), one xproj buffer reused by every layer and direction; per (layer, direction) the h/h2/c states,
// a scratch block and a descriptor (assembly/rnn.ts D_*).

import type { Engine } from "../engine/engine.js";
import type { PackedLayer } from "./packed.js";
import { outSize } from "./spec.js";

// Descriptor fields (assembly/rnn.ts).
const D = {
  CELL: 0, T: 1, B: 2, H: 3, HP: 4, K: 5, KP: 6, P: 7, REV: 8, XP: 9, XPT: 10, XPB: 11, R: 12, R2: 13, RBH: 14,
  PEEP: 15, WP: 16, LENS: 17, MASK: 18, MASKOUT: 19, Y: 20, YT: 21, YB: 22, H0: 23, H1: 24, C: 25, SCRATCH: 26,
  CLIP: 27, IF: 28, LBR: 29, ACT: 30, RSPLIT: 39, COUNT: 40,
} as const;
const CELL_CODE = { rnn: 0, lstm: 1, gru: 2 } as const;

export interface RunInput {
  /** Byte address of the input rows: [T·B, I] in time-major (t·B + b) or batch-major (b·T + t) row order. */
  x: number;
  T: number;
  /** Input rows are batch-major ([B, T, I]). */
  batchFirst: boolean;
  /** Byte address of i32[B] lengths, or 0. */
  lens: number;
  /** Byte address of u8[T][B] mask (1 = valid), or 0. */
  mask: number;
  /** Masked steps output zeros (false) or the previous output (true). */
  maskRepeat: boolean;
}

/** Byte addresses of one (layer, direction)'s blocks; all carved from one allocation at `block`. */
interface DirState { h: number; h2: number; c: number; desc: number; scratch: number; block: number }

/** Rounds a byte count up to the arena's 64-byte alignment. */
function align64(bytes: number): number { return Math.ceil(bytes / 64) * 64; }

/** The states of every (layer, direction) of a stack for a batch of B rows, resident in engine memory. */
export class StackState {
  readonly engine: Engine;
  readonly layers: PackedLayer[];
  readonly B: number;
  readonly dirs: DirState[][] = [];
  private bufs: { x: number; xBytes: number; xp: number; xpBytes: number; y: number[]; yBytes: number[]; aux: number; auxBytes: number };
  private disposedFlag = false;

  constructor(engine: Engine, layers: PackedLayer[], B: number) {
    this.engine = engine;
    this.layers = layers;
    this.B = B;
    this.bufs = { x: 0, xBytes: 0, xp: 0, xpBytes: 0, y: layers.map(() => 0), yBytes: layers.map(() => 0), aux: 0, auxBytes: 0 };
    try {
      for (const L of layers) {
        const row: DirState[] = [];
        this.dirs.push(row); // before allocating, so that dispose() frees a partly built row
        for (let d = 0; d < L.spec.directions; d++) {
          // one allocation per (layer, direction): h [B][Kp], h2 [B][Kp], c [B][Hp] (LSTM), scratch, descriptor
          const hBytes = align64(B * L.Kp * 4);
          const cBytes = L.spec.cell === "lstm" ? align64(B * L.Hp * 4) : 0;
          const scratchBytes = align64(engine.k.rnn_seq_scratch_bytes(B, L.Hp, L.Kp));
          const block = engine.alloc(2 * hBytes + cBytes + scratchBytes + D.COUNT * 4, "recurrent state");
          const s: DirState = {
            block, h: block, h2: block + hBytes, c: cBytes ? block + 2 * hBytes : 0,
            scratch: block + 2 * hBytes + cBytes, desc: block + 2 * hBytes + cBytes + scratchBytes,
          };
          row.push(s);
        }
      }
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /**
   * Sets the initial states of every (layer, direction) from [L·D, B, Hout] / [L·D, B, H] arrays (or zeros). With
   * layers of different sizes the blocks are concatenated in (layer, direction) order.
   */
  setStates(h0: ArrayLike<number> | null, c0: ArrayLike<number> | null): void {
    const B = this.B;
    let ho = 0, co = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const K = L.K, H = L.spec.hiddenSize;
      for (const s of this.dirs[l]) {
        const f = this.engine.f32();
        f.fill(0, s.h >> 2, (s.h >> 2) + B * L.Kp);
        if (h0) for (let b = 0; b < B; b++) for (let k = 0; k < K; k++) f[(s.h >> 2) + b * L.Kp + k] = h0[ho + b * K + k];
        ho += B * K;
        if (s.c) {
          f.fill(0, s.c >> 2, (s.c >> 2) + B * L.Hp);
          if (c0) for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) f[(s.c >> 2) + b * L.Hp + j] = c0[co + b * H + j];
          co += B * H;
        }
      }
    }
  }

  /** Total floats of the h and c state blocks over every (layer, direction). */
  stateSizes(): { h: number; c: number } {
    let h = 0, c = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      for (const s of this.dirs[l]) { h += this.B * L.K; if (s.c) c += this.B * L.spec.hiddenSize; }
    }
    return { h, c };
  }

  /** The current states as [L·D, B, Hout] and [L·D, B, H] (c null unless LSTM). */
  getStates(): { h: Float32Array; c: Float32Array | null } {
    const B = this.B;
    const sizes = this.stateSizes();
    const h = new Float32Array(sizes.h);
    const c = this.layers[0].spec.cell === "lstm" ? new Float32Array(sizes.c) : null;
    const f = this.engine.f32();
    let ho = 0, co = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const K = L.K, H = L.spec.hiddenSize;
      for (const s of this.dirs[l]) {
        for (let b = 0; b < B; b++) {
          h.set(f.subarray((s.h >> 2) + b * L.Kp, (s.h >> 2) + b * L.Kp + K), ho + b * K);
          if (c && s.c) c.set(f.subarray((s.c >> 2) + b * L.Hp, (s.c >> 2) + b * L.Hp + H), co + b * H);
        }
        ho += B * K;
        if (s.c) co += B * H;
      }
    }
    return { h, c };
  }

  /** Ensures the shared input/projection/output buffers hold at least the given bytes. */
  private ensure(which: "x" | "xp", bytes: number): number {
    const b = this.bufs;
    if (which === "x") {
      if (b.xBytes < bytes) { this.engine.free(b.x); b.x = 0; b.x = this.engine.alloc(bytes, "input"); b.xBytes = bytes; }
      return b.x;
    }
    if (b.xpBytes < bytes) { this.engine.free(b.xp); b.xp = 0; b.xp = this.engine.alloc(bytes, "input projection"); b.xpBytes = bytes; }
    return b.xp;
  }
  private ensureY(l: number, bytes: number): number {
    const b = this.bufs;
    if (b.yBytes[l] < bytes) { this.engine.free(b.y[l]); b.y[l] = 0; b.y[l] = this.engine.alloc(bytes, "layer output"); b.yBytes[l] = bytes; }
    return b.y[l];
  }

  /**
   * Copies the per-run inputs in: x ([T·B, I] rows), lengths (i32[B]) and mask (u8[T][B]); returns their addresses
   * (0 for what is absent). Buffers are kept and reused across calls.
   */
  upload(x: ArrayLike<number>, lengths: ArrayLike<number> | null, mask: ArrayLike<number> | null): { x: number; lens: number; mask: number } {
    const xb = this.ensure("x", Math.max(1, x.length) * 4);
    const auxBytes = (lengths ? this.B * 4 : 0) + (mask ? mask.length : 0);
    const b = this.bufs;
    if (auxBytes > b.auxBytes) { this.engine.free(b.aux); b.aux = 0; b.aux = this.engine.alloc(auxBytes, "lengths and mask"); b.auxBytes = auxBytes; }
    this.engine.f32().set(x, xb >> 2);
    let lens = 0, m = 0;
    if (lengths) { lens = b.aux; this.engine.i32().set(lengths, lens >> 2); }
    if (mask) { m = b.aux + (lengths ? this.B * 4 : 0); this.engine.u8().set(mask, m); }
    return { x: xb, lens, mask: m };
  }

  /** A buffer for T·B·I input floats (reused across calls). */
  inputBuffer(floats: number): number { return this.ensure("x", floats * 4); }

  /**
   * Runs every layer over the input rows at `inp.x`; returns the byte address of the last layer's output, laid out
   * [T, B, D·Hout] (or [B, T, D·Hout] when inp.batchFirst). States advance in place.
   */
  run(inp: RunInput): number {
    const { engine, B } = this;
    const T = inp.T;
    const k = engine.k;
    let x = inp.x;
    let xBatchMajor = inp.batchFirst;
    let I = this.layers[0].spec.inputSize;
    let y = 0;
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const spec = L.spec;
      const Dn = spec.directions;
      const Hout = outSize(spec);
      const last = l === this.layers.length - 1;
      const yBatchMajor = last && inp.batchFirst;
      const N = L.G * L.Hp;
      const xp = this.ensure("xp", Math.max(1, T * B) * N * 4);
      y = this.ensureY(l, Math.max(1, T * B * Dn * Hout) * 4);
      if (l > 0) x = this.bufs.y[l - 1];
      for (let d = 0; d < Dn; d++) {
        const P = L.dirs[d], s = this.dirs[l][d];
        k.f32_gemm(xp, N * 4, x, I * 4, P.w, P.bias, T * B, I, N);
        const i32 = engine.i32(), f32 = engine.f32();
        const o = s.desc >> 2;
        const acts = spec.acts[d];
        i32[o + D.CELL] = CELL_CODE[spec.cell];
        i32[o + D.T] = T;
        i32[o + D.B] = B;
        i32[o + D.H] = spec.hiddenSize;
        i32[o + D.HP] = L.Hp;
        i32[o + D.K] = L.K;
        i32[o + D.KP] = L.Kp;
        i32[o + D.P] = spec.projSize;
        i32[o + D.REV] = d === 1 ? 1 : 0;
        i32[o + D.XP] = xp;
        i32[o + D.XPT] = xBatchMajor ? N : B * N;
        i32[o + D.XPB] = xBatchMajor ? T * N : N;
        i32[o + D.R] = P.r;
        i32[o + D.R2] = P.r2;
        i32[o + D.RBH] = P.rbh;
        i32[o + D.PEEP] = P.peep;
        i32[o + D.WP] = P.wp;
        i32[o + D.LENS] = inp.lens;
        i32[o + D.MASK] = inp.mask;
        i32[o + D.MASKOUT] = inp.maskRepeat ? 1 : 0;
        i32[o + D.Y] = y + d * Hout * 4;
        i32[o + D.YT] = yBatchMajor ? Dn * Hout : B * Dn * Hout;
        i32[o + D.YB] = yBatchMajor ? T * Dn * Hout : Dn * Hout;
        i32[o + D.H0] = s.h;
        i32[o + D.H1] = s.h2;
        i32[o + D.C] = s.c;
        i32[o + D.SCRATCH] = s.scratch;
        f32[o + D.CLIP] = spec.clip;
        i32[o + D.IF] = spec.inputForget ? 1 : 0;
        i32[o + D.LBR] = spec.linearBeforeReset ? 1 : 0;
        i32[o + D.RSPLIT] = L.rSplit ? 1 : 0;
        for (let a = 0; a < 3; a++) {
          const A = acts[a] ?? acts[0];
          i32[o + D.ACT + 3 * a] = A.code;
          f32[o + D.ACT + 3 * a + 1] = A.alpha;
          f32[o + D.ACT + 3 * a + 2] = A.beta;
        }
        k.rnn_seq(s.desc);
      }
      x = y;
      xBatchMajor = false;
      I = Dn * Hout;
    }
    return y;
  }

  get disposed(): boolean { return this.disposedFlag; }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    const e = this.engine;
    for (const row of this.dirs) for (const s of row) e.free(s.block);
    e.free(this.bufs.x); e.free(this.bufs.xp); e.free(this.bufs.aux);
    for (const p of this.bufs.y) e.free(p);
    this.dirs.length = 0;
  }
}
