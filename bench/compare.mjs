// The side-by-side benchmark's engine-independent core, shared by bench/run.mjs (Node, Deno) and the browser page
// (bench/browser-page.mjs): the engine adapters, the output check, the interleaved timing and the report. It imports
// nothing: the engines' modules and a reader of bench/models/ files are handed in, so that the same code runs in a
// browser page as in Node.
import { fmt, median, now, spread, table, uniformF32 } from "./stats.mjs";

/** Weights W [D,G·H,I], R [D,G·H,H], B [D,2·G·H] of a config, from the bytes of its .weights.bin. */
export function weightsOf(c, bytes) {
  const G = c.cell === "LSTM" ? 4 : 3, D = c.directions, H = c.H, I = c.I;
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const nW = D * G * H * I, nR = D * G * H * H, nB = D * 2 * G * H;
  if (all.length !== nW + nR + nB) throw new Error(`${c.weights}: expected ${nW + nR + nB} floats, found ${all.length}`);
  return {
    W: { data: all.slice(0, nW), dims: [D, G * H, I] },
    R: { data: all.slice(nW, nW + nR), dims: [D, G * H, H] },
    B: { data: all.slice(nW + nR), dims: [D, 2 * G * H] },
  };
}

/** Seeded input X [T, B, I] in (-1, 1). */
export function inputOf(c, seed = 7) {
  return uniformF32(seed, c.T * c.B * c.I);
}

/** Multiply-adds ×2 of the gate matrices: 2·G·H·(I+H)·T·B·D (the issue's GFLOP count). */
export function flopsOf(c) {
  const G = c.cell === "LSTM" ? 4 : 3;
  return 2 * G * c.H * (c.I + c.H) * c.T * c.B * c.directions;
}

// ---------------------------------------------------------------- engines
// Each adapter: `load(c)` → { run(): Promise<Float32Array> | Float32Array (Y as [T, D, B, H]), dispose() } for a whole
// sequence, or for a streaming config a runner whose run() feeds one step and carries the state. `read(name)` resolves
// to the bytes of a file of bench/models/.

/** [T, B, D·H] (PyTorch / rnn-wasm) → [T, D, B, H] (ONNX Y). */
function tbdhToOnnx(y, T, B, D, H) {
  if (D === 1 || B === 1) return y;
  const out = new Float32Array(y.length);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let d = 0; d < D; d++) {
    out.set(y.subarray(((t * B + b) * D + d) * H, ((t * B + b) * D + d + 1) * H), ((t * D + d) * B + b) * H);
  }
  return out;
}

/**
 * rnn-wasm (`rw`: the built package's module) with one of its builds. `shape` (a key of SHAPES) overrides
 * the engine's choice of loop shapes (EngineOptions.loopShapes), to compare them; the name then says which.
 */
export const SHAPES = {
  plain: { unroll: false, splitR: false },
  unrolled: { unroll: true, splitR: false },
  split: { unroll: false, splitR: true },
  // the plain loops with either register tile height in the relaxed build (the three above keep the engine's choice)
  "plain-rows4": { unroll: false, splitR: false, tileRows6: false },
  "plain-rows6": { unroll: false, splitR: false, tileRows6: true },
  // the engine's own choice, and the same with every recurrent step walking its weights forwards (zigzag off)
  auto: {},
  "no-zigzag": { zigzag: false },
  // 4-row tiles reading x two k per load (LoopShapes.pairLoads) against the splat-load tiles, 4 or 6 rows
  pair: { pairLoads: true, tileRows6: false },
  "no-pair": { pairLoads: false },
};
export async function rnnWasmAdapter(rw, build, read, shape) {
  if (shape && !SHAPES[shape]) throw new Error(`unknown loop shape ${shape} (${Object.keys(SHAPES).join(", ")})`);
  const engine = await rw.createEngine({ build, ...(shape ? { loopShapes: SHAPES[shape] } : {}) });
  return {
    name: `rnn-wasm ${build}${shape ? ` ${shape}` : ""}`,
    version: rw.version,
    async load(c) {
      const w = weightsOf(c, await read(c.weights));
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

/** onnxruntime-web (kind "web", wasm backend, 1 thread) or onnxruntime-node (kind "node", CPU, 1 thread). */
export function ortAdapter(ort, kind, version, read) {
  if (kind === "web") {
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.simd = true;
  }
  const sessionOptions = kind === "web"
    ? { executionProviders: ["wasm"], graphOptimizationLevel: "all" }
    : { executionProviders: ["cpu"], intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" };
  return {
    name: kind === "web" ? "onnxruntime-web" : "onnxruntime-node",
    version,
    async load(c) {
      const bytes = await read(c.onnx);
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

/** TensorFlow.js (`tf`) with its wasm backend (`wasm`), 1 thread. */
export async function tfjsAdapter(tf, wasm, version, read) {
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
    version,
    note: "",
    async load(c) {
      if (c.stream) return null;
      const w = weightsOf(c, await read(c.weights));
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

export function compare(got, exp) {
  if (!got || got.length !== exp.length) return { ok: false, why: `length ${got?.length} vs ${exp.length}`, maxAbs: NaN };
  let maxAbs = 0, bad = -1;
  for (let i = 0; i < exp.length; i++) {
    const d = Math.abs(got[i] - exp[i]);
    if (!(d <= 1e-4 + 1e-3 * Math.abs(exp[i])) && bad < 0) bad = i;
    if (!(d <= maxAbs)) maxAbs = d;
  }
  return bad < 0 ? { ok: true, maxAbs } : { ok: false, maxAbs, why: `element ${bad}: ${got[bad]} vs ${exp[bad]}` };
}

async function callsPerBatch(r, batchMs) {
  let n = 0;
  const t0 = now();
  while (now() - t0 < Math.max(20, batchMs / 2) || n < 3) { await r.run(); n++; }
  const per = (now() - t0) / n;
  return Math.max(1, Math.ceil(batchMs / per));
}

async function timeBatch(r, n) {
  const t0 = now();
  for (let i = 0; i < n; i++) await r.run();
  return (now() - t0) / n;
}

/**
 * One config on every adapter: load, check every engine's outputs against onnxruntime-node (else onnxruntime-web),
 * then time the engines that agree in `opt.rounds` interleaved rounds of ≥ `opt.batchMs` ms. Returns the report row.
 */
export async function runConfig(c, adapters, opt, log = console.log) {
  const loaded = [];
  for (const a of adapters) {
    try {
      const r = await a.load(c);
      if (r) loaded.push({ a, r });
    } catch (err) {
      log(`  ${c.name}: ${a.name} failed to load: ${err.message.split("\n")[0]}`);
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
    if (!check.ok) log(`  ${c.name}: ${l.a.name} DISAGREES with ${refEntry?.a.name}: ${check.why}; not timed`);
  }
  const timed = loaded.filter((l) => l.check.ok);
  for (const l of timed) { l.n = await callsPerBatch(l.r, opt.batchMs); l.samples = []; }
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
  return row;
}

function cellOf(e, stream) {
  if (!e) return "—";
  if (!e.ok) return "disagrees";
  const t = stream ? `${fmt(e.ms * 1000)} µs` : `${fmt(e.ms)} ms`;
  return `${t}${stream ? "" : ` · ${fmt(e.gflops)} GF/s`}${Number.isNaN(e.ratio) ? "" : ` · ${e.ratio.toFixed(2)}×`}`;
}

export function printRow(row, log = console.log) {
  const c = row.config;
  log(`${c.name} (${c.cell}${c.directions === 2 ? " bidirectional" : ""} B=${c.B} T=${c.T} I=${c.I} H=${c.H})`);
  for (const e of row.engines) {
    log(`  ${e.name.padEnd(22)} ${cellOf(e, c.stream).padEnd(40)} spread ${fmt(e.spread, 2)}%  max|Δ| ${e.maxAbs?.toExponential?.(1) ?? "?"}${e.variant ? "  [" + e.variant + "]" : ""}`);
  }
  if (!Number.isNaN(row.relaxedOverSimd)) log(`  rnn-wasm relaxed SIMD over SIMD: ${row.relaxedOverSimd.toFixed(2)}× (paired rounds)`);
}

/** The body of a RESULTS.md region for a run: `meta` = { runtime, date, command, machine, load, rounds, batchMs }. */
export function regionBody(results, adapters, skipped, meta) {
  const names = [...new Set(results.flatMap((r) => r.engines.map((e) => e.name)))];
  const rows = results.map((r) => {
    const c = r.config;
    const label = c.stream ? `${c.name}: one streamed step of lstm-m (µs)` : `${c.name}: ${c.cell}${c.directions === 2 ? " bidir" : ""} B=${c.B} T=${c.T} I=${c.I} H=${c.H}`;
    return [label, ...names.map((n) => cellOf(r.engines.find((e) => e.name === n), c.stream)),
      Number.isNaN(r.relaxedOverSimd) ? "—" : `${r.relaxedOverSimd.toFixed(2)}×`];
  });
  const maxSpread = Math.max(...results.flatMap((r) => r.engines.map((e) => e.spread)).filter((x) => !Number.isNaN(x)));
  const refName = names.includes("onnxruntime-node") ? "onnxruntime-node" : "onnxruntime-web";
  return [
    `### Side by side in ${meta.runtime}`,
    "",
    `- Date: ${meta.date}; command: \`${meta.command}\``,
    `- Machine: ${meta.machine}; load average at the end ${meta.load} (other processes share the 2 cores)`,
    `- Versions: ${adapters.map((a) => `${a.name} ${a.version}`).join(", ")}${skipped.length ? `; not run: ${skipped.join("; ")}` : ""}`,
    `- Each cell: median ms per full forward pass (µs per step for streaming) over ${meta.rounds} interleaved rounds of ≥ ${meta.batchMs} ms, GFLOP/s (2·G·H·(I+H)·T·B·D / time), and the speed relative to onnxruntime-web (median of per-round ratios; > 1 is faster). Largest round-to-round spread in this run: ${fmt(maxSpread, 2)}%.`,
    `- Outputs checked before timing against ${refName} (|Δ| ≤ 1e-4 + 1e-3·|y|); largest difference per engine: ${names.map((n) => `${n} ${Math.max(...results.map((r) => r.engines.find((e) => e.name === n)?.maxAbs ?? 0)).toExponential(1)}`).join(", ")}.${results.some((r) => r.engines.some((e) => e.variant)) ? " TF.js gru-m runs TF.js's only GRU variant (reset_after = false), checked against rnn-wasm's GRU of that variant on the same weights." : ""}`,
    "",
    table(["config", ...names, "rnn-wasm relaxed over SIMD"], rows),
  ].join("\n");
}
