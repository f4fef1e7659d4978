// loadKeras: a TensorFlow.js layers model (model.json + the weight bytes concatenated in manifest order) → a model
// with Keras's predict. Types and documentation here; the importer (./model.ts) has no top-level side effects,
// so bundles that do not use loadKeras drop it.

import type { Tensor } from "../../api.js";
import type { Engine } from "../../engine/engine.js";
import { defaultEngineWith, initDefault } from "../../engine/engine.js";
import { RnnError, describe } from "../../errors.js";
import { buildKerasModel } from "./model.js";

/**
 * Whose masking rules a model follows. Both carry the recurrent state over masked steps and repeat the previous
 * output there (zeros before the first valid step). "keras" (Python Keras) also zeroes the masked outputs of a
 * Bidirectional layer that returns sequences and averages only the valid steps in GlobalAveragePooling1D;
 * "tfjs" (TensorFlow.js) does neither.
 */
export type KerasSemantics = "tfjs" | "keras";

export interface LoadKerasOptions {
  /** The engine to run on. Default: the default engine (initialised if needed). */
  engine?: Engine;
  /**
   * "auto" (default): "tfjs" when model.json says it was written by TensorFlow.js (keras_version "tfjs-layers …"
   * or backend "tensor_flow.js"), else "keras" (a Python Keras model converted with tensorflowjs_converter).
   */
  semantics?: "auto" | KerasSemantics;
}

/** A summary of one layer. */
export interface KerasLayerInfo {
  name: string;
  className: string;
  units?: number;
  activation?: string;
  returnSequences?: boolean;
  goBackwards?: boolean;
  resetAfter?: boolean;
  mergeMode?: string | null;
  wraps?: string;
  maskZero?: boolean;
  maskValue?: number;
}

export interface KerasModel {
  /** The layers in model.json order. */
  readonly layers: KerasLayerInfo[];
  /** The input shape with the batch dimension first (null = any size), when model.json states it. */
  readonly inputShape: (number | null)[] | null;
  /** "int32" when the input feeds an Embedding (ids; Int32Array, BigInt64Array or integral Float32Array accepted). */
  readonly inputDtype: "float32" | "int32";
  readonly semantics: KerasSemantics;
  /** Keras's predict on a batch: x [batch, ...input shape] → the model's output (float32). */
  predict(x: Tensor): Tensor & { data: Float32Array };
  /** Frees the model's engine memory; later calls throw DISPOSED. */
  dispose(): void;
}

/**
 * Loads a TensorFlow.js layers model: Sequential or functional (one input, one output) with InputLayer, Embedding,
 * Masking, LSTM, GRU (reset_after false or true), SimpleRNN, Bidirectional, TimeDistributed(Dense), Dense,
 * Activation, Dropout-like layers, Flatten and global 1D pooling. Weights may be float32 or tfjs-quantized
 * (uint8 / uint16 with scale and min, float16).
 */
export async function loadKeras(modelJson: string | object, weights: Uint8Array | ArrayBuffer, options: LoadKerasOptions = {}): Promise<KerasModel> {
  if (options === null || typeof options !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(options)}`);
  const semantics = options.semantics ?? "auto";
  if (!["auto", "tfjs", "keras"].includes(semantics)) {
    throw new RnnError("BAD_ARGUMENT", `semantics: expected "auto", "tfjs" or "keras", found ${describe(semantics)}`);
  }
  const engine = options.engine ?? (await defaultEngineWith());
  if (!options.engine) await initDefault();
  return buildKerasModel(modelJson, weights, engine, semantics);
}
