// A stack of canonical recurrent layers on one engine: whole-sequence forward and streaming, with the validation
// of every caller-supplied tensor. The user-facing classes and the importers build on it.

import type { ForwardResult, StreamState, Tensor } from "../api.js";
import type { Engine } from "../engine/engine.js";
import { RnnError, describe } from "../errors.js";
import { PackedLayer } from "./packed.js";
import { StackState } from "./runner.js";
import { type DirWeights, type LayerSpec, outSize } from "./spec.js";
import { checkDims, checkF32, checkLengths, product } from "./tensor.js";

export interface StackForwardOptions {
  h0?: Tensor;
  c0?: Tensor;
  lengths?: ArrayLike<number>;
  /** Keras-style mask [T, B] (time-major, nonzero = valid). */
  mask?: ArrayLike<number>;
  /** What masked steps output: zeros (default) or the previous output. */
  maskRepeat?: boolean;
}

export class RecurrentStack {
  readonly engine: Engine;
  readonly specs: LayerSpec[];
  readonly layers: PackedLayer[] = [];
  readonly batchFirst: boolean;
  private disposedFlag = false;
  private readonly owner: string;
  private readonly streams = new Set<Stream>();
  private runState: StackState | null = null;

  constructor(engine: Engine, specs: LayerSpec[], weights: DirWeights[][], batchFirst: boolean, owner = "layer") {
    this.engine = engine;
    this.specs = specs;
    this.batchFirst = batchFirst;
    this.owner = owner;
    try {
      for (let l = 0; l < specs.length; l++) this.layers.push(new PackedLayer(engine, specs[l], weights[l]));
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  get disposed(): boolean { return this.disposedFlag; }
  assertLive(): void {
    if (this.disposedFlag) throw new RnnError("DISPOSED", `this ${this.owner} was disposed`);
  }

  get inputSize(): number { return this.specs[0].inputSize; }
  get directions(): number { return this.specs[0].directions; }
  get outSize(): number { return outSize(this.specs[this.specs.length - 1]); }
  get isLstm(): boolean { return this.specs[0].cell === "lstm"; }
  /** Uniform stacks (PyTorch): every layer has the same output and hidden size. */
  private get uniform(): boolean {
    return this.specs.every((s) => outSize(s) === outSize(this.specs[0]) && s.hiddenSize === this.specs[0].hiddenSize && s.directions === this.specs[0].directions);
  }
  private get numStates(): number { return this.specs.reduce((a, s) => a + s.directions, 0); }

  private checkStates(opts: StackForwardOptions, B: number, unbatched: boolean): { h0: Float32Array | null; c0: Float32Array | null } {
    const S = this.numStates;
    let h0: Float32Array | null = null, c0: Float32Array | null = null;
    if (opts.h0 !== undefined && opts.h0 !== null) {
      checkF32(opts.h0, "h0");
      if (this.uniform) {
        const K = outSize(this.specs[0]);
        checkDims(opts.h0, "h0", unbatched ? [S, K] : [S, B, K], unbatched ? "layers·directions, hidden" : "layers·directions, batch, hidden");
      }
      h0 = opts.h0.data;
    }
    if (opts.c0 !== undefined && opts.c0 !== null) {
      if (!this.isLstm) throw new RnnError("BAD_ARGUMENT", `c0: only an LSTM has a cell state, this is a ${this.specs[0].cell.toUpperCase()}`);
      checkF32(opts.c0, "c0");
      if (this.uniform) {
        const H = this.specs[0].hiddenSize;
        checkDims(opts.c0, "c0", unbatched ? [S, H] : [S, B, H], unbatched ? "layers·directions, hidden" : "layers·directions, batch, hidden");
      }
      c0 = opts.c0.data;
    }
    return { h0, c0 };
  }

  /** Whole-sequence forward pass with PyTorch's shapes. */
  forward(x: Tensor, opts: StackForwardOptions = {}): ForwardResult {
    this.assertLive();
    if (opts === null || typeof opts !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(opts)}`);
    checkF32(x, "x");
    const I = this.inputSize;
    const unbatched = x.dims.length === 2;
    if (!unbatched && x.dims.length !== 3) {
      throw new RnnError("SHAPE_MISMATCH", `x: expected 3 dims ${this.batchFirst ? "[batch, time, input]" : "[time, batch, input]"} (or 2 dims [time, input]), found [${x.dims.join(", ")}]`);
    }
    if (x.dims[x.dims.length - 1] !== I) {
      throw new RnnError("SHAPE_MISMATCH", `x: expected the last dim to be the input size ${I}, found [${x.dims.join(", ")}]`);
    }
    const T = unbatched ? x.dims[0] : this.batchFirst ? x.dims[1] : x.dims[0];
    const B = unbatched ? 1 : this.batchFirst ? x.dims[0] : x.dims[1];
    this.engine.checkElements(x.data.length, "x");
    const { h0, c0 } = this.checkStates(opts, B, unbatched);
    const lengths = opts.lengths !== undefined && opts.lengths !== null ? checkLengths(opts.lengths, B, T) : null;
    let mask: Uint8Array | null = null;
    if (opts.mask) {
      if (opts.mask.length !== T * B) throw new RnnError("SHAPE_MISMATCH", `mask: expected ${T * B} values ([time, batch]), found ${opts.mask.length}`);
      mask = new Uint8Array(T * B);
      for (let i = 0; i < T * B; i++) mask[i] = opts.mask[i] ? 1 : 0;
    }
    // one run state per stack, kept for the next call with the same batch size (no per-call allocation)
    let st = this.runState;
    if (!st || st.B !== B) {
      this.runState = null;
      st?.dispose();
      st = new StackState(this.engine, this.layers, B);
    }
    try {
      st.setStates(h0, c0);
      const inp = st.upload(x.data, lengths, mask);
      const D = this.specs[this.specs.length - 1].directions;
      const Hout = this.outSize;
      const y = st.run({ x: inp.x, T, batchFirst: this.batchFirst && !unbatched, lens: inp.lens, mask: inp.mask, maskRepeat: !!opts.maskRepeat });
      const out = this.engine.read(y, T * B * D * Hout);
      const { h, c } = st.getStates();
      const S = this.numStates;
      const K = outSize(this.specs[0]), H = this.specs[0].hiddenSize;
      const uni = this.uniform;
      const res: ForwardResult = {
        output: { data: out, dims: unbatched ? [T, D * Hout] : this.batchFirst ? [B, T, D * Hout] : [T, B, D * Hout] },
        h: { data: h, dims: uni ? (unbatched ? [S, K] : [S, B, K]) : [h.length] },
      };
      if (c) res.c = { data: c, dims: uni ? (unbatched ? [S, H] : [S, B, H]) : [c.length] };
      this.runState = st;
      return res;
    } catch (e) {
      st.dispose();
      throw e;
    }
  }

  /** A stream: feed steps or chunks, read outputs, save and restore the state. Unidirectional stacks only. */
  stream(opts: { h0?: Tensor; c0?: Tensor; batch?: number } = {}): Stream {
    this.assertLive();
    if (this.specs.some((s) => s.directions !== 1)) {
      throw new RnnError("BAD_ARGUMENT", "stream: a bidirectional layer needs the whole sequence (its reverse direction starts at the end); use forward()");
    }
    if (opts === null || typeof opts !== "object") throw new RnnError("BAD_ARGUMENT", `stream options: expected an object, found ${describe(opts)}`);
    let B = opts.batch;
    if (B !== undefined && (!Number.isInteger(B) || B < 1)) throw new RnnError("BAD_ARGUMENT", `batch: expected a positive integer, found ${describe(B)}`);
    if (B === undefined) {
      if (opts.h0) { checkF32(opts.h0, "h0"); B = opts.h0.dims.length === 3 ? opts.h0.dims[1] : 1; }
      else if (opts.c0) { checkF32(opts.c0, "c0"); B = opts.c0.dims.length === 3 ? opts.c0.dims[1] : 1; }
      else B = 1;
    }
    const { h0, c0 } = this.checkStates(opts, B, false);
    const s = new Stream(this, B, h0, c0, () => this.streams.delete(s));
    this.streams.add(s);
    return s;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const s of [...this.streams]) s.dispose();
    this.runState?.dispose();
    this.runState = null;
    for (const l of this.layers) l.dispose();
    this.layers.length = 0;
  }
}

export class Stream {
  private readonly stack: RecurrentStack;
  private readonly st: StackState;
  readonly batch: number;
  private disposedFlag = false;
  private readonly onDispose: () => void;

  constructor(stack: RecurrentStack, B: number, h0: Float32Array | null, c0: Float32Array | null, onDispose: () => void) {
    this.stack = stack;
    this.batch = B;
    this.onDispose = onDispose;
    this.st = new StackState(stack.engine, stack.layers, B);
    this.st.setStates(h0, c0);
  }

  private live(): void {
    if (this.disposedFlag) throw new RnnError("DISPOSED", "this stream was disposed");
    this.stack.assertLive();
  }

  /** Feeds one step [B, I] or a chunk [T, B, I]; returns the outputs [B, Hout] or [T, B, Hout]. */
  step(x: Tensor): Tensor & { data: Float32Array } {
    this.live();
    checkF32(x, "x");
    const I = this.stack.inputSize, B = this.batch;
    const one = x.dims.length === 2;
    if (one) checkDims(x, "x", [B, I], "batch, input");
    else checkDims(x, "x", [null, B, I], "time, batch, input");
    const T = one ? 1 : x.dims[0];
    this.stack.engine.checkElements(x.data.length, "x");
    const inp = this.st.upload(x.data, null, null);
    const y = this.st.run({ x: inp.x, T, batchFirst: false, lens: 0, mask: 0, maskRepeat: false });
    const Hout = this.stack.outSize;
    const out = this.stack.engine.read(y, T * B * Hout);
    return { data: out, dims: one ? [B, Hout] : [T, B, Hout] };
  }

  /** The current state as plain arrays: restore it with layer.stream({ h0, c0 }). */
  state(): StreamState {
    this.live();
    const { h, c } = this.st.getStates();
    const S = this.stack.specs.length, B = this.batch;
    const res: StreamState = { h: { data: h, dims: [S, B, h.length / (S * B)] } };
    if (c) res.c = { data: c, dims: [S, B, c.length / (S * B)] };
    return res;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    this.st.dispose();
    this.onDispose();
  }
}

export { product };
