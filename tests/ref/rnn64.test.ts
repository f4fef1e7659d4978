/**
 * Tests of the float64 reference itself (tests/ref/rnn64.ts), so that it can be trusted as
 * the oracle of the library's tests. Three kinds of evidence:
 *   1. tiny cases worked out by hand (exact dyadic arithmetic with Affine activations, or
 *      closed-form sigmoid/tanh chains whose values were evaluated independently);
 *   2. invariants that tie features together (reverse vs. time-reversed forward, lengths vs.
 *      truncation, masks vs. removed steps, input_forget vs. negated forget weights, ...);
 *   3. golden values produced by the real thing: PyTorch 1.13 (float64 nn.LSTM/GRU/RNN,
 *      packed sequences, proj_size) and onnxruntime-node 1.30 (float32 ONNX LSTM/GRU/RNN
 *      with peepholes, clip, input_forget, linear_before_reset=0 and non-default
 *      activations). The weights/inputs of those cases are drawn here from `rng` (the
 *      generators re-implemented mulberry32 in Python), so only outputs are inlined.
 * None of this needs Python or onnxruntime at test time.
 */
import { describe, expect, it } from "vitest";
import {
  type Act,
  type RefDirWeights,
  type RefLayer,
  type RefOptions,
  defaultActs,
  gateCount,
  randomArray,
  refAct,
  refForward,
  rng,
  torchToOnnxGates,
} from "./rnn64.js";

// ---------------------------------------------------------------------------------------
// helpers

const A = (code: number, alpha = 0, beta = 0): Act => ({ code, alpha, beta });
const SIG = A(0);
const TANH = A(1);
const ID = A(3, 1, 0); // Affine(1, 0) = identity

type Cell = RefLayer["cell"];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  const d = maxAbsDiff(a, b);
  expect(d).toBeLessThanOrEqual(tol);
}

function slice(a: ArrayLike<number>, start: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = a[start + i];
  return out;
}

function randomDirWeights(
  r: () => number,
  cell: Cell,
  I: number,
  H: number,
  proj: number,
  peep: boolean,
  scale = 0.8,
): RefDirWeights {
  const G = gateCount(cell);
  const K = proj || H;
  return {
    W: randomArray(r, G * H * I, scale),
    R: randomArray(r, G * H * K, scale),
    Wb: randomArray(r, G * H, scale),
    Rb: randomArray(r, G * H, scale),
    P: peep ? randomArray(r, 3 * H, scale) : undefined,
    Wp: proj ? randomArray(r, proj * H, scale) : undefined,
  };
}

function mkLayer(
  cell: Cell,
  I: number,
  H: number,
  weights: RefDirWeights[],
  extra: Partial<RefLayer> = {},
): RefLayer {
  const D = weights.length as 1 | 2;
  return {
    cell,
    inputSize: I,
    hiddenSize: H,
    projSize: 0,
    directions: D,
    acts: defaultActs(cell, D),
    clip: Infinity,
    inputForget: false,
    linearBeforeReset: false,
    weights,
    ...extra,
  };
}

/** per-direction activation sets that differ between directions, to catch acts mix-ups */
const ALT_ACTS: Record<Cell, Act[]> = {
  lstm: [A(7, 0.3, 0.5), A(9), A(6, 1.5, 0.75)],
  gru: [A(7, 0.25, 0.5), A(10)],
  rnn: [A(4, 0.1)],
};

/** configurations shared by several invariant tests */
interface Cfg {
  name: string;
  cell: Cell;
  proj: number;
  peep: boolean;
  lbr: boolean;
  clip: number;
}
const CFGS: Cfg[] = [
  { name: "lstm", cell: "lstm", proj: 0, peep: false, lbr: false, clip: Infinity },
  { name: "lstm+peep+proj+clip", cell: "lstm", proj: 2, peep: true, lbr: false, clip: 1.1 },
  { name: "gru lbr=0", cell: "gru", proj: 0, peep: false, lbr: false, clip: Infinity },
  { name: "gru lbr=1 clip", cell: "gru", proj: 0, peep: false, lbr: true, clip: 0.9 },
  { name: "rnn", cell: "rnn", proj: 0, peep: false, lbr: false, clip: Infinity },
];

function randomBidir(seed: number, c: Cfg, I: number, H: number) {
  const r = rng(seed);
  const wf = randomDirWeights(r, c.cell, I, H, c.proj, c.peep);
  const wr = randomDirWeights(r, c.cell, I, H, c.proj, c.peep);
  const fwdActs = defaultActs(c.cell, 1);
  const revActs = ALT_ACTS[c.cell];
  const extra = { projSize: c.proj, clip: c.clip, linearBeforeReset: c.lbr };
  const bi = mkLayer(c.cell, I, H, [wf, wr], { ...extra, acts: [...fwdActs, ...revActs] });
  const fw = mkLayer(c.cell, I, H, [wf], { ...extra, acts: fwdActs });
  const rv = mkLayer(c.cell, I, H, [wr], { ...extra, acts: revActs });
  return { r, bi, fw, rv };
}

// ---------------------------------------------------------------------------------------

describe("activations (ONNX definitions)", () => {
  it("match hand-evaluated values", () => {
    expect(refAct(SIG, 0)).toBe(0.5);
    expect(refAct(SIG, 2)).toBeCloseTo(0.8807970779778823, 15);
    expect(refAct(SIG, -800)).toBe(0); // no NaN from exp overflow
    expect(refAct(SIG, 800)).toBe(1);
    expect(refAct(TANH, 0.5)).toBeCloseTo(0.46211715726000974, 15);
    expect(refAct(A(2), -1)).toBe(0);
    expect(refAct(A(2), 2.5)).toBe(2.5);
    expect(refAct(A(3, 0.5, 0.25), 2)).toBe(1.25); // Affine
    expect(refAct(A(4, 0.125), -2)).toBe(-0.25); // LeakyRelu
    expect(refAct(A(4, 0.125), 3)).toBe(3);
    expect(refAct(A(5, 1), 1)).toBe(0); // ThresholdedRelu: x > alpha ? x : 0
    expect(refAct(A(5, 1), 1.5)).toBe(1.5);
    expect(refAct(A(5, 1), 0.5)).toBe(0);
    expect(refAct(A(6, 2, 3), 0.5)).toBeCloseTo(1.8102965072897328, 15); // 2 * tanh(1.5)
    expect(refAct(A(7, 0.2, 0.5), 0)).toBe(0.5); // HardSigmoid
    expect(refAct(A(7, 0.2, 0.5), 1)).toBeCloseTo(0.7, 15);
    expect(refAct(A(7, 0.2, 0.5), 10)).toBe(1);
    expect(refAct(A(7, 0.2, 0.5), -10)).toBe(0);
    expect(refAct(A(8, 2), -1)).toBeCloseTo(-1.2642411176571153, 15); // Elu: 2 * (e^-1 - 1)
    expect(refAct(A(8, 2), 0.5)).toBe(0.5);
    expect(refAct(A(9), 3)).toBe(0.75); // Softsign
    expect(refAct(A(9), -1)).toBe(-0.5);
    expect(refAct(A(10), 0)).toBeCloseTo(0.6931471805599453, 15); // Softplus: ln 2
    expect(refAct(A(10), 1000)).toBe(1000); // no overflow
    expect(refAct(A(10), -1000)).toBeGreaterThanOrEqual(0);
    expect(refAct(A(10), -1000)).toBeLessThan(1e-300);
    // Selu with PyTorch's constants: torch.selu(-1) = -1.1113307378125625
    const selu = A(11, 1.6732632423543772, 1.0507009873554805);
    expect(refAct(selu, -1)).toBeCloseTo(-1.1113307378125625, 15);
    expect(refAct(selu, 2)).toBeCloseTo(2.101401974710961, 15);
    expect(refAct(A(12), 1)).toBeCloseTo(0.7310585786300049, 15); // Swish: 1 * sigmoid(1)
    expect(refAct(A(12), -800)).toBe(-0); // -800 * 0
    expect(() => refAct(A(13), 0)).toThrow();
  });

  it("defaultActs follows ONNX defaults", () => {
    expect(defaultActs("lstm").map((a) => a.code)).toEqual([0, 1, 1]);
    expect(defaultActs("gru", 2).map((a) => a.code)).toEqual([0, 1, 0, 1]);
    expect(defaultActs("rnn", 2).map((a) => a.code)).toEqual([1, 1]);
  });
});

describe("hand-computed tiny cases (H=1, I=1, T=2, B=1)", () => {
  it("RNN tanh", () => {
    // W=0.5, R=-1, Wb=0.1, Rb=0.2, x=[1,2], h0=0
    // h1 = tanh(0.5*1 + -1*0 + 0.3) = tanh(0.8)                = 0.6640367702678491
    // h2 = tanh(0.5*2 + -1*h1 + 0.3) = tanh(1.3 - 0.66403677) = 0.5621446952832613
    const L = mkLayer("rnn", 1, 1, [{ W: [0.5], R: [-1], Wb: [0.1], Rb: [0.2] }]);
    const r = refForward([L], [1, 2], 2, 1);
    expectClose(r.output, [0.6640367702678491, 0.5621446952832613], 1e-15);
    expectClose(r.h, [0.5621446952832613], 1e-15);
    expect(r.c).toBeNull();
  });

  // LSTM with f = Affine(0.5, 0.5) and g = h = identity: every value is a dyadic rational,
  // so float64 is exact. Gate order i, o, f, c. Peepholes P = [i: 0, o: 0.5, f: 1].
  //   W  = [ 1, 0.5, -1,  2]   R  = [0, 1, 0.5, -1]   Wb = [0, 0, 0.5, 0]   Rb = [0.5, 0, 0, 0]
  //   x = [1, -1], h0 = c0 = 0
  // t=0: i = f(1 + 0.5)                      = f(1.5)  = 1.25
  //      fg= f(-1 + 0.5)                     = f(-0.5) = 0.25
  //      c~= 2
  //      C1 = 0.25*0 + 1.25*2                = 2.5
  //      o = f(0.5 + 0.5*C1)                 = f(1.75) = 1.375
  //      h1 = 1.375 * 2.5                    = 3.4375
  // t=1: i = f(-1 + 0.5)                     = f(-0.5) = 0.25
  //      fg= f(1 + 0.5*3.4375 + 1*2.5 + 0.5) = f(5.71875) = 3.359375
  //      c~= -2 - 3.4375                     = -5.4375
  //      C2 = 3.359375*2.5 + 0.25*-5.4375    = 7.0390625
  //      o = f(-0.5 + 3.4375 + 0.5*C2)       = f(6.45703125) = 3.728515625
  //      h2 = 3.728515625 * 7.0390625        = 26.2452545166015625
  const handLstm = (extra: Partial<RefLayer> = {}) =>
    mkLayer(
      "lstm",
      1,
      1,
      [{ W: [1, 0.5, -1, 2], R: [0, 1, 0.5, -1], Wb: [0, 0, 0.5, 0], Rb: [0.5, 0, 0, 0], P: [0, 0.5, 1] }],
      { acts: [A(3, 0.5, 0.5), ID, ID], ...extra },
    );

  it("LSTM with peepholes (exact arithmetic)", () => {
    const r = refForward([handLstm()], [1, -1], 2, 1);
    expect(Array.from(r.output)).toEqual([3.4375, 26.2452545166015625]);
    expect(Array.from(r.h)).toEqual([26.2452545166015625]);
    expect(Array.from(r.c!)).toEqual([7.0390625]);
  });

  it("LSTM clip is applied to the full pre-activation (after peepholes)", () => {
    // clip = 2: t=0 is unchanged (|pre| <= 2). t=1: fg pre 5.71875 -> 2 -> 1.5; c~ pre
    // -5.4375 -> -2; C2 = 1.5*2.5 + 0.25*-2 = 3.25; o pre = -0.5 + 3.4375 + 0.5*3.25 =
    // 4.5625 -> 2 -> 1.5; h2 = 1.5 * 3.25 = 4.875
    const r = refForward([handLstm({ clip: 2 })], [1, -1], 2, 1);
    expect(Array.from(r.output)).toEqual([3.4375, 4.875]);
    expect(Array.from(r.c!)).toEqual([3.25]);
  });

  it("LSTM sigmoid/tanh", () => {
    // gates i, o, f, c: W = [0.5, -0.25, 1, 0.75], R = [0.25, 0.5, -0.5, 1],
    // Wb = [0.1, 0, 0.2, 0], Rb = [0, 0.3, 0, -0.1], x = [1, -2]
    // t=0: i=σ(0.6) f=σ(1.2) c~=tanh(0.65) C1=i*c~=0.36910231868274257
    //      o=σ(0.05) h1=o*tanh(C1)=0.18101729397333072
    // t=1: i=σ(-0.9+0.25h1) f=σ(-1.8-0.5h1) c~=tanh(-1.6+h1) o=σ(0.8+0.5h1)
    //      C2=f*C1+i*c~=-0.21700575559833957  h2=o*tanh(C2)=-0.1514855614438033
    const L = mkLayer("lstm", 1, 1, [
      { W: [0.5, -0.25, 1, 0.75], R: [0.25, 0.5, -0.5, 1], Wb: [0.1, 0, 0.2, 0], Rb: [0, 0.3, 0, -0.1] },
    ]);
    const r = refForward([L], [1, -2], 2, 1);
    expectClose(r.output, [0.18101729397333072, -0.1514855614438033], 1e-15);
    expectClose(r.c!, [-0.21700575559833957], 1e-15);
  });

  it("LSTM projection feeds the projected state back (H=2, proj=1)", () => {
    // all gate weights 0 except the cell gate: Wc = [1, 2], Rc = [1, -1] (K = 1), Wp = [1, 1]
    // f = Affine(0.5, 0.5) so i = o = fg = 0.5; g = h = identity; x = [1, 2]
    // t=0: c~ = [1, 2], C = 0.5*[1,2] = [0.5, 1], hid = 0.5*C = [0.25, 0.5], h = 0.75
    // t=1: c~ = [2 + 0.75, 4 - 0.75] = [2.75, 3.25], C = 0.5*[0.5,1] + 0.5*c~ = [1.625, 2.125]
    //      hid = [0.8125, 1.0625], h = 1.875
    const L = mkLayer(
      "lstm",
      1,
      2,
      [{ W: [0, 0, 0, 0, 0, 0, 1, 2], R: [0, 0, 0, 0, 0, 0, 1, -1], Wb: new Float64Array(8), Rb: new Float64Array(8), Wp: [1, 1] }],
      { projSize: 1, acts: [A(3, 0.5, 0.5), ID, ID] },
    );
    const r = refForward([L], [1, 2], 2, 1);
    expect(Array.from(r.output)).toEqual([0.75, 1.875]);
    expect(Array.from(r.h)).toEqual([1.875]);
    expect(Array.from(r.c!)).toEqual([1.625, 2.125]);
  });

  // GRU with f = Affine(0.5, 0.5), g = identity. Gates z, r, h.
  //   W = [z: 0, r: 1, h: 1], R = [z: 0, r: 0, h: 2], Wb = 0, Rb = [0, 0, 1], h0 = 1, x = [1, -1]
  //   so z = 0.5 always and r = 0.5*x + 0.5 (r = 1 at t=0, r = 0 at t=1)
  // lbr=0: h~ = x + 2*(r*h) + 1
  //   t=0: h~ = 1 + 2 + 1 = 4,  h1 = 0.5*4 + 0.5*1 = 2.5
  //   t=1: h~ = -1 + 0 + 1 = 0, h2 = 0.5*0 + 0.5*2.5 = 1.25
  // lbr=1: h~ = x + r*(2*h + 1)
  //   t=0: h~ = 1 + 1*3 = 4,    h1 = 2.5
  //   t=1: h~ = -1 + 0 = -1,    h2 = -0.5 + 1.25 = 0.75
  const handGru = (lbr: boolean) =>
    mkLayer("gru", 1, 1, [{ W: [0, 1, 1], R: [0, 0, 2], Wb: [0, 0, 0], Rb: [0, 0, 1] }], {
      acts: [A(3, 0.5, 0.5), ID],
      linearBeforeReset: lbr,
    });

  it("GRU linear_before_reset = 0", () => {
    const r = refForward([handGru(false)], [1, -1], 2, 1, { h0: [1] });
    expect(Array.from(r.output)).toEqual([2.5, 1.25]);
    expect(Array.from(r.h)).toEqual([1.25]);
  });

  it("GRU linear_before_reset = 1", () => {
    const r = refForward([handGru(true)], [1, -1], 2, 1, { h0: [1] });
    expect(Array.from(r.output)).toEqual([2.5, 0.75]);
  });

  it("bidirectional layout, lengths and masks on a hand case", () => {
    // RNN identity, W = 1, R = 1, no bias, bidirectional with identical weights: the forward
    // half is the running sum, the reverse half the running sum from the end.
    // x (T=3, B=2) = [[1, 10], [2, 20], [3, 30]], lengths = [3, 2]
    const w = { W: [1], R: [1], Wb: [0], Rb: [0] };
    const L = mkLayer("rnn", 1, 1, [w, w], { acts: [ID, ID] });
    const x = [1, 10, 2, 20, 3, 30];
    const r = refForward([L], x, 3, 2, { lengths: [3, 2] });
    // [t][b][fwd, rev]
    expect(Array.from(r.output)).toEqual([1, 6, 10, 30, 3, 5, 30, 20, 6, 3, 0, 0]);
    // h: [fwd b0, fwd b1, rev b0, rev b1]
    expect(Array.from(r.h)).toEqual([6, 30, 6, 30]);
    // mask row 0 at t=1 (step skipped in both directions), maskedOutput "previous"
    const m = refForward([L], x, 3, 2, { mask: [1, 1, 0, 1, 1, 1], maskedOutput: "previous" });
    // b0 fwd: 1, (1), 4 ; b0 rev: 4, (3), 3 ; b1 fwd: 10, 30, 60 ; b1 rev: 60, 50, 30
    expect(Array.from(m.output)).toEqual([1, 4, 10, 60, 1, 3, 30, 50, 4, 3, 60, 30]);
    const z = refForward([L], x, 3, 2, { mask: [1, 1, 0, 1, 1, 1] });
    expect(Array.from(z.output)).toEqual([1, 4, 10, 60, 0, 0, 30, 50, 4, 3, 60, 30]);
    // batchFirst: x is [B, T, I] and output [B, T, 2]
    const bf = refForward([L], [1, 2, 3, 10, 20, 30], 3, 2, { batchFirst: true, lengths: [3, 2] });
    expect(Array.from(bf.output)).toEqual([1, 6, 3, 5, 6, 3, 10, 30, 30, 20, 0, 0]);
  });
});

describe("agreement with PyTorch 1.13 (float64 golden values)", () => {
  // Weights drawn from rng(seed) in this order, per layer, per direction (PyTorch layouts and
  // gate orders): weight_ih, weight_hh, bias_ih, bias_hh (scale 0.8), weight_hr (if proj);
  // then x (scale 2, [T,B,I] or [B,T,I] if batchFirst), h0 (0.5), c0 (0.5, LSTM).
  // The golden outputs came from torch.nn.{LSTM,GRU,RNN}.double() with those tensors copied
  // in; packed cases used pack_padded_sequence(enforce_sorted=False) and
  // pad_packed_sequence(total_length=T).
  interface TorchCase {
    seed: number;
    cell: Cell;
    I: number;
    H: number;
    L: number;
    D: 1 | 2;
    T: number;
    B: number;
    proj?: number;
    relu?: boolean;
    lengths?: number[];
    batchFirst?: boolean;
  }
  function runTorchLike(c: TorchCase) {
    const r = rng(c.seed);
    const G = gateCount(c.cell);
    const P = c.proj ?? 0;
    const Hout = P || c.H;
    const layers: RefLayer[] = [];
    for (let l = 0; l < c.L; l++) {
      const inp = l === 0 ? c.I : c.D * Hout;
      const weights: RefDirWeights[] = [];
      for (let d = 0; d < c.D; d++) {
        const wih = randomArray(r, G * c.H * inp, 0.8);
        const whh = randomArray(r, G * c.H * Hout, 0.8);
        const bih = randomArray(r, G * c.H, 0.8);
        const bhh = randomArray(r, G * c.H, 0.8);
        const whr = P ? randomArray(r, P * c.H, 0.8) : undefined;
        weights.push({
          W: torchToOnnxGates(c.cell, wih, c.H, inp),
          R: torchToOnnxGates(c.cell, whh, c.H, Hout),
          Wb: torchToOnnxGates(c.cell, bih, c.H, 1),
          Rb: torchToOnnxGates(c.cell, bhh, c.H, 1),
          Wp: whr,
        });
      }
      const acts = defaultActs(c.cell, c.D);
      if (c.relu) for (const a of acts) a.code = 2;
      layers.push(mkLayer(c.cell, inp, c.H, weights, { projSize: P, acts, linearBeforeReset: true }));
    }
    const x = randomArray(r, c.T * c.B * c.I, 2);
    const h0 = randomArray(r, c.L * c.D * c.B * Hout, 0.5);
    const c0 = c.cell === "lstm" ? randomArray(r, c.L * c.D * c.B * c.H, 0.5) : undefined;
    return refForward(layers, x, c.T, c.B, { h0, c0, lengths: c.lengths, batchFirst: c.batchFirst });
  }

  it("LSTM proj_size=2, 2 layers, bidirectional, packed lengths [4, 2]", () => {
    const r = runTorchLike({ seed: 101, cell: "lstm", I: 2, H: 3, L: 2, D: 2, T: 4, B: 2, proj: 2, lengths: [4, 2] });
    expectClose(r.output, TORCH.lstmProjBidir2Packed.out, 1e-13);
    expectClose(r.h, TORCH.lstmProjBidir2Packed.h, 1e-13);
    expectClose(r.c!, TORCH.lstmProjBidir2Packed.c!, 1e-13);
  });

  it("GRU 2 layers, bidirectional, batch_first, packed lengths [1, 3]", () => {
    const r = runTorchLike({ seed: 202, cell: "gru", I: 3, H: 2, L: 2, D: 2, T: 3, B: 2, lengths: [1, 3], batchFirst: true });
    expectClose(r.output, TORCH.gruBidir2PackedBatchFirst.out, 1e-13);
    expectClose(r.h, TORCH.gruBidir2PackedBatchFirst.h, 1e-13);
  });

  it("RNN relu, 2 layers", () => {
    const r = runTorchLike({ seed: 303, cell: "rnn", I: 2, H: 3, L: 2, D: 1, T: 3, B: 2, relu: true });
    expectClose(r.output, TORCH.rnnRelu2.out, 1e-13);
    expectClose(r.h, TORCH.rnnRelu2.h, 1e-13);
  });
});

describe("agreement with onnxruntime 1.30 (float32 golden values)", () => {
  // Drawn from rng(seed), every value rounded to float32: per direction W [G*H,I], R [G*H,H],
  // Wb [G*H], Rb [G*H] (scale 0.9), P [3H] (if peepholes); then X [T,B,I] (scale 2),
  // initial_h [D,B,H] (0.5), initial_c (0.5, LSTM). ONNX layouts and gate orders throughout.
  // onnxruntime computes in float32, so agreement is to ~1e-6.
  interface OnnxCase {
    seed: number;
    cell: Cell;
    I: number;
    H: number;
    D: 1 | 2;
    T: number;
    B: number;
    acts: Act[];
    clip?: number;
    inputForget?: boolean;
    lbr?: boolean;
    peep?: boolean;
    lengths?: number[];
  }
  function runOnnxLike(c: OnnxCase) {
    const r = rng(c.seed);
    const f32 = (n: number, s: number) => Float64Array.from(randomArray(r, n, s), Math.fround);
    const G = gateCount(c.cell);
    const weights: RefDirWeights[] = [];
    for (let d = 0; d < c.D; d++) {
      const W = f32(G * c.H * c.I, 0.9);
      const R = f32(G * c.H * c.H, 0.9);
      const Wb = f32(G * c.H, 0.9);
      const Rb = f32(G * c.H, 0.9);
      const P = c.peep ? f32(3 * c.H, 0.9) : undefined;
      weights.push({ W, R, Wb, Rb, P });
    }
    const x = f32(c.T * c.B * c.I, 2);
    const h0 = f32(c.D * c.B * c.H, 0.5);
    const c0 = c.cell === "lstm" ? f32(c.D * c.B * c.H, 0.5) : undefined;
    const L = mkLayer(c.cell, c.I, c.H, weights, {
      acts: c.acts,
      clip: c.clip ?? Infinity,
      inputForget: c.inputForget ?? false,
      linearBeforeReset: c.lbr ?? false,
    });
    return refForward([L], x, c.T, c.B, { h0, c0, lengths: c.lengths });
  }
  const TOL = 2e-6;

  it("LSTM bidirectional, peepholes, clip 1.25, HardSigmoid/Softsign/Elu | Sigmoid/ScaledTanh/Tanh, lengths", () => {
    const acts = [A(7, 0.25, 0.5), A(9), A(8, 0.75), SIG, A(6, 1.5, 0.75), TANH];
    const r = runOnnxLike({ seed: 404, cell: "lstm", I: 2, H: 3, D: 2, T: 4, B: 2, acts, clip: 1.25, peep: true, lengths: [4, 2] });
    expectClose(r.output, ORT.lstmBidirPeepClipActs.out, TOL);
    expectClose(r.h, ORT.lstmBidirPeepClipActs.h, TOL);
    expectClose(r.c!, ORT.lstmBidirPeepClipActs.c!, TOL);
  });

  it("LSTM input_forget with peepholes", () => {
    const r = runOnnxLike({ seed: 505, cell: "lstm", I: 2, H: 3, D: 1, T: 3, B: 2, acts: defaultActs("lstm"), inputForget: true, peep: true });
    expectClose(r.output, ORT.lstmInputForgetPeep.out, TOL);
    expectClose(r.h, ORT.lstmInputForgetPeep.h, TOL);
    expectClose(r.c!, ORT.lstmInputForgetPeep.c!, TOL);
  });

  it("GRU bidirectional, linear_before_reset=0, clip 1.25, HardSigmoid/Softplus reverse, lengths", () => {
    const acts = [SIG, TANH, A(7, 0.25, 0.5), A(10)];
    const r = runOnnxLike({ seed: 606, cell: "gru", I: 2, H: 3, D: 2, T: 3, B: 2, acts, clip: 1.25, lengths: [3, 1] });
    expectClose(r.output, ORT.gruBidirLbr0ClipActs.out, TOL);
    expectClose(r.h, ORT.gruBidirLbr0ClipActs.h, TOL);
  });

  it("RNN bidirectional ThresholdedRelu | Affine, lengths", () => {
    const acts = [A(5, 0.25), A(3, 0.5, 0.125)];
    const r = runOnnxLike({ seed: 707, cell: "rnn", I: 2, H: 3, D: 2, T: 3, B: 2, acts, lengths: [3, 2] });
    expectClose(r.output, ORT.rnnBidirThreshAffine.out, TOL);
    expectClose(r.h, ORT.rnnBidirThreshAffine.h, TOL);
  });

  it("RNN bidirectional Elu | LeakyRelu", () => {
    const acts = [A(8, 0.75), A(4, 0.125)];
    const r = runOnnxLike({ seed: 808, cell: "rnn", I: 2, H: 3, D: 2, T: 3, B: 2, acts });
    expectClose(r.output, ORT.rnnEluLeaky.out, TOL);
    expectClose(r.h, ORT.rnnEluLeaky.h, TOL);
  });
});

describe("invariants", () => {
  const I = 3;
  const H = 4;
  const T = 6;
  const B = 4;

  for (const [ci, c] of CFGS.entries()) {
    const Hout = c.proj || H;
    const lstm = c.cell === "lstm";

    it(`${c.name}: bidirectional = forward on x  ⊕  reverse = forward on per-row time-reversed x`, () => {
      const { r, bi, fw, rv } = randomBidir(1000 + ci, c, I, H);
      const x = randomArray(r, T * B * I, 2);
      const h0 = randomArray(r, 2 * B * Hout, 0.5);
      const c0 = lstm ? randomArray(r, 2 * B * H, 0.5) : undefined;
      const lengths = [T, 0, 3, 1];
      const half = (a: ArrayLike<number> | undefined, d: number, n: number) => (a ? slice(a, d * B * n, B * n) : undefined);
      const xr = new Float64Array(T * B * I); // xr[t,b] = x[len-1-t, b]
      for (let b = 0; b < B; b++)
        for (let t = 0; t < lengths[b]; t++)
          for (let k = 0; k < I; k++) xr[(t * B + b) * I + k] = x[((lengths[b] - 1 - t) * B + b) * I + k];

      const rb = refForward([bi], x, T, B, { h0, c0, lengths });
      const rf = refForward([fw], x, T, B, { h0: half(h0, 0, Hout), c0: half(c0, 0, H), lengths });
      const rr = refForward([rv], xr, T, B, { h0: half(h0, 1, Hout), c0: half(c0, 1, H), lengths });
      let worst = 0;
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++)
          for (let j = 0; j < Hout; j++) {
            const o = (t * B + b) * 2 * Hout;
            worst = Math.max(worst, Math.abs(rb.output[o + j] - rf.output[(t * B + b) * Hout + j]));
            const want = t < lengths[b] ? rr.output[((lengths[b] - 1 - t) * B + b) * Hout + j] : 0;
            worst = Math.max(worst, Math.abs(rb.output[o + Hout + j] - want));
          }
      expect(worst).toBe(0);
      expectClose(rb.h, [...rf.h, ...rr.h], 0);
      if (lstm) expectClose(rb.c!, [...rf.c!, ...rr.c!], 0);
    });

    it(`${c.name}: lengths = row-wise truncation; lengths all T = no lengths`, () => {
      const { r, bi } = randomBidir(2000 + ci, c, I, H);
      const x = randomArray(r, T * B * I, 2);
      const h0 = randomArray(r, 2 * B * Hout, 0.5);
      const c0 = lstm ? randomArray(r, 2 * B * H, 0.5) : undefined;
      const full = refForward([bi], x, T, B, { h0, c0 });
      const allT = refForward([bi], x, T, B, { h0, c0, lengths: [T, T, T, T] });
      expectClose(allT.output, full.output, 0);
      expectClose(allT.h, full.h, 0);

      const lengths = [2, T, 0, 5];
      const got = refForward([bi], x, T, B, { h0, c0, lengths });
      const W = 2 * Hout;
      for (let b = 0; b < B; b++) {
        const len = lengths[b];
        // the same row alone, with the sequence cut to its length
        const xb = new Float64Array(len * I);
        for (let t = 0; t < len; t++) for (let k = 0; k < I; k++) xb[t * I + k] = x[(t * B + b) * I + k];
        const pick = (a: ArrayLike<number>, n: number) => [...slice(a, b * n, n), ...slice(a, (B + b) * n, n)];
        const one = refForward([bi], xb, len, 1, { h0: pick(h0, Hout), c0: c0 && pick(c0, H) });
        for (let t = 0; t < T; t++) {
          const row = slice(got.output, (t * B + b) * W, W);
          if (t < len) expectClose(row, slice(one.output, t * W, W), 0);
          else expectClose(row, new Float64Array(W), 0);
        }
        expectClose(pick(got.h, Hout), one.h, 0);
        if (lstm) expectClose(pick(got.c!, H), one.c!, 0);
        if (len === 0) {
          expectClose(pick(got.h, Hout), pick(h0, Hout), 0); // final state = initial state
          const zs = refForward([bi], x, T, B, { h0, c0, lengths, zeroLengthState: "zero" });
          expectClose(pick(zs.h, Hout), new Float64Array(2 * Hout), 0);
          if (lstm) expectClose(pick(zs.c!, H), new Float64Array(2 * H), 0);
        }
      }
    });

    it(`${c.name}: masked steps = removed steps (both directions, zero/previous outputs)`, () => {
      const { r, bi } = randomBidir(3000 + ci, c, I, H);
      const x = randomArray(r, T * B * I, 2);
      const h0 = randomArray(r, 2 * B * Hout, 0.5);
      const c0 = lstm ? randomArray(r, 2 * B * H, 0.5) : undefined;
      // [T, B]: row 0 all valid, row 1 holes, row 2 all masked, row 3 leading/trailing pads
      const maskRows = [
        [1, 1, 1, 1, 1, 1],
        [1, 0, 1, 0, 0, 1],
        [0, 0, 0, 0, 0, 0],
        [0, 0, 1, 1, 1, 0],
      ];
      const mask = new Float64Array(T * B);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) mask[t * B + b] = maskRows[b][t];

      const ones = refForward([bi], x, T, B, { h0, c0, mask: new Float64Array(T * B).fill(1) });
      const none = refForward([bi], x, T, B, { h0, c0 });
      expectClose(ones.output, none.output, 0);
      expectClose(ones.h, none.h, 0);

      const mz = refForward([bi], x, T, B, { h0, c0, mask });
      const mp = refForward([bi], x, T, B, { h0, c0, mask, maskedOutput: "previous" });
      const W = 2 * Hout;
      for (let b = 0; b < B; b++) {
        const valid = maskRows[b].flatMap((m, t) => (m ? [t] : []));
        const n = valid.length;
        const xb = new Float64Array(n * I);
        valid.forEach((t, k) => {
          for (let q = 0; q < I; q++) xb[k * I + q] = x[(t * B + b) * I + q];
        });
        const pick = (a: ArrayLike<number>, m: number) => [...slice(a, b * m, m), ...slice(a, (B + b) * m, m)];
        const one = refForward([bi], xb, n, 1, { h0: pick(h0, Hout), c0: c0 && pick(c0, H) });
        for (let t = 0; t < T; t++) {
          const z = slice(mz.output, (t * B + b) * W, W);
          const p = slice(mp.output, (t * B + b) * W, W);
          const k = valid.indexOf(t);
          if (k >= 0) {
            expectClose(z, slice(one.output, k * W, W), 0);
            expectClose(p, slice(one.output, k * W, W), 0);
          } else {
            expectClose(z, new Float64Array(W), 0);
            // forward half: last valid output before t; reverse half: first valid output after t
            const before = valid.filter((v) => v < t).length - 1;
            const after = valid.findIndex((v) => v > t);
            const fwdWant = before >= 0 ? slice(one.output, before * W, Hout) : new Float64Array(Hout);
            const revWant = after >= 0 ? slice(one.output, after * W + Hout, Hout) : new Float64Array(Hout);
            expectClose(p, [...fwdWant, ...revWant], 0);
          }
        }
        expectClose(pick(mz.h, Hout), one.h, 0);
        if (lstm) expectClose(pick(mz.c!, H), one.c!, 0);
      }

      // a mask that is valid for a prefix only is the same as lengths (both directions)
      const lengths = [6, 3, 0, 1];
      const pm = new Float64Array(T * B);
      for (let b = 0; b < B; b++) for (let t = 0; t < lengths[b]; t++) pm[t * B + b] = 1;
      const byMask = refForward([bi], x, T, B, { h0, c0, mask: pm });
      const byLen = refForward([bi], x, T, B, { h0, c0, lengths });
      expectClose(byMask.output, byLen.output, 0);
      expectClose(byMask.h, byLen.h, 0);
      if (lstm) expectClose(byMask.c!, byLen.c!, 0);
    });

    it(`${c.name}: a 2-layer stack = layer 0, then layer 1 on its output; batchFirst = transpose`, () => {
      const r = rng(4000 + ci);
      const mkBi = (inp: number) =>
        mkLayer(
          c.cell,
          inp,
          H,
          [randomDirWeights(r, c.cell, inp, H, c.proj, c.peep), randomDirWeights(r, c.cell, inp, H, c.proj, c.peep)],
          { projSize: c.proj, clip: c.clip, linearBeforeReset: c.lbr, acts: [...defaultActs(c.cell), ...ALT_ACTS[c.cell]] },
        );
      const l0 = mkBi(I);
      const l1 = mkBi(2 * Hout);
      const x = randomArray(r, T * B * I, 2);
      const h0 = randomArray(r, 4 * B * Hout, 0.5);
      const c0 = lstm ? randomArray(r, 4 * B * H, 0.5) : undefined;
      const lengths = [T, 2, 5, 0];
      const both = refForward([l0, l1], x, T, B, { h0, c0, lengths });
      const hs = (a: ArrayLike<number> | undefined, l: number, n: number) => (a ? slice(a, l * 2 * B * n, 2 * B * n) : undefined);
      const a = refForward([l0], x, T, B, { h0: hs(h0, 0, Hout), c0: hs(c0, 0, H), lengths });
      const b2 = refForward([l1], a.output, T, B, { h0: hs(h0, 1, Hout), c0: hs(c0, 1, H), lengths });
      expectClose(both.output, b2.output, 0);
      expectClose(both.h, [...a.h, ...b2.h], 0);
      if (lstm) expectClose(both.c!, [...a.c!, ...b2.c!], 0);

      const xbf = new Float64Array(T * B * I);
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++) for (let k = 0; k < I; k++) xbf[(b * T + t) * I + k] = x[(t * B + b) * I + k];
      const bf = refForward([l0, l1], xbf, T, B, { h0, c0, lengths, batchFirst: true });
      const W = 2 * Hout;
      const back = new Float64Array(T * B * W);
      for (let t = 0; t < T; t++)
        for (let b = 0; b < B; b++) for (let k = 0; k < W; k++) back[(t * B + b) * W + k] = bf.output[(b * T + t) * W + k];
      expectClose(back, both.output, 0);
      expectClose(bf.h, both.h, 0);
    });
  }

  it("LSTM input_forget = forget gate with the input gate's weights negated (σ(-a) = 1 - σ(a))", () => {
    for (const clip of [Infinity, 0.9]) {
      const r = rng(5000);
      const w = randomDirWeights(r, "lstm", I, H, 0, true);
      const neg: RefDirWeights = {
        W: Float64Array.from(w.W),
        R: Float64Array.from(w.R),
        Wb: Float64Array.from(w.Wb),
        Rb: Float64Array.from(w.Rb),
        P: Float64Array.from(w.P!),
      };
      // ONNX blocks: 0 i, 1 o, 2 f, 3 c ; peepholes: 0 i, 1 o, 2 f
      const cp = (src: ArrayLike<number>, dst: Float64Array, cols: number, from: number, to: number) => {
        for (let q = 0; q < H * cols; q++) dst[to * H * cols + q] = -src[from * H * cols + q];
      };
      cp(w.W, neg.W as Float64Array, I, 0, 2);
      cp(w.R, neg.R as Float64Array, H, 0, 2);
      cp(w.Wb, neg.Wb as Float64Array, 1, 0, 2);
      cp(w.Rb, neg.Rb as Float64Array, 1, 0, 2);
      cp(w.P!, neg.P as Float64Array, 1, 0, 2);
      const x = randomArray(r, T * B * I, 2);
      const c0 = randomArray(r, B * H, 1);
      const a = refForward([mkLayer("lstm", I, H, [w], { inputForget: true, clip })], x, T, B, { c0 });
      const b = refForward([mkLayer("lstm", I, H, [neg], { clip })], x, T, B, { c0 });
      expectClose(a.output, b.output, 1e-14);
      expectClose(a.c!, b.c!, 1e-14);
      // and the flag matters
      const plain = refForward([mkLayer("lstm", I, H, [w], { clip })], x, T, B, { c0 });
      expect(maxAbsDiff(a.output, plain.output)).toBeGreaterThan(1e-3);
    }
  });

  it("GRU: linear_before_reset makes no difference when r is uniform across units and Rbh = 0", () => {
    // lbr=0: (r⊙h)·Rhᵀ ; lbr=1: r⊙(h·Rhᵀ + Rbh). Equal when r = ρ·1 and Rbh = 0.
    const r = rng(6000);
    const w = randomDirWeights(r, "gru", I, H, 0, false);
    const W = Float64Array.from(w.W);
    const R = Float64Array.from(w.R);
    const Wb = Float64Array.from(w.Wb);
    const Rb = Float64Array.from(w.Rb);
    for (let j = 0; j < H; j++) {
      for (let k = 0; k < I; k++) W[(H + j) * I + k] = 0; // Wr = 0
      for (let k = 0; k < H; k++) R[(H + j) * H + k] = 0; // Rr = 0
      Wb[H + j] = 0.3; // same r bias for every unit
      Rb[H + j] = -0.7;
      Rb[2 * H + j] = 0; // Rbh = 0
    }
    const x = randomArray(r, T * B * I, 2);
    const h0 = randomArray(r, B * H, 0.5);
    const run = (lbr: boolean, rb: ArrayLike<number>) =>
      refForward([mkLayer("gru", I, H, [{ W, R, Wb, Rb: rb }], { linearBeforeReset: lbr })], x, T, B, { h0 });
    expectClose(run(false, Rb).output, run(true, Rb).output, 1e-14);
    // negative control: with Rbh != 0, r scales it only when lbr = 1
    const Rb2 = Float64Array.from(Rb);
    for (let j = 0; j < H; j++) Rb2[2 * H + j] = 0.5;
    expect(maxAbsDiff(run(false, Rb2).output, run(true, Rb2).output)).toBeGreaterThan(1e-3);
  });

  it("LSTM projection with Wp = identity (proj = H) = no projection", () => {
    const r = rng(7000);
    const w = randomDirWeights(r, "lstm", I, H, 0, true);
    const eye = new Float64Array(H * H);
    for (let j = 0; j < H; j++) eye[j * H + j] = 1;
    const x = randomArray(r, T * B * I, 2);
    const a = refForward([mkLayer("lstm", I, H, [w])], x, T, B);
    const b = refForward([mkLayer("lstm", I, H, [{ ...w, Wp: eye }], { projSize: H })], x, T, B);
    expectClose(a.output, b.output, 0);
    expectClose(a.c!, b.c!, 0);
  });

  it("clip bounds identity-activation outputs; a clip that never binds changes nothing", () => {
    const r = rng(8000);
    const w = randomDirWeights(r, "rnn", I, H, 0, false, 2);
    const x = randomArray(r, T * B * I, 3);
    const clipped = refForward([mkLayer("rnn", I, H, [w], { acts: [ID], clip: 0.5 })], x, T, B);
    let atBound = 0;
    for (const v of clipped.output) {
      expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
      if (Math.abs(v) === 0.5) atBound++;
    }
    expect(atBound).toBeGreaterThan(0);
    const free = refForward([mkLayer("rnn", I, H, [w])], x, T, B);
    const loose = refForward([mkLayer("rnn", I, H, [w], { clip: 1e9 })], x, T, B);
    expectClose(free.output, loose.output, 0);
  });

  it("random configurations give finite, deterministic results", () => {
    for (let s = 0; s < 20; s++) {
      const r = rng(9000 + s);
      const c = CFGS[s % CFGS.length];
      const L = 1 + (s % 3);
      const Hout = c.proj || H;
      const layers: RefLayer[] = [];
      for (let l = 0; l < L; l++) {
        const inp = l === 0 ? I : 2 * Hout;
        layers.push(
          mkLayer(c.cell, inp, H, [randomDirWeights(r, c.cell, inp, H, c.proj, c.peep), randomDirWeights(r, c.cell, inp, H, c.proj, c.peep)], {
            projSize: c.proj,
            clip: c.clip,
            linearBeforeReset: c.lbr,
          }),
        );
      }
      const x = randomArray(r, T * B * I, 2);
      const opts: RefOptions = { lengths: [T, 1, 0, 4] };
      const a = refForward(layers, x, T, B, opts);
      const b = refForward(layers, x, T, B, opts);
      expect(a.output.every(Number.isFinite)).toBe(true);
      expectClose(a.output, b.output, 0);
      expect(a.output.length).toBe(T * B * 2 * Hout);
      expect(a.h.length).toBe(L * 2 * B * Hout);
      if (c.cell === "lstm") expect(a.c!.length).toBe(L * 2 * B * H);
      else expect(a.c).toBeNull();
    }
  });
});

describe("helpers and validation", () => {
  it("torchToOnnxGates reorders gate blocks (LSTM ifgo → iofc, GRU rzn → zrh, RNN as is)", () => {
    const H = 2;
    const cols = 3;
    // value = 100 * torchGate + 10 * rowInGate + col
    const mk = (G: number) => {
      const w = new Float32Array(G * H * cols);
      for (let g = 0; g < G; g++)
        for (let j = 0; j < H; j++) for (let k = 0; k < cols; k++) w[(g * H + j) * cols + k] = 100 * g + 10 * j + k;
      return w;
    };
    const gatesOf = (o: Float64Array, G: number) => {
      const res: number[] = [];
      for (let g = 0; g < G; g++) {
        const blk = slice(o, g * H * cols, H * cols);
        const tg = Math.floor(blk[0] / 100);
        for (let q = 0; q < H * cols; q++) expect(blk[q]).toBe(100 * tg + 10 * Math.floor(q / cols) + (q % cols));
        res.push(tg);
      }
      return res;
    };
    // torch LSTM: 0 i, 1 f, 2 g, 3 o  → ONNX i, o, f, c = torch 0, 3, 1, 2
    expect(gatesOf(torchToOnnxGates("lstm", mk(4), H, cols), 4)).toEqual([0, 3, 1, 2]);
    // torch GRU: 0 r, 1 z, 2 n → ONNX z, r, h = torch 1, 0, 2
    expect(gatesOf(torchToOnnxGates("gru", mk(3), H, cols), 3)).toEqual([1, 0, 2]);
    expect(gatesOf(torchToOnnxGates("rnn", mk(1), H, cols), 1)).toEqual([0]);
    // bias vectors (cols = 1)
    expect(Array.from(torchToOnnxGates("lstm", Float64Array.of(1, 2, 3, 4), 1, 1))).toEqual([1, 4, 2, 3]);
    expect(Array.from(torchToOnnxGates("gru", Float64Array.of(1, 2, 3), 1, 1))).toEqual([2, 1, 3]);
    expect(() => torchToOnnxGates("lstm", new Float64Array(7), 1, 2)).toThrow();
  });

  it("rng is deterministic mulberry32 in [0, 1); randomArray is in [-scale, scale]", () => {
    // first values of mulberry32(0), cross-checked against an independent Python port
    const r0 = rng(0);
    expect([r0(), r0(), r0()]).toEqual([0.26642920868471265, 0.0003297457005828619, 0.2232720274478197]);
    const a = randomArray(rng(42), 10000, 0.3);
    const b = randomArray(rng(42), 10000, 0.3);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(randomArray(rng(43), 5, 0.3))).not.toEqual(Array.from(a.slice(0, 5)));
    let lo = Infinity;
    let hi = -Infinity;
    let sum = 0;
    for (const v of a) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      sum += v;
    }
    expect(lo).toBeGreaterThanOrEqual(-0.3);
    expect(hi).toBeLessThan(0.3);
    expect(lo).toBeLessThan(-0.29);
    expect(hi).toBeGreaterThan(0.29);
    expect(Math.abs(sum / a.length)).toBeLessThan(0.01);
  });

  it("rejects inconsistent shapes and options", () => {
    const w = { W: [1], R: [1], Wb: [0], Rb: [0] };
    const ok = mkLayer("rnn", 1, 1, [w]);
    expect(() => refForward([ok], [1, 2], 2, 1)).not.toThrow();
    expect(() => refForward([ok], [1, 2, 3], 2, 1)).toThrow(); // x size
    expect(() => refForward([{ ...ok, acts: [TANH, TANH] }], [1, 2], 2, 1)).toThrow(); // acts count
    expect(() => refForward([mkLayer("rnn", 1, 1, [{ ...w, W: [1, 2] }])], [1, 2], 2, 1)).toThrow(); // W size
    expect(() => refForward([{ ...ok, projSize: 1, weights: [{ ...w, Wp: [1] }] }], [1, 2], 2, 1)).toThrow(); // proj on RNN
    expect(() => refForward([ok], [1, 2], 2, 1, { lengths: [3] })).toThrow(); // length > T
    expect(() => refForward([ok], [1, 2], 2, 1, { h0: [0, 0] })).toThrow(); // h0 size
    expect(() => refForward([ok, mkLayer("rnn", 2, 1, [w])], [1, 2], 2, 1)).toThrow(); // layer 1 input size
  });
});

// ---------------------------------------------------------------------------------------
// golden values (see the describe blocks above for how they were produced)

interface Golden {
  out: number[];
  h: number[];
  c?: number[];
}

const TORCH: Record<string, Golden> = {
  lstmProjBidir2Packed: {
    out: [
      -0.16381774619984166, 0.0006178806569371031, -0.23898466216674427, -0.14549808298197145,
      0.020813836502684625, 0.03174580744934789, -0.14707080677823664, -0.11047920337838715,
      -0.059588619213379365, -0.0034241320739591477, -0.21061108730925815, -0.14226719296721502,
      -0.06576850298914488, 0.004117298347958584, -0.1510016789973536, -0.020308140021481395,
      -0.08462812115268159, 0.002346365839588537, -0.22076156572341765, -0.1427028625521902, 0.0,
      0.0, 0.0, 0.0, -0.06157139969598839, 0.0019416250471126842, -0.16132128550352592,
      -0.12972538529287062, 0.0, 0.0, 0.0, 0.0,
    ],
    h: [
      -0.08542931750478337, -0.02192371666432673, 0.011212850613296348, -0.08663193922218962,
      0.15239178874075265, 0.39797003847111745, -0.019727640699949887, -0.15359185127987196,
      -0.06157139969598839, 0.0019416250471126842, -0.06576850298914488, 0.004117298347958584,
      -0.23898466216674427, -0.14549808298197145, -0.14707080677823664, -0.11047920337838715,
    ],
    c: [
      -0.15758028456772183, 0.21907687327018951, 0.046210154031915265, -0.13560007382001998,
      -0.10262031763080706, 0.2550050689919159, 0.3267325984851901, -0.5722835891785701,
      -0.46185951817026644, -0.22104733427914502, 0.3762936571925768, -0.19882647351935612,
      0.22212597243961502, -0.29217096603545845, -0.23654878473264174, 0.1941853061724701,
      -0.22715993659515268, -0.20620130912637508, 0.25467003832249724, 0.31021659692971065,
      0.3923067105617013, 0.13480680908420914, 0.2108640344150221, 0.3068330549395864,
    ],
  },
  gruBidir2PackedBatchFirst: {
    out: [
      -0.05834699338919597, 0.030650216663992036, -0.09147918527187542, 0.47672749100226103, 0.0,
      0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.004713579713919114, -0.11203858267528849,
      -0.06417902770680974, 0.6256918860201901, 0.09062856430400384, -0.1777649589253183,
      -0.09924844258318216, 0.39322541196676386, 0.0674809158964843, -0.26367377782338774,
      -0.008294362599628069, 0.3735321588311059,
    ],
    h: [
      0.07385835701809708, -0.15539878191753342, 0.11851612130492448, -0.5375269013805762,
      0.5051210122418418, 0.33063908861736047, 0.7136108907529717, 0.3484541790643042,
      -0.05834699338919597, 0.030650216663992036, 0.0674809158964843, -0.26367377782338774,
      -0.09147918527187542, 0.47672749100226103, -0.06417902770680974, 0.6256918860201901,
    ],
  },
  rnnRelu2: {
    out: [
      0.6843323639632688, 0.0, 0.0, 1.1404529924014664, 0.0, 0.0, 0.5238151924023727,
      0.7817403969313479, 0.0, 0.7538332173360554, 1.2397191482494683, 0.0, 0.8772779668661236,
      0.10616188794453141, 0.0, 1.1311613354009311, 0.2933878793731475, 0.0,
    ],
    h: [
      1.3252483016298153, 0.0, 0.0, 1.5625511454148315, 0.0, 0.0, 0.8772779668661236,
      0.10616188794453141, 0.0, 1.1311613354009311, 0.2933878793731475, 0.0,
    ],
  },
};

const ORT: Record<string, Golden> = {
  lstmBidirPeepClipActs: {
    out: [
      -0.11518973857164383, -0.006337464787065983, 0.015474939718842506, 0.5998690724372864,
      0.6057776212692261, 0.2508392035961151, -0.18505419790744781, 0.09342395514249802,
      0.011398164555430412, 0.43358761072158813, 0.41074100136756897, 0.09441665560007095,
      -0.14991575479507446, -0.008724966086447239, 0.016751520335674286, 0.5716975331306458,
      0.4565957188606262, 0.1899864375591278, -0.20866267383098602, 0.13456842303276062,
      0.019021734595298767, 0.2169155329465866, 0.25319740176200867, -0.10220931470394135,
      -0.17791354656219482, 0.0120990676805377, 0.022396216168999672, 0.6501429677009583,
      0.4981141984462738, 0.006620369385927916, 0, 0, 0, 0, 0, 0, -0.1752578318119049,
      0.0987463891506195, 0.01663399115204811, 0.47655072808265686, 0.19555342197418213,
      -0.07881787419319153, 0, 0, 0, 0, 0, 0,
    ],
    h: [
      -0.1752578318119049, 0.0987463891506195, 0.01663399115204811, -0.20866267383098602,
      0.13456842303276062, 0.019021734595298767, 0.5998690724372864, 0.6057776212692261,
      0.2508392035961151, 0.43358761072158813, 0.41074100136756897, 0.09441665560007095,
    ],
    c: [
      -0.5662456154823303, 0.30599790811538696, 0.0887146145105362, -0.6704576015472412,
      0.5013845562934875, 0.10144925117492676, 1.0246021747589111, 1.2418421506881714,
      0.33466458320617676, 0.6296519637107849, 0.7773647308349609, 0.12506482005119324,
    ],
  },
  lstmInputForgetPeep: {
    out: [
      0.13381995260715485, -0.0246597733348608, -0.22931160032749176, -0.16087768971920013,
      0.09285479038953781, 0.07455652952194214, 0.12644356489181519, -0.023457083851099014,
      -0.30415886640548706, -0.20874840021133423, 0.16407723724842072, 0.09524296969175339,
      0.22349250316619873, -0.02473156712949276, -0.29877036809921265, -0.17297400534152985,
      0.028444519266486168, -0.21725179255008698,
    ],
    h: [
      0.22349250316619873, -0.02473156712949276, -0.29877036809921265, -0.17297400534152985,
      0.028444519266486168, -0.21725179255008698,
    ],
    c: [
      0.31841570138931274, -0.5763028264045715, -0.501213788986206, -0.5503568053245544,
      0.12359301000833511, -0.35312891006469727,
    ],
  },
  gruBidirLbr0ClipActs: {
    out: [
      0.6371853947639465, 0.25248101353645325, 0.02166067063808441, 0.3709590435028076,
      1.330825924873352, 0.2637996971607208, -0.022559793666005135, -0.33915483951568604,
      -0.02275906503200531, 0.38975492119789124, 0.9983940124511719, 0.2341618835926056,
      -0.13921457529067993, 0.007340580224990845, 0.11694282293319702, 0.39009493589401245,
      1.3234384059906006, 0.18900328874588013, 0, 0, 0, 0, 0, 0, 0.5867741703987122,
      -0.09474290907382965, 0.12494915723800659, -0.13548171520233154, 1.2064450979232788,
      0.16545309126377106, 0, 0, 0, 0, 0, 0,
    ],
    h: [
      0.5867741703987122, -0.09474290907382965, 0.12494915723800659, -0.022559793666005135,
      -0.33915483951568604, -0.02275906503200531, 0.3709590435028076, 1.330825924873352,
      0.2637996971607208, 0.38975492119789124, 0.9983940124511719, 0.2341618835926056,
    ],
  },
  rnnBidirThreshAffine: {
    out: [
      0, 1.076530933380127, 0, 0.875345766544342, -0.2353406548500061, 0.6195472478866577, 0,
      1.2739101648330688, 0.46249836683273315, 0.5541837811470032, -0.5144621729850769,
      0.3103901743888855, 0.4928377568721771, 0, 0, 0.4885546565055847, 0.4698183238506317,
      0.1232304647564888, 0, 2.077353000640869, 0, -0.18052011728286743, -0.6213566660881042,
      0.21045003831386566, 0.9013627767562866, 0.4166029393672943, 0, 0.027832359075546265,
      0.32029956579208374, 0.03896097093820572, 0, 0, 0, 0, 0, 0,
    ],
    h: [
      0.9013627767562866, 0.4166029393672943, 0, 0, 2.077353000640869, 0, 0.875345766544342,
      -0.2353406548500061, 0.6195472478866577, 0.5541837811470032, -0.5144621729850769,
      0.3103901743888855,
    ],
  },
  rnnEluLeaky: {
    out: [
      -0.4431314170360565, 0.3736558258533478, -0.30132246017456055, -0.0542856827378273,
      -0.054626062512397766, -0.012481270357966423, -0.47926363348960876, -0.4723680317401886,
      0.586381733417511, -0.11786874383687973, 0.42991507053375244, -0.22444970905780792,
      1.164072036743164, -0.22728502750396729, -0.6416642069816589, -0.2299155443906784,
      1.481823444366455, -0.4452767074108124, -0.3860825300216675, 0.7815099358558655,
      -0.3251166343688965, -0.1631995439529419, -0.08174886554479599, -0.14269450306892395,
      -0.6173321008682251, 1.362453579902649, 0.12357333302497864, 1.6313862800598145,
      -0.04807782918214798, 0.6092001795768738, -0.007736071944236755, 0.4197690486907959,
      -0.6085197925567627, 1.088731050491333, 1.181479573249817, -0.06730272620916367,
    ],
    h: [
      -0.6173321008682251, 1.362453579902649, 0.12357333302497864, -0.007736071944236755,
      0.4197690486907959, -0.6085197925567627, -0.0542856827378273, -0.054626062512397766,
      -0.012481270357966423, -0.11786874383687973, 0.42991507053375244, -0.22444970905780792,
    ],
  },
};
