// Size budget: what a browser app that uses `import { init, LSTM, loadTorch } from "rnn-wasm"` ships.
//
//   node bench/size.mjs            # prints the figure and writes it into bench/RESULTS.md (runtime-budgets region)
//   node bench/size.mjs --no-write # prints only
//
// The app is bundled by esbuild as a user would (`--bundle --minify --format=esm --splitting --platform=browser`,
// no plugin) against the built package (dist/, found by name through node_modules/rnn-wasm); every emitted file is
// gzipped (zlib level 9) and the sizes are summed. The budget is 40 KB (40,000 bytes); tests/runtimes/package.test.ts
// asserts it (the figure is deterministic for a given dist/ and esbuild).
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { tmpdir, cpus, totalmem } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SIZE_BUDGET_BYTES = 40_000;
export const APP = `import { init, LSTM, loadTorch } from "rnn-wasm";\nexport { init, LSTM, loadTorch };\n`;
const REGION_START = "<!-- runtime-budgets:start -->";
const REGION_END = "<!-- runtime-budgets:end -->";

/**
 * Bundles APP against the package at `packageDir` (default: this repository, whose dist/ must be built) and returns
 * { files: [{ path, bytes, gzip }], bytes, gzip, esbuild } (gzip = sum of each file gzipped at level 9).
 */
export async function measureBundle({ packageDir = ROOT } = {}) {
  if (!existsSync(join(packageDir, "dist", "index.js"))) throw new Error(`${packageDir}/dist/index.js is missing: run node scripts/build.mjs`);
  const esbuild = await import("esbuild");
  const dir = mkdtempSync(join(tmpdir(), "rnn-wasm-size-"));
  try {
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(packageDir, join(dir, "node_modules", "rnn-wasm"), "dir");
    writeFileSync(join(dir, "app.js"), APP);
    const result = await esbuild.build({
      entryPoints: [join(dir, "app.js")], bundle: true, minify: true, format: "esm", splitting: true, platform: "browser",
      outdir: join(dir, "out"), write: false, logLevel: "silent",
    });
    const files = result.outputFiles
      .filter((f) => !f.path.endsWith(".map"))
      .map((f) => ({ path: relative(join(dir, "out"), f.path), bytes: f.contents.length, gzip: gzipSync(f.contents, { level: 9 }).length }))
      .sort((a, b) => a.path.localeCompare(b.path));
    return {
      files,
      bytes: files.reduce((s, f) => s + f.bytes, 0),
      gzip: files.reduce((s, f) => s + f.gzip, 0),
      esbuild: esbuild.version,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Replaces the lines between `<!-- NAME:start -->` and `<!-- NAME:end -->` inside this helper's region of
 *  bench/RESULTS.md (creating the file, the region or the section as needed); nothing outside the region changes. */
export function writeSection(name, text) {
  const file = join(ROOT, "bench", "RESULTS.md");
  let doc = existsSync(file) ? readFileSync(file, "utf8") : "";
  if (!doc.includes(REGION_START) || !doc.includes(REGION_END)) {
    doc = (doc && !doc.endsWith("\n") ? doc + "\n" : doc) + `${doc ? "\n" : ""}${REGION_START}\n## Runtime budgets\n${REGION_END}\n`;
  }
  const a = doc.indexOf(REGION_START) + REGION_START.length;
  const b = doc.indexOf(REGION_END);
  let region = doc.slice(a, b);
  const s = `<!-- ${name}:start -->`, e = `<!-- ${name}:end -->`;
  const block = `${s}\n${text.trim()}\n${e}`;
  if (region.includes(s) && region.includes(e)) region = region.slice(0, region.indexOf(s)) + block + region.slice(region.indexOf(e) + e.length);
  else region = region.replace(/\n*$/, "\n\n") + block + "\n";
  writeFileSync(file, doc.slice(0, a) + region + doc.slice(b));
}

/** "model, N cores, M GiB; node vX" for the record. */
export function machineLine() {
  return `${cpus()[0]?.model ?? "?"}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`;
}

async function main() {
  const m = await measureBundle();
  const kb = (n) => (n / 1000).toFixed(1);
  for (const f of m.files) console.log(`${f.path.padEnd(40)} ${String(f.bytes).padStart(7)} B  ${String(f.gzip).padStart(6)} B gzipped`);
  const verdict = m.gzip <= SIZE_BUDGET_BYTES ? "within" : "OVER";
  console.log(`total: ${m.bytes} B minified, ${m.gzip} B gzipped (${kb(m.gzip)} KB; budget ${kb(SIZE_BUDGET_BYTES)} KB: ${verdict})`);
  if (process.argv.includes("--no-write")) return;
  const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  writeSection("size", [
    "### Bundle size",
    "",
    `\`import { init, LSTM, loadTorch } from "rnn-wasm"\` bundled by esbuild ${m.esbuild} (\`--bundle --minify --format=esm --splitting --platform=browser\`), every emitted file gzipped at level 9, summed:`,
    "",
    "| file | minified | gzipped |",
    "|---|---:|---:|",
    ...m.files.map((f) => `| ${f.path} | ${f.bytes} B | ${f.gzip} B |`),
    `| **total** | **${m.bytes} B** | **${m.gzip} B (${kb(m.gzip)} KB)** |`,
    "",
    `Budget ≤ 40 KB (40,000 B): ${verdict}. rnn-wasm ${pkg.version}; ${machineLine()}; ${new Date().toISOString().slice(0, 10)}; \`node bench/size.mjs\`.`,
  ].join("\n"));
  console.log("written to bench/RESULTS.md");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
