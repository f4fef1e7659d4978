// The ONNX importer: ModelProto bytes (decoded by the pbf-generated readers in ./onnx-proto.ts) → a graph of
// operator nodes (src/ops/onnx) in topological order. At load: initializers become constant tensors, every node
// whose inputs are all constants runs once (constant folding), and recurrent nodes with constant weights pack them.
// At run: feeds are checked against the graph inputs' types and dims, the remaining nodes run in order.

import { PbfReader } from "pbf";
import type { Tensor } from "../../api.js";
import type { Engine } from "../../engine/engine.js";
import { RnnError, describe } from "../../errors.js";
import { checkTensor } from "../../core/tensor.js";
import { type Attr, NodeContext, type OnnxNode, type OpFn, type Preparable } from "../../ops/onnx/node.js";
import { opTable } from "../../ops/onnx/ops.js";
import {
  type Data, type DType, type ElementLimit, type OTensor, NO_LIMIT, ONNX_DTYPE, ONNX_DTYPE_NAME, alloc, dimsText, markConstant, size,
} from "../../ops/onnx/tensor.js";
import { readModelProto } from "./onnx-proto.js";
import type { OnnxModel } from "./index.js";
import { LITTLE_ENDIAN, f16ToNumber } from "../bytes.js";

/** The opsets whose operator semantics the executor implements (22 changed only type constraints of these ops). */
const MIN_OPSET = 7, MAX_OPSET = 22;

// The decoded protobuf shapes this file reads (./onnx-proto.ts is generated JavaScript).
interface PTensor {
  dims: number[]; data_type: number; float_data: number[]; int32_data: number[]; int64_data: number[];
  double_data: number[]; raw_data?: Uint8Array; name: string; data_location: number; string_data: Uint8Array[];
}
interface PAttr { name: string; type: number; f: number; i: number; s?: Uint8Array; t?: PTensor; floats: number[]; ints: number[]; strings: Uint8Array[]; g?: unknown; ref_attr_name: string }
interface PNode { input: string[]; output: string[]; name: string; op_type: string; domain: string; attribute: PAttr[] }
interface PValueInfo { name: string; type?: { tensor_type?: { elem_type: number; shape?: { dim: { dim_value?: number; dim_param?: string; value?: string }[] } } } }
interface PGraph { node: PNode[]; name: string; initializer: PTensor[]; sparse_initializer: unknown[]; input: PValueInfo[]; output: PValueInfo[] }
interface PModel { ir_version: number; opset_import: { domain: string; version: number }[]; graph?: PGraph; functions: unknown[] }

const utf8 = /* @__PURE__ */ new TextDecoder();

function badModel(what: string): RnnError {
  return new RnnError("BAD_MODEL", what);
}


/**
 * A TensorProto as an executor tensor; `what` names it in errors. Its size is checked against `limit` and against
 * the data the file holds before anything is allocated.
 */
export function tensorFromProto(tp: PTensor, what: string, limit: ElementLimit = NO_LIMIT): OTensor {
  const dt = tp.data_type;
  const type = ONNX_DTYPE[dt];
  if (tp.data_location === 1) throw new RnnError("UNSUPPORTED_OP", `${what}: external data (a separate weights file) is not supported`);
  if (!type) throw new RnnError("UNSUPPORTED_OP", `${what}: data type ${ONNX_DTYPE_NAME[dt] ?? dt} is not supported`);
  const dims = tp.dims.map(Number);
  if (dims.some((d) => !Number.isInteger(d) || d < 0)) throw badModel(`${what}: dims ${dimsText(dims)} are not all non-negative integers`);
  const n = size(dims);
  if (n > 2 ** 31) throw badModel(`${what}: dims ${dimsText(dims)} are too large`);
  const raw = tp.raw_data;
  const width = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 16: 2 }[dt as 1] ?? 0;
  const src: number[] = dt === 1 ? tp.float_data : dt === 7 ? tp.int64_data : dt === 11 ? tp.double_data : tp.int32_data;
  if (raw && raw.length > 0) {
    if (raw.length !== n * width) throw badModel(`${what}: raw_data holds ${raw.length} bytes, expected ${n * width} for ${ONNX_DTYPE_NAME[dt]} dims ${dimsText(dims)}`);
  } else if (src.length !== n) {
    throw badModel(`${what}: holds ${src.length} values, expected ${n} for dims ${dimsText(dims)}`);
  }
  if (raw && raw.length > 0 && (dt === 10 || dt === 16) && "widen" in limit) {
    // float16 / bfloat16 raw_data with an engine at hand: widened by its kernel (the loop below runs in V8's
    // interpreter on a first load), the same values
    limit.checkElements(n, what);
    return { type, data: (limit as Engine).widen(raw, dt === 10 ? "f16" : "bf16", n), dims };
  }
  const out: Data = alloc(type, n, limit, what);
  if (raw && raw.length > 0) {
    if (dt === 1 && LITTLE_ENDIAN) {
      // float32 raw_data: one copy of the bytes (an aligned copy) instead of a read per element
      new Uint8Array((out as Float32Array).buffer).set(raw.subarray(0, n * 4));
      return { type, data: out, dims };
    }
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < n; i++) {
      switch (dt) {
        case 1: out[i] = v.getFloat32(i * 4, true); break;
        case 2: case 9: out[i] = v.getUint8(i); break;
        case 3: out[i] = v.getInt8(i); break;
        case 4: out[i] = v.getUint16(i * 2, true); break;
        case 5: out[i] = v.getInt16(i * 2, true); break;
        case 6: out[i] = v.getInt32(i * 4, true); break;
        case 7: out[i] = Number(v.getBigInt64(i * 8, true)); break;
        case 10: out[i] = f16ToNumber(v.getUint16(i * 2, true)); break;
        case 11: out[i] = v.getFloat64(i * 8, true); break;
        case 16: out[i] = new Float32Array(new Uint32Array([v.getUint16(i * 2, true) << 16]).buffer)[0]; break;
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      out[i] = dt === 10 ? f16ToNumber(src[i]) : dt === 16 ? new Float32Array(new Uint32Array([src[i] << 16]).buffer)[0] : dt === 9 ? (src[i] ? 1 : 0) : src[i];
    }
  }
  return { type, data: out, dims };
}

interface InputInfo { name: string; type: DType | null; elemType: number; dims: (number | null)[] | null }

function inputInfo(v: PValueInfo): InputInfo {
  const tt = v.type?.tensor_type;
  const elemType = tt?.elem_type ?? 0;
  const dims = tt?.shape ? tt.shape.dim.map((d) => (d.value === "dim_value" && d.dim_value !== undefined ? Number(d.dim_value) : null)) : null;
  return { name: v.name, type: ONNX_DTYPE[elemType] ?? null, elemType, dims };
}

interface Step { node: OnnxNode; ctx: NodeContext; op: OpFn }

export class OnnxGraphModel implements OnnxModel {
  readonly inputNames: string[];
  readonly outputNames: string[];
  readonly opset: number;
  private readonly inputs: InputInfo[];
  private readonly constants: Map<string, OTensor>;
  private readonly steps: Step[];
  private readonly allSteps: Step[];
  private readonly engine: Engine;
  private disposedFlag = false;

  private constructor(engine: Engine, opset: number, inputs: InputInfo[], outputs: string[], constants: Map<string, OTensor>, steps: Step[], allSteps: Step[]) {
    this.engine = engine;
    this.opset = opset;
    this.inputs = inputs;
    this.inputNames = inputs.map((i) => i.name);
    this.outputNames = outputs;
    this.constants = constants;
    this.steps = steps;
    this.allSteps = allSteps;
  }

  static load(bytes: Uint8Array, engine: Engine): OnnxGraphModel {
    const model = decode(bytes);
    const opsetEntry = model.opset_import.find((o) => o.domain === "" || o.domain === "ai.onnx");
    const g = model.graph;
    if (!g) throw badModel("model: the file has no graph (is it an .onnx file?)");
    if (!opsetEntry) throw badModel("model: no opset_import for the default (ai.onnx) domain");
    const opset = Number(opsetEntry.version);
    if (g.sparse_initializer.length) throw new RnnError("UNSUPPORTED_OP", `graph ${describe(g.name)}: sparse initializers are not supported`);
    // constants
    const constants = new Map<string, OTensor>();
    for (let i = 0; i < g.initializer.length; i++) {
      const tp = g.initializer[i];
      constants.set(tp.name, markConstant(tensorFromProto(tp, `initializer ${describe(tp.name)}`, engine)));
    }
    const inputs = g.input.filter((v) => !constants.has(v.name)).map(inputInfo);
    for (const i of inputs) {
      if (!i.type) throw new RnnError("UNSUPPORTED_OP", `graph input ${describe(i.name)}: data type ${ONNX_DTYPE_NAME[i.elemType] ?? i.elemType} is not supported`);
    }
    const outputs = g.output.map((v) => v.name);
    // nodes
    const nodes: OnnxNode[] = g.node.map((n, k) => {
      const name = n.name || `#${k}`;
      const op = n.op_type.length > 40 ? `${n.op_type.slice(0, 40)}…` : n.op_type;
      const where = `${op || "(no op_type)"} node ${describe(name)} (opset ${opset})`;
      if (n.domain && n.domain !== "ai.onnx") throw new RnnError("UNSUPPORTED_OP", `${where}: operator domain ${describe(n.domain)} is not supported`);
      if (!opTable()[n.op_type]) throw new RnnError("UNSUPPORTED_OP", `${where}: operator ${describe(n.op_type)} is not supported`);
      if (opset < MIN_OPSET || opset > MAX_OPSET) throw new RnnError("UNSUPPORTED_OP", `${where}: opset ${opset} is not supported (${MIN_OPSET} to ${MAX_OPSET})`);
      const attrs = new Map<string, Attr>();
      for (const a of n.attribute) {
        if (a.ref_attr_name) throw new RnnError("UNSUPPORTED_OP", `${where}: attribute ${describe(a.name)} refers to a function attribute`);
        if (a.type === 5 || a.type === 10) throw new RnnError("UNSUPPORTED_OP", `${where}: attribute ${describe(a.name)} is a subgraph`);
        attrs.set(a.name, {
          name: a.name, type: a.type, f: a.f, i: Number(a.i), s: a.s ? utf8.decode(a.s) : "",
          t: a.t ? tensorFromProto(a.t, `${where}: attribute ${describe(a.name)}`, engine) : null,
          floats: a.floats, ints: a.ints.map(Number), strings: a.strings.map((s) => utf8.decode(s)),
        });
      }
      return { name, opType: n.op_type, inputs: n.input, outputs: n.output, attrs };
    });
    const order = topoOrder(nodes, new Set([...constants.keys(), ...inputs.map((i) => i.name)]));
    for (const o of outputs) {
      if (!constants.has(o) && !inputs.some((i) => i.name === o) && !nodes.some((n) => n.outputs.includes(o))) {
        throw badModel(`graph output ${describe(o)} is produced by no node, input or initializer`);
      }
    }
    const allSteps: Step[] = order.map((node) => ({ node, ctx: new NodeContext(node, opset, engine), op: opTable()[node.opType] }));
    const steps: Step[] = [];
    const fed = new Set(inputs.map((i) => i.name));
    try {
      for (const s of allSteps) {
        const ins = s.node.inputs;
        // constant folding: every input a constant (and none that a caller may feed)
        if (ins.every((n) => !n || (constants.has(n) && !fed.has(n)))) {
          const outs = runStep(s, ins.map((n) => (n ? constants.get(n)! : null)));
          s.node.outputs.forEach((o, k) => { if (o && outs[k]) constants.set(o, markConstant(outs[k])); });
          continue;
        }
        steps.push(s);
        // weights packed at load: operators with a prepare step whose weight inputs are all constants
        const { prepare, weightSlots } = s.op as Partial<Preparable>;
        if (prepare && weightSlots && weightSlots(s.node).every((k) => !ins[k] || (constants.has(ins[k]) && !fed.has(ins[k])))) {
          runStep({ ...s, op: (ctx, inputs) => (prepare(ctx, inputs), []) }, ins.map((n) => (n ? constants.get(n) ?? null : null)));
        }
      }
    } catch (e) {
      for (const s of allSteps) s.ctx.dispose();
      throw e;
    }
    return new OnnxGraphModel(engine, opset, inputs, outputs, constants, steps, allSteps);
  }

  run(feeds: Record<string, Tensor>): Record<string, Tensor> {
    if (this.disposedFlag) throw new RnnError("DISPOSED", "this ONNX model was disposed");
    if (feeds === null || typeof feeds !== "object") throw new RnnError("BAD_ARGUMENT", `feeds: expected an object of input name → Tensor, found ${describe(feeds)}`);
    const values = new Map<string, OTensor>(this.constants);
    for (const name of Object.keys(feeds)) {
      if (!this.inputs.some((i) => i.name === name)) {
        throw new RnnError("BAD_ARGUMENT", `feeds: ${describe(name)} is not an input of this model${this.constants.has(name) ? " (it is one of its constants)" : ""} (inputs: ${dimsText(this.inputNames.map(describe)).slice(1, -1)})`);
      }
    }
    for (const info of this.inputs) {
      const t = Object.prototype.hasOwnProperty.call(feeds, info.name) ? feeds[info.name] : undefined;
      if (t === undefined || t === null) continue; // an optional input left out (a node that needs it says so)
      values.set(info.name, feedTensor(t, info, this.engine));
    }
    for (const s of this.steps) {
      const ins = s.node.inputs.map((n) => {
        if (!n) return null;
        const v = values.get(n);
        if (v) return v;
        if (this.inputs.some((i) => i.name === n)) {
          throw new RnnError("BAD_ARGUMENT", `feeds: input ${describe(n)} is missing (${s.node.opType} node ${describe(s.node.name)} needs it)`);
        }
        return null;
      });
      const outs = runStep(s, ins);
      s.node.outputs.forEach((o, k) => { if (o && outs[k]) values.set(o, outs[k]); });
    }
    const res: Record<string, Tensor> = {};
    for (const o of this.outputNames) {
      const v = values.get(o);
      if (!v) throw new RnnError("BAD_ARGUMENT", `output ${describe(o)} could not be computed: an input it depends on was not fed`);
      res[o] = publicTensor(v);
    }
    return res;
  }

  dispose(): void {
    if (this.disposedFlag) return;
    this.disposedFlag = true;
    for (const s of this.allSteps) s.ctx.dispose();
  }
}

function decode(bytes: Uint8Array): PModel {
  let model: PModel;
  const pbf = new PbfReader(bytes);
  try {
    model = readModelProto(pbf, bytes.length) as PModel;
  } catch (e) {
    throw badModel(`the file is truncated or is not an ONNX protobuf (decoder: ${String((e as Error)?.message ?? e).slice(0, 200)})`);
  }
  if (pbf.pos !== bytes.length) throw badModel(`the file is truncated or corrupt: the protobuf ends at byte ${pbf.pos} of ${bytes.length}`);
  return model;
}

function runStep(s: Step, ins: (OTensor | null)[]): OTensor[] {
  try {
    return s.op(s.ctx, ins);
  } catch (e) {
    if (e instanceof RnnError) throw e;
    throw new RnnError("BAD_MODEL", `${s.ctx.where}: ${String((e as Error)?.message ?? e).slice(0, 200)}`);
  }
}

/** Nodes in an order where every input is available before use; BAD_MODEL for unknown inputs and cycles. */
function topoOrder(nodes: OnnxNode[], avail: Set<string>): OnnxNode[] {
  const producer = new Map<string, number>();
  nodes.forEach((n, k) => n.outputs.forEach((o) => { if (o) producer.set(o, k); }));
  const indeg = new Array<number>(nodes.length).fill(0);
  const users: number[][] = nodes.map(() => []);
  nodes.forEach((n, k) => {
    for (const i of n.inputs) {
      if (!i || avail.has(i)) continue;
      const p = producer.get(i);
      if (p === undefined) throw badModel(`${n.opType} node ${describe(n.name)}: input ${describe(i)} is not a graph input, an initializer, nor any node's output`);
      indeg[k]++;
      users[p].push(k);
    }
  });
  const queue: number[] = [];
  indeg.forEach((d, k) => { if (d === 0) queue.push(k); });
  const out: OnnxNode[] = [];
  for (let q = 0; q < queue.length; q++) {
    const k = queue[q];
    out.push(nodes[k]);
    for (const u of users[k]) if (--indeg[u] === 0) queue.push(u);
  }
  if (out.length !== nodes.length) throw badModel("the graph has a cycle");
  return out;
}

/**
 * A caller's Tensor as an executor tensor of the graph input's type (copied: the caller's arrays are not kept). Its
 * dims are checked against the graph input's and its size against the engine's limit before anything is copied.
 */
function feedTensor(t: Tensor, info: InputInfo, engine: Engine): OTensor {
  const what = `input ${describe(info.name)}`;
  checkTensor(t, what);
  if (info.dims) {
    const ok = info.dims.length === t.dims.length && info.dims.every((e, i) => e === null || e === t.dims[i]);
    if (!ok) {
      throw new RnnError("SHAPE_MISMATCH", `${what}: expected dims ${dimsText(info.dims.map((e) => e ?? "*"))}, found ${dimsText(t.dims)}`);
    }
  }
  const want = info.type!;
  let data: Data;
  const d = t.data;
  if (want === "float32" || want === "float64") {
    if (!(d instanceof Float32Array)) throw new RnnError("SHAPE_MISMATCH", `${what}: expected float data (Float32Array), found ${describe(d)}`);
    engine.checkElements(d.length, what);
    data = want === "float32" ? d.slice() : Float64Array.from(d);
  } else {
    if (d instanceof Float32Array) throw new RnnError("SHAPE_MISMATCH", `${what}: expected ${want} data (${want === "int64" ? "BigInt64Array or Int32Array" : "Int32Array"}), found ${describe(d)}`);
    data = alloc(want, d.length, engine, what);
    if (d instanceof BigInt64Array) for (let i = 0; i < d.length; i++) data[i] = Number(d[i]);
    else (data as Int32Array).set(d as Int32Array);
  }
  return { type: want, data, dims: t.dims.slice() };
}

function publicTensor(v: OTensor): Tensor {
  const dims = v.dims.slice();
  if (v.type === "float32" || v.type === "float64") return { data: Float32Array.from(v.data as Float32Array), dims };
  if (v.type === "int64") {
    const out = new BigInt64Array(v.data.length);
    for (let i = 0; i < out.length; i++) out[i] = BigInt(Math.trunc(v.data[i]));
    return { data: out, dims };
  }
  return { data: Int32Array.from(v.data as Int32Array), dims };
}
