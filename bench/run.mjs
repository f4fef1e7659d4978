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
//   --shapes a,b         rnn-wasm loop shapes to run side by side (plain, unrolled, split, plain-rows4, plain-rows6,
//                        auto, no-zigzag, pair, no-pair: bench/compare.mjs SHAPES; default: the one the engine picks
//                        for this runtime)
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
import { BENCH, commandLine, loadAverage, machineLine, pkgVersion, runtimeName, runtimeTag, writeRegion } from "./common.mjs";
import { ortAdapter, printRow, regionBody, rnnWasmAdapter, runConfig, tfjsAdapter } from "./compare.mjs";

// ---------------------------------------------------------------- options

function parseArgs(argv) {
  const o = { configs: null, engines: null, builds: null, shapes: null, rounds: 9, batchMs: 40, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => argv[++i];
    if (a === "--configs") o.configs = v().split(",");
    else if (a === "--engines") o.engines = v().split(",");
    else if (a === "--builds") o.builds = v().split(",");
    else if (a === "--shapes") o.shapes = v().split(",");
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

/** The bytes of a file of bench/models/. */
const read = async (name) => readFileSync(join(MODELS, name));

// ---------------------------------------------------------------- main

async function main() {
  const wanted = opt.engines ?? ["rnn-wasm", "ort-web", "ort-node", "tfjs"];
  const adapters = [];
  const skipped = [];
  const builds = opt.builds ?? ["simd", "relaxed-simd"];
  for (const e of wanted) {
    try {
      if (e === "rnn-wasm") {
        const rw = await import("../dist/index.js");
        for (const b of builds) {
          for (const shape of opt.shapes ?? [undefined]) {
            try { adapters.push(await rnnWasmAdapter(rw, b, read, shape)); } catch (err) { skipped.push(`rnn-wasm ${b}: ${err.message}`); }
          }
        }
      } else if (e === "ort-web") adapters.push(ortAdapter(await import("onnxruntime-web"), "web", pkgVersion("onnxruntime-web"), read));
      else if (e === "ort-node") adapters.push(ortAdapter((await import("onnxruntime-node")).default, "node", pkgVersion("onnxruntime-node"), read));
      else if (e === "tfjs") {
        adapters.push(await tfjsAdapter(await import("@tensorflow/tfjs"), await import("@tensorflow/tfjs-backend-wasm"), pkgVersion("@tensorflow/tfjs"), read));
      }
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
    const row = await runConfig(c, adapters, opt);
    results.push(row);
    printRow(row);
  }
  if (opt.write) write(results, adapters, skipped);
}

function write(results, adapters, skipped) {
  const tag = runtimeTag();
  writeRegion(`compare-${tag}`, regionBody(results, adapters, skipped, {
    runtime: runtimeName(), date: new Date().toISOString(), command: commandLine(), machine: machineLine(), load: loadAverage(),
    rounds: opt.rounds, batchMs: opt.batchMs,
  }));
  console.log(`wrote bench/RESULTS.md (region compare-${tag})`);
}

await main();
if (!isDeno) process.exit(0);
