// Weight packing (Engine.packPanels staging rows for assembly/pack.ts) against the JavaScript packers it replaced at
// load time: panel8 (src/core/packed.ts, W = 8), the recurrent [Hp/8][K][G][8] layout (W = G·8) and the split one
// (W = 16), in every build, bit for bit (it only moves values), padding at zero, the staging block freed.
import { describe, expect, it } from "vitest";
import { panel8, PackedLayer } from "../../src/core/packed.js";
import { defaultActs, round8, type LayerSpec } from "../../src/core/spec.js";
import { Engine } from "../../src/engine/engine.js";
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

/** The documented layout, element by element (Engine.packPanels): column n ↔ (gate g, unit j) in panel-gate order. */
function layoutRef(src: Float32Array, cols: number, nOut: number, G: number, H: number, rowBase: number, W: number): Float32Array {
  const out = new Float32Array(round8(nOut) * cols);
  for (let n = 0; n < nOut; n++) {
    const rem = n % (G * 8), j = Math.floor(n / (G * 8)) * 8 + (rem & 7), g = rem >> 3;
    if (j >= H) continue;
    for (let k = 0; k < cols; k++) out[(Math.floor(n / W) * cols + k) * W + (n % W)] = src[(rowBase + g * H + j) * cols + k];
  }
  return out;
}

describe("Engine.packPanels (pack_blocks)", () => {
  const results = new Map<string, Float32Array[]>();
  for (const b of BUILDS) {
    it(`matches the JavaScript packers, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(5);
      const got: Float32Array[] = [];
      let n = 0;
      for (const G of [1, 2, 3, 4]) {
        for (const H of [1, 7, 8, 9, 20]) {
          // 4, 5: one 4×4 tile and a tail; 600: blocks of 19 KB, so a 64 KiB staging block takes 3 and most
          // matrices here need several kernel calls
          for (const cols of [1, 3, 4, 5, 8, 13, 600]) {
            const Hp = round8(H), src = randF32(r, (G + 1) * H * cols); // one block more than needed: rowBase tests
            const before = e.arena.liveBlocks;
            const run = (nOut: number, g: number, h: number, rowBase: number, W: number): Float32Array => {
              const out = e.packPanels(src, cols, nOut, g, h, rowBase, W, "out");
              const v = e.read(out, round8(nOut) * cols);
              e.free(out);
              got.push(v);
              return v;
            };
            const what = `G=${G} H=${H} cols=${cols}`;
            // panel8 of G gate blocks in panel-gate order (the input weights)
            const colRow = (c: number): number => {
              const p = Math.floor(c / (G * 8)), rem = c % (G * 8), j = p * 8 + (rem & 7);
              return j < H ? (rem >> 3) * H + j : -1;
            };
            expect(sameBits(run(G * Hp, G, H, 0, 8), panel8(src, (G + 1) * H, cols, colRow, G * Hp)), `${what} panel8`).toBeNull();
            // the recurrent layout, and the split one (LSTM: two gates per 16-wide group)
            expect(sameBits(run(G * Hp, G, H, 0, G * 8), recurrentRef(src, G, H, cols)), `${what} recurrent`).toBeNull();
            if (G === 4) expect(sameBits(run(G * Hp, G, H, 0, 16), layoutRef(src, cols, G * Hp, G, H, 0, 16)), `${what} split`).toBeNull();
            // one block from row rowBase (the GRU's h gate, a projection)
            expect(sameBits(run(Hp, 1, H, G * H, 8), panel8(src, (G + 1) * H, cols, (c) => (c < H ? G * H + c : -1), Hp)), `${what} rowBase`).toBeNull();
            // a dense layer: nOut = H, not a multiple of 8
            expect(sameBits(run(H, 1, H, 0, 8), layoutRef(src, cols, H, 1, H, 0, 8)), `${what} dense`).toBeNull();
            expect(e.arena.liveBlocks, `${what}: the staging block is freed`).toBe(before);
            n++;
          }
        }
      }
      expect(n).toBe(140);
      results.set(b, got);
    });
  }

  it("every build packs the same bits (the SIMD tiles and the scalar loop only move values)", () => {
    const ref = results.get("scalar");
    expect(ref?.length).toBeGreaterThan(0);
    for (const b of BUILDS) {
      const got = results.get(b)!;
      expect(got.length).toBe(ref!.length);
      got.forEach((v, i) => expect(sameBits(v, ref![i]), `${b} #${i}`).toBeNull());
    }
  });

  const colResults = new Map<string, Float32Array[]>();
  for (const b of BUILDS) {
    it(`packColumns (Keras kernels, pack_cols) gives packPanels' layout of the transposed matrix, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(7);
      const got: Float32Array[] = [];
      let n = 0;
      // gate orders: ONNX gate g is source column block order[g] (the Keras LSTM order among them)
      const orders: Record<number, number[][]> = { 1: [[0]], 2: [[0, 1], [1, 0]], 3: [[0, 1, 2], [2, 0, 1]], 4: [[0, 3, 1, 2], [3, 2, 1, 0]] };
      for (const G of [1, 2, 3, 4]) {
        for (const order of orders[G]) {
          for (const H of [1, 7, 8, 9, 20]) {
            // 600 inputs: the staging block (64 KiB) takes 204 rows of G·H = 80 floats, so several kernel calls
            for (const cols of [1, 3, 600]) {
              const width = G * H, Hp = round8(H), src = randF32(r, cols * width);
              // the same matrix as ONNX rows [G·H, cols]: row g·H + j = source column order[g]·H + j
              const rows = new Float32Array(G * H * cols);
              for (let g = 0; g < G; g++) for (let j = 0; j < H; j++) for (let k = 0; k < cols; k++) rows[(g * H + j) * cols + k] = src[k * width + order[g] * H + j];
              const before = e.arena.liveBlocks;
              for (const W of G === 4 ? [8, 16, 32] : [8, G * 8]) {
                const a = e.packColumns(src, cols, width, order.map((o) => o * H), H, W, "cols");
                const want = e.packPanels(rows, cols, G * Hp, G, H, 0, W, "rows");
                const va = e.read(a, G * Hp * cols), vw = e.read(want, G * Hp * cols);
                e.free(a); e.free(want);
                expect(sameBits(va, vw), `G=${G} order=${order} H=${H} cols=${cols} W=${W}`).toBeNull();
                got.push(va);
              }
              // one gate block on its own (the GRU's h gate without reset_after)
              const one = e.packColumns(src, cols, width, [order[G - 1] * H], H, 8, "one");
              const wantOne = e.packPanels(rows, cols, Hp, 1, H, (G - 1) * H, 8, "one");
              expect(sameBits(e.read(one, Hp * cols), e.read(wantOne, Hp * cols)), `G=${G} H=${H} cols=${cols} one gate`).toBeNull();
              e.free(one); e.free(wantOne);
              expect(e.arena.liveBlocks).toBe(before);
              n++;
            }
          }
        }
      }
      expect(n).toBe(105);
      colResults.set(b, got);
    });
  }

  it("packColumns gives every build the same bits", () => {
    const ref = colResults.get("scalar")!;
    expect(ref.length).toBeGreaterThan(0);
    for (const b of BUILDS) colResults.get(b)!.forEach((v, i) => expect(sameBits(v, ref[i]), `${b} #${i}`).toBeNull());
  });

  it("packColumns refuses gate columns outside the matrix and a short array (BAD_MODEL)", async () => {
    const e = await engineFor("simd");
    expect(() => e.packColumns(new Float32Array(24), 3, 8, [0, 4], 5, 8, "k")).toThrow(/BAD_MODEL: k: gate columns 0, 4 of 5 do not fit a width of 8/);
    expect(() => e.packColumns(new Float32Array(23), 3, 8, [0, 4], 4, 8, "k")).toThrow(/BAD_MODEL: k: expected at least 24 values, found 23/);
  });

  it("a failed staging allocation frees the output block", async () => {
    const e = await Engine.create({ build: "simd", limits: { maxBytes: 2 ** 20 } });
    const cols = 4096, src = new Float32Array(8 * cols);
    const before = e.arena.liveBlocks;
    // the output (128 KiB) fits, the staging block (another 128 KiB) does not once most of the limit is taken
    const hog = e.alloc(2 ** 20 - 196 * 1024 - e.arena.highWater, "hog");
    expect(() => e.packPanels(src, cols, 8, 1, 8, 0, 8, "big")).toThrow(/LIMIT_EXCEEDED: big \(staging\)/);
    e.free(hog);
    expect(e.arena.liveBlocks).toBe(before);
  });

  it("a layer's packing grows the engine's memory by the packed weights and one staging block, not an unpacked copy", async () => {
    const e = await Engine.create({ build: "simd" });
    const H = 256, I = 256, G = 4;
    const spec: LayerSpec = { cell: "lstm", inputSize: I, hiddenSize: H, projSize: 0, directions: 1, acts: [defaultActs("lstm")], clip: Infinity, inputForget: false, linearBeforeReset: false };
    const w = { W: new Float32Array(G * H * I).fill(0.5), R: new Float32Array(G * H * H).fill(0.25), Wb: new Float32Array(G * H), Rb: new Float32Array(G * H) };
    const before = e.arena.memoryBytes; // the wasm memory only grows, so this is the peak
    const layer = new PackedLayer(e, spec, [w]);
    const packed = (G * H * I + G * H * H) * 4; // 2 MiB; each matrix alone is 1 MiB
    const grown = e.arena.memoryBytes - before;
    expect(grown).toBeGreaterThanOrEqual(packed);
    expect(grown, "packed weights + 64 KiB staging + biases, in 64 KiB pages").toBeLessThanOrEqual(packed + 2 * 65536);
    layer.dispose();
  });

  it("a weight array shorter than the layer needs is BAD_MODEL, not a read past it", async () => {
    const e = await engineFor("simd");
    const spec: LayerSpec = { cell: "lstm", inputSize: 3, hiddenSize: 8, projSize: 0, directions: 1, acts: [defaultActs("lstm")], clip: Infinity, inputForget: false, linearBeforeReset: false };
    const ok = { W: new Float32Array(32 * 3), R: new Float32Array(32 * 8), Wb: new Float32Array(32), Rb: new Float32Array(32) };
    new PackedLayer(e, spec, [ok]).dispose();
    expect(() => new PackedLayer(e, spec, [{ ...ok, R: new Float32Array(32 * 8 - 1) }])).toThrow(/BAD_MODEL: recurrent weights: expected at least 256 values, found 255/);
  });
});
