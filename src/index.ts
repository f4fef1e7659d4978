// rnn-wasm: recurrent neural networks (LSTM, GRU, RNN) on the CPU in WebAssembly SIMD, anywhere JavaScript runs.
// This entry is the package's default (browsers, bundlers, Deno, workerd); Node and Bun get src/node.ts, the same
// API with the ONNX and Keras loaders loaded on first use.

export * from "./core-api.js";
export { loadOnnx, type OnnxModel, type LoadOnnxOptions } from "./io/onnx/index.js";
export { loadKeras, type KerasModel, type KerasLayerInfo, type LoadKerasOptions, type KerasSemantics } from "./io/keras/index.js";
