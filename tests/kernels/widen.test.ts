// Widening stored weights in wasm (assembly/widen.ts through Engine.widen) against the JavaScript it replaced: F16
// through f16ToNumber, BF16 by its bits, uint8/uint16 as v·scale + min in f64 stored to a Float32Array. Every bit
// pattern, several calls' worth of values (the staging block holds ~11 k), odd counts, every build.
import { describe, expect, it } from "vitest";
import { f16ToNumber } from "../../src/io/bytes.js";
import { BUILDS, engineFor, sameBits } from "../helpers.js";

const all16 = new Uint8Array(new Uint16Array(Array.from({ length: 65536 }, (_, i) => i)).buffer); // every pattern, LE
const all8 = Uint8Array.from({ length: 256 }, (_, i) => i);
const u16 = (b: Uint8Array, i: number): number => b[2 * i] | (b[2 * i + 1] << 8);
const SCALES: [number, number][] = [[1, 0], [0.1, -3.3], [1 / 3, 1e-7], [0.003921568859368563, -0.5], [1e-30, 7], [-2.5, 1e10]];

describe("Engine.widen (assembly/widen.ts)", () => {
  for (const b of BUILDS) {
    it(`gives the JavaScript's values bit for bit, ${b} build`, async () => {
      const e = await engineFor(b);
      const before = e.arena.liveBlocks;
      // F16: every pattern (±0, subnormals, normals, ±Inf, NaNs as the quiet NaN a Float32Array stores)
      expect(sameBits(e.widen(all16, "f16", 65536), Float32Array.from({ length: 65536 }, (_, i) => f16ToNumber(i))), "f16").toBeNull();
      const bf = new Float32Array(65536);
      new Uint32Array(bf.buffer).forEach((_, i, u) => { u[i] = i << 16; });
      expect(sameBits(e.widen(all16, "bf16", 65536), bf), "bf16").toBeNull();
      for (const [scale, min] of SCALES) {
        expect(sameBits(e.widen(all8, "u8", 256, scale, min), Float32Array.from(all8, (v) => v * scale + min)), `u8 ${scale} ${min}`).toBeNull();
        expect(sameBits(e.widen(all16, "u16", 65536, scale, min), Float32Array.from({ length: 65536 }, (_, i) => u16(all16, i) * scale + min)), `u16 ${scale} ${min}`).toBeNull();
      }
      // odd counts and an offset view: only the first n values are read
      for (const n of [0, 1, 3, 4097]) {
        const view = all16.subarray(2, 2 + 2 * n);
        expect(sameBits(e.widen(view, "f16", n), Float32Array.from({ length: n }, (_, i) => f16ToNumber(u16(view, i)))), `f16 n=${n}`).toBeNull();
        expect(sameBits(e.widen(all8.subarray(1, 1 + Math.min(n, 255)), "u8", Math.min(n, 255), 0.5, 1), Float32Array.from(all8.subarray(1, 1 + Math.min(n, 255)), (v) => v * 0.5 + 1)), `u8 n=${n}`).toBeNull();
      }
      expect(() => e.widen(all16.subarray(0, 5), "f16", 3)).toThrow(/BAD_MODEL: f16 data: 3 values need 6 bytes, found 5/);
      expect(e.arena.liveBlocks, "the staging block is freed").toBe(before);
    });
  }
});
