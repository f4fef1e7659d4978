// The package's two entries: dist/index.js (browsers, bundlers, Deno, workerd) and dist/node.js (Node and Bun,
// package.json "node" condition), whose ONNX and Keras loaders load on their first call. In a fresh Node process,
// both load the same ONNX and Keras fixtures and must give the same bits, and the recorded expectations.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, run } from "./check.js";

const SCRIPT = `
import { readFileSync } from "node:fs";
const [root, entry] = process.argv.slice(2);
const api = await import(new URL("dist/" + entry, root));
const fx = (p) => new URL("tests/fixtures/" + p, root);
const io = JSON.parse(readFileSync(fx("onnx/torch/gru_2layer_nobias.json"), "utf8"));
const onnx = await api.loadOnnx(readFileSync(fx("onnx/torch/gru_2layer_nobias.onnx")));
const feeds = Object.fromEntries(Object.entries(io.inputs).map(([k, v]) => [k, { data: Float32Array.from(v.data), dims: v.dims }]));
const y = Object.values(onnx.run(feeds))[0].data;
const kio = JSON.parse(readFileSync(fx("keras/bidir_ave_lstm_seq.io.json"), "utf8"));
const keras = await api.loadKeras(readFileSync(fx("keras/bidir_ave_lstm_seq.model.json"), "utf8"), readFileSync(fx("keras/bidir_ave_lstm_seq.weights.bin")));
const k = keras.predict({ data: Float32Array.from(kio.input.data), dims: kio.input.dims }).data;
console.log(JSON.stringify({ names: Object.keys(api).sort(), y: Array.from(y), k: Array.from(k), kWant: kio.expected.data }));
`;

describe("dist/index.js and dist/node.js", () => {
  let dir = "";
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), "rnn-wasm-entries-")); writeFileSync(join(dir, "run.mjs"), SCRIPT); });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("export the same names, and their ONNX and Keras loaders give the same bits", async () => {
    const get = async (entry: string) => JSON.parse((await run(process.execPath, [join(dir, "run.mjs"), pathToFileURL(ROOT).href, entry], { timeoutMs: 30_000 })).trim().split("\n").pop()!);
    const a = await get("index.js"), b = await get("node.js");
    expect(b.names).toEqual(a.names);
    expect(b.y).toEqual(a.y);
    expect(b.k).toEqual(a.k);
    expect(a.y.length).toBeGreaterThan(0);
    // and the recorded TF.js output, to the suite's tolerance
    b.kWant.forEach((v: number, i: number) => expect(Math.abs(b.k[i] - v)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v)));
  });
});
