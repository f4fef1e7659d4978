// Activations: measured maximum error against float64 over the whole f32 range, NaN/±Inf handling, the SIMD forms
// against their scalar twins (bit for bit in the SIMD build), and softmax.
import { describe, expect, it } from "vitest";
import { ACT } from "../../src/core/spec.js";
import { BUILDS, closeTo, engineFor, randF32, rng, sameBits } from "../helpers.js";
import { refAct } from "../ref/rnn64.js";

/** Every 2^12-th f32 bit pattern that is finite, both signs: ~1M values spanning the whole range, plus specials. */
function sweep(): Float32Array {
  const out: number[] = [];
  const u = new Uint32Array(1), f = new Float32Array(u.buffer);
  for (let bits = 0; bits < 0x7f800000; bits += 4093) {
    u[0] = bits; out.push(f[0]);
    u[0] = bits | 0x80000000; out.push(f[0]);
  }
  for (let v = -20; v <= 20; v += 1 / 1024) out.push(v); // dense where the functions bend
  out.push(0, -0, Infinity, -Infinity, NaN, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45, -1e-45);
  return Float32Array.from(out);
}

function run(e: Awaited<ReturnType<typeof engineFor>>, fn: "f32_vact", x: Float32Array, code: number, a = 0, b = 0) {
  const p = e.upload(x, "x"), o = e.alloc(x.length * 4, "o");
  e.k[fn](o, p, x.length, code, a, b);
  const r = e.read(o, x.length);
  e.free(p); e.free(o);
  return r;
}

const xs = sweep();

describe("activation kernels", () => {
  for (const b of BUILDS) {
    it(`sigmoid and tanh: max abs error ≤ 2e-7 over the whole f32 range, NaN and ±Inf handled, ${b} build`, async () => {
      const e = await engineFor(b);
      for (const [name, code, f] of [["sigmoid", ACT.Sigmoid, (x: number) => 1 / (1 + Math.exp(-x))], ["tanh", ACT.Tanh, Math.tanh]] as const) {
        const y = run(e, "f32_vact", xs, code);
        let maxErr = 0, at = 0;
        for (let i = 0; i < xs.length; i++) {
          const x = xs[i];
          if (Number.isNaN(x)) { expect(Number.isNaN(y[i]), `${name}(NaN)`).toBe(true); continue; }
          const err = Math.abs(y[i] - f(x));
          if (err > maxErr) { maxErr = err; at = x; }
        }
        expect(maxErr, `${name} worst at x=${at}`).toBeLessThanOrEqual(2e-7);
        const sp = run(e, "f32_vact", Float32Array.from([Infinity, -Infinity]), code);
        expect(Array.from(sp)).toEqual(name === "sigmoid" ? [1, 0] : [1, -1]);
      }
    });

    it(`every activation matches its float64 definition, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(7);
      const x = Float32Array.from([...randF32(r, 2000, 12), 0, -0, 1, -1, 0.2, 1e-3, -1e-3, 50, -50, 100, -100]);
      const params: Record<number, [number, number]> = {
        [ACT.Affine]: [0.7, -0.3], [ACT.LeakyRelu]: [0.05, 0], [ACT.ThresholdedRelu]: [0.2, 0], [ACT.ScaledTanh]: [0.9, 1.3],
        [ACT.HardSigmoid]: [0.2, 0.5], [ACT.Elu]: [0.8, 0], [ACT.Selu]: [1.6732632, 1.050701],
      };
      for (const code of Object.values(ACT)) {
        const [a, bb] = params[code] ?? [0, 0];
        const y = run(e, "f32_vact", x, code, a, bb);
        // the kernel receives alpha/beta as f32: the reference uses the same values
        const exp = Array.from(x, (v) => refAct({ code, alpha: Math.fround(a), beta: Math.fround(bb) }, v));
        expect(closeTo(y, exp, 2e-6, 2e-6), `code ${code}`).toBeNull();
        const nan = run(e, "f32_vact", Float32Array.from([NaN, NaN, NaN, NaN, NaN]), code, a, bb);
        if (code !== ACT.HardSigmoid) expect(Array.from(nan).every(Number.isNaN), `code ${code} keeps NaN`).toBe(true);
      }
    });
  }

  for (const b of ["simd", "relaxed-simd"] as const) {
    it(`SIMD forms match the scalar twins (the scalar build) over the sweep (${b === "simd" ? "bit for bit" : "within tolerance"}), every code, odd lengths`, async () => {
      const e = await engineFor(b), scalar = await engineFor("scalar");
      for (const code of Object.values(ACT)) {
        for (const n of [1, 3, 4, 5, 7, 9, xs.length]) {
          const x = xs.subarray(xs.length - n);
          const fast = run(e, "f32_vact", x, code, 0.7, 0.4), twin = run(scalar, "f32_vact", x, code, 0.7, 0.4);
          if (b === "simd") expect(sameBits(fast, twin), `code ${code} n ${n}`).toBeNull();
          else expect(closeTo(fast, twin, 1e-6, 1e-6), `code ${code} n ${n}`).toBeNull();
        }
      }
    });
  }

  for (const b of BUILDS) {
    it(`softmax and log-softmax match float64, twins agree, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(11);
      for (const [rows, n] of [[1, 1], [3, 5], [2, 4], [7, 33], [1, 1000]]) {
        const x = randF32(r, rows * n, 30);
        for (const log of [0, 1]) {
          const p = e.upload(x, "x"), o = e.alloc(x.length * 4, "o");
          e.k.f32_softmax(o, p, rows, n, log);
          const y = e.read(o, x.length);
          // the twin: the scalar build's softmax
          const s = await engineFor("scalar"), sp = s.upload(x, "x"), so = s.alloc(x.length * 4, "o");
          s.k.f32_softmax(so, sp, rows, n, log);
          const y2 = s.read(so, x.length);
          s.free(sp); s.free(so);
          const exp = new Float64Array(x.length);
          for (let rr = 0; rr < rows; rr++) {
            const row = Array.from(x.subarray(rr * n, rr * n + n));
            const m = Math.max(...row);
            const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
            row.forEach((v, i) => { exp[rr * n + i] = log ? v - m - Math.log(s) : Math.exp(v - m) / s; });
          }
          expect(closeTo(y, exp, 1e-6, 1e-5), `rows ${rows} n ${n} log ${log}`).toBeNull();
          if (b === "simd") expect(sameBits(y, y2)).toBeNull();
          e.free(p); e.free(o);
        }
      }
    });
  }
});
