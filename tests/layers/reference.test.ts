// Every cell, option and pass against the independent float64 reference (tests/ref/rnn64.ts), on hundreds of
// seeded random configurations, for all three builds; and the SIMD kernels against their scalar twins.
import { describe, expect, it } from "vitest";
import { RecurrentStack } from "../../src/core/stack.js";
import { type ActSpec, type CellType, type DirWeights, type LayerSpec, gatesOf } from "../../src/core/spec.js";
import { refForward, type RefLayer } from "../ref/rnn64.js";
import { BUILDS, closeTo, engineFor, randF32, rng, sameBits } from "../helpers.js";

interface Config {
  seed: number; cell: CellType; I: number; H: number; P: number; L: number; D: 1 | 2; T: number; B: number;
  batchFirst: boolean; acts: ActSpec[][]; clip: number; inputForget: boolean; lbr: boolean; peep: boolean;
  lengths: number[] | null; mask: number[] | null; maskRepeat: boolean; h0: boolean; c0: boolean;
}

const ACTS_ALL: ActSpec[] = [
  { code: 0, alpha: 0, beta: 0 }, { code: 1, alpha: 0, beta: 0 }, { code: 2, alpha: 0, beta: 0 },
  { code: 3, alpha: 0.7, beta: 0.1 }, { code: 4, alpha: 0.05, beta: 0 }, { code: 5, alpha: 0.2, beta: 0 },
  { code: 6, alpha: 0.9, beta: 1.3 }, { code: 7, alpha: 0.2, beta: 0.5 }, { code: 8, alpha: 0.8, beta: 0 },
  { code: 9, alpha: 0, beta: 0 }, { code: 10, alpha: 0, beta: 0 }, { code: 11, alpha: 1.6732632, beta: 1.0507010 },
  { code: 12, alpha: 0, beta: 0 },
];
const SIG = ACTS_ALL[0], TANH = ACTS_ALL[1];

function makeConfig(seed: number): Config {
  const r = rng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(r() * a.length)];
  const cell = pick<CellType>(["lstm", "gru", "rnn"]);
  const H = pick([1, 2, 3, 5, 7, 8, 9, 13, 16, 17, 24, 33]);
  const I = pick([1, 2, 3, 4, 5, 8, 11, 16]);
  const P = cell === "lstm" && H > 1 && r() < 0.25 ? 1 + Math.floor(r() * (H - 1)) : 0;
  const D: 1 | 2 = r() < 0.35 ? 2 : 1;
  const L = pick([1, 1, 1, 2, 2, 3]);
  const T = pick([1, 1, 2, 3, 5, 8, 13]);
  const B = pick([1, 1, 2, 3, 4, 5, 7, 8, 9]);
  const n = cell === "lstm" ? 3 : cell === "gru" ? 2 : 1;
  const defaults = cell === "lstm" ? [SIG, TANH, TANH] : cell === "gru" ? [SIG, TANH] : [TANH];
  const exotic = r() < 0.3;
  const acts: ActSpec[][] = [];
  // LSTM/GRU gates (f) stay gate-like (in [0, 1]) so that the dynamics stay bounded; g, h and RNN's f take any.
  const GATES = [ACTS_ALL[0], ACTS_ALL[7]];
  for (let d = 0; d < D; d++) {
    acts.push(exotic ? Array.from({ length: n }, (_, i) => (i === 0 && cell !== "rnn" ? pick(GATES) : pick(ACTS_ALL))) : defaults);
  }
  const lengths = r() < 0.35 ? Array.from({ length: B }, () => Math.floor(r() * (T + 1))) : null;
  const mask = !lengths && r() < 0.15 ? Array.from({ length: T * B }, () => (r() < 0.7 ? 1 : 0)) : null;
  return {
    seed, cell, I, H, P, L, D, T, B, batchFirst: r() < 0.3, acts, clip: r() < 0.2 ? 0.5 + r() * 2 : Infinity,
    inputForget: cell === "lstm" && r() < 0.2, lbr: r() < 0.5, peep: cell === "lstm" && r() < 0.3,
    lengths, mask, maskRepeat: r() < 0.5, h0: r() < 0.5, c0: cell === "lstm" && r() < 0.5,
  };
}

function build(c: Config) {
  const r = rng(c.seed * 7919 + 1);
  const G = gatesOf(c.cell), K = c.P || c.H;
  const specs: LayerSpec[] = [];
  const weights: DirWeights[][] = [];
  const refLayers: RefLayer[] = [];
  const scale = 1 / Math.sqrt(c.H);
  for (let l = 0; l < c.L; l++) {
    const I = l === 0 ? c.I : c.D * K;
    const spec: LayerSpec = {
      cell: c.cell, inputSize: I, hiddenSize: c.H, projSize: c.P, directions: c.D, acts: c.acts, clip: c.clip,
      inputForget: c.inputForget, linearBeforeReset: c.lbr,
    };
    const dirs: DirWeights[] = [];
    for (let d = 0; d < c.D; d++) {
      const w: DirWeights = {
        W: randF32(r, G * c.H * I, scale * 1.5), R: randF32(r, G * c.H * K, scale * 1.5),
        Wb: randF32(r, G * c.H, 0.5), Rb: randF32(r, G * c.H, 0.5),
      };
      if (c.peep) w.P = randF32(r, 3 * c.H, 0.5);
      if (c.P) w.Wp = randF32(r, c.P * c.H, scale * 1.5);
      dirs.push(w);
    }
    specs.push(spec);
    weights.push(dirs);
    refLayers.push({
      cell: c.cell, inputSize: I, hiddenSize: c.H, projSize: c.P, directions: c.D, acts: c.acts.flat(),
      clip: c.clip, inputForget: c.inputForget, linearBeforeReset: c.lbr, weights: dirs,
    });
  }
  const x = randF32(r, c.T * c.B * c.I, 1.2);
  const S = c.L * c.D;
  const h0 = c.h0 ? randF32(r, S * c.B * K, 0.8) : undefined;
  const c0 = c.c0 ? randF32(r, S * c.B * c.H, 0.8) : undefined;
  return { specs, weights, refLayers, x, h0, c0, S, K };
}

const N_CONFIGS = 240;
const configs = Array.from({ length: N_CONFIGS }, (_, i) => makeConfig(1000 + i));

describe("layers vs the float64 reference", () => {
  for (const b of BUILDS) {
    it(`${N_CONFIGS} random configurations, ${b} build`, async () => {
      const engine = await engineFor(b);
      let checked = 0;
      for (const c of configs) {
        const m = build(c);
        const stack = new RecurrentStack(engine, m.specs, m.weights, c.batchFirst);
        const xDims = c.batchFirst ? [c.B, c.T, c.I] : [c.T, c.B, c.I];
        const res = stack.forward({ data: m.x, dims: xDims }, {
          h0: m.h0 ? { data: m.h0, dims: [m.S, c.B, m.K] } : undefined,
          c0: m.c0 ? { data: m.c0, dims: [m.S, c.B, c.H] } : undefined,
          lengths: c.lengths ?? undefined, mask: c.mask ?? undefined, maskRepeat: c.maskRepeat,
        });
        const ref = refForward(m.refLayers, m.x, c.T, c.B, {
          batchFirst: c.batchFirst, h0: m.h0, c0: m.c0, lengths: c.lengths ?? undefined, mask: c.mask ?? undefined,
          maskedOutput: c.maskRepeat ? "previous" : "zero",
        });
        const what = `config ${JSON.stringify({ ...c, acts: c.acts.map((a) => a.map((x) => x.code)) })}`;
        expect(closeTo(res.output.data, ref.output), `output, ${what}`).toBeNull();
        expect(closeTo(res.h.data, ref.h), `h, ${what}`).toBeNull();
        if (c.cell === "lstm") expect(closeTo(res.c!.data, ref.c!), `c, ${what}`).toBeNull();
        else expect(res.c).toBeUndefined();
        stack.dispose();
        checked++;
      }
      expect(checked).toBe(N_CONFIGS);
    });
  }

  // The scalar twins of the SIMD kernels are the scalar build's kernels (assembly/index.ts): the same configurations,
  // with every option, on both, bit for bit (relaxed SIMD within tolerance).
  it("the SIMD kernels match their scalar twins (the scalar build) bit for bit (relaxed SIMD within tolerance)", async () => {
    const scalar = await engineFor("scalar");
    for (const b of ["simd", "relaxed-simd"] as const) {
      const engine = await engineFor(b);
      for (const c of configs.slice(0, 120)) {
        const m = build(c);
        const xDims = c.batchFirst ? [c.B, c.T, c.I] : [c.T, c.B, c.I];
        const opts = {
          h0: m.h0 ? { data: m.h0, dims: [m.S, c.B, m.K] } : undefined,
          c0: m.c0 ? { data: m.c0, dims: [m.S, c.B, c.H] } : undefined,
          lengths: c.lengths ?? undefined, mask: c.mask ?? undefined, maskRepeat: c.maskRepeat,
        };
        const [fast, twin] = [engine, scalar].map((e) => {
          const stack = new RecurrentStack(e, m.specs, m.weights, c.batchFirst);
          try { return stack.forward({ data: m.x, dims: xDims }, opts); } finally { stack.dispose(); }
        });
        if (b === "simd") {
          expect(sameBits(fast.output.data, twin.output.data), `seed ${c.seed}`).toBeNull();
          expect(sameBits(fast.h.data, twin.h.data), `seed ${c.seed}`).toBeNull();
          if (fast.c) expect(sameBits(fast.c.data, twin.c!.data), `seed ${c.seed}`).toBeNull();
        } else {
          expect(closeTo(fast.output.data, twin.output.data), `seed ${c.seed}`).toBeNull();
        }
      }
    }
  });
});
