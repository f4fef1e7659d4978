// The worker of bench/workerd.mjs, bundled by esbuild (rnn-wasm → dist/index.js, the .wasm files left as imports:
// workerd refuses to compile WebAssembly from bytes, so each build arrives as a Wasm module). Workers' clocks do not
// advance while code runs, so the driver times the requests from outside.
//   POST /load?key=K&build=B&shape=JSON  body: a config (JSON of bench/models/manifest.json's entry) and, after a
//        newline, the bytes of its .weights.bin as base64; builds the layer, answers Y of one pass ([T, D, B, H] bytes)
//   GET  /run?key=K&n=N  runs N passes of layer K, answers a checksum
import * as rw from "rnn-wasm";
import simd from "./simd.wasm";
import relaxed from "./relaxed-simd.wasm";
import { inputOf, weightsOf } from "./compare.mjs";

const MODULES = { simd, "relaxed-simd": relaxed };
const layers = new Map();

async function load(params, body) {
  const cut = body.indexOf("\n");
  const c = JSON.parse(body.slice(0, cut));
  const bytes = Uint8Array.from(atob(body.slice(cut + 1)), (ch) => ch.charCodeAt(0));
  const shape = params.get("shape");
  const engine = await rw.createEngine({ wasm: MODULES[params.get("build")], ...(shape ? { loopShapes: JSON.parse(shape) } : {}) });
  const o = { inputSize: c.I, hiddenSize: c.H, bidirectional: c.directions === 2, engine };
  const layer = c.cell === "LSTM" ? new rw.LSTM(o) : new rw.GRU({ ...o, linearBeforeReset: c.linearBeforeReset === 1 });
  layer.setOnnxWeights(0, weightsOf(c, bytes));
  const x = { data: inputOf(c), dims: [c.T, c.B, c.I] };
  const run = () => layer.forward(x).output.data; // [T, B, D·H]: the ONNX layout for B = 1 or D = 1 (the bench configs)
  layers.set(params.get("key"), run);
  const y = run();
  return new Response(y.buffer.slice(y.byteOffset, y.byteOffset + y.byteLength));
}

export default {
  async fetch(request) {
    const u = new URL(request.url);
    try {
      if (u.pathname === "/load") return await load(u.searchParams, await request.text());
      if (u.pathname === "/run") {
        const run = layers.get(u.searchParams.get("key"));
        if (!run) return new Response("no such layer", { status: 404 });
        let sum = 0;
        for (let i = 0, n = Number(u.searchParams.get("n")); i < n; i++) { const y = run(); sum += y[y.length - 1]; }
        return new Response(String(sum));
      }
      return new Response("not found", { status: 404 });
    } catch (err) {
      return new Response(String(err?.stack ?? err), { status: 500 });
    }
  },
};
