// Gate-order conversions between PyTorch / Keras stacking and the canonical ONNX order, in one place.
// LSTM: PyTorch and Keras i,f,g,o → ONNX i,o,f,c.  GRU: PyTorch r,z,n → ONNX z,r,h; Keras z,r,h = ONNX.

import type { CellType } from "./spec.js";

/** For each ONNX gate position, the gate index in PyTorch's stacking. */
const TORCH_OF_ONNX: Record<CellType, number[]> = {
  lstm: [0, 3, 1, 2],
  gru: [1, 0, 2],
  rnn: [0],
};

/**
 * Reorders a gate-stacked [G·H, cols] matrix (or a [G·H] vector with cols = 1) from PyTorch's gate order to ONNX's.
 */
export function torchToOnnx(cell: CellType, src: ArrayLike<number>, H: number, cols: number): Float32Array {
  const order = TORCH_OF_ONNX[cell];
  const block = H * cols;
  const out = new Float32Array(order.length * block);
  for (let g = 0; g < order.length; g++) {
    const from = order[g] * block;
    // a typed array copies block by block (a memcpy: the element loop runs in V8's interpreter on a first load)
    if (src instanceof Float32Array) out.set(src.subarray(from, from + block), g * block);
    else for (let i = 0; i < block; i++) out[g * block + i] = src[from + i];
  }
  return out;
}

/** Keras stores kernels as [in, G·H] column blocks with LSTM gates i,f,c,o and GRU z,r,h. */
export const KERAS_OF_ONNX: Record<CellType, number[]> = {
  lstm: [0, 3, 1, 2],
  gru: [0, 1, 2],
  rnn: [0],
};
