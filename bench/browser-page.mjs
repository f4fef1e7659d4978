// The browser side of bench/browser.mjs: the same models and checks as bench/run.mjs (bench/compare.mjs), with
// rnn-wasm (the built dist/, both SIMD builds) and onnxruntime-web (wasm, 1 thread) in this page. The driver reads
// window.__bench: { results, adapters, skipped, userAgent } or { error }.
import * as rw from "../dist/index.js";
import * as ort from "onnxruntime-web";
import { ortAdapter, printRow, rnnWasmAdapter, runConfig } from "./compare.mjs";

const params = new URL(location.href).searchParams;
const opt = { rounds: Number(params.get("rounds") ?? 9), batchMs: Number(params.get("batchMs") ?? 40) };
const wanted = params.get("configs")?.split(",") ?? null;
const pre = document.getElementById("log");
const log = (m) => { console.log(m); pre.textContent += m + "\n"; };
const read = async (name) => {
  const r = await fetch(`./models/${name}`);
  if (!r.ok) throw new Error(`bench/models/${name}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
};

async function main() {
  ort.env.wasm.wasmPaths = "/node_modules/onnxruntime-web/dist/";
  const manifest = await (await fetch("./models/manifest.json")).json();
  const adapters = [], skipped = [];
  // shapes=1: each build with every loop shape side by side (EngineOptions.loopShapes) instead of the one it picks
  const shapes = params.get("shapes") === "1" ? ["plain", "unrolled", "split"] : [undefined];
  for (const b of ["simd", "relaxed-simd"]) {
    for (const u of shapes) {
      try { adapters.push(await rnnWasmAdapter(rw, b, read, u)); } catch (e) { skipped.push(`rnn-wasm ${b}: ${e.message}`); }
    }
  }
  adapters.push(ortAdapter(ort, "web", params.get("ortVersion") ?? "?", read));
  const results = [];
  for (const c of manifest.configs.filter((c) => !wanted || wanted.includes(c.name))) {
    const row = await runConfig(c, adapters, opt, log);
    printRow(row, log);
    results.push(row);
  }
  return { results, adapters: adapters.map((a) => ({ name: a.name, version: a.version })), skipped, userAgent: navigator.userAgent };
}

window.__bench = main().catch((e) => ({ error: `${e.message}\n${e.stack}` }));
