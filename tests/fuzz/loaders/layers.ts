// Fuzz entry: the layer API (LSTM, GRU, RNN) with bad options and bad inputs. A seed is a valid call sequence
// (construct → setWeights → forward / stream); a mutant breaks one or more arguments: sizes that are zero, negative,
// fractional, non-finite, strings or huge; unknown activations; x with wrong dims, a data length that disagrees with
// its dims, other typed arrays or plain arrays; lengths that are non-finite, negative, too long or of the wrong count;
// h0/c0 mis-shaped or given to the wrong cell; state dicts with missing or mis-shaped tensors; use after dispose().
// Stages: parse = construct, validate = setWeights, run = forward / stream.
// Extra oracle: when a single argument was broken, the error message names it.

import type { Tensor } from "../../../src/api.js";
import type { Engine } from "../../../src/engine/engine.js";
import { RnnError } from "../../../src/errors.js";
import { GRU, LSTM, RNN, type RecurrentLayer } from "../../../src/layers/recurrent.js";
import type { FuzzEntry, GoldenModel } from "../entry.js";
import { Rand } from "../mutate.js";
import { OracleError, checkOutput, randomF32 } from "./common.js";

type Cell = "lstm" | "gru" | "rnn";
interface Call {
  cell: Cell;
  options: Record<string, unknown>;
  stateDict: Record<string, unknown> | null;
  x: unknown;
  forward: Record<string, unknown>;
  stream: boolean;
  disposeFirst: boolean;
  /** The argument a single mutation broke (the message must name it). */
  broke: string[];
}
interface Seed { cell: Cell; I: number; H: number; L: number; bidir: boolean; P: number; batchFirst: boolean; bias: boolean }

const SEEDS: Seed[] = [
  { cell: "lstm", I: 3, H: 5, L: 1, bidir: false, P: 0, batchFirst: false, bias: true },
  { cell: "lstm", I: 4, H: 6, L: 2, bidir: true, P: 3, batchFirst: true, bias: true },
  { cell: "gru", I: 2, H: 9, L: 2, bidir: false, P: 0, batchFirst: false, bias: false },
  { cell: "gru", I: 5, H: 3, L: 1, bidir: true, P: 0, batchFirst: true, bias: true },
  { cell: "rnn", I: 1, H: 8, L: 3, bidir: false, P: 0, batchFirst: false, bias: true },
];
const GATES: Record<Cell, number> = { lstm: 4, gru: 3, rnn: 1 };

function stateDict(s: Seed, r: Rand): Record<string, Float32Array> {
  const G = GATES[s.cell], H = s.H, K = s.P || H, D = s.bidir ? 2 : 1;
  const sd: Record<string, Float32Array> = {};
  for (let l = 0; l < s.L; l++) {
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? "_reverse" : ""}`;
      const I = l === 0 ? s.I : D * K;
      sd[`weight_ih${sfx}`] = randomF32(() => r.next(), G * H * I, 0.5);
      sd[`weight_hh${sfx}`] = randomF32(() => r.next(), G * H * K, 0.5);
      if (s.bias) { sd[`bias_ih${sfx}`] = randomF32(() => r.next(), G * H); sd[`bias_hh${sfx}`] = randomF32(() => r.next(), G * H); }
      if (s.P) sd[`weight_hr${sfx}`] = randomF32(() => r.next(), s.P * H, 0.5);
    }
  }
  return sd;
}

function validCall(s: Seed, r: Rand): Call {
  const T = r.range(1, 5), B = r.range(1, 4), D = s.bidir ? 2 : 1, K = s.P || s.H;
  const options: Record<string, unknown> = { inputSize: s.I, hiddenSize: s.H, numLayers: s.L, bidirectional: s.bidir, batchFirst: s.batchFirst, bias: s.bias };
  if (s.P) options.projSize = s.P;
  const stream = !s.bidir && r.chance(0.3);
  const forward: Record<string, unknown> = stream ? { batch: B } : {};
  if (!stream && r.chance(0.4)) forward.lengths = Array.from({ length: B }, () => r.range(0, T));
  if (r.chance(0.4)) forward.h0 = { data: randomF32(() => r.next(), s.L * D * B * K), dims: [s.L * D, B, K] };
  if (s.cell === "lstm" && r.chance(0.4)) forward.c0 = { data: randomF32(() => r.next(), s.L * D * B * s.H), dims: [s.L * D, B, s.H] };
  return {
    cell: s.cell, options, stateDict: r.chance(0.7) ? stateDict(s, r) : null,
    x: { data: randomF32(() => r.next(), T * B * s.I), dims: s.batchFirst && !stream ? [B, T, s.I] : [T, B, s.I] },
    forward, stream, disposeFirst: false, broke: [],
  };
}

/** Values no size or count option accepts. */
const BAD_NUMBERS: readonly unknown[] = [0, -1, 1.5, NaN, Infinity, -Infinity, "3", null, true, {}, []];
/** Sizes that are valid integers but far too large: LIMIT_EXCEEDED (or a clean error) before any large allocation. */
const HUGE: readonly number[] = [2 ** 31, 2 ** 53, 1e6, 50_000, 3000];

const isTensor = (t: unknown): t is Tensor => t !== null && typeof t === "object" && ArrayBuffer.isView((t as Tensor).data) && Array.isArray((t as Tensor).dims);

/**
 * Mutations of a call; each returns the argument it breaks ("" when it did nothing, "~name" when the value is valid but
 * huge, so that the error may name something else).
 */
const MUTATIONS: ((c: Call, r: Rand) => string)[] = [
  (c, r) => {
    const k = r.pick(["inputSize", "hiddenSize", "numLayers", "projSize", "clip"]);
    const v = r.pick(BAD_NUMBERS);
    c.options[k] = v;
    // null means "the default" for the optional ones, and projSize 0 means "none": valid values, so the error (if
    // any) may rightly name another argument that no longer fits (h0's dims, a weight's shape)
    const valid = (v === null && k !== "inputSize" && k !== "hiddenSize") || (v === 0 && k === "projSize");
    return valid ? "~" + k : k;
  },
  (c, r) => { const k = r.pick(["inputSize", "hiddenSize", "numLayers"]); c.options[k] = r.pick(HUGE); return "~" + k; },
  (c, r) => { c.options.activations = r.pick<unknown>([["Nope"], "Tanh", [{ name: "__proto__" }], [null], [{ name: "toString" }], Array(7).fill("Relu"), [{ name: "LeakyRelu", alpha: NaN }]]); return "activations"; },
  (c, r) => { if (c.cell !== "rnn") return ""; c.options.nonlinearity = r.pick<unknown>(["sigmoid", 1, null, "constructor"]); return "nonlinearity"; },
  (c, r) => { // x dims
    const x = c.x as Tensor;
    if (!isTensor(x)) return "";
    x.dims = r.pick<number[]>([[...x.dims, 1], x.dims.slice(1), [x.dims[0], x.dims[1], x.dims[2] + 1], [x.dims[0] + 1, x.dims[1], x.dims[2]], [], [-1, 1, x.data.length * -1], [x.dims[0], NaN, x.dims[2]], [0.5, 2, x.data.length]]);
    return "x";
  },
  (c, r) => { // x data length disagrees with dims
    const x = c.x as Tensor;
    if (!isTensor(x) || !x.data.length) return "";
    x.data = x.data.slice(0, Math.max(0, x.data.length - r.range(1, 3)));
    return "x";
  },
  (c, r) => { // x data of another type
    const x = c.x as Tensor;
    if (!isTensor(x)) return "";
    x.data = r.pick<unknown>([new Int32Array(x.data.length), new BigInt64Array(x.data.length), Array.from(x.data as Float32Array), new Float64Array(x.data.length), null, "abc", new Uint8Array(x.data.length)]) as Float32Array;
    return "x";
  },
  (c, r) => { c.x = r.pick<unknown>([null, undefined, 5, "x", [], { dims: [1, 1, 1] }, { data: new Float32Array(3) }, new Float32Array(3)]); return "x"; },
  (c, r) => { // x values: non-finite (must run, not throw)
    const x = c.x as Tensor;
    if (!isTensor(x) || !(x.data instanceof Float32Array) || !x.data.length) return "";
    for (let k = r.range(1, 4); k > 0; k--) x.data[r.int(x.data.length)] = r.pick([NaN, Infinity, -Infinity, 3.4e38, -3.4e38]);
    return "-";
  },
  (c, r) => { // lengths
    const x = c.x as Tensor;
    if (c.stream || !isTensor(x)) return "";
    const B = x.dims.length === 3 ? (c.options.batchFirst ? x.dims[0] : x.dims[1]) : 1;
    c.forward.lengths = r.pick<unknown>([
      Array.from({ length: B }, () => r.pick([NaN, Infinity, -1, 1.5, 1e9, "2", null])), Array.from({ length: B + 1 }, () => 1), [], 5, "3", { length: B },
      Array.from({ length: B }, () => 2 ** 31), Array.from({ length: B }, () => 10n ** 20n),
    ]);
    return "lengths";
  },
  (c, r) => { // h0 / c0
    const k = r.pick(["h0", "c0"]);
    const t = isTensor(c.forward[k]) && (c.forward[k] as Tensor).dims.length === 3 ? (c.forward[k] as Tensor) : undefined;
    c.forward[k] = r.pick<unknown>([
      { data: new Float32Array(3), dims: [3] }, { data: new Float32Array(1), dims: [1, 1, 1] }, 5, "h",
      t ? { data: t.data, dims: [t.dims[0] + 1, t.dims[1], t.dims[2]] } : { data: new Float32Array(2), dims: [1, 2] },
      t ? { data: new Int32Array(t.data.length), dims: t.dims } : { data: new Float32Array(0), dims: [0, 0, 0] },
    ]);
    return k;
  },
  (c, r) => { // state dict: a missing or mis-shaped tensor, or not an object
    const keys = c.stateDict && typeof c.stateDict === "object" ? Object.keys(c.stateDict) : [];
    if (keys.length && r.chance(0.7)) {
      const k = r.pick(keys);
      if (r.chance(0.5)) { delete c.stateDict![k]; return k; }
      c.stateDict![k] = r.pick<unknown>([new Float32Array(1), { data: new Float32Array(1), dims: [1] }, null, [1, 2], new Int32Array(4), "w"]);
      return k;
    }
    c.stateDict = r.pick<unknown>([5, "sd", true]) as Record<string, unknown>;
    return "stateDict";
  },
  (c, r) => { if (!c.stream) return ""; c.forward.batch = r.pick(BAD_NUMBERS); return "batch"; },
  (c) => { c.disposeFirst = true; return "disposed"; },
];

function construct(c: Call, engine: Engine): RecurrentLayer {
  const o = { ...c.options, engine } as never;
  return c.cell === "lstm" ? new LSTM(o) : c.cell === "gru" ? new GRU(o) : new RNN(o);
}

const entry: FuzzEntry<Seed, Call> = {
  name: "layers",
  allowedCodes: ["SHAPE_MISMATCH", "BAD_ARGUMENT", "BAD_MODEL", "LIMIT_EXCEEDED", "OUT_OF_MEMORY", "DISPOSED"],
  seeds: () => SEEDS,
  mutate(seeds, r) {
    const c = validCall(r.pick(seeds), r);
    const n = r.weighted([[2, 0], [6, 1], [2, 2]] as const);
    const how: string[] = [];
    for (let k = 0; k < n; k++) {
      const m = r.int(MUTATIONS.length);
      const broke = MUTATIONS[m](c, r);
      if (broke) { how.push(`${m}:${broke}`); c.broke.push(broke); }
    }
    return { input: c, how };
  },
  run(c, ctx) {
    ctx.stage = "parse";
    let layer: RecurrentLayer | null = null;
    try {
      layer = construct(c, ctx.engine);
      ctx.stage = "validate";
      if (c.stateDict) layer.setWeights(c.stateDict as never);
      if (c.disposeFirst) layer.dispose();
      ctx.stage = "run";
      if (c.stream) {
        const s = layer.stream(c.forward as never);
        checkOutput(s.step(c.x as Tensor), "stream step");
        checkOutput(s.state().h, "stream state h");
        s.dispose();
      } else {
        const y = layer.forward(c.x as Tensor, c.forward as never);
        checkOutput(y.output, "output");
        checkOutput(y.h, "h");
        if (c.cell === "lstm") checkOutput(y.c, "c");
      }
      if (c.disposeFirst) throw new OracleError("a call after dispose() did not throw DISPOSED");
    } catch (e) {
      if (e instanceof RnnError && c.broke.length === 1 && !/^[~-]/.test(c.broke[0]) && e.code !== "LIMIT_EXCEEDED") {
        const arg = c.broke[0];
        const named = arg === "disposed" ? e.code === "DISPOSED" : e.message.includes(arg);
        if (!named) throw new OracleError(`the error does not name the broken argument ${arg}: ${e.message.slice(0, 300)}`);
      }
      throw e;
    } finally {
      layer?.dispose();
    }
  },
  async golden(engine: Engine): Promise<GoldenModel> {
    // no framework file for random weights: the golden check here is the bit-for-bit one (before vs after the run)
    const s = SEEDS[1];
    const r = new Rand(0x601d);
    const sd = stateDict(s, r);
    const x: Tensor = { data: randomF32(() => r.next(), 2 * 5 * s.I), dims: [2, 5, s.I] };
    const make = () => new LSTM({ inputSize: s.I, hiddenSize: s.H, numLayers: s.L, bidirectional: s.bidir, projSize: s.P, batchFirst: true, engine }).setWeights(sd);
    const run = (l: RecurrentLayer) => { const y = l.forward(x, { lengths: [5, 3] }); return [y.output.data, y.h.data, y.c!.data]; };
    const kept = make();
    const outputs = run(kept);
    return {
      outputs, vsFramework: null,
      again: async () => run(kept),
      fresh: async () => { const l = make(); try { return run(l); } finally { l.dispose(); } },
      dispose: () => kept.dispose(),
    };
  },
};
export default entry;
