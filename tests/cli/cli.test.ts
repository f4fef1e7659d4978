// The rnn-wasm command as a shell script sees it: node dist/cli/main.js (built by `npm test`'s pretest).
// Expected numbers come from PyTorch / TF.js fixtures and the export's metrics (models/train/metrics.json).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJsonTensor, readNpy, writeNpy } from "../../src/cli/npy.js";
import { parseSafetensors, readFloat } from "../../src/io/safetensors.js";
import { closeTo } from "../helpers.js";

const root = join(__dirname, "..", "..");
const cli = join(root, "dist", "cli", "main.js");
const fx = join(__dirname, "fixtures");

function rnn(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: root, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const tmp = () => mkdtempSync(join(tmpdir(), "rnn-wasm-cli-"));

describe(".npy files", () => {
  it("reads what numpy wrote: float32, float64 (narrowed), int32, int64, 0-d", () => {
    const f32 = readNpy(readFileSync(join(fx, "f32_2x3x2.npy")), "f32");
    expect(f32.dims).toEqual([2, 3, 2]);
    expect(Array.from(f32.data as Float32Array)).toEqual(Array.from({ length: 12 }, (_, i) => (i - 3) / 4));
    const f64 = readNpy(readFileSync(join(fx, "f64_2x3x2.npy")), "f64");
    expect(f64.data).toBeInstanceOf(Float32Array);
    expect(Array.from(f64.data as Float32Array)).toEqual(Array.from(f32.data as Float32Array));
    const i32 = readNpy(readFileSync(join(fx, "i32_2x3x2.npy")), "i32");
    expect(Array.from(i32.data as Int32Array)).toEqual(Array.from({ length: 12 }, (_, i) => i - 3));
    const i64 = readNpy(readFileSync(join(fx, "i64_2x3x2.npy")), "i64");
    expect(i64.data).toBeInstanceOf(BigInt64Array);
    expect(Array.from(i64.data as BigInt64Array, Number)).toEqual(Array.from({ length: 12 }, (_, i) => i - 3));
    const s = readNpy(readFileSync(join(fx, "i64_scalar.npy")), "s");
    expect(s.dims).toEqual([]);
    expect(Number(s.data[0])).toBe(7);
  });

  it("refuses Fortran order, complex dtypes, truncation and non-npy bytes, naming the file", () => {
    expect(() => readNpy(readFileSync(join(fx, "f32_fortran_2x3.npy")), "a.npy")).toThrow(/BAD_ARGUMENT: a\.npy: .*fortran_order/);
    expect(() => readNpy(readFileSync(join(fx, "c64_2.npy")), "c.npy")).toThrow(/BAD_ARGUMENT: c\.npy: .*dtype <c8/);
    const good = readFileSync(join(fx, "f32_2x3x2.npy"));
    expect(() => readNpy(good.subarray(0, good.length - 1), "t.npy")).toThrow(/needs 48 data bytes, found 47/);
    expect(() => readNpy(new TextEncoder().encode("hello world"), "h.npy")).toThrow(/magic/);
  });

  it("writes files that it (and numpy's header rules: 64-byte aligned, version 1) reads back", () => {
    for (const t of [
      { data: Float32Array.of(1.5, -2, 3), dims: [3] },
      { data: Int32Array.of(1, 2, 3, 4), dims: [2, 2] },
      { data: BigInt64Array.of(5n, -6n), dims: [2, 1] },
    ]) {
      const b = writeNpy(t);
      expect((10 + new DataView(b.buffer).getUint16(8, true)) % 64).toBe(0);
      const r = readNpy(b, "x");
      expect(r.dims).toEqual(t.dims);
      expect(Array.from(r.data as ArrayLike<number | bigint>)).toEqual(Array.from(t.data as ArrayLike<number | bigint>));
    }
  });

  it("reads JSON tensors and rejects inconsistent ones", () => {
    expect(readJsonTensor('{"dims":[2],"data":[1,2]}', "j").data).toBeInstanceOf(Float32Array);
    expect(readJsonTensor('{"dims":[2],"data":[1,2],"dtype":"int64"}', "j").data).toBeInstanceOf(BigInt64Array);
    expect(() => readJsonTensor('{"dims":[3],"data":[1,2]}', "j.json")).toThrow(/j\.json: dims \[3\] hold 3 values but data has 2/);
  });
});

describe("rnn-wasm", () => {
  it("prints help for the tool and every command, exit 0", () => {
    for (const args of [["--help"], ["run", "--help"], ["inspect", "--help"], ["bench", "--help"], ["demo", "--help"]]) {
      const r = rnn(...args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toMatch(/rnn-wasm/);
    }
    expect(rnn("run", "--help").stdout).toMatch(/--input NAME=FILE/);
  });

  it("fails usage errors with exit 2 and one BAD_ARGUMENT line", () => {
    for (const args of [["frobnicate"], ["run"], ["run", "m.safetensors", "--input", "nonsense"], ["demo", "--build", "avx"], ["inspect", "x.onnx", "--wat"]]) {
      const r = rnn(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^BAD_ARGUMENT: /);
    }
    expect(rnn().code).toBe(2);
  });

  it("fails model and input errors with exit 1 and one CODE: message line", () => {
    const dir = tmp();
    const broken = join(dir, "broken.safetensors");
    writeFileSync(broken, readFileSync(join(root, "models", "spam-bigru.safetensors")).subarray(0, 100));
    let r = rnn("inspect", broken);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^BAD_MODEL: .*header length/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    r = rnn("inspect", join(dir, "missing.safetensors"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^BAD_ARGUMENT: MODEL: cannot read .*ENOENT/);
    // an x of the wrong width for a PyTorch GRU
    const x = join(dir, "x.npy");
    writeFileSync(x, writeNpy({ data: new Float32Array(6 * 2 * 4), dims: [6, 2, 4] }));
    r = rnn("run", join(root, "tests/fixtures/torch/gru_basic.safetensors"), "--input", `x=${x}`, "--output", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^SHAPE_MISMATCH: x: .*input size 3/);
  });

  it("runs a PyTorch state_dict and writes PyTorch's output, h as .npy", () => {
    const io = parseSafetensors(readFileSync(join(root, "tests/fixtures/torch/gru_basic.io.safetensors")));
    const get = (n: string) => ({ data: readFloat(io, io.entries.get(n)!), dims: io.entries.get(n)!.shape });
    const dir = tmp();
    writeFileSync(join(dir, "x.npy"), writeNpy(get("x")));
    const r = rnn("run", join(root, "tests/fixtures/torch/gru_basic.safetensors"), "--input", `x=${join(dir, "x.npy")}`, "--output", join(dir, "out"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const n of ["output", "h"]) {
      const got = readNpy(readFileSync(join(dir, "out", n + ".npy")), n);
      expect(got.dims).toEqual(get(n).dims);
      expect(closeTo(got.data as Float32Array, get(n).data)).toBeNull();
    }
  });

  it("runs the bundled model on texts (a JSON array) and gives PyTorch's probabilities", () => {
    const golden = JSON.parse(readFileSync(join(root, "tests/io/model/golden.json"), "utf8"));
    const typed = (golden.typed as { text: string; spam: number | null }[]).filter((t) => t.spam !== null);
    const dir = tmp();
    writeFileSync(join(dir, "texts.json"), JSON.stringify(typed.map((t) => t.text)));
    const r = rnn("run", join(root, "models/spam-bigru.safetensors"), "--input", `text=${join(dir, "texts.json")}`, "--output", dir, "--steps");
    expect(r.code, r.stderr).toBe(0);
    const out = readNpy(readFileSync(join(dir, "output.npy")), "output");
    expect(out.dims).toEqual([typed.length, 2]);
    const spam = typed.map((_, i) => (out.data as Float32Array)[i * 2 + 1]);
    expect(closeTo(spam, typed.map((t) => t.spam!), 1e-4, 1e-3)).toBeNull();
    const steps = readNpy(readFileSync(join(dir, "steps.npy")), "steps");
    expect(steps.dims.slice(0, 1).concat(steps.dims.slice(2))).toEqual([typed.length, 2]);
    expect(readNpy(readFileSync(join(dir, "hidden.npy")), "hidden").dims[2]).toBe(96);
  });

  it("runs a TF.js model.json (weights found by its manifest) with a JSON input", () => {
    const name = "bidir_concat_gru_last";
    const io = JSON.parse(readFileSync(join(root, "tests/fixtures/keras", name + ".io.json"), "utf8"));
    const dir = tmp();
    writeFileSync(join(dir, "input.json"), JSON.stringify(io.input));
    const r = rnn("run", join(root, "tests/fixtures/keras", name + ".model.json"), "--input", `input=${join(dir, "input.json")}`, "--output", dir);
    expect(r.code, r.stderr).toBe(0);
    const out = readNpy(readFileSync(join(dir, "output.npy")), "output");
    expect(out.dims).toEqual(io.expected.dims);
    expect(closeTo(out.data as Float32Array, io.expected.data)).toBeNull();
  });

  it("inspects the bundled model: layers, the parameter count PyTorch counted, the build", () => {
    const metrics = JSON.parse(readFileSync(join(root, "models/train/metrics.json"), "utf8"));
    const r = rnn("inspect", join(root, "models/spam-bigru.safetensors"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/bidirectional GRU 16→48/);
    expect(r.stdout).toContain(`parameters: ${metrics.parameters.toLocaleString("en")}`);
    expect(r.stdout).toMatch(/runs on: the (simd|relaxed-simd|scalar) build/);
    const j = JSON.parse(rnn("inspect", join(root, "models/spam-bigru.safetensors"), "--json", "--build", "scalar").stdout);
    expect(j.build).toBe("scalar");
    expect(j.parameters).toBe(metrics.parameters);
    const t = rnn("inspect", join(root, "tests/fixtures/torch/gru_basic.safetensors"));
    expect(t.stdout).toMatch(/GRU input 3, hidden 5/);
  });

  it("benchmarks after checking against the scalar build", () => {
    const r = rnn("bench", join(root, "models/spam-bigru.safetensors"), "--seconds", "0.2", "--steps", "64", "--batch", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verified: matches the scalar build/);
    expect(r.stdout).toMatch(/latency: median [\d.]+ ms/);
    expect(r.stdout).toMatch(/throughput: [\d.]+ k?M? ?steps\/s/);
    expect(r.stderr).toBe(""); // no progress bar when stderr is not a terminal
  });

  it("demo: classifies the 200 held-out messages with the accuracy PyTorch measured", () => {
    const metrics = JSON.parse(readFileSync(join(root, "models/train/metrics.json"), "utf8"));
    const r = rnn("demo", "--show", "3");
    expect(r.code, r.stderr).toBe(0);
    const acc = (metrics.examples.accuracy * 100).toFixed(1);
    expect(r.stdout).toContain(`accuracy: ${acc}% (${Math.round(metrics.examples.accuracy * 200)}/200)`);
    expect(r.stdout).toContain(`baseline ("all ham"): ${(metrics.examples.majority_baseline * 100).toFixed(1)}%`);
    expect(r.stdout).toMatch(/throughput: [\d.]+ k? ?messages\/s/);
    const t = rnn("demo", "--text", "Subject: meeting notes\n\nHere are the notes from today's design review.");
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/P\(spam\) = 0\.\d{3}/);
  });
});
