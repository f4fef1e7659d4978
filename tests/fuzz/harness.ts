// The main-thread side of the fuzzer: bundles an entry's worker (esbuild, so that the worker runs the TypeScript
// sources directly), runs it over a range of input indices, and watches a shared progress counter. An input that
// takes longer than `perInputMs` is a hang: the worker is terminated and a new one resumes after that input. A worker
// that dies (uncaught error, heap limit) is a crash, recorded the same way. Used by fuzz.test.ts and scripts/fuzz.mjs.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { build } from "esbuild";
import type { EntryInfo } from "./entries.js";
import type { Violation, WorkerArgs, WorkerResult } from "./worker.js";

export interface FuzzOptions {
  root: string;
  entry: EntryInfo;
  iterations: number;
  seed: number;
  build?: WorkerArgs["build"];
  /** An input running longer than this is a hang. Default 5000 ms. */
  perInputMs?: number;
  /** Wall-clock budget for the whole run; inputs past it are not run (the report says how many were). Default none. */
  budgetMs?: number;
  /** Engine limits inside the worker. Default 256 MiB and 2^22 elements. */
  limits?: WorkerArgs["limits"];
  /** JS heap limit of the worker (MB). Default 512. */
  heapMb?: number;
  /** Stop early once this many violations were seen (the report says so). Default: never. */
  maxViolations?: number;
  /** Receives the bytes of the first reported violating inputs. */
  onInput?: (index: number, bytes: Uint8Array) => void;
}

export interface FuzzReport {
  entry: string;
  done: number;
  counts: WorkerResult["counts"];
  codes: Record<string, number>;
  examples: Record<string, string[]>;
  violations: Violation[];
  violationCount: number;
  golden: WorkerResult["golden"][];
  workers: number;
  ms: number;
  memoryBytes: number;
}

const bundles = new Map<string, Promise<string>>();
let outDir: string | null = null;

/** Bundles tests/fuzz/worker.ts with the entry's module into one ESM file for new Worker(). */
export function bundleWorker(root: string, entry: EntryInfo): Promise<string> {
  let p = bundles.get(entry.name);
  if (!p) {
    outDir ??= mkdtempSync(join(tmpdir(), "rnn-wasm-fuzz-"));
    const outfile = join(outDir, `${entry.name}.mjs`);
    p = build({
      stdin: {
        contents: `import entry from ${JSON.stringify(join(root, entry.module))};\n` +
          `import { runWorker } from ${JSON.stringify(join(root, "tests/fuzz/worker.ts"))};\nawait runWorker(entry);\n`,
        resolveDir: root, loader: "ts", sourcefile: `fuzz-${entry.name}.ts`,
      },
      bundle: true, platform: "node", format: "esm", target: "node18", outfile, logLevel: "error",
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    }).then(() => outfile);
    bundles.set(entry.name, p);
  }
  return p;
}

export function removeBundles(): void {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
  outDir = null;
  bundles.clear();
}

/** Whether the entry's loader exists in the tree (else the entry is skipped, and says so). */
export function entryAvailable(root: string, entry: EntryInfo): boolean {
  return [entry.module, ...entry.requires].every((f) => existsSync(join(root, f)));
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzReport> {
  const file = await bundleWorker(o.root, o.entry);
  const perInputMs = o.perInputMs ?? 5000;
  const t0 = Date.now();
  const deadline = o.budgetMs ? t0 + o.budgetMs : Number.MAX_SAFE_INTEGER;
  const rep: FuzzReport = {
    entry: o.entry.name, done: 0, counts: { rejectedAtParse: 0, rejectedAtValidation: 0, loaded: 0, ran: 0 }, codes: {}, examples: {},
    violations: [], violationCount: 0, golden: [], workers: 0, ms: 0, memoryBytes: 0,
  };
  let from = 0;
  while (from < o.iterations && Date.now() < deadline) {
    rep.workers++;
    const progress = new SharedArrayBuffer(7 * 4);
    const prog = new Int32Array(progress);
    prog[0] = from;
    const args: WorkerArgs = {
      runSeed: o.seed, from, to: o.iterations, build: o.build ?? "auto",
      limits: o.limits ?? { maxBytes: 256 * 2 ** 20, maxElements: 2 ** 22 }, progress, root: o.root, deadline, keepInputs: !!o.onInput,
    };
    const w = new Worker(file, { workerData: args, resourceLimits: { maxOldGenerationSizeMb: o.heapMb ?? 512 } });
    // one of: a result; a hang (terminated by the watchdog); a crash (error or exit without a result)
    let codes: { codes: Record<string, number>; examples: Record<string, string[]> } = { codes: {}, examples: {} };
    const outcome = await new Promise<{ result?: WorkerResult; failure?: Violation }>((resolve) => {
      let settled = false;
      let last = -1, since = Date.now(), started = false;
      const finish = (v: { result?: WorkerResult; failure?: Violation }) => {
        if (settled) return;
        settled = true;
        clearInterval(timer);
        resolve(v);
      };
      const timer = setInterval(() => {
        const i = Atomics.load(prog, 0);
        if (i !== last || Atomics.load(prog, 1)) { last = i; since = Date.now(); started = started || i !== from; return; }
        // startup (bundle load, engine, golden model) gets a generous allowance
        if (Date.now() - since > (started ? perInputMs : Math.max(perInputMs, 30_000))) {
          void w.terminate();
          finish({ failure: { index: i, kind: "hang", how: [], detail: `input ${i} ran longer than ${perInputMs} ms; the worker was terminated` } });
        }
      }, 50);
      w.on("message", (m: { type: string; result?: WorkerResult; index?: number; bytes?: Uint8Array; violation?: Violation; codes?: Record<string, number>; examples?: Record<string, string[]> }) => {
        if (m.type === "result") finish({ result: m.result });
        else if (m.type === "violation") {
          rep.violations.push(m.violation!);
          if (o.maxViolations && rep.violations.length >= o.maxViolations) {
            void w.terminate();
            finish({ failure: { index: Atomics.load(prog, 0), kind: "crash", how: [], detail: `stopped after ${o.maxViolations} violations` } });
          }
        } else if (m.type === "codes") codes = { codes: m.codes!, examples: m.examples! };
        else if (m.type === "input" && o.onInput) o.onInput(m.index!, m.bytes!);
      });
      w.on("error", (e) => finish({ failure: { index: Atomics.load(prog, 0), kind: "crash", how: [], detail: `the worker died: ${e?.stack ?? e}` } }));
      w.on("exit", (code) => finish({ failure: { index: Atomics.load(prog, 0), kind: "crash", how: [], detail: `the worker exited (code ${code}) without a result` } }));
    });
    // counts come from the shared counters (they survive a terminated worker); codes from the last snapshot
    rep.counts.rejectedAtParse += prog[2];
    rep.counts.rejectedAtValidation += prog[3];
    rep.counts.loaded += prog[4];
    rep.counts.ran += prog[5];
    rep.violationCount += prog[6];
    const r = outcome.result;
    if (r) codes = { codes: r.codes, examples: r.examples };
    for (const [k, n] of Object.entries(codes.codes)) rep.codes[k] = (rep.codes[k] ?? 0) + n;
    for (const [k, list] of Object.entries(codes.examples)) rep.examples[k] = [...new Set([...(rep.examples[k] ?? []), ...list])];
    await w.terminate();
    if (r) {
      rep.done += r.done;
      rep.golden.push(r.golden);
      rep.memoryBytes = Math.max(rep.memoryBytes, r.memoryBytes);
      break; // the worker ran to the end or to the deadline
    }
    const f = outcome.failure!;
    if (f.detail.startsWith("stopped after")) { rep.done += Math.max(0, f.index - from); break; }
    rep.violations.push(f);
    rep.violationCount++;
    rep.done += Math.max(0, f.index - from + 1);
    from = f.index + 1;
  }
  rep.ms = Date.now() - t0;
  return rep;
}

/** A few lines for the test log: how deep the mutants got and what rejected them. */
export function summarize(r: FuzzReport): string {
  const c = r.counts;
  const codes = Object.entries(r.codes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
  return `${r.entry}: ${r.done} inputs in ${r.ms} ms (${r.workers} worker${r.workers > 1 ? "s" : ""}): rejected at parse ${c.rejectedAtParse}, ` +
    `rejected at validation ${c.rejectedAtValidation}, loaded ${c.loaded + c.ran}, ran ${c.ran}; violations ${r.violationCount}\n  codes: ${codes}`;
}
