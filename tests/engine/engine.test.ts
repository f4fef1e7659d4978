// The engine: build selection, each build's self-report, the scalar build free of SIMD, memory growth mid-run with
// views rebuilt, and the arena reusing freed blocks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Engine, oldV8 } from "../../src/engine/engine.js";
import { LSTM } from "../../src/layers/recurrent.js";
import { init } from "../../src/index.js";
import { randF32, rng, sameBits } from "../helpers.js";

describe("engine", () => {
  it("init() picks the best build the runtime validates and is idempotent", async () => {
    const a = await init();
    // vitest runs Node with --experimental-wasm-relaxed-simd
    expect(a.build).toBe("relaxed-simd");
    expect(a.simd).toBe(true);
    expect(a.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await init()).toEqual(a);
  });

  it("each build reports its own variant, also when handed in as a module", async () => {
    for (const b of ["scalar", "simd", "relaxed-simd"] as const) {
      const e = await Engine.create({ build: b });
      expect(e.build).toBe(b);
      const bytes = readFileSync(join(__dirname, `../../build/${b}.wasm`));
      const m = await WebAssembly.compile(bytes);
      expect((await Engine.create({ wasm: m })).build).toBe(b);
      expect((await Engine.create({ wasm: new Uint8Array(bytes) })).build).toBe(b);
    }
    await expect(Engine.create({ wasm: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]) })).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
    await expect(Engine.create({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toMatchObject({ code: "NO_WASM" });
  });

  it("the scalar build contains no SIMD instruction", () => {
    const wat = readFileSync(join(__dirname, "../../build/scalar.wat"), "utf8");
    expect(wat).not.toMatch(/v128|f32x4|i32x4|i8x16|i16x8|i64x2|f64x2/);
    expect(readFileSync(join(__dirname, "../../build/simd.wat"), "utf8")).toMatch(/f32x4\.add/);
    expect(readFileSync(join(__dirname, "../../build/simd.wat"), "utf8")).not.toMatch(/relaxed/);
    expect(readFileSync(join(__dirname, "../../build/relaxed-simd.wat"), "utf8")).toMatch(/f32x4\.relaxed_madd/);
  });

  it("memory that grows in the middle of a forward pass gives the same numbers (views are rebuilt)", async () => {
    const r = rng(3);
    const I = 96, H = 160, T = 120, B = 6;
    const x = { data: randF32(r, T * B * I), dims: [T, B, I] };
    const fresh = await Engine.create({ build: "simd" });
    const warm = await Engine.create({ build: "simd" });
    // pre-grow the warm engine so nothing grows during its run
    warm.free(warm.alloc(64 << 20, "pre-grow"));
    const a = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, engine: fresh });
    const b = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, engine: warm });
    a.forward({ data: new Float32Array(I), dims: [1, 1, I] }); // packs the weights
    const before = fresh.arena.memoryBytes;
    const ra = a.forward(x);
    expect(fresh.arena.memoryBytes).toBeGreaterThan(before); // it did grow mid-run
    const rb = b.forward(x);
    expect(sameBits(ra.output.data, rb.output.data)).toBeNull();
    expect(sameBits(ra.h.data, rb.h.data)).toBeNull();
    expect(sameBits(ra.c!.data, rb.c!.data)).toBeNull();
    // outputs stay valid after later calls and after dispose
    const copy = ra.output.data.slice();
    a.forward(x);
    a.dispose();
    expect(sameBits(ra.output.data, copy)).toBeNull();
  });

  it("the arena reuses freed blocks and coalesces neighbours", async () => {
    const e = await Engine.create({ build: "scalar" });
    const p1 = e.alloc(1000, "a"), p2 = e.alloc(1000, "b"), p3 = e.alloc(1000, "c");
    const top = e.arena.highWater;
    e.free(p1); e.free(p2);
    const p4 = e.alloc(2000, "d");
    expect(p4).toBe(p1);
    expect(e.arena.highWater).toBe(top);
    e.free(p4); e.free(p3);
    expect(e.arena.liveBlocks).toBe(0);
    expect(e.alloc(64, "e")).toBe(p1);
    // freshly allocated memory is zeroed even when reused
    const q = e.alloc(256, "f");
    e.f32().fill(5, q >> 2, (q >> 2) + 64);
    e.free(q);
    const q2 = e.alloc(256, "g");
    expect(q2).toBe(q);
    expect(Array.from(e.f32().subarray(q2 >> 2, (q2 >> 2) + 64)).every((v) => v === 0)).toBe(true);
    // a block at the top, written and freed (the top comes back down), then a larger one from the same address that
    // reaches into never-used memory: zero throughout (only the used part needs clearing)
    e.free(q2);
    const t1 = e.alloc(512, "h");
    e.f32().fill(7, t1 >> 2, (t1 >> 2) + 128);
    e.free(t1);
    const t2 = e.alloc(1 << 20, "i");
    expect(t2).toBe(t1);
    expect(e.f32().subarray(t2 >> 2, (t2 >> 2) + (1 << 18)).every((v) => v === 0)).toBe(true);
  });

  it("keeps the batch-1 loops plain on V8 before 13.4 and unrolls them elsewhere (a speed choice, same bits)", async () => {
    const node = (v8: string) => ({ process: { versions: { node: "x", v8 } } });
    const ua = (userAgent: string) => ({ navigator: { userAgent } });
    expect(oldV8(node("11.3.244.8-node.38"))).toBe(true); // Node 20
    expect(oldV8(node("12.4.254.21-node.33"))).toBe(true); // Node 22
    expect(oldV8(node("12.9.202.28-node.14"))).toBe(true); // Node 23
    expect(oldV8(node("13.6.233.10-node.18"))).toBe(false); // Node 24
    expect(oldV8({ Deno: { version: { v8: "13.0.245.12-rusty" } } })).toBe(true); // Deno 2.1
    expect(oldV8({ Deno: { version: { v8: "13.4.114.9-rusty" } } })).toBe(false); // Deno 2.2
    expect(oldV8({ Deno: { version: { v8: "15.0.245.2-rusty" } } })).toBe(false);
    expect(oldV8({ process: { versions: { bun: "1.4.5", v8: "12.4.254.14-node.12" } } })).toBe(false); // JavaScriptCore
    expect(oldV8(ua("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/133.0.0.0 Safari/537.36"))).toBe(true);
    expect(oldV8(ua("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36"))).toBe(false);
    expect(oldV8(ua("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36"))).toBe(false);
    expect(oldV8(ua("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"))).toBe(false);
    expect(oldV8(ua("Cloudflare-Workers"))).toBe(false);
    expect(oldV8({})).toBe(false);
    // this runtime: the engine applied the choice at creation
    const e = await Engine.create({ build: "simd" });
    expect(e.k.set_step_unroll(0)).toBe(oldV8() ? 0 : 1);
    expect(e.k.set_step_unroll(1)).toBe(0);
    expect(e.k.set_step_unroll(0)).toBe(1);
  });
});
