// Fuzz entry: loadKeras (a TF.js layers model: model.json + the weight bytes). Seeds are the TF.js fixtures
// (tests/fixtures/keras: every layer class, merge mode, masking, quantized weights); mutants edit the parsed
// model.json in place (class names, units, activations, shapes, the weights manifest: names, shapes, dtypes,
// quantization), inject deep, enormous or prototype-touching JSON, damage the JSON text, and edit the weight bytes
// (truncated, extended, NaN/Inf). Stages: parse = model.json read + weights decoded + layers built (loadKeras does
// all of it; an UNSUPPORTED_OP or BAD_MODEL from it counts as validation once the JSON parsed), run = predict.

import type { Tensor } from "../../../src/api.js";
import type { Engine } from "../../../src/engine/engine.js";
import { loadKeras, type KerasModel } from "../../../src/io/keras/index.js";
import type { FuzzEntry, GoldenModel } from "../entry.js";
import { BYTE_MUTATORS, INTERESTING_F32, POLLUTION_JSON, type Rand, badJsonValueText, mutateJsonTree } from "../mutate.js";
import { checkOutput, closeTo, readSeed } from "./common.js";
import { readdirSync } from "node:fs";
import { join } from "node:path";

interface Seed { name: string; json: string; weights: Uint8Array; x: Tensor; expected: Float32Array }
interface Input { json: string | object; weights: Uint8Array; x: Tensor }

const DIR = "tests/fixtures/keras";
const GOLDEN = "bidir_sum_gru_seq";

function loadSeed(root: string, name: string): Seed {
  const json = new TextDecoder().decode(readSeed(root, `${DIR}/${name}.model.json`));
  const io = JSON.parse(new TextDecoder().decode(readSeed(root, `${DIR}/${name}.io.json`)));
  const data = io.input.dtype === "int32" ? Int32Array.from(io.input.data) : Float32Array.from(io.input.data);
  return { name, json, weights: readSeed(root, `${DIR}/${name}.weights.bin`), x: { data, dims: io.input.dims }, expected: Float32Array.from(io.expected.data) };
}

function mutateWeights(w: Uint8Array, r: Rand): Uint8Array {
  if (r.chance(0.5)) {
    const out = w.slice();
    const dv = new DataView(out.buffer);
    for (let k = r.range(1, 4); k > 0 && out.length >= 4; k--) dv.setFloat32(r.int(out.length >> 2) * 4, r.pick(INTERESTING_F32), true);
    return out;
  }
  return r.pick([BYTE_MUTATORS.truncate, BYTE_MUTATORS.truncateTail, BYTE_MUTATORS.appendGarbage, BYTE_MUTATORS.bitFlips])(w, r, []);
}

const entry: FuzzEntry<Seed, Input> = {
  name: "keras",
  allowedCodes: ["BAD_MODEL", "UNSUPPORTED_OP", "LIMIT_EXCEEDED", "OUT_OF_MEMORY", "SHAPE_MISMATCH", "BAD_ARGUMENT"],
  seeds: (root) => readdirSync(join(root, DIR)).filter((f) => f.endsWith(".model.json")).map((f) => loadSeed(root, f.slice(0, -".model.json".length))),
  mutate(seeds, r) {
    const s = r.pick(seeds);
    const how: string[] = [s.name];
    let weights = s.weights;
    let json: string | object = s.json;
    const n = r.range(1, 3);
    let tree: unknown = JSON.parse(s.json);
    let text: string | null = null;
    for (let k = 0; k < n; k++) {
      const m = r.weighted([[8, "tree"], [2, "weights"], [1, "inject"], [1, "text"]] as const);
      if (m === "tree") { try { how.push(mutateJsonTree(tree, r)); } catch { tree = JSON.parse(s.json); how.push("reset"); } }
      else if (m === "weights") { weights = mutateWeights(weights, r); how.push("weights"); }
      else if (m === "inject") {
        try { JSON.stringify(tree); } catch { tree = JSON.parse(s.json); how.push("reset"); }
        // raw JSON text spliced in as the value of a key at the top of modelTopology
        text = JSON.stringify(tree).replace('"modelTopology":{', `"modelTopology":{"__proto__":${POLLUTION_JSON},"injected":${badJsonValueText(r)},`);
        how.push("inject");
      } else {
        try { JSON.stringify(tree); } catch { tree = JSON.parse(s.json); how.push("reset"); }
        const b = new TextEncoder().encode(text ?? JSON.stringify(tree));
        text = new TextDecoder().decode(r.pick([BYTE_MUTATORS.bitFlips, BYTE_MUTATORS.truncate, BYTE_MUTATORS.deleteChunk, BYTE_MUTATORS.interestingByte])(b, r, []));
        how.push("text");
      }
      if (text !== null) { try { tree = JSON.parse(text); text = null; } catch { break; } }
    }
    try {
      json = text ?? (r.chance(0.3) ? tree as object : JSON.stringify(tree));
    } catch {
      json = s.json; // a tree too deep for JSON.stringify (grafts of grafts): start over from the seed
      how.push("reset");
    }
    return { input: { json, weights, x: s.x }, how };
  },
  async run(input, ctx) {
    ctx.stage = typeof input.json === "string" ? "parse" : "validate";
    if (typeof input.json === "string") { try { JSON.parse(input.json); ctx.stage = "validate"; } catch { /* the loader must say BAD_MODEL */ } }
    const m: KerasModel = await loadKeras(input.json, input.weights, { engine: ctx.engine });
    try {
      ctx.stage = "run";
      checkOutput(m.predict(input.x), "prediction");
    } finally {
      m.dispose();
    }
  },
  async golden(engine: Engine, root: string): Promise<GoldenModel> {
    const s = loadSeed(root, GOLDEN);
    const run = (m: KerasModel) => [m.predict(s.x).data];
    const kept = await loadKeras(s.json, s.weights, { engine });
    const outputs = run(kept);
    return {
      outputs, vsFramework: closeTo(outputs[0], s.expected, "prediction vs TF.js"),
      again: async () => run(kept),
      fresh: async () => { const m = await loadKeras(s.json, s.weights, { engine }); try { return run(m); } finally { m.dispose(); } },
      dispose: () => kept.dispose(),
    };
  },
};
export default entry;
