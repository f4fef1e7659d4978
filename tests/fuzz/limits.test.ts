// Limits before allocation: a file that declares more than it holds is BAD_MODEL, one beyond the engine's limits is
// LIMIT_EXCEEDED, both before the wasm memory grows; a memory.grow that fails is OUT_OF_MEMORY and the engine keeps
// running other models bit for bit as before.
//
// OUT_OF_MEMORY is produced for real: with maxBytes raised above 4 GiB (the most a 32-bit wasm memory can hold), a
// forward pass whose buffers need more than 4 GiB makes memory.grow throw, which the arena turns into OUT_OF_MEMORY.
// (A failure of the operating system to back a smaller growth takes the same path, but cannot be provoked reliably.)

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Tensor } from "../../src/api.js";
import { Engine } from "../../src/engine/engine.js";
import { RnnError } from "../../src/errors.js";
import { parseSafetensors, readFloat } from "../../src/io/safetensors.js";
import { loadTorch, type TorchModule } from "../../src/io/torch.js";
import { LSTM } from "../../src/layers/recurrent.js";
import { closeTo, sameBits } from "../helpers.js";
import { decodeSafe, encodeSafe } from "./safetensors-mutators.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const fixture = (p: string) => new Uint8Array(readFileSync(join(root, "tests/fixtures/torch", p)));

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<RnnError> {
  try { await (typeof p === "function" ? p() : p); } catch (e) {
    if (e instanceof RnnError) return e;
    throw new Error(`expected an RnnError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
  }
  throw new Error("expected an RnnError, nothing was thrown");
}

/** The golden case: the PyTorch fixture lstm_basic, run and compared with PyTorch's output. */
function golden() {
  const io = parseSafetensors(fixture("lstm_basic.io.safetensors"));
  const t = (n: string): Tensor & { data: Float32Array } => ({ data: readFloat(io, io.entries.get(n)!), dims: io.entries.get(n)!.shape });
  return { x: t("x"), output: t("output") };
}

describe("a file that declares more than it holds, or more than the limits, is refused before allocating", () => {
  it("a tensor declaring 2^40 bytes in a small file: BAD_MODEL, no growth", async () => {
    const engine = await Engine.create({ build: "scalar" });
    const doc = decodeSafe(fixture("lstm_basic.safetensors"));
    doc.tensors[0].desc.shape = [2 ** 20, 2 ** 18];
    doc.tensors[0].desc.data_offsets = [0, 2 ** 40];
    const bytes = encodeSafe(doc, false);
    const mem = engine.arena.memoryBytes;
    const e = await rejection(loadTorch(bytes, { engine, prefix: "" }));
    expect(["BAD_MODEL", "LIMIT_EXCEEDED"]).toContain(e.code);
    expect(engine.arena.memoryBytes).toBe(mem);
  });
  it("tensors within the file but beyond maxElements: LIMIT_EXCEEDED, no growth", async () => {
    const engine = await Engine.create({ build: "scalar", limits: { maxElements: 50 } });
    const mem = engine.arena.memoryBytes, blocks = engine.arena.liveBlocks;
    const e = await rejection(loadTorch(fixture("lstm_basic.safetensors"), { engine }));
    expect(e.code).toBe("LIMIT_EXCEEDED");
    expect(e.message).toMatch(/weight_ih_l0|weight_hh_l0|elements/);
    expect(engine.arena.memoryBytes).toBe(mem);
    expect(engine.arena.liveBlocks).toBe(blocks);
  });
  it("an input beyond maxElements: LIMIT_EXCEEDED naming x", async () => {
    const engine = await Engine.create({ build: "scalar", limits: { maxElements: 1000 } });
    const m = await loadTorch(fixture("lstm_basic.safetensors"), { engine });
    const e = await rejection(() => m.forward({ data: new Float32Array(400 * 3 * 3), dims: [400, 3, 3] }));
    expect(e.code).toBe("LIMIT_EXCEEDED");
    expect(e.message).toContain("x");
    m.dispose();
  });
  it("a model beyond maxBytes: LIMIT_EXCEEDED; the engine still runs another model", async () => {
    const engine = await Engine.create({ build: "simd", limits: { maxBytes: 256 * 1024 } });
    const g = golden();
    const small = await loadTorch(fixture("lstm_basic.safetensors"), { engine });
    const before = small.forward(g.x).output.data;
    const big = new LSTM({ inputSize: 64, hiddenSize: 256, engine });
    const e = await rejection(() => big.forward({ data: new Float32Array(64), dims: [1, 1, 64] }));
    expect(e.code).toBe("LIMIT_EXCEEDED");
    big.dispose();
    expect(engine.arena.memoryBytes).toBeLessThanOrEqual(256 * 1024);
    expect(sameBits(small.forward(g.x).output.data, before)).toBeNull();
    small.dispose();
  });
});

describe("a failing memory.grow is OUT_OF_MEMORY and the engine stays usable", () => {
  it("a forward pass needing more than 4 GiB of wasm memory", async () => {
    const engine = await Engine.create({ build: "simd", limits: { maxBytes: 2 ** 34, maxElements: 2 ** 30 } });
    const g = golden();
    const kept: TorchModule = await loadTorch(fixture("lstm_basic.safetensors"), { engine });
    const before = kept.forward(g.x).output.data;
    expect(closeTo(before, g.output.data), "vs PyTorch").toBeNull();
    const mem = engine.arena.memoryBytes, blocks = engine.arena.liveBlocks;
    // hidden 1024 over 300,000 steps: the input projection alone is 300000·4·1024·4 bytes ≈ 4.9 GB
    const huge = new LSTM({ inputSize: 1, hiddenSize: 1024, engine });
    const T = 300_000;
    const e = await rejection(() => huge.forward({ data: new Float32Array(T), dims: [T, 1, 1] }));
    expect(e.code).toBe("OUT_OF_MEMORY");
    expect(e.message).toMatch(/could not grow/);
    huge.dispose();
    expect(engine.arena.liveBlocks, "blocks freed after the failure").toBe(blocks);
    expect(engine.arena.memoryBytes - mem, "memory grown by the failed pass").toBeLessThan(64 * 2 ** 20);
    // the engine still runs the model it had, and loads and runs a new one, bit for bit as before
    expect(sameBits(kept.forward(g.x).output.data, before)).toBeNull();
    const fresh = await loadTorch(fixture("lstm_basic.safetensors"), { engine });
    expect(sameBits(fresh.forward(g.x).output.data, before)).toBeNull();
    fresh.dispose();
    kept.dispose();
  });
});
