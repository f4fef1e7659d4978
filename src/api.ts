// Public types of rnn-wasm, with their documentation. The logic lives in the modules that implement them.

/** A dense row-major tensor: product(dims) === data.length. Any object of this shape is accepted. */
export interface Tensor {
  data: Float32Array | Int32Array | BigInt64Array;
  dims: number[];
}

/** Which compiled variant of the kernels runs. */
export type BuildName = "relaxed-simd" | "simd" | "scalar";

export interface EngineLimits {
  /** Refuse any allocation that would take the engine's wasm memory past this many bytes. Default: 2 GiB. */
  maxBytes?: number;
  /** Refuse any model tensor or input with more than this many elements. Default: 2^28. */
  maxElements?: number;
}

export interface EngineOptions {
  /** "auto" (default): the best build the runtime validates (relaxed SIMD, then SIMD, then scalar). */
  build?: "auto" | BuildName;
  /**
   * Bring your own compiled build: a WebAssembly.Module compiled from `rnn-wasm/wasm/<build>.wasm` (required where
   * run-time compilation is forbidden, e.g. Cloudflare Workers), or its bytes. Default: the embedded build.
   */
  wasm?: WebAssembly.Module | ArrayBuffer | Uint8Array;
  /** Size limits checked before allocating. */
  limits?: EngineLimits;
  /**
   * The kernels' loop shapes, a speed choice with the same results either way. Default: chosen for the runtime's
   * WebAssembly compiler (its V8 version; see bench/RESULTS.md). Override to compare them, or for an engine where
   * another choice measures faster.
   */
  loopShapes?: LoopShapes;
}

/** Loop shapes of the kernels (EngineOptions.loopShapes). Each gives the same bits; only the speed differs. */
export interface LoopShapes {
  /** Batch-1 panel loops with two k per iteration and GRU panels in pairs (pays where the compiler keeps order). */
  unroll?: boolean;
  /** 6-row register tiles in the relaxed-SIMD build (4 rows otherwise). */
  tileRows6?: boolean;
  /** LSTM recurrent weights in two halves per panel, walked with 4 accumulators instead of 8. */
  splitR?: boolean;
  /**
   * Every other recurrent step walks the weights' panels backwards, so that a step starts on the weights the previous
   * one left in the core's L2 cache (default on everywhere; off: every step walks forwards).
   */
  zigzag?: boolean;
  /**
   * 4-row register tiles in the relaxed-SIMD build that read their inputs two at a time: fewer, wider loads (on by
   * default in Deno 2.2 and later, whose V8 bounds-checks every load in the code, and in workerd; combine with
   * `tileRows6: false`, as the default does, for the 4-row tiles to be used everywhere).
   */
  pairLoads?: boolean;
}

export interface EngineInfo {
  version: string;
  build: BuildName;
  simd: boolean;
}

/** An activation of a recurrent gate, with ONNX's names and parameters. */
export type ActivationName =
  | "Sigmoid" | "Tanh" | "Relu" | "Affine" | "LeakyRelu" | "ThresholdedRelu" | "ScaledTanh" | "HardSigmoid"
  | "Elu" | "Softsign" | "Softplus" | "Selu" | "Swish";
export interface Activation {
  name: ActivationName;
  /** Defaults as in ONNX: LeakyRelu 0.01, ThresholdedRelu 1, HardSigmoid 0.2, Elu 1, Affine/ScaledTanh 1. */
  alpha?: number;
  /** Defaults: HardSigmoid 0.5, Affine 0, ScaledTanh 1. */
  beta?: number;
}

export interface ForwardOptions {
  /** Initial hidden state [numLayers·D, B, Hout] (or [numLayers·D, Hout] for unbatched input). Default zeros. */
  h0?: Tensor;
  /** Initial cell state [numLayers·D, B, H] (LSTM only). Default zeros. */
  c0?: Tensor;
  /**
   * Per-row sequence lengths (0..T): steps past a row's length output zeros and leave its state alone; the final
   * states are those after each row's last step (PyTorch packed sequences, ONNX sequence_lens).
   */
  lengths?: ArrayLike<number>;
}

export interface ForwardResult {
  /** [T, B, D·Hout] ([B, T, D·Hout] when batchFirst; [T, D·Hout] for unbatched input). */
  output: Tensor & { data: Float32Array };
  /** Final hidden state [numLayers·D, B, Hout]. */
  h: Tensor & { data: Float32Array };
  /** Final cell state [numLayers·D, B, H] (LSTM only). */
  c?: Tensor & { data: Float32Array };
}

export interface StreamOptions {
  h0?: Tensor;
  c0?: Tensor;
  /** Batch size of the stream (default: from h0, else 1). */
  batch?: number;
}

export interface StreamState {
  h: Tensor & { data: Float32Array };
  c?: Tensor & { data: Float32Array };
}
