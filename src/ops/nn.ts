// The non-recurrent layers real models put around the recurrent core: dense (linear), embedding, element-wise
// activations and softmax. Matrix and transcendental math runs in the engine's kernels (f32_gemm, f32_vact,
// f32_softmax), never through Math.exp, so results are bit-identical across runtimes for a build.

import type { Engine } from "../engine/engine.js";
import { RnnError } from "../errors.js";
import { type ActSpec, round8 } from "../core/spec.js";

/** y = x·Wᵀ + b for rows of x; W is [outFeatures, inFeatures] row-major (PyTorch Linear / ONNX Gemm transB=1). */
export class Dense {
  readonly engine: Engine;
  readonly inFeatures: number;
  readonly outFeatures: number;
  private w = 0;
  private bias = 0;
  private readonly Np: number;

  constructor(engine: Engine, W: Float32Array, b: Float32Array | null, outFeatures: number, inFeatures: number) {
    if (W.length !== outFeatures * inFeatures) {
      throw new RnnError("SHAPE_MISMATCH", `dense weight: expected ${outFeatures}×${inFeatures} = ${outFeatures * inFeatures} values, found ${W.length}`);
    }
    if (b && b.length !== outFeatures) throw new RnnError("SHAPE_MISMATCH", `dense bias: expected ${outFeatures} values, found ${b.length}`);
    engine.checkElements(W.length, "dense weight");
    this.engine = engine;
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.Np = round8(outFeatures);
    this.w = engine.packPanels(W, inFeatures, outFeatures, 1, outFeatures, 0, 8, "dense weight");
    if (b) {
      const bp = new Float32Array(this.Np);
      bp.set(b);
      try {
        this.bias = engine.upload(bp, "dense bias");
      } catch (e) {
        engine.free(this.w);
        this.w = 0;
        throw e;
      }
    }
  }

  /** x: rows × inFeatures → rows × outFeatures. */
  run(x: Float32Array, rows: number): Float32Array {
    if (!this.w) throw new RnnError("DISPOSED", "this dense layer was disposed");
    if (x.length !== rows * this.inFeatures) {
      throw new RnnError("SHAPE_MISMATCH", `dense input: expected ${rows}×${this.inFeatures} values, found ${x.length}`);
    }
    const e = this.engine, I = this.inFeatures, Np = this.Np, O = this.outFeatures;
    const xp = e.alloc(Math.max(1, x.length) * 4, "dense input");
    let yp = 0;
    try {
      yp = e.alloc(Math.max(1, rows * Np) * 4, "dense output");
      e.write(xp, x);
      e.k.f32_gemm(yp, Np * 4, xp, I * 4, this.w, this.bias, rows, I, Np);
      const f = e.f32();
      const out = new Float32Array(rows * O);
      for (let r = 0; r < rows; r++) out.set(f.subarray((yp >> 2) + r * Np, (yp >> 2) + r * Np + O), r * O);
      return out;
    } finally {
      e.free(xp);
      e.free(yp);
    }
  }

  dispose(): void {
    this.engine.free(this.w);
    this.engine.free(this.bias);
    this.w = this.bias = 0;
  }
}

/** A new array with act applied element-wise (codes as src/core/spec.ts ACT). */
export function activate(engine: Engine, x: Float32Array, a: ActSpec): Float32Array {
  if (x.length === 0) return new Float32Array(0);
  const p = engine.upload(x, "activation input");
  try {
    engine.k.f32_vact(p, p, x.length, a.code, a.alpha, a.beta);
    return engine.read(p, x.length);
  } finally {
    engine.free(p);
  }
}

/** Softmax (or log-softmax) over the last axis: rows × n. */
export function softmax(engine: Engine, x: Float32Array, rows: number, n: number, log = false): Float32Array {
  if (x.length !== rows * n) throw new RnnError("SHAPE_MISMATCH", `softmax input: expected ${rows}×${n} values, found ${x.length}`);
  if (x.length === 0) return new Float32Array(0);
  // separate input and output blocks: the kernel's log mode reads the input again after writing the exponentials
  const p = engine.upload(x, "softmax input");
  let o = 0;
  try {
    o = engine.alloc(x.length * 4, "softmax output");
    engine.k.f32_softmax(o, p, rows, n, log ? 1 : 0);
    return engine.read(o, x.length);
  } finally {
    engine.free(p);
    engine.free(o);
  }
}

/** Rows of `table` ([vocab, dim]) for each id; an id outside [0, vocab) is a BAD_ARGUMENT naming `what`. */
export function embedding(table: Float32Array, vocab: number, dim: number, ids: ArrayLike<number>, what = "input ids"): Float32Array {
  const out = new Float32Array(ids.length * dim);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!Number.isInteger(id) || id < 0 || id >= vocab) {
      throw new RnnError("BAD_ARGUMENT", `${what}[${i}]: expected an integer id from 0 to ${vocab - 1}, found ${id}`);
    }
    out.set(table.subarray(id * dim, id * dim + dim), i * dim);
  }
  return out;
}
