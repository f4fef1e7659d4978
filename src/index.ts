// rnn-wasm: recurrent neural networks (LSTM, GRU, RNN) on the CPU in WebAssembly SIMD, anywhere JavaScript runs.

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
export { loadOnnx, type OnnxModel, type LoadOnnxOptions } from "./io/onnx/index.js";
export { loadKeras, type KerasModel, type KerasLayerInfo, type LoadKerasOptions, type KerasSemantics } from "./io/keras/index.js";
export { VERSION as version } from "./version.js";

/** Initialises the default engine (idempotent) and reports which build runs. */
export function init(options?: EngineOptions): Promise<EngineInfo> {
  return initDefault(options);
}

/** An independent engine with its own wasm instance and memory (e.g. to run a chosen build). */
export function createEngine(options?: EngineOptions): Promise<Engine> {
  return Engine.create(options);
}
