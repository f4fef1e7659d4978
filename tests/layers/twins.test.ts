// The recurrent sequence kernel against its scalar twin (the scalar build's rnn_seq, the same sums in the same order)
// over a tail matrix of hidden sizes (panel of 8 units) and batch sizes (row tiles of 6, 4 and 2): bit for bit in the
// SIMD build, within tolerance in the relaxed-SIMD build.
import { describe, expect, it } from "vitest";
import { RecurrentStack } from "../../src/core/stack.js";
import { Engine } from "../../src/engine/engine.js";
import { type CellType, type DirWeights, type LayerSpec, defaultActs, gatesOf } from "../../src/core/spec.js";
import { closeTo, engineFor, randF32, rng, sameBits } from "../helpers.js";
import { tailSizes } from "../kernels/registry.js";

/** The twin: the same layer on the scalar build's engine (its rnn_seq runs the scalar steps). */
async function twinForward(spec: LayerSpec, w: DirWeights, x: { data: Float32Array; dims: number[] }, opts: { lengths?: number[] } = {}) {
  const t = new RecurrentStack(await engineFor("scalar"), [spec], [[w]], false);
  try { return t.forward(x, opts); } finally { t.dispose(); }
}

/** A one-layer spec with the default activations and seeded weights (with an LSTM projection of P when P > 0). */
function plainLayer(r: () => number, cell: CellType, I: number, H: number, P: number, lbr: boolean): { spec: LayerSpec; w: DirWeights } {
  const K = P || H, G = gatesOf(cell);
  const spec: LayerSpec = { cell, inputSize: I, hiddenSize: H, projSize: P, directions: 1, acts: [defaultActs(cell)], clip: Infinity, inputForget: false, linearBeforeReset: lbr };
  const w: DirWeights = { W: randF32(r, G * H * I), R: randF32(r, G * H * K, 1 / Math.sqrt(H)), Wb: randF32(r, G * H), Rb: randF32(r, G * H) };
  if (P) w.Wp = randF32(r, P * H, 1 / Math.sqrt(H));
  return { spec, w };
}

/** The layer on `engine` and on its twin: the same bits in the output and the final h. */
async function expectTwinBits(engine: Engine, spec: LayerSpec, w: DirWeights, x: { data: Float32Array; dims: number[] }, what: string) {
  const s = new RecurrentStack(engine, [spec], [[w]], false);
  try {
    const fast = s.forward(x), twin = await twinForward(spec, w, x);
    expect(sameBits(fast.output.data, twin.output.data), what).toBeNull();
    expect(sameBits(fast.h.data, twin.h.data), what).toBeNull();
  } finally {
    s.dispose();
  }
}

describe("rnn_seq vs its scalar twin", () => {
  for (const b of ["simd", "relaxed-simd"] as const) {
    it(`every cell over H in the tail matrix of 8 and B in that of 4, ${b} build`, async () => {
      const engine = await engineFor(b);
      const r = rng(17);
      let n = 0;
      for (const cell of ["lstm", "gru", "rnn"] as CellType[]) {
        for (const H of tailSizes(8, 67)) {
          for (const B of tailSizes(4, 12)) {
            const I = 1 + (H % 5), G = gatesOf(cell), lbr = H % 2 === 0, P = cell === "lstm" && H > 3 && B % 2 ? H >> 1 : 0;
            const K = P || H;
            // peepholes, cell clip and the coupled input-forget gate on some configurations each, so that both the
            // general gate loop and the two-pass batch-1 one (default activations, no peepholes) are covered
            const clip = H % 4 === 1 ? 0.7 : Infinity, inputForget = cell === "lstm" && H % 5 === 2;
            const spec: LayerSpec = { cell, inputSize: I, hiddenSize: H, projSize: P, directions: 1, acts: [defaultActs(cell)], clip, inputForget, linearBeforeReset: lbr };
            const w: DirWeights = { W: randF32(r, G * H * I), R: randF32(r, G * H * K, 1 / Math.sqrt(H)), Wb: randF32(r, G * H), Rb: randF32(r, G * H) };
            if (P) w.Wp = randF32(r, P * H, 1 / Math.sqrt(H));
            if (cell === "lstm" && H % 3 === 0) w.P = randF32(r, 3 * H, 0.3);
            const s = new RecurrentStack(engine, [spec], [[w]], false);
            const T = 3;
            const x = { data: randF32(r, T * B * I), dims: [T, B, I] };
            const lengths = Array.from({ length: B }, (_, i) => (i * 7 + 3) % (T + 1)); // row 0 full length, others 0..T
            const fast = s.forward(x, { lengths }), twin = await twinForward(spec, w, x, { lengths });
            const what = `${cell} H=${H} B=${B} P=${P}`;
            if (b === "simd") {
              expect(sameBits(fast.output.data, twin.output.data), what).toBeNull();
              expect(sameBits(fast.h.data, twin.h.data), what).toBeNull();
            } else {
              expect(closeTo(fast.output.data, twin.output.data), what).toBeNull();
            }
            s.dispose();
            n++;
          }
        }
      }
      expect(n).toBeGreaterThan(200);
    });
  }

  // The relaxed-SIMD build tiles batch rows by 6: the same path in the SIMD build (own engine, set_tile_rows(6)) must
  // give the scalar twin's bits, for every cell, with and without an LSTM projection, over B around the 6/4/1 splits.
  // The batch-1 panel loops with two k per iteration (chosen where the engine keeps the order of operations, e.g.
  // V8 13.4+, JavaScriptCore) and with one (older V8) must give the same bits, for G = 4 (LSTM) and 3 (GRU), and
  // the GRU without linear_before_reset (G = 2) in pairs of panels (H = 13: one pair, H = 20: a pair and one panel).
  // The LSTM's split recurrent layout (two [K][16] halves per panel, chosen for V8 11.6–13.3) likewise, in the batch-1
  // loops and in the B > 1 tiles (every B around the 6/4/1 splits below uses it through panel_rows).
  const variants = [{ unroll: false }, { unroll: true }, { unroll: false, splitR: true }];
  for (const shapes of variants) {
    const label = shapes.splitR ? "the split LSTM layout" : shapes.unroll ? "two k per panel-loop iteration" : "one k per panel-loop iteration";
    it(`batch-1 steps with ${label} give the scalar twin's bits, SIMD build`, async () => {
      const engine = await Engine.create({ build: "simd", loopShapes: shapes });
      expect(engine.splitR).toBe(!!shapes.splitR);
      const r = rng(29 + variants.indexOf(shapes));
      let n = 0;
      for (const cell of ["lstm", "gru", "rnn"] as CellType[]) {
        for (const H of [1, 8, 13, 20, 24]) {
          for (const K0 of [0, 1, 2, 7, 8]) {
            // K (the recurrent inner size) odd and even: LSTM projections give K ≠ H
            const P = cell === "lstm" && K0 > 0 && K0 < H ? K0 : 0, I = 2;
            const { spec, w } = plainLayer(r, cell, I, H, P, H !== 13 && H !== 20);
            await expectTwinBits(engine, spec, w, { data: randF32(r, 4 * I), dims: [4, 1, I] }, `${cell} H=${H} P=${P}`);
            n++;
          }
        }
      }
      expect(n).toBe(75);
    });
  }

  // The GRU's batch-1 panels that read h four k per load (panel3q: Deno's choice in the relaxed build, with pairLoads),
  // over K with every remainder mod 4 after whole groups of four, and K < 4; the other cells with pairLoads on as well.
  it("batch-1 steps reading h four k per load give the scalar twin's bits, SIMD build", async () => {
    const engine = await Engine.create({ build: "simd" });
    engine.k.set_pair_loads(1); // the engine leaves it off in the SIMD build
    const r = rng(31);
    let n = 0;
    for (const cell of ["lstm", "gru", "rnn"] as CellType[]) {
      for (const lbr of cell === "gru" ? [true, false] : [true]) {
        for (const H of [1, 3, 8, 13, 14, 15, 21, 24]) {
          for (const K0 of cell === "lstm" ? [0, 5, 6, 7] : [0]) {
            const P = K0 > 0 && K0 < H ? K0 : 0, I = 2;
            const { spec, w } = plainLayer(r, cell, I, H, P, lbr);
            await expectTwinBits(engine, spec, w, { data: randF32(r, 4 * I), dims: [4, 1, I] }, `${cell} lbr=${lbr} H=${H} P=${P}`);
            n++;
          }
        }
      }
    }
    expect(n).toBe(56);
  });

  // The same over B for the 6-row tiles, and for the 4-row tiles that read x two k per load (tile4x8p, Deno's choice in
  // the relaxed build), with and without the split LSTM layout.
  const batchTiles = [{ rows: 6, pair: false, splitR: false }, { rows: 6, pair: false, splitR: true }, { rows: 4, pair: true, splitR: false }, { rows: 4, pair: true, splitR: true }];
  for (const { rows, pair, splitR } of batchTiles) it(`${rows}-row batch tiles${pair ? " reading x two k per load" : ""} give the scalar twin's bits${splitR ? " with the split LSTM layout" : ""}, SIMD build`, async () => {
    const engine = await Engine.create({ build: "simd", loopShapes: { tileRows6: rows === 6, splitR } });
    engine.k.set_tile_rows(rows); // the SIMD build keeps 4 rows unless told
    engine.k.set_pair_loads(pair ? 1 : 0); // and splat loads
    const r = rng(23);
    let n = 0;
    for (const cell of ["lstm", "gru", "rnn"] as CellType[]) {
      for (const B of [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 32]) {
        for (const H of [8, 13]) {
          const I = 3, T = 3, P = cell === "lstm" && B % 3 === 0 ? 5 : 0;
          const { spec, w } = plainLayer(r, cell, I, H, P, B % 2 === 0);
          await expectTwinBits(engine, spec, w, { data: randF32(r, T * B * I), dims: [T, B, I] }, `${cell} H=${H} B=${B} P=${P}`);
          n++;
        }
      }
    }
    expect(n).toBe(72);
  });
});
