// Regressions found by the fuzzer (tests/fuzz, loader onnx, e.g. --seed 5 input 3340): operators whose output size
// comes from data (ConstantOfShape, Expand, Range, Concat, Gather, …) check it against the engine's maxElements
// before allocating, no RangeError escapes, feeds are checked against the graph input dims first, and messages stay
// short. Models are hand-made ModelProto bytes (a minimal protobuf writer below).
import { describe, expect, it } from "vitest";
import { Engine } from "../../../src/engine/engine.js";
import { RnnError } from "../../../src/errors.js";
import { loadOnnx } from "../../../src/io/onnx/index.js";
import { type Attr, NodeContext } from "../../../src/ops/onnx/node.js";
import { opTable } from "../../../src/ops/onnx/ops.js";
import type { OTensor } from "../../../src/ops/onnx/tensor.js";

// ───────────────────────── a minimal protobuf writer for ModelProto (field numbers from onnx.proto)

type Field = [no: number, value: number | bigint | string | Uint8Array | Field[]];
function varint(v: bigint): number[] {
  if (v < 0n) v += 1n << 64n; // two's complement, as int64 is encoded
  const out: number[] = [];
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return out;
}
function msg(fields: Field[]): Uint8Array {
  const out: number[] = [];
  for (const [no, v] of fields) {
    if (typeof v === "number" || typeof v === "bigint") { out.push(...varint(BigInt(no << 3)), ...varint(BigInt(v))); continue; }
    const b = typeof v === "string" ? new TextEncoder().encode(v) : v instanceof Uint8Array ? v : msg(v);
    out.push(...varint(BigInt((no << 3) | 2)), ...varint(BigInt(b.length)));
    for (const x of b) out.push(x);
  }
  return Uint8Array.from(out);
}
const INT64 = 7, FLOAT = 1;
/** TensorProto: dims 1, data_type 2, int64_data 7 (one varint each), name 8. */
const int64Tensor = (name: string, values: (number | bigint)[], dims = [values.length]): Field[] =>
  [...dims.map((d): Field => [1, d]), [2, INT64], ...values.map((v): Field => [7, BigInt(v)]), [8, name]];
/** NodeProto: input 1, output 2, name 3, op_type 4, attribute 5. */
const node = (op: string, inputs: string[], outputs: string[], attrs: Field[][] = []): Field =>
  [1, [...inputs.map((i): Field => [1, i]), ...outputs.map((o): Field => [2, o]), [3, op.toLowerCase()], [4, op], ...attrs.map((a): Field => [5, a])]];
/** ValueInfoProto with a tensor type: elem_type and dims (dim_value). */
const valueInfo = (name: string, elemType: number, dims: number[] | null): Field[] => [[1, name], [2, [[1, [[1, elemType],
  ...(dims ? [[2, dims.map((d): Field => [1, [[1, d]]])] as Field] : [])]]]]];
/** ModelProto: ir_version 1, graph 7 (node 1, name 2, initializer 5, input 11, output 12), opset_import 8. */
function model(opset: number, nodes: Field[], opts: { inits?: Field[][]; inputs?: Field[][]; outputs: string[] }): Uint8Array {
  return msg([[1, 8], [8, [[1, ""], [2, opset]]], [7, [
    ...nodes, [2, "g"], ...(opts.inits ?? []).map((t): Field => [5, t]), ...(opts.inputs ?? []).map((v): Field => [11, v]),
    ...opts.outputs.map((o): Field => [12, [[1, o]]]),
  ]]]);
}

// ───────────────────────── the oracle

const LIMIT = 1 << 16;
const engine = await Engine.create({ build: "simd", limits: { maxElements: LIMIT } });

/** An RnnError with this code and parts, a message under 2,000 characters, within `ms`, and no engine block left. */
async function rejectsClean(f: () => unknown, code: string, parts: (string | RegExp)[] = [], ms = 1000): Promise<RnnError> {
  const before = engine.arena.liveBlocks;
  const t0 = performance.now();
  let err: unknown = null;
  try { await f(); } catch (e) { err = e; }
  const took = performance.now() - t0;
  expect(err, `expected ${code}, found ${String(err)}`).toBeInstanceOf(RnnError);
  const e = err as RnnError;
  expect(e.code, e.message).toBe(code);
  expect(e.message.length).toBeLessThan(2000);
  expect(e.message).not.toMatch(/Invalid typed array length|Array buffer allocation failed/);
  for (const s of parts) expect(e.message).toMatch(s);
  expect(took, "milliseconds before the error").toBeLessThan(ms);
  expect(engine.arena.liveBlocks, "engine blocks left by the failed call").toBe(before);
  return e;
}

describe("ONNX: outputs sized from data are checked before they are allocated", () => {
  it("ConstantOfShape [1, 3, 1065353216] folded at load (fuzz seed 5, input 3340) is LIMIT_EXCEEDED at once", async () => {
    const bytes = model(14, [node("ConstantOfShape", ["shape"], ["y"])], { inits: [int64Tensor("shape", [1, 3, 1065353216])], outputs: ["y"] });
    await rejectsClean(() => loadOnnx(bytes, { engine }), "LIMIT_EXCEEDED", ["ConstantOfShape", "3196059648 elements", `limit of ${LIMIT}`]);
  });
  it("ConstantOfShape with a shape fed at run time is LIMIT_EXCEEDED; negative dims are BAD_MODEL, not a RangeError", async () => {
    const bytes = model(14, [node("ConstantOfShape", ["shape"], ["y"])], { inputs: [valueInfo("shape", INT64, [3])], outputs: ["y"] });
    const m = await loadOnnx(bytes, { engine });
    try {
      await rejectsClean(() => m.run({ shape: { data: BigInt64Array.of(1n, 3n, 1065353216n), dims: [3] } }), "LIMIT_EXCEEDED", ["ConstantOfShape"]);
      await rejectsClean(() => m.run({ shape: { data: BigInt64Array.of(2n, -1n, 3n), dims: [3] } }), "BAD_MODEL", ["ConstantOfShape", "non-negative"]);
      await rejectsClean(() => m.run({ shape: { data: BigInt64Array.of(-2n, -2n, 1n), dims: [3] } }), "BAD_MODEL", ["non-negative"]);
      expect(m.run({ shape: { data: BigInt64Array.of(2n, 1n, 3n), dims: [3] } }).y.dims).toEqual([2, 1, 3]);
    } finally {
      m.dispose();
    }
  });
  it("Expand to a huge shape is LIMIT_EXCEEDED before its broadcast index is built", async () => {
    const bytes = model(13, [node("Expand", ["x", "shape"], ["y"])], {
      inits: [int64Tensor("shape", [1 << 20, 1 << 20])], inputs: [valueInfo("x", FLOAT, [1])], outputs: ["y"],
    });
    const m = await loadOnnx(bytes, { engine });
    try {
      await rejectsClean(() => m.run({ x: { data: Float32Array.of(1), dims: [1] } }), "LIMIT_EXCEEDED", ["Expand"]);
    } finally {
      m.dispose();
    }
  });
  it("an initializer whose dims promise more values than the file holds is BAD_MODEL before any allocation", async () => {
    // 2^31 int64 values would be a 16 GB Float64Array
    const bytes = model(14, [node("Identity", ["w"], ["y"])], { inits: [int64Tensor("w", [], [1 << 16, 1 << 15])], outputs: ["y"] });
    await rejectsClean(() => loadOnnx(bytes, { engine }), "BAD_MODEL", ["initializer \"w\"", "holds 0 values"]);
  });
  it("an initializer larger than the engine's limit is LIMIT_EXCEEDED", async () => {
    // TensorProto with raw_data (9): LIMIT + 1 float32 zeros
    const w: Field[] = [[1, LIMIT + 1], [2, FLOAT], [8, "w"], [9, new Uint8Array(4 * (LIMIT + 1))]];
    const bytes = model(14, [node("Identity", ["w"], ["y"])], { inits: [w], outputs: ["y"] });
    await rejectsClean(() => loadOnnx(bytes, { engine }), "LIMIT_EXCEEDED", ["initializer \"w\""]);
  });
  it("feeds are checked against the graph input dims first; a 5,000-dim feed is quoted briefly", async () => {
    const bytes = model(14, [node("Relu", ["x"], ["y"])], { inputs: [valueInfo("x", FLOAT, [2, 3])], outputs: ["y"] });
    const m = await loadOnnx(bytes, { engine });
    try {
      const e = await rejectsClean(() => m.run({ x: { data: new Float32Array(6), dims: [...new Array(5000).fill(1), 6] } }), "SHAPE_MISMATCH", ["expected dims [2, 3]", "5001 in all"]);
      expect(e.message.length).toBeLessThan(300);
      // data over the engine's limit, with no declared dims to stop it first
      const free = model(14, [node("Relu", ["x"], ["y"])], { inputs: [valueInfo("x", FLOAT, null)], outputs: ["y"] });
      const m2 = await loadOnnx(free, { engine });
      try {
        await rejectsClean(() => m2.run({ x: { data: new Float32Array(LIMIT + 1), dims: [LIMIT + 1] } }), "LIMIT_EXCEEDED", ["input \"x\""]);
      } finally {
        m2.dispose();
      }
    } finally {
      m.dispose();
    }
  });
});

// ───────────────────────── operators one by one (as tests/io/onnx/ops.test.ts runs them)

function attr(name: string, v: number | number[]): Attr {
  const a: Attr = { name, type: 0, f: 0, i: 0, s: "", t: null, floats: [], ints: [], strings: [] };
  if (Array.isArray(v)) { a.type = 7; a.ints = v; } else { a.type = 2; a.i = v; }
  return a;
}
function run(op: string, opset: number, inputs: (OTensor | null)[], attrs: Record<string, number | number[]> = {}, nOut = 1): OTensor[] {
  const n = { name: "n", opType: op, inputs: inputs.map((_, i) => `i${i}`), outputs: Array.from({ length: nOut }, (_, i) => `o${i}`), attrs: new Map(Object.entries(attrs).map(([k, v]) => [k, attr(k, v)])) };
  return opTable()[op](new NodeContext(n, opset, engine), inputs);
}
const F = (n: number, dims = [n]): OTensor => ({ type: "float32", data: new Float32Array(n), dims });
const I = (data: number[], dims = [data.length]): OTensor => ({ type: "int64", data: Float64Array.from(data), dims });

describe("ONNX operators: data-sized outputs within the engine's limit", () => {
  it("Range with a huge or non-finite count", async () => {
    await rejectsClean(() => run("Range", 11, [I([0], []), I([2 ** 40], []), I([1], [])]), "LIMIT_EXCEEDED", ["Range"]);
    const f = (v: number): OTensor => ({ type: "float32", data: Float32Array.of(v), dims: [] });
    await rejectsClean(() => run("Range", 11, [f(0), f(Infinity), f(1)]), "BAD_MODEL", ["Range"]);
  });
  it("Concat of one input many times", async () => {
    const x = F(1024);
    await rejectsClean(() => run("Concat", 13, new Array(100).fill(x), { axis: 0 }), "LIMIT_EXCEEDED", ["Concat"]);
  });
  it("Gather with many indices into wide rows", async () => {
    await rejectsClean(() => run("Gather", 13, [F(4 * 1024, [4, 1024]), I(new Array(100).fill(0))]), "LIMIT_EXCEEDED", ["Gather"]);
  });
  it("Gather and Concat with empty outputs but huge outer dims finish at once", async () => {
    const empty: OTensor = { type: "float32", data: new Float32Array(0), dims: [2 ** 40, 0] };
    const flat: OTensor = { type: "float32", data: new Float32Array(0), dims: [2 ** 40, 5, 0] };
    expect(run("Gather", 13, [flat, I([0])], { axis: 1 })[0].dims).toEqual([2 ** 40, 1, 0]);
    expect(run("Concat", 13, [empty, empty], { axis: 1 })[0].data.length).toBe(0);
  });
  it("binary broadcast and Where to a huge shape", async () => {
    await rejectsClean(() => run("Add", 14, [F(4096, [4096, 1]), F(4096, [1, 4096])]), "LIMIT_EXCEEDED", ["Add"]);
    const c: OTensor = { type: "bool", data: new Uint8Array(4096), dims: [4096, 1] };
    await rejectsClean(() => run("Where", 16, [c, F(4096, [1, 4096]), F(1, [1])]), "LIMIT_EXCEEDED", ["Where"]);
  });
  it("MatMul and Gemm outputs", async () => {
    await rejectsClean(() => run("MatMul", 13, [F(4096, [4096, 1]), F(4096, [1, 4096])]), "LIMIT_EXCEEDED", ["MatMul"]);
    await rejectsClean(() => run("MatMul", 13, [F(4096, [4096, 1, 1]), F(4096, [1, 1, 4096])]), "LIMIT_EXCEEDED", ["MatMul"]);
    await rejectsClean(() => run("Gemm", 13, [F(4096, [4096, 1]), F(4096, [1, 4096])]), "LIMIT_EXCEEDED", ["Gemm"]);
  });
  it("Split with a negative num_outputs is BAD_MODEL, not an endless loop", async () => {
    await rejectsClean(() => run("Split", 18, [F(5)], { num_outputs: -1 }, 1), "BAD_MODEL", ["num_outputs"]);
  });
  it("long dims in a message are cut", async () => {
    const x = F(1, new Array(3000).fill(1));
    const e = await rejectsClean(() => run("Reshape", 14, [x, I([2, 3])]), "SHAPE_MISMATCH", ["Reshape", "…"]);
    expect(e.message.length).toBeLessThan(300);
  });
});
