// The recurrent sequence kernel against its scalar twin over a tail matrix of hidden sizes (panel of 8 units) and
// batch sizes (row tiles of 4): bit for bit in the SIMD build, within tolerance in the relaxed-SIMD build.
import { describe, expect, it } from "vitest";
import { RecurrentStack } from "../../src/core/stack.js";
import { type CellType, type DirWeights, type LayerSpec, defaultActs, gatesOf } from "../../src/core/spec.js";
import { closeTo, engineFor, randF32, rng, sameBits } from "../helpers.js";
import { tailSizes } from "../kernels/registry.js";

describe("rnn_seq vs rnn_seq_ref", () => {
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
            const spec: LayerSpec = { cell, inputSize: I, hiddenSize: H, projSize: P, directions: 1, acts: [defaultActs(cell)], clip: Infinity, inputForget: false, linearBeforeReset: lbr };
            const w: DirWeights = { W: randF32(r, G * H * I), R: randF32(r, G * H * K, 1 / Math.sqrt(H)), Wb: randF32(r, G * H), Rb: randF32(r, G * H) };
            if (P) w.Wp = randF32(r, P * H, 1 / Math.sqrt(H));
            if (cell === "lstm") w.P = randF32(r, 3 * H, 0.3);
            const s = new RecurrentStack(engine, [spec], [[w]], false);
            const T = 3;
            const x = { data: randF32(r, T * B * I), dims: [T, B, I] };
            const lengths = Array.from({ length: B }, (_, i) => (i * 7) % (T + 1));
            const fast = s.forward(x, { lengths }), twin = s.forward(x, { lengths, ref: true });
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
});
