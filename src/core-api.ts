// The public API but for the ONNX and Keras loaders, shared by the two entries: src/index.ts (browsers, bundlers,
// Deno, workerd: the loaders as static imports, which a bundle drops when unused) and src/node.ts (Node and Bun:
// the loaders in chunks of their own, loaded on first use).

import type { EngineInfo, EngineOptions } from "./api.js";
import { Engine, initDefault } from "./engine/engine.js";

export type {
  Tensor, BuildName, EngineLimits, EngineOptions, EngineInfo, LoopShapes, Activation, ActivationName, ForwardOptions,
  ForwardResult, StreamOptions, StreamState,
} from "./api.js";
export { RnnError, type RnnErrorCode } from "./errors.js";
export { Engine } from "./engine/engine.js";
export { LSTM, GRU, RNN, type RecurrentOptions, type LSTMOptions, type GRUOptions, type RNNOptions, type OnnxWeights } from "./layers/recurrent.js";
export type { Stream } from "./core/stack.js";
export { loadTorch, TorchModule, type LoadTorchOptions, type TorchMode, type TorchModuleInfo } from "./io/torch.js";
export { loadModel, RnnModel, MODEL_METADATA_KEY, type LoadModelOptions, type PredictOptions, type ModelPrediction, type ModelInfo, type ModelLayerInfo } from "./io/model.js";
export { VERSION as version } from "./version.js";

/** Initialises the default engine (idempotent) and reports which build runs. */
export function init(options?: EngineOptions): Promise<EngineInfo> {
  return initDefault(options);
}

/** An independent engine with its own wasm instance and memory (e.g. to run a chosen build). */
export function createEngine(options?: EngineOptions): Promise<Engine> {
  return Engine.create(options);
}
