// In Node the engine reads its build from the package's dist/wasm/<build>.wasm (process.getBuiltinModule, no module
// to import, no base64 to decode) and falls back to the copy embedded in a chunk when the file is missing or is not
// this release's (another length). Each case runs the built package from a scratch copy of dist/ in a fresh process.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, run } from "./check.js";

/** Runs the package at dir: an LSTM on each given build; prints { builds, y } or { error }. */
const SCRIPT = `
const api = await import(process.argv[2]);
try {
  const out = { builds: [], y: [] };
  for (const build of JSON.parse(process.argv[3])) {
    const engine = build === "auto" ? undefined : await api.createEngine({ build });
    if (!engine) await api.init();
    const l = new api.LSTM({ inputSize: 3, hiddenSize: 5, engine });
    l.setOnnxWeights(0, { W: { data: new Float32Array(60).fill(0.1), dims: [1, 20, 3] }, R: { data: new Float32Array(100).fill(-0.05), dims: [1, 20, 5] } });
    out.y.push(Array.from(l.forward({ data: Float32Array.from([1, 2, 3, 4, 5, 6]), dims: [2, 1, 3] }).output.data));
    out.builds.push(engine ? engine.build : (await api.init()).build);
  }
  console.log(JSON.stringify(out));
} catch (e) { console.log(JSON.stringify({ error: String(e?.message ?? e) })); }
`;

describe("the engine's build from dist/wasm/<build>.wasm (Node)", () => {
  let dir = "";
  const copy = (name: string, edit: (d: string) => void): string => {
    const d = join(dir, name);
    cpSync(join(ROOT, "dist"), d, { recursive: true });
    writeFileSync(join(d, "package.json"), JSON.stringify({ type: "module" }));
    edit(d);
    return d;
  };
  const noEmbedded = (d: string): void => {
    for (const f of readdirSync(join(d, "chunks"))) if (/^(scalar|simd|relaxed-simd)-/.test(f)) rmSync(join(d, "chunks", f));
  };
  const runIn = async (d: string, builds: string[]): Promise<{ builds?: string[]; y?: number[][]; error?: string }> => {
    const out = await run(process.execPath, [join(dir, "run.mjs"), pathToFileURL(join(d, "index.js")).href, JSON.stringify(builds)], { timeoutMs: 30_000 });
    return JSON.parse(out.trim().split("\n").pop()!);
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rnn-wasm-wasmfile-"));
    writeFileSync(join(dir, "run.mjs"), SCRIPT);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it("runs from the files alone: without the chunks that embed the builds, every build still loads and agrees", async () => {
    const whole = await runIn(copy("whole", () => {}), ["scalar", "simd", "auto"]);
    const filesOnly = copy("files-only", noEmbedded);
    const files = await runIn(filesOnly, ["scalar", "simd", "auto"]);
    expect(files.error).toBeUndefined();
    expect(files.builds).toEqual(["scalar", "simd", whole.builds![2]]);
    expect(files.y).toEqual(whole.y);
    expect(whole.y![0]).toEqual(whole.y![1]); // scalar and SIMD builds: the same bits
    // the CLI's build keeps the engine in dist/chunks/ (the library's is dist/index.js itself): from there too
    const cli = await run(process.execPath, [join(filesOnly, "cli", "main.js"), "inspect", join(ROOT, "models", "spam-bigru.safetensors"), "--build", "simd"], { timeoutMs: 30_000 });
    expect(cli).toMatch(/simd/);
  });

  it("without dist/wasm/ the embedded builds are used", async () => {
    const r = await runIn(copy("no-files", (d) => rmSync(join(d, "wasm"), { recursive: true })), ["scalar", "simd"]);
    expect(r.error).toBeUndefined();
    expect(r.builds).toEqual(["scalar", "simd"]);
  });

  it("a file of another length (another release's) is not used", async () => {
    // a valid module that is not this release's scalar build: the SIMD build's bytes in scalar.wasm
    const other = (d: string): void => writeFileSync(join(d, "wasm", "scalar.wasm"), readFileSync(join(d, "wasm", "simd.wasm")));
    // with the embedded copy: the scalar build loads from it
    const withChunks = await runIn(copy("other-file", other), ["scalar"]);
    expect(withChunks.error).toBeUndefined();
    expect(withChunks.builds).toEqual(["scalar"]);
    // without it, loading fails (rather than running the SIMD build as "scalar"): so the file was not taken
    const withoutChunks = await runIn(copy("other-file-no-chunks", (d) => { other(d); noEmbedded(d); }), ["scalar"]);
    expect(withoutChunks.builds).toBeUndefined();
    expect(withoutChunks.error).toMatch(/scalar/);
  });
});
