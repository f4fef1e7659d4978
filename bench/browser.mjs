// The side-by-side benchmark in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core): rnn-wasm
// (both SIMD builds) against onnxruntime-web (wasm, 1 thread) in one page, with bench/run.mjs's models, checks and
// timing (bench/compare.mjs). Relaxed SIMD is on in Chromium.
//
//   node bench/browser.mjs [--configs a,b] [--rounds N] [--batch-ms N] [--shapes] [--write]   (after `node scripts/build.mjs`)
//
// --shapes runs each build with every loop shape (plain, unrolled, split: EngineOptions.loopShapes) side by side
// instead of the one the engine picks; --write puts the table into bench/RESULTS.md (region "compare-chromium").
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serveStatic } from "../tests/runtimes/serve.mjs";
import { BENCH, ROOT, commandLine, loadAverage, machineLine, pkgVersion, writeRegion } from "./common.mjs";
import { regionBody } from "./compare.mjs";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

const argv = process.argv.slice(2);
const opt = { configs: null, rounds: 9, batchMs: 40, write: false, shapes: false };
for (let i = 0; i < argv.length; i++) {
  const a = argv[i], v = () => argv[++i];
  if (a === "--configs") opt.configs = v();
  else if (a === "--rounds") opt.rounds = Number(v());
  else if (a === "--batch-ms") opt.batchMs = Number(v());
  else if (a === "--write") opt.write = true;
  else if (a === "--shapes") opt.shapes = true;
  else throw new Error(`unknown option ${a} (see the header of bench/browser.mjs)`);
}
if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh`);
if (!existsSync(join(BENCH, "models", "manifest.json"))) {
  console.log("bench/models/ is missing: generating it with /usr/bin/python3 bench/gen_models.py");
  execFileSync("/usr/bin/python3", [join(BENCH, "gen_models.py")], { stdio: "inherit" });
}

const server = await serveStatic(ROOT);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
let out, version = "?";
try {
  version = browser.version();
  const page = await browser.newPage();
  page.on("console", (m) => console.log(m.text()));
  page.on("pageerror", (e) => console.log(`page error: ${e.message}`));
  page.on("response", (r) => { if (r.status() >= 400) console.log(`HTTP ${r.status()} ${r.url()}`); });
  const q = new URLSearchParams({ rounds: String(opt.rounds), batchMs: String(opt.batchMs), ortVersion: pkgVersion("onnxruntime-web") });
  if (opt.configs) q.set("configs", opt.configs);
  if (opt.shapes) q.set("shapes", "1");
  await page.goto(`${server.origin}/bench/browser.html?${q}`);
  await page.waitForFunction(() => window.__bench !== undefined);
  out = await page.evaluate(() => window.__bench);
} finally {
  await browser.close();
  await server.close();
}
if (out.error) throw new Error(`the benchmark page failed: ${out.error}`);
if (opt.write) {
  writeRegion("compare-chromium", regionBody(out.results, out.adapters, out.skipped, {
    runtime: `headless Chromium ${version} (Debian's /usr/bin/chromium)`, date: new Date().toISOString(), command: commandLine(),
    machine: machineLine(), load: loadAverage(), rounds: opt.rounds, batchMs: opt.batchMs,
  }));
  console.log("wrote bench/RESULTS.md (region compare-chromium)");
}
