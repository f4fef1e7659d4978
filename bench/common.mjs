// Shared pieces of the benchmarks that run in Node or Deno: the runtime, machine and versions they record, and the
// rewriting of one marked region of bench/RESULTS.md (other regions, and the text between them, are kept). The pure
// helpers (statistics, seeded inputs, formatting) live in stats.mjs, which also runs in a browser page.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH, "..");
export const RESULTS = join(BENCH, "RESULTS.md");

export { fmt, median, now, spread, table, uniformF32 } from "./stats.mjs";

/** The tag of bench/RESULTS.md's regions for this runtime: deno, bun, node20, node22, … */
export function runtimeTag() {
  if (typeof globalThis.Deno !== "undefined") return "deno";
  if (typeof globalThis.Bun !== "undefined") return "bun";
  return `node${process.versions.node.split(".")[0]}`;
}

/** "deno 2.9.6 (V8 15.0…)", "bun 1.x", or "node v20.x (V8 11.3…)". */
export function runtimeName() {
  if (typeof globalThis.Deno !== "undefined") return `deno ${Deno.version.deno} (V8 ${Deno.version.v8})`;
  if (typeof globalThis.Bun !== "undefined") return `bun ${Bun.version}`;
  return `node ${process.version} (V8 ${process.versions.v8})`;
}

/** lscpu's model, cores, caches (one line each), or what /proc/cpuinfo has. */
export function machine() {
  const info = { model: "?", cores: "?", l1d: "?", l2: "?", l3: "?", family: "?" };
  try {
    const out = execFileSync("lscpu", { encoding: "utf8" });
    const get = (k) => (out.match(new RegExp(`^${k}:\\s*(.+)$`, "m")) ?? [])[1]?.trim();
    info.model = get("Model name") ?? "?";
    info.cores = get("CPU\\(s\\)") ?? "?";
    info.family = get("CPU family") ?? "?";
    info.l1d = get("L1d cache") ?? "?";
    info.l2 = get("L2 cache") ?? "?";
    info.l3 = get("L3 cache") ?? "?";
  } catch { /* no lscpu */ }
  return info;
}

export function machineLine() {
  const m = machine();
  return `${m.model} (family ${m.family}), ${m.cores} CPUs, L1d ${m.l1d}, L2 ${m.l2}, L3 ${m.l3}`;
}

/** Version of an installed package (node_modules/<name>/package.json), or "?". */
export function pkgVersion(name) {
  try { return JSON.parse(readFileSync(join(ROOT, "node_modules", name, "package.json"), "utf8")).version; } catch { return "?"; }
}

export function loadAverage() {
  try { return readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" "); } catch { return "?"; }
}

/** The command line that ran this script, for the record. */
export function commandLine() {
  if (typeof globalThis.Deno !== "undefined") return `deno run -A ${Deno.mainModule.replace(/^file:\/\//, "").replace(ROOT + "/", "")} ${Deno.args.join(" ")}`.trim();
  const args = process.argv.slice(1).map((a) => a.replace(ROOT + "/", ""));
  const flags = process.execArgv.join(" ");
  const launcher = process.env.RNN_WASM_BENCH_LAUNCHER || "node"; // bench/node.sh: another Node release
  return `${launcher} ${flags ? flags + " " : ""}${args.join(" ")}`.trim();
}

/**
 * Replaces the region between `<!-- NAME:start -->` and `<!-- NAME:end -->` of bench/RESULTS.md with `body`
 * (appending the region if it is absent); everything else in the file is kept as it is.
 */
export function writeRegion(name, body) {
  const start = `<!-- ${name}:start -->`, end = `<!-- ${name}:end -->`;
  let text = existsSync(RESULTS) ? readFileSync(RESULTS, "utf8") : "# rnn-wasm benchmark results\n";
  const block = `${start}\n${body.trim()}\n${end}`;
  const i = text.indexOf(start), j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = text.trimEnd() + "\n\n" + block + "\n";
  writeFileSync(RESULTS, text);
}
