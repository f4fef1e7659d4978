// Cold start: fresh Node processes, from `import` of the built package through loading a model to the first finished
// forward pass. Median of several processes per case.
//
//   node bench/coldstart.mjs             # 9 processes per case; writes bench/RESULTS.md (runtime-budgets region:
//                                        # section "coldstart" for Node 20, "coldstart-nodeN" for another major)
//   node bench/coldstart.mjs --runs 15 --no-write
//   node bench/coldstart.mjs --dist DIR  # another build of the package (DIR/node.js, else DIR/index.js)
//   node bench/coldstart.mjs --against DIR   # also runs every case with DIR/index.js, pairing the processes, and
//                                        # prints the median ratio (e.g. DIR = a build of the previous commit)
//   bash bench/node.sh 24 bench/coldstart.mjs --no-write   # another Node release (the children run the same binary)
//
// Cases (models made here from seeded random weights; the ONNX files by the small protobuf writer below):
//   loadOnnx lstm-s     one ONNX LSTM node, B=1 T=50 I=32 H=64 (opset 14; W [1,4H,I], R [1,4H,H], B [1,8H]
//                       initializers; X [T,1,I]): the budget's case
//   loadTorch lstm-s    the same weights as a PyTorch nn.LSTM state_dict in safetensors (gate order i,f,g,o)
//   loadOnnx lstm-l     the same kind of node at I=512 H=512 (8 MiB of weights), T=100: a model whose loading and
//                       packing, rather than the code, take the time
//   loadTorch lstm-l, loadKeras lstm-l   the same network as a safetensors state_dict and as a TF.js layers model
//                       (model.json + weights.bin: kernel [I, 4H] in Keras's i,f,c,o column blocks, one bias)
//   loadOnnx lstm-s, compile cache   (Node >= 22.1 only) the first case with NODE_COMPILE_CACHE set to a directory
//                       that an earlier process filled: Node then reads the package's compiled code from disk
// Before timing, the outputs are verified against onnxruntime-node (the torch file against the ONNX model). Each
// child imports node:fs before its clock starts (a module of Node's, not of the package: its first dynamic import
// costs 2-4 ms on this machine) and then times itself with performance.now(): "import → result" starts just before
// `await import(...)` and includes reading the model file; "process → result" also counts Node's own start-up
// (performance.now() from the process's time origin).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, machineLine, writeSection } from "./size.mjs";
import { commandLine, median, uniformF32 as uniform } from "./common.mjs";

const B = 1, G = 4;
const MODELS = { "lstm-s": { T: 50, I: 32, H: 64, seed: 1 }, "lstm-l": { T: 100, I: 512, H: 512, seed: 11 } };
const COLD_START_BUDGET_MS = 15;


// --- a minimal protobuf writer (wire types 0 and 2 are all ONNX needs here) ---
function varint(n) {
  const out = [];
  let v = BigInt(n);
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
/** Concatenates numbers, arrays of numbers and Uint8Arrays (nested arrays of parts allowed) into bytes. */
function bytesOf(parts) {
  const flat = [];
  const walk = (p) => { if (p instanceof Uint8Array || typeof p === "number") flat.push(p); else for (const q of p) walk(q); };
  walk(parts);
  const out = new Uint8Array(flat.reduce((n, p) => n + (typeof p === "number" ? 1 : p.length), 0));
  let o = 0;
  for (const p of flat) { if (typeof p === "number") out[o++] = p; else { out.set(p, o); o += p.length; } }
  return out;
}
const fInt = (field, n) => [...varint((field << 3) | 0), ...varint(n)];
const fLen = (field, payload) => {
  const b = typeof payload === "string" ? new TextEncoder().encode(payload) : payload instanceof Uint8Array ? payload : bytesOf(payload);
  return [varint((field << 3) | 2), varint(b.length), b];
};
const tensorProto = (name, dims, data) => [dims.map((d) => fInt(1, d)), fInt(2, 1), fLen(8, name),
  fLen(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))];
const valueInfo = (name, dims) => [fLen(1, name), fLen(2, fLen(1, [fInt(1, 1), fLen(2, dims.map((d) => fLen(1, fInt(1, d))))]))];

/** ModelProto bytes of one LSTM node with its weights as initializers. */
function onnxLstm(name, { T, I, H }, W, R, Bias) {
  const node = [["X", "W", "R", "B"].map((n) => fLen(1, n)), ["Y", "Y_h", "Y_c"].map((n) => fLen(2, n)),
    fLen(3, "lstm"), fLen(4, "LSTM"), fLen(5, [fLen(1, "hidden_size"), fInt(3, H), fInt(20, 2)])];
  const graph = [fLen(1, node), fLen(2, name),
    fLen(5, tensorProto("W", [1, G * H, I], W)), fLen(5, tensorProto("R", [1, G * H, H], R)),
    fLen(5, tensorProto("B", [1, 2 * G * H], Bias)),
    fLen(11, valueInfo("X", [T, B, I])),
    fLen(12, valueInfo("Y", [T, 1, B, H])), fLen(12, valueInfo("Y_h", [1, B, H])), fLen(12, valueInfo("Y_c", [1, B, H]))];
  return bytesOf([fInt(1, 7), fLen(2, "rnn-wasm bench/coldstart.mjs"), fLen(7, graph), fLen(8, [fLen(1, ""), fInt(2, 14)])]);
}

/** A safetensors file of F32 tensors (keys sorted, data packed in that order). */
function safetensors(tensors) {
  const names = Object.keys(tensors).sort();
  const header = {};
  let off = 0;
  for (const n of names) { const t = tensors[n]; header[n] = { dtype: "F32", shape: t.dims, data_offsets: [off, off + t.data.byteLength] }; off += t.data.byteLength; }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + off);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let p = 8 + json.length;
  for (const n of names) { out.set(new Uint8Array(tensors[n].data.buffer), p); p += tensors[n].data.byteLength; }
  return out;
}

/** ONNX LSTM gate blocks i,o,f,c → PyTorch i,f,g,o (rows of H). */
function onnxToTorchRows(a, H, cols) {
  const out = new Float32Array(a.length), blk = H * cols;
  [0, 2, 3, 1].forEach((src, dst) => out.set(a.subarray(src * blk, (src + 1) * blk), dst * blk));
  return out;
}

/** Writes <name>.onnx, <name>.x.f32 and, for lstm-s, lstm-s.safetensors; returns the input. */
function makeModel(dir, name) {
  const m = MODELS[name], { T, I, H } = m, a = 1 / Math.sqrt(H);
  const W = uniform(m.seed, G * H * I, a), R = uniform(m.seed + 1, G * H * H, a), Bias = uniform(m.seed + 2, 2 * G * H, a);
  const x = uniform(m.seed + 3, T * B * I, 1);
  writeFileSync(join(dir, `${name}.onnx`), onnxLstm(name, m, W, R, Bias));
  {
    writeFileSync(join(dir, `${name}.safetensors`), safetensors({
      weight_ih_l0: { dims: [G * H, I], data: onnxToTorchRows(W, H, I) },
      weight_hh_l0: { dims: [G * H, H], data: onnxToTorchRows(R, H, H) },
      bias_ih_l0: { dims: [G * H], data: onnxToTorchRows(Bias.subarray(0, G * H), H, 1) },
      bias_hh_l0: { dims: [G * H], data: onnxToTorchRows(Bias.subarray(G * H), H, 1) },
    }));
  }
  // Keras (TF.js layers format): kernel [I, 4H] and recurrent_kernel [H, 4H] in column blocks i,f,c,o, one bias
  const keras = (m, cols) => { // ONNX rows [4H, cols] (i,o,f,c) → Keras [cols, 4H] (i,f,c,o)
    const out = new Float32Array(m.length);
    [0, 3, 1, 2].forEach((kb, g) => { for (let j = 0; j < H; j++) for (let k = 0; k < cols; k++) out[k * G * H + kb * H + j] = m[(g * H + j) * cols + k]; });
    return out;
  };
  const kb = new Float32Array(G * H);
  [0, 3, 1, 2].forEach((b, g) => { for (let j = 0; j < H; j++) kb[b * H + j] = Bias[g * H + j] + Bias[G * H + g * H + j]; });
  const parts = [keras(W, I), keras(R, H), kb];
  const weights = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  parts.reduce((o, p) => (weights.set(new Uint8Array(p.buffer), o), o + p.byteLength), 0);
  writeFileSync(join(dir, `${name}.weights.bin`), weights);
  writeFileSync(join(dir, `${name}.model.json`), JSON.stringify({
    format: "layers-model",
    modelTopology: { class_name: "Sequential", config: { name, layers: [
      { class_name: "InputLayer", config: { batch_input_shape: [null, T, I], dtype: "float32", name: "x" } },
      { class_name: "LSTM", config: { name: "lstm", units: H, activation: "tanh", recurrent_activation: "sigmoid", use_bias: true, return_sequences: true } },
    ] } },
    weightsManifest: [{ paths: [`${name}.weights.bin`], weights: [
      { name: "lstm/kernel", shape: [I, G * H], dtype: "float32" }, { name: "lstm/recurrent_kernel", shape: [H, G * H], dtype: "float32" },
      { name: "lstm/bias", shape: [G * H], dtype: "float32" }] }],
  }));
  writeFileSync(join(dir, `${name}.x.f32`), x);
  return x;
}

/** The child: one cold start. Prints { importToResult, processToResult, y0, build } as JSON. */
const CHILD = `
import { readFileSync } from "node:fs";
const dir = process.env.COLDSTART_DIR, loader = process.env.COLDSTART_LOADER, name = process.env.COLDSTART_MODEL;
const dims = JSON.parse(process.env.COLDSTART_DIMS);
const t0 = performance.now();
const api = await import(process.env.RNN_WASM_URL);
const xb = readFileSync(dir + "/" + name + ".x.f32");
const x = { data: new Float32Array(xb.buffer, xb.byteOffset, xb.byteLength / 4), dims };
let y;
if (loader === "loadOnnx") {
  const m = await api.loadOnnx(readFileSync(dir + "/" + name + ".onnx")); // a Buffer is a Uint8Array
  y = (await m.run({ X: x })).Y.data;
} else if (loader === "loadKeras") {
  const m = await api.loadKeras(readFileSync(dir + "/" + name + ".model.json", "utf8"), readFileSync(dir + "/" + name + ".weights.bin"));
  y = m.predict({ data: x.data, dims: [dims[1], dims[0], dims[2]] }).data; // batch-major [B, T, I]; B = 1
} else {
  const m = await api.loadTorch(readFileSync(dir + "/" + name + ".safetensors"));
  y = m.forward(x).output.data;
}
const t1 = performance.now();
console.log(JSON.stringify({ importToResult: t1 - t0, processToResult: t1, y0: y[0], build: (await api.init()).build }));
`;


function maxRelDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(b[i])));
  return m;
}

/** Checks each case's model in the parent against onnxruntime-node; returns the reference outputs by model. */
async function verify(distUrl, dir, inputs, cases) {
  const api = await import(distUrl);
  const ort = (await import("onnxruntime-node")).default;
  const refs = {}, checks = {};
  for (const [name, x] of Object.entries(inputs)) {
    const { T, I } = MODELS[name], dims = [T, B, I];
    const session = await ort.InferenceSession.create(join(dir, `${name}.onnx`));
    refs[name] = (await session.run({ X: new ort.Tensor("float32", x, dims) })).Y.data;
    for (const c of cases.filter((c) => c.model === name)) {
      const key = `${c.loader} ${name} vs onnxruntime-node`;
      if (checks[key] !== undefined) continue;
      const y = c.loader === "loadOnnx"
        ? (await (await api.loadOnnx(readFileSync(join(dir, `${name}.onnx`)))).run({ X: { data: x, dims } })).Y.data
        : c.loader === "loadKeras"
          ? (await api.loadKeras(readFileSync(join(dir, `${name}.model.json`), "utf8"), readFileSync(join(dir, `${name}.weights.bin`)))).predict({ data: x, dims: [B, MODELS[name].T, I] }).data
          : (await api.loadTorch(readFileSync(join(dir, `${name}.safetensors`)))).forward({ data: x, dims }).output.data;
      checks[key] = maxRelDiff(y, refs[name]);
    }
  }
  for (const [what, d] of Object.entries(checks)) {
    if (!(d < 1e-3)) throw new Error(`verification failed: ${what}: max relative difference ${d}`);
  }
  return { checks, refs };
}

async function main() {
  const args = process.argv.slice(2);
  const runs = Math.max(7, Number(args[args.indexOf("--runs") + 1]) || 9);
  if (args.includes("--runs") && !(Number(args[args.indexOf("--runs") + 1]) >= 7)) throw new Error("--runs: expected a number ≥ 7");
  const distDir = args.includes("--dist") ? resolve(args[args.indexOf("--dist") + 1]) : join(ROOT, "dist");
  // the file Node gets for `import "rnn-wasm"` (package.json exports: "node" condition, where the build has one)
  const entryUrl = (dir) => pathToFileURL(join(dir, existsSync(join(dir, "node.js")) ? "node.js" : "index.js")).href;
  const distUrl = entryUrl(distDir);
  const againstDir = args.includes("--against") ? resolve(args[args.indexOf("--against") + 1]) : null;
  const againstUrl = againstDir && entryUrl(againstDir);
  const dir = mkdtempSync(join(tmpdir(), "rnn-wasm-coldstart-"));
  const hasCompileCache = typeof (await import("node:module")).enableCompileCache === "function";
  const cases = [
    { label: "`loadOnnx` lstm-s", loader: "loadOnnx", model: "lstm-s", budget: true },
    { label: "`loadTorch` lstm-s", loader: "loadTorch", model: "lstm-s" },
    { label: "`loadOnnx` lstm-l (8 MiB of weights, T=100)", loader: "loadOnnx", model: "lstm-l" },
    { label: "`loadTorch` lstm-l", loader: "loadTorch", model: "lstm-l" },
    { label: "`loadKeras` lstm-l", loader: "loadKeras", model: "lstm-l" },
    ...(hasCompileCache ? [{ label: "`loadOnnx` lstm-s, NODE_COMPILE_CACHE filled", loader: "loadOnnx", model: "lstm-s", env: { NODE_COMPILE_CACHE: join(dir, "compile-cache") } }] : []),
  ];
  try {
    const inputs = Object.fromEntries(Object.keys(MODELS).map((name) => [name, makeModel(dir, name)]));
    const { checks, refs } = await verify(distUrl, dir, inputs, cases);
    for (const [what, d] of Object.entries(checks)) console.log(`verified: ${what}: max relative difference ${d.toExponential(2)}`);
    writeFileSync(join(dir, "child.mjs"), CHILD);
    const child = (c, url = distUrl) => {
      const { T, I } = MODELS[c.model];
      const out = execFileSync(process.execPath, [join(dir, "child.mjs")], {
        env: { ...process.env, ...c.env, RNN_WASM_URL: url, COLDSTART_DIR: dir, COLDSTART_LOADER: c.loader, COLDSTART_MODEL: c.model, COLDSTART_DIMS: JSON.stringify([T, B, I]) },
        encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL",
      });
      const r = JSON.parse(out.trim().split("\n").pop());
      const ref = refs[c.model][0];
      if (r.y0 !== ref && Math.abs(r.y0 - ref) > 1e-4) throw new Error(`${c.label}: child output ${r.y0} differs from onnxruntime's ${ref}`);
      return r;
    };
    for (const c of cases) if (c.env) child(c); // fills the compile cache (not timed)
    const samples = cases.map(() => []), others = cases.map(() => []);
    let build = "?";
    for (let i = 0; i < runs; i++) {
      cases.forEach((c, k) => { // interleaved, so drift hits every case alike
        const r = child(c);
        build = r.build;
        samples[k].push(r);
        if (againstUrl) others[k].push(child(c, againstUrl));
      });
    }
    if (againstUrl) {
      console.log(`against ${againstDir} (the same cases, each process paired with one of this build):`);
      cases.forEach((c, k) => {
        const a = samples[k].map((r) => r.importToResult), b = others[k].map((r) => r.importToResult);
        console.log(`  ${c.label}: ${median(a).toFixed(1)} ms here, ${median(b).toFixed(1)} ms there; time ratio here/there ${median(a.map((v, i) => v / b[i])).toFixed(2)} (median of pairs)`);
      });
    }
    const rows = cases.map((c, k) => {
      const s = samples[k];
      return { ...c, import: median(s.map((r) => r.importToResult)), process: median(s.map((r) => r.processToResult)),
        min: Math.min(...s.map((r) => r.importToResult)), max: Math.max(...s.map((r) => r.importToResult)) };
    });
    for (const r of rows) {
      console.log(`${r.label}: import → first result ${r.import.toFixed(1)} ms median (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)}; ${runs} processes), process start → first result ${r.process.toFixed(1)} ms`);
    }
    if (args.includes("--no-write") || args.includes("--dist") || againstDir) return;
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const budgetRow = rows.find((r) => r.budget);
    const verdict = budgetRow.import <= COLD_START_BUDGET_MS ? "within"
      : `over, by ${(budgetRow.import - COLD_START_BUDGET_MS).toFixed(1)} ms on this machine`;
    const s = MODELS["lstm-s"];
    const major = Number(process.versions.node.split(".")[0]);
    writeSection(major === 20 ? "coldstart" : `coldstart-node${major}`, [
      `### Cold start (Node ${process.version})`,
      "",
      `Fresh \`node\` processes from \`import\` of the package to the first finished forward pass, build \`${build}\` (auto); lstm-s is B=${B} T=${s.T} I=${s.I} H=${s.H}; seeded random weights, outputs verified against onnxruntime-node; ${runs} processes per case, interleaved, medians. Each child imports \`node:fs\` before its clock starts (Node's own module; until 2026-12-06 its first dynamic import, 2–4 ms here, was inside the window).`,
      "",
      "| case | import → first result | (min … max) | process start → first result |",
      "|---|---:|---:|---:|",
      ...rows.map((r) => `| ${r.label} | ${r.import.toFixed(1)} ms | ${r.min.toFixed(1)} … ${r.max.toFixed(1)} ms | ${r.process.toFixed(1)} ms |`),
      "",
      `Budget: \`loadOnnx\` lstm-s import → first result ≤ ${COLD_START_BUDGET_MS} ms median: ${verdict}. rnn-wasm ${pkg.version}; ${machineLine()}; ${new Date().toISOString().slice(0, 10)}; \`${commandLine()}\`.`,
    ].join("\n"));
    console.log("written to bench/RESULTS.md");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
