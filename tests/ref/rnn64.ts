/**
 * Independent float64 reference implementation of recurrent layers (LSTM, GRU, RNN),
 * written directly from the equations of the ONNX operator specification (LSTM, GRU,
 * RNN, opset 14+) and PyTorch's documentation of nn.LSTM (incl. proj_size), nn.GRU and
 * nn.RNN. It is deliberately naive (scalar loops, one batch row at a time, no shared code
 * with the library) so that it can serve as the oracle for the test suite.
 *
 * Conventions (all ONNX):
 *   - gate order: LSTM i, o, f, c;  GRU z, r, h;  RNN a single gate.
 *   - per direction weights: W [G*H, I], R [G*H, K] (K = projSize || H), Wb [G*H], Rb [G*H],
 *     P [3*H] (LSTM peepholes, order i, o, f), Wp [projSize, H] (PyTorch weight_hr).
 *
 * Equations (Xt = input row, Ht-1/Ct-1 = previous state, ⊙ = elementwise, clip(v) = v
 * clamped to [-clip, clip], applied to every gate's full pre-activation):
 *   LSTM  i  = f(clip(Xt·Wiᵀ + Ht-1·Riᵀ + Pi⊙Ct-1 + Wbi + Rbi))
 *         f  = f(clip(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf⊙Ct-1 + Wbf + Rbf))   (input_forget: f = 1 - i)
 *         c~ = g(clip(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc))
 *         Ct = f⊙Ct-1 + i⊙c~
 *         o  = f(clip(Xt·Woᵀ + Ht-1·Roᵀ + Po⊙Ct + Wbo + Rbo))
 *         Ht = o⊙h(Ct)                          (projection: Ht = Wp·(o⊙h(Ct)))
 *   GRU   z  = f(clip(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz))
 *         r  = f(clip(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr))
 *         h~ = g(clip(Xt·Whᵀ + (r⊙Ht-1)·Rhᵀ + Rbh + Wbh))        linear_before_reset = 0
 *         h~ = g(clip(Xt·Whᵀ + r⊙(Ht-1·Rhᵀ + Rbh) + Wbh))        linear_before_reset = 1
 *         Ht = (1 - z)⊙h~ + z⊙Ht-1
 *   RNN   Ht = f(clip(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb))
 */

/**
 * Activation codes: 0 Sigmoid, 1 Tanh, 2 Relu, 3 Affine(alpha*x+beta), 4 LeakyRelu(alpha),
 * 5 ThresholdedRelu(alpha: x>alpha?x:0), 6 ScaledTanh(alpha*tanh(beta*x)),
 * 7 HardSigmoid(max(0,min(1,alpha*x+beta))), 8 Elu(alpha: x>=0?x:alpha*(exp(x)-1)),
 * 9 Softsign(x/(1+|x|)), 10 Softplus(log(1+exp(x))), 11 Selu(beta*(x>0?x:alpha*(exp(x)-1))),
 * 12 Swish(x*sigmoid(x)).
 */
export type ActCode = number;

export interface Act {
  code: ActCode;
  alpha: number;
  beta: number;
}

export interface RefDirWeights {
  /** [G*H, I] row-major */
  W: ArrayLike<number>;
  /** [G*H, K]  (K = projSize || H) */
  R: ArrayLike<number>;
  /** [G*H] */
  Wb: ArrayLike<number>;
  /** [G*H] */
  Rb: ArrayLike<number>;
  /** LSTM peepholes [3*H] in ONNX order i, o, f */
  P?: ArrayLike<number>;
  /** LSTM projection [projSize, H] (PyTorch weight_hr) */
  Wp?: ArrayLike<number>;
}

export interface RefLayer {
  cell: "lstm" | "gru" | "rnn";
  inputSize: number;
  hiddenSize: number;
  /** 0 = none (LSTM only) */
  projSize: number;
  directions: 1 | 2;
  /** per direction: LSTM [f,g,h], GRU [f,g], RNN [f]; for 2 directions forward's then reverse's */
  acts: Act[];
  /** Infinity = none */
  clip: number;
  /** LSTM: f = 1 - i */
  inputForget: boolean;
  /** GRU */
  linearBeforeReset: boolean;
  /** one per direction */
  weights: RefDirWeights[];
}

export interface RefOptions {
  /** x is [B,T,I] and output [B,T,D*Hout] instead of [T,B,...] */
  batchFirst?: boolean;
  /** [L*D, B, Hout], ordering layer0 fwd, layer0 rev, layer1 fwd, ... */
  h0?: ArrayLike<number>;
  /** [L*D, B, H] */
  c0?: ArrayLike<number>;
  /**
   * per batch row, 0..T: steps >= length output 0 and leave the state alone; the reverse
   * direction runs t = len-1 .. 0. Final state = state after the sequence's last valid step;
   * length 0 → zero output, final state = initial state.
   */
  lengths?: number[];
  /**
   * Keras-style [T, B] (time-major even when batchFirst, 1 = valid): masked steps leave the
   * state unchanged; the reverse direction runs t = T-1..0 over the whole padded sequence
   * (or len-1..0 when `lengths` is also given).
   */
  mask?: ArrayLike<number>;
  /**
   * What a masked step (mask = 0) outputs: zeros (default), or the previous step's output in
   * processing order (zeros before any valid step). Steps beyond `lengths` always output 0.
   */
  maskedOutput?: "zero" | "previous";
  /**
   * Extension (not in the original brief): the final state of a row whose length is 0.
   * "initial" (default) returns the initial state; "zero" returns zeros, which is what
   * onnxruntime's CPU LSTM/GRU/RNN kernels do for sequence_lens = 0.
   */
  zeroLengthState?: "initial" | "zero";
}

export interface RefResult {
  output: Float64Array;
  h: Float64Array;
  c: Float64Array | null;
}

// ---------------------------------------------------------------------------------------
// activations

function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

function softplus(x: number): number {
  // log(1 + exp(x)), evaluated without overflow
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Evaluate one activation function at x (float64). */
export function refAct(a: Act, x: number): number {
  const { alpha, beta } = a;
  switch (a.code) {
    case 0:
      return sigmoid(x);
    case 1:
      return Math.tanh(x);
    case 2:
      return x > 0 ? x : 0;
    case 3:
      return alpha * x + beta;
    case 4:
      return x >= 0 ? x : alpha * x;
    case 5:
      // as the ONNX ThresholdedRelu operator (the RNN ops' activation list writes x >= alpha;
      // the two differ only at x == alpha exactly)
      return x > alpha ? x : 0;
    case 6:
      return alpha * Math.tanh(beta * x);
    case 7:
      return Math.max(0, Math.min(1, alpha * x + beta));
    case 8:
      return x >= 0 ? x : alpha * Math.expm1(x);
    case 9:
      return x / (1 + Math.abs(x));
    case 10:
      return softplus(x);
    case 11:
      return beta * (x > 0 ? x : alpha * Math.expm1(x));
    case 12:
      return x * sigmoid(x);
    default:
      throw new Error(`rnn64: unknown activation code ${a.code}`);
  }
}

/** ONNX default activations of a cell (per direction, repeated for 2 directions). */
export function defaultActs(cell: RefLayer["cell"], directions: 1 | 2 = 1): Act[] {
  const sig: Act = { code: 0, alpha: 0, beta: 0 };
  const tanh: Act = { code: 1, alpha: 0, beta: 0 };
  const one = cell === "lstm" ? [sig, tanh, tanh] : cell === "gru" ? [sig, tanh] : [tanh];
  const out: Act[] = [];
  for (let d = 0; d < directions; d++) for (const a of one) out.push({ ...a });
  return out;
}

/** Number of stacked gates G of a cell. */
export function gateCount(cell: RefLayer["cell"]): number {
  return cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
}

function actsPerDir(cell: RefLayer["cell"]): number {
  return cell === "lstm" ? 3 : cell === "gru" ? 2 : 1;
}

// ---------------------------------------------------------------------------------------
// helpers

/**
 * Reorder the gate blocks of a PyTorch gate-stacked matrix (rows of length `cols`) or
 * vector (`cols` = 1) into ONNX order. LSTM: PyTorch i,f,g,o → ONNX i,o,f,c;
 * GRU: PyTorch r,z,n → ONNX z,r,h; RNN: identity.
 */
export function torchToOnnxGates(
  cell: RefLayer["cell"],
  w: Float32Array | Float64Array | ArrayLike<number>,
  H: number,
  cols: number,
): Float64Array {
  const G = gateCount(cell);
  const block = H * cols;
  if (w.length !== G * block) {
    throw new Error(`torchToOnnxGates: length ${w.length} != ${G}*${H}*${cols}`);
  }
  // src[k] = index of the PyTorch block that becomes ONNX block k
  const src = cell === "lstm" ? [0, 3, 1, 2] : cell === "gru" ? [1, 0, 2] : [0];
  const out = new Float64Array(G * block);
  for (let k = 0; k < G; k++) {
    const s = src[k] * block;
    const d = k * block;
    for (let j = 0; j < block; j++) out[d + j] = w[s + j];
  }
  return out;
}

/** mulberry32: seeded PRNG, uniform in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n values uniform in [-scale, scale]. */
export function randomArray(r: () => number, n: number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * r() - 1) * scale;
  return out;
}

// ---------------------------------------------------------------------------------------
// core

function checkLen(name: string, a: ArrayLike<number> | undefined, n: number): void {
  if (a === undefined) throw new Error(`rnn64: ${name} missing`);
  if (a.length !== n) throw new Error(`rnn64: ${name} has length ${a.length}, expected ${n}`);
}

function validateLayer(layer: RefLayer, l: number, expectedInput: number): void {
  const { cell, hiddenSize: H, projSize: P, directions: D } = layer;
  if (layer.inputSize !== expectedInput) {
    throw new Error(`rnn64: layer ${l} inputSize ${layer.inputSize}, expected ${expectedInput}`);
  }
  if (!(H >= 1) || !Number.isInteger(H)) throw new Error(`rnn64: layer ${l} bad hiddenSize`);
  if (P !== 0 && cell !== "lstm") throw new Error(`rnn64: layer ${l}: projSize is LSTM only`);
  if (P < 0 || !Number.isInteger(P)) throw new Error(`rnn64: layer ${l} bad projSize`);
  if (D !== 1 && D !== 2) throw new Error(`rnn64: layer ${l} bad directions`);
  if (layer.acts.length !== actsPerDir(cell) * D) {
    throw new Error(`rnn64: layer ${l} has ${layer.acts.length} activations, expected ${actsPerDir(cell) * D}`);
  }
  if (layer.weights.length !== D) throw new Error(`rnn64: layer ${l} needs ${D} weight sets`);
  const G = gateCount(cell);
  const K = P || H;
  for (let d = 0; d < D; d++) {
    const w = layer.weights[d];
    const tag = `layer ${l} dir ${d}`;
    checkLen(`${tag} W`, w.W, G * H * layer.inputSize);
    checkLen(`${tag} R`, w.R, G * H * K);
    checkLen(`${tag} Wb`, w.Wb, G * H);
    checkLen(`${tag} Rb`, w.Rb, G * H);
    if (w.P !== undefined) {
      if (cell !== "lstm") throw new Error(`rnn64: ${tag}: peepholes are LSTM only`);
      checkLen(`${tag} P`, w.P, 3 * H);
    }
    if (P > 0) checkLen(`${tag} Wp`, w.Wp, P * H);
    else if (w.Wp !== undefined) throw new Error(`rnn64: ${tag}: Wp given without projSize`);
  }
}

/** out[j] = sum_k M[(row0 + j) * cols + k] * v[k] for j < n */
function matvec(
  M: ArrayLike<number>,
  row0: number,
  n: number,
  cols: number,
  v: ArrayLike<number>,
  vOff: number,
  out: Float64Array,
): void {
  for (let j = 0; j < n; j++) {
    let s = 0;
    const base = (row0 + j) * cols;
    for (let k = 0; k < cols; k++) s += M[base + k] * v[vOff + k];
    out[j] = s;
  }
}

interface DirState {
  h: Float64Array; // [Hout]
  c: Float64Array; // [H] (LSTM)
}

/**
 * One time step of one direction for one batch row, in place on `st`.
 * Returns the new hidden output (st.h).
 */
function step(
  layer: RefLayer,
  w: RefDirWeights,
  acts: Act[],
  x: ArrayLike<number>,
  xOff: number,
  st: DirState,
): void {
  const H = layer.hiddenSize;
  const I = layer.inputSize;
  const K = layer.projSize || H;
  const G = gateCount(layer.cell);
  const clip = layer.clip;
  const cl = (v: number) => (v > clip ? clip : v < -clip ? -clip : v);

  // xw[g*H + j] = X·Wᵀ + Wb ; hr[g*H + j] = H·Rᵀ + Rb
  const xw = new Float64Array(G * H);
  const hr = new Float64Array(G * H);
  matvec(w.W, 0, G * H, I, x, xOff, xw);
  matvec(w.R, 0, G * H, K, st.h, 0, hr);
  for (let q = 0; q < G * H; q++) {
    xw[q] += w.Wb[q];
    hr[q] += w.Rb[q];
  }

  if (layer.cell === "rnn") {
    const f = acts[0];
    for (let j = 0; j < H; j++) st.h[j] = refAct(f, cl(xw[j] + hr[j]));
    return;
  }

  if (layer.cell === "gru") {
    const [f, g] = acts;
    const hPrev = st.h; // K == H for GRU
    const z = new Float64Array(H);
    const r = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      z[j] = refAct(f, cl(xw[j] + hr[j]));
      r[j] = refAct(f, cl(xw[H + j] + hr[H + j]));
    }
    const ht = new Float64Array(H);
    if (layer.linearBeforeReset) {
      // h~ = g(Xt·Whᵀ + Wbh + r ⊙ (Ht-1·Rhᵀ + Rbh))
      for (let j = 0; j < H; j++) ht[j] = refAct(g, cl(xw[2 * H + j] + r[j] * hr[2 * H + j]));
    } else {
      // h~ = g(Xt·Whᵀ + Wbh + (r ⊙ Ht-1)·Rhᵀ + Rbh)
      const rh = new Float64Array(H);
      for (let k = 0; k < H; k++) rh[k] = r[k] * hPrev[k];
      const rhR = new Float64Array(H);
      matvec(w.R, 2 * H, H, H, rh, 0, rhR);
      for (let j = 0; j < H; j++) ht[j] = refAct(g, cl(xw[2 * H + j] + rhR[j] + w.Rb[2 * H + j]));
    }
    const hNew = new Float64Array(H);
    for (let j = 0; j < H; j++) hNew[j] = (1 - z[j]) * ht[j] + z[j] * hPrev[j];
    st.h.set(hNew);
    return;
  }

  // LSTM, gate blocks: 0 i, 1 o, 2 f, 3 c ; peepholes: P[0..H) i, P[H..2H) o, P[2H..3H) f
  const [f, g, hAct] = acts;
  const P = w.P;
  const cPrev = st.c;
  const cNew = new Float64Array(H);
  const hid = new Float64Array(H); // o ⊙ h(Ct), before projection
  for (let j = 0; j < H; j++) {
    const pi = P ? P[j] : 0;
    const po = P ? P[H + j] : 0;
    const pf = P ? P[2 * H + j] : 0;
    const iG = refAct(f, cl(xw[j] + hr[j] + pi * cPrev[j]));
    const fG = layer.inputForget ? 1 - iG : refAct(f, cl(xw[2 * H + j] + hr[2 * H + j] + pf * cPrev[j]));
    const cT = refAct(g, cl(xw[3 * H + j] + hr[3 * H + j]));
    const C = fG * cPrev[j] + iG * cT;
    const oG = refAct(f, cl(xw[H + j] + hr[H + j] + po * C));
    cNew[j] = C;
    hid[j] = oG * refAct(hAct, C);
  }
  st.c.set(cNew);
  if (layer.projSize > 0) {
    matvec(w.Wp!, 0, layer.projSize, H, hid, 0, st.h);
  } else {
    st.h.set(hid);
  }
}

/**
 * Run a stack of recurrent layers in float64.
 * x: [T,B,I] (or [B,T,I] with batchFirst). Returns output [T,B,D*Hout] (or [B,T,D*Hout]),
 * h [L*D,B,Hout], c [L*D,B,H] (LSTM only, else null).
 */
export function refForward(
  layers: RefLayer[],
  x: ArrayLike<number>,
  T: number,
  B: number,
  opts: RefOptions = {},
): RefResult {
  if (layers.length === 0) throw new Error("rnn64: no layers");
  if (!Number.isInteger(T) || T < 0 || !Number.isInteger(B) || B < 0) throw new Error("rnn64: bad T/B");
  const cell = layers[0].cell;
  for (const L of layers) if (L.cell !== cell) throw new Error("rnn64: mixed cell types");
  const I0 = layers[0].inputSize;
  checkLen("x", x, T * B * I0);

  // validate layer chain
  let inW = I0;
  for (let l = 0; l < layers.length; l++) {
    validateLayer(layers[l], l, inW);
    inW = layers[l].directions * (layers[l].projSize || layers[l].hiddenSize);
  }
  // all layers share D and Hout for the h0/h layout [L*D, B, Hout]
  const D = layers[0].directions;
  const Hout = layers[0].projSize || layers[0].hiddenSize;
  const H = layers[0].hiddenSize;
  for (const L of layers) {
    if (L.directions !== D || (L.projSize || L.hiddenSize) !== Hout || L.hiddenSize !== H) {
      throw new Error("rnn64: all layers must share directions, hiddenSize and projSize");
    }
  }
  const LD = layers.length * D;
  if (opts.h0 !== undefined) checkLen("h0", opts.h0, LD * B * Hout);
  if (opts.c0 !== undefined) {
    if (cell !== "lstm") throw new Error("rnn64: c0 is LSTM only");
    checkLen("c0", opts.c0, LD * B * H);
  }
  const lengths = opts.lengths;
  if (lengths !== undefined) {
    if (lengths.length !== B) throw new Error("rnn64: lengths must have B entries");
    for (const n of lengths) {
      if (!Number.isInteger(n) || n < 0 || n > T) throw new Error(`rnn64: bad length ${n}`);
    }
  }
  const mask = opts.mask;
  if (mask !== undefined) checkLen("mask", mask, T * B);
  const prevOut = opts.maskedOutput === "previous";

  // time-major working input
  let cur: Float64Array = new Float64Array(T * B * I0);
  if (opts.batchFirst) {
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let k = 0; k < I0; k++) cur[(t * B + b) * I0 + k] = x[(b * T + t) * I0 + k];
  } else {
    for (let q = 0; q < cur.length; q++) cur[q] = x[q];
  }
  let curW = I0;

  const hOut = new Float64Array(LD * B * Hout);
  const cOut = cell === "lstm" ? new Float64Array(LD * B * H) : null;

  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    const outW = D * Hout;
    const out = new Float64Array(T * B * outW); // zeros by default
    const nA = actsPerDir(cell);
    for (let d = 0; d < D; d++) {
      const w = layer.weights[d];
      const acts = layer.acts.slice(d * nA, (d + 1) * nA);
      const sIdx = l * D + d;
      for (let b = 0; b < B; b++) {
        const st: DirState = { h: new Float64Array(Hout), c: new Float64Array(H) };
        if (opts.h0) for (let j = 0; j < Hout; j++) st.h[j] = opts.h0[(sIdx * B + b) * Hout + j];
        if (opts.c0) for (let j = 0; j < H; j++) st.c[j] = opts.c0[(sIdx * B + b) * H + j];
        const len = lengths ? lengths[b] : T;
        let last = new Float64Array(Hout); // previous step's output (processing order)
        for (let s = 0; s < len; s++) {
          const t = d === 0 ? s : len - 1 - s;
          const o = (t * B + b) * outW + d * Hout;
          if (mask && mask[t * B + b] === 0) {
            if (prevOut) for (let j = 0; j < Hout; j++) out[o + j] = last[j];
            continue; // state unchanged
          }
          step(layer, w, acts, cur, (t * B + b) * curW, st);
          for (let j = 0; j < Hout; j++) out[o + j] = st.h[j];
          last = Float64Array.from(st.h);
        }
        if (len === 0 && opts.zeroLengthState === "zero") {
          st.h.fill(0);
          st.c.fill(0);
        }
        hOut.set(st.h, (sIdx * B + b) * Hout);
        if (cOut) cOut.set(st.c, (sIdx * B + b) * H);
      }
    }
    cur = out;
    curW = outW;
  }

  let output = cur;
  if (opts.batchFirst) {
    output = new Float64Array(cur.length);
    for (let t = 0; t < T; t++)
      for (let b = 0; b < B; b++)
        for (let k = 0; k < curW; k++) output[(b * T + t) * curW + k] = cur[(t * B + b) * curW + k];
  }
  return { output, h: hOut, c: cOut };
}
