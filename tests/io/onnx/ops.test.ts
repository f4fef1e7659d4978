// Operator forms the onnxruntime fixtures (opsets 9–17, built with onnx 1.12) do not reach: opset-18 inputs and
// attributes, tie and edge cases. Expected values are worked out by hand in the comments.
import { describe, expect, it } from "vitest";
import { opTable } from "../../../src/ops/onnx/ops.js";
import { type Attr, NodeContext } from "../../../src/ops/onnx/node.js";
import type { OTensor } from "../../../src/ops/onnx/tensor.js";
import { RnnError } from "../../../src/errors.js";
import { engineFor } from "../../helpers.js";

const engine = await engineFor("simd");
function attr(name: string, v: number | number[] | string): Attr {
  const a: Attr = { name, type: 0, f: 0, i: 0, s: "", t: null, floats: [], ints: [], strings: [] };
  if (typeof v === "string") { a.type = 3; a.s = v; } else if (Array.isArray(v)) { a.type = 7; a.ints = v; } else if (Number.isInteger(v)) { a.type = 2; a.i = v; } else { a.type = 1; a.f = v; }
  return a;
}
function run(op: string, opset: number, inputs: (OTensor | null)[], attrs: Record<string, number | number[] | string> = {}, nOut = 1): OTensor[] {
  const node = { name: "n", opType: op, inputs: inputs.map((_, i) => `i${i}`), outputs: Array.from({ length: nOut }, (_, i) => `o${i}`), attrs: new Map(Object.entries(attrs).map(([k, v]) => [k, attr(k, v)])) };
  return opTable()[op](new NodeContext(node, opset, engine), inputs);
}
const F = (data: number[], dims: number[]): OTensor => ({ type: "float32", data: Float32Array.from(data), dims });
const I = (data: number[], dims = [data.length]): OTensor => ({ type: "int64", data: Float64Array.from(data), dims });
const arr = (t: OTensor): number[] => Array.from(t.data as ArrayLike<number>);

describe("ONNX operators: forms beyond the fixtures", () => {
  it("Split opset 18 num_outputs: uneven last chunk (5 → 2, 2, 1)", () => {
    const outs = run("Split", 18, [F([0, 1, 2, 3, 4], [5])], { num_outputs: 3 }, 3);
    expect(outs.map(arr)).toEqual([[0, 1], [2, 3], [4]]);
  });
  it("Split opset 13 split input", () => {
    expect(run("Split", 13, [F([0, 1, 2, 3, 4], [5]), I([1, 4])], {}, 2).map(arr)).toEqual([[0], [1, 2, 3, 4]]);
  });
  it("ReduceMean opset 18 axes input; noop_with_empty_axes", () => {
    // [[1, 2], [3, 6]] mean over axis 1 → [1.5, 4.5]
    const [m] = run("ReduceMean", 18, [F([1, 2, 3, 6], [2, 2]), I([1])], { keepdims: 0 });
    expect(arr(m)).toEqual([1.5, 4.5]);
    expect(m.dims).toEqual([2]);
    const [same] = run("ReduceSum", 13, [F([1, 2, 3, 6], [2, 2]), null], { noop_with_empty_axes: 1 });
    expect(arr(same)).toEqual([1, 2, 3, 6]);
    const [all] = run("ReduceMax", 18, [F([1, 2, 3, 6], [2, 2])], {});
    expect(arr(all)).toEqual([6]);
    expect(all.dims).toEqual([1, 1]);
  });
  it("TopK smallest with ties keeps the lower index first", () => {
    const [v, i] = run("TopK", 11, [F([3, 1, 2, 1], [4]), I([3])], { largest: 0 }, 2);
    expect(arr(v)).toEqual([1, 1, 2]);
    expect(arr(i)).toEqual([1, 3, 2]);
  });
  it("ScatterElements reduction add (opset 16)", () => {
    // data [1, 2, 3], indices [0, 0, 2], updates [10, 20, 30] → [31, 2, 33]
    const [o] = run("ScatterElements", 16, [F([1, 2, 3], [3]), I([0, 0, 2]), F([10, 20, 30], [3])], { reduction: "add" });
    expect(arr(o)).toEqual([31, 2, 33]);
  });
  it("Slice with a negative step and clamped bounds", () => {
    // [0..5] from -1 down past the start, step -2 → [5, 3, 1]
    const [o] = run("Slice", 13, [F([0, 1, 2, 3, 4, 5], [6]), I([-1]), I([-100]), I([0]), I([-2])]);
    expect(arr(o)).toEqual([5, 3, 1]);
  });
  it("Where broadcasts condition [2, 1] over X [1, 3] and a scalar Y", () => {
    const cond: OTensor = { type: "bool", data: Uint8Array.from([1, 0]), dims: [2, 1] };
    const [o] = run("Where", 13, [cond, F([1, 2, 3], [1, 3]), F([-1], [])]);
    expect(arr(o)).toEqual([1, 2, 3, -1, -1, -1]);
    expect(o.dims).toEqual([2, 3]);
  });
  it("MatMul with batched B broadcasts A's batch", () => {
    // A [1, 1, 2] = [1, 2]; B [2, 2, 1] = [[3], [4]], [[5], [6]] → [[11]], [[17]]
    const [o] = run("MatMul", 13, [F([1, 2], [1, 1, 2]), F([3, 4, 5, 6], [2, 2, 1])]);
    expect(arr(o)).toEqual([11, 17]);
    expect(o.dims).toEqual([2, 1, 1]);
  });
  it("Gemm with transA and a C that broadcasts from [M, 1]", () => {
    // Aᵀ = [[1, 3], [2, 4]], B = I → Aᵀ; + C [[10], [20]]
    const [o] = run("Gemm", 13, [F([1, 2, 3, 4], [2, 2]), F([1, 0, 0, 1], [2, 2]), F([10, 20], [2, 1])], { transA: 1 });
    expect(arr(o)).toEqual([11, 13, 22, 24]);
  });
  it("Reshape 0 copies, allowzero keeps 0; Range counts ceil((limit - start) / delta)", () => {
    expect(run("Reshape", 13, [F([1, 2, 3, 4, 5, 6], [2, 3]), I([0, -1])])[0].dims).toEqual([2, 3]);
    expect(run("Reshape", 14, [F([], [0, 3]), I([0, 3])], { allowzero: 1 })[0].dims).toEqual([0, 3]);
    expect(arr(run("Range", 11, [F([1], []), F([2.1], []), F([0.5], [])])[0])).toEqual([1, 1.5, 2]);
  });
  it("Div of integers truncates toward zero; Cast float → int64 truncates", () => {
    expect(arr(run("Div", 13, [I([7, -7]), I([2, 2])])[0])).toEqual([3, -3]);
    expect(arr(run("Cast", 13, [F([1.7, -1.7], [2])], { to: 7 })[0])).toEqual([1, -1]);
  });
  it("Shape opset 15 start/end", () => {
    expect(arr(run("Shape", 15, [F(new Array(24).fill(0), [2, 3, 4])], { start: 1, end: 3 })[0])).toEqual([3, 4]);
    expect(arr(run("Shape", 15, [F(new Array(24).fill(0), [2, 3, 4])], { start: -1 })[0])).toEqual([4]);
  });
  it("shape errors name the node and opset", () => {
    let err: unknown;
    try { run("Add", 13, [F([1, 2, 3], [3]), F([1, 2], [2])]); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(RnnError);
    expect((err as RnnError).code).toBe("SHAPE_MISMATCH");
    expect((err as RnnError).message).toMatch(/Add node "n" \(opset 13\)/);
  });
});
