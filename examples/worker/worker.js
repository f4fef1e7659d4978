// A module Web Worker that classifies messages off the main thread with the bundled model.
// Messages in: { id, text }. Messages out: { id, label, spam, bytes } or { id, error }.
import { loadModel } from "../../dist/index.js";

const ready = fetch("../../models/spam-bigru.safetensors")
  .then((r) => r.arrayBuffer())
  .then((b) => loadModel(new Uint8Array(b)));

self.onmessage = async ({ data }) => {
  try {
    const model = await ready;
    const r = model.predict(data.text);
    self.postMessage({ id: data.id, label: r.labels[0], spam: r.output.data[1], bytes: r.lengths[0] });
  } catch (e) {
    self.postMessage({ id: data.id, error: `${e.code ?? "ERROR"}: ${e.message}` });
  }
};
self.postMessage({ ready: true });
