// The one canonical recurrent layer that every importer and user-facing class translates into.
// Weights are in ONNX's shapes and gate orders (LSTM i,o,f,c; GRU z,r,h), one set per direction; PyTorch's
// projection (proj_size) is the extra matrix Wp. Gate-order conversions from other layouts live in ./gates.ts.

export type CellType = "lstm" | "gru" | "rnn";

/** Activation codes shared with the kernels (assembly/math.ts ACT_*). */
export const ACT = {
  Sigmoid: 0, Tanh: 1, Relu: 2, Affine: 3, LeakyRelu: 4, ThresholdedRelu: 5, ScaledTanh: 6, HardSigmoid: 7,
  Elu: 8, Softsign: 9, Softplus: 10, Selu: 11, Swish: 12,
} as const;
export type ActName = keyof typeof ACT;

export interface ActSpec { code: number; alpha: number; beta: number }

/** ONNX's default alpha/beta of each activation. */
export const ACT_DEFAULTS: Record<ActName, [number, number]> = {
  Sigmoid: [0, 0], Tanh: [0, 0], Relu: [0, 0], Affine: [1, 0], LeakyRelu: [0.01, 0], ThresholdedRelu: [1, 0],
  ScaledTanh: [1, 1], HardSigmoid: [0.2, 0.5], Elu: [1, 0], Softsign: [0, 0], Softplus: [0, 0],
  Selu: [1.67326319217681884765625, 1.05070102214813232421875], Swish: [0, 0],
};

export function act(name: ActName, alpha?: number, beta?: number): ActSpec {
  const [a, b] = ACT_DEFAULTS[name];
  return { code: ACT[name], alpha: alpha ?? a, beta: beta ?? b };
}

export interface DirWeights {
  W: Float32Array;   // [G·H, I] (or [I, G·H] with `columns`)
  R: Float32Array;   // [G·H, K], K = projSize || H (or [K, G·H] with `columns`)
  Wb: Float32Array;  // [G·H]
  Rb: Float32Array;  // [G·H]
  P?: Float32Array;  // LSTM peepholes [3·H] (i, o, f)
  Wp?: Float32Array; // LSTM projection [projSize, H]
  /**
   * W and R stored by columns, as Keras stores its kernels: gate g (ONNX order) is the column block columns[g], so
   * its unit j is column columns[g]·H + j. Packing reads them so (Engine.packColumns): no transposed copy.
   */
  columns?: readonly number[];
}

export interface LayerSpec {
  cell: CellType;
  inputSize: number;
  hiddenSize: number;
  /** 0 = no projection (LSTM only). */
  projSize: number;
  directions: 1 | 2;
  /** Per direction: LSTM [f, g, h], GRU [f, g], RNN [f]. */
  acts: ActSpec[][];
  /** Cell clip; Infinity = none. */
  clip: number;
  inputForget: boolean;
  linearBeforeReset: boolean;
}

export function gatesOf(cell: CellType): number {
  return cell === "lstm" ? 4 : cell === "gru" ? 3 : 1;
}

/** The default activations of a cell (ONNX defaults; RNN tanh). */
export function defaultActs(cell: CellType): ActSpec[] {
  if (cell === "lstm") return [act("Sigmoid"), act("Tanh"), act("Tanh")];
  if (cell === "gru") return [act("Sigmoid"), act("Tanh")];
  return [act("Tanh")];
}

/** Output width of one direction. */
export function outSize(spec: LayerSpec): number {
  return spec.projSize > 0 ? spec.projSize : spec.hiddenSize;
}

export const round8 = (n: number): number => (n + 7) & ~7;
