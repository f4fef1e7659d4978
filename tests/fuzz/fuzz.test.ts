// The fuzz suite: ≥ 10,000 mutated inputs per loader, each in a watched worker (fuzz/harness.ts), with the oracles of
// fuzz/worker.ts. The log says how deep the mutants got (rejected at parse / at validation / loaded / ran).
// A longer run: `node scripts/fuzz.mjs --iterations N --seed S [--loader NAME]`.

import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ENTRIES } from "./entries.js";
import { entryAvailable, removeBundles, runFuzz, summarize } from "./harness.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const ITERATIONS = 10_000;
const SEED = 0x7a11;

afterAll(() => removeBundles());

describe("fuzz: every loader holds its promise on 10,000 mutants", () => {
  for (const entry of ENTRIES) {
    it(entry.name, async () => {
      // every loader exists now: a missing one fails, it is never skipped
      expect(entryAvailable(root, entry), `${entry.requires.join(", ")} present`).toBe(true);
      const rep = await runFuzz({ root, entry, iterations: ITERATIONS, seed: SEED, perInputMs: 3000, budgetMs: 40_000, maxViolations: 10 });
      console.log(summarize(rep));
      for (const v of rep.violations.slice(0, 10)) console.log(`  violation at input ${v.index} [${v.kind}] (${v.how.join(" + ")}) ${v.stage ?? ""}: ${v.detail}`);
      expect(rep.violations, "violations").toEqual([]);
      expect(rep.done, "inputs run within the budget").toBeGreaterThanOrEqual(ITERATIONS);
      // depth: the structure-aware mutants must reach past the parser, and many must run
      expect(rep.counts.rejectedAtValidation + rep.counts.loaded + rep.counts.ran, "mutants that parsed").toBeGreaterThan(ITERATIONS / 2);
      expect(rep.counts.ran, "mutants that ran").toBeGreaterThan(ITERATIONS / 10);
      // the golden model, kept alive in the fuzzed engine and loaded anew, is unchanged
      expect(rep.golden.length).toBe(1);
      expect(rep.golden[0]!.vsFramework, "golden vs framework").toBeNull();
      expect(rep.golden[0]!.keptModel, "kept golden model, bit for bit").toBeNull();
      expect(rep.golden[0]!.freshModel, "golden model loaded after the run, bit for bit").toBeNull();
    }, 120_000);
  }
});
