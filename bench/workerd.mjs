// rnn-wasm in Cloudflare's workerd (npm `workerd`): the bench configs' full forward passes, timed from outside over
// HTTP (Workers' clocks stand still while code runs), for the engine's default loop shapes and others side by side.
// onnxruntime-web and TF.js do not run there (they compile WebAssembly from bytes, which workerd refuses), so the
// figures compare rnn-wasm's own choices; each layer's output is checked against onnxruntime-node first.
//
//   node bench/workerd.mjs [--configs a,b] [--shapes auto,unchecked,…] [--builds relaxed-simd,simd] [--rounds N]
//                          [--batch-ms N] [--write]          (after `node scripts/build.mjs`)
//
// Shapes: auto (the engine's profile for workerd), unchecked (the profile of runtimes with the trap handler: 6-row
// splat tiles, no pair loads), checked (4-row pair-load tiles, GRU panels reading h four k per load), and the names
// of bench/compare.mjs SHAPES. Each round times one request of ≥ batch-ms per variant, interleaved; medians, and the
// median per-round ratio to the first variant. Not part of `npm test`.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { freePort, workerdConfig } from "../scripts/workerd-config.mjs";
import { BENCH, ROOT, commandLine, fmt, loadAverage, machineLine, median, pkgVersion, table, writeRegion } from "./common.mjs";
import { SHAPES, compare, flopsOf, ortAdapter } from "./compare.mjs";

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const CONFIGS = opt("--configs", null)?.split(",");
const SHAPE_NAMES = opt("--shapes", "auto,unchecked").split(",");
const BUILDS = opt("--builds", "relaxed-simd").split(",");
const ROUNDS = Number(opt("--rounds", 15));
const BATCH_MS = Number(opt("--batch-ms", 40));
const WRITE = args.includes("--write");
const MORE = { unchecked: { tileRows6: true, pairLoads: false }, checked: { tileRows6: false, pairLoads: true } };
const shapeOf = (name) => name === "auto" ? null : MORE[name] ?? SHAPES[name] ?? (() => { throw new Error(`unknown shape ${name}`); })();

const models = join(BENCH, "models");
const manifest = JSON.parse(readFileSync(join(models, "manifest.json"), "utf8"));
const read = async (name) => readFileSync(join(models, name));

async function startWorkerd(dir) {
  await esbuild.build({
    entryPoints: [join(BENCH, "workerd-worker.mjs")], bundle: true, format: "esm", platform: "neutral",
    external: ["*.wasm"], alias: { "rnn-wasm": join(ROOT, "dist/index.js") }, outfile: join(dir, "worker.js"), logLevel: "warning",
  });
  for (const b of ["simd", "relaxed-simd"]) copyFileSync(join(ROOT, "dist/wasm", `${b}.wasm`), join(dir, `${b}.wasm`));
  const port = await freePort();
  writeFileSync(join(dir, "config.capnp"), workerdConfig(port, ["simd", "relaxed-simd"]));

  const proc = spawn(join(ROOT, "node_modules/.bin/workerd"), ["serve", "config.capnp"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  proc.stdout.on("data", (d) => { log += d; });
  proc.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; ;) {
    if (proc.exitCode !== null) throw new Error(`workerd exited with ${proc.exitCode}:\n${log}`);
    try { await fetch(`${base}/`); break; } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`workerd did not listen within 30 s:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, proc, log: () => log };
}

async function request(url, init) {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${await res.text()}`);
  return res;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "rnn-wasm-bench-workerd-"));
  const ort = ortAdapter((await import("onnxruntime-node")).default, "node", pkgVersion("onnxruntime-node"), read);
  const wd = await startWorkerd(dir);
  const variants = BUILDS.flatMap((build) => SHAPE_NAMES.map((shape) => ({ build, shape, name: `${build} ${shape}` })));
  console.log(`workerd ${pkgVersion("workerd")} · ${machineLine()} · load ${loadAverage()}`);
  const rows = [];
  try {
    for (const c of manifest.configs.filter((m) => !m.stream && (!CONFIGS || CONFIGS.includes(m.name)))) {
      const ref = await ort.load(c);
      const yRef = Float32Array.from(await ref.run());
      ref.dispose();
      const body = `${JSON.stringify(c)}\n${(await read(c.weights)).toString("base64")}`;
      let maxAbs = 0;
      for (const v of variants) {
        v.key = `${c.name}/${v.name}`;
        const shape = shapeOf(v.shape);
        const q = new URLSearchParams({ key: v.key, build: v.build, ...(shape ? { shape: JSON.stringify(shape) } : {}) });
        const y = new Float32Array(await (await request(`${wd.base}/load?${q}`, { method: "POST", body })).arrayBuffer());
        const check = compare(y, yRef);
        if (!check.ok) throw new Error(`${c.name}, ${v.name}: disagrees with onnxruntime-node: ${check.why}`);
        maxAbs = Math.max(maxAbs, check.maxAbs);
        // passes per request: at least batch-ms
        let n = 1;
        for (;;) {
          const t0 = performance.now();
          await (await request(`${wd.base}/run?key=${encodeURIComponent(v.key)}&n=${n}`)).text();
          const ms = performance.now() - t0;
          if (ms >= BATCH_MS / 2 || n >= 1 << 16) { v.n = Math.max(1, Math.ceil(n * BATCH_MS / ms)); break; }
          n *= 4;
        }
        v.samples = [];
      }
      for (let r = 0; r < ROUNDS; r++) {
        for (let i = 0; i < variants.length; i++) {
          const v = variants[(i + r) % variants.length];
          const t0 = performance.now();
          await (await request(`${wd.base}/run?key=${encodeURIComponent(v.key)}&n=${v.n}`)).text();
          v.samples.push((performance.now() - t0) / v.n);
        }
      }
      const first = variants[0];
      const cells = variants.map((v) => {
        const ms = median(v.samples), ratio = median(v.samples.map((s, r) => first.samples[r] / s));
        return `${fmt(ms)} ms · ${fmt(flopsOf(c) / (ms * 1e6))} GF/s${v === first ? "" : ` · ${ratio.toFixed(3)}×`}`;
      });
      const label = `${c.name}: ${c.cell}${c.directions === 2 ? " bidir" : ""} B=${c.B} T=${c.T} I=${c.I} H=${c.H}`;
      console.log(`${label}  ${variants.map((v, i) => `${v.name} ${cells[i]}`).join(" | ")}  max|Δ| ${maxAbs.toExponential(1)}`);
      rows.push([label, ...cells, maxAbs.toExponential(1)]);
    }
  } finally {
    wd.proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
  if (WRITE) {
    writeRegion("compare-workerd", [
      `### rnn-wasm in workerd ${pkgVersion("workerd")} (Cloudflare Workers' runtime)`,
      "",
      `- Date: ${new Date().toISOString()}; command: \`${commandLine()}\``,
      `- Machine: ${machineLine()}; load average at the end ${loadAverage()} (other processes share the 2 cores)`,
      `- Each cell: median ms per full forward pass over ${ROUNDS} interleaved rounds of one request of ≥ ${BATCH_MS} ms, timed from outside over HTTP (Workers' clocks stand still while code runs; a request's own cost, ~0.2 ms, is spread over its passes), GFLOP/s, and the speed relative to the first column (median of per-round ratios; > 1 is faster). "auto" is the engine's profile for workerd; "unchecked" the 6-row splat tiles without pair loads (its profile before 2026-12-06). Outputs checked against onnxruntime-node first (|Δ| ≤ 1e-4 + 1e-3·|y|). onnxruntime-web and TF.js cannot run in workerd (they compile WebAssembly from bytes), so there is no side-by-side column.`,
      "",
      table(["config", ...variants.map((v) => `rnn-wasm ${v.name}`), "max abs Δ vs onnxruntime-node"], rows),
    ].join("\n"));
    console.log("wrote bench/RESULTS.md (region compare-workerd)");
  }
}

await main();
process.exit(0);
