// The built package in the command-line runtimes: Node (with and without relaxed SIMD), Bun and Deno each run the
// golden fixtures through `import … from "rnn-wasm"`; outputs match PyTorch, and Node bit for bit (scalar, SIMD).
// A Node without WebAssembly gets NO_WASM at init().
import { describe, expect, it } from "vitest";
import { BIN, checkReport, lastJson, nodeBaseline, run, unwrap, type GoldenAnswer } from "./check.js";

const LIMIT = 30_000;

describe("command-line runtimes", () => {
  it("node (relaxed SIMD enabled): auto picks relaxed SIMD; every build matches PyTorch", async () => {
    const r = await nodeBaseline();
    expect(r.info.build).toBe("relaxed-simd");
    checkReport("node", r, null);
  });

  it("node (default flags): auto picks SIMD, relaxed SIMD is refused with NO_WASM; bit-identical to the first run", async () => {
    const a = lastJson<GoldenAnswer>(await run(process.execPath, ["tests/runtimes/run-cli.mjs"], { timeoutMs: LIMIT }));
    const r = unwrap(a, "node default");
    expect(r.validates["relaxed-simd"]).toBe(false);
    expect(r.info.build).toBe("simd");
    checkReport("node default", r, await nodeBaseline());
  });

  it("bun: same outputs as node, bit for bit", async () => {
    const a = lastJson<GoldenAnswer>(await run(BIN("bun"), ["tests/runtimes/run-cli.mjs"], { timeoutMs: LIMIT }));
    expect(a.runtime).toMatch(/^bun /);
    checkReport("bun", unwrap(a, "bun"), await nodeBaseline());
  });

  it("deno (import map, read-only, no network): same outputs as node, bit for bit", async () => {
    const a = lastJson<GoldenAnswer>(await run(BIN("deno"), [
      "run", "--no-lock", "--cached-only", "--no-prompt", "--config", "tests/runtimes/deno/deno.json", "--allow-read=.",
      "tests/runtimes/run-cli.mjs",
    ], { timeoutMs: LIMIT, env: { ...process.env, NO_COLOR: "1" } }));
    expect(a.runtime).toMatch(/^deno /);
    checkReport("deno", unwrap(a, "deno"), await nodeBaseline());
  });

  it("a runtime without WebAssembly: the package imports, init() throws RnnError NO_WASM", async () => {
    const script = `
      delete globalThis.WebAssembly;
      const api = await import("rnn-wasm");
      try { await api.init(); console.log(JSON.stringify({ resolved: true })); }
      catch (e) { console.log(JSON.stringify({ isRnnError: e instanceof api.RnnError, code: e.code, message: e.message })); }`;
    const out = lastJson<{ isRnnError: boolean; code: string; message: string }>(
      await run(process.execPath, ["--input-type=module", "-e", script], { timeoutMs: LIMIT }));
    expect(out).toMatchObject({ isRnnError: true, code: "NO_WASM" });
    expect(out.message).toMatch(/WebAssembly/);
  });
});
