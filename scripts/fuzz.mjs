#!/usr/bin/env node
// The long fuzz run (`npm run fuzz`): the same harness, entries and oracles as tests/fuzz/fuzz.test.ts, for as many
// inputs as asked.
//
//   node scripts/fuzz.mjs [--iterations N] [--seed S] [--loader NAME[,NAME]] [--build auto|relaxed-simd|simd|scalar]
//                         [--per-input-ms MS] [--save DIR]
//
// Defaults: 100,000 iterations per loader, seed 1, every loader in the tree, build auto, 5000 ms per input.
// --save DIR writes the first violating inputs of each loader as DIR/<loader>-<index>.bin. A run is reproduced by
// its seed: input i of a run depends only on (seed, i). Exit code 1 when any loader reports a violation.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv) {
  const o = { iterations: 100_000, seed: 1, loader: null, build: "auto", perInputMs: 5000, save: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => { if (i + 1 >= argv.length) usage(`${a} needs a value`); return argv[++i]; };
    if (a === "--iterations") o.iterations = Number(v());
    else if (a === "--seed") o.seed = Number(v());
    else if (a === "--loader") o.loader = v().split(",");
    else if (a === "--build") o.build = v();
    else if (a === "--per-input-ms") o.perInputMs = Number(v());
    else if (a === "--save") o.save = v();
    else if (a === "--help" || a === "-h") usage();
    else usage(`unknown argument ${a}`);
  }
  if (!(Number.isInteger(o.iterations) && o.iterations > 0)) usage("--iterations: expected a positive integer");
  if (!Number.isInteger(o.seed)) usage("--seed: expected an integer");
  return o;
}

function usage(err) {
  const text = "usage: node scripts/fuzz.mjs [--iterations N] [--seed S] [--loader NAME[,NAME]] [--build B] [--per-input-ms MS] [--save DIR]";
  if (err) { console.error(`fuzz: ${err}\n${text}`); process.exit(2); }
  console.log(text);
  process.exit(0);
}

const opts = parseArgs(process.argv.slice(2));
// inside node_modules/ so that the bundle's bare imports (esbuild) resolve
mkdirSync(join(root, "node_modules", ".cache"), { recursive: true });
const tmp = mkdtempSync(join(root, "node_modules", ".cache", "rnn-wasm-fuzz-"));
try {
  const out = join(tmp, "harness.mjs");
  await build({
    stdin: {
      contents: `export * from ${JSON.stringify(join(root, "tests/fuzz/harness.ts"))};\nexport { ENTRIES } from ${JSON.stringify(join(root, "tests/fuzz/entries.ts"))};\n`,
      resolveDir: root, loader: "ts",
    },
    bundle: true, platform: "node", format: "esm", target: "node18", outfile: out, logLevel: "error", packages: "external",
  });
  const h = await import(pathToFileURL(out).href);
  let failed = false;
  for (const entry of h.ENTRIES) {
    if (opts.loader && !opts.loader.includes(entry.name)) continue;
    if (!h.entryAvailable(root, entry)) { console.log(`${entry.name}: skipped (${entry.requires.join(", ")} not in the tree)`); continue; }
    const saveDir = opts.save;
    if (saveDir) mkdirSync(saveDir, { recursive: true });
    const rep = await h.runFuzz({
      root, entry, iterations: opts.iterations, seed: opts.seed, build: opts.build, perInputMs: opts.perInputMs,
      onInput: saveDir ? (i, bytes) => writeFileSync(join(saveDir, `${entry.name}-${i}.bin`), bytes) : undefined,
    });
    console.log(h.summarize(rep));
    if (process.env.FUZZ_EXAMPLES) for (const [k, l] of Object.entries(rep.examples)) console.log(`  ${k}: ${l.join(" | ")}`);
    for (const g of rep.golden) {
      console.log(`  golden: vs framework ${g?.vsFramework ?? "ok"}; kept model ${g?.keptModel ?? "bit-exact"}; reloaded ${g?.freshModel ?? "bit-exact"}`);
      if (g?.vsFramework || g?.keptModel || g?.freshModel) failed = true;
    }
    for (const v of rep.violations) console.log(`  violation at input ${v.index} [${v.kind}] (${v.how.join(" + ")}) ${v.stage ?? ""}: ${v.detail}`);
    if (rep.violationCount) failed = true;
  }
  h.removeBundles();
  process.exitCode = failed ? 1 : 0;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
