#!/usr/bin/env node
/// <reference types="node" />
// The `rnn-wasm` command: run, inspect and benchmark models, and the demo of the bundled spam model.
// Uses the public API (../index.js) and the project's own model loader. Exit codes: 0 success, 1 an error the
// library or the files raised (one line "CODE: message" on stderr), 2 a usage error ("BAD_ARGUMENT: …").

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createEngine, loadKeras, loadOnnx, loadTorch, version, type TorchMode, type TorchModule } from "../index.js";
import type { Engine } from "../engine/engine.js";
import type { Tensor } from "../api.js";
import { RnnError } from "../errors.js";
import { isRnnModelFile, loadModel, type RnnModel } from "../io/model.js";
import { parseSafetensors } from "../io/safetensors.js";
import { readJsonTensor, readNpy, writeNpy } from "./npy.js";

const HELP: Record<string, string> = {
  main: `rnn-wasm: recurrent neural networks (LSTM, GRU, RNN) on the CPU in WebAssembly SIMD

Usage:
  rnn-wasm run MODEL [--input NAME=FILE]... [--output DIR] [--mode LSTM|GRU|RNN_TANH|RNN_RELU] [--batch-first]
  rnn-wasm inspect MODEL        architecture, sizes, parameter count, build in use
  rnn-wasm bench MODEL          latency and throughput on this machine
  rnn-wasm demo                 the bundled spam/ham model on 200 held-out messages
  rnn-wasm COMMAND --help       options of a command

MODEL is an .onnx, a .safetensors (a PyTorch state_dict, or an rnn-wasm model file) or a TF.js model.json.
Every command takes --build auto|relaxed-simd|simd|scalar (default auto: the best this runtime validates).
Exit codes: 0 success; 1 an error in a model, an input or the run ("CODE: message" on stderr); 2 a usage error.`,
  run: `rnn-wasm run MODEL [--input NAME=FILE]... [--output DIR] [options]

Runs MODEL once on the inputs and writes every output as DIR/NAME.npy.
  --input NAME=FILE   an input tensor: .npy (float32, int32, int64) or .json {"dims": [...], "data": [...]}
                      PyTorch state_dict: x (required), h0, c0, lengths -> output, h, c
                      ONNX: the graph's input names -> the graph's output names (other characters than
                            letters, digits, ".", "_" and "-" become "_")
                      TF.js model.json: input -> output
                      rnn-wasm model: ids (token ids [B, T]) or x (features), lengths; or text=FILE
                            (a .txt file is one text, a .json file an array of strings) -> output,
                            and with --steps also steps (per-step output) and hidden
  --output DIR        where to write the outputs (default ./rnn-wasm-out)
  --mode M            PyTorch: LSTM, GRU, RNN_TANH or RNN_RELU when the tensors cannot tell (a plain RNN)
  --batch-first       PyTorch: x and output are [batch, time, features]
  --prefix P          PyTorch: the recurrent module's key prefix in a larger state_dict
  --steps             rnn-wasm model: also write per-step outputs and hidden states
  --build B           auto | relaxed-simd | simd | scalar`,
  inspect: `rnn-wasm inspect MODEL [--build B] [--json]

Prints the model's format, layers with their sizes, the parameter count, the tensors' dtypes, and the kernels and
build that will run it. --json prints the same as one JSON object.`,
  bench: `rnn-wasm bench MODEL [options]

Measures latency and throughput on this machine. The output is first checked against the scalar build (the
reference kernels) before anything is timed.
  --steps T           sequence length of the synthetic input (default 100; rnn-wasm text models: 512 bytes)
  --batch B           batch size of the synthetic input (default 1)
  --input NAME=FILE   use these inputs instead (required for ONNX and TF.js models)
  --seconds S         time to spend measuring (default 2)
  --mode, --batch-first, --prefix   as for run
  --build B           auto | relaxed-simd | simd | scalar`,
  demo: `rnn-wasm demo [options]

Classifies 200 held-out messages of the SpamAssassin public corpus (never seen in training) with the bundled
byte-level bidirectional GRU, prints what it found, its accuracy against the majority-class baseline, and the
throughput.
  --show N            print the first N messages with their verdicts (default 12; --show all)
  --text "..."        classify this text instead, and draw its per-step spam score
  --build B           auto | relaxed-simd | simd | scalar`,
};

class UsageError extends Error {}

interface Args {
  command: string;
  positional: string[];
  inputs: [string, string][];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(["output", "mode", "prefix", "build", "steps", "batch", "seconds", "show", "text"]);
const BOOL_FLAGS = new Set(["batch-first", "help", "json"]);

function parseArgs(argv: string[]): Args {
  const a: Args = { command: "", positional: [], inputs: [], flags: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const s = argv[i];
    if (s === "-h") { a.flags.set("help", true); continue; }
    if (!s.startsWith("--")) {
      if (!a.command) a.command = s; else a.positional.push(s);
      continue;
    }
    let key = s.slice(2), val: string | undefined;
    const eq = key.indexOf("=");
    if (eq >= 0 && key.slice(0, eq) !== "input") { val = key.slice(eq + 1); key = key.slice(0, eq); }
    if (key.startsWith("input")) {
      const spec = key === "input" ? argv[++i] : key.startsWith("input=") ? key.slice(6) : undefined;
      if (spec === undefined) throw new UsageError("--input: expected NAME=FILE after it");
      const k = spec.indexOf("=");
      if (k <= 0 || k === spec.length - 1) throw new UsageError(`--input: expected NAME=FILE, found ${JSON.stringify(spec)}`);
      a.inputs.push([spec.slice(0, k), spec.slice(k + 1)]);
      continue;
    }
    if (key === "steps" && a.command === "run") { a.flags.set("steps", true); continue; }
    if (BOOL_FLAGS.has(key)) { a.flags.set(key, true); continue; }
    if (!VALUE_FLAGS.has(key)) throw new UsageError(`unknown option --${key} (see rnn-wasm ${a.command || ""} --help)`.replace("  ", " "));
    if (val === undefined) {
      val = argv[++i];
      if (val === undefined) throw new UsageError(`--${key}: expected a value after it`);
    }
    a.flags.set(key, val);
  }
  return a;
}

// ---- output helpers ----

const out = (s: string) => process.stdout.write(s + "\n");

/** A progress bar on stderr, drawn only when stderr is a terminal. */
class Progress {
  private readonly tty = !!process.stderr.isTTY;
  private last = 0;
  constructor(private readonly label: string) {}
  update(frac: number): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.last < 80 && frac < 1) return;
    this.last = now;
    const w = 30, f = Math.max(0, Math.min(1, frac));
    const full = Math.round(f * w);
    process.stderr.write(`\r${this.label} [${"#".repeat(full)}${".".repeat(w - full)}] ${Math.round(f * 100)}%`);
  }
  done(): void {
    if (this.tty) process.stderr.write("\r" + " ".repeat(this.label.length + 40) + "\r");
  }
}

function fmtCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : `${Math.round(n)}`;
}

// ---- models ----

type Loaded =
  | { kind: "rnn-wasm"; model: RnnModel }
  | { kind: "torch"; model: TorchModule }
  | { kind: "onnx"; model: { inputNames: string[]; outputNames: string[]; run(f: Record<string, Tensor>): Record<string, Tensor> | Promise<Record<string, Tensor>>; dispose(): void } }
  | { kind: "keras"; model: { predict(x: Tensor): Tensor; dispose(): void }; summary: string };

function readBytes(path: string, what: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new RnnError("BAD_ARGUMENT", `${what}: cannot read ${JSON.stringify(path)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

async function engineFrom(args: Args): Promise<Engine> {
  const build = (args.flags.get("build") as string | undefined) ?? "auto";
  if (!["auto", "relaxed-simd", "simd", "scalar"].includes(build)) throw new UsageError(`--build: expected auto, relaxed-simd, simd or scalar, found ${JSON.stringify(build)}`);
  return createEngine({ build: build as "auto" });
}

async function load(path: string, args: Args, engine: Engine): Promise<Loaded> {
  const lower = path.toLowerCase();
  const bytes = readBytes(path, "MODEL");
  if (lower.endsWith(".onnx")) {
    return { kind: "onnx", model: await loadOnnx(bytes, { engine }) };
  }
  if (lower.endsWith(".json")) {
    let json: { weightsManifest?: { paths?: string[] }[]; modelTopology?: unknown; format?: string };
    try { json = JSON.parse(new TextDecoder().decode(bytes)); } catch (e) { throw new RnnError("BAD_MODEL", `model.json: not valid JSON (${(e as Error).message})`); }
    const manifest = Array.isArray(json?.weightsManifest) ? json.weightsManifest : null;
    if (!manifest) throw new RnnError("BAD_MODEL", "model.json: expected a TF.js layers model with a weightsManifest");
    const parts: Uint8Array[] = [];
    for (const group of manifest) {
      for (const p of group?.paths ?? []) {
        if (typeof p !== "string") throw new RnnError("BAD_MODEL", "model.json: weightsManifest paths must be strings");
        parts.push(readBytes(join(dirname(path), p), `weights of ${path}`));
      }
    }
    const total = parts.reduce((s, p) => s + p.length, 0);
    const weights = new Uint8Array(total);
    let off = 0;
    for (const p of parts) { weights.set(p, off); off += p.length; }
    const cls = (json.modelTopology as { model_config?: { class_name?: string } } | undefined)?.model_config?.class_name ?? "model";
    return { kind: "keras", model: await loadKeras(json, weights, { engine }), summary: `TF.js layers ${cls}, ${parts.length} weight file(s), ${total} bytes` };
  }
  if (lower.endsWith(".safetensors")) {
    const file = parseSafetensors(bytes, engine.maxElements);
    if (isRnnModelFile(file)) return { kind: "rnn-wasm", model: await loadModel(bytes, { engine }) };
    const mode = args.flags.get("mode") as string | undefined;
    if (mode !== undefined && !["LSTM", "GRU", "RNN_TANH", "RNN_RELU"].includes(mode)) throw new UsageError(`--mode: expected LSTM, GRU, RNN_TANH or RNN_RELU, found ${JSON.stringify(mode)}`);
    const model = await loadTorch(bytes, {
      engine, mode: mode as TorchMode | undefined, batchFirst: args.flags.has("batch-first"),
      prefix: args.flags.get("prefix") as string | undefined,
    });
    return { kind: "torch", model };
  }
  throw new UsageError(`MODEL: expected an .onnx, .safetensors or model.json file, found ${JSON.stringify(path)}`);
}

function readInput(name: string, file: string): Tensor {
  const bytes = readBytes(file, `--input ${name}`);
  if (file.toLowerCase().endsWith(".npy")) return readNpy(bytes, `--input ${name}=${file}`);
  if (file.toLowerCase().endsWith(".json")) return readJsonTensor(new TextDecoder().decode(bytes), `--input ${name}=${file}`);
  throw new UsageError(`--input ${name}: expected a .npy or .json file, found ${JSON.stringify(file)}`);
}

function toF32(t: Tensor, name: string): Tensor & { data: Float32Array } {
  if (t.data instanceof Float32Array) return t as Tensor & { data: Float32Array };
  const a = new Float32Array(t.data.length);
  for (let i = 0; i < a.length; i++) a[i] = Number(t.data[i]);
  if (!a.every(Number.isFinite)) throw new RnnError("BAD_ARGUMENT", `${name}: values do not fit float32`);
  return { data: a, dims: t.dims };
}

function texts(file: string): string[] {
  const raw = new TextDecoder().decode(readBytes(file, "--input text"));
  if (!file.toLowerCase().endsWith(".json")) return [raw];
  let v: unknown;
  try { v = JSON.parse(raw); } catch (e) { throw new RnnError("BAD_ARGUMENT", `--input text=${file}: not valid JSON (${(e as Error).message})`); }
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string")) throw new RnnError("BAD_ARGUMENT", `--input text=${file}: expected a JSON array of strings`);
  return v as string[];
}

const sanitize = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, "_");

/** Runs a loaded model on named inputs; returns named outputs. */
async function runModel(m: Loaded, inputs: [string, string][], args: Args): Promise<Record<string, Tensor>> {
  const known = (names: string[]) => {
    for (const [n] of inputs) if (!names.includes(n)) throw new UsageError(`--input ${n}: this ${m.kind} model takes ${names.join(", ")}`);
  };
  const get = (name: string): Tensor | undefined => {
    const e = inputs.find(([n]) => n === name);
    return e ? readInput(name, e[1]) : undefined;
  };
  if (m.kind === "torch") {
    known(["x", "h0", "c0", "lengths"]);
    const x = get("x");
    if (!x) throw new UsageError("--input x=FILE is required for a PyTorch model");
    const h0 = get("h0"), c0 = get("c0"), lengths = get("lengths");
    const r = m.model.forward(toF32(x, "x"), {
      h0: h0 && toF32(h0, "h0"), c0: c0 && toF32(c0, "c0"),
      lengths: lengths && Array.from(lengths.data as ArrayLike<number | bigint>, Number),
    });
    const res: Record<string, Tensor> = { output: r.output, h: r.h };
    if (r.c) res.c = r.c;
    return res;
  }
  if (m.kind === "keras") {
    known(["input"]);
    const x = get("input");
    if (!x) throw new UsageError("--input input=FILE is required for a TF.js model");
    return { output: m.model.predict(toF32(x, "input")) };
  }
  if (m.kind === "onnx") {
    known(m.model.inputNames);
    const feeds: Record<string, Tensor> = {};
    for (const [n] of inputs) feeds[n] = get(n)!;
    const r = await m.model.run(feeds);
    const res: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(r)) res[sanitize(k)] = v;
    return res;
  }
  known(["ids", "x", "lengths", "text"]);
  const steps = args.flags.has("steps");
  const t = inputs.find(([n]) => n === "text");
  const lengths = get("lengths");
  const input = t ? texts(t[1]) : get("ids") ?? get("x");
  if (!input) throw new UsageError("--input ids=FILE, x=FILE or text=FILE is required for an rnn-wasm model");
  const feed = Array.isArray(input) || !("features" in m.model.info.input) ? input : toF32(input, "x");
  const r = m.model.predict(feed, { steps, lengths: lengths && Array.from(lengths.data as ArrayLike<number | bigint>, Number) });
  const res: Record<string, Tensor> = { output: r.output };
  if (r.steps) { res.steps = r.steps.output; res.hidden = r.steps.hidden; }
  return res;
}

// ---- commands ----

async function cmdRun(args: Args): Promise<void> {
  const [path] = args.positional;
  if (!path) throw new UsageError("run: expected a MODEL (see rnn-wasm run --help)");
  const engine = await engineFrom(args);
  const m = await load(path, args, engine);
  const res = await runModel(m, args.inputs, args);
  const dir = resolve((args.flags.get("output") as string | undefined) ?? "rnn-wasm-out");
  mkdirSync(dir, { recursive: true });
  for (const [name, t] of Object.entries(res)) {
    const file = join(dir, name + ".npy");
    writeFileSync(file, writeNpy(t));
    out(`${name}: [${t.dims.join(", ")}] ${t.data instanceof Float32Array ? "float32" : t.data instanceof Int32Array ? "int32" : "int64"} -> ${file}`);
  }
  m.model.dispose();
}

function kernelsOf(m: Loaded): string {
  if (m.kind === "rnn-wasm") {
    const ops = m.model.info.layers.map((l) => l.type);
    const k = ["rnn_seq (fused recurrent steps)", "f32_gemm (input projection" + (ops.includes("dense") ? ", dense" : "") + ")"];
    if (ops.includes("softmax")) k.push("f32_softmax");
    if (ops.includes("activation") || m.model.info.layers.some((l) => l.type === "dense" && / [A-Z]/.test(l.summary.replace(/ \(every step\)$/, "")))) k.push("f32_vact");
    return k.join(", ");
  }
  return "rnn_seq (fused recurrent steps), f32_gemm (input projection)" + (m.kind === "torch" ? "" : ", f32_vact, f32_softmax as the graph needs");
}

async function cmdInspect(args: Args): Promise<void> {
  const [path] = args.positional;
  if (!path) throw new UsageError("inspect: expected a MODEL (see rnn-wasm inspect --help)");
  const engine = await engineFrom(args);
  const m = await load(path, args, engine);
  const info: Record<string, unknown> = { file: path, format: m.kind, build: engine.build, simd: engine.info.simd, version: version, kernels: kernelsOf(m) };
  const lines: string[] = [];
  if (m.kind === "rnn-wasm") {
    const i = m.model.info;
    Object.assign(info, { name: i.name, description: i.description, input: i.input, labels: i.labels, layers: i.layers, parameters: i.parameters, dtypes: i.dtypes });
    lines.push(`${path}: rnn-wasm model "${i.name}"`);
    if (i.description) lines.push(`  ${i.description}`);
    lines.push("tokenizer" in i.input
      ? `  input: ${i.input.tokenizer === "bytes" ? `text as UTF-8 bytes (first ${i.input.maxLength})` : "token ids"}, vocabulary ${i.input.vocab}`
      : `  input: ${i.input.features} features per step`);
    i.layers.forEach((l, k) => lines.push(`  ${k}. ${l.summary.padEnd(40)} out ${String(l.outputSize).padStart(4)}   ${fmtCount(l.parameters).padStart(7)} params`));
    if (i.labels) lines.push(`  labels: ${i.labels.join(", ")}`);
    lines.push(`  parameters: ${i.parameters.toLocaleString("en")} (${i.dtypes.join(", ")} in the file)`);
  } else if (m.kind === "torch") {
    const t = m.model.info;
    const D = t.bidirectional ? 2 : 1, G = t.mode === "LSTM" ? 4 : t.mode === "GRU" ? 3 : 1, K = t.projSize || t.hiddenSize;
    let params = 0;
    for (let l = 0; l < t.numLayers; l++) {
      const I = l === 0 ? t.inputSize : D * K;
      params += D * (G * t.hiddenSize * (I + K) + (t.bias ? 2 * G * t.hiddenSize : 0) + (t.projSize ? t.projSize * t.hiddenSize : 0));
    }
    Object.assign(info, { torch: t, parameters: params });
    lines.push(`${path}: PyTorch state_dict${t.prefix ? ` (module "${t.prefix}")` : ""}`);
    lines.push(`  ${t.bidirectional ? "bidirectional " : ""}${t.mode} input ${t.inputSize}, hidden ${t.hiddenSize}${t.projSize ? `, projection ${t.projSize}` : ""}, ${t.numLayers} layer(s), bias ${t.bias}, batch_first ${t.batchFirst}`);
    lines.push(`  inputs: x${t.batchFirst ? " [batch, time, " : " [time, batch, "}${t.inputSize}], h0, ${t.mode === "LSTM" ? "c0, " : ""}lengths   outputs: output, h${t.mode === "LSTM" ? ", c" : ""}`);
    lines.push(`  parameters: ${params.toLocaleString("en")}`);
  } else if (m.kind === "onnx") {
    Object.assign(info, { inputs: m.model.inputNames, outputs: m.model.outputNames });
    lines.push(`${path}: ONNX model`);
    lines.push(`  inputs: ${m.model.inputNames.join(", ")}`);
    lines.push(`  outputs: ${m.model.outputNames.join(", ")}`);
  } else {
    Object.assign(info, { summary: m.summary });
    lines.push(`${path}: ${m.summary}`, "  input: input   output: output");
  }
  lines.push(`  runs on: the ${engine.build} build (${engine.info.simd ? "SIMD" : "no SIMD"}), rnn-wasm ${version}`);
  lines.push(`  kernels: ${info.kernels}`);
  if (args.flags.has("json")) out(JSON.stringify(info, null, 2));
  else for (const l of lines) out(l);
  m.model.dispose();
}

/** Deterministic pseudo-random numbers for synthetic inputs. */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 4294967296; };
}

async function cmdBench(args: Args): Promise<void> {
  const [path] = args.positional;
  if (!path) throw new UsageError("bench: expected a MODEL (see rnn-wasm bench --help)");
  const num = (k: string, d: number) => {
    const v = args.flags.get(k);
    if (v === undefined) return d;
    const n = Number(v);
    if (!(n > 0) || (k !== "seconds" && !Number.isInteger(n))) throw new UsageError(`--${k}: expected a positive ${k === "seconds" ? "number" : "integer"}, found ${JSON.stringify(v)}`);
    return n;
  };
  const engine = await engineFrom(args);
  const m = await load(path, args, engine);
  const B = num("batch", 1), seconds = num("seconds", 2);
  let inputs = args.inputs;
  let T = num("steps", m.kind === "rnn-wasm" && "tokenizer" in m.model.info.input ? Math.min(512, m.model.info.input.maxLength) : 100);
  let call: (mm: Loaded) => Promise<Tensor>;
  if (inputs.length > 0 || m.kind === "onnx" || m.kind === "keras") {
    if (inputs.length === 0) throw new UsageError(`bench: an ${m.kind === "onnx" ? "ONNX" : "TF.js"} model needs --input NAME=FILE (its input shapes are the model's own)`);
    call = async (mm) => Object.values(await runModel(mm, inputs, args))[0];
    T = 0;
  } else if (m.kind === "torch") {
    const t = m.model.info, r = rand(6);
    const x = new Float32Array(T * B * t.inputSize).map(() => r() * 2 - 1);
    const dims = t.batchFirst ? [B, T, t.inputSize] : [T, B, t.inputSize];
    call = async (mm) => (mm.model as TorchModule).forward({ data: x, dims }).output;
  } else {
    const i = m.model.info, r = rand(6);
    if ("tokenizer" in i.input) {
      const V = i.input.tokenizer === "bytes" ? 95 : i.input.vocab;
      const ids = new Int32Array(B * T).map(() => (i.input as { tokenizer: string }).tokenizer === "bytes" ? 32 + Math.floor(r() * V) : Math.floor(r() * V));
      call = async (mm) => (mm.model as RnnModel).predict({ data: ids, dims: [B, T] }).output;
    } else {
      const x = new Float32Array(B * T * i.input.features).map(() => r() * 2 - 1);
      call = async (mm) => (mm.model as RnnModel).predict({ data: x, dims: [B, T, (i.input as { features: number }).features] }).output;
    }
  }
  // verify before timing: the same input on the scalar build (reference kernels)
  const got = await call(m);
  let verified = "skipped (the model is already on the scalar build)";
  if (engine.build !== "scalar") {
    const ref = await load(path, args, await createEngine({ build: "scalar" }));
    const want = await call(ref);
    ref.model.dispose();
    let worst = 0;
    for (let k = 0; k < want.data.length; k++) worst = Math.max(worst, Math.abs(Number(got.data[k]) - Number(want.data[k])) / (1e-5 + 1e-4 * Math.abs(Number(want.data[k]))));
    if (!(worst <= 1) || got.data.length !== want.data.length) throw new RnnError("BAD_MODEL", `bench: the ${engine.build} build disagrees with the scalar build (worst element ${worst.toFixed(2)}× the 1e-5 + 1e-4·|x| tolerance)`);
    verified = `matches the scalar build within 1e-5 + 1e-4·|x| (${want.data.length} values)`;
  }
  const times: number[] = [];
  const bar = new Progress("bench");
  const t0 = performance.now();
  while ((performance.now() - t0) / 1000 < seconds || times.length < 5) {
    const s = performance.now();
    await call(m);
    times.push(performance.now() - s);
    bar.update((performance.now() - t0) / 1000 / seconds);
    if (times.length >= 100000) break;
  }
  bar.done();
  times.sort((a, b) => a - b);
  const med = times[times.length >> 1], p90 = times[Math.min(times.length - 1, Math.floor(times.length * 0.9))], best = times[0];
  out(`model: ${path} (${m.kind})`);
  out(`build: ${engine.build}, rnn-wasm ${version}, node ${process.versions.node}, ${process.platform}-${process.arch}`);
  out(`input: ${T ? `batch ${B} × ${T} steps (synthetic)` : args.inputs.map(([n, f]) => `${n}=${f}`).join(" ")}`);
  out(`verified: ${verified}`);
  out(`latency: median ${med.toFixed(3)} ms, p90 ${p90.toFixed(3)} ms, best ${best.toFixed(3)} ms over ${times.length} runs`);
  if (T) out(`throughput: ${fmtCount((B * T) / (med / 1000))} steps/s, ${fmtCount(B / (med / 1000))} sequences/s`);
  m.model.dispose();
}

/** The package root (holding models/), from dist/cli/main.js or src/cli/main.ts. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, "models", "spam-bigru.safetensors"))) return dir;
    dir = dirname(dir);
  }
  throw new RnnError("BAD_ARGUMENT", "demo: the bundled model models/spam-bigru.safetensors was not found beside the package");
}

const SPARK = " ▁▂▃▄▅▆▇█";

async function cmdDemo(args: Args): Promise<void> {
  const root = packageRoot();
  const engine = await engineFrom(args);
  const tLoad = performance.now();
  const model = await loadModel(readBytes(join(root, "models", "spam-bigru.safetensors"), "bundled model"), { engine });
  const loadMs = performance.now() - tLoad;
  const text = args.flags.get("text");
  if (typeof text === "string") {
    const r = model.predict(text, { steps: true });
    const p = r.output.data[1], T = r.lengths[0];
    out(`${p >= 0.5 ? "SPAM" : "ham "}  P(spam) = ${p.toFixed(3)}  (${T} bytes read by ${model.info.name}, ${engine.build} build)`);
    if (T > 0) {
      const bytes = new TextEncoder().encode(text).subarray(0, T);
      const width = Math.min(T, 72);
      out("per-step spam score (one column per " + (T > width ? `${Math.ceil(T / width)} bytes` : "byte") + "):");
      let line = "", chars = "";
      const per = Math.ceil(T / width);
      for (let c = 0; c * per < T; c++) {
        let s = 0, n = 0;
        for (let t = c * per; t < Math.min(T, (c + 1) * per); t++) { s += r.steps!.output.data[t * 2 + 1]; n++; }
        line += SPARK[Math.min(8, Math.round((s / n) * 8))];
        const b = bytes[c * per];
        chars += b >= 32 && b < 127 ? String.fromCharCode(b) : "·";
      }
      out(`  ${line}\n  ${chars}`);
    }
    model.dispose();
    return;
  }
  const data = JSON.parse(new TextDecoder().decode(readBytes(join(root, "models", "spam-examples.json"), "bundled examples"))) as { examples: { text: string; label: string }[] };
  const ex = data.examples;
  const showFlag = args.flags.get("show") ?? "12";
  const show = showFlag === "all" ? ex.length : Number(showFlag);
  if (!Number.isInteger(show) || show < 0) throw new UsageError(`--show: expected a count or "all", found ${JSON.stringify(showFlag)}`);
  out(`rnn-wasm ${version} demo: is it spam? A byte-level bidirectional GRU (${model.info.parameters.toLocaleString("en")} parameters, ${model.info.dtypes.join("/")}) reads`);
  out(`the subject and body of ${ex.length} held-out messages from the SpamAssassin public corpus (never seen in training).`);
  out(`Build: ${engine.build}. Model loaded in ${loadMs.toFixed(1)} ms.\n`);
  const bar = new Progress("classifying");
  const batch = 25;
  const probs = new Float32Array(ex.length);
  let bytes = 0;
  const t0 = performance.now();
  for (let i = 0; i < ex.length; i += batch) {
    const r = model.predict(ex.slice(i, i + batch).map((e) => e.text));
    for (let b = 0; b < r.lengths.length; b++) { probs[i + b] = r.output.data[b * 2 + 1]; bytes += r.lengths[b]; }
    bar.update((i + batch) / ex.length);
  }
  const secs = (performance.now() - t0) / 1000;
  bar.done();
  let tp = 0, tn = 0, fp = 0, fn = 0;
  ex.forEach((e, i) => {
    const spam = probs[i] >= 0.5, truth = e.label === "spam";
    if (spam && truth) tp++; else if (!spam && !truth) tn++; else if (spam) fp++; else fn++;
  });
  if (show > 0) {
    out("verdict  P(spam)  truth  message");
    for (let i = 0; i < Math.min(show, ex.length); i++) {
      const e = ex[i], spam = probs[i] >= 0.5;
      const ok = spam === (e.label === "spam");
      const subject = e.text.replace(/^Subject: ?/, "").replace(/\s+/g, " ").slice(0, 58);
      out(`${spam ? "SPAM   " : "ham    "}  ${probs[i].toFixed(3)}   ${e.label.padEnd(5)}${ok ? " " : "✗"} ${subject}`);
    }
    if (show < ex.length) out(`… ${ex.length - show} more (--show all)`);
    out("");
  }
  const nSpam = tp + fn, n = ex.length;
  const acc = (tp + tn) / n, base = Math.max(nSpam, n - nSpam) / n;
  out(`found: ${tp + fp} spam, ${tn + fn} ham   (truth: ${nSpam} spam, ${n - nSpam} ham)`);
  out(`accuracy: ${(acc * 100).toFixed(1)}% (${tp + tn}/${n})   majority-class baseline ("all ham"): ${(base * 100).toFixed(1)}%`);
  out(`spam caught: ${tp}/${nSpam}   ham wrongly flagged: ${fp}/${n - nSpam}`);
  out(`throughput: ${fmtCount(n / secs)} messages/s, ${fmtCount(bytes / secs)} bytes (steps)/s  (${n} messages, ${bytes} bytes, ${(secs * 1000).toFixed(0)} ms, batches of ${batch}, ${engine.build} build)`);
  out(`\nTry your own text: rnn-wasm demo --text "Subject: You WON a free cruise! Click here"`);
  model.dispose();
}

export async function main(argv: string[]): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`BAD_ARGUMENT: ${(e as Error).message}\n`);
    return 2;
  }
  const cmd = args.command;
  if (!cmd || cmd === "help") {
    if (args.flags.has("help") || cmd === "help") { out(HELP[args.positional[0]] ?? HELP.main); return 0; }
    process.stderr.write(HELP.main + "\n");
    return 2;
  }
  if (!HELP[cmd] || cmd === "main") {
    process.stderr.write(`BAD_ARGUMENT: unknown command ${JSON.stringify(cmd)}; expected run, inspect, bench or demo (rnn-wasm --help)\n`);
    return 2;
  }
  if (args.flags.has("help")) { out(HELP[cmd]); return 0; }
  try {
    if (cmd === "run") await cmdRun(args);
    else if (cmd === "inspect") await cmdInspect(args);
    else if (cmd === "bench") await cmdBench(args);
    else await cmdDemo(args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`BAD_ARGUMENT: ${e.message}\n`); return 2; }
    if (e instanceof RnnError) { process.stderr.write(`${e.message.split("\n")[0]}\n`); return 1; }
    process.stderr.write(`INTERNAL: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

// Run when executed (node dist/cli/main.js …), not when imported.
function isEntry(): boolean {
  try {
    return !!process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}
if (isEntry()) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
