// loadTorch: a PyTorch nn.LSTM / nn.GRU / nn.RNN state_dict saved as .safetensors → a runnable module.
// The architecture comes from tensor names and shapes; `mode`, `batchFirst` and `prefix` say what they cannot.

import type { ForwardOptions, ForwardResult, StreamOptions, Tensor } from "../api.js";
import type { Engine } from "../engine/engine.js";
import { defaultEngineWith, initDefault } from "../engine/engine.js";
import { RnnError, describe } from "../errors.js";
import type { Stream } from "../core/stack.js";
import { GRU, LSTM, RNN, type RecurrentLayer } from "../layers/recurrent.js";
import { parseSafetensors, readFloat, type SafeFile } from "./safetensors.js";

export type TorchMode = "LSTM" | "GRU" | "RNN_TANH" | "RNN_RELU";

export interface LoadTorchOptions {
  /** The cell, when the tensors cannot tell (a plain RNN is RNN_TANH unless this says RNN_RELU). */
  mode?: TorchMode;
  /** Input and output are [batch, time, features] (the module's batch_first). Default false. */
  batchFirst?: boolean;
  /** The key prefix of the recurrent module inside a larger state_dict (e.g. "encoder.rnn."). */
  prefix?: string;
  engine?: Engine;
}

export interface TorchModuleInfo {
  mode: TorchMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
  projSize: number;
  bias: boolean;
  batchFirst: boolean;
  prefix: string;
}

/** A loaded PyTorch recurrent module with PyTorch's forward semantics. */
export class TorchModule {
  readonly info: TorchModuleInfo;
  private readonly layer: RecurrentLayer;
  constructor(info: TorchModuleInfo, layer: RecurrentLayer) {
    this.info = info;
    this.layer = layer;
  }
  /** output [T,B,D·Hout] ([B,T,…] when batchFirst), h [D·layers,B,Hout], c [D·layers,B,H] (LSTM). */
  forward(input: Tensor, opts: ForwardOptions = {}): ForwardResult { return this.layer.forward(input, opts); }
  stream(opts: StreamOptions = {}): Stream { return this.layer.stream(opts); }
  dispose(): void { this.layer.dispose(); }
}

const KEY = /^(.*)weight_ih_l(\d+)(_reverse)?$/;

/** A prefix for messages: at most its last 60 characters. */
function shown(prefix: string): string {
  return prefix.length > 60 ? "…" + prefix.slice(-60) : prefix;
}

/** Finds the prefixes of the recurrent modules in a state dict. */
export function recurrentPrefixes(names: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const n of names) {
    const m = KEY.exec(n);
    if (m && m[2] === "0" && !m[3]) set.add(m[1]);
  }
  return [...set];
}

export async function loadTorch(bytes: Uint8Array | ArrayBuffer, options: LoadTorchOptions = {}): Promise<TorchModule> {
  if (options === null || typeof options !== "object") throw new RnnError("BAD_ARGUMENT", `options: expected an object, found ${describe(options)}`);
  const engine = options.engine ?? (await defaultEngineWith());
  if (!options.engine) await initDefault();
  const file = parseSafetensors(bytes, engine.maxElements);
  return torchFromFile(file, options, engine);
}

export function torchFromFile(file: SafeFile, options: LoadTorchOptions, engine: Engine): TorchModule {
  const names = [...file.entries.keys()];
  let prefix = options.prefix;
  if (prefix !== undefined && typeof prefix !== "string") throw new RnnError("BAD_ARGUMENT", `prefix: expected a string, found ${describe(prefix)}`);
  if (prefix === undefined) {
    const found = recurrentPrefixes(names);
    if (found.length === 0) throw new RnnError("BAD_MODEL", "state dict: no recurrent module found (no tensor named like weight_ih_l0)");
    if (found.length > 1) {
      throw new RnnError("BAD_ARGUMENT", `prefix: the state dict holds ${found.length} recurrent modules (${found.slice(0, 5).map((p) => JSON.stringify(shown(p))).join(", ")}${found.length > 5 ? ", …" : ""}); pass { prefix } to pick one`);
    }
    prefix = found[0];
  } else if (prefix !== "" && !prefix.endsWith(".") && file.entries.has(prefix + ".weight_ih_l0")) {
    prefix += ".";
  }
  const entry = (name: string) => file.entries.get(prefix + name);
  const need = (name: string) => {
    const e = entry(name);
    if (!e) throw new RnnError("BAD_MODEL", `state dict: ${shown(prefix!)}${name} is missing`);
    return e;
  };
  const ih0 = need("weight_ih_l0"), hh0 = need("weight_hh_l0");
  if (ih0.shape.length !== 2 || hh0.shape.length !== 2) {
    throw new RnnError("BAD_MODEL", `state dict: ${shown(prefix)}weight_ih_l0 and weight_hh_l0 must be matrices, found [${ih0.shape.join(", ")}] and [${hh0.shape.join(", ")}]`);
  }
  const hr0 = entry("weight_hr_l0");
  const GH = ih0.shape[0], inputSize = ih0.shape[1];
  const K = hh0.shape[1];
  const projSize = hr0 ? hr0.shape[0] : 0;
  const H = hr0 ? (hr0.shape.length === 2 ? hr0.shape[1] : -1) : K;
  if (!(H > 0) || GH % H !== 0 || hh0.shape[0] !== GH || (hr0 && hr0.shape[0] !== K)) {
    throw new RnnError("BAD_MODEL", `state dict: inconsistent shapes weight_ih_l0 [${ih0.shape.join(", ")}], weight_hh_l0 [${hh0.shape.join(", ")}]${hr0 ? `, weight_hr_l0 [${hr0.shape.join(", ")}]` : ""}`);
  }
  if (!(inputSize > 0) || !(K > 0)) {
    throw new RnnError("BAD_MODEL", `state dict: weight_ih_l0 [${ih0.shape.join(", ")}] and weight_hh_l0 [${hh0.shape.join(", ")}] must have at least one column`);
  }
  if (hr0 && !(projSize > 0 && projSize < H)) {
    throw new RnnError("BAD_MODEL", `state dict: weight_hr_l0 [${hr0.shape.join(", ")}] must project the hidden size ${H} to a smaller size of at least 1`);
  }
  const G = GH / H;
  const modeOfG: Record<number, TorchMode> = { 4: "LSTM", 3: "GRU", 1: "RNN_TANH" };
  let mode = modeOfG[G];
  if (!mode) throw new RnnError("BAD_MODEL", `state dict: weight_ih_l0 has ${GH} rows = ${G} × hidden ${H}; expected 4 (LSTM), 3 (GRU) or 1 (RNN) gates`);
  if (options.mode !== undefined) {
    if (!["LSTM", "GRU", "RNN_TANH", "RNN_RELU"].includes(options.mode)) {
      throw new RnnError("BAD_ARGUMENT", `mode: expected "LSTM", "GRU", "RNN_TANH" or "RNN_RELU", found ${describe(options.mode)}`);
    }
    const ok = options.mode === mode || (mode === "RNN_TANH" && options.mode === "RNN_RELU");
    if (!ok) throw new RnnError("BAD_MODEL", `mode: ${options.mode} was asked for, but the tensors have ${G} gate(s) (${mode})`);
    mode = options.mode;
  }
  if (projSize && mode !== "LSTM") throw new RnnError("BAD_MODEL", `state dict: weight_hr_l0 (a projection) only exists for an LSTM, found ${mode}`);
  let numLayers = 0;
  while (entry(`weight_ih_l${numLayers}`)) numLayers++;
  const bidirectional = !!entry("weight_ih_l0_reverse");
  const bias = !!entry("bias_ih_l0");
  const sd: Record<string, Float32Array> = Object.create(null);
  for (let l = 0; l < numLayers; l++) {
    for (let d = 0; d < (bidirectional ? 2 : 1); d++) {
      const sfx = `_l${l}${d ? "_reverse" : ""}`;
      const I = l === 0 ? inputSize : (bidirectional ? 2 : 1) * K;
      const want: [string, number[]][] = [[`weight_ih${sfx}`, [GH, I]], [`weight_hh${sfx}`, [GH, K]]];
      if (bias) want.push([`bias_ih${sfx}`, [GH]], [`bias_hh${sfx}`, [GH]]);
      if (projSize) want.push([`weight_hr${sfx}`, [projSize, H]]);
      for (const [n, dims] of want) {
        const e = need(n);
        if (e.shape.join() !== dims.join()) throw new RnnError("BAD_MODEL", `state dict: ${shown(prefix)}${n} should have shape [${dims.join(", ")}], found [${e.shape.join(", ")}]`);
        sd[n] = readFloat(file, e, engine);
      }
    }
  }
  const base = { inputSize, hiddenSize: H, numLayers, bidirectional, batchFirst: !!options.batchFirst, bias, engine };
  const layer: RecurrentLayer = mode === "LSTM" ? new LSTM({ ...base, projSize })
    : mode === "GRU" ? new GRU(base)
    : new RNN({ ...base, nonlinearity: mode === "RNN_RELU" ? "relu" : "tanh" });
  layer.setWeights(sd);
  const info: TorchModuleInfo = { mode, inputSize, hiddenSize: H, numLayers, bidirectional, projSize, bias, batchFirst: !!options.batchFirst, prefix };
  return new TorchModule(info, layer);
}
