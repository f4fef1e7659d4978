// Lifecycle: use after dispose() is DISPOSED for layers, modules and streams; 10,000 load → run → dispose cycles
// keep the wasm memory and the JS heap bounded (models large enough that freed blocks must be reused); two models and
// two streams interleaved on one engine give bit for bit what each gives alone.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/api.js";
import { Engine } from "../../src/engine/engine.js";
import { RnnError } from "../../src/errors.js";
import { parseSafetensors, readFloat } from "../../src/io/safetensors.js";
import { loadTorch } from "../../src/io/torch.js";
import { GRU, LSTM } from "../../src/layers/recurrent.js";
import { encodeSafe, type SafeDoc } from "../fuzz/safetensors-mutators.js";
import { engineFor, randF32, rng, sameBits } from "../helpers.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixture = (p: string) => new Uint8Array(readFileSync(join(root, "tests/fixtures/torch", p)));

function code(f: () => unknown): string {
  try { f(); } catch (e) { return e instanceof RnnError ? e.code : `not an RnnError: ${(e as Error)?.name}`; }
  return "nothing thrown";
}

/** A PyTorch-named state dict as a safetensors file, with seeded random weights. */
function stateDictFile(cell: "lstm" | "gru", I: number, H: number, L: number, seed: number): Uint8Array {
  const G = cell === "lstm" ? 4 : 3, r = rng(seed);
  const doc: SafeDoc = { meta: undefined, tensors: [] };
  const add = (name: string, shape: number[]) => {
    const a = randF32(r, shape.reduce((x, y) => x * y, 1), 0.3);
    doc.tensors.push({ name, desc: { dtype: "F32", shape }, data: new Uint8Array(a.buffer) });
  };
  for (let l = 0; l < L; l++) {
    add(`weight_ih_l${l}`, [G * H, l ? H : I]);
    add(`weight_hh_l${l}`, [G * H, H]);
    add(`bias_ih_l${l}`, [G * H]);
    add(`bias_hh_l${l}`, [G * H]);
  }
  return encodeSafe(doc, true);
}

describe("use after dispose() is DISPOSED", async () => {
  const engine = await engineFor("simd");
  const x: Tensor = { data: new Float32Array(2 * 1 * 3).fill(0.5), dims: [2, 1, 3] };
  it("layers, their streams, and a second dispose()", () => {
    const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, engine });
    const s = lstm.stream();
    lstm.dispose();
    expect(code(() => lstm.forward(x))).toBe("DISPOSED");
    expect(code(() => lstm.stream())).toBe("DISPOSED");
    expect(code(() => lstm.setWeights({}))).toBe("DISPOSED");
    expect(code(() => lstm.setOnnxWeights(0, { W: x, R: x }))).toBe("DISPOSED");
    expect(code(() => s.step({ data: new Float32Array(3), dims: [1, 3] })), "a stream of a disposed layer").toBe("DISPOSED");
    expect(code(() => s.state())).toBe("DISPOSED");
    expect(() => lstm.dispose()).not.toThrow();
    expect(() => s.dispose()).not.toThrow();
  });
  it("a stream disposed on its own; its layer still runs", () => {
    const gru = new GRU({ inputSize: 3, hiddenSize: 4, engine });
    const s = gru.stream();
    s.dispose();
    expect(code(() => s.step({ data: new Float32Array(3), dims: [1, 3] }))).toBe("DISPOSED");
    expect(code(() => s.state())).toBe("DISPOSED");
    expect(gru.forward(x).output.dims).toEqual([2, 1, 4]);
    gru.dispose();
  });
  it("loaded modules and their streams", async () => {
    const m = await loadTorch(fixture("lstm_basic.safetensors"), { engine });
    const s = m.stream();
    m.dispose();
    expect(code(() => m.forward(x))).toBe("DISPOSED");
    expect(code(() => m.stream())).toBe("DISPOSED");
    expect(code(() => s.step({ data: new Float32Array(3), dims: [1, 3] }))).toBe("DISPOSED");
    expect(() => m.dispose()).not.toThrow();
  });
});

describe("10,000 load → run → dispose cycles stay bounded", () => {
  it("wasm memory stops growing, the arena high-water mark stays flat, the JS heap is bounded", async () => {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const engine = await Engine.create({ build: "simd" });
    // two models of different sizes, alternated, so that blocks are split, coalesced and reused
    const files = [stateDictFile("lstm", 48, 64, 2, 1), stateDictFile("gru", 16, 96, 1, 2)];
    const r = rng(3);
    const xs = [randF32(r, 4 * 2 * 48), randF32(r, 4 * 2 * 16)];
    const base = { blocks: engine.arena.liveBlocks };
    const CYCLES = 10_000, WARM = 200;
    let atWarm = { memory: 0, highWater: 0, heap: 0 };
    let allocated = 0, maxHighWater = 0;
    const t0 = Date.now();
    for (let i = 0; i < CYCLES; i++) {
      const k = i & 1;
      const m = await loadTorch(files[k], { engine });
      const y = m.forward({ data: xs[k], dims: [4, 2, k ? 16 : 48] });
      allocated += files[k].length;
      if (y.output.data.length !== 4 * 2 * (k ? 96 : 64)) throw new Error(`cycle ${i}: output of ${y.output.data.length}`);
      maxHighWater = Math.max(maxHighWater, engine.arena.highWater); // with the model still live
      m.dispose();
      if (i === WARM) { gc(); atWarm = { memory: engine.arena.memoryBytes, highWater: maxHighWater, heap: process.memoryUsage().heapUsed }; }
    }
    gc();
    const heap = process.memoryUsage().heapUsed;
    console.log(`lifecycle: ${CYCLES} cycles in ${Date.now() - t0} ms; wasm memory ${atWarm.memory} → ${engine.arena.memoryBytes} bytes; ` +
      `high water ${atWarm.highWater} → ${maxHighWater}; JS heap ${(atWarm.heap / 2 ** 20).toFixed(1)} → ${(heap / 2 ** 20).toFixed(1)} MiB; ` +
      `model files loaded ${(allocated / 2 ** 20).toFixed(0)} MiB`);
    expect(engine.arena.liveBlocks, "live blocks after the last dispose").toBe(base.blocks);
    expect(engine.arena.memoryBytes, "wasm memory after warm-up").toBe(atWarm.memory);
    expect(maxHighWater, "arena high-water mark after warm-up").toBe(atWarm.highWater);
    expect(heap - atWarm.heap, "JS heap growth after warm-up").toBeLessThan(16 * 2 ** 20);
    // the models are large enough that without reuse the memory would have grown far past what it is
    expect(allocated).toBeGreaterThan(1000 * engine.arena.memoryBytes);
  }, 120_000);
});

describe("two models and two streams interleaved never disturb each other", () => {
  it("bit-exact vs each alone, and streams bit-exact vs forward", async () => {
    const engine = await engineFor("relaxed-simd");
    const io = (name: string) => {
      const f = parseSafetensors(fixture(`${name}.io.safetensors`));
      const e = f.entries.get("x")!;
      return { data: readFloat(f, e), dims: e.shape };
    };
    const xa = io("lstm_basic"), xb = io("gru_basic");
    const alone = async (file: string, x: Tensor) => {
      const m = await loadTorch(fixture(file), { engine });
      try { return m.forward(x).output.data; } finally { m.dispose(); }
    };
    const aAlone = await alone("lstm_basic.safetensors", xa), bAlone = await alone("gru_basic.safetensors", xb);
    const a = await loadTorch(fixture("lstm_basic.safetensors"), { engine });
    const b = await loadTorch(fixture("gru_basic.safetensors"), { engine });
    const [T, B, IA] = xa.dims, IB = xb.dims[2];
    const sa = a.stream({ batch: B }), sb = b.stream({ batch: xb.dims[1] });
    const outA: Float32Array[] = [], outB: Float32Array[] = [];
    for (let t = 0; t < T; t++) {
      outA.push(sa.step({ data: (xa.data as Float32Array).slice(t * B * IA, (t + 1) * B * IA), dims: [B, IA] }).data);
      expect(sameBits(b.forward(xb).output.data, bAlone), `model b between stream steps (t=${t})`).toBeNull();
      if (t < xb.dims[0]) outB.push(sb.step({ data: (xb.data as Float32Array).slice(t * xb.dims[1] * IB, (t + 1) * xb.dims[1] * IB), dims: [xb.dims[1], IB] }).data);
      expect(sameBits(a.forward(xa).output.data, aAlone), `model a between stream steps (t=${t})`).toBeNull();
    }
    const cat = (l: Float32Array[]) => { const o = new Float32Array(l.reduce((n, v) => n + v.length, 0)); let k = 0; for (const v of l) { o.set(v, k); k += v.length; } return o; };
    expect(sameBits(cat(outA), aAlone), "stream a vs forward alone").toBeNull();
    expect(sameBits(cat(outB), bAlone.subarray(0, cat(outB).length)), "stream b vs forward alone").toBeNull();
    for (const d of [sa, sb, a, b] as { dispose(): void }[]) d.dispose();
  });
});
