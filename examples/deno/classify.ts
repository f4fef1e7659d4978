// Classify a message with the bundled model in Deno:
//   deno run --allow-read examples/deno/classify.ts "some text"
// deno.json maps "rnn-wasm" to the built package in this repository, as an installed package would resolve.
import { init, loadModel } from "rnn-wasm";

const text = Deno.args[0] ?? "Subject: Cheap meds!!!\n\nBuy now, no prescription needed, 80% off. Click here!";
const info = await init();
const bytes = await Deno.readFile(new URL("../../models/spam-bigru.safetensors", import.meta.url));
const model = await loadModel(bytes);
const r = model.predict(text);
console.log(JSON.stringify({ label: r.labels![0], spam: r.output.data[1], bytes: r.lengths[0], build: info.build }));
model.dispose();
