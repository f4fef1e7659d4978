// The fuzz loop, run inside a node:worker_threads worker so that the main thread can terminate it when one input
// takes too long (a synchronous loop cannot be raced with a promise) or when it dies.
//
// Before each input the worker stores the input's index into a shared Int32Array; the main thread watches it.
// Oracles checked for every input: a rejection is an RnnError with an allowed code and a bounded message; no other
// exception escapes; the engine's live blocks return to what they were (nothing leaks on failure); outputs have the
// dims they claim; Object.prototype and Array.prototype are untouched. After the loop, the golden model kept alive in
// the same engine, and the same model loaded anew, reproduce the outputs they gave before the loop bit for bit.

import { parentPort, workerData } from "node:worker_threads";
import { Engine } from "../../src/engine/engine.js";
import { RnnError } from "../../src/errors.js";
import type { FuzzContext, FuzzEntry, Stage } from "./entry.js";
import { Rand, inputSeed } from "./mutate.js";

export interface WorkerArgs {
  runSeed: number;
  from: number;
  to: number;
  build: "auto" | "relaxed-simd" | "simd" | "scalar";
  limits: { maxBytes: number; maxElements: number };
  /**
   * SharedArrayBuffer of Int32 [index being processed, done flag, rejected at parse, rejected at validation, loaded,
   * ran, violations]: the counts survive a worker the main thread had to terminate.
   */
  progress: SharedArrayBuffer;
  root: string;
  /** Stop taking new inputs after this wall-clock time (ms since epoch). */
  deadline: number;
  /** Keep the mutant bytes of reported violations (for reproduction files). */
  keepInputs: boolean;
}

export interface Violation {
  index: number;
  kind: "exception" | "code" | "message" | "leak" | "dims" | "prototype" | "golden" | "hang" | "crash" | "mutator";
  how: string[];
  stage?: Stage;
  detail: string;
}

export interface WorkerResult {
  done: number;
  counts: { rejectedAtParse: number; rejectedAtValidation: number; loaded: number; ran: number };
  codes: Record<string, number>;
  /** A few distinct messages per stage:code (the first 60 characters after the code). */
  examples: Record<string, string[]>;
  violations: Violation[];
  violationCount: number;
  golden: { vsFramework: string | null; keptModel: string | null; freshModel: string | null; outputs: number } | null;
  memoryBytes: number;
  highWater: number;
  ms: number;
}

const MAX_MESSAGE = 2000;
const MAX_REPORTED = 50;

function sameBits(a: Float32Array[], b: Float32Array[]): string | null {
  if (a.length !== b.length) return `${b.length} outputs, expected ${a.length}`;
  for (let k = 0; k < a.length; k++) {
    if (a[k].length !== b[k].length) return `output ${k}: length ${b[k].length}, expected ${a[k].length}`;
    const ua = new Uint32Array(a[k].buffer, a[k].byteOffset, a[k].length), ub = new Uint32Array(b[k].buffer, b[k].byteOffset, b[k].length);
    for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) return `output ${k} element ${i}: ${b[k][i]}, was ${a[k][i]} before the run`;
  }
  return null;
}

function protoKeys(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(",")).join("|");
}

export async function runWorker(entry: FuzzEntry): Promise<void> {
  const a = workerData as WorkerArgs;
  const t0 = Date.now();
  const progress = new Int32Array(a.progress);
  const engine = await Engine.create({ build: a.build, limits: a.limits });
  const seeds = entry.seeds(a.root);
  const golden = await entry.golden(engine, a.root);
  let baseline = engine.arena.liveBlocks;
  const protoBefore = protoKeys();
  const res: WorkerResult = {
    done: 0, counts: { rejectedAtParse: 0, rejectedAtValidation: 0, loaded: 0, ran: 0 }, codes: {}, examples: {}, violations: [],
    violationCount: 0, golden: null, memoryBytes: 0, highWater: 0, ms: 0,
  };
  // violations are sent as they happen, so that none is lost if the worker is terminated later
  const report = (v: Violation, bytes?: unknown) => {
    res.violationCount++;
    Atomics.add(progress, 6, 1);
    if (res.violationCount <= MAX_REPORTED) {
      parentPort!.postMessage({ type: "violation", violation: v });
      if (a.keepInputs && bytes instanceof Uint8Array) parentPort!.postMessage({ type: "input", index: v.index, bytes });
    }
  };
  let i = a.from;
  for (; i < a.to && Date.now() < a.deadline; i++) {
    Atomics.store(progress, 0, i);
    const r = new Rand(inputSeed(a.runSeed, i));
    let m: { input: unknown; how: string[] };
    try {
      m = entry.mutate(seeds, r);
    } catch (e) {
      report({ index: i, kind: "mutator", how: [], detail: `the mutator failed: ${(e as Error).stack}` });
      continue;
    }
    const ctx: FuzzContext = { engine, stage: "parse" };
    try {
      await entry.run(m.input, ctx, r);
      res.counts.ran++;
      Atomics.add(progress, 5, 1);
    } catch (e) {
      if (!(e instanceof RnnError)) {
        report({ index: i, kind: "exception", how: m.how, stage: ctx.stage,
          detail: `${(e as Error)?.name}: ${String((e as Error)?.message).slice(0, 300)}\n${String((e as Error)?.stack).split("\n").slice(1, 6).join("\n")}` }, m.input);
      } else if (!entry.allowedCodes.includes(e.code)) {
        report({ index: i, kind: "code", how: m.how, stage: ctx.stage, detail: e.message.slice(0, 500) }, m.input);
      } else if (e.message.length > MAX_MESSAGE || e.message.length < e.code.length + 12) {
        report({ index: i, kind: "message", how: m.how, stage: ctx.stage, detail: `message of ${e.message.length} characters: ${e.message.slice(0, 200)}…` }, m.input);
      }
      const key = `${ctx.stage}:${e instanceof RnnError ? e.code : (e as Error)?.name}`;
      res.codes[key] = (res.codes[key] ?? 0) + 1;
      const ex = (res.examples[key] ??= []);
      const head = String((e as Error)?.message).replace(/^[A-Z_]+: /, "").replace(/"[^"]*"/g, "…").slice(0, 60);
      if (ex.length < 12 && !ex.includes(head)) ex.push(head);
      const slot = ctx.stage === "parse" ? 2 : ctx.stage === "validate" ? 3 : 4;
      Atomics.add(progress, slot, 1);
      if (ctx.stage === "parse") res.counts.rejectedAtParse++;
      else if (ctx.stage === "validate") res.counts.rejectedAtValidation++;
      else res.counts.loaded++;
    }
    if (engine.arena.liveBlocks !== baseline) {
      report({ index: i, kind: "leak", how: m.how, stage: ctx.stage, detail: `${engine.arena.liveBlocks - baseline} engine blocks still live after the input was disposed` }, m.input);
      baseline = engine.arena.liveBlocks; // carry on from the new state so that one leak is reported once
    }
    if ((i & 63) === 0 && protoKeys() !== protoBefore) {
      report({ index: i, kind: "prototype", how: m.how, detail: "a built-in prototype gained or lost properties" });
      break;
    }
    res.done++;
    if ((i & 255) === 255) parentPort!.postMessage({ type: "codes", codes: res.codes, examples: res.examples });
  }
  Atomics.store(progress, 0, i);
  const after = await golden.again();
  const fresh = await golden.fresh();
  res.golden = {
    vsFramework: golden.vsFramework, keptModel: sameBits(golden.outputs, after), freshModel: sameBits(golden.outputs, fresh),
    outputs: golden.outputs.reduce((n, o) => n + o.length, 0),
  };
  if (protoKeys() !== protoBefore) report({ index: i, kind: "prototype", how: [], detail: "a built-in prototype gained or lost properties" });
  if (({} as Record<string, unknown>).polluted_by_fuzz !== undefined) report({ index: i, kind: "prototype", how: [], detail: "Object.prototype.polluted_by_fuzz is set" });
  golden.dispose();
  res.memoryBytes = engine.arena.memoryBytes;
  res.highWater = engine.arena.highWater;
  res.ms = Date.now() - t0;
  Atomics.store(progress, 1, 1);
  parentPort!.postMessage({ type: "result", result: res });
}
