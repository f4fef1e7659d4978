// Loaders given a view into a larger buffer (a Node Buffer from the shared pool, or a subarray at an odd offset)
// read exactly the file's bytes: same numbers as from a fresh copy.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTorch } from "../../src/io/torch.js";
import { loadOnnx } from "../../src/io/onnx/index.js";
import { engineFor, randF32, rng, sameBits } from "../helpers.js";

function inside(bytes: Uint8Array, offset: number): Uint8Array {
  const big = new Uint8Array(bytes.length + offset + 13).fill(0x7f);
  big.set(bytes, offset);
  return big.subarray(offset, offset + bytes.length);
}

describe("loaders read views of larger buffers", () => {
  it("loadTorch and loadOnnx: a pooled Buffer and odd-offset subarrays give the numbers of a fresh copy", async () => {
    const engine = await engineFor("simd");
    const tPath = join(__dirname, "../fixtures/torch/lstm_2layer.safetensors");
    const x = { data: randF32(rng(4), 4 * 2 * 11), dims: [4, 2, 11] };
    const ref = (await loadTorch(new Uint8Array(readFileSync(tPath)), { engine })).forward(x).output.data;
    for (const view of [readFileSync(tPath), inside(new Uint8Array(readFileSync(tPath)), 3), inside(new Uint8Array(readFileSync(tPath)), 1)]) {
      expect(sameBits((await loadTorch(view, { engine })).forward(x).output.data, ref)).toBeNull();
    }
    const oPath = join(__dirname, "../fixtures/onnx/torch/gru_2layer_nobias.onnx");
    const m0 = await loadOnnx(new Uint8Array(readFileSync(oPath)), { engine });
    const feeds = Object.fromEntries(m0.inputNames.map((n) => [n, null]));
    expect(Object.keys(feeds).length).toBeGreaterThan(0);
    const io = JSON.parse(readFileSync(oPath.replace(/\.onnx$/, ".json"), "utf8"));
    const inputs: Record<string, { data: Float32Array; dims: number[] }> = {};
    for (const n of m0.inputNames) inputs[n] = { data: Float32Array.from(io.inputs[n].data), dims: io.inputs[n].dims };
    const want = m0.run(inputs);
    for (const view of [readFileSync(oPath), inside(new Uint8Array(readFileSync(oPath)), 5)]) {
      const got = (await loadOnnx(view, { engine })).run(inputs);
      for (const k of m0.outputNames) expect(sameBits(got[k].data as Float32Array, want[k].data as Float32Array), k).toBeNull();
    }
  });
});
