// Regressions found by the fuzzer (tests/fuzz, loader keras), each on a small hand-made edit of a fixture:
// a load that fails after layers were built frees their engine memory, and messages stay short however large the
// model.json values they quote.
import { describe, expect, it } from "vitest";
import { RnnError } from "../../../src/errors.js";
import { loadKeras } from "../../../src/io/keras/index.js";
import { engineFor } from "../../helpers.js";
import { type AnyJson, fixture, read } from "./fixture.js";


/** The fuzzer's oracle: an RnnError with this code, a message under 2,000 characters, and no engine block left. */
async function rejectsClean(f: () => Promise<unknown> | unknown, code: string, ...parts: string[]): Promise<RnnError> {
  const engine = await engineFor("simd");
  const before = engine.arena.liveBlocks;
  let err: unknown = null;
  try { await f(); } catch (e) { err = e; }
  expect(err, `expected ${code}`).toBeInstanceOf(RnnError);
  const e = err as RnnError;
  expect(e.code).toBe(code);
  expect(e.message.length).toBeLessThan(2000);
  for (const s of parts) expect(e.message).toContain(s);
  expect(engine.arena.liveBlocks, "engine blocks left by the failed call").toBe(before);
  return e;
}

describe("loadKeras: a load that fails after building layers frees them", () => {
  it("functional_flatten: an output layer that does not exist (Dense + LSTM + Dense already built)", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_flatten");
    json.modelTopology.config.output_layers = [["no_such_layer", 0, 0]];
    await rejectsClean(() => loadKeras(json, bytes, { engine }), "BAD_MODEL", "output_layers", "no_such_layer");
  });
  it("functional_flatten: an inbound node naming a missing layer", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_flatten");
    json.modelTopology.config.layers[5].inbound_nodes[0][0][0] = "ghost";
    await rejectsClean(() => loadKeras(json, bytes, { engine }), "BAD_MODEL", "ghost");
  });
  it("gru_reset_after_keras3_masked_backwards: two output layers (GRU and Dense already built)", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("gru_reset_after_keras3_masked_backwards");
    const cfg = json.modelTopology.config;
    cfg.output_layers = [cfg.output_layers[0], cfg.output_layers[0]];
    await rejectsClean(() => loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", "output_layers");
  });
  it("functional_return_state: output_layers that is not a tensor reference (LSTM already built)", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_return_state");
    json.modelTopology.config.output_layers = [[7, 0, 0]];
    await rejectsClean(() => loadKeras(json, bytes, { engine }), "BAD_MODEL", "output_layers");
  });
  it("a layer that fails to build after a recurrent layer was built", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_return_state");
    json.modelTopology.config.layers[3].config.activation = "no_such_activation";
    await rejectsClean(() => loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", "no_such_activation");
  });
});

describe("loadKeras: messages stay short", () => {
  it("an input shape of 3,000 dims is quoted as its first few", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_flatten");
    const input = json.modelTopology.config.layers[0].config;
    input.batch_input_shape = [null, ...new Array(3000).fill(0)];
    const m = await loadKeras(json, bytes, { engine });
    try {
      const e = await rejectsClean(() => m.predict({ data: new Float32Array(30), dims: [2, 5, 3] }), "SHAPE_MISMATCH", "x: expected dims [*, 0, 0", "…", "3001 in all", "found [2, 5, 3]");
      expect(e.message.length).toBeLessThan(200);
    } finally {
      m.dispose();
    }
  });
  it("an input of 3,000 dims is quoted as its first few", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_flatten");
    const m = await loadKeras(json, bytes, { engine });
    try {
      await rejectsClean(() => m.predict({ data: new Float32Array(0), dims: new Array(3000).fill(0) }), "SHAPE_MISMATCH", "x:", "…");
    } finally {
      m.dispose();
    }
  });
  it("long layer and weight names are cut", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("functional_flatten");
    const long = "w".repeat(5000);
    json.weightsManifest[0].weights[0].name = long;
    json.weightsManifest[0].weights[1].name = long;
    await rejectsClean(() => loadKeras(json, bytes, { engine }), "BAD_MODEL", "appears twice", "…");
    const j2 = fixture("functional_flatten").json;
    j2.modelTopology.config.layers[5].inbound_nodes[0][0][0] = long;
    await rejectsClean(() => loadKeras(j2, bytes, { engine }), "BAD_MODEL", "…");
    const j3 = fixture("functional_flatten").json;
    const w0 = j3.weightsManifest[0].weights[0];
    w0.shape = [...w0.shape, ...new Array(3000).fill(1)]; // the same values, 3,000 more dims
    await rejectsClean(() => loadKeras(j3, bytes, { engine }), "BAD_MODEL", "should have shape", "…");
  });
  it("a JSON path through long keys is cut", async () => {
    const engine = await engineFor("simd");
    let v: AnyJson = 1;
    for (let i = 0; i < 120; i++) v = { ["k".repeat(100)]: v };
    await rejectsClean(() => loadKeras({ modelTopology: v }, new Uint8Array(0), { engine }), "BAD_MODEL", "nested deeper");
  });
});
