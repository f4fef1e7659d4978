// The registry of fuzzed loaders: one line per entry. `module` is the entry's file (tests/fuzz/loaders/), `requires`
// the repository files it needs (the suite fails when one is missing).

export interface EntryInfo {
  name: string;
  module: string;
  requires: string[];
}

export const ENTRIES: readonly EntryInfo[] = [
  { name: "torch", module: "tests/fuzz/loaders/torch.ts", requires: ["src/io/torch.ts", "src/io/safetensors.ts"] },
  { name: "layers", module: "tests/fuzz/loaders/layers.ts", requires: ["src/layers/recurrent.ts"] },
  { name: "onnx", module: "tests/fuzz/loaders/onnx.ts", requires: ["src/io/onnx/index.ts", "tests/fixtures/onnx/nodes"] },
  { name: "keras", module: "tests/fuzz/loaders/keras.ts", requires: ["src/io/keras/index.ts", "tests/fixtures/keras"] },
  { name: "model", module: "tests/fuzz/loaders/model.ts", requires: ["src/io/model.ts", "models/spam-bigru.safetensors"] },
];
