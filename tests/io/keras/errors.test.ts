// loadKeras: model.json spellings (Keras 2 converter wrapper, legacy Sequential list, object input), safe parsing
// (no prototype pollution), and every error class with the part of the model it names.
import { describe, expect, it } from "vitest";
import { RnnError } from "../../../src/errors.js";
import { loadKeras } from "../../../src/io/keras/index.js";
import { closeTo, engineFor } from "../../helpers.js";
import { type AnyJson, fixture, read } from "./fixture.js";

const inputOf = (io: AnyJson) => ({
  data: io.input.dtype === "int32" ? Int32Array.from(io.input.data) : Float32Array.from(io.input.data),
  dims: io.input.dims as number[],
});

async function rejects(p: Promise<unknown> | (() => unknown), code: string, ...parts: string[]): Promise<void> {
  let err: unknown = null;
  try { await (typeof p === "function" ? p() : p); } catch (e) { err = e; }
  expect(err, `expected ${code}`).toBeInstanceOf(RnnError);
  expect((err as RnnError).code).toBe(code);
  for (const s of parts) expect((err as RnnError).message).toContain(s);
}

describe("loadKeras model.json spellings", () => {
  it("accepts the Keras 2 converter wrapper (modelTopology.model_config), an object, and an ArrayBuffer", async () => {
    const engine = await engineFor("simd");
    const { json, bytes, io } = fixture("lstm_default");
    const wrapped = { ...json, modelTopology: { keras_version: "2.15.0", backend: "tensorflow", model_config: json.modelTopology } };
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const m = await loadKeras(wrapped, ab, { engine });
    expect(m.semantics).toBe("keras");
    expect(closeTo(m.predict(inputOf(io)).data, io.expected.data)).toBeNull();
    m.dispose();
  });
  it("accepts the legacy Sequential config (a bare list of layers)", async () => {
    const engine = await engineFor("simd");
    const { json, bytes, io } = fixture("gru_stacked_backwards");
    json.modelTopology.config = json.modelTopology.config.layers;
    const m = await loadKeras(json, bytes, { engine });
    expect(m.semantics).toBe("tfjs");
    expect(m.layers.map((l) => l.className)).toEqual(["GRU", "GRU", "TimeDistributed"]);
    expect(m.inputShape).toEqual([null, 5, 3]);
    expect(closeTo(m.predict(inputOf(io)).data, io.expected.data)).toBeNull();
    m.dispose();
  });
  it("reports the input dtype of an Embedding model and accepts BigInt64Array ids", async () => {
    const engine = await engineFor("scalar");
    const { json, bytes, io } = fixture("functional_return_state");
    const m = await loadKeras(json, bytes, { engine });
    expect(m.inputDtype).toBe("int32");
    const y = m.predict({ data: BigInt64Array.from(io.input.data.map((v: number) => BigInt(v))), dims: io.input.dims });
    expect(closeTo(y.data, io.expected.data)).toBeNull();
    m.dispose();
  });
});

describe("loadKeras safe parsing", () => {
  it("never lets model.json set a prototype", async () => {
    const engine = await engineFor("simd");
    const { json, bytes, io } = fixture("lstm_default");
    const text = JSON.stringify(json)
      .replace('"modelTopology":{', '"modelTopology":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},')
      .replace('"units":5,', '"units":5,"__proto__":{"units":99,"return_sequences":true},"prototype":{"x":1},');
    expect(text).toContain('"__proto__":{"units":99');
    const m = await loadKeras(text, bytes, { engine });
    expect(({} as AnyJson).polluted).toBeUndefined();
    expect((Object.prototype as AnyJson).units).toBeUndefined();
    expect(m.layers[0].units).toBe(5);
    expect(m.layers[0].returnSequences).toBe(false);
    expect(closeTo(m.predict(inputOf(io)).data, io.expected.data)).toBeNull();
    m.dispose();
    // the same through an object whose own "__proto__" key JSON.parse created
    const m2 = await loadKeras(JSON.parse(text), bytes, { engine });
    expect(m2.layers[0].units).toBe(5);
    m2.dispose();
  });
  it("refuses absurdly deep nesting without overflowing the stack", async () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    await rejects(loadKeras(`{"modelTopology":${deep}}`, new Uint8Array(0), { engine: await engineFor("simd") }), "BAD_MODEL", "nested deeper");
  });
});

describe("loadKeras errors", () => {
  it("bad JSON is BAD_MODEL", async () => {
    await rejects(loadKeras("{\"modelTopology\": ", new Uint8Array(0), { engine: await engineFor("simd") }), "BAD_MODEL", "not valid JSON");
  });
  it("weights that do not match the manifest are BAD_MODEL", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("bidir_concat_lstm_seq");
    await rejects(loadKeras(json, bytes.subarray(0, bytes.length - 4), { engine }), "BAD_MODEL", "weights", "bytes");
    const longer = new Uint8Array(bytes.length + 4);
    longer.set(bytes);
    await rejects(loadKeras(json, longer, { engine }), "BAD_MODEL", `describes ${bytes.length} bytes`);
  });
  it("a missing or mis-shaped weight is BAD_MODEL naming it", async () => {
    const engine = await engineFor("simd");
    let { json, bytes } = fixture("lstm_default");
    const w0 = json.weightsManifest[0].weights[1];
    w0.name = w0.name.replace("recurrent_kernel", "recurrent_kernal");
    await rejects(loadKeras(json, bytes, { engine }), "BAD_MODEL", "recurrent_kernel");
    ({ json, bytes } = fixture("lstm_default"));
    json.weightsManifest[0].weights[0].shape = [20, 4]; // kernel [4, 20] with the same element count
    await rejects(loadKeras(json, bytes, { engine }), "BAD_MODEL", "kernel", "[20, 4]");
  });
  it("unknown layer classes and options are UNSUPPORTED_OP naming the layer and option", async () => {
    const engine = await engineFor("simd");
    let { json, bytes } = fixture("lstm_stacked_sigmoid");
    const layers = () => json.modelTopology.config.layers;
    const lstmName = layers()[1].config.name;
    layers()[1].class_name = "ConvLSTM1D";
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", lstmName, "ConvLSTM1D");
    ({ json, bytes } = fixture("lstm_stacked_sigmoid"));
    layers()[1].config.frobnicate = true;
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", lstmName, "frobnicate");
    ({ json, bytes } = fixture("lstm_stacked_sigmoid"));
    layers()[1].config.stateful = true;
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", lstmName, "stateful", "only false is supported, found true");
    ({ json, bytes } = fixture("lstm_stacked_sigmoid"));
    layers()[1].config.recurrent_activation = "softmax";
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", lstmName, "softmax");
    ({ json, bytes } = fixture("lstm_stacked_sigmoid"));
    layers()[3].config.activation = "gelu";
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", layers()[3].config.name, "gelu");
    ({ json, bytes } = fixture("bidir_concat_lstm_seq"));
    layers()[0].config.merge_mode = "max";
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", "merge_mode", "max");
    ({ json, bytes } = fixture("quantized_uint8"));
    json.weightsManifest[0].weights[0].quantization.dtype = "int4";
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", "quantization", "int4");
  });
  it("functional models with two inputs or shared layers are UNSUPPORTED_OP", async () => {
    const engine = await engineFor("simd");
    let { json, bytes } = fixture("functional_flatten");
    const cfg = () => json.modelTopology.config;
    cfg().input_layers.push(cfg().input_layers[0]);
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", "input_layers");
    ({ json, bytes } = fixture("functional_flatten"));
    const l = cfg().layers[1];
    l.inbound_nodes.push(l.inbound_nodes[0]);
    await rejects(loadKeras(json, bytes, { engine }), "UNSUPPORTED_OP", l.name, "called 2 times");
  });
  it("predict checks its input, and every call after dispose() is DISPOSED", async () => {
    const engine = await engineFor("simd");
    const { json, bytes, io } = fixture("embedding_mask_lstm");
    const m = await loadKeras(json, bytes, { engine });
    await rejects(() => m.predict({ data: new Int32Array(5), dims: [1, 5] }), "SHAPE_MISMATCH", "x", "[*, 6]");
    await rejects(() => m.predict({ data: new Int32Array(6), dims: [2, 6] }), "SHAPE_MISMATCH", "x");
    const ids = Int32Array.from(io.input.data);
    ids[3] = 12;
    await rejects(() => m.predict({ data: ids, dims: io.input.dims }), "BAD_ARGUMENT", "Embedding", "12");
    m.dispose();
    await rejects(() => m.predict(inputOf(io)), "DISPOSED");
    const f = fixture("lstm_default");
    const m2 = await loadKeras(f.json, f.bytes, { engine });
    await rejects(() => m2.predict({ data: new Int32Array(3 * 6 * 4), dims: [3, 6, 4] }), "SHAPE_MISMATCH", "float32");
    m2.dispose();
  });
  it("bad arguments are BAD_ARGUMENT", async () => {
    const engine = await engineFor("simd");
    const { json, bytes } = fixture("lstm_default");
    await rejects(loadKeras(42 as AnyJson, bytes, { engine }), "BAD_ARGUMENT", "modelJson");
    await rejects(loadKeras(json, [1, 2] as AnyJson, { engine }), "BAD_ARGUMENT", "weights");
    await rejects(loadKeras(json, bytes, { engine, semantics: "pytorch" as AnyJson }), "BAD_ARGUMENT", "semantics");
  });
});
