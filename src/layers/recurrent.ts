// The user-facing LSTM, GRU and RNN classes: PyTorch-shaped options and weights (or ONNX-shaped), converted once
// into the canonical spec (src/core/spec.ts) and packed on first use.

import type { Activation, ForwardOptions, ForwardResult, StreamOptions, Tensor } from "../api.js";
import type { Engine } from "../engine/engine.js";
import { currentDefault } from "../engine/engine.js";
import { RnnError, describe } from "../errors.js";
import { torchToOnnx } from "../core/gates.js";
import { RecurrentStack, type Stream } from "../core/stack.js";
import { ACT, type ActName, type ActSpec, type CellType, type DirWeights, type LayerSpec, act, defaultActs, gatesOf } from "../core/spec.js";
import { checkTensor, product } from "../core/tensor.js";

/** Options shared by LSTM, GRU and RNN (PyTorch's names; ONNX-only features at the end). */
export interface RecurrentOptions {
  /** Features per time step (PyTorch input_size). Required. */
  inputSize: number;
  /** Hidden units per direction (PyTorch hidden_size). Required. */
  hiddenSize: number;
  /** Stacked layers. Default 1. */
  numLayers?: number;
  /** Run a reverse direction too and concatenate. Default false. */
  bidirectional?: boolean;
  /** Input and output are [batch, time, features] instead of [time, batch, features]. Default false. */
  batchFirst?: boolean;
  /** Whether the layer has biases. Default true (with false, biases are zero and setWeights takes none). */
  bias?: boolean;
  /** Clip every gate pre-activation to [-clip, clip] (ONNX clip). Default none. */
  clip?: number;
  /**
   * Gate activations (ONNX): LSTM [f, g, h] (default Sigmoid, Tanh, Tanh), GRU [f, g] (Sigmoid, Tanh), RNN [f]
   * (Tanh, or Relu with nonlinearity "relu"). For bidirectional layers, either one list for both directions or the
   * forward list followed by the reverse list.
   */
  activations?: (Activation | Activation["name"])[];
  /** The engine to run on. Default: the default engine (`await init()` first). */
  engine?: Engine;
}

export interface LSTMOptions extends RecurrentOptions {
  /** PyTorch proj_size: h = W_hr·(o ⊙ h(c)). Default 0 (none). */
  projSize?: number;
  /** ONNX peephole connections (set with setOnnxWeights P). Default false. */
  peepholes?: boolean;
  /** ONNX input_forget: couples the forget gate to the input gate, f = 1 − i. Default false. */
  inputForget?: boolean;
}
export interface GRUOptions extends RecurrentOptions {
  /** PyTorch / Keras reset_after=True semantics (default true); false gives ONNX's default GRU. */
  linearBeforeReset?: boolean;
}
export interface RNNOptions extends RecurrentOptions {
  /** "tanh" (default) or "relu". */
  nonlinearity?: "tanh" | "relu";
}

/** ONNX-shaped weights of one layer: W [D, G·H, I], R [D, G·H, K], B [D, 2·G·H], P [D, 3·H], gate orders ONNX. */
export interface OnnxWeights { W: Tensor; R: Tensor; B?: Tensor; P?: Tensor; Wp?: Tensor }

function posInt(v: unknown, name: string, min = 1): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
    throw new RnnError("BAD_ARGUMENT", `${name}: expected an integer >= ${min}, found ${describe(v)}`);
  }
  return v;
}

function toF32(t: Tensor | Float32Array | ArrayLike<number>, name: string): { data: Float32Array; dims: number[] | null } {
  if (t instanceof Float32Array) return { data: t, dims: null };
  if (t && typeof t === "object" && "dims" in t) {
    checkTensor(t, name);
    if (!(t.data instanceof Float32Array)) throw new RnnError("SHAPE_MISMATCH", `${name}: expected float32 data, found ${describe(t.data)}`);
    return { data: t.data, dims: t.dims };
  }
  throw new RnnError("SHAPE_MISMATCH", `${name}: expected a Tensor or Float32Array, found ${describe(t)}`);
}

/** Deterministic uniform(-a, a) (mulberry32), PyTorch's default init range a = 1/sqrt(hidden). */
function uniformInit(n: number, a: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * a;
  }
  return out;
}

export abstract class RecurrentLayer {
  readonly cell: CellType;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly batchFirst: boolean;
  readonly bias: boolean;
  readonly projSize: number;
  protected readonly specs: LayerSpec[];
  private readonly weights: (DirWeights[] | undefined)[];
  private readonly peepholes: boolean;
  private stack: RecurrentStack | null = null;
  private readonly engineOpt: Engine | undefined;
  private disposedFlag = false;

  protected constructor(cell: CellType, o: RecurrentOptions, extra: { projSize?: number; peepholes?: boolean; inputForget?: boolean; linearBeforeReset?: boolean; defaultF?: ActName }) {
    if (o === null || typeof o !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(o)}`);
    this.cell = cell;
    this.inputSize = posInt(o.inputSize, "inputSize");
    this.hiddenSize = posInt(o.hiddenSize, "hiddenSize");
    this.numLayers = posInt(o.numLayers ?? 1, "numLayers");
    this.bidirectional = !!o.bidirectional;
    this.batchFirst = !!o.batchFirst;
    this.bias = o.bias ?? true;
    this.projSize = extra.projSize === undefined ? 0 : posInt(extra.projSize, "projSize", 0);
    if (this.projSize >= this.hiddenSize) {
      throw new RnnError("BAD_ARGUMENT", `projSize: expected less than hiddenSize ${this.hiddenSize}, found ${this.projSize}`);
    }
    const clip = o.clip === undefined ? Infinity : o.clip;
    if (typeof clip !== "number" || !(clip > 0)) throw new RnnError("BAD_ARGUMENT", `clip: expected a positive number, found ${describe(o.clip)}`);
    this.engineOpt = o.engine;
    const D = this.bidirectional ? 2 : 1;
    const acts = this.parseActs(o.activations, D, extra.defaultF);
    const K = this.projSize || this.hiddenSize;
    // the parameter count in closed form, checked before anything is built or allocated
    {
      const G = gatesOf(cell), H = this.hiddenSize, L = this.numLayers, P = this.projSize;
      const perDir = G * H * K + 2 * G * H + P * H + 3 * H;
      const total = D * (G * H * this.inputSize + (L - 1) * G * H * D * K + L * perDir);
      const limit = (o.engine ?? currentDefault())?.maxElements ?? 2 ** 28;
      if (!(total <= limit)) {
        throw new RnnError("LIMIT_EXCEEDED",
          `inputSize ${this.inputSize}, hiddenSize ${H}, numLayers ${L}${P ? `, projSize ${P}` : ""}: ${total} parameters, more than the engine's limit of ${limit} elements`);
      }
    }
    this.peepholes = !!extra.peepholes;
    this.specs = [];
    this.weights = [];
    for (let l = 0; l < this.numLayers; l++) {
      this.specs.push({
        cell, inputSize: l === 0 ? this.inputSize : D * K, hiddenSize: this.hiddenSize, projSize: this.projSize,
        directions: D as 1 | 2, acts, clip, inputForget: !!extra.inputForget, linearBeforeReset: extra.linearBeforeReset ?? true,
      });
      this.weights.push(undefined);
    }
  }

  /**
   * Layer l's weights; until they are set, PyTorch-style uniform(±1/√H) values from a fixed seed per (layer,
   * direction, tensor), made on first use (loaders set every weight, so they never pay for this).
   */
  private weightsOf(l: number): DirWeights[] {
    const have = this.weights[l];
    if (have) return have;
    const spec = this.specs[l], H = this.hiddenSize, K = this.projSize || H, G = gatesOf(this.cell), I = spec.inputSize;
    const a = 1 / Math.sqrt(H);
    const dirs: DirWeights[] = [];
    for (let d = 0; d < spec.directions; d++) {
      const seed = 0x5eed + (l * 2 + d) * 8;
      const w: DirWeights = {
        W: uniformInit(G * H * I, a, seed), R: uniformInit(G * H * K, a, seed + 1),
        Wb: this.bias ? uniformInit(G * H, a, seed + 2) : new Float32Array(G * H),
        Rb: this.bias ? uniformInit(G * H, a, seed + 3) : new Float32Array(G * H),
      };
      if (this.peepholes) w.P = new Float32Array(3 * H);
      if (this.projSize) w.Wp = uniformInit(this.projSize * H, a, seed + 4);
      dirs.push(w);
    }
    this.weights[l] = dirs;
    return dirs;
  }

  private parseActs(list: RecurrentOptions["activations"], D: number, defaultF?: ActName): ActSpec[][] {
    const n = this.cell === "lstm" ? 3 : this.cell === "gru" ? 2 : 1;
    let base = defaultActs(this.cell);
    if (defaultF) base = [act(defaultF)];
    if (list === undefined) return Array.from({ length: D }, () => base);
    if (!Array.isArray(list) || (list.length !== n && list.length !== n * D)) {
      throw new RnnError("BAD_ARGUMENT", `activations: expected ${n}${D === 2 ? ` or ${2 * n}` : ""} activations for this ${this.cell.toUpperCase()}, found ${describe(list)}`);
    }
    const parsed = list.map((a, i) => {
      const spec = typeof a === "string" ? { name: a } : a;
      if (!spec || typeof spec !== "object" || !Object.prototype.hasOwnProperty.call(ACT, spec.name)) {
        throw new RnnError("BAD_ARGUMENT", `activations[${i}]: expected one of ${Object.keys(ACT).join(", ")}, found ${describe(typeof a === "string" ? a : spec?.name)}`);
      }
      return act(spec.name as ActName, spec.alpha, spec.beta);
    });
    return Array.from({ length: D }, (_, d) => (parsed.length === n ? parsed : parsed.slice(d * n, d * n + n)));
  }

  private assertLive(): void {
    if (this.disposedFlag) throw new RnnError("DISPOSED", `this ${this.cell.toUpperCase()} was disposed`);
  }

  private engine(): Engine {
    const e = this.engineOpt ?? currentDefault();
    if (!e) {
      throw new RnnError("BAD_ARGUMENT", "no engine: call `await init()` once before running layers, or pass { engine } from `await createEngine()`");
    }
    return e;
  }

  /** The packed stack (built on first use, rebuilt after weights change). */
  protected get packed(): RecurrentStack {
    this.assertLive();
    if (!this.stack) {
      this.stack = new RecurrentStack(this.engine(), this.specs, this.specs.map((_, l) => this.weightsOf(l)), this.batchFirst, this.cell.toUpperCase());
    }
    return this.stack;
  }

  private invalidate(): void {
    if (this.stack) { this.stack.dispose(); this.stack = null; }
  }

  /**
   * Sets weights from a PyTorch state_dict (names as nn.LSTM / nn.GRU / nn.RNN give them: weight_ih_l0,
   * weight_hh_l0, bias_ih_l0, bias_hh_l0, weight_hr_l0, …_reverse), shapes and gate orders PyTorch's.
   * Every tensor of the module must be present (biases only when bias is true).
   */
  setWeights(stateDict: Record<string, Tensor | Float32Array>): this {
    this.assertLive();
    if (stateDict === null || typeof stateDict !== "object") throw new RnnError("BAD_ARGUMENT", `stateDict: expected an object, found ${describe(stateDict)}`);
    const G = gatesOf(this.cell), H = this.hiddenSize, K = this.projSize || H;
    const next: DirWeights[][] = [];
    const get = (name: string, dims: number[]): Float32Array => {
      if (!Object.prototype.hasOwnProperty.call(stateDict, name)) throw new RnnError("BAD_MODEL", `${name}: missing from the state dict`);
      const t = toF32(stateDict[name], name);
      const n = product(dims);
      if (t.dims ? t.dims.join() !== dims.join() : t.data.length !== n) {
        throw new RnnError("SHAPE_MISMATCH", `${name}: expected dims [${dims.join(", ")}], found ${t.dims ? "[" + t.dims.join(", ") + "]" : t.data.length + " values"}`);
      }
      return t.data;
    };
    for (let l = 0; l < this.numLayers; l++) {
      const spec = this.specs[l];
      const dirs: DirWeights[] = [];
      for (let d = 0; d < spec.directions; d++) {
        const sfx = `_l${l}${d ? "_reverse" : ""}`;
        const I = spec.inputSize;
        const w: DirWeights = {
          W: torchToOnnx(this.cell, get(`weight_ih${sfx}`, [G * H, I]), H, I),
          R: torchToOnnx(this.cell, get(`weight_hh${sfx}`, [G * H, K]), H, K),
          Wb: this.bias ? torchToOnnx(this.cell, get(`bias_ih${sfx}`, [G * H]), H, 1) : new Float32Array(G * H),
          Rb: this.bias ? torchToOnnx(this.cell, get(`bias_hh${sfx}`, [G * H]), H, 1) : new Float32Array(G * H),
        };
        if (this.projSize) w.Wp = get(`weight_hr${sfx}`, [this.projSize, H]).slice();
        if (this.peepholes) w.P = this.weights[l]?.[d].P ?? new Float32Array(3 * H);
        dirs.push(w);
      }
      next.push(dirs);
    }
    for (let l = 0; l < next.length; l++) this.weights[l] = next[l];
    this.invalidate();
    return this;
  }

  /**
   * Sets one layer's weights in ONNX's shapes and gate orders: W [D, G·H, I], R [D, G·H, K], B [D, 2·G·H] (Wb then
   * Rb), P [D, 3·H] (peepholes i, o, f), and (LSTM with projSize) Wp [D, P, H].
   */
  setOnnxWeights(layer: number, w: OnnxWeights): this {
    this.assertLive();
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.numLayers) {
      throw new RnnError("BAD_ARGUMENT", `layer: expected an integer from 0 to ${this.numLayers - 1}, found ${describe(layer)}`);
    }
    if (w === null || typeof w !== "object") throw new RnnError("BAD_ARGUMENT", `weights: expected { W, R, B?, P? }, found ${describe(w)}`);
    const spec = this.specs[layer];
    const D = spec.directions, G = gatesOf(this.cell), H = this.hiddenSize, K = this.projSize || H, I = spec.inputSize;
    const get = (t: Tensor | undefined, name: string, dims: number[]): Float32Array | null => {
      if (t === undefined) return null;
      const v = toF32(t, name);
      if (v.dims ? v.dims.join() !== dims.join() : v.data.length !== product(dims)) {
        throw new RnnError("SHAPE_MISMATCH", `${name}: expected dims [${dims.join(", ")}], found ${v.dims ? "[" + v.dims.join(", ") + "]" : v.data.length + " values"}`);
      }
      return v.data;
    };
    const W = get(w.W, "W", [D, G * H, I]), R = get(w.R, "R", [D, G * H, K]);
    if (!W || !R) throw new RnnError("BAD_ARGUMENT", "setOnnxWeights: W and R are required");
    const B = get(w.B, "B", [D, 2 * G * H]);
    const P = get(w.P, "P", [D, 3 * H]);
    if (P && this.cell !== "lstm") throw new RnnError("BAD_ARGUMENT", `P: peepholes exist only for an LSTM, this is a ${this.cell.toUpperCase()}`);
    const Wp = this.projSize ? get(w.Wp, "Wp", [D, this.projSize, H]) : null;
    if (this.projSize && !Wp) throw new RnnError("BAD_ARGUMENT", "Wp: required for an LSTM with projSize");
    const dirs: DirWeights[] = [];
    for (let d = 0; d < D; d++) {
      const gh = G * H;
      const dw: DirWeights = {
        W: W.slice(d * gh * I, (d + 1) * gh * I),
        R: R.slice(d * gh * K, (d + 1) * gh * K),
        Wb: B ? B.slice(d * 2 * gh, d * 2 * gh + gh) : new Float32Array(gh),
        Rb: B ? B.slice(d * 2 * gh + gh, (d + 1) * 2 * gh) : new Float32Array(gh),
      };
      if (P) dw.P = P.slice(d * 3 * H, (d + 1) * 3 * H);
      else if (this.peepholes) dw.P = new Float32Array(3 * H);
      if (Wp) dw.Wp = Wp.slice(d * this.projSize * H, (d + 1) * this.projSize * H);
      dirs.push(dw);
    }
    this.weights[layer] = dirs;
    this.invalidate();
    return this;
  }

  /**
   * Runs the whole sequence. x: [T, B, inputSize] ([B, T, inputSize] when batchFirst, or [T, inputSize] unbatched).
   * Returns output [T, B, D·Hout], h [numLayers·D, B, Hout] and (LSTM) c [numLayers·D, B, H].
   */
  forward(x: Tensor, opts: ForwardOptions = {}): ForwardResult {
    return this.packed.forward(x, opts ?? {});
  }

  /** A stream over this layer (unidirectional only): step(x) with [B, I] or chunks [T, B, I]. */
  stream(opts: StreamOptions = {}): Stream {
    return this.packed.stream(opts ?? {});
  }

  /** Frees the engine memory; any later call throws DISPOSED. */
  dispose(): void {
    if (this.disposedFlag) return;
    this.invalidate();
    this.disposedFlag = true;
  }
}

export class LSTM extends RecurrentLayer {
  constructor(options: LSTMOptions) {
    super("lstm", options, { projSize: options?.projSize, peepholes: options?.peepholes, inputForget: options?.inputForget });
  }
}

export class GRU extends RecurrentLayer {
  constructor(options: GRUOptions) {
    super("gru", options, { linearBeforeReset: options?.linearBeforeReset ?? true });
  }
}

export class RNN extends RecurrentLayer {
  constructor(options: RNNOptions) {
    const nl = options?.nonlinearity ?? "tanh";
    if (nl !== "tanh" && nl !== "relu") throw new RnnError("BAD_ARGUMENT", `nonlinearity: expected "tanh" or "relu", found ${describe(nl)}`);
    super("rnn", options, { defaultF: nl === "relu" ? "Relu" : "Tanh" });
  }
}
