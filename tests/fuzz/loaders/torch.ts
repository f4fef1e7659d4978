// Fuzz entry: safetensors + loadTorch. Seeds are the PyTorch fixtures (every cell, dtype F32/F16/BF16, projections,
// bidirectional stacks, prefixed and two-module state dicts); mutants are structure-aware edits of their headers and
// data (safetensors-mutators.ts), sometimes with byte-level damage on top, and sometimes odd loader options.
// Stages: parse = parseSafetensors, validate = torchFromFile (names, shapes, packing), run = forward + a stream step.

import type { Tensor } from "../../../src/api.js";
import type { Engine } from "../../../src/engine/engine.js";
import { parseSafetensors, readFloat } from "../../../src/io/safetensors.js";
import { type LoadTorchOptions, type TorchModule, loadTorch, torchFromFile } from "../../../src/io/torch.js";
import type { FuzzEntry, GoldenModel } from "../entry.js";
import type { Rand } from "../mutate.js";
import { mutateSafetensors } from "../safetensors-mutators.js";
import { OracleError, checkOutput, closeTo, randomF32, readSeed } from "./common.js";
import { RnnError } from "../../../src/errors.js";

const DIR = "tests/fixtures/torch/";
const SEEDS = [
  "lstm_basic", "lstm_bidir", "lstm_2layer", "lstm_proj", "lstm_proj_bidir_2layer", "lstm_nobias_2layer", "lstm_f16_2layer",
  "lstm_bf16_bidir", "lstm_prefixed", "gru_basic", "gru_nobias_bidir", "gru_f16", "gru_bf16_2layer", "rnn_tanh_basic",
  "rnn_tanh_f16_prefixed", "rnn_relu_3layer_bidir", "pair_enc_dec", "lstm_b1_h1",
];
const PREFIXES = ["encoder.rnn.", "blocks.1.rnn.", "enc.lstm.", "dec.gru.", "enc.lstm", ""];
const GOLDEN = { file: "lstm_bidir_2layer_h0c0", io: "lstm_bidir_2layer_h0c0" };

interface Input { bytes: Uint8Array; options: LoadTorchOptions }

function options(r: Rand): LoadTorchOptions {
  if (r.chance(0.6)) return {};
  const o: Record<string, unknown> = {};
  if (r.chance(0.5)) o.prefix = r.chance(0.8) ? r.pick(PREFIXES) : r.pick<unknown>([5, null, {}, "__proto__", "constructor."]);
  if (r.chance(0.3)) o.mode = r.chance(0.8) ? r.pick(["LSTM", "GRU", "RNN_TANH", "RNN_RELU"]) : r.pick<unknown>(["lstm", 4, "__proto__"]);
  if (r.chance(0.3)) o.batchFirst = r.chance(0.5);
  return o as LoadTorchOptions;
}

function runModule(m: TorchModule, r: Rand): void {
  const { inputSize: I, numLayers: L, bidirectional, projSize, hiddenSize: H, mode, batchFirst } = m.info;
  const D = bidirectional ? 2 : 1, K = projSize || H;
  const T = r.range(1, 4), B = r.range(1, 3);
  const x: Tensor = { data: randomF32(() => r.next(), T * B * I, r.chance(0.1) ? 1e4 : 1), dims: batchFirst ? [B, T, I] : [T, B, I] };
  const opts: { h0?: Tensor; c0?: Tensor; lengths?: number[] } = {};
  if (r.chance(0.3)) opts.lengths = Array.from({ length: B }, () => r.range(0, T));
  if (r.chance(0.3)) opts.h0 = { data: randomF32(() => r.next(), L * D * B * K), dims: [L * D, B, K] };
  if (mode === "LSTM" && r.chance(0.3)) opts.c0 = { data: randomF32(() => r.next(), L * D * B * H), dims: [L * D, B, H] };
  const y = m.forward(x, opts);
  checkOutput(y.output, "output");
  checkOutput(y.h, "h");
  if (mode === "LSTM") checkOutput(y.c, "c");
  if (!bidirectional && r.chance(0.3)) {
    const s = m.stream({ batch: B });
    checkOutput(s.step({ data: randomF32(() => r.next(), B * I), dims: [B, I] }), "stream step");
    checkOutput(s.state().h, "stream state h");
    s.dispose();
  }
}

const entry: FuzzEntry<Uint8Array, Input> = {
  name: "torch",
  allowedCodes: ["BAD_MODEL", "UNSUPPORTED_OP", "LIMIT_EXCEEDED", "OUT_OF_MEMORY", "BAD_ARGUMENT"],
  seeds: (root) => SEEDS.map((s) => readSeed(root, `${DIR}${s}.safetensors`)),
  mutate(seeds, r) {
    const m = mutateSafetensors(r.pick(seeds), seeds, r);
    return { input: { bytes: m.bytes, options: options(r) }, how: m.how };
  },
  run(input, ctx, r) {
    ctx.stage = "parse";
    const file = parseSafetensors(input.bytes, ctx.engine.maxElements);
    ctx.stage = "validate";
    let m: TorchModule;
    try {
      m = torchFromFile(file, input.options, ctx.engine);
    } catch (e) {
      // a defect of the file is BAD_MODEL; BAD_ARGUMENT only for the options (or a file with several modules: pick one)
      if (e instanceof RnnError && e.code === "BAD_ARGUMENT" && Object.keys(input.options).length === 0 && !e.message.startsWith("BAD_ARGUMENT: prefix:")) {
        throw new OracleError(`BAD_ARGUMENT for a defect of the file, expected BAD_MODEL: ${e.message}`);
      }
      throw e;
    }
    try {
      ctx.stage = "run";
      runModule(m, r);
    } finally {
      m.dispose();
    }
  },
  async golden(engine: Engine, root: string): Promise<GoldenModel> {
    const bytes = readSeed(root, `${DIR}${GOLDEN.file}.safetensors`);
    const io = parseSafetensors(readSeed(root, `${DIR}${GOLDEN.io}.io.safetensors`));
    const get = (n: string): Tensor & { data: Float32Array } => { const e = io.entries.get(n)!; return { data: readFloat(io, e), dims: e.shape }; };
    const x = get("x"), h0 = get("h0"), c0 = get("c0");
    const run = (m: TorchModule) => { const y = m.forward(x, { h0, c0 }); return [y.output.data, y.h.data, y.c!.data]; };
    const kept = await loadTorch(bytes, { engine });
    const outputs = run(kept);
    const vsFramework = closeTo(outputs[0], get("output").data, "output") ?? closeTo(outputs[1], get("h").data, "h") ?? closeTo(outputs[2], get("c").data, "c");
    return {
      outputs, vsFramework,
      again: async () => run(kept),
      fresh: async () => { const m = await loadTorch(bytes, { engine }); try { return run(m); } finally { m.dispose(); } },
      dispose: () => kept.dispose(),
    };
  },
};
export default entry;
