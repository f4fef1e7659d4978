// The side-by-side benchmark: the same ONNX models (same weights, same inputs) in rnn-wasm (the built dist/, public
// API), onnxruntime-web (wasm, 1 thread, SIMD), onnxruntime-node (native CPU, 1 thread) and TensorFlow.js (wasm
// backend, 1 thread), in one run. Every engine's outputs are checked against onnxruntime-node (or onnxruntime-web
// where the native build is absent) before anything is timed; an engine that disagrees is reported and not timed.
//
//   node --experimental-wasm-relaxed-simd bench/run.mjs [options]      (after `node scripts/build.mjs`)
//   deno run -A bench/run.mjs --engines rnn-wasm,ort-web --configs lstm-batch     (relaxed SIMD on by default)
//
// Options (all optional):
//   --configs a,b        configs to run (default: all of bench/models/manifest.json, streaming last)
//   --engines a,b        rnn-wasm, ort-web, ort-node, tfjs (default: all that load in this runtime)
//   --builds a,b         rnn-wasm builds to run side by side (default: simd and relaxed-simd, those that validate)
//   --rounds N           timed rounds per engine (default 9); each round times a batch of calls
//   --batch-ms N         minimum duration of one round's batch of calls (default 40 ms)
//   --write              write the results into bench/RESULTS.md (region "compare-<runtime>")
//
// Timing: rounds interleave the engines (the order rotates each round), so load from other processes hits them
// alike; the figure is the median over rounds of (batch time / calls); the ratio to onnxruntime-web is the median of
// the per-round ratios (paired), and the spread ((max − min) / median over rounds) is the noise estimate.
import { readFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import {
  BENCH, ROOT, commandLine, fmt, loadAverage, machineLine, median, now, pkgVersion, runtimeName, spread, table, uniformF32, writeRegion,
} from "./common.mjs";

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = { configs: null, engines: null, builds: null, rounds: 9, batchMs: 40, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    if (a === "--configs") o.configs = v().split(",");
    else if (a === "--engines") o.engines = v().split(",");
    else if (a === "--builds") o.builds = v().split(",");
    else if (a === "--rounds") o.rounds = Number(v());
    else if (a === "--batch-ms") o.batchMs = Number(v());
    else if (a === "--write") o.write = true;
    else throw new Error(`unknown option ${a} (see the header of bench/run.mjs)`);
  }
  return o;
}
const args = typeof globalThis.Deno !== "undefined" ? Deno.args : process.argv.slice(2);
const opt = parseArgs(args);
const isDeno = typeof globalThis.Deno !== "undefined";

// ---------------------------------------------------------------- models

const MODELS = join(BENCH, "models");
if (!existsSync(join(MODELS, "manifest.json"))) {
  console.log("bench/models/ is missing: generating it with /usr/bin/python3 bench/gen_models.py");
  execFileSync("/usr/bin/python3", [join(BENCH, "gen_models.py")], { stdio: "inherit" });
}
const manifest = JSON.parse(readFileSync(join(MODELS, "manifest.json"), "utf8"));
if (manifest.magic !== "rnn-wasm-bench-models" || manifest.version !== 1) {
  throw new Error("bench/models/manifest.json is from another generator version: delete bench/models/ and rerun");
}

/** Weights W [D,G·H,I], R [D,G·H,H], B [D,2·G·H] of a config, from its .weights.bin. */
function weightsOf(c) {
  const G = c.cell === "LSTM" ? 4 : 3, D = c.directions, H = c.H, I = c.I;
  const buf = readFileSync(join(MODELS, c.weights));
  const all = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const nW = D * G * H * I, nR = D * G * H * H, nB = D * 2 * G * H;
  if (all.length !== nW + nR + nB) throw new Error(`${c.weights}: expected ${nW + nR + nB} floats, found ${all.length}`);
  return {
    W: { data: all.slice(0, nW), dims: [D, G * H, I] },
    R: { data: all.slice(nW, nW + nR), dims: [D, G * H, H] },
    B: { data: all.slice(nW + nR), dims: [D, 2 * G * H] },
  };
}

/** Seeded input X [T, B, I] in (-1, 1). */
function inputOf(c, seed = 7) {
  return uniformF32(seed, c.T * c.B * c.I);
}

/** Multiply-adds ×2 of the gate matrices: 2·G·H·(I+H)·T·B·D (the issue's GFLOP count). */
function flopsOf(c) {
  const G = c.cell === "LSTM" ? 4 : 3;
  return 2 * G * c.H * (c.I + c.H) * c.T * c.B * c.directions;
}

// ---------------------------------------------------------------- engines
// Each adapter: `load(c)` → { run(): Promise<Float32Array> | Float32Array (Y as [T, D, B, H]), dispose() } for a whole
// sequence, or for a streaming config a runner whose run() feeds one step and carries the state.

/** [T, B, D·H] (PyTorch / rnn-wasm) → [T, D, B, H] (ONNX Y). */
function tbdhToOnnx(y, T, B, D, H) {
  if (D === 1 || B === 1) return y;
  const out = new Float32Array(y.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) {
    out.set(y.subarray(((t * B + b) * D + d) * H, ((t * B + b) * D + d + 1) * H), ((t * D + d) * B + b) * H);
  }
  return out;
}

async function rnnWasmAdapter(build) {
  const rw = await import("../dist/index.js");
  const engine = await rw.createEngine({ build });
  return {
    name: `rnn-wasm ${build}`,
    version: rw.version,
    async load(c) {
      const w = weightsOf(c);
      const o = { inputSize: c.I, hiddenSize: c.H, bidirectional: c.directions === 2, engine };
      const layer = c.cell === "LSTM" ? new rw.LSTM(o) : new rw.GRU({ ...o, linearBeforeReset: c.linearBeforeReset === 1 });
      layer.setOnnxWeights(0, w);
      const x = inputOf(c);
      if (c.stream) {
        const s = layer.stream({ batch: c.B });
        const xt = { data: x, dims: [c.B, c.I] };
        return { run: () => s.step(xt).data, dispose: () => { s.dispose(); layer.dispose(); } };
      }
      const xt = { data: x, dims: [c.T, c.B, c.I] };
      return { run: () => tbdhToOnnx(layer.forward(xt).output.data, c.T, c.B, c.directions, c.H), dispose: () => layer.dispose() };
    },
  };
}

async function ortAdapter(kind) {
  let ort;
  if (kind === "web") {
    ort = await import("onnxruntime-web");
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
  } else {
    ort = (await import("onnxruntime-node")).default;
  }
  const sessionOptions = kind === "web"
    ? { executionProviders: ["wasm"], graphOptimizationLevel: "all" }
    : { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" };
  return {
    name: kind === "web" ? "onnxruntime-web" : "onnxruntime-node",
    version: pkgVersion(kind === "web" ? "onnxruntime-web" : "onnxruntime-node"),
    async load(c) {
      const bytes = readFileSync(join(MODELS, c.onnx));
      const session = await ort.InferenceSession.create(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), sessionOptions);
      const x = inputOf(c);
      const D = c.directions;
      if (c.stream) {
        let h = new Float32Array(D * c.B * c.H), cc = new Float32Array(D * c.B * c.H);
        const xt = x.subarray(0, c.B * c.I);
        return {
          async run() {
            const feeds = {
              X: new ort.Tensor("float32", xt, [1, c.B, c.I]),
              initial_h: new ort.Tensor("float32", h, [D, c.B, c.H]),
            };
            if (c.cell === "LSTM") feeds.initial_c = new ort.Tensor("float32", cc, [D, c.B, c.H]);
            const r = await session.run(feeds);
            h = r.Y_h.data; if (r.Y_c) cc = r.Y_c.data;
            return r.Y.data;
          },
          dispose: () => session.release(),
        };
      }
      return {
        async run() {
          const r = await session.run({ X: new ort.Tensor("float32", x, [c.T, c.B, c.I]) });
          return r.Y.data;
        },
        dispose: () => session.release(),
      };
    },
  };
}

async function tfjsAdapter() {
  const tf = await import("@tensorflow/tfjs");
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  wasm.setThreadsCount(1);
  await tf.setBackend("wasm");
  await tf.ready();
  /** ONNX [G·H, K] (gate order `onnx`) → Keras [K, G·H] (gate order `keras`). */
  const kernelOf = (M, H, K, order) => {
    const G = order.length, out = new Float32Array(K * G * H);
    for (let kg = 0; kg < G; kg++) for (let j = 0; j < H; j++) for (let k = 0; k < K; k++) {
      out[k * G * H + kg * H + j] = M[(order[kg] * H + j) * K + k];
    }
    return out;
  };
  return {
    name: "tfjs-wasm",
    version: pkgVersion("@tensorflow/tfjs"),
    note: "",
    async load(c) {
      if (c.stream) return null;
      const w = weightsOf(c);
      const D = c.directions, H = c.H, I = c.I, lstm = c.cell === "LSTM";
      const G = lstm ? 4 : 3;
      // Keras gate orders: LSTM i, f, c, o (ONNX i, o, f, c → indices 0, 2, 3, 1); GRU z, r, h (same as ONNX).
      const order = lstm ? [0, 2, 3, 1] : [0, 1, 2];
      const cellOpts = { units: H, returnSequences: true, recurrentActivation: "sigmoid", activation: "tanh" };
      // TF.js has no reset_after GRU: it runs ONNX's default GRU (linear_before_reset = 0); the check compares it
      // with rnn-wasm's GRU of that variant on the same weights.
      const rnn = () => (lstm ? tf.layers.lstm(cellOpts) : tf.layers.gru(cellOpts));
      const model = tf.sequential();
      model.add(D === 2
        ? tf.layers.bidirectional({ layer: rnn(), mergeMode: "concat", inputShape: [c.T, I] })
        : (lstm ? tf.layers.lstm({ ...cellOpts, inputShape: [c.T, I] }) : tf.layers.gru({ ...cellOpts, inputShape: [c.T, I] })));
      const ws = [];
      for (let d = 0; d < D; d++) {
        const Wd = w.W.data.subarray(d * G * H * I, (d + 1) * G * H * I);
        const Rd = w.R.data.subarray(d * G * H * H, (d + 1) * G * H * H);
        const Bd = w.B.data.subarray(d * 2 * G * H, (d + 1) * 2 * G * H);
        const bias = new Float32Array(G * H);
        for (let kg = 0; kg < G; kg++) for (let j = 0; j < H; j++) {
          bias[kg * H + j] = Bd[order[kg] * H + j] + Bd[G * H + order[kg] * H + j];
        }
        ws.push(tf.tensor2d(kernelOf(Wd, H, I, order), [I, G * H]), tf.tensor2d(kernelOf(Rd, H, H, order), [H, G * H]), tf.tensor1d(bias));
      }
      model.setWeights(ws);
      for (const t of ws) t.dispose();
      const xo = inputOf(c);
      // [T, B, I] → [B, T, I]
      const xb = new Float32Array(xo.length);
      for (let t = 0; t < c.T; t++) for (let b = 0; b < c.B; b++) xb.set(xo.subarray((t * c.B + b) * I, (t * c.B + b + 1) * I), (b * c.T + t) * I);
      return {
        run() {
          const y = tf.tidy(() => model.predict(tf.tensor3d(xb, [c.B, c.T, I])));
          const yb = y.dataSync(); // [B, T, D·H]
          y.dispose();
          const out = new Float32Array(yb.length); // → [T, D, B, H]
          for (let b = 0; b < c.B; b++) for (let t = 0; t < c.T; t++) for (let d = 0; d < D; d++) {
            out.set(yb.subarray(((b * c.T + t) * D + d) * H, ((b * c.T + t) * D + d + 1) * H), ((t * D + d) * c.B + b) * H);
          }
          return out;
        },
        dispose: () => model.dispose(),
        variant: lstm ? null : "reset_after=false (TF.js has no linear_before_reset GRU)",
      };
    },
  };
}

// ---------------------------------------------------------------- checks and timing

function compare(got, exp) {
  if (!got || got.length !== exp.length) return { ok: false, why: `length ${got?.length} vs ${exp.length}`, maxAbs: NaN };
  let maxAbs = 0, bad = -1;
  for (let i = 0; i < exp.length; i++) {
    const d = Math.abs(got[i] - exp[i]);
    if (!(d <= 1e-4 + 1e-3 * Math.abs(exp[i])) && bad < 0) bad = i;
    if (!(d <= maxAbs)) maxAbs = d;
  }
  return bad < 0 ? { ok: true, maxAbs } : { ok: false, maxAbs, why: `element ${bad}: ${got[bad]} vs ${exp[bad]}` };
}

async function callsPerBatch(r) {
  let n = 0;
  const t0 = now();
  while (now() - t0 < Math.max(20, opt.batchMs / 2) || n < 3) { await r.run(); n++; }
  const per = (now() - t0) / n;
  return Math.max(1, Math.ceil(opt.batchMs / per));
}

async function timeBatch(r, n) {
  const t0 = now();
  for (let i = 0; i < n; i++) await r.run();
  return (now() - t0) / n;
}

// ---------------------------------------------------------------- main

async function main() {
  const wanted = opt.engines ?? ["rnn-wasm", "ort-web", "ort-node", "tfjs"];
  const adapters = [];
  const skipped = [];
  const builds = opt.builds ?? ["simd", "relaxed-simd"];
  for (const e of wanted) {
    try {
      if (e === "rnn-wasm") {
        for (const b of builds) {
          try { adapters.push(await rnnWasmAdapter(b)); } catch (err) { skipped.push(`rnn-wasm ${b}: ${err.message}`); }
        }
      } else if (e === "ort-web") adapters.push(await ortAdapter("web"));
      else if (e === "ort-node") adapters.push(await ortAdapter("node"));
      else if (e === "tfjs") adapters.push(await tfjsAdapter());
      else throw new Error(`unknown engine ${e}`);
    } catch (err) {
      skipped.push(`${e}: ${err.message.split("\n")[0]}`);
    }
  }
  for (const s of skipped) console.log(`skipped ${s}`);
  const configs = manifest.configs.filter((c) => !opt.configs || opt.configs.includes(c.name));
  console.log(`${runtimeName()} · ${machineLine()} · load ${loadAverage()}`);
  console.log(`engines: ${adapters.map((a) => `${a.name} ${a.version}`).join(", ")}`);

  const results = [];
  for (const c of configs) {
    const loaded = [];
    for (const a of adapters) {
      try {
        const r = await a.load(c);
        if (r) loaded.push({ a, r });
      } catch (err) {
        console.log(`  ${c.name}: ${a.name} failed to load: ${err.message.split("\n")[0]}`);
      }
    }
    // the reference: onnxruntime-node, else onnxruntime-web
    const refEntry = loaded.find((l) => l.a.name === "onnxruntime-node") ?? loaded.find((l) => l.a.name === "onnxruntime-web");
    const steps = c.stream ? 3 : 1; // streaming: three carried steps must agree
    const outs = new Map();
    for (const l of loaded) {
      const ys = [];
      for (let s = 0; s < steps; s++) ys.push(Float32Array.from(await l.r.run()));
      outs.set(l, ys);
    }
    // TF.js GRU is the reset_after=false variant: its reference is rnn-wasm's GRU of that variant, same weights.
    let altRef = null;
    if (c.cell === "GRU" && loaded.some((l) => l.r.variant)) {
      const rw = loaded.find((l) => l.a.name.startsWith("rnn-wasm"));
      if (rw) {
        const alt = await rw.a.load({ ...c, linearBeforeReset: 0 });
        altRef = Float32Array.from(await alt.run());
        alt.dispose();
      }
    }
    const row = { config: c, engines: [] };
    for (const l of loaded) {
      let check;
      if (l.r.variant) check = altRef ? compare(outs.get(l)[0], altRef) : { ok: false, why: "no reference for this variant" };
      else if (!refEntry || l === refEntry) check = { ok: true, maxAbs: 0, ref: true };
      else {
        check = { ok: true, maxAbs: 0 };
        for (let s = 0; s < steps; s++) {
          const cs = compare(outs.get(l)[s], outs.get(refEntry)[s]);
          check.maxAbs = Math.max(check.maxAbs, cs.maxAbs);
          if (!cs.ok) { check = cs; break; }
        }
      }
      l.check = check;
      if (!check.ok) console.log(`  ${c.name}: ${l.a.name} DISAGREES with ${refEntry?.a.name}: ${check.why}; not timed`);
    }
    const timed = loaded.filter((l) => l.check.ok);
    for (const l of timed) { l.n = await callsPerBatch(l.r); l.samples = []; }
    for (let round = 0; round < opt.rounds; round++) {
      for (let i = 0; i < timed.length; i++) {
        const l = timed[(i + round) % timed.length];
        l.samples.push(await timeBatch(l.r, l.n));
      }
    }
    const web = timed.find((l) => l.a.name === "onnxruntime-web");
    for (const l of loaded) {
      const ms = l.samples ? median(l.samples) : NaN;
      const ratio = web && l.samples ? median(l.samples.map((s, i) => web.samples[i] / s)) : NaN;
      row.engines.push({
        name: l.a.name, ms, gflops: c.stream ? NaN : flopsOf(c) / (ms * 1e6), ratio, spread: l.samples ? spread(l.samples) : NaN,
        maxAbs: l.check.maxAbs, ok: l.check.ok, why: l.check.why, variant: l.r.variant, calls: l.n,
      });
      l.r.dispose();
    }
    // relaxed SIMD over SIMD, paired per round
    const sim = timed.find((l) => l.a.name === "rnn-wasm simd"), rel = timed.find((l) => l.a.name === "rnn-wasm relaxed-simd");
    row.relaxedOverSimd = sim && rel ? median(sim.samples.map((s, i) => s / rel.samples[i])) : NaN;
    results.push(row);
    printRow(row);
  }
  if (opt.write) write(results, adapters, skipped);
}

function cellOf(e, stream) {
  if (!e) return "—";
  if (!e.ok) return "disagrees";
  const t = stream ? `${fmt(e.ms * 1000)} µs` : `${fmt(e.ms)} ms`;
  return `${t}${stream ? "" : ` · ${fmt(e.gflops)} GF/s`}${Number.isNaN(e.ratio) ? "" : ` · ${e.ratio.toFixed(2)}×`}`;
}

function printRow(row) {
  const c = row.config;
  console.log(`${c.name} (${c.cell}${c.directions === 2 ? " bidirectional" : ""} B=${c.B} T=${c.T} I=${c.I} H=${c.H})`);
  for (const e of row.engines) {
    console.log(`  ${e.name.padEnd(22)} ${cellOf(e, c.stream).padEnd(40)} spread ${fmt(e.spread, 2)}%  max|Δ| ${e.maxAbs?.toExponential?.(1) ?? "?"}${e.variant ? "  [" + e.variant + "]" : ""}`);
  }
  if (!Number.isNaN(row.relaxedOverSimd)) console.log(`  rnn-wasm relaxed SIMD over SIMD: ${row.relaxedOverSimd.toFixed(2)}× (paired rounds)`);
}

function write(results, adapters, skipped) {
  const names = [...new Set(results.flatMap((r) => r.engines.map((e) => e.name)))];
  const rows = results.map((r) => {
    const c = r.config;
    const label = c.stream ? `${c.name}: one streamed step of lstm-m (µs)` : `${c.name}: ${c.cell}${c.directions === 2 ? " bidir" : ""} B=${c.B} T=${c.T} I=${c.I} H=${c.H}`;
    return [label, ...names.map((n) => cellOf(r.engines.find((e) => e.name === n), c.stream)),
      Number.isNaN(r.relaxedOverSimd) ? "—" : `${r.relaxedOverSimd.toFixed(2)}×`];
  });
  const maxSpread = Math.max(...results.flatMap((r) => r.engines.map((e) => e.spread)).filter((x) => !Number.isNaN(x)));
  const tag = isDeno ? "deno" : typeof globalThis.Bun !== "undefined" ? "bun" : "node";
  const body = [
    `### Side by side in ${runtimeName()}`,
    "",
    `- Date: ${new Date().toISOString()}; command: \`${commandLine()}\``,
    `- Machine: ${machineLine()}; load average at the end ${loadAverage()} (other processes share the 2 cores)`,
    `- Versions: ${adapters.map((a) => `${a.name} ${a.version}`).join(", ")}${skipped.length ? `; not run: ${skipped.join("; ")}` : ""}`,
    `- Each cell: median ms per full forward pass (µs per step for streaming) over ${opt.rounds} interleaved rounds of ≥ ${opt.batchMs} ms, GFLOP/s (2·G·H·(I+H)·T·B·D / time), and the speed relative to onnxruntime-web (median of per-round ratios; > 1 is faster). Largest round-to-round spread in this run: ${fmt(maxSpread, 2)}%.`,
    `- Outputs checked before timing against onnxruntime-node (|Δ| ≤ 1e-4 + 1e-3·|y|); largest difference per engine: ${names.map((n) => `${n} ${Math.max(...results.map((r) => r.engines.find((e) => e.name === n)?.maxAbs ?? 0)).toExponential(1)}`).join(", ")}.${results.some((r) => r.engines.some((e) => e.variant)) ? " TF.js gru-m runs TF.js's only GRU variant (reset_after = false), checked against rnn-wasm's GRU of that variant on the same weights." : ""}`,
    "",
    table(["config", ...names, "rnn-wasm relaxed over SIMD"], rows),
  ].join("\n");
  writeRegion(`compare-${tag}`, body);
  console.log(`wrote bench/RESULTS.md (region compare-${tag})`);
}

await main();
if (!isDeno) process.exit(0);
