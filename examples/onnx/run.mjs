// Run an ONNX model (e.g. from torch.onnx.export) with its own input and output names.
//   node examples/onnx/run.mjs [MODEL.onnx]
// Default: a 2-layer GRU exported from PyTorch (test fixtures), on the input onnxruntime was run with.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { loadOnnx } from "rnn-wasm";

const path = process.argv[2] ?? fileURLToPath(new URL("../../tests/fixtures/onnx/torch/gru_2layer_nobias.onnx", import.meta.url));
const model = await loadOnnx(await readFile(path)); // a Buffer is a Uint8Array: no copy needed
console.log(`inputs: ${model.inputNames.join(", ")}   outputs: ${model.outputNames.join(", ")}`);
const io = JSON.parse(await readFile(path.replace(/\.onnx$/, ".json"), "utf8"));
const feeds = {};
for (const [name, t] of Object.entries(io.inputs)) {
  const data = t.dtype === "int64" ? BigInt64Array.from(t.data, BigInt) : t.dtype === "int32" ? Int32Array.from(t.data) : Float32Array.from(t.data);
  feeds[name] = { data, dims: t.dims };
}
const out = await model.run(feeds);
for (const [name, t] of Object.entries(out)) console.log(`${name} [${t.dims}]:`, Array.from(t.data.subarray(0, 4), (v) => Number(v).toFixed(4)).join(" "), "…");
model.dispose();
