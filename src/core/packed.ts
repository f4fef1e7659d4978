// A canonical layer's weights packed once into the layouts the kernels stream (assembly/gemm.ts "panel8",
// assembly/rnn.ts R/R2/rbh/peep/wp), resident in one engine's memory until dispose().

import type { Engine } from "../engine/engine.js";
import { RnnError } from "../errors.js";
import { type DirWeights, type LayerSpec, gatesOf, outSize, round8 } from "./spec.js";

export interface PackedDir {
  w: number;     // input weights, panel8 [G·Hp/8][I][8]
  bias: number;  // [G·Hp] folded biases in panel-gate column order
  r: number;     // recurrent weights [Hp/8][K][Gr][8]
  r2: number;    // GRU without linear_before_reset: h gate [Hp/8][H][8]
  rbh: number;   // GRU with linear_before_reset: recurrent bias of the h gate [Hp]
  peep: number;  // [3][Hp] or 0
  wp: number;    // projection panel8 [Pp/8][H][8] or 0
}

/** Column of (gate g, unit j) in a projection row: panel-gate order. */
function col(G: number, g: number, j: number): number {
  return (j >> 3) * G * 8 + g * 8 + (j & 7);
}

/** Packs a [rows, cols] matrix into panel8: ((n >> 3)·cols + k)·8 + (n & 7), rows padded to a multiple of 8. */
export function panel8(src: ArrayLike<number>, rows: number, cols: number, rowOf: (n: number) => number, nOut: number): Float32Array {
  const out = new Float32Array(round8(nOut) * cols);
  for (let n = 0; n < nOut; n++) {
    const r = rowOf(n);
    if (r < 0 || r >= rows) continue;
    const base = ((n >> 3) * cols) * 8 + (n & 7);
    for (let k = 0; k < cols; k++) out[base + k * 8] = src[r * cols + k];
  }
  return out;
}

export class PackedLayer {
  readonly spec: LayerSpec;
  readonly engine: Engine;
  readonly dirs: PackedDir[] = [];
  readonly G: number;
  readonly Hp: number;
  readonly K: number;
  readonly Kp: number;
  /** LSTM R packed as [Hp/8][2][K][16] (Engine.splitR) instead of [Hp/8][K][4][8]; the descriptor says which. */
  readonly rSplit: boolean;
  private blocks: number[] = [];

  constructor(engine: Engine, spec: LayerSpec, weights: DirWeights[]) {
    this.engine = engine;
    this.spec = spec;
    const H = spec.hiddenSize, I = spec.inputSize, G = gatesOf(spec.cell);
    const K = outSize(spec);
    this.G = G;
    this.Hp = round8(H);
    this.K = K;
    this.Kp = round8(K);
    this.rSplit = G === 4 && engine.splitR;
    const Hp = this.Hp;
    engine.checkElements(G * Hp * Math.max(I, K, 1), "layer weights");
    try {
      for (const w of weights) this.dirs.push(this.packDir(w, H, I, G, K, Hp));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  private up(a: Float32Array, what: string): number {
    const p = this.engine.upload(a, what);
    this.blocks.push(p);
    return p;
  }

  /** Packs into the engine's memory (Engine.packPanels) and keeps the block for dispose(). */
  private pack(src: Float32Array, cols: number, nOut: number, G: number, H: number, rowBase: number, W: number, what: string): number {
    const p = this.engine.packPanels(src, cols, nOut, G, H, rowBase, W, what);
    this.blocks.push(p);
    return p;
  }

  private packDir(w: DirWeights, H: number, I: number, G: number, K: number, Hp: number): PackedDir {
    const spec = this.spec;
    const gru = spec.cell === "gru", lbr = spec.linearBeforeReset;
    const N = G * Hp;
    const bias = new Float32Array(N);
    for (let g = 0; g < G; g++) {
      for (let j = 0; j < H; j++) {
        const keepRb = !(gru && lbr && g === 2);
        bias[col(G, g, j)] = w.Wb[g * H + j] + (keepRb ? w.Rb[g * H + j] : 0);
      }
    }
    const d: PackedDir = { w: 0, bias: 0, r: 0, r2: 0, rbh: 0, peep: 0, wp: 0 };
    // input weights: column n ↔ (gate g, unit j) in panel-gate order, row of W = g·H + j; panel8 [N/8][I][8]
    const byCols = w.columns; // Keras kernels: [I, G·H] and [K, G·H] column blocks
    const colPack = (src: Float32Array, cols: number, gates: number[], W: number, what: string): number => {
      const p = this.engine.packColumns(src, cols, G * H, gates.map((g) => byCols![g] * H), H, W, what);
      this.blocks.push(p);
      return p;
    };
    const gates = (from: number, n: number): number[] => Array.from({ length: n }, (_, g) => from + g);
    d.w = byCols ? colPack(w.W, I, gates(0, G), 8, "input weights") : this.pack(w.W, I, N, G, H, 0, 8, "input weights");
    d.bias = this.up(bias, "biases");
    // recurrent weights [Hp/8][K][Gr][8], or the LSTM's split [Hp/8][2][K][16] (two gate pairs per panel); the GRU
    // without linear_before_reset keeps its h gate apart (R2, panel8)
    const Gr = gru && !lbr ? 2 : G;
    d.r = byCols ? colPack(w.R, K, gates(0, Gr), this.rSplit ? 16 : Gr * 8, "recurrent weights")
      : this.pack(w.R, K, Gr * Hp, Gr, H, 0, this.rSplit ? 16 : Gr * 8, "recurrent weights");
    if (gru && !lbr) {
      d.r2 = byCols ? colPack(w.R, K, [2], 8, "recurrent weights (h gate)") : this.pack(w.R, K, Hp, 1, H, 2 * H, 8, "recurrent weights (h gate)");
    }
    if (gru && lbr) {
      const rbh = new Float32Array(Hp);
      for (let j = 0; j < H; j++) rbh[j] = w.Rb[2 * H + j];
      d.rbh = this.up(rbh, "recurrent bias (h gate)");
    }
    if (w.P) {
      const peep = new Float32Array(3 * Hp);
      for (let g = 0; g < 3; g++) for (let j = 0; j < H; j++) peep[g * Hp + j] = w.P[g * H + j];
      d.peep = this.up(peep, "peepholes");
    }
    if (spec.projSize > 0) {
      if (!w.Wp) throw new RnnError("BAD_MODEL", "projection weights missing for a layer with projSize > 0");
      d.wp = this.pack(w.Wp, H, spec.projSize, 1, spec.projSize, 0, 8, "projection weights");
    }
    return d;
  }

  dispose(): void {
    for (const p of this.blocks) this.engine.free(p);
    this.blocks = [];
    this.dirs.length = 0;
  }
}
