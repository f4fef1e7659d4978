// Fuzz entry: loadModel (the project's own model files: a safetensors file whose __metadata__["rnn-wasm"] holds the
// architecture JSON). Seed: the bundled spam model (models/spam-bigru.safetensors). Mutants: the safetensors
// mutators (shapes, dtypes, offsets, data, tensors dropped, renamed, duplicated, header damage) and edits of the
// architecture JSON inside the metadata (layer types, sizes, prefixes, labels, tokenizer, deep or enormous values).
// Stages: parse = parseSafetensors, validate = modelFromFile, run = predict on text and on token ids.

import type { Engine } from "../../../src/engine/engine.js";
import { parseSafetensors } from "../../../src/io/safetensors.js";
import { MODEL_METADATA_KEY, type RnnModel, loadModel, modelFromFile } from "../../../src/io/model.js";
import type { FuzzEntry, GoldenModel } from "../entry.js";
import { type Rand, badJsonValueText, mutateJsonTree } from "../mutate.js";
import { decodeSafe, encodeSafe, mutateSafetensors } from "../safetensors-mutators.js";
import { checkOutput, readSeed } from "./common.js";

const SEED = "models/spam-bigru.safetensors";
const TEXTS = ["Subject: WIN A FREE CRUISE!!! click here now", "Subject: minutes of Tuesday's meeting\n\nAttached.", "", "é\u0000\ud7ff"];

function mutateArchitecture(seed: Uint8Array, r: Rand): { bytes: Uint8Array; how: string[] } {
  const doc = decodeSafe(seed);
  const meta = { ...(doc.meta as Record<string, string>) };
  const arch = JSON.parse(meta[MODEL_METADATA_KEY]);
  const how: string[] = [];
  if (r.chance(0.15)) {
    meta[MODEL_METADATA_KEY] = r.chance(0.5) ? badJsonValueText(r) : meta[MODEL_METADATA_KEY].slice(0, r.int(meta[MODEL_METADATA_KEY].length));
    how.push("arch:text");
  } else {
    for (let k = r.range(1, 2); k > 0; k--) how.push("arch:" + mutateJsonTree(arch, r));
    try { meta[MODEL_METADATA_KEY] = JSON.stringify(arch); } catch { how.push("reset"); }
  }
  return { bytes: encodeSafe({ ...doc, meta }, true), how };
}

const entry: FuzzEntry<Uint8Array, { bytes: Uint8Array; ids: boolean }> = {
  name: "model",
  allowedCodes: ["BAD_MODEL", "UNSUPPORTED_OP", "LIMIT_EXCEEDED", "OUT_OF_MEMORY", "SHAPE_MISMATCH", "BAD_ARGUMENT"],
  seeds: (root) => [readSeed(root, SEED)],
  mutate(seeds, r) {
    const m = r.chance(0.5) ? mutateArchitecture(seeds[0], r) : mutateSafetensors(seeds[0], seeds, r);
    return { input: { bytes: m.bytes, ids: r.chance(0.3) }, how: m.how };
  },
  run(input, ctx, r) {
    ctx.stage = "parse";
    const file = parseSafetensors(input.bytes, ctx.engine.maxElements);
    ctx.stage = "validate";
    const m = modelFromFile(file, ctx.engine);
    try {
      ctx.stage = "run";
      const p = input.ids
        ? m.predict({ data: Int32Array.from({ length: 12 }, () => r.int(300) - 20), dims: [2, 6] })
        : m.predict(TEXTS.slice(0, r.range(1, TEXTS.length)));
      checkOutput(p.output, "output");
    } finally {
      m.dispose();
    }
  },
  async golden(engine: Engine, root: string): Promise<GoldenModel> {
    // the model's agreement with PyTorch is tested by its own suite; here the check is bit for bit, before vs after
    const bytes = readSeed(root, SEED);
    const run = (m: RnnModel) => [m.predict(TEXTS.slice(0, 2)).output.data];
    const kept = await loadModel(bytes, { engine });
    const outputs = run(kept);
    return {
      outputs, vsFramework: null,
      again: async () => run(kept),
      fresh: async () => { const m = await loadModel(bytes, { engine }); try { return run(m); } finally { m.dispose(); } },
      dispose: () => kept.dispose(),
    };
  },
};
export default entry;
