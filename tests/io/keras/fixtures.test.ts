// loadKeras against the frameworks: TensorFlow.js models with tfjs predict outputs (tests/fixtures/gen/gen_keras.mjs)
// and Keras-format reset_after GRUs with PyTorch nn.GRU outputs (tests/fixtures/gen/gen_keras_reset_after.py),
// on every build, at 1e-5 abs + 1e-4 rel.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadKeras } from "../../../src/io/keras/index.js";
import { BUILDS, closeTo, engineFor } from "../../helpers.js";

const DIR = new URL("../../fixtures/keras/", import.meta.url);
const read = (f: string) => readFileSync(new URL(f, DIR));
const cases: string[] = [
  ...JSON.parse(read("manifest.json").toString()).cases,
  ...JSON.parse(read("manifest_reset_after.json").toString()).cases,
];

interface IO {
  input: { dtype: "int32" | "float32"; dims: number[]; data: number[] };
  expected: { dims: number[]; data: (number | null)[] };
}

describe.each(BUILDS)("loadKeras fixtures (%s)", (build) => {
  it("covers every generated case", () => {
    expect(cases.length).toBeGreaterThanOrEqual(32);
  });
  it.each(cases)("%s", async (name) => {
    const engine = await engineFor(build);
    const io: IO = JSON.parse(read(`${name}.io.json`).toString());
    const model = await loadKeras(read(`${name}.model.json`).toString(), new Uint8Array(read(`${name}.weights.bin`)), { engine });
    try {
      const data = io.input.dtype === "int32" ? Int32Array.from(io.input.data) : Float32Array.from(io.input.data);
      const y = model.predict({ data, dims: io.input.dims });
      expect(y.dims).toEqual(io.expected.dims);
      const exp = io.expected.data.map((v) => (v === null ? NaN : v));
      expect(closeTo(y.data, exp)).toBeNull();
    } finally {
      model.dispose();
    }
  });
});
