// src/ops/nn.ts against float64: dense, activation, softmax and log-softmax, embedding.
import { describe, expect, it } from "vitest";
import { Dense, activate, embedding, softmax } from "../../src/ops/nn.js";
import { act } from "../../src/core/spec.js";
import { BUILDS, closeTo, engineFor, randF32, rng } from "../helpers.js";

describe("ops/nn", () => {
  for (const b of BUILDS) {
    it(`dense, activations, softmax and log-softmax match float64, ${b} build`, async () => {
      const e = await engineFor(b);
      const r = rng(8);
      for (const [rows, I, O] of [[1, 1, 1], [3, 5, 7], [9, 16, 10], [4, 33, 17]]) {
        const W = randF32(r, O * I), bias = randF32(r, O), x = randF32(r, rows * I);
        const d = new Dense(e, W, bias, O, I);
        const y = d.run(x, rows);
        const exp = new Float64Array(rows * O);
        for (let m = 0; m < rows; m++) for (let o = 0; o < O; o++) {
          let s = bias[o];
          for (let k = 0; k < I; k++) s += x[m * I + k] * W[o * I + k];
          exp[m * O + o] = s;
        }
        expect(closeTo(y, exp)).toBeNull();
        d.dispose();
        expect(() => d.run(x, rows)).toThrow(expect.objectContaining({ code: "DISPOSED" }));
        for (const log of [false, true]) {
          const sm = softmax(e, y, rows, O, log);
          const ref = new Float64Array(rows * O);
          for (let m = 0; m < rows; m++) {
            const row = Array.from(y.subarray(m * O, m * O + O));
            const mx = Math.max(...row), s = row.reduce((a, v) => a + Math.exp(v - mx), 0);
            row.forEach((v, i) => { ref[m * O + i] = log ? v - mx - Math.log(s) : Math.exp(v - mx) / s; });
          }
          expect(closeTo(sm, ref, 1e-6, 1e-5), `log ${log}`).toBeNull();
        }
        const t = activate(e, y, act("Tanh"));
        expect(closeTo(t, Array.from(y, Math.tanh), 1e-6, 1e-6)).toBeNull();
      }
    });
  }
  it("embedding gathers rows and refuses out-of-range ids", () => {
    const table = Float32Array.from([0, 1, 10, 11, 20, 21]);
    expect(Array.from(embedding(table, 3, 2, [2, 0]))).toEqual([20, 21, 0, 1]);
    expect(() => embedding(table, 3, 2, [3])).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(() => embedding(table, 3, 2, [-1])).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
    expect(() => embedding(table, 3, 2, [0.5])).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
  });
});
