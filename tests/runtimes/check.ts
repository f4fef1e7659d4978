// Shared checks of the runtime tests: bounded child processes, and the verdict on a golden report (golden.mjs) against
// PyTorch's expected outputs and against Node's report, bit for bit for the scalar and SIMD builds.
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { closeTo, sameBits } from "../helpers.js";
// @ts-expect-error plain ES module shared with the browsers and workerd (no declarations)
import { BUILDS, CASES, readSafetensors } from "./golden.mjs";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = (name: string): string => join(ROOT, "node_modules", ".bin", name);
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
export { BUILDS, CASES };

type Encoded = { dims: number[]; b64: string };
type CaseResult = { engineBuild: string; output: Encoded; h: Encoded; c?: Encoded };
export type GoldenReport = {
  version: string;
  info: { version: string; build: string; simd: boolean };
  infoAgain: { version: string; build: string; simd: boolean };
  autoBuild: string;
  validates: Record<string, boolean>;
  results: Record<string, Record<string, CaseResult> & { error?: { code?: string; message: string } }>;
  ms: number;
};
export type GoldenAnswer = { runtime?: string; ok: boolean; report?: GoldenReport; error?: { message: string; stack?: string } };

/** Runs a command with a hard time limit (SIGKILL) and returns its stdout; a failure shows stderr. */
export function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, {
      cwd: opts.cwd ?? ROOT, timeout: opts.timeoutMs ?? 30_000, killSignal: "SIGKILL", maxBuffer: 64 << 20,
      env: opts.env ?? process.env,
    }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(" ")} failed (${err.killed ? "killed after the time limit" : `exit ${err.code}`}):\n${stderr}\n${stdout.slice(0, 2000)}`));
      else resolve(stdout);
    });
  });
}

/** The last line of stdout parsed as JSON. */
export function lastJson<T>(stdout: string): T {
  const lines = stdout.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]) as T;
}

/** The golden report of `node` (with relaxed SIMD enabled, as the tests run it), the reference for the others. */
let nodeReport: Promise<GoldenReport> | null = null;
export function nodeBaseline(): Promise<GoldenReport> {
  nodeReport ??= run(process.execPath, ["--experimental-wasm-relaxed-simd", "tests/runtimes/run-cli.mjs"])
    .then((out) => unwrap(lastJson<GoldenAnswer>(out), "node"));
  return nodeReport;
}

export function unwrap(answer: GoldenAnswer, label: string): GoldenReport {
  if (!answer.ok || !answer.report) throw new Error(`${label}: the golden run failed: ${answer.error?.message}\n${answer.error?.stack ?? ""}`);
  return answer.report;
}

const decode = (e: Encoded): Float32Array => {
  const b = Buffer.from(e.b64, "base64");
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

const manifest = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/torch/manifest.json"), "utf8"));
function expected(name: string): Record<string, { dims: number[]; data: Float32Array }> {
  const meta = manifest.cases.find((c: { name: string }) => c.name === name);
  return readSafetensors(new Uint8Array(readFileSync(join(ROOT, "tests/fixtures/torch", meta.io))));
}

/** The build "auto" must pick: the best one this runtime validates. */
export function bestValidated(validates: Record<string, boolean>): string {
  return ["relaxed-simd", "simd", "scalar"].find((b) => validates[b]) ?? "none";
}

/**
 * Checks a runtime's report: init() reports the build that runs (the best validated one, idempotently); every build
 * the runtime validates runs (scalar and SIMD everywhere), one it does not is refused with NO_WASM; each output
 * matches PyTorch to tolerance; the SIMD outputs are bit-identical to the scalar ones; the scalar and SIMD outputs are
 * bit-identical to Node's, relaxed SIMD's within tolerance.
 */
export function checkReport(label: string, r: GoldenReport, node: GoldenReport | null): void {
  expect(r.version, `${label}: version`).toBe(VERSION);
  expect(r.info, `${label}: init() twice`).toEqual(r.infoAgain);
  expect(r.info.version, `${label}: init().version`).toBe(VERSION);
  expect(r.info.simd, `${label}: init().simd`).toBe(r.info.build !== "scalar");
  expect(r.autoBuild, `${label}: createEngine() auto build`).toBe(r.info.build);
  if (Object.keys(r.validates).length) {
    expect([r.validates.scalar, r.validates.simd], `${label}: the scalar and SIMD builds validate`).toEqual([true, true]);
    expect(r.info.build, `${label}: init() build vs the builds this runtime validates`).toBe(bestValidated(r.validates));
  }
  for (const build of BUILDS as string[]) {
    const res = r.results[build];
    if (r.validates[build] === false) {
      expect(res.error?.code, `${label} ${build}: a build the runtime does not validate is refused with NO_WASM`).toBe("NO_WASM");
      continue;
    }
    expect(res.error, `${label} ${build}: engine creation`).toBeUndefined();
    for (const name of CASES as string[]) {
      const got = res[name];
      const exp = expected(name);
      expect(got.engineBuild, `${label} ${build} ${name}: engine build`).toBe(build);
      for (const part of ["output", "h", "c"] as const) {
        if (!exp[part]) { expect(got[part], `${label} ${build} ${name}.${part}`).toBeFalsy(); continue; }
        const g = got[part];
        expect(g, `${label} ${build} ${name}.${part}`).toBeTruthy();
        expect(g!.dims, `${label} ${build} ${name}.${part} dims`).toEqual(exp[part].dims);
        const data = decode(g!);
        expect(closeTo(data, exp[part].data), `${label} ${build} ${name}.${part} vs PyTorch`).toBeNull();
        if (build === "simd") { // the README's promise: the SIMD build gives the scalar build's numbers bit for bit
          expect(sameBits(data, decode(r.results.scalar[name][part]!)), `${label} simd ${name}.${part} vs scalar, bit for bit`).toBeNull();
        }
        if (!node) continue;
        const ref = decode(node.results[build][name][part]!);
        if (build === "relaxed-simd") expect(closeTo(data, ref), `${label} ${build} ${name}.${part} vs node`).toBeNull();
        else expect(sameBits(data, ref), `${label} ${build} ${name}.${part} vs node, bit for bit`).toBeNull();
      }
    }
  }
}
