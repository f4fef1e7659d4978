// The input-projection GEMM against its scalar twin (the scalar build's f32_gemm: bit for bit in the SIMD build) and a
// float64 product, on the tail matrix of sizes.
import { describe, expect, it } from "vitest";
import { panel8 } from "../../src/core/packed.js";
import { round8 } from "../../src/core/spec.js";
import { Engine } from "../../src/engine/engine.js";
import { BUILDS, closeTo, engineFor, randF32, rng, sameBits } from "../helpers.js";
import { tailSizes } from "./registry.js";

/** The scalar twin: the same product on the scalar build's engine (its f32_gemm is f32_gemm_ref). */
async function twinGemm(x: Float32Array, wPacked: Float32Array, bias: Float32Array | null, M: number, K: number, Np: number): Promise<Float32Array> {
  const e = await engineFor("scalar");
  const xp = e.upload(x, "x"), wp = e.upload(wPacked, "w"), bp = bias ? e.upload(bias, "b") : 0, o = e.alloc(M * Np * 4, "o");
  e.k.f32_gemm(o, Np * 4, xp, K * 4, wp, bp, M, K, Np);
  const y = e.read(o, M * Np);
  for (const p of [xp, wp, bp, o]) e.free(p);
  return y;
}

describe("f32_gemm", () => {
  for (const b of BUILDS) {
    it(`matches its scalar twin and a float64 product over the tail matrix, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(42);
      let cases = 0;
      for (const M of tailSizes(4, 67)) {
        for (const K of [1, 2, 3, 8, 9, 17, 64]) {
          for (const N of [1, 7, 8, 9, 16, 17, 40]) {
            const Np = round8(N);
            const x = randF32(r, M * K), W = randF32(r, N * K), bias = randF32(r, N);
            const biasP = new Float32Array(Np); biasP.set(bias);
            const wPacked = panel8(W, N, K, (n) => (n < N ? n : -1), N);
            const xp = e.upload(x, "x"), wp = e.upload(wPacked, "w"), bp = e.upload(biasP, "b");
            const o1 = e.alloc(M * Np * 4, "o1");
            e.k.f32_gemm(o1, Np * 4, xp, K * 4, wp, bp, M, K, Np);
            const fast = e.read(o1, M * Np), twin = await twinGemm(x, wPacked, biasP, M, K, Np);
            const exp = new Float64Array(M * Np), got = new Float32Array(M * Np);
            for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) {
              let s = bias[n];
              for (let k = 0; k < K; k++) s += x[m * K + k] * W[n * K + k];
              exp[m * Np + n] = s;
              got[m * Np + n] = fast[m * Np + n];
            }
            const what = `M=${M} K=${K} N=${N}`;
            if (b === "relaxed-simd") expect(closeTo(fast, twin), what).toBeNull();
            else expect(sameBits(fast, twin), what).toBeNull();
            expect(closeTo(got, exp), what).toBeNull();
            for (const p of [xp, wp, bp, o1]) e.free(p);
            cases++;
          }
        }
      }
      expect(cases).toBeGreaterThan(400);
    });
  }

  // The relaxed-SIMD build tiles rows by 6 (then 4, then 1); the SIMD build by 4. Both orders of work give the same
  // sums, so the 6-row path is checked bit for bit in the SIMD build (its own engine, switched with set_tile_rows),
  // and in the relaxed build the two tilings must agree with each other exactly.
  const sixRowSizes = [...new Set([...tailSizes(6, 67), 8, 9, 10, 11, 12, 14, 15, 64])].sort((a, b) => a - b);
  for (const b of ["simd", "relaxed-simd"] as const) {
    it(`6-row tiles give the same bits as ${b === "simd" ? "the scalar twin" : "4-row tiles"}, ${b} build`, async () => {
      const e = await Engine.create({ build: b });
      expect(e.k.set_tile_rows(6)).toBe(b === "simd" ? 4 : 6);
      const r = rng(7);
      for (const M of sixRowSizes) {
        for (const [K, N] of [[1, 8], [17, 24], [64, 40]]) {
          const x = randF32(r, M * K), W = randF32(r, N * K), bias = randF32(r, N);
          const wPacked = panel8(W, N, K, (n) => n, N);
          const xp = e.upload(x, "x"), wp = e.upload(wPacked, "w"), bp = e.upload(bias, "b");
          const o1 = e.alloc(M * N * 4, "o1"), o2 = e.alloc(M * N * 4, "o2");
          e.k.set_tile_rows(6);
          e.k.f32_gemm(o1, N * 4, xp, K * 4, wp, bp, M, K, N);
          let other: Float32Array;
          if (b === "simd") other = await twinGemm(x, wPacked, bias, M, K, N);
          else { e.k.set_tile_rows(4); e.k.f32_gemm(o2, N * 4, xp, K * 4, wp, bp, M, K, N); other = e.read(o2, M * N); }
          expect(sameBits(e.read(o1, M * N), other), `M=${M} K=${K} N=${N}`).toBeNull();
        }
      }
      e.k.set_tile_rows(6);
      expect(e.k.set_tile_rows(5)).toBe(6); // 5 is refused: the setting stays 6
      expect(e.k.set_tile_rows(4)).toBe(6);
    });
  }

  // Where memory accesses are bounds-checked in the code (Deno), the 4-row tiles read x two k per load (tile4x8p,
  // set_pair_loads): the same sums in the same order, so the scalar twin's bits in the SIMD build (its own engine,
  // switched on by hand), and in the relaxed build the same bits as the one-k tiles. Odd and even K (the tail k).
  for (const b of ["simd", "relaxed-simd"] as const) {
    it(`4-row tiles reading x two k per load give the same bits as ${b === "simd" ? "the scalar twin" : "one-k tiles"}, ${b} build`, async () => {
      const e = await Engine.create({ build: b, loopShapes: { tileRows6: false, pairLoads: false } });
      const r = rng(13);
      for (const M of [4, 5, 7, 8, 9, 12, 13, 64, 67]) {
        for (const [K, N] of [[1, 8], [2, 16], [3, 8], [17, 24], [64, 40], [65, 8]]) {
          const x = randF32(r, M * K), W = randF32(r, N * K), bias = randF32(r, N);
          const wPacked = panel8(W, N, K, (n) => n, N);
          const xp = e.upload(x, "x"), wp = e.upload(wPacked, "w"), bp = e.upload(bias, "b");
          const o1 = e.alloc(M * N * 4, "o1"), o2 = e.alloc(M * N * 4, "o2");
          expect(e.k.set_pair_loads(1)).toBe(0);
          e.k.f32_gemm(o1, N * 4, xp, K * 4, wp, bp, M, K, N);
          expect(e.k.set_pair_loads(0)).toBe(1);
          let other: Float32Array;
          if (b === "simd") other = await twinGemm(x, wPacked, bias, M, K, N);
          else { e.k.f32_gemm(o2, N * 4, xp, K * 4, wp, bp, M, K, N); other = e.read(o2, M * N); }
          expect(sameBits(e.read(o1, M * N), other), `M=${M} K=${K} N=${N}`).toBeNull();
          for (const p of [xp, wp, bp, o1, o2]) e.free(p);
        }
      }
    });
  }

  // Rows after the tiles run three panels at a time (tile1x24), with two k per iteration where the engine keeps the
  // operation order (set_step_unroll(1), V8 13.4+ / JavaScriptCore) and one elsewhere: both give the scalar twin's bits.
  for (const unroll of [0, 1]) {
    it(`single rows across panels (${unroll ? "two k" : "one k"} per iteration) give the scalar twin's bits, SIMD build`, async () => {
      const e = await Engine.create({ build: "simd" });
      e.k.set_step_unroll(unroll);
      const r = rng(11 + unroll);
      for (const M of [1, 2, 3, 5, 7]) {
        for (const K of [1, 2, 3, 8, 17, 64]) {
          for (const N of [8, 16, 24, 32, 40, 56]) {
            const x = randF32(r, M * K), W = randF32(r, N * K), bias = randF32(r, N);
            const wPacked = panel8(W, N, K, (n) => n, N);
            const xp = e.upload(x, "x"), wp = e.upload(wPacked, "w"), bp = e.upload(bias, "b");
            const o1 = e.alloc(M * N * 4, "o1");
            e.k.f32_gemm(o1, N * 4, xp, K * 4, wp, bp, M, K, N);
            expect(sameBits(e.read(o1, M * N), await twinGemm(x, wPacked, bias, M, K, N)), `M=${M} K=${K} N=${N}`).toBeNull();
            for (const p of [xp, wp, bp, o1]) e.free(p);
          }
        }
      }
    });
  }

  it("writes only its own output rows (no writes past M rows or into neighbours)", async () => {
    const e = await engineFor("simd");
    const M = 5, K = 3, N = 8;
    const out = e.alloc((M + 2) * N * 4, "o");
    e.f32().fill(7, out >> 2, (out >> 2) + (M + 2) * N);
    const xp = e.upload(new Float32Array(M * K).fill(1), "x"), wp = e.upload(new Float32Array(N * K).fill(1), "w");
    e.k.f32_gemm(out, N * 4, xp, K * 4, wp, 0, M, K, N);
    const o = e.read(out, (M + 2) * N);
    expect(Array.from(o.subarray(0, M * N)).every((v) => v === 3)).toBe(true);
    expect(Array.from(o.subarray(M * N)).every((v) => v === 7)).toBe(true);
  });
});
