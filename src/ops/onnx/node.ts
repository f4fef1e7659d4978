// One decoded ONNX node as the operators see it: its attributes, its opset, the engine, and a per-node cache for
// weights packed once (Dense panels, recurrent stacks). Attribute readers raise RnnError naming node and opset.

import type { Engine } from "../../engine/engine.js";
import { RnnError, type RnnErrorCode, describe } from "../../errors.js";
import { type Data, type DType, type OTensor, alloc } from "./tensor.js";

export interface Attr {
  name: string;
  /** AttributeProto.AttributeType: FLOAT 1, INT 2, STRING 3, TENSOR 4, GRAPH 5, FLOATS 6, INTS 7, STRINGS 8. */
  type: number;
  f: number;
  i: number;
  s: string;
  t: OTensor | null;
  floats: number[];
  ints: number[];
  strings: string[];
}

export interface OnnxNode {
  name: string;
  opType: string;
  /** Input value names; "" is an omitted optional input. */
  inputs: string[];
  /** Output value names; "" is an omitted optional output. */
  outputs: string[];
  attrs: Map<string, Attr>;
}

/** What an operator gets besides its inputs. */
export class NodeContext {
  readonly node: OnnxNode;
  readonly opset: number;
  readonly engine: Engine;
  /** Per-node cache of packed weights, disposed with the model. */
  private readonly disposers: (() => void)[] = [];
  readonly cache = new Map<string, unknown>();

  constructor(node: OnnxNode, opset: number, engine: Engine) {
    this.node = node;
    this.opset = opset;
    this.engine = engine;
  }

  /** `OpType node "name" (opset N)` for messages. */
  get where(): string {
    return `${this.node.opType} node ${describe(this.node.name)} (opset ${this.opset})`;
  }

  /** A zeroed output array of n elements, checked against the engine's limit before it is allocated. */
  alloc(type: DType, n: number, what = "output"): Data {
    return alloc(type, n, this.engine, `${this.where}: ${what}`);
  }
  /** LIMIT_EXCEEDED unless n elements fit the engine's limit (for work sized from data before its output exists). */
  checkElements(n: number, what = "output"): void {
    if (!(Number.isSafeInteger(n) && n >= 0)) throw this.error("BAD_MODEL", `${what}: ${n} elements is not a valid tensor size`);
    this.engine.checkElements(n, `${this.where}: ${what}`);
  }

  error(code: RnnErrorCode, what: string): RnnError {
    return new RnnError(code, `${this.where}: ${what}`);
  }
  unsupported(what: string): RnnError {
    return this.error("UNSUPPORTED_OP", what);
  }

  onDispose(f: () => void): void { this.disposers.push(f); }
  dispose(): void {
    for (const f of this.disposers.splice(0)) f();
    this.cache.clear();
  }

  has(name: string): boolean { return this.node.attrs.has(name); }

  private attr(name: string, types: number[]): Attr | undefined {
    const a = this.node.attrs.get(name);
    if (a && !types.includes(a.type)) {
      throw this.error("BAD_MODEL", `attribute ${name}: expected type ${types.join(" or ")}, found type ${a.type}`);
    }
    return a;
  }
  int(name: string, dflt: number): number {
    const a = this.attr(name, [2]);
    return a ? a.i : dflt;
  }
  float(name: string, dflt: number): number {
    const a = this.attr(name, [1]);
    return a ? a.f : dflt;
  }
  string(name: string, dflt: string): string {
    const a = this.attr(name, [3]);
    return a ? a.s : dflt;
  }
  ints(name: string): number[] | null {
    const a = this.attr(name, [7]);
    return a ? a.ints : null;
  }
  floats(name: string): number[] | null {
    const a = this.attr(name, [6]);
    return a ? a.floats : null;
  }
  strings(name: string): string[] | null {
    const a = this.attr(name, [8]);
    return a ? a.strings : null;
  }
  tensor(name: string): OTensor | null {
    const a = this.attr(name, [4]);
    return a ? a.t : null;
  }

  /** Input k, which the operator requires. */
  need(inputs: (OTensor | null)[], k: number, what: string): OTensor {
    const t = inputs[k];
    if (!t) throw this.error("BAD_MODEL", `input ${k} (${what}) is required but missing`);
    return t;
  }
}

/** An operator: inputs (null for omitted optional ones) → outputs in node-output order. */
export type OpFn = (ctx: NodeContext, inputs: (OTensor | null)[]) => OTensor[];

/**
 * An operator that can pack its weights before the first run: `prepare` runs at load when every input listed by
 * `weightSlots` (absent optional ones aside) is a constant.
 */
export interface Preparable {
  prepare(ctx: NodeContext, inputs: (OTensor | null)[]): void;
  weightSlots(node: OnnxNode): number[];
}
