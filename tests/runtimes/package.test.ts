// The package as users get it: `npm pack`, an install of the tarball into a scratch project (its dependency's
// tarballs come from npm's cache, which `npm ci` filled; the registry is asked only for their metadata, which `npm ci`
// does not cache), an import by name from Node (main entry, the wasm/*.wasm exports, the types), an esbuild bundle (no
// plugin) of an app that runs, and the size budget of a minified browser bundle of
// `import { init, LSTM, loadTorch } from "rnn-wasm"`.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, checkReport, lastJson, nodeBaseline, ROOT, run, unwrap, VERSION, type GoldenAnswer } from "./check.js";
// @ts-expect-error plain ES module (no declarations)
import { measureBundle, SIZE_BUDGET_BYTES } from "../../bench/size.mjs";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
type AppAnswer = GoldenAnswer & { named: string[] };

describe("npm pack → install → import by name", () => {
  let dir = "";
  let app = "";
  const env = (): NodeJS.ProcessEnv => ({ ...process.env, RNN_WASM_REPO: ROOT, npm_config_update_notifier: "false" });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rnn-wasm-pack-"));
    const packed = JSON.parse(await run(NPM, ["pack", "--json", "--pack-destination", dir], { timeoutMs: 60_000, env: env() }));
    const tgz = join(dir, packed[0].filename);
    app = join(dir, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "scratch-app", version: "1.0.0", private: true, type: "module" }));
    await run(NPM, ["install", "--prefer-offline", "--no-audit", "--no-fund", tgz], { cwd: app, timeoutMs: 60_000, env: env() });
    copyFileSync(join(ROOT, "tests/runtimes/scratch-app.mjs"), join(app, "app.mjs"));
    copyFileSync(join(ROOT, "tests/runtimes/golden.mjs"), join(app, "golden.mjs"));
  }, 120_000);

  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("the tarball holds dist/ with its types and the three .wasm builds, and its one dependency is installed", () => {
    const pkg = join(app, "node_modules", "rnn-wasm");
    for (const f of ["package.json", "dist/index.js", "dist/index.d.ts", "dist/wasm/simd.wasm", "dist/wasm/scalar.wasm", "dist/wasm/relaxed-simd.wasm"]) {
      expect(existsSync(join(pkg, f)), f).toBe(true);
    }
    expect(existsSync(join(app, "node_modules", "pbf", "package.json")), "pbf").toBe(true);
    expect(JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).version).toBe(VERSION);
  });

  it("node imports it by name and runs the golden fixtures bit-identically to the repository's dist/", async () => {
    const a = lastJson<AppAnswer>(await run(process.execPath, ["app.mjs"], { cwd: app, env: env() }));
    expect(a.named).toEqual(["function", "function", "function"]);
    checkReport("installed package", unwrap(a, "installed package"), await nodeBaseline());
  });

  it("rnn-wasm/wasm/<build>.wasm resolve through the exports and work as { wasm }", async () => {
    const script = `
      import { readFileSync } from "node:fs";
      import { fileURLToPath } from "node:url";
      import { createEngine } from "rnn-wasm";
      const out = {};
      for (const b of ["scalar", "simd"]) {
        const bytes = readFileSync(fileURLToPath(import.meta.resolve("rnn-wasm/wasm/" + b + ".wasm")));
        out[b] = { fromBytes: (await createEngine({ wasm: bytes })).build,
                   fromModule: (await createEngine({ wasm: new WebAssembly.Module(bytes) })).build };
      }
      console.log(JSON.stringify(out));`;
    const out = lastJson(await run(process.execPath, ["--input-type=module", "-e", script], { cwd: app, env: env() }));
    expect(out).toEqual({ scalar: { fromBytes: "scalar", fromModule: "scalar" }, simd: { fromBytes: "simd", fromModule: "simd" } });
  });

  it("esbuild bundles the app with no plugin; the bundle runs from a directory without node_modules", async () => {
    const bundleDir = join(dir, "elsewhere");
    mkdirSync(bundleDir);
    const bundle = join(bundleDir, "app.bundle.mjs");
    await run(BIN("esbuild"), ["app.mjs", "--bundle", "--platform=node", "--format=esm", `--outfile=${bundle}`, "--log-level=warning"],
      { cwd: app, timeoutMs: 30_000 });
    const a = lastJson<AppAnswer>(await run(process.execPath, [bundle], { cwd: bundleDir, env: env() }));
    checkReport("esbuild bundle", unwrap(a, "esbuild bundle"), await nodeBaseline());
  });
});

describe("dist/ for runtimes without a resolver", () => {
  it("dist/index.js and every module it loads import only relative paths (no bare or node: specifiers)", () => {
    // A browser page without a bundler, a Web Worker and workerd cannot resolve "pbf" or "node:fs": whatever the
    // library needs must be bundled into dist/ and reached by relative imports.
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, "utf8");
      const specs = [...src.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"']+)["']/g)].map((m) => m[1]);
      for (const s of specs) {
        if (s.startsWith("./") || s.startsWith("../")) visit(join(file, "..", s));
        else bad.push(`${file.slice(ROOT.length)}: ${s}`);
      }
    };
    visit(join(ROOT, "dist", "index.js"));
    expect(seen.size).toBeGreaterThanOrEqual(4); // index + the three embedded builds
    expect(bad).toEqual([]);
  });
});

describe("size budget", () => {
  it(`a minified, code-split browser bundle of { init, LSTM, loadTorch } is at most ${SIZE_BUDGET_BYTES} bytes gzipped`, async () => {
    const m = await measureBundle();
    const table = m.files.map((f: { path: string; gzip: number }) => `${f.path}: ${f.gzip} B`).join(", ");
    // Every build must be in the bundle (loaded on demand), or the figure would flatter.
    expect(m.files.length, table).toBeGreaterThanOrEqual(4);
    expect(m.gzip, table).toBeLessThanOrEqual(SIZE_BUDGET_BYTES);
  });
});
