// Run a TensorFlow.js layers model (model.json + its weight files) saved by tf.LayersModel.save("file://…").
//   node examples/keras/predict.mjs [MODEL.json]
// Default: a bidirectional GRU from the test fixtures, on the input TF.js was run with.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadKeras } from "rnn-wasm";

const path = process.argv[2] ?? fileURLToPath(new URL("../../tests/fixtures/keras/bidir_concat_gru_last.model.json", import.meta.url));
const json = JSON.parse(await readFile(path, "utf8"));
// the weight bytes: every file the manifest lists, concatenated in order
const parts = await Promise.all(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFile(join(dirname(path), p))));
const weights = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
let off = 0;
for (const p of parts) { weights.set(p, off); off += p.length; }
const model = await loadKeras(json, weights);
const io = JSON.parse(await readFile(path.replace(/\.model\.json$/, ".io.json"), "utf8").catch(() => "null"));
const x = io ? { data: Float32Array.from(io.input.data), dims: io.input.dims } : null;
if (!x) throw new Error("pass an input: this example reads NAME.io.json beside the model");
const y = model.predict(x);
console.log(`output [${y.dims}]:`, Array.from(y.data.subarray(0, 6), (v) => v.toFixed(4)).join(" "), "…");
model.dispose();
