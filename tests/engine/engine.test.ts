// The engine: build selection, each build's self-report, the scalar build free of SIMD, memory growth mid-run with
// views rebuilt, and the arena reusing freed blocks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Engine, kernelProfile } from "../../src/engine/engine.js";
import { GRU, LSTM, RNN } from "../../src/layers/recurrent.js";
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

  it("picks the loop shapes by the runtime's V8 (speed choices with the same bits)", async () => {
    const node = (v8: string) => ({ process: { versions: { node: "x", v8 } } });
    const ua = (userAgent: string) => ({ navigator: { userAgent } });
    const chrome = (n: number) => ua(`Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${n}.0.0.0 Safari/537.36`);
    const plain = { unroll: false, tileRows6: true, splitR: false, pairLoads: false };
    const split = { unroll: false, tileRows6: false, splitR: true, pairLoads: false };
    const modern = { unroll: true, tileRows6: true, splitR: false, pairLoads: false };
    const modernChecked = { unroll: true, tileRows6: false, splitR: false, pairLoads: true }; // Deno from V8 13.4
    expect(kernelProfile(node("11.3.244.8-node.38"))).toEqual(plain); // Node 20
    expect(kernelProfile(node("11.8.172.17-node.19"))).toEqual(plain); // Node 21
    expect(kernelProfile(node("12.4.254.21-node.33"))).toEqual(plain); // Node 22
    expect(kernelProfile(node("12.9.202.28-node.14"))).toEqual(plain); // Node 23
    expect(kernelProfile(node("13.6.233.10-node.18"))).toEqual(modern); // Node 24
    expect(kernelProfile(node("14.6.202.34-node.34"))).toEqual(modern); // Node 26
    // Deno exposes a Node-compatible process too: Deno (explicit bounds checks) decides
    expect(kernelProfile({ Deno: { version: { v8: "12.9.202.13-rusty" } }, process: { versions: { node: "20.11.1", v8: "12.9.202.13-rusty" } } })).toEqual(split);
    expect(kernelProfile({ Deno: { version: { v8: "12.9.202.13-rusty" } } })).toEqual(split); // Deno 2.0
    expect(kernelProfile({ Deno: { version: { v8: "13.0.245.12-rusty" } } })).toEqual(split); // Deno 2.1
    expect(kernelProfile({ Deno: { version: { v8: "11.3.244.4-rusty" } } })).toEqual(plain); // Deno 1.3x
    expect(kernelProfile({ Deno: { version: { v8: "13.4.114.9-rusty" } } })).toEqual(modernChecked); // Deno 2.2
    expect(kernelProfile({ Deno: { version: { v8: "15.0.245.2-rusty" } } })).toEqual(modernChecked);
    expect(kernelProfile({ process: { versions: { bun: "1.4.5", v8: "12.4.254.14-node.12" } } })).toEqual(modern); // JavaScriptCore
    // Chrome has the trap handler (no explicit bounds checks), as Node
    expect(kernelProfile(chrome(115))).toEqual(plain);
    expect(kernelProfile(chrome(116))).toEqual(plain);
    expect(kernelProfile(chrome(128))).toEqual(plain);
    expect(kernelProfile(chrome(133))).toEqual(plain);
    expect(kernelProfile(chrome(134))).toEqual(modern);
    expect(kernelProfile(ua("Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"))).toEqual(modern);
    // workerd (no V8 version to read; Cloudflare tracks current V8) measures as Deno does
    expect(kernelProfile(ua("Cloudflare-Workers"))).toEqual(modernChecked);
    expect(kernelProfile({})).toEqual(modern);
    // this runtime: the engine applied its profile at creation
    const p = kernelProfile();
    for (const build of ["simd", "relaxed-simd", "scalar"] as const) {
      const e = await Engine.create({ build });
      expect(e.k.set_step_unroll(0)).toBe(p.unroll ? 1 : 0);
      expect(e.k.set_tile_rows(4)).toBe(p.tileRows6 && build === "relaxed-simd" ? 6 : 4);
      expect(e.splitR).toBe(p.splitR && build !== "scalar");
      expect(e.k.set_zigzag(0)).toBe(1); // on by default, in every runtime
      expect(e.k.set_pair_loads(0)).toBe(p.pairLoads && build === "relaxed-simd" ? 1 : 0);
    }
  });

  it("every loop shape gives the same bits through the public API (forward, stream, bidirectional, batches)", async () => {
    const shapes = [{}, { unroll: true }, { unroll: false }, { splitR: true }, { splitR: true, tileRows6: true }, { tileRows6: false },
      { zigzag: false }, { zigzag: false, unroll: true }, { zigzag: false, splitR: true },
      { pairLoads: true, tileRows6: false }, { pairLoads: true, tileRows6: true }, { pairLoads: false, tileRows6: false }];
    // H = 36: 5 panels, so that both walks (zigzag) meet odd panel counts, panel pairs with one left over, and the
    // one-gate products' groups of three panels with two single panels after them
    const layers = (engine: Engine, projSize: number, bidirectional: boolean) => [
      new LSTM({ inputSize: 6, hiddenSize: 36, projSize, bidirectional, engine }),
      new GRU({ inputSize: 6, hiddenSize: 36, bidirectional, linearBeforeReset: true, engine }),
      new GRU({ inputSize: 6, hiddenSize: 36, bidirectional, linearBeforeReset: false, engine }),
      new RNN({ inputSize: 6, hiddenSize: 36, bidirectional, engine }),
    ];
    for (const build of ["simd", "relaxed-simd"] as const) {
      let ref: Float32Array[] | null = null;
      for (const loopShapes of shapes) {
        const engine = await Engine.create({ build, loopShapes });
        const r = rng(3);
        const outs: Float32Array[] = [];
        for (const [B, bidirectional, projSize] of [[1, false, 0], [1, true, 0], [5, false, 0], [32, true, 0], [3, false, 7]] as const) {
          for (const l of layers(engine, projSize, bidirectional)) {
            const x = { data: randF32(r, 4 * B * 6), dims: [4, B, 6] };
            outs.push(l.forward(x).output.data);
            if (!bidirectional) {
              const s = l.stream({ batch: B });
              for (let t = 0; t < 4; t++) outs.push(s.step({ data: x.data.subarray(t * B * 6, (t + 1) * B * 6), dims: [B, 6] }).data);
              s.dispose();
            }
            l.dispose();
          }
        }
        if (!ref) ref = outs;
        else outs.forEach((o, i) => expect(sameBits(o, ref![i]), `${build} ${JSON.stringify(loopShapes)} output ${i}`).toBeNull());
      }
    }
  });

  it("the scalar twins ship once: the SIMD builds trap in their *_ref exports, the scalar build runs them", async () => {
    for (const build of ["simd", "relaxed-simd"] as const) {
      const e = await Engine.create({ build });
      expect(() => e.k.rnn_seq_ref(0)).toThrow(WebAssembly.RuntimeError);
      expect(() => e.k.f32_gemm_ref(0, 0, 0, 0, 0, 0, 0, 0, 0)).toThrow(WebAssembly.RuntimeError);
      expect(() => e.k.f32_vact_ref(0, 0, 0, 0, 0, 0)).toThrow(WebAssembly.RuntimeError);
      expect(() => e.k.f32_softmax_ref(0, 0, 0, 0, 0)).toThrow(WebAssembly.RuntimeError);
    }
    const s = await Engine.create({ build: "scalar" });
    const x = s.upload(Float32Array.from([-2, 0, 3]), "x"), o = s.alloc(12, "o");
    s.k.f32_vact_ref(o, x, 3, 2 /* Relu */, 0, 0);
    expect(Array.from(s.read(o, 3))).toEqual([0, 0, 3]);
  });

  it("checks loopShapes", async () => {
    await expect(Engine.create({ loopShapes: { fast: true } as never })).rejects.toThrow(/BAD_ARGUMENT: loopShapes: unknown option "fast"/);
    await expect(Engine.create({ loopShapes: { splitR: 1 } as never })).rejects.toThrow(/BAD_ARGUMENT: loopShapes.splitR: expected a boolean, found 1/);
    await expect(Engine.create({ loopShapes: { zigzag: "no" } as never })).rejects.toThrow(/BAD_ARGUMENT: loopShapes.zigzag: expected a boolean, found "no"/);
    await expect(Engine.create({ loopShapes: 5 as never })).rejects.toThrow(/BAD_ARGUMENT: loopShapes: expected an object, found 5/);
  });

  it("refuses a kernels module from another release", async () => {
    // a module that has rnn_seq and build_kind but not this release's packing kernel
    const sec = (id: number, body: number[]): number[] => [id, body.length, ...body]; // sizes < 128
    const name = (t: string): number[] => [t.length, ...Array.from(t, (ch) => ch.charCodeAt(0))];
    const wat = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0,
      ...sec(1, [2, 0x60, 0, 1, 0x7f, 0x60, 1, 0x7f, 0]), // types: () → i32, (i32) → ()
      ...sec(3, [3, 0, 1, 0]), // build_kind, rnn_seq, heap_base
      ...sec(5, [1, 0, 1]), // one page of memory
      ...sec(7, [4, ...name("memory"), 2, 0, ...name("build_kind"), 0, 0, ...name("rnn_seq"), 0, 1, ...name("heap_base"), 0, 2]),
      ...sec(10, [3, 4, 0, 0x41, 1, 0x0b, 2, 0, 0x0b, 5, 0, 0x41, 0x80, 0x08, 0x0b])]);
    expect(WebAssembly.validate(wat)).toBe(true);
    await expect(Engine.create({ wasm: wat })).rejects.toThrow(/BAD_ARGUMENT: wasm: the module given is from another rnn-wasm release/);
  });
});
