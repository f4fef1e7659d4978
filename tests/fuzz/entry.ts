// What one loader contributes to the fuzzer: its seeds, its mutators, how to load and run one input, and a golden
// model whose outputs must not change while the fuzzer hammers the same engine. One file per loader in loaders/.

import type { Engine } from "../../src/engine/engine.js";
import type { RnnErrorCode } from "../../src/errors.js";
import type { Rand } from "./mutate.js";

/** How deep an input got: rejected while parsing, rejected by the loader's validation, loaded (then rejected at run), ran. */
export type Stage = "parse" | "validate" | "run";

export interface FuzzContext {
  engine: Engine;
  /** The entry advances this as the input gets deeper; an error is counted at the stage it was thrown in. */
  stage: Stage;
}

export interface GoldenModel {
  /** Outputs of the model loaded before the run (all outputs concatenated in a fixed order). */
  outputs: Float32Array[];
  /** How the outputs compare with the framework's expected values: null when they agree within tolerance. */
  vsFramework: string | null;
  /** Runs the kept model again. */
  again(): Promise<Float32Array[]>;
  /** Loads the same model anew in the same engine, runs it and disposes it. */
  fresh(): Promise<Float32Array[]>;
  dispose(): void;
}

export interface FuzzEntry<S = unknown, I = unknown> {
  name: string;
  /** Error codes a rejection of this entry's inputs may carry; any other code is reported. */
  allowedCodes: readonly RnnErrorCode[];
  /** Builds the seed corpus (valid inputs) from files under the repository root. */
  seeds(root: string): S[];
  /** One mutant of one of the seeds; `how` names the mutations (for the report and reproduction). */
  mutate(seeds: readonly S[], r: Rand): { input: I; how: string[] };
  /** Loads and runs one input, advancing ctx.stage; disposes what it loaded. Throws whatever the library throws. */
  run(input: I, ctx: FuzzContext, r: Rand): void | Promise<void>;
  /** A valid model from the seeds, run once, kept alive for the whole run. */
  golden(engine: Engine, root: string): Promise<GoldenModel>;
}
