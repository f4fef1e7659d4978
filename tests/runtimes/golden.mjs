// The golden run every runtime executes (Node, Deno, Bun, a Chromium page and Web Worker, workerd): PyTorch fixtures
// through the public API of the built package, with each build, answered as JSON.
//
// Plain ES2020 with no runtime API beyond WebAssembly, TextDecoder and btoa: the runtime passes in the package
// (`api`, imported by name the way its users import it) and a `read(path)` that returns the bytes of a file given by
// its path from the repository root. Outputs travel as base64 of their float32 bytes so the test can compare them
// bit for bit.

/** The fixtures (tests/fixtures/torch/manifest.json names): an LSTM with projection, bidirectional, packed lengths;
 *  a 2-layer bidirectional GRU; a 2-layer bidirectional tanh RNN with h0. */
export const CASES = ["lstm_packed_proj_bidir", "gru_bidir_2layer", "rnn_tanh_bidir_2layer_h0"];
export const BUILDS = ["scalar", "simd", "relaxed-simd"];
const FIXTURES = "tests/fixtures/torch/";

/** Minimal safetensors reader for the fixtures' F32 / I32 tensors: name → { dtype, dims, data }. */
export function readSafetensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const base = 8 + n;
  const out = {};
  for (const [name, e] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const [a, b] = e.data_offsets;
    const copy = bytes.slice(base + a, base + b);
    const data = e.dtype === "F32" ? new Float32Array(copy.buffer) : e.dtype === "I32" ? new Int32Array(copy.buffer) : null;
    if (!data) throw new Error(`${name}: dtype ${e.dtype} is not used by the runtime fixtures`);
    out[name] = { dtype: e.dtype, dims: e.shape, data };
  }
  return out;
}

/** base64 of a typed array's bytes (btoa exists in every runtime under test). */
export function toBase64(a) {
  const u8 = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = "";
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return btoa(s);
}

function describeError(e) {
  return { code: e && e.code, name: e && e.name, message: String(e && e.message ? e.message : e) };
}

/**
 * Runs the golden cases.
 * - api: the package's module namespace (init, createEngine, loadTorch, …)
 * - read(path): Promise<Uint8Array> of a file by its repository path
 * - modules: optional { [build]: WebAssembly.Module } compiled from rnn-wasm/wasm/<build>.wasm; when given, every
 *   engine is created from them (`{ wasm }`), as where compiling from bytes is forbidden (workerd)
 * - initOptions: options of the first `init()` (default none)
 * - validateWasm: ask WebAssembly.validate about each dist/wasm/<build>.wasm (default true)
 * Returns { info, autoBuild, validates, results: { [build]: { [case]: { output, h, c } } | { error } } }.
 */
export async function runGolden({ api, read, modules, initOptions, validateWasm = true }) {
  const report = { version: api.version, validates: {}, results: {} };
  const t0 = Date.now();
  report.info = await api.init(initOptions);
  report.infoAgain = await api.init(initOptions); // idempotent
  const auto = await api.createEngine(modules ? { wasm: modules[report.info.build] } : {});
  report.autoBuild = auto.build;
  if (validateWasm) {
    for (const b of BUILDS) report.validates[b] = WebAssembly.validate(await read(`dist/wasm/${b}.wasm`));
  }
  const manifest = JSON.parse(new TextDecoder().decode(await read(FIXTURES + "manifest.json")));
  const files = {};
  for (const name of CASES) {
    const c = manifest.cases.find((m) => m.name === name);
    files[name] = { meta: c, model: await read(FIXTURES + c.file), io: readSafetensors(await read(FIXTURES + c.io)) };
  }
  for (const build of BUILDS) {
    let engine;
    try {
      engine = await api.createEngine(modules ? { build, wasm: modules[build] } : { build });
    } catch (e) {
      report.results[build] = { error: describeError(e) };
      continue;
    }
    const perCase = {};
    for (const name of CASES) {
      const { meta, model, io } = files[name];
      const m = await api.loadTorch(model, { engine, mode: meta.mode, batchFirst: meta.batchFirst, prefix: meta.prefix || undefined });
      const opts = {};
      if (io.h0) opts.h0 = io.h0;
      if (io.c0) opts.c0 = io.c0;
      if (io.lengths) opts.lengths = Array.from(io.lengths.data);
      const r = m.forward(io.x, opts);
      const enc = (t) => t && { dims: t.dims, b64: toBase64(t.data) };
      perCase[name] = { engineBuild: engine.build, output: enc(r.output), h: enc(r.h), c: enc(r.c) };
      m.dispose();
    }
    report.results[build] = perCase;
  }
  report.ms = Date.now() - t0;
  return report;
}

/** The same run, with the report or the error as a JSON-friendly value (for postMessage / HTTP answers). */
export async function runGoldenSafe(args) {
  try {
    return { ok: true, report: await runGolden(args) };
  } catch (e) {
    return { ok: false, error: { ...describeError(e), stack: String(e && e.stack) } };
  }
}
