// The built package in workerd (Cloudflare Workers' runtime, npm `workerd`): the worker (workerd/worker.mjs, bundled
// by esbuild with the .wasm files left as imports) gets each build as a Wasm module and hands it to init({ wasm }) /
// createEngine({ wasm }), since workerd refuses to compile WebAssembly from bytes. It serves on 127.0.0.1 at a free
// port and answers one request with the golden report; outputs match PyTorch, and Node bit for bit (scalar, SIMD).
import { spawn, type ChildProcess } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, BUILDS, CASES, checkReport, nodeBaseline, ROOT, run, unwrap, type GoldenAnswer } from "./check.js";
// @ts-expect-error plain ES module shared with bench/workerd.mjs (no declarations)
import { freePort, workerdConfig } from "../../scripts/workerd-config.mjs";

type WorkerdAnswer = GoldenAnswer & { runtime: string; modulesAreModules: boolean; embedded: { ok: boolean; code?: string; message?: string } };

/** The files the worker reads, by repository path, as base64 (it has no file system). */
function requestBody(): string {
  const files: Record<string, string> = {};
  const add = (p: string) => { files[p] = readFileSync(join(ROOT, p)).toString("base64"); };
  const manifest = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/torch/manifest.json"), "utf8"));
  add("tests/fixtures/torch/manifest.json");
  for (const name of CASES as string[]) {
    const c = manifest.cases.find((m: { name: string }) => m.name === name);
    add(`tests/fixtures/torch/${c.file}`);
    add(`tests/fixtures/torch/${c.io}`);
  }
  for (const b of BUILDS as string[]) add(`dist/wasm/${b}.wasm`);
  return JSON.stringify(files);
}

describe("workerd", () => {
  let dir = "";
  let proc: ChildProcess | undefined;
  let answer: WorkerdAnswer;
  let stderr = "";

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "rnn-wasm-workerd-"));
    await run(BIN("esbuild"), ["tests/runtimes/workerd/worker.mjs", "--bundle", "--format=esm", "--platform=neutral",
      "--external:*.wasm", `--outfile=${join(dir, "worker.js")}`, "--log-level=warning"], { timeoutMs: 30_000 });
    for (const b of BUILDS as string[]) copyFileSync(join(ROOT, "dist/wasm", `${b}.wasm`), join(dir, `${b}.wasm`));
    const port = await freePort();
    writeFileSync(join(dir, "config.capnp"), workerdConfig(port, BUILDS));
    proc = spawn(BIN("workerd"), ["serve", "config.capnp"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    proc.stderr!.on("data", (d) => { stderr += d; });
    proc.stdout!.on("data", (d) => { stderr += d; });
    const killer = setTimeout(() => proc?.kill("SIGKILL"), 60_000); // bound the whole exchange
    try {
      const body = requestBody();
      const deadline = Date.now() + 30_000;
      for (;;) { // wait for the socket
        if (proc.exitCode !== null) throw new Error(`workerd exited with ${proc.exitCode}:\n${stderr}`);
        try {
          const res = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body, signal: AbortSignal.timeout(30_000) });
          const text = await res.text();
          if (!res.ok) throw new Error(`workerd answered HTTP ${res.status}: ${text}\n${stderr}`);
          answer = JSON.parse(text);
          break;
        } catch (e) {
          const refused = (e as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
          if (!refused || Date.now() > deadline) throw new Error(`${(e as Error).message}\n${stderr}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      clearTimeout(killer);
    }
  }, 90_000);

  afterAll(() => {
    if (proc && proc.exitCode === null) proc.kill("SIGKILL");
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("the .wasm imports arrive as WebAssembly.Module; the embedded build is refused with NO_WASM", () => {
    expect(answer.runtime).toBe("workerd");
    expect(answer.modulesAreModules).toBe(true);
    expect(answer.embedded.ok).toBe(false);
    expect(answer.embedded.code).toBe("NO_WASM");
    expect(answer.embedded.message).toMatch(/\{ wasm \}/);
  });

  it("init({ wasm: simd module }) reports SIMD; every build from its module matches PyTorch and node", async () => {
    const r = unwrap(answer, "workerd");
    expect(r.info.build).toBe("simd");
    expect(r.validates).toEqual({ scalar: true, simd: true, "relaxed-simd": true });
    // init() was given the SIMD module, so it is not the "best validated" build: check the rest without that rule.
    checkReport("workerd", { ...r, validates: {} }, await nodeBaseline());
  });
});
