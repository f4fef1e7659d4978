// PyTorch golden fixtures (tests/fixtures/torch, made by tests/fixtures/gen/gen_torch.py with torch's nn.LSTM /
// nn.GRU / nn.RNN) loaded through loadTorch and run on every build.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTorch } from "../../src/io/torch.js";
import { parseSafetensors, readFloat, readInt } from "../../src/io/safetensors.js";
import { BUILDS, closeTo, engineFor } from "../helpers.js";

const DIR = join(__dirname, "../fixtures/torch");
const manifest = JSON.parse(readFileSync(join(DIR, "manifest.json"), "utf8"));

interface Case {
  name: string; file: string; io: string; mode: "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU"; prefix: string;
  batchFirst: boolean; numLayers: number; bidirectional: boolean; projSize: number; hiddenSize: number; inputSize: number;
  hasH0: boolean; hasC0: boolean; hasLengths: boolean; unbatched: boolean; dtype: string;
}

function readIo(file: string) {
  const f = parseSafetensors(new Uint8Array(readFileSync(join(DIR, file))));
  const get = (n: string) => {
    const e = f.entries.get(n);
    return e ? { data: readFloat(f, e), dims: e.shape } : undefined;
  };
  const le = f.entries.get("lengths");
  return { x: get("x")!, h0: get("h0"), c0: get("c0"), lengths: le ? Array.from(readInt(f, le)) : undefined, output: get("output")!, h: get("h")!, c: get("c") };
}

describe("PyTorch fixtures through loadTorch", () => {
  const cases: Case[] = manifest.cases;
  it("the manifest covers the features the issue lists", () => {
    const has = (p: (c: Case) => boolean) => cases.some(p);
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(has((c) => c.projSize > 0 && c.bidirectional && c.numLayers > 1)).toBe(true);
    expect(has((c) => c.hasLengths && c.bidirectional)).toBe(true);
    expect(has((c) => c.dtype === "F16") && has((c) => c.dtype === "BF16")).toBe(true);
    expect(has((c) => c.prefix !== "")).toBe(true);
    expect(has((c) => c.batchFirst) && has((c) => c.unbatched) && has((c) => c.hasH0 && c.hasC0)).toBe(true);
    expect(new Set(cases.map((c) => c.mode))).toEqual(new Set(["LSTM", "GRU", "RNN_TANH", "RNN_RELU"]));
  });

  for (const b of BUILDS) {
    it(`all ${cases.length} cases match PyTorch, ${b} build`, async () => {
      const engine = await engineFor(b);
      for (const c of cases) {
        const bytes = new Uint8Array(readFileSync(join(DIR, c.file)));
        const m = await loadTorch(bytes, {
          engine, batchFirst: c.batchFirst, prefix: c.prefix === "" ? undefined : c.prefix,
          mode: c.mode === "RNN_RELU" ? "RNN_RELU" : undefined,
        });
        expect(m.info.numLayers, c.name).toBe(c.numLayers);
        expect(m.info.bidirectional, c.name).toBe(c.bidirectional);
        expect(m.info.projSize, c.name).toBe(c.projSize);
        expect(m.info.hiddenSize, c.name).toBe(c.hiddenSize);
        const io = readIo(c.io);
        const res = m.forward(io.x, { h0: io.h0, c0: io.c0, lengths: io.lengths });
        expect(res.output.dims, `${c.name} output dims`).toEqual(io.output.dims);
        expect(closeTo(res.output.data, io.output.data), `${c.name} output`).toBeNull();
        expect(res.h.dims, `${c.name} h dims`).toEqual(io.h.dims);
        expect(closeTo(res.h.data, io.h.data), `${c.name} h`).toBeNull();
        if (io.c) {
          expect(res.c!.dims, `${c.name} c dims`).toEqual(io.c.dims);
          expect(closeTo(res.c!.data, io.c.data), `${c.name} c`).toBeNull();
        } else {
          expect(res.c, c.name).toBeUndefined();
        }
        m.dispose();
      }
    });
  }

  it("infers the cell from the gate count, and mode RNN_RELU selects relu", async () => {
    const engine = await engineFor("simd");
    const relu = cases.find((c) => c.mode === "RNN_RELU")!;
    const bytes = new Uint8Array(readFileSync(join(DIR, relu.file)));
    const io = readIo(relu.io);
    const asTanh = await loadTorch(bytes, { engine, batchFirst: relu.batchFirst });
    expect(asTanh.info.mode).toBe("RNN_TANH");
    // the same weights with tanh do not give PyTorch's relu numbers
    expect(closeTo(asTanh.forward(io.x).output.data, io.output.data)).not.toBeNull();
    await expect(loadTorch(bytes, { engine, mode: "LSTM" })).rejects.toMatchObject({ code: "BAD_MODEL" });
  });

  it("a file with two recurrent modules needs a prefix", async () => {
    const engine = await engineFor("simd");
    const bytes = new Uint8Array(readFileSync(join(DIR, "pair_enc_dec.safetensors")));
    await expect(loadTorch(bytes, { engine })).rejects.toMatchObject({ code: "BAD_ARGUMENT", message: expect.stringContaining("enc.lstm.") });
    const enc = await loadTorch(bytes, { engine, prefix: "enc.lstm." });
    expect(enc.info.mode).toBe("LSTM");
    const dec = await loadTorch(bytes, { engine, prefix: "dec.gru" });
    expect(dec.info.mode).toBe("GRU");
  });
});
