// rnn-wasm for Node and Bun (package.json "exports": the "node" condition): the API of src/index.ts, with the ONNX
// and Keras loaders in chunks of their own that load on their first call. A process that never calls them does not
// compile them: they are most of the library's JavaScript, and compiling it is the largest part of a cold start
// (bench/RESULTS.md, round 6). Bundlers for the browser take src/index.ts, where they are static imports that a
// bundle drops when unused (a dynamic import would not be dropped).

import type { KerasModel, LoadKerasOptions } from "./io/keras/index.js";
import type { LoadOnnxOptions, OnnxModel } from "./io/onnx/index.js";

export * from "./core-api.js";
export type { OnnxModel, LoadOnnxOptions } from "./io/onnx/index.js";
export type { KerasModel, KerasLayerInfo, LoadKerasOptions, KerasSemantics } from "./io/keras/index.js";

/** Loads an .onnx model (ModelProto bytes); see src/io/onnx/index.ts. */
export async function loadOnnx(bytes: Uint8Array, options?: LoadOnnxOptions): Promise<OnnxModel> {
  return (await import("./io/onnx/index.js")).loadOnnx(bytes, options);
}

/** Loads a TensorFlow.js layers model (model.json and its weight bytes); see src/io/keras/index.ts. */
export async function loadKeras(modelJson: string | object, weights: Uint8Array | ArrayBuffer, options?: LoadKerasOptions): Promise<KerasModel> {
  return (await import("./io/keras/index.js")).loadKeras(modelJson, weights, options);
}
