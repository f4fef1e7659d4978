// Streaming: any chunking of a sequence gives bit for bit the outputs and states of one whole-sequence forward;
// a state saved as plain arrays and restored (here and in another process) continues exactly.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GRU, LSTM, RNN, type RecurrentLayer } from "../../src/layers/recurrent.js";
import { BUILDS, engineFor, randF32, rng, sameBits } from "../helpers.js";

type Make = (engine: Awaited<ReturnType<typeof engineFor>>) => RecurrentLayer;
const MAKERS: [string, Make][] = [
  ["LSTM 2 layers with projection", (engine) => new LSTM({ inputSize: 5, hiddenSize: 13, numLayers: 2, projSize: 6, engine })],
  ["GRU 3 layers", (engine) => new GRU({ inputSize: 3, hiddenSize: 9, numLayers: 3, engine })],
  ["GRU linearBeforeReset false", (engine) => new GRU({ inputSize: 4, hiddenSize: 17, linearBeforeReset: false, engine })],
  ["RNN relu", (engine) => new RNN({ inputSize: 2, hiddenSize: 8, nonlinearity: "relu", engine })],
];

function chunks(r: () => number, T: number): number[] {
  const out: number[] = [];
  let left = T;
  while (left > 0) { const c = Math.min(left, 1 + Math.floor(r() * 5)); out.push(c); left -= c; }
  return out;
}

describe("streams", () => {
  for (const b of BUILDS) {
    it(`any chunking equals one forward, bit for bit, ${b} build`, async () => {
      const engine = await engineFor(b);
      const r = rng(99);
      for (const [name, make] of MAKERS) {
        const layer = make(engine);
        for (const B of [1, 3, 5]) {
          const T = 17, I = layer.inputSize;
          const x = randF32(r, T * B * I);
          const S = layer.numLayers, K = layer.projSize || layer.hiddenSize;
          const h0 = { data: randF32(r, S * B * K, 0.5), dims: [S, B, K] };
          const c0 = layer.cell === "lstm" ? { data: randF32(r, S * B * layer.hiddenSize, 0.5), dims: [S, B, layer.hiddenSize] } : undefined;
          const whole = layer.forward({ data: x, dims: [T, B, I] }, { h0, c0 });
          for (let trial = 0; trial < 3; trial++) {
            const s = layer.stream({ h0, c0 });
            const got = new Float32Array(whole.output.data.length);
            let t = 0;
            for (const c of chunks(r, T)) {
              const part = c === 1 && trial === 0
                ? s.step({ data: x.slice(t * B * I, (t + 1) * B * I), dims: [B, I] })
                : s.step({ data: x.slice(t * B * I, (t + c) * B * I), dims: [c, B, I] });
              got.set(part.data, t * B * K);
              t += c;
            }
            expect(sameBits(got, whole.output.data), `${name} B=${B}`).toBeNull();
            const st = s.state();
            expect(sameBits(st.h.data, whole.h.data), `${name} h`).toBeNull();
            if (c0) expect(sameBits(st.c!.data, whole.c!.data), `${name} c`).toBeNull();
            s.dispose();
          }
        }
        layer.dispose();
      }
    });
  }

  it("a saved state restores exactly, in this process and in another one", async () => {
    const engine = await engineFor("simd");
    const r = rng(5);
    const layer = new LSTM({ inputSize: 3, hiddenSize: 7, numLayers: 2, engine });
    const T = 10, B = 2, I = 3;
    const x = randF32(r, T * B * I);
    const whole = layer.forward({ data: x, dims: [T, B, I] });
    const s1 = layer.stream({ batch: B });
    s1.step({ data: x.slice(0, 4 * B * I), dims: [4, B, I] });
    const saved = JSON.parse(JSON.stringify({ h: Array.from(s1.state().h.data), c: Array.from(s1.state().c!.data) }));
    s1.dispose();
    const s2 = layer.stream({ h0: { data: Float32Array.from(saved.h), dims: [2, B, 7] }, c0: { data: Float32Array.from(saved.c), dims: [2, B, 7] } });
    const rest = s2.step({ data: x.slice(4 * B * I), dims: [T - 4, B, I] });
    expect(sameBits(rest.data, whole.output.data.slice(4 * B * 7))).toBeNull();

    // another process (the built package): the layer's deterministic default weights, the state handed over as JSON
    const script = `
      import { createEngine, LSTM } from ${JSON.stringify(join(__dirname, "../../dist/index.js"))};
      const inp = JSON.parse(process.argv[1]);
      const engine = await createEngine({ build: "simd" });
      const layer = new LSTM({ inputSize: 3, hiddenSize: 7, numLayers: 2, engine });
      const s = layer.stream({ h0: { data: Float32Array.from(inp.h), dims: [2, 2, 7] }, c0: { data: Float32Array.from(inp.c), dims: [2, 2, 7] } });
      const y = s.step({ data: Float32Array.from(inp.x), dims: [${T - 4}, 2, 3] });
      process.stdout.write(JSON.stringify(Array.from(new Uint32Array(y.data.buffer))));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script, JSON.stringify({ ...saved, x: Array.from(x.slice(4 * B * I)) })], { encoding: "utf8" });
    const bits = Uint32Array.from(JSON.parse(out));
    expect(sameBits(new Float32Array(bits.buffer), whole.output.data.slice(4 * B * 7))).toBeNull();
  });

  it("a bidirectional layer cannot stream", async () => {
    const engine = await engineFor("simd");
    const layer = new GRU({ inputSize: 2, hiddenSize: 3, bidirectional: true, engine });
    expect(() => layer.stream()).toThrow(expect.objectContaining({ code: "BAD_ARGUMENT" }));
  });
});
