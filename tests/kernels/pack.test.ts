// The weight-packing kernel (assembly/pack.ts) against the JavaScript packers it replaced at load time: panel8
// (src/core/packed.ts, W = 8) and the recurrent [Hp/8][K][G][8] layout (W = G·8), in every build, bit for bit
// (it only moves values), and padding left at zero.
import { describe, expect, it } from "vitest";
import { panel8, PackedLayer } from "../../src/core/packed.js";
import { defaultActs, round8, type LayerSpec } from "../../src/core/spec.js";
import { BUILDS, engineFor, randF32, rng, sameBits } from "../helpers.js";

/** The recurrent layout as src/core/packed.ts built it in JavaScript: unit j, gate g, input k. */
function recurrentRef(R: Float32Array, G: number, H: number, K: number): Float32Array {
  const Hp = round8(H), out = new Float32Array((Hp >> 3) * K * G * 8);
  for (let g = 0; g < G; g++) for (let j = 0; j < H; j++) {
    const base = (j >> 3) * K * G * 8 + g * 8 + (j & 7);
    for (let k = 0; k < K; k++) out[base + k * G * 8] = R[(g * H + j) * K + k];
  }
  return out;
}

describe("pack_panels", () => {
  for (const b of BUILDS) {
    it(`matches the JavaScript packers, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(5);
      let n = 0;
      for (const G of [1, 2, 3, 4]) {
        for (const H of [1, 7, 8, 9, 20]) {
          for (const cols of [1, 3, 8, 13]) {
            const Hp = round8(H), src = randF32(r, (G + 1) * H * cols); // one block more than needed: rowBase tests
            const run = (nOut: number, g: number, h: number, rowBase: number, W: number): Float32Array => {
              const out = e.alloc(round8(nOut) * cols * 4, "out"), raw = e.upload(src, "raw");
              e.k.pack_panels(out, raw, cols, nOut, g, h, rowBase, W);
              const got = e.read(out, round8(nOut) * cols);
              e.free(out); e.free(raw);
              return got;
            };
            const what = `G=${G} H=${H} cols=${cols}`;
            // panel8 of G gate blocks in panel-gate order (the input weights)
            const colRow = (c: number): number => {
              const p = Math.floor(c / (G * 8)), rem = c % (G * 8), j = p * 8 + (rem & 7);
              return j < H ? (rem >> 3) * H + j : -1;
            };
            expect(sameBits(run(G * Hp, G, H, 0, 8), panel8(src, (G + 1) * H, cols, colRow, G * Hp)), `${what} panel8`).toBeNull();
            // the recurrent layout
            expect(sameBits(run(G * Hp, G, H, 0, G * 8), recurrentRef(src, G, H, cols)), `${what} recurrent`).toBeNull();
            // one block from row rowBase (the GRU's h gate, a projection)
            expect(sameBits(run(Hp, 1, H, G * H, 8), panel8(src, (G + 1) * H, cols, (c) => (c < H ? G * H + c : -1), Hp)), `${what} rowBase`).toBeNull();
            n++;
          }
        }
      }
      expect(n).toBe(80);
    });
  }

  it("a weight array shorter than the layer needs is BAD_MODEL, not a read past it", async () => {
    const e = await engineFor("simd");
    const spec: LayerSpec = { cell: "lstm", inputSize: 3, hiddenSize: 8, projSize: 0, directions: 1, acts: [defaultActs("lstm")], clip: Infinity, inputForget: false, linearBeforeReset: false };
    const ok = { W: new Float32Array(32 * 3), R: new Float32Array(32 * 8), Wb: new Float32Array(32), Rb: new Float32Array(32) };
    new PackedLayer(e, spec, [ok]).dispose();
    expect(() => new PackedLayer(e, spec, [{ ...ok, R: new Float32Array(32 * 8 - 1) }])).toThrow(/BAD_MODEL: recurrent weights: expected at least 256 values, found 255/);
  });
});
