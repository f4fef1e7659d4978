// Run a PyTorch nn.GRU saved as a state_dict in .safetensors (torch: safetensors.torch.save_file(gru.state_dict(), path)).
//   node examples/torch/run.mjs [MODEL.safetensors]
// Default: a GRU(input 3, hidden 5) from the test fixtures, on the input PyTorch was run with.
import { readFile } from "node:fs/promises";
import { loadTorch } from "rnn-wasm";

const path = process.argv[2] ?? new URL("../../tests/fixtures/torch/gru_basic.safetensors", import.meta.url);
const gru = await loadTorch(await readFile(path));    // sizes, layers, directions from the tensor names and shapes
const T = 6, B = 2, I = 3;
const x = { data: Float32Array.from({ length: T * B * I }, (_, i) => Math.sin(i)), dims: [T, B, I] };
const { output, h } = gru.forward(x, { lengths: [6, 4] });   // PyTorch semantics: [T, B, H], h [layers·dirs, B, H]
console.log(`output [${output.dims}] h [${h.dims}]`);
console.log("last step of row 0:", Array.from(output.data.subarray((T - 1) * B * 5, (T - 1) * B * 5 + 5), (v) => v.toFixed(4)).join(" "));
// streaming: feed steps one at a time, save the state anywhere, resume later
const stream = gru.stream({ batch: B });
for (let t = 0; t < T; t++) stream.step({ data: x.data.slice(t * B * I, (t + 1) * B * I), dims: [B, I] });
console.log("streamed h:", Array.from(stream.state().h.data.subarray(0, 5), (v) => v.toFixed(4)).join(" "));
gru.dispose();
