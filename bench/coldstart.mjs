// Cold start: fresh Node processes, from `import` of the built package through loading lstm-s (B=1 T=50 I=32 H=64)
// to the first finished forward pass. Median of several processes per loader.
//
//   node bench/coldstart.mjs             # 9 processes per loader; writes bench/RESULTS.md (runtime-budgets region)
//   node bench/coldstart.mjs --runs 15 --no-write
//   node bench/coldstart.mjs --dist DIR  # another build of the package (DIR/index.js), e.g. a candidate bundle
//
// The model is made here from seeded random weights, in both formats, so the two loaders get the same network:
//   lstm-s.onnx         one ONNX LSTM node (opset 14; W [1,4H,I], R [1,4H,H], B [1,8H] initializers; X [T,1,I]),
//                       encoded by the small protobuf writer below
//   lstm-s.safetensors  the same weights as a PyTorch nn.LSTM state_dict (gate order i,f,g,o)
// `loadOnnx` is measured when the built package exports it (src/io/onnx), `loadTorch` always. Before timing, the
// outputs are verified: the ONNX model in onnxruntime-node against rnn-wasm's loadTorch (and loadOnnx).
// Each child times itself with performance.now(): "import → result" starts just before `await import(...)` and
// includes reading the model file; "process → result" also counts Node's own start-up (performance.now() from the
// process's time origin).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, machineLine, writeSection } from "./size.mjs";
import { median, uniformF32 as uniform } from "./common.mjs";

const T = 50, B = 1, I = 32, H = 64, G = 4;
const COLD_START_BUDGET_MS = 15;


// --- a minimal protobuf writer (wire types 0 and 2 are all ONNX needs here) ---
function varint(n) {
  const out = [];
  let v = BigInt(n);
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
const bytesOf = (parts) => Uint8Array.from(parts.flatMap((p) => (p instanceof Uint8Array ? [...p] : p)));
const fInt = (field, n) => [...varint((field << 3) | 0), ...varint(n)];
const fLen = (field, payload) => {
  const b = typeof payload === "string" ? new TextEncoder().encode(payload) : payload instanceof Uint8Array ? payload : bytesOf(payload);
  return [...varint((field << 3) | 2), ...varint(b.length), ...b];
};
const tensorProto = (name, dims, data) => [...dims.flatMap((d) => fInt(1, d)), ...fInt(2, 1), ...fLen(8, name),
  ...fLen(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))];
const valueInfo = (name, dims) => [...fLen(1, name), ...fLen(2, fLen(1, [...fInt(1, 1), ...fLen(2, dims.flatMap((d) => fLen(1, fInt(1, d))))]))];

/** ModelProto bytes of one LSTM node with its weights as initializers. */
function onnxLstm(W, R, Bias) {
  const node = [...["X", "W", "R", "B"].flatMap((n) => fLen(1, n)), ...["Y", "Y_h", "Y_c"].flatMap((n) => fLen(2, n)),
    ...fLen(3, "lstm"), ...fLen(4, "LSTM"), ...fLen(5, [...fLen(1, "hidden_size"), ...fInt(3, H), ...fInt(20, 2)])];
  const graph = [...fLen(1, node), ...fLen(2, "lstm-s"),
    ...fLen(5, tensorProto("W", [1, G * H, I], W)), ...fLen(5, tensorProto("R", [1, G * H, H], R)),
    ...fLen(5, tensorProto("B", [1, 2 * G * H], Bias)),
    ...fLen(11, valueInfo("X", [T, B, I])),
    ...fLen(12, valueInfo("Y", [T, 1, B, H])), ...fLen(12, valueInfo("Y_h", [1, B, H])), ...fLen(12, valueInfo("Y_c", [1, B, H]))];
  return bytesOf([...fInt(1, 7), ...fLen(2, "rnn-wasm bench/coldstart.mjs"), ...fLen(7, graph), ...fLen(8, [...fLen(1, ""), ...fInt(2, 14)])]);
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
function onnxToTorchRows(a, cols) {
  const out = new Float32Array(a.length), blk = H * cols;
  [0, 2, 3, 1].forEach((src, dst) => out.set(a.subarray(src * blk, (src + 1) * blk), dst * blk));
  return out;
}

function makeModel(dir) {
  const a = 1 / Math.sqrt(H);
  const W = uniform(1, G * H * I, a), R = uniform(2, G * H * H, a), Bias = uniform(3, 2 * G * H, a);
  const x = uniform(4, T * B * I, 1);
  writeFileSync(join(dir, "lstm-s.onnx"), onnxLstm(W, R, Bias));
  writeFileSync(join(dir, "lstm-s.safetensors"), safetensors({
    weight_ih_l0: { dims: [G * H, I], data: onnxToTorchRows(W, I) },
    weight_hh_l0: { dims: [G * H, H], data: onnxToTorchRows(R, H) },
    bias_ih_l0: { dims: [G * H], data: onnxToTorchRows(Bias.subarray(0, G * H), 1) },
    bias_hh_l0: { dims: [G * H], data: onnxToTorchRows(Bias.subarray(G * H), 1) },
  }));
  writeFileSync(join(dir, "x.f32"), x);
  return x;
}

/** The child: one cold start. Prints { importToResult, processToResult, y0 } as JSON. */
const CHILD = `
const t0 = performance.now();
const api = await import(process.env.RNN_WASM_URL);
const { readFileSync } = await import("node:fs");
const dir = process.env.COLDSTART_DIR, loader = process.env.COLDSTART_LOADER;
const xb = readFileSync(dir + "/x.f32");
const x = { data: new Float32Array(xb.buffer, xb.byteOffset, xb.byteLength / 4), dims: [${T}, ${B}, ${I}] };
let y;
if (loader === "loadOnnx") {
  const m = await api.loadOnnx(new Uint8Array(readFileSync(dir + "/lstm-s.onnx")));
  y = (await m.run({ X: x })).Y.data;
} else {
  const m = await api.loadTorch(new Uint8Array(readFileSync(dir + "/lstm-s.safetensors")));
  y = m.forward(x).output.data;
}
const t1 = performance.now();
console.log(JSON.stringify({ importToResult: t1 - t0, processToResult: t1, y0: y[0], yLast: y[y.length - 1], build: (await api.init()).build }));
`;


function maxRelDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / (1e-3 + Math.abs(b[i])));
  return m;
}

async function verify(distUrl, dir, x, loaders) {
  const api = await import(distUrl);
  const torch = (await api.loadTorch(new Uint8Array(readFileSync(join(dir, "lstm-s.safetensors"))))).forward({ data: x, dims: [T, B, I] }).output.data;
  const ort = (await import("onnxruntime-node")).default;
  const session = await ort.InferenceSession.create(join(dir, "lstm-s.onnx"));
  const ref = (await session.run({ X: new ort.Tensor("float32", x, [T, B, I]) })).Y.data;
  const checks = { "loadTorch vs onnxruntime-node": maxRelDiff(torch, ref) };
  if (loaders.includes("loadOnnx")) {
    const m = await api.loadOnnx(new Uint8Array(readFileSync(join(dir, "lstm-s.onnx"))));
    checks["loadOnnx vs onnxruntime-node"] = maxRelDiff((await m.run({ X: { data: x, dims: [T, B, I] } })).Y.data, ref);
  }
  for (const [what, d] of Object.entries(checks)) {
    if (!(d < 1e-3)) throw new Error(`verification failed: ${what}: max relative difference ${d}`);
  }
  return { checks, ref };
}

async function main() {
  const args = process.argv.slice(2);
  const runs = Math.max(7, Number(args[args.indexOf("--runs") + 1]) || 9);
  if (args.includes("--runs") && !(Number(args[args.indexOf("--runs") + 1]) >= 7)) throw new Error("--runs: expected a number ≥ 7");
  const distDir = args.includes("--dist") ? resolve(args[args.indexOf("--dist") + 1]) : join(ROOT, "dist");
  const distUrl = pathToFileURL(join(distDir, "index.js")).href;
  const exported = Object.keys(await import(distUrl));
  const loaders = exported.includes("loadOnnx") ? ["loadOnnx", "loadTorch"] : ["loadTorch"];
  const dir = mkdtempSync(join(tmpdir(), "rnn-wasm-coldstart-"));
  try {
    const x = makeModel(dir);
    const { checks, ref } = await verify(distUrl, dir, x, loaders);
    for (const [what, d] of Object.entries(checks)) console.log(`verified: ${what}: max relative difference ${d.toExponential(2)}`);
    writeFileSync(join(dir, "child.mjs"), CHILD);
    const samples = Object.fromEntries(loaders.map((l) => [l, []]));
    let build = "?";
    for (let i = 0; i < runs; i++) {
      for (const loader of loaders) { // interleaved, so drift hits both alike
        const out = execFileSync(process.execPath, [join(dir, "child.mjs")], {
          env: { ...process.env, RNN_WASM_URL: distUrl, COLDSTART_DIR: dir, COLDSTART_LOADER: loader },
          encoding: "utf8", timeout: 30_000, killSignal: "SIGKILL",
        });
        const r = JSON.parse(out.trim().split("\n").pop());
        if (r.y0 !== ref[0] && Math.abs(r.y0 - ref[0]) > 1e-4) throw new Error(`${loader}: child output ${r.y0} differs from onnxruntime's ${ref[0]}`);
        build = r.build;
        samples[loader].push(r);
      }
    }
    const rows = loaders.map((l) => {
      const s = samples[l];
      return { loader: l, import: median(s.map((r) => r.importToResult)), process: median(s.map((r) => r.processToResult)),
        min: Math.min(...s.map((r) => r.importToResult)), max: Math.max(...s.map((r) => r.importToResult)) };
    });
    for (const r of rows) {
      console.log(`${r.loader}: import → first result ${r.import.toFixed(1)} ms median (min ${r.min.toFixed(1)}, max ${r.max.toFixed(1)}; ${runs} processes), process start → first result ${r.process.toFixed(1)} ms`);
    }
    if (args.includes("--no-write") || args.includes("--dist")) return;
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const onnxNote = loaders.includes("loadOnnx") ? ""
      : "\n\n`loadOnnx` is not in the built package yet, so only `loadTorch` of the same network (a PyTorch state_dict as safetensors) is measured; rerun the script once `loadOnnx` is exported.";
    const onnxRow = rows.find((r) => r.loader === "loadOnnx");
    const verdict = !onnxRow ? "not measured" : onnxRow.import <= COLD_START_BUDGET_MS ? "within"
      : `over, by ${(onnxRow.import - COLD_START_BUDGET_MS).toFixed(1)} ms on this machine`;
    writeSection("coldstart", [
      "### Cold start (Node)",
      "",
      `Fresh \`node\` processes, lstm-s (B=${B} T=${T} I=${I} H=${H}, seeded random weights, verified against onnxruntime-node), build \`${build}\` (auto), ${runs} processes per loader, medians:`,
      "",
      "| loader | import → first result | (min … max) | process start → first result |",
      "|---|---:|---:|---:|",
      ...rows.map((r) => `| \`${r.loader}\` | ${r.import.toFixed(1)} ms | ${r.min.toFixed(1)} … ${r.max.toFixed(1)} ms | ${r.process.toFixed(1)} ms |`),
      "",
      `Budget: \`loadOnnx\` import → first result ≤ ${COLD_START_BUDGET_MS} ms median: ${verdict}.${onnxNote} rnn-wasm ${pkg.version}; ${machineLine()}; ${new Date().toISOString().slice(0, 10)}; \`node bench/coldstart.mjs\`.`,
    ].join("\n"));
    console.log("written to bench/RESULTS.md");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
