// loadOnnx: the public entry point. The protobuf decoder and the graph executor are imported statically and are
// free of top-level side effects, so a bundle that does not use loadOnnx drops them entirely (a dynamic import
// would not do: esbuild emits a chunk for every import() it sees, used or not).

import type { Tensor } from "../../api.js";
import type { Engine } from "../../engine/engine.js";
import { defaultEngineWith, initDefault } from "../../engine/engine.js";
import { RnnError, describe } from "../../errors.js";
import { OnnxGraphModel } from "./loader.js";

export interface LoadOnnxOptions {
  /** The engine to run on. Default: the default engine (initialised if needed). */
  engine?: Engine;
}

/** A loaded ONNX model: the graph's inputs and outputs by their ONNX names. */
export interface OnnxModel {
  /** Graph inputs to feed (initializers excluded: they need not be fed). */
  readonly inputNames: string[];
  readonly outputNames: string[];
  /** The graph's opset (default domain). */
  readonly opset: number;
  /**
   * Runs the graph. Optional inputs may be omitted; int64 inputs accept BigInt64Array or Int32Array. Outputs:
   * float tensors as Float32Array, int64 as BigInt64Array, other integer and bool tensors as Int32Array.
   */
  run(feeds: Record<string, Tensor>): Record<string, Tensor>;
  /** Frees the packed weights; any later call throws DISPOSED. */
  dispose(): void;
}

/** Loads an .onnx model (ModelProto bytes). Malformed files are BAD_MODEL, unsupported parts UNSUPPORTED_OP. */
export async function loadOnnx(bytes: Uint8Array, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  if (!(bytes instanceof Uint8Array)) throw new RnnError("BAD_ARGUMENT", `bytes: expected a Uint8Array holding an .onnx file, found ${describe(bytes)}`);
  if (options === null || typeof options !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(options)}`);
  const engine = options.engine ?? (await defaultEngineWith());
  if (!options.engine) await initDefault();
  return OnnxGraphModel.load(bytes, engine);
}
