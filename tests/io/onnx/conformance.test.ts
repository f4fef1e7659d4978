// The ONNX project's backend node tests for LSTM, GRU and RNN (tests/fixtures/conformance/onnx-node, see its
// README): every case on every build, within 1e-5 abs + 1e-4 rel of the expected outputs, dims identical.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadOnnx } from "../../../src/io/onnx/index.js";
import type { Tensor } from "../../../src/api.js";
import { BUILDS, closeTo, engineFor } from "../../helpers.js";

const ROOT = join(__dirname, "../../fixtures/conformance/onnx-node");
const CASES = readdirSync(ROOT).filter((d) => d.startsWith("test_")).sort();

function readPair(base: string): { name: string; t: Tensor } {
  const meta = JSON.parse(readFileSync(base + ".json", "utf8")) as { name: string; dims: number[]; dtype: string };
  const buf = readFileSync(base + ".bin");
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const data = meta.dtype === "float32" ? new Float32Array(ab) : meta.dtype === "int32" ? new Int32Array(ab) : new BigInt64Array(ab);
  return { name: meta.name, t: { data, dims: meta.dims } };
}

function readSet(dir: string, kind: "input" | "output"): { name: string; t: Tensor }[] {
  const out = [];
  for (let k = 0; existsSync(join(dir, `${kind}_${k}.json`)); k++) out.push(readPair(join(dir, `${kind}_${k}`)));
  return out;
}

describe("ONNX backend node tests (LSTM, GRU, RNN)", () => {
  it("has the 12 cases", () => {
    expect(CASES.length).toBe(12);
  });
  for (const build of BUILDS) {
    for (const name of CASES) {
      it(`${name} [${build}]`, async () => {
        const engine = await engineFor(build);
        const model = await loadOnnx(new Uint8Array(readFileSync(join(ROOT, name, "model.onnx"))), { engine });
        const ds = join(ROOT, name, "test_data_set_0");
        const feeds: Record<string, Tensor> = {};
        for (const { name: n, t } of readSet(ds, "input")) feeds[n] = t;
        const got = model.run(feeds);
        const expected = readSet(ds, "output");
        expect(expected.length).toBeGreaterThan(0);
        for (const { name: n, t } of expected) {
          expect(got[n], n).toBeDefined();
          expect(got[n].dims, n).toEqual(t.dims);
          expect(closeTo(got[n].data as Float32Array, t.data as Float32Array), n).toBeNull();
        }
        model.dispose();
      });
    }
  }
});
